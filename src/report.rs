//! Report: turn evaluations into the grid that every tabular format shares — rows,
//! group subtotals, footers and the summary matrix — with labels in the chosen
//! language. No formatting of numbers and no arithmetic beyond ranking happens here.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::cli::Lang;
use crate::evaluate::{Evaluation, Need, Pace, RuleResult, Status, TargetValue, Verdict};
use crate::interval::Interval;
use crate::model::{Actual, Metric, Model, Op, Target};

/// Fixed labels in both languages.
pub struct Labels {
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
    pub projection: &'static str,
}

pub const ZH: Labels = Labels {
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
    projection: "按进度推算全年",
};

pub const EN: Labels = Labels {
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
    projection: "run-rate projection to year end",
};

pub fn labels(lang: Lang) -> &'static Labels {
    match lang {
        Lang::Zh => &ZH,
        Lang::En => &EN,
    }
}

pub fn status_label(status: Status, lang: Lang) -> &'static str {
    match (status, lang) {
        (Status::Met, Lang::Zh) => "达标",
        (Status::NotMet, Lang::Zh) => "未达标",
        (Status::Unknown, Lang::Zh) => "待定",
        (Status::Met, Lang::En) => "met",
        (Status::NotMet, Lang::En) => "not met",
        (Status::Unknown, Lang::En) => "unknown",
    }
}

pub fn verdict_label(verdict: Verdict, lang: Lang) -> &'static str {
    match (verdict, lang) {
        (Verdict::Pass, Lang::Zh) => "通过",
        (Verdict::Fail, Lang::Zh) => "不通过",
        (Verdict::Incomplete, Lang::Zh) => "待定",
        (Verdict::Pass, Lang::En) => "pass",
        (Verdict::Fail, Lang::En) => "fail",
        (Verdict::Incomplete, Lang::En) => "incomplete",
    }
}

pub fn pace_label(pace: Pace, lang: Lang) -> &'static str {
    match (pace, lang) {
        (Pace::Ahead, Lang::Zh) => "进度超前",
        (Pace::Behind, Lang::Zh) => "进度滞后",
        (Pace::Ahead, Lang::En) => "ahead",
        (Pace::Behind, Lang::En) => "behind",
    }
}

/// The target as shown: an operator and a value (or two for `between`).
#[derive(Clone, Debug)]
pub enum TargetCell {
    Value(Op, Decimal),
    Bool(Op, bool),
    Between(Decimal, Decimal),
    /// An interval or unknown target: show the formula text.
    Text(Op, String),
}

/// One rule's row.
#[derive(Clone, Debug)]
pub struct RuleRow {
    pub indicator: String,
    pub unit: Option<String>,
    pub target: TargetCell,
    /// `None` when unknown.
    pub actual: Option<Interval>,
    pub actual_is_bool: bool,
    pub completion_pct: Option<Decimal>,
    pub expected_pct: Option<Decimal>,
    pub pace: Option<Pace>,
    /// Run-rate projection to year end (actual ÷ elapsed share), for year-to-date rows.
    pub projection: Option<Decimal>,
    pub status: Status,
    pub score: Decimal,
    pub weight: Decimal,
    pub veto: bool,
    pub bonus: bool,
    /// Plain-words "what it takes" lines.
    pub needs: Vec<String>,
}

#[derive(Clone, Debug)]
pub enum Row {
    Rule(Box<RuleRow>),
    Subtotal { group: String, score: Decimal, max_score: Decimal, min_score: Option<Decimal> },
}

/// One (entity, rule set) block.
#[derive(Clone, Debug)]
pub struct Section {
    pub entity: String,
    pub ruleset: String,
    pub period: String,
    pub as_of: Option<String>,
    pub elapsed_pct: Option<Decimal>,
    pub rows: Vec<Row>,
    pub score: Decimal,
    pub max_score: Decimal,
    pub pass_score: Option<Decimal>,
    pub verdict: Verdict,
    /// (rule label, reason) of every unknown rule.
    pub unknown: Vec<(String, String)>,
}

/// Entities × rule sets, with score, verdict and rank within the rule set.
#[derive(Clone, Debug)]
pub struct Summary {
    pub rulesets: Vec<String>,
    /// Rows are entities, in entity id order.
    pub rows: Vec<(String, Vec<Option<SummaryCell>>)>,
}

#[derive(Clone, Debug)]
pub struct SummaryCell {
    pub score: Decimal,
    pub max_score: Decimal,
    pub verdict: Verdict,
    pub rank: usize,
}

pub struct Report {
    pub lang: Lang,
    pub sections: Vec<Section>,
    pub summary: Option<Summary>,
}

impl Report {
    pub fn new(model: &Model, evaluations: &[Evaluation], lang: Lang) -> Report {
        let sections = evaluations.iter().map(|e| section(model, e, lang)).collect();
        let mut entities: Vec<&str> = evaluations.iter().map(|e| e.entity.as_str()).collect();
        entities.dedup();
        let summary = (entities.len() > 1).then(|| summary(evaluations));
        Report { lang, sections, summary }
    }
}

fn entity_label(id: &str, name: Option<&str>) -> String {
    name.map_or_else(|| id.to_string(), |n| format!("{n} ({id})"))
}

fn ruleset_label(name: Option<&str>, id: &str) -> String {
    name.map_or_else(|| id.to_string(), |n| format!("{n} ({id})"))
}

pub fn rule_label(model: &Model, r: &RuleResult, lang: Lang) -> String {
    if let Some(name) = &r.rule.name {
        return name.clone();
    }
    match &r.rule.actual {
        Actual::Metric(m) => model.catalog.get(m).map_or(m.clone(), |m| m.label(lang == Lang::En).to_string()),
        Actual::Expr(_) => r.rule.id.clone(),
    }
}

fn section<'a>(model: &Model, e: &'a Evaluation, lang: Lang) -> Section {
    let mut rows = Vec::new();
    let mut unknown = Vec::new();
    let grouped = |name: Option<&'a str>| e.rules.iter().filter(move |r| r.rule.group.as_deref() == name);
    let mut push = |r: &RuleResult, rows: &mut Vec<Row>| {
        let label = rule_label(model, r, lang);
        if r.status == Status::Unknown {
            unknown.push((format!("{label} [{}]", r.rule.id), localize(r.reason.as_deref().unwrap_or_default(), lang)));
        }
        rows.push(Row::Rule(Box::new(rule_row(model, e, r, label, lang))));
    };
    // Rules without a group first, then each group with its subtotal.
    for r in grouped(None) {
        push(r, &mut rows);
    }
    for g in &e.groups {
        for r in grouped(Some(&g.name)) {
            push(r, &mut rows);
        }
        rows.push(Row::Subtotal {
            group: g.name.clone(),
            score: g.score,
            max_score: g.max_score,
            min_score: g.min_score,
        });
    }
    Section {
        entity: entity_label(&e.entity, e.entity_name.as_deref()),
        ruleset: ruleset_label(e.ruleset_name.as_deref(), &e.ruleset),
        period: e.period.clone(),
        as_of: e.as_of.map(|d| d.to_string()),
        elapsed_pct: e.elapsed_pct,
        rows,
        score: e.score,
        max_score: e.max_score,
        pass_score: e.pass_score,
        verdict: e.verdict,
        unknown,
    }
}

fn rule_row(model: &Model, e: &Evaluation, r: &RuleResult, indicator: String, lang: Lang) -> RuleRow {
    let metric = match &r.rule.actual {
        Actual::Metric(m) => model.catalog.get(m),
        Actual::Expr(_) => None,
    };
    let target = match (&r.rule.target, &r.target) {
        (Target::Value { is_bool: true, formula }, _) => TargetCell::Bool(r.rule.op, formula.text == "true"),
        (_, Ok(TargetValue::Single(t))) if t.as_point().is_some() => {
            TargetCell::Value(r.rule.op, t.as_point().unwrap_or_default())
        }
        (_, Ok(TargetValue::Between(l, h))) if l.as_point().is_some() && h.as_point().is_some() => {
            TargetCell::Between(l.as_point().unwrap_or_default(), h.as_point().unwrap_or_default())
        }
        (Target::Value { formula, .. }, _) => TargetCell::Text(r.rule.op, formula.text.clone()),
        (Target::Between(l, h), _) => TargetCell::Text(r.rule.op, format!("{} .. {}", l.text, h.text)),
    };
    let projection = match (&r.actual, e.elapsed_pct, e.as_of) {
        (Ok(a), Some(elapsed), Some(d))
            if r.rule.op.is_upward() && d.is_before_year_end() && !elapsed.is_zero() && is_cumulative(model, r) =>
        {
            a.low.and_then(|low| low.checked_mul(Decimal::ONE_HUNDRED)?.checked_div(elapsed))
        }
        _ => None,
    };
    RuleRow {
        indicator,
        unit: metric.and_then(|m| m.unit.clone()).filter(|u| u != "bool"),
        target,
        actual: r.actual.as_ref().ok().cloned(),
        actual_is_bool: metric.is_some_and(|m| m.is_bool()),
        completion_pct: r.completion_pct,
        expected_pct: r.expected_pct,
        pace: r.pace,
        projection,
        status: r.status,
        score: r.score,
        weight: r.rule.weight,
        veto: r.rule.veto,
        bonus: r.rule.bonus,
        needs: r.needs.iter().filter_map(|n| need_text(model, n, lang, mid_year(e))).collect(),
    }
}

fn summary(evaluations: &[Evaluation]) -> Summary {
    let mut rulesets: Vec<&str> = evaluations.iter().map(|e| e.ruleset.as_str()).collect();
    rulesets.sort();
    rulesets.dedup();
    let mut entities: Vec<(&str, Option<&str>)> =
        evaluations.iter().map(|e| (e.entity.as_str(), e.entity_name.as_deref())).collect();
    entities.dedup();
    // Each rule set's scores, highest first, so a rank is a binary search.
    let mut scores: BTreeMap<&str, Vec<Decimal>> = BTreeMap::new();
    let mut by_pair: BTreeMap<(&str, &str), &Evaluation> = BTreeMap::new();
    for e in evaluations {
        scores.entry(e.ruleset.as_str()).or_default().push(e.score);
        by_pair.insert((e.entity.as_str(), e.ruleset.as_str()), e);
    }
    for list in scores.values_mut() {
        list.sort_by(|a, b| b.cmp(a));
    }
    let mut rows: Vec<(String, Vec<Option<SummaryCell>>)> = entities
        .iter()
        .map(|(id, name)| {
            let cells = rulesets
                .iter()
                .map(|rs| {
                    let e = by_pair.get(&(*id, *rs))?;
                    // Rank: 1 + how many entities scored strictly more in this rule set.
                    let rank = 1 + scores.get(rs).map_or(0, |list| list.partition_point(|s| *s > e.score));
                    Some(SummaryCell { score: e.score, max_score: e.max_score, verdict: e.verdict, rank })
                })
                .collect();
            (entity_label(id, *name), cells)
        })
        .collect();
    // With one rule set the matrix is a ranking: best first (ties by entity id).
    if rulesets.len() == 1 {
        rows.sort_by_key(|(_, cells)| cells.first().and_then(|c| c.as_ref().map(|c| c.rank)).unwrap_or(usize::MAX));
    }
    Summary { rulesets: rulesets.iter().map(|s| s.to_string()).collect(), rows }
}

/// Year-to-date figures before 31 December: a need is what the year must end at.
pub fn mid_year(e: &Evaluation) -> bool {
    e.as_of.is_some_and(|d| d.is_before_year_end())
}

/// A need in plain words ("需再增加发明专利申请量 62 件（达到 162 件）", "62 more invention
/// applications (to 162)"), or `None` when there is no figure. Mid-year the figure is
/// what the year must end at ("到年底…", "by year end: …").
pub fn need_text(model: &Model, need: &Need, lang: Lang, by_year_end: bool) -> Option<String> {
    let change = need.change?;
    let to = need.to?;
    let metric = model.catalog.get(&need.metric);
    let english = lang == Lang::En;
    let label = metric.map_or(need.metric.as_str(), |m| m.label(english));
    if metric.is_some_and(Metric::is_bool) {
        let yes = !to.is_zero();
        return Some(match (english, yes) {
            (false, true) => format!("{label}需为“是”"),
            (false, false) => format!("{label}需为“否”"),
            (true, true) => format!("{label}: must be yes"),
            (true, false) => format!("{label}: must be no"),
        });
    }
    let unit = metric.and_then(|m| m.unit.as_deref()).unwrap_or("");
    let whole = metric.is_some_and(|m| m.whole);
    let short = |d: Decimal| {
        let s = crate::render::short_number(d);
        if s == "0" && !d.is_zero() { crate::render::exact_number(d) } else { s }
    };
    let with_unit = |d: Decimal| {
        let n = short(d);
        match unit {
            "" => n,
            "%" => format!("{n}%"),
            u => format!("{n} {u}"),
        }
    };
    let (amount, to_text) = (with_unit(change.abs()), with_unit(to));
    let down = change.is_sign_negative() && !change.is_zero();
    let when = match (by_year_end, english) {
        (false, _) => "",
        (true, false) => "到年底",
        (true, true) => "by year end: ",
    };
    Some(
        when.to_string()
            + &match (english, down) {
                (false, false) => format!("需再增加{label} {amount}（达到 {to_text}）"),
                (false, true) => format!("需减少{label} {amount}（降到 {to_text}）"),
                (true, _) if whole && unit != "%" => {
                    let label = lower_first(label);
                    let (n, t) = (short(change.abs()), short(to));
                    if down { format!("{n} fewer {label} (down to {t})") } else { format!("{n} more {label} (to {t})") }
                }
                (true, false) => format!("{label}: {amount} more (to {to_text})"),
                (true, true) => format!("{label}: {amount} less (down to {to_text})"),
            },
    )
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

/// Whether a rule's actual accumulates through the year (a count or an amount), so
/// that a run-rate projection means something. Shares, rates ("件/万人") and stocks
/// (`stock = true`) do not accumulate.
fn is_cumulative(model: &Model, r: &RuleResult) -> bool {
    let has_division = |e: &crate::expr::Expr| e.to_string().contains('/');
    match &r.rule.actual {
        Actual::Metric(m) => model.catalog.get(m).is_some_and(|m| {
            let unit = m.unit.as_deref().unwrap_or("");
            unit != "%"
                && !unit.contains('/')
                && !m.is_bool()
                && !m.stock
                && m.formula.as_ref().is_none_or(|f| !has_division(&f.expr))
        }),
        Actual::Expr(f) => !has_division(&f.expr),
    }
}

/// A reason (why a rule is unknown) or the solver's note on how a figure was found,
/// in the chosen language. They are written in English where they arise (JSON and CSV
/// carry them as values); for Chinese their fixed phrases are replaced, while numbers,
/// metric ids and periods stay as they are.
pub fn localize(text: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return text.to_string();
    }
    const PHRASES: &[(&str, &str)] = &[
        ("exact: ratio of linear terms in ", "精确解：线性分式，变量 "),
        ("exact: linear in ", "精确解：线性，变量 "),
        ("numeric: ", "数值解："),
        ("; doubling bracket and bisection, ", "；倍增搜索区间后二分，"),
        (" evaluations", " 次计算"),
        ("; boundary ", "；边界值 "),
        (", rounded up to a whole number that meets it", "，向上取满足规则的整数"),
        (", rounded down to a whole number that meets it", "，向下取满足规则的整数"),
        ("; the boundary itself: any larger value passes", "；取边界值本身（更大的值均满足）"),
        ("; the boundary itself: any smaller value passes", "；取边界值本身（更小的值均满足）"),
        ("would have to cross a pole (a divisor would pass through zero)", "需越过分母为零之处，无解"),
        ("would need a negative value", "需为负值，无解"),
        ("target cannot be reached by ", "仅改变 "),
        (" alone: it cancels out of the rule", " 无法达到目标：该指标在规则中相互抵消"),
        (
            " alone: no value found in either direction without going below zero",
            " 无法达到目标：在不低于零的范围内两个方向均无解",
        ),
        (" alone: no value found in either direction", " 无法达到目标：两个方向均无解"),
        ("no whole number of ", "整数值的 "),
        (" gives exactly the target", " 无法恰好等于目标"),
        ("the exact value is ", "精确值为 "),
        ("a yes/no indicator can only be 0 or 1, and it would need ", "是否类指标只能为 0 或 1，而需要 "),
        (" is not a single figure, so no change of it can be computed", " 不是单一数值，无法计算所需变化"),
        ("not linear or a ratio of linear terms in ", "非线性且非线性分式，变量 "),
        ("a product of terms that both depend on the metric", "两个都依赖该指标的项相乘"),
        ("number too large", "数值过大"),
        ("division by zero", "除数为零"),
        ("missing data: ", "缺少数据："),
        ("the bounds cannot decide: actual ", "区间无法判定：实际 "),
        (" against target ", "，目标 "),
        ("a step threshold cannot be computed: ", "分档门槛无法计算："),
        ("`@prev` of period ", "期间 "),
        (", which is not a year", " 不是年份，没有上一期"),
    ];
    PHRASES.iter().fold(text.to_string(), |text, (en, zh)| text.replace(en, zh))
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;
    use crate::diagnostic::Loc;
    use crate::model::Metric;

    fn metric(id: &str, name: &str, en: &str, unit: &str) -> Metric {
        Metric {
            id: id.into(),
            name: Some(name.into()),
            en: Some(en.into()),
            unit: Some(unit.into()),
            whole: crate::model::WHOLE_UNITS.contains(&unit),
            stock: false,
            formula: None,
            loc: Loc::new(0, 0..0),
        }
    }

    #[test]
    fn needs_in_plain_words_in_both_languages() {
        let mut model = Model::default();
        for m in [
            metric("inv", "发明专利申请量", "Invention applications", "件"),
            metric("money", "知识产权质押融资额", "IP-pledge financing", "万元"),
            metric("office", "是否设立知识产权局", "Has an IP office", "bool"),
        ] {
            model.catalog.metrics.insert(m.id.clone(), m);
        }
        let need = |metric: &str, change: i64, to: i64| Need {
            metric: metric.into(),
            period: "2015".into(),
            change: Some(Decimal::from(change)),
            to: Some(Decimal::from(to)),
            why: None,
        };
        let text = |n: &Need, lang, ytd| need_text(&model, n, lang, ytd).unwrap_or_default();
        assert_eq!(text(&need("inv", 313, 533), Lang::Zh, false), "需再增加发明专利申请量 313 件（达到 533 件）");
        assert_eq!(text(&need("inv", 313, 533), Lang::En, false), "313 more invention applications (to 533)");
        assert_eq!(text(&need("inv", -204, 333), Lang::En, false), "204 fewer invention applications (down to 333)");
        assert_eq!(text(&need("money", 260, 500), Lang::En, false), "IP-pledge financing: 260 万元 more (to 500 万元)");
        assert_eq!(text(&need("money", -3, 500), Lang::Zh, false), "需减少知识产权质押融资额 3 万元（降到 500 万元）");
        assert_eq!(text(&need("office", 1, 1), Lang::Zh, false), "是否设立知识产权局需为“是”");
        assert_eq!(text(&need("inv", 313, 533), Lang::Zh, true), "到年底需再增加发明专利申请量 313 件（达到 533 件）");
        assert_eq!(
            text(&need("inv", 313, 533), Lang::En, true),
            "by year end: 313 more invention applications (to 533)"
        );
        let none = Need { metric: "inv".into(), period: "2015".into(), change: None, to: None, why: None };
        assert_eq!(need_text(&model, &none, Lang::En, false), None);
    }

    #[test]
    fn reasons_in_chinese_keep_ids_and_numbers() {
        let case = |en: &str, zh: &str| {
            assert_eq!(localize(en, Lang::Zh), zh);
            assert_eq!(localize(en, Lang::En), en);
        };
        case("missing data: a@2015, b@2014", "缺少数据：a@2015, b@2014");
        case(
            "the bounds cannot decide: actual [16000, +∞) against target 30000",
            "区间无法判定：实际 [16000, +∞)，目标 30000",
        );
        case("division by zero", "除数为零");
        case("`@prev` of period `2011-2015`, which is not a year", "期间 `2011-2015` 不是年份，没有上一期");
        case("exact: linear in apps", "精确解：线性，变量 apps");
    }
}
