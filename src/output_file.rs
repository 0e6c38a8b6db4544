//! Writing a result file the way CONTRACT §7 asks of `--output`: atomically (a
//! temporary file beside the target, renamed over it only once it is complete, so an
//! existing file is replaced whole or not at all) and never over an input file.
//!
//! Kept small and free of any command's types so that `eval --output` and
//! `template --output` can share one implementation.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// The path as the file system resolves it; for a file that does not exist yet, its
/// folder resolved and its name appended. `None` when the folder does not exist.
pub fn resolved(path: &Path) -> Option<PathBuf> {
    if let Ok(p) = fs::canonicalize(path) {
        return Some(p);
    }
    let name = path.file_name()?;
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Some(fs::canonicalize(parent).ok()?.join(name))
}

/// Whether `output` is one of `inputs` (after links are followed).
pub fn is_input(output: &Path, inputs: &[PathBuf]) -> bool {
    let Some(out) = resolved(output) else { return false };
    inputs.iter().any(|i| resolved(i).is_some_and(|p| p == out))
}

/// Whether `output` lies inside one of the folders `dirs` (after links are followed).
pub fn is_inside(output: &Path, dirs: &[PathBuf]) -> bool {
    let Some(out) = resolved(output) else { return false };
    dirs.iter().filter(|d| d.is_dir()).filter_map(|d| fs::canonicalize(d).ok()).any(|d| out.starts_with(d))
}

/// Write `bytes` to `path` atomically: a temporary file in the same folder (so the
/// rename cannot cross file systems), synced, then renamed over `path`. On failure
/// the temporary file is removed and an existing `path` is left as it was.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path.file_name().ok_or_else(|| io::Error::other("the output path names no file"))?;
    let (tmp, mut file) = temp_file(dir, &name.to_string_lossy())?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    drop(file);
    let result = written.and_then(|()| {
        // Keep the permissions of a file being replaced (a shared folder's group bits).
        if let Ok(meta) = fs::metadata(path) {
            fs::set_permissions(&tmp, meta.permissions())?;
        }
        fs::rename(&tmp, path)
    });
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// A new hidden file beside the target; a name already taken (another run) is skipped.
fn temp_file(dir: &Path, name: &str) -> io::Result<(PathBuf, File)> {
    let mut last = None;
    for n in 0..100 {
        let tmp = dir.join(format!(".{name}.kaohe-{}-{n}.tmp", std::process::id()));
        match OpenOptions::new().write(true).create_new(true).open(&tmp) {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no temporary file name is free")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("kaohe-output-file-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        dir
    }

    fn leftovers(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        names.sort();
        names
    }

    #[test]
    fn replaces_a_file_whole_and_leaves_no_temporary_file() {
        let dir = scratch("replace");
        let out = dir.join("form.csv");
        fs::write(&out, "old").unwrap_or_else(|e| panic!("{e}"));
        write_atomic(&out, b"new").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(fs::read_to_string(&out).ok().as_deref(), Some("new"));
        assert_eq!(leftovers(&dir), vec!["form.csv".to_string()]);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_failed_write_leaves_the_old_file() {
        let dir = scratch("fail");
        // A folder where the file should be: the rename fails, the folder stays.
        let out = dir.join("form.csv");
        fs::create_dir_all(out.join("inside")).unwrap_or_else(|e| panic!("{e}"));
        assert!(write_atomic(&out, b"new").is_err());
        assert!(out.join("inside").is_dir());
        assert_eq!(leftovers(&dir), vec!["form.csv".to_string()]);
        // A folder that does not exist: nothing is created.
        assert!(write_atomic(&dir.join("no/such/form.csv"), b"x").is_err());
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn inputs_and_data_folders_are_recognised_through_links_and_dots() {
        let dir = scratch("inputs");
        fs::create_dir_all(dir.join("data")).unwrap_or_else(|e| panic!("{e}"));
        let input = dir.join("data/a.csv");
        fs::write(&input, "x").unwrap_or_else(|e| panic!("{e}"));
        assert!(is_input(&dir.join("data/../data/a.csv"), std::slice::from_ref(&input)));
        assert!(!is_input(&dir.join("data/b.csv"), std::slice::from_ref(&input)));
        assert!(is_inside(&dir.join("data/b.csv"), &[dir.join("data")]));
        assert!(!is_inside(&dir.join("b.csv"), &[dir.join("data")]));
        let _ = fs::remove_dir_all(&dir);
    }
}
