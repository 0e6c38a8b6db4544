//! Cuts formula text into tokens, one at a time as the parser asks for them, so that
//! the first error reported is the first one in the text.
//!
//! Positions are character offsets (CONTRACT §7 counts columns in characters). A
//! period after `@` is lexed together with the `@` because its spelling differs from
//! everything else: `2014` there is an id, not a number, and `H1` is fine.

use rust_decimal::Decimal;

use super::{ParseError, Span};
use crate::text::{FormulaError, Found};

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Kind {
    Num(Decimal),
    Ident(String),
    /// `@prev`, `@2014`: the period id without the `@`.
    Period(String),
    Plus,
    Minus,
    Star,
    Slash,
    LParen,
    RParen,
    Comma,
    End,
}

#[derive(Clone, Debug)]
pub(super) struct Token {
    pub kind: Kind,
    pub span: Span,
    /// The text as written, for messages.
    pub text: String,
}

impl Token {
    /// How a message names this token: "`)`", or "the end of the formula".
    pub fn describe(&self) -> Found {
        match self.kind {
            Kind::End => Found::End,
            _ => Found::Token(self.text.clone()),
        }
    }
}

pub(super) struct Lexer {
    chars: Vec<char>,
    pos: usize,
}

fn error(message: FormulaError, start: usize, end: usize) -> ParseError {
    ParseError { message, span: Span::new(start, end) }
}

/// Spaces and tabs as the contract says; line breaks too, so that a long formula can
/// be wrapped in a TOML multi-line string.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// The ASCII character a user most likely meant by a full-width or typographic one
/// (Chinese input methods produce these).
fn ascii_for(c: char) -> Option<char> {
    match c {
        '（' => Some('('),
        '）' => Some(')'),
        '，' => Some(','),
        '＋' => Some('+'),
        '－' | '−' | '–' => Some('-'),
        '×' | '＊' => Some('*'),
        '÷' | '／' => Some('/'),
        '＠' => Some('@'),
        '．' | '。' => Some('.'),
        '\u{3000}' => Some(' '),
        _ => None,
    }
}

impl Lexer {
    pub fn new(src: &str) -> Lexer {
        Lexer { chars: src.chars().collect(), pos: 0 }
    }

    fn text(&self, start: usize, end: usize) -> String {
        self.chars.get(start..end).map(|s| s.iter().collect()).unwrap_or_default()
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn skip_space(&mut self) {
        while self.peek().is_some_and(is_space) {
            self.pos += 1;
        }
    }

    /// Advances over characters matching `pred`, returning where the run started.
    fn take_while(&mut self, pred: impl Fn(char) -> bool) -> usize {
        let start = self.pos;
        while self.peek().is_some_and(&pred) {
            self.pos += 1;
        }
        start
    }

    pub fn next_token(&mut self) -> Result<Token, ParseError> {
        self.skip_space();
        let start = self.pos;
        let Some(c) = self.peek() else {
            return Ok(Token { kind: Kind::End, span: Span::new(start, start), text: String::new() });
        };
        let single = |kind| Some(kind);
        let punct = match c {
            '+' => single(Kind::Plus),
            '-' => single(Kind::Minus),
            '*' => single(Kind::Star),
            '/' => single(Kind::Slash),
            '(' => single(Kind::LParen),
            ')' => single(Kind::RParen),
            ',' => single(Kind::Comma),
            _ => None,
        };
        if let Some(kind) = punct {
            self.pos += 1;
            return Ok(Token { kind, span: Span::new(start, self.pos), text: c.to_string() });
        }
        if c == '@' {
            return self.period();
        }
        if c.is_ascii_digit() || c == '.' {
            return self.number();
        }
        if c.is_ascii_alphabetic() || c == '_' {
            return self.ident();
        }
        let message = match ascii_for(c) {
            Some(a) => FormulaError::UnexpectedChar { c, ascii: Some(a) },
            None if c.is_alphabetic() => FormulaError::UnexpectedLetter { c },
            None if c.is_control() => FormulaError::UnexpectedControl { c },
            None => FormulaError::UnexpectedChar { c, ascii: None },
        };
        Err(error(message, start, start + 1))
    }

    /// `@` then a period id `[A-Za-z0-9_]+` (`prev` among them).
    fn period(&mut self) -> Result<Token, ParseError> {
        let at = self.pos;
        self.pos += 1;
        self.skip_space();
        let start = self.take_while(is_word);
        if start == self.pos {
            return Err(error(FormulaError::AtNeedsPeriod, at, at + 1));
        }
        let id = self.text(start, self.pos);
        Ok(Token { kind: Kind::Period(id), span: Span::new(at, self.pos), text: self.text(at, self.pos) })
    }

    /// `[0-9]+(\.[0-9]+)?`, read exactly. The whole run of digits and points is taken
    /// first so that `1.2.3` or `1.` is reported as one malformed number.
    fn number(&mut self) -> Result<Token, ParseError> {
        let start = self.take_while(|c| c.is_ascii_digit() || c == '.');
        let end = self.pos;
        let text = self.text(start, end);
        let points = text.matches('.').count();
        if text == "." {
            return Err(error(FormulaError::UnexpectedChar { c: '.', ascii: None }, start, end));
        }
        if points > 1 {
            return Err(error(FormulaError::MalformedNumber { text }, start, end));
        }
        if text.starts_with('.') {
            return Err(error(FormulaError::LeadingPoint { text }, start, end));
        }
        if text.ends_with('.') {
            return Err(error(FormulaError::TrailingPoint { text }, start, end));
        }
        let value = exact_decimal(&text).map_err(|message| error(message, start, end))?;
        Ok(Token { kind: Kind::Num(value), span: Span::new(start, end), text })
    }

    /// `[a-z][a-z0-9_]*`. A run with capitals or a leading `_` is reported whole.
    fn ident(&mut self) -> Result<Token, ParseError> {
        let start = self.take_while(is_word);
        let text = self.text(start, self.pos);
        let valid = text.starts_with(|c: char| c.is_ascii_lowercase())
            && text.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid {
            return Err(error(FormulaError::InvalidId { text }, start, self.pos));
        }
        Ok(Token { kind: Kind::Ident(text.clone()), span: Span::new(start, self.pos), text })
    }
}

/// Reads a literal exactly (CONTRACT §9): trailing fractional zeros do not count
/// against the 28 places, and a number that does not fit is an error, never rounded.
fn exact_decimal(text: &str) -> Result<Decimal, FormulaError> {
    if let Ok(v) = Decimal::from_str_exact(text) {
        return Ok(v);
    }
    let trimmed = match text.split_once('.') {
        Some((int, frac)) => {
            let frac = frac.trim_end_matches('0');
            if frac.len() > 28 {
                return Err(FormulaError::TooPrecise);
            }
            if frac.is_empty() { int.to_string() } else { format!("{int}.{frac}") }
        }
        None => text.to_string(),
    };
    Decimal::from_str_exact(&trimmed).map_err(|_| FormulaError::TooLarge)
}

#[cfg(test)]
mod tests {
    use super::exact_decimal;
    use rust_decimal::Decimal;

    #[track_caller]
    fn case(text: &str, expected: Result<&str, &str>) {
        let got = exact_decimal(text).map(|d| d.to_string()).map_err(|e| e.to_string());
        assert_eq!(got.as_deref().map_err(String::as_str), expected, "{text}");
    }

    #[test]
    fn literals_are_exact_or_rejected() {
        case("0", Ok("0"));
        case("1.50", Ok("1.50"));
        case("007", Ok("7"));
        case("79228162514264337593543950335", Ok("79228162514264337593543950335"));
        case("0.0000000000000000000000000001", Ok("0.0000000000000000000000000001"));
        case("7.9228162514264337593543950335", Ok("7.9228162514264337593543950335"));
        // trailing zeros beyond 28 places do not count
        case("1.0000000000000000000000000000000", Ok("1"));
        case("0.00000000000000000000000000010", Ok("0.0000000000000000000000000001"));
        case("7.92281625142643375935439503350", Ok("7.9228162514264337593543950335"));
        case("79228162514264337593543950336", Err("number too large for an exact decimal"));
        case("7922816251426433759354395033.51", Err("number too large for an exact decimal"));
        case(
            "0.00000000000000000000000000001",
            Err("number too precise for an exact decimal (more than 28 digits after the point)"),
        );
        assert_eq!(exact_decimal("0.1"), Ok(Decimal::new(1, 1)));
    }
}
