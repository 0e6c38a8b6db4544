//! `--format xlsx` (CONTRACT §7): a workbook with a summary sheet and the completion
//! tables, numbers stored as numbers.
//!
//! A workbook is one zip written at the end, so it cannot stream section by section as
//! the text formats do. `section` (which may run on several threads) keeps what the
//! sheets need — owned, typed, compact: numbers stay `Decimal`s until they become cells
//! — under a lock, keyed by the section's index; `finish` orders them and writes the
//! workbook. With more than [`SHEET_PER_EVALUATION_MAX`] evaluations there is one sheet
//! per rule set holding every entity's rows instead of one sheet per evaluation.

use std::collections::{BTreeMap, HashSet};
use std::io::{self, Write};
use std::sync::{Arc, Mutex};

use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};
use unicode_width::UnicodeWidthStr;

use super::Emitter;
use super::table::header_line;
use crate::evaluate::{Status, Verdict};
use crate::model::Date;
use crate::report::{Row, RuleRow, Section, Summary, TargetCell};
use crate::text::{self, Lang, report_words, words};

/// Up to this many evaluations, a sheet each; beyond, a sheet per rule set (a
/// national run has thousands, and a workbook of thousands of tabs is unusable).
pub const SHEET_PER_EVALUATION_MAX: usize = 30;

/// Rows of a sheet (Excel's limit).
const ROWS_MAX: usize = 1_048_576;

/// Excel's limit on a sheet name, in UTF-16 units.
const SHEET_NAME_MAX: usize = 31;

/// Widest column, in Excel's units (about one Latin character); longer text wraps.
const COLUMN_MAX: usize = 60;

pub struct XlsxEmitter {
    lang: Lang,
    /// The workbook's creation date (so that reruns give the same bytes).
    today: Option<Date>,
    kept: Mutex<Vec<Kept>>,
    /// Every text cell once: a rule's label, group and unit repeat for every entity,
    /// and a national run has hundreds of thousands of rows.
    strings: Mutex<HashSet<Arc<str>>>,
}

impl XlsxEmitter {
    pub fn new(lang: Lang, today: Option<Date>) -> XlsxEmitter {
        XlsxEmitter { lang, today, kept: Mutex::new(Vec::new()), strings: Mutex::new(HashSet::new()) }
    }
}

/// Text as a cell: empty text is no cell.
fn txt(s: impl Into<String>) -> Value {
    let s: String = s.into();
    if s.is_empty() { Value::Empty } else { Value::Text(Arc::from(s)) }
}

/// A cell's value, typed.
#[derive(Clone, Debug)]
enum Value {
    Number(Decimal),
    /// A share in percent (136.5 is shown 136.5%).
    Percent(Decimal),
    Text(Arc<str>),
    Empty,
}

/// What a sheet needs from one evaluation.
struct Kept {
    index: usize,
    entity_id: String,
    /// "name (id)".
    entity: String,
    /// The name alone (or the id), for sheet names.
    entity_short: String,
    ruleset_id: String,
    ruleset: String,
    ruleset_short: String,
    title: String,
    score: Decimal,
    max_score: Decimal,
    pass_score: Option<Decimal>,
    verdict: Verdict,
    decided: String,
    lines: Vec<Line>,
}

/// One row of a completion table.
struct Line {
    subtotal: bool,
    status: Option<Status>,
    cells: Box<[Value]>,
}

/// The completion table's columns.
fn columns(lang: Lang) -> Vec<&'static str> {
    let (l, r) = (words(lang), report_words(lang));
    vec![
        l.indicator,
        r.group,
        r.unit,
        r.op,
        l.target,
        l.actual,
        r.qualifier,
        l.completion,
        r.expected_pct,
        r.pace,
        l.status,
        r.score,
        r.weight,
        l.needs,
        l.remark,
    ]
}

/// The number of a target that is one figure; other targets as text (the operator has
/// its own column).
fn target(t: &TargetCell) -> Value {
    match t {
        TargetCell::Value(_, v) => Value::Number(*v),
        TargetCell::Bool(_, b) => txt(b.to_string()),
        TargetCell::Between(..) | TargetCell::Interval(_, _, Some(_)) => txt(super::target_text(t)),
        TargetCell::Interval(_, i, None) => txt(super::interval_text(i, false)),
        TargetCell::Unknown(_) => txt("—"),
    }
}

fn rule_line(r: &RuleRow, s: &Section, lang: Lang) -> Line {
    let l = words(lang);
    let res = r.result;
    let (actual, qualifier) = match &res.actual {
        Ok(a) if r.is_bool() => (txt(text::interval_short(a, true)), String::new()),
        Ok(a) => {
            let number = match (a.low, a.high) {
                (Some(lo), Some(hi)) if lo == hi => Value::Number(lo),
                (Some(b), None) | (None, Some(b)) => Value::Number(b),
                _ => Value::Empty,
            };
            (number, text::actual_qualifier(a))
        }
        Err(_) => (Value::Empty, String::new()),
    };
    let needs: Vec<String> =
        r.needs.iter().map(|n| text::need(n.metric, n.id, n.change, n.to, lang, s.mid_year())).collect();
    let reason = res.reason.as_ref().map(|why| text::shown(&text::reason(why, lang)).into_owned()).unwrap_or_default();
    let op = match &r.target {
        TargetCell::Between(..) | TargetCell::Interval(_, _, Some(_)) => "",
        _ => res.rule.op.symbol(),
    };
    let opt = |v: Option<Decimal>, f: fn(Decimal) -> Value| v.map_or(Value::Empty, f);
    Line {
        subtotal: false,
        status: Some(res.status),
        cells: vec![
            txt(text::rule_label(res.rule, r.metric, lang)),
            txt(res.rule.group.as_deref().map(|g| text::shown(g).into_owned()).unwrap_or_default()),
            txt(r.unit().map(|u| text::shown(u).into_owned()).unwrap_or_default()),
            txt(op),
            target(&r.target),
            actual,
            txt(qualifier),
            opt(res.completion_pct, Value::Percent),
            opt(res.expected_pct, Value::Percent),
            txt(res.pace.map(|p| text::pace(p, lang)).unwrap_or_default()),
            txt(text::status(res.status, lang)),
            Value::Number(res.score),
            if res.rule.bonus { txt(l.bonus) } else { Value::Number(res.rule.weight) },
            txt(needs.join(l.or)),
            txt(reason),
        ]
        .into(),
    }
}

fn keep(s: &Section, index: usize, lang: Lang) -> Kept {
    let e = s.evaluation;
    let label = |rule: &crate::model::Rule| {
        let metric = s.rules().find(|r| std::ptr::eq(r.result.rule, rule)).and_then(|r| r.metric);
        text::rule_label(rule, metric, lang).into_owned()
    };
    let mut lines = Vec::with_capacity(s.rows.len());
    for row in &s.rows {
        match row {
            Row::Rule(r) => lines.push(rule_line(r, s, lang)),
            Row::Subtotal(g) => {
                let mut cells = vec![Value::Empty; columns(lang).len()];
                cells[0] = txt(super::table::subtotal_text(g, lang));
                cells[11] = Value::Number(g.score);
                cells[12] = Value::Number(g.max_score);
                lines.push(Line { subtotal: true, status: None, cells: cells.into() });
            }
        }
    }
    let short = |name: &Option<String>, id: &str| text::shown(name.as_deref().unwrap_or(id)).into_owned();
    Kept {
        index,
        entity_id: e.entity.id.clone(),
        entity: text::named(e.entity.name.as_deref(), &e.entity.id),
        entity_short: short(&e.entity.name, &e.entity.id),
        ruleset_id: e.ruleset.id.clone(),
        ruleset: text::named(e.ruleset.name.as_deref(), &e.ruleset.id),
        ruleset_short: short(&e.ruleset.name, &e.ruleset.id),
        title: header_line(s, lang),
        score: e.score,
        max_score: e.max_score,
        pass_score: e.pass_score,
        verdict: e.verdict,
        decided: text::decided(&e.decided_by, &label, lang),
        lines,
    }
}

/// A lock poisoned by a panic on another thread (the panic itself is reported).
fn failed() -> io::Error {
    io::Error::other("a rendering thread failed")
}

impl Emitter for XlsxEmitter {
    fn begin(&self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    fn section(&self, _out: &mut dyn Write, s: &Section, index: usize) -> io::Result<()> {
        let mut kept = keep(s, index, self.lang);
        {
            let mut strings = self.strings.lock().map_err(|_| failed())?;
            for v in kept.lines.iter_mut().flat_map(|l| l.cells.iter_mut()) {
                if let Value::Text(t) = v {
                    match strings.get(t) {
                        Some(shared) => *t = Arc::clone(shared),
                        None => {
                            strings.insert(Arc::clone(t));
                        }
                    }
                }
            }
        }
        self.kept.lock().map_err(|_| failed())?.push(kept);
        Ok(())
    }

    fn finish(&self, out: &mut dyn Write, _sections: usize, summary: Option<&Summary>) -> io::Result<()> {
        let mut kept = std::mem::take(&mut *self.kept.lock().map_err(|_| failed())?);
        kept.sort_by_key(|k| k.index);
        let bytes = workbook(&kept, summary, self.lang, self.today).map_err(io::Error::other)?;
        out.write_all(&bytes)
    }

    fn shows_summary(&self) -> bool {
        true
    }
}

/// The cell formats of a workbook.
struct Styles {
    title: Format,
    text: Format,
    wrap: Format,
    number: Format,
    centred: Format,
    percent: Format,
    bold: Format,
    bold_number: Format,
    met: Format,
    not_met: Format,
    unknown: Format,
}

/// Excel's own "Good", "Bad" and "Neutral" cell styles: fill and font colour.
const GOOD: (u32, u32) = (0xC6EFCE, 0x006100);
const BAD: (u32, u32) = (0xFFC7CE, 0x9C0006);
const NEUTRAL: (u32, u32) = (0xFFEB9C, 0x9C5700);

impl Styles {
    fn new() -> Styles {
        let coloured = |(fill, font): (u32, u32)| {
            Format::new()
                .set_background_color(Color::RGB(fill))
                .set_font_color(Color::RGB(font))
                .set_align(FormatAlign::Top)
        };
        Styles {
            title: Format::new().set_bold().set_font_size(13),
            text: Format::new().set_align(FormatAlign::Top),
            wrap: Format::new().set_text_wrap().set_align(FormatAlign::Top),
            number: Format::new().set_align(FormatAlign::Top),
            centred: Format::new().set_align(FormatAlign::Top).set_align(FormatAlign::Center),
            percent: Format::new().set_num_format("0.0#%").set_align(FormatAlign::Top),
            bold: Format::new().set_bold(),
            bold_number: Format::new().set_bold(),
            met: coloured(GOOD),
            not_met: coloured(BAD),
            unknown: coloured(NEUTRAL),
        }
    }

    fn header() -> Format {
        Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::VerticalCenter)
            .set_background_color(Color::RGB(0xDDEBF7))
            .set_border_bottom(FormatBorder::Thin)
    }

    fn status(&self, s: Status) -> &Format {
        match s {
            Status::Met => &self.met,
            Status::NotMet => &self.not_met,
            Status::Unknown => &self.unknown,
        }
    }

    fn verdict(&self, v: Verdict) -> &Format {
        match v {
            Verdict::Pass => &self.met,
            Verdict::Fail => &self.not_met,
            Verdict::Incomplete => &self.unknown,
        }
    }
}

/// The nearest `f64`: through the decimal's text, which `f64::from_str` rounds
/// correctly (rust_decimal's own conversion can be off in the last digit, and 40.968343
/// must read back as 40.968343).
fn float(d: Decimal) -> f64 {
    crate::number::exact_number(d).parse().unwrap_or_default()
}

/// A sheet, written in two passes over the same rows: the first (no worksheet)
/// measures each column's widest text; the second writes, knowing the widths, so that a
/// row of wrapped text is made tall enough as it is written (a writer does not measure
/// text, LibreOffice keeps the default height of a row written without one, and in
/// constant-memory mode a row cannot be changed once the next one is started).
struct Sheet<'w> {
    ws: Option<&'w mut Worksheet>,
    widths: Vec<usize>,
    /// The column widths, in the writing pass.
    fits: Vec<usize>,
    /// Lines the current row's wrapped text needs.
    lines: usize,
}

impl<'w> Sheet<'w> {
    fn measuring() -> Sheet<'w> {
        Sheet { ws: None, widths: Vec::new(), fits: Vec::new(), lines: 1 }
    }

    fn width(&mut self, col: u16, text: &str) {
        let col = usize::from(col);
        if self.widths.len() <= col {
            self.widths.resize(col + 1, 0);
        }
        // East Asian wide characters count 2, as Excel draws them.
        let w = text.lines().map(UnicodeWidthStr::width).max().unwrap_or(0);
        self.widths[col] = self.widths[col].max(w);
    }

    /// Column widths that fit the text (headers may wrap).
    fn fits(&self, headers: &[&str]) -> Vec<usize> {
        (0..self.widths.len().max(headers.len()))
            .map(|c| {
                let head = headers.get(c).map_or(0, |h| h.width());
                self.widths.get(c).copied().unwrap_or(0).max(head.min(12)).clamp(4, COLUMN_MAX) + 2
            })
            .collect()
    }

    /// Write something that does not count for the widths (titles, headers, merged lines).
    fn raw(&mut self, f: impl FnOnce(&mut Worksheet) -> Result<(), XlsxError>) -> Result<(), XlsxError> {
        match self.ws.as_deref_mut() {
            Some(ws) => f(ws),
            None => Ok(()),
        }
    }

    fn text(&mut self, row: u32, col: u16, text: &str, f: &Format) -> Result<(), XlsxError> {
        self.width(col, text);
        let Some(ws) = self.ws.as_deref_mut() else { return Ok(()) };
        if text.is_empty() {
            ws.write_blank(row, col, f)?;
        } else {
            ws.write_string_with_format(row, col, text, f)?;
        }
        Ok(())
    }

    fn value(&mut self, row: u32, col: u16, v: &Value, styles: &Styles, f: Option<&Format>) -> Result<(), XlsxError> {
        match v {
            Value::Number(d) => {
                self.width(col, &crate::number::short_number(*d));
                if let Some(ws) = self.ws.as_deref_mut() {
                    ws.write_number_with_format(row, col, float(*d), f.unwrap_or(&styles.number))?;
                }
            }
            Value::Percent(d) => {
                self.width(col, &format!("{}%", crate::number::short_number(*d)));
                if let Some(ws) = self.ws.as_deref_mut() {
                    ws.write_number_with_format(row, col, float(*d) / 100.0, &styles.percent)?;
                }
            }
            Value::Text(t) => {
                let format = f.unwrap_or(&styles.text);
                if std::ptr::eq(format, &styles.wrap)
                    && let Some(fit) = self.fits.get(usize::from(col))
                {
                    // Latin letters and CJK glyphs are drawn narrower than the widths counted: 0.8.
                    let room = fit.saturating_sub(2).max(1);
                    self.lines = self.lines.max((t.width() * 4 / 5).div_ceil(room));
                }
                self.text(row, col, t, format)?;
            }
            Value::Empty => {}
        }
        Ok(())
    }

    /// The current row is complete: make it as tall as its wrapped text.
    fn end_row(&mut self, row: u32) -> Result<(), XlsxError> {
        let lines = std::mem::replace(&mut self.lines, 1);
        match self.ws.as_deref_mut() {
            Some(ws) if lines > 1 => ws.set_row_height(row, 15.0 * lines as f64).map(|_| ()),
            _ => Ok(()),
        }
    }
}

/// Write a sheet's rows twice, measuring then writing (see [`Sheet`]); then the column
/// widths and the print setup: landscape, one page wide, the header rows on every page,
/// frozen with the first column.
fn two_pass(
    ws: &mut Worksheet,
    headers: &[&str],
    header_row: u32,
    mut rows: impl FnMut(&mut Sheet) -> Result<(), XlsxError>,
) -> Result<(), XlsxError> {
    let mut measure = Sheet::measuring();
    rows(&mut measure)?;
    let fits = measure.fits(headers);
    for (col, fit) in fits.iter().enumerate() {
        ws.set_column_width(u16::try_from(col).unwrap_or(u16::MAX), *fit as f64)?;
    }
    let mut sheet = Sheet { ws: Some(&mut *ws), widths: Vec::new(), fits, lines: 1 };
    let header_lines = headers
        .iter()
        .zip(&sheet.fits)
        .map(|(h, fit)| h.width().div_ceil(fit.saturating_sub(2).max(1)))
        .max()
        .unwrap_or(1);
    sheet.raw(|ws| {
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(header_row, c as u16, *h, &Styles::header())?;
        }
        if header_lines > 1 {
            ws.set_row_height(header_row, 15.0 * header_lines as f64)?;
        }
        Ok(())
    })?;
    rows(&mut sheet)?;
    ws.set_landscape().set_print_fit_to_pages(1, 0).set_repeat_rows(0, header_row)?;
    ws.set_freeze_panes(header_row + 1, 1)?;
    Ok(())
}

/// Unique sheet names: Excel forbids `[]:*?/\`, a leading or trailing `'`, names over
/// 31 UTF-16 units, `History`, and two names equal but for case; a clash gets ` (2)`.
#[derive(Default)]
struct SheetNames {
    used: HashSet<String>,
}

impl SheetNames {
    fn take(&mut self, wanted: &str) -> String {
        let clean: String =
            wanted.chars().map(|c| if "[]:*?/\\".contains(c) || c.is_control() { '_' } else { c }).collect();
        let clean = clean.trim_matches(|c: char| c == '\'' || c.is_whitespace());
        let clean = if clean.is_empty() { "Sheet" } else { clean };
        for n in 1.. {
            let suffix = if n == 1 { String::new() } else { format!(" ({n})") };
            let name = format!("{}{suffix}", cut(clean, SHEET_NAME_MAX - suffix.len()).trim_end());
            let key = name.to_lowercase();
            if key != "history" && self.used.insert(key) {
                return name;
            }
        }
        unreachable!("some suffix is free")
    }
}

/// The longest prefix of `s` within `max` UTF-16 units.
fn cut(s: &str, max: usize) -> &str {
    let mut units = 0;
    for (i, c) in s.char_indices() {
        units += c.len_utf16();
        if units > max {
            return &s[..i];
        }
    }
    s
}

fn new_sheet(wb: &mut Workbook, constant_memory: bool) -> Result<&mut Worksheet, XlsxError> {
    if constant_memory { wb.add_worksheet_with_constant_memory() } else { Ok(wb.add_worksheet()) }
}

fn workbook(kept: &[Kept], summary: Option<&Summary>, lang: Lang, today: Option<Date>) -> Result<Vec<u8>, XlsxError> {
    let styles = Styles::new();
    let mut wb = Workbook::new();
    // A fixed creation date: today's (KAOHE_TODAY in tests), at midnight, so that a
    // rerun gives the same bytes.
    let created = match today {
        Some(d) => ExcelDateTime::from_ymd(
            u16::try_from(d.year).unwrap_or(2000),
            u8::try_from(d.month).unwrap_or(1),
            u8::try_from(d.day).unwrap_or(1),
        )?,
        None => ExcelDateTime::from_ymd(2000, 1, 1)?,
    };
    let r = report_words(lang);
    wb.set_properties(&DocProperties::new().set_title(r.title).set_creation_datetime(&created));
    let mut names = SheetNames::default();
    // Many evaluations: every sheet in constant-memory mode (each row goes to a
    // temporary file as soon as it is complete), so that a national run's workbook
    // does not hold every cell in memory.
    let big = kept.len() > SHEET_PER_EVALUATION_MAX;
    summary_sheet(new_sheet(&mut wb, big)?, &mut names, kept, summary, lang, &styles)?;
    if let Some(summary) = summary {
        matrix_sheet(new_sheet(&mut wb, big)?, &mut names, summary, lang, &styles)?;
    }
    if !big {
        for k in kept {
            // Both parts stay recognisable: the entity yields room to the rule set's
            // first 15 units.
            let room = SHEET_NAME_MAX - 1 - k.ruleset_short.encode_utf16().count().min(15);
            let name = names.take(&format!("{}·{}", cut(&k.entity_short, room), k.ruleset_short));
            evaluation_sheet(new_sheet(&mut wb, big)?, &name, k, lang, &styles)?;
        }
    } else {
        let mut by_ruleset: BTreeMap<&str, Vec<&Kept>> = BTreeMap::new();
        for k in kept {
            by_ruleset.entry(k.ruleset_id.as_str()).or_default().push(k);
        }
        for list in by_ruleset.values() {
            // Excel's last row is 1,048,576: a rule set with more rows continues on
            // another sheet ("name (2)"), never splitting an entity.
            let mut part: Vec<&Kept> = Vec::new();
            let mut rows = 2;
            for k in list {
                let n = k.lines.len() + 1;
                if !part.is_empty() && rows + n > ROWS_MAX {
                    let name = names.take(&list[0].ruleset_short);
                    ruleset_sheet(new_sheet(&mut wb, big)?, &name, &part, lang, &styles)?;
                    (part, rows) = (Vec::new(), 2);
                }
                part.push(k);
                rows += n;
            }
            let name = names.take(&list[0].ruleset_short);
            ruleset_sheet(new_sheet(&mut wb, big)?, &name, &part, lang, &styles)?;
        }
    }
    wb.save_to_buffer()
}

/// Rule set, entity, score, maximum, pass line, verdict, rank, what decided it: by rule
/// set, best first (the rank of the summary matrix).
fn summary_sheet(
    ws: &mut Worksheet,
    names: &mut SheetNames,
    kept: &[Kept],
    summary: Option<&Summary>,
    lang: Lang,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let (l, r) = (words(lang), report_words(lang));
    ws.set_name(names.take(l.summary))?;
    let mut ranks: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    if let Some(s) = summary {
        for (entity, cells) in &s.rows {
            for (rs, cell) in s.rulesets.iter().zip(cells) {
                if let Some(c) = cell {
                    ranks.insert((entity.id.as_str(), rs.id.as_str()), c.rank);
                }
            }
        }
    }
    // One entity (no matrix): it is first in every rule set.
    let rank = |k: &Kept| ranks.get(&(k.entity_id.as_str(), k.ruleset_id.as_str())).copied().unwrap_or(1);
    let mut order: Vec<&Kept> = kept.iter().collect();
    order.sort_by(|a, b| (&a.ruleset_id, rank(a), &a.entity_id).cmp(&(&b.ruleset_id, rank(b), &b.entity_id)));
    let headers = [r.rule_set, l.entity, r.score, r.max_score, r.pass_score, r.verdict, r.rank, r.decided_by];
    ws.write_string_with_format(0, 0, r.title, &styles.title)?;
    two_pass(ws, &headers, 1, |sheet| {
        for (i, k) in order.iter().enumerate() {
            let row = 2 + i as u32;
            sheet.text(row, 0, &k.ruleset, &styles.text)?;
            sheet.text(row, 1, &k.entity, &styles.text)?;
            sheet.value(row, 2, &Value::Number(k.score), styles, None)?;
            sheet.value(row, 3, &Value::Number(k.max_score), styles, None)?;
            sheet.value(row, 4, &k.pass_score.map_or(Value::Empty, Value::Number), styles, None)?;
            sheet.text(row, 5, text::verdict(k.verdict, lang), styles.verdict(k.verdict))?;
            sheet.value(row, 6, &Value::Number(Decimal::from(rank(k))), styles, Some(&styles.centred))?;
            sheet.value(row, 7, &txt(k.decided.as_str()), styles, Some(&styles.wrap))?;
            sheet.end_row(row)?;
        }
        Ok(())
    })
}

/// The summary matrix, as the table prints it: entities × rule sets, each cell the
/// score (a number) coloured by its verdict, a legend under it.
fn matrix_sheet(
    ws: &mut Worksheet,
    names: &mut SheetNames,
    summary: &Summary,
    lang: Lang,
    styles: &Styles,
) -> Result<(), XlsxError> {
    let (l, r) = (words(lang), report_words(lang));
    ws.set_name(names.take(r.heat_map))?;
    ws.write_string_with_format(0, 0, r.heat_map, &styles.title)?;
    let columns: Vec<String> = summary.rulesets.iter().map(|rs| text::named(rs.name.as_deref(), &rs.id)).collect();
    let mut headers = vec![l.entity];
    headers.extend(columns.iter().map(String::as_str));
    two_pass(ws, &headers, 1, |sheet| {
        let mut row = 2;
        for (entity, cells) in &summary.rows {
            sheet.text(row, 0, &text::named(entity.name.as_deref(), &entity.id), &styles.text)?;
            for (c, cell) in cells.iter().enumerate() {
                let col = 1 + c as u16;
                match cell {
                    Some(cell) => {
                        sheet.value(row, col, &Value::Number(cell.score), styles, Some(styles.verdict(cell.verdict)))?
                    }
                    None => sheet.text(row, col, "—", &styles.centred)?,
                }
            }
            sheet.end_row(row)?;
            row += 1;
        }
        row += 1;
        for (i, v) in [Verdict::Pass, Verdict::Incomplete, Verdict::Fail].into_iter().enumerate() {
            sheet.raw(|ws| {
                ws.write_string_with_format(row, 1 + i as u16, text::verdict(v, lang), styles.verdict(v)).map(|_| ())
            })?;
        }
        Ok(())
    })
}

fn write_line(sheet: &mut Sheet, row: u32, first: u16, line: &Line, styles: &Styles) -> Result<(), XlsxError> {
    for (c, v) in line.cells.iter().enumerate() {
        let col = first + c as u16;
        let format = match (c, line.status) {
            (_, _) if line.subtotal => Some(&styles.bold_number),
            (10, Some(s)) => Some(styles.status(s)),
            (13 | 14, _) => Some(&styles.wrap),
            _ => None,
        };
        sheet.value(row, col, v, styles, format)?;
    }
    sheet.end_row(row)
}

fn score_line(k: &Kept, lang: Lang) -> String {
    let (l, r) = (words(lang), report_words(lang));
    let mut line =
        format!("{} {} / {}", r.score, crate::number::short_number(k.score), crate::number::short_number(k.max_score));
    if let Some(p) = k.pass_score {
        line.push_str(&format!(" · {} {}", l.pass_line, crate::number::short_number(p)));
    }
    line.push_str(&format!(" · {}{}{}{}", l.verdict, l.colon, l.colon_space, text::verdict(k.verdict, lang)));
    if !k.decided.is_empty() {
        line.push_str(&format!("{}{}{}", l.colon, l.colon_space, k.decided));
    }
    line
}

/// One evaluation: its header line, the table, then score and verdict.
fn evaluation_sheet(ws: &mut Worksheet, name: &str, k: &Kept, lang: Lang, styles: &Styles) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    ws.write_string_with_format(0, 0, &k.title, &styles.title)?;
    let verdict_line = score_line(k, lang);
    two_pass(ws, &columns(lang), 1, |sheet| {
        let mut row = 2;
        for line in &k.lines {
            write_line(sheet, row, 0, line, styles)?;
            row += 1;
        }
        // Merged across the table's first columns, so the verdict's colour spans its text.
        sheet.raw(|ws| ws.merge_range(row + 1, 0, row + 1, 6, &verdict_line, styles.verdict(k.verdict)).map(|_| ()))
    })
}

/// Every entity's rows for one rule set, an entity column first, each entity closed by
/// its score line.
fn ruleset_sheet(ws: &mut Worksheet, name: &str, list: &[&Kept], lang: Lang, styles: &Styles) -> Result<(), XlsxError> {
    ws.set_name(name)?;
    ws.write_string_with_format(0, 0, &list[0].ruleset, &styles.title)?;
    let mut headers = vec![words(lang).entity];
    headers.extend(columns(lang));
    two_pass(ws, &headers, 1, |sheet| {
        let mut row: u32 = 2;
        for k in list {
            for line in &k.lines {
                sheet.text(row, 0, &k.entity, &styles.text)?;
                write_line(sheet, row, 1, line, styles)?;
                row += 1;
            }
            sheet.text(row, 0, &k.entity, &styles.bold)?;
            let line = score_line(k, lang);
            sheet.raw(|ws| ws.merge_range(row, 1, row, 7, &line, styles.verdict(k.verdict)).map(|_| ()))?;
            row += 1;
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_legal_short_and_unique() {
        let mut names = SheetNames::default();
        assert_eq!(names.take("绵竹市·试点"), "绵竹市·试点");
        assert_eq!(names.take("a/b:c[d]*?\\"), "a_b_c_d____");
        assert_eq!(names.take("'quoted'"), "quoted");
        assert_eq!(names.take(""), "Sheet");
        assert_eq!(names.take("history"), "history (2)");
        let long = "国家知识产权试点城市验收自查国家知识产权试点城市验收自查国家知识";
        let first = names.take(long);
        assert_eq!(first.chars().count(), 31);
        let second = names.take(long);
        assert_eq!(second, format!("{} (2)", cut(long, 27)));
        assert!(second.encode_utf16().count() <= 31);
        assert_eq!(names.take("SHEET"), "SHEET (2)");
        // An astral character counts two units.
        assert_eq!(cut("𠀀𠀀", 3), "𠀀");
    }

    #[test]
    fn floats_are_the_nearest_to_the_decimal() {
        let d = |s: &str| s.parse::<Decimal>().unwrap_or_default();
        assert_eq!(float(d("40.968343")), 40.968343);
        assert_eq!(float(d("0.1")), 0.1);
        assert_eq!(float(d("-0.0000001")), 0.0);
        assert_eq!(float(d("24000")), 24000.0);
    }
}
