//! Arbitrary bytes as a CSV file in a small valid workspace: `data/figures.csv`, or
//! `data/entities.csv` when the first byte is odd. No panic, and the invariants of
//! [`kaohe_fuzz::check_invariants`].
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else { return };
    let rel = if pick % 2 == 1 { "data/entities.csv" } else { "data/figures.csv" };
    let ws = kaohe_fuzz::workspace_with(rel, bytes);
    kaohe_fuzz::check_invariants(&ws.root, pick / 2);
});
