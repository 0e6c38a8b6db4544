//! `explain`: one rule's working — the formula, each input with its period, value,
//! qualifier, unit conversion and source quote, the substituted arithmetic, the
//! comparison and the score.

use std::fmt::Write as _;

use super::exact_number;
use crate::evaluate::{Evaluation, Input, RuleResult, Status, TargetValue, prev_period};
use crate::expr::{BinOp, Expr, PeriodRef};
use crate::interval::Interval;
use crate::model::{Actual, Model, Scoring, Target};
use crate::report::{actual_metric, mid_year};
use crate::text::{self, Lang, words};

fn value_text(v: &Result<Interval, crate::expr::Unknown>, lang: Lang) -> String {
    match v {
        Ok(i) => text::interval_marked(i),
        Err(e) => unknown_text(e, lang),
    }
}

/// "unknown (why)" in the chosen language.
fn unknown_text(why: &crate::expr::Unknown, lang: Lang) -> String {
    format!("{} ({})", words(lang).unknown_value, text::shown(&text::unknown(why, lang)))
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
                        let text = text::interval_marked(v);
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
    let w = words(lang);
    let rs = model.rulesets.iter().find(|rs| rs.id == e.ruleset.id);
    let params = |name: &str| rs.and_then(|rs| rs.params.get(name)).map(|v| v.normalize().to_string());
    let mut out = String::new();
    let entity = text::named(e.entity.name.as_deref(), &e.entity.id);
    let ruleset = text::named(e.ruleset.name.as_deref(), &e.ruleset.id);
    let _ = writeln!(out, "{entity} · {ruleset}");
    let _ = writeln!(
        out,
        "{}: {} ({}) · {} {}",
        w.rule,
        text::rule_label(r.rule, actual_metric(model, r), lang),
        r.rule.id,
        w.period,
        text::shown(&e.period)
    );
    if let Some(d) = e.as_of {
        let _ = writeln!(out, "{}: {d}", w.as_of_title);
    }

    let actual_text = match &r.rule.actual {
        Actual::Metric(m) => match model.catalog.get(m).and_then(|x| x.formula.as_ref()) {
            Some(f) => format!("{m} = {}", f.text),
            None => m.clone(),
        },
        Actual::Expr(f) => f.text.clone(),
    };
    let _ = writeln!(out, "{}: {actual_text}", w.formula);

    let _ = writeln!(out, "{}:", w.inputs);
    for input in &r.inputs {
        let metric = model.catalog.get(&input.metric);
        let unit = text::shown(metric.and_then(|m| m.unit.as_deref()).filter(|u| *u != "bool").unwrap_or(""));
        // " 件" after a number, nothing for unit-less and yes/no metrics.
        let spaced_unit = if unit.is_empty() { String::new() } else { format!(" {unit}") };
        let label = metric.map_or(std::borrow::Cow::Borrowed(input.metric.as_str()), |m| text::metric_label(m, lang));
        let mut line = format!("  {}@{} {label}", input.metric, text::shown(&input.period));
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
                        if metric.is_some_and(|m| m.is_bool()) {
                            text::interval_short(v, true)
                        } else {
                            text::interval_marked(v)
                        },
                        text::qualifier(fig.qualifier, lang)
                    );
                    if let Some((written, wu)) = fig.written() {
                        let wu = text::shown(wu);
                        let _ = write!(line, " {} {} {wu} → {unit}", w.written_as, written.normalize());
                    }
                }
                (Some(fig), Err(_)) => {
                    let why = fig.value().err().unwrap_or_default();
                    let _ = write!(line, ": {} ({})", w.missing, text::shown(why));
                }
                (None, _) => {
                    let _ = write!(line, ": {}", w.not_in_data);
                }
            }
            if let Some(src) = input.figure.as_ref().and_then(|f| f.source()) {
                let _ = write!(line, "\n      {} “{}”", w.source, text::shown(src));
            }
            if let Some(note) = input.figure.as_ref().and_then(|f| f.note()) {
                let _ = write!(line, "\n      {} {}", w.note, text::shown(note));
            }
        }
        let _ = writeln!(out, "{line}");
    }
    if r.inputs.is_empty() {
        let _ = writeln!(out, "  {}", w.none);
    }

    // The actual's arithmetic: a derived metric shows its own formula with values in it.
    let actual_expr = match &r.rule.actual {
        Actual::Metric(m) => model.catalog.get(m).and_then(|x| x.formula.as_ref()).map(|f| f.expr.clone()),
        Actual::Expr(f) => Some(f.expr.clone()),
    };
    let actual_value = match &r.actual {
        Ok(a) => text::interval_marked(a),
        Err(e) => unknown_text(e, lang),
    };
    match actual_expr {
        Some(x) => {
            let sub = substitute(&x, &e.period, &r.inputs, &params);
            let _ = writeln!(out, "{}: {sub} = {actual_value}", w.arithmetic);
        }
        None => {
            let _ = writeln!(out, "{}: {actual_value}", w.actual);
        }
    }
    let target_formula = match &r.rule.target {
        Target::Value { formula, .. } => formula.text.clone(),
        Target::Between(l, h) => format!("[{}, {}]", l.text, h.text),
    };
    let target_value = match &r.target {
        Ok(TargetValue::Single(v)) => text::interval_marked(v),
        Ok(TargetValue::Between(l, h)) => format!("[{}, {}]", text::interval_marked(l), text::interval_marked(h)),
        Err(e) => unknown_text(e, lang),
    };
    match &r.rule.target {
        // A lone reference or param: its value is the whole working.
        Target::Value { formula, .. } if matches!(formula.expr, Expr::Ref { .. }) => {
            let _ = writeln!(out, "{}: {target_formula} = {target_value}", w.target);
        }
        Target::Value { formula, .. } if !matches!(formula.expr, Expr::Num(_)) => {
            let sub = substitute(&formula.expr, &e.period, &r.inputs, &params);
            let _ = writeln!(out, "{}: {target_formula} = {sub} = {target_value}", w.target);
        }
        _ => {
            let _ = writeln!(out, "{}: {target_value}", w.target);
        }
    }
    let _ = write!(
        out,
        "{}: {actual_value} {} {target_value} → {}",
        w.comparison,
        r.rule.op.as_str(),
        text::status(r.status, lang)
    );
    if let Some(reason) = &r.reason {
        let _ = write!(out, " ({})", text::shown(&text::reason(reason, lang)));
    }
    out.push('\n');
    if let Some(c) = r.completion_pct {
        let _ = write!(out, "{}: {}%", w.completion, exact_number(c));
        if let (Some(x), Some(p)) = (r.expected_pct, r.pace) {
            let _ = write!(out, " ({} {}%, {})", w.expected, exact_number(x), text::pace(p, lang));
        }
        out.push('\n');
    }
    if let (Some(p), Some(low), Ok(TargetValue::Single(t))) =
        (r.progress, r.actual.as_ref().ok().and_then(|a| a.low), &r.target)
        && let Some(t) = t.as_point()
    {
        let prev = prev_period(&e.period).unwrap_or_default();
        let _ = writeln!(out, "{}", text::progress(p.baseline, low, t, p.pct, &prev, lang));
    }
    if let Some(g) = r.gap {
        let _ = writeln!(out, "{}: {}", w.gap, exact_number(g));
    }
    let scoring = match &r.rule.scoring {
        Scoring::All => w.all_or_nothing.to_string(),
        Scoring::Linear => w.linear.to_string(),
        Scoring::Steps(steps) => {
            let list: Vec<String> =
                steps.iter().map(|s| format!("{} → {}", s.threshold.text, s.points.normalize())).collect();
            format!("{} [{}]", w.steps, list.join("; "))
        }
    };
    let mut score_line =
        format!("{}: {} / {} ({scoring})", w.score, exact_number(r.score), exact_number(r.rule.weight));
    if r.status == Status::Unknown {
        score_line.push_str(w.unknown_scores_zero);
    }
    if r.rule.veto {
        score_line.push_str(w.veto_rule);
    }
    if r.rule.bonus {
        score_line.push_str(w.bonus_rule);
    }
    let _ = writeln!(out, "{score_line}");
    for n in &r.needs {
        let metric = model.catalog.get(&n.metric);
        let need = match (n.change, n.to) {
            (Some(change), Some(to)) => text::need(metric, &n.metric, change, to, lang, mid_year(e)),
            _ => text::no_need(metric, &n.metric, lang),
        };
        let _ = writeln!(out, "{}: {need}", w.needs);
        let _ = writeln!(out, "      {}", text::need_note(&n.note, &n.metric, lang));
    }
    let _ = writeln!(
        out,
        "{}: {} {} / {} → {}",
        w.rule_set,
        w.score_lower,
        exact_number(e.score),
        exact_number(e.max_score),
        text::verdict(e.verdict, lang)
    );
    if !e.decided_by.is_empty() {
        let label = |rule: &crate::model::Rule| {
            let metric = e.rules.iter().find(|x| std::ptr::eq(x.rule, rule)).and_then(|x| actual_metric(model, x));
            text::rule_label(rule, metric, lang).into_owned()
        };
        out.pop();
        let _ = writeln!(out, "{}{}{}", w.colon, w.colon_space, text::decided(&e.decided_by, &label, lang));
    }
    out
}
