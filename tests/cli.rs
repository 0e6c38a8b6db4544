//! Integration tests: run the real `kaohe` binary on folders of real files and
//! compare its whole output (stdout, stderr and exit code) with insta snapshots.
//!
//! Each folder under `tests/cases/` holds a workspace (`rules/`, `data/`, …) and a
//! file `cmd`: one kaohe command line per line (arguments separated by spaces;
//! `#` starts a comment; leading `NAME=VALUE` words set environment variables). The commands run in that folder with `LANG=C` and
//! `KAOHE_TODAY=2026-12-01`. Folders are
//! named after the CONTRACT section they exercise (`s5-semantics` is §5).

use std::path::{Path, PathBuf};
use std::process::Command;

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases")
}

/// Run every command of a case folder; the transcript of all of them.
fn run_case(name: &str) -> String {
    let dir = cases_dir().join(name);
    let cmds = std::fs::read_to_string(dir.join("cmd")).unwrap_or_else(|e| panic!("{name}/cmd: {e}"));
    let mut out = String::new();
    for line in cmds.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        // Leading `NAME=VALUE` words set environment variables (`KAOHE_WIDTH=80 eval`).
        let words: Vec<&str> = line.split_whitespace().collect();
        let env: Vec<(&str, &str)> = words.iter().map_while(|w| w.split_once('=')).collect();
        let args = &words[env.len()..];
        let output = Command::new(env!("CARGO_BIN_EXE_kaohe"))
            .args(args)
            .envs(env)
            .current_dir(&dir)
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", "C")
            .env("KAOHE_TODAY", "2026-12-01")
            .output()
            .unwrap_or_else(|e| panic!("run kaohe: {e}"));
        out.push_str(&format!("$ kaohe {line}\nexit: {}\n", output.status.code().unwrap_or(-1)));
        out.push_str(&format!("--- stdout\n{}", String::from_utf8_lossy(&output.stdout)));
        out.push_str(&format!("--- stderr\n{}\n", String::from_utf8_lossy(&output.stderr)));
    }
    out
}

macro_rules! cases {
    ($($test:ident => $folder:literal,)*) => {
        $(
            #[test]
            fn $test() {
                insta::assert_snapshot!($folder, run_case($folder));
            }
        )*

        /// Every case folder has its test (a new folder cannot be forgotten).
        #[test]
        fn every_case_folder_is_tested() {
            let known = [$($folder),*];
            let mut folders: Vec<String> = std::fs::read_dir(cases_dir())
                .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
                .unwrap_or_default();
            folders.sort();
            for f in &folders {
                assert!(known.contains(&f.as_str()), "tests/cases/{f} has no test in tests/cli.rs");
            }
        }
    };
}

cases! {
    s1_workspace_paths_and_catalog => "s1-workspace",
    s1_encodings_bom_crlf_gb18030 => "s1-encodings",
    s2_catalog_units_money_bool => "s2-catalog",
    s3_data_values_and_qualifiers => "s3-data",
    s4_rule_sets_applies_to_params_groups => "s4-rulesets",
    s4_if_zero_takes_one_branch => "s4-if-zero",
    s5_semantics_statuses_scores_verdicts_pace => "s5-semantics",
    s5_measure_pace_and_levers => "s5-measure-levers",
    s6_spreadsheet_input => "s6-spreadsheet",
    s6_template_the_form_to_fill_in => "s6-template",
    s6_wide_layout_gb18030_crlf => "s6-wide-layout",
    s7_command_line_and_exit_codes => "s7-cli",
    s7_bad_inputs_every_problem_reported => "s7-bad-inputs",
    s7_hostile_text_is_escaped_in_every_format => "s7-hostile-text",
    s7_diagnostics_in_chinese_repeatable_paths_files_not_read => "s7-diagnostics-zh",
    s7_reports_xlsx_html_and_output => "s7-reports",
    unfinished_year_without_as_of_is_warned_about => "unfinished-year",
    s8_contract_example_json_csv => "s8-contract-example",
    s9_fine_print => "s9-fine-print",
    trend_and_compare => "trend-compare",
    pinned_behaviour_before_the_core_restructure => "pinned-behaviour",
    repeated_warnings_are_grouped_quiet_and_verbose => "warnings-grouped",
    text_layout_widths_summaries_markdown => "text-layout",
}

/// `kaohe completions SHELL` and `kaohe man` print what the shells and `man` read;
/// `--bom` starts CSV with the byte order mark and changes nothing else.
#[test]
fn completions_man_page_and_bom() {
    let kaohe = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_kaohe"))
            .args(args)
            .current_dir(cases_dir().join("s8-contract-example"))
            .env("LANG", "C")
            .output()
            .unwrap_or_else(|e| panic!("run kaohe: {e}"));
        assert!(out.status.success(), "kaohe {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        out.stdout
    };
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = String::from_utf8(kaohe(&["completions", shell])).unwrap_or_default();
        assert!(script.contains("kaohe") && script.contains("ruleset"), "{shell}: {script}");
    }
    let man = String::from_utf8(kaohe(&["man"])).unwrap_or_default();
    assert!(man.starts_with(".ie") || man.contains(".TH kaohe"), "{man}");
    assert!(man.contains("completions") && man.contains("kaohe\\-eval(1)"), "{man}");
    let eval = String::from_utf8(kaohe(&["man", "eval"])).unwrap_or_default();
    assert!(eval.contains(".TH kaohe-eval 1") && eval.contains("\\-\\-bom"), "{eval}");

    let plain = kaohe(&["eval", "--format", "csv"]);
    let bom = kaohe(&["eval", "--format", "csv", "--bom"]);
    assert_eq!(&bom[..3], b"\xef\xbb\xbf");
    assert_eq!(&bom[3..], &plain[..]);
    assert!(plain.starts_with(b"entity,ruleset,"));
    let trend = kaohe(&["trend", "mianzhu", "--format", "csv", "--bom"]);
    assert!(trend.starts_with(b"\xef\xbb\xbfentity,"), "{}", String::from_utf8_lossy(&trend));
}
