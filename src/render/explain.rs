//! `explain`: one rule's working — the formula, each input with its period, value,
//! qualifier, unit conversion and source quote, the substituted arithmetic, the
//! comparison and the score.

use std::fmt::Write as _;

use super::{exact_number, interval_text};
use crate::cli::Lang;
use crate::evaluate::{Evaluation, Input, RuleResult, Status, TargetValue, prev_period};
use crate::expr::{BinOp, Expr, PeriodRef};
use crate::interval::Interval;
use crate::model::{Actual, Model, Qualifier, Scoring, Target};
use crate::report::{pace_label, rule_label, status_label, verdict_label};

fn value_text(v: &Result<Interval, crate::expr::Unknown>, lang: Lang) -> String {
    match v {
        Ok(i) => interval_exact(i),
        Err(e) => unknown_text(&e.to_string(), lang),
    }
}

/// "unknown (why)" in the chosen language.
fn unknown_text(why: &str, lang: Lang) -> String {
    let word = if lang == Lang::Zh { "未知" } else { "unknown" };
    format!("{word} ({})", crate::report::localize(why, lang))
}

/// An interval with exact (6-place) numbers.
fn interval_exact(i: &Interval) -> String {
    let approx = if i.approx { "≈" } else { "" };
    match (i.low, i.high) {
        (Some(l), Some(h)) if l == h => format!("{approx}{}", exact_number(l)),
        (Some(l), Some(h)) => format!("{approx}[{}, {}]", exact_number(l), exact_number(h)),
        (Some(l), None) => format!("{approx}[{}, +∞)", exact_number(l)),
        (None, Some(h)) => format!("{approx}(-∞, {}]", exact_number(h)),
        (None, None) => "(-∞, +∞)".into(),
    }
}

fn qualifier_text(q: Qualifier, lang: Lang) -> &'static str {
    match (q, lang) {
        (Qualifier::Exact, Lang::Zh) => "确数",
        (Qualifier::AtLeast, Lang::Zh) => "不少于（余/以上）",
        (Qualifier::AtMost, Lang::Zh) => "不多于（近）",
        (Qualifier::Approx, Lang::Zh) => "约数",
        (Qualifier::Exact, Lang::En) => "exact",
        (Qualifier::AtLeast, Lang::En) => "at least",
        (Qualifier::AtMost, Lang::En) => "at most",
        (Qualifier::Approx, Lang::En) => "approximately",
    }
}

/// Print `expr` with every reference replaced by its value.
fn substitute(expr: &Expr, period: &str, inputs: &[Input], params: &dyn Fn(&str) -> Option<String>) -> String {
    fn prec(op: BinOp) -> u8 {
        match op {
            BinOp::Add | BinOp::Sub => 1,
            BinOp::Mul | BinOp::Div => 2,
        }
    }
    fn go(e: &Expr, parent: u8, period: &str, inputs: &[Input], params: &dyn Fn(&str) -> Option<String>) -> String {
        match e {
            Expr::Num(d) => d.normalize().to_string(),
            Expr::Ref { name, period: at, .. } => {
                if let Some(p) = params(name) {
                    return p;
                }
                let p = match at {
                    PeriodRef::Current => Some(period.to_string()),
                    PeriodRef::Prev => prev_period(period),
                    PeriodRef::Named(p) => Some(p.clone()),
                };
                let found = p.and_then(|p| inputs.iter().find(|i| i.metric == *name && i.period == p));
                match found.map(|i| &i.value) {
                    Some(Ok(v)) => {
                        let text = interval_exact(v);
                        if v.as_point().is_some() && !text.starts_with('-') { text } else { format!("({text})") }
                    }
                    _ => format!("{name}?"),
                }
            }
            Expr::Neg(x) => format!("-{}", go(x, 3, period, inputs, params)),
            Expr::Bin { op, lhs, rhs } => {
                let p = prec(*op);
                let text = format!(
                    "{} {} {}",
                    go(lhs, p, period, inputs, params),
                    op.symbol(),
                    go(rhs, p + 1, period, inputs, params)
                );
                if p < parent { format!("({text})") } else { text }
            }
            Expr::Call { func, args, .. } => {
                let args: Vec<String> = args.iter().map(|a| go(a, 0, period, inputs, params)).collect();
                format!("{}({})", func.name(), args.join(", "))
            }
        }
    }
    go(expr, 0, period, inputs, params)
}

pub fn render(model: &Model, e: &Evaluation, r: &RuleResult, lang: Lang) -> String {
    let zh = lang == Lang::Zh;
    let t = |zh_text: &'static str, en_text: &'static str| if zh { zh_text } else { en_text };
    let rs = model.rulesets.iter().find(|rs| rs.id == e.ruleset);
    let params = |name: &str| rs.and_then(|rs| rs.params.get(name)).map(|v| v.normalize().to_string());
    let mut out = String::new();
    let entity = e.entity_name.as_deref().map_or(e.entity.clone(), |n| format!("{n} ({})", e.entity));
    let ruleset = e.ruleset_name.as_deref().map_or(e.ruleset.clone(), |n| format!("{n} ({})", e.ruleset));
    let _ = writeln!(out, "{entity} · {ruleset}");
    let _ = writeln!(
        out,
        "{}: {} ({}) · {} {}",
        t("规则", "Rule"),
        rule_label(model, r, lang),
        r.rule.id,
        t("期间", "period"),
        e.period
    );
    if let Some(d) = e.as_of {
        let _ = writeln!(out, "{}: {d}", t("截至", "As of"));
    }

    let actual_text = match &r.rule.actual {
        Actual::Metric(m) => match model.catalog.get(m).and_then(|x| x.formula.as_ref()) {
            Some(f) => format!("{m} = {}", f.text),
            None => m.clone(),
        },
        Actual::Expr(f) => f.text.clone(),
    };
    let _ = writeln!(out, "{}: {actual_text}", t("公式", "Formula"));

    let _ = writeln!(out, "{}:", t("输入", "Inputs"));
    for input in &r.inputs {
        let metric = model.catalog.get(&input.metric);
        let unit = metric.and_then(|m| m.unit.as_deref()).filter(|u| *u != "bool").unwrap_or("");
        // " 件" after a number, nothing for unit-less and yes/no metrics.
        let spaced_unit = if unit.is_empty() { String::new() } else { format!(" {unit}") };
        let label = metric.map_or(input.metric.as_str(), |m| m.label(!zh));
        let mut line = format!("  {}@{} {label}", input.metric, input.period);
        if let Some(f) = &input.formula {
            let sub = metric
                .and_then(|m| m.formula.as_ref())
                .map(|mf| substitute(&mf.expr, &input.period, &r.inputs, &|_| None))
                .unwrap_or_default();
            let _ = write!(line, " = {f} = {sub} = {}", value_text(&input.value, lang));
        } else {
            match (&input.figure, &input.value) {
                (Some(fig), Ok(v)) => {
                    let _ = write!(
                        line,
                        " = {}{spaced_unit} ({})",
                        interval_text_exact(v, metric.is_some_and(|m| m.is_bool())),
                        qualifier_text(fig.qualifier, lang)
                    );
                    if let (Some(w), Some(wu)) = (fig.written, &fig.written_unit) {
                        let _ = write!(line, " {} {} {wu} → {unit}", t("原文", "written as"), w.normalize());
                    }
                }
                (Some(fig), Err(_)) => {
                    let why = fig.value.as_ref().err().cloned().unwrap_or_default();
                    let _ = write!(line, ": {} ({why})", t("缺失", "missing"));
                }
                (None, _) => {
                    let _ = write!(line, ": {}", t("缺失（数据中没有）", "missing (not in the data)"));
                }
            }
            if let Some(src) = input.figure.as_ref().and_then(|f| f.source.as_ref()) {
                let _ = write!(line, "\n      {} “{src}”", t("出处", "source"));
            }
            if let Some(note) = input.figure.as_ref().and_then(|f| f.note.as_ref()) {
                let _ = write!(line, "\n      {} {note}", t("注", "note"));
            }
        }
        let _ = writeln!(out, "{line}");
    }
    if r.inputs.is_empty() {
        let _ = writeln!(out, "  {}", t("（无）", "(none)"));
    }

    // The actual's arithmetic: a derived metric shows its own formula with values in it.
    let actual_expr = match &r.rule.actual {
        Actual::Metric(m) => model.catalog.get(m).and_then(|x| x.formula.as_ref()).map(|f| f.expr.clone()),
        Actual::Expr(f) => Some(f.expr.clone()),
    };
    let actual_value = match &r.actual {
        Ok(a) => interval_exact(a),
        Err(e) => unknown_text(&e.to_string(), lang),
    };
    match actual_expr {
        Some(x) => {
            let sub = substitute(&x, &e.period, &r.inputs, &params);
            let _ = writeln!(out, "{}: {sub} = {actual_value}", t("计算", "Arithmetic"));
        }
        None => {
            let _ = writeln!(out, "{}: {actual_value}", t("实际", "Actual"));
        }
    }
    let target_formula = match &r.rule.target {
        Target::Value { formula, .. } => formula.text.clone(),
        Target::Between(l, h) => format!("[{}, {}]", l.text, h.text),
    };
    let target_value = match &r.target {
        Ok(TargetValue::Single(v)) => interval_exact(v),
        Ok(TargetValue::Between(l, h)) => format!("[{}, {}]", interval_exact(l), interval_exact(h)),
        Err(e) => unknown_text(&e.to_string(), lang),
    };
    match &r.rule.target {
        // A lone reference or param: its value is the whole working.
        Target::Value { formula, .. } if matches!(formula.expr, Expr::Ref { .. }) => {
            let _ = writeln!(out, "{}: {target_formula} = {target_value}", t("目标", "Target"));
        }
        Target::Value { formula, .. } if !matches!(formula.expr, Expr::Num(_)) => {
            let sub = substitute(&formula.expr, &e.period, &r.inputs, &params);
            let _ = writeln!(out, "{}: {target_formula} = {sub} = {target_value}", t("目标", "Target"));
        }
        _ => {
            let _ = writeln!(out, "{}: {target_value}", t("目标", "Target"));
        }
    }
    let _ = write!(
        out,
        "{}: {actual_value} {} {target_value} → {}",
        t("比较", "Comparison"),
        r.rule.op.as_str(),
        status_label(r.status, lang)
    );
    if let Some(reason) = &r.reason {
        let _ = write!(out, " ({})", crate::report::localize(reason, lang));
    }
    out.push('\n');
    if let Some(c) = r.completion_pct {
        let _ = write!(out, "{}: {}%", t("完成率", "Completion"), exact_number(c));
        if let (Some(x), Some(p)) = (r.expected_pct, r.pace) {
            let _ = write!(out, " ({} {}%, {})", t("应完成", "expected"), exact_number(x), pace_label(p, lang));
        }
        out.push('\n');
    }
    if let Some(g) = r.gap {
        let _ = writeln!(out, "{}: {}", t("差距", "Gap"), exact_number(g));
    }
    let scoring = match &r.rule.scoring {
        Scoring::All => t("全有或全无", "all or nothing").to_string(),
        Scoring::Linear => t("按完成率线性计分", "linear in completion").to_string(),
        Scoring::Steps(steps) => {
            let list: Vec<String> =
                steps.iter().map(|s| format!("{} → {}", s.threshold.text, s.points.normalize())).collect();
            format!("{} [{}]", t("分档", "steps"), list.join("; "))
        }
    };
    let mut score_line =
        format!("{}: {} / {} ({scoring})", t("得分", "Score"), exact_number(r.score), exact_number(r.rule.weight));
    if r.status == Status::Unknown {
        score_line.push_str(t("；待定项计 0 分", "; unknown rules score 0"));
    }
    if r.rule.veto {
        score_line.push_str(t("；否决项", "; veto rule"));
    }
    if r.rule.bonus {
        score_line.push_str(t("；加分项", "; bonus rule"));
    }
    let _ = writeln!(out, "{score_line}");
    for n in &r.needs {
        if let Some(text) = crate::report::need_text(model, n, lang, crate::report::mid_year(e)) {
            let _ = writeln!(out, "{}: {text}", t("还需", "Needs"));
        }
        if let Some(why) = &n.why {
            let why = crate::report::localize(why, lang);
            let _ = writeln!(out, "      {why}");
        }
    }
    let _ = writeln!(
        out,
        "{}: {} {} / {} → {}",
        t("本规则集", "Rule set"),
        t("得分", "score"),
        exact_number(e.score),
        exact_number(e.max_score),
        verdict_label(e.verdict, lang)
    );
    out
}

fn interval_text_exact(v: &Interval, is_bool: bool) -> String {
    if is_bool { interval_text(v, true) } else { interval_exact(v) }
}
