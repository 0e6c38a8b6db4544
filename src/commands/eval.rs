//! `kaohe eval`: every selected (entity, rule set) pair, evaluated in parallel and
//! written in the contract's order (entity id, then rule set id).
//!
//! Entities go to the worker threads in chunks; each worker evaluates its entity's
//! rule sets with its own value table and renders them into a buffer, and the buffers
//! are written in order, so the output is the same byte for byte on one core or many.
//! Only a chunk's buffers are held at once, never the whole run's results.

use std::io::Write;

use rayon::prelude::{IntoParallelRefIterator, ParallelIterator};

use super::{INVALID, NOT_PASSED, OK, Output, Workspace, check_known, usage_in};
use crate::cli::Format;
use crate::config::{Config, EvalJob};
use crate::evaluate::engine::Engine;
use crate::evaluate::plan::{Plan, PlanRuleSet};
use crate::evaluate::{self, Options, Verdict};
use crate::model::Entity;
use crate::render::{self, Emitter};
use crate::report::{Section, Summary, SummaryEntry};
use crate::solve;
use crate::text::{Message, UsageWhat};

/// Entities per chunk: enough to keep every thread busy, few enough to bound memory
/// (a national entity renders about 80 KB of json; 256 a chunk held 20 MB of it).
const CHUNK: usize = 16;

/// One entity with the rule sets it is evaluated against, and the index of its
/// first section in the whole output.
struct Work<'p, 'm> {
    entity: &'m Entity,
    rulesets: Vec<&'p PlanRuleSet<'m>>,
    first: usize,
}

/// What one entity produced: its rendered sections and its summary lines.
struct Done<'m> {
    text: Vec<u8>,
    summary: Vec<SummaryEntry<'m>>,
    passed: bool,
}

pub fn run(config: &Config, job: &EvalJob, out: &mut Output, err: &mut dyn Write) -> u8 {
    let Some(ws) = Workspace::load(config, err) else { return INVALID };
    if let Err(m) = check_known(&job.selection.entities, ws.entity_ids(), &ws.entity_labels(), UsageWhat::Entity)
        .and_then(|()| check_known(&job.selection.rulesets, ws.ruleset_ids(), &ws.ruleset_labels(), UsageWhat::RuleSet))
    {
        return usage_in(err, &m, config.lang);
    }
    let model = &ws.model;
    let plan = Plan::new(model, job.period.as_slice().iter().map(String::as_str).collect::<Vec<_>>().as_slice());
    let work = match select(&plan, job) {
        Ok(w) => w,
        Err(m) => return usage_in(err, &m, config.lang),
    };
    if work.is_empty() && !config.quiet {
        let lang = config.lang;
        let _ = writeln!(err, "{}{}", crate::text::notice_label(lang), Message::NothingToEvaluate.word(lang));
    }
    if !config.quiet {
        warn_unfinished_years(&work, job, config, err);
    }
    let emitter = render::emitter(job.format, config.lang, config.width, config.today);
    let options = Options { as_of: job.as_of, trace: false };
    let pool = match crate::workers::pool() {
        Ok(pool) => pool,
        Err(e) => return usage_in(err, &Message::CannotStartThreads { error: e.to_string() }, config.lang),
    };

    if job.bom {
        let _ = out.write_all(render::csv::BOM.as_bytes());
    }
    let _ = emitter.begin(out);
    let mut summary: Vec<SummaryEntry> = Vec::new();
    let mut passed = true;
    let mut sections = 0;
    for chunk in work.chunks(CHUNK) {
        let done: Vec<Done> = pool.install(|| {
            chunk
                .par_iter()
                .map_init(
                    || Engine::new(&plan),
                    |engine, w| entity(engine, w, &*emitter, &options, job.period.as_deref(), job.format),
                )
                .collect()
        });
        for d in done {
            let _ = out.write_all(&d.text);
            passed &= d.passed;
            if emitter.shows_summary() {
                summary.extend(d.summary);
            }
        }
        sections = chunk.last().map_or(sections, |w| w.first + w.rulesets.len());
        // Nobody reads on: the rest matters only for the exit code of --strict.
        if out.closed() && (!job.strict || !passed) {
            break;
        }
    }
    let summary = if emitter.shows_summary() { Summary::new(&summary) } else { None };
    let _ = emitter.finish(out, sections, summary.as_ref());
    if job.strict && !passed { NOT_PASSED } else { OK }
}

/// The pairs to evaluate, grouped by entity, in the contract's order; an error when a
/// rule set has no period to evaluate.
fn select<'p, 'm>(plan: &'p Plan<'m>, job: &EvalJob) -> Result<Vec<Work<'p, 'm>>, Message> {
    let chosen = |list: &[String], id: &str| list.is_empty() || list.iter().any(|x| x == id);
    let mut work = Vec::new();
    let mut first = 0;
    for entity in &plan.model.entities {
        if !chosen(&job.selection.entities, &entity.id) {
            continue;
        }
        let mut rulesets = Vec::new();
        for rs in &plan.rulesets {
            if !chosen(&job.selection.rulesets, &rs.ruleset.id) || !rs.ruleset.applies_to.matches(entity) {
                continue;
            }
            let Some(period) = job.period.as_deref().or(rs.ruleset.period.as_deref()) else {
                return Err(Message::NoPeriod { ruleset: rs.ruleset.id.clone() });
            };
            as_of_fits(job.as_of, period, &rs.ruleset.id)?;
            rulesets.push(rs);
        }
        if !rulesets.is_empty() {
            let n = rulesets.len();
            work.push(Work { entity, rulesets, first });
            first += n;
        }
    }
    Ok(work)
}

/// A warning for each period that is a calendar year not over yet (by `today`) and is
/// evaluated without an `as_of`: its figures would be judged as a whole year's, and a
/// plan on pace would read as failed. One line per period, naming the entities.
fn warn_unfinished_years(work: &[Work], job: &EvalJob, config: &Config, err: &mut dyn Write) {
    let Some(today) = config.today else { return };
    if job.as_of.is_some() {
        return;
    }
    let mut unfinished: std::collections::BTreeMap<&str, Vec<&str>> = std::collections::BTreeMap::new();
    for w in work {
        for rs in &w.rulesets {
            let period = job.period.as_deref().or(rs.ruleset.period.as_deref()).unwrap_or_default();
            let open = crate::model::is_year(period) && period.parse::<i32>().is_ok_and(|y| y >= today.year);
            let dated = w.entity.periods.get(period).is_some_and(|p| p.as_of.is_some());
            if open && !dated {
                let names = unfinished.entry(period).or_default();
                if names.last() != Some(&w.entity.id.as_str()) {
                    names.push(&w.entity.id);
                }
            }
        }
    }
    for (period, ids) in unfinished {
        let m = Message::UnfinishedYear {
            period: crate::text::shown(period).into_owned(),
            today,
            count: ids.len(),
            entities: ids.iter().take(5).map(|id| id.to_string()).collect(),
        };
        let _ = writeln!(err, "{}{}", crate::text::warning_label(config.lang), m.word(config.lang));
    }
}

/// `--as-of` must lie inside the year of every period it is applied to (CONTRACT §7).
pub fn as_of_fits(as_of: Option<crate::model::Date>, period: &str, ruleset: &str) -> Result<(), Message> {
    match as_of {
        Some(d) if crate::model::is_year(period) && period.parse() != Ok(d.year) => {
            Err(Message::AsOfOutside { date: d.to_string(), period: period.to_string(), ruleset: ruleset.to_string() })
        }
        _ => Ok(()),
    }
}

/// Evaluate one entity against its rule sets and render the sections.
fn entity<'m>(
    engine: &mut Engine<'_, 'm>,
    w: &Work<'_, 'm>,
    emitter: &dyn Emitter,
    options: &Options,
    period: Option<&str>,
    format: Format,
) -> Done<'m> {
    engine.set_entity(w.entity);
    // JSON and CSV read the evaluation, not the rows the tables are drawn from.
    let rows = !matches!(format, Format::Json | Format::Csv);
    let mut done = Done { text: Vec::new(), summary: Vec::with_capacity(w.rulesets.len()), passed: true };
    for (i, rs) in w.rulesets.iter().enumerate() {
        let p = period.or(rs.ruleset.period.as_deref()).unwrap_or_default();
        let mut e = evaluate::evaluate(engine, w.entity, rs, p, options);
        if emitter.shows_needs() {
            solve::fill_needs(engine, rs, &mut e);
        }
        done.passed &= e.verdict == Verdict::Pass;
        done.summary.push(SummaryEntry::of(&e));
        let section = if rows { Section::new(engine.plan().model, &e) } else { Section::bare(&e) };
        let _ = emitter.section_to_vec(&mut done.text, &section, w.first + i);
        // Room for the rest at the size of those so far: one allocation, not a
        // doubling (and copy) for each.
        let rest = w.rulesets.len() - i - 1;
        if rest > 0 {
            done.text.reserve(done.text.len() / (i + 1) * rest);
        }
    }
    done
}
