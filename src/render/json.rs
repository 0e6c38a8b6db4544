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
use crate::number::push_number;
use crate::report::{Section, Summary};
use crate::text::{self, Lang};

/// One JSON object being written in serde_json's pretty layout: the keys are our own
/// constants, so each key, its comma and its indentation go out as one write instead
/// of serde's four or five (a national run writes tens of millions of keys).
struct Obj<'b> {
    buf: &'b mut Vec<u8>,
    /// The nesting level of the keys.
    depth: usize,
    first: bool,
}

/// Enough spaces for any indentation the evaluation document has.
const SPACES: &[u8; 64] = b"                                                                ";

/// A comma, a newline and the spaces of any indentation, sliced by [`Obj::key`].
const BREAK: &[u8; 66] = b",\n                                                                ";

fn indent(buf: &mut Vec<u8>, depth: usize) {
    let n = (2 * depth).min(SPACES.len());
    buf.extend_from_slice(&SPACES[..n]);
}

/// The bytes that can start something to escape: C0 controls, `"`, `\`, DEL and the
/// UTF-8 lead bytes of U+0080–U+009F and U+2000–U+2FFF.
const ESCAPE_LEAD: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t[0x7f] = true;
    t[0xc2] = true;
    t[0xe2] = true;
    t
};

/// A string value, escaped as serde_json and CONTRACT §7 escape it.
fn string(buf: &mut Vec<u8>, s: &str) {
    // Nearly every string has nothing to escape (see `Nested::write_string_fragment`).
    if !s.bytes().any(|b| ESCAPE_LEAD[b as usize]) {
        buf.push(b'"');
        buf.extend_from_slice(s.as_bytes());
        buf.push(b'"');
        return;
    }
    let mut ser = serde_json::Serializer::with_formatter(buf, Nested { depth: 0, has_value: false, in_key: false });
    // Writing to a Vec cannot fail.
    let _ = serde::Serializer::serialize_str(&mut ser, s);
}

/// A number as the contract prints it (`exact_number`), quoted.
fn number(buf: &mut Vec<u8>, d: Decimal) {
    buf.push(b'"');
    push_number(buf, d);
    buf.push(b'"');
}

impl<'b> Obj<'b> {
    /// `{`, with its keys one level deeper than `depth`.
    fn begin(buf: &'b mut Vec<u8>, depth: usize) -> Self {
        buf.push(b'{');
        Obj { buf, depth: depth + 1, first: true }
    }

    /// The separator, indentation and key: the value follows.
    fn key(&mut self, key: &str) -> &mut Vec<u8> {
        // The comma (not before the first key), newline and indentation: one slice.
        let skip = usize::from(self.first);
        self.first = false;
        let n = (2 + 2 * self.depth).min(BREAK.len());
        self.buf.extend_from_slice(&BREAK[skip..n]);
        self.buf.push(b'"');
        self.buf.extend_from_slice(key.as_bytes());
        self.buf.extend_from_slice(b"\": ");
        self.buf
    }

    fn str(&mut self, key: &str, v: &str) {
        string(self.key(key), v);
    }

    /// One of our own words (a status, an operator): nothing to escape.
    fn word(&mut self, key: &str, v: &'static str) {
        let buf = self.key(key);
        buf.push(b'"');
        buf.extend_from_slice(v.as_bytes());
        buf.push(b'"');
    }

    fn opt_word(&mut self, key: &str, v: Option<&'static str>) {
        match v {
            Some(v) => self.word(key, v),
            None => self.key(key).extend_from_slice(b"null"),
        }
    }

    fn opt_str(&mut self, key: &str, v: Option<&str>) {
        match v {
            Some(v) => self.str(key, v),
            None => self.key(key).extend_from_slice(b"null"),
        }
    }

    fn num(&mut self, key: &str, v: Decimal) {
        number(self.key(key), v);
    }

    fn opt_num(&mut self, key: &str, v: Option<Decimal>) {
        match v {
            Some(v) => self.num(key, v),
            None => self.key(key).extend_from_slice(b"null"),
        }
    }

    fn bool(&mut self, key: &str, v: bool) {
        self.key(key).extend_from_slice(if v { b"true" } else { b"false" });
    }

    /// An array of objects, each written by `item` at the array's depth.
    fn array<T>(&mut self, key: &str, items: &[T], mut item: impl FnMut(&mut Vec<u8>, usize, &T)) {
        let depth = self.depth;
        let buf = self.key(key);
        buf.push(b'[');
        for (i, it) in items.iter().enumerate() {
            buf.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
            indent(buf, depth + 1);
            item(buf, depth + 1, it);
        }
        if !items.is_empty() {
            buf.push(b'\n');
            indent(buf, depth);
        }
        buf.push(b']');
    }

    fn end(self) {
        if !self.first {
            self.buf.push(b'\n');
            indent(self.buf, self.depth - 1);
        }
        self.buf.push(b'}');
    }
}

fn rule(buf: &mut Vec<u8>, depth: usize, r: &RuleResult) {
    let (target, target_high) = match &r.target {
        Ok(TargetValue::Single(t)) => (t.as_point(), None),
        Ok(TargetValue::Between(l, h)) => (l.as_point(), h.as_point()),
        Err(_) => (None, None),
    };
    let (actual, low, high) = match &r.actual {
        Ok(a) => (a.as_point(), a.low, a.high),
        Err(_) => (None, None, None),
    };
    let mut o = Obj::begin(buf, depth);
    o.str("id", &r.rule.id);
    o.opt_str("name", r.rule.name.as_deref());
    o.opt_str("group", r.rule.group.as_deref());
    o.word("status", r.status.key());
    o.opt_str("reason", r.reason.as_ref().map(|r| text::reason(r, Lang::En)).as_deref());
    o.word("op", r.rule.op.as_str());
    o.opt_num("target", target);
    o.opt_num("target_high", target_high);
    o.opt_num("actual", actual);
    o.opt_num("actual_low", low);
    o.opt_num("actual_high", high);
    o.bool("approximate", r.approximate);
    o.opt_num("completion_pct", r.completion_pct);
    o.opt_num("gap", r.gap);
    o.num("weight", r.rule.weight);
    o.num("score", r.score);
    o.word("scoring", r.rule.scoring.key());
    o.bool("veto", r.rule.veto);
    o.bool("bonus", r.rule.bonus);
    o.opt_num("expected_pct", r.expected_pct);
    o.opt_word("pace", r.pace.map(|p| p.key()));
    o.opt_num("progress_pct", r.progress.map(|p| p.pct));
    o.array("needs", &r.needs, |buf, depth, n| {
        let mut o = Obj::begin(buf, depth);
        o.str("metric", &n.metric);
        o.str("period", &n.period);
        o.opt_num("change", n.change);
        o.opt_num("to", n.to);
        o.end();
    });
    o.end();
}

/// One evaluation object (CONTRACT §8), its `{` at `depth`.
fn evaluation(buf: &mut Vec<u8>, depth: usize, e: &Evaluation) {
    let mut o = Obj::begin(buf, depth);
    o.str("entity", &e.entity.id);
    o.opt_str("entity_name", e.entity.name.as_deref());
    o.str("ruleset", &e.ruleset.id);
    o.opt_str("ruleset_name", e.ruleset.name.as_deref());
    o.str("period", &e.period);
    o.opt_str("as_of", e.as_of.map(|d| d.to_string()).as_deref());
    o.num("score", e.score);
    o.num("max_score", e.max_score);
    o.opt_num("pass_score", e.pass_score);
    o.word("verdict", e.verdict.key());
    o.array("decided_by", &e.decided_by, |buf, depth, d| {
        let mut o = Obj::begin(buf, depth);
        o.word("kind", d.key());
        if let Some(r) = d.rule() {
            o.str("rule", &r.id);
        }
        if let Decider::GroupMin(g, _) = d {
            o.str("group", g);
        }
        o.end();
    });
    o.array("groups", &e.groups, |buf, depth, g| {
        let mut o = Obj::begin(buf, depth);
        o.str("group", &g.name);
        o.num("score", g.score);
        o.num("max_score", g.max_score);
        o.opt_num("min_score", g.min_score);
        o.end();
    });
    o.array("rules", &e.rules, |buf, depth, r| rule(buf, depth, r));
    o.end();
}

/// `{"evaluations": [ … ]}`, one evaluation at a time, byte for byte what
/// `serde_json::to_string_pretty` gives for the whole document.
pub struct JsonEmitter;

impl Emitter for JsonEmitter {
    fn begin(&self, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(b"{\n  \"evaluations\": [")
    }

    fn section(&self, out: &mut dyn Write, s: &Section, index: usize) -> io::Result<()> {
        let mut buf = Vec::new();
        self.section_to_vec(&mut buf, s, index)?;
        out.write_all(&buf)
    }

    fn section_to_vec(&self, buf: &mut Vec<u8>, s: &Section, index: usize) -> io::Result<()> {
        // About 800 bytes a rule: room made once rather than grown (and copied) twice.
        buf.reserve(2048 + 1024 * s.evaluation.rules.len());
        buf.extend_from_slice(if index > 0 { b",\n    " } else { b"\n    " });
        evaluation(buf, 2, s.evaluation);
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_written_directly_match_serde_with_the_contract_escapes() {
        for s in ["plain 文字", "a\"b\\c", "tab\there", "esc\u{1b}", "del\u{7f}", "c1\u{85}", "bidi\u{202e}x", ""] {
            let mut direct = Vec::new();
            string(&mut direct, s);
            let through_serde = to_pretty(&s);
            assert_eq!(String::from_utf8(direct).unwrap(), through_serde.trim_end_matches('\n'), "{s:?}");
        }
    }

    #[test]
    fn objects_and_arrays_take_serde_s_pretty_layout() {
        let mut buf = Vec::new();
        let mut o = Obj::begin(&mut buf, 0);
        o.opt_num("n", Some(Decimal::new(150, 2)));
        o.opt_str("s", None);
        o.array("empty", &[] as &[u8], |_, _, _| {});
        o.array("items", &[1u8, 2], |buf, depth, i| {
            let mut o = Obj::begin(buf, depth);
            o.bool("odd", i % 2 == 1);
            o.end();
        });
        o.end();
        let want = serde_json::json!({"n": "1.5", "s": null, "empty": [], "items": [{"odd": true}, {"odd": false}]});
        assert_eq!(String::from_utf8(buf).unwrap(), serde_json::to_string_pretty(&want).unwrap());
    }
}
