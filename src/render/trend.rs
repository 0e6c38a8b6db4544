//! Output of `trend` and `compare`.

use comfy_table::{Cell, CellAlignment};
use serde_json::{Value, json};

use super::{csv_cell, csv_number, csv_text, exact_number, interval_text, short_number};
use crate::cli::Format;
use crate::interval::Interval;
use crate::model::{Entity, Model};
use crate::text::{self, Lang, words};
use crate::trend::{Comparison, Series, sparkline};

fn metric_label(model: &Model, id: &str, lang: Lang) -> String {
    model.catalog.get(id).map_or(id.to_string(), |m| {
        let unit =
            m.unit.as_deref().filter(|u| *u != "bool").map(|u| format!(" ({})", text::shown(u))).unwrap_or_default();
        format!("{}{unit}", text::metric_label(m, lang))
    })
}

fn is_bool(model: &Model, id: &str) -> bool {
    model.catalog.get(id).is_some_and(|m| m.is_bool())
}

fn json_interval(v: &Result<Interval, crate::expr::Unknown>) -> Value {
    let num = |d: Option<rust_decimal::Decimal>| d.map_or(Value::Null, |d| Value::String(exact_number(d)));
    match v {
        Ok(i) => {
            json!({"value": num(i.as_point()), "low": num(i.low), "high": num(i.high), "approximate": i.approx, "reason": null})
        }
        Err(e) => {
            json!({"value": null, "low": null, "high": null, "approximate": false, "reason": text::unknown(e, Lang::En)})
        }
    }
}

/// A plain grid of text as a terminal table or a Markdown table; `right` marks the
/// right-aligned columns, `wrap` those that may wrap to fit `width` (terminal only).
fn grid(
    header: &[String],
    rows: &[Vec<String>],
    right: &[bool],
    markdown: bool,
    width: Option<u16>,
    wrap: &[bool],
) -> String {
    if markdown {
        let align: String = right.iter().map(|r| if *r { "--:|" } else { "---|" }).collect();
        let mut out = super::markdown::row(header);
        out.push_str(&format!("|{align}\n"));
        for r in rows {
            out.push_str(&super::markdown::row(r));
        }
        return out;
    }
    let mut t = super::table::new_table();
    t.set_header(header.to_vec());
    for r in rows {
        t.add_row(r.iter().zip(right.iter().chain(std::iter::repeat(&false))).map(|(text, right)| {
            let cell = Cell::new(text);
            if *right { cell.set_alignment(CellAlignment::Right) } else { cell }
        }));
    }
    format!("{}\n", super::table::fit(&mut t, width, wrap))
}

pub fn trend(
    model: &Model,
    entity: &Entity,
    series: &[Series],
    format: Format,
    lang: Lang,
    width: Option<u16>,
) -> String {
    match format {
        Format::Json => {
            let doc = json!({
                "entity": entity.id,
                "entity_name": entity.name,
                "metrics": series.iter().map(|s| json!({
                    "metric": s.metric,
                    "values": s.points.iter().map(|(p, v, g)| {
                        let mut o = json_interval(v);
                        o["period"] = json!(p);
                        o["growth_pct"] = g.map_or(Value::Null, |g| Value::String(exact_number(g)));
                        o
                    }).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
            });
            super::json::to_pretty(&doc)
        }
        Format::Csv => {
            let rows = series.iter().flat_map(|s| {
                s.points.iter().map(move |(p, v, g)| {
                    let (low, high, reason) = match v {
                        Ok(i) => (csv_number(i.low), csv_number(i.high), String::new()),
                        Err(e) => (String::new(), String::new(), csv_cell(&text::unknown(e, Lang::En))),
                    };
                    vec![
                        entity.id.clone(),
                        s.metric.clone(),
                        text::shown(p).into_owned(),
                        low,
                        high,
                        csv_number(*g),
                        reason,
                    ]
                })
            });
            csv_text(&["entity", "metric", "period", "actual_low", "actual_high", "growth_pct", "reason"], rows)
        }
        // Html and Xlsx are refused for trend and compare before any file is read.
        Format::Table | Format::Markdown | Format::Html | Format::Xlsx => {
            let periods: Vec<&String> =
                series.first().map(|s| s.points.iter().map(|(p, _, _)| p).collect()).unwrap_or_default();
            let w = words(lang);
            let mut header = vec![w.metric.to_string()];
            header.extend(periods.iter().map(|p| match entity.periods.get(p).and_then(|x| x.as_of) {
                Some(d) => format!("{} ({} {d})", text::shown(p), w.to),
                None => text::shown(p).into_owned(),
            }));
            header.push(w.trend.to_string());
            let mut rows = Vec::new();
            for s in series {
                let mut row = vec![metric_label(model, &s.metric, lang)];
                for (_, v, g) in &s.points {
                    let mut text = v.as_ref().map_or("—".into(), |i| interval_text(i, is_bool(model, &s.metric)));
                    if let Some(g) = g {
                        let sign = if g.is_sign_negative() { "" } else { "+" };
                        text.push_str(&format!(" ({sign}{}%)", short_number(*g)));
                    }
                    row.push(text);
                }
                let years: Vec<_> = s
                    .points
                    .iter()
                    .filter(|(p, _, _)| crate::model::is_year(p))
                    .map(|(_, v, _)| v.as_ref().ok().and_then(|i| i.as_point()))
                    .collect();
                row.push(sparkline(&years));
                rows.push(row);
            }
            // Values right-aligned; the label and the sparkline left.
            let right: Vec<bool> = (0..header.len()).map(|i| i > 0 && i + 1 < header.len()).collect();
            let name = text::named(entity.name.as_deref(), &entity.id);
            let title = if format == Format::Markdown { format!("# {name}\n\n") } else { format!("{name}\n") };
            title + &grid(&header, &rows, &right, format == Format::Markdown, width, &[true])
        }
    }
}

pub fn compare(model: &Model, c: &Comparison, format: Format, lang: Lang, width: Option<u16>) -> String {
    let stats = |d: Option<rust_decimal::Decimal>| d.map_or(Value::Null, |d| Value::String(exact_number(d)));
    match format {
        Format::Json => {
            let doc = json!({
                "metric": c.metric,
                "period": c.period,
                "min": stats(c.min), "median": stats(c.median), "max": stats(c.max), "counted": c.counted,
                "entities": c.standings.iter().map(|s| {
                    let mut o = json_interval(&s.value);
                    o["entity"] = json!(s.entity);
                    o["entity_name"] = json!(s.name);
                    o["rank"] = json!(s.rank);
                    o
                }).collect::<Vec<_>>(),
            });
            super::json::to_pretty(&doc)
        }
        Format::Csv => {
            let rows = c.standings.iter().map(|s| {
                let (low, high, reason) = match &s.value {
                    Ok(i) => (csv_number(i.low), csv_number(i.high), String::new()),
                    Err(e) => (String::new(), String::new(), csv_cell(&text::unknown(e, Lang::En))),
                };
                let rank = s.rank.map(|r| r.to_string()).unwrap_or_default();
                vec![rank, s.entity.clone(), c.metric.clone(), text::shown(&c.period).into_owned(), low, high, reason]
            });
            csv_text(&["rank", "entity", "metric", "period", "actual_low", "actual_high", "reason"], rows)
        }
        // Html and Xlsx are refused for trend and compare before any file is read.
        Format::Table | Format::Markdown | Format::Html | Format::Xlsx => {
            let w = words(lang);
            let header: Vec<String> = [w.rank, w.entity, w.value, w.remark].map(String::from).to_vec();
            let mut rows = Vec::new();
            for s in &c.standings {
                let name = text::named(s.name.as_deref(), &s.entity);
                let (value, note) = match &s.value {
                    Ok(i) => (interval_text(i, is_bool(model, &c.metric)), String::new()),
                    Err(e) => ("—".to_string(), text::shown(&text::unknown(e, lang)).into_owned()),
                };
                rows.push(vec![s.rank.map_or("—".into(), |r| r.to_string()), name, value, note]);
            }
            let markdown = format == Format::Markdown;
            let t = grid(&header, &rows, &[true, false, true, false], markdown, width, &[false, true, false, true]);
            let spread = |d: Option<rust_decimal::Decimal>| d.map_or("—".into(), short_number);
            let footer = text::spread(&spread(c.min), &spread(c.median), &spread(c.max), c.counted, lang);
            let title = format!("{} · {} {}", metric_label(model, &c.metric, lang), w.period, text::shown(&c.period));
            if markdown {
                format!("# {title}\n\n{t}\n{footer}\n")
            } else {
                let title = super::table::wrap_lines(&title, width, 2);
                format!("{title}{t}{}", super::table::wrap_lines(&footer, width, 2))
            }
        }
    }
}
