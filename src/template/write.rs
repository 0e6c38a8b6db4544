//! The form's two formats: a CSV file in the wide layout, and a workbook with the
//! data sheet, an `entities` sheet and a `说明` sheet (CONTRACT §6). Both are built in
//! memory (a form is one row per entity and period, small) and written by the caller
//! in one atomic step.
//!
//! The only floating point here is the workbook's own: a number cell is an f64 and a
//! column width is in fractional character units. Figures become f64 only at the last
//! step, and only where that loses nothing ([`exact_f64`]); nothing is computed on them.

use rust_decimal::Decimal;
use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Note, Workbook, Worksheet, XlsxError};
use unicode_width::UnicodeWidthStr;

use super::{Cell, Form};
use crate::text::form;

/// Digits an f64 carries without loss, and that the reader rounds a number cell to.
const EXCEL_DIGITS: u32 = 15;

/// The header row: `entity`, `period`, `as_of` where the form has one, then the metrics.
fn header_row(f: &Form) -> Vec<String> {
    let mut h = vec![form::ENTITY.to_string(), form::PERIOD.to_string()];
    if f.with_as_of {
        h.push(form::AS_OF.to_string());
    }
    h.extend(f.headers.iter().cloned());
    h
}

/// A number as the form writes it in text: every digit, no exponent.
fn number_text(d: Decimal) -> String {
    d.normalize().to_string()
}

/// Where the CSV form goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CsvTo {
    /// A file: it starts with a UTF-8 byte order mark, so that Excel and WPS open its
    /// Chinese headers as UTF-8, not as the local code page.
    File,
    /// Standard output: no BOM, and text from the input files (catalog names, period
    /// ids) shown with control characters escaped, as everything kaohe prints (CONTRACT §7).
    Stdout,
}

/// The form as CSV (RFC 4180, LF line ends).
pub fn csv(f: &Form, to: CsvTo) -> Vec<u8> {
    let mut out = Vec::new();
    if to == CsvTo::File {
        out.extend_from_slice("\u{feff}".as_bytes());
    }
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::Any(b'\n')).from_writer(out);
    let rows = std::iter::once(header_row(f)).chain(f.rows.iter().map(|r| {
        let mut row = vec![r.entity.id.clone(), r.period.clone()];
        if f.with_as_of {
            row.push(r.as_of.map(|d| d.to_string()).unwrap_or_default());
        }
        row.extend(r.cells.iter().map(|c| match c {
            Cell::Empty => String::new(),
            Cell::Number(d) => number_text(*d),
            Cell::Text(t) => t.clone(),
        }));
        row
    }));
    for row in rows {
        let row: Vec<String> = match to {
            CsvTo::File => row,
            CsvTo::Stdout => row.iter().map(|s| crate::text::shown(s).into_owned()).collect(),
        };
        // Writing to a Vec cannot fail.
        let _ = w.write_record(&row);
    }
    w.into_inner().unwrap_or_default()
}

/// The value as an f64 when a number cell holds it without loss: at most 15
/// significant digits, so that reading the cell back (rounded to 15 digits, as a
/// spreadsheet shows it) gives this very decimal. Anything longer is written as text.
pub fn exact_f64(d: Decimal) -> Option<f64> {
    let d = d.normalize();
    let mut mantissa = d.mantissa().unsigned_abs();
    while mantissa != 0 && mantissa.is_multiple_of(10) {
        mantissa /= 10;
    }
    let digits = mantissa.checked_ilog10().map_or(1, |l| l + 1);
    if digits > EXCEL_DIGITS {
        return None;
    }
    // The shortest decimal text parses to the nearest f64, which 15 digits identify.
    d.to_string().parse::<f64>().ok().filter(|x| x.is_finite())
}

/// Columns in Excel's width units: an East-Asian wide character takes two.
fn width(text: &str) -> f64 {
    let w = text.lines().map(UnicodeWidthStr::width).max().unwrap_or(0);
    // Room for the filter arrow and a margin; wide enough to type in, never absurd.
    (w + 2).clamp(8, 60) as f64
}

/// The workbook form. Its bytes depend only on the form: the document's creation
/// date is fixed (the library would stamp the time of the run).
pub fn xlsx(f: &Form) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let created = ExcelDateTime::from_ymd(2016, 1, 1)?;
    book.set_properties(&DocProperties::new().set_creation_datetime(&created).set_title("kaohe 填报表"));
    let bold = Format::new().set_bold();

    data_sheet(book.add_worksheet(), f, &bold)?;

    let entities = book.add_worksheet().set_name(form::ENTITIES_SHEET)?;
    let mut table: Vec<Vec<String>> = vec![["id", "name", "kind", "tags"].map(String::from).to_vec()];
    table.extend(f.entities.iter().map(|e| {
        vec![e.id.clone(), e.name.clone().unwrap_or_default(), e.kind.clone().unwrap_or_default(), e.tags.join(";")]
    }));
    write_text_table(entities, &table, &bold)?;
    entities.set_freeze_panes(1, 0)?;

    let help = book.add_worksheet().set_name(form::HELP_SHEET)?;
    let mut row = 0;
    let mut widest = 0.0f64;
    for (i, (zh, en)) in form::HELP.iter().enumerate() {
        let format = if i == 0 { bold.clone() } else { Format::new() };
        help.write_string_with_format(row, 0, *zh, &format)?;
        help.write_string_with_format(row + 1, 0, *en, &format)?;
        widest = widest.max(width(zh)).max(width(en));
        row += 3;
    }
    // The long lines stay on one line each; the sheet scrolls sideways like a text.
    help.set_column_width(0, widest.max(60.0))?;

    book.save_to_buffer()
}

/// What goes into a data cell: a number (with its text, for the width) or text.
enum Put {
    Number(f64, String),
    Text(String),
}

fn data_sheet(sheet: &mut Worksheet, f: &Form, bold: &Format) -> Result<(), XlsxError> {
    sheet.set_name(form::DATA_SHEET)?;
    let header = header_row(f);
    let first_metric = header.len() - f.columns.len();
    let mut widths: Vec<f64> = header.iter().map(|h| width(h)).collect();
    for (c, h) in header.iter().enumerate() {
        let col = col(c);
        sheet.write_string_with_format(0, col, h, bold)?;
        if let Some(m) = c.checked_sub(first_metric).and_then(|i| f.columns.get(i)) {
            let note = Note::new(form::header_note(&m.id, m.unit.as_deref())).set_author("kaohe");
            sheet.insert_note(0, col, &note)?;
        }
    }
    for (i, r) in f.rows.iter().enumerate() {
        let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
        let mut cells: Vec<Option<Put>> = vec![Some(Put::Text(r.entity.id.clone())), Some(Put::Text(r.period.clone()))];
        if f.with_as_of {
            cells.push(r.as_of.map(|d| Put::Text(d.to_string())));
        }
        cells.extend(r.cells.iter().map(|cell| match cell {
            Cell::Empty => None,
            Cell::Number(d) => Some(match exact_f64(*d) {
                Some(x) => Put::Number(x, number_text(*d)),
                None => Put::Text(number_text(*d)),
            }),
            Cell::Text(t) => Some(Put::Text(t.clone())),
        }));
        for (c, put) in cells.iter().enumerate() {
            match put {
                None => {}
                Some(Put::Number(x, shown)) => {
                    widths[c] = widths[c].max(width(shown));
                    sheet.write_number(row, col(c), *x)?;
                }
                Some(Put::Text(t)) => {
                    widths[c] = widths[c].max(width(t));
                    sheet.write_string(row, col(c), t)?;
                }
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(col(c), *w)?;
    }
    // The header and the entity and period columns stay in view.
    sheet.set_freeze_panes(1, 2)?;
    Ok(())
}

fn write_text_table(sheet: &mut Worksheet, table: &[Vec<String>], bold: &Format) -> Result<(), XlsxError> {
    let mut widths: Vec<f64> = Vec::new();
    for (r, row) in table.iter().enumerate() {
        let r32 = u32::try_from(r).unwrap_or(u32::MAX);
        for (c, s) in row.iter().enumerate() {
            if r == 0 {
                sheet.write_string_with_format(r32, col(c), s, bold)?;
            } else if !s.is_empty() {
                sheet.write_string(r32, col(c), s)?;
            }
            if widths.len() <= c {
                widths.push(0.0);
            }
            widths[c] = widths[c].max(width(s));
        }
    }
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(col(c), *w)?;
    }
    Ok(())
}

/// A column number; a form has far fewer columns than a sheet's 16,384.
fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;

    #[test]
    fn a_number_cell_only_where_fifteen_digits_hold_the_value() {
        let f = |s: &str| exact_f64(Decimal::from_str(s).unwrap_or_default());
        assert_eq!(f("0.1"), Some(0.1));
        assert_eq!(f("2.675"), Some(2.675));
        assert_eq!(f("1234.56"), Some(1234.56));
        assert_eq!(f("24000.0"), Some(24000.0));
        assert_eq!(f("-3.5"), Some(-3.5));
        assert_eq!(f("0"), Some(0.0));
        assert_eq!(f("123456789012345"), Some(123_456_789_012_345.0));
        assert_eq!(f("100000000000000000000"), Some(1e20));
        assert_eq!(f("1234567890123456"), None);
        assert_eq!(f("0.1234567890123456"), None);
        assert_eq!(f("79228162514264337593543950335"), None);
    }

    #[test]
    fn wide_characters_count_twice_in_column_widths() {
        assert_eq!(width("专利申请量（件）"), 18.0);
        assert_eq!(width("id"), 8.0);
        assert_eq!(width(&"x".repeat(100)), 60.0);
    }
}
