//! The wording of the spreadsheet reader's problems (CSV files, workbooks, their
//! layouts and value text; CONTRACT §6), in Chinese and English. The reader builds
//! a [`SheetProblem`] with the problem's data; [`super::Message::Sheet`] prints its
//! sentence and [`super::Message::SheetHelp`] its help line.

use super::diagnostics::{Message, NumberError};
use crate::diagnostic::{Diagnostic, Loc};
use crate::model::{Date, Qualifier};
use crate::text::Lang;

/// The columns of the long layout, as its header writes them.
const LONG_HEADER: &str = "entity,period,metric,value,qualifier,unit,source";

/// A problem of the spreadsheet reader.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SheetProblem {
    Csv(CsvProblem),
    Layout(LayoutProblem),
    /// A workbook's problem, about one of its sheets when `sheet` names it.
    Workbook {
        problem: WorkbookProblem,
        sheet: Option<String>,
    },
}

/// A CSV file's or a sheet's rows (`spreadsheet.rs`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CsvProblem {
    QuoteNeverClosed,
    TextAfterQuote,
    /// A quoted field running on for this many more lines, then text after its quote.
    QuoteRunsOn(usize),
    /// The header of neither layout (`entities`: of an entities file); `entities_elsewhere`
    /// when it is the entities header in a figures file.
    BadHeader {
        entities: bool,
        entities_elsewhere: bool,
    },
    RowWidth {
        fields: usize,
        header: usize,
    },
    EntitiesSheetHeader(String),
    RightOfTags,
    RightOfHeader,
    SheetSkipped(String),
    SharedEntityName {
        name: String,
        ids: Vec<String>,
    },
    AsOfDisagrees {
        date: Date,
        existing: Date,
        period: String,
        entity: String,
    },
    GivenTwice {
        metric: String,
        entity: String,
        period: String,
        /// The place of the first (`path:line:col`), as written.
        first: String,
    },
    /// A row named 合计 (a table's totals).
    TotalsRow(String),
    /// The help for an unknown entity when no id is close.
    DeclareEntity,
}

/// A header or a row of a layout (`layout.rs`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LayoutProblem {
    /// A header or `metric` cell that names no metric (`column` for a wide header).
    NoMetric {
        word: String,
        column: bool,
    },
    /// A name several metrics have.
    SharedMetricName {
        word: String,
        ids: Vec<String>,
    },
    SecondColumn {
        id: String,
        first: String,
    },
    BoolWithUnit {
        word: String,
        id: String,
        base: String,
    },
    AsOfOutside {
        date: Date,
        period: String,
    },
    NotADate(String),
    Unsaved(String),
    EntityEmpty,
    PeriodEmpty,
    /// An unknown qualifier word, with the known one it is close to.
    UnknownQualifier {
        word: String,
        near: Option<String>,
    },
    MissingWithValue,
    MissingNeedsSource,
    ValueEmpty,
    QualifierDisagrees {
        value: Qualifier,
        column: Qualifier,
    },
    UnitDisagrees {
        value: String,
        column: String,
    },
    NoColumnHeader,
    BadEntityId(String),
    /// The help for a word that is a metric's English label.
    EnglishLabel {
        word: String,
        id: String,
    },
    /// A value cell's text.
    Value(ValueProblem),
}

/// Why a value cell cannot be read (`value_text.rs`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueProblem {
    NotANumber(String),
    /// The number does not fit a decimal.
    TooLarge(NumberError),
    NotYesNo(String),
    YesNoForNumber(String),
    DateForNumber(String),
    TwoWords {
        text: String,
        first: &'static str,
        second: &'static str,
    },
    UnitDoesNotConvert {
        text: String,
        unit: String,
        metric_unit: String,
    },
    UnitWithoutMetricUnit {
        text: String,
        unit: String,
    },
}

/// A workbook that cannot be read, or one of its sheets (`workbook.rs`). The
/// errors of the zip and xlsx readers are shown as they word them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WorkbookProblem {
    NotAZip(String),
    Damaged(String),
    Unpacks(u64),
    Password,
    CannotRead(String),
    NotAWorksheet,
    SheetUnreadable(String),
    TooManyColumns { col: u32, max: u32 },
    TooManyCells { max: usize },
}

/// `` `a`, `b` `` in English, `` `a`、`b` `` in Chinese.
fn ids(ids: &[String], lang: Lang) -> String {
    let ids: Vec<String> = ids.iter().map(|id| format!("`{id}`")).collect();
    ids.join(lang.pick("、", ", "))
}

impl SheetProblem {
    pub fn message(&self, lang: Lang) -> String {
        match self {
            SheetProblem::Csv(p) => p.message(lang),
            SheetProblem::Layout(p) => p.message(lang),
            SheetProblem::Workbook { problem, sheet: None } => problem.message(lang),
            SheetProblem::Workbook { problem, sheet: Some(name) } => match lang {
                Lang::Zh => format!("工作表 `{name}`：{}", problem.message(lang)),
                Lang::En => format!("sheet `{name}`: {}", problem.message(lang)),
            },
        }
    }

    pub fn help(&self, lang: Lang) -> Option<String> {
        match self {
            SheetProblem::Csv(p) => p.help(lang),
            SheetProblem::Layout(p) => p.help(lang),
            SheetProblem::Workbook { problem, .. } => problem.help(lang).map(str::to_string),
        }
    }
}

impl CsvProblem {
    fn message(&self, lang: Lang) -> String {
        use CsvProblem::*;
        let zh = lang == Lang::Zh;
        match self {
            QuoteNeverClosed if zh => "此处开始的带引号字段没有闭合：没有 `\"` 结束它".into(),
            QuoteNeverClosed => "this quoted field is never closed: no `\"` ends the quote that opens here".into(),
            TextAfterQuote if zh => "此处开始的字段在闭合引号之后还有文字".into(),
            TextAfterQuote => "text follows the closing quote of the field that opens here".into(),
            QuoteRunsOn(lines) if zh => {
                format!("此处开始的带引号字段又延续了 {lines} 行，闭合引号之后还有文字：是不是漏了闭合的 `\"`？")
            }
            QuoteRunsOn(lines) => format!(
                "the quoted field that opens here runs on for {lines} more line{} and is followed by text after its closing quote: is its closing `\"` missing?",
                if *lines == 1 { "" } else { "s" }
            ),
            BadHeader { .. } if zh => "此 CSV 文件的第一行不是应有的表头".into(),
            BadHeader { .. } => "this CSV file does not start with the expected header".into(),
            RowWidth { fields, header } if zh => format!("此行有 {fields} 个字段，表头有 {header} 个"),
            RowWidth { fields, header } => format!("this row has {fields} fields; the header has {header}"),
            EntitiesSheetHeader(sheet) if zh => format!("工作表 `{sheet}` 用于声明对象，但它的第一行不是对象表头"),
            EntitiesSheetHeader(sheet) => {
                format!("sheet `{sheet}` declares entities, but its first row is not their header")
            }
            RightOfTags if zh => "此单元格在最后一列（`tags`）的右边".into(),
            RightOfTags => "this cell is right of the last column (tags)".into(),
            RightOfHeader if zh => "此单元格在表头最后一列的右边".into(),
            RightOfHeader => "this cell is right of the header's last column".into(),
            SheetSkipped(sheet) if zh => format!("已跳过工作表 `{sheet}`：它的第一行不是任何一种格式的表头"),
            SheetSkipped(sheet) => {
                format!("sheet `{sheet}` skipped: its first row is not the header of a layout (CONTRACT §6)")
            }
            SharedEntityName { name, ids: list } if zh => format!("`{name}` 是多个对象的名称（{}）", ids(list, lang)),
            SharedEntityName { name, ids: list } => {
                format!("`{name}` is the name of several entities ({})", ids(list, lang))
            }
            AsOfDisagrees { date, existing, period, entity } if zh => {
                format!("`as_of` {date} 与 `{entity}` 期间 `{period}` 已给出的 {existing} 不一致")
            }
            AsOfDisagrees { date, existing, period, entity } => {
                format!("`as_of` {date} disagrees with {existing} given for period `{period}` of `{entity}`")
            }
            GivenTwice { metric, entity, period, .. } if zh => {
                format!("`{entity}` 期间 `{period}` 的 `{metric}` 给出了两次")
            }
            GivenTwice { metric, entity, period, .. } => {
                format!("`{metric}` of `{entity}` in period `{period}` is given twice")
            }
            TotalsRow(word) if zh => format!("未知对象 `{word}`：合计行不是对象"),
            TotalsRow(word) => format!("unknown entity `{word}`: a totals row is not an entity"),
            DeclareEntity => self.help(lang).unwrap_or_default(),
        }
    }

    fn help(&self, lang: Lang) -> Option<String> {
        use CsvProblem::*;
        let zh = lang == Lang::Zh;
        Some(match self {
            QuoteNeverClosed | TextAfterQuote | QuoteRunsOn(_) if zh => {
                "带引号的字段以 `\"` 结束；字段中的引号要写两次（`\"\"`）".into()
            }
            QuoteNeverClosed | TextAfterQuote | QuoteRunsOn(_) => {
                "a field in quotes ends with `\"`; a quote inside it is written twice (`\"\"`)".into()
            }
            BadHeader { entities_elsewhere: true, .. } if zh => {
                "这是对象列表的表头：请把文件命名为 `entities.csv`".into()
            }
            BadHeader { entities_elsewhere: true, .. } => {
                "this is the header of an entities list: name the file entities.csv".into()
            }
            BadHeader { entities: true, .. } | EntitiesSheetHeader(_) if zh => "表头应为 `id,name,kind,tags`".into(),
            BadHeader { entities: true, .. } | EntitiesSheetHeader(_) => "the header is id,name,kind,tags".into(),
            BadHeader { .. } if zh => format!(
                "表头应为 `{LONG_HEADER}`（其后可加 `,as_of`），或宽表格式：`entity,period[,as_of]`，再每个指标一列"
            ),
            BadHeader { .. } => format!(
                "the header is {LONG_HEADER} (optionally followed by ,as_of), or, in the wide layout, entity,period[,as_of] and one column per metric"
            ),
            SharedEntityName { .. } if zh => "请写出所指对象的 id".into(),
            SharedEntityName { .. } => "write the id of the one you mean".into(),
            GivenTwice { first, .. } if zh => format!("第一次在 {first} 给出"),
            GivenTwice { first, .. } => format!("it is first given at {first}"),
            TotalsRow(_) if zh => "请删去此行（kaohe 自己不做加总），或声明一个这样命名的对象".into(),
            TotalsRow(_) => "delete the row (kaohe adds up nothing itself), or declare an entity of that name".into(),
            DeclareEntity if zh => "请在 `entities.csv`（`id,name,kind,tags`）或 TOML 数据文件中声明它".into(),
            DeclareEntity => "declare it in entities.csv (id,name,kind,tags) or in a TOML data file".into(),
            _ => return None,
        })
    }
}

impl LayoutProblem {
    fn message(&self, lang: Lang) -> String {
        use LayoutProblem::*;
        let zh = lang == Lang::Zh;
        match self {
            NoMetric { word, column: true } if zh => format!("列 `{word}` 不是任何指标"),
            NoMetric { word, column: true } => format!("column `{word}` names no metric"),
            NoMetric { word, column: false } if zh => format!("`{word}` 不是任何指标（请写指标的 id 或目录中的名称）"),
            NoMetric { word, column: false } => format!("`{word}` names no metric (write its id or its catalog name)"),
            SharedMetricName { word, ids: list } if zh => {
                format!("`{word}` 是多个指标在目录中的名称（{}）", ids(list, lang))
            }
            SharedMetricName { word, ids: list } => {
                format!("`{word}` is the catalog name of several metrics ({})", ids(list, lang))
            }
            SecondColumn { id, .. } if zh => format!("指标 `{id}` 的第二列"),
            SecondColumn { id, .. } => format!("a second column for metric `{id}`"),
            BoolWithUnit { word, id, .. } if zh => format!("`{word}`：指标 `{id}` 是是否型指标，没有单位"),
            BoolWithUnit { word, id, .. } => format!("`{word}`: metric `{id}` is a yes/no metric, with no unit"),
            AsOfOutside { date, period } if zh => format!("`as_of` {date} 不在期间 `{period}` 之内"),
            AsOfOutside { date, period } => format!("`as_of` {date} is not inside period `{period}`"),
            NotADate(text) if zh => format!("`{text}` 不是日期"),
            NotADate(text) => format!("`{text}` is not a date"),
            Unsaved(formula) if zh => format!("此单元格的公式 `{formula}` 没有保存计算结果"),
            Unsaved(formula) => format!("this cell's formula `{formula}` has no saved result"),
            EntityEmpty if zh => "对象是空的".into(),
            EntityEmpty => "the entity is empty".into(),
            PeriodEmpty if zh => "期间是空的".into(),
            PeriodEmpty => "the period is empty".into(),
            UnknownQualifier { word, .. } if zh => format!("未知的限定词 `{word}`"),
            UnknownQualifier { word, .. } => format!("unknown qualifier `{word}`"),
            MissingWithValue if zh => "缺失的数据没有值：`value` 请留空，在 `source` 中写明原因".into(),
            MissingWithValue => "a missing figure has no value: leave `value` empty and say why in `source`".into(),
            MissingNeedsSource if zh => "缺失的数据须在 `source` 中写明缺失原因".into(),
            MissingNeedsSource => "a missing figure needs `source` saying why it is missing".into(),
            ValueEmpty if zh => "值是空的；缺失的数据请把限定词写为 `missing`（原因写在 `source` 中）".into(),
            ValueEmpty => {
                "the value is empty; write qualifier `missing` (with the reason in `source`) for a missing figure"
                    .into()
            }
            QualifierDisagrees { value, column } if zh => {
                format!("值表示 `{}`，但限定词列写的是 `{}`", value.key(), column.key())
            }
            QualifierDisagrees { value, column } => {
                format!("the value says {}, but the qualifier column says {}", value.key(), column.key())
            }
            UnitDisagrees { value, column } if zh => format!("值的单位是 `{value}`，但单位列写的是 `{column}`"),
            UnitDisagrees { value, column } => {
                format!("the value is written in `{value}` but the unit column says `{column}`")
            }
            NoColumnHeader if zh => "此单元格所在的列没有表头".into(),
            NoColumnHeader => "this cell is in a column with no header".into(),
            BadEntityId(id) if zh => format!("对象 id `{id}` 不是有效的 id（id 须符合 [a-z][a-z0-9_-]*）"),
            BadEntityId(id) => format!("entity id `{id}` is not a valid id (ids match [a-z][a-z0-9_-]*)"),
            EnglishLabel { .. } => self.help(lang).unwrap_or_default(),
            Value(p) => p.message(lang),
        }
    }

    fn help(&self, lang: Lang) -> Option<String> {
        use LayoutProblem::*;
        let zh = lang == Lang::Zh;
        Some(match self {
            NoMetric { .. } if zh => "列的表头写指标的 id 或目录中的名称，可在括号中附上单位".into(),
            NoMetric { .. } => {
                "a column is headed by a metric's id or its catalog name, optionally with its unit in brackets".into()
            }
            SharedMetricName { .. } if zh => "请写出所指指标的 id".into(),
            SharedMetricName { .. } => "write the id of the one you mean".into(),
            SecondColumn { id, first } if zh => format!("表头为 `{first}` 的列已经是 `{id}`"),
            SecondColumn { id, first } => format!("the column headed `{first}` is already `{id}`"),
            BoolWithUnit { base, .. } if zh => format!("列的表头请写 `{base}`"),
            BoolWithUnit { base, .. } => format!("head the column `{base}`"),
            NotADate(_) if zh => "日期请写作 2016-09-30、2016/9/30 或 2016年9月30日，或用日期单元格".into(),
            NotADate(_) => "write a date as 2016-09-30, 2016/9/30 or 2016年9月30日, or use a date cell".into(),
            Unsaved(_) if zh => {
                "此工作簿由不做计算的程序写成：请用 Excel 或 WPS 打开并保存，或直接填入数".into()
            }
            Unsaved(_) => "the workbook was written by a program that does not calculate: open it in Excel or WPS and save it, or type the number".into(),
            UnknownQualifier { near: Some(near), .. } if zh => format!("是不是要写 `{near}`？"),
            UnknownQualifier { near: Some(near), .. } => format!("did you mean `{near}`?"),
            UnknownQualifier { near: None, .. } if zh => {
                "确数请留空，否则写 `at_least`、`at_most`、`approx` 或 `missing`".into()
            }
            UnknownQualifier { near: None, .. } => {
                "leave it empty for an exact figure, or write at_least, at_most, approx or missing".into()
            }
            QualifierDisagrees { .. } if zh => "限定词留空即按值中的字样，或让两者一致".into(),
            QualifierDisagrees { .. } => {
                "leave the qualifier empty to take the value's word, or make them agree".into()
            }
            NoColumnHeader if zh => "请为此列写上指标的 id 或名称作表头，或清空此单元格".into(),
            NoColumnHeader => "head the column with a metric's id or name, or clear the cell".into(),
            EnglishLabel { word, id } if zh => format!("是不是要写 `{id}`？（`{word}` 是它的英文名称）"),
            EnglishLabel { word, id } => format!("did you mean `{id}`? (`{word}` is its English label)"),
            Value(p) => p.help(lang).to_string(),
            _ => return None,
        })
    }
}

impl ValueProblem {
    /// The sentence in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        use ValueProblem::*;
        let zh = lang == Lang::Zh;
        match self {
            NotANumber(text) if zh => format!("`{text}` 不是数"),
            NotANumber(text) => format!("`{text}` is not a number"),
            TooLarge(e) => e.word(lang),
            NotYesNo(text) if zh => format!("`{text}` 不是“是”或“否”"),
            NotYesNo(text) => format!("`{text}` is not a yes/no answer"),
            YesNoForNumber(text) if zh => format!("`{text}` 是“是/否”回答，但此指标是数值指标"),
            YesNoForNumber(text) => format!("`{text}` is a yes/no answer, but this metric is a number"),
            DateForNumber(date) if zh => format!("此单元格是日期 {date}，不是数据"),
            DateForNumber(date) => format!("this cell holds the date {date}, not a figure"),
            TwoWords { text, first, second } if zh => format!("`{text}` 有两个限定词：`{first}` 和 `{second}`"),
            TwoWords { text, first, second } => {
                format!("`{text}` has two qualifier words, `{first}` and `{second}`")
            }
            UnitDoesNotConvert { text, unit, metric_unit } if zh => {
                format!("`{text}`：单位 `{unit}` 不能换算为指标的单位 `{metric_unit}`")
            }
            UnitDoesNotConvert { text, unit, metric_unit } => {
                format!("`{text}`: unit `{unit}` does not convert to `{metric_unit}`, the metric's unit")
            }
            UnitWithoutMetricUnit { text, unit } if zh => {
                format!("`{text}`：给出了单位 `{unit}`，但指标目录中此指标没有单位")
            }
            UnitWithoutMetricUnit { text, unit } => {
                format!("`{text}`: unit `{unit}` given, but the metric has no unit in the catalog")
            }
        }
    }

    /// The help line in `lang`.
    pub fn help(&self, lang: Lang) -> &'static str {
        use ValueProblem::*;
        match self {
            NotANumber(_) | DateForNumber(_) => lang.pick(
                "请按报告的写法填数：1500、1,500、１５００、16000余、16000余件、超3500、近100、约2000、300以上、2.4亿元",
                "write a number as reports do: 1500, 1,500, １５００, 16000余, 16000余件, 超3500, 近100, 约2000, 300以上, 2.4亿元",
            ),
            TooLarge(_) => lang.pick("kaohe 最多保存 28 位有效数字", "kaohe holds up to 28 significant digits"),
            NotYesNo(_) => lang.pick(
                "是否型指标填 是 或 否（或 true/false、1/0）",
                "a yes/no metric takes 是 or 否 (or true/false, 1/0)",
            ),
            YesNoForNumber(_) => lang.pick("请填报告给出的数", "write the number the report gives"),
            TwoWords { .. } => {
                lang.pick("只写一个：16000余、超3500、近100 或 约2000", "write one: 16000余, 超3500, 近100 or 约2000")
            }
            UnitDoesNotConvert { .. } => lang.pick(
                "金额可在 元、万元、亿元 之间换算；其他单位只能是它本身",
                "money converts among 元, 万元 and 亿元; every other unit only to itself",
            ),
            UnitWithoutMetricUnit { .. } => lang.pick("只写数即可", "write the number alone"),
        }
    }
}

impl WorkbookProblem {
    fn message(&self, lang: Lang) -> String {
        use WorkbookProblem::*;
        let zh = lang == Lang::Zh;
        match self {
            NotAZip(e) if zh => format!("这不是 .xlsx 工作簿（不是 zip 压缩包：{e}）"),
            NotAZip(e) => format!("this is not an .xlsx workbook (not a zip archive: {e})"),
            Damaged(e) if zh => format!("此工作簿的压缩包已损坏（{e}）"),
            Damaged(e) => format!("this workbook's archive is damaged ({e})"),
            Unpacks(limit) if zh => {
                format!("此工作簿解压后超过 {} MiB，即 kaohe 从一个工作簿解压的上限", limit >> 20)
            }
            Unpacks(limit) => format!(
                "this workbook unpacks to more than {} MiB, the most kaohe unpacks from one workbook",
                limit >> 20
            ),
            Password if zh => "此工作簿有密码保护：kaohe 无法读取".into(),
            Password => "this workbook is protected by a password: kaohe cannot read it".into(),
            CannotRead(e) if zh => format!("这不是 kaohe 能读取的工作簿（{e}）"),
            CannotRead(e) => format!("this is not a workbook kaohe can read ({e})"),
            NotAWorksheet if zh => "它不是工作表（是图表？），已跳过".into(),
            NotAWorksheet => "it is not a worksheet (a chart?): skipped".into(),
            SheetUnreadable(e) if zh => format!("无法读取（{e}）"),
            SheetUnreadable(e) => format!("cannot read it ({e})"),
            TooManyColumns { col, max } if zh => format!("第 {col} 列有单元格；kaohe 最多读取 {max} 列的工作表"),
            TooManyColumns { col, max } => {
                format!("it has a cell in column {col}; kaohe reads sheets of up to {max} columns")
            }
            TooManyCells { max } if zh => format!("单元格超过 {max} 个，即 kaohe 在一个工作表中读取的上限"),
            TooManyCells { max } => format!("it has more than {max} cells, the most kaohe reads in one sheet"),
        }
    }

    fn help(&self, lang: Lang) -> Option<&'static str> {
        match self {
            WorkbookProblem::CannotRead(_) | WorkbookProblem::Damaged(_) => Some(lang.pick(
                "kaohe 读取 Excel 和 WPS 保存的 .xlsx 工作簿：请重新另存为 .xlsx",
                "kaohe reads .xlsx workbooks as Excel and WPS save them; save it again as .xlsx",
            )),
            _ => None,
        }
    }
}

impl SheetProblem {
    /// The error at `loc`, with its help line if it has one.
    pub fn at(self, loc: Loc) -> Diagnostic {
        let help = self.help(Lang::En).is_some();
        let boxed = Box::new(self);
        let d = Diagnostic::error(loc, Message::Sheet(boxed.clone()));
        if help { d.with_help(Message::SheetHelp(boxed)) } else { d }
    }

    /// The problem as a message, for a diagnostic built another way.
    pub fn said(self) -> Message {
        Message::Sheet(Box::new(self))
    }

    /// Its help line as a message.
    pub fn help_said(self) -> Message {
        Message::SheetHelp(Box::new(self))
    }
}

impl CsvProblem {
    pub fn at(&self, loc: Loc) -> Diagnostic {
        SheetProblem::Csv(self.clone()).at(loc)
    }
}

impl LayoutProblem {
    pub fn at(&self, loc: Loc) -> Diagnostic {
        SheetProblem::Layout(self.clone()).at(loc)
    }
}
