//! Finding and reading the workspace's files (CONTRACT §1): folders are read
//! recursively, symbolic links are followed (each real file read once, however many
//! links reach it), and every entry is either read, skipped quietly (hidden files and
//! folders, lock files, notes), skipped with a warning naming it (any other file), or
//! an error naming it (a link loop, a dangling link, a FIFO, a device, a socket).
//! Nothing is ever opened but regular files, and those only for reading, so a FIFO
//! named `x.toml` cannot make kaohe wait.

use std::collections::HashSet;
use std::fs::{self, Metadata};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, WarningKind};
use crate::text::{Message, SpecialKind, TreeName};

/// Files larger than this are refused rather than read (CONTRACT §9 asks for at
/// least 16 MiB; parsing a TOML file takes about 30 times its size in memory).
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// All the files of one run together (the national benchmark is about 90 MB).
pub const MAX_TOTAL_BYTES: u64 = 256 * 1024 * 1024;

/// What a folder holds, which decides the extensions read from it.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Tree {
    Rules,
    Data,
}

impl Tree {
    fn name(self) -> TreeName {
        match self {
            Tree::Rules => TreeName::Rules,
            Tree::Data => TreeName::Data,
        }
    }

    /// Whether a file with this (lowercased) extension is read in this tree.
    fn reads(self, ext: &str) -> bool {
        match self {
            Tree::Rules => ext == "toml",
            Tree::Data => matches!(ext, "toml" | "csv" | "xlsx"),
        }
    }
}

/// How a file that is read is read (CONTRACT §1, §6).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Toml,
    Csv,
    /// An `.xlsx` workbook in a data folder, read by the workbook reader.
    Workbook,
}

/// The kind of a file by its extension, in any case (`None`: not one kaohe reads;
/// a file named on the command line with another extension is read as TOML).
pub fn kind(path: &Path) -> Option<FileKind> {
    match extension(path).as_deref() {
        Some("toml") => Some(FileKind::Toml),
        Some("csv") => Some(FileKind::Csv),
        Some("xlsx") => Some(FileKind::Workbook),
        _ => None,
    }
}

/// Spreadsheet formats kaohe does not read, named in the warning that skips them.
fn other_spreadsheet(ext: &str) -> bool {
    matches!(ext, "xls" | "xlsm" | "xlsb" | "ods" | "et" | "numbers")
}

/// Whether a file written at `path` would be read as input by a run over the folder
/// `root` holding `tree` (so that a report written there would break the next run).
pub fn would_read(root: &Path, tree: Tree, path: &Path) -> bool {
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let (Ok(root), Ok(parent), Some(name)) =
        (std::fs::canonicalize(root), std::fs::canonicalize(parent), path.file_name())
    else {
        return false;
    };
    root.is_dir()
        && parent.starts_with(&root)
        && !is_quiet(&name.to_string_lossy())
        && extension(path).is_some_and(|e| tree.reads(&e))
}

/// The lowercased extension of `path`, if it has one.
pub fn extension(path: &Path) -> Option<String> {
    path.extension().map(|e| e.to_string_lossy().to_lowercase())
}

/// Whether the file name is `name`, in any case (`Metrics.TOML` is the catalog's name too).
pub fn is_named(path: &Path, name: &str) -> bool {
    path.file_name().is_some_and(|n| n.to_string_lossy().eq_ignore_ascii_case(name))
}

fn display(path: &Path) -> String {
    path.display().to_string()
}

/// Entries skipped without a word: hidden files and folders (`.git/`, `.DS_Store`),
/// editor and office lock and backup files (`~$name`, `name~`, `#name#`), and notes
/// (`*.md`, `*.txt`).
fn is_quiet(name: &str) -> bool {
    let lower = name.to_lowercase();
    name.starts_with('.')
        || name.starts_with("~$")
        || name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || lower.ends_with(".md")
        || lower.ends_with(".txt")
}

/// What a path that is neither a regular file nor a folder is, in words.
fn special_kind(meta: &Metadata) -> Message {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return Message::Special(SpecialKind::Fifo);
        }
        if t.is_char_device() {
            return Message::Special(SpecialKind::CharDevice);
        }
        if t.is_block_device() {
            return Message::Special(SpecialKind::BlockDevice);
        }
        if t.is_socket() {
            return Message::Special(SpecialKind::Socket);
        }
    }
    let _ = meta;
    Message::Special(SpecialKind::Other)
}

fn is_link_loop(e: &io::Error) -> bool {
    // ELOOP: 40 on Linux, 62 on the BSDs and macOS.
    matches!(e.raw_os_error(), Some(40) if cfg!(target_os = "linux"))
        || matches!(e.raw_os_error(), Some(62) if cfg!(any(target_os = "macos", target_os = "freebsd", target_os = "openbsd", target_os = "netbsd")))
}

/// The identity of a real file or folder, whatever path reaches it.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
enum Identity {
    #[cfg(unix)]
    Inode(u64, u64),
    #[cfg_attr(unix, allow(dead_code))]
    Path(PathBuf),
}

fn identity(path: &Path, meta: &Metadata) -> Identity {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let _ = path;
        Identity::Inode(meta.dev(), meta.ino())
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        Identity::Path(fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()))
    }
}

/// What a path turned out to be, links followed.
enum Kind {
    File(Metadata),
    Folder(Metadata),
    /// An error naming the path has been reported.
    Refused,
}

/// Look at `path` (following links) without opening it; report what makes it
/// unusable. `missing` words the error for a path that does not exist.
fn classify(path: &Path, missing: &Message, diags: &mut Vec<Diagnostic>) -> Kind {
    let meta = match fs::metadata(path) {
        Ok(meta) => meta,
        Err(e) => {
            let is_link = fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
            let message = if is_link && e.kind() == io::ErrorKind::NotFound {
                let target = fs::read_link(path).map(|t| display(&t)).unwrap_or_default();
                Message::DanglingLink { target }
            } else if is_link && is_link_loop(&e) {
                Message::LinkLoop
            } else if e.kind() == io::ErrorKind::NotFound {
                missing.clone()
            } else {
                Message::CannotRead { error: e.to_string() }
            };
            diags.push(Diagnostic::file_error(display(path), message));
            return Kind::Refused;
        }
    };
    if meta.is_dir() {
        Kind::Folder(meta)
    } else if meta.is_file() {
        Kind::File(meta)
    } else {
        diags.push(Diagnostic::file_error(display(path), special_kind(&meta)));
        Kind::Refused
    }
}

/// Whether `path` names a regular file (links followed), without reporting anything.
pub fn is_file(path: &Path) -> bool {
    fs::metadata(path).is_ok_and(|m| m.is_file())
}

/// Check a file named directly (the catalog): `Some` when it can be read, else an
/// error naming it has been reported (`missing` words the one for a missing file).
pub fn named_file(path: &Path, missing: &Message, diags: &mut Vec<Diagnostic>) -> bool {
    match classify(path, missing, diags) {
        Kind::File(_) => true,
        Kind::Folder(_) => {
            diags.push(Diagnostic::file_error(display(path), Message::IsAFolder));
            false
        }
        Kind::Refused => false,
    }
}

/// The files to read under every one of `roots` (`--data a --data b`), in the order
/// of the roots, each real file once however many roots or links reach it.
pub fn collect_all(roots: &[PathBuf], tree: Tree, diags: &mut Vec<Diagnostic>) -> Vec<PathBuf> {
    let mut real: HashSet<Identity> = HashSet::new();
    let mut out = Vec::new();
    for root in roots {
        for (path, id) in collect_one(root, tree, diags) {
            if real.insert(id) {
                out.push(path);
            }
        }
    }
    out
}

/// The files to read under `root` (a file, read whatever its name, or a folder, read
/// recursively), sorted by path, each with its real file's identity.
fn collect_one(root: &Path, tree: Tree, diags: &mut Vec<Diagnostic>) -> Vec<(PathBuf, Identity)> {
    let missing = Message::PathMissing(tree.name());
    let root_meta = match classify(root, &missing, diags) {
        Kind::File(meta) => return vec![(root.to_path_buf(), identity(root, &meta))],
        Kind::Folder(meta) => meta,
        Kind::Refused => return Vec::new(),
    };
    let mut found: Vec<(PathBuf, Identity)> = Vec::new();
    let mut seen_folders: HashSet<Identity> = HashSet::new();
    // Each folder with the identities of the folders above it, to tell a link loop
    // (a folder inside itself) from two links to one folder.
    let root_id = identity(root, &root_meta);
    seen_folders.insert(root_id.clone());
    let mut stack: Vec<(PathBuf, Vec<Identity>)> = vec![(root.to_path_buf(), vec![root_id])];
    while let Some((dir, above)) = stack.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) => {
                diags.push(Diagnostic::file_error(display(&dir), Message::CannotReadFolder { error: e.to_string() }));
                continue;
            }
        };
        let mut entries: Vec<fs::DirEntry> = entries.flatten().collect();
        entries.sort_by_key(|e| e.file_name());
        for entry in entries {
            let name = entry.file_name().to_string_lossy().into_owned();
            if is_quiet(&name) {
                continue;
            }
            let path = entry.path();
            match classify(&path, &Message::FileVanished, diags) {
                Kind::Folder(meta) => {
                    let id = identity(&path, &meta);
                    if above.contains(&id) {
                        diags.push(Diagnostic::file_error(display(&path), Message::FolderLinkLoop));
                    } else if seen_folders.insert(id.clone()) {
                        let mut chain = above.clone();
                        chain.push(id);
                        stack.push((path, chain));
                    }
                }
                Kind::File(meta) => {
                    let ext = extension(&path);
                    if ext.as_deref().is_some_and(|e| tree.reads(e)) {
                        found.push((path.clone(), identity(&path, &meta)));
                    } else if let Some(ext) = ext.filter(|e| tree == Tree::Data && other_spreadsheet(e)) {
                        diags.push(Diagnostic::file_warning(display(&path), Message::SkippedSpreadsheet { ext }));
                    } else {
                        diags.push(
                            Diagnostic::file_warning(display(&path), Message::Skipped(tree.name()))
                                .of_kind(WarningKind::SkippedFile, display(&path)),
                        );
                    }
                }
                Kind::Refused => {}
            }
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found
}

/// The bytes read so far in this run, against [`MAX_TOTAL_BYTES`].
#[derive(Debug, Default)]
pub struct Budget {
    read: u64,
    exhausted: bool,
}

/// Read a regular file's bytes, within the size limits. Opened read-only and without
/// waiting (a path swapped for a FIFO after it was looked at does not block), and
/// checked to be a regular file once open.
pub fn read_bytes(path: &Path, budget: &mut Budget, diags: &mut Vec<Diagnostic>) -> Option<Vec<u8>> {
    let shown = display(path);
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NONBLOCK
        options.custom_flags(0o4000);
    }
    let file = options.open(path).and_then(|f| f.metadata().map(|m| (f, m)));
    let (file, meta) = match file {
        Ok(fm) => fm,
        Err(e) => {
            diags.push(Diagnostic::file_error(shown, Message::CannotReadFile { error: e.to_string() }));
            return None;
        }
    };
    if !meta.is_file() {
        diags.push(Diagnostic::file_error(shown, special_kind(&meta)));
        return None;
    }
    if meta.len() > MAX_FILE_BYTES {
        diags.push(too_large(shown, meta.len()));
        return None;
    }
    if budget.exhausted || budget.read + meta.len() > MAX_TOTAL_BYTES {
        if !budget.exhausted {
            budget.exhausted = true;
            diags.push(Diagnostic::file_error(shown, Message::TotalTooLarge { max: MAX_TOTAL_BYTES >> 20 }));
        }
        return None;
    }
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    // The file may grow while it is read: never past the limit.
    if let Err(e) = file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes) {
        diags.push(Diagnostic::file_error(shown, Message::CannotReadFile { error: e.to_string() }));
        return None;
    }
    if bytes.len() as u64 > MAX_FILE_BYTES {
        diags.push(too_large(shown, bytes.len() as u64));
        return None;
    }
    budget.read += bytes.len() as u64;
    Some(bytes)
}

fn too_large(shown: String, len: u64) -> Diagnostic {
    Diagnostic::file_error(shown, Message::TooLarge { mib: len.div_ceil(1 << 20), max: MAX_FILE_BYTES >> 20 })
        .with_help(Message::TooLargeHelp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_names() {
        for name in [".git", ".DS_Store", "~$plan.xlsx", "plan.toml~", "#plan.toml#", "README.md", "notes.TXT"] {
            assert!(is_quiet(name), "{name}");
        }
        for name in ["plan.toml", "plan.docx", "plan.xls", "a~b.toml", "md", "x.mdx"] {
            assert!(!is_quiet(name), "{name}");
        }
    }

    #[test]
    fn extensions_in_any_case() {
        assert_eq!(extension(Path::new("a/B.TOML")).as_deref(), Some("toml"));
        assert_eq!(extension(Path::new("a/b.Csv")).as_deref(), Some("csv"));
        assert!(Tree::Data.reads("csv") && !Tree::Rules.reads("csv"));
        assert!(Tree::Data.reads("xlsx") && !Tree::Rules.reads("xlsx"));
        assert_eq!(kind(Path::new("d/Figures.XLSX")), Some(FileKind::Workbook));
        assert_eq!(kind(Path::new("d/figures.CSV")), Some(FileKind::Csv));
        assert_eq!(kind(Path::new("d/a.Toml")), Some(FileKind::Toml));
        assert_eq!(kind(Path::new("d/a.xls")), None);
        assert!(is_named(Path::new("rules/Metrics.TOML"), "metrics.toml"));
    }
}
