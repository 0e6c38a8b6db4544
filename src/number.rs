//! How a number is printed wherever it leaves kaohe as a value (JSON, CSV, and the
//! reasons and notes those carry). Shared by evaluation, which writes reasons, and
//! rendering; rounding happens only here and in the renderers' display formats.

use rust_decimal::{Decimal, RoundingStrategy};

/// CONTRACT §8: half away from zero to 6 places, no trailing zeros, no exponent, never `-0`.
pub fn exact_number(d: Decimal) -> String {
    let mut s = String::new();
    let _ = write_number(&mut s, d);
    s
}

/// [`exact_number`], written to `out`.
pub fn write_number(out: &mut dyn std::fmt::Write, d: Decimal) -> std::fmt::Result {
    // Most figures have six places or fewer: nothing to round then.
    let r = if d.scale() <= 6 { d } else { d.round_dp_with_strategy(6, RoundingStrategy::MidpointAwayFromZero) };
    let r = r.normalize();
    if r.is_zero() { out.write_str("0") } else { write!(out, "{r}") }
}

/// For tables and sentences: 2 places, no trailing zeros.
pub fn short_number(d: Decimal) -> String {
    let r = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero).normalize();
    if r.is_zero() { "0".to_string() } else { r.to_string() }
}
