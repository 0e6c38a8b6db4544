//! Exact interval arithmetic over `rust_decimal` numbers.
//!
//! Every figure kaohe works with is an interval (CONTRACT §5): an exact value is a
//! point, "16000余件" is `[16000, +inf)`, "近100种" is `(-inf, 100]`. Formulas are
//! evaluated by pushing these intervals through `+ - × ÷`, `min`, `max` and `abs`, so
//! that a rule can be decided as soon as every value the inputs allow agrees, and left
//! `unknown` otherwise. Bounds are closed, a missing bound means "unbounded on that
//! side", and an approximate input taints every result computed from it. Nothing here
//! rounds except rust_decimal's own division (28 significant digits), and nothing here
//! panics: any overflow is reported as [`ArithError::TooLarge`].

use std::cmp::Ordering;

use rust_decimal::Decimal;

/// A closed interval of exact decimals; `None` on a side means unbounded.
///
/// `approx` records that some input was only approximately known ("约", "近"); the
/// bounds are then the best figures available, not guarantees, and every result
/// computed from such an interval is approximate too.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Interval {
    /// Lower bound; `None` is minus infinity.
    pub low: Option<Decimal>,
    /// Upper bound; `None` is plus infinity.
    pub high: Option<Decimal>,
    /// Whether an approximate value went into this interval.
    pub approx: bool,
}

/// Why an interval operation has no answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArithError {
    /// The divisor interval contains zero (CONTRACT §5: the result is unknown).
    DivisionByZero,
    /// A bound does not fit a `Decimal` (beyond 96 bits).
    TooLarge,
}

impl std::fmt::Display for ArithError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ArithError::DivisionByZero => f.write_str("division by zero"),
            ArithError::TooLarge => f.write_str("number too large"),
        }
    }
}

impl std::error::Error for ArithError {}

/// A bound on the extended number line, used only while combining corners: the
/// products and quotients of unbounded sides need a value to compare, and the
/// derived `Ord` (variants in this order) puts the infinities at the ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Ext {
    NegInf,
    Fin(Decimal),
    PosInf,
}

impl Ext {
    fn low(bound: Option<Decimal>) -> Ext {
        bound.map_or(Ext::NegInf, Ext::Fin)
    }

    fn high(bound: Option<Decimal>) -> Ext {
        bound.map_or(Ext::PosInf, Ext::Fin)
    }

    /// -1, 0 or 1.
    fn sign(self) -> Ordering {
        match self {
            Ext::NegInf => Ordering::Less,
            Ext::Fin(d) => d.cmp(&Decimal::ZERO),
            Ext::PosInf => Ordering::Greater,
        }
    }

    fn infinity(sign: Ordering) -> Ext {
        match sign {
            Ordering::Less => Ext::NegInf,
            Ordering::Equal => Ext::Fin(Decimal::ZERO),
            Ordering::Greater => Ext::PosInf,
        }
    }

    /// The product; 0 × ±inf is 0 (CONTRACT §9), so `0 × [1, +inf)` stays `[0, 0]`.
    fn mul(self, other: Ext) -> Result<Ext, ArithError> {
        match (self, other) {
            (Ext::Fin(a), Ext::Fin(b)) => a.checked_mul(b).map(Ext::Fin).ok_or(ArithError::TooLarge),
            _ => Ok(Ext::infinity(product_sign(self.sign(), other.sign()))),
        }
    }

    /// The candidate quotients for this corner. The caller guarantees the divisor is
    /// not zero. A finite number over an infinity tends to 0; infinity over infinity
    /// could tend to anything between 0 and that signed infinity, so both ends are
    /// offered, which keeps the hull sound without having to reason about limits.
    fn div(self, other: Ext, out: &mut Corners) -> Result<(), ArithError> {
        match (self, other) {
            (Ext::Fin(a), Ext::Fin(b)) => {
                if b.is_zero() {
                    return Err(ArithError::DivisionByZero);
                }
                out.push(Ext::Fin(a.checked_div(b).ok_or(ArithError::TooLarge)?));
            }
            (Ext::Fin(_), _) => out.push(Ext::Fin(Decimal::ZERO)),
            (_, Ext::Fin(_)) => out.push(Ext::infinity(product_sign(self.sign(), other.sign()))),
            _ => {
                out.push(Ext::Fin(Decimal::ZERO));
                out.push(Ext::infinity(product_sign(self.sign(), other.sign())));
            }
        }
        Ok(())
    }
}

/// The candidate quotients of `Interval::div`: at most eight.
struct Corners {
    items: [Ext; 8],
    len: usize,
}

impl Corners {
    fn push(&mut self, e: Ext) {
        self.items[self.len] = e;
        self.len += 1;
    }
}

fn product_sign(a: Ordering, b: Ordering) -> Ordering {
    match (a, b) {
        (Ordering::Equal, _) | (_, Ordering::Equal) => Ordering::Equal,
        (x, y) if x == y => Ordering::Greater,
        _ => Ordering::Less,
    }
}

/// The hull of a set of candidate bounds. A minimum of +inf (or a maximum of -inf)
/// cannot come from well-formed operands; should a caller hand in an inverted
/// interval, widening to unbounded is the answer that can never claim too much.
fn hull(candidates: &[Ext], approx: bool) -> Interval {
    let low = match candidates.iter().min() {
        Some(Ext::Fin(d)) => Some(*d),
        _ => None,
    };
    let high = match candidates.iter().max() {
        Some(Ext::Fin(d)) => Some(*d),
        _ => None,
    };
    Interval { low, high, approx }
}

/// Adds two optional bounds; `None` (an infinity) absorbs.
fn add_bound(a: Option<Decimal>, b: Option<Decimal>) -> Result<Option<Decimal>, ArithError> {
    match (a, b) {
        (Some(x), Some(y)) => x.checked_add(y).map(Some).ok_or(ArithError::TooLarge),
        _ => Ok(None),
    }
}

impl Interval {
    /// The exact value `[v, v]`.
    pub fn point(v: Decimal) -> Self {
        Interval { low: Some(v), high: Some(v), approx: false }
    }

    /// `[v, +inf)`: "at least v" ("16000余件", "300以上").
    pub fn at_least(v: Decimal) -> Self {
        Interval { low: Some(v), high: None, approx: false }
    }

    /// `(-inf, v]`: "at most v" ("近100种").
    pub fn at_most(v: Decimal) -> Self {
        Interval { low: None, high: Some(v), approx: false }
    }

    /// `[v, v]` marked approximate ("约100").
    pub fn approx(v: Decimal) -> Self {
        Interval { low: Some(v), high: Some(v), approx: true }
    }

    /// `(-inf, +inf)`: nothing is known.
    pub fn unbounded() -> Self {
        Interval { low: None, high: None, approx: false }
    }

    /// The value when the interval is a single point (approximate or not).
    pub fn as_point(&self) -> Option<Decimal> {
        match (self.low, self.high) {
            (Some(l), Some(h)) if l == h => Some(l),
            _ => None,
        }
    }

    /// The value when both bounds are the very same decimal (same scale too), so that
    /// a shortcut over it gives the bits the general corner rule would.
    fn exact_point(&self) -> Option<Decimal> {
        match (self.low, self.high) {
            (Some(l), Some(h)) if l.serialize() == h.serialize() => Some(l),
            _ => None,
        }
    }

    /// Whether `v` lies within the closed bounds.
    pub fn contains(&self, v: Decimal) -> bool {
        self.low.is_none_or(|l| l <= v) && self.high.is_none_or(|h| v <= h)
    }

    /// Whether zero lies within the bounds (CONTRACT §9): `[0, +inf)` and
    /// `(-inf, +inf)` contain zero, `[1, +inf)` does not.
    pub fn contains_zero(&self) -> bool {
        self.contains(Decimal::ZERO)
    }

    /// `[a + c, b + d]`.
    pub fn add(&self, o: &Interval) -> Result<Interval, ArithError> {
        Ok(Interval {
            low: add_bound(self.low, o.low)?,
            high: add_bound(self.high, o.high)?,
            approx: self.approx || o.approx,
        })
    }

    /// `[a - d, b - c]`.
    pub fn sub(&self, o: &Interval) -> Result<Interval, ArithError> {
        // Negation is exact for every Decimal (the range is symmetric), so this is
        // addition of the negated interval with no extra rounding.
        self.add(&o.neg())
    }

    /// The hull of the four corner products; 0 × unbounded = 0.
    pub fn mul(&self, o: &Interval) -> Result<Interval, ArithError> {
        // Most values are exact points: one product instead of four and their hull
        // (the four corners would be the same bits).
        if let (Some(x), Some(y)) = (self.exact_point(), o.exact_point()) {
            let v = x.checked_mul(y).ok_or(ArithError::TooLarge)?;
            return Ok(Interval { low: Some(v), high: Some(v), approx: self.approx || o.approx });
        }
        let (a, b) = (Ext::low(self.low), Ext::high(self.high));
        let (c, d) = (Ext::low(o.low), Ext::high(o.high));
        let corners = [a.mul(c)?, a.mul(d)?, b.mul(c)?, b.mul(d)?];
        Ok(hull(&corners, self.approx || o.approx))
    }

    /// The hull of the corner quotients. A divisor containing zero is
    /// [`ArithError::DivisionByZero`]; `1 / [2, +inf)` is `[0, 0.5]`.
    ///
    /// Each corner is divided directly rather than multiplied by a reciprocal, so a
    /// point divided by a point is exactly rust_decimal's quotient (`[1,1] / [3,3] × 3`
    /// must agree with `1 / 3 × 3` computed on plain numbers).
    pub fn div(&self, o: &Interval) -> Result<Interval, ArithError> {
        if o.contains_zero() {
            return Err(ArithError::DivisionByZero);
        }
        if let (Some(x), Some(y)) = (self.exact_point(), o.exact_point()) {
            let v = x.checked_div(y).ok_or(ArithError::TooLarge)?;
            return Ok(Interval { low: Some(v), high: Some(v), approx: self.approx || o.approx });
        }
        let (a, b) = (Ext::low(self.low), Ext::high(self.high));
        let (c, d) = (Ext::low(o.low), Ext::high(o.high));
        // At most two candidates per corner; on the stack, not the heap.
        let mut corners = Corners { items: [Ext::NegInf; 8], len: 0 };
        for (x, y) in [(a, c), (a, d), (b, c), (b, d)] {
            x.div(y, &mut corners)?;
        }
        Ok(hull(&corners.items[..corners.len], self.approx || o.approx))
    }

    /// `[-b, -a]`. Never overflows: `Decimal::MIN == -Decimal::MAX`.
    pub fn neg(&self) -> Interval {
        Interval { low: self.high.map(|h| -h), high: self.low.map(|l| -l), approx: self.approx }
    }

    /// The absolute value: the interval itself when non-negative, its negation when
    /// non-positive, else `[0, max(-a, b)]`.
    pub fn abs(&self) -> Interval {
        if self.low.is_some_and(|l| l >= Decimal::ZERO) {
            return *self;
        }
        if self.high.is_some_and(|h| h <= Decimal::ZERO) {
            return self.neg();
        }
        let high = match (self.low, self.high) {
            (Some(l), Some(h)) => Some(h.max(-l)),
            _ => None,
        };
        Interval { low: Some(Decimal::ZERO), high, approx: self.approx }
    }

    /// The elementwise minimum: the smallest low and the smallest high. An empty slice
    /// gives `(-inf, +inf)` (callers never pass one; the formula parser demands an
    /// argument).
    pub fn min(items: &[Interval]) -> Interval {
        let low = items.iter().map(|i| Ext::low(i.low)).min();
        let high = items.iter().map(|i| Ext::high(i.high)).min();
        Interval::from_ext(low, high, items)
    }

    /// The elementwise maximum: the largest low and the largest high.
    pub fn max(items: &[Interval]) -> Interval {
        let low = items.iter().map(|i| Ext::low(i.low)).max();
        let high = items.iter().map(|i| Ext::high(i.high)).max();
        Interval::from_ext(low, high, items)
    }

    fn from_ext(low: Option<Ext>, high: Option<Ext>, items: &[Interval]) -> Interval {
        let finite = |e: Option<Ext>| match e {
            Some(Ext::Fin(d)) => Some(d),
            _ => None,
        };
        Interval { low: finite(low), high: finite(high), approx: items.iter().any(|i| i.approx) }
    }
}

/// Short constructors for tests here and in `expr`.
#[cfg(test)]
pub(crate) mod testing {
    use rust_decimal::Decimal;

    use super::Interval;

    pub fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).expect("test literal")
    }

    fn b(s: &str) -> Option<Decimal> {
        if s == "inf" || s == "-inf" { None } else { Some(d(s)) }
    }

    /// `iv("1", "inf")` is `[1, +inf)`.
    pub fn iv(low: &str, high: &str) -> Interval {
        Interval { low: b(low), high: b(high), approx: false }
    }

    pub fn p(s: &str) -> Interval {
        Interval::point(d(s))
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{d, iv, p};
    use super::{ArithError, Interval};
    use proptest::prelude::{Just, Strategy, any, prop_assert, prop_oneof, proptest};
    use rust_decimal::Decimal;

    type Op = fn(&Interval, &Interval) -> Result<Interval, ArithError>;

    #[track_caller]
    fn case(op: Op, a: Interval, o: Interval, expected: Result<Interval, ArithError>) {
        assert_eq!(op(&a, &o), expected, "{a:?} op {o:?}");
    }

    #[test]
    fn constructors() {
        assert_eq!(Interval::point(d("2")), iv("2", "2"));
        assert_eq!(Interval::at_least(d("2")), iv("2", "inf"));
        assert_eq!(Interval::at_most(d("2")), iv("-inf", "2"));
        assert_eq!(Interval::approx(d("2")), Interval { approx: true, ..iv("2", "2") });
        assert_eq!(Interval::unbounded(), iv("-inf", "inf"));
        assert_eq!(p("2.50").as_point(), Some(d("2.5")));
        assert_eq!(Interval::approx(d("2")).as_point(), Some(d("2")));
        assert_eq!(iv("1", "2").as_point(), None);
        assert_eq!(iv("1", "inf").as_point(), None);
    }

    #[test]
    fn containment() {
        for (i, v, expected) in [
            (iv("1", "2"), "1", true),
            (iv("1", "2"), "2", true),
            (iv("1", "2"), "2.0001", false),
            (iv("1", "inf"), "1000000", true),
            (iv("1", "inf"), "0.9", false),
            (iv("-inf", "1"), "-1000000", true),
            (iv("-inf", "inf"), "0", true),
        ] {
            assert_eq!(i.contains(d(v)), expected, "{i:?} contains {v}");
        }
        for (i, expected) in [
            (iv("0", "inf"), true),
            (iv("1", "inf"), false),
            (iv("-inf", "inf"), true),
            (iv("-inf", "0"), true),
            (iv("-inf", "-1"), false),
            (iv("-1", "1"), true),
            (iv("0", "0"), true),
            (iv("0.001", "5"), false),
        ] {
            assert_eq!(i.contains_zero(), expected, "{i:?}");
        }
    }

    #[test]
    fn addition_and_subtraction() {
        case(Interval::add, p("0.1"), p("0.2"), Ok(p("0.3")));
        case(Interval::add, iv("1", "2"), iv("10", "20"), Ok(iv("11", "22")));
        case(Interval::add, iv("1", "inf"), p("5"), Ok(iv("6", "inf")));
        case(Interval::add, iv("-inf", "1"), iv("1", "inf"), Ok(iv("-inf", "inf")));
        case(Interval::sub, iv("1", "2"), iv("10", "20"), Ok(iv("-19", "-8")));
        case(Interval::sub, iv("1", "inf"), iv("-inf", "3"), Ok(iv("-2", "inf")));
        case(Interval::sub, iv("1", "inf"), iv("1", "inf"), Ok(iv("-inf", "inf")));
        case(Interval::sub, p("0.3"), p("0.1"), Ok(p("0.2")));
    }

    #[test]
    fn multiplication() {
        case(Interval::mul, p("3"), p("-4"), Ok(p("-12")));
        case(Interval::mul, iv("-2", "3"), iv("-5", "4"), Ok(iv("-15", "12")));
        case(Interval::mul, iv("-2", "-1"), iv("-5", "-4"), Ok(iv("4", "10")));
        case(Interval::mul, iv("1", "inf"), p("2"), Ok(iv("2", "inf")));
        case(Interval::mul, iv("1", "inf"), p("-2"), Ok(iv("-inf", "-2")));
        case(Interval::mul, iv("-inf", "-1"), iv("-inf", "-1"), Ok(iv("1", "inf")));
        case(Interval::mul, iv("1", "inf"), iv("-inf", "-1"), Ok(iv("-inf", "-1")));
        case(Interval::mul, iv("-1", "inf"), iv("2", "3"), Ok(iv("-3", "inf")));
        // 0 × unbounded = 0
        case(Interval::mul, p("0"), iv("1", "inf"), Ok(p("0")));
        case(Interval::mul, iv("-inf", "inf"), p("0"), Ok(p("0")));
        case(Interval::mul, iv("0", "inf"), iv("0", "inf"), Ok(iv("0", "inf")));
        case(Interval::mul, iv("-inf", "inf"), iv("1", "2"), Ok(iv("-inf", "inf")));
        // The point shortcut keeps the bits (scale) the corner rule gives, approx too.
        let r = Interval::approx(d("1.50")).mul(&p("2")).unwrap();
        assert_eq!((r.low.unwrap().to_string(), r.approx), ("3.00".to_string(), true));
        // Equal bounds of different scales are not a shortcut point: corners as before.
        let r = iv("1.0", "1.00").mul(&p("3")).unwrap();
        assert_eq!((r.low.unwrap().to_string(), r.high.unwrap().to_string()), ("3.0".into(), "3.00".into()));
    }

    #[test]
    fn division() {
        case(Interval::div, p("1"), p("4"), Ok(p("0.25")));
        case(Interval::div, p("1"), iv("2", "inf"), Ok(iv("0", "0.5")));
        case(Interval::div, p("-1"), iv("2", "inf"), Ok(iv("-0.5", "0")));
        case(Interval::div, p("1"), iv("-inf", "-2"), Ok(iv("-0.5", "0")));
        case(Interval::div, iv("1", "inf"), iv("1", "inf"), Ok(iv("0", "inf")));
        case(Interval::div, iv("-inf", "inf"), iv("1", "inf"), Ok(iv("-inf", "inf")));
        case(Interval::div, iv("1", "inf"), iv("-inf", "-1"), Ok(iv("-inf", "0")));
        case(Interval::div, iv("2", "6"), iv("1", "2"), Ok(iv("1", "6")));
        case(Interval::div, iv("-6", "2"), iv("-2", "-1"), Ok(iv("-2", "6")));
        case(Interval::div, iv("12000", "inf"), p("30000"), Ok(iv("0.4", "inf")));
        // 28 significant digits, exactly as rust_decimal divides
        case(Interval::div, p("2"), p("3"), Ok(p("0.6666666666666666666666666667")));
        // divisors containing zero
        for divisor in [iv("0", "inf"), iv("-1", "1"), iv("-inf", "inf"), iv("-inf", "0"), p("0")] {
            case(Interval::div, p("1"), divisor, Err(ArithError::DivisionByZero));
        }
    }

    #[test]
    fn negation_absolute_value_min_max() {
        assert_eq!(iv("1", "inf").neg(), iv("-inf", "-1"));
        assert_eq!(iv("-2", "3").neg(), iv("-3", "2"));
        assert_eq!(iv("2", "3").abs(), iv("2", "3"));
        assert_eq!(iv("-3", "-2").abs(), iv("2", "3"));
        assert_eq!(iv("-3", "2").abs(), iv("0", "3"));
        assert_eq!(iv("-2", "5").abs(), iv("0", "5"));
        assert_eq!(iv("-inf", "2").abs(), iv("0", "inf"));
        assert_eq!(iv("-inf", "-2").abs(), iv("2", "inf"));
        assert_eq!(iv("-1", "inf").abs(), iv("0", "inf"));
        let items = [iv("1", "5"), iv("2", "inf"), iv("-inf", "3")];
        assert_eq!(Interval::min(&items), iv("-inf", "3"));
        assert_eq!(Interval::max(&items), iv("2", "inf"));
        assert_eq!(Interval::min(&[p("4"), p("2"), p("3")]), p("2"));
        assert_eq!(Interval::max(&[p("4"), p("2"), p("3")]), p("4"));
        assert_eq!(Interval::min(&[]), iv("-inf", "inf"));
        assert_eq!(Interval::max(&[]), iv("-inf", "inf"));
    }

    #[test]
    fn overflow_is_too_large() {
        let max = Interval::point(Decimal::MAX);
        case(Interval::add, max, p("1"), Err(ArithError::TooLarge));
        case(Interval::sub, max.neg(), p("1"), Err(ArithError::TooLarge));
        case(Interval::mul, max, p("2"), Err(ArithError::TooLarge));
        case(Interval::div, max, p("0.5"), Err(ArithError::TooLarge));
        case(
            Interval::mul,
            iv("-1", "1"),
            max,
            Ok(iv("-79228162514264337593543950335", "79228162514264337593543950335")),
        );
        // an unbounded side never overflows: it is already infinite
        case(Interval::add, iv("1", "inf"), max, Err(ArithError::TooLarge));
        case(Interval::add, iv("-inf", "0"), max, Ok(iv("-inf", "79228162514264337593543950335")));
    }

    #[test]
    fn approximation_spreads() {
        let approx = Interval::approx(d("2"));
        let exact = p("3");
        let ops: [Op; 4] = [Interval::add, Interval::sub, Interval::mul, Interval::div];
        for op in ops {
            assert!(op(&approx, &exact).is_ok_and(|r| r.approx));
            assert!(op(&exact, &approx).is_ok_and(|r| r.approx));
            assert!(op(&exact, &exact).is_ok_and(|r| !r.approx));
        }
        // even where the approximate side cannot change the figure
        assert!(p("0").mul(&approx).is_ok_and(|r| r.approx && r.as_point() == Some(d("0"))));
        assert!(approx.neg().approx && approx.abs().approx);
        assert!(Interval::min(&[exact, approx]).approx);
        assert!(Interval::max(&[approx, exact]).approx);
        assert!(!Interval::max(&[exact]).approx);
    }

    /// A small decimal: up to ±10000 with up to 3 places.
    fn small() -> impl Strategy<Value = Decimal> {
        (-10_000_000i64..=10_000_000, 0u32..=3).prop_map(|(m, s)| Decimal::new(m, s))
    }

    /// An interval, possibly unbounded on either side, and a value inside it.
    fn interval_and_member() -> impl Strategy<Value = (Interval, Decimal)> {
        let kind = prop_oneof![Just((true, true)), Just((true, false)), Just((false, true)), Just((false, false))];
        (small(), small(), small(), kind, any::<bool>()).prop_map(|(a, b, c, (has_low, has_high), approx)| {
            let mut v = [a, b, c];
            v.sort();
            let [low, x, high] = v;
            let interval = Interval { low: has_low.then_some(low), high: has_high.then_some(high), approx };
            (interval, x)
        })
    }

    proptest! {
        #[test]
        fn point_results_lie_inside_interval_results(
            (a, x) in interval_and_member(),
            (b, y) in interval_and_member(),
        ) {
            let (px, py) = (Interval::point(x), Interval::point(y));
            let ops: [Op; 4] = [Interval::add, Interval::sub, Interval::mul, Interval::div];
            for (i, op) in ops.into_iter().enumerate() {
                if i == 3 && b.contains_zero() {
                    prop_assert!(a.div(&b) == Err(ArithError::DivisionByZero));
                    continue;
                }
                let whole = op(&a, &b);
                let point = op(&px, &py);
                prop_assert!(whole.is_ok() && point.is_ok(), "op {i}: {whole:?} {point:?}");
                if let (Ok(whole), Ok(point)) = (whole, point) {
                    let v = point.as_point();
                    prop_assert!(v.is_some_and(|v| whole.contains(v)), "op {i}: {v:?} not in {whole:?}");
                    prop_assert!(whole.approx == (a.approx || b.approx));
                }
            }
            let v = Interval::point(x).abs().as_point();
            prop_assert!(v.is_some_and(|v| a.abs().contains(v)));
            let v = Interval::point(-x).as_point();
            prop_assert!(v.is_some_and(|v| a.neg().contains(v)));
            let v = Interval::min(&[px, py]).as_point();
            prop_assert!(v.is_some_and(|v| Interval::min(&[a, b]).contains(v)));
            let v = Interval::max(&[px, py]).as_point();
            prop_assert!(v.is_some_and(|v| Interval::max(&[a, b]).contains(v)));
        }
    }
}
