//! Trends and comparisons: a metric's values across an entity's periods (with
//! year-on-year growth), and one metric across entities (ranked, with the spread).
//! Pure functions of the model, like evaluation.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::evaluate::engine::Engine;
use crate::evaluate::plan::Plan;
use crate::evaluate::prev_period;
use crate::expr::{Missing, Unknown};
use crate::interval::Interval;
use crate::model::Entity;

/// The value of metric `id` at period `period` from the engine's entity.
fn value_of(engine: &mut Engine, id: &str, period: &str) -> Result<Interval, Unknown> {
    let plan = engine.plan();
    match (plan.metric(id), plan.periods.get(period)) {
        (Some(m), Some(p)) => engine.value(m, p),
        _ => Err(Unknown::Missing(vec![Missing { metric: id.to_string(), period: period.to_string() }])),
    }
}

/// One metric's values over the periods of one entity.
#[derive(Clone, Debug)]
pub struct Series {
    pub metric: String,
    /// (period, value, growth % over the previous year where both years are points).
    pub points: Vec<(String, Result<Interval, Unknown>, Option<Decimal>)>,
}

/// Period ids in display order: calendar years ascending, then the others as written.
pub fn ordered_periods(entity: &Entity) -> Vec<String> {
    let is_year = crate::model::is_year;
    let mut years: Vec<String> = entity.periods.keys().filter(|p| is_year(p)).cloned().collect();
    let mut others: Vec<String> = entity.periods.keys().filter(|p| !is_year(p)).cloned().collect();
    years.sort();
    others.sort();
    years.extend(others);
    years
}

/// Growth in percent from `prev` to `now`, when both are points and `prev` is not zero.
pub fn growth_pct(prev: &Interval, now: &Interval) -> Option<Decimal> {
    let (p, n) = (prev.as_point()?, now.as_point()?);
    if p.is_zero() {
        return None;
    }
    n.checked_sub(p)?.checked_div(p)?.checked_mul(Decimal::ONE_HUNDRED)
}

/// The series of `metrics` (all metrics with a value in some period when empty).
pub fn trend<'m>(plan: &Plan<'m>, entity: &'m Entity, metrics: &[String]) -> Vec<Series> {
    let periods = ordered_periods(entity);
    let ids: Vec<String> =
        if metrics.is_empty() { plan.model.catalog.metrics.keys().cloned().collect() } else { metrics.to_vec() };
    let mut engine = Engine::new(plan);
    engine.set_entity(entity);
    let mut out = Vec::new();
    for metric in ids {
        let values: BTreeMap<&String, Result<Interval, Unknown>> =
            periods.iter().map(|p| (p, value_of(&mut engine, &metric, p))).collect();
        if metrics.is_empty() && values.values().all(Result::is_err) {
            continue;
        }
        let points = periods
            .iter()
            .map(|p| {
                let v = values[p].clone();
                // Year-to-date figures are not comparable with a whole year's.
                let partial =
                    |id: &str| entity.periods.get(id).and_then(|x| x.as_of).is_some_and(|d| d.is_before_year_end());
                let growth = prev_period(p).filter(|prev| !partial(p) && !partial(prev)).and_then(|prev| {
                    let before = values.get(&prev)?.as_ref().ok()?;
                    growth_pct(before, v.as_ref().ok()?)
                });
                (p.clone(), v, growth)
            })
            .collect();
        out.push(Series { metric, points });
    }
    out
}

/// One entity's value in a comparison.
#[derive(Clone, Debug)]
pub struct Standing {
    pub entity: String,
    pub name: Option<String>,
    pub value: Result<Interval, Unknown>,
    /// 1-based; `None` for entities without a lower bound.
    pub rank: Option<usize>,
}

/// One metric across entities, ranked by lower bound (highest first).
#[derive(Clone, Debug)]
pub struct Comparison {
    pub metric: String,
    pub period: String,
    pub standings: Vec<Standing>,
    /// Over the entities whose value is a single point.
    pub min: Option<Decimal>,
    pub median: Option<Decimal>,
    pub max: Option<Decimal>,
    /// How many point values the spread is computed from.
    pub counted: usize,
}

/// The latest calendar year in which some entity has a value of `metric`.
pub fn latest_year<'m>(plan: &Plan<'m>, entities: &[&'m Entity], metric: &str) -> Option<String> {
    let mut engine = Engine::new(plan);
    let mut years: Vec<String> = entities
        .iter()
        .flat_map(|e| {
            engine.set_entity(e);
            ordered_periods(e)
                .into_iter()
                .filter(|p| crate::model::is_year(p))
                .filter(|p| value_of(&mut engine, metric, p).is_ok())
                .collect::<Vec<_>>()
        })
        .collect();
    years.sort();
    years.pop()
}

pub fn compare<'m>(plan: &Plan<'m>, entities: &[&'m Entity], metric: &str, period: &str) -> Comparison {
    let mut engine = Engine::new(plan);
    let mut standings: Vec<Standing> = entities
        .iter()
        .map(|e| {
            engine.set_entity(e);
            let value = value_of(&mut engine, metric, period);
            Standing { entity: e.id.clone(), name: e.name.clone(), value, rank: None }
        })
        .collect();
    let low = |s: &Standing| s.value.as_ref().ok().and_then(|v| v.low);
    standings.sort_by(|a, b| match (low(a), low(b)) {
        (Some(x), Some(y)) => y.cmp(&x).then_with(|| a.entity.cmp(&b.entity)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.entity.cmp(&b.entity),
    });
    let lows: Vec<Option<Decimal>> = standings.iter().map(low).collect();
    for (i, s) in standings.iter_mut().enumerate() {
        if let Some(l) = lows[i] {
            s.rank = Some(1 + lows.iter().filter(|o| o.is_some_and(|o| o > l)).count());
        }
    }
    let mut points: Vec<Decimal> =
        standings.iter().filter_map(|s| s.value.as_ref().ok().and_then(Interval::as_point)).collect();
    points.sort();
    let median = match points.len() {
        0 => None,
        n if n % 2 == 1 => Some(points[n / 2]),
        n => points[n / 2 - 1].checked_add(points[n / 2]).map(|s| s / Decimal::TWO),
    };
    Comparison {
        metric: metric.to_string(),
        period: period.to_string(),
        min: points.first().copied(),
        max: points.last().copied(),
        median,
        counted: points.len(),
        standings,
    }
}

/// ▁▂▃▄▅▆▇█ over the points of a series (gaps as spaces).
pub fn sparkline(values: &[Option<Decimal>]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let known: Vec<Decimal> = values.iter().flatten().copied().collect();
    let (Some(min), Some(max)) = (known.iter().min().copied(), known.iter().max().copied()) else {
        return String::new();
    };
    let span = max - min;
    values
        .iter()
        .map(|v| match v {
            None => ' ',
            Some(_) if span.is_zero() => BARS[3],
            Some(v) => {
                let level = ((*v - min) * Decimal::from(7) / span).round();
                BARS[usize::try_from(level.mantissa()).unwrap_or(0).min(7)]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(n: i64) -> Decimal {
        Decimal::from(n)
    }

    #[test]
    fn growth_needs_two_points() {
        assert_eq!(
            growth_pct(&Interval::point(d(1425)), &Interval::point(d(1796))).map(|g| g.round_dp(2)),
            Some(Decimal::new(2604, 2))
        );
        assert_eq!(growth_pct(&Interval::at_least(d(10)), &Interval::point(d(20))), None);
        assert_eq!(growth_pct(&Interval::point(d(0)), &Interval::point(d(20))), None);
    }

    #[test]
    fn sparkline_scales_min_to_max() {
        assert_eq!(sparkline(&[Some(d(1)), Some(d(8)), None, Some(d(4))]), "▁█ ▄");
        assert_eq!(sparkline(&[Some(d(5)), Some(d(5))]), "▄▄");
        assert_eq!(sparkline(&[None]), "");
    }
}
