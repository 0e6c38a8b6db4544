//! The wording of every diagnostic (errors, warnings, notices, their help lines and
//! usage errors), in Chinese and English.
//!
//! Code that finds a problem builds a [`Message`], a typed value with the problem's
//! data (ids, paths, numbers, the text as written); [`Message::word`] turns it into a
//! sentence in the run's language only when it is printed. Ids, paths, keys and
//! quoted input stay as written in both languages; only the words around them change.
//!
//! A new problem: add a variant here with the data the sentence needs, word it in
//! both arms of [`Message::word`], and add it to `every_message` in the tests below
//! (which checks the Chinese wording holds no English). A message cannot be built
//! from a string outside tests: every sentence is worded here. The spreadsheet
//! reader's problems are worded in `super::sheet`, and printed through
//! [`Message::Sheet`] and [`Message::SheetHelp`].

use std::fmt;

use super::sheet::SheetProblem;
use crate::text::Lang;

/// A path from the command line or the file system, escaped for the terminal (CONTRACT §7).
fn shown(path: &str) -> std::borrow::Cow<'_, str> {
    crate::escape::escape_text(path)
}

/// What a shape error is about: a key, or a named thing in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Subject {
    /// A key as written: "`pass_score`".
    Key(String),
    Metric(String),
    Period(String),
    Param(String),
    Group(String),
    /// "the value of `m`".
    ValueOf(String),
    /// "each entry of …".
    EachEntryOf(Box<Subject>),
    EachRule,
    RuleId,
    StepThreshold,
    StepPoints,
    TargetLow,
    TargetHigh,
    /// A catalog formula.
    FormulaWord,
    /// `missing` (the reason a figure is missing).
    MissingReason,
    Catalog,
    DataFile,
    RuleSet,
    Rule,
}

impl Subject {
    pub fn key(k: &str) -> Subject {
        Subject::Key(k.to_string())
    }

    pub fn word(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            Subject::Key(k) => format!("`{k}`"),
            Subject::Metric(id) if zh => format!("指标 `{id}`"),
            Subject::Metric(id) => format!("metric `{id}`"),
            Subject::Period(id) if zh => format!("期间 `{id}`"),
            Subject::Period(id) => format!("period `{id}`"),
            Subject::Param(id) if zh => format!("参数 `{id}`"),
            Subject::Param(id) => format!("param `{id}`"),
            Subject::Group(id) if zh => format!("分组 `{id}`"),
            Subject::Group(id) => format!("group `{id}`"),
            Subject::ValueOf(m) if zh => format!("`{m}` 的值"),
            Subject::ValueOf(m) => format!("the value of `{m}`"),
            Subject::EachEntryOf(s) if zh => format!("{}的每一项", spaced(&s.word(lang))),
            Subject::EachEntryOf(s) => format!("each entry of {}", s.word(lang)),
            Subject::EachRule if zh => "每个 `[[rule]]`".into(),
            Subject::EachRule => "each `[[rule]]`".into(),
            Subject::RuleId if zh => "规则的 `id`".into(),
            Subject::RuleId => "rule `id`".into(),
            Subject::StepThreshold if zh => "分档门槛".into(),
            Subject::StepThreshold => "step threshold".into(),
            Subject::StepPoints if zh => "分档分值".into(),
            Subject::StepPoints => "step points".into(),
            Subject::TargetLow if zh => "`target` 的下限".into(),
            Subject::TargetLow => "the low end of `target`".into(),
            Subject::TargetHigh if zh => "`target` 的上限".into(),
            Subject::TargetHigh => "the high end of `target`".into(),
            Subject::FormulaWord if zh => "公式".into(),
            Subject::FormulaWord => "formula".into(),
            Subject::MissingReason if zh => "`missing`（缺失原因）".into(),
            Subject::MissingReason => "`missing` (the reason the figure is missing)".into(),
            Subject::Catalog if zh => "指标目录".into(),
            Subject::Catalog => "the metric catalog".into(),
            Subject::DataFile if zh => "数据文件".into(),
            Subject::DataFile => "a data file".into(),
            Subject::RuleSet if zh => "规则集".into(),
            Subject::RuleSet => "a rule set".into(),
            Subject::Rule if zh => "规则".into(),
            Subject::Rule => "a rule".into(),
        }
    }
}

/// `s` and a space when it ends in code or Latin text (`` `veto` 应为 ``), as Chinese
/// typesetting separates them; nothing after Chinese (`规则集中`).
fn spaced(s: &str) -> String {
    match s.chars().last() {
        Some(c) if c == '`' || c.is_ascii_alphanumeric() => format!("{s} "),
        _ => s.to_string(),
    }
}

/// The type of a TOML value, as shape errors name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueType {
    String,
    Integer,
    Float,
    Boolean,
    Date,
    Array,
    Table,
}

impl ValueType {
    fn word(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            ValueType::String => ("字符串", "a string"),
            ValueType::Integer => ("整数", "an integer"),
            ValueType::Float => ("数", "a number"),
            ValueType::Boolean => ("布尔值", "a boolean"),
            ValueType::Date => ("日期", "a date"),
            ValueType::Array => ("数组", "an array"),
            ValueType::Table => ("表", "a table"),
        };
        if lang == Lang::Zh { zh } else { en }
    }
}

/// What a value should have been.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expected {
    String,
    Bool,
    Table,
    Number,
    StringOrList,
    NumberOrFormula,
    Formula,
    YearOrString,
    RuleArray,
}

impl Expected {
    fn word(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Expected::String => ("字符串", "a string"),
            Expected::Bool => ("布尔值（true 或 false）", "true or false"),
            Expected::Table => ("表", "a table"),
            Expected::Number => ("数", "a number"),
            Expected::StringOrList => ("字符串或字符串列表", "a string or a list of strings"),
            Expected::NumberOrFormula => ("数或公式字符串", "a number or an expression string"),
            Expected::Formula => ("公式字符串", "an expression string"),
            Expected::YearOrString => ("字符串或年份", "a string or a year"),
            Expected::RuleArray => ("表的数组（`[[rule]]`）", "an array of tables (`[[rule]]`)"),
        };
        if lang == Lang::Zh { zh } else { en }
    }
}

/// A number that cannot be read exactly (CONTRACT §9).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NumberError {
    NotExact(String),
    NotFinite(String),
    NotANumber(String),
}

impl NumberError {
    pub fn word(&self, lang: Lang) -> String {
        match (self, lang) {
            (NumberError::NotExact(t), Lang::Zh) => {
                format!("`{t}` 无法精确表示（小数点后最多 28 位，有效数字少于 29 位）")
            }
            (NumberError::NotExact(t), Lang::En) => format!(
                "`{t}` cannot be represented exactly (a number may have at most 28 digits after the point and fewer than 29 significant digits in all)"
            ),
            (NumberError::NotFinite(t), Lang::Zh) => format!("`{t}` 不是有限的数"),
            (NumberError::NotFinite(t), Lang::En) => format!("`{t}` is not a finite number"),
            (NumberError::NotANumber(t), Lang::Zh) => format!("`{t}` 不是数"),
            (NumberError::NotANumber(t), Lang::En) => format!("`{t}` is not a number"),
        }
    }
}

/// English, for callers that format it into a string (the spreadsheet reader).
impl fmt::Display for NumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.word(Lang::En))
    }
}

/// A formula that does not parse (`expr::ParseError`); `Found` is what stood where
/// something else was expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FormulaError {
    /// A character with an ASCII look-alike (`（` for `(`).
    UnexpectedChar {
        c: char,
        ascii: Option<char>,
    },
    UnexpectedLetter {
        c: char,
    },
    UnexpectedControl {
        c: char,
    },
    AtNeedsPeriod,
    MalformedNumber {
        text: String,
    },
    LeadingPoint {
        text: String,
    },
    TrailingPoint {
        text: String,
    },
    TooPrecise,
    TooLarge,
    InvalidId {
        text: String,
    },
    TooLong,
    TooDeep {
        max: usize,
    },
    UnclosedParen,
    UnknownFunction {
        name: String,
    },
    AbsArity,
    IfZeroArity,
    MinMaxArity {
        name: String,
    },
    Empty,
    UnexpectedRParen,
    ExpectedOperand {
        found: Found,
    },
    ExpectedOperandAfter {
        prev: String,
        found: Option<Found>,
    },
    Expected {
        wanted: Wanted,
        found: Found,
    },
    MisplacedAt,
}

/// What a formula has where it should have something else.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    End,
    Token(String),
}

/// What may follow a complete operand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wanted {
    Operator,
    OperatorOrParen,
    CommaOrParen,
}

impl Found {
    fn word(&self, lang: Lang) -> String {
        match self {
            Found::End => lang.pick("公式结尾", "the end of the formula").to_string(),
            Found::Token(t) => format!("`{t}`"),
        }
    }
}

impl FormulaError {
    pub fn word(&self, lang: Lang) -> String {
        use FormulaError::*;
        let zh = lang == Lang::Zh;
        match self {
            UnexpectedChar { c, ascii: Some(a) } if zh => format!("意外的字符 `{c}`（是不是要写 `{a}`？）"),
            UnexpectedChar { c, ascii: Some(a) } => format!("unexpected character `{c}` (did you mean `{a}`?)"),
            UnexpectedChar { c, ascii: None } if zh => format!("意外的字符 `{c}`"),
            UnexpectedChar { c, ascii: None } => format!("unexpected character `{c}`"),
            UnexpectedLetter { c } if zh => format!("意外的字符 `{c}`（id 只用 a-z、0-9 和 `_`）"),
            UnexpectedLetter { c } => format!("unexpected character `{c}` (ids are written with a-z, 0-9 and `_`)"),
            UnexpectedControl { c } if zh => format!("意外的字符 {c:?}"),
            UnexpectedControl { c } => format!("unexpected character {c:?}"),
            AtNeedsPeriod if zh => "`@` 之后须是期间 id 或 `prev`".into(),
            AtNeedsPeriod => "`@` must be followed by a period id or `prev`".into(),
            MalformedNumber { text } if zh => format!("数 `{text}` 写法有误"),
            MalformedNumber { text } => format!("malformed number `{text}`"),
            LeadingPoint { text } if zh => format!("数须以数字开头：请写 `0{text}`"),
            LeadingPoint { text } => format!("a number must start with a digit: write `0{text}`"),
            TrailingPoint { text } if zh => format!("`{text}` 的小数点后缺少数字"),
            TrailingPoint { text } => format!("expected a digit after the point in `{text}`"),
            TooPrecise if zh => "数太精细，无法精确表示（小数点后超过 28 位）".into(),
            TooPrecise => "number too precise for an exact decimal (more than 28 digits after the point)".into(),
            TooLarge if zh => "数太大，无法精确表示".into(),
            TooLarge => "number too large for an exact decimal".into(),
            InvalidId { text } if zh => format!("无效的 id `{text}`：id 由小写字母、数字和 `_` 组成，以字母开头"),
            InvalidId { text } => {
                format!("invalid id `{text}`: ids are lowercase letters, digits and `_`, starting with a letter")
            }
            TooLong if zh => "公式超过 4 KiB".into(),
            TooLong => "formula longer than 4 KiB".into(),
            TooDeep { max } if zh => format!("嵌套超过 {max} 层"),
            TooDeep { max } => format!("nesting deeper than {max} levels"),
            UnclosedParen if zh => "`(` 没有闭合".into(),
            UnclosedParen => "unclosed `(`".into(),
            UnknownFunction { name } if zh => {
                format!("未知函数 `{name}`（已知：`min`、`max`、`abs`、`if_zero`）")
            }
            UnknownFunction { name } => format!("unknown function `{name}` (known: min, max, abs, if_zero)"),
            AbsArity if zh => "`abs` 只接受一个参数".into(),
            AbsArity => "`abs` takes exactly one argument".into(),
            IfZeroArity if zh => "`if_zero` 接受三个参数：`if_zero(x, when zero, otherwise)`".into(),
            IfZeroArity => "`if_zero` takes three arguments: if_zero(x, when zero, otherwise)".into(),
            MinMaxArity { name } if zh => format!("`{name}` 至少要一个参数"),
            MinMaxArity { name } => format!("`{name}` takes at least one argument"),
            Empty if zh => "公式是空的".into(),
            Empty => "empty formula".into(),
            UnexpectedRParen if zh => "意外的 `)`".into(),
            UnexpectedRParen => "unexpected `)`".into(),
            ExpectedOperand { found } if zh => format!("此处应为运算数，实为{}", found.word(lang)),
            ExpectedOperand { found } => format!("expected an operand, found {}", found.word(lang)),
            ExpectedOperandAfter { prev, found: None } if zh => format!("`{prev}` 之后缺少运算数"),
            ExpectedOperandAfter { prev, found: None } => format!("expected an operand after `{prev}`"),
            ExpectedOperandAfter { prev, found: Some(f) } if zh => {
                format!("`{prev}` 之后应为运算数，实为{}", f.word(lang))
            }
            ExpectedOperandAfter { prev, found: Some(f) } => {
                format!("expected an operand after `{prev}`, found {}", f.word(lang))
            }
            Expected { wanted, found } => {
                let w = match wanted {
                    Wanted::Operator => lang.pick("运算符", "an operator"),
                    Wanted::OperatorOrParen => lang.pick("运算符或 `)`", "an operator or `)`"),
                    Wanted::CommaOrParen => lang.pick("`,` 或 `)`", "`,` or `)`"),
                };
                match lang {
                    Lang::Zh => format!("此处应为{w}，实为{}", found.word(lang)),
                    Lang::En => format!("expected {w}, found {}", found.word(lang)),
                }
            }
            MisplacedAt if zh => "`@` 须跟在指标 id 之后，如 `x@prev`".into(),
            MisplacedAt => "`@` must follow a metric id, as in `x@prev`".into(),
        }
    }
}

/// English, as the formula tests and `expr::ParseError`'s Display show it.
impl fmt::Display for FormulaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.word(Lang::En))
    }
}

/// Which tree of the workspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TreeName {
    Rules,
    Data,
}

/// What a path that is neither a file nor a folder is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SpecialKind {
    Fifo,
    CharDevice,
    BlockDevice,
    Socket,
    Other,
}

/// The things whose count kaohe limits (`limits.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counted {
    Entities,
    PeriodsInAll,
    PeriodsOfOneEntity,
    FiguresInAll,
    RuleSets,
    Rules,
    RulesInOneRuleSet,
    MetricsInCatalog,
}

impl Counted {
    fn word(&self, lang: Lang) -> String {
        let (zh, en) = match self {
            Counted::Entities => ("个对象", "entities"),
            Counted::PeriodsInAll => ("个期间（合计）", "periods in all"),
            Counted::PeriodsOfOneEntity => ("个期间（单个对象）", "periods of one entity"),
            Counted::FiguresInAll => ("个数据（合计）", "figures in all"),
            Counted::RuleSets => ("个规则集", "rule sets"),
            Counted::Rules => ("条规则", "rules"),
            Counted::RulesInOneRuleSet => ("条规则（单个规则集）", "rules in one rule set"),
            Counted::MetricsInCatalog => ("个指标（指标目录）", "metrics in the catalog"),
        };
        (if lang == Lang::Zh { zh } else { en }).to_string()
    }
}

/// Every diagnostic kaohe words. See the module documentation for adding one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Message {
    /// Text as it is, in every language: for tests that build diagnostics from
    /// strings (every site in kaohe passes a typed message).
    #[cfg(test)]
    Text(String),

    /// The count of a file's problems past the ones printed.
    MoreNotShown {
        count: usize,
        max: usize,
    },

    // Files and folders (CONTRACT §1).
    DanglingLink {
        target: String,
    },
    LinkLoop,
    FolderLinkLoop,
    PathMissing(TreeName),
    FileVanished,
    CatalogMissing,
    CatalogMissingHelp,
    CannotRead {
        error: String,
    },
    CannotReadFolder {
        error: String,
    },
    CannotReadFile {
        error: String,
    },
    Special(SpecialKind),
    IsAFolder,
    Skipped(TreeName),
    SkippedSpreadsheet {
        ext: String,
    },
    TooLarge {
        mib: u64,
        max: u64,
    },
    TooLargeHelp,
    TotalTooLarge {
        max: u64,
    },
    /// Several `metrics.toml` among several rules folders.
    SeveralCatalogs {
        paths: Vec<String>,
    },
    NoCatalogAmong {
        count: usize,
    },
    SeveralCatalogsHelp,

    // Text encodings.
    Utf16,
    NulByte,
    NotText,
    ReadAsGb18030,

    // TOML.
    EmptyFile,
    TomlNesting {
        max: usize,
    },
    /// The toml crate's own message, wrapped (kaohe does not translate it).
    TomlSyntax {
        detail: String,
    },

    // Shapes.
    WrongType {
        what: Subject,
        expected: Expected,
        found: ValueType,
    },
    BadNumber {
        what: Subject,
        error: NumberError,
    },
    UnknownKey {
        key: String,
        within: Subject,
    },
    InvalidId {
        what: IdKind,
        id: String,
        metric: bool,
    },
    /// A formula that does not parse.
    Formula {
        what: Subject,
        detail: FormulaError,
    },
    /// Limits (`limits.rs`).
    Over {
        limit: usize,
        what: Counted,
    },
    DerivedDepth {
        id: String,
        depth: usize,
        max: usize,
    },

    // Data files and rule sets (`raw.rs`).
    FigureWrongType {
        metric: String,
        found: ValueType,
    },
    DataFileNeedsId,
    AsOfNotDate,
    AsOfOutsidePeriod {
        date: String,
        period: String,
    },
    ValueNeedsOne {
        metric: String,
    },
    ValueHasBoth {
        metric: String,
        first: String,
        second: String,
    },
    TakesNumber {
        key: String,
        value: bool,
    },
    RuleSetNeedsId,
    UnknownOp {
        text: String,
    },
    OpHelp,
    RuleNeedsId,
    NegativeWeight,
    MetricAndExpr {
        id: String,
    },
    NeedsMetricOrExpr {
        id: String,
    },
    NeedsOp {
        id: String,
    },
    UnknownScoring {
        text: String,
    },
    ScoringHelp,
    StepsNeeded,
    StepsUnused,
    StepsOp {
        op: String,
    },
    NeedsTarget {
        id: String,
    },
    RangeOnlyBetween,
    BetweenArity {
        entries: usize,
    },
    LowAboveHigh {
        low: String,
        high: String,
    },
    BetweenNeedsRange,
    StepsNotList,
    StepNotPair,
    NegativePoints,
    StepsEmpty,

    // Data and validation.
    UnknownMetric {
        id: String,
    },
    UnknownEntity {
        id: String,
    },
    DerivedReported {
        metric: String,
    },
    DerivedReportedHelp,
    WantsBool {
        metric: String,
    },
    WantsNumber {
        metric: String,
    },
    UnitDoesNotConvert {
        unit: String,
        to: String,
        metric: String,
    },
    UnitHelp,
    UnitWithoutMetricUnit {
        unit: String,
        metric: String,
    },
    TooLargeConverted,
    EntityTwice {
        id: String,
    },
    RuleSetTwice {
        id: String,
    },
    RuleTwice {
        rule: String,
        ruleset: String,
    },
    NoRules {
        ruleset: String,
    },
    NoRulesHelp,
    ParamIsMetric {
        id: String,
    },
    ParamHasNoPeriods {
        id: String,
    },
    /// `head -> … hidden more … -> tail` (the tail ends with the first metric again).
    FormulaCycle {
        head: Vec<String>,
        hidden: usize,
        tail: Vec<String>,
    },
    BadWord {
        key: String,
        text: String,
        allowed: Vec<String>,
    },
    /// The data have `word`, which looks the same as what was written but is not.
    DataLookAlike {
        word: String,
        notes: Vec<LookAlike>,
    },
    EveryMetricDeclared,
    AppliesToNone {
        key: String,
        value: String,
    },
    NearSelection(Box<NearSelection>),
    GroupUnused {
        group: String,
    },

    // Help lines.
    DidYouMean {
        word: String,
    },
    DidYouMeanKey {
        key: String,
    },
    LooksLike {
        word: String,
        notes: Vec<LookAlike>,
    },
    KnownKeys {
        keys: Vec<String>,
    },

    // Usage (CONTRACT §7).
    UsageUnknown {
        what: UsageWhat,
        id: String,
        hint: Option<String>,
    },
    AsOfNotADate {
        text: String,
    },
    TodayNotADate {
        text: String,
    },
    NoRuleFor {
        rule: String,
        entity: String,
        hint: Option<String>,
    },
    RuleInSeveral {
        rule: String,
        rulesets: Vec<String>,
    },
    NoPeriod {
        ruleset: String,
    },
    AsOfOutside {
        date: String,
        period: String,
        ruleset: String,
    },
    NoRule {
        rule: String,
    },
    NoYearFor {
        metric: String,
    },
    NothingToEvaluate,
    /// Repeated warnings of one kind, as one line naming each (`names` already
    /// escaped; `more` past those named).
    Grouped {
        kind: crate::diagnostic::WarningKind,
        count: usize,
        names: Vec<String>,
        more: usize,
    },
    CannotStartThreads {
        error: String,
    },
    /// `entities` are shown (at most five), `count` is how many there are.
    UnfinishedYear {
        period: String,
        today: crate::model::Date,
        count: usize,
        entities: Vec<String>,
    },

    // The spreadsheet reader (CSV files and workbooks): the problem, and its help line.
    Sheet(Box<SheetProblem>),
    SheetHelp(Box<SheetProblem>),

    // Usage errors of the configuration and of `template` and `man`.
    WidthNotANumber {
        text: String,
    },
    BomNeedsCsv,
    /// `--output` of `template` with neither `.xlsx` nor `.csv` (the path as written).
    FormExtension {
        path: String,
    },
    FormIsInput {
        path: String,
    },
    /// A result or form file that cannot be written (`error` is the system's words).
    OutputWriteFailed {
        path: String,
        error: String,
    },
    /// `--output` names a folder.
    OutputIsFolder {
        path: String,
    },
    /// `--output` in a folder that does not exist.
    OutputNoFolder {
        path: String,
        folder: String,
    },
    /// `--output` names a file this run reads.
    OutputIsInput {
        path: String,
    },
    /// `--output` inside a rules or data folder, where the next run would read it.
    OutputInInputFolder {
        path: String,
        data: bool,
    },
    /// A format the command cannot write (`from_extension`: chosen by `--output`'s name).
    FormatNotFor {
        command: &'static str,
        format: String,
        from_extension: bool,
        known: Vec<String>,
    },
    XlsxNeedsOutput,
    CannotBuildWorkbook {
        error: String,
    },
    NoCommand {
        name: String,
        hint: Option<String>,
        known: Vec<String>,
    },
    CannotWriteMan {
        error: String,
    },
}

/// An entity's kind or tag that is a near miss of one a rule set selects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NearSelection {
    /// `kind` or `tag`.
    pub what: String,
    pub word: String,
    pub name: String,
    pub ruleset: String,
    pub entity: String,
}

/// A look-alike letter: `е` is U+0435, not `e`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LookAlike {
    pub letter: char,
    pub plain: char,
}

/// Which id a check is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IdKind {
    Entity,
    Metric,
    RuleSet,
    Rule,
    Param,
}

/// What an unknown command-line id is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UsageWhat {
    Entity,
    RuleSet,
    Metric,
}

#[cfg(test)]
impl From<String> for Message {
    fn from(s: String) -> Self {
        Message::Text(s)
    }
}

#[cfg(test)]
impl From<&str> for Message {
    fn from(s: &str) -> Self {
        Message::Text(s.to_string())
    }
}

impl From<&Message> for Message {
    fn from(m: &Message) -> Self {
        m.clone()
    }
}

#[cfg(test)]
impl From<&String> for Message {
    fn from(s: &String) -> Self {
        Message::Text(s.clone())
    }
}

/// English: what tests and callers that compare messages see.
impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.word(Lang::En))
    }
}

/// The severity labels (`warning: `…); errors in files have none (CONTRACT §7).
pub fn warning_label(lang: Lang) -> &'static str {
    lang.pick("警告：", "warning: ")
}

pub fn notice_label(lang: Lang) -> &'static str {
    lang.pick("提示：", "notice: ")
}

/// Before a usage error and other messages that are not about a place.
pub fn error_label(lang: Lang) -> &'static str {
    lang.pick("错误：", "error: ")
}

/// The name of the snippet's help line (`= help: …`).
pub fn help_label(lang: Lang) -> &'static str {
    lang.pick("帮助", "help")
}

/// A panic, reported as an error (exit 2) rather than a result.
pub fn internal_error(info: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("kaohe 内部错误（{info}）；请连同输入文件一起报告"),
        Lang::En => format!("internal error in kaohe ({info}); please report it with the input files"),
    }
}

/// "cannot write the output: …".
pub fn cannot_write(error: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("无法写出结果：{error}"),
        Lang::En => format!("cannot write the output: {error}"),
    }
}

fn tree(t: TreeName, lang: Lang) -> &'static str {
    match t {
        TreeName::Rules => lang.pick("规则", "rules"),
        TreeName::Data => lang.pick("数据", "data"),
    }
}

impl Message {
    /// The sentence in `lang`.
    pub fn word(&self, lang: Lang) -> String {
        match lang {
            Lang::Zh => self.zh(),
            Lang::En => self.en(),
        }
    }

    fn en(&self) -> String {
        use Message::*;
        let l = Lang::En;
        match self {
            #[cfg(test)]
            Text(s) => s.clone(),
            MoreNotShown { count, max } => {
                format!("{count} more problems in this file are not shown (kaohe prints the first {max})")
            }
            DanglingLink { target } => {
                format!("this link points to `{target}`, which does not exist (a dangling link)")
            }
            LinkLoop => "this link leads round in a loop and never reaches a file or a folder".into(),
            FolderLinkLoop => {
                "this link leads back into a folder that holds it (a link loop); it is not followed".into()
            }
            PathMissing(t) => format!("the {} path does not exist (expected a file or a folder)", tree(*t, l)),
            FileVanished => "this file disappeared while kaohe was reading the folder".into(),
            CatalogMissing => "the metric catalog is missing: every metric must be declared in a metrics.toml".into(),
            CatalogMissingHelp => "put metrics.toml at the top of the rules folder, or pass --metrics FILE".into(),
            CannotRead { error } => format!("cannot read: {error}"),
            CannotReadFolder { error } => format!("cannot read folder: {error}"),
            CannotReadFile { error } => format!("cannot read file: {error}"),
            Special(kind) => {
                let what = match kind {
                    SpecialKind::Fifo => "a FIFO (named pipe)",
                    SpecialKind::CharDevice => "a character device",
                    SpecialKind::BlockDevice => "a block device",
                    SpecialKind::Socket => "a socket",
                    SpecialKind::Other => "neither a regular file nor a folder",
                };
                format!("this is {what}, not a file or a folder: kaohe reads only regular files")
            }
            IsAFolder => "this is a folder, not a file".into(),
            Skipped(TreeName::Rules) => "skipped: kaohe reads *.toml files in a rules folder".into(),
            Skipped(TreeName::Data) => "skipped: kaohe reads *.toml, *.csv and *.xlsx files in a data folder".into(),
            SkippedSpreadsheet { ext } => {
                format!("skipped: kaohe does not read .{ext} spreadsheets; save it as .xlsx or .csv")
            }
            TooLarge { mib, max } => format!("this file is {mib} MiB; kaohe reads files of up to {max} MiB"),
            TooLargeHelp => "split it into several files (one per entity, or CSV files of fewer rows)".into(),
            TotalTooLarge { max } => format!(
                "the input files add up to more than {max} MiB, the most kaohe reads in one run; this file and the rest are not read"
            ),
            SeveralCatalogs { paths } => {
                format!("several rules folders each hold a metrics.toml: {}", paths.join(", "))
            }
            NoCatalogAmong { count } => format!("none of the {count} rules paths has a metrics.toml beside its rules"),
            SeveralCatalogsHelp => "kaohe reads one metric catalog: name it with --metrics FILE".into(),
            Utf16 => "this file is UTF-16 text; kaohe reads UTF-8 (or GB18030): save it as UTF-8".into(),
            NulByte => "this is not a text file: it contains a NUL byte (the first is here)".into(),
            NotText => "this file is neither UTF-8 nor GB18030 text (the first byte that is not UTF-8 is here)".into(),
            ReadAsGb18030 => "file is not UTF-8; read as GB18030 (consider saving it as UTF-8)".into(),
            EmptyFile => "the file is empty".into(),
            TomlNesting { max } => format!(
                "invalid TOML: nested more than {max} deep (arrays, inline tables or dotted keys); kaohe reads nesting up to {max}"
            ),
            TomlSyntax { detail } => format!("invalid TOML: {detail}"),
            WrongType { what, expected, found } => {
                format!("{} must be {}, found {}", what.word(l), expected.word(l), found.word(l))
            }
            BadNumber { what, error } => format!("{}: {}", what.word(l), error.word(l)),
            Formula { what, detail } => format!("{}: {}", what.word(l), detail.word(l)),
            UnknownKey { key, within } => format!("unknown key `{key}` in {}", within.word(l)),
            InvalidId { what, id, metric } => {
                let what = match what {
                    IdKind::Entity => "entity id",
                    IdKind::Metric => "metric id",
                    IdKind::RuleSet => "rule set id",
                    IdKind::Rule => "rule id",
                    IdKind::Param => "param id",
                };
                let pattern = if *metric { "[a-z][a-z0-9_]*" } else { "[a-z][a-z0-9_-]*" };
                format!("{what} `{id}` is not a valid id (ids match {pattern})")
            }
            Over { limit, what } => {
                let n = crate::load::limits::thousands(*limit);
                format!("more than {n} {}: kaohe reads at most {n}, and what follows is not read", what.word(l))
            }
            DerivedDepth { id, depth, max } => {
                format!("metric `{id}` is built on {depth} levels of derived metrics; kaohe evaluates at most {max}")
            }
            FigureWrongType { metric, found } => format!(
                "`{metric}` must be a number, true/false, or a table such as {{ value = 1, source = \"...\" }}; found {}",
                found.word(l)
            ),
            DataFileNeedsId => "a data file needs `id = \"...\"` naming its entity".into(),
            AsOfNotDate => "`as_of` must be a date such as 2016-06-30".into(),
            AsOfOutsidePeriod { date, period } => format!("`as_of` {date} is not inside period `{period}`"),
            ValueNeedsOne { metric } => {
                format!("the value of `{metric}` needs one of `value`, `at_least`, `at_most`, `approx` or `missing`")
            }
            ValueHasBoth { metric, first, second } => {
                format!("the value of `{metric}` has both `{first}` and `{second}`; give exactly one")
            }
            TakesNumber { key, value } => {
                format!("`{key}` takes a number; write `value = {value}` for a yes/no figure")
            }
            RuleSetNeedsId => "a rule set needs `id = \"...\"`".into(),
            UnknownOp { text } => format!("unknown operator `{text}`"),
            OpHelp => "use one of >=  >  <=  <  ==  between".into(),
            RuleNeedsId => "a rule needs an `id`".into(),
            NegativeWeight => "`weight` may not be negative".into(),
            MetricAndExpr { id } => format!("rule `{id}` has both `metric` and `expr`; give one"),
            NeedsMetricOrExpr { id } => format!("rule `{id}` needs `metric` or `expr`"),
            NeedsOp { id } => format!("rule `{id}` needs `op` (>=  >  <=  <  ==  between)"),
            UnknownScoring { text } => format!("unknown scoring `{text}`"),
            ScoringHelp => "use all, linear or steps".into(),
            StepsNeeded => "`scoring = \"steps\"` needs `steps = [[threshold, points], ...]`".into(),
            StepsUnused => "`steps` is only used with `scoring = \"steps\"`".into(),
            StepsOp { op } => format!("`steps` scoring needs >=, >, <= or <, not `{op}`"),
            NeedsTarget { id } => format!("rule `{id}` needs a `target`"),
            RangeOnlyBetween => "a `[low, high]` target is only for `op = \"between\"`".into(),
            BetweenArity { entries } => {
                format!("a `between` target is `[low, high]`; this array has {entries} entries")
            }
            LowAboveHigh { low, high } => format!("the low end {low} of `target` is above its high end {high}"),
            BetweenNeedsRange => "`op = \"between\"` needs `target = [low, high]`".into(),
            StepsNotList => "`steps` must be a list of [threshold, points] pairs".into(),
            StepNotPair => "each step is a pair [threshold, points]".into(),
            NegativePoints => "step points may not be negative".into(),
            StepsEmpty => "`steps` is empty".into(),
            UnknownMetric { id } => format!("unknown metric `{id}`"),
            UnknownEntity { id } => format!("unknown entity `{id}`"),
            DerivedReported { metric } => format!("`{metric}` is a derived metric and cannot be reported"),
            DerivedReportedHelp => "report the metrics its formula uses instead".into(),
            WantsBool { metric } => format!("`{metric}` is a yes/no metric: write true or false"),
            WantsNumber { metric } => format!("`{metric}` is a number, not a yes/no metric"),
            UnitDoesNotConvert { unit, to, metric } => {
                format!("unit `{unit}` does not convert to `{to}`, the unit of `{metric}`")
            }
            UnitHelp => "money converts among 元, 万元 and 亿元; every other unit only to itself".into(),
            UnitWithoutMetricUnit { unit, metric } => {
                format!("unit `{unit}` given, but metric `{metric}` has no unit in the catalog")
            }
            TooLargeConverted => "the value is too large once converted to the metric's unit".into(),
            EntityTwice { id } => format!("entity `{id}` is defined twice"),
            RuleSetTwice { id } => format!("rule set `{id}` is defined twice"),
            RuleTwice { rule, ruleset } => format!("rule `{rule}` appears twice in rule set `{ruleset}`"),
            NoRules { ruleset } => format!("rule set `{ruleset}` has no rules"),
            NoRulesHelp => "add at least one [[rule]]".into(),
            ParamIsMetric { id } => format!("param `{id}` has the id of a metric; rename it"),
            ParamHasNoPeriods { id } => format!("`{id}` is a param: it has no periods"),
            FormulaCycle { head, hidden, tail } => format!("formula cycle: {}", chain(head, *hidden, tail, l)),
            BadWord { key, text, allowed } => format!("`{key}` must be {}, not `{text}`", allowed.join(" or ")),
            DataLookAlike { word, notes } => {
                format!("the data have `{word}`, which looks the same, but {}", look_alikes(notes, l))
            }
            EveryMetricDeclared => "every metric must be declared in metrics.toml".into(),
            AppliesToNone { key, value } => {
                let none = if key == "entities" { "which no data file defines" } else { "which no entity has" };
                format!("`applies_to.{key}` names `{value}`, {none}")
            }
            NearSelection(n) => format!(
                "{} `{}` is not `{}`, which rule set `{ruleset}` selects: `{ruleset}` does not apply to `{}`",
                n.what,
                n.word,
                n.name,
                n.entity,
                ruleset = n.ruleset
            ),
            GroupUnused { group } => format!("group `{group}` is named by no rule; it scores 0"),
            DidYouMean { word } => format!("did you mean `{word}`?"),
            DidYouMeanKey { key } => {
                format!("did you mean `{key}`? (a key this close to a known one is taken for a misspelling)")
            }
            LooksLike { word, notes } => format!("it looks like `{word}`, but {}", look_alikes(notes, l)),
            KnownKeys { keys } => format!("known keys: {}", keys.join(", ")),
            UsageUnknown { what, id, hint } => {
                let what = match what {
                    UsageWhat::Entity => "entity",
                    UsageWhat::RuleSet => "rule set",
                    UsageWhat::Metric => "metric",
                };
                let hint = hint.as_ref().map(|h| format!(" (did you mean `{h}`?)")).unwrap_or_default();
                format!("unknown {what} `{id}`{hint}")
            }
            AsOfNotADate { text } => format!("--as-of `{text}` is not a date such as 2016-06-30"),
            TodayNotADate { text } => format!("KAOHE_TODAY `{text}` is not a date such as 2016-06-30"),
            NoRuleFor { rule, entity, hint } => {
                let hint = hint.as_ref().map(|h| format!(" (did you mean `{h}`?)")).unwrap_or_default();
                format!("no rule `{rule}` in the rule sets that apply to `{entity}`{hint}")
            }
            RuleInSeveral { rule, rulesets } => {
                format!("rule `{rule}` occurs in several rule sets: {}; choose one with --ruleset", rulesets.join(", "))
            }
            NoPeriod { ruleset } => format!("rule set `{ruleset}` names no period; pass --period"),
            AsOfOutside { date, period, ruleset } => {
                format!("--as-of {date} is not inside period {period} of rule set `{ruleset}`")
            }
            NoRule { rule } => format!("no rule `{rule}`"),
            NoYearFor { metric } => format!("no entity reports `{metric}` in any year; pass --period"),
            NothingToEvaluate => "nothing to evaluate: no selected rule set applies to a selected entity".into(),
            Grouped { kind, count, names, more } => {
                use crate::diagnostic::WarningKind as K;
                let what = match kind {
                    K::UnknownEntity => "`applies_to` entries name entities no data file defines",
                    K::UnknownKind => "`applies_to` entries name kinds no entity has",
                    K::UnknownTag => "`applies_to` entries name tags no entity has",
                    K::SkippedFile => "files are skipped, not read",
                    K::UnusedGroup => "groups are named by no rule and score 0",
                };
                let rest = if *more > 0 { format!(", and {more} more") } else { String::new() };
                format!("{count} {what}: {}{rest} (--verbose shows each)", names.join(", "))
            }
            CannotStartThreads { error } => format!("cannot start the evaluation threads: {error}"),
            UnfinishedYear { period, today, count, entities } => {
                let more = if *count > entities.len() {
                    format!(", and {} more", count - entities.len())
                } else {
                    String::new()
                };
                let evaluated = if *count == 1 {
                    "1 entity is evaluated".to_string()
                } else {
                    format!("{count} entities are evaluated")
                };
                format!(
                    "period {period} is not over yet (today is {today}), but {evaluated} without an as_of date: {}{more}; \
                     their figures are judged as the whole year's (add as_of to the data or pass --as-of)",
                    entities.join(", ")
                )
            }
            Sheet(p) => p.message(l),
            SheetHelp(p) => p.help(l).unwrap_or_default(),
            WidthNotANumber { text } => {
                format!("KAOHE_WIDTH `{text}` is not a width in columns (a whole number, 20 or more)")
            }
            BomNeedsCsv => "--bom applies to --format csv only".into(),
            FormExtension { path } => format!(
                "--output `{}`: the form is written as .xlsx or .csv; name a file with one of these extensions",
                crate::escape::escape_text(path)
            ),
            FormIsInput { path } => super::form_is_input(path, l),
            OutputWriteFailed { path, error } => {
                format!("cannot write `{}`: {error} (an existing file is left as it was)", shown(path))
            }
            OutputIsFolder { path } => format!("--output `{}` is a folder; name a file", shown(path)),
            OutputNoFolder { path, folder } => {
                format!("cannot write `{}`: there is no folder `{}`", shown(path), shown(folder))
            }
            OutputIsInput { path } => {
                format!("--output `{}` names an input file; write the result somewhere else", shown(path))
            }
            OutputInInputFolder { path, data } => format!(
                "--output `{}` is inside the {} folder, where the next run would read it as input; \
                 write the result somewhere else",
                shown(path),
                if *data { "data" } else { "rules" }
            ),
            FormatNotFor { command, format, from_extension, known } => format!(
                "`{command}` cannot write {format}{}; it writes {}",
                if *from_extension { " (from the --output extension)" } else { "" },
                known.join(", ")
            ),
            XlsxNeedsOutput => "--format xlsx writes a workbook, which needs --output FILE".into(),
            CannotBuildWorkbook { error } => format!("cannot build the workbook: {error}"),
            NoCommand { name, hint, known } => {
                let hint = hint.as_ref().map(|h| format!(" (did you mean `{h}`?)")).unwrap_or_default();
                format!("no command `{name}`{hint}; the commands are {}", known.join(", "))
            }
            CannotWriteMan { error } => format!("cannot write the man page: {error}"),
        }
    }

    fn zh(&self) -> String {
        use Message::*;
        let l = Lang::Zh;
        match self {
            #[cfg(test)]
            Text(s) => s.clone(),
            MoreNotShown { count, max } => format!("本文件还有 {count} 个问题未列出（kaohe 只列出前 {max} 个）"),
            DanglingLink { target } => format!("此链接指向 `{target}`，但它不存在（失效链接）"),
            LinkLoop => "此链接绕成一个环，到不了任何文件或文件夹".into(),
            FolderLinkLoop => "此链接指回包含它的文件夹（链接成环），不跟随".into(),
            PathMissing(t) => format!("{}路径不存在（应为文件或文件夹）", tree(*t, l)),
            FileVanished => "读取文件夹时此文件消失了".into(),
            CatalogMissing => "缺少指标目录：每个指标都须在 metrics.toml 中声明".into(),
            CatalogMissingHelp => "把 metrics.toml 放在规则文件夹顶层，或用 `--metrics FILE` 指定".into(),
            CannotRead { error } => format!("无法读取：{error}"),
            CannotReadFolder { error } => format!("无法读取文件夹：{error}"),
            CannotReadFile { error } => format!("无法读取文件：{error}"),
            Special(kind) => {
                let what = match kind {
                    SpecialKind::Fifo => "命名管道",
                    SpecialKind::CharDevice => "字符设备",
                    SpecialKind::BlockDevice => "块设备",
                    SpecialKind::Socket => "套接字",
                    SpecialKind::Other => "既非普通文件也非文件夹的路径",
                };
                format!("这是{what}，不是文件或文件夹：kaohe 只读普通文件")
            }
            IsAFolder => "这是文件夹，不是文件".into(),
            Skipped(TreeName::Rules) => "已跳过：规则文件夹中只读 *.toml 文件".into(),
            Skipped(TreeName::Data) => "已跳过：数据文件夹中只读 *.toml、*.csv 和 *.xlsx 文件".into(),
            SkippedSpreadsheet { ext } => format!("已跳过：kaohe 不读 .{ext} 表格，请另存为 .xlsx 或 .csv"),
            TooLarge { mib, max } => format!("此文件有 {mib} MiB；kaohe 最多读取 {max} MiB 的文件"),
            TooLargeHelp => "请拆成几个文件（每个对象一个，或行数更少的 CSV 文件）".into(),
            TotalTooLarge { max } => {
                format!("输入文件合计超过 {max} MiB，即单次运行可读的上限；此文件及其后的文件均未读取")
            }
            SeveralCatalogs { paths } => format!("多个规则文件夹各有一个 metrics.toml：{}", paths.join("、")),
            NoCatalogAmong { count } => format!("{count} 个规则路径旁都没有 metrics.toml"),
            SeveralCatalogsHelp => "kaohe 只读一个指标目录：请用 `--metrics FILE` 指定".into(),
            Utf16 => "此文件是 UTF-16 文本；kaohe 读取 UTF-8（或 GB18030）：请另存为 UTF-8".into(),
            NulByte => "这不是文本文件：其中有 NUL 字节（第一个在此处）".into(),
            NotText => "此文件既不是 UTF-8 也不是 GB18030 文本（第一个不合 UTF-8 的字节在此处）".into(),
            ReadAsGb18030 => "文件不是 UTF-8，已按 GB18030 读取（建议另存为 UTF-8）".into(),
            EmptyFile => "文件是空的".into(),
            TomlNesting { max } => {
                format!("TOML 语法错误：嵌套超过 {max} 层（数组、内联表或点分键）；kaohe 最多读取 {max} 层")
            }
            TomlSyntax { detail } => format!("TOML 语法错误：{}", toml_detail_zh(detail)),
            WrongType { what, expected, found } => {
                format!("{}应为{}，实为{}", spaced(&what.word(l)), expected.word(l), found.word(l))
            }
            BadNumber { what, error } => format!("{}：{}", what.word(l), error.word(l)),
            Formula { what, detail } => format!("{}：{}", what.word(l), detail.word(l)),
            UnknownKey { key, within } => format!("{}中有未知的键 `{key}`", spaced(&within.word(l))),
            InvalidId { what, id, metric } => {
                let what = match what {
                    IdKind::Entity => "对象 id",
                    IdKind::Metric => "指标 id",
                    IdKind::RuleSet => "规则集 id",
                    IdKind::Rule => "规则 id",
                    IdKind::Param => "参数 id",
                };
                let pattern = if *metric { "[a-z][a-z0-9_]*" } else { "[a-z][a-z0-9_-]*" };
                format!("{what} `{id}` 不是有效的 id（id 须符合 {pattern}）")
            }
            Over { limit, what } => {
                let n = crate::load::limits::thousands(*limit);
                format!("超过 {n} {}：kaohe 最多读取 {n} 个，其后的内容未读取", what.word(l))
            }
            DerivedDepth { id, depth, max } => {
                format!("指标 `{id}` 建立在 {depth} 层派生指标之上；kaohe 最多计算 {max} 层")
            }
            FigureWrongType { metric, found } => format!(
                "`{metric}` 应为数、true/false，或 `{{ value = 1, source = \"...\" }}` 这样的表；实为{}",
                found.word(l)
            ),
            DataFileNeedsId => "数据文件须有 `id = \"...\"` 指明它的对象".into(),
            AsOfNotDate => "`as_of` 应为 2016-06-30 这样的日期".into(),
            AsOfOutsidePeriod { date, period } => format!("`as_of` {date} 不在期间 `{period}` 之内"),
            ValueNeedsOne { metric } => {
                format!("`{metric}` 的值须有 `value`、`at_least`、`at_most`、`approx` 或 `missing` 之一")
            }
            ValueHasBoth { metric, first, second } => {
                format!("`{metric}` 的值同时有 `{first}` 和 `{second}`；只能给一个")
            }
            TakesNumber { key, value } => format!("`{key}` 只接受数；是否型数据请写 `value = {value}`"),
            RuleSetNeedsId => "规则集须有 `id = \"...\"`".into(),
            UnknownOp { text } => format!("未知的比较符 `{text}`"),
            OpHelp => "请用 >=  >  <=  <  ==  `between` 之一".into(),
            RuleNeedsId => "规则须有 `id`".into(),
            NegativeWeight => "`weight` 不能为负".into(),
            MetricAndExpr { id } => format!("规则 `{id}` 同时有 `metric` 和 `expr`；只能给一个"),
            NeedsMetricOrExpr { id } => format!("规则 `{id}` 须有 `metric` 或 `expr`"),
            NeedsOp { id } => format!("规则 `{id}` 须有 `op`（>=  >  <=  <  ==  `between`）"),
            UnknownScoring { text } => format!("未知的计分方式 `{text}`"),
            ScoringHelp => "请用 `all`、`linear` 或 `steps`".into(),
            StepsNeeded => "`scoring = \"steps\"` 须有 `steps = [[threshold, points], ...]`".into(),
            StepsUnused => "`steps` 只用于 `scoring = \"steps\"`".into(),
            StepsOp { op } => format!("分档计分须用 >=、>、<= 或 <，不能用 `{op}`"),
            NeedsTarget { id } => format!("规则 `{id}` 须有 `target`"),
            RangeOnlyBetween => "`[low, high]` 形式的目标只用于 `op = \"between\"`".into(),
            BetweenArity { entries } => {
                format!("`between` 的目标是 `[low, high]`；此数组有 {entries} 项")
            }
            LowAboveHigh { low, high } => format!("`target` 的下限 {low} 高于上限 {high}"),
            BetweenNeedsRange => "`op = \"between\"` 须有 `target = [low, high]`".into(),
            StepsNotList => "`steps` 应为 `[threshold, points]` 对的列表".into(),
            StepNotPair => "每一档应为 `[threshold, points]` 对".into(),
            NegativePoints => "分档分值不能为负".into(),
            StepsEmpty => "`steps` 是空的".into(),
            UnknownMetric { id } => format!("未知指标 `{id}`"),
            UnknownEntity { id } => format!("未知对象 `{id}`"),
            DerivedReported { metric } => format!("`{metric}` 是派生指标，不能直接填报"),
            DerivedReportedHelp => "请改为填报其公式用到的指标".into(),
            WantsBool { metric } => format!("`{metric}` 是是否型指标：请写 true 或 false"),
            WantsNumber { metric } => format!("`{metric}` 是数值指标，不是是否型指标"),
            UnitDoesNotConvert { unit, to, metric } => {
                format!("单位 `{unit}` 不能换算为 `{metric}` 的单位 `{to}`")
            }
            UnitHelp => "金额可在 元、万元、亿元 之间换算；其他单位只能是它本身".into(),
            UnitWithoutMetricUnit { unit, metric } => {
                format!("给出了单位 `{unit}`，但指标目录中 `{metric}` 没有单位")
            }
            TooLargeConverted => "换算为指标的单位后数值过大".into(),
            EntityTwice { id } => format!("对象 `{id}` 定义了两次"),
            RuleSetTwice { id } => format!("规则集 `{id}` 定义了两次"),
            RuleTwice { rule, ruleset } => format!("规则 `{rule}` 在规则集 `{ruleset}` 中出现了两次"),
            NoRules { ruleset } => format!("规则集 `{ruleset}` 没有规则"),
            NoRulesHelp => "请至少添加一条 [[rule]]".into(),
            ParamIsMetric { id } => format!("参数 `{id}` 与某个指标同名，请改名"),
            ParamHasNoPeriods { id } => format!("`{id}` 是参数：它没有期间"),
            FormulaCycle { head, hidden, tail } => format!("公式循环引用：{}", chain(head, *hidden, tail, l)),
            BadWord { key, text, allowed } => {
                let allowed: Vec<String> = allowed.iter().map(|a| format!("`{a}`")).collect();
                format!("`{key}` 应为 {}，不能是 `{text}`", allowed.join(" 或 "))
            }
            DataLookAlike { word, notes } => format!("数据中有看起来相同的 `{word}`，但{}", look_alikes(notes, l)),
            EveryMetricDeclared => "每个指标都须在 metrics.toml 中声明".into(),
            AppliesToNone { key, value } => {
                let none =
                    if key == "entities" { "但没有数据文件定义它" } else { "但没有对象具有它" };
                format!("`applies_to.{key}` 写了 `{value}`，{none}")
            }
            NearSelection(n) => {
                let self::NearSelection { what, word, name, ruleset, entity } = n.as_ref();
                let what = match what.as_str() {
                    "kind" => "类别",
                    "tag" => "标签",
                    other => other,
                };
                format!("{what} `{word}` 不是规则集 `{ruleset}` 所选的 `{name}`：`{ruleset}` 不适用于 `{entity}`")
            }
            GroupUnused { group } => format!("没有规则属于分组 `{group}`，它计 0 分"),
            DidYouMean { word } => format!("是不是要写 `{word}`？"),
            DidYouMeanKey { key } => format!("是不是要写 `{key}`？（与已知键如此接近的键按拼写错误处理）"),
            LooksLike { word, notes } => format!("看起来像 `{word}`，但{}", look_alikes(notes, l)),
            KnownKeys { keys } => {
                let keys: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
                format!("已知的键：{}", keys.join("、"))
            }
            UsageUnknown { what, id, hint } => {
                let what = match what {
                    UsageWhat::Entity => "对象",
                    UsageWhat::RuleSet => "规则集",
                    UsageWhat::Metric => "指标",
                };
                let hint = hint.as_ref().map(|h| format!("（是不是要写 `{h}`？）")).unwrap_or_default();
                format!("未知{what} `{id}`{hint}")
            }
            AsOfNotADate { text } => format!("`--as-of` `{text}` 不是 2016-06-30 这样的日期"),
            TodayNotADate { text } => format!("KAOHE_TODAY `{text}` 不是 2016-06-30 这样的日期"),
            NoRuleFor { rule, entity, hint } => {
                let hint = hint.as_ref().map(|h| format!("（是不是要写 `{h}`？）")).unwrap_or_default();
                format!("适用于 `{entity}` 的规则集中没有规则 `{rule}`{hint}")
            }
            RuleInSeveral { rule, rulesets } => {
                format!("规则 `{rule}` 出现在多个规则集中：{}；请用 `--ruleset` 选一个", rulesets.join("、"))
            }
            NoPeriod { ruleset } => format!("规则集 `{ruleset}` 没有写期间；请用 `--period` 指定"),
            AsOfOutside { date, period, ruleset } => {
                format!("`--as-of` {date} 不在规则集 `{ruleset}` 的期间 {period} 之内")
            }
            NoRule { rule } => format!("没有规则 `{rule}`"),
            NoYearFor { metric } => format!("没有对象在任何年份填报 `{metric}`；请用 `--period` 指定"),
            NothingToEvaluate => "没有可计算的内容：所选规则集都不适用于所选对象".into(),
            Grouped { kind, count, names, more } => {
                use crate::diagnostic::WarningKind as K;
                let what = match kind {
                    K::UnknownEntity => "处 `applies_to` 列出的对象没有任何数据文件定义",
                    K::UnknownKind => "处 `applies_to` 列出的类型没有任何对象属于",
                    K::UnknownTag => "处 `applies_to` 列出的标签没有任何对象带有",
                    K::SkippedFile => "个文件被跳过，未读取",
                    K::UnusedGroup => "个分组没有规则使用，计 0 分",
                };
                let rest = if *more > 0 { format!("，另有 {more} 个") } else { String::new() };
                format!("{count} {what}：{}{rest}（`--verbose` 逐条显示）", names.join("、"))
            }
            CannotStartThreads { error } => format!("无法启动计算线程：{error}"),
            UnfinishedYear { period, today, count, entities } => {
                let more = if *count > entities.len() { format!(" 等 {count} 个") } else { String::new() };
                format!(
                    "期间 {period} 尚未结束（今天是 {today}），但有 {count} 个对象在没有 `as_of` 日期的情况下计算：{}{more}；\
                     其数据按全年计（请在数据中加 `as_of`，或用 `--as-of` 指定）",
                    entities.join("、")
                )
            }
            Sheet(p) => p.message(l),
            SheetHelp(p) => p.help(l).unwrap_or_default(),
            WidthNotANumber { text } => format!("`KAOHE_WIDTH` `{text}` 不是以列计的宽度（应为 20 或更大的整数）"),
            BomNeedsCsv => "`--bom` 只用于 `--format csv`".into(),
            FormExtension { path } => format!(
                "`--output` `{}`：填报表只写成 .xlsx 或 .csv；请用这两种扩展名之一命名文件",
                crate::escape::escape_text(path)
            ),
            FormIsInput { path } => super::form_is_input(path, l),
            OutputWriteFailed { path, error } => format!("无法写出 `{}`：{error}（原有文件未改动）", shown(path)),
            OutputIsFolder { path } => format!("`--output` `{}` 是一个文件夹；请指定文件", shown(path)),
            OutputNoFolder { path, folder } => {
                format!("无法写出 `{}`：文件夹 `{}` 不存在", shown(path), shown(folder))
            }
            OutputIsInput { path } => {
                format!("`--output` `{}` 是本次读取的输入文件；请把结果写到别处", shown(path))
            }
            OutputInInputFolder { path, data } => format!(
                "`--output` `{}` 位于{}文件夹中，下次运行会把它当作输入读取；请把结果写到别处",
                shown(path),
                if *data { "数据" } else { "规则" }
            ),
            FormatNotFor { command, format, from_extension, known } => format!(
                "`{command}` 不能输出 `{format}`{}；它可输出 {}",
                if *from_extension { "（按 `--output` 的扩展名）" } else { "" },
                known.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join("、")
            ),
            XlsxNeedsOutput => "`--format xlsx` 生成工作簿，须用 `--output FILE` 指定文件".into(),
            CannotBuildWorkbook { error } => format!("无法生成工作簿：{error}"),
            NoCommand { name, hint, known } => {
                let hint = hint.as_ref().map(|h| format!("（是不是要写 `{h}`？）")).unwrap_or_default();
                let known: Vec<String> = known.iter().map(|k| format!("`{k}`")).collect();
                format!("没有命令 `{name}`{hint}；命令有：{}", known.join("、"))
            }
            CannotWriteMan { error } => format!("无法写出 `man` 手册页：{error}"),
        }
    }
}

fn chain(head: &[String], hidden: usize, tail: &[String], lang: Lang) -> String {
    let mut parts: Vec<String> = head.to_vec();
    if hidden > 0 {
        parts.push(match lang {
            Lang::Zh => format!("…另 {hidden} 个…"),
            Lang::En => format!("… {hidden} more …"),
        });
    }
    parts.extend(tail.iter().cloned());
    parts.join(" -> ")
}

fn look_alikes(notes: &[LookAlike], lang: Lang) -> String {
    let parts: Vec<String> = notes
        .iter()
        .map(|n| match lang {
            Lang::Zh => format!("`{}` 是 U+{:04X}，不是 `{}`", n.letter, u32::from(n.letter), n.plain),
            Lang::En => format!("`{}` is U+{:04X}, not `{}`", n.letter, u32::from(n.letter), n.plain),
        })
        .collect();
    parts.join(lang.pick("；", ", "))
}

/// The toml crate's message in Chinese: its description (`unclosed table`) from a
/// table of the crate's descriptions, and what it expected (`` `]` ``, `letters`) word
/// by word. A description or an expected word not in the tables leaves the whole
/// message as the crate wrote it (after `TOML 语法错误：`), never half translated.
fn toml_detail_zh(detail: &str) -> String {
    const DESCRIPTIONS: &[(&str, &str)] = &[
        ("duplicate key", "键重复"),
        ("extra `=`", "多了 `=`"),
        ("extra assignment between key-value pairs", "键值对之间多了赋值"),
        ("extra comma in array", "数组中多了逗号"),
        ("extra comma in inline table", "内联表中多了逗号"),
        ("invalid basic string", "字符串无效"),
        ("invalid binary number", "二进制数无效"),
        ("invalid boolean", "布尔值无效"),
        ("invalid comment character", "注释中有无效字符"),
        ("invalid date-time", "日期时间无效"),
        ("invalid exponent", "指数无效"),
        ("invalid float", "小数无效"),
        ("invalid fraction", "小数部分无效"),
        ("invalid hexadecimal number", "十六进制数无效"),
        ("invalid inline table element", "内联表的元素无效"),
        ("invalid integer number", "整数无效"),
        ("invalid key", "键无效"),
        ("invalid key-value pair", "键值对无效"),
        ("invalid literal string", "字符串无效"),
        ("invalid mantissa", "尾数无效"),
        ("invalid multi-line basic string", "多行字符串无效"),
        ("invalid multi-line literal string", "多行字符串无效"),
        ("invalid octal number", "八进制数无效"),
        ("invalid string", "字符串无效"),
        ("invalid table", "表无效"),
        ("invalid table header", "表头无效"),
        ("invalid inline table", "内联表无效"),
        ("invalid array", "数组无效"),
        ("invalid number", "数无效"),
        ("invalid unquoted key", "未加引号的键无效（其他文字的键请加引号）"),
        ("invalid value", "值无效"),
        ("key with no value", "键没有值"),
        ("missing array opening", "缺少数组的开头"),
        ("missing assignment between key-value pairs", "键值对之间缺少赋值"),
        ("missing comma between array elements", "数组元素之间缺少逗号"),
        ("missing comma between key-value pairs", "键值对之间缺少逗号"),
        ("missing comment start", "缺少注释的开头"),
        ("missing escaped value", "转义字符不完整"),
        ("missing inline table opening", "缺少内联表的开头"),
        ("missing key for inline table element", "内联表的元素缺少键"),
        ("missing opening quote", "缺少开头的引号"),
        ("missing table open", "缺少表的开头"),
        ("missing value for key", "键缺少值"),
        ("missing value", "缺少值"),
        ("newlines are unsupported in inline tables", "内联表中不能换行"),
        ("string values must be quoted", "字符串值须加引号"),
        ("unclosed array of tables", "表数组的表头没有闭合"),
        ("unclosed array table", "表数组的表头没有闭合"),
        ("unclosed array", "数组没有闭合"),
        ("unclosed inline table", "内联表没有闭合"),
        ("unclosed table", "表头没有闭合"),
        ("unexpected `=` in array", "数组中不应有 `=`"),
        ("unexpected content between comment and newline", "注释与换行之间有多余的内容"),
        ("unexpected content", "多余的内容"),
        ("unexpected key or value", "多余的键或值"),
        ("unexpected leading zero", "数不能以 0 开头"),
        ("unexpected sign", "此处不应有正负号"),
        ("unquoted keys cannot be empty", "未加引号的键不能为空"),
    ];
    const EXPECTED: &[(&str, &str)] = &[
        ("basic string", "字符串"),
        ("characters", "字符"),
        ("digits", "数字"),
        ("key", "键"),
        ("letters", "字母"),
        ("literal string", "字符串"),
        ("multi-line basic string", "多行字符串"),
        ("numbers", "数字"),
        ("printable characters", "可打印字符"),
        ("unicode hexadecimal value", "Unicode 十六进制值"),
        ("value", "值"),
    ];
    // A string that runs to the end of its line is, to a person, an unclosed one.
    match detail {
        "invalid basic string, expected `\"`" => return "字符串没有闭合，缺少 `\"`".into(),
        "invalid literal string, expected `'`" => return "字符串没有闭合，缺少 `'`".into(),
        _ => {}
    }
    let word = |table: &[(&str, &'static str)], w: &str| table.iter().find(|(en, _)| *en == w).map(|(_, zh)| *zh);
    let closing = detail.starts_with("unclosed ") || detail.starts_with("missing ");
    let (description, expected) = match detail.split_once(", expected ") {
        Some((d, e)) => (d, Some(e)),
        None => (detail, None),
    };
    let Some(description) = word(DESCRIPTIONS, description) else { return detail.to_string() };
    let expected = match expected {
        None | Some("nothing") => return description.to_string(),
        Some(e) => e,
    };
    // `a`, `b` or letters, numbers: each item a quoted token or a known word.
    let mut items = Vec::new();
    for item in expected.split(", ").flat_map(|i| i.split(" or ")).map(str::trim) {
        if item.starts_with('`') && item.ends_with('`') && item.len() > 1 {
            items.push(item.to_string());
        } else if let Some(w) = word(EXPECTED, item) {
            items.push(w.to_string());
        } else {
            return detail.to_string();
        }
    }
    let lead = if closing { "缺少" } else { "此处应为" };
    format!("{description}，{lead} {}", items.join("、"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One of every message (with `Text` left out: it is English by design).
    fn every_message() -> Vec<Message> {
        use Message::*;
        let s = |x: &str| x.to_string();
        let near = |what: &str| {
            NearSelection(Box::new(super::NearSelection {
                what: s(what),
                word: s("x"),
                name: s("y"),
                ruleset: s("r"),
                entity: s("e"),
            }))
        };
        let subjects = vec![
            Subject::key("pass_score"),
            Subject::Metric(s("gdp")),
            Subject::Period(s("2015")),
            Subject::Param(s("base")),
            Subject::Group(s("core")),
            Subject::ValueOf(s("gdp")),
            Subject::EachEntryOf(Box::new(Subject::key("tags"))),
            Subject::EachRule,
            Subject::RuleId,
            Subject::StepThreshold,
            Subject::StepPoints,
            Subject::TargetLow,
            Subject::TargetHigh,
            Subject::FormulaWord,
            Subject::MissingReason,
            Subject::Catalog,
            Subject::DataFile,
            Subject::RuleSet,
            Subject::Rule,
        ];
        let types = [
            ValueType::String,
            ValueType::Integer,
            ValueType::Float,
            ValueType::Boolean,
            ValueType::Date,
            ValueType::Array,
            ValueType::Table,
        ];
        let expected = [
            Expected::String,
            Expected::Bool,
            Expected::Table,
            Expected::Number,
            Expected::StringOrList,
            Expected::NumberOrFormula,
            Expected::Formula,
            Expected::YearOrString,
            Expected::RuleArray,
        ];
        let mut out = vec![
            MoreNotShown { count: 3, max: 200 },
            DanglingLink { target: s("x.toml") },
            LinkLoop,
            FolderLinkLoop,
            PathMissing(TreeName::Rules),
            PathMissing(TreeName::Data),
            FileVanished,
            CatalogMissing,
            CatalogMissingHelp,
            CannotRead { error: s("`e`") },
            CannotReadFolder { error: s("`e`") },
            CannotReadFile { error: s("`e`") },
            IsAFolder,
            Skipped(TreeName::Rules),
            Skipped(TreeName::Data),
            SkippedSpreadsheet { ext: s("xls") },
            TooLarge { mib: 40, max: 32 },
            TooLargeHelp,
            TotalTooLarge { max: 256 },
            SeveralCatalogs { paths: vec![s("a/metrics.toml"), s("b/metrics.toml")] },
            NoCatalogAmong { count: 2 },
            SeveralCatalogsHelp,
            Utf16,
            NulByte,
            NotText,
            ReadAsGb18030,
            EmptyFile,
            TomlNesting { max: 80 },
            TomlSyntax { detail: s("unclosed table, expected `]`") },
            TomlSyntax { detail: s("duplicate key") },
            DerivedDepth { id: s("x"), depth: 10_001, max: 10_000 },
            FigureWrongType { metric: s("x"), found: ValueType::Array },
            DataFileNeedsId,
            AsOfNotDate,
            AsOfOutsidePeriod { date: s("2016-06-30"), period: s("2015") },
            ValueNeedsOne { metric: s("x") },
            ValueHasBoth { metric: s("x"), first: s("value"), second: s("at_least") },
            TakesNumber { key: s("at_least"), value: true },
            RuleSetNeedsId,
            UnknownOp { text: s("=>") },
            OpHelp,
            RuleNeedsId,
            NegativeWeight,
            MetricAndExpr { id: s("x") },
            NeedsMetricOrExpr { id: s("x") },
            NeedsOp { id: s("x") },
            UnknownScoring { text: s("x") },
            ScoringHelp,
            StepsNeeded,
            StepsUnused,
            StepsOp { op: s("==") },
            NeedsTarget { id: s("x") },
            RangeOnlyBetween,
            BetweenArity { entries: 3 },
            LowAboveHigh { low: s("2"), high: s("1") },
            BetweenNeedsRange,
            StepsNotList,
            StepNotPair,
            NegativePoints,
            StepsEmpty,
            UnknownMetric { id: s("x") },
            UnknownEntity { id: s("x") },
            DerivedReported { metric: s("x") },
            DerivedReportedHelp,
            WantsBool { metric: s("x") },
            WantsNumber { metric: s("x") },
            UnitDoesNotConvert { unit: s("件"), to: s("万元"), metric: s("x") },
            UnitHelp,
            UnitWithoutMetricUnit { unit: s("件"), metric: s("x") },
            TooLargeConverted,
            EntityTwice { id: s("x") },
            RuleSetTwice { id: s("x") },
            RuleTwice { rule: s("r"), ruleset: s("x") },
            NoRules { ruleset: s("x") },
            NoRulesHelp,
            ParamIsMetric { id: s("x") },
            ParamHasNoPeriods { id: s("x") },
            FormulaCycle { head: vec![s("a"), s("b")], hidden: 3, tail: vec![s("y"), s("a")] },
            BadWord { key: s("measure"), text: s("flw"), allowed: vec![s("flow"), s("level")] },
            DataLookAlike { word: s("x"), notes: vec![LookAlike { letter: 'е', plain: 'e' }] },
            EveryMetricDeclared,
            AppliesToNone { key: s("entities"), value: s("x") },
            AppliesToNone { key: s("kinds"), value: s("x") },
            near("kind"),
            near("tag"),
            GroupUnused { group: s("core") },
            DidYouMean { word: s("x") },
            DidYouMeanKey { key: s("x") },
            LooksLike { word: s("x"), notes: vec![LookAlike { letter: 'е', plain: 'e' }] },
            KnownKeys { keys: vec![s("id"), s("name")] },
            UsageUnknown { what: UsageWhat::Entity, id: s("x"), hint: Some(s("y")) },
            UsageUnknown { what: UsageWhat::RuleSet, id: s("x"), hint: None },
            UsageUnknown { what: UsageWhat::Metric, id: s("x"), hint: None },
            AsOfNotADate { text: s("x") },
            TodayNotADate { text: s("x") },
            NoRuleFor { rule: s("r"), entity: s("e"), hint: Some(s("q")) },
            RuleInSeveral { rule: s("r"), rulesets: vec![s("a"), s("b")] },
            NoPeriod { ruleset: s("r") },
            AsOfOutside { date: s("2016-06-30"), period: s("2015"), ruleset: s("r") },
            NoRule { rule: s("r") },
            NoYearFor { metric: s("m") },
            NothingToEvaluate,
            Grouped {
                kind: crate::diagnostic::WarningKind::UnknownEntity,
                count: 2,
                names: vec![s("x"), s("y")],
                more: 1,
            },
            Grouped { kind: crate::diagnostic::WarningKind::UnknownKind, count: 2, names: vec![s("x")], more: 0 },
            Grouped { kind: crate::diagnostic::WarningKind::UnknownTag, count: 2, names: vec![s("x")], more: 0 },
            Grouped { kind: crate::diagnostic::WarningKind::SkippedFile, count: 2, names: vec![s("x")], more: 0 },
            Grouped { kind: crate::diagnostic::WarningKind::UnusedGroup, count: 2, names: vec![s("x")], more: 0 },
            CannotStartThreads { error: s("`e`") },
            WidthNotANumber { text: s("10") },
            BomNeedsCsv,
            FormExtension { path: s("b.ods") },
            FormIsInput { path: s("a.csv") },
            OutputWriteFailed { path: s("b.xlsx"), error: s("`e`") },
            OutputIsFolder { path: s("out") },
            OutputNoFolder { path: s("no/b.xlsx"), folder: s("no") },
            OutputIsInput { path: s("data/a.toml") },
            OutputInInputFolder { path: s("data/r.csv"), data: true },
            OutputInInputFolder { path: s("rules/r.toml"), data: false },
            FormatNotFor {
                command: "trend",
                format: s("xlsx"),
                from_extension: true,
                known: vec![s("table"), s("csv")],
            },
            FormatNotFor { command: "trend", format: s("xlsx"), from_extension: false, known: vec![s("csv")] },
            XlsxNeedsOutput,
            CannotBuildWorkbook { error: s("`e`") },
            NoCommand { name: s("chek"), hint: Some(s("check")), known: vec![s("check"), s("eval")] },
            NoCommand { name: s("x"), hint: None, known: vec![s("check")] },
            CannotWriteMan { error: s("`e`") },
            UnfinishedYear {
                period: s("2026"),
                today: crate::model::Date { year: 2026, month: 12, day: 1 },
                count: 7,
                entities: vec![s("a"), s("b")],
            },
        ];
        for p in every_sheet_problem() {
            if p.help(Lang::En).is_some() {
                out.push(SheetHelp(Box::new(p.clone())));
            }
            out.push(Sheet(Box::new(p)));
        }
        for kind in [
            SpecialKind::Fifo,
            SpecialKind::CharDevice,
            SpecialKind::BlockDevice,
            SpecialKind::Socket,
            SpecialKind::Other,
        ] {
            out.push(Special(kind));
        }
        for what in [IdKind::Entity, IdKind::Metric, IdKind::RuleSet, IdKind::Rule, IdKind::Param] {
            out.push(InvalidId { what, id: s("X"), metric: what == IdKind::Metric });
        }
        for what in [
            Counted::Entities,
            Counted::PeriodsInAll,
            Counted::PeriodsOfOneEntity,
            Counted::FiguresInAll,
            Counted::RuleSets,
            Counted::Rules,
            Counted::RulesInOneRuleSet,
            Counted::MetricsInCatalog,
        ] {
            out.push(Over { limit: 100_000, what });
        }
        for e in [NumberError::NotExact(s("1e99")), NumberError::NotFinite(s("inf")), NumberError::NotANumber(s("1x"))]
        {
            out.push(BadNumber { what: Subject::key("weight"), error: e });
        }
        {
            use FormulaError::*;
            let found = || Found::Token(s(")"));
            for detail in [
                UnexpectedChar { c: '（', ascii: Some('(') },
                UnexpectedChar { c: '#', ascii: None },
                UnexpectedLetter { c: 'é' },
                UnexpectedControl { c: '\u{1}' },
                AtNeedsPeriod,
                MalformedNumber { text: s("1.2.3") },
                LeadingPoint { text: s(".5") },
                TrailingPoint { text: s("5.") },
                TooPrecise,
                TooLarge,
                InvalidId { text: s("Gdp") },
                TooLong,
                TooDeep { max: 64 },
                UnclosedParen,
                UnknownFunction { name: s("sqrt") },
                AbsArity,
                IfZeroArity,
                MinMaxArity { name: s("min") },
                Empty,
                UnexpectedRParen,
                ExpectedOperand { found: found() },
                ExpectedOperand { found: Found::End },
                ExpectedOperandAfter { prev: s("+"), found: None },
                ExpectedOperandAfter { prev: s("+"), found: Some(found()) },
                Expected { wanted: Wanted::Operator, found: found() },
                Expected { wanted: Wanted::OperatorOrParen, found: Found::End },
                Expected { wanted: Wanted::CommaOrParen, found: found() },
                MisplacedAt,
            ] {
                out.push(Formula { what: Subject::key("target"), detail });
            }
        }
        for what in &subjects {
            out.push(UnknownKey { key: s("x"), within: what.clone() });
            for (e, t) in expected.iter().zip(types.iter().cycle()) {
                out.push(WrongType { what: what.clone(), expected: *e, found: *t });
            }
        }
        out
    }

    /// Each message kind's number, by a match without a wildcard: a new variant does
    /// not compile until it is numbered here, and then fails the test below until
    /// `every_message` renders it.
    fn kind_index(m: &Message) -> usize {
        use Message::*;
        match m {
            Text(_) => 0,
            MoreNotShown { .. } => 1,
            DanglingLink { .. } => 2,
            LinkLoop => 3,
            FolderLinkLoop => 4,
            PathMissing(_) => 5,
            FileVanished => 6,
            CatalogMissing => 7,
            CatalogMissingHelp => 8,
            CannotRead { .. } => 9,
            CannotReadFolder { .. } => 10,
            CannotReadFile { .. } => 11,
            Special(_) => 12,
            IsAFolder => 13,
            Skipped(_) => 14,
            SkippedSpreadsheet { .. } => 15,
            TooLarge { .. } => 16,
            TooLargeHelp => 17,
            TotalTooLarge { .. } => 18,
            SeveralCatalogs { .. } => 19,
            NoCatalogAmong { .. } => 20,
            SeveralCatalogsHelp => 21,
            Utf16 => 22,
            NulByte => 23,
            NotText => 24,
            ReadAsGb18030 => 25,
            EmptyFile => 26,
            TomlNesting { .. } => 27,
            TomlSyntax { .. } => 28,
            WrongType { .. } => 29,
            BadNumber { .. } => 30,
            UnknownKey { .. } => 31,
            InvalidId { .. } => 32,
            Formula { .. } => 33,
            Over { .. } => 34,
            DerivedDepth { .. } => 35,
            FigureWrongType { .. } => 36,
            DataFileNeedsId => 37,
            AsOfNotDate => 38,
            AsOfOutsidePeriod { .. } => 39,
            ValueNeedsOne { .. } => 40,
            ValueHasBoth { .. } => 41,
            TakesNumber { .. } => 42,
            RuleSetNeedsId => 43,
            UnknownOp { .. } => 44,
            OpHelp => 45,
            RuleNeedsId => 46,
            NegativeWeight => 47,
            MetricAndExpr { .. } => 48,
            NeedsMetricOrExpr { .. } => 49,
            NeedsOp { .. } => 50,
            UnknownScoring { .. } => 51,
            ScoringHelp => 52,
            StepsNeeded => 53,
            StepsUnused => 54,
            StepsOp { .. } => 55,
            NeedsTarget { .. } => 56,
            RangeOnlyBetween => 57,
            BetweenArity { .. } => 58,
            LowAboveHigh { .. } => 59,
            BetweenNeedsRange => 60,
            StepsNotList => 61,
            StepNotPair => 62,
            NegativePoints => 63,
            StepsEmpty => 64,
            UnknownMetric { .. } => 65,
            UnknownEntity { .. } => 66,
            DerivedReported { .. } => 67,
            DerivedReportedHelp => 68,
            WantsBool { .. } => 69,
            WantsNumber { .. } => 70,
            UnitDoesNotConvert { .. } => 71,
            UnitHelp => 72,
            UnitWithoutMetricUnit { .. } => 73,
            TooLargeConverted => 74,
            EntityTwice { .. } => 75,
            RuleSetTwice { .. } => 76,
            RuleTwice { .. } => 77,
            NoRules { .. } => 78,
            NoRulesHelp => 79,
            ParamIsMetric { .. } => 80,
            ParamHasNoPeriods { .. } => 81,
            FormulaCycle { .. } => 82,
            BadWord { .. } => 83,
            DataLookAlike { .. } => 84,
            EveryMetricDeclared => 85,
            AppliesToNone { .. } => 86,
            NearSelection(_) => 87,
            GroupUnused { .. } => 88,
            DidYouMean { .. } => 89,
            DidYouMeanKey { .. } => 90,
            LooksLike { .. } => 91,
            KnownKeys { .. } => 92,
            UsageUnknown { .. } => 93,
            AsOfNotADate { .. } => 94,
            TodayNotADate { .. } => 95,
            NoRuleFor { .. } => 96,
            RuleInSeveral { .. } => 97,
            NoPeriod { .. } => 98,
            AsOfOutside { .. } => 99,
            NoRule { .. } => 100,
            NoYearFor { .. } => 101,
            NothingToEvaluate => 102,
            CannotStartThreads { .. } => 103,
            UnfinishedYear { .. } => 104,
            Grouped { .. } => 105,
            Sheet(_) => 106,
            SheetHelp(_) => 107,
            WidthNotANumber { .. } => 108,
            BomNeedsCsv => 109,
            FormExtension { .. } => 110,
            FormIsInput { .. } => 111,
            OutputWriteFailed { .. } => 112,
            CannotBuildWorkbook { .. } => 113,
            NoCommand { .. } => 114,
            CannotWriteMan { .. } => 115,
            OutputIsFolder { .. } => 116,
            OutputNoFolder { .. } => 117,
            OutputIsInput { .. } => 118,
            OutputInInputFolder { .. } => 119,
            FormatNotFor { .. } => 120,
            XlsxNeedsOutput => 121,
        }
    }

    const KINDS: usize = 122;

    /// One of every spreadsheet problem (each variant of each of its enums).
    fn every_sheet_problem() -> Vec<SheetProblem> {
        use crate::model::{Date, Qualifier};
        use crate::text::sheet::{CsvProblem as C, LayoutProblem as L, ValueProblem as V, WorkbookProblem as W};
        let s = |x: &str| x.to_string();
        let date = Date { year: 2016, month: 6, day: 30 };
        let csv = vec![
            C::QuoteNeverClosed,
            C::TextAfterQuote,
            C::QuoteRunsOn(1),
            C::QuoteRunsOn(3),
            C::BadHeader { entities: false, entities_elsewhere: false },
            C::BadHeader { entities: false, entities_elsewhere: true },
            C::BadHeader { entities: true, entities_elsewhere: false },
            C::RowWidth { fields: 3, header: 7 },
            C::EntitiesSheetHeader(s("单位")),
            C::RightOfTags,
            C::RightOfHeader,
            C::SheetSkipped(s("说明")),
            C::SharedEntityName { name: s("城区"), ids: vec![s("a"), s("b")] },
            C::AsOfDisagrees {
                date,
                existing: Date { year: 2016, month: 9, day: 30 },
                period: s("2016"),
                entity: s("a"),
            },
            C::GivenTwice { metric: s("m"), entity: s("a"), period: s("2016"), first: s("`data/a.toml:3:1`") },
            C::TotalsRow(s("合计")),
            C::DeclareEntity,
        ];
        let value = vec![
            V::NotANumber(s("23O")),
            V::TooLarge(NumberError::NotExact(s("1e99"))),
            V::NotYesNo(s("有")),
            V::YesNoForNumber(s("是")),
            V::DateForNumber(s("2016-06-30")),
            V::TwoWords { text: s("超3500余"), first: "超", second: "余" },
            V::UnitDoesNotConvert { text: s("5件"), unit: s("件"), metric_unit: s("人") },
            V::UnitWithoutMetricUnit { text: s("5件"), unit: s("件") },
        ];
        let mut layout = vec![
            L::NoMetric { word: s("序号"), column: true },
            L::NoMetric { word: s("序号"), column: false },
            L::SharedMetricName { word: s("共用"), ids: vec![s("a"), s("b")] },
            L::SecondColumn { id: s("m"), first: s("专利申请量") },
            L::BoolWithUnit { word: s("是否（个）"), id: s("m"), base: s("是否") },
            L::AsOfOutside { date, period: s("2015") },
            L::NotADate(s("去年")),
            L::Unsaved(s("=B2+C2")),
            L::EntityEmpty,
            L::PeriodEmpty,
            L::UnknownQualifier { word: s("atleast"), near: Some(s("at_least")) },
            L::UnknownQualifier { word: s("大概"), near: None },
            L::MissingWithValue,
            L::MissingNeedsSource,
            L::ValueEmpty,
            L::QualifierDisagrees { value: Qualifier::AtLeast, column: Qualifier::AtMost },
            L::UnitDisagrees { value: s("亿元"), column: s("万元") },
            L::NoColumnHeader,
            L::BadEntityId(s("A B")),
            L::EnglishLabel { word: s("Patent applications"), id: s("patent_applications") },
        ];
        layout.extend(value.into_iter().map(L::Value));
        let workbook = [
            W::NotAZip(s("`e`")),
            W::Damaged(s("`e`")),
            W::Unpacks(512 << 20),
            W::Password,
            W::CannotRead(s("`e`")),
            W::NotAWorksheet,
            W::SheetUnreadable(s("`e`")),
            W::TooManyColumns { col: 5001, max: 5000 },
            W::TooManyCells { max: 2_000_000 },
        ];
        let mut out: Vec<SheetProblem> = csv.into_iter().map(SheetProblem::Csv).collect();
        out.extend(layout.into_iter().map(SheetProblem::Layout));
        for problem in workbook {
            out.push(SheetProblem::Workbook { problem: problem.clone(), sheet: None });
            out.push(SheetProblem::Workbook { problem, sheet: Some(s("数据")) });
        }
        out
    }

    /// Each spreadsheet problem's number, by matches without a wildcard, as
    /// `kind_index` does for messages.
    fn sheet_kind_index(p: &SheetProblem) -> usize {
        use crate::text::sheet::{CsvProblem as C, LayoutProblem as L, ValueProblem as V, WorkbookProblem as W};
        match p {
            SheetProblem::Csv(c) => match c {
                C::QuoteNeverClosed => 0,
                C::TextAfterQuote => 1,
                C::QuoteRunsOn(_) => 2,
                C::BadHeader { .. } => 3,
                C::RowWidth { .. } => 4,
                C::EntitiesSheetHeader(_) => 5,
                C::RightOfTags => 6,
                C::RightOfHeader => 7,
                C::SheetSkipped(_) => 8,
                C::SharedEntityName { .. } => 9,
                C::AsOfDisagrees { .. } => 10,
                C::GivenTwice { .. } => 11,
                C::TotalsRow(_) => 12,
                C::DeclareEntity => 13,
            },
            SheetProblem::Layout(l) => match l {
                L::NoMetric { .. } => 14,
                L::SharedMetricName { .. } => 15,
                L::SecondColumn { .. } => 16,
                L::BoolWithUnit { .. } => 17,
                L::AsOfOutside { .. } => 18,
                L::NotADate(_) => 19,
                L::Unsaved(_) => 20,
                L::EntityEmpty => 21,
                L::PeriodEmpty => 22,
                L::UnknownQualifier { .. } => 23,
                L::MissingWithValue => 24,
                L::MissingNeedsSource => 25,
                L::ValueEmpty => 26,
                L::QualifierDisagrees { .. } => 27,
                L::UnitDisagrees { .. } => 28,
                L::NoColumnHeader => 29,
                L::BadEntityId(_) => 30,
                L::EnglishLabel { .. } => 31,
                L::Value(v) => match v {
                    V::NotANumber(_) => 32,
                    V::TooLarge(_) => 33,
                    V::NotYesNo(_) => 34,
                    V::YesNoForNumber(_) => 35,
                    V::DateForNumber(_) => 36,
                    V::TwoWords { .. } => 37,
                    V::UnitDoesNotConvert { .. } => 38,
                    V::UnitWithoutMetricUnit { .. } => 39,
                },
            },
            SheetProblem::Workbook { problem, .. } => match problem {
                W::NotAZip(_) => 40,
                W::Damaged(_) => 41,
                W::Unpacks(_) => 42,
                W::Password => 43,
                W::CannotRead(_) => 44,
                W::NotAWorksheet => 45,
                W::SheetUnreadable(_) => 46,
                W::TooManyColumns { .. } => 47,
                W::TooManyCells { .. } => 48,
            },
        }
    }

    const SHEET_KINDS: usize = 49;

    #[test]
    fn every_sheet_problem_kind_is_rendered_by_the_tests() {
        let mut seen = [false; SHEET_KINDS];
        for p in every_sheet_problem() {
            seen[sheet_kind_index(&p)] = true;
        }
        let missing: Vec<usize> = (0..SHEET_KINDS).filter(|&k| !seen[k]).collect();
        assert!(missing.is_empty(), "sheet problems not in every_sheet_problem (see sheet_kind_index): {missing:?}");
    }

    #[test]
    fn every_message_kind_is_rendered_by_the_tests() {
        let mut seen = [false; KINDS];
        seen[kind_index(&Message::Text(String::new()))] = true;
        for m in every_message() {
            seen[kind_index(&m)] = true;
        }
        let missing: Vec<usize> = (0..KINDS).filter(|&k| !seen[k]).collect();
        assert!(missing.is_empty(), "message kinds not in every_message (see kind_index): {missing:?}");
    }

    /// The English words left in a Chinese sentence, once ids, keys, quoted text
    /// (between backticks), id patterns and the names of files, options and formats
    /// are taken out.
    fn english_left(text: &str) -> Option<String> {
        let mut rest = String::new();
        for (i, part) in text.split('`').enumerate() {
            if i % 2 == 0 {
                rest.push_str(part);
                rest.push(' ');
            }
        }
        let allowed = [
            "kaohe",
            "toml",
            "csv",
            "xlsx",
            "xls",
            "zip",
            "excel",
            "wps",
            "md",
            "txt",
            "metrics",
            "utf",
            "gb",
            "nul",
            "mib",
            "kib",
            "id",
            "true",
            "false",
            "metrics.toml",
            "rule",
            "kaohe_today",
            "as",
            "of",
            "file",
            "u",
            "a",
            "z",
            "e",
        ];
        rest.split(|c: char| !c.is_ascii_alphabetic() && c != '_')
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .find(|w| !allowed.contains(&w.as_str()) && !w.starts_with("u0") && w.len() > 1)
    }

    #[test]
    fn every_message_reads_in_chinese_without_english() {
        let mut bad = Vec::new();
        for m in every_message() {
            let zh = m.word(Lang::Zh);
            if english_left(&zh).is_some() || zh == m.word(Lang::En) {
                bad.push(format!("{:?} in {zh}", english_left(&zh)));
            }
        }
        assert!(bad.is_empty(), "{bad:#?}");
        for f in [warning_label, notice_label, error_label, help_label] {
            assert_eq!(english_left(f(Lang::Zh)), None);
        }
        assert_eq!(english_left(&cannot_write("`x`", Lang::Zh)), None);
        assert_eq!(english_left(&internal_error("`x`", Lang::Zh)), None);
        // What `kaohe template` says besides its errors.
        assert_eq!(english_left(&super::super::form_written("a.xlsx", 3, 2, Lang::Zh)), None);
        assert_eq!(english_left(super::super::form_nothing_selected(Lang::Zh)), None);
        assert_eq!(english_left(&super::super::form_in_data_folder("a.xlsx", Lang::Zh)), None);
    }

    #[test]
    fn toml_crate_messages_are_mapped_or_wrapped() {
        let zh = |detail: &str| Message::TomlSyntax { detail: detail.into() }.word(Lang::Zh);
        assert_eq!(zh("unclosed table, expected `]`"), "TOML 语法错误：表头没有闭合，缺少 `]`");
        assert_eq!(zh("duplicate key"), "TOML 语法错误：键重复");
        assert_eq!(zh("invalid basic string, expected `\"`"), "TOML 语法错误：字符串没有闭合，缺少 `\"`");
        assert_eq!(zh("unexpected leading zero, expected nothing"), "TOML 语法错误：数不能以 0 开头");
        assert_eq!(
            zh("invalid unquoted key, expected letters, numbers, `-`, `_`"),
            "TOML 语法错误：未加引号的键无效（其他文字的键请加引号），此处应为 字母、数字、`-`、`_`"
        );
        // What the tables do not know is left whole, not half translated.
        assert_eq!(
            zh("invalid date, expected month between 01 and 12"),
            "TOML 语法错误：invalid date, expected month between 01 and 12"
        );
        // A message kaohe does not know is shown as the crate wrote it, after the label.
        assert_eq!(Message::TomlSyntax { detail: "odd".into() }.word(Lang::Zh), "TOML 语法错误：odd");
        assert_eq!(Message::TomlSyntax { detail: "odd".into() }.word(Lang::En), "invalid TOML: odd");
    }

    #[test]
    fn english_is_unchanged_wording() {
        assert_eq!(Message::UnknownMetric { id: "x".into() }.to_string(), "unknown metric `x`");
        assert_eq!(
            Message::WrongType {
                what: Subject::Metric("g".into()),
                expected: Expected::Table,
                found: ValueType::Integer
            }
            .to_string(),
            "metric `g` must be a table, found an integer"
        );
        assert_eq!(Message::from("as it was").word(Lang::Zh), "as it was");
        let veto =
            Message::WrongType { what: Subject::key("veto"), expected: Expected::Bool, found: ValueType::String };
        assert_eq!(veto.word(Lang::Zh), "`veto` 应为布尔值（true 或 false），实为字符串");
        let key = Message::UnknownKey { key: "x".into(), within: Subject::RuleSet };
        assert_eq!(key.word(Lang::Zh), "规则集中有未知的键 `x`");
        // Diagnostics are many: the message stays small.
        assert!(std::mem::size_of::<Message>() <= 96, "{}", std::mem::size_of::<Message>());
    }
}
