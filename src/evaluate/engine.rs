//! The per-entity value table: every (metric, period) an evaluation reads, computed
//! once and kept in dense rows indexed by the plan's metric and period indices.
//!
//! One engine serves one thread; `set_entity` clears what the previous entity left
//! (only the slots it touched). Derived metrics are computed in dependency order with
//! an explicit work stack, so a chain of thousands of derived metrics needs no deep
//! recursion. The solver replaces one raw figure at a time (`set_override`); derived
//! values are then recomputed from it, raw figures stay cached. A derived value that
//! does not read the replaced figure (through any chain) is marked clean and kept
//! while only the replacement's value changes: a numeric search's probes recompute
//! what depends on the metric, not every derived metric the rule reads.

use super::Input;
use super::plan::Plan;
use crate::expr::{At, Code, MetricIdx, Missing, PeriodIdx, Unknown};
use crate::interval::Interval;
use crate::model::{Entity, FigureRef, Period};

pub type Value = Result<Interval, Unknown>;

pub struct Engine<'p, 'm> {
    plan: &'p Plan<'m>,
    entity: Option<&'m Entity>,
    /// The entity's data by period index.
    entity_periods: Vec<Option<&'m Period>>,
    /// By period index: one slot per metric, allocated when the period is first read.
    rows: Vec<Vec<Option<Value>>>,
    /// Raw slots filled for this entity (cleared by `set_entity`).
    raw: Vec<(PeriodIdx, MetricIdx)>,
    /// Derived slots filled that do not read the overridden slot.
    derived: Vec<(PeriodIdx, MetricIdx)>,
    /// Derived slots filled that read the overridden slot (cleared at every change of it).
    tainted: Vec<(PeriodIdx, MetricIdx)>,
    /// By period index and metric, beside `rows`: whether the slot reads the overridden slot.
    taint: Vec<Vec<bool>>,
    over: Option<(MetricIdx, PeriodIdx, Interval)>,
    work: Vec<(MetricIdx, PeriodIdx)>,
    /// The most entries `work` can hold without a cycle (see `ensure`).
    work_bound: usize,
    stack: Vec<Value>,
    /// When set, every value computed is recorded here, in the order computed.
    pub trace: Option<Vec<Input>>,
}

impl<'p, 'm> Engine<'p, 'm> {
    pub fn new(plan: &'p Plan<'m>) -> Self {
        // Without a cycle the work stack holds the first slot and, for each slot on one
        // path of dependencies (distinct slots), the references it pushed: at most
        // every reference of every formula, at every period.
        let refs: usize = plan.metrics.iter().filter_map(|m| m.formula.as_ref()).map(|c| c.refs.len()).sum();
        let work_bound = refs.saturating_mul(plan.periods.len()).saturating_add(1);
        Engine {
            plan,
            entity: None,
            entity_periods: vec![None; plan.periods.len()],
            rows: vec![Vec::new(); plan.periods.len()],
            raw: Vec::new(),
            derived: Vec::new(),
            tainted: Vec::new(),
            taint: vec![Vec::new(); plan.periods.len()],
            over: None,
            work: Vec::new(),
            work_bound,
            stack: Vec::new(),
            trace: None,
        }
    }

    pub fn plan(&self) -> &'p Plan<'m> {
        self.plan
    }

    /// Start on `entity`: forget every value of the previous one.
    pub fn set_entity(&mut self, entity: &'m Entity) {
        self.clear();
        self.over = None;
        self.entity = Some(entity);
        self.entity_periods.iter_mut().for_each(|p| *p = None);
        for (id, period) in &entity.periods {
            if let Some(p) = self.plan.periods.get(id) {
                self.entity_periods[p as usize] = Some(period);
            }
        }
    }

    /// Forget every computed value (the entity stays).
    pub fn clear(&mut self) {
        for (p, m) in self.raw.drain(..).chain(self.derived.drain(..)).chain(self.tainted.drain(..)) {
            self.rows[p as usize][m as usize] = None;
        }
    }

    /// Evaluate with `metric` at `period` replaced by `value` (None: the data again).
    pub fn set_override(&mut self, over: Option<(MetricIdx, PeriodIdx, Interval)>) {
        if over == self.over {
            return;
        }
        for (p, m) in self.tainted.drain(..) {
            self.rows[p as usize][m as usize] = None;
        }
        // Clean values stay right when the override goes, or only its value changes;
        // one on another slot may be read by any of them.
        if let Some((metric, period, _)) = over
            && self.over.map(|(m, p, _)| (m, p)) != Some((metric, period))
        {
            for (p, m) in self.derived.drain(..) {
                self.rows[p as usize][m as usize] = None;
            }
        }
        for (m, p) in [self.over, over].into_iter().flatten().map(|(m, p, _)| (m, p)) {
            if let Some(slot) = self.rows[p as usize].get_mut(m as usize) {
                *slot = None;
            }
        }
        self.over = over;
    }

    /// Where a reference reads when its code runs at `period`.
    pub fn resolve(&self, at: At, period: PeriodIdx) -> Result<PeriodIdx, Unknown> {
        match at {
            At::Current => Ok(period),
            At::Named(p) => Ok(p),
            At::Prev => self
                .plan
                .periods
                .prev(period)
                .ok_or_else(|| Unknown::PrevOfNonYear { period: self.plan.periods.name(period).to_string() }),
        }
    }

    /// The value of `metric` at `period`.
    pub fn value(&mut self, metric: MetricIdx, period: PeriodIdx) -> Value {
        self.ensure(metric, period);
        self.slot(metric, period).cloned().unwrap_or(Err(Unknown::TooLarge))
    }

    /// Run `code` at `period`.
    pub fn eval(&mut self, code: &Code, period: PeriodIdx) -> Value {
        for r in &code.refs {
            if let Ok(q) = self.resolve(r.at, period) {
                self.ensure(r.metric, q);
            }
        }
        let (rows, stack, plan) = (&self.rows, &mut self.stack, self.plan);
        code.run(
            &mut |r| {
                let q = match r.at {
                    At::Current => period,
                    At::Named(p) => p,
                    At::Prev => plan
                        .periods
                        .prev(period)
                        .ok_or_else(|| Unknown::PrevOfNonYear { period: plan.periods.name(period).to_string() })?,
                };
                read(rows, r.metric, q).cloned().unwrap_or(Err(Unknown::TooLarge))
            },
            stack,
        )
    }

    fn slot(&self, metric: MetricIdx, period: PeriodIdx) -> Option<&Value> {
        read(&self.rows, metric, period)
    }

    fn store(&mut self, metric: MetricIdx, period: PeriodIdx, value: Value, derived: bool, tainted: bool) {
        let row = &mut self.rows[period as usize];
        if row.is_empty() {
            *row = vec![None; self.plan.metrics.len()];
            self.taint[period as usize] = vec![false; self.plan.metrics.len()];
        }
        row[metric as usize] = Some(value);
        self.taint[period as usize][metric as usize] = tainted;
        let list = match (derived, tainted) {
            (false, _) => &mut self.raw,
            (true, false) => &mut self.derived,
            (true, true) => &mut self.tainted,
        };
        list.push((period, metric));
    }

    /// Whether a filled slot reads the overridden slot.
    fn is_tainted(&self, metric: MetricIdx, period: PeriodIdx) -> bool {
        self.taint.get(period as usize).and_then(|row| row.get(metric as usize)).copied().unwrap_or(false)
    }

    /// Compute `metric` at `period` and everything it reads, dependencies first.
    fn ensure(&mut self, metric: MetricIdx, period: PeriodIdx) {
        if self.slot(metric, period).is_some() || metric as usize >= self.plan.metrics.len() {
            return;
        }
        // Validation rejects cycles; the bound only keeps a bug from looping.
        let bound = self.work_bound;
        self.work.push((metric, period));
        while let Some(&(m, p)) = self.work.last() {
            if self.slot(m, p).is_some() {
                self.work.pop();
                continue;
            }
            let plan = self.plan;
            let Some(code) = plan.metrics[m as usize].formula.as_ref() else {
                let (value, figure) = self.raw_value(m, p);
                let tainted = self.over.is_some_and(|(om, op, _)| (om, op) == (m, p));
                self.record(m, p, &value, figure);
                self.store(m, p, value, false, tainted);
                self.work.pop();
                continue;
            };
            let before = self.work.len();
            // Pushed in reverse so that they are computed in reading order.
            for r in code.refs.iter().rev() {
                if let Ok(q) = self.resolve(r.at, p)
                    && self.slot(r.metric, q).is_none()
                {
                    self.work.push((r.metric, q));
                }
            }
            if self.work.len() > bound {
                self.work.truncate(before);
                let tainted = self.over.is_some();
                self.store(m, p, Err(Unknown::TooLarge), true, tainted);
                continue;
            }
            if self.work.len() == before {
                let value = self.eval(code, p);
                let tainted = self.over.is_some()
                    && code.refs.iter().any(|r| self.resolve(r.at, p).is_ok_and(|q| self.is_tainted(r.metric, q)));
                self.record(m, p, &value, None);
                self.store(m, p, value, true, tainted);
                self.work.pop();
            }
        }
    }

    fn raw_value(&self, m: MetricIdx, p: PeriodIdx) -> (Value, Option<FigureRef<'m>>) {
        if let Some((om, op, v)) = self.over
            && (om, op) == (m, p)
        {
            return (Ok(v), None);
        }
        let id = self.plan.metric_id(m);
        let figure = self.entity_periods[p as usize].and_then(|period| period.figures.get(id));
        let value = match figure.as_ref().map(FigureRef::interval) {
            Some(Ok(v)) => Ok(v),
            _ => Err(Unknown::Missing(vec![Missing {
                metric: id.to_string(),
                period: self.plan.periods.name(p).to_string(),
            }])),
        };
        (value, figure)
    }

    fn record(&mut self, m: MetricIdx, p: PeriodIdx, value: &Value, figure: Option<FigureRef>) {
        if let Some(trace) = &mut self.trace {
            let def = self.plan.metrics[m as usize].def;
            trace.push(Input {
                metric: def.id.clone(),
                period: self.plan.periods.name(p).to_string(),
                value: value.clone(),
                figure: figure.as_ref().map(FigureRef::to_figure),
                formula: def.formula.as_ref().map(|f| f.text.clone()),
            });
        }
    }
}

fn read(rows: &[Vec<Option<Value>>], metric: MetricIdx, period: PeriodIdx) -> Option<&Value> {
    rows.get(period as usize)?.get(metric as usize)?.as_ref()
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::Engine;
    use crate::evaluate::plan::Plan;
    use crate::evaluate::{Evaluation, Options, Status, evaluate};
    use crate::interval::Interval;
    use crate::model::{Figure, FigureExtra, Model, Qualifier};

    const CATALOG: &str = "[metric.a]\nunit = \"件\"\n[metric.b]\nunit = \"件\"\n\
                           [metric.total]\nunit = \"件\"\nformula = \"a + b\"\n";

    /// One rule set at `period` with `rules`, and one entity with `data` at that period.
    fn model(period: &str, rules: &str, data: &str) -> Model {
        crate::validate::model_from_toml(
            CATALOG,
            &format!("id = \"rs\"\nperiod = \"{period}\"\n{rules}"),
            &format!("id = \"city\"\n[period.{period}]\n{data}"),
        )
    }

    /// Evaluate the rule set for every entity of `model` in turn, with one engine.
    fn run<'m>(model: &'m Model, period: &str, options: &Options) -> Vec<Evaluation<'m>> {
        let plan = Plan::new(model, &[period]);
        let mut engine = Engine::new(&plan);
        let mut out = Vec::new();
        for entity in &model.entities {
            engine.set_entity(entity);
            out.push(evaluate(&mut engine, entity, &plan.rulesets[0], period, options));
        }
        out
    }

    fn point(v: i64) -> Interval {
        Interval::point(Decimal::from(v))
    }

    const TOTAL_AT_LEAST_100: &str = "[[rule]]\nid = \"t\"\nmetric = \"total\"\nop = \">=\"\ntarget = 100\n";

    #[test]
    fn one_engine_evaluates_each_entity_from_its_own_figures() {
        let mut m = model("2015", TOTAL_AT_LEAST_100, "a = 30\nb = 40\n");
        let mut county = m.entities[0].clone();
        county.id = "county".to_string();
        let figure = Figure::new(Ok(Decimal::from(80)), Qualifier::Exact, FigureExtra::default());
        county.periods.get_mut("2015").expect("test period").figures.insert("a", figure);
        m.entities.push(county);
        let e = run(&m, "2015", &Options::default());
        let got: Vec<_> = e.iter().map(|e| (e.rules[0].status, e.rules[0].actual.clone())).collect();
        assert_eq!(got, vec![(Status::NotMet, Ok(point(70))), (Status::Met, Ok(point(120)))]);
    }

    #[test]
    fn a_derived_metric_at_a_period_with_none_before_it() {
        // With one period and no earlier one, the work stack fills up to its bound
        // exactly (total, then b and a): that is no cycle.
        let m = model("h1", TOTAL_AT_LEAST_100, "a = 30\nb = 40\n");
        let e = run(&m, "h1", &Options::default());
        assert_eq!(e[0].rules[0].actual, Ok(point(70)));
        assert_eq!(e[0].rules[0].status, Status::NotMet);
    }

    #[test]
    fn each_rule_s_trace_lists_its_inputs_in_the_order_computed() {
        let rules = format!("{TOTAL_AT_LEAST_100}[[rule]]\nid = \"a\"\nmetric = \"a\"\nop = \">=\"\ntarget = 10\n");
        let m = model("2015", &rules, "a = 30\nb = 40\n");
        let e = run(&m, "2015", &Options { trace: true, ..Options::default() });
        let inputs = |r: usize| -> Vec<(String, String, Option<Interval>, Option<String>)> {
            let inputs = &e[0].rules[r].inputs;
            inputs
                .iter()
                .map(|i| (i.metric.clone(), i.period.clone(), i.value.clone().ok(), i.formula.clone()))
                .collect()
        };
        let input = |m: &str, v: i64, formula: Option<&str>| {
            (m.to_string(), "2015".to_string(), Some(point(v)), formula.map(str::to_string))
        };
        assert_eq!(inputs(0), vec![input("a", 30, None), input("b", 40, None), input("total", 70, Some("a + b"))]);
        // The second rule reads `a` again, from a clean table: it is listed too.
        assert_eq!(inputs(1), vec![input("a", 30, None)]);
        assert!(e[0].rules[1].inputs[0].figure.is_some());
    }
}
