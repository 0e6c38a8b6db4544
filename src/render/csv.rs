//! CSV (CONTRACT §8): one row per rule, RFC 4180 quoting, LF line ends.

use super::exact_number;
use crate::evaluate::{Evaluation, TargetValue};

const HEADER: [&str; 16] = [
    "entity",
    "ruleset",
    "period",
    "rule",
    "group",
    "status",
    "op",
    "target",
    "actual_low",
    "actual_high",
    "completion_pct",
    "gap",
    "weight",
    "score",
    "veto",
    "reason",
];

pub fn render(evaluations: &[Evaluation]) -> String {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    let num = |d: Option<rust_decimal::Decimal>| d.map(exact_number).unwrap_or_default();
    let _ = w.write_record(HEADER);
    for e in evaluations {
        for r in &e.rules {
            let target = match &r.target {
                Ok(TargetValue::Single(t)) => num(t.as_point()),
                Ok(TargetValue::Between(l, h)) => match (l.as_point(), h.as_point()) {
                    (Some(l), Some(h)) => format!("{}..{}", exact_number(l), exact_number(h)),
                    _ => String::new(),
                },
                Err(_) => String::new(),
            };
            let (low, high) = match &r.actual {
                Ok(a) => (num(a.low), num(a.high)),
                Err(_) => (String::new(), String::new()),
            };
            let _ = w.write_record([
                e.entity.clone(),
                e.ruleset.clone(),
                e.period.clone(),
                r.rule.id.clone(),
                r.rule.group.clone().unwrap_or_default(),
                r.status.key().to_string(),
                r.rule.op.as_str().to_string(),
                target,
                low,
                high,
                num(r.completion_pct),
                num(r.gap),
                exact_number(r.rule.weight),
                exact_number(r.score),
                r.rule.veto.to_string(),
                r.reason.clone().unwrap_or_default(),
            ]);
        }
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
