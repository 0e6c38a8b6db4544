//! `--output FILE` (CONTRACT §7): the result is written to a temporary file beside the
//! target and renamed over it only when the run ends with exit 0 or 1, so an existing
//! file is replaced whole or not at all, and a failed run leaves no file behind. The
//! temporary file is hidden (`.kaohe-*.tmp`), so a loader walking the same folder
//! skips it.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// The result on its way to its file.
pub enum OutputFile {
    /// A temporary file, renamed over `target` by `commit`.
    Atomic { temp: BufWriter<NamedTempFile>, target: PathBuf },
    /// Something that is not a regular file (`/dev/stdout`, a FIFO, a device): written
    /// as it is, since renaming over it would replace the device, not feed it.
    Direct { file: BufWriter<File>, target: PathBuf },
}

fn shown(path: &Path) -> String {
    crate::text::shown(&path.display().to_string()).into_owned()
}

impl OutputFile {
    /// A temporary file in the target's folder (the folder of the file a link points
    /// to, so that the link's file is the one replaced); an error message when there is
    /// nothing to write to.
    pub fn create(target: &Path) -> Result<OutputFile, String> {
        let cannot = |e: std::io::Error| format!("cannot write `{}`: {}", shown(target), e.kind());
        let existing = std::fs::metadata(target).ok();
        if existing.as_ref().is_some_and(std::fs::Metadata::is_dir) {
            return Err(format!("--output `{}` is a folder; name a file", shown(target)));
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
            return Err(format!("cannot write `{}`: there is no folder `{}`", shown(target), shown(dir)));
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
    pub fn commit(self) -> Result<(), String> {
        let error = |target: &Path, e: &dyn std::fmt::Display| format!("cannot write `{}`: {e}", shown(target));
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
