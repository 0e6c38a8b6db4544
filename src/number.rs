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
    let mut digits = Digits::new();
    // Only ASCII digits, '.' and '-' are written.
    out.write_str(std::str::from_utf8(digits.format(d)).unwrap_or("0"))
}

/// [`exact_number`], appended to `out`.
pub fn push_number(out: &mut Vec<u8>, d: Decimal) {
    let mut digits = Digits::new();
    out.extend_from_slice(digits.format(d));
}

/// [`exact_number`]'s text, built right to left in a stack buffer: rust_decimal's
/// `Display` goes through `fmt` and a general routine, and a national JSON run prints
/// millions of numbers.
struct Digits {
    /// A 96-bit mantissa has at most 29 digits; with sign, point and a leading 0: 32.
    buf: [u8; 40],
}

impl Digits {
    fn new() -> Self {
        Digits { buf: [0; 40] }
    }

    fn format(&mut self, d: Decimal) -> &[u8] {
        // Most figures have six places or fewer: nothing to round then.
        let r = if d.scale() <= 6 { d } else { d.round_dp_with_strategy(6, RoundingStrategy::MidpointAwayFromZero) };
        let mut m = r.mantissa().unsigned_abs();
        if m == 0 {
            return b"0";
        }
        // Trailing zeros dropped here, as `normalize` would, without its general routine.
        let mut scale = r.scale() as usize;
        while scale > 0 && m % 10 == 0 {
            m /= 10;
            scale -= 1;
        }
        let mut pos = self.buf.len();
        let mut written = 0;
        // Digits from the last; the point after `scale` of them, a 0 before a point.
        loop {
            if written == scale && scale > 0 {
                pos -= 1;
                self.buf[pos] = b'.';
            }
            // u64 division is much cheaper than u128, and nearly every mantissa fits.
            let digit = match u64::try_from(m) {
                Ok(small) => {
                    m = u128::from(small / 10);
                    small % 10
                }
                Err(_) => {
                    let digit = (m % 10) as u64;
                    m /= 10;
                    digit
                }
            };
            pos -= 1;
            self.buf[pos] = b'0' + digit as u8;
            written += 1;
            if m == 0 && written > scale {
                break;
            }
        }
        if r.is_sign_negative() {
            pos -= 1;
            self.buf[pos] = b'-';
        }
        &self.buf[pos..]
    }
}

/// For tables and sentences: 2 places, no trailing zeros.
pub fn short_number(d: Decimal) -> String {
    let r = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero).normalize();
    if r.is_zero() { "0".to_string() } else { r.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The text rust_decimal's `Display` gives, which the contract's examples were made with.
    fn by_display(d: Decimal) -> String {
        let r = d.round_dp_with_strategy(6, RoundingStrategy::MidpointAwayFromZero).normalize();
        if r.is_zero() { "0".to_string() } else { r.to_string() }
    }

    #[test]
    fn exact_numbers() {
        for (text, want) in [
            ("0", "0"),
            ("-0.0000001", "0"),
            ("0.5", "0.5"),
            ("-0.05", "-0.05"),
            ("123.4500", "123.45"),
            ("100", "100"),
            ("1.0000005", "1.000001"),
            ("-79228162514264337593543950335", "-79228162514264337593543950335"),
            ("7922816251426433759354395.0335", "7922816251426433759354395.0335"),
        ] {
            let d: Decimal = text.parse().unwrap();
            assert_eq!(exact_number(d), want, "{text}");
            assert_eq!(by_display(d), want, "{text}");
        }
        let mut bytes = Vec::new();
        push_number(&mut bytes, Decimal::new(-1234, 3));
        assert_eq!(bytes, b"-1.234");
    }

    proptest! {
        #[test]
        fn the_same_text_as_display(lo in any::<u32>(), mid in any::<u32>(), hi in any::<u32>(), neg: bool, scale in 0u32..=28) {
            let d = Decimal::from_parts(lo, mid, hi, neg, scale);
            prop_assert_eq!(exact_number(d), by_display(d));
        }
    }
}
