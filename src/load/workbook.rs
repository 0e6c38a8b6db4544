//! Workbooks (`.xlsx`, as Excel and WPS save them; CONTRACT §6), read with calamine.
//! Each sheet becomes rows of layout cells: number cells as the spreadsheet shows
//! them (15 significant digits, never a float's noise), percent formats noted, date
//! cells as dates. Every sheet is also kept as a text of one cell per line, so that
//! problems print at `path:SHEET!C7` with the cell's text shown.
//!
//! A hostile workbook must end in an error, not a hang: the archive's declared sizes
//! are checked before calamine unpacks anything, and a sheet's cells are read as a
//! stream and counted, so that a huge dimension or a sheet of millions of cells is
//! refused without ever being held.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{Cursor, Read as _};

use calamine::{DataRef, Reader, Xlsx, XlsxError, XlsxFormulaMetadata};

use super::layout::{Cell, CellValue};
use super::value_text;
use crate::diagnostic::{Diagnostic, FileId, Loc, Sheet, Sources};
use crate::model::Date;
use crate::text::sheet::{SheetProblem, WorkbookProblem as Says};

/// What a workbook's archive may unpack to in all.
pub const MAX_UNPACKED_BYTES: u64 = 512 * 1024 * 1024;
/// Cells of one sheet (counting the empty cells inside each row's used part).
pub const MAX_SHEET_CELLS: usize = 2_000_000;
/// Columns of one sheet.
pub const MAX_SHEET_COLUMNS: u32 = 5_000;

/// One sheet, read.
pub struct ReadSheet {
    pub name: String,
    pub file: FileId,
    /// The rows that hold anything, with their 0-based row numbers, each with a
    /// cell for every column up to its last non-empty one (an empty cell's text is
    /// empty).
    pub rows: Vec<(u32, Vec<Cell<'static>>)>,
}

/// About the whole file, or about one of its sheets: a notice for a sheet that is
/// not a worksheet, else an error.
fn about(problem: Says, path: &str, sheet: Option<&str>) -> Diagnostic {
    let notice = problem == Says::NotAWorksheet;
    let problem = SheetProblem::Workbook { problem, sheet: sheet.map(str::to_string) };
    let help = problem.help(crate::text::Lang::En).is_some().then(|| problem.clone().help_said());
    let message = problem.said();
    let d = if notice { Diagnostic::file_notice(path, message) } else { Diagnostic::file_error(path, message) };
    match help {
        Some(help) => d.with_help(help),
        None => d,
    }
}

/// Read every sheet of a workbook. Problems with the whole file are reported and
/// give no sheets; a sheet too large to read is reported and left out.
pub fn read(path: &str, bytes: Vec<u8>, sources: &mut Sources, diags: &mut Vec<Diagnostic>) -> Vec<ReadSheet> {
    if let Err(says) = check_archive(&bytes, MAX_UNPACKED_BYTES) {
        diags.push(about(says, path, None));
        return Vec::new();
    }
    let mut book = match Xlsx::new(Cursor::new(bytes)) {
        Ok(book) => book,
        Err(XlsxError::Password) => {
            diags.push(about(Says::Password, path, None));
            return Vec::new();
        }
        Err(e) => {
            diags.push(about(Says::CannotRead(e.to_string()), path, None));
            return Vec::new();
        }
    };
    let mut out = Vec::new();
    for name in book.sheet_names() {
        match sheet_cells(&mut book, &name) {
            Ok(cells) => out.push(build(path, name, cells, sources)),
            Err(says) => diags.push(about(says, path, Some(&name))),
        }
    }
    out
}

/// The archive's entries unpack to no more than `limit` bytes in all: counted by
/// unpacking them into nothing (an archive may declare sizes that are not true), and
/// stopped as soon as the limit is passed, so that a "zip bomb" costs at most the
/// time to unpack `limit` bytes and no memory.
fn check_archive(bytes: &[u8], limit: u64) -> Result<(), Says> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| Says::NotAZip(e.to_string()))?;
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip.by_index(i).map_err(|e| Says::Damaged(e.to_string()))?;
        let mut bounded = entry.take(limit - total + 1);
        total += std::io::copy(&mut bounded, &mut std::io::sink()).map_err(|e| Says::Damaged(e.to_string()))?;
        if total > limit {
            return Err(Says::Unpacks(limit));
        }
    }
    Ok(())
}

/// A cell as read: (row, column), what it holds, and its text as shown.
type RawCell = (u32, u32, CellValue, String);

/// Stream a sheet's non-empty cells, counting them against the limits.
fn sheet_cells(book: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> Result<Vec<RawCell>, Says> {
    let mut reader = match book.worksheet_cells_reader(name) {
        Ok(r) => r,
        Err(XlsxError::NotAWorksheet(_)) => return Err(Says::NotAWorksheet),
        Err(e) => return Err(Says::SheetUnreadable(e.to_string())),
    };
    let percent: Vec<bool> = reader
        .styles()
        .iter()
        .map(|s| s.number_format.as_ref().is_some_and(|f| is_percent_format(&f.format_code)))
        .collect();
    let mut cells = Vec::new();
    let mut dense: usize = 0;
    let mut row_start = (u32::MAX, 0u32);
    loop {
        let next = reader.next_cell_with_style_id().map_err(|e| Says::SheetUnreadable(e.to_string()))?;
        let Some((cell, style)) = next else { break };
        let (row, col) = cell.get_position();
        if col >= MAX_SHEET_COLUMNS {
            return Err(Says::TooManyColumns { col: col + 1, max: MAX_SHEET_COLUMNS });
        }
        let Some((value, text)) = convert(cell.get_value(), percent.get(style).copied().unwrap_or(false)) else {
            continue;
        };
        // The cells a row takes, empty ones included, as the row's width so far.
        if row_start.0 != row {
            row_start = (row, 0);
        }
        dense += (col + 1).saturating_sub(row_start.1) as usize;
        row_start.1 = row_start.1.max(col + 1);
        if dense > MAX_SHEET_CELLS {
            return Err(Says::TooManyCells { max: MAX_SHEET_CELLS });
        }
        cells.push((row, col, value, text));
    }
    drop(reader);
    // A formula whose result was never saved (a workbook written by a program that
    // does not calculate) reads as empty: found in a second pass, so that it is an
    // error rather than a figure silently missing.
    let mut reader = book.worksheet_cells_reader(name).map_err(|e| Says::SheetUnreadable(e.to_string()))?;
    while let Some(record) =
        reader.next_cell_with_formula_metadata().map_err(|e| Says::SheetUnreadable(e.to_string()))?
    {
        let empty = match &record.value {
            DataRef::Empty => true,
            DataRef::String(s) => s.is_empty(),
            _ => false,
        };
        if !empty || record.pos.1 >= MAX_SHEET_COLUMNS {
            continue;
        }
        let Some(formula) = record.formula else { continue };
        let text = match formula {
            XlsxFormulaMetadata::Normal { formula } | XlsxFormulaMetadata::Shared { formula, .. } => {
                format!("={}", formula.trim_start_matches('='))
            }
            _ => "=…".to_string(),
        };
        dense += 1;
        if dense > MAX_SHEET_CELLS {
            return Err(Says::TooManyCells { max: MAX_SHEET_CELLS });
        }
        cells.push((record.pos.0, record.pos.1, CellValue::Unsaved, text));
    }
    drop(reader);
    // A merged cell (a county's name over its rows for two years) holds its value
    // in its first cell only; every cell it covers reads as that value.
    let merged = book.merge_cells_by_sheet_name(name).unwrap_or_default();
    if !merged.is_empty() {
        let at: std::collections::HashMap<(u32, u32), usize> =
            cells.iter().enumerate().map(|(i, c)| ((c.0, c.1), i)).collect();
        // Every covered cell is counted, so that overlapping regions cannot make
        // this loop long.
        let mut covered: usize = 0;
        for region in merged {
            let Some(&first) = at.get(&region.start) else { continue };
            if region.start.1 >= MAX_SHEET_COLUMNS {
                continue;
            }
            let (value, text) = (cells[first].2.clone(), cells[first].3.clone());
            let cols = region.start.1..=region.end.1.min(MAX_SHEET_COLUMNS - 1);
            for row in region.start.0..=region.end.0 {
                for col in cols.clone() {
                    covered += 1;
                    if covered > MAX_SHEET_CELLS {
                        return Err(Says::TooManyCells { max: MAX_SHEET_CELLS });
                    }
                    if (row, col) == region.start || at.contains_key(&(row, col)) {
                        continue;
                    }
                    dense += 1;
                    if dense > MAX_SHEET_CELLS {
                        return Err(Says::TooManyCells { max: MAX_SHEET_CELLS });
                    }
                    cells.push((row, col, value.clone(), text.clone()));
                }
            }
        }
    }
    cells.sort_by_key(|c| (c.0, c.1));
    cells.dedup_by_key(|c| (c.0, c.1));
    Ok(cells)
}

/// Whether a number format shows a percent (a `%` outside quotes and brackets).
fn is_percent_format(code: &str) -> bool {
    let (mut quoted, mut bracket, mut escaped) = (false, false, false);
    for c in code.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => quoted = !quoted,
            '[' if !quoted => bracket = true,
            ']' if !quoted => bracket = false,
            '%' if !quoted && !bracket => return true,
            _ => {}
        }
    }
    false
}

/// A cell's value and its text as shown; `None` for an empty cell.
fn convert(value: &DataRef, percent: bool) -> Option<(CellValue, String)> {
    let number = |d: rust_decimal::Decimal| {
        let shown = if percent { format!("{}%", d * rust_decimal::Decimal::ONE_HUNDRED) } else { d.to_string() };
        (CellValue::Number(d, percent), shown)
    };
    Some(match value {
        DataRef::Empty => return None,
        DataRef::String(s) if s.trim().is_empty() => return None,
        DataRef::SharedString(s) if s.trim().is_empty() => return None,
        DataRef::String(s) => (CellValue::Text, s.clone()),
        DataRef::SharedString(s) => (CellValue::Text, (*s).to_string()),
        DataRef::Int(i) => number(rust_decimal::Decimal::from(*i)),
        DataRef::Float(f) => match value_text::from_float(*f) {
            Some(d) => number(d),
            None => (CellValue::Text, format!("{f}")),
        },
        DataRef::Bool(b) => (CellValue::Bool(*b), if *b { "TRUE" } else { "FALSE" }.to_string()),
        DataRef::DateTime(dt) => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            match Date::new(i32::from(y), u32::from(m), u32::from(d)) {
                Some(date) if dt.is_datetime() => (CellValue::Date(date), date.to_string()),
                _ => (CellValue::Text, format!("{}", dt.as_f64())),
            }
        }
        DataRef::DateTimeIso(s) => match s.get(..10).and_then(value_text::read_date) {
            Some(date) => (CellValue::Date(date), date.to_string()),
            None => (CellValue::Text, s.clone()),
        },
        DataRef::DurationIso(s) => (CellValue::Text, s.clone()),
        DataRef::Error(e) => (CellValue::Text, format!("{e}")),
    })
}

/// The sheet's rows of cells, and its text (one cell per line) in `sources`.
fn build(path: &str, name: String, cells: Vec<RawCell>, sources: &mut Sources) -> ReadSheet {
    let mut text = String::new();
    let mut places = Vec::new();
    // Each row's cells: (value, text, span of its line).
    type Line = Vec<(CellValue, String, std::ops::Range<usize>)>;
    let mut rows: Vec<(u32, Line)> = Vec::new();
    for (row, col, value, shown) in cells {
        if rows.last().is_none_or(|(r, _)| *r != row) {
            rows.push((row, Vec::new()));
        }
        let Some((_, line)) = rows.last_mut() else { continue };
        // The empty cells before this one in its row get lines of their own.
        while line.len() < col as usize {
            let at = text.len();
            places.push((row, line.len() as u32));
            text.push('\n');
            line.push((CellValue::Text, String::new(), at..at));
        }
        let at = text.len();
        // A line break inside a cell would split its line: shown as a space.
        let _ = writeln!(text, "{}", shown.replace(['\n', '\r'], " "));
        places.push((row, col));
        line.push((value, shown, at..text.len() - 1));
    }
    let file = sources.add_sheet(path.to_string(), text, Sheet { name: name.clone(), cells: places });
    let out = rows
        .into_iter()
        .map(|(row, line)| {
            let cells = line
                .into_iter()
                .map(|(value, text, span)| Cell { text: Cow::Owned(text), loc: Loc::new(file, span), value })
                .collect();
            (row, cells)
        })
        .collect();
    ReadSheet { name, file, rows: out }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A zip archive of one entry of `len` zero bytes.
    fn zeros(len: usize) -> Vec<u8> {
        use std::io::Write as _;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file("xl/sharedStrings.xml", zip::write::SimpleFileOptions::default()).unwrap();
        zip.write_all(&vec![0; len]).unwrap();
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn an_archive_that_unpacks_past_the_limit_is_refused() {
        let bomb = zeros(3 << 20);
        assert!(bomb.len() < 1 << 16, "{}", bomb.len());
        assert_eq!(
            check_archive(&bomb, 1 << 20)
                .map_err(|s| SheetProblem::Workbook { problem: s, sheet: None }.message(crate::text::Lang::En)),
            Err("this workbook unpacks to more than 1 MiB, the most kaohe unpacks from one workbook".into())
        );
        assert_eq!(check_archive(&bomb, 4 << 20), Ok(()));
        assert!(check_archive(b"PK not really", 1 << 20).is_err());
    }

    #[test]
    fn percent_formats() {
        for code in ["0%", "0.00%", "#,##0.0%"] {
            assert!(is_percent_format(code), "{code}");
        }
        for code in ["General", "0.00", "\"%\"0", "[Red]0.0", "0\\%"] {
            assert!(!is_percent_format(code), "{code}");
        }
    }
}
