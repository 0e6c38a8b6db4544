//! Structure-aware: small workspaces built from `arbitrary` choices (metrics raw and
//! derived, entities with periods and qualified figures, rule sets with every kind
//! of rule), mostly valid. Invariants: no panic; when `check` accepts a workspace,
//! `eval` succeeds; and the results do not depend on the order or the names of the
//! files (the same workspace written under other file names, in other folders, gives
//! the same `eval` output and exit code).
#![no_main]

use std::fmt::Write as _;

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;

const UNITS: [&str; 8] = ["件", "万元", "亿元", "元", "%", "bool", "人", "件/万人"];
const KINDS: [&str; 3] = ["prefecture", "county-level", "park"];
const TAGS: [&str; 3] = ["pilot", "deyang", "west"];
const YEARS: [&str; 4] = ["2013", "2014", "2015", "2016"];
const OPS: [&str; 6] = [">=", ">", "<=", "<", "==", "between"];

#[derive(Debug)]
enum E {
    Num(i32, u8),
    Ref(u8, u8),
    Param(u8),
    Bin(u8, Box<E>, Box<E>),
    Neg(Box<E>),
    Call(u8, Vec<E>),
}

fn expr(u: &mut Unstructured, depth: u32) -> arbitrary::Result<E> {
    let leaf = depth == 0 || u.ratio(1, 2)?;
    if leaf {
        return Ok(match u.int_in_range(0..=2)? {
            0 => E::Num(u.int_in_range(-1000..=100_000)?, u.int_in_range(0..=3)?),
            1 => E::Ref(u.arbitrary()?, u.arbitrary()?),
            _ => E::Param(u.arbitrary()?),
        });
    }
    Ok(match u.int_in_range(0..=2)? {
        0 => E::Bin(u.arbitrary()?, Box::new(expr(u, depth - 1)?), Box::new(expr(u, depth - 1)?)),
        1 => E::Neg(Box::new(expr(u, depth - 1)?)),
        _ => {
            let n = u.int_in_range(1..=3)?;
            let mut args = Vec::new();
            for _ in 0..n {
                args.push(expr(u, depth - 1)?);
            }
            E::Call(u.arbitrary()?, args)
        }
    })
}

#[derive(Debug)]
struct Metric {
    unit: u8,
    formula: Option<E>,
    whole: Option<bool>,
}

#[derive(Debug, Arbitrary)]
enum Value {
    Exact(i32, u8),
    AtLeast(i32, u8),
    AtMost(i32, u8),
    Approx(i32, u8),
    Missing,
    Bool(bool),
    InUnit(i32, u8, u8),
}

#[derive(Debug, Arbitrary)]
struct PeriodData {
    year: u8,
    as_of: Option<(u8, u8)>,
    values: Vec<(u8, Value)>,
}

#[derive(Debug, Arbitrary)]
struct Entity {
    kind: Option<u8>,
    tags: Vec<u8>,
    periods: Vec<PeriodData>,
    /// Write this entity's figures as CSV rows instead of TOML.
    csv: bool,
}

#[derive(Debug)]
struct Rule {
    metric: Option<u8>,
    expr: Option<E>,
    op: u8,
    target: Option<E>,
    high: Option<E>,
    weight: Option<u8>,
    scoring: u8,
    steps: Vec<(E, u8)>,
    veto: bool,
    bonus: bool,
    group: Option<u8>,
}

#[derive(Debug)]
struct RuleSet {
    period: Option<u8>,
    kinds: Option<Vec<u8>>,
    tags: Option<Vec<u8>>,
    entities: Option<Vec<u8>>,
    pass_score: Option<u8>,
    params: Vec<(i32, u8)>,
    min_scores: Vec<(u8, u8)>,
    rules: Vec<Rule>,
}

#[derive(Debug)]
struct Workspace {
    metrics: Vec<Metric>,
    entities: Vec<Entity>,
    rulesets: Vec<RuleSet>,
    /// How to rename and nest the files for the second writing.
    shuffle: u64,
    format: u8,
}

fn bounded<T>(u: &mut Unstructured, max: usize, f: impl Fn(&mut Unstructured) -> arbitrary::Result<T>) -> arbitrary::Result<Vec<T>> {
    let n = u.int_in_range(0..=max)?;
    (0..n).map(|_| f(u)).collect()
}

impl<'a> Arbitrary<'a> for Workspace {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        let metrics = bounded(u, 6, |u| {
            Ok(Metric {
                unit: u.arbitrary()?,
                formula: if u.ratio(1, 3)? { Some(expr(u, 3)?) } else { None },
                whole: u.arbitrary()?,
            })
        })?;
        let entities = bounded(u, 4, |u| {
            Ok(Entity {
                kind: u.arbitrary()?,
                tags: bounded(u, 2, |u| u.arbitrary())?,
                periods: bounded(u, 3, |u| {
                    Ok(PeriodData {
                        year: u.arbitrary()?,
                        as_of: u.arbitrary()?,
                        values: bounded(u, 6, |u| u.arbitrary())?,
                    })
                })?,
                csv: u.ratio(1, 4)?,
            })
        })?;
        let rulesets = bounded(u, 3, |u| {
            Ok(RuleSet {
                period: u.arbitrary()?,
                kinds: if u.ratio(1, 3)? { Some(bounded(u, 2, |u| u.arbitrary())?) } else { None },
                tags: if u.ratio(1, 4)? { Some(bounded(u, 2, |u| u.arbitrary())?) } else { None },
                entities: if u.ratio(1, 4)? { Some(bounded(u, 2, |u| u.arbitrary())?) } else { None },
                pass_score: u.arbitrary()?,
                params: bounded(u, 2, |u| u.arbitrary())?,
                min_scores: bounded(u, 2, |u| u.arbitrary())?,
                rules: bounded(u, 5, |u| {
                    let metric_rule = u.ratio(2, 3)?;
                    Ok(Rule {
                        metric: if metric_rule { Some(u.arbitrary()?) } else { None },
                        expr: if metric_rule { None } else { Some(expr(u, 3)?) },
                        op: u.arbitrary()?,
                        target: if u.ratio(7, 8)? { Some(expr(u, 2)?) } else { None },
                        high: Some(expr(u, 1)?),
                        weight: u.arbitrary()?,
                        scoring: u.arbitrary()?,
                        steps: bounded(u, 3, |u| Ok((expr(u, 1)?, u.arbitrary()?)))?,
                        veto: u.ratio(1, 6)?,
                        bonus: u.ratio(1, 6)?,
                        group: u.arbitrary()?,
                    })
                })?,
            })
        })?;
        Ok(Workspace { metrics, entities, rulesets, shuffle: u.arbitrary()?, format: u.arbitrary()? })
    }
}

fn num(m: i32, scale: u8) -> String {
    rust_decimal::Decimal::new(i64::from(m), u32::from(scale % 4)).to_string()
}

impl Workspace {
    fn metric(&self, i: u8) -> String {
        format!("m{}", usize::from(i) % self.metrics.len().max(1))
    }

    fn show(&self, e: &E, params: usize, out: &mut String) {
        match e {
            E::Num(m, s) => out.push_str(&num(*m, *s)),
            E::Ref(m, p) => {
                out.push_str(&self.metric(*m));
                match p % 4 {
                    0 | 1 => {}
                    2 => out.push_str("@prev"),
                    _ => out.push_str("@2014"),
                }
            }
            E::Param(p) if params > 0 => {
                let _ = write!(out, "p{}", usize::from(*p) % params);
            }
            E::Param(_) => out.push('1'),
            E::Bin(op, a, b) => {
                out.push('(');
                self.show(a, params, out);
                out.push_str([" + ", " - ", " * ", " / "][usize::from(*op) % 4]);
                self.show(b, params, out);
                out.push(')');
            }
            E::Neg(a) => {
                out.push_str("-(");
                self.show(a, params, out);
                out.push(')');
            }
            E::Call(f, args) => {
                let name = ["min", "max", "abs"][usize::from(*f) % 3];
                out.push_str(name);
                out.push('(');
                let args = if name == "abs" { &args[..1] } else { &args[..] };
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    self.show(a, params, out);
                }
                out.push(')');
            }
        }
    }

    fn formula(&self, e: &E, params: usize) -> String {
        let mut s = String::new();
        self.show(e, params, &mut s);
        format!("\"{s}\"")
    }

    fn catalog(&self) -> String {
        let mut out = String::new();
        for (i, m) in self.metrics.iter().enumerate() {
            let _ = writeln!(out, "[metric.m{i}]\nname = \"指标{i}\"\nunit = \"{}\"", UNITS[usize::from(m.unit) % UNITS.len()]);
            if let Some(w) = m.whole {
                let _ = writeln!(out, "whole = {w}");
            }
            if let Some(f) = &m.formula {
                let _ = writeln!(out, "formula = {}", self.formula(f, 0));
            }
        }
        out
    }

    fn value(&self, v: &Value) -> (String, [String; 3]) {
        // TOML text, and the CSV value, qualifier and unit.
        let plain = |m: i32, s: u8| num(m, s);
        match v {
            Value::Exact(m, s) => (plain(*m, *s), [plain(*m, *s), String::new(), String::new()]),
            Value::AtLeast(m, s) => (format!("{{ at_least = {} }}", plain(*m, *s)), [plain(*m, *s), "at_least".into(), String::new()]),
            Value::AtMost(m, s) => (format!("{{ at_most = {} }}", plain(*m, *s)), [plain(*m, *s), "at_most".into(), String::new()]),
            Value::Approx(m, s) => (format!("{{ approx = {}, source = \"约\" }}", plain(*m, *s)), [plain(*m, *s), "approx".into(), String::new()]),
            Value::Missing => ("{ missing = \"not reported\" }".into(), [String::new(), "missing".into(), String::new()]),
            Value::Bool(b) => (b.to_string(), [b.to_string(), String::new(), String::new()]),
            Value::InUnit(m, s, u) => {
                let unit = UNITS[usize::from(*u) % UNITS.len()];
                (format!("{{ value = {}, unit = \"{unit}\" }}", plain(*m, *s)), [plain(*m, *s), String::new(), unit.into()])
            }
        }
    }

    /// Every file as (a name for it, its folder, its text); `csv` rows of all entities
    /// written as CSV go to one figures file.
    fn files(&self) -> Vec<(String, &'static str, String)> {
        let mut files = vec![("metrics.toml".to_string(), "rules", self.catalog())];
        let mut csv = String::from("entity,period,metric,value,qualifier,unit,source,as_of\n");
        let mut any_csv = false;
        for (i, e) in self.entities.iter().enumerate() {
            let mut t = format!("id = \"e{i}\"\nname = \"单位{i}\"\n");
            if let Some(k) = e.kind {
                let _ = writeln!(t, "kind = \"{}\"", KINDS[usize::from(k) % KINDS.len()]);
            }
            let tags: Vec<String> = e.tags.iter().map(|g| format!("\"{}\"", TAGS[usize::from(*g) % TAGS.len()])).collect();
            let _ = writeln!(t, "tags = [{}]", tags.join(", "));
            for p in &e.periods {
                let year = YEARS[usize::from(p.year) % YEARS.len()];
                let as_of = p.as_of.map(|(m, d)| format!("{year}-{:02}-{:02}", m % 12 + 1, d % 28 + 1));
                if e.csv {
                    for (m, v) in &p.values {
                        let (_, [value, qualifier, unit]) = self.value(v);
                        let source = if qualifier == "missing" { "未报" } else { "" };
                        let _ = writeln!(csv, "e{i},{year},{},{value},{qualifier},{unit},{source},{}", self.metric(*m), as_of.clone().unwrap_or_default());
                        any_csv = true;
                    }
                } else {
                    let _ = writeln!(t, "\n[period.\"{year}\"]");
                    if let Some(d) = &as_of {
                        let _ = writeln!(t, "as_of = {d}");
                    }
                    for (m, v) in &p.values {
                        let _ = writeln!(t, "{} = {}", self.metric(*m), self.value(v).0);
                    }
                }
            }
            files.push((format!("e{i}.toml"), "data", t));
        }
        if any_csv {
            files.push(("figures.csv".into(), "data", csv));
        }
        for (s, rs) in self.rulesets.iter().enumerate() {
            let mut t = format!("id = \"rs{s}\"\nname = \"规则{s}\"\n");
            if let Some(p) = rs.period {
                let _ = writeln!(t, "period = \"{}\"", YEARS[usize::from(p) % YEARS.len()]);
            }
            let list = |items: &[u8], names: &dyn Fn(u8) -> String| -> String {
                items.iter().map(|i| format!("\"{}\"", names(*i))).collect::<Vec<_>>().join(", ")
            };
            let mut applies = Vec::new();
            if let Some(k) = &rs.kinds {
                applies.push(format!("kinds = [{}]", list(k, &|i| KINDS[usize::from(i) % KINDS.len()].to_string())));
            }
            if let Some(k) = &rs.tags {
                applies.push(format!("tags = [{}]", list(k, &|i| TAGS[usize::from(i) % TAGS.len()].to_string())));
            }
            if let Some(k) = &rs.entities {
                applies.push(format!("entities = [{}]", list(k, &|i| format!("e{}", i % 5))));
            }
            if !applies.is_empty() {
                let _ = writeln!(t, "applies_to = {{ {} }}", applies.join(", "));
            }
            if let Some(p) = rs.pass_score {
                let _ = writeln!(t, "pass_score = {}", p % 20);
            }
            if !rs.params.is_empty() {
                t.push_str("[params]\n");
                for (i, (m, sc)) in rs.params.iter().enumerate() {
                    let _ = writeln!(t, "p{i} = {}", num(*m, *sc));
                }
            }
            for (g, min) in &rs.min_scores {
                let _ = writeln!(t, "[groups.\"g{}\"]\nmin_score = {}", g % 3, min % 10);
            }
            for (r, rule) in rs.rules.iter().enumerate() {
                let params = rs.params.len();
                let _ = writeln!(t, "\n[[rule]]\nid = \"r{r}\"");
                if let Some(m) = rule.metric {
                    let _ = writeln!(t, "metric = \"{}\"", self.metric(m));
                }
                if let Some(e) = &rule.expr {
                    let _ = writeln!(t, "expr = {}", self.formula(e, params));
                }
                let op = OPS[usize::from(rule.op) % OPS.len()];
                let _ = writeln!(t, "op = \"{op}\"");
                if let Some(target) = &rule.target {
                    if op == "between" {
                        let high = rule.high.as_ref().map_or("1".into(), |h| self.formula(h, params));
                        let _ = writeln!(t, "target = [{}, {high}]", self.formula(target, params));
                    } else {
                        let _ = writeln!(t, "target = {}", self.formula(target, params));
                    }
                }
                if let Some(w) = rule.weight {
                    let _ = writeln!(t, "weight = {}", w % 12);
                }
                let scoring = ["all", "linear", "steps"][usize::from(rule.scoring) % 3];
                let _ = writeln!(t, "scoring = \"{scoring}\"");
                if scoring == "steps" {
                    let steps: Vec<String> = rule.steps.iter().map(|(e, p)| format!("[{}, {}]", self.formula(e, params), p % 8)).collect();
                    let _ = writeln!(t, "steps = [{}]", steps.join(", "));
                }
                if rule.veto {
                    t.push_str("veto = true\n");
                }
                if rule.bonus {
                    t.push_str("bonus = true\n");
                }
                if let Some(g) = rule.group {
                    let _ = writeln!(t, "group = \"g{}\"", g % 3);
                }
            }
            files.push((format!("rs{s}.toml"), "rules", t));
        }
        files
    }

    /// Write the files; with `shuffled`, under other names and in nested folders.
    fn write(&self, shuffled: bool) -> kaohe_fuzz::Scratch {
        let ws = kaohe_fuzz::Scratch::new();
        let files = self.files();
        let n = files.len() as u64;
        for (k, (name, folder, text)) in files.iter().enumerate() {
            let rel = if shuffled && name != "metrics.toml" {
                // A different order: rename by a permutation, and nest some files.
                let rank = (k as u64).wrapping_mul(self.shuffle | 1).wrapping_add(self.shuffle >> 32) % n.max(1);
                let ext = if name.ends_with(".csv") { "csv" } else { "toml" };
                let sub = if (self.shuffle >> (k % 60)) & 1 == 1 { "sub/" } else { "" };
                format!("{folder}/{sub}f{rank:02}-{k}.{ext}")
            } else {
                format!("{folder}/{name}")
            };
            ws.write(&rel, text.as_bytes());
        }
        ws
    }
}

fuzz_target!(|w: Workspace| {
    let first = w.write(false);
    let eval = kaohe_fuzz::check_invariants(&first.root, w.format);
    let second = w.write(true);
    let again = kaohe_fuzz::check_invariants(&second.root, w.format);
    assert_eq!(eval.code, again.code, "exit codes differ with the files renamed:\n{}\n---\n{}", eval.stderr, again.stderr);
    if eval.code == 0 {
        assert_eq!(eval.stdout, again.stdout, "results differ with the files renamed");
    }
});
