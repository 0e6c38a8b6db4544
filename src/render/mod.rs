//! Rendering: one emitter per output format behind one trait, each writing to any
//! `Write` section by section (ripgrep's printers and ruff's emitters are the model).
//! Rounding for display happens here and in `crate::number` only; wording comes from
//! `crate::text`.

pub mod csv;
pub mod explain;
pub mod html;
pub mod json;
pub mod markdown;
pub mod table;
pub mod trend;
pub mod xlsx;

use std::io::{self, Write};

use rust_decimal::Decimal;

use crate::cli::Format;
use crate::model::Date;
use crate::report::{Section, Summary, TargetCell};
use crate::text::Lang;

pub use crate::number::{exact_number, short_number};
pub use crate::text::interval_short as interval_text;

/// One output format of `eval`. The driver calls `begin`, then `section` once per
/// evaluation in the contract's order (`index` counts from 0 across the whole run, so
/// that an emitter can separate sections), then `finish`. Sections may be rendered on
/// several threads into buffers that are written in order, so an emitter keeps no
/// state between calls — except an emitter whose format cannot stream (xlsx): it
/// keeps owned, typed rows from each `section` behind a lock, keyed by `index`, and
/// writes everything in `finish`.
pub trait Emitter: Sync {
    fn begin(&self, out: &mut dyn Write) -> io::Result<()>;
    fn section(&self, out: &mut dyn Write, section: &Section, index: usize) -> io::Result<()>;
    /// [`Emitter::section`] appended to a buffer; a format may write into it directly.
    fn section_to_vec(&self, out: &mut Vec<u8>, section: &Section, index: usize) -> io::Result<()> {
        self.section(out, section, index)
    }
    /// `sections` is how many were written; `summary` is there with two entities or more.
    fn finish(&self, out: &mut dyn Write, sections: usize, summary: Option<&Summary>) -> io::Result<()>;
    /// Whether this format prints `needs` (so that they are solved only then).
    fn shows_needs(&self) -> bool {
        true
    }
    /// Whether this format prints the summary matrix.
    fn shows_summary(&self) -> bool {
        false
    }
}

/// The emitter of `format`; `width` is the terminal's to fit (table only), `None` for
/// the fixed layout; `today` dates the reports that carry a date.
pub fn emitter(format: Format, lang: Lang, width: Option<u16>, today: Option<Date>) -> Box<dyn Emitter> {
    match format {
        Format::Table => Box::new(table::TableEmitter { lang, width }),
        Format::Markdown => Box::new(markdown::MarkdownEmitter { lang }),
        Format::Csv => Box::new(csv::CsvEmitter),
        Format::Json => Box::new(json::JsonEmitter),
        Format::Html => Box::new(html::HtmlEmitter { lang, today }),
        Format::Xlsx => Box::new(xlsx::XlsxEmitter::new(lang, today)),
    }
}

/// A CSV writer with the contract's dialect: RFC 4180 quoting, LF line ends.
pub fn csv_writer<W: Write>(out: W) -> ::csv::Writer<W> {
    ::csv::WriterBuilder::new().terminator(::csv::Terminator::Any(b'\n')).from_writer(out)
}

/// A CSV cell of text from the input files (a name, a group, a reason): shown as §7
/// says, and with a leading `'` when it would start a spreadsheet formula (`=`, `+`,
/// `-`, `@`), so that opening the file never runs it (CONTRACT §8).
pub fn csv_cell(s: &str) -> String {
    let shown = crate::text::shown(s);
    if shown.starts_with(['=', '+', '-', '@']) { format!("'{shown}") } else { shown.into_owned() }
}

/// RFC 4180 CSV with LF line ends: a header, then one record per row.
pub fn csv_text(header: &[&str], rows: impl IntoIterator<Item = Vec<String>>) -> String {
    let mut w = csv_writer(Vec::new());
    // Writing to a Vec cannot fail.
    let _ = w.write_record(header);
    for row in rows {
        let _ = w.write_record(&row);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Empty for `None` (CSV cells), else the contract's number format.
pub fn csv_number(d: Option<Decimal>) -> String {
    d.map(exact_number).unwrap_or_default()
}

pub fn target_text(t: &TargetCell) -> String {
    match t {
        TargetCell::Value(op, v) => format!("{} {}", op.symbol(), short_number(*v)),
        TargetCell::Bool(op, b) => format!("{} {}", op.symbol(), b),
        TargetCell::Between(l, h) => format!("{}–{}", short_number(*l), short_number(*h)),
        TargetCell::Interval(op, t, None) => format!("{} {}", op.symbol(), interval_text(t, false)),
        TargetCell::Interval(_, l, Some(h)) => format!("{} .. {}", interval_text(l, false), interval_text(h, false)),
        TargetCell::Unknown(op) => format!("{} —", op.symbol()),
    }
}

/// A ten-cell bar of `pct` (capped at 100%), with a tick at `expected` when given.
pub fn bar(pct: Decimal, expected: Option<Decimal>) -> String {
    let cells = |p: Decimal| {
        let tenths = (p.max(Decimal::ZERO).min(Decimal::ONE_HUNDRED) / Decimal::TEN).floor();
        usize::try_from(tenths.mantissa() / 10i128.pow(tenths.scale())).unwrap_or(0).min(10)
    };
    let filled = cells(pct);
    let tick = expected.map(|e| cells(e).min(9));
    (0..10)
        .map(|i| {
            if Some(i) == tick {
                '┃'
            } else if i < filled {
                '█'
            } else {
                '░'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn exact_numbers_follow_the_contract() {
        assert_eq!(exact_number(d("40.96834264432029795158286778")), "40.968343");
        assert_eq!(exact_number(d("2.5000000")), "2.5");
        assert_eq!(exact_number(d("-0.0000001")), "0");
        assert_eq!(exact_number(d("0.0000005")), "0.000001");
        assert_eq!(exact_number(d("-0.0000005")), "-0.000001");
        assert_eq!(exact_number(d("24000")), "24000");
    }

    #[test]
    fn bars_cap_and_tick() {
        assert_eq!(bar(d("45"), None), "████░░░░░░");
        assert_eq!(bar(d("136.5"), None), "██████████");
        assert_eq!(bar(d("30"), Some(d("49.7"))), "███░┃░░░░░");
    }
}
