//! The formula parser and evaluator on arbitrary text: no panic; printing a parsed
//! formula and parsing that again gives the same text; and evaluating over
//! intervals gives an interval that contains the value at any point of the inputs
//! (CONTRACT §5), whenever both have a value.
#![no_main]

use arbitrary::Arbitrary;
use kaohe::expr::{PeriodRef, Unknown};
use kaohe::interval::Interval;
use libfuzzer_sys::fuzz_target;
use rust_decimal::Decimal;

/// An input's interval: bounds from small mantissas and scales, either side open.
#[derive(Arbitrary, Debug, Clone, Copy)]
struct Input {
    low: Option<(i64, u8)>,
    width: Option<(u32, u8)>,
    approx: bool,
    /// Where in the interval the point lies: low end, high end, or between.
    at: u8,
}

#[derive(Arbitrary, Debug)]
struct Case {
    formula: String,
    inputs: [Input; 4],
}

fn decimal(m: i64, scale: u8) -> Decimal {
    Decimal::new(m, u32::from(scale % 29))
}

impl Input {
    fn interval(&self) -> Interval {
        let low = self.low.map(|(m, s)| decimal(m, s));
        let high = match (low, self.width) {
            (Some(l), Some((w, s))) => l.checked_add(decimal(i64::from(w), s)),
            (None, Some((w, s))) => Some(decimal(i64::from(w), s)),
            (_, None) => None,
        };
        Interval { low, high, approx: self.approx }
    }

    /// A point of the interval (an unbounded side is a finite distance away).
    fn point(&self) -> Option<Decimal> {
        let iv = self.interval();
        match (iv.low, iv.high, self.at % 3) {
            (Some(l), _, 0) => Some(l),
            (_, Some(h), 1) => Some(h),
            (Some(l), Some(h), _) => l.checked_add(h)?.checked_div(Decimal::TWO).filter(|p| iv.contains(*p)),
            (Some(l), None, _) => l.checked_add(Decimal::from(u32::from(self.at))),
            (None, Some(h), _) => h.checked_sub(Decimal::from(u32::from(self.at))),
            (None, None, _) => Some(Decimal::from(i32::from(self.at) - 128)),
        }
    }
}

/// Which input a reference reads: by its name and period.
fn slot(name: &str, period: &PeriodRef) -> usize {
    let p = match period {
        PeriodRef::Current => 0,
        PeriodRef::Prev => 1,
        PeriodRef::Named(n) => n.len(),
    };
    (name.bytes().map(usize::from).sum::<usize>() + p) % 4
}

fuzz_target!(|case: Case| {
    let Ok(expr) = kaohe::expr::parse(&case.formula) else { return };
    let printed = expr.to_string();
    // Printing spaces the operators, so a formula near the length limit prints longer
    // than the parser takes; below the limit, the printed text must parse back.
    let fits = printed.len() <= kaohe::expr::MAX_LEN;
    match kaohe::expr::parse(&printed) {
        Err(_) if !fits => {}
        Ok(again) => assert_eq!(again.to_string(), printed, "from {:?}", case.formula),
        Err(e) => panic!("{printed:?} (printed from {:?}) does not parse: {}", case.formula, e.message),
    }
    let over_intervals = expr.eval(&mut |name, period| Ok::<_, Unknown>(case.inputs[slot(name, period)].interval()));
    let points: Vec<Option<Decimal>> = case.inputs.iter().map(Input::point).collect();
    if points.iter().any(Option::is_none) {
        return;
    }
    let at_points = expr.eval(&mut |name, period| {
        let p = points[slot(name, period)].unwrap_or_default();
        Ok::<_, Unknown>(Interval::point(p))
    });
    if let (Ok(range), Ok(value)) = (&over_intervals, &at_points) {
        let v = value.as_point().expect("points in, a point out");
        assert!(range.contains(v), "{printed}: {v} at {points:?} is outside {range:?} over {:?}", case.inputs);
    }
});
