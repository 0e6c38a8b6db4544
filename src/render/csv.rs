//! CSV (CONTRACT §8): one row per rule, RFC 4180 quoting, LF line ends.

use super::{csv_number, csv_text, exact_number};
use crate::evaluate::{Evaluation, TargetValue};
use crate::text::{self, Lang};

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
    let rows = evaluations.iter().flat_map(|e| {
        e.rules.iter().map(move |r| {
            let target = match &r.target {
                Ok(TargetValue::Single(t)) => csv_number(t.as_point()),
                Ok(TargetValue::Between(l, h)) => match (l.as_point(), h.as_point()) {
                    (Some(l), Some(h)) => format!("{}..{}", exact_number(l), exact_number(h)),
                    _ => String::new(),
                },
                Err(_) => String::new(),
            };
            let (low, high) = match &r.actual {
                Ok(a) => (csv_number(a.low), csv_number(a.high)),
                Err(_) => (String::new(), String::new()),
            };
            vec![
                e.entity.id.clone(),
                e.ruleset.id.clone(),
                e.period.clone(),
                r.rule.id.clone(),
                r.rule.group.clone().unwrap_or_default(),
                r.status.key().to_string(),
                r.rule.op.as_str().to_string(),
                target,
                low,
                high,
                csv_number(r.completion_pct),
                csv_number(r.gap),
                exact_number(r.rule.weight),
                exact_number(r.score),
                r.rule.veto.to_string(),
                r.reason.as_ref().map(|r| text::reason(r, Lang::En)).unwrap_or_default(),
            ]
        })
    });
    csv_text(&HEADER, rows)
}
