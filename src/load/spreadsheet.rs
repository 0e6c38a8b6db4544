//! Spreadsheet input (CONTRACT §6): CSV files in a data folder, one figure per row in
//! long format, and `entities.csv` declaring entities. Rows become the same raw
//! values as TOML data, with `path:line:col` locations, and are merged into the
//! entities the TOML files define; a figure given twice is an error. Problems are
//! worded in `text::sheet`.

use crate::text::Counted;
use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;

use super::layout::{self, Cell, CellValue, ENTITY_HEADER, LONG_HEADER, Layout, Names, SheetFigure};
use super::limits::{MAX_FIGURES, MAX_PERIODS, MAX_PERIODS_PER_ENTITY, Tally, over_message};
use super::raw::{RawEntity, RawPeriod};
use super::workbook::ReadSheet;
use crate::diagnostic::{Candidates, Diagnostic, FileId, Loc, Sources};
use crate::text::Message;
use crate::text::sheet::{CsvProblem as Says, SheetProblem};

/// Whether a row's entity is a table's totals (合计, 总计, 小计, in any spacing).
fn is_totals(entity: &str) -> bool {
    let word: String = entity.chars().filter(|c| !c.is_whitespace()).collect();
    matches!(word.as_str(), "合计" | "总计" | "小计" | "共计" | "总数")
}

/// A CSV record with the byte span of each of its fields in the file.
struct Row<'t> {
    /// Each field's text (quotes removed, `""` read as `"`) and its span, quotes included.
    fields: Vec<(Cow<'t, str>, Range<usize>)>,
    /// The whole record, for messages about a row.
    span: Range<usize>,
}

impl Row<'_> {
    fn len(&self) -> usize {
        self.fields.len()
    }

    fn is_blank(&self) -> bool {
        self.fields.iter().all(|(f, _)| f.trim().is_empty())
    }
}

/// Split the file into records (RFC 4180: `,` between fields, a line end between
/// records, a field in `"` may hold `,`, line ends and `""`), calling `each` with
/// every record in order, so that no more than one record is held at a time.
///
/// A quoted field that is never closed, or that has text after its closing quote,
/// is an error at its opening quote; reading goes on at the line after it, so that
/// the rows that follow are still checked (and never swallowed into one field).
fn rows<'t>(
    text: &'t str,
    file: FileId,
    diags: &mut Vec<Diagnostic>,
    mut each: impl FnMut(Row<'t>, &mut Vec<Diagnostic>),
) {
    let bytes = text.as_bytes();
    let mut pos = 0;
    'records: while pos < bytes.len() {
        let start = pos;
        let mut fields = Vec::new();
        loop {
            let field_start = pos;
            if bytes.get(pos) == Some(&b'"') {
                // A quoted field: up to the quote that is not doubled.
                let mut i = pos + 1;
                let mut escaped = false;
                let close = loop {
                    match memchr_quote(bytes, i) {
                        Some(q) if bytes.get(q + 1) == Some(&b'"') => {
                            escaped = true;
                            i = q + 2;
                        }
                        found => break found,
                    }
                };
                let after = close.map(|q| q + 1);
                let ok_end = |a: usize| matches!(bytes.get(a), None | Some(b',' | b'\n' | b'\r'));
                match after {
                    Some(a) if ok_end(a) => {
                        let inner = &text[pos + 1..a - 1];
                        let value =
                            if escaped { Cow::Owned(inner.replace("\"\"", "\"")) } else { Cow::Borrowed(inner) };
                        fields.push((value, field_start..a));
                        pos = a;
                    }
                    _ => {
                        quote_error(text, file, field_start, after, diags);
                        pos = next_line(bytes, field_start);
                        continue 'records;
                    }
                }
            } else {
                let end = bytes[pos..]
                    .iter()
                    .position(|&b| matches!(b, b',' | b'\n' | b'\r'))
                    .map_or(bytes.len(), |i| pos + i);
                fields.push((Cow::Borrowed(&text[pos..end]), field_start..end));
                pos = end;
            }
            match bytes.get(pos) {
                Some(b',') => pos += 1,
                _ => break,
            }
        }
        let end = pos;
        // The line end: `\n`, `\r\n` or a lone `\r`.
        if bytes.get(pos) == Some(&b'\r') {
            pos += 1;
        }
        if bytes.get(pos) == Some(&b'\n') {
            pos += 1;
        }
        each(Row { fields, span: start..end }, diags);
    }
}

/// The next `"` at or after `from`.
fn memchr_quote(bytes: &[u8], from: usize) -> Option<usize> {
    bytes.get(from..)?.iter().position(|&b| b == b'"').map(|i| from + i)
}

/// Where the line after the one holding `at` starts.
fn next_line(bytes: &[u8], at: usize) -> usize {
    match bytes[at..].iter().position(|&b| b == b'\n' || b == b'\r') {
        Some(i) if bytes[at + i] == b'\r' && bytes.get(at + i + 1) == Some(&b'\n') => at + i + 2,
        Some(i) => at + i + 1,
        None => bytes.len(),
    }
}

/// A quoted field opened at `open` that is not closed (`after` is `None`), or whose
/// closing quote (ending at `after`) is followed by more text.
fn quote_error(text: &str, file: FileId, open: usize, after: Option<usize>, diags: &mut Vec<Diagnostic>) {
    let says = match after {
        None => Says::QuoteNeverClosed,
        Some(a) => match text[open..a].bytes().filter(|&b| b == b'\n').count() {
            0 => Says::TextAfterQuote,
            lines => Says::QuoteRunsOn(lines),
        },
    };
    diags.push(says.at(Loc::new(file, open..open + 1)));
}

impl<'t> Row<'t> {
    /// The row's fields as layout cells.
    fn cells(&self, file: FileId) -> Vec<Cell<'t>> {
        self.fields
            .iter()
            .map(|(text, span)| Cell { text: text.clone(), loc: Loc::new(file, span.clone()), value: CellValue::Text })
            .collect()
    }
}

fn header_error(span: Range<usize>, file: FileId, entities: bool) -> Diagnostic {
    Says::BadHeader { entities, entities_elsewhere: false }.at(Loc::new(file, span))
}

/// `entities.csv`: `id,name,kind,tags` (tags separated by `;`).
pub fn entities(sources: &Sources, file: FileId, diags: &mut Vec<Diagnostic>) -> Vec<RawEntity> {
    let mut out = Vec::new();
    let mut header: Option<bool> = None;
    rows(&sources.get(file).text, file, diags, |row, diags| {
        let Some(ok) = header else {
            let ok = layout::is_entities_header(&row.cells(file));
            if !ok {
                diags.push(header_error(row.span.clone(), file, true));
            }
            header = Some(ok);
            return;
        };
        if !ok || row.is_blank() {
            return;
        }
        if row.len() != ENTITY_HEADER.len() {
            diags.push(
                Says::RowWidth { fields: row.len(), header: ENTITY_HEADER.len() }.at(Loc::new(file, row.span.clone())),
            );
            return;
        }
        out.extend(layout::entity_row(&row.cells(file), diags));
    });
    if header.is_none() {
        diags.push(header_error(0..0, file, true));
    }
    out
}

/// A figures file, in the long or the wide layout (CONTRACT §6). Each row is
/// attached to its entity as it is read (through `merger`), so that the rows of a
/// large file are never all held at once.
pub fn figures(
    sources: &Sources,
    file: FileId,
    names: &Names,
    entities: &mut [RawEntity],
    merger: &mut Merger,
    diags: &mut Vec<Diagnostic>,
) {
    let mut header: Option<Option<Layout>> = None;
    rows(&sources.get(file).text, file, diags, |row, diags| {
        let Some(found) = &header else {
            let cells = row.cells(file);
            let found = layout::figures_header(&cells, names, diags);
            if found.is_none() {
                // An entities list under another name is told so.
                let elsewhere = layout::is_entities_header(&cells);
                let says = Says::BadHeader { entities: false, entities_elsewhere: elsewhere };
                diags.push(says.at(Loc::new(file, row.span.clone())));
            }
            header = Some(found);
            return;
        };
        if row.is_blank() {
            return;
        }
        match found {
            None => {}
            Some(Layout::Long { as_of }) => {
                let width = LONG_HEADER.len() + usize::from(*as_of);
                if row.len() != width {
                    diags
                        .push(Says::RowWidth { fields: row.len(), header: width }.at(Loc::new(file, row.span.clone())));
                    return;
                }
                if let Some(f) = layout::long_row(&row.cells(file), *as_of, names, diags) {
                    merger.add(entities, f, diags);
                }
            }
            Some(Layout::Wide(wide)) => {
                merger.add_row(entities, layout::wide_row(&row.cells(file), wide, diags), diags);
            }
        }
    });
    if header.is_none() {
        diags.push(header_error(0..0, file, false));
    }
}

/// A sheet's row padded with empty cells to `width` (a workbook row ends at its
/// last non-empty cell); the empty cells are placed at the end of the last one.
fn padded<'c>(row: &[Cell<'c>], width: usize) -> Vec<Cell<'c>> {
    let mut cells = row.to_vec();
    if let Some(last) = row.last() {
        let end = Loc::new(last.loc.file, last.loc.span.end..last.loc.span.end);
        while cells.len() < width {
            cells.push(Cell { text: Cow::Borrowed(""), loc: end.clone(), value: CellValue::Text });
        }
    }
    cells
}

/// Whether a sheet declares entities (`entities` or `单位`, in any case).
pub fn is_entities_sheet(name: &str) -> bool {
    let name = name.trim();
    name.eq_ignore_ascii_case("entities") || name == "单位"
}

/// An `entities` sheet: its entities.
pub fn sheet_entities(sheet: &ReadSheet, diags: &mut Vec<Diagnostic>) -> Vec<RawEntity> {
    let header_ok = sheet.rows.first().is_some_and(|(r, cells)| *r == 0 && layout::is_entities_header(cells));
    if !header_ok {
        let loc = sheet.rows.first().and_then(|(_, c)| c.first()).map_or(Loc::new(sheet.file, 0..0), |c| c.loc.clone());
        diags.push(Says::EntitiesSheetHeader(sheet.name.clone()).at(loc));
        return Vec::new();
    }
    let mut out = Vec::new();
    for (_, cells) in &sheet.rows[1..] {
        if cells.iter().all(|c| c.text.trim().is_empty()) {
            continue;
        }
        if let Some(extra) =
            cells.get(ENTITY_HEADER.len()..).and_then(|rest| rest.iter().find(|c| !c.text.trim().is_empty()))
        {
            diags.push(Says::RightOfTags.at(extra.loc.clone()));
            continue;
        }
        out.extend(layout::entity_row(&padded(cells, ENTITY_HEADER.len()), diags));
    }
    out
}

/// A figures sheet (long or wide layout); a sheet whose first row is the header of
/// neither is skipped with a notice naming it.
pub fn sheet_figures(
    path: &str,
    sheet: &ReadSheet,
    names: &Names,
    entities: &mut [RawEntity],
    merger: &mut Merger,
    diags: &mut Vec<Diagnostic>,
) {
    let found = match sheet.rows.first() {
        Some((0, cells)) => layout::figures_header(cells, names, diags),
        _ => None,
    };
    let Some(found) = found else {
        diags.push(Diagnostic::file_notice(path, SheetProblem::Csv(Says::SheetSkipped(sheet.name.clone())).said()));
        return;
    };
    for (_, cells) in &sheet.rows[1..] {
        if cells.iter().all(|c| c.text.trim().is_empty()) {
            continue;
        }
        match &found {
            Layout::Long { as_of } => {
                let width = LONG_HEADER.len() + usize::from(*as_of);
                if let Some(extra) = cells.get(width..).and_then(|rest| rest.iter().find(|c| !c.text.trim().is_empty()))
                {
                    diags.push(Says::RightOfHeader.at(extra.loc.clone()));
                    continue;
                }
                if let Some(f) = layout::long_row(&padded(cells, width), *as_of, names, diags) {
                    merger.add(entities, f, diags);
                }
            }
            Layout::Wide(wide) => {
                merger.add_row(entities, layout::wide_row(cells, wide, diags), diags);
            }
        }
    }
}

/// Attaches CSV figures to their entities. A figure given twice (in TOML and CSV, or
/// twice in CSV) and disagreeing `as_of` dates are errors. Entities, periods and
/// figures are found through maps, so that the work grows with the number of rows
/// only.
pub struct Merger {
    index: HashMap<String, usize>,
    /// Entity `name` -> index, for rows that name an entity as reports do (`绵竹市`);
    /// for a name that several entities have, their ids.
    by_name: HashMap<String, Result<usize, Vec<String>>>,
    /// (entity, period) -> the period's index in the entity.
    periods: HashMap<(usize, String), usize>,
    /// Whether an entity's TOML periods are in `periods` yet.
    indexed: Vec<bool>,
    /// The (entity, period) pairs that CSV rows added figures to, to be checked for
    /// figures given twice once every file is read.
    touched: std::collections::HashSet<(usize, usize)>,
    /// The entity ids, for "did you mean" (searched only when printed).
    ids: Candidates,
    /// The workspace-wide counts, which CSV rows add to.
    tally: Tally,
    /// The entities that have as many periods as one may have.
    full: std::collections::HashSet<usize>,
}

impl Merger {
    /// For these entities (every entity must be read before any figure is added).
    pub fn new(entities: &[RawEntity], tally: Tally) -> Self {
        Merger {
            index: entities.iter().enumerate().rev().map(|(i, e)| (e.id.clone(), i)).collect(),
            by_name: {
                let mut by_name: HashMap<String, Result<usize, Vec<String>>> = HashMap::new();
                for (i, e) in entities.iter().enumerate() {
                    let Some(name) = e.name.clone() else { continue };
                    by_name
                        .entry(name)
                        .and_modify(|found| {
                            let mut ids = match found {
                                Ok(first) => vec![entities[*first].id.clone()],
                                Err(ids) => std::mem::take(ids),
                            };
                            ids.push(e.id.clone());
                            *found = Err(ids);
                        })
                        .or_insert(Ok(i));
                }
                by_name
            },
            periods: HashMap::new(),
            indexed: vec![false; entities.len()],
            touched: std::collections::HashSet::new(),
            ids: Candidates::new(entities.iter().flat_map(|e| std::iter::once(e.id.clone()).chain(e.name.clone()))),
            tally,
            full: std::collections::HashSet::new(),
        }
    }

    /// The entity a row names by its id or its name; an error if none.
    fn find(&self, entity: &str, loc: &Loc, diags: &mut Vec<Diagnostic>) -> Option<usize> {
        match (self.index.get(entity), self.by_name.get(entity)) {
            (Some(&i), _) | (None, Some(&Ok(i))) => Some(i),
            (None, Some(Err(ids))) => {
                diags.push(Says::SharedEntityName { name: entity.to_string(), ids: ids.clone() }.at(loc.clone()));
                None
            }
            (None, None) if is_totals(entity) => {
                diags.push(Says::TotalsRow(entity.to_string()).at(loc.clone()));
                None
            }
            (None, None) => {
                diags.push(
                    Diagnostic::error(loc.clone(), Message::UnknownEntity { id: entity.to_string() }).suggest_or(
                        entity,
                        &self.ids,
                        Some(SheetProblem::Csv(Says::DeclareEntity).help_said()),
                    ),
                );
                None
            }
        }
    }

    /// A long-layout figure.
    pub fn add(&mut self, entities: &mut [RawEntity], f: SheetFigure, diags: &mut Vec<Diagnostic>) {
        if let Some(i) = self.find(&f.entity, &f.entity_loc, diags) {
            self.add_to(i, entities, f, diags);
        }
    }

    /// A wide-layout row's figures, its entity found once.
    pub fn add_row(&mut self, entities: &mut [RawEntity], row: layout::WideRow, diags: &mut Vec<Diagnostic>) {
        let (Some((entity, loc)), figures) = row else { return };
        if let Some(i) = self.find(&entity, &loc, diags) {
            for f in figures {
                self.add_to(i, entities, f, diags);
            }
        }
    }

    fn add_to(&mut self, i: usize, entities: &mut [RawEntity], f: SheetFigure, diags: &mut Vec<Diagnostic>) {
        let entity = &mut entities[i];
        if !self.indexed[i] {
            self.indexed[i] = true;
            for (p, period) in entity.periods.iter().enumerate().rev() {
                self.periods.insert((i, period.id.clone()), p);
            }
        }
        let key = (i, f.period.to_string());
        let p = match self.periods.get(&key) {
            Some(&p) => p,
            None => {
                let over = if entity.periods.len() >= MAX_PERIODS_PER_ENTITY {
                    // Counted per entity: said once for each.
                    let first = self.full.insert(i);
                    Some(first.then(|| over_message(MAX_PERIODS_PER_ENTITY, Counted::PeriodsOfOneEntity)))
                } else {
                    self.tally.over(self.tally.periods, 1, MAX_PERIODS, Counted::PeriodsInAll)
                };
                if let Some(message) = over {
                    diags.extend(message.map(|m| Diagnostic::error(f.period_loc.clone(), m)));
                    return;
                }
                self.tally.periods += 1;
                entity.periods.push(RawPeriod {
                    id: f.period.to_string(),
                    loc: f.period_loc.clone(),
                    as_of: None,
                    values: Vec::new(),
                });
                self.periods.insert(key, entity.periods.len() - 1);
                entity.periods.len() - 1
            }
        };
        let period = &mut entity.periods[p];
        if let Some((d, loc)) = f.as_of {
            match period.as_of {
                Some(existing) if existing != d => {
                    let says =
                        Says::AsOfDisagrees { date: d, existing, period: f.period.clone(), entity: entity.id.clone() };
                    diags.push(says.at(loc));
                    return;
                }
                _ => period.as_of = Some(d),
            }
        }
        if let Some(message) = self.tally.over(self.tally.figures, 1, MAX_FIGURES, Counted::FiguresInAll) {
            diags.extend(message.map(|m| Diagnostic::error(f.value.loc.clone(), m)));
            return;
        }
        self.tally.figures += 1;
        self.touched.insert((i, p));
        period.values.push(f.value);
    }

    /// Report every figure given twice (the first, in TOML or in file and row order,
    /// is kept). Sorting each touched period's figures by metric keeps this linear
    /// in the rows, with no map of every figure held at once.
    pub fn finish(self, entities: &mut [RawEntity], sources: &Sources, diags: &mut Vec<Diagnostic>) {
        let mut touched: Vec<(usize, usize)> = self.touched.into_iter().collect();
        touched.sort_unstable();
        for (i, p) in touched {
            let entity = &mut entities[i];
            let period = &mut entity.periods[p];
            let mut order: Vec<usize> = (0..period.values.len()).collect();
            order.sort_by(|&a, &b| period.values[a].metric.cmp(&period.values[b].metric).then(a.cmp(&b)));
            let mut twice = vec![false; period.values.len()];
            for pair in order.windows(2) {
                let (first, then) = (&period.values[pair[0]], &period.values[pair[1]]);
                if first.metric == then.metric {
                    twice[pair[1]] = true;
                }
            }
            if !twice.contains(&true) {
                continue;
            }
            // The first of each metric, for the messages.
            let mut first_of: HashMap<&str, &Loc> = HashMap::new();
            for (k, v) in period.values.iter().enumerate() {
                if twice[k] {
                    let first = first_of.get(v.metric.as_str()).map_or_else(String::new, |l| sources.place(l));
                    let says = Says::GivenTwice {
                        metric: v.metric.clone(),
                        entity: entity.id.clone(),
                        period: period.id.clone(),
                        first,
                    };
                    diags.push(says.at(v.loc.clone()));
                } else {
                    first_of.insert(&v.metric, &v.loc);
                }
            }
            let mut k = 0;
            period.values.retain(|_| {
                k += 1;
                !twice[k - 1]
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    type Record = Vec<(String, Range<usize>)>;

    /// Every record of `text` as (field, span) lists, and the messages of any errors.
    fn split(text: &str) -> (Vec<Record>, Vec<String>) {
        let mut diags = Vec::new();
        let mut out = Vec::new();
        rows(text, 0, &mut diags, |row, _| {
            out.push(row.fields.into_iter().map(|(f, s)| (f.into_owned(), s)).collect());
        });
        (out, diags.into_iter().map(|d| d.message).collect())
    }

    fn fields(text: &str) -> Vec<Vec<String>> {
        let (rows, errors) = split(text);
        assert_eq!(errors, Vec::<String>::new(), "{text:?}");
        rows.into_iter().map(|r| r.into_iter().map(|(f, _)| f).collect()).collect()
    }

    #[test]
    fn field_spans_follow_quotes() {
        let (rows, _) = split("a,\"b,c\",d\n");
        let spans: Vec<Range<usize>> = rows[0].iter().map(|(_, s)| s.clone()).collect();
        assert_eq!(spans, vec![0..1, 2..7, 8..9]);
    }

    #[test]
    fn records_follow_rfc_4180() {
        assert_eq!(fields("a,b\nc,d"), [["a", "b"], ["c", "d"]]);
        assert_eq!(fields("a,b\r\nc,d\r\n"), [["a", "b"], ["c", "d"]]);
        assert_eq!(fields("a,b\rc,d\r"), [["a", "b"], ["c", "d"]]);
        assert_eq!(fields("\"x,\"\"y\"\"\nz\",\n"), [["x,\"y\"\nz", ""]]);
        assert_eq!(fields("a,,\n,\n"), [vec!["a", "", ""], vec!["", ""]]);
        assert_eq!(fields("a\"b,c\n"), [["a\"b", "c"]]);
        assert_eq!(fields(""), Vec::<Vec<String>>::new());
    }

    #[test]
    fn an_unclosed_quote_is_an_error_and_reading_goes_on() {
        let (rows, errors) = split("h1,h2\nx,\"oops\ny,2\nz,3\n");
        assert_eq!(errors, ["this quoted field is never closed: no `\"` ends the quote that opens here"]);
        let firsts: Vec<&str> = rows.iter().map(|r| r[0].0.as_str()).collect();
        assert_eq!(firsts, ["h1", "y", "z"]);
        let (rows, errors) = split("x,\"ab\"c,d\ny\n");
        assert_eq!(errors, ["text follows the closing quote of the field that opens here"]);
        assert_eq!(rows.len(), 1);
        let (_, errors) = split("x,\"ab\ny,\"c\"d\n");
        assert!(errors[0].starts_with("the quoted field that opens here runs on for 1 more line"), "{errors:?}");
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    /// A field as RFC 4180 writes it: quoted when it holds `,`, `"` or a line end.
    fn write_field(f: &str) -> String {
        if f.contains([',', '"', '\n', '\r']) { format!("\"{}\"", f.replace('"', "\"\"")) } else { f.to_string() }
    }

    proptest! {
        /// Records written with RFC 4180 quoting read back as the same fields, each
        /// span covering the field as written.
        #[test]
        fn records_round_trip(
            records in prop::collection::vec(prop::collection::vec("[a-z0-9 ,\"\n\r余件.-]{0,8}", 1..6), 1..6),
            crlf: bool,
        ) {
            // A record of one empty field is a blank line, which reads as nothing.
            let records: Vec<Vec<String>> = records.into_iter().filter(|r| !(r.len() == 1 && r[0].is_empty())).collect();
            let end = if crlf { "\r\n" } else { "\n" };
            let text: String = records.iter().map(|r| r.iter().map(|f| write_field(f)).collect::<Vec<_>>().join(",") + end).collect();
            let mut diags = Vec::new();
            let mut read: Vec<Vec<(String, Range<usize>)>> = Vec::new();
            rows(&text, 0, &mut diags, |row, _| read.push(row.fields.into_iter().map(|(f, s)| (f.into_owned(), s)).collect()));
            prop_assert!(diags.is_empty(), "{:?}", diags.iter().map(|d| &d.message).collect::<Vec<_>>());
            let fields: Vec<Vec<String>> = read.iter().map(|r| r.iter().map(|(f, _)| f.clone()).collect()).collect();
            prop_assert_eq!(&fields, &records, "{:?}", text);
            for (r, rec) in read.iter().zip(&records) {
                for ((_, span), f) in r.iter().zip(rec) {
                    prop_assert_eq!(&text[span.clone()], write_field(f));
                }
            }
        }

        /// Any text: no panic, and every span is a piece of the text, in order.
        #[test]
        fn any_text_splits_into_ordered_spans(text in "[a,\"\n\r 余]{0,40}") {
            let mut diags = Vec::new();
            let mut last = 0;
            let mut ok = true;
            rows(&text, 0, &mut diags, |row, _| {
                for (_, span) in &row.fields {
                    ok &= span.start >= last && span.end >= span.start && span.end <= text.len();
                    ok &= text.get(span.clone()).is_some();
                    last = span.end;
                }
            });
            prop_assert!(ok, "{:?}", text);
        }
    }
}
