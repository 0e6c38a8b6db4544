//! One file per command, each a short pipeline over a [`Config`]: load and validate
//! the workspace, then compute and write. Every input is validated before the first
//! byte goes to `out`; diagnostics, warnings and notices go to `err`.

pub mod check;
pub mod eval;
pub mod explain;
pub mod trend;

use std::io::{self, Write};

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Sources, suggestion};
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
}

impl Workspace {
    /// Load and validate, printing every problem to `err` in reading order (by file,
    /// then by place in the file); `None` when there was an error (exit 2).
    pub fn load(config: &Config, err: &mut dyn Write) -> Option<Workspace> {
        let mut sources = Sources::default();
        let mut diags: Vec<Diagnostic> = Vec::new();
        let raw = load::load(&config.paths, &mut sources, &mut diags);
        if let Some(output) = &config.output
            && crate::output_file::names_an_input(output, sources.files.iter().map(|f| std::path::Path::new(&f.path)))
        {
            let shown = crate::text::shown(&output.display().to_string()).into_owned();
            usage(err, &format!("--output `{shown}` names an input file; write the result somewhere else"));
            return None;
        }
        if let Some(output) = &config.output {
            let rules = config.paths.rules.clone().unwrap_or_else(|| "rules".into());
            let data = config.paths.data.clone().unwrap_or_else(|| "data".into());
            let trees = [(rules, load::files::Tree::Rules, "rules"), (data, load::files::Tree::Data, "data")];
            if let Some((_, _, folder)) =
                trees.iter().find(|(root, tree, _)| load::files::would_read(root, *tree, output))
            {
                let shown = crate::text::shown(&output.display().to_string()).into_owned();
                usage(
                    err,
                    &format!(
                        "--output `{shown}` is inside the {folder} folder, where the next run would read it as input; \
                         write the result somewhere else"
                    ),
                );
                return None;
            }
        }
        let model = validate::validate(raw, &sources, &mut diags);
        diags.sort_by_cached_key(|d| match &d.loc {
            Some(loc) => (sources.get(loc.file).path.clone(), loc.span.start),
            None => (d.path.clone().unwrap_or_default(), 0),
        });
        let text: String = diags.iter().map(|d| d.render(&sources)).collect();
        let _ = err.write_all(text.as_bytes());
        (!diags.iter().any(Diagnostic::is_error)).then_some(Workspace { model })
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
