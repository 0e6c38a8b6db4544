//! Diagnostics: the one place where problems with input files become messages.
//!
//! A problem carries the file it is about and a byte span into that file's text;
//! line and column (1-based, columns counted in characters) are computed only when
//! the message is printed, from the text kept in [`Sources`].

use std::fmt::Write as _;
use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

/// How serious a diagnostic is. Only errors make `check` and `eval` fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
    Notice,
}

/// One file's text as it was read (after decoding), kept so that diagnostics can
/// quote the offending line.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
}

/// Every file read in one run; a [`FileId`] indexes into it.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    pub files: Vec<SourceFile>,
}

pub type FileId = usize;

impl Sources {
    pub fn add(&mut self, path: String, text: String) -> FileId {
        self.files.push(SourceFile { path, text });
        self.files.len() - 1
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id]
    }

    /// 1-based line and character column of a byte offset.
    pub fn line_col(&self, id: FileId, offset: usize) -> (usize, usize) {
        line_col(&self.files[id].text, offset)
    }
}

/// 1-based line and character column of `offset` in `text` (clamped to the text).
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = text[line_start..offset].chars().count() + 1;
    (line, col)
}

/// A location in a file: which file, which bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loc {
    pub file: FileId,
    pub span: Range<usize>,
}

impl Loc {
    pub fn new(file: FileId, span: Range<usize>) -> Self {
        Loc { file, span }
    }
}

/// A problem with the input, or a notice about it.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub severity: Severity,
    /// `None` for problems that are not about a place in a file (a missing folder).
    pub loc: Option<Loc>,
    /// Used when there is no `loc` but there is a path (a file that cannot be read).
    pub path: Option<String>,
    pub message: String,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(loc: Loc, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Error, loc: Some(loc), path: None, message: message.into(), help: None }
    }

    pub fn warning(loc: Loc, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(loc, message) }
    }

    /// A problem with a whole file or path, not a place inside it.
    pub fn file_error(path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            loc: None,
            path: Some(path.into()),
            message: message.into(),
            help: None,
        }
    }

    pub fn file_notice(path: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Notice, ..Diagnostic::file_error(path, message) }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `path:line:col: message` for a problem (CONTRACT §7), `path:line:col: warning:
    /// message` and `…: notice: message` for the rest, then the offending line with a
    /// caret.
    pub fn render(&self, sources: &Sources) -> String {
        let label = match self.severity {
            Severity::Error => "",
            Severity::Warning => "warning: ",
            Severity::Notice => "notice: ",
        };
        let mut out = String::new();
        let Some(loc) = &self.loc else {
            let path = self.path.as_deref().unwrap_or("kaohe");
            let _ = writeln!(out, "{path}: {label}{}", self.message);
            if let Some(help) = &self.help {
                let _ = writeln!(out, "  = help: {help}");
            }
            return out;
        };
        let file = sources.get(loc.file);
        let (line, col) = line_col(&file.text, loc.span.start);
        let _ = writeln!(out, "{}:{line}:{col}: {label}{}", file.path, self.message);
        out.push_str(&snippet(&file.text, loc.span.clone(), self.severity, self.help.as_deref()));
        out
    }
}

/// The offending line with a caret under the span, drawn by annotate-snippets.
fn snippet(text: &str, span: Range<usize>, severity: Severity, help: Option<&str>) -> String {
    let start = clamp_boundary(text, span.start);
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let line_text = text[line_start..line_end].trim_end_matches('\r');
    let line_no = text[..line_start].matches('\n').count() + 1;
    let local_start = start - line_start;
    let end = clamp_boundary(text, span.end.max(start)).min(line_start + line_text.len());
    let local_end = end.max(start) - line_start;
    let level = match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Notice => Level::NOTE,
    };
    let mut group = Group::with_level(level.clone()).element(
        Snippet::source(line_text).line_start(line_no).annotation(AnnotationKind::Primary.span(local_start..local_end)),
    );
    if let Some(help) = help {
        group = group.element(Level::HELP.message(help));
    }
    let mut rendered = Renderer::plain().render(&[group]);
    rendered.push('\n');
    rendered
}

fn clamp_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Closest candidate to `word` for a "did you mean" hint, if one is close enough.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(word, c), c))
        .filter(|(d, c)| *d <= (word.chars().count().max(c.chars().count()) / 3).max(2))
        .min_by_key(|(d, c)| (*d, c.len()))
        .map(|(_, c)| c)
}

/// "did you mean `x`?" or nothing.
pub fn suggestion<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    did_you_mean(word, candidates).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let text = "a = 1\n名称 = \"x\"\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(text.find('=').map(|off| line_col(text, off)), Some((1, 3)));
        assert_eq!(text.rfind('=').map(|off| line_col(text, off)), Some((2, 4)));
    }

    #[test]
    fn render_names_path_line_col_and_caret() {
        let mut sources = Sources::default();
        let text = "id = \"x\"\nmetric = \"patent_aplications\"\n".to_string();
        let start = text.find("\"patent").unwrap();
        let id = sources.add("rules/a.toml".into(), text);
        let d = Diagnostic::error(Loc::new(id, start..start + 20), "unknown metric `patent_aplications`")
            .with_help("did you mean `patent_applications`?");
        let out = d.render(&sources);
        assert!(out.starts_with("rules/a.toml:2:10: unknown metric `patent_aplications`\n"), "{out}");
        assert!(out.contains("^^^^^^^^^^^^^^^^^^^^"), "{out}");
        assert!(out.contains("did you mean `patent_applications`?"), "{out}");
    }

    #[test]
    fn did_you_mean_finds_near_misses_only() {
        let ids = ["patent_applications", "invention_applications", "gdp"];
        assert_eq!(did_you_mean("patent_aplications", ids), Some("patent_applications"));
        assert_eq!(did_you_mean("population", ids), None);
    }
}
