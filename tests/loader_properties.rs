//! Property tests of the loader over generated data files: whatever the figures, in
//! whatever way TOML writes their numbers, and whether they come from TOML or CSV
//! files, the workspace is read without a problem, every figure is the number
//! written (exactly), TOML and CSV give the same figures, and neither the names nor
//! the order of the files change what is read.

mod common;

use std::fmt::Write as _;

use common::Workspace;
use kaohe::diagnostic::{Diagnostic, Sources};
use kaohe::load::{Paths, load};
use kaohe::model::{Model, Qualifier};
use kaohe::validate::validate;
use proptest::prelude::*;
use rust_decimal::Decimal;

const CATALOG: &str =
    "[metric.m0]\nunit = \"件\"\n[metric.m1]\nunit = \"万元\"\n[metric.m2]\nunit = \"%\"\n[metric.m3]\nunit = \"件\"\n";
const RULES: &str = "id = \"r\"\nperiod = \"2015\"\n[[rule]]\nid = \"x\"\nmetric = \"m0\"\nop = \">=\"\ntarget = 1\n";

#[derive(Clone, Debug)]
struct Fig {
    metric: usize,
    mantissa: i64,
    scale: u32,
    qualifier: usize,
    /// Written in 亿元 (for the 万元 metric), so read as 10,000 times the number.
    in_yi: bool,
    source: Option<String>,
    /// How TOML writes the number: 0 plain, 1 as a string, 2 with an exponent, 3 with `_`.
    form: u8,
}

/// A period: its year, its `as_of` (month, day) if any, and its figures.
type PeriodData = (u16, Option<(u8, u8)>, Vec<Fig>);

#[derive(Clone, Debug)]
struct Ent {
    periods: Vec<PeriodData>,
}

fn fig() -> impl Strategy<Value = Fig> {
    (
        0usize..4,
        -10_000_000i64..10_000_000,
        0u32..6,
        0usize..5,
        any::<bool>(),
        proptest::option::of("[a-z 余件,\"“”0-9]{0,12}"),
        0u8..4,
    )
        .prop_map(|(metric, mantissa, scale, qualifier, in_yi, source, form)| Fig {
            metric,
            mantissa,
            scale,
            qualifier,
            in_yi: in_yi && metric == 1,
            source,
            form,
        })
}

fn ent() -> impl Strategy<Value = Ent> {
    prop::collection::vec(
        (2013u16..2017, proptest::option::of((1u8..13, 1u8..29)), prop::collection::vec(fig(), 0..5)),
        0..4,
    )
    .prop_map(|mut periods| {
        // One figure per metric and period, one entry per period.
        periods.sort_by_key(|p| p.0);
        periods.dedup_by_key(|p| p.0);
        for (_, _, figs) in &mut periods {
            figs.sort_by_key(|f| f.metric);
            figs.dedup_by_key(|f| f.metric);
        }
        Ent { periods }
    })
}

const KEYS: [&str; 5] = ["value", "at_least", "at_most", "approx", "missing"];

fn number(f: &Fig) -> Decimal {
    Decimal::new(f.mantissa, f.scale)
}

/// The number as TOML may write it.
fn toml_number(f: &Fig) -> String {
    let d = number(f);
    match f.form {
        1 => format!("\"{d}\""),
        2 => format!("{}e-{}", f.mantissa, f.scale),
        3 if d.scale() == 0 && d.abs() >= Decimal::from(1000) => {
            let s = d.abs().to_string();
            let mut out = String::new();
            for (i, c) in s.chars().enumerate() {
                if i > 0 && (s.len() - i).is_multiple_of(3) {
                    out.push('_');
                }
                out.push(c);
            }
            format!("{}{out}", if d.is_sign_negative() { "-" } else { "" })
        }
        _ => d.to_string(),
    }
}

fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() }
}

fn as_of(year: u16, date: Option<(u8, u8)>) -> Option<String> {
    date.map(|(m, d)| format!("{year}-{m:02}-{d:02}"))
}

fn write_toml(id: &str, e: &Ent) -> String {
    let mut t = format!("id = \"{id}\"\n");
    for (year, date, figs) in &e.periods {
        let _ = writeln!(t, "[period.{year}]");
        if let Some(d) = as_of(*year, *date) {
            let _ = writeln!(t, "as_of = {d}");
        }
        for f in figs {
            let key = KEYS[f.qualifier];
            let mut parts = Vec::new();
            if key == "missing" {
                parts.push(format!("missing = {}", toml_string(f.source.as_deref().unwrap_or("未报"))));
            } else {
                parts.push(format!("{key} = {}", toml_number(f)));
                if f.in_yi {
                    parts.push("unit = \"亿元\"".into());
                }
                if let Some(s) = &f.source {
                    parts.push(format!("source = {}", toml_string(s)));
                }
            }
            let _ = writeln!(t, "m{} = {{ {} }}", f.metric, parts.join(", "));
        }
    }
    t
}

fn write_csv_rows(id: &str, e: &Ent, out: &mut String) {
    for (year, date, figs) in &e.periods {
        for f in figs {
            let key = KEYS[f.qualifier];
            let (value, qualifier, source) = if key == "missing" {
                (String::new(), "missing", f.source.clone().filter(|s| !s.trim().is_empty()).unwrap_or("未报".into()))
            } else {
                (number(f).to_string(), if key == "value" { "" } else { key }, f.source.clone().unwrap_or_default())
            };
            let unit = if f.in_yi { "亿元" } else { "" };
            let _ = writeln!(
                out,
                "{id},{year},m{},{value},{qualifier},{unit},{},{}",
                f.metric,
                csv_field(&source),
                as_of(*year, *date).unwrap_or_default()
            );
        }
    }
}

/// Load and validate a workspace folder; the model and the error messages.
fn read(ws: &Workspace) -> (Model, Vec<String>) {
    let mut sources = Sources::default();
    let mut diags: Vec<Diagnostic> = Vec::new();
    let paths = Paths { rules: vec![ws.path("rules")], data: vec![ws.path("data")], metrics: None };
    let raw = load(&paths, kaohe::model::Quotes::Keep, &mut sources, &mut diags);
    let model = validate(raw, &sources, &mut diags);
    let errors = diags.iter().filter(|d| d.is_error()).map(|d| d.render(&sources)).collect();
    (model, errors)
}

/// Every figure as (entity, period, as_of, metric, value, qualifier, source), in order.
type Row = (String, String, Option<String>, String, Result<Decimal, String>, Qualifier, Option<String>);

fn figures(model: &Model) -> Vec<Row> {
    let mut out = Vec::new();
    for e in &model.entities {
        for (pid, p) in &e.periods {
            for (m, f) in p.figures.iter() {
                let value = f.value().map(|d| d.normalize()).map_err(str::to_string);
                out.push((
                    e.id.clone(),
                    pid.clone(),
                    p.as_of.map(|d| d.to_string()),
                    m.to_string(),
                    value,
                    f.qualifier(),
                    f.source().map(str::to_string),
                ));
            }
        }
    }
    out
}

fn base() -> Workspace {
    let ws = Workspace::new();
    ws.write("rules/metrics.toml", CATALOG.as_bytes());
    ws.write("rules/r.toml", RULES.as_bytes());
    ws
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// TOML files give each figure exactly as written; CSV rows of the same figures
    /// give the same; and renaming the files (so that they are read in another
    /// order) changes nothing.
    #[test]
    fn toml_and_csv_read_the_same_exact_figures_in_any_file_order(entities in prop::collection::vec(ent(), 1..4), order in any::<u64>()) {
        let as_toml = base();
        let as_csv = base();
        let renamed = base();
        let mut csv = String::from("entity,period,metric,value,qualifier,unit,source,as_of\n");
        for (i, e) in entities.iter().enumerate() {
            let id = format!("e{i}");
            as_toml.write(&format!("data/e{i}.toml"), write_toml(&id, e).as_bytes());
            as_csv.write(&format!("data/e{i}.toml"), format!("id = \"{id}\"\n").as_bytes());
            write_csv_rows(&id, e, &mut csv);
            let rank = (i as u64).wrapping_mul(order | 1).wrapping_add(order >> 7) % 97;
            renamed.write(&format!("data/sub{}/{rank:02}-{i}.TOML", rank % 3), write_toml(&id, e).as_bytes());
        }
        as_csv.write("data/figures.csv", csv.as_bytes());
        let (toml_model, toml_errors) = read(&as_toml);
        prop_assert!(toml_errors.is_empty(), "{}", toml_errors.join(""));
        let (csv_model, csv_errors) = read(&as_csv);
        prop_assert!(csv_errors.is_empty(), "{}\n{csv}", csv_errors.join(""));
        let (renamed_model, renamed_errors) = read(&renamed);
        prop_assert!(renamed_errors.is_empty(), "{}", renamed_errors.join(""));

        // Each figure is the number written (times 10,000 when written in 亿元).
        let mut expected: Vec<Row> = Vec::new();
        for (i, e) in entities.iter().enumerate() {
            for (year, date, figs) in &e.periods {
                for f in figs {
                    let key = KEYS[f.qualifier];
                    let qualifier = match key {
                        "at_least" => Qualifier::AtLeast,
                        "at_most" => Qualifier::AtMost,
                        "approx" => Qualifier::Approx,
                        _ => Qualifier::Exact,
                    };
                    let factor = if f.in_yi { Decimal::from(10_000) } else { Decimal::ONE };
                    let (value, source) = if key == "missing" {
                        (Err(f.source.clone().unwrap_or("未报".into())), None)
                    } else {
                        (Ok((number(f) * factor).normalize()), f.source.clone())
                    };
                    expected.push((format!("e{i}"), year.to_string(), as_of(*year, *date), format!("m{}", f.metric), value, qualifier, source));
                }
            }
        }
        expected.sort_by(|a, b| (&a.0, &a.1, &a.3).cmp(&(&b.0, &b.1, &b.3)));
        prop_assert_eq!(&figures(&toml_model), &expected);
        prop_assert_eq!(&figures(&renamed_model), &expected);
        // CSV cells are trimmed: an empty cell is no source; a blank reason is not one.
        let csv_expected: Vec<Row> = expected
            .iter()
            .cloned()
            .map(|mut r| {
                if r.4.is_err() {
                    r.4 = r.4.map_err(|why| if why.trim().is_empty() { "未报".into() } else { why.trim().to_string() });
                }
                r.6 = r.6.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
                r
            })
            .collect();
        prop_assert_eq!(&figures(&csv_model), &csv_expected);
    }
}

/// A figure's value cell as a report writes it, for the wide layout: the
/// qualifier as a word, 亿元 after the number; `None` for what the wide layout
/// cannot say (a missing figure).
fn report_text(f: &Fig) -> Option<String> {
    let d = number(f);
    let unit = if f.in_yi { "亿元" } else { "" };
    Some(match KEYS[f.qualifier] {
        "value" => format!("{d}{unit}"),
        "at_least" => format!("{d}余{unit}"),
        "at_most" => format!("近{d}{unit}"),
        "approx" => format!("约{d}{unit}"),
        _ => return None,
    })
}

/// A wide row: entity name, year, as_of, the cell of each metric.
type WideRow = (String, u16, Option<String>, [Option<String>; 4]);

fn wide_rows(entities: &[Ent]) -> Vec<WideRow> {
    let mut rows = Vec::new();
    for (i, e) in entities.iter().enumerate() {
        for (year, date, figs) in &e.periods {
            let mut cells: [Option<String>; 4] = Default::default();
            for f in figs {
                cells[f.metric] = report_text(f);
            }
            rows.push((format!("第{i}县"), *year, as_of(*year, *date), cells));
        }
    }
    rows
}

const WIDE_HEADER: [&str; 7] = ["单位", "年度", "截至", "m0（件）", "m1 (万元)", "m2", "m3"];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// The same figures in the wide layout, as a CSV file and as a workbook (exact
    /// figures in number cells, the rest as report text; entities by name), read the
    /// same as TOML: every number exact, whatever a float cell holds.
    #[test]
    fn the_wide_layout_in_csv_and_workbooks_reads_as_toml(entities in prop::collection::vec(ent(), 1..4)) {
        // What the wide layout can say: no missing figures, no sources.
        let entities: Vec<Ent> = entities
            .into_iter()
            .map(|e| Ent {
                periods: e
                    .periods
                    .into_iter()
                    .map(|(y, d, figs)| {
                        let figs = figs
                            .into_iter()
                            .filter(|f| KEYS[f.qualifier] != "missing")
                            .map(|f| Fig { source: None, ..f })
                            .collect();
                        (y, d, figs)
                    })
                    .collect(),
            })
            .collect();
        let as_toml = base();
        let as_csv = base();
        let as_book = base();
        let mut declared = String::from("id,name,kind,tags\n");
        for (i, e) in entities.iter().enumerate() {
            let id = format!("e{i}");
            let toml = write_toml(&id, e).replacen('\n', &format!("\nname = \"第{i}县\"\n"), 1);
            as_toml.write(&format!("data/e{i}.toml"), toml.as_bytes());
            let _ = writeln!(declared, "{id},第{i}县,,");
        }
        let rows = wide_rows(&entities);
        let mut csv = WIDE_HEADER.join(",") + "\r\n";
        for (name, year, date, cells) in &rows {
            let cells: Vec<String> = cells.iter().map(|c| c.clone().unwrap_or_default()).collect();
            let _ = write!(csv, "{name},{year},{},{}\r\n", date.clone().unwrap_or_default(), cells.join(","));
        }
        as_csv.write("data/entities.csv", declared.as_bytes());
        as_csv.write("data/figures.csv", csv.as_bytes());

        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name("entities").unwrap();
        for (r, line) in declared.lines().enumerate() {
            for (c, cell) in line.split(',').enumerate() {
                sheet.write_string(r as u32, c as u16, cell).unwrap();
            }
        }
        let sheet = book.add_worksheet();
        for (c, h) in WIDE_HEADER.iter().enumerate() {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        for (r, (name, year, date, cells)) in rows.iter().enumerate() {
            let r = r as u32 + 1;
            sheet.write_string(r, 0, name).unwrap();
            sheet.write_number(r, 1, f64::from(*year)).unwrap();
            if let Some(d) = date {
                sheet.write_string(r, 2, d.replace('-', "/")).unwrap();
            }
            for (k, cell) in cells.iter().enumerate() {
                let Some(text) = cell else { continue };
                let col = 3 + k as u16;
                // A plain number goes in a number cell, as the float nearest to it.
                match text.parse::<f64>() {
                    Ok(x) => sheet.write_number(r, col, x).map(|_| ()),
                    Err(_) => sheet.write_string(r, col, text).map(|_| ()),
                }
                .unwrap();
            }
        }
        as_book.write("data/figures.xlsx", &book.save_to_buffer().unwrap());

        let (toml_model, toml_errors) = read(&as_toml);
        prop_assert!(toml_errors.is_empty(), "{}", toml_errors.join(""));
        let (csv_model, csv_errors) = read(&as_csv);
        prop_assert!(csv_errors.is_empty(), "{}\n{csv}", csv_errors.join(""));
        let (book_model, book_errors) = read(&as_book);
        prop_assert!(book_errors.is_empty(), "{}", book_errors.join(""));
        let expected = figures(&toml_model);
        let written: usize = entities.iter().flat_map(|e| &e.periods).map(|p| p.2.len()).sum();
        prop_assert_eq!(expected.len(), written);
        prop_assert_eq!(&figures(&csv_model), &expected, "{}", csv);
        prop_assert_eq!(&figures(&book_model), &expected);
    }
}
