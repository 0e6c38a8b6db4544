//! `--output FILE` (CONTRACT §7): the result is written to a temporary file beside the
//! target and renamed over it only when the run ends with exit 0 or 1, so an existing
//! file is replaced whole or not at all, and a failed run leaves no file behind. The
//! temporary file is hidden (`.kaohe-*.tmp`), so a loader walking the same folder
//! skips it.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::text::Message;

/// The result on its way to its file.
pub enum OutputFile {
    /// A temporary file, renamed over `target` by `commit`.
    Atomic { temp: BufWriter<NamedTempFile>, target: PathBuf },
    /// Something that is not a regular file (`/dev/stdout`, a FIFO, a device): written
    /// as it is, since renaming over it would replace the device, not feed it.
    Direct { file: BufWriter<File>, target: PathBuf },
}

fn shown(path: &Path) -> String {
    path.display().to_string()
}

impl OutputFile {
    /// A temporary file in the target's folder (the folder of the file a link points
    /// to, so that the link's file is the one replaced); an error message when there is
    /// nothing to write to.
    pub fn create(target: &Path) -> Result<OutputFile, Message> {
        let cannot =
            |e: std::io::Error| Message::OutputWriteFailed { path: shown(target), error: e.kind().to_string() };
        let existing = std::fs::metadata(target).ok();
        if existing.as_ref().is_some_and(std::fs::Metadata::is_dir) {
            return Err(Message::OutputIsFolder { path: shown(target) });
        }
        if existing.as_ref().is_some_and(|m| !m.is_file()) {
            let file = std::fs::OpenOptions::new().write(true).open(target).map_err(cannot)?;
            return Ok(OutputFile::Direct { file: BufWriter::new(file), target: target.to_path_buf() });
        }
        let real = match &existing {
            Some(_) => std::fs::canonicalize(target).map_err(cannot)?,
            None => target.to_path_buf(),
        };
        let dir = match real.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        if !dir.is_dir() {
            return Err(Message::OutputNoFolder { path: shown(target), folder: shown(dir) });
        }
        let mut builder = tempfile::Builder::new();
        builder.prefix(".kaohe-").suffix(".tmp");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // A report is an ordinary file: keep the permissions of the file it replaces,
            // else what the umask gives a new file (tempfile alone would give 0600).
            let mode = existing.as_ref().map_or(0o666, |m| m.permissions().mode() & 0o7777);
            builder.permissions(std::fs::Permissions::from_mode(mode));
        }
        // The error's kind alone: tempfile's message names the random temporary file.
        let temp = builder.tempfile_in(dir).map_err(cannot)?;
        Ok(OutputFile::Atomic { temp: BufWriter::with_capacity(1 << 16, temp), target: real })
    }

    pub fn writer(&mut self) -> &mut dyn Write {
        match self {
            OutputFile::Atomic { temp, .. } => temp,
            OutputFile::Direct { file, .. } => file,
        }
    }

    /// Flush and rename over the target.
    pub fn commit(self) -> Result<(), Message> {
        let error = |target: &Path, e: &dyn std::fmt::Display| Message::OutputWriteFailed {
            path: shown(target),
            error: e.to_string(),
        };
        match self {
            OutputFile::Atomic { temp, target } => {
                let temp = temp.into_inner().map_err(|e| error(&target, e.error()))?;
                temp.as_file().sync_all().map_err(|e| error(&target, &e))?;
                temp.persist(&target).map_err(|e| error(&target, &e.error))?;
            }
            OutputFile::Direct { mut file, target } => file.flush().map_err(|e| error(&target, &e))?,
        }
        Ok(())
    }
}

/// Whether `output` names the same file as one of `inputs` (after resolving links and
/// `..`); an output that does not exist yet names no input.
pub fn names_an_input<'a>(output: &Path, inputs: impl IntoIterator<Item = &'a Path>) -> bool {
    let Some(out) = canonical(output) else { return false };
    inputs.into_iter().any(|i| canonical(i).is_some_and(|i| i == out))
}

fn canonical(path: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(path).ok()
}

/// The path as the file system resolves it; for a file that does not exist yet, its
/// folder resolved and its name appended. `None` when the folder does not exist.
fn resolved(path: &Path) -> Option<PathBuf> {
    if let Some(p) = canonical(path) {
        return Some(p);
    }
    let name = path.file_name()?;
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    Some(canonical(parent)?.join(name))
}

/// Whether `output` lies inside one of the folders `dirs` (after links are followed).
pub fn is_inside(output: &Path, dirs: &[PathBuf]) -> bool {
    let Some(out) = resolved(output) else { return false };
    dirs.iter().filter(|d| d.is_dir()).filter_map(|d| canonical(d)).any(|d| out.starts_with(d))
}

/// Write `bytes` to `path` as [`OutputFile`] does: whole or not at all.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), Message> {
    let mut file = OutputFile::create(path)?;
    file.writer()
        .write_all(bytes)
        .map_err(|e| Message::OutputWriteFailed { path: shown(path), error: e.to_string() })?;
    file.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("kaohe-output-file-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        dir
    }

    fn leftovers(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        names.sort();
        names
    }

    #[test]
    fn replaces_a_file_whole_and_leaves_no_temporary_file() {
        let dir = scratch("replace");
        let out = dir.join("form.csv");
        std::fs::write(&out, "old").unwrap_or_else(|e| panic!("{e}"));
        write_atomic(&out, b"new").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(std::fs::read_to_string(&out).ok().as_deref(), Some("new"));
        assert_eq!(leftovers(&dir), vec!["form.csv".to_string()]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_failed_write_leaves_the_old_file() {
        let dir = scratch("fail");
        // A folder where the file should be: refused, the folder stays.
        let out = dir.join("form.csv");
        std::fs::create_dir_all(out.join("inside")).unwrap_or_else(|e| panic!("{e}"));
        assert!(write_atomic(&out, b"new").is_err());
        assert!(out.join("inside").is_dir());
        assert_eq!(leftovers(&dir), vec!["form.csv".to_string()]);
        // A folder that does not exist: nothing is created.
        assert!(write_atomic(&dir.join("no/such/form.csv"), b"x").is_err());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn inputs_and_data_folders_are_recognised_through_links_and_dots() {
        let dir = scratch("inputs");
        std::fs::create_dir_all(dir.join("data")).unwrap_or_else(|e| panic!("{e}"));
        let input = dir.join("data/a.csv");
        std::fs::write(&input, "x").unwrap_or_else(|e| panic!("{e}"));
        assert!(names_an_input(&dir.join("data/../data/a.csv"), [input.as_path()]));
        assert!(!names_an_input(&dir.join("data/b.csv"), [input.as_path()]));
        assert!(is_inside(&dir.join("data/b.csv"), &[dir.join("data")]));
        assert!(!is_inside(&dir.join("b.csv"), &[dir.join("data")]));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
