//! The plan: the checked model compiled once for evaluation.
//!
//! Metric ids become indices (catalog order), period ids indices into one table, and
//! every formula — derived metrics, rule actuals, targets and step thresholds — a
//! [`Code`] with its params folded in. Nothing is looked up by name after this; the
//! plan is shared, read-only, by every evaluation thread.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::prev_period;
use crate::expr::{At, Code, Expr, MetricIdx, Names, PeriodIdx, PeriodRef, UnknownName, compile};
use crate::model::{Actual, Measure, Metric, Model, Rule, RuleSet, Scoring, Target, expr_measure};

/// Every period id any evaluation can read, with the year before each year.
#[derive(Debug, Default)]
pub struct Periods {
    names: Vec<String>,
    index: HashMap<String, PeriodIdx>,
    prev: Vec<Option<PeriodIdx>>,
}

impl Periods {
    pub fn get(&self, id: &str) -> Option<PeriodIdx> {
        self.index.get(id).copied()
    }

    pub fn name(&self, p: PeriodIdx) -> &str {
        self.names.get(p as usize).map_or("", String::as_str)
    }

    /// The year before `p`; `None` when `p` is not a four-digit year.
    pub fn prev(&self, p: PeriodIdx) -> Option<PeriodIdx> {
        self.prev.get(p as usize).copied().flatten()
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    fn intern(&mut self, id: &str) -> PeriodIdx {
        if let Some(p) = self.index.get(id) {
            return *p;
        }
        let p = PeriodIdx::try_from(self.names.len()).unwrap_or(PeriodIdx::MAX);
        self.names.push(id.to_string());
        self.index.insert(id.to_string(), p);
        self.prev.push(None);
        p
    }

    /// Add the years before every year, `depth` steps back, so that every `@prev` an
    /// evaluation can follow has a place in the table.
    fn close_under_prev(&mut self, depth: usize) {
        let mut frontier: Vec<PeriodIdx> = (0..self.names.len()).filter_map(|i| PeriodIdx::try_from(i).ok()).collect();
        for _ in 0..depth {
            let mut next = Vec::new();
            for p in frontier {
                if self.prev[p as usize].is_some() {
                    continue;
                }
                if let Some(before) = prev_period(&self.names[p as usize]) {
                    let known = self.index.contains_key(&before);
                    let q = self.intern(&before);
                    self.prev[p as usize] = Some(q);
                    if !known {
                        next.push(q);
                    }
                }
            }
            if next.is_empty() {
                break;
            }
            frontier = next;
        }
        // Links among periods that were all present from the start.
        for i in 0..self.names.len() {
            if self.prev[i].is_none()
                && let Some(before) = prev_period(&self.names[i])
            {
                self.prev[i] = self.index.get(&before).copied();
            }
        }
    }
}

/// A catalog metric with its compiled formula (derived metrics only).
#[derive(Debug)]
pub struct PlanMetric<'m> {
    pub def: &'m Metric,
    pub formula: Option<Code>,
    /// How it behaves through a year (CONTRACT §2), declared or inferred.
    pub measure: Measure,
}

/// What a rule's target compiles to.
#[derive(Debug)]
pub enum PlanTarget {
    Single(Code),
    Between(Code, Code),
}

/// One rule, compiled.
#[derive(Debug)]
pub struct PlanRule<'m> {
    pub rule: &'m Rule,
    /// The measure of the actual side: what pace means for it.
    pub measure: Measure,
    pub actual: Code,
    pub target: PlanTarget,
    /// Step thresholds, in the rule's order.
    pub steps: Vec<Code>,
}

#[derive(Debug)]
pub struct PlanRuleSet<'m> {
    pub ruleset: &'m RuleSet,
    pub rules: Vec<PlanRule<'m>>,
}

/// The model compiled for evaluation.
#[derive(Debug)]
pub struct Plan<'m> {
    pub model: &'m Model,
    pub metrics: Vec<PlanMetric<'m>>,
    metric_index: HashMap<&'m str, MetricIdx>,
    pub periods: Periods,
    /// Parallel to `model.rulesets`.
    pub rulesets: Vec<PlanRuleSet<'m>>,
}

struct Scope<'a, 'm> {
    metrics: &'a HashMap<&'m str, MetricIdx>,
    periods: &'a Periods,
    params: Option<&'a std::collections::BTreeMap<String, Decimal>>,
}

impl Names for Scope<'_, '_> {
    fn param(&self, name: &str) -> Option<Decimal> {
        self.params.and_then(|p| p.get(name)).copied()
    }

    fn metric(&self, name: &str) -> Option<MetricIdx> {
        self.metrics.get(name).copied()
    }

    fn period(&self, id: &str) -> Option<PeriodIdx> {
        self.periods.get(id)
    }
}

impl<'m> Plan<'m> {
    /// Compile `model`; `extra_periods` are periods named outside the files
    /// (`--period`). A formula naming something validation did not define compiles to
    /// an empty program (validation has reported it; this only keeps us total).
    pub fn new(model: &'m Model, extra_periods: &[&str]) -> Plan<'m> {
        let metric_index: HashMap<&str, MetricIdx> = model
            .catalog
            .metrics
            .keys()
            .enumerate()
            .map(|(i, id)| (id.as_str(), MetricIdx::try_from(i).unwrap_or(MetricIdx::MAX)))
            .collect();

        let mut periods = Periods::default();
        let mut prev_refs = 0usize;
        let mut max_rule_prev = 0usize;
        let note_expr = |e: &Expr, periods: &mut Periods| {
            let mut count = 0;
            for (_, at, _) in e.references() {
                match at {
                    PeriodRef::Prev => count += 1,
                    PeriodRef::Named(p) => {
                        periods.intern(p);
                    }
                    PeriodRef::Current => {}
                }
            }
            count
        };
        for e in &model.entities {
            for p in e.periods.keys() {
                periods.intern(p);
            }
        }
        for p in extra_periods {
            periods.intern(p);
        }
        for m in model.catalog.metrics.values() {
            if let Some(f) = &m.formula {
                prev_refs += note_expr(&f.expr, &mut periods);
            }
        }
        for rs in &model.rulesets {
            if let Some(p) = &rs.period {
                periods.intern(p);
            }
            for r in &rs.rules {
                for e in rule_exprs(r) {
                    max_rule_prev = max_rule_prev.max(note_expr(e, &mut periods));
                }
            }
        }
        // A path through derived metrics meets each at most once (there are no
        // cycles), so it cannot follow more `@prev` than the catalog holds in all.
        periods.close_under_prev(prev_refs + max_rule_prev + 1);

        let catalog_scope = Scope { metrics: &metric_index, periods: &periods, params: None };
        let measures = model.catalog.measures();
        let metrics = model
            .catalog
            .metrics
            .values()
            .map(|def| PlanMetric {
                def,
                formula: def.formula.as_ref().map(|f| compile(&f.expr, &catalog_scope).unwrap_or_default()),
                measure: measures.get(def.id.as_str()).copied().unwrap_or(Measure::Flow),
            })
            .collect();
        let rulesets = model
            .rulesets
            .iter()
            .map(|rs| {
                let scope = Scope { metrics: &metric_index, periods: &periods, params: Some(&rs.params) };
                let code = |e: &Expr| compile(e, &scope).unwrap_or_default();
                let rules = rs
                    .rules
                    .iter()
                    .map(|rule| PlanRule {
                        rule,
                        measure: match &rule.actual {
                            Actual::Metric(m) => measures.get(m.as_str()).copied().unwrap_or(Measure::Flow),
                            Actual::Expr(f) => expr_measure(&f.expr, &measures),
                        },
                        actual: match &rule.actual {
                            Actual::Metric(m) => metric_index
                                .get(m.as_str())
                                .map(|&metric| Code::load(metric, At::Current))
                                .unwrap_or_default(),
                            Actual::Expr(f) => code(&f.expr),
                        },
                        target: match &rule.target {
                            Target::Value { formula, .. } => PlanTarget::Single(code(&formula.expr)),
                            Target::Between(l, h) => PlanTarget::Between(code(&l.expr), code(&h.expr)),
                        },
                        steps: match &rule.scoring {
                            Scoring::Steps(steps) => steps.iter().map(|s| code(&s.threshold.expr)).collect(),
                            _ => Vec::new(),
                        },
                    })
                    .collect();
                PlanRuleSet { ruleset: rs, rules }
            })
            .collect();
        Plan { model, metrics, metric_index, periods, rulesets }
    }

    /// Compile an expression that is not part of the model (a check, a query).
    pub fn compile(&self, expr: &Expr) -> Result<Code, UnknownName> {
        compile(expr, &Scope { metrics: &self.metric_index, periods: &self.periods, params: None })
    }

    pub fn metric(&self, id: &str) -> Option<MetricIdx> {
        self.metric_index.get(id).copied()
    }

    pub fn metric_id(&self, m: MetricIdx) -> &'m str {
        self.metrics.get(m as usize).map_or("", |pm| pm.def.id.as_str())
    }

    pub fn ruleset(&self, id: &str) -> Option<&PlanRuleSet<'m>> {
        self.rulesets.iter().find(|r| r.ruleset.id == id)
    }
}

/// Every expression of a rule: the actual, the target ends and the step thresholds.
fn rule_exprs(r: &Rule) -> Vec<&Expr> {
    let mut out = Vec::new();
    if let Actual::Expr(f) = &r.actual {
        out.push(&f.expr);
    }
    match &r.target {
        Target::Value { formula, .. } => out.push(&formula.expr),
        Target::Between(l, h) => {
            out.push(&l.expr);
            out.push(&h.expr);
        }
    }
    if let Scoring::Steps(steps) = &r.scoring {
        out.extend(steps.iter().map(|s| &s.threshold.expr));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{Ref, parse};

    const CATALOG: &str = "[metric.a]\nunit = \"件\"\n[metric.b]\nunit = \"件\"\n";
    const RULES: &str =
        "id = \"rs\"\nperiod = \"2015\"\n[[rule]]\nid = \"r\"\nmetric = \"a\"\nop = \">=\"\ntarget = 1\n";

    fn model() -> Model {
        crate::validate::model_from_toml(CATALOG, RULES, "id = \"city\"\n[period.2015]\na = 1\n")
    }

    #[test]
    fn a_rule_set_is_found_by_its_id() {
        let m = model();
        let plan = Plan::new(&m, &[]);
        assert_eq!(plan.ruleset("rs").map(|r| r.ruleset.id.as_str()), Some("rs"));
        assert!(plan.ruleset("other").is_none());
    }

    #[test]
    fn an_expression_outside_the_model_compiles_against_its_catalog_and_periods() {
        let m = model();
        let plan = Plan::new(&m, &[]);
        let expr = |src: &str| parse(src).unwrap_or_else(|e| panic!("{e:?}"));
        let code = plan.compile(&expr("b - a@2014")).unwrap_or_else(|e| panic!("{e:?}"));
        let (a, b, y2014) = (plan.metric("a"), plan.metric("b"), plan.periods.get("2014"));
        assert!(a.is_some() && b.is_some() && y2014.is_some());
        let want: Vec<Option<(MetricIdx, At)>> =
            vec![b.map(|b| (b, At::Current)), a.zip(y2014).map(|(a, p)| (a, At::Named(p)))];
        assert_eq!(code.refs.iter().map(|&Ref { metric, at }| Some((metric, at))).collect::<Vec<_>>(), want);
        assert_eq!(plan.compile(&expr("c + 1")), Err(UnknownName("c".into())));
    }

    #[test]
    fn the_period_table_holds_the_years_an_evaluation_can_reach() {
        let mut periods = Periods::default();
        assert!(periods.is_empty());
        let p = periods.intern("2015");
        assert!(!periods.is_empty());
        periods.close_under_prev(1);
        assert_eq!((periods.len(), periods.prev(p).map(|q| periods.name(q))), (2, Some("2014")));
    }
}
