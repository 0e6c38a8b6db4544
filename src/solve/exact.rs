//! The exact path: the rule's two sides as rational functions of one metric `x`,
//! computed over the compiled programs with every other input held at its value, and
//! the boundary where `actual(x) − target(x)` changes sign, rounded and verified.

use std::collections::BTreeMap;

use rust_decimal::{Decimal, RoundingStrategy};

use super::numeric::ulp;
use super::poly::Ratio;
use super::{Aim, Goal, NeedNote, NoFigure, NonLinear, Rounding, Shape, Slot, Solver};
use crate::expr::{BinOp, Branch, Code, Func, Instr, MetricIdx, PeriodIdx, Unknown, apply, call, if_zero_branch};
use crate::interval::Interval;

/// What the exact path found.
pub(super) enum Exact {
    Found(Decimal, NeedNote),
    /// No figure: the reason.
    Impossible(NoFigure),
    /// The exact path does not apply: the reason (the numeric method takes over).
    GiveUp(NonLinear),
}

/// Rational functions of derived slots that depend on `x`, and which slots do. Ordered
/// maps: a rule reads a few slots, and comparing two small integers beats SipHash.
#[derive(Default)]
struct Symbolic {
    ratios: BTreeMap<Slot, Result<Ratio, NonLinear>>,
    depends: BTreeMap<Slot, bool>,
}

/// One value on the symbolic stack: the rational function, whether it depends on
/// `x`, and its interval value (a call that does not depend on `x` is a constant
/// taken from the evaluator, as the evaluator computes it).
struct Item {
    ratio: Result<Ratio, NonLinear>,
    depends: bool,
    value: Result<Interval, Unknown>,
}

impl Solver<'_, '_, '_> {
    pub(super) fn exact(&self, metric: MetricIdx, cur: Decimal, whole: bool, aim: &Aim) -> Exact {
        self.charge();
        let x: Slot = (metric, self.period);
        let mut sym = Symbolic::default();
        let g = self
            .ratio_of(&self.rule.actual, self.period, x, &mut sym)
            .and_then(|a| self.ratio_of(aim.target, self.period, x, &mut sym).and_then(|t| a.sub(&t)));
        let g = match g {
            Ok(g) => g,
            Err(why) => return Exact::GiveUp(why),
        };
        if g.num.degree() > 1 || g.den.degree() > 1 {
            return Exact::GiveUp(NonLinear::NotLinear);
        }
        let shape = if g.den.degree() == 0 { Shape::Linear } else { Shape::Ratio };
        let (n0, n1, d1) = (g.num.coef(0), g.num.coef(1), g.den.coef(1));
        let Some(d_cur) = g.den.at(cur) else {
            return Exact::GiveUp(NonLinear::TooLarge);
        };
        if d_cur.is_zero() {
            return Exact::GiveUp(NonLinear::DivisorZeroNow);
        }
        // Where the denominator keeps the sign it has now, g ≥ 0 ⇔ ±N(x) ≥ 0: M(x) ≥ 0.
        let flip = match aim.goal {
            Goal::AtLeast { .. } => d_cur.is_sign_negative(),
            Goal::AtMost { .. } => d_cur.is_sign_positive(),
            Goal::Equal => false,
        };
        let (m0, m1) = if flip { (-n0, -n1) } else { (n0, n1) };
        if m1.is_zero() {
            return Exact::Impossible(if aim.goal == Goal::Equal {
                NoFigure::NoExactValue
            } else if !d1.is_zero() {
                NoFigure::Pole
            } else {
                NoFigure::CancelsOut
            });
        }
        let Some(r) = (-m0).checked_div(m1) else {
            return Exact::GiveUp(NonLinear::TooLarge);
        };
        let up = match aim.goal {
            Goal::Equal => r > cur,
            _ => m1.is_sign_positive(),
        };
        if (up && r < cur) || (!up && r > cur) || (aim.goal == Goal::Equal && r == cur) {
            return Exact::GiveUp(NonLinear::Disagrees);
        }
        let den = g.den.clone();
        let crosses = |to: Decimal| {
            !d1.is_zero()
                && match den.at(to) {
                    Some(d) => d.is_zero() || d.is_sign_negative() != d_cur.is_sign_negative(),
                    None => true,
                }
        };
        match self.finalize(metric, cur, r, up, whole, aim.goal, &crosses) {
            Fin::Found(to) => {
                // A non-whole figure one unit in the last place past `r` (the evaluator's
                // rounding missed `r` itself) is still the boundary, not a rounding.
                let rounding = if whole && to != r {
                    Rounding::Whole { boundary: r, up }
                } else if aim.goal.strict() && !whole {
                    Rounding::Boundary { up }
                } else {
                    Rounding::None
                };
                Exact::Found(to, NeedNote::Exact { shape, rounding })
            }
            Fin::Impossible(why) => Exact::Impossible(why),
            Fin::Failed(why) => Exact::GiveUp(why),
        }
    }

    /// From the exact boundary `r` to the figure: rounding, the checks, verification.
    #[allow(clippy::too_many_arguments)]
    fn finalize(
        &self,
        metric: MetricIdx,
        cur: Decimal,
        r: Decimal,
        up: bool,
        whole: bool,
        goal: Goal,
        crosses: &dyn Fn(Decimal) -> bool,
    ) -> Fin {
        let relaxed = goal.strict() && !whole;
        let toward = |c: Decimal, k: i64| {
            let step = if whole { Decimal::ONE } else { ulp(r) };
            let delta = step.checked_mul(Decimal::from(k))?;
            if up { c.checked_add(delta) } else { c.checked_sub(delta) }
        };
        let first = match (goal, whole) {
            (Goal::Equal, true) => r.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero),
            (_, true) if up => r.ceil(),
            (_, true) => r.floor(),
            (_, false) => r,
        };
        if first.is_sign_negative() && !first.is_zero() && !cur.is_sign_negative() {
            return Fin::Impossible(NoFigure::Negative { value: r, beyond: false });
        }
        if crosses(first) {
            return Fin::Impossible(NoFigure::Pole);
        }
        let mut candidates = vec![Some(first)];
        match (goal, whole) {
            (Goal::Equal, true) => {}
            (Goal::Equal, false) => {
                let u = ulp(r);
                candidates.push(r.checked_add(u));
                candidates.push(r.checked_sub(u));
            }
            _ => candidates.extend((1..=2).map(|k| toward(first, k))),
        }
        let mut skipped = None;
        for c in candidates.into_iter().flatten() {
            if c.is_sign_negative() && !c.is_zero() && !cur.is_sign_negative() {
                skipped.get_or_insert(NoFigure::Negative { value: r, beyond: true });
                continue;
            }
            if crosses(c) {
                skipped.get_or_insert(NoFigure::Pole);
                continue;
            }
            if self.meets(metric, c, relaxed) {
                return Fin::Found(c);
            }
        }
        if let (Some(why), false) = (skipped, goal == Goal::Equal) {
            return Fin::Impossible(why);
        }
        match (goal, whole) {
            (Goal::Equal, true) => Fin::Impossible(NoFigure::NoWhole { exact: Some(r) }),
            (Goal::Equal, false) => Fin::Impossible(NoFigure::NoDecimal { about: Some(r) }),
            _ => Fin::Failed(NonLinear::DoesNotVerify(r)),
        }
    }

    // ---- symbolic evaluation ------------------------------------------------------

    /// `code` at `period` as a rational function of `x`.
    fn ratio_of(&self, code: &Code, period: PeriodIdx, x: Slot, sym: &mut Symbolic) -> Result<Ratio, NonLinear> {
        for r in &code.refs {
            if let Ok(q) = self.resolve(r.at, period) {
                self.prepare((r.metric, q), x, sym);
            }
        }
        self.run_symbolic(code, period, x, sym).ratio
    }

    /// Whether `slot` depends on `x` (through derived metrics), memoised; iterative.
    fn depends(&self, slot: Slot, x: Slot, sym: &mut Symbolic) -> bool {
        let plan = self.plan();
        let formula = |m: MetricIdx| plan.metrics.get(m as usize).and_then(|pm| pm.formula.as_ref());
        if slot == x || formula(slot.0).is_none() {
            return slot == x;
        }
        let mut work = vec![slot];
        // Validation rejects cycles; the bound only keeps a bug from looping.
        let mut steps = plan.metrics.len().saturating_mul(plan.periods.len()).saturating_mul(4).max(64);
        while let Some(&(m, p)) = work.last() {
            steps = steps.saturating_sub(1);
            if steps == 0 {
                return false;
            }
            if sym.depends.contains_key(&(m, p)) {
                work.pop();
                continue;
            }
            let Some(f) = formula(m) else {
                sym.depends.insert((m, p), (m, p) == x);
                work.pop();
                continue;
            };
            let (mut pending, mut any) = (false, false);
            for r in &f.refs {
                let Ok(q) = self.resolve(r.at, p) else { continue };
                let dep = (r.metric, q);
                if dep == x {
                    any = true;
                } else if formula(r.metric).is_some() {
                    match sym.depends.get(&dep) {
                        Some(d) => any |= *d,
                        None => {
                            work.push(dep);
                            pending = true;
                        }
                    }
                }
            }
            if !pending {
                sym.depends.insert((m, p), any);
                work.pop();
            }
        }
        sym.depends.get(&slot).copied().unwrap_or(false)
    }

    /// Compute the rational functions of `slot` and every derived slot below it that
    /// depends on `x`, dependencies first, with an explicit work stack.
    fn prepare(&self, slot: Slot, x: Slot, sym: &mut Symbolic) {
        let plan = self.plan();
        let formula = |m: MetricIdx| plan.metrics.get(m as usize).and_then(|pm| pm.formula.as_ref());
        if slot == x || formula(slot.0).is_none() || !self.depends(slot, x, sym) {
            return;
        }
        let mut work = vec![slot];
        while let Some(&(m, p)) = work.last() {
            if sym.ratios.contains_key(&(m, p)) {
                work.pop();
                continue;
            }
            let Some(f) = formula(m) else {
                work.pop();
                continue;
            };
            let before = work.len();
            for r in f.refs.iter().rev() {
                let Ok(q) = self.resolve(r.at, p) else { continue };
                let dep = (r.metric, q);
                if dep != x
                    && formula(r.metric).is_some()
                    && !sym.ratios.contains_key(&dep)
                    && self.depends(dep, x, sym)
                {
                    work.push(dep);
                }
            }
            if work.len() == before {
                let item = self.run_symbolic(f, p, x, sym);
                sym.ratios.insert((m, p), item.ratio);
                work.pop();
            }
        }
    }

    /// Run `code` over rational functions; the derived slots it reads that depend on
    /// `x` must be prepared.
    fn run_symbolic(&self, code: &Code, period: PeriodIdx, x: Slot, sym: &Symbolic) -> Item {
        let plan = self.plan();
        let mut stack: Vec<Item> = Vec::with_capacity(8);
        let mut approx_zero: Vec<bool> = Vec::new();
        let mut pc = 0;
        while let Some(instr) = code.instrs.get(pc) {
            pc += 1;
            let item = match instr {
                // `if_zero` as the evaluator takes it, from the tested value; a test that
                // depends on the metric is not linear in it.
                Instr::IfZero { to_b, to_end } => {
                    let Some(test) = stack.pop() else { break };
                    if test.depends {
                        pc = *to_end as usize;
                        Item {
                            ratio: Err(NonLinear::Func(Func::IfZero)),
                            depends: true,
                            value: Err(Unknown::ZeroUndecided),
                        }
                    } else {
                        match test.value.clone().and_then(|v| if_zero_branch(&v)) {
                            Ok(Branch::Zero { approx }) => {
                                approx_zero.push(approx);
                                continue;
                            }
                            Ok(Branch::NonZero) => {
                                pc = *to_b as usize;
                                continue;
                            }
                            Err(e) => {
                                pc = *to_end as usize;
                                Item { ratio: Err(NonLinear::Unknown(e.clone())), depends: false, value: Err(e) }
                            }
                        }
                    }
                }
                Instr::Jump { to } => {
                    pc = *to as usize;
                    if approx_zero.pop() == Some(true)
                        && let Some(Item { value: Ok(v), .. }) = stack.last_mut()
                    {
                        v.approx = true;
                    }
                    continue;
                }
                Instr::Const(n) => {
                    Item { ratio: Ok(Ratio::constant(*n)), depends: false, value: Ok(Interval::point(*n)) }
                }
                Instr::Load(r) => match self.resolve(r.at, period) {
                    Err(u) => Item { ratio: Err(NonLinear::Unknown(u.clone())), depends: false, value: Err(u) },
                    Ok(q) => {
                        let slot = (r.metric, q);
                        let value = self.data_value(slot);
                        if slot == x {
                            Item { ratio: Ok(Ratio::x()), depends: true, value }
                        } else if let Some(ratio) = sym.ratios.get(&slot) {
                            Item { ratio: ratio.clone(), depends: true, value }
                        } else {
                            let what = || format!("{}@{}", plan.metric_id(r.metric), plan.periods.name(q));
                            Item { ratio: point(value.clone(), what), depends: false, value }
                        }
                    }
                },
                Instr::Neg => {
                    let Some(i) = stack.pop() else { break };
                    Item { ratio: i.ratio.map(|r| r.neg()), depends: i.depends, value: i.value.map(|v| v.neg()) }
                }
                Instr::Bin(op) => {
                    let (Some(r), Some(l)) = (stack.pop(), stack.pop()) else { break };
                    let ratio = match (l.ratio, r.ratio) {
                        (Err(e), _) | (Ok(_), Err(e)) => Err(e),
                        (Ok(a), Ok(b)) => match op {
                            BinOp::Add => a.add(&b),
                            BinOp::Sub => a.sub(&b),
                            BinOp::Mul => a.mul(&b),
                            BinOp::Div => a.div(&b),
                        },
                    };
                    let value = match (l.value, r.value) {
                        (Ok(a), Ok(b)) => apply(*op, &a, &b),
                        (Err(a), Err(b)) => Err(a.merge(b)),
                        (Err(e), Ok(_)) | (Ok(_), Err(e)) => Err(e),
                    };
                    Item { ratio, depends: l.depends || r.depends, value }
                }
                Instr::Call(func, n, text) => {
                    let args = stack.split_off(stack.len().saturating_sub(*n as usize));
                    let depends = args.iter().any(|a| a.depends);
                    let value = call(*func, args.into_iter().map(|a| a.value).collect());
                    let ratio = if depends {
                        Err(NonLinear::Func(*func))
                    } else {
                        let text = code.texts.get(*text as usize).map_or(func.name(), String::as_str);
                        point(value.clone(), || text.to_string())
                    };
                    Item { ratio, depends, value }
                }
            };
            stack.push(item);
        }
        stack.pop().unwrap_or(Item { ratio: Err(NonLinear::TooLarge), depends: false, value: Err(Unknown::TooLarge) })
    }
}

/// The outcome of rounding and verifying an exact boundary.
enum Fin {
    Found(Decimal),
    Impossible(NoFigure),
    Failed(NonLinear),
}

/// An evaluated value as a constant rational function, if it is a single point.
fn point(v: Result<Interval, Unknown>, what: impl Fn() -> String) -> Result<Ratio, NonLinear> {
    match v {
        Ok(i) => i.as_point().map(Ratio::constant).ok_or_else(|| NonLinear::InputNotPoint(what())),
        Err(e) => Err(NonLinear::InputUnknown(what(), e)),
    }
}
