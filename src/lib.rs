//! kaohe (考核): a target-vs-actual KPI evaluation engine.
//!
//! Data flows one way: arguments ──▶ [`config::Config`]; files ──load──▶ raw
//! ──validate──▶ [`model::Model`] ──plan──▶ compiled programs ──evaluate──▶
//! [`evaluate::Evaluation`] ──report──▶ grid ──render──▶ any `Write`, one section at a
//! time. `commands` holds the pipeline of each command; the binary only parses
//! arguments and maps the result to an exit code.

pub mod cli;
pub mod commands;
pub mod config;
pub mod diagnostic;
pub mod escape;
pub mod evaluate;
pub mod expr;
pub mod interval;
pub mod load;
pub mod model;
pub mod number;
pub mod output_file;
pub mod render;
pub mod report;
pub mod solve;
pub mod template;
pub mod text;
pub mod trend;
pub mod validate;
pub mod workers;

use std::io::Write;

use crate::commands::Output;
use crate::config::{Config, Job};

/// Run one command: results to `out` (or to `--output FILE`, renamed into place only
/// when the run ends with exit 0 or 1), diagnostics to `err`; the exit code.
pub fn run(config: &Config, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let Some(path) = &config.output else { return run_to(config, out, err) };
    let mut file = match output_file::OutputFile::create(path) {
        Ok(f) => f,
        Err(m) => return commands::usage_in(err, &m, config.lang),
    };
    let code = run_to(config, file.writer(), err);
    if code > commands::NOT_PASSED {
        // Dropping the temporary file removes it; an existing target is untouched.
        return code;
    }
    match file.commit() {
        Ok(()) => code,
        Err(m) => commands::usage_in(err, &m, config.lang),
    }
}

fn run_to(config: &Config, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    let mut out = Output::new(out);
    let code = match &config.job {
        Job::Check => commands::check::run(config, &mut out, err),
        Job::Eval(job) => commands::eval::run(config, job, &mut out, err),
        Job::Explain(job) => commands::explain::run(config, job, &mut out, err),
        Job::Trend(job) => commands::trend::trend(config, job, &mut out, err),
        Job::Compare(job) => commands::trend::compare(config, job, &mut out, err),
        Job::Template(job) => commands::template::run(config, job, &mut out, err),
        Job::Completions(shell) => commands::completions(*shell, &mut out),
        Job::Man(command) => commands::man(command.as_deref(), config.lang, &mut out, err),
    };
    out.finish_in(code, err, config.lang)
}
