//! `kaohe template`: the form an office fills in (CONTRACT §6). Select the pairs as
//! `eval` does, find what their evaluation reads (`crate::template`), lay it out and
//! write it atomically to `--output` (or the CSV form to stdout with `--output -`).

use std::io::Write;
use std::path::PathBuf;

use super::{INVALID, OK, Output, Workspace, check_known, usage_in};
use crate::config::{Config, FormFormat, TemplateJob};
use crate::evaluate::plan::Plan;
use crate::output_file;
use crate::template::{Form, Pair, write};
use crate::text::{self, Message, UsageWhat};

pub fn run(config: &Config, job: &TemplateJob, out: &mut Output, err: &mut dyn Write) -> u8 {
    let Some(ws) = Workspace::load(config, err) else { return INVALID };
    let lang = config.lang;
    if let Err(m) = check_known(&job.selection.entities, ws.entity_ids(), &ws.entity_labels(), UsageWhat::Entity)
        .and_then(|()| check_known(&job.selection.rulesets, ws.ruleset_ids(), &ws.ruleset_labels(), UsageWhat::RuleSet))
    {
        return usage_in(err, &m, lang);
    }
    if let Some(path) = &job.output
        && output_file::names_an_input(path, ws.inputs.iter().map(PathBuf::as_path))
    {
        return usage_in(err, &Message::FormIsInput { path: path.display().to_string() }, lang);
    }
    let model = &ws.model;
    let plan = Plan::new(model, job.period.as_slice().iter().map(String::as_str).collect::<Vec<_>>().as_slice());
    let chosen = |list: &[String], id: &str| list.is_empty() || list.iter().any(|x| x == id);
    let mut pairs = Vec::new();
    for entity in &model.entities {
        if !chosen(&job.selection.entities, &entity.id) {
            continue;
        }
        for rs in &plan.rulesets {
            if !chosen(&job.selection.rulesets, &rs.ruleset.id) || !rs.ruleset.applies_to.matches(entity) {
                continue;
            }
            let Some(period) = job.period.as_deref().or(rs.ruleset.period.as_deref()) else {
                return usage_in(err, &Message::NoPeriod { ruleset: rs.ruleset.id.clone() }, lang);
            };
            pairs.push(Pair { entity, ruleset: rs, period: period.to_string() });
        }
    }
    if pairs.is_empty() {
        let _ = writeln!(err, "{}", text::form_nothing_selected(config.lang));
    }
    let form = Form::new(&plan, &pairs, config.today);

    let Some(path) = &job.output else {
        let _ = out.write_all(&write::csv(&form, write::CsvTo::Stdout));
        return OK;
    };
    let bytes = match job.format {
        FormFormat::Csv => write::csv(&form, write::CsvTo::File),
        FormFormat::Xlsx => match write::xlsx(&form) {
            Ok(b) => b,
            Err(e) => return usage_in(err, &Message::CannotBuildWorkbook { error: e.to_string() }, lang),
        },
    };
    let shown = path.display().to_string();
    let data_dirs: Vec<PathBuf> =
        if config.paths.data.is_empty() { vec![PathBuf::from("data")] } else { config.paths.data.clone() };
    if output_file::is_inside(path, &data_dirs) {
        let _ = writeln!(err, "{}", text::form_in_data_folder(&shown, config.lang));
    }
    if let Err(e) = output_file::write_atomic(path, &bytes) {
        return usage_in(err, &e, lang);
    }
    let _ = writeln!(err, "{}", text::form_written(&shown, form.rows.len(), form.columns.len(), config.lang));
    OK
}
