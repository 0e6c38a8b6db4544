//! The terminal table: a header line, a completion table and a footer per
//! (entity, rule set), then the summary matrix when several entities were evaluated.

use std::fmt::Write as _;

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Cell, CellAlignment, ContentArrangement, Table};

use super::{bar, interval_text, short_number, target_text};
use crate::report::{Report, Row, RuleRow, Section, Summary};
use crate::text::{self, Lang, words};

pub fn render(report: &Report) -> String {
    let mut out = String::new();
    for (i, s) in report.sections.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&section(s, report.lang));
    }
    if let Some(summary) = &report.summary {
        out.push('\n');
        out.push_str(&summary_table(summary, report.lang));
    }
    out
}

pub fn new_table() -> Table {
    let mut t = Table::new();
    // A fixed layout, independent of the terminal, so output (and snapshots) are stable.
    t.load_style(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Disabled);
    t
}

pub fn header_line(s: &Section, lang: Lang) -> String {
    let l = words(lang);
    let mut line = format!("{} · {} · {} {}", s.entity, s.ruleset, l.period, s.period);
    if let Some(d) = &s.as_of {
        let _ = write!(line, " · {} {d}", l.as_of);
        if let Some(e) = s.elapsed_pct {
            let _ = match lang {
                Lang::Zh => write!(line, "（{} {}%）", l.elapsed, short_number(e)),
                Lang::En => write!(line, " ({}% {})", short_number(e), l.elapsed),
            };
        }
    }
    line
}

pub fn completion_text(r: &RuleRow, lang: Lang) -> String {
    let Some(c) = r.completion_pct else { return "—".into() };
    let mut text = format!("{}% {}", short_number(c), bar(c, r.expected_pct));
    if let (Some(e), Some(p)) = (r.expected_pct, r.pace) {
        let _ = write!(text, " {} {}% {}", words(lang).expected, short_number(e), text::pace(p, lang));
    }
    text
}

pub fn points_text(r: &RuleRow, lang: Lang) -> String {
    let w = words(lang);
    let mut text = format!("{}/{}", short_number(r.score), short_number(r.weight));
    if r.bonus {
        text = format!("+{} ({})", short_number(r.score), w.bonus);
    }
    if r.veto {
        text.push(' ');
        text.push_str(w.veto);
    }
    text
}

pub fn actual_text(r: &RuleRow, lang: Lang) -> String {
    let mut text = r.actual.as_ref().map_or("—".into(), |a| interval_text(a, r.actual_is_bool));
    if let Some(p) = r.projection {
        let _ = match lang {
            Lang::Zh => write!(text, "（{} {}）", words(lang).projected, short_number(p)),
            Lang::En => write!(text, " ({} {})", words(lang).projected, short_number(p)),
        };
    }
    text
}

pub fn indicator_text(r: &RuleRow) -> String {
    match &r.unit {
        Some(u) => format!("{} ({u})", r.indicator),
        None => r.indicator.clone(),
    }
}

fn section(s: &Section, lang: Lang) -> String {
    let l = words(lang);
    let mut t = new_table();
    t.set_header(vec![l.indicator, l.target, l.actual, l.completion, l.status, l.points]);
    for row in &s.rows {
        match row {
            Row::Rule(r) => {
                t.add_row(vec![
                    Cell::new(indicator_text(r)),
                    Cell::new(target_text(&r.target)),
                    Cell::new(actual_text(r, lang)).set_alignment(CellAlignment::Right),
                    Cell::new(completion_text(r, lang)),
                    Cell::new(text::status(r.status, lang)),
                    Cell::new(points_text(r, lang)).set_alignment(CellAlignment::Right),
                ]);
            }
            Row::Subtotal { group, score, max_score, min_score } => {
                let min = min_score.map(|m| format!(" ({} {})", l.min_score, short_number(m))).unwrap_or_default();
                t.add_row(vec![
                    Cell::new(format!("{} · {group}{min}", l.subtotal)),
                    Cell::new(""),
                    Cell::new(""),
                    Cell::new(""),
                    Cell::new(""),
                    Cell::new(format!("{}/{}", short_number(*score), short_number(*max_score)))
                        .set_alignment(CellAlignment::Right),
                ]);
            }
        }
    }
    let mut out = format!("{}\n{t}\n", header_line(s, lang));
    out.push_str(&footer(s, lang));
    out
}

pub fn footer(s: &Section, lang: Lang) -> String {
    let l = words(lang);
    let mut out = format!("{} {} / {}", l.score, short_number(s.score), short_number(s.max_score));
    if let Some(p) = s.pass_score {
        let _ = write!(out, " · {} {}", l.pass_line, short_number(p));
    }
    let (sep, space) = (l.colon, l.colon_space);
    let _ = writeln!(out, " · {}{sep}{space}{}", l.verdict, text::verdict(s.verdict, lang));
    // What it takes, one line per rule: each need alone would meet it.
    let needs: Vec<&RuleRow> = s
        .rows
        .iter()
        .filter_map(|r| if let Row::Rule(r) = r { Some(&**r) } else { None })
        .filter(|r| !r.needs.is_empty())
        .collect();
    if !needs.is_empty() {
        let _ = writeln!(out, "{}{sep}", l.needs);
        for r in needs {
            let _ = writeln!(out, "  - {}{sep}{space}{}", r.indicator, r.needs.join(l.or));
        }
    }
    if !s.unknown.is_empty() {
        let _ = writeln!(out, "{}{sep}", l.unknown_rules);
        for (rule, reason) in &s.unknown {
            let _ = writeln!(out, "  - {rule}: {reason}");
        }
    }
    out
}

/// "score/max verdict #rank"
pub fn summary_cell(c: &crate::report::SummaryCell, lang: Lang) -> String {
    format!("{}/{} {} #{}", short_number(c.score), short_number(c.max_score), text::verdict(c.verdict, lang), c.rank)
}

fn summary_table(summary: &Summary, lang: Lang) -> String {
    let l = words(lang);
    let mut t = new_table();
    let mut header = vec![l.entity.to_string()];
    header.extend(summary.rulesets.iter().cloned());
    t.set_header(header);
    for (entity, cells) in &summary.rows {
        let mut row = vec![Cell::new(entity)];
        row.extend(cells.iter().map(|c| Cell::new(c.as_ref().map_or("—".into(), |c| summary_cell(c, lang)))));
        t.add_row(row);
    }
    format!("{}\n{t}\n", l.summary)
}
