//! Markdown: the same grid as the table, as GitHub-flavoured Markdown tables.

use std::fmt::Write as _;

use super::short_number;
use super::table::{actual_text, completion_text, footer, header_line, indicator_text, points_text, summary_cell};
use super::target_text;
use crate::report::{Report, Row};
use crate::text::{self, words};

/// Escape what would break a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

pub fn row(cells: &[String]) -> String {
    format!("| {} |\n", cells.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | "))
}

pub fn render(report: &Report) -> String {
    let lang = report.lang;
    let l = words(lang);
    let mut out = String::new();
    for (i, s) in report.sections.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = writeln!(out, "### {}\n", header_line(s, lang));
        let header = [l.indicator, l.target, l.actual, l.completion, l.status, l.points].map(String::from);
        out.push_str(&row(&header));
        out.push_str("|---|---|--:|---|---|--:|\n");
        for r in &s.rows {
            match r {
                Row::Rule(r) => out.push_str(&row(&[
                    indicator_text(r),
                    target_text(&r.target),
                    actual_text(r, lang),
                    completion_text(r, lang),
                    text::status(r.status, lang).to_string(),
                    points_text(r, lang),
                ])),
                Row::Subtotal { group, score, max_score, min_score } => {
                    let min = min_score.map(|m| format!(" ({} {})", l.min_score, short_number(m))).unwrap_or_default();
                    out.push_str(&row(&[
                        format!("**{} · {group}{min}**", l.subtotal),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        format!("**{}/{}**", short_number(*score), short_number(*max_score)),
                    ]));
                }
            }
        }
        out.push('\n');
        for line in footer(s, lang).lines() {
            let _ = writeln!(out, "{line}  ");
        }
    }
    if let Some(summary) = &report.summary {
        let _ = writeln!(out, "\n### {}\n", l.summary);
        let mut header = vec![l.entity.to_string()];
        header.extend(summary.rulesets.iter().cloned());
        out.push_str(&row(&header));
        out.push_str(&format!("|{}\n", "---|".repeat(header.len())));
        for (entity, cells) in &summary.rows {
            let mut r = vec![entity.clone()];
            r.extend(cells.iter().map(|c| c.as_ref().map_or("—".into(), |c| summary_cell(c, lang))));
            out.push_str(&row(&r));
        }
    }
    out
}
