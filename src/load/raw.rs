//! Raw mirrors of the three kinds of files (catalog, rule set, data), read from the
//! parsed TOML with spans kept on every id and reference. Shape problems (types,
//! unknown keys, bad ids, unparsable formulas) are reported here; whether the ids
//! refer to anything is `validate`'s job.

use crate::text::Counted;
use rust_decimal::Decimal;
use toml::de::{DeTable, DeValue};

use super::limits::{MAX_METRICS, MAX_PERIODS_PER_ENTITY, MAX_RULES_PER_RULESET, over_message};
use super::toml_value::{
    Cx, Fields, Unknown, Value, expect_bool, expect_decimal, expect_str, expect_table, number, span_in_string,
    string_list, type_name, wrong_type,
};
use crate::diagnostic::{Diagnostic, FileId, Loc, Sources};
use crate::expr::{self, Expr};
use crate::model::{AppliesTo, Date, Op, Qualifier};
use crate::text::{Expected, IdKind, Message, Subject};

/// A formula as written, compiled when its syntax is right.
#[derive(Clone, Debug)]
pub struct RawFormula {
    pub text: String,
    pub expr: Expr,
    /// The string (or number) value in the file.
    pub loc: Loc,
}

impl RawFormula {
    /// The file span of a character range inside the formula text.
    pub fn sub_loc(&self, sources: &Sources, chars: std::ops::Range<usize>) -> Loc {
        let text = &sources.get(self.loc.file).text;
        Loc::new(self.loc.file, span_in_string(text, self.loc.span.clone(), &self.text, chars))
    }
}

#[derive(Clone, Debug)]
pub struct RawMetric {
    pub id: String,
    pub loc: Loc,
    pub name: Option<String>,
    pub en: Option<String>,
    pub unit: Option<String>,
    pub unit_loc: Option<Loc>,
    pub whole: Option<bool>,
    pub stock: bool,
    /// `measure`, `better` as written, with their places; `lever`.
    pub measure: Option<(String, Loc)>,
    pub better: Option<(String, Loc)>,
    pub lever: Option<bool>,
    pub formula: Option<RawFormula>,
}

#[derive(Clone, Debug)]
pub struct RawCatalog {
    pub file: FileId,
    pub metrics: Vec<RawMetric>,
}

#[derive(Clone, Debug)]
pub struct RawValue {
    pub metric: String,
    /// The key naming the metric.
    pub loc: Loc,
    pub qualifier: Qualifier,
    /// The number as written, a boolean (as 1/0) or the reason it is missing.
    pub value: Result<Decimal, String>,
    pub is_bool: bool,
    /// Unit, source and note; boxed, and only when one is given, so that a workspace
    /// of many bare figures stays small.
    pub extra: Option<Box<RawExtra>>,
}

/// What a figure may say besides its value.
#[derive(Clone, Debug, Default)]
pub struct RawExtra {
    pub unit: Option<String>,
    pub unit_loc: Option<Loc>,
    pub source: Option<String>,
    pub note: Option<String>,
}

impl RawExtra {
    /// Boxed, or nothing when nothing is given.
    pub fn boxed(self) -> Option<Box<RawExtra>> {
        (self.unit.is_some() || self.source.is_some() || self.note.is_some()).then(|| Box::new(self))
    }
}

#[derive(Clone, Debug)]
pub struct RawPeriod {
    pub id: String,
    pub loc: Loc,
    pub as_of: Option<Date>,
    pub values: Vec<RawValue>,
}

#[derive(Clone, Debug)]
pub struct RawEntity {
    pub id: String,
    pub loc: Loc,
    pub name: Option<String>,
    pub kind: Option<String>,
    pub kind_loc: Option<Loc>,
    pub tags: Vec<String>,
    /// Where each tag is written (parallel to `tags`).
    pub tag_locs: Vec<Loc>,
    pub periods: Vec<RawPeriod>,
}

#[derive(Clone, Debug)]
pub enum RawTarget {
    Value(RawFormula),
    Bool(bool, Loc),
    Between(RawFormula, RawFormula),
}

#[derive(Clone, Debug)]
pub struct RawRule {
    pub id: String,
    pub loc: Loc,
    pub name: Option<String>,
    pub group: Option<String>,
    pub metric: Option<(String, Loc)>,
    pub expr: Option<RawFormula>,
    pub op: Op,
    pub op_loc: Loc,
    pub target: Option<RawTarget>,
    pub weight: Option<Decimal>,
    pub scoring: String,
    pub scoring_loc: Option<Loc>,
    pub steps: Vec<(RawFormula, Decimal)>,
    pub veto: bool,
    pub bonus: bool,
}

#[derive(Clone, Debug)]
pub struct RawRuleSet {
    pub file: FileId,
    pub id: String,
    pub loc: Loc,
    pub name: Option<String>,
    pub period: Option<String>,
    pub applies_to: AppliesTo,
    /// Where each value of `applies_to` is written (parallel to its lists).
    pub applies_locs: AppliesLocs,
    pub pass_score: Option<Decimal>,
    pub params: Vec<(String, Decimal, Loc)>,
    pub groups: Vec<(String, Option<Decimal>, Loc)>,
    pub rules: Vec<RawRule>,
}

/// Parse a file's TOML, reporting every syntax error. `None` when nothing usable came out.
fn parse<'s>(sources: &'s Sources, file: FileId, diags: &mut Vec<Diagnostic>) -> Option<DeTable<'s>> {
    let text = &sources.get(file).text;
    if text.trim().is_empty() {
        diags.push(Diagnostic::file_error(sources.get(file).path.clone(), Message::EmptyFile));
        return None;
    }
    let (table, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        for e in errors {
            let span = e.span().unwrap_or(0..0);
            let message = if e.message().contains("recurse") {
                Message::TomlNesting { max: super::limits::MAX_NESTING }
            } else {
                Message::TomlSyntax { detail: e.message().to_string() }
            };
            diags.push(Diagnostic::error(Loc::new(file, span), message));
        }
        return None;
    }
    Some(table.into_inner())
}

/// `[a-z][a-z0-9_-]*` (entity, rule set and rule ids).
pub fn is_id(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

/// `[a-z][a-z0-9_]*` (metric and param ids, which stand in formulas).
pub fn is_metric_id(s: &str) -> bool {
    is_id(s) && !s.contains('-')
}

fn check_id(cx: &mut Cx, id: &str, span: std::ops::Range<usize>, what: IdKind, metric: bool) {
    let ok = if metric { is_metric_id(id) } else { is_id(id) };
    if !ok {
        let fixed: String = id.to_lowercase().replace([' ', '.'], "_");
        let mut d = Diagnostic::error(cx.loc(span), Message::InvalidId { what, id: id.to_string(), metric });
        if (if metric { is_metric_id(&fixed.replace('-', "_")) } else { is_id(&fixed) }) && fixed != id {
            let fixed = if metric { fixed.replace('-', "_") } else { fixed };
            d = d.with_help(Message::DidYouMean { word: fixed });
        }
        cx.push(d);
    }
}

fn opt_str(cx: &mut Cx, f: &mut Fields, key: &str, what: &Subject) -> Option<String> {
    let v = f.get(key)?;
    expect_str(cx, v, what)
}

/// A formula from a string value (or a number, which is a formula too).
fn formula(cx: &mut Cx, v: &Value, what: &Subject) -> Option<RawFormula> {
    let loc = cx.loc(v.span());
    let text = match v.get_ref() {
        DeValue::String(s) => s.to_string(),
        DeValue::Integer(_) | DeValue::Float(_) => {
            let d = expect_decimal(cx, v, what)?;
            return Some(RawFormula { text: d.to_string(), expr: Expr::Num(d), loc });
        }
        other => {
            cx.error(v.span(), wrong_type(what, Expected::NumberOrFormula, other));
            return None;
        }
    };
    compile(cx, text, loc, what)
}

fn compile(cx: &mut Cx, text: String, loc: Loc, what: &Subject) -> Option<RawFormula> {
    match expr::parse(&text) {
        Ok(expr) => Some(RawFormula { text, expr, loc }),
        Err(e) => {
            let span = span_in_string(cx.text, loc.span.clone(), &text, e.span.start..e.span.end);
            cx.error(span, Message::Formula { what: what.clone(), detail: e.message });
            None
        }
    }
}

// ---------------------------------------------------------------------------
// The catalog

const METRIC_KEYS: &[&str] = &["name", "en", "unit", "formula", "whole", "stock", "measure", "better", "lever"];

pub fn catalog(sources: &Sources, file: FileId, diags: &mut Vec<Diagnostic>) -> Option<RawCatalog> {
    let table = parse(sources, file, diags)?;
    {
        let mut cx = Cx { file, diags, text: &sources.get(file).text };
        let mut top = Fields::new(&table);
        let mut metrics = Vec::new();
        if let Some(v) = top.get("metric")
            && let Some(t) = expect_table(&mut cx, v, &Subject::key("metric"))
        {
            for (key, value) in t.iter() {
                if metrics.len() == MAX_METRICS {
                    cx.error(key.span(), over_message(MAX_METRICS, Counted::MetricsInCatalog));
                    break;
                }
                let id = key.get_ref().to_string();
                check_id(&mut cx, &id, key.span(), IdKind::Metric, true);
                let Some(mt) = expect_table(&mut cx, value, &Subject::Metric(id.clone())) else { continue };
                let loc = cx.loc(key.span());
                metrics.push(metric(&mut cx, id, loc, mt));
            }
        }
        top.finish(&mut cx, &Subject::Catalog, &["metric"], Unknown::Error);
        Some(RawCatalog { file, metrics })
    }
}

fn metric(cx: &mut Cx, id: String, loc: Loc, t: &DeTable) -> RawMetric {
    let mut f = Fields::new(t);
    let name = opt_str(cx, &mut f, "name", &Subject::key("name"));
    let en = opt_str(cx, &mut f, "en", &Subject::key("en"));
    let unit_loc = f.get("unit").map(|v| cx.loc(v.span()));
    let unit = opt_str(cx, &mut f, "unit", &Subject::key("unit"));
    let whole = f.get("whole").and_then(|v| expect_bool(cx, v, &Subject::key("whole")));
    let stock = f.get("stock").and_then(|v| expect_bool(cx, v, &Subject::key("stock"))).unwrap_or(false);
    let measure_loc = f.get("measure").map(|v| cx.loc(v.span()));
    let measure = opt_str(cx, &mut f, "measure", &Subject::key("measure")).zip(measure_loc);
    let better_loc = f.get("better").map(|v| cx.loc(v.span()));
    let better = opt_str(cx, &mut f, "better", &Subject::key("better")).zip(better_loc);
    let lever = f.get("lever").and_then(|v| expect_bool(cx, v, &Subject::key("lever")));
    let formula = f.get("formula").and_then(|v| match v.get_ref() {
        DeValue::String(s) => compile(cx, s.to_string(), cx.loc(v.span()), &Subject::FormulaWord),
        other => {
            cx.error(v.span(), wrong_type(&Subject::key("formula"), Expected::String, other));
            None
        }
    });
    f.finish(cx, &Subject::Metric(id.clone()), METRIC_KEYS, Unknown::Error);
    RawMetric { id, loc, name, en, unit, unit_loc, whole, stock, measure, better, lever, formula }
}

// ---------------------------------------------------------------------------
// Data files

const ENTITY_KEYS: &[&str] = &["id", "name", "kind", "tags", "period"];
const VALUE_KEYS: &[&str] = &["value", "at_least", "at_most", "approx", "missing", "unit", "source", "note"];

pub fn entity(sources: &Sources, file: FileId, diags: &mut Vec<Diagnostic>) -> Option<RawEntity> {
    let table = parse(sources, file, diags)?;
    {
        let mut cx = Cx { file, diags, text: &sources.get(file).text };
        let mut f = Fields::new(&table);
        let id_value = f.get("id");
        let id = id_value.and_then(|v| expect_str(&mut cx, v, &Subject::key("id")));
        let name = opt_str(&mut cx, &mut f, "name", &Subject::key("name"));
        let kind_loc = f.get("kind").map(|v| cx.loc(v.span()));
        let kind = opt_str(&mut cx, &mut f, "kind", &Subject::key("kind"));
        let (tags, tag_locs) = f
            .get("tags")
            .and_then(|v| string_list_spanned(&mut cx, v, &Subject::key("tags")))
            .unwrap_or_default()
            .into_iter()
            .unzip();
        let mut periods = Vec::new();
        if let Some(v) = f.get("period")
            && let Some(t) = expect_table(&mut cx, v, &Subject::key("period"))
        {
            for (key, value) in t.iter() {
                if periods.len() == MAX_PERIODS_PER_ENTITY {
                    cx.error(key.span(), over_message(MAX_PERIODS_PER_ENTITY, Counted::PeriodsOfOneEntity));
                    break;
                }
                let pid = key.get_ref().to_string();
                let Some(pt) = expect_table(&mut cx, value, &Subject::Period(pid.clone())) else { continue };
                let loc = cx.loc(key.span());
                periods.push(period(&mut cx, pid, loc, pt));
            }
        }
        f.finish(&mut cx, &Subject::DataFile, ENTITY_KEYS, Unknown::Warning);
        let Some(id) = id else {
            if id_value.is_none() {
                cx.push(Diagnostic::error(cx.loc(0..0), Message::DataFileNeedsId));
            }
            return None;
        };
        let span = id_value.map(|v| v.span()).unwrap_or(0..0);
        check_id(&mut cx, &id, span.clone(), IdKind::Entity, false);
        Some(RawEntity { id, loc: cx.loc(span), name, kind, kind_loc, tags, tag_locs, periods })
    }
}

fn period(cx: &mut Cx, id: String, loc: Loc, t: &DeTable) -> RawPeriod {
    let mut as_of = None;
    // Sized once: a national workspace holds a million of these.
    let mut values = Vec::with_capacity(t.len());
    for (key, value) in t.iter() {
        let metric = key.get_ref().to_string();
        if metric == "as_of" {
            as_of = date(cx, value, &id);
            continue;
        }
        let key_loc = cx.loc(key.span());
        if !is_metric_id(&metric) {
            check_id(cx, &metric, key.span(), IdKind::Metric, true);
            continue;
        }
        if let Some(v) = figure(cx, metric, key_loc, value) {
            values.push(v);
        }
    }
    RawPeriod { id, loc, as_of, values }
}

fn date(cx: &mut Cx, v: &Value, period: &str) -> Option<Date> {
    let parsed = match v.get_ref() {
        DeValue::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => {
            dt.date.and_then(|d| Date::new(i32::from(d.year), u32::from(d.month), u32::from(d.day)))
        }
        DeValue::String(s) => Date::parse(s),
        _ => None,
    };
    let Some(d) = parsed else {
        cx.error(v.span(), Message::AsOfNotDate);
        return None;
    };
    let year: Option<i32> = period.get(..4).and_then(|y| y.parse().ok());
    if year.is_some_and(|y| y != d.year) {
        cx.error(v.span(), Message::AsOfOutsidePeriod { date: d.to_string(), period: period.to_string() });
        return None;
    }
    Some(d)
}

fn figure(cx: &mut Cx, metric: String, loc: Loc, v: &Value) -> Option<RawValue> {
    // The metric id moves into the figure: a national workspace has millions.
    let plain = |metric, value, is_bool| RawValue {
        metric,
        loc: loc.clone(),
        qualifier: Qualifier::Exact,
        value,
        is_bool,
        extra: None,
    };
    match v.get_ref() {
        DeValue::Boolean(b) => return Some(plain(metric, Ok(Decimal::from(u8::from(*b))), true)),
        DeValue::Table(t) => return value_table(cx, metric, loc, v, t),
        _ => {}
    }
    match number(v.get_ref()) {
        Some(Ok(d)) => Some(plain(metric, Ok(d), false)),
        Some(Err(message)) => {
            cx.error(v.span(), Message::BadNumber { what: Subject::Key(metric.clone()), error: message });
            None
        }
        None => {
            cx.error(v.span(), Message::FigureWrongType { metric: metric.clone(), found: type_name(v.get_ref()) });
            None
        }
    }
}

fn value_table(cx: &mut Cx, metric: String, loc: Loc, v: &Value, t: &DeTable) -> Option<RawValue> {
    let mut f = Fields::new(t);
    let mut chosen: Vec<(&str, &Value)> = Vec::new();
    for key in ["value", "at_least", "at_most", "approx", "missing"] {
        if let Some(x) = f.get(key) {
            chosen.push((key, x));
        }
    }
    let unit_loc = f.get("unit").map(|u| cx.loc(u.span()));
    let unit = opt_str(cx, &mut f, "unit", &Subject::key("unit"));
    let source = opt_str(cx, &mut f, "source", &Subject::key("source"));
    let note = opt_str(cx, &mut f, "note", &Subject::key("note"));
    f.finish(cx, &Subject::ValueOf(metric.clone()), VALUE_KEYS, Unknown::Error);
    let (key, x) = match chosen.as_slice() {
        [one] => *one,
        [] => {
            cx.error(v.span(), Message::ValueNeedsOne { metric: metric.clone() });
            return None;
        }
        [_, (second, x), ..] => {
            let (first, second) = (chosen[0].0.to_string(), second.to_string());
            cx.error(x.span(), Message::ValueHasBoth { metric: metric.clone(), first, second });
            return None;
        }
    };
    let qualifier = match key {
        "at_least" => Qualifier::AtLeast,
        "at_most" => Qualifier::AtMost,
        "approx" => Qualifier::Approx,
        _ => Qualifier::Exact,
    };
    let (value, is_bool) = if key == "missing" {
        (Err(expect_str(cx, x, &Subject::MissingReason)?), false)
    } else if let DeValue::Boolean(b) = x.get_ref() {
        if key != "value" {
            cx.error(x.span(), Message::TakesNumber { key: key.to_string(), value: *b });
            return None;
        }
        (Ok(Decimal::from(u8::from(*b))), true)
    } else {
        (Ok(expect_decimal(cx, x, &Subject::Key(metric.clone()))?), false)
    };
    let extra = RawExtra { unit, unit_loc, source, note }.boxed();
    Some(RawValue { metric, loc, qualifier, value, is_bool, extra })
}

// ---------------------------------------------------------------------------
// Rule sets

const RULESET_KEYS: &[&str] = &["id", "name", "period", "applies_to", "pass_score", "params", "groups", "rule"];
const RULE_KEYS: &[&str] =
    &["id", "name", "group", "metric", "expr", "op", "target", "weight", "scoring", "steps", "veto", "bonus"];

pub fn ruleset(sources: &Sources, file: FileId, diags: &mut Vec<Diagnostic>) -> Option<RawRuleSet> {
    let table = parse(sources, file, diags)?;
    {
        let mut cx = Cx { file, diags, text: &sources.get(file).text };
        let mut f = Fields::new(&table);
        let id_value = f.get("id");
        let id = id_value.and_then(|v| expect_str(&mut cx, v, &Subject::key("id")));
        let name = opt_str(&mut cx, &mut f, "name", &Subject::key("name"));
        let period = f.get("period").and_then(|v| match v.get_ref() {
            DeValue::String(s) => Some(s.to_string()),
            // An integer means its value in decimal: `0x7DF` is `2015` (CONTRACT §9).
            DeValue::Integer(i) => match super::toml_value::integer(i.as_str(), i.radix()) {
                Ok(d) => Some(d.to_string()),
                Err(message) => {
                    cx.error(v.span(), Message::BadNumber { what: Subject::key("period"), error: message });
                    None
                }
            },
            other => {
                cx.error(v.span(), wrong_type(&Subject::key("period"), Expected::YearOrString, other));
                None
            }
        });
        let (applies_to, applies_locs) = f.get("applies_to").map(|v| applies_to(&mut cx, v)).unwrap_or_default();
        let pass_score = f.get("pass_score").and_then(|v| expect_decimal(&mut cx, v, &Subject::key("pass_score")));
        let mut params = Vec::new();
        if let Some(v) = f.get("params")
            && let Some(t) = expect_table(&mut cx, v, &Subject::key("params"))
        {
            for (key, value) in t.iter() {
                let pid = key.get_ref().to_string();
                check_id(&mut cx, &pid, key.span(), IdKind::Param, true);
                if let Some(d) = expect_decimal(&mut cx, value, &Subject::Param(pid.clone())) {
                    params.push((pid, d, cx.loc(key.span())));
                }
            }
        }
        let mut groups = Vec::new();
        if let Some(v) = f.get("groups")
            && let Some(t) = expect_table(&mut cx, v, &Subject::key("groups"))
        {
            for (key, value) in t.iter() {
                let name = key.get_ref().to_string();
                let Some(gt) = expect_table(&mut cx, value, &Subject::Group(name.clone())) else { continue };
                let mut gf = Fields::new(gt);
                let min = gf.get("min_score").and_then(|m| expect_decimal(&mut cx, m, &Subject::key("min_score")));
                gf.finish(&mut cx, &Subject::Group(name.clone()), &["min_score"], Unknown::Error);
                groups.push((name, min, cx.loc(key.span())));
            }
        }
        let mut rules = Vec::new();
        if let Some(v) = f.get("rule") {
            match v.get_ref() {
                DeValue::Array(items) => {
                    for item in items.iter() {
                        if rules.len() == MAX_RULES_PER_RULESET {
                            cx.error(item.span(), over_message(MAX_RULES_PER_RULESET, Counted::RulesInOneRuleSet));
                            break;
                        }
                        if let Some(t) = expect_table(&mut cx, item, &Subject::EachRule)
                            && let Some(r) = rule(&mut cx, item.span(), t)
                        {
                            rules.push(r);
                        }
                    }
                }
                other => cx.error(v.span(), wrong_type(&Subject::key("rule"), Expected::RuleArray, other)),
            }
        }
        f.finish(&mut cx, &Subject::RuleSet, RULESET_KEYS, Unknown::Warning);
        let Some(id) = id else {
            if id_value.is_none() {
                cx.push(Diagnostic::error(cx.loc(0..0), Message::RuleSetNeedsId));
            }
            return None;
        };
        let span = id_value.map(|v| v.span()).unwrap_or(0..0);
        check_id(&mut cx, &id, span.clone(), IdKind::RuleSet, false);
        Some(RawRuleSet {
            file,
            id,
            loc: cx.loc(span),
            name,
            period,
            applies_to,
            applies_locs,
            pass_score,
            params,
            groups,
            rules,
        })
    }
}

/// Where the values of an `applies_to` are written.
#[derive(Clone, Debug, Default)]
pub struct AppliesLocs {
    pub entities: Vec<Loc>,
    pub kinds: Vec<Loc>,
    pub tags: Vec<Loc>,
}

fn applies_to(cx: &mut Cx, v: &Value) -> (AppliesTo, AppliesLocs) {
    let Some(t) = expect_table(cx, v, &Subject::key("applies_to")) else { return Default::default() };
    let mut f = Fields::new(t);
    let mut list = |cx: &mut Cx, key: &str| {
        let items = f.get(key).and_then(|x| string_list_spanned(cx, x, &Subject::Key(format!("applies_to.{key}"))));
        items.map(|items| items.into_iter().unzip::<String, Loc, Vec<String>, Vec<Loc>>())
    };
    let entities = list(cx, "entities");
    let kinds = list(cx, "kinds");
    let tags = list(cx, "tags");
    f.finish(cx, &Subject::key("applies_to"), &["entities", "kinds", "tags"], Unknown::Error);
    let split = |x: Option<(Vec<String>, Vec<Loc>)>| match x {
        Some((values, locs)) => (Some(values), locs),
        None => (None, Vec::new()),
    };
    let ((entities, e), (kinds, k), (tags, t)) = (split(entities), split(kinds), split(tags));
    (AppliesTo { entities, kinds, tags }, AppliesLocs { entities: e, kinds: k, tags: t })
}

/// A string or a list of strings, each with where it is written.
fn string_list_spanned(cx: &mut Cx, v: &Value, what: &Subject) -> Option<Vec<(String, Loc)>> {
    let values = string_list(cx, v, what)?;
    let locs: Vec<Loc> = match v.get_ref() {
        DeValue::Array(items) => items.iter().map(|i| cx.loc(i.span())).collect(),
        _ => vec![cx.loc(v.span())],
    };
    Some(values.into_iter().zip(locs).collect())
}

fn rule(cx: &mut Cx, span: std::ops::Range<usize>, t: &DeTable) -> Option<RawRule> {
    let mut f = Fields::new(t);
    let id_value = f.get("id");
    let id = id_value.and_then(|v| expect_str(cx, v, &Subject::RuleId));
    let name = opt_str(cx, &mut f, "name", &Subject::key("name"));
    let group = opt_str(cx, &mut f, "group", &Subject::key("group"));
    let metric =
        f.get("metric").and_then(|v| expect_str(cx, v, &Subject::key("metric")).map(|m| (m, cx.loc(v.span()))));
    let expr_value = f.get("expr");
    let expr = expr_value.and_then(|v| match v.get_ref() {
        DeValue::String(s) => compile(cx, s.to_string(), cx.loc(v.span()), &Subject::key("expr")),
        other => {
            cx.error(v.span(), wrong_type(&Subject::key("expr"), Expected::Formula, other));
            None
        }
    });
    let op_value = f.get("op");
    let op = op_value.and_then(|v| {
        let text = expect_str(cx, v, &Subject::key("op"))?;
        let op = Op::parse(text.trim());
        if op.is_none() {
            cx.push(
                Diagnostic::error(cx.loc(v.span()), Message::UnknownOp { text: text.clone() })
                    .with_help(Message::OpHelp),
            );
        }
        op
    });
    let target = f.get("target").and_then(|v| target(cx, v, op));
    let weight = f.get("weight").and_then(|v| expect_decimal(cx, v, &Subject::key("weight")));
    let scoring_value = f.get("scoring");
    let scoring =
        scoring_value.and_then(|v| expect_str(cx, v, &Subject::key("scoring"))).unwrap_or_else(|| "all".into());
    let scoring_loc = scoring_value.map(|v| cx.loc(v.span()));
    let steps_value = f.get("steps");
    let steps = steps_value.map(|v| steps(cx, v)).unwrap_or_default();
    let veto = f.get("veto").and_then(|v| expect_bool(cx, v, &Subject::key("veto"))).unwrap_or(false);
    let bonus = f.get("bonus").and_then(|v| expect_bool(cx, v, &Subject::key("bonus"))).unwrap_or(false);
    f.finish(cx, &Subject::Rule, RULE_KEYS, Unknown::Error);

    let Some(id) = id else {
        if id_value.is_none() {
            cx.error(span, Message::RuleNeedsId);
        }
        return None;
    };
    let id_span = id_value.map(|v| v.span()).unwrap_or(span.clone());
    check_id(cx, &id, id_span.clone(), IdKind::Rule, false);
    let loc = cx.loc(id_span);
    if weight.is_some_and(|w| w.is_sign_negative() && !w.is_zero()) {
        cx.error(f_span(t, "weight").unwrap_or(span.clone()), Message::NegativeWeight);
    }
    match (&metric, &expr_value) {
        (Some(_), Some(v)) => cx.error(v.span(), Message::MetricAndExpr { id: id.clone() }),
        (None, None) => cx.error(loc.span.clone(), Message::NeedsMetricOrExpr { id: id.clone() }),
        _ => {}
    }
    let Some(op) = op else {
        if op_value.is_none() {
            cx.error(loc.span.clone(), Message::NeedsOp { id: id.clone() });
        }
        return None;
    };
    if !matches!(scoring.as_str(), "all" | "linear" | "steps") {
        let s = scoring_loc.clone().map_or(loc.span.clone(), |l| l.span);
        let mut d = Diagnostic::error(cx.loc(s), Message::UnknownScoring { text: scoring.clone() });
        d = d.with_help(
            crate::diagnostic::did_you_mean_message(&scoring, ["all", "linear", "steps"])
                .unwrap_or(Message::ScoringHelp),
        );
        cx.push(d);
    }
    if scoring == "steps" && steps_value.is_none() {
        cx.error(scoring_loc.clone().map_or(loc.span.clone(), |l| l.span), Message::StepsNeeded);
    }
    if scoring != "steps"
        && let Some(v) = steps_value
    {
        cx.error(v.span(), Message::StepsUnused);
    }
    if scoring == "steps" && matches!(op, Op::Eq | Op::Between) {
        cx.error(op_value.map_or(loc.span.clone(), |v| v.span()), Message::StepsOp { op: op.as_str().to_string() });
    }
    if target.is_none() && f_span(t, "target").is_none() && scoring != "steps" {
        cx.error(loc.span.clone(), Message::NeedsTarget { id: id.clone() });
    }
    Some(RawRule {
        id,
        loc,
        name,
        group,
        metric,
        expr,
        op,
        op_loc: cx.loc(op_value.map(|v| v.span()).unwrap_or(span)),
        target,
        weight,
        scoring,
        scoring_loc,
        steps,
        veto,
        bonus,
    })
}

fn f_span(t: &DeTable, key: &str) -> Option<std::ops::Range<usize>> {
    t.iter().find(|(k, _)| k.get_ref().as_ref() == key).map(|(_, v)| v.span())
}

fn target(cx: &mut Cx, v: &Value, op: Option<Op>) -> Option<RawTarget> {
    match v.get_ref() {
        DeValue::Boolean(b) => Some(RawTarget::Bool(*b, cx.loc(v.span()))),
        DeValue::Array(items) => {
            if op.is_some_and(|o| o != Op::Between) {
                cx.error(v.span(), Message::RangeOnlyBetween);
                return None;
            }
            let items: Vec<_> = items.iter().collect();
            let [low, high] = items.as_slice() else {
                cx.error(v.span(), Message::BetweenArity { entries: items.len() });
                return None;
            };
            let low_f = formula(cx, low, &Subject::TargetLow)?;
            let high_f = formula(cx, high, &Subject::TargetHigh)?;
            if let (Expr::Num(a), Expr::Num(b)) = (&low_f.expr, &high_f.expr)
                && a > b
            {
                cx.error(v.span(), Message::LowAboveHigh { low: a.to_string(), high: b.to_string() });
                return None;
            }
            Some(RawTarget::Between(low_f, high_f))
        }
        _ => {
            if op == Some(Op::Between) {
                cx.error(v.span(), Message::BetweenNeedsRange);
                return None;
            }
            formula(cx, v, &Subject::key("target")).map(RawTarget::Value)
        }
    }
}

fn steps(cx: &mut Cx, v: &Value) -> Vec<(RawFormula, Decimal)> {
    let DeValue::Array(items) = v.get_ref() else {
        cx.error(v.span(), Message::StepsNotList);
        return Vec::new();
    };
    let mut out = Vec::new();
    for item in items.iter() {
        let pair: Option<Vec<_>> = match item.get_ref() {
            DeValue::Array(a) => Some(a.iter().collect()),
            _ => None,
        };
        let Some([threshold, points]) = pair.as_deref() else {
            cx.error(item.span(), Message::StepNotPair);
            continue;
        };
        let (Some(t), Some(p)) =
            (formula(cx, threshold, &Subject::StepThreshold), expect_decimal(cx, points, &Subject::StepPoints))
        else {
            continue;
        };
        if p.is_sign_negative() && !p.is_zero() {
            cx.error(points.span(), Message::NegativePoints);
            continue;
        }
        out.push((t, p));
    }
    if out.is_empty() && items.iter().next().is_none() {
        cx.error(v.span(), Message::StepsEmpty);
    }
    out
}
