//! The dependency analysis and the form's cells, on small workspaces written inline.

use std::str::FromStr;

use rust_decimal::Decimal;

use super::{Cell, Form, Pair};
use crate::evaluate::plan::Plan;
use crate::model::{Date, Model};

/// A checked model from a catalog, one rule set (`id = "rs"`) and one entity's TOML.
fn model(catalog: &str, rules: &str, data: &str) -> &'static Model {
    let rules = format!("id = \"rs\"\n{rules}");
    let data = format!("id = \"city\"\nname = \"城\"\nkind = \"county\"\n{data}");
    Box::leak(Box::new(crate::validate::model_from_toml(catalog, &rules, &data)))
}

/// The form for the one rule set at `period`, today being `today`.
fn form(catalog: &str, rules: &str, data: &str, period: &str, today: &str) -> Form<'static> {
    let m = model(catalog, rules, data);
    let plan: &'static Plan<'static> = Box::leak(Box::new(Plan::new(m, &[period])));
    let pairs = [Pair { entity: &m.entities[0], ruleset: &plan.rulesets[0], period: period.to_string() }];
    Form::new(plan, &pairs, Date::parse(today))
}

/// (periods of the rows, metric ids of the columns).
fn shape(f: &Form) -> (Vec<String>, Vec<String>) {
    (f.rows.iter().map(|r| r.period.clone()).collect(), f.columns.iter().map(|m| m.id.clone()).collect())
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

const CATALOG: &str = r#"
[metric.zeta]
name = "最后一个"
unit = "件"
[metric.alpha]
name = "第一个"
unit = "件"
[metric.stock]
name = "存量"
unit = "件"
measure = "level"
[metric.unused]
unit = "件"
[metric.flag]
name = "是否设立"
unit = "bool"
[metric.share]
name = "占比"
unit = "%"
formula = "alpha / zeta * 100"
[metric.growth]
formula = "zeta - zeta@prev"
[metric.nested]
formula = "growth + share"
[metric.named]
formula = "alpha@2010"
"#;

fn rule(body: &str) -> String {
    format!("period = \"2015\"\n[[rule]]\nid = \"r\"\n{body}\n")
}

#[test]
fn derived_metrics_are_expanded_to_their_raw_inputs_in_catalog_order() {
    let f = form(CATALOG, &rule("metric = \"share\"\nop = \">=\"\ntarget = 30"), "", "2015", "2026-12-01");
    // Catalog file order (zeta before alpha), not id order; only raw metrics.
    assert_eq!(shape(&f), (strings(&["2015"]), strings(&["zeta", "alpha"])));
    assert_eq!(f.headers, strings(&["最后一个（件）", "第一个（件）"]));
    assert!(!f.with_as_of);
}

#[test]
fn prev_and_named_periods_are_followed_through_derived_metrics() {
    // nested -> growth -> zeta@prev, and share at the evaluated period.
    let f = form(CATALOG, &rule("metric = \"nested\"\nop = \">=\"\ntarget = 1"), "", "2015", "2026-12-01");
    assert_eq!(shape(&f), (strings(&["2014", "2015"]), strings(&["zeta", "alpha"])));
    // @prev of a formula read @prev: two years back (and the evaluated period's row,
    // which is always there to say which period the form is for).
    let f = form(CATALOG, &rule("expr = \"growth@prev\"\nop = \">=\"\ntarget = 1"), "", "2015", "2026-12-01");
    assert_eq!(shape(&f).0, strings(&["2013", "2014", "2015"]));
    // A named period inside a formula, and the evaluated period itself (always a row).
    let f = form(CATALOG, &rule("metric = \"named\"\nop = \">=\"\ntarget = 1"), "", "2015", "2026-12-01");
    assert_eq!(shape(&f), (strings(&["2010", "2015"]), strings(&["alpha"])));
}

#[test]
fn targets_and_step_thresholds_look_back_too() {
    let f =
        form(CATALOG, &rule("metric = \"alpha\"\nop = \">=\"\ntarget = \"zeta@prev * 1.2\""), "", "2015", "2026-12-01");
    assert_eq!(shape(&f), (strings(&["2014", "2015"]), strings(&["zeta", "alpha"])));
    let steps =
        "metric = \"alpha\"\nop = \">=\"\ntarget = 1\nscoring = \"steps\"\nsteps = [[\"stock@2012\", 2], [1, 1]]";
    let f = form(CATALOG, &rule(steps), "", "2015", "2026-12-01");
    assert_eq!(shape(&f), (strings(&["2012", "2015"]), strings(&["alpha", "stock"])));
    let between = "metric = \"alpha\"\nop = \"between\"\ntarget = [\"zeta@2013\", 10]";
    assert_eq!(shape(&form(CATALOG, &rule(between), "", "2015", "2026-12-01")).0, strings(&["2013", "2015"]));
}

#[test]
fn a_level_rules_pace_reads_the_baseline_only_for_year_to_date_figures() {
    let level = rule("metric = \"stock\"\nop = \">=\"\ntarget = 100");
    // A whole past year: no pace, no baseline.
    assert_eq!(shape(&form(CATALOG, &level, "", "2015", "2026-12-01")).0, strings(&["2015"]));
    // An as_of on file: pace, measured from the year before.
    let dated = "[period.2015]\nas_of = 2015-06-30\nstock = 40\n";
    let f = form(CATALOG, &level, dated, "2015", "2026-12-01");
    assert_eq!(shape(&f).0, strings(&["2014", "2015"]));
    assert!(f.with_as_of);
    assert_eq!(f.rows[1].as_of, Date::new(2015, 6, 30));
    // A year not over yet: the office will fill year-to-date figures with an as_of.
    let f = form(CATALOG, &level, "", "2015", "2015-03-01");
    assert_eq!(shape(&f).0, strings(&["2014", "2015"]));
    assert!(f.with_as_of);
    // A flow has no baseline, a reverse (<=) level rule no pace.
    let flow = rule("metric = \"alpha\"\nop = \">=\"\ntarget = 100");
    assert_eq!(shape(&form(CATALOG, &flow, "", "2015", "2015-03-01")).0, strings(&["2015"]));
    let reverse = rule("metric = \"stock\"\nop = \"<=\"\ntarget = 100");
    assert_eq!(shape(&form(CATALOG, &reverse, "", "2015", "2015-03-01")).0, strings(&["2015"]));
}

#[test]
fn prev_of_a_period_that_is_not_a_year_reads_nothing() {
    let f = form(CATALOG, &rule("metric = \"growth\"\nop = \">=\"\ntarget = 1"), "", "2016-H1", "2026-12-01");
    assert_eq!(shape(&f), (strings(&["2016-H1"]), strings(&["zeta"])));
}

#[test]
fn cells_hold_the_figures_on_file_as_a_report_writes_them() {
    let rules = rule("expr = \"share + flag + stock + zeta@prev\"\nop = \">=\"\ntarget = 1");
    let data = r#"
[period.2014]
zeta = 7
[period.2015]
alpha = { at_least = 16000 }
zeta = { at_most = 100 }
stock = { approx = 2000.50 }
flag = true
unused = 3
"#;
    let f = form(CATALOG, &rules, data, "2015", "2026-12-01");
    assert_eq!(shape(&f), (strings(&["2014", "2015"]), strings(&["zeta", "alpha", "stock", "flag"])));
    assert_eq!(f.headers, strings(&["最后一个（件）", "第一个（件）", "存量（件）", "是否设立"]));
    let text = |s: &str| Cell::Text(s.to_string());
    assert_eq!(f.rows[0].cells, vec![Cell::Number(Decimal::from(7)), Cell::Empty, Cell::Empty, Cell::Empty]);
    assert_eq!(f.rows[1].cells, vec![text("近100"), text("16000余"), text("约2000.5"), text("是")]);
    assert_eq!(f.entities.len(), 1);
}

#[test]
fn converted_units_and_missing_figures() {
    let catalog = "[metric.money]\nname = \"融资额\"\nunit = \"万元\"\n[metric.gone]\nunit = \"件\"\n";
    let rules = rule("expr = \"money + gone\"\nop = \">=\"\ntarget = 1");
    let data = "[period.2015]\nmoney = { value = 2.4, unit = \"亿元\" }\ngone = { missing = \"not reported\" }\n";
    let f = form(catalog, &rules, data, "2015", "2026-12-01");
    // In the metric's own unit, the unit of the header; a metric without a name is headed by its id.
    assert_eq!(f.headers, strings(&["融资额（万元）", "gone（件）"]));
    assert_eq!(f.rows[0].cells, vec![Cell::Number(Decimal::from_str("24000").unwrap_or_default()), Cell::Empty]);
}

#[test]
fn a_name_that_would_read_back_as_another_metric_is_replaced_by_the_id() {
    let catalog = "[metric.a]\nname = \"同名\"\n[metric.b]\nname = \"同名\"\n[metric.c]\nname = \"a\"\n";
    let rules = rule("expr = \"a + b + c\"\nop = \">=\"\ntarget = 1");
    let f = form(catalog, &rules, "", "2015", "2026-12-01");
    assert_eq!(f.headers, strings(&["a", "b", "c"]));
}
