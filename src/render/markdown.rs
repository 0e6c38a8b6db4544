//! Markdown: the same grid as the table, as GitHub-flavoured Markdown tables.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::table::{
    actual_text, completion_text, footer, header_line, indicator_text, points_text, subtotal_text, summary_cell,
};
use super::{Emitter, short_number, target_text};
use crate::report::{Row, Section, Summary};
use crate::text::{self, Lang, words};

pub struct MarkdownEmitter {
    pub lang: Lang,
}

/// Escape what would break a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

pub fn row(cells: &[String]) -> String {
    format!("| {} |\n", cells.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | "))
}

impl Emitter for MarkdownEmitter {
    fn begin(&self, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    fn section(&self, out: &mut dyn Write, s: &Section, index: usize) -> io::Result<()> {
        let lang = self.lang;
        let l = words(lang);
        let mut text = String::new();
        if index > 0 {
            text.push('\n');
        }
        let _ = writeln!(text, "### {}\n", header_line(s, lang));
        let header = [l.indicator, l.target, l.actual, l.completion, l.status, l.points].map(String::from);
        text.push_str(&row(&header));
        text.push_str("|---|---|--:|---|---|--:|\n");
        for r in &s.rows {
            match r {
                Row::Rule(r) => text.push_str(&row(&[
                    indicator_text(r, lang),
                    target_text(&r.target),
                    actual_text(r, lang),
                    completion_text(r, lang),
                    text::status(r.result.status, lang).to_string(),
                    points_text(r, lang),
                ])),
                Row::Subtotal(g) => text.push_str(&row(&[
                    format!("**{}**", subtotal_text(g, lang)),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    format!("**{}/{}**", short_number(g.score), short_number(g.max_score)),
                ])),
            }
        }
        text.push('\n');
        for line in footer(s, lang).lines() {
            let _ = writeln!(text, "{line}  ");
        }
        out.write_all(text.as_bytes())
    }

    fn finish(&self, out: &mut dyn Write, _sections: usize, summary: Option<&Summary>) -> io::Result<()> {
        let Some(summary) = summary else { return Ok(()) };
        let lang = self.lang;
        let l = words(lang);
        let mut text = format!("\n### {}\n\n", l.summary);
        let mut header = vec![l.entity.to_string()];
        header.extend(summary.rulesets.iter().map(|rs| rs.id.clone()));
        text.push_str(&row(&header));
        text.push_str(&format!("|{}\n", "---|".repeat(header.len())));
        for (entity, cells) in &summary.rows {
            let mut r = vec![text::named(entity.name.as_deref(), &entity.id)];
            r.extend(cells.iter().map(|c| c.as_ref().map_or("—".into(), |c| summary_cell(c, lang))));
            text.push_str(&row(&r));
        }
        out.write_all(text.as_bytes())
    }

    fn shows_summary(&self) -> bool {
        true
    }
}
