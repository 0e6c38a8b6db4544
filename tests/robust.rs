//! Regression tests for what a hostile tester found (issue 11), on the input side:
//! each builds its workspace in a temporary folder (some need what a repository
//! cannot hold: FIFOs, links, control characters in file names) and runs the real
//! binary.
//!
//! `KAOHE_BIN=/path/to/kaohe cargo test --test robust` runs them against another
//! build (to see that they fail on one without the fixes).

mod common;

use common::{Workspace, kaohe_in};

const CATALOG: &str = "[metric.a]\nunit = \"件\"\n[metric.b]\nunit = \"件\"\n";
const RULES: &str = "id = \"r\"\nperiod = \"2015\"\n[[rule]]\nid = \"x\"\nmetric = \"a\"\nop = \">=\"\ntarget = 1\n";

/// A workspace with the small catalog and rule set above, plus `files`.
fn workspace(files: &[(&str, &[u8])]) -> Workspace {
    let ws = Workspace::new();
    ws.write("rules/metrics.toml", CATALOG.as_bytes());
    ws.write("rules/r.toml", RULES.as_bytes());
    for (path, text) in files {
        ws.write(path, text);
    }
    ws
}

// ---------------------------------------------------------------------------
// Places and escaping in diagnostics

#[test]
fn nul_byte_is_reported_at_its_line_and_column() {
    let ws = workspace(&[("data/e.toml", b"id = \"e\"\nname = \"a\0b\"\n")]);
    let out = kaohe_in(&ws, &["check"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.starts_with("data/e.toml:2:10: this is not a text file: it contains a NUL byte"),
        "{}",
        out.stderr
    );
    // The line is shown with the NUL escaped, and the caret under it.
    assert!(out.stderr.contains("2 | name = \"a\\u{0}b\""), "{}", out.stderr);
}

#[test]
fn bytes_that_are_not_text_are_reported_at_their_place() {
    let ws = workspace(&[("data/e.toml", b"id = \"e\"\n# \xff\xfe\xfd\xfc\x80\n")]);
    let out = kaohe_in(&ws, &["check"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.starts_with("data/e.toml:2:3: this file is neither UTF-8 nor GB18030"), "{}", out.stderr);
}

#[test]
fn control_characters_in_file_names_are_escaped() {
    let ws = workspace(&[("data/\u{1b}]0;pwned\u{7}\u{202e}x.toml", b"id = \"e\"\nfounded = 1\n")]);
    let out = kaohe_in(&ws, &["check"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.contains("data/\\u{1b}]0;pwned\\u{7}\\u{202e}x.toml:2:1: warning:"), "{}", out.stderr);
    assert!(!out.stderr.contains(['\u{1b}', '\u{7}', '\u{202e}']), "{:?}", out.stderr);
}

#[test]
fn control_characters_in_quoted_lines_and_messages_are_escaped() {
    // A quoted key with ESC in it is an invalid id; the message, the quoted line and
    // the caret all come out clean, the caret still under the key.
    let ws = workspace(&[("data/e.toml", "id = \"e\"\n[period.2015]\n\"\\u001b[2Ja\" = 1\n".as_bytes())]);
    let out = kaohe_in(&ws, &["check"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(!out.stderr.contains('\u{1b}'), "{:?}", out.stderr);
    assert!(out.stderr.contains("metric id `\\u{1b}[2Ja` is not a valid id"), "{}", out.stderr);
    let ws = workspace(&[("data/e.toml", b"id = \"e\"\n\x1b[2J = 1\n")]);
    let out = kaohe_in(&ws, &["check"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(!out.stderr.contains('\u{1b}'), "{:?}", out.stderr);
    assert!(out.stderr.contains("2 | \\u{1b}[2J = 1\n  | ^"), "{}", out.stderr);
}

#[test]
fn past_200_problems_in_a_file_the_rest_are_counted() {
    let ws = workspace(&[("data/x.toml", "a:b:c:d\n".repeat(1000).as_bytes())]);
    let out = kaohe_in(&ws, &["check"]);
    assert_eq!(out.code, 2, "{out:?}");
    let problems = out
        .stderr
        .lines()
        .filter(|l| l.strip_prefix("data/x.toml:").is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit())))
        .count();
    assert_eq!(problems, 200, "{}", out.stderr);
    // 1003 syntax errors in all: four on the first line, one on each other.
    assert!(
        out.stderr
            .ends_with("data/x.toml: 803 more problems in this file are not shown (kaohe prints the first 200)\n"),
        "{}",
        &out.stderr[out.stderr.len().saturating_sub(300)..]
    );
}

#[test]
fn a_long_line_is_quoted_around_the_problem_only() {
    let line = format!("name = \"{}\" x\n", "长".repeat(100_000));
    let ws = workspace(&[("data/e.toml", format!("id = \"e\"\n{line}").as_bytes())]);
    let out = kaohe_in(&ws, &["check"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.starts_with("data/e.toml:2:100011: invalid TOML"), "{}", &out.stderr[..200]);
    assert!(out.stderr.len() < 2000, "{}", out.stderr.len());
    assert!(out.stderr.contains("| …长长"), "{}", out.stderr);
}

// ---------------------------------------------------------------------------
// Numbers (CONTRACT §9: exact as written, in every way TOML writes them)

fn data_with(figure: &str) -> Workspace {
    workspace(&[("data/e.toml", format!("id = \"e\"\n[period.2015]\n{figure}\n").as_bytes())])
}

#[test]
fn numbers_with_29_places_are_input_errors() {
    for (figure, col) in [("a = 1e-29", 5), ("a = 1.11e-27", 5), ("a = { value = 9.99e-29 }", 15)] {
        let out = kaohe_in(&data_with(figure), &["check"]);
        assert_eq!(out.code, 2, "{figure}: {out:?}");
        let written =
            figure.split_whitespace().find(|w| w.starts_with(|c: char| c.is_ascii_digit())).unwrap_or_default();
        assert!(
            out.stderr.starts_with(&format!(
                "data/e.toml:3:{col}: `a`: `{written}` cannot be represented exactly (a number may have at most 28 digits after the point"
            )),
            "{figure}: {}",
            out.stderr
        );
    }
}

#[test]
fn numbers_with_28_places_are_exact() {
    // 1e-28 is the smallest positive number that fits: it is above 0, and exactly
    // a tenth of 1e-27 (met: 1e-28 * 10 == 1e-27, not_met if anything was rounded).
    let rules = "id = \"r\"\nperiod = \"2015\"\n[[rule]]\nid = \"x\"\nmetric = \"a\"\nop = \">\"\ntarget = 0\n[[rule]]\nid = \"y\"\nexpr = \"a * 10\"\nop = \"==\"\ntarget = \"b\"\n";
    let ws = data_with("a = 1e-28\nb = 0.01e-25");
    ws.write("rules/r.toml", rules.as_bytes());
    let out = kaohe_in(&ws, &["eval", "--format", "csv"]);
    assert_eq!(out.code, 0, "{out:?}");
    let statuses: Vec<&str> = out.stdout.lines().skip(1).map(|l| l.split(',').nth(5).unwrap_or("")).collect();
    assert_eq!(statuses, ["met", "met"], "{}", out.stdout);
}

#[test]
fn every_toml_number_form_is_read_exactly() {
    let rules = "id = \"r\"\nperiod = \"2015\"\n[[rule]]\nid = \"x\"\nexpr = \"a\"\nop = \"==\"\ntarget = 2015\n";
    for figure in
        ["a = 0x7DF", "a = 0o3737", "a = 0b11111011111", "a = 2_015", "a = 2.015e3", "a = 20150E-1", "a = +201_5.0"]
    {
        let ws = data_with(figure);
        ws.write("rules/r.toml", rules.as_bytes());
        let out = kaohe_in(&ws, &["eval", "--format", "csv"]);
        assert_eq!(out.code, 0, "{figure}: {out:?}");
        assert!(out.stdout.contains(",x,,met,"), "{figure}: {}", out.stdout);
    }
}

#[test]
fn integer_periods_mean_their_value_in_decimal() {
    for period in ["0x7DF", "0o3737", "0b11111011111", "2015", "+2015", "2_015"] {
        let ws = data_with("a = 5");
        ws.write("rules/r.toml", RULES.replace("\"2015\"", period).as_bytes());
        let out = kaohe_in(&ws, &["eval", "--format", "csv"]);
        assert_eq!(out.code, 0, "{period}: {out:?}");
        assert_eq!(out.stdout.lines().nth(1), Some("e,r,2015,x,,met,>=,1,5,5,500,,1,1,false,,,,,pass"), "{period}");
    }
}

// ---------------------------------------------------------------------------
// CSV

const CSV_HEADER: &str = "entity,period,metric,value,qualifier,unit,source\n";

#[test]
fn an_unterminated_quote_in_csv_is_an_error_at_its_place() {
    let csv = format!("{CSV_HEADER}e,2015,a,5,,,\"oops\ne,2015,b,3,,,\ne,2015,zz,3,,,\n");
    let ws = workspace(&[("data/e.toml", b"id = \"e\"\n"), ("data/figures.csv", csv.as_bytes())]);
    let out = kaohe_in(&ws, &["check"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.starts_with(
            "data/figures.csv:2:14: this quoted field is never closed: no `\"` ends the quote that opens here\n"
        ),
        "{}",
        out.stderr
    );
    // The rows after it are read (not swallowed into the field): the unknown metric
    // two lines down is reported too.
    assert!(out.stderr.contains("data/figures.csv:4:8: unknown metric `zz`"), "{}", out.stderr);
}

#[test]
fn text_after_a_closing_quote_in_csv_is_an_error() {
    let csv = format!("{CSV_HEADER}e,2015,a,5,,,\"he said \"hi\" twice\"\n");
    let ws = workspace(&[("data/e.toml", b"id = \"e\"\n"), ("data/figures.csv", csv.as_bytes())]);
    let out = kaohe_in(&ws, &["check"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.starts_with("data/figures.csv:2:14: text follows the closing quote of the field that opens here\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn a_figure_given_twice_in_csv_names_both_places() {
    let csv = format!("{CSV_HEADER}e,2015,a,5,,,\ne,2015,b,5,,,\ne,2015,a,6,,,\n");
    let ws = workspace(&[("data/e.toml", b"id = \"e\"\n[period.2015]\nb = 1\n"), ("data/figures.csv", csv.as_bytes())]);
    let out = kaohe_in(&ws, &["check"]);
    assert_eq!(out.code, 2, "{out:?}");
    let problems: Vec<&str> = out.stderr.lines().filter(|l| l.starts_with("data/") || l.contains("help")).collect();
    assert_eq!(
        problems,
        [
            "data/figures.csv:3:8: `b` of `e` in period `2015` is given twice",
            "  = help: it is first given at data/e.toml:3:1",
            "data/figures.csv:4:8: `a` of `e` in period `2015` is given twice",
            "  = help: it is first given at data/figures.csv:2:8",
        ],
        "{}",
        out.stderr
    );
}

// ---------------------------------------------------------------------------
// Files (CONTRACT §1)

#[cfg(unix)]
fn symlink(target: &str, link: &std::path::Path) {
    std::os::unix::fs::symlink(target, link).unwrap_or_else(|e| panic!("symlink {}: {e}", link.display()));
}

const ENTITY: &[u8] = b"id = \"e\"\n[period.2015]\na = 5\n";

#[cfg(unix)]
#[test]
fn a_fifo_named_toml_is_an_error_naming_it() {
    let ws = workspace(&[("data/e.toml", ENTITY)]);
    common::mkfifo(&ws.path("data/x.toml"));
    common::mkfifo(&ws.path("rules/y.toml"));
    let out = kaohe_in(&ws, &["check"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(
        out.stderr,
        "data/x.toml: this is a FIFO (named pipe), not a file or a folder: kaohe reads only regular files\n\
         rules/y.toml: this is a FIFO (named pipe), not a file or a folder: kaohe reads only regular files\n"
    );
}

#[cfg(unix)]
#[test]
fn data_at_a_fifo_says_what_it_is() {
    let ws = workspace(&[]);
    common::mkfifo(&ws.path("pipe"));
    let out = kaohe_in(&ws, &["check", "--data", "pipe"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(
        out.stderr,
        "pipe: this is a FIFO (named pipe), not a file or a folder: kaohe reads only regular files\n"
    );
    let out = kaohe_in(&ws, &["check", "--data", "nowhere"]);
    assert_eq!(out.stderr, "nowhere: the data path does not exist (expected a file or a folder)\n");
    ws.write("data/e.toml", ENTITY);
    let out = kaohe_in(&ws, &["check", "--metrics", "pipe"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(
        out.stderr,
        "pipe: this is a FIFO (named pipe), not a file or a folder: kaohe reads only regular files\n"
    );
}

#[cfg(unix)]
#[test]
fn symlinked_folders_and_files_are_followed_and_each_real_file_read_once() {
    let ws = workspace(&[
        ("data/e.toml", ENTITY),
        ("shared/plans/p.toml", RULES.replace("\"r\"", "\"plan\"").as_bytes()),
        ("shared/f.toml", b"id = \"f\"\n"),
    ]);
    symlink("../shared/plans", &ws.path("rules/plans"));
    symlink("../shared/plans", &ws.path("rules/plans-again"));
    symlink("../shared/f.toml", &ws.path("data/f.toml"));
    symlink("e.toml", &ws.path("data/same-e.toml"));
    let out = kaohe_in(&ws, &["check"]);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{out:?}");
    assert_eq!(out.stdout, "ok: 2 metrics, 2 entities (1 figures), 2 rule sets (2 rules)\n");
}

#[cfg(unix)]
#[test]
fn link_loops_and_dangling_links_are_errors_naming_them() {
    let ws = workspace(&[("data/e.toml", ENTITY)]);
    ws.mkdir("data/sub");
    symlink("..", &ws.path("data/sub/back"));
    symlink("loop.toml", &ws.path("data/loop.toml"));
    symlink("missing.toml", &ws.path("data/gone.toml"));
    let out = kaohe_in(&ws, &["check"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(
        out.stderr,
        "data/gone.toml: this link points to `missing.toml`, which does not exist (a dangling link)\n\
         data/loop.toml: this link leads round in a loop and never reaches a file or a folder\n\
         data/sub/back: this link leads back into a folder that holds it (a link loop); it is not followed\n"
    );
}

#[test]
fn other_files_are_named_in_a_warning_and_notes_are_quiet() {
    let ws = workspace(&[
        ("data/e.TOML", ENTITY),
        ("data/F.Csv", format!("{CSV_HEADER}e,2015,b,3,,,\n").as_bytes()),
        ("data/plan.xls", b"x"),
        ("data/notes.docx", b"x"),
        ("rules/figures.csv", b"x"),
        ("data/README.md", b"x"),
        ("data/notes.TXT", b"x"),
        ("data/.hidden.toml", b"x"),
        ("data/.git/config", b"x"),
        ("data/~$book.xlsx", b"x"),
        ("data/e.toml~", b"x"),
    ]);
    let out = kaohe_in(&ws, &["check"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(out.stdout, "ok: 2 metrics, 1 entities (2 figures), 1 rule sets (1 rules)\n");
    // The plain skips are one line naming each; the one with a hint keeps its own.
    assert_eq!(
        out.stderr,
        "warning: 2 files are skipped, not read: data/notes.docx, rules/figures.csv (--verbose shows each)\n\
         data/plan.xls: warning: skipped: kaohe does not read .xls spreadsheets; save it as .xlsx or .csv\n"
    );
    let out = kaohe_in(&ws, &["check", "--verbose"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.stderr,
        "data/notes.docx: warning: skipped: kaohe reads *.toml, *.csv and *.xlsx files in a data folder\n\
         data/plan.xls: warning: skipped: kaohe does not read .xls spreadsheets; save it as .xlsx or .csv\n\
         rules/figures.csv: warning: skipped: kaohe reads *.toml files in a rules folder\n"
    );
}

// ---------------------------------------------------------------------------
// Selection: near misses of keys, kinds and tags (CONTRACT §9)

#[test]
fn a_near_miss_of_applies_to_is_an_error() {
    let rules = "id = \"r\"\nperiod = \"2015\"\napplies = { kinds = [\"county-level\"] }\n[[rule]]\nid = \"x\"\nmetric = \"a\"\nop = \">=\"\ntarget = 1\n";
    let ws = workspace(&[("data/e.toml", ENTITY), ("rules/r.toml", rules.as_bytes())]);
    let out = kaohe_in(&ws, &["check"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(
        out.stderr,
        "rules/r.toml:3:1: unknown key `applies` in a rule set\n  |\n3 | applies = { kinds = [\"county-level\"] }\n  | ^^^^^^^\n  |\n  = help: did you mean `applies_to`? (a key this close to a known one is taken for a misspelling)\n"
    );
    // Other unknown top-level keys stay warnings.
    let ws = workspace(&[("data/e.toml", ENTITY), ("rules/r.toml", format!("owner = \"x\"\n{RULES}").as_bytes())]);
    let out = kaohe_in(&ws, &["check"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(out.stderr.starts_with("rules/r.toml:1:1: warning: unknown key `owner` in a rule set"), "{}", out.stderr);
}

#[test]
fn a_look_alike_kind_selected_by_no_one_is_named_at_the_rule_set() {
    let rules = RULES.replace("period = \"2015\"\n", "period = \"2015\"\napplies_to = { kinds = \"prefecture\" }\n");
    let ws = workspace(&[
        ("rules/r.toml", rules.as_bytes()),
        ("data/e.toml", "id = \"e\"\nkind = \"prefectur\u{0435}\"\n".as_bytes()),
    ]);
    let out = kaohe_in(&ws, &["check"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(
        out.stderr
            .starts_with("rules/r.toml:3:24: warning: `applies_to.kinds` names `prefecture`, which no entity has\n"),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.ends_with(
            "= help: the data have `prefectur\u{0435}`, which looks the same, but `\u{0435}` is U+0435, not `e`\n"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn a_look_alike_kind_is_named_in_a_warning() {
    let rules = RULES.replace(
        "period = \"2015\"\n",
        "period = \"2015\"\napplies_to = { kinds = [\"prefecture\"], tags = [\"pilt\"] }\n",
    );
    let ws = workspace(&[
        ("rules/r.toml", rules.as_bytes()),
        ("data/d.toml", "id = \"d\"\nkind = \"prefecture\"\ntags = [\"pilot\"]\n".as_bytes()),
        ("data/e.toml", "id = \"e\"\nkind = \"prefectur\u{0435}\"\ntags = [\"pilot\"]\n".as_bytes()),
    ]);
    let out = kaohe_in(&ws, &["check"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert_eq!(
        out.stderr,
        "data/e.toml:2:8: warning: kind `prefectur\u{0435}` is not `prefecture`, which rule set `r` selects: `r` does not apply to `e`\n\
         \x20 |\n2 | kind = \"prefectur\u{0435}\"\n  |        ^^^^^^^^^^^^\n  |\n\
         \x20 = help: it looks like `prefecture`, but `\u{0435}` is U+0435, not `e`\n\
         rules/r.toml:3:48: warning: `applies_to.tags` names `pilt`, which no entity has\n\
         \x20 |\n3 | applies_to = { kinds = [\"prefecture\"], tags = [\"pilt\"] }\n  |                                                ^^^^^^\n  |\n\
         \x20 = help: did you mean `pilot`?\n"
    );
}

// ---------------------------------------------------------------------------
// Limits (CONTRACT §9; docs/formats.md lists them)

#[test]
fn a_file_over_the_size_limit_is_refused_without_reading_it() {
    let ws = workspace(&[("data/e.toml", ENTITY)]);
    let big = std::fs::File::create(ws.path("data/huge.toml")).unwrap_or_else(|e| panic!("{e}"));
    big.set_len(33 << 20).unwrap_or_else(|e| panic!("{e}"));
    let out = kaohe_in(&ws, &["check"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert_eq!(
        out.stderr,
        "data/huge.toml: this file is 33 MiB; kaohe reads files of up to 32 MiB\n  = help: split it into several files (one per entity, or CSV files of fewer rows)\n"
    );
}

#[test]
fn nesting_past_the_limit_is_a_clear_error() {
    let deep = format!("id = \"e\"\nx = {}{}\n", "[".repeat(81), "]".repeat(81));
    let ws = workspace(&[("data/e.toml", deep.as_bytes())]);
    let out = kaohe_in(&ws, &["check"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr.starts_with(
            "data/e.toml:2:85: invalid TOML: nested more than 80 deep (arrays, inline tables or dotted keys); kaohe reads nesting up to 80\n"
        ),
        "{}",
        out.stderr
    );
}

#[test]
fn periods_past_the_limit_are_a_clear_error() {
    let mut toml = String::from("id = \"e\"\n");
    let mut csv = String::from(CSV_HEADER);
    for p in 0..10_001 {
        toml.push_str(&format!("[period.p{p}]\na = 1\n"));
        csv.push_str(&format!("f,p{p},a,1,,,\n"));
    }
    let ws = workspace(&[
        ("data/e.toml", toml.as_bytes()),
        ("data/f.toml", b"id = \"f\"\n"),
        ("data/figures.csv", csv.as_bytes()),
    ]);
    let out = kaohe_in(&ws, &["check"]);
    assert_eq!(out.code, 2, "{out:?}");
    let firsts: Vec<&str> = out.stderr.lines().filter(|l| l.starts_with("data/")).collect();
    assert_eq!(
        firsts,
        [
            "data/e.toml:20002:9: more than 10,000 periods of one entity: kaohe reads at most 10,000, and what follows is not read",
            "data/figures.csv:10002:3: more than 10,000 periods of one entity: kaohe reads at most 10,000, and what follows is not read",
        ]
    );
}

#[test]
fn rules_past_the_limit_are_a_clear_error() {
    let mut rules = String::from("id = \"r\"\nperiod = \"2015\"\n");
    for r in 0..10_001 {
        rules.push_str(&format!("[[rule]]\nid = \"x{r}\"\nmetric = \"a\"\nop = \">=\"\ntarget = 1\n"));
    }
    let ws = workspace(&[("data/e.toml", ENTITY), ("rules/r.toml", rules.as_bytes())]);
    let out = kaohe_in(&ws, &["check"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(
        out.stderr
            .starts_with("rules/r.toml:50003:1: more than 10,000 rules in one rule set: kaohe reads at most 10,000, and what follows is not read\n"),
        "{}",
        out.stderr
    );
}

/// `--data` and `--rules` may be given more than once (CONTRACT §1); a file that two
/// of them reach (overlapping paths, the same path twice, a link) is read once.
#[cfg(unix)]
#[test]
fn repeated_paths_are_read_together_and_each_real_file_once() {
    let ws = workspace(&[
        ("data/e.toml", ENTITY),
        ("more/f.toml", b"id = \"f\"\n[period.2015]\nb = 2\n"),
        ("plans/p.toml", RULES.replace("\"r\"", "\"plan\"").as_bytes()),
    ]);
    symlink("../data/e.toml", &ws.path("more/e-link.toml"));
    let args = [
        "check",
        "--rules",
        "rules",
        "--rules",
        "plans",
        "--rules",
        "plans/p.toml",
        "--data",
        "data",
        "--data",
        "more",
        "--data",
        "data/e.toml",
        "--data",
        "data",
    ];
    let out = kaohe_in(&ws, &args);
    assert_eq!((out.code, out.stderr.as_str()), (0, ""), "{out:?}");
    assert_eq!(out.stdout, "ok: 2 metrics, 2 entities (2 figures), 2 rule sets (2 rules)\n");
}

/// With several rules paths the catalog is `--metrics`, else the one `metrics.toml`
/// among them; none or several is an error naming them.
#[test]
fn several_rules_folders_share_one_catalog() {
    let ws = workspace(&[
        ("data/e.toml", ENTITY),
        ("plans/p.toml", RULES.replace("\"r\"", "\"plan\"").as_bytes()),
        ("other/metrics.toml", CATALOG.as_bytes()),
        ("other/o.toml", RULES.replace("\"r\"", "\"other\"").as_bytes()),
    ]);
    let one = kaohe_in(&ws, &["check", "--rules", "plans", "--rules", "rules"]);
    assert_eq!((one.code, one.stderr.as_str()), (0, ""), "{one:?}");
    assert_eq!(one.stdout, "ok: 2 metrics, 1 entities (1 figures), 2 rule sets (2 rules)\n");

    let two = kaohe_in(&ws, &["check", "--rules", "rules", "--rules", "other"]);
    assert_eq!(two.code, 2, "{two:?}");
    assert_eq!(
        two.stderr,
        "kaohe: several rules folders each hold a metrics.toml: rules/metrics.toml, other/metrics.toml\n  \
         = help: kaohe reads one metric catalog: name it with --metrics FILE\n"
    );
    let named = kaohe_in(&ws, &["check", "--rules", "rules", "--rules", "other", "--metrics", "other/metrics.toml"]);
    assert_eq!((named.code, named.stderr.as_str()), (0, ""), "{named:?}");

    let none = kaohe_in(&ws, &["check", "--rules", "plans", "--rules", "plans/p.toml"]);
    assert_eq!(none.code, 2, "{none:?}");
    assert!(none.stderr.starts_with("plans, plans/p.toml: none of the 2 rules paths has a metrics.toml"), "{none:?}");
}

/// A `zh` locale words diagnostics in Chinese, as `--lang zh` does (CONTRACT §7);
/// `--lang en` wins over the locale.
#[test]
fn a_chinese_locale_words_diagnostics_in_chinese() {
    let ws = workspace(&[("data/e.toml", b"id = \"e\"\n[period.2015]\nc = 5\n"), ("data/plan.ods", b"x")]);
    let run = |lang: &str, args: &[&str]| {
        std::process::Command::new(common::binary())
            .args(args)
            .current_dir(&ws.root)
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env("LANG", lang)
            .output()
            .map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
            .unwrap_or_else(|e| panic!("run kaohe: {e}"))
    };
    let zh = run("zh_CN.UTF-8", &["check"]);
    assert!(zh.contains("data/e.toml:3:1: 未知指标 `c`"), "{zh}");
    assert!(zh.contains("data/plan.ods: 警告：已跳过：kaohe 不读 .ods 表格"), "{zh}");
    let en = run("zh_CN.UTF-8", &["check", "--lang", "en"]);
    assert!(en.contains("data/e.toml:3:1: unknown metric `c`"), "{en}");
    let usage = run("zh_CN.UTF-8", &["eval", "--as-of", "2016-02-30"]);
    assert_eq!(usage, "错误：`--as-of` `2016-02-30` 不是 2016-06-30 这样的日期\n");
}
