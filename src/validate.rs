//! Validation: turn the raw files into the checked [`Model`] in one pass that collects
//! every problem — unknown ids (with "did you mean"), units that do not convert,
//! derived metrics in data, formula cycles (named in full, `a -> b -> a`), duplicate
//! ids, empty rule sets.

use std::collections::{BTreeMap, HashMap, HashSet};

use rust_decimal::Decimal;

use crate::diagnostic::{
    Candidates, Diagnostic, Loc, Sources, WarningKind, did_you_mean_message, is_near_miss, look_alike_letters,
};
use crate::expr::{Expr, PeriodRef};
use crate::load::raw::{RawCatalog, RawEntity, RawExtra, RawFormula, RawRuleSet, RawTarget};
use crate::load::{Entry, Loaded};
use crate::model::{
    Actual, Better, Catalog, Entity, Figure, FigureExtra, Figures, Formula, Group, Keys, Measure, Metric, Model,
    Period, Periods, Quotes, Rule, RuleSet, Scoring, Step, Target, WHOLE_UNITS, unit_factor,
};
use crate::text::{IdKind, Message};

/// Check everything; problems go to `diags`. The model is complete only when no
/// error was pushed. Takes what [`crate::load::load`] gives (entities of TOML data
/// files already validated one by one as they were read) or a [`crate::load::RawWorkspace`].
pub fn validate(loaded: impl Into<Loaded>, sources: &Sources, diags: &mut Vec<Diagnostic>) -> Model {
    let Loaded { raw, catalog: checked, entities: entries, quotes } = loaded.into();
    let catalog = checked.unwrap_or_else(|| check_catalog(raw.catalog.as_ref(), sources, diags));
    let selected = Selected::by(&raw.rulesets, &entries);
    let names = metric_names(&catalog);
    suggest_ids_for_labels(diags, &names);
    let entities = entities(entries, &catalog, &names, &selected, &quotes, diags);
    let rulesets = rulesets(&raw.rulesets, &catalog, &entities, sources, diags);
    crate::diagnostic::limit_per_file(diags, sources);
    Model { catalog, entities, rulesets }
}

/// The catalog checked (an empty one, not `present`, when there is none).
pub fn check_catalog(raw: Option<&RawCatalog>, sources: &Sources, diags: &mut Vec<Diagnostic>) -> Catalog {
    match raw {
        Some(c) => catalog(c, sources, diags),
        None => Catalog::default(),
    }
}

/// Tests: the checked model of a catalog, one rule set and one entity, each a TOML
/// text, which must give no error.
#[cfg(test)]
pub(crate) fn model_from_toml(catalog: &str, rules: &str, data: &str) -> Model {
    let mut sources = crate::diagnostic::Sources::default();
    let mut diags = Vec::new();
    let c = sources.add("metrics.toml".into(), catalog.into());
    let r = sources.add("rules.toml".into(), rules.into());
    let d = sources.add("city.toml".into(), data.into());
    let raw = crate::load::RawWorkspace {
        catalog: crate::load::raw::catalog(&sources, c, &mut diags),
        rulesets: crate::load::raw::ruleset(&sources, r, &mut diags).into_iter().collect(),
        entities: crate::load::raw::entity(&sources, d, &mut diags).into_iter().collect(),
    };
    let model = validate(raw, &sources, &mut diags);
    let errors: Vec<String> = diags.iter().filter(|d| d.is_error()).map(|d| d.render(&sources)).collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    model
}

/// A metric written by its label where an id belongs (`专利申请量 = 16000` in a data
/// file) is not a valid id, found before the catalog was read: now that it is, such
/// an error suggests the id the label names.
fn suggest_ids_for_labels(diags: &mut [Diagnostic], names: &Candidates) {
    for d in diags.iter_mut().filter(|d| d.help.is_none()) {
        if let Message::InvalidId { what: IdKind::Metric, id, .. } = &d.kind
            && let Some(found) = names.labelled(id)
        {
            d.help = Some(Message::DidYouMean { word: found.to_string() });
        }
    }
}

/// "unknown metric", with a suggestion among `names` (found only if it is printed);
/// nothing when there is no catalog at all.
fn unknown_metric(loc: Loc, id: &str, catalog: &Catalog, names: &Candidates) -> Option<Diagnostic> {
    if !catalog.present {
        return None;
    }
    let d = Diagnostic::error(loc, Message::UnknownMetric { id: id.to_string() });
    Some(d.suggest_or(id, names, Some(Message::EveryMetricDeclared)))
}

/// The catalog's metric ids, for suggestions.
pub fn metric_names(catalog: &Catalog) -> Candidates {
    metric_candidates(catalog)
}

/// The catalog's metric ids, and their `name` and `en` labels (a metric written by
/// its Chinese name suggests its id).
pub fn metric_candidates(catalog: &Catalog) -> Candidates {
    let labels = catalog.metrics.values().flat_map(|m| {
        [m.name.as_deref(), m.en.as_deref()].into_iter().flatten().map(|l| (l.trim().to_string(), m.id.clone()))
    });
    Candidates::new(catalog.metrics.keys().cloned()).with_labels(labels.collect::<Vec<_>>())
}

/// The entity ids, and their names (`绵竹市` suggests `mianzhu`).
pub fn entity_candidates(entities: &[Entity]) -> Candidates {
    let labels: Vec<(String, String)> =
        entities.iter().filter_map(|e| e.name.as_ref().map(|n| (n.trim().to_string(), e.id.clone()))).collect();
    Candidates::new(entities.iter().map(|e| e.id.clone())).with_labels(labels)
}

/// `key = "text"` where text is none of `allowed`: an error with "did you mean".
fn bad_word(loc: &Loc, key: &str, text: &str, allowed: &[&str]) -> Diagnostic {
    let d = Diagnostic::error(
        loc.clone(),
        Message::BadWord {
            key: key.to_string(),
            text: text.to_string(),
            allowed: allowed.iter().map(|a| a.to_string()).collect(),
        },
    );
    match did_you_mean_message(text, allowed.iter().copied()) {
        Some(s) => d.with_help(s),
        None => d,
    }
}

fn formula(raw: &RawFormula) -> Formula {
    Formula { text: raw.text.clone(), expr: raw.expr.clone() }
}

// ---------------------------------------------------------------------------

fn catalog(raw: &RawCatalog, sources: &Sources, diags: &mut Vec<Diagnostic>) -> Catalog {
    let mut metrics = BTreeMap::new();
    for m in &raw.metrics {
        let whole = m.whole.unwrap_or_else(|| m.unit.as_deref().is_some_and(|u| WHOLE_UNITS.contains(&u)));
        metrics.insert(
            m.id.clone(),
            Metric {
                id: m.id.clone(),
                name: m.name.clone(),
                en: m.en.clone(),
                unit: m.unit.clone(),
                whole,
                stock: m.stock,
                measure: m.measure.as_ref().and_then(|(text, loc)| {
                    let parsed = Measure::parse(text);
                    if parsed.is_none() {
                        diags.push(bad_word(loc, "measure", text, &["flow", "level", "ratio"]));
                    }
                    parsed
                }),
                better: m.better.as_ref().and_then(|(text, loc)| {
                    let parsed = Better::parse(text);
                    if parsed.is_none() {
                        diags.push(bad_word(loc, "better", text, &["higher", "lower"]));
                    }
                    parsed
                }),
                lever: m.lever.unwrap_or(true),
                formula: m.formula.as_ref().map(formula),
                loc: m.loc.clone(),
            },
        );
    }
    let catalog = Catalog { metrics, present: true };
    let names = metric_names(&catalog);
    for m in &raw.metrics {
        let Some(f) = &m.formula else { continue };
        for (name, _, span) in f.expr.references() {
            if catalog.get(name).is_none() {
                diags.extend(unknown_metric(f.sub_loc(sources, span.start..span.end), name, &catalog, &names));
            }
        }
    }
    if !report_cycles(raw, &catalog, diags) {
        report_depth(raw, &catalog, diags);
    }
    catalog
}

/// How deep derived metrics may build on each other.
pub const MAX_DERIVED_DEPTH: usize = 10_000;

/// Refuse chains of derived metrics deeper than [`MAX_DERIVED_DEPTH`] (only called
/// when there is no cycle, so every walk ends).
fn report_depth(raw: &RawCatalog, catalog: &Catalog, diags: &mut Vec<Diagnostic>) {
    let mut depth: HashMap<&str, usize> = HashMap::new();
    for start in catalog.metrics.keys() {
        let mut stack: Vec<(&str, bool)> = vec![(start.as_str(), false)];
        while let Some((node, expanded)) = stack.pop() {
            if depth.contains_key(node) {
                continue;
            }
            let refs: Vec<&str> = catalog
                .get(node)
                .and_then(|m| m.formula.as_ref())
                .map(|f| {
                    f.expr.references().into_iter().map(|(n, _, _)| n).filter(|n| catalog.get(n).is_some()).collect()
                })
                .unwrap_or_default();
            if expanded {
                // A raw metric is level 0; a derived one sits one above its deepest input.
                let derived = catalog.get(node).is_some_and(|m| m.formula.is_some());
                let d =
                    if derived { 1 + refs.iter().filter_map(|r| depth.get(r)).max().copied().unwrap_or(0) } else { 0 };
                depth.insert(node, d);
            } else {
                stack.push((node, true));
                stack.extend(refs.into_iter().filter(|r| !depth.contains_key(r)).map(|r| (r, false)));
            }
        }
    }
    if let Some((id, d)) = depth.iter().filter(|(_, d)| **d > MAX_DERIVED_DEPTH).max_by_key(|(_, d)| **d) {
        let loc = raw.metrics.iter().find(|m| m.id == *id).map_or(catalog.metrics[*id].loc.clone(), |m| m.loc.clone());
        diags.push(Diagnostic::error(
            loc,
            Message::DerivedDepth { id: id.to_string(), depth: *d, max: MAX_DERIVED_DEPTH },
        ));
    }
}

/// How many formula cycles are reported, and how many metrics of a long cycle are
/// named (the rest are counted).
const MAX_CYCLES: usize = crate::diagnostic::MAX_PER_FILE;
const MAX_CYCLE_SHOWN: usize = 40;

/// Find formula cycles (a metric depending on itself, at any period), in one
/// depth-first search that visits every metric and formula reference once: a
/// reference back to a metric on the current path closes a cycle, found through the
/// metric's place on the path, so the work grows linearly with the catalog. Returns
/// whether there was one.
fn report_cycles(raw: &RawCatalog, catalog: &Catalog, diags: &mut Vec<Diagnostic>) -> bool {
    let deps: HashMap<&str, Vec<&str>> = catalog
        .metrics
        .values()
        .map(|m| {
            let refs = m.formula.as_ref().map(|f| {
                let mut r: Vec<&str> = f.expr.references().into_iter().map(|(n, _, _)| n).collect();
                r.dedup();
                r
            });
            (m.id.as_str(), refs.unwrap_or_default())
        })
        .collect();
    let mut done: HashSet<&str> = HashSet::new();
    // Where each metric on the current path is on it.
    let mut on_path: HashMap<&str, usize> = HashMap::new();
    let mut reported: HashSet<Vec<&str>> = HashSet::new();
    let mut found = false;
    for start in catalog.metrics.keys() {
        if done.contains(start.as_str()) {
            continue;
        }
        // Iterative DFS: formulas may nest deeply, and the stack must not overflow.
        let mut path: Vec<&str> = Vec::new();
        let mut stack: Vec<(&str, usize)> = vec![(start.as_str(), 0)];
        while let Some((node, i)) = stack.pop() {
            if i == 0 {
                on_path.insert(node, path.len());
                path.push(node);
            }
            let next = deps.get(node).and_then(|d| d.get(i)).copied();
            match next {
                None => {
                    path.pop();
                    on_path.remove(node);
                    done.insert(node);
                }
                Some(child) => {
                    stack.push((node, i + 1));
                    if let Some(&pos) = on_path.get(child) {
                        found = true;
                        if reported.len() < MAX_CYCLES {
                            let cycle: Vec<&str> = path[pos..].to_vec();
                            let mut key = cycle.clone();
                            key.sort_unstable();
                            if reported.insert(key) {
                                diags.push(cycle_error(raw, catalog, &cycle));
                            }
                        }
                    } else if !done.contains(child) && catalog.get(child).is_some() {
                        stack.push((child, 0));
                    }
                }
            }
        }
    }
    found
}

/// "formula cycle: a -> b -> a", at the formula of the cycle's first metric; a long
/// cycle shows its first and last metrics and counts the rest.
fn cycle_error(raw: &RawCatalog, catalog: &Catalog, cycle: &[&str]) -> Diagnostic {
    let ids = |s: &[&str]| s.iter().map(|m| m.to_string()).collect::<Vec<String>>();
    let (head, hidden, mut tail) = if cycle.len() <= MAX_CYCLE_SHOWN {
        (ids(cycle), 0, Vec::new())
    } else {
        let half = MAX_CYCLE_SHOWN / 2;
        (ids(&cycle[..half]), cycle.len() - 2 * half, ids(&cycle[cycle.len() - half..]))
    };
    tail.push(cycle[0].to_string());
    let first = raw.metrics.iter().find(|m| m.id == cycle[0]);
    let loc = first
        .and_then(|m| m.formula.as_ref().map(|f| f.loc.clone()))
        .unwrap_or_else(|| catalog.metrics[cycle[0]].loc.clone());
    Diagnostic::error(loc, Message::FormulaCycle { head, hidden, tail })
}

// ---------------------------------------------------------------------------

/// Every entity, in reading order: the near-miss selection warnings, duplicate ids
/// (the first of an id is kept), and the figures of raw entities checked.
fn entities(
    entries: Vec<Entry>,
    catalog: &Catalog,
    names: &Candidates,
    selected: &Selected,
    quotes: &Quotes,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Entity> {
    let mut seen: HashSet<String> = HashSet::new();
    let mut out = Vec::with_capacity(entries.len());
    let keys = MetricKeys::new(catalog);
    for e in entries {
        let labels = e.labels();
        selected.check_entity(&labels, diags);
        if seen.contains(labels.id) {
            diags.push(Diagnostic::error(labels.loc.clone(), Message::EntityTwice { id: labels.id.to_string() }));
            continue;
        }
        seen.insert(labels.id.to_string());
        let checked = match e {
            Entry::Raw(raw) => entity(raw, catalog, &keys, names, quotes),
            Entry::Checked(checked) => checked,
        };
        diags.extend(checked.diags);
        out.push(checked.entity);
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// An entity validated on its own, with what the checks over every entity need: the
/// places of its kind and tags (near-miss warnings), and its problems, reported only
/// if it is not dropped as a duplicate.
#[derive(Debug)]
pub struct Checked {
    pub entity: Entity,
    pub kind_loc: Option<Loc>,
    pub tag_locs: Vec<Loc>,
    pub diags: Vec<Diagnostic>,
}

/// What the checks over every entity read of one entity.
pub struct Labels<'a> {
    pub id: &'a str,
    pub loc: &'a Loc,
    pub kind: Option<&'a str>,
    pub kind_loc: Option<&'a Loc>,
    pub tags: &'a [String],
    pub tag_locs: &'a [Loc],
}

impl Entry {
    pub fn labels(&self) -> Labels<'_> {
        match self {
            Entry::Raw(e) => Labels {
                id: &e.id,
                loc: &e.loc,
                kind: e.kind.as_deref(),
                kind_loc: e.kind_loc.as_ref(),
                tags: &e.tags,
                tag_locs: &e.tag_locs,
            },
            Entry::Checked(c) => Labels {
                id: &c.entity.id,
                loc: &c.entity.loc,
                kind: c.entity.kind.as_deref(),
                kind_loc: c.kind_loc.as_ref(),
                tags: &c.entity.tags,
                tag_locs: &c.tag_locs,
            },
        }
    }
}

/// One entity's figures checked against the catalog: unknown and derived metrics,
/// booleans, units converted. The raw entity is consumed period by period (its texts
/// move into the model), so that a large workspace is not held twice. The same
/// function serves entities streamed from TOML files and those the spreadsheet merge
/// built.
/// The catalog's metric ids as the key table every period shares, with each key's
/// metric: a figure's metric is found by one binary search.
pub struct MetricKeys<'c> {
    keys: Keys,
    metrics: Vec<&'c Metric>,
}

impl<'c> MetricKeys<'c> {
    pub fn new(catalog: &'c Catalog) -> MetricKeys<'c> {
        // The catalog's map is in id order, as the key table is.
        MetricKeys {
            keys: Keys::new(catalog.metrics.keys().map(String::as_str)),
            metrics: catalog.metrics.values().collect(),
        }
    }

    fn get(&self, id: &str) -> Option<(u32, &'c Metric)> {
        let key = self.keys.index(id)?;
        Some((key, self.metrics.get(key as usize)?))
    }
}

pub fn entity(e: RawEntity, catalog: &Catalog, keys: &MetricKeys, names: &Candidates, quotes: &Quotes) -> Checked {
    let quoted = quotes.keeps(&e.id);
    let mut found = Vec::new();
    let diags = &mut found;
    let mut periods = Periods::with_capacity(e.periods.len());
    for p in e.periods {
        let mut figures = Vec::with_capacity(p.values.len());
        for v in p.values {
            let Some((key, metric)) = keys.get(&v.metric) else {
                diags.extend(unknown_metric(v.loc.clone(), &v.metric, catalog, names));
                continue;
            };
            if metric.formula.is_some() {
                diags.push(
                    Diagnostic::error(v.loc.clone(), Message::DerivedReported { metric: v.metric.clone() })
                        .with_help(Message::DerivedReportedHelp),
                );
                continue;
            }
            if metric.is_bool() != v.is_bool && v.value.is_ok() {
                let message = if metric.is_bool() {
                    Message::WantsBool { metric: v.metric.clone() }
                } else {
                    Message::WantsNumber { metric: v.metric.clone() }
                };
                diags.push(Diagnostic::error(v.loc.clone(), message));
                continue;
            }
            let RawExtra { unit, unit_loc, source, note } = v.extra.map(|b| *b).unwrap_or_default();
            let factor = match (&unit, &metric.unit) {
                (None, _) => Decimal::ONE,
                (Some(u), Some(mu)) => match unit_factor(u, mu) {
                    Some(f) => f,
                    None => {
                        diags.push(
                            Diagnostic::error(
                                unit_loc.clone().unwrap_or(v.loc.clone()),
                                Message::UnitDoesNotConvert {
                                    unit: u.clone(),
                                    to: mu.clone(),
                                    metric: v.metric.clone(),
                                },
                            )
                            .with_help(Message::UnitHelp),
                        );
                        continue;
                    }
                },
                (Some(u), None) => {
                    diags.push(Diagnostic::error(
                        unit_loc.clone().unwrap_or(v.loc.clone()),
                        Message::UnitWithoutMetricUnit { unit: u.clone(), metric: v.metric.clone() },
                    ));
                    continue;
                }
            };
            let value = match &v.value {
                Ok(d) => match d.checked_mul(factor) {
                    Some(x) => Ok(x),
                    None => {
                        diags.push(Diagnostic::error(v.loc.clone(), Message::TooLargeConverted));
                        continue;
                    }
                },
                Err(reason) => Err(reason.clone()),
            };
            let written = match (v.value.as_ref(), unit) {
                (Ok(d), Some(u)) if factor != Decimal::ONE => Some((*d, u)),
                _ => None,
            };
            let (source, note) = if quoted { (source, note) } else { (None, None) };
            let extra = FigureExtra { missing: None, written, source, note };
            figures.push((key, Figure::new(value, v.qualifier, extra)));
        }
        let figures = Figures::with_keys(&keys.keys, figures);
        periods.insert(Period { id: p.id, as_of: p.as_of, figures });
    }
    let entity = Entity { id: e.id, name: e.name, kind: e.kind, tags: e.tags, periods, loc: e.loc };
    Checked { entity, kind_loc: e.kind_loc, tag_locs: e.tag_locs, diags: found }
}

// ---------------------------------------------------------------------------
// Selection: `applies_to` values that select nothing, and entities that a near miss
// leaves out (a `kind = "prefecturе"` with a Cyrillic `е`).

/// The kinds and tags rule sets select and some entity has, with the first rule set
/// selecting each. (A value no entity has is the rule set's problem, reported there.)
struct Selected {
    kinds: BTreeMap<String, String>,
    tags: BTreeMap<String, String>,
}

impl Selected {
    fn by(rulesets: &[RawRuleSet], entities: &[Entry]) -> Self {
        let kinds: HashSet<&str> = entities.iter().filter_map(|e| e.labels().kind).collect();
        let tags: HashSet<&str> = entities.iter().flat_map(|e| e.labels().tags.iter().map(String::as_str)).collect();
        let mut out = Selected { kinds: BTreeMap::new(), tags: BTreeMap::new() };
        for rs in rulesets {
            for k in rs.applies_to.kinds.iter().flatten().filter(|k| kinds.contains(k.as_str())) {
                out.kinds.entry(k.clone()).or_insert_with(|| rs.id.clone());
            }
            for t in rs.applies_to.tags.iter().flatten().filter(|t| tags.contains(t.as_str())) {
                out.tags.entry(t.clone()).or_insert_with(|| rs.id.clone());
            }
        }
        out
    }

    /// Warn when an entity's kind or tag is not one a rule set selects but a near
    /// miss of one (CONTRACT §7 says nothing may drop an entity silently).
    fn check_entity(&self, e: &Labels, diags: &mut Vec<Diagnostic>) {
        let near = |word: &str, names: &BTreeMap<String, String>| -> Option<(String, String)> {
            if names.contains_key(word) {
                return None;
            }
            names.iter().find(|(n, _)| is_near_miss(word, n)).map(|(n, rs)| (n.clone(), rs.clone()))
        };
        let mut warn = |what: &str, word: &str, loc: Option<&Loc>, (name, rs): (String, String)| {
            let message = Message::NearSelection(Box::new(crate::text::NearSelection {
                what: what.to_string(),
                word: word.to_string(),
                name: name.clone(),
                ruleset: rs.clone(),
                entity: e.id.to_string(),
            }));
            let notes = look_alike_letters(word);
            let help = if notes.is_empty() {
                Message::DidYouMean { word: name }
            } else {
                Message::LooksLike { word: name, notes }
            };
            let loc = loc.cloned().unwrap_or_else(|| e.loc.clone());
            diags.push(Diagnostic::warning(loc, message).with_help(help));
        };
        if let Some(kind) = e.kind
            && let Some(hit) = near(kind, &self.kinds)
        {
            warn("kind", kind, e.kind_loc, hit);
        }
        for (i, tag) in e.tags.iter().enumerate() {
            if let Some(hit) = near(tag, &self.tags) {
                warn("tag", tag, e.tag_locs.get(i), hit);
            }
        }
    }
}

/// The entity ids, kinds and tags the data define.
struct Known<'a> {
    ids: HashSet<&'a str>,
    /// Entity names to their ids.
    names: HashMap<&'a str, &'a str>,
    kinds: HashSet<&'a str>,
    tags: HashSet<&'a str>,
}

impl<'a> Known<'a> {
    fn of(entities: &'a [Entity]) -> Self {
        let mut known =
            Known { ids: HashSet::new(), names: HashMap::new(), kinds: HashSet::new(), tags: HashSet::new() };
        for e in entities {
            known.ids.insert(&e.id);
            if let Some(name) = &e.name {
                known.names.insert(name.trim(), &e.id);
            }
            known.kinds.extend(e.kind.as_deref());
            known.tags.extend(e.tags.iter().map(String::as_str));
        }
        known
    }

    /// Warn about each `applies_to` value that no entity has.
    fn check_applies_to(&self, rs: &RawRuleSet, diags: &mut Vec<Diagnostic>) {
        let lists = [
            ("entities", &rs.applies_to.entities, &rs.applies_locs.entities, &self.ids, WarningKind::UnknownEntity),
            ("kinds", &rs.applies_to.kinds, &rs.applies_locs.kinds, &self.kinds, WarningKind::UnknownKind),
            ("tags", &rs.applies_to.tags, &rs.applies_locs.tags, &self.tags, WarningKind::UnknownTag),
        ];
        for (key, values, locs, have, kind) in lists {
            for (i, value) in values.iter().flatten().enumerate() {
                if have.contains(value.as_str()) {
                    continue;
                }
                let loc = locs.get(i).cloned().unwrap_or_else(|| rs.loc.clone());
                let mut d =
                    Diagnostic::warning(loc, Message::AppliesToNone { key: key.to_string(), value: value.clone() })
                        .of_kind(kind, value);
                let mut candidates: Vec<&str> = have.iter().copied().collect();
                candidates.sort_unstable();
                // An entity written by its name (`绵竹市`) suggests its id.
                let named = (key == "entities").then(|| self.names.get(value.trim())).flatten();
                let near = named.map(|id| Message::DidYouMean { word: id.to_string() }).or_else(|| {
                    candidates.iter().find(|h| is_near_miss(value, h)).map(|h| {
                        let notes = look_alike_letters(h);
                        if notes.is_empty() {
                            Message::DidYouMean { word: h.to_string() }
                        } else {
                            Message::DataLookAlike { word: h.to_string(), notes }
                        }
                    })
                });
                if let Some(s) = near.or_else(|| did_you_mean_message(value, candidates.iter().copied())) {
                    d = d.with_help(s);
                }
                diags.push(d);
            }
        }
    }
}

// ---------------------------------------------------------------------------

fn rulesets(
    raw: &[RawRuleSet],
    catalog: &Catalog,
    entities: &[Entity],
    sources: &Sources,
    diags: &mut Vec<Diagnostic>,
) -> Vec<RuleSet> {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut out = Vec::new();
    let known = Known::of(entities);
    let names = metric_names(catalog);
    for rs in raw {
        if !seen.insert(&rs.id) {
            diags.push(Diagnostic::error(rs.loc.clone(), Message::RuleSetTwice { id: rs.id.clone() }));
            continue;
        }
        out.push(ruleset(rs, catalog, &names, &known, sources, diags));
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

fn ruleset(
    rs: &RawRuleSet,
    catalog: &Catalog,
    names: &Candidates,
    known: &Known,
    sources: &Sources,
    diags: &mut Vec<Diagnostic>,
) -> RuleSet {
    let mut params = BTreeMap::new();
    for (id, value, loc) in &rs.params {
        if catalog.get(id).is_some() {
            diags.push(Diagnostic::error(loc.clone(), Message::ParamIsMetric { id: id.clone() }));
        }
        params.insert(id.clone(), *value);
    }
    known.check_applies_to(rs, diags);
    if rs.rules.is_empty() {
        diags.push(
            Diagnostic::error(rs.loc.clone(), Message::NoRules { ruleset: rs.id.clone() })
                .with_help(Message::NoRulesHelp),
        );
    }
    let with_params = names.and(&Candidates::new(params.keys().cloned()));
    let check_refs = |f: &RawFormula, diags: &mut Vec<Diagnostic>| {
        for (name, period, span) in f.expr.references() {
            let loc = f.sub_loc(sources, span.start..span.end);
            if params.contains_key(name) {
                if *period != PeriodRef::Current {
                    diags.push(Diagnostic::error(loc, Message::ParamHasNoPeriods { id: name.to_string() }));
                }
            } else if catalog.get(name).is_none() {
                diags.extend(unknown_metric(loc, name, catalog, &with_params));
            }
        }
    };
    let mut rule_ids: HashSet<&str> = HashSet::new();
    let mut rules = Vec::new();
    let mut groups: Vec<Group> = Vec::new();
    for r in &rs.rules {
        if !rule_ids.insert(&r.id) {
            diags.push(Diagnostic::error(
                r.loc.clone(),
                Message::RuleTwice { rule: r.id.clone(), ruleset: rs.id.clone() },
            ));
            continue;
        }
        let actual = match (&r.metric, &r.expr) {
            (Some((m, loc)), _) => {
                if catalog.get(m).is_none() {
                    diags.extend(unknown_metric(loc.clone(), m, catalog, names));
                }
                Actual::Metric(m.clone())
            }
            (None, Some(f)) => {
                check_refs(f, diags);
                Actual::Expr(formula(f))
            }
            (None, None) => continue,
        };
        let mut steps = Vec::new();
        for (t, points) in &r.steps {
            check_refs(t, diags);
            steps.push(Step { threshold: formula(t), points: *points });
        }
        let scoring = match r.scoring.as_str() {
            "linear" => Scoring::Linear,
            "steps" => Scoring::Steps(steps),
            _ => Scoring::All,
        };
        let target = match &r.target {
            Some(RawTarget::Value(f)) => {
                check_refs(f, diags);
                Target::Value { formula: formula(f), is_bool: false }
            }
            Some(RawTarget::Bool(b, _)) => {
                let d = Decimal::from(u8::from(*b));
                Target::Value { formula: Formula { text: b.to_string(), expr: Expr::Num(d) }, is_bool: true }
            }
            Some(RawTarget::Between(low, high)) => {
                check_refs(low, diags);
                check_refs(high, diags);
                Target::Between(formula(low), formula(high))
            }
            None => match &scoring {
                // Without a target, a steps rule is met at its least demanding step,
                // the one worth the fewest points.
                Scoring::Steps(steps) if !steps.is_empty() => {
                    let pick = steps.iter().min_by_key(|s| s.points);
                    match pick {
                        Some(s) => Target::Value { formula: s.threshold.clone(), is_bool: false },
                        None => continue,
                    }
                }
                _ => continue,
            },
        };
        let weight = match (&scoring, r.weight) {
            (_, Some(w)) => w,
            (Scoring::Steps(steps), None) => steps.iter().map(|s| s.points).max().unwrap_or(Decimal::ZERO),
            (_, None) => Decimal::ONE,
        };
        if let Some(g) = &r.group
            && !groups.iter().any(|x| &x.name == g)
        {
            groups.push(Group { name: g.clone(), min_score: None });
        }
        rules.push(Rule {
            id: r.id.clone(),
            name: r.name.clone(),
            group: r.group.clone(),
            actual,
            op: r.op,
            target,
            weight,
            scoring,
            veto: r.veto,
            bonus: r.bonus,
            loc: r.loc.clone(),
        });
    }
    for (name, min, loc) in &rs.groups {
        match groups.iter_mut().find(|g| &g.name == name) {
            Some(g) => g.min_score = *min,
            None => {
                diags.push(
                    Diagnostic::warning(loc.clone(), Message::GroupUnused { group: name.to_string() })
                        .of_kind(WarningKind::UnusedGroup, name),
                );
                groups.push(Group { name: name.clone(), min_score: *min });
            }
        }
    }
    RuleSet {
        id: rs.id.clone(),
        name: rs.name.clone(),
        period: rs.period.clone(),
        applies_to: rs.applies_to.clone(),
        pass_score: rs.pass_score,
        params,
        groups,
        rules,
        loc: rs.loc.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::{RawWorkspace, raw};

    fn catalog_errors(text: &str) -> Vec<String> {
        let mut sources = Sources::default();
        let mut diags = Vec::new();
        let id = sources.add("metrics.toml".into(), text.into());
        let raw = RawWorkspace { catalog: raw::catalog(&sources, id, &mut diags), ..RawWorkspace::default() };
        validate(raw, &sources, &mut diags);
        diags.iter().filter(|d| d.is_error()).map(|d| d.message.clone()).collect()
    }

    #[test]
    fn cycles_are_named_in_full_even_across_periods() {
        let errors = catalog_errors(
            "[metric.a]\nformula = \"b + 1\"\n[metric.b]\nformula = \"c@prev\"\n[metric.c]\nformula = \"a * 2\"\n[metric.x]\nformula = \"x@prev + 1\"\n",
        );
        assert_eq!(errors, vec!["formula cycle: a -> b -> c -> a", "formula cycle: x -> x"]);
    }

    #[test]
    fn a_long_cycle_is_named_by_its_ends() {
        let n = 1000;
        let mut text = String::new();
        for i in 0..n {
            text.push_str(&format!("[metric.m{i:04}]\nformula = \"m{:04} + 1\"\n", (i + 1) % n));
        }
        let errors = catalog_errors(&text);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].starts_with("formula cycle: m0000 -> m0001 -> "), "{errors:?}");
        assert!(errors[0].contains(" -> m0019 -> … 960 more … -> m0980 -> "), "{errors:?}");
        assert!(errors[0].ends_with(" -> m0999 -> m0000"), "{errors:?}");
    }

    #[test]
    fn derived_chains_have_a_depth_limit() {
        let mut text = String::from("[metric.m0]\nunit = \"件\"\n");
        for i in 1..=MAX_DERIVED_DEPTH + 1 {
            text.push_str(&format!("[metric.m{i}]\nformula = \"m{} + 1\"\n", i - 1));
        }
        let errors = catalog_errors(&text);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].contains("levels of derived metrics"), "{errors:?}");
        // One level less is fine.
        let shorter = text.rsplit_once("[metric.").map(|(head, _)| head.to_string()).unwrap_or_default();
        assert!(catalog_errors(&shorter).is_empty());
    }
}
