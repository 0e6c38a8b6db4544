//! `--format html`: one self-contained page — inline CSS, inline SVG charts drawn here,
//! no script, no font, no image, no link to anything outside the page — that prints
//! cleanly to PDF from a browser.
//!
//! The page streams like the text formats: `begin` writes the head, each `section` an
//! article (a completion bar per rule with the pace tick), `finish` the overview (the
//! verdict heat map and each rule set's score ranking). The overview comes last in the
//! file but first on screen and paper (CSS flex `order`), so nothing is held back.
//! Every text goes through [`esc`]: §7's escaping, then HTML's.

use std::fmt::Write as _;
use std::io::{self, Write};

use rust_decimal::Decimal;
use unicode_width::UnicodeWidthStr;

use super::table::{actual_text, header_line, indicator_text, points_text, subtotal_text};
use super::{Emitter, short_number, target_text};
use crate::evaluate::{Status, Verdict};
use crate::model::Date;
use crate::report::{Row, RuleRow, Section, Summary};
use crate::text::{self, Lang, report_words, words};

pub struct HtmlEmitter {
    pub lang: Lang,
    pub today: Option<Date>,
}

/// Text as a page shows it: control characters written as `\u{1b}` (CONTRACT §7),
/// then `& < > " '` as character references, so input text can never become markup.
pub fn esc(s: &str) -> String {
    let shown = text::shown(s);
    let mut out = String::with_capacity(shown.len());
    for c in shown.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const CSS: &str = r#"
:root { --pass: #1a7f37; --pass-bg: #dcf5e3; --fail: #b42318; --fail-bg: #fde4e1;
  --open: #9a6700; --open-bg: #fff1c2; --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #f6f8fa; line-height: 1.45;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; }
header.page { background: #24292f; color: #fff; padding: 18px 32px; }
header.page h1 { margin: 0; font-size: 22px; }
header.page p { margin: 4px 0 0; color: #d0d7de; }
main { display: flex; flex-direction: column; gap: 24px; padding: 24px 32px; max-width: 1320px; }
#overview { order: -1; display: flex; flex-direction: column; gap: 24px; }
.scroll { overflow-x: auto; }
table.heat th { white-space: normal; min-width: 4em; font-size: 12px; }
table.heat th.key { text-align: center; }
table.heat td:first-child { white-space: nowrap; }
ol.keys { font-size: 12px; color: var(--muted); columns: 2; margin: 8px 0; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px 20px; }
h2 { font-size: 18px; margin: 0 0 12px; }
h3 { font-size: 16px; margin: 0 0 6px; }
h4 { font-size: 14px; margin: 14px 0 4px; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: #f0f3f6; font-weight: 600; white-space: nowrap; }
td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.rules { table-layout: fixed; }
table.rules th:nth-child(1) { width: 27%; }
table.rules th:nth-child(2) { width: 9%; }
table.rules th:nth-child(3) { width: 14%; }
table.rules th:nth-child(4) { width: 32%; }
table.rules th:nth-child(5) { width: 8%; }
table.rules th:nth-child(6) { width: 10%; }
table.rules td { overflow-wrap: anywhere; }
table.rules td.num { white-space: normal; }
tr.subtotal td { font-weight: 600; background: #f6f8fa; }
.badge { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; white-space: nowrap; }
.s-met, .v-pass { background: var(--pass-bg); color: var(--pass); }
.s-not_met, .v-fail { background: var(--fail-bg); color: var(--fail); }
.s-unknown, .v-incomplete { background: var(--open-bg); color: var(--open); }
.verdict { display: inline-block; margin: 4px 0 10px; padding: 4px 10px; border-radius: 6px; }
.bar { display: flex; flex-wrap: wrap; align-items: center; gap: 2px 6px; }
.bar svg { flex: none; }
.note { color: var(--muted); font-size: 12px; }
table.heat td.cell { text-align: center; white-space: nowrap; }
table.heat td.cell small { display: block; font-size: 11px; }
.legend span { margin-right: 12px; }
ul { margin: 4px 0; padding-left: 22px; }
.ranking { margin: 8px 0 18px; }
@page { size: A4 landscape; margin: 12mm; }
@media print {
  body { background: #fff; font-size: 10pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  header.page { background: #fff; color: var(--ink); padding: 0 0 8px; border-bottom: 2px solid var(--ink); }
  header.page p { color: var(--muted); }
  main { padding: 8px 0; max-width: none; gap: 12px; }
  .card { border: none; padding: 0; }
  article.card, .ranking { break-inside: avoid; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
}
"#;

/// A number for SVG geometry: one decimal place.
fn px(d: Decimal) -> String {
    d.round_dp(1).normalize().to_string()
}

/// The status colour of a completion bar.
fn status_colour(s: Status) -> &'static str {
    match s {
        Status::Met => "#2da44e",
        Status::NotMet => "#cf222e",
        Status::Unknown => "#d4a72c",
    }
}

fn verdict_colour(v: Verdict) -> &'static str {
    match v {
        Verdict::Pass => "#2da44e",
        Verdict::Fail => "#cf222e",
        Verdict::Incomplete => "#d4a72c",
    }
}

const BAR_WIDTH: i64 = 150;

/// The completion bar: filled to the completion (capped at 100%, an arrow past it),
/// with a dark tick at the share expected by now.
fn completion_bar(r: &RuleRow, lang: Lang) -> String {
    let res = r.result;
    let Some(pct) = res.completion_pct else { return "—".into() };
    let w = Decimal::from(BAR_WIDTH);
    let share = |p: Decimal| p.max(Decimal::ZERO).min(Decimal::ONE_HUNDRED) * w / Decimal::ONE_HUNDRED;
    let mut svg = format!(
        r##"<svg width="{BAR_WIDTH}" height="14" viewBox="0 0 {BAR_WIDTH} 14" aria-hidden="true"><rect width="{BAR_WIDTH}" height="14" rx="3" fill="#eaeef2"/><rect width="{}" height="14" rx="3" fill="{}"/>"##,
        px(share(pct)),
        status_colour(res.status)
    );
    if pct > Decimal::ONE_HUNDRED {
        let _ = write!(
            svg,
            r##"<path d="M{} 3 L{} 7 L{} 11 Z" fill="#fff"/>"##,
            BAR_WIDTH - 9,
            BAR_WIDTH - 3,
            BAR_WIDTH - 9
        );
    }
    if let Some(e) = res.expected_pct {
        // Inside the bar even at 100%.
        let x = px(share(e).min(w - Decimal::TWO));
        let _ = write!(svg, r##"<rect x="{x}" y="0" width="2" height="14" fill="#24292f"/>"##);
    }
    svg.push_str("</svg>");
    let mut label = format!("{}%", short_number(pct));
    if let (Some(e), Some(p)) = (res.expected_pct, res.pace) {
        let _ = write!(
            label,
            r#" <span class="note">{} {}% · {}</span>"#,
            words(lang).expected,
            short_number(e),
            esc(text::pace(p, lang))
        );
    }
    if let Some(p) = res.progress {
        let _ = write!(label, r#" <span class="note">{} {}%</span>"#, words(lang).rise, short_number(p.pct));
    }
    format!(r#"<div class="bar">{svg}<span>{label}</span></div>"#)
}

fn article(s: &Section, index: usize, lang: Lang) -> String {
    let l = words(lang);
    let e = s.evaluation;
    let mut h = String::new();
    let _ = write!(h, r#"<article class="card eval" id="e{index}"><h3>{}</h3>"#, esc(&header_line(s, lang)));
    let mut verdict = format!("{} {} / {}", l.score, short_number(e.score), short_number(e.max_score));
    if let Some(p) = e.pass_score {
        let _ = write!(verdict, " · {} {}", l.pass_line, short_number(p));
    }
    let _ = write!(verdict, " · {}{}{}{}", l.verdict, l.colon, l.colon_space, text::verdict(e.verdict, lang));
    if !e.decided_by.is_empty() {
        let label = |rule: &crate::model::Rule| {
            let metric = s.rules().find(|r| std::ptr::eq(r.result.rule, rule)).and_then(|r| r.metric);
            text::rule_label(rule, metric, lang).into_owned()
        };
        let _ = write!(verdict, "{}{}{}", l.colon, l.colon_space, text::decided(&e.decided_by, &label, lang));
    }
    let _ = write!(h, r#"<div class="verdict v-{}">{}</div>"#, e.verdict.key(), esc(&verdict));
    let _ = write!(
        h,
        "<table class=\"rules\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        l.indicator, l.target, l.actual, l.completion, l.status, l.points
    );
    for row in &s.rows {
        match row {
            Row::Rule(r) => {
                let st = r.result.status;
                let _ = write!(
                    h,
                    r#"<tr><td>{}</td><td class="num">{}</td><td class="num">{}</td><td>{}</td><td><span class="badge s-{}">{}</span></td><td class="num">{}</td></tr>"#,
                    esc(&indicator_text(r, lang)),
                    esc(&target_text(&r.target)),
                    esc(&actual_text(r, lang)),
                    completion_bar(r, lang),
                    st.key(),
                    esc(text::status(st, lang)),
                    esc(&points_text(r, lang)),
                );
            }
            Row::Subtotal(g) => {
                let _ = write!(
                    h,
                    r#"<tr class="subtotal"><td colspan="5">{}</td><td class="num">{}/{}</td></tr>"#,
                    esc(&subtotal_text(g, lang)),
                    short_number(g.score),
                    short_number(g.max_score)
                );
            }
        }
    }
    h.push_str("</tbody></table>");
    let with_needs: Vec<&RuleRow> = s.rules().filter(|r| !r.needs.is_empty()).collect();
    if !with_needs.is_empty() {
        let _ = write!(h, "<h4>{}</h4><ul>", l.needs);
        for r in with_needs {
            let needs: Vec<String> =
                r.needs.iter().map(|n| text::need(n.metric, n.id, n.change, n.to, lang, s.mid_year())).collect();
            let label = text::rule_label(r.result.rule, r.metric, lang);
            let _ = write!(h, "<li><b>{}</b>{}{}{}</li>", esc(&label), l.colon, l.colon_space, esc(&needs.join(l.or)));
        }
        h.push_str("</ul>");
    }
    let unknown: Vec<&RuleRow> = s.unknown().collect();
    if !unknown.is_empty() {
        let _ = write!(h, "<h4>{}</h4><ul>", l.unknown_rules);
        for r in unknown {
            let reason = r.result.reason.as_ref().map(|why| text::reason(why, lang)).unwrap_or_default();
            let label = text::rule_label(r.result.rule, r.metric, lang);
            let _ = write!(
                h,
                "<li><b>{}</b> <span class=\"note\">[{}]</span>{}{}{}</li>",
                esc(&label),
                esc(&r.result.rule.id),
                l.colon,
                l.colon_space,
                esc(&reason)
            );
        }
        h.push_str("</ul>");
    }
    h.push_str("</article>\n");
    h
}

/// The verdict heat map: entities × rule sets, each cell coloured by its verdict and
/// holding score, maximum and rank (the colour is never the only sign: the verdict is
/// written too, for grey printers and colour-blind readers).
fn heat_map(summary: &Summary, lang: Lang) -> String {
    let (l, r) = (words(lang), report_words(lang));
    // Many rule sets: numbered columns and a key below, so that the map fits a page.
    let keyed = summary.rulesets.len() > HEAT_NAMED_MAX;
    let mut h =
        format!("<h2>{}</h2><div class=\"scroll\"><table class=\"heat\"><thead><tr><th>{}</th>", r.heat_map, l.entity);
    for (i, rs) in summary.rulesets.iter().enumerate() {
        let name = esc(&text::named(rs.name.as_deref(), &rs.id));
        if keyed {
            let _ = write!(h, "<th class=\"key\" title=\"{name}\">{}</th>", i + 1);
        } else {
            let _ = write!(h, "<th>{name}</th>");
        }
    }
    h.push_str("</tr></thead><tbody>");
    for (entity, cells) in &summary.rows {
        let _ = write!(h, "<tr><td>{}</td>", esc(&text::named(entity.name.as_deref(), &entity.id)));
        for c in cells {
            match c {
                Some(c) => {
                    let _ = write!(
                        h,
                        r#"<td class="cell v-{}">{}/{} <small>{} · {} {}</small></td>"#,
                        c.verdict.key(),
                        short_number(c.score),
                        short_number(c.max_score),
                        esc(text::verdict(c.verdict, lang)),
                        r.rank,
                        c.rank
                    );
                }
                None => h.push_str(r#"<td class="cell">—</td>"#),
            }
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table></div>");
    if keyed {
        h.push_str("<ol class=\"keys\">");
        for rs in &summary.rulesets {
            let _ = write!(h, "<li>{}</li>", esc(&text::named(rs.name.as_deref(), &rs.id)));
        }
        h.push_str("</ol>");
    }
    h.push_str("<p class=\"legend note\">");
    for v in [Verdict::Pass, Verdict::Incomplete, Verdict::Fail] {
        let _ = write!(h, r#"<span class="badge v-{}">{}</span>"#, v.key(), esc(text::verdict(v, lang)));
    }
    h.push_str("</p>");
    h
}

/// Up to this many rule sets, the heat map's columns carry their names.
const HEAT_NAMED_MAX: usize = 4;

/// Most bars one ranking chart draws; the rest are counted under it (the heat map
/// lists everyone).
const RANKING_MAX: usize = 60;

/// One bar chart per rule set evaluated for two entities or more: entities best first,
/// bar length score ÷ maximum, coloured by verdict. Empty when there is none.
fn rankings(summary: &Summary, lang: Lang) -> String {
    let r = report_words(lang);
    let mut h = String::new();
    for (col, rs) in summary.rulesets.iter().enumerate() {
        let mut entries: Vec<_> = summary
            .rows
            .iter()
            .filter_map(|(entity, cells)| cells.get(col).and_then(Option::as_ref).map(|c| (*entity, c)))
            .collect();
        entries.sort_by(|a, b| a.1.rank.cmp(&b.1.rank).then_with(|| a.0.id.cmp(&b.0.id)));
        let total = entries.len();
        if total < 2 {
            continue;
        }
        if h.is_empty() {
            let _ = write!(h, "<h2>{}</h2>", r.ranking);
        }
        entries.truncate(RANKING_MAX);
        let names: Vec<String> =
            entries.iter().map(|(e, _)| text::shown(e.name.as_deref().unwrap_or(&e.id)).into_owned()).collect();
        // Label column: the widest name at about 7.5 px per column of text.
        let widest = names.iter().map(|n| n.width()).max().unwrap_or(4);
        let label_w = (widest * 15 / 2 + 12).clamp(60, 260);
        let (bar_w, row_h) = (420, 22);
        let width = label_w + bar_w + 150;
        let height = row_h * entries.len() + 6;
        let _ = write!(
            h,
            r#"<div class="ranking"><h3>{title}</h3><svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{} · {title}" font-size="12">"#,
            r.ranking,
            title = esc(&text::named(rs.name.as_deref(), &rs.id))
        );
        for (i, ((_, c), name)) in entries.iter().zip(&names).enumerate() {
            let y = i * row_h + 3;
            let share = if c.max_score > Decimal::ZERO {
                (c.score / c.max_score).max(Decimal::ZERO).min(Decimal::ONE)
            } else {
                Decimal::ZERO
            };
            let len = px(share * Decimal::from(bar_w));
            let _ = write!(
                h,
                r##"<text x="{}" y="{}" text-anchor="end" fill="#1f2328">{}</text><rect x="{label_w}" y="{y}" width="{bar_w}" height="16" fill="#eaeef2"/><rect x="{label_w}" y="{y}" width="{len}" height="16" fill="{}"/><text x="{}" y="{}" fill="#1f2328">#{} · {}/{} · {}</text>"##,
                label_w - 8,
                y + 12,
                esc(name),
                verdict_colour(c.verdict),
                label_w + bar_w + 8,
                y + 12,
                c.rank,
                short_number(c.score),
                short_number(c.max_score),
                esc(text::verdict(c.verdict, lang))
            );
        }
        h.push_str("</svg>");
        if total > entries.len() {
            let more = total - entries.len();
            let _ = write!(
                h,
                "<p class=\"note\">{}</p>",
                match lang {
                    Lang::Zh => format!("另有 {more} 个对象未画出，见上表。"),
                    Lang::En => format!("{more} more not drawn; see the table above."),
                }
            );
        }
        h.push_str("</div>");
    }
    h
}

impl Emitter for HtmlEmitter {
    fn begin(&self, out: &mut dyn Write) -> io::Result<()> {
        let r = report_words(self.lang);
        let lang = match self.lang {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        };
        let date = self.today.map(|d| format!("<p>{} {d}</p>", r.generated)).unwrap_or_default();
        write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n<header class=\"page\"><h1>{}</h1>{date}</header>\n<main>\n<div id=\"details\"><h2>{}</h2><p class=\"note\">{}</p>\n",
            r.title, r.title, r.details, r.pace_tick
        )
    }

    fn section(&self, out: &mut dyn Write, s: &Section, index: usize) -> io::Result<()> {
        let gap = if index > 0 { "<div style=\"height:16px\"></div>\n" } else { "" };
        write!(out, "{gap}{}", article(s, index, self.lang))
    }

    fn finish(&self, out: &mut dyn Write, _sections: usize, summary: Option<&Summary>) -> io::Result<()> {
        out.write_all(b"</div>\n")?;
        if let Some(summary) = summary {
            let ranking = rankings(summary, self.lang);
            let ranking =
                if ranking.is_empty() { ranking } else { format!("<section class=\"card\">{ranking}</section>") };
            writeln!(
                out,
                "<div id=\"overview\"><section class=\"card\">{}</section>{ranking}</div>",
                heat_map(summary, self.lang),
            )?;
        }
        out.write_all(b"</main>\n</body>\n</html>\n")
    }

    fn shows_summary(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_for_html_and_the_terminal() {
        assert_eq!(esc("<script>alert('x')</script>"), "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
        assert_eq!(esc("a & \"b\""), "a &amp; &quot;b&quot;");
        assert_eq!(esc("绵竹\u{1b}[2J"), "绵竹\\u{1b}[2J");
    }

    #[test]
    fn the_style_sheet_reaches_nothing_outside_the_page() {
        for bad in ["http", "url(", "@import", "src="] {
            assert!(!CSS.contains(bad), "{bad}");
        }
    }
}
