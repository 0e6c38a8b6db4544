//! Loading: find the workspace's files, read them as text (UTF-8 with or without BOM,
//! else GB18030 with a notice), parse TOML keeping spans and the numbers as written,
//! and turn each file into a raw mirror of its contents (`raw`). Shape errors (wrong
//! types, unknown keys) are found here; cross-file checks happen in `validate`.

pub mod raw;
mod spreadsheet;
mod toml_value;

use std::fs;
use std::path::{Path, PathBuf};

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
    let mut csv_figures = Vec::new();
    for path in collect(&data, &["toml", "csv"], "data", diags) {
        let Some(id) = read_text(&path, sources, diags) else { continue };
        if path.extension().is_some_and(|e| e == "csv") {
            if path.file_name().is_some_and(|n| n == "entities.csv") {
                ws.entities.extend(spreadsheet::entities(sources, id, diags));
            } else {
                csv_figures.extend(spreadsheet::figures(sources, id, diags));
            }
        } else if let Some(entity) = raw::entity(sources, id, diags) {
            ws.entities.push(entity);
        }
    }
    spreadsheet::merge(&mut ws.entities, csv_figures, sources, diags);
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

/// Read a file as text: UTF-8 (BOM dropped), else GB18030 with a notice.
fn read_text(path: &Path, sources: &mut Sources, diags: &mut Vec<Diagnostic>) -> Option<FileId> {
    let shown = display(path);
    match fs::metadata(path) {
        Ok(m) if m.len() > MAX_FILE_BYTES => {
            diags.push(Diagnostic::file_error(
                shown,
                format!("file is {} bytes; kaohe reads files up to {MAX_FILE_BYTES} bytes", m.len()),
            ));
            return None;
        }
        Ok(_) => {}
        Err(e) => {
            diags.push(Diagnostic::file_error(shown, format!("cannot read file: {e}")));
            return None;
        }
    }
    let bytes = match fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            diags.push(Diagnostic::file_error(shown, format!("cannot read file: {e}")));
            return None;
        }
    };
    match decode(&bytes) {
        Ok((text, notice)) => {
            if let Some(notice) = notice {
                diags.push(Diagnostic::file_notice(shown.clone(), notice));
            }
            Some(sources.add(shown, text))
        }
        Err(message) => {
            diags.push(Diagnostic::file_error(shown, message));
            None
        }
    }
}

/// Decode file bytes to text. Returns the text and an optional notice.
pub fn decode(bytes: &[u8]) -> Result<(String, Option<String>), String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.contains(&0) {
        return Err("this is not a text file (it contains NUL bytes)".into());
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok((text.to_string(), None)),
        Err(utf8_err) => {
            let decoded = encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes);
            match decoded {
                Some(text) => Ok((
                    text.into_owned(),
                    Some("file is not UTF-8; read as GB18030 (consider saving it as UTF-8)".into()),
                )),
                None => Err(format!(
                    "file is neither UTF-8 nor GB18030 text (invalid UTF-8 at byte {})",
                    utf8_err.valid_up_to()
                )),
            }
        }
    }
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
    fn refuses_binary() {
        assert!(decode(b"\x00\x01\x02").is_err());
        assert!(decode(b"\xff\xfe\xfd\xfc\x80").is_err());
    }
}
