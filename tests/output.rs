//! Writing the results (CONTRACT §7): a reader that closes the pipe early ends the run
//! quietly with its normal exit code; any other failure to write is a message on
//! stderr and exit 2. Run on the shipped workspace, whose JSON (about 170 KB) is far larger than a
//! pipe's buffer.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

fn kaohe() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_kaohe"));
    c.current_dir(Path::new(env!("CARGO_MANIFEST_DIR"))).env_remove("LC_ALL").env("LANG", "C");
    c
}

#[test]
fn a_reader_that_stops_early_ends_the_run_quietly() {
    for strict in [false, true] {
        let mut cmd = kaohe();
        cmd.args(["eval", "--format", "json"]);
        if strict {
            cmd.arg("--strict");
        }
        let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("run kaohe");
        let mut first = String::new();
        let stdout = child.stdout.take().expect("stdout");
        BufReader::new(stdout).read_line(&mut first).expect("one line");
        // The reader is gone: every later write fails with a broken pipe.
        let out = child.wait_with_output().expect("wait");
        assert_eq!(first, "{\n");
        assert_eq!(String::from_utf8_lossy(&out.stderr), "", "strict: {strict}");
        // The shipped workspace has verdicts that are not pass: --strict still says so.
        assert_eq!(out.status.code(), Some(if strict { 1 } else { 0 }), "strict: {strict}");
    }
}

#[test]
fn a_full_disk_is_a_message_and_exit_2() {
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // not a Linux machine
    };
    let out = kaohe().arg("eval").stdout(full).output().expect("run kaohe");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.starts_with("error: cannot write the output: "), "{stderr}");
}
