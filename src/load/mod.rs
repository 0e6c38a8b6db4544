//! Loading: find the workspace's files, read them as text (UTF-8 with or without BOM,
//! else GB18030 with a notice), parse TOML keeping spans and the numbers as written,
//! and turn each file into a raw mirror of its contents (`raw`). Shape errors (wrong
//! types, unknown keys) are found here; cross-file checks happen in `validate`.

pub mod raw;
mod spreadsheet;
mod toml_value;

use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::{IndexedParallelIterator, IntoParallelRefIterator, ParallelIterator};

use crate::diagnostic::{Diagnostic, FileId, Sources};

pub use raw::{RawCatalog, RawEntity, RawRuleSet};

/// Where to read the workspace from (CONTRACT §1).
#[derive(Clone, Debug, Default)]
pub struct Paths {
    pub rules: Option<PathBuf>,
    pub data: Option<PathBuf>,
    pub metrics: Option<PathBuf>,
}

/// Everything read from disk, not yet cross-checked.
#[derive(Debug, Default)]
pub struct RawWorkspace {
    pub catalog: Option<RawCatalog>,
    pub rulesets: Vec<RawRuleSet>,
    pub entities: Vec<RawEntity>,
}

/// Files larger than this are refused rather than read (CONTRACT §9 asks for 16 MiB).
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// Read the whole workspace. Problems go to `diags`; what could be read is returned.
pub fn load(paths: &Paths, sources: &mut Sources, diags: &mut Vec<Diagnostic>) -> RawWorkspace {
    let rules = paths.rules.clone().unwrap_or_else(|| PathBuf::from("rules"));
    let data = paths.data.clone().unwrap_or_else(|| PathBuf::from("data"));
    let mut ws = RawWorkspace::default();

    let rule_files = collect(&rules, &["toml"], "rules", diags);
    let catalog_path = match &paths.metrics {
        Some(p) => Some(p.clone()),
        None if rules.is_dir() => Some(rules.join("metrics.toml")),
        None if rules.is_file() => Some(rules.parent().unwrap_or(Path::new(".")).join("metrics.toml")),
        None => None,
    };
    if let Some(path) = catalog_path {
        if path.is_file() {
            if let Some(id) = read_text(&path, sources, diags) {
                ws.catalog = raw::catalog(sources, id, diags);
            }
        } else {
            diags.push(
                Diagnostic::file_error(
                    display(&path),
                    "the metric catalog is missing: every metric must be declared in a metrics.toml",
                )
                .with_help("put metrics.toml at the top of the rules folder, or pass --metrics FILE"),
            );
        }
    }
    for path in rule_files {
        if path.file_name().is_some_and(|n| n == "metrics.toml") {
            continue;
        }
        if let Some(id) = read_text(&path, sources, diags)
            && let Some(rs) = raw::ruleset(sources, id, diags)
        {
            ws.rulesets.push(rs);
        }
    }
    // Entities first (TOML files and entities.csv), then the CSV figures, attached
    // to them row by row.
    // Files are read, decoded and parsed on every core; what they give is taken in
    // file order, so the result is the same on one core or many.
    let data_files = collect(&data, &["toml", "csv"], "data", diags);
    let read: Vec<Read> = data_files.par_iter().map(|p| read_file(p)).collect();
    let ids: Vec<Option<FileId>> =
        data_files.iter().zip(read).map(|(path, r)| register(path, r, sources, diags)).collect();
    let is_csv = |path: &Path| path.extension().is_some_and(|e| e == "csv");
    let shared: &Sources = sources;
    let parsed: Vec<Option<(Option<RawEntity>, Vec<Diagnostic>)>> = data_files
        .par_iter()
        .zip(&ids)
        .map(|(path, id)| {
            let id = (*id)?;
            (!is_csv(path)).then(|| {
                let mut found = Vec::new();
                let entity = raw::entity(shared, id, &mut found);
                (entity, found)
            })
        })
        .collect();
    let mut figure_files = Vec::new();
    for ((path, id), parsed) in data_files.iter().zip(ids).zip(parsed) {
        let Some(id) = id else { continue };
        if let Some((entity, found)) = parsed {
            diags.extend(found);
            ws.entities.extend(entity);
        } else if path.file_name().is_some_and(|n| n == "entities.csv") {
            ws.entities.extend(spreadsheet::entities(sources, id, diags));
        } else {
            figure_files.push(id);
        }
    }
    let mut merger = spreadsheet::Merger::new(&ws.entities);
    for id in figure_files {
        spreadsheet::figures(sources, id, &mut ws.entities, &mut merger, diags);
    }
    merger.finish(&mut ws.entities, sources, diags);
    ws
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

/// The files to read under `root` (a file or a folder, read recursively), sorted.
fn collect(root: &Path, exts: &[&str], what: &str, diags: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    if root.is_file() {
        return vec![root.to_path_buf()];
    }
    if !root.is_dir() {
        diags.push(Diagnostic::file_error(
            display(root),
            format!("the {what} path does not exist (expected a file or a folder)"),
        ));
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) => {
                diags.push(Diagnostic::file_error(display(&dir), format!("cannot read folder: {e}")));
                continue;
            }
        };
        for entry in entries.flatten() {
            let path = entry.path();
            // Follow links to files, but not into folders: a link cycle must not hang us.
            let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
            if is_dir {
                stack.push(path);
            } else if path.is_file() && path.extension().and_then(|e| e.to_str()).is_some_and(|e| exts.contains(&e)) {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// A file's content as read from disk: what `register` turns into a source file and
/// diagnostics. Reading touches no shared state, so files are read in parallel.
enum Read {
    Text(String, Option<String>),
    NotText(DecodeError),
    TooLarge(u64),
    Failed(std::io::Error),
}

/// Read and decode one file: UTF-8 (BOM dropped), else GB18030 with a notice.
fn read_file(path: &Path) -> Read {
    match fs::metadata(path) {
        Ok(m) if m.len() > MAX_FILE_BYTES => return Read::TooLarge(m.len()),
        Ok(_) => {}
        Err(e) => return Read::Failed(e),
    }
    match fs::read(path) {
        Ok(bytes) => match decode(&bytes) {
            Ok((text, notice)) => Read::Text(text, notice),
            Err(e) => Read::NotText(e),
        },
        Err(e) => Read::Failed(e),
    }
}

/// Add what was read to `sources`; a file that is not text is an error at the place
/// that shows it.
fn register(path: &Path, read: Read, sources: &mut Sources, diags: &mut Vec<Diagnostic>) -> Option<FileId> {
    let shown = display(path);
    match read {
        Read::TooLarge(len) => {
            diags.push(Diagnostic::file_error(
                shown,
                format!("file is {len} bytes; kaohe reads files up to {MAX_FILE_BYTES} bytes"),
            ));
            None
        }
        Read::Failed(e) => {
            diags.push(Diagnostic::file_error(shown, format!("cannot read file: {e}")));
            None
        }
        Read::Text(text, notice) => {
            if let Some(notice) = notice {
                diags.push(Diagnostic::file_notice(shown.clone(), notice));
            }
            Some(sources.add(shown, text))
        }
        Read::NotText(e) => {
            let (text, at) = e.context;
            let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
            let id = sources.add(shown, text);
            diags.push(Diagnostic::error(crate::diagnostic::Loc::new(id, at..end), e.message));
            None
        }
    }
}

/// Read a file as text and add it to `sources`.
fn read_text(path: &Path, sources: &mut Sources, diags: &mut Vec<Diagnostic>) -> Option<FileId> {
    register(path, read_file(path), sources, diags)
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Why bytes are not text, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// The byte offset of the problem in the file, after any BOM.
    pub offset: usize,
    pub message: String,
    /// The text up to the end of the line in question (decoded as far as it goes,
    /// the rest lossily) and the problem's byte offset in it, so that it can be shown
    /// at its line and column.
    pub context: (String, usize),
}

/// Decode file bytes to text: UTF-8 (BOM dropped), else GB18030 with a notice
/// (CONTRACT §1). A NUL character, or bytes that are neither, are not text.
pub fn decode(bytes: &[u8]) -> Result<(String, Option<String>), DecodeError> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let nul_message = "this is not a text file: it contains a NUL byte (the first is here)";
    let utf8_err = match std::str::from_utf8(bytes) {
        Ok(text) => {
            return match text.find('\0') {
                Some(at) => Err(DecodeError { offset: at, message: nul_message.into(), context: context(text, at) }),
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
            return Err(DecodeError { offset, message: nul_message.into(), context: context(&text, at) });
        }
        let notice = "file is not UTF-8; read as GB18030 (consider saving it as UTF-8)".to_string();
        return Ok((text.into_owned(), Some(notice)));
    }
    let (offset, message) = match bytes.iter().position(|&b| b == 0) {
        Some(at) => (at, nul_message),
        None => (
            utf8_err.valid_up_to(),
            "this file is neither UTF-8 nor GB18030 text (the first byte that is not UTF-8 is here)",
        ),
    };
    let line_end = bytes[offset..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |i| offset + i);
    let mut text = String::from_utf8_lossy(&bytes[..offset]).into_owned();
    let at = text.len();
    text.push_str(&String::from_utf8_lossy(&bytes[offset..line_end]));
    Err(DecodeError { offset, message: message.into(), context: (text, at) })
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
    fn decodes_utf8_with_and_without_bom() {
        assert_eq!(decode("名 = 1".as_bytes()), Ok(("名 = 1".into(), None)));
        assert_eq!(decode(b"\xEF\xBB\xBFa = 1"), Ok(("a = 1".into(), None)));
    }

    #[test]
    fn decodes_gb18030_with_a_notice() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("name = \"绵竹市\"");
        let decoded = decode(&bytes);
        assert_eq!(decoded.as_ref().map(|(text, _)| text.as_str()), Ok("name = \"绵竹市\""));
        assert!(decoded.is_ok_and(|(_, notice)| notice.is_some_and(|n| n.contains("GB18030"))));
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
