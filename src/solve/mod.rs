//! What it takes (CONTRACT §5, `needs`): for a rule that is `not_met` (or behind pace
//! and not met) and whose actual and target are single points, the figure each raw
//! metric of the current period would need, that metric alone changing and every other
//! input held, for the rule to be met. Raw metrics are found by following the actual
//! side's references, and derived metrics' formulas recursively, at the current period;
//! references to other periods (`x@prev`, `x@2014`) and params are held fixed.
//!
//! Each metric `x` is solved on the condition `g(x) = actual(x) − target(x)` ≥ 0, ≤ 0
//! or = 0 (for `between`, against the end the actual is outside of; `x` is substituted
//! in the target too, should the target name it). The exact path evaluates the
//! compiled programs symbolically over rational functions P(x)/Q(x) with `Decimal`
//! polynomial coefficients (closed under `+ − × ÷` and negation; a common factor `x^k`
//! and proportional numerator and denominator cancel). When P and Q end up of degree at
//! most 1, `g` is linear or a ratio of linear terms and its root is the boundary; the
//! denominator keeps its sign unless the pole `Q(x) = 0` lies between the current value
//! and the solution, in which case there is no figure, as there is none when the figure
//! would be negative (unless the current value is already negative).
//!
//! Otherwise (`min`, `max`, `abs`, a product of two terms that both depend on `x`) a
//! numeric method is used: from the current value, steps of 1 (whole metrics) or
//! max(|current|, 1)/64 are doubled in both directions at once (never below zero when
//! the current value is not negative) until a value meets the rule (for `==`, until
//! `actual − target` changes sign); that bracket is bisected down to whole numbers or
//! to 10⁻¹⁵ relative, and a non-whole result is snapped to the shortest decimal within
//! that tolerance that still meets the rule. Before searching, one evaluation over
//! every value the search could try settles the rules that no value can meet. At most
//! 200 evaluations per metric, and [`RULE_BUDGET`] units of work per rule; the
//! nearer of the two directions wins. A pole between the current value and the
//! solution is detected by evaluating the rule over that whole interval (interval
//! arithmetic reports the zero divisor).
//!
//! Whole metrics round away from the current value to the nearest whole number that
//! meets the rule; other metrics get the boundary itself (for `>` and `<`, the boundary
//! that any larger, or smaller, value passes). Every figure is checked with the real
//! evaluator (the evaluation's own value table, with the metric overridden), so that
//! rounding never yields a figure that does not do it.
//!
//! Files: this one chooses the goal and drives each metric; `exact` holds the rational
//! path, `numeric` the bracket search, `poly` the polynomial and rational helpers.
//! Dependencies are followed with explicit work stacks, never by recursion, so a chain
//! of thousands of derived metrics is solved on any stack.

mod exact;
mod numeric;
mod poly;

use std::cell::{Cell, OnceCell, RefCell};
use std::cmp::Ordering;
use std::collections::BTreeSet;

use rust_decimal::Decimal;

use self::exact::Exact;
use crate::evaluate::engine::Engine;
use crate::evaluate::plan::{Plan, PlanRule, PlanRuleSet, PlanTarget};
use crate::evaluate::{Evaluation, Need, Pace, RuleResult, Status, TargetValue, compare, eval_target};
use crate::expr::{At, Code, Func, MetricIdx, PeriodIdx, Unknown};
use crate::interval::Interval;
use crate::model::{Better, Measure, Metric, Op};

/// Evaluations the numeric method may spend on one metric.
const MAX_EVALUATIONS: usize = 200;

/// The work one rule's `needs` may take, in units of one input read: every evaluation
/// of the rule, and every symbolic pass of the exact path, costs the number of raw
/// inputs the rule reads. Past it the remaining metrics get no figure
/// ([`NoFigure::Budget`]), so the cost of a rule is bounded whatever its size.
pub const RULE_BUDGET: usize = 2_000_000;

/// A (metric, period) slot of the value table.
type Slot = (MetricIdx, PeriodIdx);

/// How a need's figure was found, or why there is none: typed, so that `crate::text`
/// words it in either language (CONTRACT §5 leaves the method to the implementation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NeedNote {
    /// The exact rational path: the rule is linear, or a ratio of linear terms, in the metric.
    Exact { shape: Shape, rounding: Rounding },
    /// The numeric method, after the exact path gave up for `why`.
    Numeric { why: NonLinear, evaluations: usize },
    /// No figure: why no change of this metric alone can do it.
    NoFigure(NoFigure),
}

/// The dependence the exact path found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    Linear,
    Ratio,
}

/// How the exact boundary became the figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rounding {
    /// The boundary itself meets the rule.
    None,
    /// A whole metric: the boundary rounded up (or down) to a whole number that meets it.
    Whole { boundary: Decimal, up: bool },
    /// `>` / `<` on a non-whole metric: the boundary, which any larger (smaller) value passes.
    Boundary { up: bool },
}

/// Why the exact path does not apply (the numeric method takes over).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NonLinear {
    NotLinear,
    /// `min`, `max` or `abs` of a term that depends on the metric.
    Func(Func),
    /// A product of two terms that both depend on the metric.
    Product,
    TooLarge,
    TooLargeExact,
    DivisionByZero,
    DivisorZeroNow,
    Disagrees,
    DoesNotVerify(Decimal),
    /// An input (`name@period`, or a sub-expression's text) is not a single point.
    InputNotPoint(String),
    /// An input has no value.
    InputUnknown(String, Unknown),
    Unknown(Unknown),
}

/// Why a need has no figure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoFigure {
    /// The metric's current value is not a single point.
    NotPoint,
    /// A yes/no metric would need this value.
    Bool(Decimal),
    TooLarge,
    /// `==`: no value of the metric alone gives exactly the target.
    NoExactValue,
    /// A divisor would pass through zero on the way.
    Pole,
    /// The metric cancels out of the rule.
    CancelsOut,
    /// The figure would be negative: exactly this (`beyond: false`) or past it.
    Negative {
        value: Decimal,
        beyond: bool,
    },
    /// `==` on a whole metric; the exact value where known.
    NoWhole {
        exact: Option<Decimal>,
    },
    /// `==` on a decimal metric; about this value where known.
    NoDecimal {
        about: Option<Decimal>,
    },
    /// The numeric method found no value in either direction.
    NotReached {
        evaluations: usize,
        non_negative: bool,
        why: NonLinear,
    },
    /// The numeric method used its evaluations for one metric without finding a value.
    Limit {
        evaluations: usize,
        why: NonLinear,
    },
    /// The rule's work budget ([`RULE_BUDGET`]) was spent before this metric's turn.
    Budget,
}

/// Fill in `needs` for the rules that are not met or behind pace. `engine` holds the
/// evaluation's entity; it is left with no override.
pub fn fill_needs<'m>(engine: &mut Engine<'_, 'm>, ruleset: &PlanRuleSet<'m>, evaluation: &mut Evaluation<'m>) {
    let Some(period) = engine.plan().periods.get(&evaluation.period) else {
        return;
    };
    // Year-to-date figures: a flow's total does not fall (CONTRACT §5).
    let mid_year = evaluation.as_of.is_some_and(|d| d.is_before_year_end());
    for (result, plan_rule) in evaluation.rules.iter_mut().zip(&ruleset.rules) {
        result.needs = rule_needs(engine, plan_rule, period, mid_year, result);
    }
    engine.set_override(None);
}

/// The needs of one rule (empty where the contract says so).
fn rule_needs<'m>(
    engine: &mut Engine<'_, 'm>,
    plan_rule: &PlanRule<'m>,
    period: PeriodIdx,
    mid_year: bool,
    result: &RuleResult<'m>,
) -> Vec<Need> {
    let wanted = result.status == Status::NotMet || result.pace == Some(Pace::Behind);
    if !wanted || result.status == Status::Met {
        return Vec::new();
    }
    let Some(actual) = result.actual.as_ref().ok().and_then(Interval::as_point) else {
        return Vec::new();
    };
    let Some(aim) = aim(plan_rule, actual, result.target.as_ref().ok()) else {
        return Vec::new();
    };
    let solver = Solver {
        period,
        mid_year,
        rule: plan_rule,
        engine: RefCell::new(engine),
        cost: Cell::new(1),
        spent: Cell::new(0),
        target_reads: OnceCell::new(),
        fixed_target: RefCell::new(None),
    };
    let inputs = solver.raw_inputs(&plan_rule.actual);
    let plan = solver.plan();
    solver.cost.set(inputs.len().max(1));
    if matches!(solver.status(None, Some(result.rule.op)), Ok(Status::Met)) {
        return Vec::new();
    }
    // Entries are ordered by metric id (CONTRACT §5).
    let mut metrics: Vec<MetricIdx> = inputs.iter().filter(|(_, p)| *p == period).map(|(m, _)| *m).collect();
    metrics.sort_by_key(|m| plan.metric_id(*m));
    metrics.dedup();
    // Metrics nobody would move (`lever = false`) are not even solved.
    metrics.retain(|m| plan.metrics.get(*m as usize).is_some_and(|pm| pm.def.lever));
    metrics.into_iter().filter_map(|m| solver.need(m, &aim)).collect()
}

/// Which way the rule must move, and against which target expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Goal {
    /// actual ≥ target (strict: >).
    AtLeast { strict: bool },
    /// actual ≤ target (strict: <).
    AtMost { strict: bool },
    /// actual = target.
    Equal,
}

impl Goal {
    fn strict(self) -> bool {
        matches!(self, Goal::AtLeast { strict: true } | Goal::AtMost { strict: true })
    }
}

struct Aim<'a> {
    goal: Goal,
    target: &'a Code,
}

/// The goal of a rule whose actual is the point `actual`, or `None` when the target
/// is not a single point (or a pair of points for `between`).
fn aim<'a>(rule: &'a PlanRule, actual: Decimal, target: Option<&TargetValue>) -> Option<Aim<'a>> {
    match (&rule.target, target?) {
        (PlanTarget::Single(code), TargetValue::Single(t)) => {
            t.as_point()?;
            let goal = match rule.rule.op {
                Op::Ge => Goal::AtLeast { strict: false },
                Op::Gt => Goal::AtLeast { strict: true },
                Op::Le => Goal::AtMost { strict: false },
                Op::Lt => Goal::AtMost { strict: true },
                Op::Eq | Op::Between => Goal::Equal,
            };
            Some(Aim { goal, target: code })
        }
        (PlanTarget::Between(low, high), TargetValue::Between(l, h)) => {
            let (l, _) = (l.as_point()?, h.as_point()?);
            // The nearer end: the one the actual is outside of.
            if actual < l {
                Some(Aim { goal: Goal::AtLeast { strict: false }, target: low })
            } else {
                Some(Aim { goal: Goal::AtMost { strict: false }, target: high })
            }
        }
        _ => None,
    }
}

/// `>` → `>=`, `<` → `<=`: a boundary for a strict comparison is checked with this.
fn relax(op: Op) -> Op {
    match op {
        Op::Gt => Op::Ge,
        Op::Lt => Op::Le,
        other => other,
    }
}

/// A need, and the direction its boundary lies in from the current value (where known).
struct Solved {
    need: Need,
    direction: Option<Ordering>,
}

impl NoFigure {
    /// The boundary the rule needs, where the reason for having no figure knows it.
    fn boundary(&self) -> Option<Decimal> {
        match self {
            NoFigure::Negative { value, .. } | NoFigure::Bool(value) => Some(*value),
            NoFigure::NoWhole { exact } => *exact,
            NoFigure::NoDecimal { about } => *about,
            _ => None,
        }
    }
}

/// Solves one rule for one entity at one period.
struct Solver<'a, 'p, 'm> {
    period: PeriodIdx,
    /// Year-to-date figures before 31 December.
    mid_year: bool,
    rule: &'a PlanRule<'m>,
    /// The evaluation's own value table: raw figures stay cached across probes.
    engine: RefCell<&'a mut Engine<'p, 'm>>,
    /// The work units one evaluation of the rule costs (its number of raw inputs).
    cost: Cell<usize>,
    /// Work units spent on this rule so far (see [`RULE_BUDGET`]).
    spent: Cell<usize>,
    /// The raw slots the target reads (computed on first use).
    target_reads: OnceCell<BTreeSet<Slot>>,
    /// The target's value while the override is on a slot it does not read: most
    /// targets (`x@prev * growth`) never move while a metric is solved, so the
    /// probes evaluate the actual side only.
    fixed_target: RefCell<Option<Result<TargetValue, Unknown>>>,
}

impl<'p, 'm> Solver<'_, 'p, 'm> {
    fn plan(&self) -> &'p Plan<'m> {
        self.engine.borrow().plan()
    }

    // ---- the real evaluator -------------------------------------------------------

    /// The actual and the target with `over` replacing one metric's current value.
    fn values(&self, over: Option<(MetricIdx, Interval)>) -> Result<(Interval, TargetValue), Unknown> {
        self.charge();
        let fixed = over.is_none_or(|(m, _)| !self.target_reads().contains(&(m, self.period)));
        let mut engine = self.engine.borrow_mut();
        engine.set_override(over.map(|(m, v)| (m, self.period, v)));
        let actual = engine.eval(&self.rule.actual, self.period)?;
        if fixed && let Some(target) = self.fixed_target.borrow().as_ref() {
            return target.clone().map(|t| (actual, t));
        }
        let target = eval_target(&mut engine, self.rule, self.period);
        if fixed {
            *self.fixed_target.borrow_mut() = Some(target.clone());
        }
        Ok((actual, target?))
    }

    /// The raw slots the target reads at the rule's period, through derived metrics.
    fn target_reads(&self) -> &BTreeSet<Slot> {
        self.target_reads.get_or_init(|| match &self.rule.target {
            PlanTarget::Single(code) => self.raw_inputs(code),
            PlanTarget::Between(low, high) => {
                let mut reads = self.raw_inputs(low);
                reads.extend(self.raw_inputs(high));
                reads
            }
        })
    }

    /// The value of a slot as the data give it.
    fn data_value(&self, (m, p): Slot) -> Result<Interval, Unknown> {
        let mut engine = self.engine.borrow_mut();
        engine.set_override(None);
        engine.value(m, p)
    }

    /// The rule's comparison (or `op` in its place) with `over` applied.
    fn status(&self, over: Option<(MetricIdx, Interval)>, op: Option<Op>) -> Result<Status, Unknown> {
        let (actual, target) = self.values(over)?;
        Ok(compare(op.unwrap_or(self.rule.rule.op), &actual, &target))
    }

    /// Whether `metric = x` meets the rule; `relaxed` checks `>`/`<` as `>=`/`<=`.
    fn meets(&self, metric: MetricIdx, x: Decimal, relaxed: bool) -> bool {
        let op = self.rule.rule.op;
        let op = if relaxed { relax(op) } else { op };
        matches!(self.status(Some((metric, Interval::point(x))), Some(op)), Ok(Status::Met))
    }

    /// The sign of actual − target with `metric = x` (single targets only).
    fn sign(&self, metric: MetricIdx, x: Decimal) -> Option<Ordering> {
        match self.values(Some((metric, Interval::point(x)))).ok()? {
            (a, TargetValue::Single(t)) => Some(a.as_point()?.cmp(&t.as_point()?)),
            _ => None,
        }
    }

    /// Whether a divisor reaches zero while `metric` moves from `from` to `to`.
    fn crosses_pole(&self, metric: MetricIdx, from: Decimal, to: Decimal) -> bool {
        let span = Interval { low: Some(from.min(to)), high: Some(from.max(to)), approx: false };
        matches!(self.values(Some((metric, span))), Err(Unknown::DivisionByZero))
    }

    /// Count one evaluation's work against the rule's budget.
    fn charge(&self) {
        self.spent.set(self.spent.get().saturating_add(self.cost.get()));
    }

    fn exhausted(&self) -> bool {
        self.spent.get() >= RULE_BUDGET
    }

    /// Where a reference of code running at `period` reads.
    fn resolve(&self, at: At, period: PeriodIdx) -> Result<PeriodIdx, Unknown> {
        self.engine.borrow().resolve(at, period)
    }

    // ---- dependencies ---------------------------------------------------------------

    /// The raw slots `code` reads at the rule's period, through derived metrics.
    fn raw_inputs(&self, code: &Code) -> BTreeSet<Slot> {
        let plan = self.plan();
        let mut seen: BTreeSet<Slot> = BTreeSet::new();
        let mut raw = BTreeSet::new();
        let mut work: Vec<Slot> =
            code.refs.iter().filter_map(|r| Some((r.metric, self.resolve(r.at, self.period).ok()?))).collect();
        while let Some((m, p)) = work.pop() {
            if !seen.insert((m, p)) {
                continue;
            }
            match plan.metrics.get(m as usize).and_then(|pm| pm.formula.as_ref()) {
                Some(f) => work.extend(f.refs.iter().filter_map(|r| Some((r.metric, self.resolve(r.at, p).ok()?)))),
                None => {
                    raw.insert((m, p));
                }
            }
        }
        raw
    }

    // ---- one metric -------------------------------------------------------------------

    /// The need of `metric`, or `None` when it is not a change anyone would make
    /// (CONTRACT §5): against the metric's `better` direction or, for year-to-date
    /// data, lowering a flow — judged by the direction the boundary lies in, whether
    /// or not the change is possible.
    fn need(&self, metric: MetricIdx, aim: &Aim) -> Option<Need> {
        let solved = self.solve_one(metric, aim);
        let pm = self.plan().metrics.get(metric as usize)?;
        let excluded = solved.direction.is_some_and(|direction| {
            let against_better = matches!(
                (pm.def.better, direction),
                (Some(Better::Higher), Ordering::Less) | (Some(Better::Lower), Ordering::Greater)
            );
            let lowers_a_flow = self.mid_year && pm.measure == Measure::Flow && direction == Ordering::Less;
            against_better || lowers_a_flow
        });
        (!excluded).then_some(solved.need)
    }

    fn solve_one(&self, metric: MetricIdx, aim: &Aim) -> Solved {
        let plan = self.plan();
        let def = plan.metrics.get(metric as usize).map(|pm| pm.def);
        let none = |why: NoFigure, direction: Option<Ordering>| Solved {
            need: Need {
                metric: plan.metric_id(metric).to_string(),
                period: plan.periods.name(self.period).to_string(),
                change: None,
                to: None,
                note: NeedNote::NoFigure(why),
            },
            direction,
        };
        if self.exhausted() {
            return none(NoFigure::Budget, None);
        }
        let current = self.data_value((metric, self.period));
        let Some(cur) = current.ok().and_then(|v| v.as_point()) else {
            return none(NoFigure::NotPoint, None);
        };
        let whole = def.is_some_and(|m| m.whole);
        let found = match self.exact(metric, cur, whole, aim) {
            Exact::Found(to, why) => Ok((to, why)),
            Exact::Impossible(why) => Err(why),
            Exact::GiveUp(reason) => self.numeric(metric, cur, whole, aim.goal, reason),
        };
        // A search cut short by the budget proves nothing: say so rather than "no value".
        if found.is_err() && self.exhausted() {
            return none(NoFigure::Budget, None);
        }
        let (to, why) = match found {
            Ok(x) => x,
            Err(why) => {
                let direction = why.boundary().map(|b| b.cmp(&cur));
                return none(why, direction);
            }
        };
        let direction = Some(to.cmp(&cur));
        if def.is_some_and(Metric::is_bool) && to != Decimal::ZERO && to != Decimal::ONE {
            return none(NoFigure::Bool(to), direction);
        }
        let Some(change) = to.checked_sub(cur) else {
            return none(NoFigure::TooLarge, direction);
        };
        Solved {
            need: Need {
                metric: plan.metric_id(metric).to_string(),
                period: plan.periods.name(self.period).to_string(),
                change: Some(change.normalize()),
                to: Some(to.normalize()),
                note: why,
            },
            direction,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::{Just, Strategy, prop_assert, prop_assert_eq, prop_oneof, proptest};
    use rust_decimal::Decimal;

    use super::{NeedNote, NoFigure, RULE_BUDGET};
    use crate::diagnostic::Loc;
    use crate::evaluate::{Evaluation, Need, Options, Status, evaluate_leaked};
    use crate::expr::parse;
    use crate::model::{
        Actual, AppliesTo, Better, Catalog, Date, Entity, Figure, FigureExtra, Formula, Metric, Model, Op, Periods,
        Qualifier, Rule, RuleSet, Scoring, Step, Target,
    };

    fn d(s: &str) -> Decimal {
        Decimal::from_str_exact(s).expect("test literal")
    }

    fn loc() -> Loc {
        Loc::new(0, 0..0)
    }

    fn formula(text: &str) -> Formula {
        Formula { text: text.to_string(), expr: parse(text).expect("test formula") }
    }

    /// A metric from a spec: `id` (not whole), `id#` (whole), `id?` (bool), `id=formula`.
    fn metric(spec: &str) -> Metric {
        let (id, formula_text) = match spec.split_once('=') {
            Some((id, f)) => (id.trim(), Some(f.trim())),
            None => (spec, None),
        };
        let (id, whole, unit) = if let Some(id) = id.strip_suffix('#') {
            (id, true, Some("件"))
        } else if let Some(id) = id.strip_suffix('?') {
            (id, true, Some("bool"))
        } else {
            (id, false, None)
        };
        Metric {
            id: id.to_string(),
            name: None,
            en: None,
            unit: unit.map(str::to_string),
            whole,
            stock: false,
            measure: None,
            better: None,
            lever: true,
            formula: formula_text.map(formula),
            loc: loc(),
        }
    }

    /// A rule: `actual` is a metric id or an expression; `target` an expression or `low..high`.
    fn rule(actual: &str, op: &str, target: &str) -> Rule {
        let actual = if actual.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            Actual::Metric(actual.to_string())
        } else {
            Actual::Expr(formula(actual))
        };
        let target = match target.split_once("..") {
            Some((l, h)) => Target::Between(formula(l), formula(h)),
            None => Target::Value { formula: formula(target), is_bool: false },
        };
        Rule {
            id: "r".to_string(),
            name: None,
            group: None,
            actual,
            op: Op::parse(op).expect("test op"),
            target,
            weight: Decimal::ONE,
            scoring: Scoring::All,
            veto: false,
            bonus: false,
            loc: loc(),
        }
    }

    /// A model of one entity; figures are `metric = value` for 2015 or `metric@2014 = value`.
    fn model(metrics: &[&str], figures: &[(&str, &str)], rules: Vec<Rule>, as_of: Option<Date>) -> Model {
        let mut periods = Periods::default();
        for (key, value) in figures {
            let (m, p) = key.split_once('@').unwrap_or((key, "2015"));
            let figure = Figure::new(Ok(d(value)), Qualifier::Exact, FigureExtra::default());
            periods.get_or_insert(p).figures.insert(m, figure);
        }
        if let Some(period) = periods.get_mut("2015") {
            period.as_of = as_of;
        }
        let catalog =
            Catalog { metrics: metrics.iter().map(|s| metric(s)).map(|m| (m.id.clone(), m)).collect(), present: true };
        Model {
            catalog,
            entities: vec![Entity {
                id: "e".to_string(),
                name: None,
                kind: None,
                tags: Vec::new(),
                periods,
                loc: loc(),
            }],
            rulesets: vec![RuleSet {
                id: "rs".to_string(),
                name: None,
                period: Some("2015".to_string()),
                applies_to: AppliesTo::default(),
                pass_score: None,
                params: BTreeMap::from([("p30".to_string(), d("30"))]),
                groups: Vec::new(),
                rules,
                loc: loc(),
            }],
        }
    }

    fn run(model: Model) -> Evaluation<'static> {
        evaluate_leaked(model, "2015", &Options::default(), true)
    }

    /// The needs of a single rule.
    fn needs(metrics: &[&str], figures: &[(&str, &str)], actual: &str, op: &str, target: &str) -> Vec<Need> {
        let m = model(metrics, figures, vec![rule(actual, op, target)], None);
        run(m).rules.remove(0).needs
    }

    /// (metric, change, to) of each need, as text; `-` for none.
    fn brief(needs: &[Need]) -> Vec<(String, String, String)> {
        let t = |d: Option<Decimal>| d.map_or("-".to_string(), |d| d.normalize().to_string());
        needs.iter().map(|n| (n.metric.clone(), t(n.change), t(n.to))).collect()
    }

    fn triple(m: &str, change: &str, to: &str) -> (String, String, String) {
        (m.to_string(), change.to_string(), to.to_string())
    }

    fn why(needs: &[Need], metric: &str) -> String {
        needs
            .iter()
            .find(|n| n.metric == metric)
            .map(|n| crate::text::need_note(&n.note, &n.metric, crate::text::Lang::En))
            .unwrap_or_default()
    }

    #[test]
    fn linear() {
        let n =
            needs(&["patent_applications#"], &[("patent_applications", "1500")], "patent_applications", ">=", "1750");
        assert_eq!(brief(&n), vec![triple("patent_applications", "250", "1750")]);
        assert_eq!(n[0].period, "2015");
        assert!(why(&n, "patent_applications").starts_with("exact: linear in patent_applications"), "{n:?}");
    }

    #[test]
    fn a_target_that_reads_the_metric_being_solved_moves_with_it() {
        // inv >= 30% of (inv + other): raising inv raises the target too, so the target
        // is evaluated at each probe (inv >= 3/7 × 437 = 187.28…, not 0.3 × 537 = 161.1).
        let n = needs(&["inv#", "other#"], &[("inv", "100"), ("other", "437")], "inv", ">=", "0.3 * (inv + other)");
        assert_eq!(brief(&n), vec![triple("inv", "88", "188")]);
        // The same through the numeric search (`max` is not linear).
        let n =
            needs(&["inv#", "other#"], &[("inv", "100"), ("other", "437")], "max(inv, 1)", ">=", "0.3 * (inv + other)");
        assert_eq!(brief(&n), vec![triple("inv", "88", "188")]);
        // A target that does not read it is the same at every probe.
        let n = needs(&["inv#", "other#"], &[("inv", "100"), ("other", "437")], "inv", ">=", "0.3 * (100 + other)");
        assert_eq!(brief(&n), vec![triple("inv", "62", "162")]);
    }

    #[test]
    fn a_target_that_reads_a_solved_metric_other_than_the_first_moves_with_it() {
        // max(revenue - cost, 0) >= 0.5 × revenue: the target reads revenue (not cost,
        // the first metric), so revenue >= 2 × cost = 180, not 90 + 50 = 140.
        let n = needs(
            &["cost#", "revenue#"],
            &[("cost", "90"), ("revenue", "100")],
            "max(revenue - cost, 0)",
            ">=",
            "0.5 * revenue",
        );
        assert_eq!(brief(&n), vec![triple("cost", "-40", "50"), triple("revenue", "80", "180")]);
    }

    #[test]
    fn ratio_in_both_directions() {
        let metrics = ["inv#", "apps#", "share = inv / apps * 100"];
        let n = needs(&metrics, &[("inv", "100"), ("apps", "537")], "share", ">=", "30");
        // inv ≥ 161.1 → 162 (up); apps ≤ 333.33… → 333 (down)
        assert_eq!(brief(&n), vec![triple("apps", "-204", "333"), triple("inv", "62", "162")]);
        assert!(why(&n, "apps").starts_with("exact: ratio of linear terms in apps; boundary 333.333333"), "{n:?}");
        assert!(why(&n, "inv").contains("boundary 161.1, rounded up"), "{n:?}");
        // the same with non-whole metrics: the boundary itself
        let n = needs(
            &["inv", "apps", "share = inv / apps * 100"],
            &[("inv", "100"), ("apps", "537")],
            "share",
            ">=",
            "30",
        );
        assert_eq!(n[1].to, Some(d("161.1")));
        let apps = n[0].to.expect("apps figure");
        assert!((apps - d("333.333333333")).abs() < d("0.000001"), "{apps}");
    }

    #[test]
    fn share_of_a_formula_total() {
        let metrics = ["inv#", "other#", "total = inv + other", "share = inv / total * 100"];
        let n = needs(&metrics, &[("inv", "100"), ("other", "437")], "share", ">=", "p30");
        // inv / (inv + 437) ≥ 0.3 ⇔ inv ≥ 187.285…; other ≤ 233.33…
        assert_eq!(brief(&n), vec![triple("inv", "88", "188"), triple("other", "-204", "233")]);
        assert!(why(&n, "inv").starts_with("exact: ratio of linear terms"), "{n:?}");
    }

    #[test]
    fn strict_comparisons() {
        // non-whole: the boundary that any larger value passes
        let n = needs(&["money"], &[("money", "240")], "money", ">", "500");
        assert_eq!(brief(&n), vec![triple("money", "260", "500")]);
        assert!(why(&n, "money").ends_with("the boundary itself: any larger value passes"), "{n:?}");
        let n =
            needs(&["inv", "apps", "share = inv / apps * 100"], &[("inv", "100"), ("apps", "537")], "share", ">", "30");
        assert_eq!(n[1].to, Some(d("161.1")));
        // whole: the next whole number
        let n = needs(&["apps#"], &[("apps", "1500")], "apps", ">", "1750");
        assert_eq!(brief(&n), vec![triple("apps", "251", "1751")]);
        let n = needs(&["cases#"], &[("cases", "15")], "cases", "<", "10");
        assert_eq!(brief(&n), vec![triple("cases", "-6", "9")]);
    }

    #[test]
    fn reverse_indicators() {
        let n = needs(&["rate"], &[("rate", "8")], "rate", "<=", "5");
        assert_eq!(brief(&n), vec![triple("rate", "-3", "5")]);
        let n = needs(&["cases#"], &[("cases", "15")], "cases", "<=", "10");
        assert_eq!(brief(&n), vec![triple("cases", "-5", "10")]);
        // a rate of two counts, reverse: abandoned / filed * 100 <= 5 with 8 / 100
        let n = needs(&["ab#", "filed#"], &[("ab", "8"), ("filed", "100")], "ab / filed * 100", "<=", "5");
        assert_eq!(brief(&n), vec![triple("ab", "-3", "5"), triple("filed", "60", "160")]);
    }

    #[test]
    fn negative_values_and_poles_give_none() {
        let n = needs(&["a#", "b#"], &[("a", "100"), ("b", "80")], "a - b", ">=", "150");
        assert_eq!(brief(&n), vec![triple("a", "130", "230"), triple("b", "-", "-")]);
        assert!(why(&n, "b").contains("negative"), "{n:?}");
        // 10 / (b - 100) <= -0.5 needs b in [80, 100): from 150 that crosses the pole at 100
        let n = needs(&["a", "b"], &[("a", "10"), ("b", "150")], "a / (b - 100)", "<=", "-0.5");
        assert_eq!(brief(&n), vec![triple("a", "-", "-"), triple("b", "-", "-")]);
        assert!(why(&n, "a").contains("negative"), "{n:?}");
        assert!(why(&n, "b").contains("pole"), "{n:?}");
        // The same through the numeric search: max(10 / (b - 100), -1) <= -0.5 needs b
        // in [80, 100), which from 150 lies across the pole at 100.
        let n = needs(&["b#"], &[("b", "150")], "max(10 / (b - 100), -1)", "<=", "-0.5");
        assert_eq!(brief(&n), vec![triple("b", "-", "-")]);
        assert!(why(&n, "b").contains("pole"), "{n:?}");
        // a share can never reach 100% while the other part stays
        let n = needs(&["x#", "y#"], &[("x", "5"), ("y", "5")], "x / (x + y) * 100", ">=", "100");
        assert_eq!(n[0].to, None, "{n:?}");
        assert_eq!(n[1].to, Some(d("0")), "{n:?}");
    }

    #[test]
    fn min_max_abs_use_the_numeric_method() {
        let n = needs(&["a#", "b#"], &[("a", "80"), ("b", "120")], "min(a, b)", ">=", "100");
        assert_eq!(brief(&n), vec![triple("a", "20", "100"), triple("b", "-", "-")]);
        assert!(why(&n, "a").starts_with("numeric:"), "{n:?}");
        assert!(why(&n, "b").contains("cannot be reached by b alone"), "{n:?}");
        // non-whole: the boundary itself, snapped to a short decimal
        let n = needs(&["a", "b"], &[("a", "80"), ("b", "120")], "min(a, b)", ">=", "100.5");
        assert_eq!(brief(&n)[0], triple("a", "20.5", "100.5"));
        let n = needs(&["a", "b"], &[("a", "80"), ("b", "120")], "min(a, b)", ">", "100.5");
        assert_eq!(brief(&n)[0], triple("a", "20.5", "100.5"));
        // abs: the nearer side wins (70 is 20 away from 90, 130 is 40 away)
        let n = needs(&["a#"], &[("a", "90")], "abs(a - 100)", ">=", "30");
        assert_eq!(brief(&n), vec![triple("a", "-20", "70")]);
        let n = needs(&["a#"], &[("a", "110")], "abs(a - 100)", ">=", "30");
        assert_eq!(brief(&n), vec![triple("a", "20", "130")]);
        // a product of two terms that both depend on the metric
        let n = needs(&["a#"], &[("a", "10")], "a * a", ">=", "1000");
        assert_eq!(brief(&n), vec![triple("a", "22", "32")]);
        // max with the other term binding: only past it does a change tell
        let n = needs(&["a#", "b#"], &[("a", "10"), ("b", "50")], "max(a, b)", ">=", "75");
        assert_eq!(brief(&n), vec![triple("a", "65", "75"), triple("b", "25", "75")]);
    }

    #[test]
    fn equality() {
        let n = needs(&["a#"], &[("a", "10")], "a * 3", "==", "100");
        assert_eq!(brief(&n), vec![triple("a", "-", "-")]);
        assert!(why(&n, "a").contains("no whole number"), "{n:?}");
        let n = needs(&["a#"], &[("a", "10")], "a * 4", "==", "100");
        assert_eq!(brief(&n), vec![triple("a", "15", "25")]);
        let n = needs(&["a"], &[("a", "10")], "a * 4", "==", "10");
        assert_eq!(brief(&n), vec![triple("a", "-7.5", "2.5")]);
        let n = needs(&["flag?"], &[("flag", "0")], "flag", "==", "1");
        assert_eq!(brief(&n), vec![triple("flag", "1", "1")]);
        // numeric ==: abs(a - 50) == 20 from 45 → 30 (the nearer root, downward) or 70
        let n = needs(&["a#"], &[("a", "45")], "abs(a - 50)", "==", "20");
        assert_eq!(brief(&n), vec![triple("a", "-15", "30")]);
        let n = needs(&["a#"], &[("a", "45")], "abs(a - 50) * 3", "==", "10");
        assert_eq!(brief(&n), vec![triple("a", "-", "-")]);
    }

    #[test]
    fn between_takes_the_nearer_end() {
        let metrics = ["inv#", "apps#", "share = inv / apps * 100"];
        let n = needs(&metrics, &[("inv", "100"), ("apps", "537")], "share", "between", "30..50");
        assert_eq!(brief(&n)[1], triple("inv", "62", "162"));
        assert!(why(&n, "inv").starts_with("exact: linear in inv"), "{n:?}");
        // above the range: 300 / 537 = 55.9% → inv ≤ 268.5 → 268
        let n = needs(&metrics, &[("inv", "300"), ("apps", "537")], "share", "between", "30..50");
        assert_eq!(brief(&n), vec![triple("apps", "63", "600"), triple("inv", "-32", "268")]);
    }

    #[test]
    fn other_periods_are_held() {
        let n = needs(&["apps#"], &[("apps", "500"), ("apps@2014", "426")], "apps", ">=", "apps@prev * 1.3");
        // 426 × 1.3 = 553.8 → 554, and only the 2015 figure is named
        assert_eq!(brief(&n), vec![triple("apps", "54", "554")]);
        // a target naming the same metric moves with it: x >= x * 0.5 + 100 ⇔ x >= 200
        let n = needs(&["x#", "y#"], &[("x", "120"), ("y", "1")], "x + y * 0", ">=", "x * 0.5 + 100");
        assert_eq!(brief(&n), vec![triple("x", "80", "200"), triple("y", "-", "-")]);
        assert!(why(&n, "y").contains("cancels out"), "{n:?}");
    }

    #[test]
    fn no_needs_when_met_or_not_a_point() {
        let n = needs(&["a#"], &[("a", "100")], "a", ">=", "50");
        assert!(n.is_empty());
        let mut m = model(&["a#"], &[("a", "100")], vec![rule("a", ">=", "500")], None);
        if let Some(p) = m.entities[0].periods.get_mut("2015") {
            p.figures.insert("a", Figure::new(Ok(d("100")), Qualifier::AtMost, FigureExtra::default()));
        }
        let e = run(m);
        assert_eq!(e.rules[0].status, Status::NotMet);
        assert!(e.rules[0].needs.is_empty());
        // a missing input: unknown, nothing
        let n = needs(&["a#", "b#"], &[("a", "100")], "a + b", ">=", "500");
        assert!(n.is_empty());
    }

    /// [`needs`] with the `better` direction of metric `id` declared.
    fn needs_better(
        metrics: &[&str],
        figures: &[(&str, &str)],
        (actual, op, target): (&str, &str, &str),
        id: &str,
        better: Better,
    ) -> Vec<Need> {
        let mut m = model(metrics, figures, vec![rule(actual, op, target)], None);
        m.catalog.metrics.get_mut(id).expect("test metric").better = Some(better);
        run(m).rules.remove(0).needs
    }

    #[test]
    fn a_need_without_a_figure_is_left_out_by_the_direction_of_its_boundary() {
        use Better::{Higher, Lower};
        // b would have to fall to -50: against `better = "higher"`, not against "lower".
        let (metrics, figures) = (["a#", "b#"], [("a", "100"), ("b", "80")]);
        let rule = ("a - b", ">=", "150");
        let n = needs_better(&metrics, &figures, rule, "b", Higher);
        assert_eq!(brief(&n), vec![triple("a", "130", "230")]);
        let n = needs_better(&metrics, &figures, rule, "b", Lower);
        assert_eq!(brief(&n), vec![triple("a", "130", "230"), triple("b", "-", "-")]);
        // `==` on a whole metric: the exact value 33.33… lies above 10.
        let rule = ("a * 3", "==", "100");
        assert_eq!(needs_better(&["a#"], &[("a", "10")], rule, "a", Lower), Vec::new());
        let n = needs_better(&["a#"], &[("a", "10")], rule, "a", Higher);
        assert!(why(&n, "a").starts_with("no whole number of a"), "{n:?}");
        // `==` on a decimal metric: about 0.333 lies below 10.
        let rule = ("a * 3", "==", "1");
        assert_eq!(needs_better(&["a"], &[("a", "10")], rule, "a", Higher), Vec::new());
        let n = needs_better(&["a"], &[("a", "10")], rule, "a", Lower);
        assert!(why(&n, "a").starts_with("no decimal value of a"), "{n:?}");
        // A yes/no metric that would need 3, above 0.
        let rule = ("flag * 10", ">=", "25");
        assert_eq!(needs_better(&["flag?"], &[("flag", "0")], rule, "flag", Lower), Vec::new());
        let n = needs_better(&["flag?"], &[("flag", "0")], rule, "flag", Higher);
        assert_eq!(brief(&n), vec![triple("flag", "-", "-")]);
        assert_eq!(why(&n, "flag"), "a yes/no indicator can only be 0 or 1, and it would need 3");
    }

    #[test]
    fn year_to_date_never_lowers_a_flow() {
        let mid_year = Date::new(2015, 6, 30);
        // b, a flow, would have to fall (below zero, even): left out; a is raised.
        let m = model(&["a#", "b#"], &[("a", "100"), ("b", "80")], vec![rule("a - b", ">=", "150")], mid_year);
        assert_eq!(brief(&run(m).rules[0].needs), vec![triple("a", "130", "230")]);
        // A flow at 150 against `<= 100` would have to fall: no need; a level may fall.
        let m = model(&["a#"], &[("a", "150")], vec![rule("a", "<=", "100")], mid_year);
        assert_eq!(run(m).rules[0].needs, Vec::new());
        let mut m = model(&["a#"], &[("a", "150")], vec![rule("a", "<=", "100")], mid_year);
        m.catalog.metrics.get_mut("a").expect("test metric").stock = true;
        assert_eq!(brief(&run(m).rules[0].needs), vec![triple("a", "-50", "100")]);
    }

    #[test]
    fn between_an_empty_range_names_the_end_the_actual_is_outside_of() {
        // base * 0.9 .. base * 1.1 with a negative base runs from -90 down to -110: no
        // value is in it. At -90 the actual is outside the high end only, so that is the end
        // the need aims for (and cannot verify).
        let range = "base * 0.9 .. base * 1.1";
        let n = needs(&["x", "base"], &[("x", "-90"), ("base", "-100")], "x", "between", range);
        assert_eq!(brief(&n), vec![triple("x", "-", "-")]);
        let note = why(&n, "x");
        assert!(note.starts_with("target cannot be reached by x alone"), "{note}");
        assert!(note.ends_with("the exact figure -110 does not verify)"), "{note}");
        let n = needs(&["x", "base"], &[("x", "-110"), ("base", "-100")], "x", "between", range);
        assert!(why(&n, "x").ends_with("the exact figure -90 does not verify)"), "{n:?}");
    }

    #[test]
    fn year_to_date_asks_for_the_year_end_figure() {
        let m = model(&["apps#"], &[("apps", "301")], vec![rule("apps", ">=", "560")], Date::new(2015, 6, 30));
        let e = run(m);
        assert_eq!(brief(&e.rules[0].needs), vec![triple("apps", "259", "560")]);
    }

    #[test]
    fn through_the_loader() {
        use crate::diagnostic::{Diagnostic, Sources};
        let dir = std::env::temp_dir().join(format!("kaohe-solve-{}", std::process::id()));
        let files = [
            (
                "rules/metrics.toml",
                "[metric.inv]\nunit = \"件\"\n[metric.apps]\nunit = \"件\"\n\
                 [metric.share]\nunit = \"%\"\nformula = \"inv / apps * 100\"\n",
            ),
            (
                "rules/r.toml",
                "id = \"r\"\nperiod = \"2015\"\n[[rule]]\nid = \"s\"\nmetric = \"share\"\nop = \">=\"\ntarget = 30\n",
            ),
            ("data/e.toml", "id = \"e\"\n[period.2015]\ninv = 100\napps = 537\n"),
        ];
        for (path, text) in files {
            let path = dir.join(path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).expect("temp dir");
            }
            std::fs::write(path, text).expect("temp file");
        }
        let mut sources = Sources::default();
        let mut diags: Vec<Diagnostic> = Vec::new();
        let paths = crate::load::Paths { rules: vec![dir.join("rules")], data: vec![dir.join("data")], metrics: None };
        let raw = crate::load::load(&paths, crate::model::Quotes::Keep, &mut sources, &mut diags);
        let m = crate::validate::validate(raw, &sources, &mut diags);
        let _ = std::fs::remove_dir_all(&dir);
        assert!(!diags.iter().any(Diagnostic::is_error), "{diags:?}");
        let e = run(m);
        assert_eq!(brief(&e.rules[0].needs), vec![triple("apps", "-204", "333"), triple("inv", "62", "162")]);
    }

    /// `(metric, change, to)` and the note of every need of one rule, for table tests.
    fn case(metrics: &[&str], figures: &[(&str, &str)], actual: &str, op: &str, target: &str) -> Vec<(String, String)> {
        let n = needs(metrics, figures, actual, op, target);
        let b = brief(&n);
        b.iter().map(|(m, c, t)| (format!("{m} {c} {t}"), why(&n, m))).collect()
    }

    fn expect(got: Vec<(String, String)>, want: &[(&str, &str)]) {
        let want: Vec<(String, String)> = want.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn exact_wherever_the_rule_reduces_to_a_linear_or_ratio_form() {
        // A product of inputs that are both zero: the other metrics cancel out, no panic.
        expect(
            case(&["a#", "b#", "c#"], &[("a", "40"), ("b", "0"), ("c", "0")], "a + b * c", ">=", "100"),
            &[
                ("a 60 100", "exact: linear in a"),
                ("b - -", "target cannot be reached by b alone: it cancels out of the rule"),
                ("c - -", "target cannot be reached by c alone: it cancels out of the rule"),
            ],
        );
        // A quotient of proportional terms is a constant: the metric cancels out.
        expect(
            case(&["a#", "b#"], &[("a", "40"), ("b", "60")], "(a + b) * 100 / (a + b)", ">=", "150"),
            &[
                ("a - -", "target cannot be reached by a alone: it cancels out of the rule"),
                ("b - -", "target cannot be reached by b alone: it cancels out of the rule"),
            ],
        );
        // Terms of degree 2 along the way that cancel back down are still solved exactly.
        expect(case(&["a#"], &[("a", "4")], "a * a / a", ">=", "10"), &[("a 6 10", "exact: linear in a")]);
        expect(
            case(&["a"], &[("a", "10")], "a / (a * a) * 100", "<=", "5"),
            &[("a 10 20", "exact: ratio of linear terms in a")],
        );
        // A term of the rule that does not depend on the metric is a constant, even
        // inside `min` and through a derived metric.
        let metrics = ["inv#", "c#", "d#", "bonus = c + d"];
        let n = case(&metrics, &[("inv", "50"), ("c", "3"), ("d", "4")], "inv + min(bonus, 10)", ">=", "100");
        assert_eq!(n[2], ("inv 43 93".to_string(), "exact: linear in inv".to_string()));
        // The boundary of a non-whole metric that the evaluator's rounding misses by one
        // unit in the last place: the next value up, still the exact path.
        expect(
            case(&["inv"], &[("inv", "0.07")], "inv / 7 * 3", ">=", "1"),
            &[("inv 2.2633333333333333333333333433 2.3333333333333333333333333433", "exact: linear in inv")],
        );
    }

    #[test]
    fn beyond_a_ratio_of_linear_terms_the_numeric_method_says_why() {
        let numeric = |why: &str, n: usize| format!("numeric: {why}; doubling bracket and bisection, {n} evaluations");
        let product = "a product of terms that both depend on the metric";
        expect(case(&["a#"], &[("a", "5")], "a * a * a", ">=", "1000"), &[("a 5 10", &numeric(product, 8))]);
        expect(case(&["a#"], &[("a", "5")], "1000 / (a * a * a)", "<=", "1"), &[("a 5 10", &numeric(product, 12))]);
        let quadratic = "not linear or a ratio of linear terms in a";
        expect(case(&["a#"], &[("a", "5")], "a * a", ">=", "1000"), &[("a 27 32", &numeric(quadratic, 12))]);
        // (a + 1) / (a² + a + 1) is not a constant, though its leading terms agree.
        expect(
            case(&["a#"], &[("a", "5")], "(a + 1) / (a * a + a + 1) * 100", ">=", "50"),
            &[("a -4 1", &numeric(quadratic, 9))],
        );
        // The evaluations it took: whole metrics bisect down to whole numbers, others
        // to 10⁻¹⁵ relative, then snap to the shortest decimal that meets the rule.
        let min_a = "`min` of a term that depends on a";
        let b_cannot = "target cannot be reached by b alone: no value found in either direction without going \
                        below zero (2 evaluations; `min` of a term that depends on b)";
        expect(
            case(&["a#", "b#"], &[("a", "80"), ("b", "120")], "min(a, b)", ">=", "100"),
            &[("a 20 100", &numeric(min_a, 12)), ("b - -", b_cannot)],
        );
        expect(
            case(&["a", "b"], &[("a", "80"), ("b", "120")], "min(a, b)", ">=", "100.5"),
            &[("a 20.5 100.5", &numeric(min_a, 57)), ("b - -", b_cannot)],
        );
        // A metric that is negative now may stay negative.
        let abs_a = "`abs` of a term that depends on a";
        expect(case(&["a"], &[("a", "-10")], "abs(a)", "<=", "5"), &[("a 5 -5", &numeric(abs_a, 58))]);
        // Both directions reach the goal in the same round: the nearer wins (70 is 28
        // away from 98, 130 is 32 away).
        expect(case(&["a#"], &[("a", "98")], "abs(a - 100)", ">=", "30"), &[("a -28 70", &numeric(abs_a, 22))]);
    }

    #[test]
    fn boundaries_signs_and_exact_values() {
        // A strict comparison at its boundary: the next whole number, still exact.
        expect(
            case(&["apps#"], &[("apps", "1750")], "apps", ">", "1750"),
            &[("apps 1 1751", "exact: linear in apps; boundary 1750, rounded up to a whole number that meets it")],
        );
        expect(
            case(&["cases#"], &[("cases", "10")], "cases", "<", "10"),
            &[("cases -1 9", "exact: linear in cases; boundary 10, rounded down to a whole number that meets it")],
        );
        // No negative figure for a metric that is not negative now: the boundary itself
        // below zero, or past it (for `< 0` the next whole number is -1).
        let a_minus_b = |target: &str| case(&["a#", "b#"], &[("a", "100"), ("b", "80")], "a - b", ">=", target);
        assert_eq!(a_minus_b("150")[1], ("b - -".to_string(), "would need a negative value (-50)".to_string()));
        assert_eq!(a_minus_b("100.5")[1], ("b - -".to_string(), "would need a negative value (-0.5)".to_string()));
        expect(case(&["a#"], &[("a", "5")], "a", "<", "0"), &[("a - -", "would need a negative value (beyond 0)")]);
        // A metric that is negative now may stay negative.
        expect(
            case(&["profit"], &[("profit", "-80")], "profit", ">=", "-50"),
            &[("profit 30 -50", "exact: linear in profit")],
        );
        // `==`: exact where a value gives exactly the target, else the exact value.
        expect(case(&["a"], &[("a", "10")], "a * 4", "==", "10"), &[("a -7.5 2.5", "exact: linear in a")]);
        expect(
            case(&["a#"], &[("a", "10")], "a * 3", "==", "100"),
            &[("a - -", "no whole number of a gives exactly the target (the exact value is 33.333333)")],
        );
        expect(
            case(&["a"], &[("a", "10")], "a * 3", "==", "1"),
            &[("a - -", "no decimal value of a gives exactly the target (the exact value is about 0.333333)")],
        );
    }

    #[test]
    fn an_unknown_rule_has_no_needs_even_with_point_sides() {
        // `steps` with a threshold that cannot be computed: unknown, though 5 < 10.
        let mut r = rule("a", ">=", "10");
        r.scoring = Scoring::Steps(vec![Step { threshold: formula("c"), points: Decimal::ONE }]);
        let e = run(model(&["a#", "c#"], &[("a", "5")], vec![r], None));
        assert_eq!(e.rules[0].status, Status::Unknown);
        assert_eq!(e.rules[0].needs, Vec::new());
    }

    #[test]
    fn a_rule_s_work_is_bounded() {
        // 400 inputs, each solved numerically: past RULE_BUDGET the rest get no figure.
        let ids: Vec<String> = (0..400).map(|i| format!("a{i:03}")).collect();
        let specs: Vec<String> = ids.iter().map(|id| format!("{id}#")).collect();
        let specs: Vec<&str> = specs.iter().map(String::as_str).collect();
        let figures: Vec<(&str, &str)> = ids.iter().map(|id| (id.as_str(), "1")).collect();
        let actual = format!("min({}, 1000000)", ids.join(" + "));
        let n = needs(&specs, &figures, &actual, ">=", "500");
        assert_eq!(n.len(), 400);
        let solved = n.iter().take_while(|n| n.to == Some(d("101"))).count();
        assert!((100..400).contains(&solved), "{solved} solved");
        let budget = format!(
            "the rule's work limit ({RULE_BUDGET} evaluations) was reached before {} was solved",
            n[solved].metric
        );
        assert_eq!(why(&n[solved..], &n[solved].metric), budget);
        assert!(n[solved..].iter().all(|n| n.to.is_none() && n.note == NeedNote::NoFigure(NoFigure::Budget)));
    }

    #[test]
    fn the_bracket_search_stops_at_the_evaluation_cap() {
        // abs(a) - abs(a) is 0 at every value, yet over either direction as an interval it
        // spans the target: neither is settled at once, and both expand until the cap.
        expect(
            case(&["a"], &[("a", "-5")], "abs(a) - abs(a)", ">=", "1"),
            &[(
                "a - -",
                "gave up after 200 evaluations (the limit for one metric) without finding a value of a that \
                 meets the rule (`abs` of a term that depends on a)",
            )],
        );
        // A boundary so far away in both directions that the bisection, not the
        // bracket, reaches the cap: no figure rather than one not yet the nearest.
        let n = needs(&["a"], &[("a", "-5")], "abs(a)", ">=", "100000000000000000000000000");
        assert!(matches!(n[0].note, NeedNote::NoFigure(NoFigure::Limit { evaluations: 200, .. })), "{n:?}");
    }

    #[test]
    fn numeric_directions_at_the_same_distance_keep_the_upward_figure() {
        // From 100, 130 and 70 both meet abs(a - 100) >= 30, found in the same round.
        let n = needs(&["a#"], &[("a", "100")], "abs(a - 100)", ">=", "30");
        assert_eq!(brief(&n), vec![triple("a", "30", "130")]);
    }

    #[test]
    fn an_exact_boundary_at_the_current_value_that_does_not_hold_goes_to_the_numeric_method() {
        // 1 / 3 * 3 is 0.99…9 to the evaluator: not the target, though the exact
        // boundary is the current value itself (the exact path disagrees, numeric takes over).
        let n = needs(&["a"], &[("a", "1")], "a / 3 * 3", "==", "1");
        assert_eq!(why(&n, "a"), "no decimal value of a found that gives exactly the target");
    }

    /// A random rule over metrics x and y: (actual expression, solved exactly?, target).
    fn random_form() -> impl Strategy<Value = (String, bool, i64)> {
        let linear = (-6i64..=6, -100i64..=100, -2000i64..=12000).prop_map(|(k, c, t)| {
            let k = if k == 0 { 1 } else { k };
            (format!("{k} * x + {c}").replace("+ -", "- "), true, t)
        });
        let ratio = prop_oneof![
            Just("x / y * 100".to_string()),
            Just("y / x * 100".to_string()),
            Just("x / (x + y) * 100".to_string()),
            (1i64..=9).prop_map(|k| format!("(x + {k}) / (y + 2 * x) * 50")),
        ]
        .prop_flat_map(|f| (Just(f), Just(true), -20i64..=160));
        let numeric = prop_oneof![
            Just("min(x, y) * 2 + x".to_string()),
            Just("max(x, 3 * y) - y".to_string()),
            Just("abs(x - y)".to_string()),
            Just("x * x / 100 + y".to_string()),
        ]
        .prop_flat_map(|f| (Just(f), Just(false), -100i64..=8000));
        prop_oneof![linear, ratio, numeric]
    }

    fn random_op() -> impl Strategy<Value = &'static str> {
        prop_oneof![Just(">="), Just(">"), Just("<="), Just("<")]
    }

    proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        #[test]
        fn applying_the_change_meets_the_rule_and_one_less_does_not(
            (actual, exact, target) in random_form(),
            op in random_op(),
            x in 0i64..=2000,
            y in 1i64..=2000,
        ) {
            let (xs, ys, ts) = (x.to_string(), y.to_string(), target.to_string());
            let build = |x: &str, y: &str| model(&["x#", "y#"], &[("x", x), ("y", y)], vec![rule(&actual, op, &ts)], None);
            let e = run(build(&xs, &ys));
            let r = &e.rules[0];
            if r.status != Status::NotMet {
                prop_assert!(r.needs.is_empty());
                return Ok(());
            }
            for n in &r.needs {
                let cur = if n.metric == "x" { x } else { y };
                let with = |v: Decimal| {
                    let v = v.to_string();
                    let m = if n.metric == "x" { build(&v, &ys) } else { build(&xs, &v) };
                    run(m).rules[0].status
                };
                match (n.change, n.to) {
                    (Some(change), Some(to)) => {
                        prop_assert_eq!(Decimal::from(cur) + change, to);
                        prop_assert!(to.fract().is_zero(), "{n:?}");
                        prop_assert!(to >= Decimal::ZERO, "{n:?}");
                        prop_assert_eq!(with(to), Status::Met, "{:?}", n);
                        let back = if change.is_sign_negative() { to + Decimal::ONE } else { to - Decimal::ONE };
                        prop_assert!(with(back) != Status::Met, "one less also meets: {:?}", n);
                        let why = crate::text::need_note(&n.note, &n.metric, crate::text::Lang::En);
                        // numeric forms may still be linear in one of the two metrics
                        prop_assert!(why.starts_with("exact") || (!exact && why.starts_with("numeric")), "{n:?}");
                    }
                    _ => {
                        let why = crate::text::need_note(&n.note, &n.metric, crate::text::Lang::En);
                        let known = why.contains("negative") || why.contains("pole") || why.contains("cancels");
                        prop_assert!(known || (!exact && why.contains("cannot be reached")), "{n:?}");
                        if why.contains("negative") || why.contains("cannot be reached") {
                            prop_assert!(with(Decimal::ZERO) != Status::Met, "zero would do: {:?}", n);
                        }
                    }
                }
            }
        }

        #[test]
        fn non_whole_figures_are_the_boundary(
            (actual, _exact, target) in random_form(),
            op in random_op(),
            x in 0i64..=200_000,
            y in 100i64..=200_000,
        ) {
            // two places: 12.34
            let (xs, ys, ts) = (Decimal::new(x, 2).to_string(), Decimal::new(y, 2).to_string(), target.to_string());
            let relaxed = op.trim_end_matches('=').to_string() + "=";
            let build = |x: &str, y: &str, op: &str| model(&["x", "y"], &[("x", x), ("y", y)], vec![rule(&actual, op, &ts)], None);
            let e = run(build(&xs, &ys, op));
            let r = &e.rules[0];
            for n in &r.needs {
                if let Some(to) = n.to {
                    let v = to.to_string();
                    let m = if n.metric == "x" { build(&v, &ys, &relaxed) } else { build(&xs, &v, &relaxed) };
                    prop_assert_eq!(run(m).rules[0].status, Status::Met, "{:?}", n);
                    prop_assert!(to >= Decimal::ZERO, "{n:?}");
                }
            }
        }
    }
}
