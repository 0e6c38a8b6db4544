//! The form an office fills in (`kaohe template`, CONTRACT §6): which figures
//! evaluating the selected rule sets reads, laid out in the wide layout.
//!
//! What is read comes from the compiled plan, never from the formulas' text: each
//! rule's programs (actual, target, step thresholds) are followed through the
//! derived metrics they load, at the period each reference resolves to (`@prev`
//! relative to the period the formula runs at, `@2014` as named), down to raw metrics.
//! A `level` rule evaluated with year-to-date data also reads its actual side at the
//! year before (the baseline its progress is measured from, `evaluate::level_progress`).

pub mod write;

use std::collections::{BTreeSet, HashMap, HashSet};

use rust_decimal::Decimal;

use crate::evaluate::plan::{Plan, PlanRuleSet, PlanTarget};
use crate::expr::{At, Code, MetricIdx, PeriodIdx};
use crate::model::{Date, Entity, Measure, Metric, Qualifier, is_year};
use crate::text::form;

/// (raw metric, period) pairs, in index order.
pub type Reads = BTreeSet<(MetricIdx, PeriodIdx)>;

/// Every (raw metric, period) that evaluating `rs` at `period` reads. `year_to_date`:
/// the figures will carry an `as_of`, so a `level` rule's pace reads its baseline too.
pub fn reads(plan: &Plan, rs: &PlanRuleSet, period: PeriodIdx, year_to_date: bool) -> Reads {
    let mut walk = Walk { plan, seen: HashSet::new(), work: Vec::new(), raw: BTreeSet::new() };
    for rule in &rs.rules {
        walk.code(&rule.actual, period);
        match &rule.target {
            PlanTarget::Single(c) => walk.code(c, period),
            PlanTarget::Between(l, h) => {
                walk.code(l, period);
                walk.code(h, period);
            }
        }
        for s in &rule.steps {
            walk.code(s, period);
        }
        if year_to_date
            && rule.rule.op.is_upward()
            && rule.measure == Measure::Level
            && let Some(prev) = plan.periods.prev(period)
        {
            walk.code(&rule.actual, prev);
        }
    }
    walk.run();
    walk.raw
}

/// A work list over (metric, period): derived metrics nest thousands deep in big
/// catalogs, so they are followed without recursion, each pair once.
struct Walk<'a, 'm> {
    plan: &'a Plan<'m>,
    seen: HashSet<(MetricIdx, PeriodIdx)>,
    work: Vec<(MetricIdx, PeriodIdx)>,
    raw: Reads,
}

impl Walk<'_, '_> {
    fn code(&mut self, code: &Code, at: PeriodIdx) {
        for r in &code.refs {
            // `@prev` of a period that is not a year reads nothing (it is unknown).
            let p = match r.at {
                At::Current => Some(at),
                At::Prev => self.plan.periods.prev(at),
                At::Named(q) => Some(q),
            };
            if let Some(p) = p
                && self.seen.insert((r.metric, p))
            {
                self.work.push((r.metric, p));
            }
        }
    }

    fn run(&mut self) {
        while let Some((m, p)) = self.work.pop() {
            let plan = self.plan;
            match plan.metrics.get(m as usize).and_then(|pm| pm.formula.as_ref()) {
                Some(code) => self.code(code, p),
                None => {
                    self.raw.insert((m, p));
                }
            }
        }
    }
}

/// One selected (entity, rule set) pair and the period it is evaluated at.
pub struct Pair<'p, 'm> {
    pub entity: &'m Entity,
    pub ruleset: &'p PlanRuleSet<'m>,
    pub period: String,
}

/// A cell of the form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cell {
    Empty,
    /// An exact figure (a number cell in a workbook where that loses nothing).
    Number(Decimal),
    /// A figure written as text: a qualified one (`16000余`) or a `bool` (`是`).
    Text(String),
}

/// One row: an entity at a period.
#[derive(Debug)]
pub struct Row<'m> {
    pub entity: &'m Entity,
    pub period: String,
    pub as_of: Option<Date>,
    /// Parallel to [`Form::columns`].
    pub cells: Vec<Cell>,
}

/// The whole form, ready to be written in either format.
#[derive(Debug)]
pub struct Form<'m> {
    /// The raw metrics, in catalog file order.
    pub columns: Vec<&'m Metric>,
    /// Column headers, parallel to `columns`.
    pub headers: Vec<String>,
    /// An `as_of` column: some row has an `as_of` on file or is a year not over yet.
    pub with_as_of: bool,
    pub rows: Vec<Row<'m>>,
    /// The entities of the rows, in row order (for the `entities` sheet).
    pub entities: Vec<&'m Entity>,
}

/// Year-to-date for the form: the entity gives the period an `as_of`, or the period is a
/// year not over by `today` (its figures will be year-to-date when the office fills them).
fn year_to_date(entity: &Entity, period: &str, today: Option<Date>) -> bool {
    entity.periods.get(period).is_some_and(|p| p.as_of.is_some())
        || (is_year(period) && today.is_some_and(|t| period.parse::<i32>().is_ok_and(|y| y >= t.year)))
}

impl<'m> Form<'m> {
    /// The form for `pairs` (grouped by entity, in entity order): one row per entity and
    /// period read, one column per raw metric read, the figures on file filled in.
    pub fn new(plan: &Plan<'m>, pairs: &[Pair<'_, 'm>], today: Option<Date>) -> Form<'m> {
        let mut metrics: BTreeSet<MetricIdx> = BTreeSet::new();
        let mut with_as_of = false;
        // Each entity with the periods read; `pairs` come grouped by entity.
        let mut periods: Vec<(&'m Entity, BTreeSet<String>)> = Vec::new();
        // What a rule set reads at a period is the same for every entity: walk it once.
        let mut walked: HashMap<(&str, PeriodIdx, bool), Reads> = HashMap::new();
        for pair in pairs {
            let ytd = year_to_date(pair.entity, &pair.period, today);
            with_as_of |= ytd;
            let Some(p) = plan.periods.get(&pair.period) else { continue };
            if periods.last().is_none_or(|(e, _)| !std::ptr::eq(*e, pair.entity)) {
                periods.push((pair.entity, BTreeSet::new()));
            }
            let Some((_, read)) = periods.last_mut() else { continue };
            read.insert(pair.period.clone());
            let key = (pair.ruleset.ruleset.id.as_str(), p, ytd);
            let reads = walked.entry(key).or_insert_with(|| reads(plan, pair.ruleset, p, ytd));
            for &(m, q) in reads.iter() {
                metrics.insert(m);
                read.insert(plan.periods.name(q).to_string());
            }
        }
        let mut columns: Vec<&'m Metric> =
            metrics.iter().filter_map(|&m| plan.metrics.get(m as usize)).map(|pm| pm.def).collect();
        // Catalog file order: the order the catalog's author chose for its readers.
        columns.sort_by_key(|m| (m.loc.file, m.loc.span.start, m.id.clone()));
        let headers = headers(plan, &columns);

        let mut rows = Vec::new();
        let mut entities = Vec::new();
        for (entity, ps) in periods {
            entities.push(entity);
            let mut ps: Vec<String> = ps.into_iter().collect();
            ps.sort_by(|a, b| period_order(a).cmp(&period_order(b)));
            for period in ps {
                let on_file = entity.periods.get(&period);
                let as_of = on_file.and_then(|p| p.as_of);
                with_as_of |= as_of.is_some();
                let cells = columns
                    .iter()
                    .map(|m| on_file.and_then(|p| p.figures.get(&m.id)).map_or(Cell::Empty, |f| cell(m, f)))
                    .collect();
                rows.push(Row { entity, period, as_of, cells });
            }
        }
        Form { columns, headers, with_as_of, rows, entities }
    }
}

/// Years in calendar order, then other period ids by name.
fn period_order(p: &str) -> (bool, i64, &str) {
    match p.parse::<i64>() {
        Ok(y) if is_year(p) => (false, y, p),
        _ => (true, 0, p),
    }
}

/// Each column's header. A name another metric also bears, or that is another
/// metric's id, would be read back as the wrong metric (or as neither): such a
/// column is headed by its id instead.
fn headers(plan: &Plan, columns: &[&Metric]) -> Vec<String> {
    let catalog = &plan.model.catalog;
    let clashes = |m: &Metric, name: &str| {
        catalog.metrics.values().any(|o| o.id != m.id && (o.name.as_deref() == Some(name) || o.id == name))
    };
    columns
        .iter()
        .map(|m| {
            let label = m.name.as_deref().filter(|n| !clashes(m, n)).unwrap_or(&m.id);
            form::header(label, m.unit.as_deref())
        })
        .collect()
}

/// A figure on file as the form shows it: missing ones empty (the reason is not a
/// figure), `bool` as 是/否, qualified ones as a report writes them.
fn cell(m: &Metric, f: crate::model::FigureRef) -> Cell {
    let Ok(v) = f.value() else { return Cell::Empty };
    let v = v.normalize();
    if m.is_bool() && f.qualifier() == Qualifier::Exact && (v.is_zero() || v == Decimal::ONE) {
        return Cell::Text(if v.is_zero() { form::NO } else { form::YES }.to_string());
    }
    match f.qualifier() {
        Qualifier::Exact => Cell::Number(v),
        q => Cell::Text(form::value(q, &v.to_string())),
    }
}

#[cfg(test)]
mod tests;
