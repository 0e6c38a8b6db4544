//! The terminal table: a header line, a completion table and a footer per
//! (entity, rule set), then the summary when several entities were evaluated.
//!
//! Two layouts. Without a width (stdout is a pipe or a file) the layout is fixed and
//! independent of any terminal, so output and snapshots are stable. With a width (a
//! terminal, or `KAOHE_WIDTH`), every line fits it: a table that is too wide first
//! loses its completion bars, then wraps its text columns (indicator names, the actual
//! with its projection, the completion notes) inside their cells at spaces, keeping
//! targets, statuses and points whole (only below about 50 columns may they wrap too);
//! the lines around the tables wrap at words. The summary is a matrix of entities × rule sets when that fits the
//! width (or [`FIXED_WIDTH`] without one), else one ranked table per rule set.

use std::fmt::Write as _;
use std::io::{self, Write};

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, ColumnConstraint, ContentArrangement, Table, Width};
use unicode_width::UnicodeWidthStr;

use super::{Emitter, bar, interval_text, short_number, target_text};
use crate::report::{Row, RuleRow, Section, Summary, SummaryCell};
use crate::text::{self, Lang, words};

pub struct TableEmitter {
    pub lang: Lang,
    /// The width to fit, `None` for the fixed layout.
    pub width: Option<u16>,
}

/// The width the summary matrix must fit when there is no terminal: beyond it, one
/// table per rule set (about what a maximised window or an A4 page in landscape shows).
pub const FIXED_WIDTH: usize = 120;

/// The width of the terminal on stdout (comfy-table asks it), else `COLUMNS`, else 80.
pub fn terminal_width() -> u16 {
    Table::new()
        .width()
        .filter(|w| *w > 0)
        .or_else(|| std::env::var("COLUMNS").ok()?.parse().ok())
        .unwrap_or(80)
        .max(20)
}

/// How wide `t` is in the fixed layout, found without drawing it: each column's widest
/// content, a space either side, and a border between and around the columns.
pub fn fixed_width(t: &Table) -> usize {
    let columns = t.column_max_content_widths();
    columns.iter().map(|w| usize::from(*w) + 2).sum::<usize>() + columns.len() + 1
}

/// The display width of the widest line of `text` (a Chinese character counts two).
pub fn text_width(text: &str) -> usize {
    text.lines().map(UnicodeWidthStr::width).max().unwrap_or(0)
}

/// `t` rendered: in the fixed layout when there is no width or it fits; else laid out
/// to `width`, where the columns marked in `wrap` wrap inside their cells and the others
/// keep their content whole.
pub fn fit(t: &mut Table, width: Option<u16>, wrap: &[bool]) -> String {
    let Some(width) = width.filter(|w| fixed_width(t) > usize::from(*w)) else { return t.to_string() };
    // A wrapping column keeps room for its longest word (up to a point: a run of
    // Chinese is one "word"), so that words break only where they must.
    let mut longest = vec![0usize; wrap.len()];
    for row in t.header().into_iter().chain(t.row_iter()) {
        for (i, cell) in row.cell_iter().enumerate().take(wrap.len()) {
            let word = cell.content().split_whitespace().map(UnicodeWidthStr::width).max().unwrap_or(0);
            longest[i] = longest[i].max(word);
        }
    }
    t.set_content_arrangement(ContentArrangement::Dynamic).set_width(width);
    // First choice: every other column keeps its content whole and the first column
    // (the indicator's name) wraps in all the room that leaves, so the table fills
    // the terminal instead of wrapping names in a narrow column beside spare room.
    if let Some(text) = fill_first_column(t, width, wrap) {
        return text;
    }
    for (i, column) in t.column_iter_mut().enumerate() {
        let constraint = match longest.get(i) {
            Some(&word) if wrap[i] => {
                ColumnConstraint::LowerBoundary(Width::Fixed(u16::try_from(word.clamp(4, 14)).unwrap_or(14)))
            }
            _ => ColumnConstraint::ContentWidth,
        };
        column.set_constraint(constraint);
    }
    let text = t.to_string();
    if text_width(&text) <= usize::from(width) {
        return text;
    }
    // Still too wide (a very narrow terminal): every column may wrap, figures too,
    // which beats the terminal breaking each line.
    for column in t.column_iter_mut() {
        column.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(3)));
    }
    t.to_string()
}

/// `t` with its first column wrapping in the width the others leave when they keep
/// their content whole; `None` when that column would be narrower than its longest
/// word allows (then every wrapping column shares the room).
fn fill_first_column(t: &mut Table, width: u16, wrap: &[bool]) -> Option<String> {
    const NARROWEST: usize = 10;
    if wrap.first() != Some(&true) {
        return None;
    }
    let widths = t.column_max_content_widths();
    // Each column has a space either side and a border after it; one border before all.
    let others: usize = widths.iter().skip(1).map(|w| usize::from(*w) + 3).sum();
    let room = usize::from(width).checked_sub(others + 1 + 3)?;
    if room < NARROWEST {
        return None;
    }
    for (i, column) in t.column_iter_mut().enumerate() {
        column.set_constraint(if i == 0 {
            ColumnConstraint::Absolute(Width::Fixed(u16::try_from(room + 2).ok()?))
        } else {
            ColumnConstraint::ContentWidth
        });
    }
    let text = t.to_string();
    (text_width(&text) <= usize::from(width)).then_some(text)
}

/// The lines of `text`, each ending in `\n` and wrapped to `width` at spaces (a word
/// longer than the width, such as a run of Chinese, is broken where it must),
/// continuation lines indented by `indent` spaces; not wrapped without a width.
pub fn wrap_lines(text: &str, width: Option<u16>, indent: usize) -> String {
    let pad = " ".repeat(indent);
    let mut out = String::new();
    for line in text.lines() {
        let Some(width) = width.filter(|w| line.width() > usize::from(*w)) else {
            out.push_str(line);
            out.push('\n');
            continue;
        };
        // First fit: the optimal-fit algorithm may let a line run over the width.
        let options = textwrap::Options::new(usize::from(width))
            .subsequent_indent(&pad)
            .break_words(true)
            .word_splitter(textwrap::WordSplitter::NoHyphenation)
            .wrap_algorithm(textwrap::WrapAlgorithm::FirstFit);
        for piece in textwrap::wrap(line, options) {
            out.push_str(&piece);
            out.push('\n');
        }
    }
    out
}

impl Emitter for TableEmitter {
    fn begin(&self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    fn section(&self, out: &mut dyn Write, s: &Section, index: usize) -> io::Result<()> {
        if index > 0 {
            out.write_all(b"\n")?;
        }
        out.write_all(section(s, self.lang, self.width).as_bytes())
    }

    fn finish(&self, out: &mut dyn Write, _sections: usize, summary: Option<&Summary>) -> io::Result<()> {
        match summary {
            Some(summary) => write!(out, "\n{}", summary_table(summary, self.lang, self.width)),
            None => Ok(()),
        }
    }

    fn shows_summary(&self) -> bool {
        true
    }
}

pub fn new_table() -> Table {
    let mut t = Table::new();
    // A fixed layout, independent of the terminal, so output (and snapshots) are stable.
    t.load_style(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Disabled);
    t
}

pub fn header_line(s: &Section, lang: Lang) -> String {
    let l = words(lang);
    let e = s.evaluation;
    let mut line = format!(
        "{} · {} · {} {}",
        text::named(e.entity.name.as_deref(), &e.entity.id),
        text::named(e.ruleset.name.as_deref(), &e.ruleset.id),
        l.period,
        text::shown(&e.period)
    );
    if let Some(d) = &e.as_of {
        let _ = write!(line, " · {} {d}", l.as_of);
        if let Some(p) = e.elapsed_pct {
            let _ = match lang {
                Lang::Zh => write!(line, "（{} {}%）", l.elapsed, short_number(p)),
                Lang::En => write!(line, " ({}% {})", short_number(p), l.elapsed),
            };
        }
    }
    line
}

pub fn completion_text(r: &RuleRow, lang: Lang) -> String {
    completion(r, lang, true)
}

/// The completion cell, with or without its bar.
fn completion(r: &RuleRow, lang: Lang, with_bar: bool) -> String {
    let Some(c) = r.result.completion_pct else { return "—".into() };
    let mut text = format!("{}%", short_number(c));
    if with_bar {
        let _ = write!(text, " {}", bar(c, r.result.expected_pct));
    }
    if let Some(p) = r.result.progress {
        let _ = write!(text, " {} {}%", words(lang).rise, short_number(p.pct));
    }
    if let (Some(e), Some(p)) = (r.result.expected_pct, r.result.pace) {
        let _ = write!(text, " {} {}% {}", words(lang).expected, short_number(e), text::pace(p, lang));
    }
    text
}

pub fn points_text(r: &RuleRow, lang: Lang) -> String {
    let w = words(lang);
    let rule = r.result.rule;
    let mut text = format!("{}/{}", short_number(r.result.score), short_number(rule.weight));
    if rule.bonus {
        text = format!("+{} ({})", short_number(r.result.score), w.bonus);
    }
    if rule.veto {
        text.push(' ');
        text.push_str(w.veto);
    }
    text
}

pub fn actual_text(r: &RuleRow, lang: Lang) -> String {
    let mut text = r.result.actual.as_ref().map_or("—".into(), |a| interval_text(a, r.is_bool()));
    if let Some(p) = r.projection {
        let _ = match lang {
            Lang::Zh => write!(text, "（{} {}）", words(lang).projected, short_number(p)),
            Lang::En => write!(text, " ({} {})", words(lang).projected, short_number(p)),
        };
    }
    text
}

pub fn indicator_text(r: &RuleRow, lang: Lang) -> String {
    let label = text::rule_label(r.result.rule, r.metric, lang);
    match r.unit() {
        Some(u) => format!("{label} ({})", text::shown(u)),
        None => label.to_string(),
    }
}

/// A subtotal row's label: "小计 · 创造 (基本分 8)".
pub fn subtotal_text(g: &crate::evaluate::GroupResult, lang: Lang) -> String {
    let l = words(lang);
    let min = g.min_score.map(|m| format!(" ({} {})", l.min_score, short_number(m))).unwrap_or_default();
    format!("{} · {}{min}", l.subtotal, text::shown(&g.name))
}

fn section(s: &Section, lang: Lang, width: Option<u16>) -> String {
    let mut table = completion_table(s, lang, true);
    let text = match width {
        Some(w) if fixed_width(&table) > usize::from(w) => {
            // Too wide: the bars go first, then the text columns wrap.
            table = completion_table(s, lang, false);
            fit(&mut table, width, &[true, false, true, true, false, false])
        }
        _ => table.to_string(),
    };
    let mut out = wrap_lines(&header_line(s, lang), width, 2);
    let _ = writeln!(out, "{text}");
    out.push_str(&wrap_lines(&footer(s, lang), width, 4));
    out
}

fn completion_table(s: &Section, lang: Lang, bars: bool) -> Table {
    let l = words(lang);
    let mut t = new_table();
    t.set_header(vec![l.indicator, l.target, l.actual, l.completion, l.status, l.points]);
    for row in &s.rows {
        match row {
            Row::Rule(r) => {
                t.add_row(vec![
                    Cell::new(indicator_text(r, lang)),
                    Cell::new(target_text(&r.target)),
                    Cell::new(actual_text(r, lang)).set_alignment(CellAlignment::Right),
                    Cell::new(completion(r, lang, bars)),
                    Cell::new(text::status(r.result.status, lang)),
                    Cell::new(points_text(r, lang)).set_alignment(CellAlignment::Right),
                ]);
            }
            Row::Subtotal(g) => {
                t.add_row(vec![
                    Cell::new(subtotal_text(g, lang)),
                    Cell::new(""),
                    Cell::new(""),
                    Cell::new(""),
                    Cell::new(""),
                    Cell::new(format!("{}/{}", short_number(g.score), short_number(g.max_score)))
                        .set_alignment(CellAlignment::Right),
                ]);
            }
        }
    }
    t
}

/// What follows a completion table: the score line, then two titled lists (what it
/// takes, what is unknown), each item one sentence; every format lays them out its way.
pub struct Footer {
    /// Score, pass line, verdict and what decided it.
    pub score: String,
    /// `(title, items)` for each list that has items, in display order.
    pub lists: Vec<(String, Vec<String>)>,
}

pub fn footer_parts(s: &Section, lang: Lang) -> Footer {
    let l = words(lang);
    let e = s.evaluation;
    let mut score = format!("{} {} / {}", l.score, short_number(e.score), short_number(e.max_score));
    if let Some(p) = e.pass_score {
        let _ = write!(score, " · {} {}", l.pass_line, short_number(p));
    }
    let (sep, space) = (l.colon, l.colon_space);
    let _ = write!(score, " · {}{sep}{space}{}", l.verdict, text::verdict(e.verdict, lang));
    if !e.decided_by.is_empty() {
        let label = |rule: &crate::model::Rule| {
            let metric = s.rules().find(|r| std::ptr::eq(r.result.rule, rule)).and_then(|r| r.metric);
            text::rule_label(rule, metric, lang).into_owned()
        };
        let _ = write!(score, "{sep}{space}{}", text::decided(&e.decided_by, &label, lang));
    }
    let mut lists = Vec::new();
    // What it takes, one item per rule: each need alone would meet it.
    let needs: Vec<String> = s
        .rules()
        .filter(|r| !r.needs.is_empty())
        .map(|r| {
            let needs: Vec<String> =
                r.needs.iter().map(|n| text::need(n.metric, n.id, n.change, n.to, lang, s.mid_year())).collect();
            let label = text::rule_label(r.result.rule, r.metric, lang);
            format!("{label}{sep}{space}{}", needs.join(l.or))
        })
        .collect();
    if !needs.is_empty() {
        lists.push((format!("{}{sep}", l.needs), needs));
    }
    let unknown: Vec<String> = s
        .unknown()
        .map(|r| {
            let reason = r.result.reason.as_ref().map(|why| text::reason(why, lang)).unwrap_or_default();
            let reason = text::shown(&reason);
            let label = text::rule_label(r.result.rule, r.metric, lang);
            format!("{label} [{}]: {reason}", r.result.rule.id)
        })
        .collect();
    if !unknown.is_empty() {
        lists.push((format!("{}{sep}", l.unknown_rules), unknown));
    }
    Footer { score, lists }
}

/// Score, pass line and verdict; then what it takes and what is unknown, as
/// `  - ` items under their titles.
pub fn footer(s: &Section, lang: Lang) -> String {
    let f = footer_parts(s, lang);
    let mut out = format!("{}\n", f.score);
    for (title, items) in &f.lists {
        let _ = writeln!(out, "{title}");
        for item in items {
            let _ = writeln!(out, "  - {item}");
        }
    }
    out
}

/// "score/max verdict #rank"
pub fn summary_cell(c: &SummaryCell, lang: Lang) -> String {
    format!("{}/{} {} #{}", short_number(c.score), short_number(c.max_score), text::verdict(c.verdict, lang), c.rank)
}

/// A rule set's heading in the summary: its name, else its id.
pub fn ruleset_heading(rs: &crate::model::RuleSet) -> String {
    text::shown(rs.name.as_deref().unwrap_or(&rs.id)).into_owned()
}

/// The matrix: entities × rule sets, headed by the rule sets' names.
fn matrix(summary: &Summary, lang: Lang) -> Table {
    let l = words(lang);
    let mut t = new_table();
    let mut header = vec![l.entity.to_string()];
    header.extend(summary.rulesets.iter().map(|rs| ruleset_heading(rs)));
    t.set_header(header);
    for (entity, cells) in &summary.rows {
        let mut row = vec![Cell::new(text::named(entity.name.as_deref(), &entity.id))];
        row.extend(cells.iter().map(|c| Cell::new(c.as_ref().map_or("—".into(), |c| summary_cell(c, lang)))));
        t.add_row(row);
    }
    t
}

/// Whether the matrix is readable at `width` (else one table per rule set). One rule
/// set is always a matrix: it is a ranking already.
pub fn matrix_fits(summary: &Summary, lang: Lang, width: usize) -> bool {
    summary.rulesets.len() == 1 || fixed_width(&matrix(summary, lang)) <= width
}

/// One rule set's entities, best first (ties by entity id): rank, entity, score, verdict.
pub fn ranking<'s, 'm>(summary: &'s Summary<'m>, column: usize) -> Vec<(&'m crate::model::Entity, &'s SummaryCell)> {
    let mut list: Vec<(&crate::model::Entity, &SummaryCell)> =
        summary.rows.iter().filter_map(|(e, cells)| Some((*e, cells.get(column)?.as_ref()?))).collect();
    list.sort_by(|a, b| a.1.rank.cmp(&b.1.rank).then_with(|| a.0.id.cmp(&b.0.id)));
    list
}

fn summary_table(summary: &Summary, lang: Lang, width: Option<u16>) -> String {
    let l = words(lang);
    let available = width.map_or(FIXED_WIDTH, usize::from);
    let mut t = matrix(summary, lang);
    if summary.rulesets.len() == 1 || fixed_width(&t) <= available {
        let wrap: Vec<bool> = (0..=summary.rulesets.len()).map(|i| i == 0).collect();
        return format!("{}\n{}\n", l.summary, fit(&mut t, width, &wrap));
    }
    let mut out = String::new();
    for (i, rs) in summary.rulesets.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let title = format!("{} · {}", l.summary, text::named(rs.name.as_deref(), &rs.id));
        out.push_str(&wrap_lines(&title, width, 2));
        let mut t = new_table();
        t.set_header(vec![l.rank, l.entity, l.score, l.verdict_heading]);
        for (entity, c) in ranking(summary, i) {
            t.add_row(vec![
                Cell::new(c.rank).set_alignment(CellAlignment::Right),
                Cell::new(text::named(entity.name.as_deref(), &entity.id)),
                Cell::new(format!("{}/{}", short_number(c.score), short_number(c.max_score)))
                    .set_alignment(CellAlignment::Right),
                Cell::new(text::verdict(c.verdict, lang)),
            ]);
        }
        let _ = writeln!(out, "{}", fit(&mut t, width, &[false, true, false, false]));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[[&str; 3]]) -> Table {
        let mut t = new_table();
        t.set_header(vec!["Indicator", "Target", "Points"]);
        for r in rows {
            t.add_row(r.to_vec());
        }
        t
    }

    #[test]
    fn without_a_width_the_layout_is_fixed() {
        let long = "全市专利申请量达到年度目标任务并保持较快增长势头和发明专利申请量";
        let fixed = table(&[[long, "≥ 1750", "0/1"]]).to_string();
        assert_eq!(fixed_width(&table(&[[long, "≥ 1750", "0/1"]])), text_width(&fixed));
        assert_eq!(fit(&mut table(&[[long, "≥ 1750", "0/1"]]), None, &[true, false, false]), fixed);
        assert_eq!(fit(&mut table(&[[long, "≥ 1750", "0/1"]]), Some(200), &[true, false, false]), fixed);
        assert!(text_width(&fixed) > 60);
    }

    #[test]
    fn a_narrow_width_wraps_the_text_column_and_keeps_figures_whole() {
        let long = "全市专利申请量达到年度目标任务并保持较快增长势头和发明专利申请量";
        let fitted = fit(&mut table(&[[long, "≥ 1750", "12345/67890"]]), Some(40), &[true, false, false]);
        assert!(text_width(&fitted) <= 40, "{fitted}");
        assert!(fitted.contains("≥ 1750") && fitted.contains("12345/67890"), "{fitted}");
        assert!(fitted.lines().filter(|l| l.starts_with('│')).count() > 2, "the name wraps:\n{fitted}");
    }

    #[test]
    fn the_name_column_takes_the_room_the_figures_leave() {
        let long = "全市专利申请量达到年度目标任务并保持较快增长势头和发明专利申请量";
        let fitted = fit(&mut table(&[[long, "≥ 1750", "0/1"]]), Some(60), &[true, false, false]);
        // The table fills the width exactly: the name wraps in all the room there is.
        assert_eq!(text_width(&fitted), 60, "{fitted}");
        assert_eq!(
            fitted.lines().filter(|l| l.starts_with('│')).count(),
            3,
            "the header, two lines of name:\n{fitted}"
        );
        // Where the figures leave too little room, every wrapping column shares it.
        let wide = "12345678901234567890123456789012345678901234";
        let fitted = fit(&mut table(&[[long, wide, "0/1"]]), Some(60), &[true, true, false]);
        assert!(text_width(&fitted) <= 60, "{fitted}");
    }

    #[test]
    fn lines_wrap_at_spaces_and_chinese_where_it_must() {
        assert_eq!(wrap_lines("a b", None, 2), "a b\n");
        assert_eq!(
            wrap_lines("Score 1 / 2 · verdict: incomplete", Some(20), 4),
            "Score 1 / 2 ·\n    verdict:\n    incomplete\n"
        );
        let zh = wrap_lines("得分 0 / 2 · 结论：待定：取决于全市专利申请量达到年度目标任务", Some(24), 2);
        assert!(zh.lines().all(|l| l.width() <= 24), "{zh}");
        // No hyphenation: a date stays whole.
        assert_eq!(wrap_lines("as of 2016-06-30 (49%)", Some(18), 0), "as of 2016-06-30\n(49%)\n");
    }
}
