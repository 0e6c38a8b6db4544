//! One file per command, each a short pipeline over a [`Config`]: load and validate
//! the workspace, then compute and write. Every input is validated before the first
//! byte goes to `out`; diagnostics, warnings and notices go to `err`.

pub mod check;
pub mod eval;
pub mod explain;
pub mod template;
pub mod trend;

use std::io::{self, Write};

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Sources, render_all, suggestion};
use crate::load;
use crate::model::Model;
use crate::validate;

/// Exit codes (CONTRACT §7).
pub const OK: u8 = 0;
pub const NOT_PASSED: u8 = 1;
pub const INVALID: u8 = 2;

/// Standard output as the commands see it: a reader that closes the pipe early
/// (`kaohe eval | head`) stops the writing, not the run, so the exit code stays what
/// the whole run would give; any other failure is kept for a message at the end.
pub struct Output<'a> {
    inner: &'a mut dyn Write,
    failure: Option<io::Error>,
}

impl<'a> Output<'a> {
    pub fn new(inner: &'a mut dyn Write) -> Self {
        Output { inner, failure: None }
    }

    /// Nothing more will reach the reader.
    pub fn closed(&self) -> bool {
        self.failure.is_some()
    }

    /// Flush, and turn a failure other than a closed pipe into a message and exit 2.
    pub fn finish(mut self, code: u8, err: &mut dyn Write) -> u8 {
        if self.failure.is_none()
            && let Err(e) = self.inner.flush()
        {
            self.failure = Some(e);
        }
        match self.failure {
            Some(e) if e.kind() != io::ErrorKind::BrokenPipe => {
                let _ = writeln!(err, "error: cannot write the output: {e}");
                INVALID
            }
            _ => code,
        }
    }
}

impl Write for Output<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.failure.is_none()
            && let Err(e) = self.inner.write_all(buf)
        {
            self.failure = Some(e);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A validated workspace.
pub struct Workspace {
    pub model: Model,
    /// Every file read, as its path was given or found (an output never replaces one).
    pub inputs: Vec<std::path::PathBuf>,
}

impl Workspace {
    /// Load and validate, printing every problem to `err` in reading order (by file,
    /// then by place in the file); `None` when there was an error (exit 2).
    pub fn load(config: &Config, err: &mut dyn Write) -> Option<Workspace> {
        let mut sources = Sources::default();
        let mut diags: Vec<Diagnostic> = Vec::new();
        let raw = load::load(&config.paths, &mut sources, &mut diags);
        let model = validate::validate(raw, &sources, &mut diags);
        diags.sort_by_cached_key(|d| match &d.loc {
            Some(loc) => (sources.get(loc.file).path.clone(), loc.span.start),
            None => (d.path.clone().unwrap_or_default(), 0),
        });
        if config.quiet {
            diags.retain(Diagnostic::is_error);
        }
        let text = render_all(&diags, &sources, config.verbose);
        let _ = err.write_all(text.as_bytes());
        let inputs = sources.files.iter().map(|f| std::path::PathBuf::from(&f.path)).collect();
        (!diags.iter().any(Diagnostic::is_error)).then_some(Workspace { model, inputs })
    }

    pub fn entity_ids(&self) -> impl Iterator<Item = &str> + Clone {
        self.model.entities.iter().map(|e| e.id.as_str())
    }

    pub fn ruleset_ids(&self) -> impl Iterator<Item = &str> + Clone {
        self.model.rulesets.iter().map(|r| r.id.as_str())
    }

    pub fn metric_ids(&self) -> impl Iterator<Item = &str> + Clone {
        self.model.catalog.metrics.keys().map(String::as_str)
    }
}

/// `kaohe completions SHELL`: the shell's completion script, from the clap definitions.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn Write) -> u8 {
    use clap::CommandFactory;
    clap_complete::generate(shell, &mut crate::cli::Cli::command(), "kaohe", out);
    OK
}

/// `kaohe man [COMMAND]`: the man page (roff) of kaohe, whose list of commands points
/// to `kaohe-COMMAND(1)`, or of one command, from the clap definitions.
pub fn man(command: Option<&str>, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
    use clap::CommandFactory;
    let mut cli = crate::cli::Cli::command().disable_help_subcommand(true);
    // Building names each command's page `kaohe-COMMAND`.
    cli.build();
    let page = match command {
        None => cli,
        Some(name) => match cli.find_subcommand(name) {
            Some(sub) => sub.clone(),
            None => {
                let known = cli.get_subcommands().map(|c| c.get_name().to_string()).collect::<Vec<_>>();
                let hint =
                    suggestion(name, known.iter().map(String::as_str)).map(|s| format!(" ({s})")).unwrap_or_default();
                return usage(err, &format!("no command `{name}`{hint}; the commands are {}", known.join(", ")));
            }
        },
    };
    match clap_mangen::Man::new(page).render(out) {
        Ok(()) => OK,
        Err(e) => usage(err, &format!("cannot write the man page: {e}")),
    }
}

/// A usage error (exit 2).
pub fn usage(err: &mut dyn Write, message: &str) -> u8 {
    let _ = writeln!(err, "error: {message}");
    INVALID
}

/// Every id of `asked` must be one of `known`; else the usage error, with a suggestion.
pub fn check_ids<'a>(asked: &[String], known: impl Iterator<Item = &'a str> + Clone, what: &str) -> Result<(), String> {
    for id in asked {
        if !known.clone().any(|k| k == id) {
            let hint = suggestion(id, known.clone()).map(|s| format!(" ({s})")).unwrap_or_default();
            return Err(format!("unknown {what} `{id}`{hint}"));
        }
    }
    Ok(())
}
