//! JSON (CONTRACT §8): one object; every number a string, `null` where there is none.
//! Written through plain `Serialize` structs that borrow from the evaluation, so a
//! province-sized run streams out without building a document tree first.

use std::io::{self, Write};

use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::ser::Formatter;

use crate::escape::needs_escape;

use super::Emitter;
use crate::evaluate::{Decider, Evaluation, RuleResult, TargetValue};
use crate::number::write_number;
use crate::report::{Section, Summary};
use crate::text::{self, Lang};

/// A number as the contract prints it.
fn num(d: Option<Decimal>) -> Option<Num> {
    d.map(Num)
}

/// A number as the contract prints it (`exact_number`), written straight into the
/// output: a national run prints millions of them.
struct Num(Decimal);

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write_number(f, self.0)
    }
}

impl Serialize for Num {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[derive(Serialize)]
struct EvaluationJson<'a> {
    entity: &'a str,
    entity_name: Option<&'a str>,
    ruleset: &'a str,
    ruleset_name: Option<&'a str>,
    period: &'a str,
    as_of: Option<String>,
    score: Num,
    max_score: Num,
    pass_score: Option<Num>,
    verdict: &'static str,
    decided_by: Vec<DeciderJson<'a>>,
    groups: Vec<GroupJson<'a>>,
    rules: Vec<RuleJson<'a>>,
}

#[derive(Serialize)]
struct DeciderJson<'a> {
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<&'a str>,
}

#[derive(Serialize)]
struct GroupJson<'a> {
    group: &'a str,
    score: Num,
    max_score: Num,
    min_score: Option<Num>,
}

#[derive(Serialize)]
struct RuleJson<'a> {
    id: &'a str,
    name: Option<&'a str>,
    group: Option<&'a str>,
    status: &'static str,
    reason: Option<String>,
    op: &'static str,
    target: Option<Num>,
    target_high: Option<Num>,
    actual: Option<Num>,
    actual_low: Option<Num>,
    actual_high: Option<Num>,
    approximate: bool,
    completion_pct: Option<Num>,
    gap: Option<Num>,
    weight: Num,
    score: Num,
    scoring: &'static str,
    veto: bool,
    bonus: bool,
    expected_pct: Option<Num>,
    pace: Option<&'static str>,
    progress_pct: Option<Num>,
    needs: Vec<NeedJson<'a>>,
}

#[derive(Serialize)]
struct NeedJson<'a> {
    metric: &'a str,
    period: &'a str,
    change: Option<Num>,
    to: Option<Num>,
}

fn rule<'a>(r: &'a RuleResult) -> RuleJson<'a> {
    let (target, target_high) = match &r.target {
        Ok(TargetValue::Single(t)) => (t.as_point(), None),
        Ok(TargetValue::Between(l, h)) => (l.as_point(), h.as_point()),
        Err(_) => (None, None),
    };
    let (actual, low, high) = match &r.actual {
        Ok(a) => (a.as_point(), a.low, a.high),
        Err(_) => (None, None, None),
    };
    RuleJson {
        id: &r.rule.id,
        name: r.rule.name.as_deref(),
        group: r.rule.group.as_deref(),
        status: r.status.key(),
        reason: r.reason.as_ref().map(|r| text::reason(r, Lang::En)),
        op: r.rule.op.as_str(),
        target: num(target),
        target_high: num(target_high),
        actual: num(actual),
        actual_low: num(low),
        actual_high: num(high),
        approximate: r.approximate,
        completion_pct: num(r.completion_pct),
        gap: num(r.gap),
        weight: Num(r.rule.weight),
        score: Num(r.score),
        scoring: r.rule.scoring.key(),
        veto: r.rule.veto,
        bonus: r.rule.bonus,
        expected_pct: num(r.expected_pct),
        pace: r.pace.map(|p| p.key()),
        progress_pct: num(r.progress.map(|p| p.pct)),
        needs: r
            .needs
            .iter()
            .map(|n| NeedJson { metric: &n.metric, period: &n.period, change: num(n.change), to: num(n.to) })
            .collect(),
    }
}

fn evaluation<'a>(e: &'a Evaluation) -> EvaluationJson<'a> {
    EvaluationJson {
        entity: &e.entity.id,
        entity_name: e.entity.name.as_deref(),
        ruleset: &e.ruleset.id,
        ruleset_name: e.ruleset.name.as_deref(),
        period: &e.period,
        as_of: e.as_of.map(|d| d.to_string()),
        score: Num(e.score),
        max_score: Num(e.max_score),
        pass_score: num(e.pass_score),
        verdict: e.verdict.key(),
        decided_by: e
            .decided_by
            .iter()
            .map(|d| DeciderJson {
                kind: d.key(),
                rule: d.rule().map(|r| r.id.as_str()),
                group: match d {
                    Decider::GroupMin(g, _) => Some(g.as_str()),
                    _ => None,
                },
            })
            .collect(),
        groups: e
            .groups
            .iter()
            .map(|g| GroupJson {
                group: &g.name,
                score: Num(g.score),
                max_score: Num(g.max_score),
                min_score: num(g.min_score),
            })
            .collect(),
        rules: e.rules.iter().map(rule).collect(),
    }
}

/// `{"evaluations": [ … ]}`, one evaluation at a time, byte for byte what
/// `serde_json::to_string_pretty` gives for the whole document.
pub struct JsonEmitter;

impl Emitter for JsonEmitter {
    fn begin(&self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(b"{\n  \"evaluations\": [")
    }

    fn section(&self, out: &mut dyn Write, s: &Section, index: usize) -> io::Result<()> {
        let mut buf = Vec::with_capacity(16 * 1024);
        buf.extend_from_slice(if index > 0 { b",\n    " } else { b"\n    " });
        let mut ser =
            serde_json::Serializer::with_formatter(&mut buf, Nested { depth: 2, has_value: false, in_key: false });
        evaluation(s.evaluation).serialize(&mut ser).map_err(io::Error::other)?;
        out.write_all(&buf)
    }

    fn finish(&self, out: &mut dyn Write, sections: usize, _summary: Option<&Summary>) -> io::Result<()> {
        out.write_all(if sections > 0 { b"\n  ]\n}\n" } else { b"]\n}\n" })
    }
}

/// serde_json's pretty layout (two spaces a level), starting `depth` levels in: an
/// evaluation written on its own comes out exactly as inside the whole document.
struct Nested {
    depth: usize,
    has_value: bool,
    /// Writing an object key (ours, never input text).
    in_key: bool,
}

impl Nested {
    fn indent<W: ?Sized + Write>(&self, w: &mut W) -> io::Result<()> {
        for _ in 0..self.depth {
            w.write_all(b"  ")?;
        }
        Ok(())
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(bracket)
    }
}

impl Formatter for Nested {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        w.write_all(b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.in_key = true;
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.in_key = false;
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    /// serde_json escapes C0 controls itself (`\u001b`); DEL, C1 controls and the
    /// bidirectional controls reach this as plain text, and are escaped the same way
    /// (CONTRACT §7).
    fn write_string_fragment<W: ?Sized + Write>(&mut self, w: &mut W, fragment: &str) -> io::Result<()> {
        // Keys are our own. Every character to escape starts with one of these bytes
        // (DEL, and the UTF-8 lead bytes of U+0080–U+009F and U+2000–U+2FFF).
        if self.in_key || !fragment.bytes().any(|b| matches!(b, 0x7f | 0xc2 | 0xe2)) {
            return w.write_all(fragment.as_bytes());
        }
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if needs_escape(c) {
                w.write_all(&fragment.as_bytes()[start..i])?;
                write!(w, "\\u{:04x}", u32::from(c))?;
                start = i + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[start..])
    }
}

/// A whole JSON document in the layout of `serde_json::to_string_pretty`, with the
/// contract's escaping, and a final newline.
pub fn to_pretty(value: &impl Serialize) -> String {
    let mut buf = Vec::new();
    let mut ser =
        serde_json::Serializer::with_formatter(&mut buf, Nested { depth: 0, has_value: false, in_key: false });
    // Writing to a Vec cannot fail, and these values always serialize.
    let _ = value.serialize(&mut ser);
    buf.push(b'\n');
    String::from_utf8(buf).unwrap_or_default()
}
