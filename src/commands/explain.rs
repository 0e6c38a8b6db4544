//! `kaohe explain ENTITY RULE`: one rule's working.

use std::io::Write;

use super::{INVALID, OK, Output, Workspace, check_ids, usage};
use crate::config::{Config, ExplainJob};
use crate::diagnostic::suggestion;
use crate::evaluate::engine::Engine;
use crate::evaluate::plan::Plan;
use crate::evaluate::{self, Options};
use crate::render;
use crate::solve;

pub fn run(config: &Config, job: &ExplainJob, out: &mut Output, err: &mut dyn Write) -> u8 {
    let Some(ws) = Workspace::load(config, err) else { return INVALID };
    let asked_ruleset: Vec<String> = job.ruleset.iter().cloned().collect();
    if let Err(m) = check_ids(std::slice::from_ref(&job.entity), ws.entity_ids(), "entity")
        .and_then(|()| check_ids(&asked_ruleset, ws.ruleset_ids(), "rule set"))
    {
        return usage(err, &m);
    }
    let model = &ws.model;
    let Some(ent) = model.entities.iter().find(|e| e.id == job.entity) else {
        return usage(err, &format!("unknown entity `{}`", job.entity));
    };
    let (entity, rule) = (&job.entity, &job.rule);
    let applicable = || {
        model
            .rulesets
            .iter()
            .filter(|rs| rs.applies_to.matches(ent) && job.ruleset.as_ref().is_none_or(|id| *id == rs.id))
    };
    let candidates: Vec<_> = applicable().filter(|rs| rs.rules.iter().any(|r| r.id == *rule)).collect();
    let rs = match candidates.as_slice() {
        [one] => *one,
        [] => {
            let ids = applicable().flat_map(|rs| rs.rules.iter().map(|r| r.id.as_str()));
            let hint = suggestion(rule, ids).map(|s| format!(" ({s})")).unwrap_or_default();
            return usage(err, &format!("no rule `{rule}` in the rule sets that apply to `{entity}`{hint}"));
        }
        many => {
            let ids: Vec<&str> = many.iter().map(|r| r.id.as_str()).collect();
            return usage(
                err,
                &format!("rule `{rule}` occurs in several rule sets: {}; choose one with --ruleset", ids.join(", ")),
            );
        }
    };
    let Some(p) = job.period.as_deref().or(rs.period.as_deref()) else {
        return usage(err, &format!("rule set `{}` names no period; pass --period", rs.id));
    };
    if let Err(m) = super::eval::as_of_fits(job.as_of, p, &rs.id) {
        return usage(err, &m);
    }
    let plan = Plan::new(model, &[p]);
    let Some(prs) = plan.ruleset(&rs.id) else {
        return usage(err, &format!("unknown rule set `{}`", rs.id));
    };
    let mut engine = Engine::new(&plan);
    engine.set_entity(ent);
    let mut evaluation = evaluate::evaluate(&mut engine, ent, prs, p, &Options { as_of: job.as_of, trace: true });
    solve::fill_needs(&mut engine, prs, &mut evaluation);
    let Some(result) = evaluation.rules.iter().find(|r| r.rule.id == *rule) else {
        return usage(err, &format!("no rule `{rule}`"));
    };
    let text = render::explain::render(model, &evaluation, result, config.lang);
    // On a terminal, long lines (a formula, the arithmetic) wrap at words.
    let text = render::table::wrap_lines(&text, config.width, 4);
    let _ = out.write_all(text.as_bytes());
    OK
}
