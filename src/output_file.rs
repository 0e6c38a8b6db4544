//! `--output FILE` (CONTRACT §7): the result is written to a temporary file beside the
//! target and renamed over it only when the run ends with exit 0 or 1, so an existing
//! file is replaced whole or not at all, and a failed run leaves no file behind. The
//! temporary file is hidden (`.kaohe-*.tmp`), so a loader walking the same folder
//! skips it.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

/// The result on its way to `target`.
pub struct OutputFile {
    temp: BufWriter<NamedTempFile>,
    target: PathBuf,
}

fn shown(path: &Path) -> String {
    crate::text::shown(&path.display().to_string()).into_owned()
}

impl OutputFile {
    /// A temporary file in the target's folder; an error message when there is none to
    /// write to (the folder is missing, or the target is a folder).
    pub fn create(target: &Path) -> Result<OutputFile, String> {
        if target.is_dir() {
            return Err(format!("--output `{}` is a folder; name a file", shown(target)));
        }
        let dir = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let mut builder = tempfile::Builder::new();
        builder.prefix(".kaohe-").suffix(".tmp");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // A report is an ordinary file: keep the permissions of the file it replaces,
            // else what the umask gives a new file (tempfile alone would give 0600).
            let mode = std::fs::metadata(target).map_or(0o666, |m| m.permissions().mode() & 0o7777);
            builder.permissions(std::fs::Permissions::from_mode(mode));
        }
        let temp = builder.tempfile_in(dir).map_err(|e| format!("cannot write `{}`: {e}", shown(target)))?;
        Ok(OutputFile { temp: BufWriter::with_capacity(1 << 16, temp), target: target.to_path_buf() })
    }

    pub fn writer(&mut self) -> &mut dyn Write {
        &mut self.temp
    }

    /// Flush and rename over the target.
    pub fn commit(self) -> Result<(), String> {
        let error = |e: &dyn std::fmt::Display| format!("cannot write `{}`: {e}", shown(&self.target));
        let temp = self.temp.into_inner().map_err(|e| error(e.error()))?;
        temp.as_file().sync_all().map_err(|e| error(&e))?;
        temp.persist(&self.target).map_err(|e| error(&e.error))?;
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
