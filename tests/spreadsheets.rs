//! Spreadsheet input end to end (CONTRACT §6): one workspace's figures written as
//! TOML, long CSV, wide CSV (GB18030, CRLF), a long and a wide workbook evaluate
//! identically; workbook cells read as the spreadsheet shows them; problems are
//! placed at `path:line:col` (CSV, whatever the line ends) and `path:SHEET!C7`.
//! Workbooks are built here with rust_xlsxwriter, so that no binary fixture has to
//! be kept in step with the tests.

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook};

const METRICS: &str = r#"
[metric.patent_applications]
name = "专利申请量"
en = "Patent applications"
unit = "件"

[metric.invention_applications]
name = "发明专利申请量"
en = "Invention applications"
unit = "件"

[metric.invention_share]
name = "发明专利申请占比"
unit = "%"
formula = "invention_applications / patent_applications * 100"

[metric.ip_pledge_financing]
name = "知识产权质押融资额"
en = "IP-pledge financing"
unit = "万元"

[metric.inspected_goods]
name = "检查商品数"
unit = "件"

[metric.closure_rate]
name = "结案率"
unit = "%"

[metric.fee_rate]
name = "费减比例"
unit = "%"

[metric.has_ip_office]
name = "是否设立知识产权局"
unit = "bool"
"#;

const PLAN: &str = r#"
id = "plan"
period = "2015"

[[rule]]
id = "apps"
metric = "patent_applications"
op = ">="
target = 370

[[rule]]
id = "share"
metric = "invention_share"
op = ">="
target = 30

[[rule]]
id = "pledge"
metric = "ip_pledge_financing"
op = ">="
target = 500

[[rule]]
id = "goods"
metric = "inspected_goods"
op = ">="
target = 10000

[[rule]]
id = "closure"
metric = "closure_rate"
op = ">="
target = 2

[[rule]]
id = "fees"
metric = "fee_rate"
op = "<="
target = 1

[[rule]]
id = "office"
metric = "has_ip_office"
op = "=="
target = true
"#;

const ENTITIES_CSV: &str = "id,name,kind,tags\nmianzhu,绵竹市,county-level,deyang;pilot\nqingshan,青山县,county,\n";

const TOML_DATA: [(&str, &str); 2] = [
    (
        "mianzhu.toml",
        r#"id = "mianzhu"
name = "绵竹市"
kind = "county-level"
tags = ["deyang", "pilot"]

[period.2015]
patent_applications = 537
invention_applications = 220
ip_pledge_financing = { value = 2.4, unit = "亿元" }
inspected_goods = { at_least = 16000 }
closure_rate = 2.675
has_ip_office = true

[period.2016]
as_of = 2016-09-30
patent_applications = 301
"#,
    ),
    (
        "qingshan.toml",
        r#"id = "qingshan"
name = "青山县"
kind = "county"

[period.2015]
patent_applications = 1200
invention_applications = { approx = 400 }
ip_pledge_financing = 1234.56
inspected_goods = { at_most = 100 }
closure_rate = 0.3
fee_rate = 0.1
has_ip_office = false
"#,
    ),
];

const LONG_CSV: &str = "\
entity,period,metric,value,qualifier,unit,source,as_of
mianzhu,2015,patent_applications,537,,,年度完成专利申请量为537件,
mianzhu,2015,发明专利申请量,220,,件,,
绵竹市,2015,ip_pledge_financing,2.4亿元,,,,
mianzhu,2015,inspected_goods,16000余件,,,检查商品16000余件,
mianzhu,2015,closure_rate,2.675,,,,
mianzhu,2015,has_ip_office,是,,,,
mianzhu,2016,patent_applications,301,,,,2016/9/30
qingshan,2015,patent_applications,\"1,200\",,,,
青山县,2015,invention_applications,约400,approx,,,
qingshan,2015,ip_pledge_financing,1234.56,,万元,,
qingshan,2015,inspected_goods,100,at_most,,,
qingshan,2015,closure_rate,０．３,,,,
qingshan,2015,fee_rate,0.1,,,,
qingshan,2015,has_ip_office,false,,,,
";

const WIDE_CSV: &str = "\
单位,年度,截至,专利申请量（件）,发明专利申请量,知识产权质押融资额（亿元）,inspected_goods,结案率 (%),fee_rate,是否设立知识产权局
绵竹市,2015,,537,220,2.4,16000余,2.675,,是
绵竹市,2016,2016年9月30日,301,,,,,,
qingshan,2015,,\"1,200\",约400,0.123456亿元,近100,0.3,0.1,否
";

/// A workbook cell to write.
enum X {
    S(&'static str),
    N(f64),
    /// A number shown as a percent.
    P(f64),
    D(u16, u8, u8),
    F(&'static str, &'static str),
    B(bool),
    /// Text merged over this many rows downwards (the cells below are left empty).
    M(&'static str, u32),
    E,
}

fn workbook(sheets: &[(&str, Vec<Vec<X>>)]) -> Vec<u8> {
    let mut book = Workbook::new();
    let percent = Format::new().set_num_format("0.00%");
    let date = Format::new().set_num_format("yyyy-mm-dd");
    for (name, rows) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    X::S(s) => sheet.write_string(r, c, *s).map(|_| ()),
                    X::N(n) => sheet.write_number(r, c, *n).map(|_| ()),
                    X::P(n) => sheet.write_number_with_format(r, c, *n, &percent).map(|_| ()),
                    X::D(y, m, d) => sheet
                        .write_datetime_with_format(r, c, ExcelDateTime::from_ymd(*y, *m, *d).unwrap(), &date)
                        .map(|_| ()),
                    X::F(f, result) => sheet.write_formula(r, c, Formula::new(*f).set_result(*result)).map(|_| ()),
                    X::B(b) => sheet.write_boolean(r, c, *b).map(|_| ()),
                    X::M(s, rows) => sheet.merge_range(r, c, r + rows - 1, c, s, &Format::new()).map(|_| ()),
                    X::E => Ok(()),
                }
                .unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
}

fn entities_sheet() -> (&'static str, Vec<Vec<X>>) {
    use X::S;
    (
        "entities",
        vec![
            vec![S("id"), S("name"), S("kind"), S("tags")],
            vec![S("mianzhu"), S("绵竹市"), S("county-level"), S("deyang;pilot")],
            vec![S("qingshan"), S("青山县"), S("county")],
        ],
    )
}

fn long_book() -> Vec<u8> {
    use X::{B, D, E, N, P, S};
    let row = |e: &'static str, p: X, m: &'static str, v: X, q: &'static str, u: &'static str, a: X| {
        vec![S(e), p, S(m), v, if q.is_empty() { E } else { S(q) }, if u.is_empty() { E } else { S(u) }, E, a]
    };
    let figures = vec![
        ["entity", "period", "metric", "value", "qualifier", "unit", "source", "as_of"].map(S).into_iter().collect(),
        row("mianzhu", N(2015.0), "patent_applications", N(537.0), "", "", E),
        row("mianzhu", N(2015.0), "invention_applications", N(220.0), "", "", E),
        row("mianzhu", N(2015.0), "ip_pledge_financing", N(2.4), "", "亿元", E),
        row("mianzhu", N(2015.0), "inspected_goods", N(16000.0), "at_least", "", E),
        row("mianzhu", N(2015.0), "closure_rate", N(2.675), "", "", E),
        row("mianzhu", N(2015.0), "has_ip_office", B(true), "", "", E),
        row("mianzhu", S("2016"), "patent_applications", N(301.0), "", "", D(2016, 9, 30)),
        row("qingshan", N(2015.0), "patent_applications", N(1200.0), "", "", E),
        row("qingshan", N(2015.0), "invention_applications", S("约400"), "", "", E),
        row("qingshan", N(2015.0), "ip_pledge_financing", N(1234.56), "", "", E),
        row("qingshan", N(2015.0), "inspected_goods", S("近100"), "", "", E),
        row("qingshan", N(2015.0), "closure_rate", P(0.003), "", "", E),
        row("qingshan", N(2015.0), "fee_rate", N(0.1), "", "", E),
        row("qingshan", N(2015.0), "has_ip_office", S("否"), "", "", E),
    ];
    workbook(&[entities_sheet(), ("figures", figures)])
}

fn wide_book() -> Vec<u8> {
    use X::{B, D, E, F, N, P, S};
    let figures = vec![
        vec![
            S("entity"),
            S("period"),
            S("as_of"),
            S("专利申请量"),
            S("发明专利申请量（件）"),
            S("知识产权质押融资额（万元）"),
            S("检查商品数"),
            S("结案率（%）"),
            S("费减比例"),
            S("has_ip_office"),
        ],
        // One county's name merged over its two rows, as office tables have it.
        vec![X::M("绵竹市", 2), N(2015.0), E, N(537.0), N(220.0), S("2.4亿元"), S("16000余件"), P(0.02675), E, B(true)],
        vec![E, N(2016.0), D(2016, 9, 30), N(301.0)],
        vec![
            S("青山县"),
            N(2015.0),
            E,
            S("1,200"),
            S("400左右"),
            N(1234.56),
            S("100以下"),
            F("=0.1+0.2", "0.30000000000000004"),
            N(0.1),
            S("否"),
        ],
    ];
    let notes = vec![vec![S("说明：余、近、约的写法见 CONTRACT §6")]];
    workbook(&[entities_sheet(), ("figures", figures), ("说明", notes)])
}

/// The workbook with its formulas' results taken out, as a program that writes
/// formulas without calculating them saves it (rust_xlsxwriter always writes one).
fn without_results(book: &[u8]) -> Vec<u8> {
    use std::io::{Read, Write};
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(book)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for i in 0..zip.len() {
        let mut entry = zip.by_index(i).unwrap();
        let name = entry.name().unwrap().to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        if name.starts_with("xl/worksheets/") {
            bytes = String::from_utf8(bytes).unwrap().replace("</f><v>0</v>", "</f>").into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(&bytes).unwrap();
    }
    out.finish().unwrap().into_inner()
}

static N_WS: AtomicUsize = AtomicUsize::new(0);

/// A temporary workspace folder, removed when dropped.
struct Ws(PathBuf);

impl std::ops::Deref for Ws {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for Ws {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A new workspace with the catalog and plan, and `files` written under it.
fn workspace(files: &[(&str, Vec<u8>)]) -> Ws {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "spreadsheets-{}-{}",
        std::process::id(),
        N_WS.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("rules")).unwrap();
    std::fs::create_dir_all(dir.join("data")).unwrap();
    std::fs::write(dir.join("rules/metrics.toml"), METRICS).unwrap();
    std::fs::write(dir.join("rules/plan.toml"), PLAN).unwrap();
    for (path, bytes) in files {
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    Ws(dir)
}

/// (exit code, stdout, stderr) of kaohe run in `dir`.
fn kaohe(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = common::kaohe_dated(dir, args);
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn crlf_gb18030(text: &str) -> Vec<u8> {
    let text = text.replace('\n', "\r\n");
    let (bytes, _, bad) = encoding_rs::GB18030.encode(&text);
    assert!(!bad);
    bytes.into_owned()
}

fn toml_files() -> Vec<(&'static str, Vec<u8>)> {
    TOML_DATA.iter().map(|(name, text)| (*name, text.as_bytes().to_vec())).collect::<Vec<_>>()
}

#[test]
fn every_layout_evaluates_the_same() {
    let toml: Vec<(String, Vec<u8>)> = toml_files().into_iter().map(|(n, b)| (format!("data/{n}"), b)).collect();
    let toml: Vec<(&str, Vec<u8>)> = toml.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    type Files<'a> = Vec<(&'a str, Vec<u8>)>;
    let variants: Vec<(&str, Files)> = vec![
        ("toml", toml),
        ("long csv", vec![("data/entities.csv", ENTITIES_CSV.into()), ("data/figures.csv", LONG_CSV.into())]),
        (
            "wide csv (GB18030, CRLF)",
            vec![("data/entities.csv", ENTITIES_CSV.into()), ("data/figures.csv", crlf_gb18030(WIDE_CSV))],
        ),
        ("long workbook", vec![("data/figures.xlsx", long_book())]),
        ("wide workbook", vec![("data/Figures.XLSX", wide_book())]),
    ];
    let mut outputs = Vec::new();
    for (name, files) in &variants {
        let dir = workspace(files);
        let (code, check_out, check_err) = kaohe(&dir, &["check"]);
        assert_eq!(code, 0, "{name}: check\n{check_out}{check_err}");
        let (code, json, err) = kaohe(&dir, &["eval", "--format", "json"]);
        assert_eq!(code, 0, "{name}: eval\n{err}");
        let (_, table, _) = kaohe(&dir, &["eval", "--period", "2016"]);
        outputs.push((name, json, table, check_err));
    }
    let (_, json, table, _) = &outputs[0];
    // The TOML workspace's figures, as a sanity check of what is compared.
    assert!(json.contains("\"mianzhu\"") && json.contains("24000"), "{json}");
    for (name, other_json, other_table, _) in &outputs[1..] {
        assert!(other_json == json, "{name} differs from toml:\n{other_json}");
        assert_eq!(other_table, table, "{name} differs from toml (2016)");
    }
    // What was said while reading them.
    let said: Vec<String> = outputs.iter().map(|(name, _, _, err)| format!("[{name}]\n{err}")).collect();
    insta::assert_snapshot!("layouts_stderr", said.join("\n"));
}

#[test]
fn a_workbook_and_csv_and_toml_together_and_a_figure_twice() {
    let (_, mianzhu) = TOML_DATA[0];
    let book = workbook(&[(
        "figures",
        vec![
            vec![X::S("entity"), X::S("period"), X::S("专利申请量"), X::S("fee_rate")],
            vec![X::S("绵竹市"), X::N(2015.0), X::N(537.0), X::N(0.5)],
        ],
    )]);
    let csv = "entity,period,metric,value,qualifier,unit,source\nmianzhu,2015,fee_rate,0.5,,,\n";
    let dir =
        workspace(&[("data/mianzhu.toml", mianzhu.into()), ("data/more.csv", csv.into()), ("data/more.xlsx", book)]);
    let (code, _, err) = kaohe(&dir, &["check"]);
    assert_eq!(code, 2, "{err}");
    insta::assert_snapshot!("figure_twice", err);
}

#[test]
fn workbook_problems_are_placed_at_their_cells() {
    use X::{E, N, S};
    let book = workbook(&[
        entities_sheet(),
        (
            "表1",
            vec![
                vec![
                    S("单位"),
                    S("期间"),
                    S("序号"),
                    S("Patent applications"),
                    S("专利申请量（人）"),
                    S("发明专利申请量"),
                    S("是否设立知识产权局"),
                ],
                vec![S("绵竹市"), N(2015.0), N(1.0), N(3.0), N(4.0), S("23O"), S("有")],
                vec![S("黄山县"), N(2015.0), E, E, E, S("超3500余"), S("是")],
                vec![S("qingshan"), E, E, E, E, N(5.0)],
                // A formula whose result is not saved (see `without_results`).
                vec![S("qingshan"), N(2015.0), E, E, E, X::F("=1000+200", "")],
            ],
        ),
    ]);
    let dir = workspace(&[("data/figures.xlsx", without_results(&book))]);
    let (code, _, err) = kaohe(&dir, &["check"]);
    assert_eq!(code, 2, "{err}");
    insta::assert_snapshot!("workbook_places", err);
}

/// With `--lang zh` a broken workbook's problems are in Chinese, each at its
/// `path:SHEET!C7` place: value text, headers, a formula with no saved result, a
/// sheet skipped, a file that is not a workbook and a sheet too wide to read.
#[test]
fn workbook_problems_in_chinese() {
    use X::{E, N, S};
    let book = workbook(&[
        entities_sheet(),
        (
            "表1",
            vec![
                vec![
                    S("单位"),
                    S("期间"),
                    S("截至"),
                    S("Patent applications"),
                    S("专利申请量（人）"),
                    S("发明专利申请量"),
                ],
                vec![S("绵竹市"), N(2015.0), S("去年"), N(3.0), N(4.0), S("23O")],
                vec![S("合计"), N(2015.0), E, E, E, N(5.0)],
                vec![S("qingshan"), N(2015.0), E, E, E, X::F("=1000+200", "")],
            ],
        ),
        ("说明", vec![vec![S("填表说明")]]),
    ]);
    let mut wide = Workbook::new();
    let sheet = wide.add_worksheet();
    sheet.write_string(0, 0, "entity").unwrap();
    sheet.write_number(0, 6000, 1.0).unwrap();
    let wide = wide.save_to_buffer().unwrap();
    let dir = workspace(&[
        ("data/figures.xlsx", without_results(&book)),
        ("data/notbook.xlsx", b"entity,period\n".to_vec()),
        ("data/wide.xlsx", wide),
    ]);
    let (code, _, err) = kaohe(&dir, &["check", "--lang", "zh"]);
    assert_eq!(code, 2, "{err}");
    for said in [
        "data/figures.xlsx:表1!C2: `去年` 不是日期",
        "data/figures.xlsx:表1!D1: 列 `Patent applications` 不是任何指标",
        "是不是要写 `patent_applications`？（`Patent applications` 是它的英文名称）",
        "data/figures.xlsx:表1!E1: `专利申请量（人）`：单位 `人` 不能换算为指标的单位 `件`",
        "data/figures.xlsx:表1!A3: 未知对象 `合计`：合计行不是对象",
        "data/figures.xlsx:表1!F4: 此单元格的公式 `=1000+200` 没有保存计算结果",
        "data/figures.xlsx: 提示：已跳过工作表 `说明`",
        "data/notbook.xlsx: 这不是 .xlsx 工作簿（不是 zip 压缩包",
        "data/wide.xlsx: 工作表 `Sheet1`：第 6001 列有单元格；kaohe 最多读取 5000 列的工作表",
    ] {
        assert!(err.contains(said), "{said}\n{err}");
    }
    // None of the English sentences is left.
    for english in ["is not", "names no metric", "skipped", "help:", "did you mean", "sheet `"] {
        assert!(!err.contains(english), "{english}\n{err}");
    }
    insta::assert_snapshot!("workbook_problems_zh", err);
}

#[test]
fn not_a_workbook_and_a_hostile_one_are_clear_errors() {
    let mut huge = Workbook::new();
    // A cell far out: the sheet's dimension is A1:XFD1048576.
    let sheet = huge.add_worksheet();
    sheet.write_string(0, 0, "entity").unwrap();
    sheet.write_number(1_048_575, 16_383, 1.0).unwrap();
    let huge = huge.save_to_buffer().unwrap();
    let dir = workspace(&[("data/a-not-a-workbook.xlsx", b"entity,period\n".to_vec()), ("data/b-huge.xlsx", huge)]);
    let (code, _, err) = kaohe(&dir, &["check"]);
    assert_eq!(code, 2, "{err}");
    insta::assert_snapshot!("bad_workbooks", err);
    // A workbook named on the command line is read as one, never as text.
    let dir = workspace(&[("figures.xlsx", long_book())]);
    let (code, out, err) = kaohe(&dir, &["check", "--data", "figures.xlsx"]);
    assert!(!err.contains("NUL"), "{err}");
    assert_eq!(code, 0, "{out}{err}");
}

/// CSV problems are at the line and column a text editor shows, whatever the line
/// ends: LF, CRLF, lone CR, a last line without a line end, quoted line breaks.
#[test]
fn csv_places_whatever_the_line_ends() {
    let rows = [
        "entity,period,metric,value,qualifier,unit,source",
        "mianzhu,2015,patent_applications,537,,,\"two{NL}lines\"",
        "mianzhu,2015,invention_applications,23O,,,",
    ];
    let mut said = Vec::new();
    for (name, nl, last) in
        [("LF", "\n", "\n"), ("CRLF", "\r\n", "\r\n"), ("CR", "\r", "\r"), ("CRLF, no line end at the end", "\r\n", "")]
    {
        let text = rows.join(nl).replace("{NL}", nl) + last;
        let dir = workspace(&[("data/entities.csv", ENTITIES_CSV.into()), ("data/figures.csv", text.into_bytes())]);
        let (code, _, err) = kaohe(&dir, &["check"]);
        assert_eq!(code, 2);
        // The quoted line break counts as a line: the mistake is on line 4, column 37.
        let first = err.lines().next().unwrap_or_default().to_string();
        assert_eq!(first, "data/figures.csv:4:37: `23O` is not a number", "{name}");
        said.push(format!("[{name}]\n{err}"));
    }
    assert!(said.windows(2).all(|w| w[0].split_once('\n').map(|x| x.1) == w[1].split_once('\n').map(|x| x.1)));
}

/// Report-style value text in a CSV, accepted and rejected case by case.
#[test]
fn report_style_values_in_csv() {
    let rows = [
        ("patent_applications", "１５００"),
        ("patent_applications", "1,500"),
        ("inspected_goods", "16000余件"),
        ("inspected_goods", "1500余"),
        ("inspected_goods", "超3500"),
        ("inspected_goods", "近100"),
        ("inspected_goods", "约2000"),
        ("inspected_goods", "300件以上"),
        ("ip_pledge_financing", "2.4亿元"),
        ("has_ip_office", "否"),
        ("closure_rate", "60%以下"),
        // Rejected.
        ("patent_applications", "1,50"),
        ("inspected_goods", "16000余人"),
        ("inspected_goods", "超3500余"),
        ("has_ip_office", "有"),
        ("patent_applications", "是"),
        ("ip_pledge_financing", "2.4亿"),
    ];
    let mut said = Vec::new();
    for (metric, value) in rows {
        let csv = format!("entity,period,metric,value,qualifier,unit,source\nmianzhu,2015,{metric},\"{value}\",,,\n");
        let dir = workspace(&[("data/entities.csv", ENTITIES_CSV.into()), ("data/figures.csv", csv.into())]);
        let (code, out, err) = kaohe(&dir, &["eval", "--format", "json", "--entity", "mianzhu"]);
        let shown = if code == 0 {
            // The figure as evaluated: its actual, from the JSON.
            let v: serde_json::Value = serde_json::from_str(&out).unwrap();
            let id = match metric {
                "patent_applications" => "apps",
                "inspected_goods" => "goods",
                "ip_pledge_financing" => "pledge",
                "has_ip_office" => "office",
                _ => "closure",
            };
            let rules = v.pointer("/evaluations/0/rules").and_then(|r| r.as_array()).cloned().unwrap_or_default();
            let rule =
                rules.iter().find(|r| r.get("id").and_then(|m| m.as_str()) == Some(id)).cloned().unwrap_or_default();
            let show = |k: &str| rule.get(k).map(|x| x.to_string()).unwrap_or_default();
            format!("ok actual {} low {} high {}", show("actual"), show("actual_low"), show("actual_high"))
        } else {
            err.lines().next().unwrap_or_default().to_string()
        };
        said.push(format!("{metric:<22} {value:<12} -> {shown}"));
    }
    insta::assert_snapshot!("report_style_values", said.join("\n"));
}

/// What must agree: `as_of` across one entity and period's rows (and with TOML), a
/// qualifier column with the value's word, a unit column with the value's unit.
#[test]
fn disagreements_are_errors() {
    let (_, mianzhu) = TOML_DATA[0];
    let long = "\
entity,period,metric,value,qualifier,unit,source,as_of
qingshan,2016,patent_applications,100,,,,2016-06-30
qingshan,2016,invention_applications,10,,,,2016/9/30
qingshan,2015,inspected_goods,16000余,at_most,,,
qingshan,2015,ip_pledge_financing,2.4亿元,,万元,,
qingshan,2015,closure_rate,60%以下,at_most,,,
qingshan,2015,fee_rate,约1,,,,2015年2月30日
";
    let wide = "entity,period,as_of,专利申请量,发明专利申请量\nmianzhu,2016,2016-06-30,301,\nmianzhu,2017,2016-12-31,5,\n新区,2015,,7,\n黄山县,2015,,7,3\n合 计,2015,,308,3\n";
    let dir = workspace(&[
        ("data/mianzhu.toml", mianzhu.into()),
        (
            "data/entities.csv",
            "id,name,kind,tags\nqingshan,青山县,county,\nxinqu-a,新区,park,\nxinqu-b,新区,park,\n".into(),
        ),
        ("data/long.csv", long.into()),
        ("data/wide.csv", wide.into()),
    ]);
    let (code, _, err) = kaohe(&dir, &["check"]);
    assert_eq!(code, 2, "{err}");
    insta::assert_snapshot!("disagreements", err);
}
