//! What it takes (CONTRACT §5, `needs`).

use crate::evaluate::Evaluation;
use crate::model::Model;

/// Fill in `needs` for the rules that are not met or behind pace.
pub fn with_needs(_model: &Model, evaluation: Evaluation) -> Evaluation {
    evaluation
}

use crate::cli::Lang;
use crate::evaluate::Need;

/// A need in plain words ("313 more invention applications"), or `None` when there is no figure.
pub fn describe(model: &Model, need: &Need, lang: Lang) -> Option<String> {
    let change = need.change?;
    let metric = model.catalog.get(&need.metric);
    let label = metric.map_or(need.metric.as_str(), |m| m.label(lang == Lang::En));
    let unit = metric.and_then(|m| m.unit.as_deref()).unwrap_or("");
    let amount = crate::render::short_number(change.abs());
    let to = need.to.map(crate::render::short_number).unwrap_or_default();
    Some(match (lang, change.is_sign_negative()) {
        (Lang::Zh, false) => format!("{label}需再增加 {amount} {unit}（达到 {to}）"),
        (Lang::Zh, true) => format!("{label}需减少 {amount} {unit}（降到 {to}）"),
        (Lang::En, false) => format!("{label}: {amount} {unit} more (to {to})"),
        (Lang::En, true) => format!("{label}: {amount} {unit} less (down to {to})"),
    })
}
