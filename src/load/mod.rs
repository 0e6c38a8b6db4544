//! Loading: find the workspace's files, read them as text (UTF-8 with or without BOM,
//! else GB18030 with a notice), parse TOML keeping spans and the numbers as written,
//! and turn each file into a raw mirror of its contents (`raw`). Shape errors (wrong
//! types, unknown keys) are found here; cross-file checks happen in `validate`.

pub mod files;
mod layout;
pub mod limits;
pub mod raw;
mod spreadsheet;
mod toml_value;
mod value_text;
mod workbook;

use crate::text::Counted;
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::{IndexedParallelIterator, IntoParallelRefIterator, ParallelIterator};

use self::files::{Budget, FileKind, Tree};
use self::limits::Tally;
use crate::diagnostic::{Diagnostic, FileId, Sources};
use crate::text::Message;

pub use raw::{RawCatalog, RawEntity, RawRuleSet};

/// Where to read the workspace from (CONTRACT §1). `rules` and `data` may name
/// several files or folders (`--data a --data b`); empty means `rules/` and `data/`.
#[derive(Clone, Debug, Default)]
pub struct Paths {
    pub rules: Vec<PathBuf>,
    pub data: Vec<PathBuf>,
    pub metrics: Option<PathBuf>,
}

/// Everything read from disk, not yet cross-checked.
#[derive(Debug, Default)]
pub struct RawWorkspace {
    pub catalog: Option<RawCatalog>,
    pub rulesets: Vec<RawRuleSet>,
    pub entities: Vec<RawEntity>,
}

/// An entity as loading leaves it: raw (the spreadsheet merge needed it raw), or
/// already validated (a TOML data file, streamed into the model as it was read).
#[derive(Debug)]
pub enum Entry {
    Raw(RawEntity),
    Checked(crate::validate::Checked),
}

/// What [`load`] gives [`crate::validate::validate`]: the rule sets and the raw
/// catalog, the catalog checked, and every entity in reading order.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The catalog and the rule sets (its `entities` are empty).
    pub raw: RawWorkspace,
    pub catalog: Option<crate::model::Catalog>,
    pub entities: Vec<Entry>,
    /// Whether the model keeps the figures' source quotes and notes.
    pub quotes: crate::model::Quotes,
}

impl From<RawWorkspace> for Loaded {
    fn from(mut raw: RawWorkspace) -> Loaded {
        let entities = std::mem::take(&mut raw.entities).into_iter().map(Entry::Raw).collect();
        Loaded { raw, catalog: None, entities, quotes: crate::model::Quotes::Keep }
    }
}

/// Read the whole workspace. Problems go to `diags`; what could be read is returned.
///
/// Peak memory is what decides how large a workspace fits (CONTRACT §9): when the
/// data folders hold only TOML files, each file's entity is validated into the model
/// as soon as it is parsed, a few hundred files at a time, and a file's text is
/// dropped once it has given no diagnostic ([`restore_texts`] reads it again if a
/// later one must quote it). CSV files and workbooks attach figures to entities of
/// other files, so with any of them every entity stays raw until the merge is done.
pub fn load(paths: &Paths, quotes: crate::model::Quotes, sources: &mut Sources, diags: &mut Vec<Diagnostic>) -> Loaded {
    let or_default = |given: &[PathBuf], default: &str| {
        if given.is_empty() { vec![PathBuf::from(default)] } else { given.to_vec() }
    };
    let rules = or_default(&paths.rules, "rules");
    let data = or_default(&paths.data, "data");
    let mut ws = RawWorkspace::default();
    let mut loaded = Loaded { quotes, ..Loaded::default() };
    let mut budget = Budget::default();
    let mut tally = Tally::default();

    let rule_files = files::collect_all(&rules, Tree::Rules, diags);
    if let Some(path) = catalog_path(paths.metrics.as_deref(), &rules, diags) {
        let missing = Message::CatalogMissing;
        let mut found = Vec::new();
        if files::named_file(&path, &missing, &mut found) {
            if let Some(id) = read_text(&path, &mut budget, sources, diags) {
                ws.catalog = raw::catalog(sources, id, diags);
            }
        } else {
            for d in found {
                let d = if d.kind == missing { d.with_help(Message::CatalogMissingHelp) } else { d };
                diags.push(d);
            }
        }
    }
    for path in rule_files {
        if files::is_named(&path, "metrics.toml") {
            continue;
        }
        if let Some(id) = read_text(&path, &mut budget, sources, diags)
            && let Some(rs) = raw::ruleset(sources, id, diags)
        {
            let over = tally
                .over(tally.rulesets, 1, limits::MAX_RULESETS, Counted::RuleSets)
                .or_else(|| tally.over(tally.rules, rs.rules.len(), limits::MAX_RULES, Counted::Rules));
            match over {
                None => {
                    tally.rulesets += 1;
                    tally.rules += rs.rules.len();
                    ws.rulesets.push(rs);
                }
                Some(message) => diags.extend(message.map(|m| Diagnostic::error(rs.loc.clone(), m))),
            }
        }
    }
    // Entities first (TOML files and entities.csv), then the CSV figures, attached
    // to them row by row.
    // TOML data files are parsed on every core; what they give is taken in file
    // order, so the result is the same on one core or many.
    let data_files = files::collect_all(&data, Tree::Data, diags);
    let catalog = crate::validate::check_catalog(ws.catalog.as_ref(), sources, diags);
    if data_files.iter().all(|p| !matches!(files::kind(p), Some(FileKind::Csv | FileKind::Workbook))) {
        loaded.entities = stream(&data_files, &catalog, &loaded.quotes, &mut budget, &mut tally, sources, diags);
        loaded.catalog = Some(catalog);
        loaded.raw = ws;
        return loaded;
    }
    loaded.catalog = Some(catalog);
    // Workbooks are read as bytes, never as text (they are zip archives).
    let is_book = |p: &Path| files::kind(p) == Some(FileKind::Workbook);
    let mut books = Vec::new();
    let mut ids: Vec<Option<FileId>> = Vec::with_capacity(data_files.len());
    for path in &data_files {
        if is_book(path) {
            ids.push(None);
            if let Some(bytes) = files::read_bytes(path, &mut budget, diags) {
                let shown = display(path);
                let sheets = workbook::read(&shown, bytes, sources, diags);
                books.push((shown, sheets));
            }
        } else {
            ids.push(read_text(path, &mut budget, sources, diags));
        }
    }
    let shared: &Sources = sources;
    let parsed: Vec<Option<(Option<RawEntity>, Vec<Diagnostic>)>> = crate::workers::install(|| {
        data_files
            .par_iter()
            .zip(&ids)
            .map(|(path, id)| {
                let id = (*id)?;
                (files::kind(path) != Some(FileKind::Csv)).then(|| {
                    let mut found = Vec::new();
                    let entity = raw::entity(shared, id, &mut found);
                    (entity, found)
                })
            })
            .collect()
    });
    let mut figure_files = Vec::new();
    for ((path, id), parsed) in data_files.iter().zip(ids).zip(parsed) {
        let Some(id) = id else { continue };
        if let Some((entity, found)) = parsed {
            diags.extend(found);
            if let Some(entity) = entity {
                add_entity(&mut ws.entities, entity, &mut tally, diags);
            }
        } else if files::is_named(path, "entities.csv") {
            for entity in spreadsheet::entities(sources, id, diags) {
                add_entity(&mut ws.entities, entity, &mut tally, diags);
            }
        } else {
            figure_files.push(id);
        }
    }
    for sheet in books.iter().flat_map(|(_, sheets)| sheets) {
        if spreadsheet::is_entities_sheet(&sheet.name) {
            for entity in spreadsheet::sheet_entities(sheet, diags) {
                add_entity(&mut ws.entities, entity, &mut tally, diags);
            }
        }
    }
    let names = layout::Names::new(ws.catalog.as_ref());
    let mut merger = spreadsheet::Merger::new(&ws.entities, tally);
    for id in figure_files {
        spreadsheet::figures(sources, id, &names, &mut ws.entities, &mut merger, diags);
    }
    for (path, sheets) in &books {
        for sheet in sheets.iter().filter(|s| !spreadsheet::is_entities_sheet(&s.name)) {
            spreadsheet::sheet_figures(path, sheet, &names, &mut ws.entities, &mut merger, diags);
        }
    }
    merger.finish(&mut ws.entities, sources, diags);
    loaded.entities = std::mem::take(&mut ws.entities).into_iter().map(Entry::Raw).collect();
    loaded.raw = ws;
    loaded
}

/// Data files read, parsed and validated at a time: enough to keep both cores busy,
/// few enough that their texts and raw entities stay small.
const CHUNK: usize = 256;

/// The TOML data files, each read (in file order, for the size budget), parsed and
/// validated (in parallel), then taken in file order so that the result is the same
/// on one core or many. Only model entities are kept.
fn stream(
    data_files: &[PathBuf],
    catalog: &crate::model::Catalog,
    quotes: &crate::model::Quotes,
    budget: &mut Budget,
    tally: &mut Tally,
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Entry> {
    let names = crate::validate::metric_names(catalog);
    let keys = crate::validate::MetricKeys::new(catalog);
    let mut out = Vec::with_capacity(data_files.len());
    for chunk in data_files.chunks(CHUNK) {
        let ids: Vec<Option<FileId>> = chunk.iter().map(|path| read_text(path, budget, sources, diags)).collect();
        let shared: &Sources = sources;
        type Done = (Vec<Diagnostic>, Option<(crate::validate::Checked, usize, usize)>);
        let done: Vec<Option<Done>> = crate::workers::install(|| {
            ids.par_iter()
                .map(|id| {
                    let id = (*id)?;
                    let mut found = Vec::new();
                    let checked = raw::entity(shared, id, &mut found).map(|e| {
                        let periods = e.periods.len();
                        let figures = e.periods.iter().map(|p| p.values.len()).sum();
                        (crate::validate::entity(e, catalog, &keys, &names, quotes), periods, figures)
                    });
                    Some((found, checked))
                })
                .collect()
        });
        for (path, (id, done)) in chunk.iter().zip(ids.into_iter().zip(done)) {
            let (Some(id), Some((found, checked))) = (id, done) else { continue };
            let mut quiet = found.is_empty();
            diags.extend(found);
            if let Some((checked, periods, figures)) = checked {
                quiet &= checked.diags.is_empty();
                match admit(tally, periods, figures) {
                    None => out.push(Entry::Checked(checked)),
                    Some(message) => {
                        quiet = false;
                        diags.extend(message.map(|m| Diagnostic::error(checked.entity.loc.clone(), m)));
                    }
                }
            }
            if quiet {
                sources.forget(id, path.clone());
            }
        }
    }
    out
}

/// Read again, for the diagnostics about to be shown, the texts of the files
/// [`load`] dropped: decoded as they were the first time.
pub fn restore_texts(sources: &mut Sources, diags: &[Diagnostic]) {
    let mut wanted: Vec<FileId> = diags.iter().filter_map(|d| d.loc.as_ref()).map(|l| l.file).collect();
    wanted.sort_unstable();
    wanted.dedup();
    for id in wanted {
        let Some(path) = sources.get(id).forgotten.clone() else { continue };
        // A file changed or removed since it was read shows its places without the line.
        if let Ok(bytes) = fs::read(&path)
            && let Ok((text, _)) = decode(&bytes)
        {
            sources.restore(id, text);
        }
    }
}

/// The catalog (CONTRACT §1): `--metrics`, else `metrics.toml` (in any case) at the
/// top of the rules folder or beside a single rule file; with several rules paths,
/// the one of them that holds one (none or several: an error naming them). `None`
/// when an error has been reported.
fn catalog_path(metrics: Option<&Path>, rules: &[PathBuf], diags: &mut Vec<Diagnostic>) -> Option<PathBuf> {
    if let Some(p) = metrics {
        return Some(p.to_path_buf());
    }
    let beside = |rules: &Path| -> Option<PathBuf> {
        let path = if rules.is_dir() {
            rules.join("metrics.toml")
        } else if rules.is_file() {
            rules.parent().unwrap_or(Path::new(".")).join("metrics.toml")
        } else {
            return None;
        };
        // Look for it in any case of its name (Metrics.TOML) beside the rules.
        Some(find_any_case(&path))
    };
    if let [one] = rules {
        return beside(one);
    }
    let mut found: Vec<PathBuf> = Vec::new();
    for p in rules.iter().filter_map(|r| beside(r)).filter(|p| files::is_file(p)) {
        // Two rules paths in one folder (two rule files) share their catalog.
        let same =
            found.iter().any(|f| fs::canonicalize(f).ok().zip(fs::canonicalize(&p).ok()).is_some_and(|(a, b)| a == b));
        if !same {
            found.push(p);
        }
    }
    match found.len() {
        1 => found.pop(),
        0 => {
            let shown: Vec<String> = rules.iter().map(|r| display(r)).collect();
            diags.push(
                Diagnostic::file_error(shown.join(", "), Message::NoCatalogAmong { count: rules.len() })
                    .with_help(Message::SeveralCatalogsHelp),
            );
            None
        }
        _ => {
            let paths = found.iter().map(|p| display(p)).collect();
            diags.push(
                Diagnostic::file_error("kaohe", Message::SeveralCatalogs { paths })
                    .with_help(Message::SeveralCatalogsHelp),
            );
            None
        }
    }
}

/// Keep an entity if the workspace-wide limits allow it.
fn add_entity(entities: &mut Vec<RawEntity>, entity: RawEntity, tally: &mut Tally, diags: &mut Vec<Diagnostic>) {
    let periods = entity.periods.len();
    let figures: usize = entity.periods.iter().map(|p| p.values.len()).sum();
    match admit(tally, periods, figures) {
        None => entities.push(entity),
        Some(message) => diags.extend(message.map(|m| Diagnostic::error(entity.loc.clone(), m))),
    }
}

/// Count one more entity of `periods` and `figures` if the workspace-wide limits
/// allow it; else the message to give (once per limit).
fn admit(tally: &mut Tally, periods: usize, figures: usize) -> Option<Option<Message>> {
    let over = tally
        .over(tally.entities, 1, limits::MAX_ENTITIES, Counted::Entities)
        .or_else(|| tally.over(tally.periods, periods, limits::MAX_PERIODS, Counted::PeriodsInAll))
        .or_else(|| tally.over(tally.figures, figures, limits::MAX_FIGURES, Counted::FiguresInAll));
    if over.is_none() {
        tally.entities += 1;
        tally.periods += periods;
        tally.figures += figures;
    }
    over
}

/// `path`, or a file beside it whose name differs only in case.
fn find_any_case(path: &Path) -> PathBuf {
    if files::is_file(path) {
        return path.to_path_buf();
    }
    let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else { return path.to_path_buf() };
    let name = name.to_string_lossy();
    let dir = if parent.as_os_str().is_empty() { Path::new(".") } else { parent };
    let mut names: Vec<std::ffi::OsString> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name())
                .filter(|n| n.to_string_lossy().eq_ignore_ascii_case(&name))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names.first().map_or_else(|| path.to_path_buf(), |n| parent.join(n))
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

/// Read a file as text: UTF-8 (BOM dropped), else GB18030 with a notice; a file that
/// is not text is an error at the place that shows it.
fn read_text(path: &Path, budget: &mut Budget, sources: &mut Sources, diags: &mut Vec<Diagnostic>) -> Option<FileId> {
    let shown = display(path);
    let bytes = files::read_bytes(path, budget, diags)?;
    match decode(&bytes) {
        Ok((text, notice)) => {
            if let Some(notice) = notice {
                diags.push(Diagnostic::file_notice(shown.clone(), notice));
            }
            Some(sources.add(shown, text))
        }
        Err(DecodeError { context: None, message, .. }) => {
            diags.push(Diagnostic::file_error(shown, message));
            None
        }
        Err(DecodeError { context: Some((text, at)), message, .. }) => {
            let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
            let id = sources.add(shown, text);
            diags.push(Diagnostic::error(crate::diagnostic::Loc::new(id, at..end), message));
            None
        }
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Why bytes are not text, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// The byte offset of the problem in the file, after any BOM.
    pub offset: usize,
    pub message: Message,
    /// The text up to the end of the line in question (decoded as far as it goes,
    /// the rest lossily) and the problem's byte offset in it, so that it can be shown
    /// at its line and column; `None` for a problem of the whole file.
    pub context: Option<(String, usize)>,
}

/// Decode file bytes to text: UTF-8 (BOM dropped), else GB18030 with a notice
/// (CONTRACT §1). A NUL character, or bytes that are neither, are not text.
pub fn decode(bytes: &[u8]) -> Result<(String, Option<Message>), DecodeError> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(DecodeError { offset: 0, message: Message::Utf16, context: None });
    }
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let nul_message = Message::NulByte;
    let utf8_err = match std::str::from_utf8(bytes) {
        Ok(text) => {
            return match text.find('\0') {
                Some(at) => Err(DecodeError { offset: at, message: nul_message, context: Some(context(text, at)) }),
                None => Ok((text.to_string(), None)),
            };
        }
        Err(e) => e,
    };
    if let Some(text) = encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
        if let Some(at) = text.find('\0') {
            // NUL is one byte in GB18030 too; find it in the file by its place in the text.
            let chars_before = text[..at].chars().count();
            let offset = byte_of_gb18030_char(bytes, chars_before).unwrap_or(0);
            return Err(DecodeError { offset, message: nul_message, context: Some(context(&text, at)) });
        }
        let notice = Message::ReadAsGb18030;
        return Ok((text.into_owned(), Some(notice)));
    }
    let (offset, message) = match bytes.iter().position(|&b| b == 0) {
        Some(at) => (at, nul_message),
        None => (utf8_err.valid_up_to(), Message::NotText),
    };
    let line_end = bytes[offset..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |i| offset + i);
    let mut text = String::from_utf8_lossy(&bytes[..offset]).into_owned();
    let at = text.len();
    text.push_str(&String::from_utf8_lossy(&bytes[offset..line_end]));
    Err(DecodeError { offset, message, context: Some((text, at)) })
}

/// `text` up to the end of the line holding byte `at`, and `at`.
fn context(text: &str, at: usize) -> (String, usize) {
    let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    (text[..line_end].to_string(), at)
}

/// The byte offset of the `n`th character of GB18030 `bytes` (1, 2 or 4 bytes each).
fn byte_of_gb18030_char(bytes: &[u8], n: usize) -> Option<usize> {
    let mut at = 0;
    for _ in 0..n {
        let b = *bytes.get(at)?;
        at += match (b, bytes.get(at + 1)) {
            (0..=0x80, _) | (0xff, _) => 1,
            (_, Some(0x30..=0x39)) => 4,
            _ => 2,
        };
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clean_data_file_is_forgotten_and_read_again_for_a_later_diagnostic() {
        let dir = std::env::temp_dir().join(format!("kaohe-forget-{}", std::process::id()));
        let write = |path: &str, bytes: &[u8]| {
            let path = dir.join(path);
            fs::create_dir_all(path.parent().unwrap_or(&dir)).expect("temp dir");
            fs::write(path, bytes).expect("temp file");
        };
        write("rules/metrics.toml", "[metric.a]\nunit = \"件\"\n".as_bytes());
        write(
            "rules/rs.toml",
            b"id = \"rs\"\nperiod = \"2015\"\n[[rule]]\nid = \"r\"\nmetric = \"a\"\nop = \">=\"\ntarget = 1\n",
        );
        write("data/x.toml", b"id = \"city\"\n[period.2015]\na = 1\n");
        // The second file defines the same entity, behind a BOM: found only after loading.
        write("data/y.toml", b"\xEF\xBB\xBF\n id = \"city\"\n[period.2015]\na = 2\n");
        let paths = Paths { rules: vec![dir.join("rules")], data: vec![dir.join("data")], metrics: None };
        let mut sources = Sources::default();
        let mut diags = Vec::new();
        let loaded = load(&paths, crate::model::Quotes::Keep, &mut sources, &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        let data: Vec<usize> = (0..sources.files.len()).filter(|&i| sources.get(i).path.contains("data")).collect();
        assert_eq!(data.len(), 2);
        assert!(data.iter().all(|&i| sources.get(i).text.is_empty() && sources.get(i).forgotten.is_some()));
        let model = crate::validate::validate(loaded, &sources, &mut diags);
        assert_eq!(model.entities.len(), 1);
        restore_texts(&mut sources, &diags);
        let _ = fs::remove_dir_all(&dir);
        let [d] = diags.as_slice() else { panic!("{diags:?}") };
        assert_eq!(d.message, "entity `city` is defined twice");
        let rendered = d.render(&sources);
        assert!(rendered.contains("y.toml:2:7: entity `city` is defined twice"), "{rendered}");
        assert!(rendered.contains("2 |  id = \"city\""), "{rendered}");
        // The file no diagnostic quotes stays forgotten.
        assert!(sources.get(data[0]).text.is_empty());
    }

    #[test]
    fn decodes_utf8_with_and_without_bom() {
        assert_eq!(decode("名 = 1".as_bytes()), Ok(("名 = 1".into(), None)));
        assert_eq!(decode(b"\xEF\xBB\xBFa = 1"), Ok(("a = 1".into(), None)));
    }

    #[test]
    fn decodes_gb18030_with_a_notice() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("name = \"绵竹市\"");
        let decoded = decode(&bytes);
        assert_eq!(decoded.as_ref().map(|(text, _)| text.as_str()), Ok("name = \"绵竹市\""));
        assert!(decoded.is_ok_and(|(_, notice)| notice == Some(Message::ReadAsGb18030)));
    }

    #[test]
    fn refuses_binary_at_its_first_nul_or_bad_byte() {
        assert_eq!(decode(b"\x00\x01\x02").map_err(|e| e.offset), Err(0));
        assert_eq!(decode(b"ab\ncd\x00").map_err(|e| e.offset), Err(5));
        assert_eq!(decode(b"\xEF\xBB\xBFab\x00").map_err(|e| e.offset), Err(2));
        assert_eq!(decode(b"ok\xff\xfe\xfd\xfc\x80").map_err(|e| e.offset), Err(2));
        let (mut gb, _, _) = encoding_rs::GB18030.encode("名称 = 1\n");
        let gb_len = gb.len();
        gb.to_mut().push(0);
        assert_eq!(decode(&gb).map_err(|e| e.offset), Err(gb_len));
    }
}
