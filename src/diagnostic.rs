//! Diagnostics: the one place where problems with input files become messages.
//!
//! A problem carries the file it is about and a byte span into that file's text;
//! line and column (1-based, columns counted in characters) are computed only when
//! the message is printed, from the text kept in [`Sources`] and an index of its line
//! starts built once per file, so that printing many problems stays linear.
//!
//! Everything printed that came from an input file (its name, the quoted line, the
//! ids and words inside messages) goes through [`escape_text`] (CONTRACT §7). Past
//! [`MAX_PER_FILE`] problems in one file, [`limit_per_file`] replaces the rest with
//! one count.

use std::fmt::Write as _;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use std::collections::HashMap;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::escape::escape_text;
use crate::text::{self, Lang, LookAlike, Message};

/// How serious a diagnostic is. Only errors make `check` and `eval` fail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
    Notice,
}

/// What a warning is about, where many of one kind are expected in a normal workspace
/// (a shared `rules/` used with a data folder of one entity names every other entity):
/// at print time, repeats of one kind become one line that names each
/// ([`render_all`]); `--verbose` prints them one by one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum WarningKind {
    /// `applies_to.entities` names an id no data file defines.
    UnknownEntity,
    /// `applies_to.kinds` names a kind no entity has.
    UnknownKind,
    /// `applies_to.tags` names a tag no entity has.
    UnknownTag,
    /// A file in a workspace folder that kaohe does not read.
    SkippedFile,
    /// A `[groups]` entry no rule names.
    UnusedGroup,
}

/// How many names a grouped warning lists before it counts the rest.
const GROUPED_NAMES: usize = 8;

/// Every diagnostic of a run, in the order given. Unless `verbose`, warnings of one
/// [`WarningKind`] that come two or more and carry no help (a "did you mean" is worth
/// its own lines) are printed as one line, where the first of them stands, naming each
/// subject once. Errors and notices are never grouped.
pub fn render_all(diags: &[Diagnostic], sources: &Sources, verbose: bool, lang: Lang) -> String {
    let groupable = |d: &Diagnostic| {
        d.severity == Severity::Warning && d.help.is_none() && d.suggest.is_none() && !d.summary && d.group.is_some()
    };
    let mut members: std::collections::BTreeMap<WarningKind, Vec<&str>> = std::collections::BTreeMap::new();
    if !verbose {
        for d in diags.iter().filter(|d| groupable(d)) {
            if let Some((kind, subject)) = &d.group {
                members.entry(*kind).or_default().push(subject);
            }
        }
        // With a single warning of a kind, its own lines say more.
        members.retain(|_, list| list.len() >= 2);
    }
    let mut printed: std::collections::HashSet<WarningKind> = std::collections::HashSet::new();
    let mut out = String::new();
    for d in diags {
        let grouped = d.group.as_ref().map(|(k, _)| *k).filter(|k| groupable(d) && members.contains_key(k));
        match grouped {
            None => out.push_str(&d.render_in(sources, lang)),
            Some(kind) if printed.insert(kind) => {
                let list = &members[&kind];
                let mut names: Vec<&str> = Vec::new();
                for s in list {
                    if !names.contains(s) {
                        names.push(s);
                    }
                }
                let shown: Vec<String> =
                    names.iter().take(GROUPED_NAMES).map(|s| escape_text(s).into_owned()).collect();
                let more = names.len().saturating_sub(GROUPED_NAMES);
                let message = Message::Grouped { kind, count: list.len(), names: shown, more };
                let _ = writeln!(out, "{}{}", text::warning_label(lang), message.word(lang));
            }
            Some(_) => {}
        }
    }
    out
}

/// One file's text as it was read (after decoding), kept so that diagnostics can
/// quote the offending line.
#[derive(Clone, Debug)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
    /// Byte offsets where lines start, built the first time a place is asked for.
    lines: OnceLock<Vec<usize>>,
    /// For a workbook sheet, whose `text` holds one cell's text per line: the sheet
    /// and the cell of each line, so that places print as `path:SHEET!C7`.
    pub sheet: Option<Box<Sheet>>,
    /// The text was dropped to save memory ([`Sources::forget`]); it is read again
    /// from this path when a diagnostic must quote it.
    pub forgotten: Option<std::path::PathBuf>,
}

/// A workbook sheet's name and the cell (0-based row and column) of each line of
/// the text standing for it.
#[derive(Clone, Debug)]
pub struct Sheet {
    pub name: String,
    pub cells: Vec<(u32, u32)>,
}

/// `C7` for row 6, column 2 (both 0-based), as spreadsheets name cells.
pub fn cell_name(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut c = col + 1;
    while c > 0 {
        c -= 1;
        letters.push(char::from(b'A' + (c % 26) as u8));
        c /= 26;
    }
    letters.iter().rev().collect::<String>() + &(u64::from(row) + 1).to_string()
}

impl SourceFile {
    pub fn new(path: String, text: String) -> Self {
        SourceFile { path, text, lines: OnceLock::new(), sheet: None, forgotten: None }
    }

    /// The cell a byte offset of a sheet's text stands for.
    fn cell_of(&self, offset: usize) -> Option<(u32, u32)> {
        let sheet = self.sheet.as_ref()?;
        let (line, _) = self.line_of(clamp_boundary(&self.text, offset));
        sheet.cells.get(line).copied()
    }

    fn line_starts(&self) -> &[usize] {
        self.lines.get_or_init(|| line_starts(&self.text))
    }

    /// The 0-based line holding byte `offset`, and the byte range of that line
    /// without its line end.
    fn line_of(&self, offset: usize) -> (usize, Range<usize>) {
        let starts = self.line_starts();
        let line = starts.partition_point(|&s| s <= offset).saturating_sub(1);
        let start = starts[line];
        let end = starts.get(line + 1).copied().unwrap_or(self.text.len());
        let body = self.text[start..end].trim_end_matches(['\n', '\r']);
        (line, start..start + body.len())
    }

    /// 1-based line and character column of a byte offset (clamped to the text).
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = clamp_boundary(&self.text, offset);
        let (line, range) = self.line_of(offset);
        let col = self.text[range.start..offset.max(range.start)].chars().count() + 1;
        (line + 1, col)
    }
}

/// Where lines start: after `\n`, after `\r\n`, and after a lone `\r`, as a text
/// editor counts lines whatever the line ends (CONTRACT §6).
fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            starts.push(i + 1);
        }
    }
    starts
}

/// Every file read in one run; a [`FileId`] indexes into it.
#[derive(Clone, Debug, Default)]
pub struct Sources {
    pub files: Vec<SourceFile>,
}

pub type FileId = usize;

impl Sources {
    pub fn add(&mut self, path: String, text: String) -> FileId {
        self.files.push(SourceFile::new(path, text));
        self.files.len() - 1
    }

    /// Drop a file's text, which no diagnostic quotes (yet): a national workspace's
    /// texts would otherwise stay in memory beside the model. `from` is where to
    /// read it again.
    pub fn forget(&mut self, id: FileId, from: std::path::PathBuf) {
        let file = &mut self.files[id];
        file.text = String::new();
        file.lines = OnceLock::new();
        file.forgotten = Some(from);
    }

    /// Put back a forgotten file's text.
    pub fn restore(&mut self, id: FileId, text: String) {
        let file = &mut self.files[id];
        file.text = text;
        file.lines = OnceLock::new();
        file.forgotten = None;
    }

    /// A workbook sheet: `text` holds one cell's text per line, `cells` the cell of each.
    pub fn add_sheet(&mut self, path: String, text: String, sheet: Sheet) -> FileId {
        let mut file = SourceFile::new(path, text);
        file.sheet = Some(Box::new(sheet));
        self.files.push(file);
        self.files.len() - 1
    }

    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id]
    }

    /// 1-based line and character column of a byte offset.
    pub fn line_col(&self, id: FileId, offset: usize) -> (usize, usize) {
        self.files[id].line_col(offset)
    }

    /// `path:line:col` of a place, as diagnostics print it (the path escaped).
    pub fn place(&self, loc: &Loc) -> String {
        let file = self.get(loc.file);
        if let (Some(sheet), Some((row, col))) = (&file.sheet, file.cell_of(loc.span.start)) {
            return format!("{}:{}!{}", escape_text(&file.path), escape_text(&sheet.name), cell_name(row, col));
        }
        let (line, col) = file.line_col(loc.span.start);
        format!("{}:{line}:{col}", escape_text(&file.path))
    }
}

/// 1-based line and character column of `offset` in `text` (clamped to the text).
/// Scans the text up to `offset`; for many places in one file, use
/// [`Sources::line_col`], which indexes the lines once.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = clamp_boundary(text, offset);
    let before = &text.as_bytes()[..offset];
    let starts = line_starts(&text[..offset]);
    // A `\r` just before `offset` that a `\n` follows is not a line end of its own.
    let split_crlf = before.last() == Some(&b'\r') && text.as_bytes().get(offset) == Some(&b'\n');
    let line_start = if split_crlf { starts[starts.len().saturating_sub(2)] } else { starts[starts.len() - 1] };
    let line = starts.len() - usize::from(split_crlf);
    (line, text[line_start..offset].chars().count() + 1)
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
    /// What the problem is, worded in the run's language when printed.
    pub kind: Message,
    /// `kind` in English, kept for callers and tests that compare messages.
    pub message: String,
    pub help: Option<Message>,
    /// A count of the problems of a file that are not shown ([`limit_per_file`]):
    /// printed as `path: message`, after that file's other problems.
    pub summary: bool,
    /// A "did you mean" searched for only when the diagnostic is printed (a file may
    /// hold thousands of unknown ids, and only 200 of its problems are printed):
    /// the word, where to look, and the help to give when nothing is close.
    pub suggest: Option<(String, Candidates, Option<Message>)>,
    /// For a warning that may come many times: its kind and what it names (an id, a
    /// path), by which [`render_all`] groups repeats.
    pub group: Option<(WarningKind, String)>,
}

/// Ids to look in for a "did you mean", shared among diagnostics without copying,
/// with the labels people write instead of an id (a metric's `name` or `en`, an
/// entity's name): a word equal to a label suggests its id (`专利申请量` →
/// `patent_applications`), whatever the spelling distance.
#[derive(Clone, Debug, Default)]
pub struct Candidates(Vec<Arc<Vec<String>>>, Vec<Arc<HashMap<String, String>>>);

impl Candidates {
    pub fn new(ids: impl IntoIterator<Item = String>) -> Self {
        Candidates(vec![Arc::new(ids.into_iter().collect())], Vec::new())
    }

    /// These, and `labels` (label, id) that name an id in other words.
    pub fn with_labels(mut self, labels: impl IntoIterator<Item = (String, String)>) -> Self {
        self.1.push(Arc::new(labels.into_iter().collect()));
        self
    }

    /// These and `more`.
    pub fn and(&self, more: &Candidates) -> Candidates {
        Candidates(self.0.iter().chain(&more.0).cloned().collect(), self.1.iter().chain(&more.1).cloned().collect())
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.0.iter().flat_map(|list| list.iter().map(String::as_str))
    }

    /// The id whose label is exactly `word` (trimmed), if any.
    pub fn labelled(&self, word: &str) -> Option<&str> {
        let word = word.trim();
        self.1.iter().find_map(|labels| labels.get(word)).map(String::as_str)
    }

    /// The id to suggest for `word`: the one it names by label, else the closest id.
    pub fn closest(&self, word: &str) -> Option<&str> {
        self.labelled(word).or_else(|| did_you_mean(word, self.iter()))
    }
}

impl Diagnostic {
    pub fn error(loc: Loc, message: impl Into<Message>) -> Self {
        let kind = message.into();
        Diagnostic {
            severity: Severity::Error,
            loc: Some(loc),
            path: None,
            message: kind.to_string(),
            kind,
            help: None,
            summary: false,
            suggest: None,
            group: None,
        }
    }

    pub fn warning(loc: Loc, message: impl Into<Message>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(loc, message) }
    }

    /// A problem with a whole file or path, not a place inside it.
    pub fn file_error(path: impl Into<String>, message: impl Into<Message>) -> Self {
        let kind = message.into();
        Diagnostic {
            severity: Severity::Error,
            loc: None,
            path: Some(path.into()),
            message: kind.to_string(),
            kind,
            help: None,
            summary: false,
            suggest: None,
            group: None,
        }
    }

    pub fn file_warning(path: impl Into<String>, message: impl Into<Message>) -> Self {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::file_error(path, message) }
    }

    pub fn file_notice(path: impl Into<String>, message: impl Into<Message>) -> Self {
        Diagnostic { severity: Severity::Notice, ..Diagnostic::file_error(path, message) }
    }

    /// Mark a warning as one of `kind`, about `subject`, for grouping.
    pub fn of_kind(mut self, kind: WarningKind, subject: impl Into<String>) -> Self {
        self.group = Some((kind, subject.into()));
        self
    }

    pub fn with_help(mut self, help: impl Into<Message>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// "did you mean" the closest of `candidates` to `word`, found when printed; else
    /// `otherwise` as the help.
    pub fn suggest_or(mut self, word: &str, candidates: &Candidates, otherwise: Option<Message>) -> Self {
        self.suggest = Some((word.to_string(), candidates.clone(), otherwise));
        self
    }

    /// The help line: given, or the suggestion searched for now.
    pub fn help_message(&self) -> Option<Message> {
        self.help.clone().or_else(|| {
            let (word, candidates, otherwise) = self.suggest.as_ref()?;
            match candidates.closest(word) {
                Some(c) => Some(Message::DidYouMean { word: c.to_string() }),
                None => otherwise.clone(),
            }
        })
    }

    /// The help line in English.
    pub fn help_text(&self) -> Option<String> {
        self.help_message().map(|m| m.to_string())
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// [`Diagnostic::render_in`] in English.
    pub fn render(&self, sources: &Sources) -> String {
        self.render_in(sources, Lang::En)
    }

    /// `path:line:col: message` for a problem (CONTRACT §7), `path:line:col: warning:
    /// message` and `…: notice: message` for the rest, then the offending line with a
    /// caret, worded in `lang`. Input text in any of it is escaped (CONTRACT §7).
    pub fn render_in(&self, sources: &Sources, lang: Lang) -> String {
        let label = match self.severity {
            Severity::Error => "",
            Severity::Warning => text::warning_label(lang),
            Severity::Notice => text::notice_label(lang),
        };
        let worded = self.kind.word(lang);
        let message = escape_text(&worded);
        let help_text = self.help_message().map(|m| m.word(lang));
        let help = help_text.as_deref().map(escape_text);
        let help_label = text::help_label(lang);
        let mut out = String::new();
        let located = self.loc.as_ref().filter(|_| !self.summary);
        let Some(loc) = located else {
            let path = match (&self.loc, &self.path) {
                (Some(loc), _) => escape_text(&sources.get(loc.file).path),
                (None, Some(path)) => escape_text(path),
                (None, None) => "kaohe".into(),
            };
            let _ = writeln!(out, "{path}: {label}{message}");
            if let Some(help) = &help {
                let _ = writeln!(out, "  = {help_label}: {help}");
            }
            return out;
        };
        let file = sources.get(loc.file);
        let _ = writeln!(out, "{}: {label}{message}", sources.place(loc));
        out.push_str(&snippet(file, loc.span.clone(), self.severity, help.as_deref(), lang));
        out
    }
}

/// How many characters of a line a snippet shows around the place it points at.
const SNIPPET_BEFORE: usize = 60;
const SNIPPET_WIDTH: usize = 160;

/// The offending line with a caret under the span, drawn by annotate-snippets. A long
/// line is cut to a window around the span (marked `…`), and the shown text is
/// escaped, with the caret moved to match.
fn snippet(file: &SourceFile, span: Range<usize>, severity: Severity, help: Option<&str>, lang: Lang) -> String {
    let text = &file.text;
    let start = clamp_boundary(text, span.start);
    let (line, range) = file.line_of(start);
    let start = start.max(range.start).min(range.end);
    let end = clamp_boundary(text, span.end.max(start)).min(range.end).max(start);
    // The window: up to SNIPPET_BEFORE characters before the span, SNIPPET_WIDTH in all.
    let before: Vec<usize> = text[range.start..start].char_indices().map(|(i, _)| range.start + i).collect();
    let from = if before.len() > SNIPPET_BEFORE { before[before.len() - SNIPPET_BEFORE] } else { range.start };
    let to = text[from..range.end].char_indices().nth(SNIPPET_WIDTH).map_or(range.end, |(i, _)| from + i);
    let end = end.min(to.max(start));
    // Build the shown line, escaping piece by piece so that the span's offsets follow.
    let mut shown = String::new();
    if from > range.start {
        shown.push('…');
    }
    let local_start = shown.len() + escape_text(&text[from..start]).len();
    let local_end = local_start + escape_text(&text[start..end]).len();
    shown.push_str(&escape_text(&text[from..to]));
    if to < range.end {
        shown.push('…');
    }
    let level = match severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
        Severity::Notice => Level::NOTE,
    };
    // A sheet's cell is shown with its spreadsheet row number.
    let line_number = file.cell_of(span.start).map_or(line + 1, |(row, _)| row as usize + 1);
    let mut group = Group::with_level(level.clone()).element(
        Snippet::source(shown.as_str())
            .line_start(line_number)
            .annotation(AnnotationKind::Primary.span(local_start..local_end)),
    );
    if let Some(help) = help {
        group = group.element(Level::HELP.with_name(text::help_label(lang)).message(help));
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

/// How many problems of one file are printed (CONTRACT §7); the rest are counted.
pub const MAX_PER_FILE: usize = 200;

/// Keep the first [`MAX_PER_FILE`] problems of each file (in order of place) and
/// replace the rest with one diagnostic counting them; an error if any of them is.
/// Problems about a whole path (no place) count with their path's file.
pub fn limit_per_file(diags: &mut Vec<Diagnostic>, sources: &Sources) {
    let key = |d: &Diagnostic| match &d.loc {
        Some(loc) => sources.get(loc.file).path.clone(),
        None => d.path.clone().unwrap_or_default(),
    };
    let mut counts: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for d in diags.iter() {
        *counts.entry(key(d)).or_default() += 1;
    }
    if counts.values().all(|&n| n <= MAX_PER_FILE) {
        return;
    }
    let mut all = std::mem::take(diags);
    all.sort_by_cached_key(|d| (key(d), d.loc.as_ref().map_or(0, |l| l.span.start)));
    let mut omitted: Vec<(String, Option<Loc>, usize, bool)> = Vec::new();
    let mut shown = 0;
    let mut current: Option<String> = None;
    for d in all {
        let k = key(&d);
        if current.as_ref() != Some(&k) {
            current = Some(k.clone());
            shown = 0;
        }
        if shown < MAX_PER_FILE {
            shown += 1;
            diags.push(d);
            continue;
        }
        match omitted.last_mut() {
            Some((path, _, n, error)) if *path == k => {
                *n += 1;
                *error |= d.is_error();
            }
            _ => omitted.push((k, d.loc.clone(), 1, d.is_error())),
        }
    }
    for (path, loc, n, error) in omitted {
        let message = Message::MoreNotShown { count: n, max: MAX_PER_FILE };
        let severity = if error { Severity::Error } else { Severity::Warning };
        // Placed at the end of the file, so that it sorts after the file's other problems.
        let loc = loc.map(|l| {
            let len = sources.get(l.file).text.len();
            Loc::new(l.file, len..len)
        });
        let d = Diagnostic {
            severity,
            loc,
            path: Some(path),
            message: message.to_string(),
            kind: message,
            help: None,
            summary: true,
            suggest: None,
            group: None,
        };
        diags.push(d);
    }
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

/// Whether `word` is a near miss of `known` (CONTRACT §9): within two edits (one
/// for keys of up to six characters, so that short keys are not all near each
/// other), one a prefix of the other (`applies` for `applies_to`), the same but for
/// case, `_` and `-`, or the same once look-alike letters are read as the ASCII they
/// imitate (a Cyrillic `е` in `prefecturе`).
pub fn is_near_miss(word: &str, known: &str) -> bool {
    if word == known {
        return false;
    }
    let (w, k) = (word.chars().count(), known.chars().count());
    let edits = if k <= 6 { 1 } else { 2 };
    let normal = |s: &str| -> String {
        skeleton(s).chars().filter(|c| *c != '_' && *c != '-').flat_map(char::to_lowercase).collect()
    };
    strsim::damerau_levenshtein(word, known) <= edits
        || (w.min(k) >= 4 && (known.starts_with(word) || word.starts_with(known)))
        || normal(word) == normal(known)
}

/// `s` with look-alike letters (Cyrillic and Greek letters shaped like Latin ones,
/// full-width ASCII) replaced by the ASCII letters they look like.
pub fn skeleton(s: &str) -> String {
    s.chars().map(look_alike).collect()
}

fn look_alike(c: char) -> char {
    match c {
        // Full-width ASCII.
        '\u{ff01}'..='\u{ff5e}' => char::from_u32(u32::from(c) - 0xfee0).unwrap_or(c),
        'а' | 'α' => 'a',
        'в' | 'β' => 'b',
        'с' | 'ϲ' => 'c',
        'ԁ' => 'd',
        'е' | 'ё' | 'ε' => 'e',
        'һ' => 'h',
        'і' | 'ї' | 'ι' => 'i',
        'ј' => 'j',
        'к' | 'κ' => 'k',
        'м' => 'm',
        'п' | 'η' => 'n',
        'о' | 'ο' => 'o',
        'р' | 'ρ' => 'p',
        'ԛ' => 'q',
        'ѕ' => 's',
        'т' | 'τ' => 't',
        'υ' => 'u',
        'ν' => 'v',
        'ԝ' | 'ω' => 'w',
        'х' | 'χ' => 'x',
        'у' | 'γ' => 'y',
        'А' | 'Α' => 'A',
        'В' | 'Β' => 'B',
        'С' => 'C',
        'Е' | 'Ε' => 'E',
        'Н' | 'Η' => 'H',
        'І' | 'Ι' => 'I',
        'Ј' => 'J',
        'К' | 'Κ' => 'K',
        'М' | 'Μ' => 'M',
        'О' | 'Ο' => 'O',
        'Р' | 'Ρ' => 'P',
        'Ѕ' => 'S',
        'Т' | 'Τ' => 'T',
        'Х' | 'Χ' => 'X',
        'У' | 'Υ' => 'Y',
        'Ζ' => 'Z',
        _ => c,
    }
}

/// "`е` is U+0435, not `e`" for each look-alike letter in `word`, for messages
/// about text that looks right but is not.
pub fn look_alikes(word: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in word.chars() {
        let plain = look_alike(c);
        if plain != c {
            let note = format!("`{c}` is U+{:04X}, not `{plain}`", u32::from(c));
            if !out.contains(&note) {
                out.push(note);
            }
        }
    }
    out
}

/// The look-alike letters in `word`, each once, typed for [`Message::LooksLike`].
pub fn look_alike_letters(word: &str) -> Vec<LookAlike> {
    let mut out: Vec<LookAlike> = Vec::new();
    for c in word.chars() {
        let plain = look_alike(c);
        if plain != c && !out.iter().any(|l| l.letter == c) {
            out.push(LookAlike { letter: c, plain });
        }
    }
    out
}

/// "did you mean `x`?" as a message, or nothing.
pub fn did_you_mean_message<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<Message> {
    did_you_mean(word, candidates).map(|c| Message::DidYouMean { word: c.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_named_as_spreadsheets_name_them() {
        for (row, col, name) in [
            (0, 0, "A1"),
            (6, 2, "C7"),
            (0, 25, "Z1"),
            (0, 26, "AA1"),
            (9, 701, "ZZ10"),
            (0, 702, "AAA1"),
            (1_048_575, 16_383, "XFD1048576"),
        ] {
            assert_eq!(cell_name(row, col), name);
        }
    }

    #[test]
    fn a_sheet_place_is_its_cell() {
        let mut sources = Sources::default();
        let id = sources.add_sheet(
            "data/f.xlsx".into(),
            "entity\n\n23O\n".into(),
            Sheet { name: "表1".into(), cells: vec![(0, 0), (1, 0), (1, 1)] },
        );
        assert_eq!(sources.place(&Loc::new(id, 0..6)), "data/f.xlsx:表1!A1");
        assert_eq!(sources.place(&Loc::new(id, 8..11)), "data/f.xlsx:表1!B2");
        let d = Diagnostic::error(Loc::new(id, 8..11), "`23O` is not a number");
        assert_eq!(d.render(&sources), "data/f.xlsx:表1!B2: `23O` is not a number\n  |\n2 | 23O\n  | ^^^\n");
    }

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
    fn repeated_warnings_of_a_kind_are_one_line_unless_verbose() {
        let mut sources = Sources::default();
        let id = sources.add("rules/a.toml".into(), "entities = [\"x\", \"y\", \"x\"]\n".into());
        let warn = |at: usize, who: &str| {
            Diagnostic::warning(Loc::new(id, at..at + 3), format!("names `{who}`"))
                .of_kind(WarningKind::UnknownEntity, who)
        };
        let diags = vec![
            Diagnostic::error(Loc::new(id, 0..1), "bad"),
            warn(12, "x"),
            warn(17, "y"),
            warn(22, "x"),
            warn(12, "z").with_help("did you mean `x`?"),
            Diagnostic::file_warning("data/a.doc", "skipped").of_kind(WarningKind::SkippedFile, "data/a.doc"),
        ];
        let out = render_all(&diags, &sources, false, Lang::En);
        let lines: Vec<&str> = out.lines().filter(|l| l.contains("warning")).collect();
        assert_eq!(
            lines,
            [
                "warning: 3 `applies_to` entries name entities no data file defines: x, y (--verbose shows each)",
                "rules/a.toml:1:13: warning: names `z`",
                "data/a.doc: warning: skipped",
            ]
        );
        assert!(out.starts_with("rules/a.toml:1:1: bad\n"), "{out}");
        let verbose = render_all(&diags, &sources, true, Lang::En);
        assert_eq!(verbose.lines().filter(|l| l.contains(": warning: names")).count(), 4, "{verbose}");
    }

    #[test]
    fn near_misses() {
        for (word, known) in [
            ("applies", "applies_to"),
            ("aplies_to", "applies_to"),
            ("applies_ot", "applies_to"),
            ("appliesTo", "applies_to"),
            ("Applies-To", "applies_to"),
            ("pass_scor", "pass_score"),
            ("peroid", "period"),
            ("rules", "rule"),
            ("nmae", "name"),
            ("prefectur\u{0435}", "prefecture"),
            ("\u{0440}r\u{0435}f\u{0435}\u{0441}tur\u{0435}", "prefecture"),
            ("ｐｒｅｆｅｃｔｕｒｅ", "prefecture"),
            ("countylevel", "county-level"),
        ] {
            assert!(is_near_miss(word, known), "{word} / {known}");
        }
        for (word, known) in
            [("founded", "kind"), ("ok", "id"), ("notes", "name"), ("applies_to", "applies_to"), ("park", "pilot")]
        {
            assert!(!is_near_miss(word, known), "{word} / {known}");
        }
        assert_eq!(look_alikes("prefectur\u{0435}"), ["`\u{0435}` is U+0435, not `e`"]);
    }

    #[test]
    fn a_label_suggests_its_id_across_languages() {
        let names = Candidates::new(["patent_applications".to_string(), "gdp".to_string()]).with_labels([
            ("专利申请量".to_string(), "patent_applications".to_string()),
            ("Patent applications".to_string(), "patent_applications".to_string()),
        ]);
        assert_eq!(names.closest("专利申请量"), Some("patent_applications"));
        assert_eq!(names.closest(" Patent applications "), Some("patent_applications"));
        assert_eq!(names.closest("patent_aplications"), Some("patent_applications"));
        assert_eq!(names.closest("人口"), None);
        // Labels travel with `and`, as the spreadsheet reader combines candidates.
        let entities = Candidates::new(["mianzhu".to_string()]).with_labels([("绵竹市".into(), "mianzhu".into())]);
        assert_eq!(names.and(&entities).closest("绵竹市"), Some("mianzhu"));
    }

    #[test]
    fn render_in_chinese_keeps_the_place_and_the_layout() {
        let mut sources = Sources::default();
        let text = "[period.2015]\n\"专利申请量\" = 3\n".to_string();
        let start = text.find('"').unwrap_or(0);
        let id = sources.add("data/a.toml".into(), text);
        let names = Candidates::new(["patent_applications".to_string()])
            .with_labels([("专利申请量".to_string(), "patent_applications".to_string())]);
        let d =
            Diagnostic::warning(Loc::new(id, start..start + 17), Message::UnknownMetric { id: "专利申请量".into() })
                .suggest_or("专利申请量", &names, None);
        let zh = d.render_in(&sources, Lang::Zh);
        assert!(zh.starts_with("data/a.toml:2:1: 警告：未知指标 `专利申请量`\n"), "{zh}");
        assert!(zh.contains("= 帮助: 是不是要写 `patent_applications`？"), "{zh}");
        let en = d.render(&sources);
        assert!(en.starts_with("data/a.toml:2:1: warning: unknown metric `专利申请量`\n"), "{en}");
        assert!(en.contains("= help: did you mean `patent_applications`?"), "{en}");
        // The snippet is drawn the same way in both languages.
        let lines = |s: &str| s.lines().skip(1).filter(|l| !l.contains('=')).map(str::to_string).collect::<Vec<_>>();
        assert_eq!(lines(&zh), lines(&en));
    }

    #[test]
    fn did_you_mean_finds_near_misses_only() {
        let ids = ["patent_applications", "invention_applications", "gdp"];
        assert_eq!(did_you_mean("patent_aplications", ids), Some("patent_applications"));
        assert_eq!(did_you_mean("population", ids), None);
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    /// Line and column the slow way: lines end at `\n`, `\r\n` or a lone `\r`.
    fn naive(text: &str, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let (mut line, mut col) = (1, 1);
        for (i, c) in text[..offset].char_indices() {
            match c {
                // The `\r` of a `\r\n` is part of the line end: the line ends after `\n`.
                '\r' if text[i + 1..].starts_with('\n') => col += 1,
                '\n' | '\r' => {
                    line += 1;
                    col = 1;
                }
                _ => col += 1,
            }
        }
        (line, col)
    }

    proptest! {
        #[test]
        fn the_line_index_agrees_with_counting(text in "[a\n\r名\t]{0,30}", offsets in prop::collection::vec(0usize..40, 1..8)) {
            let mut sources = Sources::default();
            let id = sources.add("f".into(), text.clone());
            for offset in offsets {
                prop_assert_eq!(sources.line_col(id, offset), naive(&text, offset), "{:?} at {}", text, offset);
                prop_assert_eq!(line_col(&text, offset), naive(&text, offset), "{:?} at {}", text, offset);
            }
        }

        /// Whatever the text, the file name and the span, a rendered diagnostic holds no
        /// control character but its own line ends, and names the place it is about.
        #[test]
        fn rendering_is_clean(text in "(?s).{0,60}", path in "(?s).{0,8}", start in 0usize..70, len in 0usize..10, help: bool) {
            let mut sources = Sources::default();
            let id = sources.add(path.clone(), text.clone());
            let mut d = Diagnostic::error(Loc::new(id, start..start + len), format!("bad `{text}`"));
            if help {
                d = d.with_help(format!("see `{path}`"));
            }
            let out = d.render(&sources);
            prop_assert!(!out.chars().any(|c| c != '\n' && crate::escape::needs_escape(c)), "{:?}", out);
            let (line, col) = sources.line_col(id, start);
            let place = format!("{}:{line}:{col}: ", escape_text(&path));
            prop_assert!(out.starts_with(&place), "{:?}", out);
        }

        /// Past MAX_PER_FILE problems in a file, the rest are one count.
        #[test]
        fn problems_are_capped_per_file(counts in prop::collection::vec(0usize..450, 1..4)) {
            let mut sources = Sources::default();
            let mut diags = Vec::new();
            for (f, n) in counts.iter().enumerate() {
                let id = sources.add(format!("f{f}"), "x\n".repeat(*n));
                diags.extend((0..*n).map(|i| Diagnostic::error(Loc::new(id, 2 * i..2 * i + 1), "bad")));
            }
            limit_per_file(&mut diags, &sources);
            for (f, n) in counts.iter().enumerate() {
                let of_file: Vec<&Diagnostic> = diags.iter().filter(|d| d.loc.as_ref().is_some_and(|l| l.file == f)).collect();
                let summaries = of_file.iter().filter(|d| d.summary).count();
                prop_assert_eq!(of_file.len() - summaries, (*n).min(MAX_PER_FILE));
                prop_assert_eq!(summaries, usize::from(*n > MAX_PER_FILE));
            }
        }
    }
}
