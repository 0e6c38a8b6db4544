//! The checked domain model: what the files mean once every id is resolved, every
//! unit converted and every formula compiled. Everything here is owned and valid;
//! evaluation never has to report an input error.

use std::collections::BTreeMap;
use std::sync::Arc;

use rust_decimal::Decimal;
use thin_vec::ThinVec;

use crate::diagnostic::Loc;
use crate::expr::Expr;
use crate::interval::Interval;

/// Units that count whole things unless a metric says otherwise (CONTRACT §2).
pub const WHOLE_UNITS: &[&str] = &[
    "件", "个", "人", "人次", "家", "项", "次", "户", "份", "期", "场", "篇", "册", "台", "条", "块", "名", "所", "种",
    "bool",
];

/// Money units and their size in 元. Money converts; every other unit only to itself.
pub const MONEY_UNITS: &[(&str, u64)] = &[("元", 1), ("万元", 10_000), ("亿元", 100_000_000)];

/// The factor that turns a value in unit `from` into unit `to`, if they convert.
pub fn unit_factor(from: &str, to: &str) -> Option<Decimal> {
    if from == to {
        return Some(Decimal::ONE);
    }
    let size = |u: &str| MONEY_UNITS.iter().find(|(m, _)| *m == u).map(|(_, s)| Decimal::from(*s));
    Some(size(from)? / size(to)?)
}

/// A period id that is a calendar year: four ASCII digits (CONTRACT §3).
pub fn is_year(period: &str) -> bool {
    period.len() == 4 && period.bytes().all(|b| b.is_ascii_digit())
}

/// A metric of the catalog. A metric with a formula is derived and never reported.
#[derive(Clone, Debug)]
pub struct Metric {
    pub id: String,
    pub name: Option<String>,
    pub en: Option<String>,
    pub unit: Option<String>,
    /// Counts whole things: `needs` rounds to whole numbers.
    pub whole: bool,
    /// A level at a date (trademarks held), not a flow summed over the year: a
    /// year-to-date figure of it has no run-rate projection. (An older spelling of
    /// `measure = "level"`.)
    pub stock: bool,
    /// `measure` as the catalog gives it; [`Catalog::measure`] infers the rest (CONTRACT §2).
    pub measure: Option<Measure>,
    /// Which way is good; `None`: either (CONTRACT §2, used by `needs`).
    pub better: Option<Better>,
    /// Something an office moves to meet a target (default: every raw metric).
    pub lever: bool,
    pub formula: Option<Formula>,
    pub loc: Loc,
}

impl Metric {
    pub fn is_bool(&self) -> bool {
        self.unit.as_deref() == Some("bool")
    }

    /// The label in the chosen language, falling back to the other one and the id.
    pub fn label(&self, english: bool) -> &str {
        let (first, second) = if english { (&self.en, &self.name) } else { (&self.name, &self.en) };
        first.as_deref().or(second.as_deref()).unwrap_or(&self.id)
    }
}

/// How a figure behaves through a year (CONTRACT §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    /// Counted over the period: its year-to-date figure only grows.
    Flow,
    /// A state at a date.
    Level,
    /// A share or a rate: no pace.
    Ratio,
}

impl Measure {
    pub fn parse(text: &str) -> Option<Measure> {
        Some(match text {
            "flow" => Measure::Flow,
            "level" => Measure::Level,
            "ratio" => Measure::Ratio,
            _ => return None,
        })
    }
}

/// Which way is good (正向/逆向指标).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
}

impl Better {
    pub fn parse(text: &str) -> Option<Better> {
        Some(match text {
            "higher" => Better::Higher,
            "lower" => Better::Lower,
            _ => return None,
        })
    }
}

/// A compiled expression together with the text it was written as.
#[derive(Clone, Debug)]
pub struct Formula {
    pub text: String,
    pub expr: Expr,
}

/// The metric catalog, in file order.
#[derive(Clone, Debug, Default)]
pub struct Catalog {
    pub metrics: BTreeMap<String, Metric>,
    /// A catalog file was read. Without one every id would be "unknown"; that one
    /// missing file is the problem to report, so unknown ids are not.
    pub present: bool,
}

impl Catalog {
    pub fn get(&self, id: &str) -> Option<&Metric> {
        self.metrics.get(id)
    }

    /// The measure of every metric (CONTRACT §2): as the catalog says; else for a raw
    /// metric `ratio` when its unit is `%` or contains `/`, `level` when it is `bool`
    /// (or `stock = true`), `flow` otherwise; a derived metric takes its formula's.
    /// Derived metrics may nest thousands deep: they are followed with a work list.
    pub fn measures(&self) -> BTreeMap<&str, Measure> {
        let mut out: BTreeMap<&str, Measure> = BTreeMap::new();
        for id in self.metrics.keys() {
            let mut work = vec![(id.as_str(), false)];
            while let Some((m, expanded)) = work.pop() {
                if out.contains_key(m) {
                    continue;
                }
                let Some(def) = self.get(m) else { continue };
                let measure = match (def.measure, &def.formula) {
                    (Some(x), _) => x,
                    (None, None) => raw_measure(def),
                    (None, Some(f)) if expanded => expr_measure(&f.expr, &out),
                    (None, Some(f)) => {
                        work.push((m, true));
                        let refs = f.expr.references();
                        work.extend(
                            refs.into_iter().filter(|(n, _, _)| !out.contains_key(n)).map(|(n, _, _)| (n, false)),
                        );
                        continue;
                    }
                };
                out.insert(m, measure);
            }
        }
        out
    }
}

/// The measure of an expression (CONTRACT §2): `ratio` when it divides (any `/`) or
/// names a ratio metric, else `level` when it names a level metric, else `flow`.
/// `measures` holds the measures of the metrics it names.
pub fn expr_measure(expr: &crate::expr::Expr, measures: &BTreeMap<&str, Measure>) -> Measure {
    if expr.divides() {
        return Measure::Ratio;
    }
    let named: Vec<Measure> = expr.references().into_iter().filter_map(|(n, _, _)| measures.get(n).copied()).collect();
    if named.contains(&Measure::Ratio) {
        Measure::Ratio
    } else if named.contains(&Measure::Level) {
        Measure::Level
    } else {
        Measure::Flow
    }
}

/// The measure of a raw metric that does not declare one.
fn raw_measure(m: &Metric) -> Measure {
    match m.unit.as_deref() {
        Some(u) if u == "%" || u.contains('/') => Measure::Ratio,
        Some("bool") => Measure::Level,
        _ if m.stock => Measure::Level,
        _ => Measure::Flow,
    }
}

/// How a reported figure relates to the true value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Qualifier {
    Exact,
    /// "16000余件", "300以上": the true value is at least this.
    AtLeast,
    /// "近100种": the true value is at most this.
    AtMost,
    /// "约", "左右": about this; anything computed from it is approximate.
    Approx,
}

impl Qualifier {
    pub fn key(self) -> &'static str {
        match self {
            Qualifier::Exact => "value",
            Qualifier::AtLeast => "at_least",
            Qualifier::AtMost => "at_most",
            Qualifier::Approx => "approx",
        }
    }
}

/// One reported figure, as validation builds it and as a copy of one in [`Figures`]
/// (an `explain` input). Missing figures are kept with their reason: missing is never zero.
#[derive(Clone, Debug)]
pub struct Figure {
    /// The value in the metric's own unit (unused when the figure is missing).
    value: Decimal,
    extra: Extra,
    pub qualifier: Qualifier,
}

/// What only some figures say besides their value, as [`Figure::new`] takes it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FigureExtra {
    /// Why the figure is missing (it has no value then).
    pub missing: Option<String>,
    /// The number and unit as written in the file, when the unit was converted.
    pub written: Option<(Decimal, String)>,
    pub source: Option<String>,
    pub note: Option<String>,
}

/// Which entities' figures keep their source quotes and notes in the model. Only
/// `explain` prints them, for its one entity; the other commands drop them while
/// validating (a quarter of a national workspace's figures carry a quote, which
/// would cost more than the figures).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Quotes {
    #[default]
    Keep,
    /// Only this entity's.
    Of(String),
    Drop,
}

impl Quotes {
    pub fn keeps(&self, entity: &str) -> bool {
        match self {
            Quotes::Keep => true,
            Quotes::Of(id) => id == entity,
            Quotes::Drop => false,
        }
    }
}

/// [`FigureExtra`] as a figure keeps it, in one allocation behind a thin pointer:
/// which of the four texts are given (bit 0: the missing reason, 1: the unit as
/// written, 2: the source, 3: the note), where each of the first three ends in the
/// text (3 × u32), the number as written when there is a unit (16 bytes), then the
/// texts one after another. Empty when there is nothing.
#[derive(Clone, Debug, Default)]
struct Extra(ThinVec<u8>);

/// Where the texts start in an [`Extra`] without and with a written number.
const EXTRA_HEAD: usize = 1 + 3 * 4;
const WRITTEN: usize = 16;

impl Extra {
    fn new(extra: FigureExtra) -> Extra {
        if extra == FigureExtra::default() {
            return Extra::default();
        }
        let (written, unit) = match extra.written {
            Some((d, u)) => (Some(d), Some(u)),
            None => (None, None),
        };
        let parts = [extra.missing, unit, extra.source, extra.note];
        let texts: usize = parts.iter().flatten().map(String::len).sum();
        let mut bytes = ThinVec::with_capacity(EXTRA_HEAD + written.map_or(0, |_| WRITTEN) + texts);
        let given = parts.iter().enumerate().filter(|(_, p)| p.is_some()).fold(0u8, |g, (i, _)| g | 1 << i);
        bytes.push(given);
        let mut end = 0usize;
        for part in &parts[..3] {
            end += part.as_ref().map_or(0, String::len);
            // A text comes from a file of at most 16 MiB: its length fits.
            bytes.extend_from_slice(&u32::try_from(end).unwrap_or(u32::MAX).to_le_bytes());
        }
        if let Some(d) = written {
            bytes.extend_from_slice(&d.serialize());
        }
        for part in parts.iter().flatten() {
            bytes.extend_from_slice(part.as_bytes());
        }
        Extra(bytes)
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn given(&self, i: usize) -> bool {
        self.0.first().is_some_and(|g| g & (1 << i) != 0)
    }

    /// Where the texts start.
    fn texts(&self) -> usize {
        EXTRA_HEAD + if self.given(1) { WRITTEN } else { 0 }
    }

    fn end(&self, i: usize) -> usize {
        let at = 1 + 4 * i;
        self.0.get(at..at + 4).and_then(|b| b.try_into().ok()).map_or(0, |b| u32::from_le_bytes(b) as usize)
    }

    /// The `i`th text, if given.
    fn part(&self, i: usize) -> Option<&str> {
        if !self.given(i) {
            return None;
        }
        let base = self.texts();
        let start = if i == 0 { 0 } else { self.end(i - 1) };
        let end = if i == 3 { self.0.len() - base } else { self.end(i) };
        std::str::from_utf8(self.0.get(base + start..base + end)?).ok()
    }

    /// The number as written, when a unit is.
    fn written(&self) -> Option<Decimal> {
        if !self.given(1) {
            return None;
        }
        let bytes: [u8; WRITTEN] = self.0.get(EXTRA_HEAD..EXTRA_HEAD + WRITTEN)?.try_into().ok()?;
        Some(Decimal::deserialize(bytes))
    }
}

/// A figure as [`Figures`] keeps it, in 16 bytes: the value's four words as
/// `Decimal::serialize` lays them out (flags, then the 96-bit mantissa), with the
/// metric's key, the qualifier and whether the figure has extras in the bits of the
/// flags word that `Decimal` leaves unused (0–15 and 24–30; `Decimal::deserialize`
/// masks them off). A national workspace holds millions of figures, most of them a
/// bare number, and a figure costs less than the TOML that writes it.
#[derive(Clone, Copy, Debug)]
struct Packed([u32; 4]);

/// The key's low 16 bits sit in flag bits 0–15, its high 4 in bits 24–27.
const KEY_BITS: u32 = 20;
const QUALIFIER_SHIFT: u32 = 28;
const HAS_EXTRA: u32 = 1 << 30;
// Validation keys figures by the catalog's ids, so every key fits.
const _: () = assert!(crate::load::limits::MAX_METRICS < 1 << KEY_BITS);

impl Packed {
    fn new(value: Decimal, qualifier: Qualifier, key: u32, has_extra: bool) -> Packed {
        let b = value.serialize();
        let word = |i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
        let qualifier = match qualifier {
            Qualifier::Exact => 0,
            Qualifier::AtLeast => 1,
            Qualifier::AtMost => 2,
            Qualifier::Approx => 3,
        };
        let flags = word(0)
            | (key & 0xFFFF)
            | ((key >> 16) & 0xF) << 24
            | qualifier << QUALIFIER_SHIFT
            | if has_extra { HAS_EXTRA } else { 0 };
        Packed([flags, word(4), word(8), word(12)])
    }

    fn key(self) -> u32 {
        (self.0[0] & 0xFFFF) | ((self.0[0] >> 24) & 0xF) << 16
    }

    fn value(self) -> Decimal {
        let mut bytes = [0u8; 16];
        for (chunk, word) in bytes.chunks_exact_mut(4).zip(self.0) {
            chunk.copy_from_slice(&word.to_le_bytes());
        }
        Decimal::deserialize(bytes)
    }

    fn qualifier(self) -> Qualifier {
        match (self.0[0] >> QUALIFIER_SHIFT) & 3 {
            0 => Qualifier::Exact,
            1 => Qualifier::AtLeast,
            2 => Qualifier::AtMost,
            _ => Qualifier::Approx,
        }
    }

    fn has_extra(self) -> bool {
        self.0[0] & HAS_EXTRA != 0
    }
}

impl Figure {
    /// A figure: its value in the metric's unit (or why it is missing) and the rest.
    pub fn new(value: Result<Decimal, String>, qualifier: Qualifier, mut extra: FigureExtra) -> Figure {
        let value = match value {
            Ok(v) => v,
            Err(why) => {
                extra.missing = Some(why);
                Decimal::ZERO
            }
        };
        Figure { value, extra: Extra::new(extra), qualifier }
    }

    fn view(&self) -> FigureRef<'_> {
        let extra = (!self.extra.is_empty()).then_some(&self.extra);
        FigureRef { packed: Packed::new(self.value, self.qualifier, 0, extra.is_some()), extra }
    }

    /// The value in the metric's own unit, or why it is missing.
    pub fn value(&self) -> Result<Decimal, &str> {
        self.view().value()
    }

    /// The number and unit as written, when the file wrote another unit than the metric's.
    pub fn written(&self) -> Option<(Decimal, &str)> {
        self.view().written()
    }

    pub fn source(&self) -> Option<&str> {
        self.view().source()
    }

    pub fn note(&self) -> Option<&str> {
        self.view().note()
    }
}

/// A figure in [`Figures`], read in place.
#[derive(Clone, Copy, Debug)]
pub struct FigureRef<'a> {
    packed: Packed,
    extra: Option<&'a Extra>,
}

impl<'a> FigureRef<'a> {
    /// The value in the metric's own unit, or why it is missing.
    pub fn value(&self) -> Result<Decimal, &'a str> {
        match self.extra.and_then(|e| e.part(0)) {
            Some(why) => Err(why),
            None => Ok(self.packed.value()),
        }
    }

    pub fn qualifier(&self) -> Qualifier {
        self.packed.qualifier()
    }

    /// The number and unit as written, when the file wrote another unit than the metric's.
    pub fn written(&self) -> Option<(Decimal, &'a str)> {
        let extra = self.extra?;
        Some((extra.written()?, extra.part(1)?))
    }

    pub fn source(&self) -> Option<&'a str> {
        self.extra?.part(2)
    }

    pub fn note(&self) -> Option<&'a str> {
        self.extra?.part(3)
    }

    /// The figure as an interval, or the reason it is missing.
    pub fn interval(&self) -> Result<Interval, &'a str> {
        let v = self.value()?;
        Ok(match self.qualifier() {
            Qualifier::Exact => Interval::point(v),
            Qualifier::AtLeast => Interval::at_least(v),
            Qualifier::AtMost => Interval::at_most(v),
            Qualifier::Approx => Interval::approx(v),
        })
    }

    /// An owned copy.
    pub fn to_figure(&self) -> Figure {
        Figure {
            value: self.packed.value(),
            extra: self.extra.cloned().unwrap_or_default(),
            qualifier: self.qualifier(),
        }
    }
}

/// Metric ids in sorted order, shared by the figures of every period (validation
/// uses the catalog's), so that a figure names its metric by an index.
#[derive(Clone, Debug, Default)]
pub struct Keys(Arc<[Box<str>]>);

impl Keys {
    /// The ids, sorted and without repeats.
    pub fn new<'a>(ids: impl IntoIterator<Item = &'a str>) -> Keys {
        let mut ids: Vec<&str> = ids.into_iter().collect();
        ids.sort_unstable();
        ids.dedup();
        Keys(ids.into_iter().map(Box::from).collect())
    }

    /// The index of `id`.
    pub fn index(&self, id: &str) -> Option<u32> {
        self.0.binary_search_by(|k| (**k).cmp(id)).ok().and_then(|i| u32::try_from(i).ok())
    }

    fn get(&self, key: u32) -> &str {
        &self.0[key as usize]
    }
}

/// A period's figures by metric id: a list of 16-byte figures sorted by metric id,
/// looked up by binary search, and beside it the extras of the few that have any.
/// Much smaller than a tree map for the many small tables a workspace holds.
#[derive(Clone, Debug, Default)]
pub struct Figures {
    keys: Keys,
    list: ThinVec<Packed>,
    /// (key, extras) of the figures that have extras, by key.
    extras: ThinVec<(u32, Extra)>,
}

impl Figures {
    /// From (index in `keys`, figure) pairs in any order; of two figures of one metric
    /// the later wins.
    pub fn with_keys(keys: &Keys, mut items: Vec<(u32, Figure)>) -> Figures {
        // A stable sort keeps equal keys in order; keep the last of each run.
        items.sort_by_key(|(key, _)| *key);
        items.dedup_by(|later, earlier| {
            later.0 == earlier.0 && {
                std::mem::swap(later, earlier);
                true
            }
        });
        let with_extras = items.iter().filter(|(_, f)| !f.extra.is_empty()).count();
        let mut figures = Figures {
            keys: keys.clone(),
            list: ThinVec::with_capacity(items.len()),
            extras: ThinVec::with_capacity(with_extras),
        };
        for (key, f) in items {
            figures.push(key, f);
        }
        figures
    }

    /// Append a figure with a key above every key held.
    fn push(&mut self, key: u32, f: Figure) {
        let has_extra = !f.extra.is_empty();
        self.list.push(Packed::new(f.value, f.qualifier, key, has_extra));
        if has_extra {
            self.extras.push((key, f.extra));
        }
    }

    pub fn get(&self, metric: &str) -> Option<FigureRef<'_>> {
        self.position(metric).ok().map(|i| self.at(self.list[i]))
    }

    fn at(&self, packed: Packed) -> FigureRef<'_> {
        let extra = if packed.has_extra() {
            let key = packed.key();
            self.extras.binary_search_by_key(&key, |(k, _)| *k).ok().map(|i| &self.extras[i].1)
        } else {
            None
        };
        FigureRef { packed, extra }
    }

    /// Add or replace the figure of `metric`.
    pub fn insert(&mut self, metric: &str, figure: Figure) {
        let key = match self.keys.index(metric) {
            Some(key) => key,
            None => {
                // A metric the key table lacks: a table of its own, with it added.
                let keys = Keys::new(self.keys.0.iter().map(|k| &**k).chain([metric]));
                let rekey = |key: u32| keys.index(self.keys.get(key)).unwrap_or(0);
                let list = self.list.iter().map(|p| (rekey(p.key()), p.value(), p.qualifier(), p.has_extra()));
                let list: ThinVec<Packed> = list.map(|(k, v, q, e)| Packed::new(v, q, k, e)).collect();
                let extras: ThinVec<(u32, Extra)> = self.extras.iter().map(|(k, e)| (rekey(*k), e.clone())).collect();
                (self.list, self.extras) = (list, extras);
                self.keys = keys;
                self.keys.index(metric).unwrap_or(0)
            }
        };
        let has_extra = !figure.extra.is_empty();
        let packed = Packed::new(figure.value, figure.qualifier, key, has_extra);
        match self.list.binary_search_by_key(&key, |p| p.key()) {
            Ok(i) => self.list[i] = packed,
            Err(i) => self.list.insert(i, packed),
        }
        match (self.extras.binary_search_by_key(&key, |(k, _)| *k), has_extra) {
            (Ok(i), true) => self.extras[i].1 = figure.extra,
            (Ok(i), false) => {
                self.extras.remove(i);
            }
            (Err(i), true) => self.extras.insert(i, (key, figure.extra)),
            (Err(_), false) => {}
        }
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// (metric id, figure), by metric id.
    pub fn iter(&self) -> FiguresIter<'_> {
        FiguresIter { figures: self, next: 0, extras: 0 }
    }

    /// Key order is id order, so the list is searched by id directly.
    fn position(&self, metric: &str) -> Result<usize, usize> {
        self.list.binary_search_by(|p| self.keys.get(p.key()).cmp(metric))
    }
}

/// The figures of a period with their metric ids, by metric id.
pub struct FiguresIter<'a> {
    figures: &'a Figures,
    next: usize,
    /// The extras of the next figure that has any: both lists are in key order.
    extras: usize,
}

impl<'a> Iterator for FiguresIter<'a> {
    type Item = (&'a str, FigureRef<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        let figures = self.figures;
        let packed = *figures.list.get(self.next)?;
        self.next += 1;
        let extra = if packed.has_extra() {
            let e = figures.extras.get(self.extras).map(|(_, e)| e);
            self.extras += 1;
            e
        } else {
            None
        };
        Some((figures.keys.get(packed.key()), FigureRef { packed, extra }))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.figures.list.len() - self.next;
        (left, Some(left))
    }
}

impl<'a> IntoIterator for &'a Figures {
    type Item = (&'a str, FigureRef<'a>);
    type IntoIter = FiguresIter<'a>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// From (metric id, figure) pairs in any order; of two figures of one metric the later wins.
impl FromIterator<(String, Figure)> for Figures {
    fn from_iter<I: IntoIterator<Item = (String, Figure)>>(items: I) -> Self {
        let items: Vec<(String, Figure)> = items.into_iter().collect();
        let keys = Keys::new(items.iter().map(|(k, _)| k.as_str()));
        let indexed = items.into_iter().map(|(k, f)| (keys.index(&k).unwrap_or(0), f)).collect();
        Figures::with_keys(&keys, indexed)
    }
}

/// A calendar date (from `as_of`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    pub fn is_leap(year: i32) -> bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    pub fn days_in_month(year: i32, month: u32) -> u32 {
        match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if Date::is_leap(year) => 29,
            2 => 28,
            _ => 0,
        }
    }

    /// A valid date, or `None`.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Date> {
        (day >= 1 && day <= Date::days_in_month(year, month)).then_some(Date { year, month, day })
    }

    /// 1 January is day 1.
    pub fn day_of_year(self) -> u32 {
        (1..self.month).map(|m| Date::days_in_month(self.year, m)).sum::<u32>() + self.day
    }

    pub fn days_in_year(self) -> u32 {
        if Date::is_leap(self.year) { 366 } else { 365 }
    }

    /// Year-to-date data before 31 December can still grow by year end.
    pub fn is_before_year_end(self) -> bool {
        !(self.month == 12 && self.day == 31)
    }

    /// The date `days` days after 1970-01-01 (negative: before), in the proleptic
    /// Gregorian calendar (H. Hinnant's `civil_from_days`).
    pub fn from_unix_days(days: i64) -> Option<Date> {
        let z = days.checked_add(719_468)?;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Date::new(i32::try_from(year).ok()?, u32::try_from(month).ok()?, u32::try_from(day).ok()?)
    }

    /// YYYY-MM-DD, parsed strictly.
    pub fn parse(text: &str) -> Option<Date> {
        let mut parts = text.split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The figures of one entity for one period.
#[derive(Clone, Debug, Default)]
pub struct Period {
    pub id: String,
    /// Year-to-date figures, cumulative up to this date.
    pub as_of: Option<Date>,
    pub figures: Figures,
}

/// A city, county or park with its reported figures.
#[derive(Clone, Debug)]
pub struct Entity {
    pub id: String,
    pub name: Option<String>,
    pub kind: Option<String>,
    pub tags: Vec<String>,
    pub periods: Periods,
    pub loc: Loc,
}

/// An entity's periods by id: a list sorted by id, looked up by binary search (an
/// entity has a few, and a national workspace tens of thousands of entities).
#[derive(Clone, Debug, Default)]
pub struct Periods(Vec<Period>);

type PeriodEntry = for<'a> fn(&'a Period) -> (&'a String, &'a Period);

impl Periods {
    pub fn with_capacity(n: usize) -> Periods {
        Periods(Vec::with_capacity(n))
    }

    pub fn get(&self, id: &str) -> Option<&Period> {
        self.position(id).ok().map(|i| &self.0[i])
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut Period> {
        self.position(id).ok().map(|i| &mut self.0[i])
    }

    /// Add `period`, or replace the one of its id.
    pub fn insert(&mut self, period: Period) {
        match self.position(&period.id) {
            Ok(i) => self.0[i] = period,
            Err(i) => self.0.insert(i, period),
        }
    }

    /// The period `id`, added empty if there is none.
    pub fn get_or_insert(&mut self, id: &str) -> &mut Period {
        let i = match self.position(id) {
            Ok(i) => i,
            Err(i) => {
                self.0.insert(i, Period { id: id.to_string(), ..Period::default() });
                i
            }
        };
        &mut self.0[i]
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The ids, in order.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.0.iter().map(|p| &p.id)
    }

    /// The periods, by id.
    pub fn values(&self) -> std::slice::Iter<'_, Period> {
        self.0.iter()
    }

    /// (id, period), by id.
    pub fn iter(&self) -> std::iter::Map<std::slice::Iter<'_, Period>, PeriodEntry> {
        let entry: PeriodEntry = |p| (&p.id, p);
        self.0.iter().map(entry)
    }

    fn position(&self, id: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|p| p.id.as_str().cmp(id))
    }
}

impl<'a> IntoIterator for &'a Periods {
    type Item = (&'a String, &'a Period);
    type IntoIter = std::iter::Map<std::slice::Iter<'a, Period>, PeriodEntry>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl Entity {
    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
}

/// Which entities a rule set applies to. `None` for a key means "not restricted".
#[derive(Clone, Debug, Default)]
pub struct AppliesTo {
    pub entities: Option<Vec<String>>,
    pub kinds: Option<Vec<String>>,
    pub tags: Option<Vec<String>>,
}

impl AppliesTo {
    /// Every key given must match; a list matches any member; an empty list matches nothing.
    pub fn matches(&self, entity: &Entity) -> bool {
        let entity_ok = self.entities.as_ref().is_none_or(|ids| ids.contains(&entity.id));
        let kind_ok = self.kinds.as_ref().is_none_or(|kinds| entity.kind.as_ref().is_some_and(|k| kinds.contains(k)));
        let tags_ok = self.tags.as_ref().is_none_or(|tags| entity.tags.iter().any(|t| tags.contains(t)));
        entity_ok && kind_ok && tags_ok
    }
}

/// The comparison a rule makes between actual and target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Ge,
    Gt,
    Le,
    Lt,
    Eq,
    Between,
}

impl Op {
    pub fn parse(text: &str) -> Option<Op> {
        Some(match text {
            ">=" => Op::Ge,
            ">" => Op::Gt,
            "<=" => Op::Le,
            "<" => Op::Lt,
            "==" => Op::Eq,
            "between" => Op::Between,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Op::Ge => ">=",
            Op::Gt => ">",
            Op::Le => "<=",
            Op::Lt => "<",
            Op::Eq => "==",
            Op::Between => "between",
        }
    }

    /// The sign shown in tables.
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Ge => "≥",
            Op::Gt => ">",
            Op::Le => "≤",
            Op::Lt => "<",
            Op::Eq => "=",
            Op::Between => "∈",
        }
    }

    /// `>=` and `>`: more is better.
    pub fn is_upward(self) -> bool {
        matches!(self, Op::Ge | Op::Gt)
    }

    /// `<=` and `<`: a reverse indicator (逆向指标), less is better.
    pub fn is_downward(self) -> bool {
        matches!(self, Op::Le | Op::Lt)
    }
}

/// What a rule compares: a metric of the catalog or an expression.
#[derive(Clone, Debug)]
pub enum Actual {
    Metric(String),
    Expr(Formula),
}

/// What the actual is compared with.
#[derive(Clone, Debug)]
pub enum Target {
    /// A number, a param or an expression (`true`/`false` become 1/0 with `is_bool`).
    Value { formula: Formula, is_bool: bool },
    /// `between`: inclusive ends.
    Between(Formula, Formula),
}

/// How points are given.
#[derive(Clone, Debug)]
pub enum Scoring {
    /// The weight when met, else 0.
    All,
    /// weight × min(1, max(0, completion/100)) where completion is defined, else like `all`.
    Linear,
    /// 分档计分: the points of the best threshold reached, met or not.
    Steps(Vec<Step>),
}

impl Scoring {
    pub fn key(&self) -> &'static str {
        match self {
            Scoring::All => "all",
            Scoring::Linear => "linear",
            Scoring::Steps(_) => "steps",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Step {
    pub threshold: Formula,
    pub points: Decimal,
}

/// One criterion of a rule set.
#[derive(Clone, Debug)]
pub struct Rule {
    pub id: String,
    pub name: Option<String>,
    pub group: Option<String>,
    pub actual: Actual,
    pub op: Op,
    pub target: Target,
    /// Points; for `steps` without an explicit weight, the largest step's points.
    pub weight: Decimal,
    pub scoring: Scoring,
    /// 一票否决: not met fails the whole rule set.
    pub veto: bool,
    /// 加分: adds to the score, not to the maximum.
    pub bonus: bool,
    pub loc: Loc,
}

/// Per-group settings of a rule set.
#[derive(Clone, Debug)]
pub struct Group {
    pub name: String,
    /// 基本分: the group's subtotal must reach this.
    pub min_score: Option<Decimal>,
}

/// A set of rules evaluated together: criteria, an acceptance check or a plan.
#[derive(Clone, Debug)]
pub struct RuleSet {
    pub id: String,
    pub name: Option<String>,
    pub period: Option<String>,
    pub applies_to: AppliesTo,
    pub pass_score: Option<Decimal>,
    pub params: BTreeMap<String, Decimal>,
    /// Every group named by rules or `[groups]`, rules first, in order of appearance.
    pub groups: Vec<Group>,
    pub rules: Vec<Rule>,
    pub loc: Loc,
}

/// The whole checked workspace.
#[derive(Clone, Debug, Default)]
pub struct Model {
    pub catalog: Catalog,
    pub entities: Vec<Entity>,
    pub rulesets: Vec<RuleSet>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_figure_is_16_bytes_with_its_key() {
        assert_eq!(std::mem::size_of::<Packed>(), 16);
    }

    #[test]
    fn a_packed_figure_keeps_its_value_key_and_qualifier_bit_for_bit() {
        let values = ["0", "-0", "-1.50", "79228162514264337593543950335", "-0.0000000000000000000000000001", "12.340"];
        let qualifiers = [Qualifier::Exact, Qualifier::AtLeast, Qualifier::AtMost, Qualifier::Approx];
        for (i, v) in values.iter().enumerate() {
            let d: Decimal = v.parse().unwrap();
            for (j, q) in qualifiers.into_iter().enumerate() {
                for key in [0, 1, 0xFFFF, 0x1_0000, (1 << KEY_BITS) - 1] {
                    let p = Packed::new(d, q, key, (i + j) % 2 == 0);
                    assert_eq!(p.value().serialize(), d.serialize(), "{v}");
                    assert_eq!(p.value().to_string(), d.to_string());
                    assert_eq!((p.key(), p.qualifier(), p.has_extra()), (key, q, (i + j) % 2 == 0));
                }
            }
        }
    }

    #[test]
    fn extras_follow_their_figures_through_lookups_inserts_and_iteration() {
        let quoted = |v: i64, s: &str| {
            let extra = FigureExtra { source: Some(s.into()), ..FigureExtra::default() };
            Figure::new(Ok(Decimal::from(v)), Qualifier::AtLeast, extra)
        };
        let bare = |v: i64| Figure::new(Ok(Decimal::from(v)), Qualifier::Exact, FigureExtra::default());
        let mut figures: Figures = [
            ("c".to_string(), quoted(3, "三")),
            ("a".to_string(), bare(1)),
            ("b".to_string(), quoted(2, "二")),
            ("b".to_string(), bare(20)),
        ]
        .into_iter()
        .collect();
        let seen = |f: &Figures| -> Vec<(String, i64, Option<String>)> {
            f.iter()
                .map(|(k, f)| (k.to_string(), f.value().unwrap().try_into().unwrap(), f.source().map(String::from)))
                .collect()
        };
        assert_eq!(seen(&figures), [("a".into(), 1, None), ("b".into(), 20, None), ("c".into(), 3, Some("三".into()))]);
        figures.insert("a", quoted(10, "十"));
        figures.insert("c", bare(30));
        figures.insert("0", quoted(0, "零"));
        assert_eq!(
            seen(&figures),
            [
                ("0".into(), 0, Some("零".into())),
                ("a".into(), 10, Some("十".into())),
                ("b".into(), 20, None),
                ("c".into(), 30, None)
            ]
        );
        assert_eq!(figures.get("a").and_then(|f| f.source()), Some("十"));
        assert_eq!(figures.get("a").map(|f| f.qualifier()), Some(Qualifier::AtLeast));
        assert_eq!(figures.get("c").and_then(|f| f.source()), None);
        let copy = figures.get("0").map(|f| f.to_figure());
        assert_eq!(copy.as_ref().and_then(Figure::source), Some("零"));
    }

    #[test]
    fn figures_are_found_by_id_and_the_later_of_two_wins() {
        let f = |v: i64| Figure::new(Ok(Decimal::from(v)), Qualifier::Exact, FigureExtra::default());
        let mut figures: Figures =
            [("b".to_string(), f(1)), ("a".to_string(), f(2)), ("b".to_string(), f(3))].into_iter().collect();
        assert_eq!(figures.get("b").map(|f| f.value().map_err(str::to_string)), Some(Ok(Decimal::from(3))));
        assert!(figures.get("c").is_none());
        // A metric the key table lacks, and one it has.
        figures.insert("aa", f(4));
        figures.insert("a", f(5));
        let listed: Vec<(&str, Result<Decimal, &str>)> = figures.iter().map(|(k, f)| (k, f.value())).collect();
        assert_eq!(listed, [("a", Ok(Decimal::from(5))), ("aa", Ok(Decimal::from(4))), ("b", Ok(Decimal::from(3)))]);
        let missing = Figure::new(Err("未统计".into()), Qualifier::Exact, FigureExtra::default());
        assert_eq!(missing.value(), Err("未统计"));
        assert_eq!((missing.written(), missing.source(), missing.note()), (None, None, None));
    }

    #[test]
    fn a_figure_keeps_each_of_its_texts_apart() {
        let extra = FigureExtra {
            missing: None,
            written: Some((Decimal::from(2), "亿元".into())),
            source: Some(String::new()),
            note: Some("估计".into()),
        };
        let f = Figure::new(Ok(Decimal::from(20_000)), Qualifier::Approx, extra);
        assert_eq!(f.value(), Ok(Decimal::from(20_000)));
        assert_eq!(f.written(), Some((Decimal::from(2), "亿元")));
        assert_eq!((f.source(), f.note()), (Some(""), Some("估计")));
        let only_source = FigureExtra { source: Some("《年报》第3页".into()), ..FigureExtra::default() };
        let g = Figure::new(Err("未统计".into()), Qualifier::Exact, only_source);
        assert_eq!((g.value(), g.written(), g.source(), g.note()), (Err("未统计"), None, Some("《年报》第3页"), None));
    }

    #[test]
    fn money_converts_and_other_units_do_not() {
        assert_eq!(unit_factor("亿元", "万元"), Some(Decimal::from(10_000)));
        assert_eq!(unit_factor("元", "万元"), Some(Decimal::new(1, 4)));
        assert_eq!(unit_factor("件", "件"), Some(Decimal::ONE));
        assert_eq!(unit_factor("件", "人"), None);
        assert_eq!(unit_factor("万元", "%"), None);
    }

    #[test]
    fn day_of_year_counts_from_one() {
        assert_eq!(Date::new(2016, 1, 1).map(Date::day_of_year), Some(1));
        assert_eq!(Date::new(2016, 6, 30).map(Date::day_of_year), Some(182));
        assert_eq!(Date::new(2015, 6, 30).map(Date::day_of_year), Some(181));
        assert_eq!(Date::new(2016, 12, 31).map(Date::days_in_year), Some(366));
        assert!(Date::new(2015, 2, 29).is_none());
        assert_eq!(Date::parse("2016-06-30"), Date::new(2016, 6, 30));
        for (days, date) in [(0, "1970-01-01"), (-1, "1969-12-31"), (11_016, "2000-02-29"), (20_423, "2025-12-01")] {
            assert_eq!(Date::from_unix_days(days), Date::parse(date), "{days}");
        }
        assert_eq!(Date::parse("2016-6-30"), None);
    }

    #[test]
    fn a_year_is_four_digits() {
        assert!(is_year("2015"));
        for not_a_year in ["h1", "2015q", "20155", "201", "h1h2", "２０１５"] {
            assert!(!is_year(not_a_year), "{not_a_year}");
        }
    }

    #[test]
    fn keywords_parse_and_others_do_not() {
        for (text, m) in [("flow", Measure::Flow), ("level", Measure::Level), ("ratio", Measure::Ratio)] {
            assert_eq!(Measure::parse(text), Some(m));
        }
        assert_eq!(Measure::parse("stock"), None);
        assert_eq!((Better::parse("higher"), Better::parse("lower")), (Some(Better::Higher), Some(Better::Lower)));
        assert_eq!(Better::parse("more"), None);
        let keys = [Qualifier::Exact, Qualifier::AtLeast, Qualifier::AtMost, Qualifier::Approx].map(Qualifier::key);
        assert_eq!(keys, ["value", "at_least", "at_most", "approx"]);
    }

    const RULES: &str = "id = \"rs\"\n[[rule]]\nid = \"r\"\nmetric = \"z_count\"\nop = \">=\"\ntarget = 1\n";

    #[test]
    fn measures_follow_units_declarations_and_formulas() {
        // Derived metrics sort before what they name, so each is met before its inputs.
        let catalog = "[metric.a_share]\nunit = \"%\"\nformula = \"z_rate + 1\"\n\
                       [metric.b_held]\nformula = \"z_flag + z_count\"\n\
                       [metric.c_sum]\nformula = \"z_count + z_count\"\n\
                       [metric.d_declared]\nmeasure = \"level\"\nformula = \"z_rate\"\n\
                       [metric.z_rate]\nunit = \"件/人\"\n[metric.z_pct]\nunit = \"%\"\n\
                       [metric.z_flag]\nunit = \"bool\"\n[metric.z_stock]\nstock = true\n\
                       [metric.z_count]\nunit = \"件\"\n[metric.z_money]\nunit = \"万元\"\n";
        let model = crate::validate::model_from_toml(catalog, RULES, "id = \"city\"\n");
        let measures = model.catalog.measures();
        let want = [
            ("a_share", Measure::Ratio),
            ("b_held", Measure::Level),
            ("c_sum", Measure::Flow),
            ("d_declared", Measure::Level),
            ("z_count", Measure::Flow),
            ("z_flag", Measure::Level),
            ("z_money", Measure::Flow),
            ("z_pct", Measure::Ratio),
            ("z_rate", Measure::Ratio),
            ("z_stock", Measure::Level),
        ];
        assert_eq!(measures.into_iter().collect::<Vec<_>>(), want);
    }

    #[test]
    fn quotes_are_kept_for_the_entities_asked() {
        assert!(Quotes::Keep.keeps("a"));
        assert!(Quotes::Of("a".into()).keeps("a"));
        assert!(!Quotes::Of("a".into()).keeps("b"));
        assert!(!Quotes::Drop.keeps("a"));
    }

    #[test]
    fn only_figures_with_texts_take_room_for_extras() {
        let bare = Figure::new(Ok(Decimal::ONE), Qualifier::Exact, FigureExtra::default());
        let noted = Figure::new(
            Ok(Decimal::TWO),
            Qualifier::Exact,
            FigureExtra { note: Some("n".into()), ..FigureExtra::default() },
        );
        let figures: Figures = [("a".to_string(), bare), ("b".to_string(), noted)].into_iter().collect();
        assert_eq!(figures.extras.iter().map(|(k, _)| *k).collect::<Vec<_>>(), [1]);
        assert_eq!(figures.get("b").and_then(|f| f.note()), Some("n"));
    }

    #[test]
    fn the_calendar_has_gregorian_leap_years_and_month_lengths() {
        for (year, leap) in [(2015, false), (2016, true), (1900, false), (2000, true), (2100, false), (2400, true)] {
            assert_eq!(Date::is_leap(year), leap, "{year}");
        }
        let lengths = |y| (1..=12).map(|m| Date::days_in_month(y, m)).collect::<Vec<_>>();
        assert_eq!(lengths(2015), [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);
        assert_eq!(lengths(2016)[1], 29);
        assert_eq!((Date::days_in_month(2016, 0), Date::days_in_month(2016, 13)), (0, 0));
        assert_eq!(Date::new(2015, 12, 31).map(Date::days_in_year), Some(365));
        assert_eq!(Date::new(2015, 12, 31).map(Date::day_of_year), Some(365));
        let before_end = |y, m, d| Date::new(y, m, d).map(Date::is_before_year_end);
        assert_eq!(before_end(2015, 12, 31), Some(false));
        for (m, d) in [(12, 30), (1, 31), (6, 15)] {
            assert_eq!(before_end(2015, m, d), Some(true), "{m}-{d}");
        }
    }

    #[test]
    fn unix_days_give_every_date_from_1600_to_2400() {
        let mut day: i64 = -(1600..1970).map(|y| if Date::is_leap(y) { 366 } else { 365 }).sum::<i64>();
        for year in 1600..=2400 {
            for month in 1..=12 {
                for d in 1..=Date::days_in_month(year, month) {
                    assert_eq!(Date::from_unix_days(day), Some(Date { year, month, day: d }), "{day}");
                    day += 1;
                }
            }
        }
        assert_eq!(Date::from_unix_days(i64::MAX), None);
    }

    #[test]
    fn dates_parse_strictly_and_print_in_iso_form() {
        let date = Date::parse("2016-06-05");
        assert_eq!(date, Some(Date { year: 2016, month: 6, day: 5 }));
        assert_eq!(date.map(|d| d.to_string()).as_deref(), Some("2016-06-05"));
        assert_eq!(Date { year: 5, month: 1, day: 2 }.to_string(), "0005-01-02");
        for bad in ["2016-06-05-01", "02016-06-05", "2016-006-05", "2016-06-005", "2016-06", "2016-13-01", "2016-02-30"]
        {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
    }

    fn period(id: &str, figures: usize) -> Period {
        let f = |i: usize| (format!("m{i}"), Figure::new(Ok(Decimal::ONE), Qualifier::Exact, FigureExtra::default()));
        Period { id: id.into(), as_of: None, figures: (0..figures).map(f).collect() }
    }

    #[test]
    fn an_entitys_periods_are_kept_by_id() {
        let mut periods = Periods::with_capacity(2);
        assert!(periods.is_empty());
        periods.insert(period("2015", 1));
        periods.insert(period("2014", 1));
        periods.insert(period("2015", 2));
        assert_eq!((periods.len(), periods.is_empty()), (2, false));
        assert_eq!(periods.keys().collect::<Vec<_>>(), ["2014", "2015"]);
        assert_eq!(periods.values().map(|p| p.figures.len()).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(
            periods.iter().map(|(id, p)| (id.as_str(), p.id.as_str())).collect::<Vec<_>>(),
            [("2014", "2014"), ("2015", "2015")]
        );
        assert_eq!((&periods).into_iter().count(), 2);
        assert_eq!(periods.get("2015").map(|p| p.figures.len()), Some(2));
        assert!(periods.get("2013").is_none() && periods.get_mut("2013").is_none());
        if let Some(p) = periods.get_mut("2014") {
            p.as_of = Date::new(2014, 6, 30);
        }
        assert_eq!(periods.get("2014").and_then(|p| p.as_of), Date::new(2014, 6, 30));
        assert_eq!(periods.get_or_insert("2014").figures.len(), 1);
        assert_eq!(periods.get_or_insert("h1").id, "h1");
        assert_eq!(periods.keys().collect::<Vec<_>>(), ["2014", "2015", "h1"]);
    }

    #[test]
    fn a_figure_table_knows_its_size() {
        let empty = Figures::default();
        assert_eq!((empty.len(), empty.is_empty()), (0, true));
        let figures = period("p", 3).figures;
        assert_eq!((figures.len(), figures.is_empty()), (3, false));
        let mut iter = figures.iter();
        assert_eq!(iter.size_hint(), (3, Some(3)));
        iter.next();
        assert_eq!(iter.size_hint(), (2, Some(2)));
        assert_eq!((&figures).into_iter().map(|(k, _)| k).collect::<Vec<_>>(), ["m0", "m1", "m2"]);
    }

    fn entity(id: &str, kind: Option<&str>, tags: &[&str]) -> Entity {
        Entity {
            id: id.into(),
            name: None,
            kind: kind.map(String::from),
            tags: tags.iter().map(|t| t.to_string()).collect(),
            periods: Periods::default(),
            loc: Loc::new(Default::default(), 0..0),
        }
    }

    #[test]
    fn a_rule_set_applies_where_every_key_given_matches() {
        let list = |xs: &[&str]| Some(xs.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        let chengdu = entity("chengdu", Some("city"), &["pilot"]);
        let county = entity("pixian", Some("county"), &[]);
        assert!(AppliesTo::default().matches(&chengdu));
        let cities = AppliesTo { kinds: list(&["city"]), ..AppliesTo::default() };
        assert!(cities.matches(&chengdu) && !cities.matches(&county));
        let pilots = AppliesTo { tags: list(&["pilot", "other"]), ..AppliesTo::default() };
        assert!(pilots.matches(&chengdu) && !pilots.matches(&county));
        let named = AppliesTo { entities: list(&["pixian"]), ..AppliesTo::default() };
        assert!(!named.matches(&chengdu) && named.matches(&county));
        // Each key alone failing fails the whole.
        let city_pixian = AppliesTo { entities: list(&["pixian"]), kinds: list(&["city"]), ..AppliesTo::default() };
        assert!(!city_pixian.matches(&county) && !city_pixian.matches(&chengdu));
        let city_untagged = AppliesTo { kinds: list(&["city"]), tags: list(&["other"]), ..AppliesTo::default() };
        assert!(!city_untagged.matches(&chengdu));
        let nothing = AppliesTo { kinds: list(&[]), ..AppliesTo::default() };
        assert!(!nothing.matches(&chengdu));
        assert_eq!(
            (chengdu.label(), Entity { name: Some("成都".into()), ..chengdu.clone() }.label()),
            ("chengdu", "成都")
        );
    }

    #[test]
    fn comparisons_parse_print_and_point_their_way() {
        let all = [Op::Ge, Op::Gt, Op::Le, Op::Lt, Op::Eq, Op::Between];
        assert_eq!(all.map(Op::as_str), [">=", ">", "<=", "<", "==", "between"]);
        assert_eq!(all.map(|op| Op::parse(op.as_str())), all.map(Some));
        assert_eq!(Op::parse("=>"), None);
        assert_eq!(all.map(Op::symbol), ["≥", ">", "≤", "<", "=", "∈"]);
        assert_eq!(all.map(Op::is_upward), [true, true, false, false, false, false]);
        assert_eq!(all.map(Op::is_downward), [false, false, true, true, false, false]);
        let steps = Scoring::Steps(Vec::new());
        assert_eq!([Scoring::All.key(), Scoring::Linear.key(), steps.key()], ["all", "linear", "steps"]);
    }
}
