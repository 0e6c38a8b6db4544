//! The layouts of spreadsheet input (CONTRACT §6), over cells from either a CSV file
//! or a workbook sheet: the long layout (one figure per row), the wide layout (one
//! row per entity and period, one column per metric) and the entities layout. A
//! header is recognised here, each row becomes raw figures with the place of every
//! cell, and metric and entity names are read back to their ids. Every message is
//! worded in `text::sheet` (its `LayoutProblem`).

use std::borrow::Cow;
use std::collections::HashMap;

use rust_decimal::Decimal;

use super::raw::{RawCatalog, RawEntity, RawExtra, RawValue, is_id, is_metric_id};
use super::value_text::{self, Reading};
use crate::diagnostic::{Candidates, Diagnostic, Loc, did_you_mean};
use crate::model::{Date, Qualifier};
use crate::text::sheet::{LayoutProblem as Says, SheetProblem};

pub const LONG_HEADER: [&str; 7] = ["entity", "period", "metric", "value", "qualifier", "unit", "source"];
pub const ENTITY_HEADER: [&str; 4] = ["id", "name", "kind", "tags"];

/// What a cell holds: text as written, or a typed workbook value.
#[derive(Clone, Debug, PartialEq)]
pub enum CellValue {
    Text,
    /// A number cell, as the spreadsheet shows it; `true` when it is formatted as a percent.
    Number(Decimal, bool),
    Date(Date),
    Bool(bool),
    /// A formula cell whose result the workbook does not hold (its text is the formula).
    Unsaved,
}

/// One cell: its text (a typed cell's as shown), its place, and what it holds.
#[derive(Clone, Debug)]
pub struct Cell<'t> {
    pub text: Cow<'t, str>,
    pub loc: Loc,
    pub value: CellValue,
}

impl Cell<'_> {
    fn trimmed(&self) -> &str {
        self.text.trim()
    }

    fn is_empty(&self) -> bool {
        self.value == CellValue::Text && self.trimmed().is_empty()
    }
}

/// A figure read from a row, not yet attached to its entity.
#[derive(Clone, Debug)]
pub struct SheetFigure {
    /// The entity as written: its id or its name.
    pub entity: String,
    pub entity_loc: Loc,
    pub period: String,
    pub period_loc: Loc,
    pub as_of: Option<(Date, Loc)>,
    pub value: RawValue,
}

/// The catalog's metrics by id and by `name`, for reading headers and values.
#[derive(Debug, Default)]
pub struct Names {
    /// id -> index in `metrics`.
    ids: HashMap<String, usize>,
    /// `name` -> index, for the names that one metric has.
    names: HashMap<String, usize>,
    /// The names that several metrics have, with their ids: they name none.
    shared: HashMap<String, Vec<String>>,
    /// (id, unit) of each metric.
    metrics: Vec<(String, Option<String>)>,
    /// English label -> id, for "did you mean".
    en: HashMap<String, usize>,
    candidates: Candidates,
}

impl Names {
    pub fn new(catalog: Option<&RawCatalog>) -> Self {
        let mut names = Names::default();
        let mut words = Vec::new();
        let metrics = catalog.map_or(&[][..], |c| &c.metrics[..]);
        for (i, m) in metrics.iter().enumerate() {
            names.metrics.push((m.id.clone(), m.unit.clone()));
            names.ids.entry(m.id.clone()).or_insert(i);
            words.push(m.id.clone());
            if let Some(en) = &m.en {
                names.en.entry(en.clone()).or_insert(i);
            }
        }
        // Ids first: a name that is also another metric's id reads as that id.
        for (i, m) in metrics.iter().enumerate() {
            let Some(name) = m.name.clone().filter(|n| !names.ids.contains_key(n)) else { continue };
            words.push(name.clone());
            if let Some(ids) = names.shared.get_mut(&name) {
                ids.push(m.id.clone());
            } else if let Some(first) = names.names.remove(&name) {
                names.shared.insert(name, vec![metrics[first].id.clone(), m.id.clone()]);
            } else {
                names.names.insert(name, i);
            }
        }
        names.candidates = Candidates::new(words);
        names
    }

    /// The metric a word names (its id or its `name`): (id, unit).
    fn get(&self, word: &str) -> Option<(&str, Option<&str>)> {
        let i = self.ids.get(word).or_else(|| self.names.get(word))?;
        Some((self.metrics[*i].0.as_str(), self.metrics[*i].1.as_deref()))
    }

    /// "did you mean" for a word that names no metric: the id of a metric whose
    /// English label it is, else the closest id or name.
    fn unknown(&self, loc: Loc, word: &str, column: bool) -> Diagnostic {
        if let Some(ids) = self.shared.get(word) {
            return Says::SharedMetricName { word: word.to_string(), ids: ids.clone() }.at(loc);
        }
        let says = SheetProblem::Layout(Says::NoMetric { word: word.to_string(), column });
        let en =
            self.en.get(word).or_else(|| self.en.iter().find(|(en, _)| en.eq_ignore_ascii_case(word)).map(|(_, i)| i));
        let d = Diagnostic::error(loc, says.clone().said());
        match en {
            Some(&i) => d.with_help(
                SheetProblem::Layout(Says::EnglishLabel { word: word.to_string(), id: self.metrics[i].0.clone() })
                    .help_said(),
            ),
            None => d.suggest_or(word, &self.candidates, Some(says.help_said())),
        }
    }
}

/// A layout recognised from a header row.
#[derive(Debug)]
pub enum Layout {
    /// `entity,period,metric,value,qualifier,unit,source[,as_of]`.
    Long {
        as_of: bool,
    },
    Wide(Wide),
}

/// The wide layout's columns.
#[derive(Debug)]
pub struct Wide {
    as_of: Option<usize>,
    /// From the first metric column on: each column's metric, or why it has none.
    columns: Vec<Column>,
    first: usize,
}

#[derive(Debug)]
enum Column {
    Metric {
        id: String,
        unit: Option<String>,
        metric_unit: Option<String>,
        header: Loc,
    },
    /// The header is empty: a value under it is an error.
    Unnamed,
    /// The header is wrong (reported): values under it are not read.
    Bad,
}

/// The words of a header row, trimmed.
fn words<'c>(row: &'c [Cell]) -> Vec<&'c str> {
    let mut w: Vec<&str> = row.iter().map(Cell::trimmed).collect();
    while w.last() == Some(&"") {
        w.pop();
    }
    w
}

fn is_entity_word(w: &str) -> bool {
    matches!(w, "entity" | "单位")
}

fn is_period_word(w: &str) -> bool {
    matches!(w, "period" | "期间" | "年度")
}

fn is_as_of_word(w: &str) -> bool {
    matches!(w, "as_of" | "截至")
}

/// Whether a header row is in the entities layout.
pub fn is_entities_header(row: &[Cell]) -> bool {
    words(row) == ENTITY_HEADER
}

/// The layout a figures header row is in (long or wide), with the wide header's
/// problems reported; `None` when it is the header of neither.
pub fn figures_header(row: &[Cell], names: &Names, diags: &mut Vec<Diagnostic>) -> Option<Layout> {
    let w = words(row);
    if w.len() >= LONG_HEADER.len() && w[..LONG_HEADER.len()] == LONG_HEADER {
        return match &w[LONG_HEADER.len()..] {
            [] => Some(Layout::Long { as_of: false }),
            ["as_of"] => Some(Layout::Long { as_of: true }),
            _ => None,
        };
    }
    if w.len() < 2 || !is_entity_word(w[0]) || !is_period_word(w[1]) {
        return None;
    }
    let as_of = w.get(2).is_some_and(|x| is_as_of_word(x)).then_some(2);
    let first = if as_of.is_some() { 3 } else { 2 };
    let mut seen: HashMap<String, String> = HashMap::new();
    let columns = row[first..w.len()]
        .iter()
        .map(|cell| {
            let column = column(cell, names, diags);
            if let Column::Metric { id, header, .. } = &column {
                if let Some(first) = seen.get(id) {
                    diags.push(Says::SecondColumn { id: id.clone(), first: first.clone() }.at(header.clone()));
                    return Column::Bad;
                }
                seen.insert(id.clone(), cell.trimmed().to_string());
            }
            column
        })
        .collect();
    Some(Layout::Wide(Wide { as_of, columns, first }))
}

/// A wide header cell: a metric's id or name, whole, else with a trailing unit in
/// brackets (`专利申请量（件）`, `专利申请量 (件)`).
fn column(cell: &Cell, names: &Names, diags: &mut Vec<Diagnostic>) -> Column {
    // A header cell broken over lines (Alt+Enter in Excel) reads as one line.
    let joined = cell.trimmed().replace(['\r', '\n'], "");
    let word = joined.as_str();
    if word.is_empty() {
        return Column::Unnamed;
    }
    let loc = cell.loc.clone();
    if let Some((id, unit)) = names.get(word) {
        return Column::Metric { id: id.to_string(), unit: None, metric_unit: unit.map(str::to_string), header: loc };
    }
    if let Some((base, written)) = bracketed(word)
        && let Some((id, unit)) = names.get(base)
    {
        if unit == Some("bool") {
            diags.push(
                Says::BoolWithUnit { word: word.to_string(), id: id.to_string(), base: base.to_string() }.at(loc),
            );
            return Column::Bad;
        }
        return match value_text::check_unit(word, written, unit) {
            Ok(u) => Column::Metric {
                id: id.to_string(),
                unit: Some(u.to_string()),
                metric_unit: unit.map(str::to_string),
                header: loc,
            },
            Err(p) => {
                diags.push(Says::Value(p).at(loc));
                Column::Bad
            }
        };
    }
    diags.push(names.unknown(loc, word, true));
    Column::Bad
}

/// `name（unit）` or `name (unit)`: the name and the unit.
fn bracketed(word: &str) -> Option<(&str, &str)> {
    let body = word.strip_suffix('）').or_else(|| word.strip_suffix(')'))?;
    let open = body.rfind(['（', '('])?;
    let unit = body[open..].trim_start_matches(['（', '(']).trim();
    let base = body[..open].trim();
    (!unit.is_empty() && !base.is_empty()).then_some((base, unit))
}

/// A period cell's id: its text, or a whole number cell (`2015`).
fn period_of(cell: &Cell) -> String {
    match &cell.value {
        CellValue::Number(d, false) if d.fract().is_zero() => d.trunc().to_string(),
        _ => value_text::normalize(&cell.text),
    }
}

/// An `as_of` cell: a date cell, or a date as offices write it.
fn as_of_of(cell: &Cell, period: &str, diags: &mut Vec<Diagnostic>) -> Result<Option<(Date, Loc)>, ()> {
    if cell.is_empty() {
        return Ok(None);
    }
    let date = match &cell.value {
        CellValue::Date(d) => Some(*d),
        CellValue::Text => value_text::read_date(&cell.text),
        _ => None,
    };
    match date {
        Some(d) if period.get(..4).and_then(|y| y.parse::<i32>().ok()).is_none_or(|y| y == d.year) => {
            Ok(Some((d, cell.loc.clone())))
        }
        Some(d) => {
            diags.push(Says::AsOfOutside { date: d, period: period.to_string() }.at(cell.loc.clone()));
            Err(())
        }
        None => {
            diags.push(Says::NotADate(cell.trimmed().to_string()).at(cell.loc.clone()));
            Err(())
        }
    }
}

/// A value cell read for a metric in `metric_unit`: the raw value's parts.
struct Read {
    value: Decimal,
    is_bool: bool,
    qualifier: Qualifier,
    unit: Option<String>,
}

fn value_of(cell: &Cell, metric_unit: Option<&str>, diags: &mut Vec<Diagnostic>) -> Option<Read> {
    use crate::text::sheet::ValueProblem as Problem;
    let is_bool = metric_unit == Some("bool");
    let fail = |diags: &mut Vec<Diagnostic>, says: Says| {
        diags.push(says.at(cell.loc.clone()));
        None
    };
    let exact = |value: Decimal, is_bool: bool| Read { value, is_bool, qualifier: Qualifier::Exact, unit: None };
    match &cell.value {
        CellValue::Number(d, _) if is_bool => match d.to_string().as_str() {
            "0" | "1" => Some(exact(*d, true)),
            _ => fail(diags, Says::Value(Problem::NotYesNo(d.to_string()))),
        },
        // A percent-formatted cell is read as shown (0.12 shown as 12%).
        CellValue::Number(d, true) if metric_unit == Some("%") => Some(exact(*d * Decimal::ONE_HUNDRED, false)),
        CellValue::Number(d, _) => Some(exact(*d, false)),
        CellValue::Bool(b) if is_bool => Some(exact(Decimal::from(u8::from(*b)), true)),
        CellValue::Bool(b) => {
            fail(diags, Says::Value(Problem::YesNoForNumber(if *b { "TRUE" } else { "FALSE" }.into())))
        }
        CellValue::Date(d) => fail(diags, Says::Value(Problem::DateForNumber(d.to_string()))),
        CellValue::Unsaved => fail(diags, Says::Unsaved(cell.trimmed().to_string())),
        CellValue::Text => match value_text::read(&cell.text, metric_unit) {
            Ok(Reading::Bool(b)) => Some(exact(Decimal::from(u8::from(b)), true)),
            Ok(Reading::Number { value, qualifier, unit }) => Some(Read { value, is_bool: false, qualifier, unit }),
            Err(p) => fail(diags, Says::Value(p)),
        },
    }
}

/// One long-layout row (all its cells present) as a figure.
pub fn long_row(row: &[Cell], as_of: bool, names: &Names, diags: &mut Vec<Diagnostic>) -> Option<SheetFigure> {
    let loc = |i: usize| row[i].loc.clone();
    let field = |i: usize| row[i].trimmed();
    let entity = value_text::normalize(field(0));
    let period = period_of(&row[1]);
    if entity.is_empty() {
        diags.push(Says::EntityEmpty.at(loc(0)));
        return None;
    }
    if period.is_empty() {
        diags.push(Says::PeriodEmpty.at(loc(1)));
        return None;
    }
    let written = field(2);
    let (metric, metric_unit) = match names.get(written) {
        Some((id, unit)) => (id.to_string(), unit),
        // Not in the catalog: validation reports it, with "did you mean".
        None if is_metric_id(written) => (written.to_string(), None),
        None => {
            diags.push(names.unknown(loc(2), written, false));
            return None;
        }
    };
    let column_qualifier = match field(4) {
        "" | "missing" => None,
        "at_least" => Some(Qualifier::AtLeast),
        "at_most" => Some(Qualifier::AtMost),
        "approx" => Some(Qualifier::Approx),
        other => {
            let near = did_you_mean(other, ["at_least", "at_most", "approx", "missing"]).map(str::to_string);
            diags.push(Says::UnknownQualifier { word: other.to_string(), near }.at(loc(4)));
            return None;
        }
    };
    let mut source = Some(field(6).to_string()).filter(|s| !s.is_empty());
    let unit_column = Some(field(5).to_string()).filter(|u| !u.is_empty());
    let (value, is_bool, qualifier, unit, unit_loc) = if field(4) == "missing" {
        if !row[3].is_empty() {
            diags.push(Says::MissingWithValue.at(loc(3)));
            return None;
        }
        // The `source` cell says why: it is the reason, as `missing = "…"` is in TOML.
        match source.take() {
            Some(why) => (Err(why), metric_unit == Some("bool"), Qualifier::Exact, None, None),
            None => {
                diags.push(Says::MissingNeedsSource.at(loc(6)));
                return None;
            }
        }
    } else {
        if row[3].is_empty() {
            diags.push(Says::ValueEmpty.at(loc(3)));
            return None;
        }
        // A metric not in the catalog: read the value for the unit column's unit.
        let reading_unit = if names.get(written).is_some() {
            metric_unit
        } else if field(3).eq_ignore_ascii_case("true") || field(3).eq_ignore_ascii_case("false") {
            Some("bool")
        } else {
            unit_column.as_deref()
        };
        let read = value_of(&row[3], reading_unit, diags)?;
        let qualifier = match (column_qualifier, read.qualifier) {
            (None, q) => q,
            (Some(c), Qualifier::Exact) => c,
            (Some(c), q) if c == q => q,
            (Some(c), q) => {
                diags.push(Says::QualifierDisagrees { value: q, column: c }.at(loc(3)));
                return None;
            }
        };
        let (unit, unit_loc) = match (read.unit, unit_column) {
            (Some(a), Some(b)) if a != b => {
                diags.push(Says::UnitDisagrees { value: a, column: b }.at(loc(5)));
                return None;
            }
            (Some(a), _) => (Some(a), Some(loc(3))),
            (None, Some(b)) => (Some(b), Some(loc(5))),
            (None, None) => (None, None),
        };
        (Ok(read.value), read.is_bool, qualifier, unit, unit_loc)
    };
    let as_of = if as_of { as_of_of(&row[7], &period, diags).ok()? } else { None };
    Some(SheetFigure {
        entity,
        entity_loc: loc(0),
        period,
        period_loc: loc(1),
        as_of,
        value: RawValue {
            metric,
            loc: loc(2),
            qualifier,
            value,
            is_bool,
            extra: RawExtra { unit, unit_loc, source, note: None }.boxed(),
        },
    })
}

/// The entity a wide-layout row names (as written, with its place), if its
/// entity, period and `as_of` cells are right, and the row's figures, one per
/// non-empty metric cell. The entity is given even when no figure came out, so that
/// an unknown one is reported once for its row.
pub type WideRow = (Option<(String, Loc)>, Vec<SheetFigure>);

pub fn wide_row(row: &[Cell], wide: &Wide, diags: &mut Vec<Diagnostic>) -> WideRow {
    let mut out = Vec::new();
    let Some(first) = row.first() else { return (None, out) };
    let entity = value_text::normalize(first.trimmed());
    let period = row.get(1).map(period_of).unwrap_or_default();
    if entity.is_empty() {
        diags.push(Says::EntityEmpty.at(first.loc.clone()));
        return (None, out);
    }
    let Some(period_cell) = row.get(1).filter(|_| !period.is_empty()) else {
        diags.push(Says::PeriodEmpty.at(row.get(1).unwrap_or(first).loc.clone()));
        return (None, out);
    };
    let as_of = match wide.as_of.and_then(|i| row.get(i)) {
        Some(cell) => match as_of_of(cell, &period, diags) {
            Ok(a) => a,
            Err(()) => return (None, out),
        },
        None => None,
    };
    for (k, cell) in row.iter().enumerate().skip(wide.first) {
        if cell.is_empty() {
            continue;
        }
        let column = wide.columns.get(k - wide.first).unwrap_or(&Column::Unnamed);
        let (id, unit, metric_unit, header) = match column {
            Column::Metric { id, unit, metric_unit, header } => (id, unit, metric_unit, header),
            Column::Unnamed => {
                diags.push(Says::NoColumnHeader.at(cell.loc.clone()));
                continue;
            }
            Column::Bad => continue,
        };
        let Some(read) = value_of(cell, metric_unit.as_deref(), diags) else { continue };
        let (unit, unit_loc) = match read.unit {
            Some(u) => (Some(u), Some(cell.loc.clone())),
            None => (unit.clone(), unit.as_ref().map(|_| header.clone())),
        };
        out.push(SheetFigure {
            entity: entity.clone(),
            entity_loc: first.loc.clone(),
            period: period.clone(),
            period_loc: period_cell.loc.clone(),
            as_of: as_of.clone(),
            value: RawValue {
                metric: id.clone(),
                loc: cell.loc.clone(),
                qualifier: read.qualifier,
                value: Ok(read.value),
                is_bool: read.is_bool,
                extra: RawExtra { unit, unit_loc, source: None, note: None }.boxed(),
            },
        });
    }
    (Some((entity, first.loc.clone())), out)
}

/// One entities-layout row (`id,name,kind,tags`, all cells present) as an entity.
pub fn entity_row(row: &[Cell], diags: &mut Vec<Diagnostic>) -> Option<RawEntity> {
    let field = |i: usize| row[i].trimmed();
    let id = field(0).to_string();
    let loc = row[0].loc.clone();
    if !is_id(&id) {
        diags.push(Says::BadEntityId(id).at(loc));
        return None;
    }
    let opt = |s: &str| Some(s.to_string()).filter(|s| !s.is_empty());
    let tags: Vec<String> =
        field(3).split([';', '；']).map(str::trim).filter(|t| !t.is_empty()).map(str::to_string).collect();
    let kind = opt(field(2));
    let kind_loc = kind.as_ref().map(|_| row[2].loc.clone());
    let tag_locs = vec![row[3].loc.clone(); tags.len()];
    Some(RawEntity { id, loc, name: opt(field(1)), kind, kind_loc, tags, tag_locs, periods: Vec::new() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Sources;

    fn names() -> Names {
        names_of(
            "[metric.patent_applications]\nname = \"专利申请量\"\nen = \"Patent applications\"\nunit = \"件\"\n\
             [metric.ip_pledge_financing]\nname = \"知识产权质押融资额\"\nunit = \"万元\"\n\
             [metric.has_ip_office]\nname = \"是否设立知识产权局\"\nunit = \"bool\"\n",
        )
    }

    fn names_of(text: &str) -> Names {
        let mut sources = Sources::default();
        let id = sources.add("metrics.toml".into(), text.into());
        let catalog = super::super::raw::catalog(&sources, id, &mut Vec::new());
        assert!(catalog.is_some());
        Names::new(catalog.as_ref())
    }

    #[test]
    fn ids_come_before_names_and_a_shared_name_names_none() {
        let names = names_of(
            "[metric.a]\nname = \"b\"\n[metric.b]\nname = \"共用\"\n[metric.c]\nname = \"共用\"\n[metric.d]\nname = \"独有\"\n",
        );
        assert_eq!(names.get("b").map(|m| m.0), Some("b"));
        assert_eq!(names.get("独有").map(|m| m.0), Some("d"));
        assert_eq!(names.get("共用"), None);
        let d = names.unknown(Loc::new(0, 0..1), "共用", true);
        assert_eq!(d.message, "`共用` is the catalog name of several metrics (`b`, `c`)");
    }

    fn cells(words: &[&'static str]) -> Vec<Cell<'static>> {
        words
            .iter()
            .enumerate()
            .map(|(i, w)| Cell { text: Cow::Borrowed(*w), loc: Loc::new(0, i..i + 1), value: CellValue::Text })
            .collect()
    }

    /// What a header row is read as: the layout and each metric column (id, unit),
    /// or the messages of its problems.
    fn header(words: &[&'static str]) -> Result<String, Vec<String>> {
        let mut diags = Vec::new();
        let found = figures_header(&cells(words), &names(), &mut diags);
        if !diags.is_empty() {
            return Err(diags
                .into_iter()
                .map(|d| format!("{} / {}", d.message, d.help_text().unwrap_or_default()))
                .collect());
        }
        Ok(match found {
            None => "none".into(),
            Some(Layout::Long { as_of }) => format!("long as_of={as_of}"),
            Some(Layout::Wide(w)) => {
                let cols: Vec<String> = w
                    .columns
                    .iter()
                    .map(|c| match c {
                        Column::Metric { id, unit, .. } => format!("{id}:{}", unit.as_deref().unwrap_or("-")),
                        Column::Unnamed => "unnamed".into(),
                        Column::Bad => "bad".into(),
                    })
                    .collect();
                format!("wide as_of={:?} {}", w.as_of, cols.join(" "))
            }
        })
    }

    #[test]
    fn headers() {
        let ok =
            |words: &[&'static str], expected: &str| assert_eq!(header(words), Ok(expected.to_string()), "{words:?}");
        let err = |words: &[&'static str], expected: &[&str]| {
            assert_eq!(header(words), Err(expected.iter().map(|s| s.to_string()).collect()), "{words:?}")
        };
        ok(&LONG_HEADER, "long as_of=false");
        ok(&["entity", "period", "metric", "value", "qualifier", "unit", "source", "as_of"], "long as_of=true");
        ok(&["entity", "period", "metric", "value", "qualifier", "unit", "source", "note"], "none");
        ok(&["id", "name", "kind", "tags"], "none");
        ok(&["序号", "单位", "期间"], "none");
        ok(&["entity", "period"], "wide as_of=None ");
        ok(&["单位", "年度", "截至", "专利申请量"], "wide as_of=Some(2) patent_applications:-");
        ok(&["单位", "期间", " patent_applications "], "wide as_of=None patent_applications:-");
        ok(&["entity", "period", "专利申请量（件）"], "wide as_of=None patent_applications:件");
        ok(&["entity", "period", "专利申请量 (件)"], "wide as_of=None patent_applications:件");
        ok(&["entity", "period", "专利\n申请量\r\n（件）"], "wide as_of=None patent_applications:件");
        ok(&["entity", "period", "知识产权质押融资额（亿元）"], "wide as_of=None ip_pledge_financing:亿元");
        ok(&["entity", "period", "ip_pledge_financing(元)"], "wide as_of=None ip_pledge_financing:元");
        ok(&["entity", "period", "", "是否设立知识产权局"], "wide as_of=None unnamed has_ip_office:-");
        err(
            &["entity", "period", "序号"],
            &[
                "column `序号` names no metric / a column is headed by a metric's id or its catalog name, optionally with its unit in brackets",
            ],
        );
        err(
            &["entity", "period", "Patent applications"],
            &[
                "column `Patent applications` names no metric / did you mean `patent_applications`? (`Patent applications` is its English label)",
            ],
        );
        err(
            &["entity", "period", "专利申请量（人）"],
            &[
                "`专利申请量（人）`: unit `人` does not convert to `件`, the metric's unit / money converts among 元, 万元 and 亿元; every other unit only to itself",
            ],
        );
        err(
            &["entity", "period", "是否设立知识产权局（个）"],
            &[
                "`是否设立知识产权局（个）`: metric `has_ip_office` is a yes/no metric, with no unit / head the column `是否设立知识产权局`",
            ],
        );
        err(
            &["entity", "period", "专利申请量", "patent_applications"],
            &[
                "a second column for metric `patent_applications` / the column headed `专利申请量` is already `patent_applications`",
            ],
        );
        err(&["entity", "period", "专利申请"], &["column `专利申请` names no metric / did you mean `专利申请量`?"]);
    }

    #[test]
    fn bracketed_units() {
        assert_eq!(bracketed("专利申请量（件）"), Some(("专利申请量", "件")));
        assert_eq!(bracketed("专利申请量 (件)"), Some(("专利申请量", "件")));
        assert_eq!(bracketed("质押融资额（亿元）"), Some(("质押融资额", "亿元")));
        assert_eq!(bracketed("专利申请量"), None);
        assert_eq!(bracketed("（件）"), None);
        assert_eq!(bracketed("a()"), None);
    }
}
