//! Recursive-descent parser from tokens to [`Expr`].
//!
//! One function per precedence level (`expr` for `+ -`, `term` for `* /`, `unary`,
//! `primary`). Binary chains are loops, so a long `a + b + c …` costs no stack; only
//! real nesting (parentheses, unary minus, calls) recurses, and it is counted against
//! [`MAX_DEPTH`] so that hostile input is an error rather than a stack overflow.
//! Every error names the token it is about, and where a token is missing, the one
//! that needed it (`1 +` points at the `+`).

use super::lexer::{Kind, Lexer, Token};
use super::{BinOp, Expr, Func, MAX_DEPTH, MAX_LEN, ParseError, PeriodRef, Span};
use crate::text::{FormulaError, Wanted};

/// Parses a formula (CONTRACT §4).
pub fn parse(src: &str) -> Result<Expr, ParseError> {
    if src.len() > MAX_LEN {
        // point at the first character that does not end within the limit
        let at = src.char_indices().take_while(|(i, c)| i + c.len_utf8() <= MAX_LEN).count();
        return Err(ParseError { message: FormulaError::TooLong, span: Span::new(at, at + 1) });
    }
    let mut parser = Parser::new(src)?;
    let expr = parser.expr()?;
    match parser.tok.kind {
        Kind::End => Ok(expr),
        _ => Err(parser.after_operand_error(Wanted::Operator)),
    }
}

struct Parser {
    lexer: Lexer,
    /// The token under the cursor.
    tok: Token,
    /// The token consumed last, for "expected an operand after `+`".
    prev: Option<Token>,
    /// Nesting levels currently open.
    depth: usize,
}

fn error(message: FormulaError, span: Span) -> ParseError {
    ParseError { message, span }
}

impl Parser {
    fn new(src: &str) -> Result<Parser, ParseError> {
        let mut lexer = Lexer::new(src);
        let tok = lexer.next_token()?;
        Ok(Parser { lexer, tok, prev: None, depth: 0 })
    }

    /// Moves to the next token, returning the one left behind.
    fn bump(&mut self) -> Result<Token, ParseError> {
        let next = self.lexer.next_token()?;
        let old = std::mem::replace(&mut self.tok, next);
        self.prev = Some(old.clone());
        Ok(old)
    }

    /// Opens one nesting level at `span`.
    fn enter(&mut self, span: Span) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(error(FormulaError::TooDeep { max: MAX_DEPTH }, span));
        }
        Ok(())
    }

    /// `term (("+" | "-") term)*`
    fn expr(&mut self) -> Result<Expr, ParseError> {
        let mut lhs = self.term()?;
        loop {
            let op = match self.tok.kind {
                Kind::Plus => BinOp::Add,
                Kind::Minus => BinOp::Sub,
                _ => return Ok(lhs),
            };
            self.bump()?;
            let rhs = self.term()?;
            lhs = Expr::Bin { op, lhs: Box::new(lhs), rhs: Box::new(rhs) };
        }
    }

    /// `unary (("*" | "/") unary)*`
    fn term(&mut self) -> Result<Expr, ParseError> {
        let mut lhs = self.unary()?;
        loop {
            let op = match self.tok.kind {
                Kind::Star => BinOp::Mul,
                Kind::Slash => BinOp::Div,
                _ => return Ok(lhs),
            };
            self.bump()?;
            let rhs = self.unary()?;
            lhs = Expr::Bin { op, lhs: Box::new(lhs), rhs: Box::new(rhs) };
        }
    }

    /// `"-"* primary`. Unary minus binds tighter than `*` and `/`, so `-a * b` is
    /// `(-a) * b`; a run of minuses is read in a loop, but each one still counts as a
    /// nesting level because the tree it builds is that deep.
    fn unary(&mut self) -> Result<Expr, ParseError> {
        let outer = self.depth;
        let mut minuses = 0;
        while self.tok.kind == Kind::Minus {
            self.enter(self.tok.span)?;
            self.bump()?;
            minuses += 1;
        }
        let mut e = self.primary()?;
        for _ in 0..minuses {
            e = Expr::Neg(Box::new(e));
        }
        self.depth = outer;
        Ok(e)
    }

    /// A literal, a reference, a call or a parenthesized expression.
    fn primary(&mut self) -> Result<Expr, ParseError> {
        match self.tok.kind.clone() {
            Kind::Num(n) => {
                self.bump()?;
                Ok(Expr::Num(n))
            }
            Kind::Ident(name) => {
                let id = self.bump()?;
                match self.tok.kind.clone() {
                    Kind::LParen => self.call(id),
                    Kind::Period(p) => {
                        let at = self.bump()?;
                        let period = if p == "prev" { PeriodRef::Prev } else { PeriodRef::Named(p) };
                        Ok(Expr::Ref { name, period, span: id.span.to(at.span) })
                    }
                    _ => Ok(Expr::Ref { name, period: PeriodRef::Current, span: id.span }),
                }
            }
            Kind::LParen => {
                self.enter(self.tok.span)?;
                let open = self.bump()?;
                let inner = self.expr()?;
                match self.tok.kind {
                    Kind::RParen => {
                        self.bump()?;
                        self.depth = self.depth.saturating_sub(1);
                        Ok(inner)
                    }
                    Kind::End => Err(error(FormulaError::UnclosedParen, open.span)),
                    _ => Err(self.after_operand_error(Wanted::OperatorOrParen)),
                }
            }
            _ => Err(self.operand_error()),
        }
    }

    /// `name "(" expr ("," expr)* ")"`, the cursor on the `(`.
    fn call(&mut self, id: Token) -> Result<Expr, ParseError> {
        let Some(func) = Func::from_name(&id.text) else {
            return Err(error(FormulaError::UnknownFunction { name: id.text.clone() }, id.span));
        };
        self.enter(self.tok.span)?;
        let open = self.bump()?;
        let mut args = Vec::new();
        if self.tok.kind != Kind::RParen {
            loop {
                args.push(self.expr()?);
                match self.tok.kind {
                    Kind::Comma => {
                        self.bump()?;
                    }
                    Kind::RParen => break,
                    Kind::End => return Err(error(FormulaError::UnclosedParen, open.span)),
                    _ => return Err(self.after_operand_error(Wanted::CommaOrParen)),
                }
            }
        }
        let close = self.bump()?;
        self.depth = self.depth.saturating_sub(1);
        let span = id.span.to(close.span);
        match (func, args.len()) {
            (Func::Abs, 1) | (Func::Min | Func::Max, 1..) | (Func::IfZero, 3) => Ok(Expr::Call { func, args, span }),
            (Func::Abs, _) => Err(error(FormulaError::AbsArity, span)),
            (Func::IfZero, _) => Err(error(FormulaError::IfZeroArity, span)),
            (Func::Min | Func::Max, _) => Err(error(FormulaError::MinMaxArity { name: func.name().to_string() }, span)),
        }
    }

    /// The cursor is where an operand should start, and is not one.
    fn operand_error(&self) -> ParseError {
        let tok = &self.tok;
        if let Kind::Period(_) = tok.kind {
            return misplaced_at(tok);
        }
        match (&self.prev, &tok.kind) {
            (None, Kind::End) => error(FormulaError::Empty, tok.span),
            (None, Kind::RParen) => error(FormulaError::UnexpectedRParen, tok.span),
            (None, _) => error(FormulaError::ExpectedOperand { found: tok.describe() }, tok.span),
            (Some(prev), Kind::End) => {
                error(FormulaError::ExpectedOperandAfter { prev: prev.text.clone(), found: None }, prev.span)
            }
            (Some(prev), _) => error(
                FormulaError::ExpectedOperandAfter { prev: prev.text.clone(), found: Some(tok.describe()) },
                tok.span,
            ),
        }
    }

    /// An operand is complete and the cursor is not on something that may follow it;
    /// `wanted` says what may.
    fn after_operand_error(&self, wanted: Wanted) -> ParseError {
        let tok = &self.tok;
        match tok.kind {
            Kind::Period(_) => misplaced_at(tok),
            Kind::RParen => error(FormulaError::UnexpectedRParen, tok.span),
            _ => error(FormulaError::Expected { wanted, found: tok.describe() }, tok.span),
        }
    }
}

/// `@period` after something that is not a metric id (`1@2014`, `(a)@prev`).
fn misplaced_at(tok: &Token) -> ParseError {
    error(FormulaError::MisplacedAt, Span::new(tok.span.start, tok.span.start + 1))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::{prop_assert, proptest};

    use super::{MAX_DEPTH, parse};
    use crate::expr::Span;
    use crate::interval::Interval;

    #[track_caller]
    fn case(src: &str, message: &str, start: usize, end: usize) {
        let got = parse(src).map_err(|e| (e.message.to_string(), e.span));
        assert_eq!(got, Err((message.to_string(), Span::new(start, end))), "{src:?}");
    }

    #[test]
    fn errors_point_at_their_cause() {
        case("", "empty formula", 0, 0);
        case("   ", "empty formula", 3, 3);
        case("1 +", "expected an operand after `+`", 2, 3);
        case("1 * )", "expected an operand after `*`, found `)`", 4, 5);
        case("2 * * 3", "expected an operand after `*`, found `*`", 4, 5);
        case("(1", "unclosed `(`", 0, 1);
        case("((1)", "unclosed `(`", 0, 1);
        case("min(1, (2)", "unclosed `(`", 3, 4);
        case("()", "expected an operand after `(`, found `)`", 1, 2);
        case("a @", "`@` must be followed by a period id or `prev`", 2, 3);
        case("a@-1", "`@` must be followed by a period id or `prev`", 1, 2);
        case("1@2014", "`@` must follow a metric id, as in `x@prev`", 1, 2);
        case("@prev", "`@` must follow a metric id, as in `x@prev`", 0, 1);
        case("(a)@prev", "`@` must follow a metric id, as in `x@prev`", 3, 4);
        case("foo(1)", "unknown function `foo` (known: min, max, abs, if_zero)", 0, 3);
        case("1 + sqrt (2)", "unknown function `sqrt` (known: min, max, abs, if_zero)", 4, 8);
        case("1 $ 2", "unexpected character `$`", 2, 3);
        case("abs(1, 2)", "`abs` takes exactly one argument", 0, 9);
        case("abs()", "`abs` takes exactly one argument", 0, 5);
        case("if_zero(a, b)", "`if_zero` takes three arguments: if_zero(x, when zero, otherwise)", 0, 13);
        case("min()", "`min` takes at least one argument", 0, 5);
        case(" max( )", "`max` takes at least one argument", 1, 7);
        case("min(1,)", "expected an operand after `,`, found `)`", 6, 7);
        case("min(1 2)", "expected `,` or `)`, found `2`", 6, 7);
        case("min(1", "unclosed `(`", 3, 4);
        case("(1 2)", "expected an operator or `)`, found `2`", 3, 4);
        case("1.", "expected a digit after the point in `1.`", 0, 2);
        case(".5", "a number must start with a digit: write `0.5`", 0, 2);
        case("1.2.3", "malformed number `1.2.3`", 0, 5);
        case("1 . 2", "unexpected character `.`", 2, 3);
        case("1 2", "expected an operator, found `2`", 2, 3);
        case("a b", "expected an operator, found `b`", 2, 3);
        case("1)", "unexpected `)`", 1, 2);
        case(")", "unexpected `)`", 0, 1);
        case("* 2", "expected an operand, found `*`", 0, 1);
        case("-", "expected an operand after `-`", 0, 1);
        case(
            "Patent_applications",
            "invalid id `Patent_applications`: ids are lowercase letters, digits and `_`, starting with a letter",
            0,
            19,
        );
        case("_x", "invalid id `_x`: ids are lowercase letters, digits and `_`, starting with a letter", 0, 2);
        case("a（1）", "unexpected character `（` (did you mean `(`?)", 1, 2);
        case("专利 + 1", "unexpected character `专` (ids are written with a-z, 0-9 and `_`)", 0, 1);
        case("99999999999999999999999999999", "number too large for an exact decimal", 0, 29);
        case(
            "1 + 0.00000000000000000000000000001",
            "number too precise for an exact decimal (more than 28 digits after the point)",
            4,
            35,
        );
        // the first problem in the text wins, whether the lexer or the parser finds it
        case("1 + + $", "expected an operand after `+`, found `+`", 4, 5);
        case("1 $ + +", "unexpected character `$`", 2, 3);
    }

    #[test]
    fn long_formulas_are_refused_not_crashed_on() {
        case(&"(".repeat(100_000), "formula longer than 4 KiB", 4096, 4097);
        case(&format!("{}1", " ".repeat(4096)), "formula longer than 4 KiB", 4096, 4097);
        // exactly 4 KiB is accepted
        let long = format!("{}1", " ".repeat(4095));
        assert!(parse(&long).is_ok());
        // the limit is in bytes, the span in characters
        let wide = format!("1 + {}", "专".repeat(1000));
        assert_eq!(parse(&wide).map_err(|e| e.span), Err(Span::new(4, 5)));
        let wide = format!("{}{}", "专".repeat(1366), "1");
        assert_eq!(
            parse(&wide).map_err(|e| (e.message.to_string(), e.span)),
            Err(("formula longer than 4 KiB".to_string(), Span::new(1365, 1366)))
        );
    }

    #[test]
    fn nesting_is_limited() {
        let deep = |open: &str, n: usize, close: &str| format!("{}1{}", open.repeat(n), close.repeat(n));
        // 64 levels are accepted
        assert!(parse(&deep("(", MAX_DEPTH, ")")).is_ok());
        assert!(parse(&deep("-", MAX_DEPTH, "")).is_ok());
        assert!(parse(&deep("abs(", MAX_DEPTH, ")")).is_ok());
        assert!(parse(&deep("-(", MAX_DEPTH / 2, ")")).is_ok());
        // 65 are not, and neither are 2000 (well within 4 KiB)
        let msg = "nesting deeper than 64 levels";
        case(&deep("(", MAX_DEPTH + 1, ")"), msg, 64, 65);
        case(&deep("-", MAX_DEPTH + 1, ""), msg, 64, 65);
        case(&deep("abs(", MAX_DEPTH + 1, ")"), msg, 64 * 4 + 3, 64 * 4 + 4);
        case(&deep("(", 2000, ")"), msg, 64, 65);
        case(&"(".repeat(4000), msg, 64, 65);
        case(&"-".repeat(4000), msg, 64, 65);
        case(&"min(".repeat(1000), msg, 64 * 4 + 3, 64 * 4 + 4);
        // sequential parentheses do not add up
        let wide = vec!["((1))"; 500].join(" + ");
        assert!(parse(&wide).is_ok());
    }

    proptest! {
        /// Any text, however broken, parses or is refused with a span inside it; what
        /// parses prints as text that parses back to the same canonical form.
        #[test]
        fn any_text_parses_or_is_refused_cleanly(src in "[a-c0-9 .@_()+*/,$-]{0,40}|(min|max|abs|prev|[a-z]|[0-9.]{1,35}|[-+*/(),@ ]){0,30}") {
            match parse(&src) {
                Ok(e) => {
                    let text = e.to_string();
                    let again = parse(&text);
                    prop_assert!(again.as_ref().is_ok_and(|a| a.to_string() == text), "{src:?} -> {text:?} -> {again:?}");
                    let _ = e.eval(&mut |_, _| Ok(Interval::unbounded()));
                }
                Err(err) => {
                    let len = src.chars().count();
                    prop_assert!(err.span.start <= err.span.end && err.span.end <= len, "{src:?}: {err:?}");
                    prop_assert!(!err.message.to_string().is_empty());
                }
            }
        }
    }

    #[test]
    fn long_chains_are_not_nesting() {
        // 2048 operands in 4095 bytes: a left-deep tree that eval, Display and
        // references walk recursively; this checks they fit a test thread's stack
        let chain = vec!["1"; 2048].join("+");
        assert!(chain.len() <= 4096);
        let e = parse(&chain).expect("a long chain parses");
        let v = e.eval(&mut |_, _| Ok(Interval::unbounded()));
        assert_eq!(v.map(|i| i.as_point()), Ok(Some(rust_decimal::Decimal::from(2048))));
        assert_eq!(e.to_string().len(), 2048 + 2047 * 3);
        assert!(e.references().is_empty());
        let chain = vec!["a"; 2048].join("*");
        let e = parse(&chain).expect("a long chain parses");
        assert_eq!(e.references().len(), 2048);
        // the derived impls recurse too; they must also fit
        let copy = e.clone();
        assert_eq!(copy, e);
        assert!(format!("{copy:?}").len() > 2048);
        drop(copy);
        let mixed = format!("{}1", "2 * 3 - ".repeat(409));
        assert!(mixed.len() <= 4096);
        let e = parse(&mixed).expect("a long mixed chain parses");
        assert_eq!(e.to_string(), mixed);
        let v = e.eval(&mut |_, _| Ok(Interval::unbounded()));
        assert_eq!(v.map(|i| i.as_point()), Ok(Some(rust_decimal::Decimal::from(6 - 6 * 408 - 1))));
    }
}
