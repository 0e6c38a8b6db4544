//! Markdown: the same grid as the table, as a GitHub-flavoured Markdown document that
//! pastes into Word or WPS as it reads: a `#` title, a `##` heading per evaluation, and
//! every paragraph, table and list set apart by blank lines (a list right under a line
//! of text is read as part of it by many converters).

use std::fmt::Write as _;
use std::io::{self, Write};

use super::table::{
    FIXED_WIDTH, actual_text, completion_text, footer_parts, header_line, indicator_text, matrix_fits, points_text,
    ranking, ruleset_heading, subtotal_text, summary_cell,
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
    fn begin(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "# {}", words(self.lang).report)
    }

    fn section(&self, out: &mut dyn Write, s: &Section, _index: usize) -> io::Result<()> {
        let lang = self.lang;
        let l = words(lang);
        let mut text = String::new();
        let _ = writeln!(text, "\n## {}\n", header_line(s, lang));
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
        let footer = footer_parts(s, lang);
        let _ = writeln!(text, "\n{}", footer.score);
        for (title, items) in &footer.lists {
            let _ = writeln!(text, "\n**{title}**\n");
            for item in items {
                let _ = writeln!(text, "- {item}");
            }
        }
        out.write_all(text.as_bytes())
    }

    fn finish(&self, out: &mut dyn Write, _sections: usize, summary: Option<&Summary>) -> io::Result<()> {
        let Some(summary) = summary else { return Ok(()) };
        let lang = self.lang;
        let l = words(lang);
        let mut text = format!("\n## {}\n\n", l.summary);
        // The table's rule: a matrix when it would fit a wide page, else a ranking per rule set.
        if matrix_fits(summary, lang, FIXED_WIDTH) {
            let mut header = vec![l.entity.to_string()];
            header.extend(summary.rulesets.iter().map(|rs| ruleset_heading(rs)));
            text.push_str(&row(&header));
            text.push_str(&format!("|{}\n", "---|".repeat(header.len())));
            for (entity, cells) in &summary.rows {
                let mut r = vec![text::named(entity.name.as_deref(), &entity.id)];
                r.extend(cells.iter().map(|c| c.as_ref().map_or("—".into(), |c| summary_cell(c, lang))));
                text.push_str(&row(&r));
            }
        } else {
            for (i, rs) in summary.rulesets.iter().enumerate() {
                let _ = writeln!(text, "### {}\n", text::named(rs.name.as_deref(), &rs.id));
                text.push_str(&row(&[l.rank, l.entity, l.score, l.verdict_heading].map(String::from)));
                text.push_str("|--:|---|--:|---|\n");
                for (entity, c) in ranking(summary, i) {
                    text.push_str(&row(&[
                        c.rank.to_string(),
                        text::named(entity.name.as_deref(), &entity.id),
                        format!("{}/{}", short_number(c.score), short_number(c.max_score)),
                        text::verdict(c.verdict, lang).to_string(),
                    ]));
                }
                text.push('\n');
            }
            text.pop();
        }
        out.write_all(text.as_bytes())
    }

    fn shows_summary(&self) -> bool {
        true
    }
}
