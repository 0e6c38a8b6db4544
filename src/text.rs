//! Every phrase kaohe shows a person, in Chinese and English, in one place (the
//! diagnostics' wording in the submodule `diagnostics`, re-exported here).
//!
//! Evaluation and the solver produce typed values (a [`Reason`], an [`Unknown`], a
//! [`NeedNote`]); renderers ask this module to word them. JSON and CSV carry the
//! English wording as the contract's value, so `Lang::En` here is also the contract's
//! text: change it only together with the snapshots that pin it. Numbers inside
//! sentences follow CONTRACT §8's format ([`exact_number`]); ids, periods and
//! function names stay as written.

mod diagnostics;
pub mod sheet;

use std::borrow::Cow;

use rust_decimal::Decimal;

use crate::escape::escape_text;
use crate::evaluate::{Decider, Pace, Reason, Status, TargetValue, Verdict};
use crate::expr::{Func, Unknown};
use crate::interval::Interval;
use crate::model::{Metric, Qualifier};
use crate::number::{exact_number, short_number};
use crate::solve::{NeedNote, NoFigure, NonLinear, Rounding, Shape};

pub use diagnostics::{
    Counted, Expected, FormulaError, Found, IdKind, LookAlike, Message, NearSelection, NumberError, SpecialKind,
    Subject, TreeName, UsageWhat, ValueType, Wanted, cannot_write, error_label, help_label, internal_error,
    notice_label, warning_label,
};

/// The language of labels and sentences (CONTRACT §7: never of a JSON or CSV value).
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Zh,
    En,
}

impl Lang {
    /// `--lang`, else Chinese when the locale (LC_ALL, else LC_MESSAGES, else LANG) starts with `zh`.
    pub fn resolve(flag: Option<Lang>, env: &dyn Fn(&str) -> Option<String>) -> Lang {
        if let Some(l) = flag {
            return l;
        }
        let locale = ["LC_ALL", "LC_MESSAGES", "LANG"].iter().find_map(|k| env(k).filter(|v| !v.is_empty()));
        match locale {
            Some(l) if l.starts_with("zh") => Lang::Zh,
            _ => Lang::En,
        }
    }

    fn pick(self, zh: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// Fixed words and labels of every output.
pub struct Words {
    pub indicator: &'static str,
    pub target: &'static str,
    pub actual: &'static str,
    pub completion: &'static str,
    pub status: &'static str,
    pub points: &'static str,
    pub subtotal: &'static str,
    pub score: &'static str,
    pub pass_line: &'static str,
    pub verdict: &'static str,
    pub unknown_rules: &'static str,
    pub period: &'static str,
    pub as_of: &'static str,
    pub elapsed: &'static str,
    pub summary: &'static str,
    pub entity: &'static str,
    pub min_score: &'static str,
    pub expected: &'static str,
    pub needs: &'static str,
    pub bonus: &'static str,
    pub veto: &'static str,
    /// Between two needs of one rule ("；或", "; or ").
    pub or: &'static str,
    /// After a label ("：", ":") and the space that follows it ("", " ").
    pub colon: &'static str,
    pub colon_space: &'static str,
    pub projected: &'static str,
    /// A level's progress from the start of the year.
    pub rise: &'static str,
    // explain
    pub rule: &'static str,
    pub as_of_title: &'static str,
    pub formula: &'static str,
    pub inputs: &'static str,
    pub missing: &'static str,
    pub not_in_data: &'static str,
    pub written_as: &'static str,
    pub source: &'static str,
    pub note: &'static str,
    pub none: &'static str,
    pub arithmetic: &'static str,
    pub comparison: &'static str,
    pub gap: &'static str,
    pub all_or_nothing: &'static str,
    pub linear: &'static str,
    pub steps: &'static str,
    pub unknown_scores_zero: &'static str,
    pub veto_rule: &'static str,
    pub bonus_rule: &'static str,
    pub rule_set: &'static str,
    pub score_lower: &'static str,
    pub unknown_value: &'static str,
    // trend and compare
    pub metric: &'static str,
    pub trend: &'static str,
    pub to: &'static str,
    pub rank: &'static str,
    pub value: &'static str,
    pub remark: &'static str,
    // text output
    /// The title of a Markdown report.
    pub report: &'static str,
    /// A column of verdicts.
    pub verdict_heading: &'static str,
}

pub const ZH: Words = Words {
    indicator: "指标",
    target: "目标",
    actual: "实际",
    completion: "完成率",
    status: "状态",
    points: "得分/分值",
    subtotal: "小计",
    score: "得分",
    pass_line: "合格线",
    verdict: "结论",
    unknown_rules: "待定项",
    period: "期间",
    as_of: "截至",
    elapsed: "全年进度",
    summary: "汇总",
    entity: "对象",
    min_score: "基本分",
    expected: "应完成",
    needs: "还需",
    bonus: "加分",
    veto: "否决项",
    or: "；或",
    colon: "：",
    colon_space: "",
    projected: "推算全年",
    rise: "增量完成",
    rule: "规则",
    as_of_title: "截至",
    formula: "公式",
    inputs: "输入",
    missing: "缺失",
    not_in_data: "缺失（数据中没有）",
    written_as: "原文",
    source: "出处",
    note: "注",
    none: "（无）",
    arithmetic: "计算",
    comparison: "比较",
    gap: "差距",
    all_or_nothing: "全有或全无",
    linear: "按完成率线性计分",
    steps: "分档",
    unknown_scores_zero: "；待定项计 0 分",
    veto_rule: "；否决项",
    bonus_rule: "；加分项",
    rule_set: "本规则集",
    score_lower: "得分",
    unknown_value: "未知",
    metric: "指标",
    trend: "走势",
    to: "截至",
    rank: "排名",
    value: "数值",
    remark: "说明",
    report: "考核结果",
    verdict_heading: "结论",
};

pub const EN: Words = Words {
    indicator: "Indicator",
    target: "Target",
    actual: "Actual",
    completion: "Completion",
    status: "Status",
    points: "Points",
    subtotal: "Subtotal",
    score: "Score",
    pass_line: "pass line",
    verdict: "verdict",
    unknown_rules: "Unknown",
    period: "period",
    as_of: "as of",
    elapsed: "of the year elapsed",
    summary: "Summary",
    entity: "Entity",
    min_score: "minimum",
    expected: "expected",
    needs: "Needs",
    bonus: "bonus",
    veto: "veto",
    or: "; or ",
    colon: ":",
    colon_space: " ",
    projected: "projected",
    rise: "rise",
    rule: "Rule",
    as_of_title: "As of",
    formula: "Formula",
    inputs: "Inputs",
    missing: "missing",
    not_in_data: "missing (not in the data)",
    written_as: "written as",
    source: "source",
    note: "note",
    none: "(none)",
    arithmetic: "Arithmetic",
    comparison: "Comparison",
    gap: "Gap",
    all_or_nothing: "all or nothing",
    linear: "linear in completion",
    steps: "steps",
    unknown_scores_zero: "; unknown rules score 0",
    veto_rule: "; veto rule",
    bonus_rule: "; bonus rule",
    rule_set: "Rule set",
    score_lower: "score",
    unknown_value: "unknown",
    metric: "Metric",
    trend: "Trend",
    to: "to",
    rank: "Rank",
    value: "Value",
    remark: "Note",
    report: "Evaluation results",
    verdict_heading: "Verdict",
};

pub fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

pub fn status(status: Status, lang: Lang) -> &'static str {
    match status {
        Status::Met => lang.pick("达标", "met"),
        Status::NotMet => lang.pick("未达标", "not met"),
        Status::Unknown => lang.pick("待定", "unknown"),
    }
}

pub fn verdict(verdict: Verdict, lang: Lang) -> &'static str {
    match verdict {
        Verdict::Pass => lang.pick("通过", "pass"),
        Verdict::Fail => lang.pick("不通过", "fail"),
        Verdict::Incomplete => lang.pick("待定", "incomplete"),
    }
}

pub fn pace(pace: Pace, lang: Lang) -> &'static str {
    match pace {
        Pace::Ahead => lang.pick("进度超前", "ahead"),
        Pace::Behind => lang.pick("进度滞后", "behind"),
    }
}

pub fn qualifier(q: Qualifier, lang: Lang) -> &'static str {
    match q {
        Qualifier::Exact => lang.pick("确数", "exact"),
        Qualifier::AtLeast => lang.pick("不少于（余/以上）", "at least"),
        Qualifier::AtMost => lang.pick("不多于（近）", "at most"),
        Qualifier::Approx => lang.pick("约数", "approximately"),
    }
}

/// The spread line under `compare` (numbers already formatted).
pub fn spread(min: &str, median: &str, max: &str, counted: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("最小 {min} · 中位数 {median} · 最大 {max}（基于 {counted} 个确数）"),
        Lang::En => format!("min {min} · median {median} · max {max} (over {counted} exact values)"),
    }
}

/// Text from an input file as people see it: control and bidirectional characters
/// written as `\u{1b}` (CONTRACT §7). Every format but JSON shows input text through
/// this (JSON escapes in its own way, `render::json`).
pub fn shown(s: &str) -> Cow<'_, str> {
    escape_text(s)
}

/// A metric's label in the chosen language (its name, `en` label or id), shown.
pub fn metric_label(m: &Metric, lang: Lang) -> Cow<'_, str> {
    shown(m.label(lang == Lang::En))
}

/// A rule's label: its name, else its metric's label, else its id.
pub fn rule_label<'a>(rule: &'a crate::model::Rule, metric: Option<&'a Metric>, lang: Lang) -> Cow<'a, str> {
    match (&rule.name, metric) {
        (Some(name), _) => shown(name),
        (None, Some(m)) => metric_label(m, lang),
        (None, None) => Cow::Borrowed(&rule.id),
    }
}

/// "name (id)", or the id alone when there is no name.
pub fn named(name: Option<&str>, id: &str) -> String {
    match name {
        Some(n) => format!("{} ({})", shown(n), shown(id)),
        None => shown(id).into_owned(),
    }
}

/// An interval in a sentence, with §8's numbers: `12`, `[10, 20]`, `[16000, +∞)`.
pub fn interval(i: &Interval) -> String {
    let n = exact_number;
    match (i.low, i.high) {
        (Some(l), Some(h)) if l == h => n(l),
        (l, h) => format!(
            "{}, {}",
            l.map_or("(-∞".into(), |v| format!("[{}", n(v))),
            h.map_or("+∞)".into(), |v| format!("{}]", n(v)))
        ),
    }
}

/// An interval as `explain` shows it: exact numbers, `≈` when approximate.
pub fn interval_marked(i: &Interval) -> String {
    match (i.low, i.high, i.approx) {
        (None, None, _) | (_, _, false) => interval(i),
        _ => format!("≈{}", interval(i)),
    }
}

/// An actual value as tables show it: 2 places, `≥` for a lower bound, `≤` for an
/// upper bound, `≈` approximate, `true`/`false` for a yes/no metric.
pub fn interval_short(i: &Interval, is_bool: bool) -> String {
    let approx = if i.approx { "≈" } else { "" };
    let num = |d: Decimal| {
        if is_bool { if d.is_zero() { "false".into() } else { "true".into() } } else { short_number(d) }
    };
    match (i.low, i.high) {
        (Some(l), Some(h)) if l == h => format!("{approx}{}", num(l)),
        (Some(l), Some(h)) => format!("{approx}{}–{}", num(l), num(h)),
        (Some(l), None) => format!("≥{approx}{}", num(l)),
        (None, Some(h)) => format!("≤{approx}{}", num(h)),
        (None, None) => "?".into(),
    }
}

/// Why a value is unknown.
pub fn unknown(u: &Unknown, lang: Lang) -> String {
    match u {
        Unknown::Missing(items) => {
            let list: Vec<String> = items.iter().map(|m| format!("{}@{}", m.metric, m.period)).collect();
            format!("{}{}", lang.pick("缺少数据：", "missing data: "), list.join(", "))
        }
        Unknown::DivisionByZero => lang.pick("除数为零", "division by zero").to_string(),
        Unknown::TooLarge => lang.pick("数值过大", "number too large").to_string(),
        Unknown::PrevOfNonYear { period } => match lang {
            Lang::Zh => format!("期间 `{period}` 不是年份，没有上一期"),
            Lang::En => format!("`@prev` of period `{period}`, which is not a year"),
        },
        Unknown::ZeroUndecided => lang
            .pick(
                "区间无法判定 `if_zero` 的第一个参数是否为零",
                "the bounds cannot decide whether `if_zero`'s first value is zero",
            )
            .to_string(),
        Unknown::Arity(func) => match (func, lang) {
            (Func::Abs, Lang::Zh) => "`abs` 只接受一个参数".to_string(),
            (Func::Abs, Lang::En) => "`abs` takes exactly one argument".to_string(),
            (Func::IfZero, Lang::Zh) => "`if_zero` 需要三个参数".to_string(),
            (Func::IfZero, Lang::En) => "`if_zero` takes three arguments".to_string(),
            (f, Lang::Zh) => format!("`{}` 至少需要一个参数", f.name()),
            (f, Lang::En) => format!("`{}` takes at least one argument", f.name()),
        },
    }
}

/// Why a rule is unknown.
pub fn reason(r: &Reason, lang: Lang) -> String {
    match r {
        Reason::Unknown(u) => unknown(u, lang),
        Reason::Undecided { actual, target } => {
            let target = match target {
                TargetValue::Single(t) => interval(t),
                TargetValue::Between(l, h) => format!("{} .. {}", interval(l), interval(h)),
            };
            match lang {
                Lang::Zh => format!("区间无法判定：实际 {}，目标 {target}", interval(actual)),
                Lang::En => format!("the bounds cannot decide: actual {} against target {target}", interval(actual)),
            }
        }
        Reason::StepThreshold(u) => {
            format!("{}{}", lang.pick("分档门槛无法计算：", "a step threshold cannot be computed: "), unknown(u, lang))
        }
    }
}

/// Why the exact path gave up on `metric`.
fn non_linear(n: &NonLinear, metric: &str, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    match n {
        NonLinear::NotLinear if zh => format!("非线性且非线性分式，变量 {metric}"),
        NonLinear::NotLinear => format!("not linear or a ratio of linear terms in {metric}"),
        NonLinear::Func(f) if zh => format!("`{}` 中含依赖 {metric} 的项", f.name()),
        NonLinear::Func(f) => format!("`{}` of a term that depends on {metric}", f.name()),
        NonLinear::Product => {
            lang.pick("两个都依赖该指标的项相乘", "a product of terms that both depend on the metric").to_string()
        }
        NonLinear::TooLarge => lang.pick("数值过大", "number too large").to_string(),
        NonLinear::TooLargeExact => lang.pick("精确解中数值过大", "number too large in the exact solution").to_string(),
        NonLinear::DivisionByZero => lang.pick("除数为零", "division by zero").to_string(),
        NonLinear::DivisorZeroNow => {
            lang.pick("当前值处分母为零", "a divisor is zero at the current value").to_string()
        }
        NonLinear::Disagrees => {
            lang.pick("精确解与计算结果不符", "the exact solution disagrees with the evaluator").to_string()
        }
        NonLinear::DoesNotVerify(v) if zh => format!("精确值 {} 未通过验证", exact_number(*v)),
        NonLinear::DoesNotVerify(v) => format!("the exact figure {} does not verify", exact_number(*v)),
        NonLinear::InputNotPoint(what) if zh => format!("{what} 不是单一数值"),
        NonLinear::InputNotPoint(what) => format!("{what} is not a single figure"),
        NonLinear::InputUnknown(what, u) => format!("{what}{}{}", lang.pick("：", ": "), unknown(u, lang)),
        NonLinear::Unknown(u) => unknown(u, lang),
    }
}

/// Why `metric` alone has no figure.
fn no_figure(n: &NoFigure, metric: &str, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    match n {
        NoFigure::NotPoint if zh => format!("{metric} 不是单一数值，无法计算所需变化"),
        NoFigure::NotPoint => format!("{metric} is not a single figure, so no change of it can be computed"),
        NoFigure::Bool(v) if zh => format!("是否类指标只能为 0 或 1，而需要 {}", exact_number(*v)),
        NoFigure::Bool(v) => format!("a yes/no indicator can only be 0 or 1, and it would need {}", exact_number(*v)),
        NoFigure::TooLarge => lang.pick("数值过大", "number too large").to_string(),
        NoFigure::NoExactValue if zh => format!("仅改变 {metric} 无法恰好等于目标"),
        NoFigure::NoExactValue => format!("no value of {metric} alone gives exactly the target"),
        NoFigure::Pole => lang
            .pick("需越过分母为零之处，无解", "would have to cross a pole (a divisor would pass through zero)")
            .to_string(),
        NoFigure::CancelsOut if zh => format!("仅改变 {metric} 无法达到目标：该指标在规则中相互抵消"),
        NoFigure::CancelsOut => format!("target cannot be reached by {metric} alone: it cancels out of the rule"),
        NoFigure::Negative { value, beyond } => {
            let v = exact_number(*value);
            match (zh, beyond) {
                (true, false) => format!("需为负值（{v}），无解"),
                (true, true) => format!("需为负值（超过 {v}），无解"),
                (false, false) => format!("would need a negative value ({v})"),
                (false, true) => format!("would need a negative value (beyond {v})"),
            }
        }
        NoFigure::NoWhole { exact } => match (zh, exact) {
            (true, Some(v)) => format!("整数值的 {metric} 无法恰好等于目标（精确值为 {}）", exact_number(*v)),
            (true, None) => format!("整数值的 {metric} 无法恰好等于目标"),
            (false, Some(v)) => {
                format!(
                    "no whole number of {metric} gives exactly the target (the exact value is {})",
                    exact_number(*v)
                )
            }
            (false, None) => format!("no whole number of {metric} gives exactly the target"),
        },
        NoFigure::NoDecimal { about } => match (zh, about) {
            (true, Some(v)) => format!("{metric} 的小数值无法恰好等于目标（精确值约为 {}）", exact_number(*v)),
            (true, None) => format!("未找到恰好等于目标的 {metric} 小数值"),
            (false, Some(v)) => format!(
                "no decimal value of {metric} gives exactly the target (the exact value is about {})",
                exact_number(*v)
            ),
            (false, None) => format!("no decimal value of {metric} found that gives exactly the target"),
        },
        NoFigure::NotReached { evaluations, non_negative, why } => {
            let why = non_linear(why, metric, lang);
            match (zh, non_negative) {
                (true, true) => {
                    format!(
                        "仅改变 {metric} 无法达到目标：在不低于零的范围内两个方向均无解（{evaluations} 次计算；{why}）"
                    )
                }
                (true, false) => format!("仅改变 {metric} 无法达到目标：两个方向均无解（{evaluations} 次计算；{why}）"),
                (false, true) => format!(
                    "target cannot be reached by {metric} alone: no value found in either direction without going \
                     below zero ({evaluations} evaluations; {why})"
                ),
                (false, false) => format!(
                    "target cannot be reached by {metric} alone: no value found in either direction \
                     ({evaluations} evaluations; {why})"
                ),
            }
        }
        NoFigure::Limit { evaluations, why } => {
            let why = non_linear(why, metric, lang);
            match lang {
                Lang::Zh => format!(
                    "已计算 {evaluations} 次（每个指标的上限），仍未找到满足规则的 {metric} 值，不再求解（{why}）"
                ),
                Lang::En => format!(
                    "gave up after {evaluations} evaluations (the limit for one metric) without finding a value of {metric} that meets the rule ({why})"
                ),
            }
        }
        NoFigure::Budget => match lang {
            Lang::Zh => format!("本规则的求解计算量已达上限（{} 次计算），未再求 {metric}", crate::solve::RULE_BUDGET),
            Lang::En => format!(
                "the rule's work limit ({} evaluations) was reached before {metric} was solved",
                crate::solve::RULE_BUDGET
            ),
        },
    }
}

/// How a need's figure was found, or why there is none (shown by `explain`).
pub fn need_note(note: &NeedNote, metric: &str, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    match note {
        NeedNote::Exact { shape, rounding } => {
            let mut text = match (shape, zh) {
                (Shape::Linear, true) => format!("精确解：线性，变量 {metric}"),
                (Shape::Ratio, true) => format!("精确解：线性分式，变量 {metric}"),
                (Shape::Linear, false) => format!("exact: linear in {metric}"),
                (Shape::Ratio, false) => format!("exact: ratio of linear terms in {metric}"),
            };
            match rounding {
                Rounding::None => {}
                Rounding::Whole { boundary, up } => {
                    let b = exact_number(*boundary);
                    text.push_str(&match (zh, up) {
                        (true, true) => format!("；边界值 {b}，向上取满足规则的整数"),
                        (true, false) => format!("；边界值 {b}，向下取满足规则的整数"),
                        (false, true) => format!("; boundary {b}, rounded up to a whole number that meets it"),
                        (false, false) => format!("; boundary {b}, rounded down to a whole number that meets it"),
                    });
                }
                Rounding::Boundary { up } => text.push_str(match (zh, up) {
                    (true, true) => "；取边界值本身（更大的值均满足）",
                    (true, false) => "；取边界值本身（更小的值均满足）",
                    (false, true) => "; the boundary itself: any larger value passes",
                    (false, false) => "; the boundary itself: any smaller value passes",
                }),
            }
            text
        }
        NeedNote::Numeric { why, evaluations } => {
            let why = non_linear(why, metric, lang);
            match lang {
                Lang::Zh => format!("数值解：{why}；倍增搜索区间后二分，{evaluations} 次计算"),
                Lang::En => format!("numeric: {why}; doubling bracket and bisection, {evaluations} evaluations"),
            }
        }
        NeedNote::NoFigure(n) => no_figure(n, metric, lang),
    }
}

/// A number with its unit, as tables show it: `62 件`, `12.5%`, `3`.
fn with_unit(d: Decimal, unit: &str) -> String {
    let s = short_number(d);
    let n = if s == "0" && !d.is_zero() { exact_number(d) } else { s };
    match unit {
        "" => n,
        "%" => format!("{n}%"),
        u => format!("{n} {u}"),
    }
}

/// A need in plain words ("需再增加发明专利申请量 62 件（达到 162 件）", "62 more invention
/// applications (to 162)"); `by_year_end` for year-to-date data ("到年底…", "by year
/// end: …"). `change` and `to` are the need's figures; `metric` its catalog entry.
pub fn need(metric: Option<&Metric>, id: &str, change: Decimal, to: Decimal, lang: Lang, by_year_end: bool) -> String {
    let english = lang == Lang::En;
    let label = metric.map_or(Cow::Borrowed(id), |m| metric_label(m, lang));
    if metric.is_some_and(Metric::is_bool) {
        let yes = !to.is_zero();
        return match (english, yes) {
            (false, true) => format!("{label}需为“是”"),
            (false, false) => format!("{label}需为“否”"),
            (true, true) => format!("{label}: must be yes"),
            (true, false) => format!("{label}: must be no"),
        };
    }
    let unit = shown(metric.and_then(|m| m.unit.as_deref()).unwrap_or(""));
    let unit = unit.as_ref();
    let whole = metric.is_some_and(|m| m.whole);
    let (amount, to_text) = (with_unit(change.abs(), unit), with_unit(to, unit));
    let down = change.is_sign_negative() && !change.is_zero();
    let when = match (by_year_end, english) {
        (false, _) => "",
        (true, false) => "到年底",
        (true, true) => "by year end: ",
    };
    let body = match (english, down) {
        (false, false) => format!("需再增加{label} {amount}（达到 {to_text}）"),
        (false, true) => format!("需减少{label} {amount}（降到 {to_text}）"),
        (true, _) if whole && unit != "%" => {
            let label = lower_first(&label);
            let (n, t) = (with_unit(change.abs(), ""), with_unit(to, ""));
            if down { format!("{n} fewer {label} (down to {t})") } else { format!("{n} more {label} (to {t})") }
        }
        (true, false) => format!("{label}: {amount} more (to {to_text})"),
        (true, true) => format!("{label}: {amount} less (down to {to_text})"),
    };
    format!("{when}{body}")
}

/// What decided a verdict that is not `pass`, in plain words: "一票否决项「设立知识产权局」
/// 未达标", "group 运用 cannot reach 10". `label` words a rule (its name or metric label,
/// shown). Long lists of rules are cut after five.
pub fn decided(deciders: &[Decider], label: &dyn Fn(&crate::model::Rule) -> String, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let list = |rules: Vec<String>| {
        let (shown_list, rest) = (rules.iter().take(5).cloned().collect::<Vec<_>>(), rules.len().saturating_sub(5));
        let joined = shown_list.join(if zh { "、" } else { ", " });
        match (rest, zh) {
            (0, _) => joined,
            (n, true) => format!("{joined}等 {} 项", n + 5),
            (n, false) => format!("{joined} and {n} more"),
        }
    };
    let mut parts = Vec::new();
    for d in deciders {
        match d {
            Decider::Veto(r) => parts.push(match lang {
                Lang::Zh => format!("一票否决项「{}」未达标", label(r)),
                Lang::En => format!("veto rule {} not met", label(r)),
            }),
            Decider::GroupMin(g, m) => parts.push(match lang {
                Lang::Zh => format!("{}组达不到基本分 {}", shown(g), short_number(*m)),
                Lang::En => format!("group {} cannot reach {}", shown(g), short_number(*m)),
            }),
            Decider::PassScore(p) => parts.push(match lang {
                Lang::Zh => format!("达不到合格线 {}", short_number(*p)),
                Lang::En => format!("the pass line {} cannot be reached", short_number(*p)),
            }),
            Decider::NotMet(_) | Decider::Unknown(_) => {}
        }
    }
    // A veto rule not met is named once, as a veto.
    let vetoed = |rule: &crate::model::Rule| deciders.iter().any(|d| matches!(d, Decider::Veto(v) if v.id == rule.id));
    let named = |unknown: bool| -> Vec<String> {
        deciders
            .iter()
            .filter_map(|d| match (d, unknown) {
                (Decider::NotMet(r), false) if !vetoed(r) => Some(label(r)),
                (Decider::Unknown(r), true) => Some(label(r)),
                _ => None,
            })
            .collect()
    };
    let (not_met, unknown) = (named(false), named(true));
    if !not_met.is_empty() {
        parts.push(format!("{}{}", lang.pick("未达标：", "not met: "), list(not_met)));
    }
    if !unknown.is_empty() {
        parts.push(format!("{}{}", lang.pick("取决于", "waiting for "), list(unknown)));
    }
    parts.join(lang.pick("；", "; "))
}

/// A level's progress in `explain`: the baseline, the rise so far and the rise needed.
pub fn progress(baseline: Decimal, actual: Decimal, target: Decimal, pct: Decimal, prev: &str, lang: Lang) -> String {
    let diff = |a: Decimal| a.checked_sub(baseline).map(exact_number).unwrap_or_default();
    let (b, so_far, needed) = (exact_number(baseline), diff(actual), diff(target));
    let pct = exact_number(pct);
    match lang {
        Lang::Zh => format!("进度：基数（{}）{b}；已增加 {so_far}，需增加 {needed}（{pct}%）", shown(prev)),
        Lang::En => format!("Progress: baseline ({}) {b}; risen {so_far} of the {needed} needed ({pct}%)", shown(prev)),
    }
}

/// A need without a figure, in plain words (its note says why).
pub fn no_need(metric: Option<&Metric>, id: &str, lang: Lang) -> String {
    let label = metric.map_or(Cow::Borrowed(id), |m| metric_label(m, lang));
    match lang {
        Lang::Zh => format!("仅改变{label}无法达标"),
        Lang::En => format!("{label}: no change of it alone meets the rule"),
    }
}

/// The English label inside a sentence: "Patent applications" → "patent
/// applications", but "IP-pledge" stays.
fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && !b.is_uppercase() => {
            a.to_lowercase().chain(s.chars().skip(1)).collect()
        }
        _ => s.to_string(),
    }
}

/// The words of the form `kaohe template` writes (CONTRACT §6). The form is read back
/// by the spreadsheet reader, so these are the reader's words, whatever `--lang`.
pub mod form {
    use crate::model::Qualifier;

    /// The layout's fixed column headers.
    pub const ENTITY: &str = "entity";
    pub const PERIOD: &str = "period";
    pub const AS_OF: &str = "as_of";
    /// Sheet names of the workbook form: the figures, the entities layout, the instructions.
    pub const DATA_SHEET: &str = "数据";
    pub const ENTITIES_SHEET: &str = "entities";
    pub const HELP_SHEET: &str = "说明";
    /// A `bool` figure.
    pub const YES: &str = "是";
    pub const NO: &str = "否";

    /// A figure as a report writes it: `16000余`, `近100`, `约2000`, or the bare number.
    pub fn value(q: Qualifier, number: &str) -> String {
        match q {
            Qualifier::Exact => number.to_string(),
            Qualifier::AtLeast => format!("{number}余"),
            Qualifier::AtMost => format!("近{number}"),
            Qualifier::Approx => format!("约{number}"),
        }
    }

    /// A metric column's header: the catalog name (else the id) and the unit in
    /// full-width brackets, none for a metric without a unit or a `bool` one.
    pub fn header(label: &str, unit: Option<&str>) -> String {
        match unit {
            Some(u) if u != "bool" => format!("{label}（{u}）"),
            _ => label.to_string(),
        }
    }

    /// The note on a metric column's header: what the column is, in both languages.
    pub fn header_note(id: &str, unit: Option<&str>) -> String {
        match unit {
            Some("bool") => format!("指标 metric: {id}\n填“是”或“否” (yes / no)"),
            Some(u) => format!("指标 metric: {id}\n单位 unit: {u}"),
            None => format!("指标 metric: {id}\n无单位 (no unit)"),
        }
    }

    /// The `说明` sheet: each line in Chinese, then in English.
    pub const HELP: &[(&str, &str)] = &[
        ("填写说明", "How to fill in this form"),
        (
            "“数据”表每行是一个单位在一个期间的数据。第一行是表头：请勿修改，也不要在它上面插入行。",
            "The sheet 数据 holds one row per entity and period. Its first row is the header: do not change it or insert rows above it.",
        ),
        (
            "entity 列填单位代码（id），各单位的名称、类别见 entities 表；period 列填期间（年度，如 2015）。",
            "Column entity holds the entity's id (names and kinds are on the sheet entities); column period the period (a year such as 2015).",
        ),
        (
            "确数直接填数字，如 537、2.4、1,200。没有数据的格子留空：留空是缺失，不是零。",
            "Write an exact figure as a number (537, 2.4, 1,200). Leave a cell empty when there is no figure: empty is missing, never zero.",
        ),
        (
            "报告中的写法也可以：“16000余”“300以上”“超3500”表示至少这么多；“近100”“不足60”“60以下”表示至多；“约2000”“2000左右”表示大约。",
            "Report-style figures are read too: 16000余, 300以上, 超3500 mean at least; 近100, 不足60, 60以下 mean at most; 约2000, 2000左右 mean about.",
        ),
        (
            "单位见表头括号，如“专利申请量（件）”。数字后面可以带单位（16000余件、2.4亿元），须与表头的单位相同或能换算（元、万元、亿元）。",
            "The unit is in the header's brackets, as in 专利申请量（件）. A unit may follow the number (16000余件, 2.4亿元); it must be the header's unit or convert to it (元, 万元, 亿元).",
        ),
        (
            "是否类指标（表头无单位括号，批注写明）填“是”或“否”。",
            "A yes/no indicator (its header note says so) takes 是 or 否.",
        ),
        (
            "as_of 列（若有）填年度数据截至的日期，如 2016-06-30、2016/6/30 或 2016年6月30日；全年数据留空。",
            "Column as_of (where present) holds the date year-to-date figures run to, as 2016-06-30, 2016/6/30 or 2016年6月30日; leave it empty for a whole year.",
        ),
        (
            "填好之前不要把本表放进 data 文件夹：与原有数据放在一起，同一个数据会出现两次。",
            "Keep this form outside the data folder until it is filled in: beside the figures it copies, every figure would be given twice.",
        ),
    ];
}

/// After `kaohe template` wrote its form.
pub fn form_written(path: &str, rows: usize, columns: usize, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{}已写出填报表 {}：{rows} 行，{columns} 个指标列", notice_label(lang), shown(path)),
        Lang::En => format!(
            "notice: wrote the form {}: {rows} {}, {columns} metric {}",
            shown(path),
            if rows == 1 { "row" } else { "rows" },
            if columns == 1 { "column" } else { "columns" }
        ),
    }
}

/// No selected rule set applies to a selected entity: the form has its header alone.
pub fn form_nothing_selected(lang: Lang) -> &'static str {
    lang.pick(
        "提示：没有需要填报的内容：所选规则集都不适用于所选单位",
        "notice: nothing to fill in: no selected rule set applies to a selected entity",
    )
}

/// The form is written into a folder kaohe reads data from.
pub fn form_in_data_folder(path: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!(
            "警告：{} 在数据文件夹内：下次读取时，表中已填的每个数据都会与原数据重复；填好之前请放在数据文件夹之外",
            shown(path)
        ),
        Lang::En => format!(
            "warning: {} is inside a data folder: read with the figures it copies, every figure would be given twice; \
             keep the form outside the data folder until it is filled in",
            shown(path)
        ),
    }
}

/// `--output` names a file kaohe has just read.
pub fn form_is_input(path: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("`--output` {} 是一个输入文件；kaohe 从不覆盖输入文件", shown(path)),
        Lang::En => format!("--output {} is an input file; kaohe never writes over an input", shown(path)),
    }
}

/// Labels of the xlsx and html reports (kept apart from [`Words`], which the terminal
/// formats share).
pub struct ReportWords {
    pub title: &'static str,
    pub rule_set: &'static str,
    pub unit: &'static str,
    pub op: &'static str,
    pub qualifier: &'static str,
    pub expected_pct: &'static str,
    pub pace: &'static str,
    pub score: &'static str,
    pub weight: &'static str,
    pub max_score: &'static str,
    pub pass_score: &'static str,
    pub rank: &'static str,
    pub verdict: &'static str,
    pub decided_by: &'static str,
    pub group: &'static str,
    pub heat_map: &'static str,
    pub ranking: &'static str,
    pub details: &'static str,
    pub pace_tick: &'static str,
    pub generated: &'static str,
    pub contents: &'static str,
}

pub const REPORT_ZH: ReportWords = ReportWords {
    title: "考核结果",
    rule_set: "考核方案",
    unit: "单位",
    op: "比较",
    qualifier: "限定",
    expected_pct: "应完成",
    pace: "进度",
    score: "得分",
    weight: "分值",
    max_score: "满分",
    pass_score: "合格线",
    rank: "名次",
    verdict: "结论",
    decided_by: "判定依据",
    group: "分组",
    heat_map: "结论一览",
    ranking: "得分排名",
    details: "完成情况",
    pace_tick: "竖线为按时间进度应完成的比例",
    generated: "生成日期",
    contents: "目录",
};

pub const REPORT_EN: ReportWords = ReportWords {
    title: "Evaluation results",
    rule_set: "Rule set",
    unit: "Unit",
    op: "Op",
    qualifier: "Qualifier",
    expected_pct: "Expected",
    pace: "Pace",
    score: "Score",
    weight: "Weight",
    max_score: "Maximum",
    pass_score: "Pass line",
    rank: "Rank",
    verdict: "Verdict",
    decided_by: "Decided by",
    group: "Group",
    heat_map: "Verdicts at a glance",
    ranking: "Score ranking",
    details: "Completion",
    pace_tick: "the tick marks the share expected by this date",
    generated: "Date",
    contents: "Contents",
};

pub fn report_words(lang: Lang) -> &'static ReportWords {
    match lang {
        Lang::Zh => &REPORT_ZH,
        Lang::En => &REPORT_EN,
    }
}

/// How an actual is qualified in a report cell beside its number: `≈` approximate,
/// `≥` / `≤` one bound known, `LOW–HIGH` a range; empty for an exact point.
pub fn actual_qualifier(i: &Interval) -> String {
    let approx = if i.approx { "≈" } else { "" };
    match (i.low, i.high) {
        (Some(l), Some(h)) if l == h => approx.to_string(),
        (Some(l), Some(h)) => format!("{approx}{}–{}", short_number(l), short_number(h)),
        (Some(_), None) => format!("≥{approx}"),
        (None, Some(_)) => format!("≤{approx}"),
        (None, None) => "?".into(),
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;
    use crate::diagnostic::Loc;
    use crate::expr::Missing;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
    }

    /// Every reason and every solver note, one of each variant (and both branches of
    /// each optional part).
    fn every_reason() -> Vec<Reason> {
        let missing = Unknown::Missing(vec![
            Missing { metric: "apps".into(), period: "2015".into() },
            Missing { metric: "apps".into(), period: "2014".into() },
        ]);
        let unknowns = [
            missing,
            Unknown::DivisionByZero,
            Unknown::TooLarge,
            Unknown::PrevOfNonYear { period: "2016-H1".into() },
            Unknown::Arity(Func::Abs),
            Unknown::Arity(Func::Min),
            Unknown::Arity(Func::IfZero),
            Unknown::ZeroUndecided,
        ];
        let mut out: Vec<Reason> = unknowns.iter().cloned().map(Reason::Unknown).collect();
        out.extend(unknowns.iter().cloned().map(Reason::StepThreshold));
        out.push(Reason::Undecided {
            actual: Interval::at_least(d("16000")),
            target: TargetValue::Between(Interval::point(d("1")), Interval::at_most(d("2"))),
        });
        out
    }

    fn every_note() -> Vec<NeedNote> {
        let non_linear = vec![
            NonLinear::NotLinear,
            NonLinear::Func(Func::Min),
            NonLinear::Product,
            NonLinear::TooLarge,
            NonLinear::TooLargeExact,
            NonLinear::DivisionByZero,
            NonLinear::DivisorZeroNow,
            NonLinear::Disagrees,
            NonLinear::DoesNotVerify(d("1.5")),
            NonLinear::InputNotPoint("apps@2015".into()),
            NonLinear::InputUnknown("apps@2015".into(), Unknown::DivisionByZero),
            NonLinear::Unknown(Unknown::PrevOfNonYear { period: "H1".into() }),
        ];
        let mut out = Vec::new();
        for shape in [Shape::Linear, Shape::Ratio] {
            for rounding in [
                Rounding::None,
                Rounding::Whole { boundary: d("161.1"), up: true },
                Rounding::Whole { boundary: d("161.1"), up: false },
                Rounding::Boundary { up: true },
                Rounding::Boundary { up: false },
            ] {
                out.push(NeedNote::Exact { shape, rounding });
            }
        }
        for why in &non_linear {
            out.push(NeedNote::Numeric { why: why.clone(), evaluations: 103 });
            for non_negative in [true, false] {
                out.push(NeedNote::NoFigure(NoFigure::NotReached { evaluations: 7, non_negative, why: why.clone() }));
            }
        }
        for n in [
            NoFigure::NotPoint,
            NoFigure::Bool(d("0.5")),
            NoFigure::TooLarge,
            NoFigure::NoExactValue,
            NoFigure::Pole,
            NoFigure::CancelsOut,
            NoFigure::Negative { value: d("-3"), beyond: false },
            NoFigure::Negative { value: d("-3"), beyond: true },
            NoFigure::NoWhole { exact: Some(d("2.5")) },
            NoFigure::NoWhole { exact: None },
            NoFigure::NoDecimal { about: Some(d("2.5")) },
            NoFigure::NoDecimal { about: None },
            NoFigure::Limit { evaluations: 200, why: NonLinear::Func(Func::Max) },
            NoFigure::Budget,
        ] {
            out.push(NeedNote::NoFigure(n));
        }
        out
    }

    /// What is left of a Chinese sentence once ids, periods, function names and
    /// numbers are taken out: it must hold no English word.
    fn english_left(text: &str) -> Option<String> {
        let mut rest = text.to_string();
        for allowed in ["apps", "2016-H1", "H1", "abs", "min", "max", "if_zero"] {
            rest = rest.replace(allowed, "");
        }
        let letters: String = rest.chars().filter(char::is_ascii_alphabetic).collect();
        (!letters.is_empty()).then_some(letters)
    }

    #[test]
    fn every_reason_and_note_reads_in_chinese_without_english() {
        for r in every_reason() {
            let zh = reason(&r, Lang::Zh);
            assert_eq!(english_left(&zh), None, "{r:?} → {zh}");
            assert_ne!(zh, reason(&r, Lang::En));
        }
        for n in every_note() {
            let zh = need_note(&n, "apps", Lang::Zh);
            assert_eq!(english_left(&zh), None, "{n:?} → {zh}");
            assert_ne!(zh, need_note(&n, "apps", Lang::En));
        }
    }

    #[test]
    fn english_wording_is_the_contract_value() {
        let case = |r: Reason, en: &str| assert_eq!(reason(&r, Lang::En), en);
        case(
            Reason::Unknown(Unknown::Missing(vec![
                Missing { metric: "a".into(), period: "2015".into() },
                Missing { metric: "b".into(), period: "2014".into() },
            ])),
            "missing data: a@2015, b@2014",
        );
        case(
            Reason::Undecided {
                actual: Interval::at_least(d("16000")),
                target: TargetValue::Single(Interval::point(d("30000"))),
            },
            "the bounds cannot decide: actual [16000, +∞) against target 30000",
        );
        case(
            Reason::Undecided {
                actual: Interval { low: Some(d("10")), high: Some(d("20.0000004")), approx: false },
                target: TargetValue::Single(Interval::point(d("15"))),
            },
            "the bounds cannot decide: actual [10, 20] against target 15",
        );
        case(
            Reason::Unknown(Unknown::PrevOfNonYear { period: "2011-2015".into() }),
            "`@prev` of period `2011-2015`, which is not a year",
        );
        case(Reason::StepThreshold(Unknown::DivisionByZero), "a step threshold cannot be computed: division by zero");
        assert_eq!(
            need_note(
                &NeedNote::Exact { shape: Shape::Ratio, rounding: Rounding::Whole { boundary: d("161.1"), up: true } },
                "inv",
                Lang::En
            ),
            "exact: ratio of linear terms in inv; boundary 161.1, rounded up to a whole number that meets it"
        );
    }

    #[test]
    fn english_solver_notes() {
        let case = |why: NonLinear, en: &str| {
            let note = NeedNote::Numeric { why, evaluations: 7 };
            assert_eq!(
                need_note(&note, "apps", Lang::En),
                format!("numeric: {en}; doubling bracket and bisection, 7 evaluations")
            );
        };
        case(NonLinear::NotLinear, "not linear or a ratio of linear terms in apps");
        case(NonLinear::Func(Func::Min), "`min` of a term that depends on apps");
        case(NonLinear::DoesNotVerify(d("1.5")), "the exact figure 1.5 does not verify");
        case(NonLinear::InputNotPoint("inv@2014".into()), "inv@2014 is not a single figure");
    }

    #[test]
    fn actual_values_as_tables_show_them() {
        let case = |low: Option<&str>, high: Option<&str>, approx: bool, shown: &str| {
            let i = Interval { low: low.map(d), high: high.map(d), approx };
            assert_eq!(interval_short(&i, false), shown, "{i:?}");
        };
        case(Some("12.345"), Some("12.345"), false, "12.35");
        case(Some("10"), Some("20"), false, "10–20");
        case(Some("10"), Some("20"), true, "≈10–20");
        case(Some("16000"), None, false, "≥16000");
        case(None, Some("100"), true, "≤≈100");
        assert_eq!(interval_short(&Interval::point(d("1")), true), "true");
    }

    #[test]
    fn needs_in_plain_words_in_both_languages() {
        let metric = |id: &str, name: &str, en: &str, unit: &str| Metric {
            id: id.into(),
            name: Some(name.into()),
            en: Some(en.into()),
            unit: Some(unit.into()),
            whole: crate::model::WHOLE_UNITS.contains(&unit),
            stock: false,
            measure: None,
            better: None,
            lever: true,
            formula: None,
            loc: Loc::new(0, 0..0),
        };
        let inv = metric("inv", "发明专利申请量", "Invention applications", "件");
        let money = metric("money", "知识产权质押融资额", "IP-pledge financing", "万元");
        let office = metric("office", "是否设立知识产权局", "Has an IP office", "bool");
        let text = |m: &Metric, change: i64, to: i64, lang, ytd| {
            need(Some(m), &m.id, Decimal::from(change), Decimal::from(to), lang, ytd)
        };
        assert_eq!(text(&inv, 313, 533, Lang::Zh, false), "需再增加发明专利申请量 313 件（达到 533 件）");
        assert_eq!(text(&inv, 313, 533, Lang::En, false), "313 more invention applications (to 533)");
        assert_eq!(text(&inv, -204, 333, Lang::En, false), "204 fewer invention applications (down to 333)");
        assert_eq!(text(&money, 260, 500, Lang::En, false), "IP-pledge financing: 260 万元 more (to 500 万元)");
        assert_eq!(text(&money, -3, 500, Lang::Zh, false), "需减少知识产权质押融资额 3 万元（降到 500 万元）");
        assert_eq!(text(&office, 1, 1, Lang::Zh, false), "是否设立知识产权局需为“是”");
        assert_eq!(text(&inv, 313, 533, Lang::Zh, true), "到年底需再增加发明专利申请量 313 件（达到 533 件）");
        assert_eq!(text(&inv, 313, 533, Lang::En, true), "by year end: 313 more invention applications (to 533)");
        // An acronym keeps its capitals inside the sentence.
        let pct = metric("pct", "PCT国际专利申请量", "PCT applications", "件");
        assert_eq!(text(&pct, 5, 10, Lang::En, false), "5 more PCT applications (to 10)");
        // A change too small for two places is written in full, never as 0.
        let small = need(Some(&money), "money", d("0.004"), d("500.004"), Lang::En, false);
        assert_eq!(small, "IP-pledge financing: 0.004 万元 more (to 500 万元)");
    }

    #[test]
    fn language_follows_flag_then_locale() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |k: &str| vars.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string())
        };
        assert_eq!(Lang::resolve(Some(Lang::En), &env(&[("LANG", "zh_CN.UTF-8")])), Lang::En);
        assert_eq!(Lang::resolve(None, &env(&[("LANG", "zh_CN.UTF-8")])), Lang::Zh);
        assert_eq!(Lang::resolve(None, &env(&[("LC_ALL", "C"), ("LANG", "zh_CN.UTF-8")])), Lang::En);
        assert_eq!(Lang::resolve(None, &env(&[("LC_MESSAGES", "zh_TW"), ("LANG", "C")])), Lang::Zh);
        assert_eq!(Lang::resolve(None, &env(&[])), Lang::En);
    }
}
