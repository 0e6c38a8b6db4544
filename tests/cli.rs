//! Integration tests: run the real `kaohe` binary on folders of real files and
//! compare its whole output (stdout, stderr and exit code) with insta snapshots.
//!
//! Each folder under `tests/cases/` holds a workspace (`rules/`, `data/`, …) and a
//! file `cmd`: one kaohe command line per line (arguments separated by spaces;
//! `#` starts a comment). The commands run in that folder with `LANG=C`.

use std::path::Path;
use std::process::Command;

fn run_case(dir: &Path) -> String {
    let cmds = std::fs::read_to_string(dir.join("cmd")).expect("cmd file");
    let mut out = String::new();
    for line in cmds.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        let args: Vec<&str> = line.split_whitespace().collect();
        let output = Command::new(env!("CARGO_BIN_EXE_kaohe"))
            .args(&args)
            .current_dir(dir)
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", "C")
            .output()
            .expect("run kaohe");
        out.push_str(&format!("$ kaohe {line}\nexit: {}\n", output.status.code().unwrap_or(-1)));
        out.push_str(&format!("--- stdout\n{}", String::from_utf8_lossy(&output.stdout)));
        out.push_str(&format!("--- stderr\n{}\n", String::from_utf8_lossy(&output.stderr)));
    }
    out
}

#[test]
fn cases() {
    insta::glob!("cases/*/cmd", |path| {
        let dir = path.parent().expect("case folder");
        insta::assert_snapshot!(run_case(dir));
    });
}
