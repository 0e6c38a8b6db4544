//! The formula language of targets, thresholds and derived metrics (CONTRACT §4).
//!
//! A formula such as `invention_applications / patent_applications * 100` or
//! `invention_patents_per_10k@prev * 1.2` goes through three stages, each in its own
//! file: `lexer` cuts the text into tokens, `parser` builds an [`Expr`] tree (with the
//! span of every reference, so validation can point at an unknown metric id), and
//! `eval` computes it over [`Interval`]s, asking the caller for the value of every
//! reference. Validation uses [`Expr::references`] to check names and find cycles
//! before anything is evaluated; [`Expr`]'s `Display` prints the canonical text shown
//! by `explain`.
//!
//! Parsing guards its own resources: formulas longer than [`MAX_LEN`] bytes and
//! nesting deeper than [`MAX_DEPTH`] levels are errors, never a stack overflow.

mod compile;
mod eval;
mod lexer;
mod parser;

use std::fmt;

use rust_decimal::Decimal;

use crate::interval::{ArithError, Interval};

pub use compile::{
    At, Branch, Code, Instr, MetricIdx, Names, PeriodIdx, Ref, UnknownName, apply, call, compile, if_zero_branch,
};
pub use parser::parse;

/// The longest formula accepted, in bytes (CONTRACT §9 asks for at least 4 KiB).
pub const MAX_LEN: usize = 4096;

/// The deepest nesting of parentheses, unary minus and calls accepted (CONTRACT §9
/// asks for at least 64).
pub const MAX_DEPTH: usize = 64;

/// A range of the formula text, in CHARACTER offsets (not bytes), end exclusive, so
/// that a diagnostic can count columns the way CONTRACT §7 does. A span may be empty
/// (`start == end`) where it marks a position rather than a piece of text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The span from the start of `self` to the end of `other`.
    pub fn to(self, other: Span) -> Span {
        Span { start: self.start, end: other.end }
    }
}

/// Which period a reference reads.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PeriodRef {
    /// No `@`: the period the formula is evaluated at.
    Current,
    /// `@prev`: the year before the period the formula is evaluated at (only
    /// four-digit years have one; resolving it elsewhere is the caller's `unknown`).
    Prev,
    /// `@2014`, `@H1`: that period id, as written.
    Named(String),
}

/// A parsed formula.
///
/// The derived equality compares spans too, so two parses of the same formula
/// written with different spacing are not equal; compare their `Display` text when
/// only the meaning matters.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// A literal, exactly as written (`1.50` keeps its two places). The parser never
    /// makes a negative one: `-1` is `Neg(Num(1))`.
    Num(Decimal),
    /// A metric or param id, possibly at another period. `span` covers the whole
    /// reference, `@period` included.
    Ref {
        name: String,
        period: PeriodRef,
        span: Span,
    },
    /// Unary minus.
    Neg(Box<Expr>),
    Bin {
        op: BinOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `min(…)`, `max(…)`, `abs(…)`; the parser checks the number of arguments.
    /// `span` covers the call from the function name to the closing parenthesis.
    Call {
        func: Func,
        args: Vec<Expr>,
        span: Span,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
        }
    }

    /// Binding strength: `*` and `/` bind tighter than `+` and `-`.
    fn precedence(self) -> u8 {
        match self {
            BinOp::Add | BinOp::Sub => 1,
            BinOp::Mul | BinOp::Div => 2,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Func {
    Min,
    Max,
    Abs,
    /// `if_zero(x, a, b)`: `a` when `x` is exactly 0, `b` when it cannot be; only the
    /// branch taken is evaluated (CONTRACT §4).
    IfZero,
}

impl Func {
    /// The name as written in formulas.
    pub fn name(self) -> &'static str {
        match self {
            Func::Min => "min",
            Func::Max => "max",
            Func::Abs => "abs",
            Func::IfZero => "if_zero",
        }
    }

    /// The function a name denotes, if any.
    pub fn from_name(name: &str) -> Option<Func> {
        match name {
            "min" => Some(Func::Min),
            "max" => Some(Func::Max),
            "abs" => Some(Func::Abs),
            "if_zero" => Some(Func::IfZero),
            _ => None,
        }
    }
}

/// A formula that does not parse, with the part of it the message is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub message: crate::text::FormulaError,
    pub span: Span,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.message)
    }
}

impl std::error::Error for ParseError {}

/// One missing input: a metric (or param) id and the period id it was wanted at.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Missing {
    pub metric: String,
    pub period: String,
}

/// Why a formula has no value. Missing data is not an error of the input files: it
/// makes the rule `unknown` (CONTRACT §5), and the reason says which figures to fetch.
/// The wording of each variant, in either language, lives in `crate::text`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unknown {
    /// Every missing input, deduplicated, in the order the formula reads them.
    Missing(Vec<Missing>),
    /// A divisor interval contains zero.
    DivisionByZero,
    /// A computed number beyond 96 bits ("number too large").
    TooLarge,
    /// `@prev` read at a period that is not a four-digit year (`2016-H1`).
    PrevOfNonYear { period: String },
    /// A call with the wrong number of arguments (only trees built by hand; the
    /// parser checks arity).
    Arity(Func),
    /// `if_zero`'s first argument might be zero and might not ("bound cannot decide").
    ZeroUndecided,
}

impl From<ArithError> for Unknown {
    fn from(e: ArithError) -> Unknown {
        match e {
            ArithError::DivisionByZero => Unknown::DivisionByZero,
            ArithError::TooLarge => Unknown::TooLarge,
        }
    }
}

impl Unknown {
    /// Two failures as one: any `Missing` wins, with the union of the lists in
    /// first-seen order; otherwise the first.
    pub fn merge(self, other: Unknown) -> Unknown {
        match (self, other) {
            (Unknown::Missing(mut x), Unknown::Missing(y)) => {
                for m in y {
                    if !x.contains(&m) {
                        x.push(m);
                    }
                }
                Unknown::Missing(x)
            }
            (Unknown::Missing(x), _) | (_, Unknown::Missing(x)) => Unknown::Missing(x),
            (a, _) => a,
        }
    }
}

/// English wording (the contract's JSON and CSV value), from `crate::text`.
impl fmt::Display for Unknown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::text::unknown(self, crate::text::Lang::En))
    }
}

impl Expr {
    /// Whether the formula divides anywhere (a share, a rate, a change of scale).
    pub fn divides(&self) -> bool {
        match self {
            Expr::Num(_) | Expr::Ref { .. } => false,
            Expr::Neg(inner) => inner.divides(),
            Expr::Bin { .. } => {
                let (head, tail) = self.chain();
                head.divides() || tail.iter().any(|(op, rhs)| *op == BinOp::Div || rhs.divides())
            }
            Expr::Call { args, .. } => args.iter().any(Expr::divides),
        }
    }

    /// Every metric/param reference, in source order (with duplicates).
    pub fn references(&self) -> Vec<(&str, &PeriodRef, Span)> {
        let mut out = Vec::new();
        self.collect_references(&mut out);
        out
    }

    fn collect_references<'a>(&'a self, out: &mut Vec<(&'a str, &'a PeriodRef, Span)>) {
        match self {
            Expr::Num(_) => {}
            Expr::Ref { name, period, span } => out.push((name, period, *span)),
            Expr::Neg(inner) => inner.collect_references(out),
            Expr::Bin { .. } => {
                let (head, tail) = self.chain();
                head.collect_references(out);
                for (_, rhs) in tail {
                    rhs.collect_references(out);
                }
            }
            Expr::Call { args, .. } => {
                for arg in args {
                    arg.collect_references(out);
                }
            }
        }
    }

    /// A left-leaning chain of binary operations split into its first operand and
    /// the `(operator, right operand)` pairs that follow: `a - b + c` gives
    /// `(a, [(-, b), (+, c)])`.
    ///
    /// The parser builds `a + b + c + …` as a left-deep tree whose depth is the
    /// number of operands, unbounded by the nesting limit (a 4 KiB formula can
    /// hold 2048). Walking such chains in a loop keeps recursion as deep as the
    /// nesting only, so evaluating or printing them cannot overflow the stack.
    pub fn chain(&self) -> (&Expr, Vec<(BinOp, &Expr)>) {
        let mut tail = Vec::new();
        let mut head = self;
        while let Expr::Bin { op, lhs, rhs } = head {
            tail.push((*op, &**rhs));
            head = lhs;
        }
        tail.reverse();
        (head, tail)
    }

    /// Evaluate over intervals; `resolve` gives the value of a reference.
    ///
    /// Every operand is evaluated even after one has failed, so that a `Missing`
    /// reason lists every missing input (CONTRACT §9), even where `max()` could have
    /// decided without it. Failures combine as: any `Missing` wins, with the union of
    /// the lists in first-seen order; otherwise the first other failure, in source
    /// order.
    pub fn eval(
        &self,
        resolve: &mut dyn FnMut(&str, &PeriodRef) -> Result<Interval, Unknown>,
    ) -> Result<Interval, Unknown> {
        eval::eval(self, resolve)
    }

    /// Binding strength when printed: operands weaker than their context need
    /// parentheses. Unary minus binds tighter than `*` and `/` (`-a * b` is
    /// `(-a) * b`); a negative literal (only ever built by hand) prints with its sign
    /// and so binds like unary minus; the rest are atoms.
    fn precedence(&self) -> u8 {
        match self {
            Expr::Bin { op, .. } => op.precedence(),
            Expr::Neg(_) => 3,
            Expr::Num(n) if n.is_sign_negative() => 3,
            Expr::Num(_) | Expr::Ref { .. } | Expr::Call { .. } => 4,
        }
    }
}

impl fmt::Display for PeriodRef {
    /// The suffix as written after the id: empty, `@prev` or `@2014`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PeriodRef::Current => Ok(()),
            PeriodRef::Prev => f.write_str("@prev"),
            PeriodRef::Named(p) => write!(f, "@{p}"),
        }
    }
}

/// Canonical text with minimal parentheses: single spaces around binary operators,
/// `, ` between arguments, literals as written. Both levels are left associative, so
/// a right operand of the same level keeps its parentheses (`a - (b - c)`, and also
/// `a + (b + c)` so that the text parses back to the same tree).
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Num(n) => write!(f, "{n}"),
            Expr::Ref { name, period, .. } => write!(f, "{name}{period}"),
            Expr::Neg(inner) => {
                f.write_str("-")?;
                write_operand(f, inner, inner.precedence() < 3)
            }
            Expr::Bin { .. } => {
                // Walked as a loop (see `chain`): follow the left operands for as
                // long as they print without parentheses, i.e. are operations of the
                // same or a stronger level; a weaker one is printed whole, in
                // parentheses, which the parser counted as nesting.
                let mut tail = Vec::new();
                let mut head = self;
                while let Expr::Bin { op, lhs, rhs } = head {
                    tail.push((*op, &**rhs));
                    head = lhs;
                    if lhs.precedence() < op.precedence() {
                        break;
                    }
                }
                let owner = tail.last().map_or(0, |(op, _)| op.precedence());
                write_operand(f, head, head.precedence() < owner)?;
                for (op, rhs) in tail.iter().rev() {
                    write!(f, " {} ", op.symbol())?;
                    write_operand(f, rhs, rhs.precedence() <= op.precedence())?;
                }
                Ok(())
            }
            Expr::Call { func, args, .. } => {
                write!(f, "{}(", func.name())?;
                for (i, arg) in args.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{arg}")?;
                }
                f.write_str(")")
            }
        }
    }
}

fn write_operand(f: &mut fmt::Formatter<'_>, e: &Expr, parens: bool) -> fmt::Result {
    if parens { write!(f, "({e})") } else { write!(f, "{e}") }
}

#[cfg(test)]
mod tests {
    use super::{Expr, Missing, PeriodRef, Span, Unknown, parse};
    use rust_decimal::Decimal;

    /// The tree without spans, so parses of differently spaced text compare equal.
    fn strip(e: &Expr) -> Expr {
        match e {
            Expr::Num(n) => Expr::Num(*n),
            Expr::Ref { name, period, .. } => {
                Expr::Ref { name: name.clone(), period: period.clone(), span: Span::default() }
            }
            Expr::Neg(inner) => Expr::Neg(Box::new(strip(inner))),
            Expr::Bin { op, lhs, rhs } => Expr::Bin { op: *op, lhs: Box::new(strip(lhs)), rhs: Box::new(strip(rhs)) },
            Expr::Call { func, args, .. } => {
                Expr::Call { func: *func, args: args.iter().map(strip).collect(), span: Span::default() }
            }
        }
    }

    #[track_caller]
    fn case(src: &str, canonical: &str) {
        let e = parse(src).unwrap_or_else(|err| panic!("{src}: {err:?}"));
        let shown = e.to_string();
        assert_eq!(shown, canonical, "display of {src}");
        let again = parse(&shown).unwrap_or_else(|err| panic!("{shown}: {err:?}"));
        assert_eq!(strip(&again), strip(&e), "round trip of {src}");
        if src == canonical {
            // a canonical text parses to the very same tree, spans included
            assert_eq!(again, e);
        }
    }

    #[test]
    fn display_round_trips() {
        case(
            "invention_applications / patent_applications * 100",
            "invention_applications / patent_applications * 100",
        );
        case("invention_applications/patent_applications*100", "invention_applications / patent_applications * 100");
        case("invention_patents_per_10k@prev * 1.2", "invention_patents_per_10k@prev * 1.2");
        case("x @ 2014 + y@H1", "x@2014 + y@H1");
        case("1 + 2 * 3", "1 + 2 * 3");
        case("(1 + 2) * 3", "(1 + 2) * 3");
        case("((1)) + ((2))", "1 + 2");
        case("1 - (2 - 3)", "1 - (2 - 3)");
        case("1 + (2 + 3)", "1 + (2 + 3)");
        case("(1 - 2) - 3", "1 - 2 - 3");
        case("1 - (2 + 3)", "1 - (2 + 3)");
        case("8 / (4 / 2)", "8 / (4 / 2)");
        case("8 / (4 * 2)", "8 / (4 * 2)");
        case("(8 / 4) * 2", "8 / 4 * 2");
        case("1 * (2 + 3)", "1 * (2 + 3)");
        case("-a * b", "-a * b");
        case("-(a * b)", "-(a * b)");
        case("-(a + b) * c", "-(a + b) * c");
        case("a - -b", "a - -b");
        case("a * -b", "a * -b");
        case("--1", "--1");
        case("-(-(1))", "--1");
        case("min(a, b, 3)", "min(a, b, 3)");
        case("max( a@prev ,b*2 )", "max(a@prev, b * 2)");
        case("abs(a - b@2014) / 2", "abs(a - b@2014) / 2");
        case("1.50 + 0.0", "1.50 + 0.0");
        case("-min(1, 2)", "-min(1, 2)");
        case("a\t+\nb", "a + b");
    }

    #[test]
    fn negative_literals_built_by_hand_print_with_their_sign() {
        let neg_one = Expr::Num(Decimal::NEGATIVE_ONE);
        assert_eq!(Expr::Neg(Box::new(neg_one.clone())).to_string(), "--1");
        let product =
            Expr::Bin { op: super::BinOp::Mul, lhs: Box::new(Expr::Num(Decimal::TWO)), rhs: Box::new(neg_one) };
        assert_eq!(product.to_string(), "2 * -1");
    }

    #[test]
    fn references_in_source_order() {
        let e = parse("a + b@prev * min(a, c@2014) - abs(d)").expect("parses");
        let refs: Vec<(&str, PeriodRef, Span)> =
            e.references().into_iter().map(|(n, p, s)| (n, p.clone(), s)).collect();
        assert_eq!(
            refs,
            vec![
                ("a", PeriodRef::Current, Span::new(0, 1)),
                ("b", PeriodRef::Prev, Span::new(4, 10)),
                ("a", PeriodRef::Current, Span::new(17, 18)),
                ("c", PeriodRef::Named("2014".to_string()), Span::new(20, 26)),
                ("d", PeriodRef::Current, Span::new(34, 35)),
            ]
        );
        assert!(parse("1 + 2").expect("parses").references().is_empty());
    }

    #[test]
    fn spans_count_characters_not_bytes() {
        // `专` is three bytes; its span is one character wide
        let err = parse("a + 专利").expect_err("non-ASCII id");
        assert_eq!(err.span, Span::new(4, 5));
    }

    #[test]
    fn unknown_reads_in_english() {
        let missing = Unknown::Missing(vec![
            Missing { metric: "a".to_string(), period: "2015".to_string() },
            Missing { metric: "b".to_string(), period: "2014".to_string() },
        ]);
        assert_eq!(missing.to_string(), "missing data: a@2015, b@2014");
        assert_eq!(Unknown::DivisionByZero.to_string(), "division by zero");
        assert_eq!(Unknown::TooLarge.to_string(), "number too large");
    }
}
