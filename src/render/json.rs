//! JSON (CONTRACT §8): one object; every number a string, `null` where there is none.

use rust_decimal::Decimal;
use serde_json::{Value, json};

use super::exact_number;
use crate::evaluate::{Evaluation, RuleResult, TargetValue};

fn num(d: Option<Decimal>) -> Value {
    d.map_or(Value::Null, |d| Value::String(exact_number(d)))
}

fn rule(r: &RuleResult) -> Value {
    let (target, target_high) = match &r.target {
        Ok(TargetValue::Single(t)) => (t.as_point(), None),
        Ok(TargetValue::Between(l, h)) => (l.as_point(), h.as_point()),
        Err(_) => (None, None),
    };
    let (actual, low, high) = match &r.actual {
        Ok(a) => (a.as_point(), a.low, a.high),
        Err(_) => (None, None, None),
    };
    json!({
        "id": r.rule.id,
        "name": r.rule.name,
        "group": r.rule.group,
        "status": r.status.key(),
        "reason": r.reason,
        "op": r.rule.op.as_str(),
        "target": num(target),
        "target_high": num(target_high),
        "actual": num(actual),
        "actual_low": num(low),
        "actual_high": num(high),
        "approximate": r.approximate,
        "completion_pct": num(r.completion_pct),
        "gap": num(r.gap),
        "weight": exact_number(r.rule.weight),
        "score": exact_number(r.score),
        "scoring": r.rule.scoring.key(),
        "veto": r.rule.veto,
        "bonus": r.rule.bonus,
        "expected_pct": num(r.expected_pct),
        "pace": r.pace.map(|p| p.key()),
        "needs": r.needs.iter().map(|n| json!({
            "metric": n.metric,
            "period": n.period,
            "change": num(n.change),
            "to": num(n.to),
        })).collect::<Vec<_>>(),
    })
}

pub fn evaluation(e: &Evaluation) -> Value {
    json!({
        "entity": e.entity,
        "entity_name": e.entity_name,
        "ruleset": e.ruleset,
        "ruleset_name": e.ruleset_name,
        "period": e.period,
        "as_of": e.as_of.map(|d| d.to_string()),
        "score": exact_number(e.score),
        "max_score": exact_number(e.max_score),
        "pass_score": num(e.pass_score),
        "verdict": e.verdict.key(),
        "groups": e.groups.iter().map(|g| json!({
            "group": g.name,
            "score": exact_number(g.score),
            "max_score": exact_number(g.max_score),
            "min_score": num(g.min_score),
        })).collect::<Vec<_>>(),
        "rules": e.rules.iter().map(rule).collect::<Vec<_>>(),
    })
}

pub fn render(evaluations: &[Evaluation]) -> String {
    let doc = json!({ "evaluations": evaluations.iter().map(evaluation).collect::<Vec<_>>() });
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into());
    text.push('\n');
    text
}
