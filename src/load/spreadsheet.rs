//! Spreadsheet input (CONTRACT §6): CSV files in a data folder, one figure per row in
//! long format, and `entities.csv` declaring entities. Rows become the same raw
//! values as TOML data, with `path:line:col` locations, and are merged into the
//! entities the TOML files define; a figure given twice is an error.

use std::collections::HashMap;
use std::ops::Range;

use rust_decimal::Decimal;

use super::raw::{RawEntity, RawPeriod, RawValue, is_id, is_metric_id};
use super::toml_value::{exact, is_numeric_string};
use crate::diagnostic::{Diagnostic, FileId, Loc, Sources, suggestion};
use crate::model::{Date, Qualifier};

const FIGURE_HEADER: [&str; 7] = ["entity", "period", "metric", "value", "qualifier", "unit", "source"];
const ENTITY_HEADER: [&str; 4] = ["id", "name", "kind", "tags"];

/// One figure read from a CSV row, not yet attached to its entity.
#[derive(Clone, Debug)]
pub struct CsvFigure {
    pub entity: String,
    pub entity_loc: Loc,
    pub period: String,
    pub period_loc: Loc,
    pub as_of: Option<(Date, Loc)>,
    pub value: RawValue,
}

/// A CSV record with the byte span of each of its fields in the file.
struct Row {
    fields: Vec<String>,
    spans: Vec<Range<usize>>,
    /// The whole record, for messages about a row.
    span: Range<usize>,
}

/// Split the file into records, keeping every field's place (RFC 4180 quoting).
fn rows(text: &str, file: FileId, diags: &mut Vec<Diagnostic>) -> Vec<Row> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut out = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let start = record.position().map_or(0, |p| p.byte() as usize);
                let spans = field_spans(text, start, record.len());
                let end = spans.last().map_or(start, |s| s.end);
                out.push(Row { fields: record.iter().map(str::to_string).collect(), spans, span: start..end });
            }
            Err(e) => {
                let at = e.position().map_or(0, |p| p.byte() as usize);
                diags.push(Diagnostic::error(Loc::new(file, at..at + 1), format!("invalid CSV: {e}")));
                break;
            }
        }
    }
    out
}

/// Byte spans of the `n` fields of the record starting at `start`.
fn field_spans(text: &str, start: usize, n: usize) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut spans = Vec::with_capacity(n);
    let mut i = start;
    for _ in 0..n {
        let field_start = i;
        let mut quoted = false;
        while i < bytes.len() {
            match bytes[i] {
                b'"' => quoted = !quoted,
                b',' if !quoted => break,
                b'\n' | b'\r' if !quoted => break,
                _ => {}
            }
            i += 1;
        }
        spans.push(field_start..i);
        if i < bytes.len() && bytes[i] == b',' {
            i += 1;
        }
    }
    spans
}

fn check_header(
    row: Option<&Row>,
    expected: &[&str],
    optional: Option<&str>,
    file: FileId,
    diags: &mut Vec<Diagnostic>,
) -> Option<bool> {
    let names: Vec<&str> = row.map(|r| r.fields.iter().map(|f| f.trim()).collect()).unwrap_or_default();
    let with_optional = optional.is_some_and(|o| names.len() == expected.len() + 1 && names[expected.len()] == o);
    if names.len() >= expected.len()
        && names[..expected.len()] == *expected
        && (names.len() == expected.len() || with_optional)
    {
        return Some(with_optional);
    }
    let span = row.map_or(0..0, |r| r.span.clone());
    let mut wanted = expected.join(",");
    if let Some(o) = optional {
        wanted.push_str(&format!(" (optionally followed by ,{o})"));
    }
    diags.push(
        Diagnostic::error(Loc::new(file, span), "this CSV file does not start with the expected header")
            .with_help(format!("the header is {wanted}")),
    );
    None
}

/// `entities.csv`: `id,name,kind,tags` (tags separated by `;`).
pub fn entities(sources: &Sources, file: FileId, diags: &mut Vec<Diagnostic>) -> Vec<RawEntity> {
    let rows = rows(&sources.get(file).text, file, diags);
    if check_header(rows.first(), &ENTITY_HEADER, None, file, diags).is_none() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for row in rows.iter().skip(1) {
        if row.fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if row.fields.len() != ENTITY_HEADER.len() {
            diags.push(Diagnostic::error(
                Loc::new(file, row.span.clone()),
                format!("this row has {} fields; the header has {}", row.fields.len(), ENTITY_HEADER.len()),
            ));
            continue;
        }
        let id = row.fields[0].trim().to_string();
        let loc = Loc::new(file, row.spans[0].clone());
        if !is_id(&id) {
            diags.push(Diagnostic::error(
                loc,
                format!("entity id `{id}` is not a valid id (ids match [a-z][a-z0-9_-]*)"),
            ));
            continue;
        }
        let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let tags = row.fields[3].split(';').map(str::trim).filter(|t| !t.is_empty()).map(str::to_string).collect();
        out.push(RawEntity {
            id,
            loc,
            name: opt(&row.fields[1]),
            kind: opt(&row.fields[2]),
            tags,
            periods: Vec::new(),
        });
    }
    out
}

/// A figures file: `entity,period,metric,value,qualifier,unit,source[,as_of]`.
pub fn figures(sources: &Sources, file: FileId, diags: &mut Vec<Diagnostic>) -> Vec<CsvFigure> {
    let rows = rows(&sources.get(file).text, file, diags);
    let Some(has_as_of) = check_header(rows.first(), &FIGURE_HEADER, Some("as_of"), file, diags) else {
        return Vec::new();
    };
    let width = FIGURE_HEADER.len() + usize::from(has_as_of);
    let mut out = Vec::new();
    for row in rows.iter().skip(1) {
        if row.fields.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if row.fields.len() != width {
            diags.push(Diagnostic::error(
                Loc::new(file, row.span.clone()),
                format!("this row has {} fields; the header has {width}", row.fields.len()),
            ));
            continue;
        }
        if let Some(f) = figure(row, file, has_as_of, diags) {
            out.push(f);
        }
    }
    out
}

fn figure(row: &Row, file: FileId, has_as_of: bool, diags: &mut Vec<Diagnostic>) -> Option<CsvFigure> {
    let field = |i: usize| row.fields[i].trim();
    let loc = |i: usize| Loc::new(file, row.spans[i].clone());
    let mut error = |i: usize, message: String| diags.push(Diagnostic::error(loc(i), message));
    let (entity, period, metric) = (field(0), field(1), field(2));
    if !is_id(entity) {
        error(0, format!("entity id `{entity}` is not a valid id (ids match [a-z][a-z0-9_-]*)"));
        return None;
    }
    if period.is_empty() {
        error(1, "the period is empty".into());
        return None;
    }
    if !is_metric_id(metric) {
        error(2, format!("metric id `{metric}` is not a valid id (metric ids match [a-z][a-z0-9_]*)"));
        return None;
    }
    let qualifier = match field(4) {
        "" => Qualifier::Exact,
        "at_least" => Qualifier::AtLeast,
        "at_most" => Qualifier::AtMost,
        "approx" => Qualifier::Approx,
        "missing" => Qualifier::Exact,
        other => {
            let hint = suggestion(other, ["at_least", "at_most", "approx", "missing"]).unwrap_or_else(|| {
                "leave it empty for an exact figure, or write at_least, at_most, approx or missing".into()
            });
            diags.push(Diagnostic::error(loc(4), format!("unknown qualifier `{other}`")).with_help(hint));
            return None;
        }
    };
    let source = Some(field(6).to_string()).filter(|s| !s.is_empty());
    let text = field(3);
    let (value, is_bool) = if field(4) == "missing" {
        if !text.is_empty() {
            error(3, "a missing figure has no value: leave `value` empty and say why in `source`".into());
            return None;
        }
        match &source {
            Some(why) => (Err(why.clone()), false),
            None => {
                error(6, "a missing figure needs `source` saying why it is missing".into());
                return None;
            }
        }
    } else {
        match text {
            "true" | "false" if qualifier == Qualifier::Exact => (Ok(Decimal::from(u8::from(text == "true"))), true),
            "" => {
                error(
                    3,
                    "the value is empty; write qualifier `missing` (with the reason in `source`) for a missing figure"
                        .into(),
                );
                return None;
            }
            t if is_numeric_string(t) => match exact(t) {
                Ok(d) => (Ok(d), false),
                Err(message) => {
                    error(3, format!("`{metric}`: {message}"));
                    return None;
                }
            },
            t => {
                error(3, format!("`{t}` is not a number (write digits with an optional decimal point, e.g. 2.4)"));
                return None;
            }
        }
    };
    let as_of = if has_as_of && !field(7).is_empty() {
        match Date::parse(field(7)) {
            Some(d) if period.get(..4).and_then(|y| y.parse::<i32>().ok()).is_none_or(|y| y == d.year) => {
                Some((d, loc(7)))
            }
            Some(d) => {
                error(7, format!("`as_of` {d} is not inside period `{period}`"));
                return None;
            }
            None => {
                error(7, format!("`{}` is not a date such as 2016-06-30", field(7)));
                return None;
            }
        }
    } else {
        None
    };
    let unit = Some(field(5).to_string()).filter(|u| !u.is_empty());
    Some(CsvFigure {
        entity: entity.to_string(),
        entity_loc: loc(0),
        period: period.to_string(),
        period_loc: loc(1),
        as_of,
        value: RawValue {
            metric: metric.to_string(),
            loc: loc(2),
            qualifier,
            value,
            is_bool,
            unit_loc: unit.as_ref().map(|_| loc(5)),
            unit,
            source,
            note: None,
        },
    })
}

/// Attach CSV figures to their entities. A figure given twice (in TOML and CSV, or
/// twice in CSV) and disagreeing `as_of` dates are errors.
pub fn merge(entities: &mut [RawEntity], figures: Vec<CsvFigure>, sources: &Sources, diags: &mut Vec<Diagnostic>) {
    let index: HashMap<String, usize> = entities.iter().enumerate().rev().map(|(i, e)| (e.id.clone(), i)).collect();
    for f in figures {
        let Some(&i) = index.get(&f.entity) else {
            let hint = suggestion(&f.entity, entities.iter().map(|e| e.id.as_str()))
                .unwrap_or_else(|| "declare it in entities.csv (id,name,kind,tags) or in a TOML data file".into());
            diags.push(Diagnostic::error(f.entity_loc, format!("unknown entity `{}`", f.entity)).with_help(hint));
            continue;
        };
        let entity = &mut entities[i];
        let p = match entity.periods.iter().position(|p| p.id == f.period) {
            Some(p) => p,
            None => {
                entity.periods.push(RawPeriod {
                    id: f.period.clone(),
                    loc: f.period_loc.clone(),
                    as_of: None,
                    values: Vec::new(),
                });
                entity.periods.len() - 1
            }
        };
        let period = &mut entity.periods[p];
        if let Some((d, loc)) = f.as_of {
            match period.as_of {
                Some(existing) if existing != d => {
                    diags.push(Diagnostic::error(
                        loc,
                        format!(
                            "`as_of` {d} disagrees with {existing} given for period `{}` of `{}`",
                            f.period, f.entity
                        ),
                    ));
                    continue;
                }
                _ => period.as_of = Some(d),
            }
        }
        if let Some(first) = period.values.iter().find(|v| v.metric == f.value.metric) {
            let (line, col) = sources.line_col(first.loc.file, first.loc.span.start);
            let at = format!("{}:{line}:{col}", sources.get(first.loc.file).path);
            diags.push(
                Diagnostic::error(
                    f.value.loc,
                    format!("`{}` of `{}` in period `{}` is given twice", f.value.metric, f.entity, f.period),
                )
                .with_help(format!("it is first given at {at}")),
            );
            continue;
        }
        period.values.push(f.value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_spans_follow_quotes() {
        let text = "a,\"b,c\",d\n";
        assert_eq!(field_spans(text, 0, 3), vec![0..1, 2..7, 8..9]);
    }
}
