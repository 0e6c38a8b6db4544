//! kaohe (考核): a target-vs-actual KPI evaluation engine.
//!
//! Data flows one way: files ──load──▶ raw ──validate──▶ [`model::Model`]
//! ──evaluate──▶ [`evaluate::Evaluation`] ──report──▶ grid ──render──▶ text.
//! This module holds the pipeline of each command, one readable function each; the
//! binary only parses arguments and writes what comes back.

pub mod cli;
pub mod diagnostic;
pub mod escape;
pub mod evaluate;
pub mod expr;
pub mod interval;
pub mod load;
pub mod model;
pub mod number;
pub mod render;
pub mod report;
pub mod solve;
pub mod trend;
pub mod validate;

use crate::cli::{Cli, Command, Format, Lang, PathArgs};
use crate::diagnostic::{Diagnostic, Sources, suggestion};
use crate::evaluate::{Evaluation, Options, Verdict};
use crate::model::{Date, Model};

/// What a command produced: everything is built before anything is written, so a
/// failing run never leaves partial output.
#[derive(Debug, Default)]
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    pub code: u8,
}

/// Run one command. `env` reads environment variables (for the locale).
pub fn run(cli: &Cli, env: &dyn Fn(&str) -> Option<String>) -> Outcome {
    let result = match &cli.command {
        Command::Check { paths } => check(paths),
        Command::Eval { paths, entities, rulesets, period, as_of, format, lang, strict } => {
            let lang = Lang::resolve(*lang, env);
            eval(paths, entities, rulesets, period.as_deref(), as_of.as_deref(), *format, lang, *strict)
        }
        Command::Explain { entity, rule, ruleset, paths, period, as_of, lang } => {
            let lang = Lang::resolve(*lang, env);
            explain(paths, entity, rule, ruleset.as_deref(), period.as_deref(), as_of.as_deref(), lang)
        }
        Command::Trend { entity, metric_ids, paths, format, lang } => {
            trend_command(paths, entity, metric_ids, *format, Lang::resolve(*lang, env))
        }
        Command::Compare { metric, period, entities, kinds, paths, format, lang } => {
            compare_command(paths, metric, period.as_deref(), entities, kinds, *format, Lang::resolve(*lang, env))
        }
    };
    result.unwrap_or_else(|failure| failure)
}

/// A validated workspace and the warnings and notices found while reading it.
struct Workspace {
    model: Model,
    stderr: String,
}

impl Workspace {
    /// Load and validate; on an input error, the outcome to return (exit 2).
    fn load(paths: &PathArgs) -> Result<Workspace, Outcome> {
        let mut sources = Sources::default();
        let mut diags: Vec<Diagnostic> = Vec::new();
        let raw = load::load(
            &load::Paths { rules: paths.rules.clone(), data: paths.data.clone(), metrics: paths.metrics.clone() },
            &mut sources,
            &mut diags,
        );
        let model = validate::validate(raw, &sources, &mut diags);
        // Report in reading order: by file, then by place in the file.
        diags.sort_by_cached_key(|d| match &d.loc {
            Some(loc) => (sources.get(loc.file).path.clone(), loc.span.start),
            None => (d.path.clone().unwrap_or_default(), 0),
        });
        let stderr: String = diags.iter().map(|d| d.render(&sources)).collect();
        if diags.iter().any(Diagnostic::is_error) {
            Err(Outcome { stdout: String::new(), stderr, code: 2 })
        } else {
            Ok(Workspace { model, stderr })
        }
    }

    /// A usage error (exit 2), after whatever was already said on stderr.
    fn usage(&self, message: &str) -> Outcome {
        Outcome { stdout: String::new(), stderr: format!("{}error: {message}\n", self.stderr), code: 2 }
    }

    fn done(self, stdout: String, code: u8) -> Result<Outcome, Outcome> {
        Ok(Outcome { stdout, stderr: self.stderr, code })
    }

    /// Every id of `asked` must be one of `known`; else a usage error with a suggestion.
    fn check_ids<'a>(
        &self,
        asked: &[String],
        known: impl Iterator<Item = &'a str> + Clone,
        what: &str,
    ) -> Result<(), Outcome> {
        for id in asked {
            if !known.clone().any(|k| k == id) {
                let hint = suggestion(id, known.clone()).map(|s| format!(" ({s})")).unwrap_or_default();
                return Err(self.usage(&format!("unknown {what} `{id}`{hint}")));
            }
        }
        Ok(())
    }

    fn entity_ids(&self) -> impl Iterator<Item = &str> + Clone {
        self.model.entities.iter().map(|e| e.id.as_str())
    }

    fn ruleset_ids(&self) -> impl Iterator<Item = &str> + Clone {
        self.model.rulesets.iter().map(|r| r.id.as_str())
    }

    fn metric_ids(&self) -> impl Iterator<Item = &str> + Clone {
        self.model.catalog.metrics.keys().map(String::as_str)
    }

    fn as_of(&self, text: Option<&str>) -> Result<Option<Date>, Outcome> {
        match text {
            None => Ok(None),
            Some(t) => Date::parse(t)
                .map(Some)
                .ok_or_else(|| self.usage(&format!("--as-of `{t}` is not a date such as 2016-06-30"))),
        }
    }
}

/// `kaohe check`
fn check(paths: &PathArgs) -> Result<Outcome, Outcome> {
    let ws = Workspace::load(paths)?;
    let model = &ws.model;
    let figures: usize = model.entities.iter().flat_map(|e| e.periods.values()).map(|p| p.figures.len()).sum();
    let rules: usize = model.rulesets.iter().map(|r| r.rules.len()).sum();
    let stdout = format!(
        "ok: {} metrics, {} entities ({} figures), {} rule sets ({} rules)\n",
        model.catalog.metrics.len(),
        model.entities.len(),
        figures,
        model.rulesets.len(),
        rules
    );
    ws.done(stdout, 0)
}

/// Every (entity, rule set) pair to evaluate, ordered by entity id then rule set id.
pub fn evaluate_all(
    model: &Model,
    entities: &[String],
    rulesets: &[String],
    period: Option<&str>,
    options: &Options,
) -> Result<Vec<Evaluation>, String> {
    let mut out = Vec::new();
    for entity in &model.entities {
        if !entities.is_empty() && !entities.contains(&entity.id) {
            continue;
        }
        for rs in &model.rulesets {
            if (!rulesets.is_empty() && !rulesets.contains(&rs.id)) || !rs.applies_to.matches(entity) {
                continue;
            }
            let Some(p) = period.or(rs.period.as_deref()) else {
                return Err(format!("rule set `{}` names no period; pass --period", rs.id));
            };
            out.push(evaluate::evaluate(model, entity, rs, p, options));
        }
    }
    Ok(out)
}

/// `kaohe eval`
#[allow(clippy::too_many_arguments)]
fn eval(
    paths: &PathArgs,
    entities: &[String],
    rulesets: &[String],
    period: Option<&str>,
    as_of: Option<&str>,
    format: Format,
    lang: Lang,
    strict: bool,
) -> Result<Outcome, Outcome> {
    let mut ws = Workspace::load(paths)?;
    let as_of = ws.as_of(as_of)?;
    ws.check_ids(entities, ws.entity_ids(), "entity")?;
    ws.check_ids(rulesets, ws.ruleset_ids(), "rule set")?;
    let model = &ws.model;
    let evaluations =
        evaluate_all(model, entities, rulesets, period, &Options { as_of, trace: false }).map_err(|m| ws.usage(&m))?;
    let evaluations: Vec<Evaluation> = evaluations.into_iter().map(|e| solve::with_needs(model, e)).collect();
    if evaluations.is_empty() {
        ws.stderr.push_str("notice: nothing to evaluate: no selected rule set applies to a selected entity\n");
    }
    let stdout = match format {
        Format::Table => render::table::render(&report::Report::new(model, &evaluations, lang)),
        Format::Markdown => render::markdown::render(&report::Report::new(model, &evaluations, lang)),
        Format::Csv => render::csv::render(&evaluations),
        Format::Json => render::json::render(&evaluations),
    };
    let failed = evaluations.iter().any(|e| e.verdict != Verdict::Pass);
    ws.done(stdout, if strict && failed { 1 } else { 0 })
}

/// `kaohe explain`
fn explain(
    paths: &PathArgs,
    entity: &str,
    rule: &str,
    ruleset: Option<&str>,
    period: Option<&str>,
    as_of: Option<&str>,
    lang: Lang,
) -> Result<Outcome, Outcome> {
    let ws = Workspace::load(paths)?;
    let as_of = ws.as_of(as_of)?;
    ws.check_ids(&[entity.to_string()], ws.entity_ids(), "entity")?;
    ws.check_ids(&ruleset.map(str::to_string).into_iter().collect::<Vec<_>>(), ws.ruleset_ids(), "rule set")?;
    let model = &ws.model;
    let Some(ent) = model.entities.iter().find(|e| e.id == entity) else {
        return Err(ws.usage(&format!("unknown entity `{entity}`")));
    };
    let applicable =
        || model.rulesets.iter().filter(|rs| rs.applies_to.matches(ent) && ruleset.is_none_or(|id| id == rs.id));
    let candidates: Vec<_> = applicable().filter(|rs| rs.rules.iter().any(|r| r.id == rule)).collect();
    let rs = match candidates.as_slice() {
        [one] => *one,
        [] => {
            let ids = applicable().flat_map(|rs| rs.rules.iter().map(|r| r.id.as_str()));
            let hint = suggestion(rule, ids).map(|s| format!(" ({s})")).unwrap_or_default();
            return Err(ws.usage(&format!("no rule `{rule}` in the rule sets that apply to `{entity}`{hint}")));
        }
        many => {
            let ids: Vec<&str> = many.iter().map(|r| r.id.as_str()).collect();
            return Err(ws.usage(&format!(
                "rule `{rule}` occurs in several rule sets: {}; choose one with --ruleset",
                ids.join(", ")
            )));
        }
    };
    let Some(p) = period.or(rs.period.as_deref()) else {
        return Err(ws.usage(&format!("rule set `{}` names no period; pass --period", rs.id)));
    };
    let evaluation = solve::with_needs(model, evaluate::evaluate(model, ent, rs, p, &Options { as_of, trace: true }));
    let Some(result) = evaluation.rules.iter().find(|r| r.rule.id == rule) else {
        return Err(ws.usage(&format!("no rule `{rule}`")));
    };
    let stdout = render::explain::render(model, &evaluation, result, lang);
    ws.done(stdout, 0)
}

/// `kaohe trend`
fn trend_command(
    paths: &PathArgs,
    entity: &str,
    metrics: &[String],
    format: Format,
    lang: Lang,
) -> Result<Outcome, Outcome> {
    let ws = Workspace::load(paths)?;
    ws.check_ids(&[entity.to_string()], ws.entity_ids(), "entity")?;
    ws.check_ids(metrics, ws.metric_ids(), "metric")?;
    let model = &ws.model;
    let Some(ent) = model.entities.iter().find(|e| e.id == entity) else {
        return Err(ws.usage(&format!("unknown entity `{entity}`")));
    };
    let series = trend::trend(model, ent, metrics);
    let stdout = render::trend::trend(model, ent, &series, format, lang);
    ws.done(stdout, 0)
}

/// `kaohe compare`
fn compare_command(
    paths: &PathArgs,
    metric: &str,
    period: Option<&str>,
    entities: &[String],
    kinds: &[String],
    format: Format,
    lang: Lang,
) -> Result<Outcome, Outcome> {
    let ws = Workspace::load(paths)?;
    ws.check_ids(&[metric.to_string()], ws.metric_ids(), "metric")?;
    ws.check_ids(entities, ws.entity_ids(), "entity")?;
    let model = &ws.model;
    let chosen: Vec<&model::Entity> = model
        .entities
        .iter()
        .filter(|e| entities.is_empty() || entities.contains(&e.id))
        .filter(|e| kinds.is_empty() || e.kind.as_ref().is_some_and(|k| kinds.contains(k)))
        .collect();
    let Some(period) = period.map(str::to_string).or_else(|| trend::latest_year(model, &chosen, metric)) else {
        return Err(ws.usage(&format!("no entity reports `{metric}` in any year; pass --period")));
    };
    let comparison = trend::compare(model, &chosen, metric, &period);
    let stdout = render::trend::compare(model, &comparison, format, lang);
    ws.done(stdout, 0)
}
