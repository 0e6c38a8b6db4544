//! The reports an office sends up the line (CONTRACT §7): the xlsx workbook read back
//! with calamine (sheets, cells, numbers as numbers, verdicts), the html page checked
//! as text (every rule and entity, nothing outside the page, SVG charts, escaping),
//! and `--output` (atomic, never over an input, format from the extension).
//!
//! Each test copies `tests/cases/s7-reports` into a fresh folder and runs there.

mod common;

use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};
use common::Workspace;

struct Run {
    code: i32,
    stdout: Vec<u8>,
    stderr: String,
}

impl Run {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.stdout).into_owned()
    }
}

fn kaohe(dir: &Path, args: &[&str]) -> Run {
    let out = common::kaohe_dated(dir, args);
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: out.stdout,
        stderr: String::from_utf8_lossy(&out.stderr).into(),
    }
}

/// A copy of the reports fixture.
fn fixture() -> Workspace {
    let ws = Workspace::new();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/s7-reports");
    for sub in ["rules", "data"] {
        ws.mkdir(sub);
        for entry in std::fs::read_dir(src.join(sub)).unwrap_or_else(|e| panic!("{e}")).flatten() {
            let bytes = std::fs::read(entry.path()).unwrap_or_else(|e| panic!("{e}"));
            ws.write(&format!("{sub}/{}", entry.file_name().to_string_lossy()), &bytes);
        }
    }
    ws
}

fn ok(run: &Run) {
    assert_eq!(run.code, 0, "stderr: {}", run.stderr);
}

type Sheet = calamine::Range<Data>;

fn workbook(path: &Path) -> (Vec<String>, Vec<Sheet>) {
    let mut wb: Xlsx<_> = open_workbook(path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    let names = wb.sheet_names();
    let sheets = names.iter().map(|n| wb.worksheet_range(n).unwrap_or_else(|e| panic!("{n}: {e}"))).collect();
    (names, sheets)
}

fn cell(sheet: &Sheet, row: usize, col: usize) -> Data {
    sheet.get((row, col)).cloned().unwrap_or(Data::Empty)
}

fn text(sheet: &Sheet, row: usize, col: usize) -> String {
    match cell(sheet, row, col) {
        Data::String(s) => s,
        Data::Empty => String::new(),
        other => panic!("({row}, {col}) is not text: {other:?}"),
    }
}

/// The row whose first cells start with `firsts`.
fn row_of(sheet: &Sheet, firsts: &[&str]) -> usize {
    (0..sheet.height())
        .find(|&r| firsts.iter().enumerate().all(|(c, f)| text_or_empty(sheet, r, c).starts_with(f)))
        .unwrap_or_else(|| panic!("no row starting {firsts:?}"))
}

fn text_or_empty(sheet: &Sheet, row: usize, col: usize) -> String {
    match cell(sheet, row, col) {
        Data::String(s) => s,
        _ => String::new(),
    }
}

#[test]
fn the_workbook_reads_back_with_numbers_verdicts_and_sheet_names() {
    let ws = fixture();
    // The format comes from the extension, in any case.
    ok(&kaohe(&ws.root, &["eval", "--output", "report.XLSX"]));
    let (names, sheets) = workbook(&ws.path("report.XLSX"));
    // Six evaluations: a sheet each, after the summary; `[` and `]` are not allowed.
    assert_eq!(
        names,
        [
            "Summary",
            "Verdicts at a glance",
            "<script>alert('德阳')<_scr·发明专利专项",
            "<script>alert('德阳'·试点城市验收_2016_",
            "广汉市·发明专利专项",
            "广汉市·试点城市验收_2016_",
            "绵竹市·发明专利专项",
            "绵竹市·试点城市验收_2016_",
        ]
        .map(|n| n.chars().take(31).collect::<String>())
    );
    assert!(names.iter().all(|n| n.encode_utf16().count() <= 31));

    // Summary: by rule set, best first; numbers are numbers.
    let summary = &sheets[0];
    assert_eq!(
        (0..8).map(|c| text(summary, 1, c)).collect::<Vec<_>>(),
        ["Rule set", "Entity", "Score", "Maximum", "Pass line", "Verdict", "Rank", "Decided by"]
    );
    let pilot: Vec<(String, Data, Data, String, Data)> = (2..summary.height())
        .filter(|&r| text(summary, r, 0).ends_with("(pilot)"))
        .map(|r| {
            (text(summary, r, 1), cell(summary, r, 2), cell(summary, r, 3), text(summary, r, 5), cell(summary, r, 6))
        })
        .collect();
    assert_eq!(
        pilot,
        [
            ("广汉市 (guanghan)".into(), Data::Float(100.0), Data::Float(100.0), "pass".into(), Data::Float(1.0)),
            ("绵竹市 (mianzhu)".into(), Data::Float(60.0), Data::Float(100.0), "pass".into(), Data::Float(2.0)),
            (
                "<script>alert('德阳')</script>\\u{1b}[2J (deyang)".into(),
                Data::Float(70.0),
                Data::Float(100.0),
                "fail".into(),
                Data::Float(3.0)
            ),
        ]
    );
    let deyang = row_of(summary, &["试点城市验收[2016] (pilot)", "<script>"]);
    assert_eq!(cell(summary, deyang, 4), Data::Float(60.0));
    assert_eq!(text(summary, deyang, 7), "veto rule IP office set up not met");
    let mianzhu = row_of(summary, &["发明专利专项 (inventions)", "绵竹市"]);
    assert_eq!(text(summary, mianzhu, 5), "incomplete");
    assert_eq!(text(summary, mianzhu, 7), "waiting for 发明专利申请量不低于<b>100</b>件");

    // The matrix: entities × rule sets, scores as numbers.
    let matrix = &sheets[1];
    assert_eq!(text(matrix, 1, 1), "发明专利专项 (inventions)");
    assert_eq!(text(matrix, 1, 2), "试点城市验收[2016] (pilot)");
    let guanghan = row_of(matrix, &["广汉市"]);
    assert_eq!((cell(matrix, guanghan, 1), cell(matrix, guanghan, 2)), (Data::Float(10.0), Data::Float(100.0)));

    // One evaluation's table: target, actual with its qualifier, completion as a
    // fraction (formatted as a percentage), pace, status, points, needs.
    let sheet = &sheets[7];
    assert_eq!(
        text(sheet, 0, 0),
        "绵竹市 (mianzhu) · 试点城市验收[2016] (pilot) · period 2016 · as of 2016-06-30 (49.73% of the year elapsed)"
    );
    assert_eq!(
        (0..15).map(|c| text(sheet, 1, c)).collect::<Vec<_>>(),
        [
            "Indicator",
            "Group",
            "Unit",
            "Op",
            "Target",
            "Actual",
            "Qualifier",
            "Completion",
            "Expected",
            "Pace",
            "Status",
            "Score",
            "Weight",
            "Needs",
            "Note"
        ]
    );
    let apps = row_of(sheet, &["Patent applications"]);
    assert_eq!(text(sheet, apps, 1), "创造");
    assert_eq!(text(sheet, apps, 2), "件");
    assert_eq!(text(sheet, apps, 3), "≥");
    assert_eq!(cell(sheet, apps, 4), Data::Float(500.0));
    assert_eq!(cell(sheet, apps, 5), Data::Float(301.0));
    assert_eq!(cell(sheet, apps, 7), Data::Float(0.602));
    assert!(matches!(cell(sheet, apps, 8), Data::Float(f) if (f - 0.49726776).abs() < 1e-8));
    assert_eq!(text(sheet, apps, 9), "ahead");
    assert_eq!(text(sheet, apps, 10), "not met");
    assert_eq!(cell(sheet, apps, 11), Data::Float(0.0));
    assert_eq!(cell(sheet, apps, 12), Data::Float(40.0));
    assert_eq!(text(sheet, apps, 13), "by year end: 199 more patent applications (to 500)");
    let share = row_of(sheet, &["Invention share"]);
    assert_eq!(text(sheet, share, 3), "");
    assert_eq!(text(sheet, share, 4), "20–80");
    assert!(matches!(cell(sheet, share, 5), Data::Float(f) if (f - 26.578073).abs() < 1e-9));
    let office = row_of(sheet, &["IP office set up"]);
    assert_eq!(text(sheet, office, 4), "true");
    assert_eq!(text(sheet, office, 5), "true");
    let subtotal = row_of(sheet, &["Subtotal · 创造"]);
    assert_eq!((cell(sheet, subtotal, 11), cell(sheet, subtotal, 12)), (Data::Float(30.0), Data::Float(70.0)));
    assert!((0..sheet.height()).any(|r| text_or_empty(sheet, r, 0) == "Score 60 / 100 · pass line 60 · verdict: pass"));

    // An approximate actual keeps its number and says so beside it.
    let sheet = &sheets[2];
    let inv = row_of(sheet, &["发明专利申请量"]);
    assert_eq!((cell(sheet, inv, 5), text(sheet, inv, 6)), (Data::Float(130.0), "≈".to_string()));
}

#[test]
fn labels_follow_the_language() {
    let ws = fixture();
    ok(&kaohe(&ws.root, &["eval", "--format", "xlsx", "--output", "r.bin", "--lang", "zh"]));
    let (names, sheets) = workbook(&ws.path("r.bin"));
    assert_eq!(names[0], "汇总");
    assert_eq!(text(&sheets[0], 1, 0), "考核方案");
    assert_eq!(names[1], "结论一览");
    assert_eq!(text(&sheets[7], 1, 0), "指标");
    let apps = row_of(&sheets[7], &["专利申请量"]);
    assert_eq!(text(&sheets[7], apps, 10), "未达标");
}

#[test]
fn many_evaluations_get_a_sheet_per_rule_set() {
    let ws = fixture();
    // 3 + 14 entities × 2 rule sets = 34 evaluations, above the 30 of a sheet each.
    for i in 0..14 {
        ws.write(
            &format!("data/e{i:02}.toml"),
            format!("id = \"e{i:02}\"\n[period.2016]\npatent_applications = {}\ninvention_applications = 100\nhas_ip_office = true\n", 400 + i * 10).as_bytes(),
        );
    }
    ok(&kaohe(&ws.root, &["eval", "--output", "r.xlsx"]));
    let (names, sheets) = workbook(&ws.path("r.xlsx"));
    assert_eq!(names, ["Summary", "Verdicts at a glance", "发明专利专项", "试点城市验收_2016_"]);
    assert_eq!(sheets[0].height(), 2 + 34);
    let pilot = &sheets[3];
    assert_eq!(text(pilot, 1, 0), "Entity");
    assert_eq!(text(pilot, 1, 1), "Indicator");
    // Every entity: its rows (3 rules, a subtotal) and its score line.
    let entities: std::collections::BTreeSet<String> = (2..pilot.height()).map(|r| text(pilot, r, 0)).collect();
    assert_eq!(entities.len(), 17);
    assert_eq!(pilot.height(), 2 + 17 * 5);
    let e13 = row_of(pilot, &["e13", "Patent applications"]);
    assert_eq!(cell(pilot, e13, 6), Data::Float(530.0));
    // Written through temporary files (constant-memory mode), and still the same bytes.
    ok(&kaohe(&ws.root, &["eval", "--output", "again.xlsx"]));
    assert_eq!(std::fs::read(ws.path("r.xlsx")).ok(), std::fs::read(ws.path("again.xlsx")).ok());
}

#[test]
fn the_workbook_is_the_same_bytes_on_a_rerun() {
    let ws = fixture();
    ok(&kaohe(&ws.root, &["eval", "--output", "a.xlsx"]));
    ok(&kaohe(&ws.root, &["eval", "--output", "b.xlsx"]));
    assert_eq!(std::fs::read(ws.path("a.xlsx")).ok(), std::fs::read(ws.path("b.xlsx")).ok());
}

#[test]
fn the_page_is_self_contained_escaped_and_complete() {
    let ws = fixture();
    let run = kaohe(&ws.root, &["eval", "--format", "html"]);
    ok(&run);
    let page = run.text();
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"), "{}", &page[..80]);
    assert!(page.trim_end().ends_with("</html>"));
    // Nothing outside the page: no link, script, font, image or style sheet to fetch.
    for bad in ["http", "src=", "url(", "@import", "<link", "<script", "<img", "<iframe", "@font-face"] {
        assert!(!page.to_lowercase().contains(bad), "the page holds `{bad}`");
    }
    // Input text is text: the hostile name, a rule name with markup, the control.
    assert!(page.contains("&lt;script&gt;alert(&#39;德阳&#39;)&lt;/script&gt;\\u{1b}[2J (deyang)"));
    assert!(page.contains("发明专利申请量不低于&lt;b&gt;100&lt;/b&gt;件"));
    assert!(!page.contains('\u{1b}'));
    // Every entity, rule set and rule.
    for name in ["广汉市 (guanghan)", "绵竹市 (mianzhu)", "试点城市验收[2016] (pilot)", "发明专利专项 (inventions)"]
    {
        assert!(page.contains(name), "{name}");
    }
    for rule in ["Patent applications (件)", "Invention share (%)", "IP office set up"] {
        assert_eq!(page.matches(&format!("<td>{rule}</td>")).count(), 3, "{rule} once per entity");
    }
    // Charts: completion bars with the pace tick at 49.73% of 150 px; the heat map of
    // verdicts; a ranking per rule set.
    assert!(page.matches("<svg").count() >= 8);
    assert!(page.contains(r##"<rect x="74.6" y="0" width="2" height="14" fill="#24292f"/>"##));
    assert!(page.contains("Verdicts at a glance"));
    assert!(page.contains(r#"<td class="cell v-fail">70/100 <small>fail · Rank 3</small></td>"#));
    assert_eq!(page.matches("<div class=\"ranking\">").count(), 2);
    // Needs and unknowns listed; print CSS.
    assert!(page.contains("by year end: 199 more patent applications (to 500)"));
    assert!(page.contains("@media print"));

    let zh = kaohe(&ws.root, &["eval", "--format", "html", "--lang", "zh"]).text();
    assert!(zh.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"));
    assert!(zh.contains("结论一览"));
}

#[test]
fn a_failed_run_leaves_an_existing_file_untouched_and_no_temporary_file() {
    let ws = fixture();
    ws.write("report.json", b"the old report\n");
    ws.write("rules/broken.toml", b"id = \"broken\"\n[[rule\n");
    let run = kaohe(&ws.root, &["eval", "--output", "report.json"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("broken.toml:2:"), "{}", run.stderr);
    assert!(run.stdout.is_empty());
    assert_eq!(std::fs::read(ws.path("report.json")).ok(), Some(b"the old report\n".to_vec()));
    let fresh = kaohe(&ws.root, &["eval", "--output", "new.xlsx"]);
    assert_eq!(fresh.code, 2);
    assert!(!ws.path("new.xlsx").exists());
    assert_eq!(leftovers(&ws.root), Vec::<String>::new());

    // Fixed, the run replaces the file whole; exit 1 under --strict still writes it.
    std::fs::remove_file(ws.path("rules/broken.toml")).unwrap_or_else(|e| panic!("{e}"));
    let run = kaohe(&ws.root, &["eval", "--output", "report.json", "--strict"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.is_empty());
    let report = std::fs::read_to_string(ws.path("report.json")).unwrap_or_default();
    assert!(report.starts_with('{') && report.contains("\"evaluations\""), "{report}");
    assert_eq!(leftovers(&ws.root), Vec::<String>::new());
}

/// Temporary files left in `dir`.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|d| {
            d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| n.starts_with('.')).collect()
        })
        .unwrap_or_default()
}

#[test]
fn an_output_naming_an_input_is_refused() {
    let ws = fixture();
    let before = std::fs::read(ws.path("data/mianzhu.toml")).ok();
    for target in ["data/mianzhu.toml", "./data/../data/mianzhu.toml", "rules/metrics.toml"] {
        let run = kaohe(&ws.root, &["eval", "--output", target, "--format", "json"]);
        assert_eq!(run.code, 2, "{target}");
        assert_eq!(
            run.stderr,
            format!("error: --output `{target}` names an input file; write the result somewhere else\n")
        );
    }
    let absolute = ws.path("data/mianzhu.toml");
    let run = kaohe(&ws.root, &["trend", "mianzhu", "--output", &absolute.to_string_lossy()]);
    assert_eq!(run.code, 2);
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(ws.path("data/mianzhu.toml"), ws.path("link.json"))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(kaohe(&ws.root, &["eval", "--output", "link.json"]).code, 2);
    }
    // A file the next run would read as input is refused too; a note (`.md`) is not.
    let run = kaohe(&ws.root, &["eval", "--output", "data/report.csv"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("is inside the data folder, where the next run would read it as input"),
        "{}",
        run.stderr
    );
    assert!(!ws.path("data/report.csv").exists());
    ok(&kaohe(&ws.root, &["eval", "--output", "data/report.md"]));
    assert_eq!(std::fs::read(ws.path("data/mianzhu.toml")).ok(), before);
    assert_eq!(leftovers(&ws.root.join("data")), Vec::<String>::new());
}

#[test]
fn the_format_comes_from_the_extension() {
    let ws = fixture();
    for (file, start) in [
        ("r.CSV", "entity,ruleset,period,rule,"),
        ("r.md", "# "),
        ("r.json", "{"),
        ("r.html", "<!DOCTYPE html>"),
        ("r.txt", "<script>alert('德阳')</script>\\u{1b}[2J (deyang) · 发明专利专项"),
    ] {
        let run = kaohe(&ws.root, &["eval", "--output", file]);
        ok(&run);
        assert!(run.stdout.is_empty());
        let written = std::fs::read_to_string(ws.path(file)).unwrap_or_default();
        assert!(written.starts_with(start), "{file}: {}", written.lines().next().unwrap_or_default());
    }
    // explain and compare write their usual text to the file.
    ok(&kaohe(&ws.root, &["explain", "mianzhu", "applications", "--output", "why.txt"]));
    assert!(std::fs::read_to_string(ws.path("why.txt")).unwrap_or_default().contains("patent_applications"));
    ok(&kaohe(&ws.root, &["compare", "--metric", "patent_applications", "--output", "c.csv"]));
    assert!(std::fs::read_to_string(ws.path("c.csv")).unwrap_or_default().contains("guanghan"));
}

#[cfg(unix)]
#[test]
fn a_link_keeps_pointing_at_the_replaced_file() {
    let ws = fixture();
    ws.mkdir("out");
    ws.write("out/report.json", b"old\n");
    std::os::unix::fs::symlink("out/report.json", ws.path("link.json")).unwrap_or_else(|e| panic!("{e}"));
    ok(&kaohe(&ws.root, &["eval", "--output", "link.json"]));
    assert!(std::fs::symlink_metadata(ws.path("link.json")).is_ok_and(|m| m.file_type().is_symlink()));
    assert!(std::fs::read_to_string(ws.path("out/report.json")).unwrap_or_default().starts_with('{'));
    assert_eq!(leftovers(&ws.path("out")), Vec::<String>::new());
}

#[cfg(target_os = "linux")]
#[test]
fn a_device_is_written_as_it_is_and_a_write_error_is_exit_2() {
    let ws = fixture();
    let run = kaohe(&ws.root, &["eval", "--output", "/dev/full", "--format", "csv"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.starts_with("error: cannot write the output: "), "{}", run.stderr);
    assert!(Path::new("/dev/full").metadata().is_ok_and(|m| !m.is_file()));
    assert_eq!(kaohe(&ws.root, &["eval", "--output", "/dev/null", "--format", "xlsx"]).code, 0);
}

#[test]
fn the_shipped_workspace_page_keys_its_many_rule_sets() {
    // Ten rule sets: the heat map numbers its columns and names them in a key.
    let run = kaohe(Path::new(env!("CARGO_MANIFEST_DIR")), &["eval", "--format", "html", "--lang", "zh"]);
    ok(&run);
    let page = run.text();
    assert_eq!(page.matches(r#"<th class="key""#).count(), 10);
    assert!(page.contains(r#"<ol class="keys"><li>崇州市2015年知识产权托管工作目标 (chongzhou-plan-2015)</li>"#));
    for city in ["崇州市", "德阳市", "广汉市", "华蓥市", "泸州市", "绵阳市", "绵竹市", "遂宁市", "宜宾市", "自贡市"]
    {
        assert!(page.contains(&format!("<tr><td>{city} (")), "{city} in the heat map");
    }
    // Unknown rules are listed with their reasons.
    assert!(page.contains("<h4>待定项</h4><ul><li><b>"));
    assert!(page.contains("：缺少数据：gdp@2015</li>"), "a missing figure named");
    // Rule sets evaluated for one entity get no ranking chart.
    assert_eq!(page.matches(r#"<div class="ranking">"#).count(), 3);
}
