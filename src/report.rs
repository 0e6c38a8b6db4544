//! Report: turn evaluations into the grid that every tabular format shares — rows,
//! group subtotals, footers and the summary matrix — with labels in the chosen
//! language. No formatting of numbers and no arithmetic beyond ranking happens here.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::evaluate::{Evaluation, Pace, RuleResult, Status, TargetValue, Verdict};
use crate::interval::Interval;
use crate::model::{Actual, Model, Op, Target};
use crate::text::{self, Lang};

/// The target as shown: an operator and a value (or two for `between`).
#[derive(Clone, Debug)]
pub enum TargetCell {
    Value(Op, Decimal),
    Bool(Op, bool),
    Between(Decimal, Decimal),
    /// An interval or unknown target: show the formula text.
    Text(Op, String),
}

/// One rule's row.
#[derive(Clone, Debug)]
pub struct RuleRow {
    pub indicator: String,
    pub unit: Option<String>,
    pub target: TargetCell,
    /// `None` when unknown.
    pub actual: Option<Interval>,
    pub actual_is_bool: bool,
    pub completion_pct: Option<Decimal>,
    pub expected_pct: Option<Decimal>,
    pub pace: Option<Pace>,
    /// Run-rate projection to year end (actual ÷ elapsed share), for year-to-date rows.
    pub projection: Option<Decimal>,
    pub status: Status,
    pub score: Decimal,
    pub weight: Decimal,
    pub veto: bool,
    pub bonus: bool,
    /// Plain-words "what it takes" lines.
    pub needs: Vec<String>,
}

#[derive(Clone, Debug)]
pub enum Row {
    Rule(Box<RuleRow>),
    Subtotal { group: String, score: Decimal, max_score: Decimal, min_score: Option<Decimal> },
}

/// One (entity, rule set) block.
#[derive(Clone, Debug)]
pub struct Section {
    pub entity: String,
    pub ruleset: String,
    pub period: String,
    pub as_of: Option<String>,
    pub elapsed_pct: Option<Decimal>,
    pub rows: Vec<Row>,
    pub score: Decimal,
    pub max_score: Decimal,
    pub pass_score: Option<Decimal>,
    pub verdict: Verdict,
    /// (rule label, reason) of every unknown rule.
    pub unknown: Vec<(String, String)>,
}

/// Entities × rule sets, with score, verdict and rank within the rule set.
#[derive(Clone, Debug)]
pub struct Summary {
    pub rulesets: Vec<String>,
    /// Rows are entities, in entity id order.
    pub rows: Vec<(String, Vec<Option<SummaryCell>>)>,
}

#[derive(Clone, Debug)]
pub struct SummaryCell {
    pub score: Decimal,
    pub max_score: Decimal,
    pub verdict: Verdict,
    pub rank: usize,
}

pub struct Report {
    pub lang: Lang,
    pub sections: Vec<Section>,
    pub summary: Option<Summary>,
}

impl Report {
    pub fn new(model: &Model, evaluations: &[Evaluation], lang: Lang) -> Report {
        let sections = evaluations.iter().map(|e| section(model, e, lang)).collect();
        let mut entities: Vec<&str> = evaluations.iter().map(|e| e.entity.id.as_str()).collect();
        entities.dedup();
        let summary = (entities.len() > 1).then(|| summary(evaluations));
        Report { lang, sections, summary }
    }
}

pub fn rule_label(model: &Model, r: &RuleResult, lang: Lang) -> String {
    if let Some(name) = &r.rule.name {
        return name.clone();
    }
    match &r.rule.actual {
        Actual::Metric(m) => model.catalog.get(m).map_or(m.clone(), |m| m.label(lang == Lang::En).to_string()),
        Actual::Expr(_) => r.rule.id.clone(),
    }
}

fn section<'a>(model: &Model, e: &'a Evaluation, lang: Lang) -> Section {
    let mut rows = Vec::new();
    let mut unknown = Vec::new();
    let grouped = |name: Option<&'a str>| e.rules.iter().filter(move |r| r.rule.group.as_deref() == name);
    let mut push = |r: &RuleResult, rows: &mut Vec<Row>| {
        let label = rule_label(model, r, lang);
        if r.status == Status::Unknown {
            unknown.push((
                format!("{label} [{}]", r.rule.id),
                r.reason.as_ref().map(|r| text::reason(r, lang)).unwrap_or_default(),
            ));
        }
        rows.push(Row::Rule(Box::new(rule_row(model, e, r, label, lang))));
    };
    // Rules without a group first, then each group with its subtotal.
    for r in grouped(None) {
        push(r, &mut rows);
    }
    for g in &e.groups {
        for r in grouped(Some(&g.name)) {
            push(r, &mut rows);
        }
        rows.push(Row::Subtotal {
            group: g.name.clone(),
            score: g.score,
            max_score: g.max_score,
            min_score: g.min_score,
        });
    }
    Section {
        entity: text::named(e.entity.name.as_deref(), &e.entity.id),
        ruleset: text::named(e.ruleset.name.as_deref(), &e.ruleset.id),
        period: e.period.clone(),
        as_of: e.as_of.map(|d| d.to_string()),
        elapsed_pct: e.elapsed_pct,
        rows,
        score: e.score,
        max_score: e.max_score,
        pass_score: e.pass_score,
        verdict: e.verdict,
        unknown,
    }
}

fn rule_row(model: &Model, e: &Evaluation, r: &RuleResult, indicator: String, lang: Lang) -> RuleRow {
    let metric = match &r.rule.actual {
        Actual::Metric(m) => model.catalog.get(m),
        Actual::Expr(_) => None,
    };
    let target = match (&r.rule.target, &r.target) {
        (Target::Value { is_bool: true, formula }, _) => TargetCell::Bool(r.rule.op, formula.text == "true"),
        (_, Ok(TargetValue::Single(t))) if t.as_point().is_some() => {
            TargetCell::Value(r.rule.op, t.as_point().unwrap_or_default())
        }
        (_, Ok(TargetValue::Between(l, h))) if l.as_point().is_some() && h.as_point().is_some() => {
            TargetCell::Between(l.as_point().unwrap_or_default(), h.as_point().unwrap_or_default())
        }
        (Target::Value { formula, .. }, _) => TargetCell::Text(r.rule.op, formula.text.clone()),
        (Target::Between(l, h), _) => TargetCell::Text(r.rule.op, format!("{} .. {}", l.text, h.text)),
    };
    let projection = match (&r.actual, e.elapsed_pct, e.as_of) {
        (Ok(a), Some(elapsed), Some(d))
            if r.rule.op.is_upward() && d.is_before_year_end() && !elapsed.is_zero() && is_cumulative(model, r) =>
        {
            a.low.and_then(|low| low.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(elapsed))
        }
        _ => None,
    };
    RuleRow {
        indicator,
        unit: metric.and_then(|m| m.unit.clone()).filter(|u| u != "bool"),
        target,
        actual: r.actual.as_ref().ok().cloned(),
        actual_is_bool: metric.is_some_and(|m| m.is_bool()),
        completion_pct: r.completion_pct,
        expected_pct: r.expected_pct,
        pace: r.pace,
        projection,
        status: r.status,
        score: r.score,
        weight: r.rule.weight,
        veto: r.rule.veto,
        bonus: r.rule.bonus,
        needs: r
            .needs
            .iter()
            .filter_map(|n| {
                Some(text::need(model.catalog.get(&n.metric), &n.metric, n.change?, n.to?, lang, mid_year(e)))
            })
            .collect(),
    }
}

fn summary(evaluations: &[Evaluation]) -> Summary {
    let mut rulesets: Vec<&str> = evaluations.iter().map(|e| e.ruleset.id.as_str()).collect();
    rulesets.sort();
    rulesets.dedup();
    let mut entities: Vec<(&str, Option<&str>)> =
        evaluations.iter().map(|e| (e.entity.id.as_str(), e.entity.name.as_deref())).collect();
    entities.dedup();
    // Each rule set's scores, highest first, so a rank is a binary search.
    let mut scores: BTreeMap<&str, Vec<Decimal>> = BTreeMap::new();
    let mut by_pair: BTreeMap<(&str, &str), &Evaluation> = BTreeMap::new();
    for e in evaluations {
        scores.entry(e.ruleset.id.as_str()).or_default().push(e.score);
        by_pair.insert((e.entity.id.as_str(), e.ruleset.id.as_str()), e);
    }
    for list in scores.values_mut() {
        list.sort_by(|a, b| b.cmp(a));
    }
    let mut rows: Vec<(String, Vec<Option<SummaryCell>>)> = entities
        .iter()
        .map(|(id, name)| {
            let cells = rulesets
                .iter()
                .map(|rs| {
                    let e = by_pair.get(&(*id, *rs))?;
                    // Rank: 1 + how many entities scored strictly more in this rule set.
                    let rank = 1 + scores.get(rs).map_or(0, |list| list.partition_point(|s| *s > e.score));
                    Some(SummaryCell { score: e.score, max_score: e.max_score, verdict: e.verdict, rank })
                })
                .collect();
            (text::named(*name, id), cells)
        })
        .collect();
    // With one rule set the matrix is a ranking: best first (ties by entity id).
    if rulesets.len() == 1 {
        rows.sort_by_key(|(_, cells)| cells.first().and_then(|c| c.as_ref().map(|c| c.rank)).unwrap_or(usize::MAX));
    }
    Summary { rulesets: rulesets.iter().map(|s| s.to_string()).collect(), rows }
}

/// Year-to-date figures before 31 December: a need is what the year must end at.
pub fn mid_year(e: &Evaluation) -> bool {
    e.as_of.is_some_and(|d| d.is_before_year_end())
}

/// Whether a rule's actual accumulates through the year (a count or an amount), so
/// that a run-rate projection means something. Shares, rates ("件/万人") and stocks
/// (`stock = true`) do not accumulate.
fn is_cumulative(model: &Model, r: &RuleResult) -> bool {
    let has_division = |e: &crate::expr::Expr| e.to_string().contains('/');
    match &r.rule.actual {
        Actual::Metric(m) => model.catalog.get(m).is_some_and(|m| {
            let unit = m.unit.as_deref().unwrap_or("");
            unit != "%"
                && !unit.contains('/')
                && !m.is_bool()
                && !m.stock
                && m.formula.as_ref().is_none_or(|f| !has_division(&f.expr))
        }),
        Actual::Expr(f) => !has_division(&f.expr),
    }
}
