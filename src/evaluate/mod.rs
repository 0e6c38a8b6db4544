//! Evaluation: a pure function of the checked model and one entity's data. It gives
//! every rule a status, a completion, a gap and a score, every group a subtotal and
//! the rule set a verdict (CONTRACT §5). No I/O, no printing, no rounding: each result
//! keeps the inputs it used, so that `explain` can show the working.
//!
//! `plan` compiles the model once; `engine` holds one entity's values for one thread.

pub mod engine;
pub mod plan;

use rust_decimal::Decimal;

use self::engine::Engine;
use self::plan::{PlanRule, PlanRuleSet, PlanTarget};
use crate::expr::{Expr, PeriodIdx, PeriodRef, Unknown};
use crate::interval::Interval;
use crate::model::{Actual, Date, Entity, Figure, Measure, Op, Rule, RuleSet, Scoring};
use crate::solve::NeedNote;

/// met / not_met / unknown (CONTRACT §5).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// The comparison holds for every value in the actual interval.
    Met,
    /// It fails for every value in it.
    NotMet,
    /// Otherwise: missing data, division by zero, a bound that cannot decide, a number too large.
    Unknown,
}

impl Status {
    pub fn key(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::NotMet => "not_met",
            Status::Unknown => "unknown",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Fail,
    Incomplete,
}

impl Verdict {
    pub fn key(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Incomplete => "incomplete",
        }
    }
}

/// Year-to-date progress against the share of the year elapsed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pace {
    Ahead,
    Behind,
}

impl Pace {
    pub fn key(self) -> &'static str {
        match self {
            Pace::Ahead => "ahead",
            Pace::Behind => "behind",
        }
    }
}

/// One input a result was computed from, for `explain`.
#[derive(Clone, Debug)]
pub struct Input {
    pub metric: String,
    pub period: String,
    pub value: Result<Interval, Unknown>,
    /// The reported figure, for raw metrics present in the data.
    pub figure: Option<Figure>,
    /// The formula, for derived metrics.
    pub formula: Option<String>,
}

/// What a rule's target evaluated to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetValue {
    Single(Interval),
    Between(Interval, Interval),
}

/// A level's way from the start of the year to its target: `baseline` is the actual
/// side at the previous period, `pct` = (actual − baseline) ÷ (target − baseline) × 100.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    pub baseline: Decimal,
    pub pct: Decimal,
}

/// The progress of a `level` rule: `None` without a point baseline, or a point target
/// above it, or an actual with a lower bound.
fn level_progress(
    engine: &mut Engine,
    rule: &PlanRule,
    period: PeriodIdx,
    actual: &Result<Interval, Unknown>,
    target: Option<Decimal>,
) -> Option<Progress> {
    let prev = engine.plan().periods.prev(period)?;
    let baseline = engine.eval(&rule.actual, prev).ok()?.as_point()?;
    let target = target.filter(|t| *t > baseline)?;
    let low = actual.as_ref().ok()?.low?;
    let pct =
        low.checked_sub(baseline)?.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(target.checked_sub(baseline)?)?;
    Some(Progress { baseline, pct })
}

/// What it takes (CONTRACT §5, `needs`): the change of one metric alone that meets the rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Need {
    pub metric: String,
    pub period: String,
    /// `None` where no change of that metric alone can do it.
    pub change: Option<Decimal>,
    pub to: Option<Decimal>,
    /// Why there is no figure, or how it was found (for `explain`).
    pub note: NeedNote,
}

/// Why a rule is `unknown` (CONTRACT §5): typed, worded by `crate::text` (JSON and
/// CSV carry the English wording as their value).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// The actual or the target has no value: missing data, division by zero, …
    Unknown(Unknown),
    /// Both sides have values, but their intervals overlap the boundary.
    Undecided { actual: Interval, target: TargetValue },
    /// A `steps` threshold has no value.
    StepThreshold(Unknown),
}

/// The result of one rule for one entity.
#[derive(Clone, Debug)]
pub struct RuleResult<'m> {
    pub rule: &'m Rule,
    /// The measure of the actual side (CONTRACT §2): what pace means for it.
    pub measure: Measure,
    pub status: Status,
    pub reason: Option<Reason>,
    pub actual: Result<Interval, Unknown>,
    pub target: Result<TargetValue, Unknown>,
    pub approximate: bool,
    /// Absent when meaningless (no point target above zero, no usable bound).
    pub completion_pct: Option<Decimal>,
    /// For not_met rules: the distance certainly missing, in the metric's unit.
    pub gap: Option<Decimal>,
    pub score: Decimal,
    pub expected_pct: Option<Decimal>,
    pub pace: Option<Pace>,
    /// For a `level` measured mid-year: how far it has come from where it stood when
    /// the year began (CONTRACT §5 `progress_pct`).
    pub progress: Option<Progress>,
    pub needs: Vec<Need>,
    /// Counts as unknown for the verdict: unknown, or mid-year not yet met (>=, >).
    pub open: bool,
    pub inputs: Vec<Input>,
}

#[derive(Clone, Debug)]
pub struct GroupResult {
    pub name: String,
    /// Includes the group's bonus rules.
    pub score: Decimal,
    /// Weights of its non-bonus rules.
    pub max_score: Decimal,
    pub min_score: Option<Decimal>,
}

/// The evaluation of one (entity, rule set).
#[derive(Clone, Debug)]
pub struct Evaluation<'m> {
    pub entity: &'m Entity,
    pub ruleset: &'m RuleSet,
    pub period: String,
    pub as_of: Option<Date>,
    /// Share of the year elapsed at `as_of`, in percent.
    pub elapsed_pct: Option<Decimal>,
    pub score: Decimal,
    pub max_score: Decimal,
    pub pass_score: Option<Decimal>,
    pub verdict: Verdict,
    /// Why the verdict is not `pass`; empty for `pass`.
    pub decided_by: Vec<Decider<'m>>,
    pub groups: Vec<GroupResult>,
    pub rules: Vec<RuleResult<'m>>,
}

/// What decided a verdict that is not `pass` (CONTRACT §8 `decided_by`), with each
/// rule's status as the verdict sees it (a mid-year `not_met` `>=` rule is unknown).
#[derive(Clone, Debug)]
pub enum Decider<'m> {
    /// A veto rule is not met.
    Veto(&'m Rule),
    /// A group cannot reach its `min_score` (the group, its minimum).
    GroupMin(String, Decimal),
    /// The pass score cannot be reached.
    PassScore(Decimal),
    /// Without a pass score: a non-bonus rule is not met.
    NotMet(&'m Rule),
    /// The rule counts as unknown for the verdict.
    Unknown(&'m Rule),
}

impl<'m> Decider<'m> {
    /// The rule it names, if it names one.
    pub fn rule(&self) -> Option<&'m Rule> {
        match self {
            Decider::Veto(r) | Decider::NotMet(r) | Decider::Unknown(r) => Some(r),
            Decider::GroupMin(..) | Decider::PassScore(_) => None,
        }
    }

    /// The contract's `kind`.
    pub fn key(&self) -> &'static str {
        match self {
            Decider::Veto(_) => "veto",
            Decider::GroupMin(..) => "group_min",
            Decider::PassScore(_) => "pass_score",
            Decider::NotMet(_) => "not_met",
            Decider::Unknown(_) => "unknown",
        }
    }
}

/// Options that change how data are read.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// `--as-of`: the year-to-date date for a period whose data give none.
    pub as_of: Option<Date>,
    /// Keep every rule's inputs (for `explain`).
    pub trace: bool,
}

/// Evaluate one rule set for one entity at `period`; `engine` may hold the entity's
/// values from another rule set already (they do not depend on the rule set).
pub fn evaluate<'m>(
    engine: &mut Engine<'_, 'm>,
    entity: &'m Entity,
    ruleset: &PlanRuleSet<'m>,
    period: &str,
    options: &Options,
) -> Evaluation<'m> {
    let as_of = entity.periods.get(period).and_then(|p| p.as_of).or(options.as_of);
    let elapsed_pct = as_of.map(elapsed_pct);
    let mid_year = as_of.is_some_and(Date::is_before_year_end);
    let period_idx = engine.plan().periods.get(period).unwrap_or(PeriodIdx::MAX);
    let rules: Vec<RuleResult> = ruleset
        .rules
        .iter()
        .map(|rule| {
            if options.trace {
                // Each rule records its own inputs from a clean table.
                engine.clear();
                engine.trace = Some(Vec::new());
            }
            let mut result = evaluate_rule(engine, rule, period_idx, elapsed_pct, mid_year);
            if let Some(inputs) = engine.trace.take() {
                result.inputs = inputs;
            }
            result
        })
        .collect();
    let ruleset = ruleset.ruleset;

    let sum = |it: &mut dyn Iterator<Item = Decimal>| it.fold(Decimal::ZERO, |a, b| a.saturating_add(b));
    let score = sum(&mut rules.iter().map(|r| r.score));
    let max_score = sum(&mut rules.iter().filter(|r| !r.rule.bonus).map(|r| r.rule.weight));
    // "Reachable": open rules counted as if they scored in full.
    let reachable_of = |r: &RuleResult| if r.open { r.score.max(r.rule.weight) } else { r.score };
    let reachable = sum(&mut rules.iter().map(reachable_of));

    let groups: Vec<GroupResult> = ruleset
        .groups
        .iter()
        .map(|g| {
            let members = || rules.iter().filter(|r| r.rule.group.as_deref() == Some(g.name.as_str()));
            GroupResult {
                name: g.name.clone(),
                score: sum(&mut members().map(|r| r.score)),
                max_score: sum(&mut members().filter(|r| !r.rule.bonus).map(|r| r.rule.weight)),
                min_score: g.min_score,
            }
        })
        .collect();
    let group_reachable =
        |name: &str| sum(&mut rules.iter().filter(|r| r.rule.group.as_deref() == Some(name)).map(reachable_of));

    let counted_not_met = |r: &RuleResult| r.status == Status::NotMet && !r.open;
    let fail = rules.iter().any(|r| r.rule.veto && counted_not_met(r))
        || groups.iter().any(|g| g.min_score.is_some_and(|m| group_reachable(&g.name) < m))
        || match ruleset.pass_score {
            Some(p) => reachable < p,
            None => rules.iter().any(|r| !r.rule.bonus && counted_not_met(r)),
        };
    let pass = !rules.iter().any(|r| r.rule.veto && r.open)
        && groups.iter().all(|g| g.min_score.is_none_or(|m| g.score >= m))
        && match ruleset.pass_score {
            Some(p) => score >= p,
            None => rules.iter().filter(|r| !r.rule.bonus).all(|r| r.status == Status::Met),
        };
    let verdict = if fail {
        Verdict::Fail
    } else if pass {
        Verdict::Pass
    } else {
        Verdict::Incomplete
    };
    // Why the verdict is not `pass` (CONTRACT §8), in the contract's order.
    let decided_by = match verdict {
        Verdict::Pass => Vec::new(),
        Verdict::Fail => {
            let mut why: Vec<Decider> =
                rules.iter().filter(|r| r.rule.veto && counted_not_met(r)).map(|r| Decider::Veto(r.rule)).collect();
            why.extend(
                groups
                    .iter()
                    .filter(|g| g.min_score.is_some_and(|m| group_reachable(&g.name) < m))
                    .map(|g| Decider::GroupMin(g.name.clone(), g.min_score.unwrap_or_default())),
            );
            match ruleset.pass_score {
                Some(p) if reachable < p => why.push(Decider::PassScore(p)),
                Some(_) => {}
                None => why.extend(
                    rules.iter().filter(|r| !r.rule.bonus && counted_not_met(r)).map(|r| Decider::NotMet(r.rule)),
                ),
            }
            why
        }
        Verdict::Incomplete => rules.iter().filter(|r| r.open).map(|r| Decider::Unknown(r.rule)).collect(),
    };

    Evaluation {
        entity,
        ruleset,
        period: period.to_string(),
        as_of,
        elapsed_pct,
        score,
        max_score,
        pass_score: ruleset.pass_score,
        verdict,
        decided_by,
        groups,
        rules,
    }
}

/// (day of year) ÷ (days in year) × 100.
pub fn elapsed_pct(date: Date) -> Decimal {
    Decimal::from(date.day_of_year()) * Decimal::ONE_HUNDRED / Decimal::from(date.days_in_year())
}

/// The period before a four-digit year.
pub fn prev_period(period: &str) -> Option<String> {
    if crate::model::is_year(period) {
        let year: i32 = period.parse().ok()?;
        Some(format!("{:04}", year - 1))
    } else {
        None
    }
}

/// The actual side of a rule.
pub fn actual_expr(rule: &Rule) -> Expr {
    match &rule.actual {
        Actual::Metric(m) => Expr::Ref {
            name: m.clone(),
            period: PeriodRef::Current,
            span: crate::expr::Span { start: 0, end: m.chars().count() },
        },
        Actual::Expr(f) => f.expr.clone(),
    }
}

/// The target of a compiled rule at `period`.
pub fn eval_target(engine: &mut Engine, rule: &PlanRule, period: PeriodIdx) -> Result<TargetValue, Unknown> {
    match &rule.target {
        PlanTarget::Single(code) => engine.eval(code, period).map(TargetValue::Single),
        PlanTarget::Between(low, high) => {
            let l = engine.eval(low, period);
            let h = engine.eval(high, period);
            match (l, h) {
                (Ok(l), Ok(h)) => Ok(TargetValue::Between(l, h)),
                (Err(a), Err(b)) => Err(a.merge(b)),
                (Err(e), _) | (_, Err(e)) => Err(e),
            }
        }
    }
}

fn evaluate_rule<'m>(
    engine: &mut Engine<'_, 'm>,
    plan_rule: &PlanRule<'m>,
    period: PeriodIdx,
    elapsed: Option<Decimal>,
    mid_year: bool,
) -> RuleResult<'m> {
    let rule = plan_rule.rule;
    let actual = engine.eval(&plan_rule.actual, period);
    let target = eval_target(engine, plan_rule, period);
    let approximate = actual.as_ref().is_ok_and(|a| a.approx)
        || match &target {
            Ok(TargetValue::Single(t)) => t.approx,
            Ok(TargetValue::Between(l, h)) => l.approx || h.approx,
            Err(_) => false,
        };
    let (mut status, mut reason) = match (&actual, &target) {
        (Ok(a), Ok(t)) => {
            let s = compare(rule.op, a, t);
            let why = (s == Status::Unknown).then(|| Reason::Undecided { actual: *a, target: t.clone() });
            (s, why)
        }
        (Err(a), Err(t)) => (Status::Unknown, Some(Reason::Unknown(a.clone().merge(t.clone())))),
        (Err(e), _) | (_, Err(e)) => (Status::Unknown, Some(Reason::Unknown(e.clone()))),
    };
    let point_target = match &target {
        Ok(TargetValue::Single(t)) => t.as_point(),
        _ => None,
    };
    let completion_pct = match (&actual, point_target) {
        (Ok(a), Some(t)) => completion(rule.op, a, t),
        _ => None,
    };
    let gap = match (&actual, &target) {
        (Ok(a), Ok(t)) if status == Status::NotMet => gap(rule.op, a, t),
        _ => None,
    };

    let mut score = Decimal::ZERO;
    if status != Status::Unknown {
        score = match &rule.scoring {
            Scoring::All => all_score(status, rule.weight),
            Scoring::Linear => match completion_pct {
                Some(c) => {
                    let ratio = (c / Decimal::ONE_HUNDRED).clamp(Decimal::ZERO, Decimal::ONE);
                    rule.weight.checked_mul(ratio).unwrap_or(rule.weight)
                }
                None => all_score(status, rule.weight),
            },
            Scoring::Steps(steps) => {
                let mut thresholds = Vec::new();
                let mut failure = None;
                for (s, code) in steps.iter().zip(&plan_rule.steps) {
                    match engine.eval(code, period) {
                        Ok(t) => thresholds.push((t, s.points)),
                        Err(e) => failure = Some(failure.map_or(e.clone(), |f: Unknown| f.merge(e))),
                    }
                }
                match (failure, &actual) {
                    (Some(e), _) => {
                        status = Status::Unknown;
                        reason = Some(Reason::StepThreshold(e));
                        Decimal::ZERO
                    }
                    (None, Ok(a)) => step_points(rule.op, a, &thresholds),
                    (None, Err(_)) => Decimal::ZERO,
                }
            }
        };
    }

    // Pace by the measure of the actual side (CONTRACT §5).
    let pace_of = |pct: Decimal, e: Decimal| if pct >= e { Pace::Ahead } else { Pace::Behind };
    let (expected_pct, pace, progress) = match elapsed {
        Some(e) if rule.op.is_upward() => match plan_rule.measure {
            Measure::Flow => (Some(e), completion_pct.map(|c| pace_of(c, e)), None),
            Measure::Level => {
                let progress = level_progress(engine, plan_rule, period, &actual, point_target);
                (Some(e), progress.map(|p| pace_of(p.pct, e)), progress)
            }
            Measure::Ratio => (Some(e), None, None),
        },
        _ => (None, None, None),
    };
    let open = status == Status::Unknown || (mid_year && status == Status::NotMet && rule.op.is_upward());
    RuleResult {
        rule,
        measure: plan_rule.measure,
        status,
        reason,
        actual,
        target,
        approximate,
        completion_pct,
        gap,
        score,
        expected_pct,
        pace,
        progress,
        needs: Vec::new(),
        open,
        inputs: Vec::new(),
    }
}

fn all_score(status: Status, weight: Decimal) -> Decimal {
    if status == Status::Met { weight } else { Decimal::ZERO }
}

/// Points of the best threshold reached: for `>=`/`>` the highest threshold the lower
/// bound reaches, for `<=`/`<` the lowest threshold the upper bound stays within.
fn step_points(op: Op, actual: &Interval, thresholds: &[(Interval, Decimal)]) -> Decimal {
    let reached = thresholds.iter().filter(|(t, _)| match op {
        Op::Ge => ge(actual.low, t.high),
        Op::Gt => gt(actual.low, t.high),
        Op::Le => ge(t.low, actual.high),
        Op::Lt => gt(t.low, actual.high),
        Op::Eq | Op::Between => false,
    });
    let best = if op.is_upward() {
        reached.max_by(|a, b| a.0.high.cmp(&b.0.high))
    } else {
        reached.min_by(|a, b| a.0.low.cmp(&b.0.low))
    };
    best.map_or(Decimal::ZERO, |(_, p)| *p)
}

/// `a >= b` where `a` is a lower bound (None = -inf) and `b` an upper bound (None = +inf).
fn ge(a: Option<Decimal>, b: Option<Decimal>) -> bool {
    matches!((a, b), (Some(a), Some(b)) if a >= b)
}

fn gt(a: Option<Decimal>, b: Option<Decimal>) -> bool {
    matches!((a, b), (Some(a), Some(b)) if a > b)
}

/// The comparison over every pair of actual and target values.
pub fn compare(op: Op, a: &Interval, target: &TargetValue) -> Status {
    let decide = |met: bool, not_met: bool| {
        if met {
            Status::Met
        } else if not_met {
            Status::NotMet
        } else {
            Status::Unknown
        }
    };
    match target {
        TargetValue::Single(t) => match op {
            Op::Ge => decide(ge(a.low, t.high), gt(t.low, a.high)),
            Op::Gt => decide(gt(a.low, t.high), ge(t.low, a.high)),
            Op::Le => decide(ge(t.low, a.high), gt(a.low, t.high)),
            Op::Lt => decide(gt(t.low, a.high), ge(a.low, t.high)),
            Op::Eq | Op::Between => {
                let same_point = a.as_point().is_some() && a.as_point() == t.as_point();
                decide(same_point, gt(t.low, a.high) || gt(a.low, t.high))
            }
        },
        TargetValue::Between(low, high) => {
            decide(ge(a.low, low.high) && ge(high.low, a.high), gt(low.low, a.high) || gt(a.low, high.high))
        }
    }
}

/// Direction-aware completion (CONTRACT §5): needs a point target above zero.
fn completion(op: Op, a: &Interval, target: Decimal) -> Option<Decimal> {
    if target <= Decimal::ZERO {
        return None;
    }
    if op.is_upward() {
        a.low?.checked_div(target)?.checked_mul(Decimal::ONE_HUNDRED)
    } else if op.is_downward() {
        let high = a.high.filter(|h| *h > Decimal::ZERO)?;
        target.checked_div(high)?.checked_mul(Decimal::ONE_HUNDRED)
    } else {
        None
    }
}

/// The distance certainly missing, for a not_met rule.
fn gap(op: Op, a: &Interval, target: &TargetValue) -> Option<Decimal> {
    match target {
        TargetValue::Single(t) => match op {
            Op::Ge | Op::Gt => t.low?.checked_sub(a.high?),
            Op::Le | Op::Lt => a.low?.checked_sub(t.high?),
            Op::Eq | Op::Between => {
                if gt(t.low, a.high) {
                    t.low?.checked_sub(a.high?)
                } else {
                    a.low?.checked_sub(t.high?)
                }
            }
        },
        TargetValue::Between(low, high) => {
            if gt(low.low, a.high) {
                low.low?.checked_sub(a.high?)
            } else {
                a.low?.checked_sub(high.high?)
            }
        }
    }
}

/// Tests: evaluate the first rule set for the first entity of `model`, which is
/// leaked so that the result can outlive the call.
#[cfg(test)]
pub(crate) fn evaluate_leaked(
    model: crate::model::Model,
    period: &str,
    options: &Options,
    needs: bool,
) -> Evaluation<'static> {
    let model: &'static crate::model::Model = Box::leak(Box::new(model));
    let plan: &'static plan::Plan<'static> = Box::leak(Box::new(plan::Plan::new(model, &[period])));
    let mut engine = Engine::new(plan);
    engine.set_entity(&model.entities[0]);
    let mut e = evaluate(&mut engine, &model.entities[0], &plan.rulesets[0], period, options);
    if needs {
        crate::solve::fill_needs(&mut engine, &plan.rulesets[0], &mut e);
    }
    e
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;
    use crate::diagnostic::Sources;
    use crate::load::{RawWorkspace, raw};

    const CATALOG: &str = r#"
[metric.a]
unit = "件"
[metric.b]
unit = "件"
[metric.c]
unit = "%"
[metric.flag]
unit = "bool"
"#;

    /// Evaluate `rules` (a rule set's body, without id/period) on `data` (a 2015 period's body).
    fn run(rules: &str, data: &str) -> Evaluation<'static> {
        run_with(CATALOG, rules, data)
    }

    /// [`run`] with another catalog.
    fn run_with(catalog: &str, rules: &str, data: &str) -> Evaluation<'static> {
        evaluate_leaked(model_with(catalog, rules, data), "2015", &Options::default(), false)
    }

    /// The validated model of [`run_with`]'s files.
    fn model_with(catalog: &str, rules: &str, data: &str) -> crate::model::Model {
        crate::validate::model_from_toml(
            catalog,
            &format!("id = \"rs\"\nperiod = \"2015\"\n{rules}"),
            &format!("id = \"city\"\n[period.2015]\n{data}"),
        )
    }

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn rule(id: &str, body: &str) -> String {
        format!("[[rule]]\nid = \"{id}\"\n{body}\n")
    }

    fn verdict_case(rules: &[String], data: &str, header: &str, expected: Verdict) {
        let e = run(&format!("{header}\n{}", rules.concat()), data);
        assert_eq!(e.verdict, expected, "rules:\n{}\ndata:\n{data}", rules.concat());
    }

    #[test]
    fn every_verdict_branch() {
        let met = rule("met", "metric = \"a\"\nop = \">=\"\ntarget = 10\nweight = 5");
        let not_met = rule("not-met", "metric = \"b\"\nop = \">=\"\ntarget = 100\nweight = 5");
        let unknown = rule("unknown", "metric = \"c\"\nop = \">=\"\ntarget = 1\nweight = 5");
        let veto_not_met = rule("veto", "metric = \"flag\"\nop = \"==\"\ntarget = false\nveto = true\nweight = 0");
        let veto_unknown = rule("veto-u", "metric = \"c\"\nop = \"<=\"\ntarget = 5\nveto = true\nweight = 0");
        let data = "a = 20\nb = 50\nflag = true\n";

        // 1. fail: a veto rule not met, whatever the score.
        verdict_case(&[met.clone(), veto_not_met], data, "pass_score = 1", Verdict::Fail);
        // 1. fail: without pass_score, any non-bonus rule not met.
        verdict_case(&[met.clone(), not_met.clone()], data, "", Verdict::Fail);
        // 1. fail: pass_score not reachable even if unknown rules scored in full.
        verdict_case(&[met.clone(), not_met.clone(), unknown.clone()], data, "pass_score = 11", Verdict::Fail);
        // 1. fail: a group's min_score not reachable.
        let grouped = rule("g", "group = \"G\"\nmetric = \"b\"\nop = \">=\"\ntarget = 100\nweight = 5");
        verdict_case(&[met.clone(), grouped.clone()], data, "pass_score = 1\n[groups.G]\nmin_score = 1", Verdict::Fail);
        // 2. pass: score reaches pass_score, no veto unknown, groups reach their minimum.
        verdict_case(&[met.clone(), not_met.clone()], data, "pass_score = 5", Verdict::Pass);
        // 2. pass: without pass_score every non-bonus rule met; a bonus rule may fail.
        let bonus = rule("bonus", "metric = \"b\"\nop = \">=\"\ntarget = 100\nbonus = true\nweight = 2");
        verdict_case(&[met.clone(), bonus], data, "", Verdict::Pass);
        // 3. incomplete: a veto rule unknown.
        verdict_case(&[met.clone(), veto_unknown], data, "pass_score = 5", Verdict::Incomplete);
        // 3. incomplete: pass_score reachable only with the unknown rule.
        verdict_case(&[met.clone(), unknown.clone()], data, "pass_score = 10", Verdict::Incomplete);
        // 3. incomplete: without pass_score, an unknown rule and nothing not met.
        verdict_case(&[met.clone(), unknown.clone()], data, "", Verdict::Incomplete);
        // 3. incomplete: a group's min_score reachable only with its unknown rule.
        let grouped_unknown = rule("gu", "group = \"G\"\nmetric = \"c\"\nop = \">=\"\ntarget = 1\nweight = 5");
        verdict_case(&[met, grouped_unknown], data, "pass_score = 5\n[groups.G]\nmin_score = 5", Verdict::Incomplete);
    }

    /// `decided_by` as (kind, rule or group) pairs.
    fn decided(rules: &[String], data: &str, header: &str) -> (Verdict, Vec<(&'static str, String)>) {
        let e = run(&format!("{header}\n{}", rules.concat()), data);
        let why = e
            .decided_by
            .iter()
            .map(|d| {
                let what = match d {
                    Decider::GroupMin(g, _) => g.clone(),
                    other => other.rule().map(|r| r.id.clone()).unwrap_or_default(),
                };
                (d.key(), what)
            })
            .collect();
        (e.verdict, why)
    }

    #[test]
    fn decided_by_says_why_in_the_contracts_order() {
        let met = rule("met", "metric = \"a\"\nop = \">=\"\ntarget = 10\nweight = 5");
        let not_met = rule("not-met", "metric = \"b\"\nop = \">=\"\ntarget = 100\nweight = 5");
        let unknown = rule("unknown", "metric = \"c\"\nop = \">=\"\ntarget = 1\nweight = 5");
        let veto = rule("veto", "metric = \"flag\"\nop = \"==\"\ntarget = false\nveto = true\nweight = 0");
        let bonus = rule("bonus", "metric = \"b\"\nop = \">=\"\ntarget = 100\nbonus = true\nweight = 2");
        let grouped = rule("g", "group = \"G\"\nmetric = \"b\"\nop = \">=\"\ntarget = 100\nweight = 5");
        let data = "a = 20\nb = 50\nflag = true\n";
        let s = |k: &'static str, w: &str| (k, w.to_string());
        // pass: nothing.
        assert_eq!(decided(&[met.clone(), bonus.clone()], data, ""), (Verdict::Pass, vec![]));
        // fail: vetoes first, then groups, then the pass score.
        assert_eq!(
            decided(&[met.clone(), veto.clone(), grouped.clone()], data, "pass_score = 100\n[groups.G]\nmin_score = 1"),
            (Verdict::Fail, vec![s("veto", "veto"), s("group_min", "G"), s("pass_score", "")])
        );
        // fail without pass_score: every non-bonus rule not met, a veto among them too.
        assert_eq!(
            decided(&[met.clone(), veto.clone(), not_met.clone(), bonus.clone()], data, ""),
            (Verdict::Fail, vec![s("veto", "veto"), s("not_met", "veto"), s("not_met", "not-met")])
        );
        // incomplete: every rule that counts as unknown for the verdict.
        assert_eq!(
            decided(&[met.clone(), unknown.clone()], data, ""),
            (Verdict::Incomplete, vec![s("unknown", "unknown")])
        );
        // With a pass score, a rule that could still lift the score past it.
        assert_eq!(
            decided(&[met.clone(), not_met.clone(), unknown.clone()], data, "pass_score = 10"),
            (Verdict::Incomplete, vec![s("unknown", "unknown")])
        );
        // A pass with an unknown rule: nothing decided it against.
        assert_eq!(decided(&[met, not_met, unknown], data, "pass_score = 5"), (Verdict::Pass, vec![]));
    }

    #[test]
    fn mid_year_not_met_counts_as_open() {
        let mut sources = Sources::default();
        let mut diags = Vec::new();
        let c = sources.add("metrics.toml".into(), CATALOG.into());
        let r = sources.add(
            "rules.toml".into(),
            "id = \"plan\"\nperiod = \"2016\"\n[[rule]]\nid = \"a\"\nmetric = \"a\"\nop = \">=\"\ntarget = 100\n"
                .into(),
        );
        let d = sources.add("city.toml".into(), "id = \"city\"\n[period.2016]\nas_of = 2016-06-30\na = 40\n".into());
        let raw = RawWorkspace {
            catalog: raw::catalog(&sources, c, &mut diags),
            rulesets: raw::ruleset(&sources, r, &mut diags).into_iter().collect(),
            entities: raw::entity(&sources, d, &mut diags).into_iter().collect(),
        };
        let model = crate::validate::validate(raw, &sources, &mut diags);
        let e = evaluate_leaked(model, "2016", &Options::default(), false);
        assert_eq!(e.rules[0].status, Status::NotMet);
        assert_eq!(e.verdict, Verdict::Incomplete);
        assert_eq!(e.rules[0].expected_pct.map(|x| x.round_dp(6)), Some(dec("49.726776")));
        assert_eq!(e.rules[0].pace, Some(Pace::Behind));
    }

    fn score_of(body: &str, data: &str) -> (Status, Decimal, Decimal) {
        let e = run(&rule("r", body), data);
        (e.rules[0].status, e.rules[0].score, e.max_score)
    }

    #[test]
    fn scoring() {
        let case = |body: &str, data: &str, status: Status, score: &str, max: &str| {
            assert_eq!(score_of(body, data), (status, dec(score), dec(max)), "{body} / {data}");
        };
        let ge = "metric = \"a\"\nop = \">=\"\n";
        case(&format!("{ge}target = 10\nweight = 4"), "a = 12", Status::Met, "4", "4");
        case(&format!("{ge}target = 10\nweight = 4"), "a = 8", Status::NotMet, "0", "4");
        case(&format!("{ge}target = 10\nweight = 4\nscoring = \"linear\""), "a = 8", Status::NotMet, "3.2", "4");
        case(&format!("{ge}target = 10\nweight = 4\nscoring = \"linear\""), "a = 30", Status::Met, "4", "4");
        case(&format!("{ge}target = 10\nweight = 4\nscoring = \"linear\""), "a = -3", Status::NotMet, "0", "4");
        // Linear without a completion scores like `all`.
        case(&format!("{ge}target = 0\nweight = 4\nscoring = \"linear\""), "a = 1", Status::Met, "4", "4");
        // Unknown scores 0 under every scoring.
        case(
            &format!("{ge}target = 10\nweight = 4\nscoring = \"linear\""),
            "a = { at_least = 5 }",
            Status::Unknown,
            "0",
            "4",
        );
        // Steps: points of the highest threshold reached; weight defaults to the largest step.
        let steps = format!("{ge}target = 3\nscoring = \"steps\"\nsteps = [[3, 2], [6, 4], [9, 6]]");
        case(&steps, "a = 7", Status::Met, "4", "6");
        case(&steps, "a = 2", Status::NotMet, "0", "6");
        case(&steps, "a = 9", Status::Met, "6", "6");
        case(&steps, "a = { at_least = 6 }", Status::Met, "4", "6");
        // An explicit weight does not cap the step points.
        case(&format!("{steps}\nweight = 5"), "a = 9", Status::Met, "6", "5");
        // `>` steps need strictly above.
        case(
            "metric = \"a\"\nop = \">\"\ntarget = 3\nscoring = \"steps\"\nsteps = [[3, 2], [6, 4]]",
            "a = 6",
            Status::Met,
            "2",
            "4",
        );
        // Reverse steps: the lowest threshold the upper bound stays within.
        let rev = "metric = \"c\"\nop = \"<=\"\ntarget = 10\nscoring = \"steps\"\nsteps = [[10, 1], [5, 2]]";
        case(rev, "c = 4", Status::Met, "2", "2");
        case(rev, "c = 8", Status::Met, "1", "2");
        case(rev, "c = 12", Status::NotMet, "0", "2");
        case(rev, "c = { at_most = 5 }", Status::Met, "2", "2");
        // A threshold that cannot be computed makes the rule unknown.
        case(&format!("{ge}target = 1\nscoring = \"steps\"\nsteps = [[\"b\", 2]]"), "a = 5", Status::Unknown, "0", "2");
        // Bonus: adds to the score, not to max_score.
        let e = run(
            &(rule("m", &format!("{ge}target = 1\nweight = 3"))
                + &rule("b", &format!("{ge}target = 1\nweight = 2\nbonus = true"))),
            "a = 5",
        );
        assert_eq!((e.score, e.max_score), (dec("5"), dec("3")));
    }

    #[test]
    fn completion_and_gap_know_the_direction() {
        let e = run(
            &[
                rule("up", "metric = \"a\"\nop = \">=\"\ntarget = 200"),
                rule("down", "metric = \"c\"\nop = \"<=\"\ntarget = 10"),
                rule("between", "metric = \"c\"\nop = \"between\"\ntarget = [20, 30]"),
                rule("eq", "metric = \"a\"\nop = \"==\"\ntarget = 150"),
                rule("at-most", "metric = \"b\"\nop = \">=\"\ntarget = 200"),
                rule("zero", "metric = \"a\"\nop = \">=\"\ntarget = 0"),
            ]
            .concat(),
            "a = 120\nb = { at_most = 100 }\nc = 16\n",
        );
        let got: Vec<_> = e.rules.iter().map(|r| (r.status, r.completion_pct, r.gap)).collect();
        assert_eq!(
            got,
            vec![
                (Status::NotMet, Some(dec("60")), Some(dec("80"))),
                (Status::NotMet, Some(dec("62.5")), Some(dec("6"))),
                (Status::NotMet, None, Some(dec("4"))),
                (Status::NotMet, None, Some(dec("30"))),
                (Status::NotMet, None, Some(dec("100"))),
                (Status::Met, None, None),
            ]
        );
    }

    #[test]
    fn intervals_decide_or_stay_unknown() {
        let e = run(
            &[
                rule("certain", "metric = \"a\"\nop = \">=\"\ntarget = 100"),
                rule("undecided", "metric = \"a\"\nop = \">=\"\ntarget = 300"),
                rule("div0", "expr = \"a / b\"\nop = \">=\"\ntarget = 1"),
                rule("missing", "expr = \"max(a, c, flag)\"\nop = \">=\"\ntarget = 1"),
                rule("prev", "metric = \"a\"\nop = \">=\"\ntarget = \"a@prev\""),
                rule("named", "metric = \"a\"\nop = \">=\"\ntarget = \"a@2013\""),
            ]
            .concat(),
            "a = { at_least = 120 }\nb = 0\n",
        );
        let got: Vec<_> = e
            .rules
            .iter()
            .map(|r| {
                (r.status, r.reason.as_ref().map(|r| crate::text::reason(r, crate::text::Lang::En)).unwrap_or_default())
            })
            .collect();
        assert_eq!(got[0], (Status::Met, String::new()));
        assert_eq!(got[1].0, Status::Unknown);
        assert_eq!(e.rules[1].completion_pct, Some(dec("40")));
        assert_eq!(got[2], (Status::Unknown, "division by zero".to_string()));
        assert_eq!(got[3], (Status::Unknown, "missing data: c@2015, flag@2015".to_string()));
        assert_eq!(got[4], (Status::Unknown, "missing data: a@2014".to_string()));
        // A period named only in a rule, and in no data file, is missing data too.
        assert_eq!(got[5], (Status::Unknown, "missing data: a@2013".to_string()));
    }

    /// Status, point actual and English reason of every rule.
    fn outcomes(e: &Evaluation) -> Vec<(Status, Option<Decimal>, Option<String>)> {
        e.rules
            .iter()
            .map(|r| {
                let reason = r.reason.as_ref().map(|r| crate::text::reason(r, crate::text::Lang::En));
                (r.status, r.actual.as_ref().ok().and_then(Interval::as_point), reason)
            })
            .collect()
    }

    #[test]
    fn derived_metrics_that_share_inputs() {
        // Each derived metric reads every one before it: no cycle, f = 16 a, however many
        // references wait to be computed at once.
        let catalog = r#"
[metric.a]
[metric.b]
formula = "a"
[metric.c]
formula = "b + a"
[metric.d]
formula = "c + b + a"
[metric.e]
formula = "d + c + b + a"
[metric.f]
formula = "e + d + c + b + a"
"#;
        let rules = [
            rule("f", "metric = \"f\"\nop = \">=\"\ntarget = 1"),
            rule("e", "metric = \"e\"\nop = \">=\"\ntarget = 1"),
        ];
        let e = run_with(catalog, &rules.concat(), "a = 1\n");
        assert_eq!(outcomes(&e), vec![(Status::Met, Some(dec("16")), None), (Status::Met, Some(dec("8")), None)]);
    }

    #[test]
    fn overrides_recompute_what_reads_them_and_keep_the_rest() {
        // u reads a through s only; t does not read a. Each step is checked against a
        // fresh table with the same override.
        let catalog = "[metric.a]\n[metric.b]\n[metric.s]\nformula = \"a + b\"\n\
                       [metric.t]\nformula = \"b * 2\"\n[metric.u]\nformula = \"s + t\"\n";
        let model = model_with(catalog, &rule("u", "metric = \"u\"\nop = \">=\"\ntarget = 1"), "a = 1\nb = 2\n");
        let plan = plan::Plan::new(&model, &["2015"]);
        let (m, p) = (|id: &str| plan.metric(id).unwrap(), plan.periods.get("2015").unwrap());
        let mut engine = Engine::new(&plan);
        engine.set_entity(&model.entities[0]);
        let steps = [None, Some(("a", "10")), Some(("a", "20")), None, Some(("b", "5")), Some(("a", "3")), None];
        for step in steps {
            let over = step.map(|(id, v)| (m(id), p, Interval::point(dec(v))));
            engine.set_override(over);
            let mut fresh = Engine::new(&plan);
            fresh.set_entity(&model.entities[0]);
            fresh.set_override(over);
            for id in ["u", "t", "s"] {
                assert_eq!(engine.value(m(id), p), fresh.value(m(id), p), "{id} after {step:?}");
            }
        }
        engine.set_override(Some((m("a"), p, Interval::point(dec("10")))));
        assert_eq!(engine.value(m("u"), p), Ok(Interval::point(dec("16"))));
    }

    #[test]
    fn prev_of_a_formula_with_prev_reads_two_years_back() {
        let catalog = "[metric.x]\n[metric.y]\nformula = \"x@prev\"\n";
        let e = run_with(catalog, &rule("y-prev", "expr = \"y@prev\"\nop = \">=\"\ntarget = 1"), "x = 1\n");
        assert_eq!(outcomes(&e), vec![(Status::Unknown, None, Some("missing data: x@2013".to_string()))]);
    }
}
