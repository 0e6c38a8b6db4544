//! Escaping of text that came from input files (CONTRACT §7), so that a name, a
//! source quote or a file name can never move the cursor, retitle the terminal, clear
//! the screen, reorder what the reader sees or start a new line of output.
//!
//! Every character in U+0000–U+001F, U+007F–U+009F (C0 and C1 controls, DEL),
//! U+202A–U+202E and U+2066–U+2069 (bidirectional embeddings, overrides and isolates)
//! is written as `\u{HEX}`: lowercase hex, no leading zeros (ESC is `\u{1b}`).
//! Everything else, backslashes included, is left as it is; so the escaping is not
//! reversible, and it does not need to be: it is for people reading output, and JSON
//! output has its own escaping.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Whether `c` must not reach a terminal or a file as it is (CONTRACT §7).
pub fn needs_escape(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every character [`needs_escape`] names written as `\u{HEX}`; borrowed
/// when there is none (the common case costs one scan and no allocation).
pub fn escape_text(s: &str) -> Cow<'_, str> {
    let Some(first) = s.find(needs_escape) else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len() + 8);
    out.push_str(&s[..first]);
    for c in s[first..].chars() {
        if needs_escape(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(input: &str, expected: &str) {
        assert_eq!(escape_text(input), expected, "{input:?}");
    }

    #[test]
    fn controls_and_bidi_are_escaped() {
        case("", "");
        case("绵竹市", "绵竹市");
        case("\u{1b}[2J", "\\u{1b}[2J");
        case("\u{1b}]0;title\u{7}", "\\u{1b}]0;title\\u{7}");
        case("a\nb\r\n", "a\\u{a}b\\u{d}\\u{a}");
        case("\t", "\\u{9}");
        case("\0", "\\u{0}");
        case("\u{1f}\u{20}", "\\u{1f} ");
        case("\u{7e}\u{7f}\u{80}\u{9f}\u{a0}", "~\\u{7f}\\u{80}\\u{9f}\u{a0}");
        case("\u{2029}\u{202a}\u{202e}\u{202f}", "\u{2029}\\u{202a}\\u{202e}\u{202f}");
        case("\u{2065}\u{2066}\u{2069}\u{206a}", "\u{2065}\\u{2066}\\u{2069}\u{206a}");
        case("evil\u{202e}txt.toml", "evil\\u{202e}txt.toml");
    }

    #[test]
    fn backslashes_are_left_as_they_are() {
        case("a\\b", "a\\b");
        case("\\u{1b}", "\\u{1b}");
        case("C:\\data\\绵竹.toml", "C:\\data\\绵竹.toml");
    }

    #[test]
    fn clean_text_is_borrowed() {
        assert!(matches!(escape_text("专利申请量 (件)"), Cow::Borrowed(_)));
        assert!(matches!(escape_text("a\u{1b}"), Cow::Owned(_)));
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// No character that needs escaping survives.
        #[test]
        fn output_is_clean(s in any::<String>()) {
            prop_assert!(!escape_text(&s).chars().any(needs_escape));
        }

        /// Each character is escaped on its own: escaping is a map over characters.
        #[test]
        fn escaping_is_per_character(a in any::<String>(), b in any::<String>()) {
            let joined = format!("{a}{b}");
            prop_assert_eq!(escape_text(&joined).into_owned(), format!("{}{}", escape_text(&a), escape_text(&b)));
        }

        /// The escape of a character is `\u{HEX}` with lowercase hex and no leading zeros.
        #[test]
        fn escape_format(c in any::<char>()) {
            let out = escape_text(c.encode_utf8(&mut [0; 4])).into_owned();
            if needs_escape(c) {
                let hex = out.strip_prefix("\\u{").and_then(|r| r.strip_suffix('}'));
                prop_assert!(hex.is_some(), "{out}");
                let hex = hex.unwrap_or_default();
                prop_assert!(hex == "0" || !hex.starts_with('0'));
                prop_assert!(hex.chars().all(|h| h.is_ascii_digit() || ('a'..='f').contains(&h)));
                prop_assert_eq!(u32::from_str_radix(hex, 16).ok(), Some(u32::from(c)));
            } else {
                prop_assert_eq!(out, c.to_string());
            }
        }
    }
}
