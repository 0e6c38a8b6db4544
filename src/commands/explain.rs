//! `kaohe explain ENTITY RULE`: one rule's working.

use std::io::Write;

use super::{INVALID, OK, Output, Workspace, check_known, usage_in};
use crate::config::{Config, ExplainJob};
use crate::diagnostic::did_you_mean;
use crate::evaluate::engine::Engine;
use crate::evaluate::plan::Plan;
use crate::evaluate::{self, Options};
use crate::render;
use crate::solve;
use crate::text::{Message, UsageWhat};

pub fn run(config: &Config, job: &ExplainJob, out: &mut Output, err: &mut dyn Write) -> u8 {
    let Some(ws) = Workspace::load(config, err) else { return INVALID };
    let asked_ruleset: Vec<String> = job.ruleset.iter().cloned().collect();
    if let Err(m) =
        check_known(std::slice::from_ref(&job.entity), ws.entity_ids(), &ws.entity_labels(), UsageWhat::Entity)
            .and_then(|()| check_known(&asked_ruleset, ws.ruleset_ids(), &ws.ruleset_labels(), UsageWhat::RuleSet))
    {
        return usage_in(err, &m, config.lang);
    }
    let model = &ws.model;
    let Some(ent) = model.entities.iter().find(|e| e.id == job.entity) else {
        return usage_in(err, &Message::UnknownEntity { id: job.entity.clone() }, config.lang);
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
            let hint = did_you_mean(rule, ids).map(str::to_string);
            let m = Message::NoRuleFor { rule: rule.clone(), entity: entity.clone(), hint };
            return usage_in(err, &m, config.lang);
        }
        many => {
            let rulesets = many.iter().map(|r| r.id.clone()).collect();
            return usage_in(err, &Message::RuleInSeveral { rule: rule.clone(), rulesets }, config.lang);
        }
    };
    let Some(p) = job.period.as_deref().or(rs.period.as_deref()) else {
        return usage_in(err, &Message::NoPeriod { ruleset: rs.id.clone() }, config.lang);
    };
    if let Err(m) = super::eval::as_of_fits(job.as_of, p, &rs.id) {
        return usage_in(err, &m, config.lang);
    }
    let plan = Plan::new(model, &[p]);
    let Some(prs) = plan.ruleset(&rs.id) else {
        let m = Message::UsageUnknown { what: UsageWhat::RuleSet, id: rs.id.clone(), hint: None };
        return usage_in(err, &m, config.lang);
    };
    let mut engine = Engine::new(&plan);
    engine.set_entity(ent);
    let mut evaluation = evaluate::evaluate(&mut engine, ent, prs, p, &Options { as_of: job.as_of, trace: true });
    solve::fill_needs(&mut engine, prs, &mut evaluation);
    let Some(result) = evaluation.rules.iter().find(|r| r.rule.id == *rule) else {
        return usage_in(err, &Message::NoRule { rule: rule.clone() }, config.lang);
    };
    let text = render::explain::render(model, &evaluation, result, config.lang);
    // On a terminal, long lines (a formula, the arithmetic) wrap at words.
    let text = render::table::wrap_lines(&text, config.width, 4);
    let _ = out.write_all(text.as_bytes());
    OK
}
