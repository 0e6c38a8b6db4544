//! Reading values out of a parsed TOML document while keeping their spans, so that
//! every shape error points at the key or value it is about. Numbers are read from
//! the text as written, never through a float.

use std::ops::Range;
use std::str::FromStr;

use rust_decimal::Decimal;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Diagnostic, FileId, Loc, suggestion};

pub type Value<'i> = Spanned<DeValue<'i>>;

/// Context for reading one file: where diagnostics go and which file they are about.
pub struct Cx<'d> {
    pub file: FileId,
    pub diags: &'d mut Vec<Diagnostic>,
    /// The file's text, so that errors inside formula strings can point at the character.
    pub text: &'d str,
}

impl Cx<'_> {
    pub fn loc(&self, span: Range<usize>) -> Loc {
        Loc::new(self.file, span)
    }

    pub fn error(&mut self, span: Range<usize>, message: impl Into<String>) {
        let d = Diagnostic::error(self.loc(span), message);
        self.diags.push(d);
    }

    pub fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }
}

/// A table being read: tracks which keys were used so that the rest can be reported.
pub struct Fields<'t, 'i> {
    entries: Vec<(&'t Spanned<std::borrow::Cow<'i, str>>, &'t Value<'i>)>,
    used: Vec<bool>,
}

/// What to do with keys nobody asked for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Unknown {
    Error,
    Warning,
}

impl<'t, 'i> Fields<'t, 'i> {
    pub fn new(table: &'t DeTable<'i>) -> Self {
        let entries: Vec<_> = table.iter().collect();
        let used = vec![false; entries.len()];
        Fields { entries, used }
    }

    pub fn get(&mut self, key: &str) -> Option<&'t Value<'i>> {
        let i = self.entries.iter().position(|(k, _)| k.get_ref().as_ref() == key)?;
        self.used[i] = true;
        Some(self.entries[i].1)
    }

    /// Report every key not asked for, with a "did you mean" among `known`.
    pub fn finish(self, cx: &mut Cx, what: &str, known: &[&str], severity: Unknown) {
        for ((key, _), used) in self.entries.iter().zip(self.used) {
            if used {
                continue;
            }
            let name = key.get_ref().as_ref();
            let message = format!("unknown key `{name}` in {what}");
            let mut d = match severity {
                Unknown::Error => Diagnostic::error(cx.loc(key.span()), message),
                Unknown::Warning => Diagnostic::warning(cx.loc(key.span()), message),
            };
            d = match suggestion(name, known.iter().copied()) {
                Some(s) => d.with_help(s),
                None => d.with_help(format!("known keys: {}", known.join(", "))),
            };
            cx.push(d);
        }
    }
}

pub fn type_name(v: &DeValue) -> &'static str {
    match v {
        DeValue::String(_) => "a string",
        DeValue::Integer(_) => "an integer",
        DeValue::Float(_) => "a number",
        DeValue::Boolean(_) => "a boolean",
        DeValue::Datetime(_) => "a date",
        DeValue::Array(_) => "an array",
        DeValue::Table(_) => "a table",
    }
}

pub fn expect_str(cx: &mut Cx, v: &Value, what: &str) -> Option<String> {
    match v.get_ref() {
        DeValue::String(s) => Some(s.to_string()),
        other => {
            cx.error(v.span(), format!("{what} must be a string, found {}", type_name(other)));
            None
        }
    }
}

pub fn expect_bool(cx: &mut Cx, v: &Value, what: &str) -> Option<bool> {
    match v.get_ref() {
        DeValue::Boolean(b) => Some(*b),
        other => {
            cx.error(v.span(), format!("{what} must be true or false, found {}", type_name(other)));
            None
        }
    }
}

pub fn expect_table<'t, 'i>(cx: &mut Cx, v: &'t Value<'i>, what: &str) -> Option<&'t DeTable<'i>> {
    match v.get_ref() {
        DeValue::Table(t) => Some(t),
        other => {
            cx.error(v.span(), format!("{what} must be a table, found {}", type_name(other)));
            None
        }
    }
}

/// A string, or an array of strings (CONTRACT §9: `applies_to` values, tags).
pub fn string_list(cx: &mut Cx, v: &Value, what: &str) -> Option<Vec<String>> {
    match v.get_ref() {
        DeValue::String(s) => Some(vec![s.to_string()]),
        DeValue::Array(items) => {
            let mut out = Vec::new();
            for item in items.iter() {
                out.push(expect_str(cx, item, &format!("each entry of {what}"))?);
            }
            Some(out)
        }
        other => {
            cx.error(v.span(), format!("{what} must be a string or a list of strings, found {}", type_name(other)));
            None
        }
    }
}

/// An exact decimal from a TOML integer, float or numeric string (CONTRACT §3, §9).
pub fn expect_decimal(cx: &mut Cx, v: &Value, what: &str) -> Option<Decimal> {
    match number(v.get_ref()) {
        Some(Ok(d)) => Some(d),
        Some(Err(message)) => {
            cx.error(v.span(), format!("{what}: {message}"));
            None
        }
        None => {
            cx.error(v.span(), format!("{what} must be a number, found {}", type_name(v.get_ref())));
            None
        }
    }
}

/// `None` when the value is not a number at all; `Some(Err)` when it is one that
/// cannot be represented exactly.
pub fn number(v: &DeValue) -> Option<Result<Decimal, String>> {
    match v {
        DeValue::Integer(i) => Some(integer(i.as_str(), i.radix())),
        DeValue::Float(f) => Some(float(f.as_str())),
        DeValue::String(s) => {
            if is_numeric_string(s) {
                Some(exact(s))
            } else {
                None
            }
        }
        _ => None,
    }
}

/// `[+-]?[0-9]+(\.[0-9]+)?`
pub fn is_numeric_string(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

fn integer(text: &str, radix: u32) -> Result<Decimal, String> {
    if radix == 10 {
        return exact(text);
    }
    let value = i128::from_str_radix(text, radix).map_err(|_| "integer does not fit".to_string())?;
    Decimal::from_i128_with_scale(value, 0)
        .checked_add(Decimal::ZERO)
        .ok_or_else(|| too_large(text))
        .and_then(|d| if i128::abs(value) < (1i128 << 96) { Ok(d) } else { Err(too_large(text)) })
}

fn float(text: &str) -> Result<Decimal, String> {
    let lower = text.to_ascii_lowercase();
    if lower.contains("inf") || lower.contains("nan") {
        return Err(format!("`{text}` is not a finite number"));
    }
    if let Some((mantissa, exponent)) = lower.split_once('e') {
        let exp: i64 = exponent.parse().map_err(|_| format!("`{text}` is not a number"))?;
        let base = exact(mantissa)?;
        return scale_by_power_of_ten(base, exp).ok_or_else(|| too_large(text));
    }
    exact(text)
}

fn scale_by_power_of_ten(mut value: Decimal, exp: i64) -> Option<Decimal> {
    if exp.unsigned_abs() > 60 {
        return None;
    }
    let ten = Decimal::TEN;
    for _ in 0..exp.unsigned_abs() {
        value = if exp > 0 { value.checked_mul(ten)? } else { value.checked_div(ten)? };
    }
    // Dividing must stay exact: 28 fractional digits is the most a Decimal holds.
    Some(value)
}

fn too_large(text: &str) -> String {
    format!(
        "`{text}` cannot be represented exactly (a number may have at most 28 digits after the point and fewer than 29 significant digits in all)"
    )
}

/// Parse decimal text exactly, dropping trailing fractional zeros first (CONTRACT §9).
pub fn exact(text: &str) -> Result<Decimal, String> {
    let unsigned = text.strip_prefix('+').unwrap_or(text);
    let trimmed = match unsigned.split_once('.') {
        Some((int, frac)) => {
            let frac = frac.trim_end_matches('0');
            if frac.is_empty() { int.to_string() } else { format!("{int}.{frac}") }
        }
        None => unsigned.to_string(),
    };
    let digits = trimmed.trim_start_matches('-').trim_start_matches('0');
    let digits = digits.replace('.', "");
    let fits = u128::from_str(if digits.is_empty() { "0" } else { &digits }).is_ok_and(|n| n < (1u128 << 96))
        && trimmed.split_once('.').is_none_or(|(_, f)| f.len() <= 28);
    if !fits {
        return Err(too_large(text));
    }
    // Keep the scale as written (2.50 stays 2.50) when the text fits as it is.
    Decimal::from_str_exact(unsigned).or_else(|_| Decimal::from_str_exact(&trimmed)).map_err(|_| too_large(text))
}

/// Map a character offset inside a string value's text to a byte span in the file,
/// when the value is written as a plain one-line string; else the whole value.
pub fn span_in_string(source: &str, value_span: Range<usize>, text: &str, chars: Range<usize>) -> Range<usize> {
    let raw = source.get(value_span.clone()).unwrap_or("");
    let quoted = raw.len() == text.len() + 2
        && (raw.starts_with('"') || raw.starts_with('\''))
        && &raw[1..raw.len() - 1] == text;
    if !quoted {
        return value_span;
    }
    let byte = |c: usize| text.char_indices().nth(c).map_or(text.len(), |(b, _)| b);
    let start = value_span.start + 1 + byte(chars.start);
    let end = value_span.start + 1 + byte(chars.end.max(chars.start + 1));
    start..end.max(start + 1).min(value_span.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(text: &str, expected: &str) {
        assert_eq!(exact(text).map(|d| d.to_string()), Ok(expected.to_string()), "{text}");
    }

    #[test]
    fn numbers_are_exact_as_written() {
        case("2.52", "2.52");
        case("0.1", "0.1");
        case("-0.10", "-0.10");
        case("+7", "7");
        case("16000", "16000");
        case("0.1000000000000000000000000000000", "0.1");
        case("79228162514264337593543950335", "79228162514264337593543950335");
        assert!(exact("79228162514264337593543950336").is_err());
        assert!(exact("0.00000000000000000000000000001").is_err());
    }

    #[test]
    fn floats_with_exponents_are_exact() {
        assert_eq!(float("1.5e3").map(|d| d.normalize().to_string()), Ok("1500".into()));
        assert_eq!(float("25e-2").map(|d| d.normalize().to_string()), Ok("0.25".into()));
        assert!(float("inf").is_err());
        assert!(float("nan").is_err());
    }

    #[test]
    fn numeric_strings() {
        assert!(is_numeric_string("0.16"));
        assert!(is_numeric_string("-3"));
        assert!(!is_numeric_string("1."));
        assert!(!is_numeric_string(".5"));
        assert!(!is_numeric_string("1e3"));
        assert!(!is_numeric_string("abc"));
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// The number as written is the number used: any decimal text that fits
        /// reads back as the same text (sign and scale included).
        #[test]
        fn numbers_round_trip_as_written(int in "[1-9][0-9]{0,12}|0", frac in proptest::option::of("[0-9]{1,14}"), neg: bool) {
            let text = match &frac {
                Some(f) => format!("{}{int}.{f}", if neg { "-" } else { "" }),
                None => format!("{}{int}", if neg { "-" } else { "" }),
            };
            let d = exact(&text);
            let expected = match &d {
                Ok(d) if d.is_zero() => d.to_string(),
                _ => text.clone(),
            };
            prop_assert_eq!(d.map(|d| d.to_string()), Ok(expected));
        }

        /// Sums of exact decimals are exact (no binary floating point anywhere).
        #[test]
        fn sums_are_exact(a in 0u32..1_000_000, b in 0u32..1_000_000) {
            let x = exact(&format!("0.{a:06}"));
            let y = exact(&format!("0.{b:06}"));
            let sum = exact(&format!("{}.{:06}", (a + b) / 1_000_000, (a + b) % 1_000_000));
            prop_assert_eq!(x.and_then(|x| Ok(x + y?)), sum);
        }
    }

    #[test]
    fn point_one_plus_point_two_is_point_three() {
        let sum = |a: &str, b: &str| Ok::<_, String>(exact(a)? + exact(b)?);
        assert_eq!(sum("0.1", "0.2"), exact("0.3"));
        let sum = |a: &str, b: &str| Ok::<_, String>(float(a)? + float(b)?);
        assert_eq!(sum("0.1", "0.2"), float("0.3"));
    }
}
