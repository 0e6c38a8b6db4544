//! The terminal table: a header line, a completion table and a footer per
//! (entity, rule set), then the summary matrix when several entities were evaluated.

use std::fmt::Write as _;
use std::io::{self, Write};

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table};

use super::{Emitter, bar, interval_text, short_number, target_text};
use crate::report::{Row, RuleRow, Section, Summary, SummaryCell};
use crate::text::{self, Lang, words};

pub struct TableEmitter {
    pub lang: Lang,
}

impl Emitter for TableEmitter {
    fn begin(&self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    fn section(&self, out: &mut dyn Write, s: &Section, index: usize) -> io::Result<()> {
        if index > 0 {
            out.write_all(b"\n")?;
        }
        out.write_all(section(s, self.lang).as_bytes())
    }

    fn finish(&self, out: &mut dyn Write, _sections: usize, summary: Option<&Summary>) -> io::Result<()> {
        match summary {
            Some(summary) => write!(out, "\n{}", summary_table(summary, self.lang)),
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
    let Some(c) = r.result.completion_pct else { return "—".into() };
    let mut text = format!("{}% {}", short_number(c), bar(c, r.result.expected_pct));
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

fn section(s: &Section, lang: Lang) -> String {
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
                    Cell::new(completion_text(r, lang)),
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
    let mut out = format!("{}\n{t}\n", header_line(s, lang));
    out.push_str(&footer(s, lang));
    out
}

/// Score, pass line and verdict; then what it takes and what is unknown.
pub fn footer(s: &Section, lang: Lang) -> String {
    let l = words(lang);
    let e = s.evaluation;
    let mut out = format!("{} {} / {}", l.score, short_number(e.score), short_number(e.max_score));
    if let Some(p) = e.pass_score {
        let _ = write!(out, " · {} {}", l.pass_line, short_number(p));
    }
    let (sep, space) = (l.colon, l.colon_space);
    let _ = write!(out, " · {}{sep}{space}{}", l.verdict, text::verdict(e.verdict, lang));
    if !e.decided_by.is_empty() {
        let label = |rule: &crate::model::Rule| {
            let metric = s.rules().find(|r| std::ptr::eq(r.result.rule, rule)).and_then(|r| r.metric);
            text::rule_label(rule, metric, lang).into_owned()
        };
        let _ = write!(out, "{sep}{space}{}", text::decided(&e.decided_by, &label, lang));
    }
    out.push('\n');
    // What it takes, one line per rule: each need alone would meet it.
    let with_needs: Vec<&RuleRow> = s.rules().filter(|r| !r.needs.is_empty()).collect();
    if !with_needs.is_empty() {
        let _ = writeln!(out, "{}{sep}", l.needs);
        for r in with_needs {
            let needs: Vec<String> =
                r.needs.iter().map(|n| text::need(n.metric, n.id, n.change, n.to, lang, s.mid_year())).collect();
            let label = text::rule_label(r.result.rule, r.metric, lang);
            let _ = writeln!(out, "  - {label}{sep}{space}{}", needs.join(l.or));
        }
    }
    let unknown: Vec<&RuleRow> = s.unknown().collect();
    if !unknown.is_empty() {
        let _ = writeln!(out, "{}{sep}", l.unknown_rules);
        for r in unknown {
            let reason = r.result.reason.as_ref().map(|why| text::reason(why, lang)).unwrap_or_default();
            let reason = text::shown(&reason);
            let label = text::rule_label(r.result.rule, r.metric, lang);
            let _ = writeln!(out, "  - {label} [{}]: {reason}", r.result.rule.id);
        }
    }
    out
}

/// "score/max verdict #rank"
pub fn summary_cell(c: &SummaryCell, lang: Lang) -> String {
    format!("{}/{} {} #{}", short_number(c.score), short_number(c.max_score), text::verdict(c.verdict, lang), c.rank)
}

fn summary_table(summary: &Summary, lang: Lang) -> String {
    let l = words(lang);
    let mut t = new_table();
    let mut header = vec![l.entity.to_string()];
    header.extend(summary.rulesets.iter().map(|rs| rs.id.clone()));
    t.set_header(header);
    for (entity, cells) in &summary.rows {
        let mut row = vec![Cell::new(text::named(entity.name.as_deref(), &entity.id))];
        row.extend(cells.iter().map(|c| Cell::new(c.as_ref().map_or("—".into(), |c| summary_cell(c, lang)))));
        t.add_row(row);
    }
    format!("{}\n{t}\n", l.summary)
}
