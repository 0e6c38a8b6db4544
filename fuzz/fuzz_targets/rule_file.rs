//! Arbitrary bytes as `rules/fuzz.toml` in a small valid workspace: no panic, and the
//! invariants of [`kaohe_fuzz::check_invariants`].
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let ws = kaohe_fuzz::workspace_with("rules/fuzz.toml", data);
    kaohe_fuzz::check_invariants(&ws.root, data.first().copied().unwrap_or(0));
});
