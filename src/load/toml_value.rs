//! Reading values out of a parsed TOML document while keeping their spans, so that
//! every shape error points at the key or value it is about. Numbers are read from
//! the text as written, never through a float.

use std::ops::Range;

use rust_decimal::Decimal;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::diagnostic::{Diagnostic, FileId, Loc, did_you_mean_message, is_near_miss};
use crate::text::{Expected, Message, NumberError, Subject, ValueType};

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

    pub fn error(&mut self, span: Range<usize>, message: impl Into<Message>) {
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
    pub fn finish(self, cx: &mut Cx, what: &Subject, known: &[&str], severity: Unknown) {
        for ((key, _), used) in self.entries.iter().zip(self.used) {
            if used {
                continue;
            }
            let name = key.get_ref().as_ref();
            let message = Message::UnknownKey { key: name.to_string(), within: what.clone() };
            // A near miss of a known key is an error even where unknown keys are only
            // warnings (CONTRACT §9): `applies = …` must not quietly apply to everyone.
            let near = known.iter().find(|k| is_near_miss(name, k));
            let mut d = match (severity, near) {
                (Unknown::Warning, Some(k)) => {
                    let help = Message::DidYouMeanKey { key: k.to_string() };
                    cx.push(Diagnostic::error(cx.loc(key.span()), message).with_help(help));
                    continue;
                }
                (Unknown::Error, _) => Diagnostic::error(cx.loc(key.span()), message),
                (Unknown::Warning, None) => Diagnostic::warning(cx.loc(key.span()), message),
            };
            d = match did_you_mean_message(name, known.iter().copied()) {
                Some(s) => d.with_help(s),
                None => d.with_help(Message::KnownKeys { keys: known.iter().map(|k| k.to_string()).collect() }),
            };
            cx.push(d);
        }
    }
}

pub fn type_name(v: &DeValue) -> ValueType {
    match v {
        DeValue::String(_) => ValueType::String,
        DeValue::Integer(_) => ValueType::Integer,
        DeValue::Float(_) => ValueType::Float,
        DeValue::Boolean(_) => ValueType::Boolean,
        DeValue::Datetime(_) => ValueType::Date,
        DeValue::Array(_) => ValueType::Array,
        DeValue::Table(_) => ValueType::Table,
    }
}

/// "`what` must be `expected`, found a …".
pub fn wrong_type(what: &Subject, expected: Expected, v: &DeValue) -> Message {
    Message::WrongType { what: what.clone(), expected, found: type_name(v) }
}

pub fn expect_str(cx: &mut Cx, v: &Value, what: &Subject) -> Option<String> {
    match v.get_ref() {
        DeValue::String(s) => Some(s.to_string()),
        other => {
            cx.error(v.span(), wrong_type(what, Expected::String, other));
            None
        }
    }
}

pub fn expect_bool(cx: &mut Cx, v: &Value, what: &Subject) -> Option<bool> {
    match v.get_ref() {
        DeValue::Boolean(b) => Some(*b),
        other => {
            cx.error(v.span(), wrong_type(what, Expected::Bool, other));
            None
        }
    }
}

pub fn expect_table<'t, 'i>(cx: &mut Cx, v: &'t Value<'i>, what: &Subject) -> Option<&'t DeTable<'i>> {
    match v.get_ref() {
        DeValue::Table(t) => Some(t),
        other => {
            cx.error(v.span(), wrong_type(what, Expected::Table, other));
            None
        }
    }
}

/// A string, or an array of strings (CONTRACT §9: `applies_to` values, tags).
pub fn string_list(cx: &mut Cx, v: &Value, what: &Subject) -> Option<Vec<String>> {
    match v.get_ref() {
        DeValue::String(s) => Some(vec![s.to_string()]),
        DeValue::Array(items) => {
            let mut out = Vec::new();
            for item in items.iter() {
                out.push(expect_str(cx, item, &Subject::EachEntryOf(Box::new(what.clone())))?);
            }
            Some(out)
        }
        other => {
            cx.error(v.span(), wrong_type(what, Expected::StringOrList, other));
            None
        }
    }
}

/// An exact decimal from a TOML integer, float or numeric string (CONTRACT §3, §9).
pub fn expect_decimal(cx: &mut Cx, v: &Value, what: &Subject) -> Option<Decimal> {
    match number(v.get_ref()) {
        Some(Ok(d)) => Some(d),
        Some(Err(message)) => {
            cx.error(v.span(), Message::BadNumber { what: what.clone(), error: message });
            None
        }
        None => {
            cx.error(v.span(), wrong_type(what, Expected::Number, v.get_ref()));
            None
        }
    }
}

/// `None` when the value is not a number at all; `Some(Err)` when it is one that
/// cannot be represented exactly. Every way TOML writes a number (underscores,
/// exponents, hex, octal and binary integers) is read from its text, never through
/// a float, and follows the same rule (CONTRACT §9).
pub fn number(v: &DeValue) -> Option<Result<Decimal, NumberError>> {
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

/// A TOML integer's text (underscores already removed by the parser) in its radix.
pub fn integer(text: &str, radix: u32) -> Result<Decimal, NumberError> {
    if radix == 10 {
        return exact(text);
    }
    let prefix = match radix {
        16 => "0x",
        8 => "0o",
        2 => "0b",
        _ => "",
    };
    let written = format!("{prefix}{text}");
    // TOML writes these without a sign.
    let value = u128::from_str_radix(text, radix).map_err(|_| too_large(&written))?;
    build(false, value, 0).ok_or_else(|| too_large(&written))
}

/// A TOML float's text: `[+-]?DIGITS(.DIGITS)?([eE][+-]?DIGITS)?`, `inf` or `nan`.
fn float(text: &str) -> Result<Decimal, NumberError> {
    // Most floats are plain decimals (3457.35): no exponent, no inf or nan.
    if !text.bytes().any(|b| b.is_ascii_alphabetic()) {
        return exact(text);
    }
    let lower = text.to_ascii_lowercase();
    if lower.contains("inf") || lower.contains("nan") {
        return Err(NumberError::NotFinite(text.to_string()));
    }
    let (mantissa, exponent) = match lower.split_once('e') {
        Some((m, e)) => (m, Some(e)),
        None => (lower.as_str(), None),
    };
    let Some(exponent) = exponent else { return exact(text) };
    let (negative, int, frac) = split_decimal(mantissa).ok_or_else(|| NumberError::NotANumber(text.to_string()))?;
    let digits = format!("{int}{frac}");
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        // Zero, whatever the exponent.
        return Ok(Decimal::ZERO);
    }
    // An exponent too long for i64 is far beyond what fits either way.
    let exp: i64 = exponent.parse().map_err(|_| too_large(text))?;
    let scale = frac.len() as i128 - i128::from(exp);
    exact_parts(negative, digits, scale).ok_or_else(|| too_large(text))
}

/// Sign, integer digits and fractional digits of `[+-]?[0-9]+(\.[0-9]+)?`.
fn split_decimal(text: &str) -> Option<(bool, &str, &str)> {
    let negative = text.starts_with('-');
    let body = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    (!int.is_empty() && digits(int) && digits(frac) && (frac.is_empty() != body.contains('.')))
        .then_some((negative, int, frac))
}

/// The decimal `digits` × 10^-`scale`, exactly: the scale as written when it fits,
/// else with trailing fractional zeros dropped; `None` when even that does not fit
/// (CONTRACT §9: an integer below 2^96 with at most 28 places).
fn exact_parts(negative: bool, digits: &str, scale: i128) -> Option<Decimal> {
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        return Some(Decimal::ZERO);
    }
    if scale < 0 {
        // A whole number: the digits followed by -scale zeros.
        if digits.len() as i128 - scale > 29 {
            return None;
        }
        let mut value: u128 = digits.parse().ok()?;
        for _ in 0..-scale {
            value = value.checked_mul(10)?;
        }
        return build(negative, value, 0);
    }
    if scale <= 28
        && digits.len() <= 29
        && let Some(d) = digits.parse::<u128>().ok().and_then(|v| build(negative, v, scale as u32))
    {
        return Some(d);
    }
    // Drop trailing fractional zeros, then try again.
    let zeros = digits.len() - digits.trim_end_matches('0').len();
    let dropped = zeros.min(usize::try_from(scale).unwrap_or(usize::MAX));
    let (digits, scale) = (&digits[..digits.len() - dropped], scale - dropped as i128);
    if scale > 28 || digits.len() > 29 {
        return None;
    }
    build(negative, digits.parse().ok()?, scale as u32)
}

/// A decimal from its mantissa and scale, when the mantissa is below 2^96.
fn build(negative: bool, mantissa: u128, scale: u32) -> Option<Decimal> {
    if mantissa >= 1u128 << 96 || scale > 28 {
        return None;
    }
    let signed = i128::try_from(mantissa).ok()?;
    Decimal::try_from_i128_with_scale(if negative { -signed } else { signed }, scale).ok()
}

fn too_large(text: &str) -> NumberError {
    NumberError::NotExact(text.to_string())
}

/// Parse decimal text `[+-]?[0-9]+(\.[0-9]+)?` exactly, keeping its scale (2.50 stays
/// 2.50) when it fits, dropping trailing fractional zeros when that makes it fit
/// (CONTRACT §9).
pub fn exact(text: &str) -> Result<Decimal, NumberError> {
    let (negative, int, frac) = split_decimal(text).ok_or_else(|| NumberError::NotANumber(text.to_string()))?;
    // Nearly every figure has at most 28 digits: read them straight into the mantissa
    // (a national workspace has millions), the same value `exact_parts` gives.
    if int.len() + frac.len() <= 28 {
        let mantissa = int.bytes().chain(frac.bytes()).fold(0u128, |m, b| m * 10 + u128::from(b - b'0'));
        if mantissa == 0 {
            return Ok(Decimal::ZERO);
        }
        if let Some(d) = build(negative, mantissa, frac.len() as u32) {
            return Ok(d);
        }
    }
    exact_parts(negative, &format!("{int}{frac}"), frac.len() as i128).ok_or_else(|| too_large(text))
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
        case("0.00000000000000000000000000010", "0.0000000000000000000000000001");
        case("-0", "0");
        case("007", "7");
        assert!(exact("79228162514264337593543950336").is_err());
        assert!(exact("0.00000000000000000000000000001").is_err());
        assert!(exact("1.").is_err());
        assert!(exact(".5").is_err());
    }

    #[test]
    fn floats_with_exponents_are_exact() {
        let float_case = |text: &str, expected: &str| {
            assert_eq!(float(text).map(|d| d.to_string()), Ok(expected.to_string()), "{text}");
        };
        float_case("1.5e3", "1500");
        float_case("25e-2", "0.25");
        float_case("+10.50e-20", "0.0000000000000000001050");
        float_case("1.1e-27", "0.0000000000000000000000000011");
        float_case("1E5", "100000");
        float_case("1e+3", "1000");
        float_case("0e99999999999999999999", "0");
        float_case("-2.5e0", "-2.5");
        float_case("7.9228162514264337593543950335e28", "79228162514264337593543950335");
        float_case("100e-30", "0.0000000000000000000000000001");
        float_case("0.10e1", "1.0");
        for bad in [
            "1e-29",
            "1.11e-27",
            "7.9228162514264337593543950336e28",
            "1e29",
            "1e99999999999999999999",
            "inf",
            "-inf",
            "nan",
            "+nan",
        ] {
            assert!(float(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn integers_in_every_radix() {
        let int_case = |text: &str, radix: u32, expected: &str| {
            assert_eq!(integer(text, radix).map(|d| d.to_string()), Ok(expected.to_string()), "{text}");
        };
        int_case("7DF", 16, "2015");
        int_case("DEADbeef", 16, "3735928559");
        int_case("3737", 8, "2015");
        int_case("11111011111", 2, "2015");
        int_case("-12", 10, "-12");
        int_case("ffffffffffffffffffffffff", 16, "79228162514264337593543950335");
        assert!(integer("1000000000000000000000000", 16).is_err());
        assert!(integer("ffffffffffffffffffffffffffffffffff", 16).is_err());
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

        /// The short path for up to 28 digits gives what the general one does, bit for
        /// bit (scale, sign, zero), with leading and trailing zeros, near and past the edge.
        #[test]
        fn the_short_path_reads_as_the_general_one(sign in "[+-]?", int in "[0-9]{1,20}", frac in proptest::option::of("[0-9]{1,20}")) {
            let text = match &frac {
                Some(f) => format!("{sign}{int}.{f}"),
                None => format!("{sign}{int}"),
            };
            let frac = frac.unwrap_or_default();
            let general = exact_parts(sign == "-", &format!("{int}{frac}"), frac.len() as i128).ok_or_else(|| too_large(&text));
            prop_assert_eq!(exact(&text).map(|d| d.serialize()), general.map(|d| d.serialize()));
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

    /// The plain decimal text of `digits` × 10^`exp` (no exponent), built by moving
    /// the point: an oracle independent of the parser.
    fn plain(negative: bool, int: &str, frac: &str, exp: i32) -> String {
        let digits = format!("{int}{frac}");
        let point = int.len() as i64 + i64::from(exp);
        let body = if point <= 0 {
            format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
        } else if point as usize >= digits.len() {
            format!("{digits}{}", "0".repeat(point as usize - digits.len()))
        } else {
            format!("{}.{}", &digits[..point as usize], &digits[point as usize..])
        };
        format!("{}{body}", if negative { "-" } else { "" })
    }

    proptest! {
        /// `1.25e-3` is the number `0.00125`, exactly, in every way TOML writes a float;
        /// and it is an error exactly when that plain decimal is one (CONTRACT §9).
        #[test]
        fn floats_with_exponents_are_their_plain_decimal(
            negative: bool,
            int in "[0-9]{1,12}",
            frac in proptest::option::of("[0-9]{1,12}"),
            exp in -40i32..40,
            upper: bool,
        ) {
            let frac_text = frac.clone().unwrap_or_default();
            let text = format!(
                "{}{int}{}{}{exp}",
                if negative { "-" } else { "" },
                frac.as_ref().map(|f| format!(".{f}")).unwrap_or_default(),
                if upper { "E" } else { "e" },
            );
            let expected = exact(&plain(negative, &int, &frac_text, exp));
            let got = float(&text);
            prop_assert_eq!(got.as_ref().ok().map(|d| d.normalize()), expected.as_ref().ok().map(|d| d.normalize()), "{}", text);
            prop_assert_eq!(got.is_ok(), expected.is_ok(), "{}", text);
        }

        /// Hex, octal and binary integers are their value.
        #[test]
        fn integers_in_any_radix_are_their_value(v in 0u128..(1u128 << 100), radix in prop::sample::select(vec![2u32, 8, 16])) {
            let text = match radix {
                2 => format!("{v:b}"),
                8 => format!("{v:o}"),
                _ => format!("{v:X}"),
            };
            let got = integer(&text, radix);
            if v < (1u128 << 96) {
                prop_assert_eq!(got.map(|d| d.to_string()), Ok(v.to_string()));
            } else {
                prop_assert!(got.is_err());
            }
        }
    }

    #[test]
    fn point_one_plus_point_two_is_point_three() {
        let sum = |a: &str, b: &str| Ok::<_, NumberError>(exact(a)? + exact(b)?);
        assert_eq!(sum("0.1", "0.2"), exact("0.3"));
        let sum = |a: &str, b: &str| Ok::<_, NumberError>(float(a)? + float(b)?);
        assert_eq!(sum("0.1", "0.2"), float("0.3"));
    }
}
