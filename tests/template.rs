//! `kaohe template` (CONTRACT §6): the form written for the shipped workspace and for
//! a fixture, read back — the workbook with calamine, the CSV as text — and the round
//! trip: the form, turned into the long CSV layout by [`wide_to_long`] and used as the
//! only data, evaluates exactly as the figures it was made from.

mod common;

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use calamine::{Data, Reader, Xlsx, open_workbook};

use common::{Output, Workspace};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Run kaohe in `dir` as the CLI cases do: `LANG=C`, `KAOHE_TODAY=2026-12-01` (the
/// form reads a baseline for a year not over yet, so today matters).
fn kaohe(dir: &Path, args: &[&str]) -> Output {
    let out = common::kaohe_dated(dir, args);
    Output {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn kaohe_in(ws: &Workspace, args: &[&str]) -> Output {
    kaohe(&ws.root, args)
}

/// Every cell of a sheet as text: a number cell as `N:` and its shortest decimal, a
/// text cell as it is, an empty cell as "".
fn sheet(path: &Path, name: &str) -> Vec<Vec<String>> {
    let mut book: Xlsx<_> = open_workbook(path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    let range = book.worksheet_range(name).unwrap_or_else(|e| panic!("sheet {name}: {e}"));
    assert_eq!(range.start(), Some((0, 0)), "sheet {name} starts at A1");
    range
        .rows()
        .map(|row| {
            row.iter()
                .map(|c| match c {
                    Data::Empty => String::new(),
                    Data::String(s) => s.clone(),
                    Data::Float(f) => format!("N:{f}"),
                    Data::Int(i) => format!("N:{i}"),
                    other => panic!("unexpected cell {other:?}"),
                })
                .collect()
        })
        .collect()
}

fn sheet_names(path: &Path) -> Vec<String> {
    let book: Xlsx<_> = open_workbook(path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    book.sheet_names()
}

/// One part of the workbook's zip, as text (sheet XML, comments).
fn part(path: &Path, name: &str) -> String {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{e}"));
    let mut zip = zip::ZipArchive::new(file).unwrap_or_else(|e| panic!("{e}"));
    let mut text = String::new();
    zip.by_name(name)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .read_to_string(&mut text)
        .unwrap_or_else(|e| panic!("{e}"));
    text
}

/// The CSV form as rows of fields (no quoting in these forms but the csv crate's).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut r = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    r.records().map(|rec| rec.unwrap_or_else(|e| panic!("{e}")).iter().map(str::to_string).collect()).collect()
}

#[test]
fn the_shipped_workspace_as_a_workbook_and_as_csv() {
    let ws = Workspace::new();
    let xlsx = ws.path("form.xlsx");
    let csv_path = ws.path("form.csv");
    let x = xlsx.to_string_lossy().into_owned();
    let c = csv_path.to_string_lossy().into_owned();
    let out = kaohe(&repo(), &["template", "--output", &x]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "");
    assert!(out.stderr.starts_with("notice: wrote the form "), "{}", out.stderr);
    let out = kaohe(&repo(), &["template", "--output", &c]);
    assert_eq!(out.code, 0, "{}", out.stderr);

    assert_eq!(sheet_names(&xlsx), vec!["数据", "entities", "说明"]);
    let data = sheet(&xlsx, "数据");
    let text = std::fs::read_to_string(&csv_path).unwrap_or_default();
    assert!(text.starts_with('\u{feff}'), "the CSV form starts with a BOM");
    let csv = csv_rows(&text);
    // The header: the layout's columns, then names with full-width units; a bool without.
    assert_eq!(&data[0][..5], &["entity", "period", "as_of", "专利申请量（件）", "发明专利申请量（件）"]);
    assert!(data[0].iter().any(|h| h == "是否设立知识产权局"));
    assert!(data[0].iter().any(|h| h == "知识产权质押融资额（万元）"));
    assert_eq!(data[0], csv[0]);
    // The same rows in both forms: a number cell where the CSV has a bare number.
    assert_eq!(data.len(), csv.len());
    for (x, c) in data.iter().zip(&csv) {
        let x: Vec<String> = x.iter().map(|v| v.strip_prefix("N:").unwrap_or(v).to_string()).collect();
        assert_eq!(&x[..], &c[..]);
    }
    let row = |entity: &str, period: &str| {
        data.iter().find(|r| r[0] == entity && r[1] == period).unwrap_or_else(|| panic!("no row {entity} {period}"))
    };
    let col = |header: &str| data[0].iter().position(|h| h == header).unwrap_or_else(|| panic!("no column {header}"));
    assert_eq!(row("mianzhu", "2015")[col("专利申请量（件）")], "N:537");
    assert_eq!(row("deyang", "2015")[col("万人有效发明专利拥有量（件/万人）")], "N:2.52");
    assert_eq!(row("yibin", "2015")[col("是否设立知识产权局")], "是");
    // Qualified figures are text as a report writes them.
    assert!(data.iter().flatten().any(|v| v == "约70"), "approx as 约");
    assert!(data.iter().flatten().any(|v| v == "20余"), "at_least as 余");
    assert!(!data.iter().flatten().any(|v| v.starts_with("N:") && v.contains('e')), "no float noise");
    // The year-to-date period keeps its as_of.
    assert_eq!(row("chongzhou", "2015-to-11")[2], "2015-11-30");

    let entities = sheet(&xlsx, "entities");
    assert_eq!(entities[0], vec!["id", "name", "kind", "tags"]);
    let mianzhu = entities.iter().find(|r| r[0] == "mianzhu").cloned().unwrap_or_default();
    assert_eq!(mianzhu[1], "绵竹市");
    // Every entity with a row is declared, and no other.
    let mut with_rows: Vec<&str> = data[1..].iter().map(|r| r[0].as_str()).collect();
    with_rows.dedup();
    assert_eq!(entities[1..].iter().map(|r| r[0].as_str()).collect::<Vec<_>>(), with_rows);

    let help = sheet(&xlsx, "说明");
    assert_eq!(help[0][0], "填写说明");
    assert_eq!(help[1][0], "How to fill in this form");
    let all: String = help.iter().flatten().cloned().collect();
    for word in ["16000余", "近100", "约2000", "（件）", "亿元", "是", "否"] {
        assert!(all.contains(word), "说明 tells about {word}");
    }

    // Header notes name the metric and its unit; the header and key columns are frozen.
    let notes = part(&xlsx, "xl/comments1.xml");
    assert!(notes.contains("patent_applications") && notes.contains("单位 unit: 件"), "{notes}");
    let xml = part(&xlsx, "xl/worksheets/sheet1.xml");
    assert!(xml.contains(r#"xSplit="2" ySplit="1""#), "frozen panes");
    assert!(xml.contains("<cols>"), "column widths set");
}

#[test]
fn the_workbook_is_the_same_byte_for_byte_on_every_run() {
    let ws = Workspace::new();
    let (a, b) = (ws.path("a.xlsx"), ws.path("b.xlsx"));
    for p in [&a, &b] {
        let out = kaohe(&repo(), &["template", "--output", &p.to_string_lossy()]);
        assert_eq!(out.code, 0, "{}", out.stderr);
        // The creation date is fixed: a second later is still the same file.
        std::thread::sleep(std::time::Duration::from_millis(1100));
    }
    assert_eq!(std::fs::read(&a).ok(), std::fs::read(&b).ok());
}

const CATALOG: &str = r#"
[metric.patent_applications]
name = "专利申请量"
unit = "件"

[metric.invention_applications]
name = "发明专利申请量"
unit = "件"

[metric.invention_share]
name = "发明专利申请占比"
unit = "%"
formula = "invention_applications / patent_applications * 100"

[metric.growth]
name = "专利申请增量"
unit = "件"
formula = "patent_applications - patent_applications@prev"

[metric.ip_pledge_financing]
name = "知识产权质押融资额"
unit = "万元"

[metric.registered_trademarks]
name = "注册商标总量"
unit = "件"
measure = "level"

[metric.has_office]
name = "是否设立知识产权局"
unit = "bool"

[metric.closure]
unit = "%"

[metric.precise]
name = "精确值"
unit = "万元"

[metric.unused]
name = "未用"
unit = "件"
"#;

const ACCEPTANCE: &str = r#"
id = "acceptance"
period = "2015"

[[rule]]
id = "share"
metric = "invention_share"
op = ">="
target = 30

[[rule]]
id = "growth"
metric = "growth"
op = ">="
target = 100
scoring = "linear"
weight = 5

[[rule]]
id = "financing"
metric = "ip_pledge_financing"
op = ">="
target = 20000

[[rule]]
id = "trademarks"
metric = "registered_trademarks"
op = ">="
target = "registered_trademarks@prev * 1.1"

[[rule]]
id = "office"
metric = "has_office"
op = "=="
target = true
veto = true

[[rule]]
id = "closure"
metric = "closure"
op = ">="
target = 90

[[rule]]
id = "precise"
metric = "precise"
op = ">="
target = 1
"#;

const PLAN: &str = r#"
id = "plan"
period = "2016"
applies_to = { entities = ["mianzhu"] }

[[rule]]
id = "trademarks"
metric = "registered_trademarks"
op = ">="
target = 5000

[[rule]]
id = "applications"
metric = "patent_applications"
op = ">="
target = 800
"#;

const MIANZHU: &str = r#"
id = "mianzhu"
name = "绵竹市"
kind = "county-level"
tags = ["deyang", "pilot"]

[period.2014]
patent_applications = 400
registered_trademarks = 3000

[period.2015]
patent_applications = 537
invention_applications = { value = 220, source = "年度完成发明专利申请量为220 件" }
ip_pledge_financing = { value = 2.4, unit = "亿元" }
registered_trademarks = 3500
has_office = true
closure = 100
precise = "1234567890.123456789"
unused = 9

[period.2016]
as_of = 2016-06-30
patent_applications = 301
registered_trademarks = 4200
"#;

const GUANGHAN: &str = r#"
id = "guanghan"
name = "广汉市"
kind = "county-level"

[period.2014]
patent_applications = { approx = 600 }

[period.2015]
patent_applications = 663
invention_applications = { at_most = 231 }
ip_pledge_financing = 0.1
registered_trademarks = { at_least = 1200 }
has_office = false
closure = { missing = "the report leaves it blank" }
"#;

fn fixture() -> Workspace {
    let ws = Workspace::new();
    ws.write("rules/metrics.toml", CATALOG.as_bytes());
    ws.write("rules/acceptance.toml", ACCEPTANCE.as_bytes());
    ws.write("rules/plan.toml", PLAN.as_bytes());
    ws.write("data/mianzhu.toml", MIANZHU.as_bytes());
    ws.write("data/guanghan.toml", GUANGHAN.as_bytes());
    ws
}

/// A metric column's header → metric id, from the catalog (name, else id, and the
/// unit in full-width brackets unless it is `bool`).
fn header_ids(catalog: &str) -> BTreeMap<String, String> {
    let table: toml::Table = toml::from_str(catalog).unwrap_or_else(|e| panic!("{e}"));
    let metrics = table["metric"].as_table().cloned().unwrap_or_default();
    metrics
        .iter()
        .map(|(id, m)| {
            let label = m.get("name").and_then(|v| v.as_str()).unwrap_or(id);
            let header = match m.get("unit").and_then(|v| v.as_str()) {
                Some(u) if u != "bool" => format!("{label}（{u}）"),
                _ => label.to_string(),
            };
            (header, id.clone())
        })
        .collect()
}

/// The wide form turned into the long CSV layout (`entity,period,metric,value,
/// qualifier,unit,source,as_of`), reading report-style text the way the form writes it.
fn wide_to_long(rows: &[Vec<String>], catalog: &str) -> String {
    let ids = header_ids(catalog);
    let header = &rows[0];
    let first = if header.get(2).map(String::as_str) == Some("as_of") { 3 } else { 2 };
    let mut out = String::from("entity,period,metric,value,qualifier,unit,source,as_of\n");
    for row in &rows[1..] {
        let as_of = if first == 3 { row[2].as_str() } else { "" };
        for (h, v) in header[first..].iter().zip(&row[first..]) {
            if v.is_empty() {
                continue;
            }
            let metric = ids.get(h).unwrap_or_else(|| panic!("header {h} names no metric"));
            let v = v.strip_prefix("N:").unwrap_or(v);
            let (value, qualifier) = if let Some(n) = v.strip_suffix('余') {
                (n, "at_least")
            } else if let Some(n) = v.strip_prefix('近') {
                (n, "at_most")
            } else if let Some(n) = v.strip_prefix('约') {
                (n, "approx")
            } else if v == "是" {
                ("true", "")
            } else if v == "否" {
                ("false", "")
            } else {
                (v, "")
            };
            out.push_str(&format!("{},{},{metric},{value},{qualifier},,,{as_of}\n", row[0], row[1]));
        }
    }
    out
}

/// The entities sheet as `entities.csv`.
fn entities_csv(rows: &[Vec<String>]) -> String {
    rows.iter().map(|r| r.join(",") + "\n").collect()
}

#[test]
fn the_fixtures_form_reads_every_period_the_rules_look_back_to() {
    let ws = fixture();
    let out = kaohe_in(&ws, &["template", "--output", "form.csv"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "notice: wrote the form form.csv: 5 rows, 7 metric columns\n");
    let text = std::fs::read_to_string(ws.path("form.csv")).unwrap_or_default();
    assert_eq!(
        text.strip_prefix('\u{feff}').unwrap_or_default(),
        "entity,period,as_of,专利申请量（件）,发明专利申请量（件）,知识产权质押融资额（万元）,注册商标总量（件）,\
         是否设立知识产权局,closure（%）,精确值（万元）\n\
         guanghan,2014,,约600,,,,,,\n\
         guanghan,2015,,663,近231,0.1,1200余,否,,\n\
         mianzhu,2014,,400,,,3000,,,\n\
         mianzhu,2015,,537,220,24000,3500,是,100,1234567890.123456789\n\
         mianzhu,2016,2016-06-30,301,,,4200,,,\n"
    );
    // The same form as a workbook: exact figures as numbers where 15 digits hold them.
    let out = kaohe_in(&ws, &["template", "--output", "form.xlsx"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let data = sheet(&ws.path("form.xlsx"), "数据");
    assert_eq!(data[4][3..], ["N:537", "N:220", "N:24000", "N:3500", "是", "N:100", "1234567890.123456789"]);
    assert_eq!(data[2][3..6], ["N:663", "近231", "N:0.1"]);
    assert_eq!(
        sheet(&ws.path("form.xlsx"), "entities")[1..],
        [
            vec!["guanghan".to_string(), "广汉市".into(), "county-level".into(), String::new()],
            vec!["mianzhu".to_string(), "绵竹市".into(), "county-level".into(), "deyang;pilot".into()],
        ]
    );
}

#[test]
fn selection_and_period_narrow_the_form() {
    let ws = fixture();
    let run = |args: &[&str]| {
        let out = kaohe_in(&ws, &[&["template", "--output", "-"], args].concat());
        assert_eq!(out.code, 0, "{}", out.stderr);
        csv_rows(&out.stdout)
    };
    // --output - prints the CSV form, without a BOM.
    let plan = run(&["--ruleset", "plan"]);
    assert_eq!(
        plan.iter().map(|r| r[..2].join(" ")).collect::<Vec<_>>(),
        ["entity period", "mianzhu 2015", "mianzhu 2016"]
    );
    // The level rule's baseline (2015) is read because 2016 has an as_of.
    assert_eq!(plan[0][2..], ["as_of", "专利申请量（件）", "注册商标总量（件）"]);
    let guanghan = run(&["--entity", "guanghan", "--period", "2016"]);
    assert_eq!(guanghan.iter().map(|r| r[1].as_str()).collect::<Vec<_>>(), ["period", "2015", "2016"]);
}

#[test]
fn the_form_read_back_as_the_only_data_gives_the_same_evaluation() {
    let ws = fixture();
    let before = kaohe_in(&ws, &["eval", "--format", "json"]);
    assert!(before.code == 0, "{}", before.stderr);
    for form in ["form.csv", "form.xlsx"] {
        let out = kaohe_in(&ws, &["template", "--output", form]);
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    let wide = csv_rows(&std::fs::read_to_string(ws.path("form.csv")).unwrap_or_default());
    let from_xlsx = sheet(&ws.path("form.xlsx"), "数据");
    let entities = sheet(&ws.path("form.xlsx"), "entities");
    for (name, rows) in [("csv", &wide), ("xlsx", &from_xlsx)] {
        let dir = format!("back-{name}");
        ws.write(&format!("{dir}/figures.csv"), wide_to_long(rows, CATALOG).as_bytes());
        ws.write(&format!("{dir}/entities.csv"), entities_csv(&entities).as_bytes());
        let after = kaohe_in(&ws, &["eval", "--format", "json", "--data", &dir]);
        assert_eq!(after.code, 0, "{}", after.stderr);
        assert_eq!(after.stdout, before.stdout, "the {name} form gives the same evaluation");
    }
    // The plan alone: its form has the 2015 row only for the level rule's baseline,
    // and the pace measured from it comes back the same.
    let before = kaohe_in(&ws, &["eval", "--format", "json", "--ruleset", "plan"]);
    assert!(before.stdout.contains(r#""progress_pct": "46.666667""#), "{}", before.stdout);
    let out = kaohe_in(&ws, &["template", "--ruleset", "plan", "--output", "-"]);
    ws.write("back-plan/figures.csv", wide_to_long(&csv_rows(&out.stdout), CATALOG).as_bytes());
    ws.write("back-plan/entities.csv", entities_csv(&entities).as_bytes());
    let after = kaohe_in(&ws, &["eval", "--format", "json", "--ruleset", "plan", "--data", "back-plan"]);
    assert_eq!(after.stdout, before.stdout);
}

/// The round trip through kaohe's own spreadsheet reader: the workbook form, unchanged,
/// as the only data folder.
#[test]
fn the_workbook_form_read_by_kaohe_gives_the_same_evaluation() {
    let ws = fixture();
    let before = kaohe_in(&ws, &["eval", "--format", "json"]);
    ws.mkdir("back");
    let out = kaohe_in(&ws, &["template", "--output", "back/form.xlsx"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let after = kaohe_in(&ws, &["eval", "--format", "json", "--data", "back"]);
    assert_eq!((after.code, after.stdout), (before.code, before.stdout));
}

#[test]
fn the_output_is_replaced_whole_or_not_at_all_and_a_data_folder_is_warned_about() {
    let ws = fixture();
    ws.write("form.csv", b"old form\n");
    // An input error: exit 2, the old file untouched, no temporary file left.
    ws.write("data/broken.toml", b"id = \"broken\"\n[period.2015]\npatent_applications = \"23O\"\n");
    let out = kaohe_in(&ws, &["template", "--output", "form.csv"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(ws.path("form.csv")).ok().as_deref(), Some("old form\n"));
    std::fs::remove_file(ws.path("data/broken.toml")).unwrap_or_else(|e| panic!("{e}"));
    // A folder that does not exist: a message, exit 2, nothing written.
    let out = kaohe_in(&ws, &["template", "--output", "no/such/form.xlsx"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.starts_with("error: cannot write `no/such/form.xlsx`: "), "{}", out.stderr);
    // Into the data folder: written, with a warning that the figures would count twice.
    let out = kaohe_in(&ws, &["template", "--output", "data/form.xlsx"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.starts_with("warning: data/form.xlsx is inside a data folder"), "{}", out.stderr);
    let mut names: Vec<String> = std::fs::read_dir(&ws.root)
        .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    names.sort();
    assert_eq!(names, ["data", "form.csv", "rules"]);
}

/// With `--lang zh` every line `template` writes on stderr is Chinese: the notice,
/// the warning about a data folder and its usage errors, with the Chinese labels.
#[test]
fn template_speaks_chinese_with_lang_zh() {
    let ws = fixture();
    let out = kaohe_in(&ws, &["template", "--lang", "zh", "--output", "form.csv"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stderr, "提示：已写出填报表 form.csv：5 行，7 个指标列\n");
    let out = kaohe_in(&ws, &["template", "--lang", "zh", "--output", "data/form.xlsx"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.starts_with("警告：data/form.xlsx 在数据文件夹内"), "{}", out.stderr);
    std::fs::remove_file(ws.path("data/form.xlsx")).unwrap_or_else(|e| panic!("{e}"));
    let out = kaohe_in(&ws, &["template", "--lang", "zh", "--output", "no/such/form.xlsx"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.starts_with("错误：无法写出 `no/such/form.xlsx`："), "{}", out.stderr);
    assert!(out.stderr.trim_end().ends_with("不存在"), "{}", out.stderr);
    let out = kaohe_in(&ws, &["template", "--lang", "zh", "--period", "2015", "--ruleset", "计划", "--output", "-"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.starts_with("错误：未知规则集 `计划`"), "{}", out.stderr);
    assert!(!ws.path("no").exists());
}

#[test]
fn control_characters_in_names_are_escaped_on_stdout_and_kept_in_the_file() {
    let ws = Workspace::new();
    ws.write("rules/metrics.toml", "[metric.a]\nname = \"A\\u001b[31m名\"\nunit = \"件\"\n".as_bytes());
    ws.write(
        "rules/r.toml",
        b"id = \"r\"\nperiod = \"2015\"\n[[rule]]\nid = \"x\"\nmetric = \"a\"\nop = \">=\"\ntarget = 1\n",
    );
    ws.write("data/c.toml", b"id = \"c\"\n[period.2015]\na = 1\n");
    let out = kaohe_in(&ws, &["template", "--output", "-"]);
    assert_eq!(out.stdout, "entity,period,A\\u{1b}[31m名（件）\nc,2015,1\n");
    let out = kaohe_in(&ws, &["template", "--output", "form.xlsx"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(sheet(&ws.path("form.xlsx"), "数据")[0][2], "A\u{1b}[31m名（件）");
}
