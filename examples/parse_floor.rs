//! The parse-only floor for the benchmark (`scripts/bench.py`): read every `*.toml`
//! under the given files and folders and parse each with the `toml` crate alone,
//! on one thread, doing nothing with the result. Whatever kaohe does beyond this
//! (validation, evaluation, output) is its own cost.
//!
//! Usage: cargo run --release --example parse_floor -- rules data

use std::path::{Path, PathBuf};
use std::process::ExitCode;

fn collect(path: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if path.is_dir() {
        for entry in std::fs::read_dir(path)? {
            collect(&entry?.path(), out)?;
        }
    } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("toml")) {
        out.push(path.to_path_buf());
    }
    Ok(())
}

fn main() -> ExitCode {
    let roots: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if roots.is_empty() {
        eprintln!("usage: parse_floor PATH...");
        return ExitCode::from(2);
    }
    let mut files = Vec::new();
    for root in &roots {
        if let Err(e) = collect(root, &mut files) {
            eprintln!("error: {}: {e}", root.display());
            return ExitCode::from(2);
        }
    }
    files.sort();
    let mut bytes = 0usize;
    let mut keys = 0usize;
    for file in &files {
        let text = match std::fs::read_to_string(file) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("error: {}: {e}", file.display());
                return ExitCode::from(2);
            }
        };
        bytes += text.len();
        match toml::from_str::<toml::Table>(&text) {
            // Count the top-level keys so the parse cannot be optimised away.
            Ok(table) => keys += table.len(),
            Err(e) => {
                eprintln!("error: {}: {e}", file.display());
                return ExitCode::from(2);
            }
        }
    }
    println!("{} files, {bytes} bytes, {keys} top-level keys", files.len());
    ExitCode::SUCCESS
}
