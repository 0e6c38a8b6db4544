//! Shared helpers for the integration tests that build workspaces at run time.
#![allow(dead_code)]

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The binary under test: `KAOHE_BIN` if set (to run the tests against another
/// build), else the one cargo built.
pub fn binary() -> PathBuf {
    std::env::var_os("KAOHE_BIN").map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_kaohe")), PathBuf::from)
}

/// A fresh folder under the target directory's tmp, removed when dropped.
pub struct Workspace {
    pub root: PathBuf,
}

impl Workspace {
    pub fn new() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let root = std::env::temp_dir().join(format!("kaohe-test-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).unwrap_or_else(|e| panic!("create {}: {e}", root.display()));
        Workspace { root }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }

    /// Write `bytes` to `rel`, creating folders as needed.
    pub fn write(&self, rel: &str, bytes: &[u8]) {
        let path = self.path(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).unwrap_or_else(|e| panic!("create {}: {e}", parent.display()));
        }
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }

    pub fn mkdir(&self, rel: &str) {
        std::fs::create_dir_all(self.path(rel)).unwrap_or_else(|e| panic!("mkdir {rel}: {e}"));
    }
}

impl Drop for Workspace {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Run the binary in `dir` with `LANG=C`; a run that takes more than a minute (a
/// FIFO opened and waited on) is killed and fails the test.
pub fn kaohe_at(dir: &Path, args: &[&str]) -> Output {
    let mut child = Command::new(binary())
        .args(args)
        .current_dir(dir)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("run kaohe: {e}"));
    let (mut stdout, mut stderr) = (child.stdout.take(), child.stderr.take());
    let out = std::thread::spawn(move || {
        let mut s = Vec::new();
        if let Some(o) = stdout.as_mut() {
            let _ = o.read_to_end(&mut s);
        }
        s
    });
    let err = std::thread::spawn(move || {
        let mut s = Vec::new();
        if let Some(e) = stderr.as_mut() {
            let _ = e.read_to_end(&mut s);
        }
        s
    });
    let start = Instant::now();
    let status = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            panic!("kaohe {args:?} did not finish within a minute in {}", dir.display());
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    Output {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.join().unwrap_or_default()).into_owned(),
        stderr: String::from_utf8_lossy(&err.join().unwrap_or_default()).into_owned(),
    }
}

/// Run the binary in `dir` as the CLI cases do: `LANG=C` and `KAOHE_TODAY=2026-12-01`
/// (for what depends on whether a year is over), stdout kept as bytes.
pub fn kaohe_dated(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(binary())
        .args(args)
        .current_dir(dir)
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C")
        .env("KAOHE_TODAY", "2026-12-01")
        .output()
        .unwrap_or_else(|e| panic!("run kaohe: {e}"))
}

/// Make a FIFO at `path` (with Python, which the test suite needs anyway).
pub fn mkfifo(path: &Path) {
    let status = Command::new("python3")
        .args(["-c", "import os, sys; os.mkfifo(sys.argv[1])"])
        .arg(path)
        .status()
        .unwrap_or_else(|e| panic!("python3: {e}"));
    assert!(status.success(), "mkfifo {}", path.display());
}

pub fn kaohe_in(ws: &Workspace, args: &[&str]) -> Output {
    kaohe_at(&ws.root, args)
}
