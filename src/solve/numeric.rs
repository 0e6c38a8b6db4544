//! The numeric path, for rules that are not linear or a ratio of linear terms in the
//! metric (`min`, `max`, `abs`, products): a doubling bracket search in both
//! directions, then bisection, within [`MAX_EVALUATIONS`] per metric.

use std::cmp::Ordering;

use rust_decimal::{Decimal, RoundingStrategy};

use super::{Goal, MAX_EVALUATIONS, NeedNote, NoFigure, NonLinear, Solver};
use crate::evaluate::Status;
use crate::expr::MetricIdx;
use crate::interval::Interval;

impl Solver<'_, '_, '_> {
    pub(super) fn numeric(
        &self,
        metric: MetricIdx,
        cur: Decimal,
        whole: bool,
        goal: Goal,
        reason: NonLinear,
    ) -> Result<(Decimal, NeedNote), NoFigure> {
        let mut search = Search {
            solver: self,
            metric,
            goal,
            cur_sign: if goal == Goal::Equal { self.sign(metric, cur) } else { None },
            evaluations: 0,
        };
        let non_negative = !cur.is_sign_negative() || cur.is_zero();
        // One evaluation over every value a direction could try: a direction where the
        // rule fails for all of them at once is not searched, and when both are, there
        // is no figure (a `min(…, 1) >= 2` is settled here, whatever its inputs).
        let floor = non_negative.then_some(Decimal::ZERO);
        let hopeless = |low: Option<Decimal>, high: Option<Decimal>| {
            let range = Interval { low, high, approx: false };
            matches!(self.status(Some((metric, range)), None), Ok(Status::NotMet))
        };
        let (up_open, down_open) = (!hopeless(Some(cur), None), !hopeless(floor, Some(cur)));
        search.evaluations += 2;
        if !up_open && !down_open {
            return Err(NoFigure::NotReached { evaluations: search.evaluations, non_negative, why: reason });
        }
        let unit = if whole { Decimal::ONE } else { cur.abs().max(Decimal::ONE) / Decimal::from(64) };
        let base_up = if whole { cur.floor() } else { cur };
        let base_down = if whole { cur.ceil() } else { cur };
        let mut sides = [
            Side { up: true, base: base_up, lo: cur, step: unit, active: up_open, hi: None },
            Side { up: false, base: base_down, lo: cur, step: unit, active: down_open, hi: None },
        ];
        // Expand both brackets, doubling the step, until one side reaches the goal.
        while sides.iter().any(|s| s.active) && sides.iter().all(|s| s.hi.is_none()) {
            for side in &mut sides {
                if !side.active {
                    continue;
                }
                if search.evaluations >= MAX_EVALUATIONS || self.exhausted() {
                    side.active = false;
                    continue;
                }
                let next = if side.up { side.base.checked_add(side.step) } else { side.base.checked_sub(side.step) };
                let Some(mut x) = next else {
                    side.active = false;
                    continue;
                };
                if !side.up && non_negative && x <= Decimal::ZERO {
                    x = Decimal::ZERO;
                    side.active = false;
                    if side.lo <= Decimal::ZERO {
                        continue;
                    }
                }
                if search.reached(x) {
                    side.hi = Some(x);
                    side.active = false;
                } else {
                    side.lo = x;
                }
                match side.step.checked_mul(Decimal::TWO) {
                    Some(s) => side.step = s,
                    None => side.active = false,
                }
            }
        }
        let mut best: Option<Decimal> = None;
        let mut failure: Option<NoFigure> = None;
        for side in &sides {
            let Some(hi) = side.hi else { continue };
            let to = match search.settle(side.lo, hi, side.up, whole) {
                Ok(to) => to,
                Err(why) => {
                    // Cut short, the bracket's end meets the rule but need not be the
                    // nearest value that does: no figure, with the limit as the reason.
                    let why = why.unwrap_or_else(|| {
                        if self.exhausted() {
                            NoFigure::Budget
                        } else {
                            NoFigure::Limit { evaluations: search.evaluations, why: reason.clone() }
                        }
                    });
                    failure.get_or_insert(why);
                    continue;
                }
            };
            if self.crosses_pole(metric, cur, to) {
                failure.get_or_insert(NoFigure::Pole);
                continue;
            }
            let distance = |v: Decimal| v.checked_sub(cur).map_or(Decimal::MAX, |d| d.abs());
            let nearer = best.is_none_or(|b| distance(to) < distance(b));
            if nearer {
                best = Some(to);
            }
        }
        let n = search.evaluations;
        match (best, failure) {
            (Some(to), _) => Ok((to, NeedNote::Numeric { why: reason, evaluations: n })),
            (None, Some(why)) => Err(why),
            (None, None) if n >= MAX_EVALUATIONS => Err(NoFigure::Limit { evaluations: n, why: reason }),
            (None, None) => Err(NoFigure::NotReached { evaluations: n, non_negative, why: reason }),
        }
    }
}

/// One direction of the numeric bracket search.
struct Side {
    up: bool,
    base: Decimal,
    /// The last value that does not reach the goal (the current value at first).
    lo: Decimal,
    step: Decimal,
    active: bool,
    /// The first value found that reaches it.
    hi: Option<Decimal>,
}

/// The numeric method's state for one metric.
struct Search<'s, 'a, 'p, 'm> {
    solver: &'s Solver<'a, 'p, 'm>,
    metric: MetricIdx,
    goal: Goal,
    /// For `==`: the sign of actual − target now.
    cur_sign: Option<Ordering>,
    evaluations: usize,
}

impl Search<'_, '_, '_, '_> {
    /// Whether `x` reaches the goal: meets the rule, or for `==` is at or past the target.
    fn reached(&mut self, x: Decimal) -> bool {
        self.evaluations += 1;
        match self.goal {
            Goal::Equal => match self.solver.sign(self.metric, x) {
                Some(Ordering::Equal) => true,
                Some(s) => self.cur_sign.is_some_and(|c| c != s),
                None => false,
            },
            _ => self.solver.meets(self.metric, x, false),
        }
    }

    fn verify(&mut self, x: Decimal, relaxed: bool) -> bool {
        self.evaluations += 1;
        self.solver.meets(self.metric, x, relaxed)
    }

    /// Bisect [lo, hi] (hi reaches the goal, lo does not) and pick the figure; `None`
    /// when the evaluation cap or the rule's budget cuts the bisection short.
    fn settle(&mut self, mut lo: Decimal, mut hi: Decimal, up: bool, whole: bool) -> Result<Decimal, Option<NoFigure>> {
        let tolerance = |lo: Decimal, hi: Decimal| Decimal::new(1, 15) * lo.abs().max(hi.abs()).max(Decimal::ONE);
        while let Some(mid) = hi.checked_sub(lo).and_then(|w| lo.checked_add(w / Decimal::TWO)) {
            let mid = if whole {
                let m = if up { mid.floor() } else { mid.ceil() };
                let m = if up && m <= lo {
                    lo.floor().checked_add(Decimal::ONE)
                } else if !up && m >= lo {
                    lo.ceil().checked_sub(Decimal::ONE)
                } else {
                    Some(m)
                };
                match m {
                    Some(m) if (up && m < hi) || (!up && m > hi) => m,
                    _ => break,
                }
            } else {
                let narrow = hi.checked_sub(lo).is_none_or(|w| w.abs() <= tolerance(lo, hi));
                if narrow || mid == lo || mid == hi {
                    break;
                }
                mid
            };
            if self.evaluations >= MAX_EVALUATIONS || self.solver.exhausted() {
                return Err(None);
            }
            if self.reached(mid) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        let equal = self.goal == Goal::Equal;
        if !whole {
            // `>`/`<`: the snapped value may be the boundary itself (NeedNote's `Boundary`).
            let relaxed = self.goal.strict();
            // The shortest decimal near the boundary that still does it.
            let tol = tolerance(lo, hi);
            let (toward, away) = if up {
                (RoundingStrategy::ToNegativeInfinity, RoundingStrategy::ToPositiveInfinity)
            } else {
                (RoundingStrategy::ToPositiveInfinity, RoundingStrategy::ToNegativeInfinity)
            };
            // By significant digits, so that a boundary of 2e28 is found as 2e28 too.
            for digits in 1..=28 {
                for strategy in [toward, away] {
                    let Some(c) = hi.round_sf_with_strategy(digits, strategy) else { continue };
                    let near = c.checked_sub(hi).is_some_and(|d| d.abs() <= tol);
                    let sign_ok = !c.is_sign_negative() || c.is_zero() || lo.is_sign_negative();
                    if near && sign_ok && self.verify(c, relaxed) {
                        return Ok(c);
                    }
                }
            }
        }
        if !equal || self.verify(hi, false) {
            Ok(hi)
        } else if whole {
            Err(Some(NoFigure::NoWhole { exact: None }))
        } else {
            Err(Some(NoFigure::NoDecimal { about: None }))
        }
    }
}

/// One unit in the last place that a `Decimal` of `v`'s size can still hold.
pub(super) fn ulp(v: Decimal) -> Decimal {
    // The digits of the integer part, from the mantissa: no Decimal division per digit.
    let whole = v.mantissa().unsigned_abs() / 10u128.pow(v.scale());
    let digits = whole.checked_ilog10().map_or(0, |d| d + 1);
    Decimal::new(1, 27u32.saturating_sub(digits).min(28))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    /// `ulp` as first written: digits counted by dividing by ten.
    fn by_division(v: Decimal) -> Decimal {
        let mut t = v.abs().trunc();
        let mut digits = 0u32;
        while t >= Decimal::ONE {
            t = (t / Decimal::TEN).trunc();
            digits += 1;
        }
        Decimal::new(1, 27u32.saturating_sub(digits).min(28))
    }

    #[test]
    fn ulp_by_size() {
        for (v, want) in [("0", 27), ("0.5", 27), ("1", 26), ("-9.99", 26), ("10", 25), ("123456.7", 21)] {
            let v: Decimal = v.parse().unwrap();
            assert_eq!(super::ulp(v), Decimal::new(1, want), "{v}");
        }
        assert_eq!(super::ulp(Decimal::MAX), Decimal::new(1, 0));
    }

    proptest! {
        #[test]
        fn ulp_as_by_division(lo in any::<u32>(), mid in any::<u32>(), hi in any::<u32>(), neg: bool, scale in 0u32..=28) {
            let v = Decimal::from_parts(lo, mid, hi, neg, scale);
            prop_assert_eq!(super::ulp(v), by_division(v));
        }
    }
}
