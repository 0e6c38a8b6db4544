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
use crate::diagnostic::{Candidates, Diagnostic, Sources, did_you_mean, render_all};
use crate::load;
use crate::model::{Model, Quotes};
use crate::text::{self, Lang, Message, UsageWhat};
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

    /// [`Output::finish_in`] in English.
    pub fn finish(self, code: u8, err: &mut dyn Write) -> u8 {
        self.finish_in(code, err, Lang::En)
    }

    /// Flush, and turn a failure other than a closed pipe into a message (in `lang`)
    /// and exit 2.
    pub fn finish_in(mut self, code: u8, err: &mut dyn Write, lang: Lang) -> u8 {
        if self.failure.is_none()
            && let Err(e) = self.inner.flush()
        {
            self.failure = Some(e);
        }
        match self.failure {
            Some(e) if e.kind() != io::ErrorKind::BrokenPipe => {
                let _ = writeln!(err, "{}{}", text::error_label(lang), text::cannot_write(&e.to_string(), lang));
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
        // Only `explain` prints a figure's source quote and note, of its one entity.
        let quotes = match &config.job {
            crate::config::Job::Explain(job) => Quotes::Of(job.entity.clone()),
            _ => Quotes::Drop,
        };
        let raw = load::load(&config.paths, quotes, &mut sources, &mut diags);
        if let Some(output) = &config.output
            && crate::output_file::names_an_input(output, sources.files.iter().map(|f| std::path::Path::new(&f.path)))
        {
            usage_in(err, &Message::OutputIsInput { path: output.display().to_string() }, config.lang);
            return None;
        }
        if let Some(output) = &config.output {
            let or_default = |given: &[std::path::PathBuf], default: &str| {
                if given.is_empty() { vec![std::path::PathBuf::from(default)] } else { given.to_vec() }
            };
            let rules = or_default(&config.paths.rules, "rules");
            let data = or_default(&config.paths.data, "data");
            let trees = rules
                .into_iter()
                .map(|r| (r, load::files::Tree::Rules, false))
                .chain(data.into_iter().map(|d| (d, load::files::Tree::Data, true)))
                .collect::<Vec<_>>();
            if let Some((_, _, data)) =
                trees.iter().find(|(root, tree, _)| load::files::would_read(root, *tree, output))
            {
                let message = Message::OutputInInputFolder { path: output.display().to_string(), data: *data };
                usage_in(err, &message, config.lang);
                return None;
            }
        }
        let model = validate::validate(raw, &sources, &mut diags);
        load::restore_texts(&mut sources, &diags);
        diags.sort_by_cached_key(|d| match &d.loc {
            Some(loc) => (sources.get(loc.file).path.clone(), loc.span.start),
            None => (d.path.clone().unwrap_or_default(), 0),
        });
        if config.quiet {
            diags.retain(Diagnostic::is_error);
        }
        let text = render_all(&diags, &sources, config.verbose, config.lang);
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

    /// Entities by name, for a "did you mean" when `--entity` is given a name.
    pub fn entity_labels(&self) -> Candidates {
        crate::validate::entity_candidates(&self.model.entities)
    }

    /// Rule sets by name (`--ruleset 绵竹市2015年知识产权工作目标`).
    pub fn ruleset_labels(&self) -> Candidates {
        let rulesets = &self.model.rulesets;
        let labels: Vec<(String, String)> =
            rulesets.iter().filter_map(|r| r.name.as_ref().map(|n| (n.trim().to_string(), r.id.clone()))).collect();
        Candidates::new(rulesets.iter().map(|r| r.id.clone())).with_labels(labels)
    }

    /// Metrics by `name` and `en` label, for a "did you mean" when an id is a label.
    pub fn metric_labels(&self) -> Candidates {
        crate::validate::metric_candidates(&self.model.catalog)
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
pub fn man(command: Option<&str>, lang: Lang, out: &mut dyn Write, err: &mut dyn Write) -> u8 {
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
                let hint = did_you_mean(name, known.iter().map(String::as_str)).map(str::to_string);
                return usage_in(err, &Message::NoCommand { name: name.to_string(), hint, known }, lang);
            }
        },
    };
    match clap_mangen::Man::new(page).render(out) {
        Ok(()) => OK,
        Err(e) => usage_in(err, &Message::CannotWriteMan { error: e.to_string() }, lang),
    }
}

/// A usage error (exit 2) in `lang`.
pub fn usage_in(err: &mut dyn Write, message: &Message, lang: Lang) -> u8 {
    let _ = writeln!(err, "{}{}", text::error_label(lang), message.word(lang));
    INVALID
}

/// Every id of `asked` must be one of `known`; else the usage error, with a suggestion
/// (an id, or the id whose label `labels` gives is the word asked for).
pub fn check_known<'a>(
    asked: &[String],
    known: impl Iterator<Item = &'a str> + Clone,
    labels: &Candidates,
    what: UsageWhat,
) -> Result<(), Message> {
    for id in asked {
        if !known.clone().any(|k| k == id) {
            let hint = labels.labelled(id).or_else(|| did_you_mean(id, known.clone())).map(str::to_string);
            return Err(Message::UsageUnknown { what, id: id.clone(), hint });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `man`'s usage error is worded in the run's language (it takes no `--lang`:
    /// the locale decides).
    #[test]
    fn man_of_an_unknown_command_in_both_languages() {
        let run = |lang| {
            let (mut out, mut err) = (Vec::new(), Vec::new());
            assert_eq!(man(Some("chek"), lang, &mut out, &mut err), INVALID);
            assert!(out.is_empty());
            String::from_utf8(err).unwrap_or_default()
        };
        let en = run(Lang::En);
        assert!(
            en.starts_with("error: no command `chek` (did you mean `check`?); the commands are check, eval"),
            "{en}"
        );
        let zh = run(Lang::Zh);
        assert!(zh.starts_with("错误：没有命令 `chek`（是不是要写 `check`？）；命令有：`check`、`eval`"), "{zh}");
    }
}
