//! The real binary under a pseudo-terminal of 80 columns: every line it prints fits,
//! and nothing is coloured. Python 3's `pty` module makes the terminal (CI has Python
//! and nothing else to lean on); the child gets it as its controlling terminal, so
//! the width kaohe asks for is the one set here, whatever terminal runs the tests.
//! `KAOHE_WIDTH` stands in for terminals of other widths, and a pipe for no terminal.

use std::path::Path;
use std::process::Command;

use unicode_width::UnicodeWidthStr;

/// Runs `argv` on a fresh pty of `cols` columns, stderr discarded; prints what the
/// terminal showed and exits with the child's code.
const RUN_ON_PTY: &str = r#"
import fcntl, os, pty, struct, sys, termios
cols = int(sys.argv[1])
pid, fd = pty.fork()
if pid == 0:
    fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, cols, 0, 0))
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    os.execv(sys.argv[2], sys.argv[2:])
out = b""
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(out)
sys.exit(os.waitstatus_to_exitcode(status))
"#;

fn on_terminal(cols: u16, args: &[&str]) -> String {
    on_terminal_with(cols, args, &[])
}

fn on_terminal_with(cols: u16, args: &[&str], env: &[(&str, &str)]) -> String {
    let output = Command::new("python3")
        .arg("-c")
        .arg(RUN_ON_PTY)
        .arg(cols.to_string())
        .arg(env!("CARGO_BIN_EXE_kaohe"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("KAOHE_WIDTH")
        .env_remove("COLUMNS")
        .env("LANG", "C")
        .env("KAOHE_TODAY", "2026-12-01")
        .envs(env.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("this test needs python3 (with its pty module): {e}"));
    assert!(output.status.success(), "kaohe {args:?} on a pty: {:?}", output.status);
    // The terminal turns each `\n` into `\r\n`.
    String::from_utf8_lossy(&output.stdout).replace('\r', "")
}

fn assert_fits(cols: u16, args: &[&str]) -> String {
    let shown = on_terminal(cols, args);
    assert!(shown.lines().count() > 5, "kaohe {args:?} printed almost nothing:\n{shown}");
    assert!(!shown.contains('\u{1b}'), "kaohe {args:?} styled its output on a terminal:\n{shown}");
    for line in shown.lines() {
        assert!(line.width() <= usize::from(cols), "kaohe {args:?}: {} columns:\n{line}", line.width());
    }
    shown
}

#[test]
fn the_shipped_eval_fits_80_columns_in_both_languages() {
    let en = assert_fits(80, &["eval", "--lang", "en"]);
    // The shipped workspace has ten rule sets: one ranking per rule set.
    assert!(en.contains("Summary · "), "{en}");
    let zh = assert_fits(80, &["eval", "--lang", "zh"]);
    assert!(zh.contains("汇总 · "), "{zh}");
}

#[test]
fn the_other_commands_fit_too() {
    assert_fits(80, &["eval", "--entity", "luzhou", "--as-of", "2016-06-30", "--period", "2016"]);
    assert_fits(80, &["compare", "--metric", "patent_applications"]);
    assert_fits(80, &["trend", "mianzhu"]);
    assert_fits(80, &["explain", "luzhou", "invention-share", "--ruleset", "pilot-criteria"]);
}

#[test]
fn no_color_turns_off_the_help_styling() {
    // kaohe styles nothing itself; clap styles its help on a terminal unless NO_COLOR.
    let help = on_terminal_with(80, &["eval", "--help"], &[("NO_COLOR", "1")]);
    assert!(help.contains("--ruleset"), "{help}");
    assert!(!help.contains('\u{1b}'), "{help:?}");
}

#[test]
fn a_pipe_gets_the_fixed_layout() {
    // The same command through a pipe: wider than 80, as before terminals were fitted.
    let output = Command::new(env!("CARGO_BIN_EXE_kaohe"))
        .args(["eval", "--lang", "en"])
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .env_remove("KAOHE_WIDTH")
        .env("LANG", "C")
        .output()
        .unwrap_or_else(|e| panic!("run kaohe: {e}"));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.lines().any(|l| l.width() > 80), "the fixed layout should not depend on a terminal");
}

#[test]
fn every_width_from_40_columns_up_is_fitted() {
    // KAOHE_WIDTH stands in for a terminal of any width, down to where a completion
    // table's six columns barely fit.
    for width in (40u16..=160).step_by(15) {
        for lang in ["en", "zh"] {
            let output = Command::new(env!("CARGO_BIN_EXE_kaohe"))
                .args(["eval", "--lang", lang])
                .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
                .env("KAOHE_WIDTH", width.to_string())
                .env("KAOHE_TODAY", "2026-12-01")
                .output()
                .unwrap_or_else(|e| panic!("run kaohe: {e}"));
            assert!(output.status.success(), "{width} {lang}: {output:?}");
            let text = String::from_utf8_lossy(&output.stdout);
            for line in text.lines() {
                assert!(line.width() <= usize::from(width), "{width} columns, {lang}: {} wide:\n{line}", line.width());
            }
        }
    }
}
