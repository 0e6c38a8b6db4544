//! `kaohe check`: validate everything and say how much was read.

use std::io::Write;

use super::{INVALID, OK, Output, Workspace};
use crate::config::Config;

pub fn run(config: &Config, out: &mut Output, err: &mut dyn Write) -> u8 {
    let Some(ws) = Workspace::load(config, err) else { return INVALID };
    let model = &ws.model;
    let figures: usize = model.entities.iter().flat_map(|e| e.periods.values()).map(|p| p.figures.len()).sum();
    let rules: usize = model.rulesets.iter().map(|r| r.rules.len()).sum();
    let _ = writeln!(
        out,
        "ok: {} metrics, {} entities ({} figures), {} rule sets ({} rules)",
        model.catalog.metrics.len(),
        model.entities.len(),
        figures,
        model.rulesets.len(),
        rules
    );
    OK
}
