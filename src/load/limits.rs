//! The most that kaohe reads in one run (CONTRACT §9: every implementation accepts at
//! least files of 16 MiB, 1,000 periods per entity, formulas of 4 KiB and nesting 64
//! deep; beyond its own limits it answers with a clear error, never a crash). Each is
//! well above those minimums and above the national benchmark (10,000 entities,
//! about 90 MB of input); docs/formats.md lists them for users.
//!
//! What bounds memory in the end is the input: the TOML parser holds about 14 bytes
//! of tokens per byte of a file while it parses it, and the checked model 16 bytes
//! per figure (more with a missing reason or a converted unit) and about 100 bytes
//! per period. The
//! counts below keep a small input from asking for a large model (a period per
//! 18-byte CSV row).

/// One file, in bytes (CONTRACT §9: at least 16 MiB).
pub use super::files::MAX_FILE_BYTES;
/// All the files of one run together.
pub use super::files::MAX_TOTAL_BYTES;
use crate::text::{Counted, Message};

/// Arrays, inline tables and dotted keys nest at most this deep (the TOML parser's
/// own limit; CONTRACT §9: at least 64).
pub const MAX_NESTING: usize = 80;
/// A formula's length in bytes and its nesting (parentheses, unary minus, calls);
/// enforced by the formula parser.
pub use crate::expr::{MAX_DEPTH as MAX_FORMULA_DEPTH, MAX_LEN as MAX_FORMULA_BYTES};

/// Metrics in the catalog.
pub const MAX_METRICS: usize = 200_000;
/// Entities in the workspace.
pub const MAX_ENTITIES: usize = 100_000;
/// Periods of one entity (CONTRACT §9: at least 1,000).
pub const MAX_PERIODS_PER_ENTITY: usize = 10_000;
/// Periods of all entities together.
pub const MAX_PERIODS: usize = 250_000;
/// Figures of all entities together.
pub const MAX_FIGURES: usize = 5_000_000;
/// Rule sets in the workspace.
pub const MAX_RULESETS: usize = 100_000;
/// Rules in one rule set.
pub const MAX_RULES_PER_RULESET: usize = 10_000;
/// Rules of all rule sets together.
pub const MAX_RULES: usize = 1_000_000;

/// Counts of what has been read so far against the workspace-wide limits; each
/// limit is reported once, where it is first passed.
#[derive(Debug, Default)]
pub struct Tally {
    pub entities: usize,
    pub periods: usize,
    pub figures: usize,
    pub rulesets: usize,
    pub rules: usize,
    reported: Vec<Counted>,
}

impl Tally {
    /// Whether `count + more` stays within `limit`; if not, the first time, the
    /// message for it (`what` names the thing counted, in the plural).
    pub fn over(&mut self, count: usize, more: usize, limit: usize, what: Counted) -> Option<Option<Message>> {
        if count + more <= limit {
            return None;
        }
        if self.reported.contains(&what) {
            return Some(None);
        }
        self.reported.push(what);
        Some(Some(over_message(limit, what)))
    }
}

/// "more than 100,000 entities: kaohe reads at most 100,000, and what follows is not read"
pub fn over_message(limit: usize, what: Counted) -> Message {
    Message::Over { limit, what }
}

/// `100000` as `100,000`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

// The limits are above the contract's minimums and the national benchmark.
const _: () = {
    assert!(MAX_FILE_BYTES >= 16 << 20);
    assert!(MAX_TOTAL_BYTES >= 2 * 90_000_000);
    assert!(MAX_PERIODS_PER_ENTITY >= 1_000);
    assert!(MAX_FORMULA_BYTES >= 4096);
    assert!(MAX_NESTING >= 64 && MAX_FORMULA_DEPTH >= 64);
    assert!(MAX_ENTITIES >= 2 * 10_000);
    assert!(MAX_PERIODS >= 20 * 10_000);
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(5_000_000), "5,000,000");
    }
}
