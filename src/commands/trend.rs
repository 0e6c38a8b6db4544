//! `kaohe trend ENTITY [METRIC]...` and `kaohe compare --metric ID`.

use std::io::Write;

use super::{INVALID, OK, Output, Workspace, check_known, usage_in};
use crate::config::{CompareJob, Config, TrendJob};
use crate::evaluate::plan::Plan;
use crate::model::Entity;
use crate::render;
use crate::text::{Message, UsageWhat};
use crate::trend;

pub fn trend(config: &Config, job: &TrendJob, out: &mut Output, err: &mut dyn Write) -> u8 {
    let Some(ws) = Workspace::load(config, err) else { return INVALID };
    if let Err(m) =
        check_known(std::slice::from_ref(&job.entity), ws.entity_ids(), &ws.entity_labels(), UsageWhat::Entity)
            .and_then(|()| check_known(&job.metrics, ws.metric_ids(), &ws.metric_labels(), UsageWhat::Metric))
    {
        return usage_in(err, &m, config.lang);
    }
    let model = &ws.model;
    let Some(ent) = model.entities.iter().find(|e| e.id == job.entity) else {
        return usage_in(err, &Message::UnknownEntity { id: job.entity.clone() }, config.lang);
    };
    let plan = Plan::new(model, &[]);
    let series = trend::trend(&plan, ent, &job.metrics);
    if job.bom {
        let _ = out.write_all(render::csv::BOM.as_bytes());
    }
    let _ = out.write_all(render::trend::trend(model, ent, &series, job.format, config.lang, config.width).as_bytes());
    OK
}

pub fn compare(config: &Config, job: &CompareJob, out: &mut Output, err: &mut dyn Write) -> u8 {
    let Some(ws) = Workspace::load(config, err) else { return INVALID };
    if let Err(m) =
        check_known(std::slice::from_ref(&job.metric), ws.metric_ids(), &ws.metric_labels(), UsageWhat::Metric)
            .and_then(|()| check_known(&job.entities, ws.entity_ids(), &ws.entity_labels(), UsageWhat::Entity))
    {
        return usage_in(err, &m, config.lang);
    }
    let model = &ws.model;
    let chosen: Vec<&Entity> = model
        .entities
        .iter()
        .filter(|e| job.entities.is_empty() || job.entities.contains(&e.id))
        .filter(|e| job.kinds.is_empty() || e.kind.as_ref().is_some_and(|k| job.kinds.contains(k)))
        .collect();
    let plan = Plan::new(model, job.period.as_slice().iter().map(String::as_str).collect::<Vec<_>>().as_slice());
    let metric = &job.metric;
    let Some(period) = job.period.clone().or_else(|| trend::latest_year(&plan, &chosen, metric)) else {
        return usage_in(err, &Message::NoYearFor { metric: metric.clone() }, config.lang);
    };
    let comparison = trend::compare(&plan, &chosen, metric, &period);
    if job.bom {
        let _ = out.write_all(render::csv::BOM.as_bytes());
    }
    let _ = out.write_all(render::trend::compare(model, &comparison, job.format, config.lang, config.width).as_bytes());
    OK
}
