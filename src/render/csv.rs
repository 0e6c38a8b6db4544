//! CSV (CONTRACT §8): one row per rule, RFC 4180 quoting, LF line ends. The contract's
//! sixteen columns come first, unchanged; the names and the verdict follow, so that a
//! reader that picks columns by position keeps working.

use std::io::{self, Write};

use super::{Emitter, csv_cell, csv_number, csv_writer, exact_number};
use crate::evaluate::TargetValue;
use crate::report::{Section, Summary};
use crate::text::{self, Lang};

const HEADER: [&str; 20] = [
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
    "entity_name",
    "ruleset_name",
    "rule_name",
    "verdict",
];

/// The byte order mark `--bom` writes first: Excel on Chinese Windows reads a CSV file
/// without it as the local code page (GBK) and garbles every Chinese name.
pub const BOM: &str = "\u{feff}";

/// One row per rule (CONTRACT §8); `needs` are not part of it.
pub struct CsvEmitter;

impl Emitter for CsvEmitter {
    fn begin(&self, out: &mut dyn Write) -> io::Result<()> {
        let mut w = csv_writer(out);
        w.write_record(HEADER)?;
        w.flush()
    }

    fn section(&self, out: &mut dyn Write, s: &Section, _index: usize) -> io::Result<()> {
        let e = s.evaluation;
        let mut w = csv_writer(out);
        for r in &e.rules {
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
            w.write_record([
                e.entity.id.as_str(),
                e.ruleset.id.as_str(),
                &text::shown(&e.period),
                r.rule.id.as_str(),
                &csv_cell(r.rule.group.as_deref().unwrap_or_default()),
                r.status.key(),
                r.rule.op.as_str(),
                &target,
                &low,
                &high,
                &csv_number(r.completion_pct),
                &csv_number(r.gap),
                &exact_number(r.rule.weight),
                &exact_number(r.score),
                if r.rule.veto { "true" } else { "false" },
                &csv_cell(&r.reason.as_ref().map(|r| text::reason(r, Lang::En)).unwrap_or_default()),
                &csv_cell(e.entity.name.as_deref().unwrap_or_default()),
                &csv_cell(e.ruleset.name.as_deref().unwrap_or_default()),
                &csv_cell(r.rule.name.as_deref().unwrap_or_default()),
                e.verdict.key(),
            ])?;
        }
        w.flush()
    }

    fn finish(&self, _out: &mut dyn Write, _sections: usize, _summary: Option<&Summary>) -> io::Result<()> {
        Ok(())
    }

    fn shows_needs(&self) -> bool {
        false
    }
}
