//! Report: the grid every tabular format shares, built from one evaluation at a time —
//! rule rows with typed cells, group subtotals, the unknown list — and the summary
//! matrix, built from every evaluation's score and verdict. Cells stay typed (numbers
//! are `Decimal`s, statuses enums, labels references into the model); no language, no
//! number formatting and no arithmetic beyond ranking and the run-rate projection.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::evaluate::{Evaluation, GroupResult, RuleResult, Status, TargetValue, Verdict};
use crate::interval::Interval;
use crate::model::{Actual, Entity, Measure, Metric, Model, Op, RuleSet, Target};

/// The target as shown: an operator and a value (or two for `between`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TargetCell {
    Value(Op, Decimal),
    Bool(Op, bool),
    Between(Decimal, Decimal),
    /// A target that is not a single figure: its interval (or, for `between`, its ends).
    Interval(Op, Interval, Option<Interval>),
    /// A target that cannot be computed: the unknown list says what it waits for.
    Unknown(Op),
}

/// A need with a figure, ready to be worded.
#[derive(Clone, Debug)]
pub struct NeedCell<'a, 'm> {
    pub id: &'a str,
    pub metric: Option<&'m Metric>,
    pub change: Decimal,
    pub to: Decimal,
}

/// One rule's row.
#[derive(Clone, Debug)]
pub struct RuleRow<'a, 'm> {
    pub result: &'a RuleResult<'m>,
    /// The catalog metric the rule names as its actual, if it names one.
    pub metric: Option<&'m Metric>,
    pub target: TargetCell,
    /// Run-rate projection to year end (actual ÷ elapsed share), for year-to-date rows
    /// of figures that accumulate through the year.
    pub projection: Option<Decimal>,
    /// The needs that have a figure, in metric order.
    pub needs: Vec<NeedCell<'a, 'm>>,
}

impl RuleRow<'_, '_> {
    /// The metric's unit, unless it is a yes/no metric (whose values say it).
    pub fn unit(&self) -> Option<&str> {
        self.metric.and_then(|m| m.unit.as_deref()).filter(|u| *u != "bool")
    }

    pub fn is_bool(&self) -> bool {
        self.metric.is_some_and(Metric::is_bool)
    }
}

#[derive(Clone, Debug)]
pub enum Row<'a, 'm> {
    Rule(RuleRow<'a, 'm>),
    Subtotal(&'a GroupResult),
}

/// One (entity, rule set) block: rules without a group first, then each group with
/// its subtotal.
#[derive(Clone, Debug)]
pub struct Section<'a, 'm> {
    pub evaluation: &'a Evaluation<'m>,
    pub rows: Vec<Row<'a, 'm>>,
}

impl<'a, 'm> Section<'a, 'm> {
    /// A section without its rows, for the formats that print the evaluation itself
    /// (JSON and CSV): the rows cost a tenth of a national JSON run.
    pub fn bare(e: &'a Evaluation<'m>) -> Section<'a, 'm> {
        Section { evaluation: e, rows: Vec::new() }
    }

    pub fn new(model: &'m Model, e: &'a Evaluation<'m>) -> Section<'a, 'm> {
        let mut rows = Vec::with_capacity(e.rules.len() + e.groups.len());
        let grouped = |name: Option<&str>, rows: &mut Vec<Row<'a, 'm>>| {
            for r in e.rules.iter().filter(|r| r.rule.group.as_deref() == name) {
                rows.push(Row::Rule(rule_row(model, e, r)));
            }
        };
        grouped(None, &mut rows);
        for g in &e.groups {
            grouped(Some(&g.name), &mut rows);
            rows.push(Row::Subtotal(g));
        }
        Section { evaluation: e, rows }
    }

    pub fn rules(&self) -> impl Iterator<Item = &RuleRow<'a, 'm>> {
        self.rows.iter().filter_map(|r| if let Row::Rule(r) = r { Some(r) } else { None })
    }

    /// The rows of unknown rules, in display order.
    pub fn unknown(&self) -> impl Iterator<Item = &RuleRow<'a, 'm>> {
        self.rules().filter(|r| r.result.status == Status::Unknown)
    }

    /// Year-to-date figures before 31 December: a need is what the year must end at.
    pub fn mid_year(&self) -> bool {
        mid_year(self.evaluation)
    }
}

/// Year-to-date figures before 31 December.
pub fn mid_year(e: &Evaluation) -> bool {
    e.as_of.is_some_and(|d| d.is_before_year_end())
}

/// The metric a rule names as its actual, if it names one.
pub fn actual_metric<'m>(model: &'m Model, r: &RuleResult) -> Option<&'m Metric> {
    match &r.rule.actual {
        Actual::Metric(m) => model.catalog.get(m),
        Actual::Expr(_) => None,
    }
}

fn rule_row<'a, 'm>(model: &'m Model, e: &Evaluation<'m>, r: &'a RuleResult<'m>) -> RuleRow<'a, 'm> {
    let metric = actual_metric(model, r);
    let target = match (&r.rule.target, &r.target) {
        (Target::Value { is_bool: true, formula }, _) => TargetCell::Bool(r.rule.op, formula.text == "true"),
        (_, Ok(TargetValue::Single(t))) if t.as_point().is_some() => {
            TargetCell::Value(r.rule.op, t.as_point().unwrap_or_default())
        }
        (_, Ok(TargetValue::Between(l, h))) if l.as_point().is_some() && h.as_point().is_some() => {
            TargetCell::Between(l.as_point().unwrap_or_default(), h.as_point().unwrap_or_default())
        }
        (_, Ok(TargetValue::Single(t))) => TargetCell::Interval(r.rule.op, *t, None),
        (_, Ok(TargetValue::Between(l, h))) => TargetCell::Interval(r.rule.op, *l, Some(*h)),
        (_, Err(_)) => TargetCell::Unknown(r.rule.op),
    };
    let projection = match (&r.actual, e.elapsed_pct, e.as_of) {
        (Ok(a), Some(elapsed), Some(d))
            if r.rule.op.is_upward()
                && d.is_before_year_end()
                && !elapsed.is_zero()
                && r.measure == Measure::Flow
                && metric.is_none_or(|m| !m.is_bool()) =>
        {
            a.low.and_then(|low| low.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(elapsed))
        }
        _ => None,
    };
    let needs = r
        .needs
        .iter()
        .filter_map(|n| {
            Some(NeedCell { id: &n.metric, metric: model.catalog.get(&n.metric), change: n.change?, to: n.to? })
        })
        .collect();
    RuleRow { result: r, metric, target, projection, needs }
}

/// One evaluation's line in the summary matrix.
#[derive(Clone, Debug)]
pub struct SummaryEntry<'m> {
    pub entity: &'m Entity,
    pub ruleset: &'m RuleSet,
    pub score: Decimal,
    pub max_score: Decimal,
    pub verdict: Verdict,
}

impl<'m> SummaryEntry<'m> {
    pub fn of(e: &Evaluation<'m>) -> SummaryEntry<'m> {
        SummaryEntry {
            entity: e.entity,
            ruleset: e.ruleset,
            score: e.score,
            max_score: e.max_score,
            verdict: e.verdict,
        }
    }
}

#[derive(Clone, Debug)]
pub struct SummaryCell {
    pub score: Decimal,
    pub max_score: Decimal,
    pub verdict: Verdict,
    /// 1 + how many entities of this rule set stand strictly better: passes before
    /// incompletes before fails, then by score; ties share a rank (1, 2, 2, 4).
    pub rank: usize,
}

/// Where an evaluation stands in its rule set's ranking; smaller is better.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Standing {
    verdict: u8,
    /// The score, negated so that a higher score sorts first.
    score: std::cmp::Reverse<Decimal>,
}

impl Standing {
    fn of(e: &SummaryEntry) -> Standing {
        let verdict = match e.verdict {
            Verdict::Pass => 0,
            Verdict::Incomplete => 1,
            Verdict::Fail => 2,
        };
        Standing { verdict, score: std::cmp::Reverse(e.score) }
    }
}

/// Entities × rule sets, with score, verdict and rank within the rule set.
#[derive(Clone, Debug)]
pub struct Summary<'m> {
    /// Columns, by rule set id.
    pub rulesets: Vec<&'m RuleSet>,
    /// Rows are entities, in entity id order (best first with a single rule set).
    pub rows: Vec<(&'m Entity, Vec<Option<SummaryCell>>)>,
}

impl<'m> Summary<'m> {
    /// The matrix of `entries` (in evaluation order), or `None` with fewer than two
    /// entities.
    pub fn new(entries: &[SummaryEntry<'m>]) -> Option<Summary<'m>> {
        let mut entities: Vec<&'m Entity> = entries.iter().map(|e| e.entity).collect();
        entities.dedup_by(|a, b| a.id == b.id);
        if entities.len() < 2 {
            return None;
        }
        let mut rulesets: Vec<&'m RuleSet> = entries.iter().map(|e| e.ruleset).collect();
        rulesets.sort_by(|a, b| a.id.cmp(&b.id));
        rulesets.dedup_by(|a, b| a.id == b.id);
        // Each rule set's standings, best first, so a rank is a binary search.
        let mut standings: BTreeMap<&str, Vec<Standing>> = BTreeMap::new();
        let mut by_pair: BTreeMap<(&str, &str), &SummaryEntry> = BTreeMap::new();
        for e in entries {
            standings.entry(e.ruleset.id.as_str()).or_default().push(Standing::of(e));
            by_pair.insert((e.entity.id.as_str(), e.ruleset.id.as_str()), e);
        }
        for list in standings.values_mut() {
            list.sort();
        }
        let mut rows: Vec<(&'m Entity, Vec<Option<SummaryCell>>)> = entities
            .iter()
            .map(|entity| {
                let cells = rulesets
                    .iter()
                    .map(|rs| {
                        let e = by_pair.get(&(entity.id.as_str(), rs.id.as_str()))?;
                        let me = Standing::of(e);
                        let rank = 1 + standings.get(rs.id.as_str()).map_or(0, |l| l.partition_point(|s| *s < me));
                        Some(SummaryCell { score: e.score, max_score: e.max_score, verdict: e.verdict, rank })
                    })
                    .collect();
                (*entity, cells)
            })
            .collect();
        // With one rule set the matrix is a ranking: best first (ties by entity id).
        if rulesets.len() == 1 {
            rows.sort_by_key(|(_, cells)| cells.first().and_then(|c| c.as_ref().map(|c| c.rank)).unwrap_or(usize::MAX));
        }
        Some(Summary { rulesets, rows })
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;
    use crate::diagnostic::Loc;

    fn entity(id: &str) -> Entity {
        Entity {
            id: id.into(),
            name: None,
            kind: None,
            tags: Vec::new(),
            periods: Default::default(),
            loc: Loc::new(0, 0..0),
        }
    }

    #[test]
    fn ranking_puts_passes_before_incompletes_before_fails_and_ties_share_a_rank() {
        let rs = RuleSet {
            id: "rs".into(),
            name: None,
            period: None,
            applies_to: Default::default(),
            pass_score: None,
            params: Default::default(),
            groups: Vec::new(),
            rules: Vec::new(),
            loc: Loc::new(0, 0..0),
        };
        let ids = ["a", "b", "c", "d", "e", "f"];
        let entities: Vec<Entity> = ids.iter().map(|id| entity(id)).collect();
        let table = [
            (80, Verdict::Fail),
            (78, Verdict::Pass),
            (60, Verdict::Pass),
            (60, Verdict::Pass),
            (90, Verdict::Incomplete),
            (80, Verdict::Fail),
        ];
        let entries: Vec<SummaryEntry> = entities
            .iter()
            .zip(table)
            .map(|(entity, (score, verdict))| SummaryEntry {
                entity,
                ruleset: &rs,
                score: Decimal::from(score),
                max_score: Decimal::from(100),
                verdict,
            })
            .collect();
        let summary = Summary::new(&entries).unwrap_or_else(|| panic!("two entities or more"));
        let ranked: Vec<(&str, usize)> =
            summary.rows.iter().map(|(e, cells)| (e.id.as_str(), cells[0].as_ref().map_or(0, |c| c.rank))).collect();
        // One rule set: best first. A fail with 80 ranks below a pass with 60.
        assert_eq!(ranked, vec![("b", 1), ("c", 2), ("d", 2), ("e", 4), ("a", 5), ("f", 5)]);
    }
}
