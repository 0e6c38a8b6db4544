//! The compiled form of a formula: a flat postfix program over interned ids.
//!
//! Parsing gives a tree with names; evaluation of thousands of entities wants neither
//! names nor recursion. [`compile`] turns an [`Expr`] into a [`Code`]: literals and
//! params become constants, every reference a [`Ref`] to a metric index and a period
//! selector, and the operations a postfix list that [`Code::run`] evaluates with an
//! explicit value stack. The caller supplies the values of references (it holds the
//! per-entity table, `crate::evaluate::engine`) and makes sure that every reference a
//! program reads has been computed first ([`Code::refs`] lists them in reading order).

use rust_decimal::Decimal;

use super::{BinOp, Expr, Func, PeriodRef, Unknown};
use crate::interval::Interval;

/// A metric's position in the catalog (its id order).
pub type MetricIdx = u32;
/// A period's position in the plan's period table.
pub type PeriodIdx = u32;

/// Which period a reference reads, relative to the period the code runs at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum At {
    Current,
    Prev,
    Named(PeriodIdx),
}

/// One metric read at one period.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Ref {
    pub metric: MetricIdx,
    pub at: At,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Instr {
    Const(Decimal),
    Load(Ref),
    Neg,
    Bin(BinOp),
    /// A call over the top `n` values; the last field indexes [`Code::texts`].
    Call(Func, u32, u32),
    /// `if_zero`: pop the tested value; when it is zero run on (the "zero" branch,
    /// which ends in a `Jump` to `to_end`), when it cannot be zero go to `to_b`, else
    /// push why not and go to `to_end`. Only the branch taken is evaluated.
    IfZero {
        to_b: u32,
        to_end: u32,
    },
    /// The end of an `if_zero`'s "zero" branch.
    Jump {
        to: u32,
    },
}

/// Which way `if_zero` goes for its tested value (CONTRACT §4): an exact 0 (an
/// `approx` 0 counts, and makes the result approximate), a value that cannot be 0, or
/// neither ("bound cannot decide").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Branch {
    Zero { approx: bool },
    NonZero,
}

pub fn if_zero_branch(x: &Interval) -> Result<Branch, Unknown> {
    if x.as_point() == Some(Decimal::ZERO) {
        Ok(Branch::Zero { approx: x.approx })
    } else if !x.contains_zero() {
        Ok(Branch::NonZero)
    } else {
        Err(Unknown::ZeroUndecided)
    }
}

/// A compiled formula.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Code {
    pub instrs: Vec<Instr>,
    /// Every distinct reference, in the order the formula reads them.
    pub refs: Vec<Ref>,
    /// The text of each call, as written canonically (for the solver's notes).
    pub texts: Vec<String>,
}

/// How names compile: a param's value, a metric's index, and a period id's index.
pub trait Names {
    fn param(&self, name: &str) -> Option<Decimal>;
    fn metric(&self, name: &str) -> Option<MetricIdx>;
    fn period(&self, id: &str) -> Option<PeriodIdx>;
}

/// A name that is neither a param nor a metric (validation reports those first).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownName(pub String);

/// Compile `expr`; recursion follows the nesting only (bounded by the parser), never
/// the length of a `a + b + c …` chain.
pub fn compile(expr: &Expr, names: &dyn Names) -> Result<Code, UnknownName> {
    let mut code = Code::default();
    emit(expr, names, &mut code)?;
    Ok(code)
}

fn emit(e: &Expr, names: &dyn Names, code: &mut Code) -> Result<(), UnknownName> {
    match e {
        Expr::Num(n) => code.instrs.push(Instr::Const(*n)),
        Expr::Ref { name, period, .. } => {
            if let Some(v) = names.param(name) {
                code.instrs.push(Instr::Const(v));
                return Ok(());
            }
            let metric = names.metric(name).ok_or_else(|| UnknownName(name.clone()))?;
            let at = match period {
                PeriodRef::Current => At::Current,
                PeriodRef::Prev => At::Prev,
                PeriodRef::Named(p) => At::Named(names.period(p).ok_or_else(|| UnknownName(format!("{name}@{p}")))?),
            };
            let r = Ref { metric, at };
            if !code.refs.contains(&r) {
                code.refs.push(r);
            }
            code.instrs.push(Instr::Load(r));
        }
        Expr::Neg(inner) => {
            emit(inner, names, code)?;
            code.instrs.push(Instr::Neg);
        }
        Expr::Bin { .. } => {
            let (head, tail) = e.chain();
            emit(head, names, code)?;
            for (op, rhs) in tail {
                emit(rhs, names, code)?;
                code.instrs.push(Instr::Bin(op));
            }
        }
        Expr::Call { func: Func::IfZero, args, .. } if args.len() == 3 => {
            emit(&args[0], names, code)?;
            let test = code.instrs.len();
            code.instrs.push(Instr::IfZero { to_b: 0, to_end: 0 });
            emit(&args[1], names, code)?;
            let jump = code.instrs.len();
            code.instrs.push(Instr::Jump { to: 0 });
            let to_b = u32::try_from(code.instrs.len()).unwrap_or(u32::MAX);
            emit(&args[2], names, code)?;
            let to_end = u32::try_from(code.instrs.len()).unwrap_or(u32::MAX);
            code.instrs[test] = Instr::IfZero { to_b, to_end };
            code.instrs[jump] = Instr::Jump { to: to_end };
        }
        Expr::Call { func, args, .. } => {
            for a in args {
                emit(a, names, code)?;
            }
            let text = u32::try_from(code.texts.len()).unwrap_or(u32::MAX);
            code.texts.push(e.to_string());
            code.instrs.push(Instr::Call(*func, u32::try_from(args.len()).unwrap_or(u32::MAX), text));
        }
    }
    Ok(())
}

type Value = Result<Interval, Unknown>;

impl Code {
    /// The program that reads one metric.
    pub fn load(metric: MetricIdx, at: At) -> Code {
        let r = Ref { metric, at };
        Code { instrs: vec![Instr::Load(r)], refs: vec![r], texts: Vec::new() }
    }

    /// Evaluate over intervals; `load` gives the value of a reference. `stack` is
    /// scratch space, reused between runs.
    ///
    /// Every operand is evaluated even after another has failed, so that a `Missing`
    /// reason lists every missing input (CONTRACT §9): failures combine as any
    /// `Missing` winning, with the union of the lists in first-seen order, else the
    /// first other failure, exactly as the tree evaluator does.
    pub fn run(&self, load: &mut dyn FnMut(Ref) -> Value, stack: &mut Vec<Value>) -> Value {
        let base = stack.len();
        // One flag per `if_zero` whose zero branch is running: was its 0 approximate?
        let mut approx_zero: Vec<bool> = Vec::new();
        let mut pc = 0;
        while let Some(instr) = self.instrs.get(pc) {
            pc += 1;
            match instr {
                Instr::IfZero { to_b, to_end } => {
                    let decided = stack.pop().unwrap_or(Err(Unknown::TooLarge)).and_then(|x| if_zero_branch(&x));
                    match decided {
                        Ok(Branch::Zero { approx }) => approx_zero.push(approx),
                        Ok(Branch::NonZero) => pc = *to_b as usize,
                        Err(e) => {
                            stack.push(Err(e));
                            pc = *to_end as usize;
                        }
                    }
                }
                Instr::Jump { to } => {
                    if approx_zero.pop() == Some(true)
                        && let Some(Ok(v)) = stack.last_mut()
                    {
                        v.approx = true;
                    }
                    pc = *to as usize;
                }
                Instr::Const(n) => stack.push(Ok(Interval::point(*n))),
                Instr::Load(r) => stack.push(load(*r)),
                Instr::Neg => {
                    if let Some(Ok(v)) = stack.last_mut() {
                        *v = v.neg();
                    }
                }
                Instr::Bin(op) => {
                    let (Some(r), Some(l)) = (stack.pop(), stack.pop()) else { break };
                    stack.push(match (l, r) {
                        (Ok(l), Ok(r)) => apply(*op, &l, &r),
                        (Err(a), Err(b)) => Err(a.merge(b)),
                        (Err(e), Ok(_)) | (Ok(_), Err(e)) => Err(e),
                    });
                }
                Instr::Call(func, n, _) => {
                    let n = *n as usize;
                    let start = stack.len().saturating_sub(n).max(base);
                    // The arguments are read where they lie: no vector per call.
                    let result = call_on(*func, &stack[start..]);
                    stack.truncate(start);
                    stack.push(result);
                }
            }
        }
        let result = stack.pop().unwrap_or(Err(Unknown::TooLarge));
        stack.truncate(base);
        result
    }
}

/// One binary operation over intervals.
pub fn apply(op: BinOp, l: &Interval, r: &Interval) -> Value {
    let result = match op {
        BinOp::Add => l.add(r),
        BinOp::Sub => l.sub(r),
        BinOp::Mul => l.mul(r),
        BinOp::Div => l.div(r),
    };
    result.map_err(Unknown::from)
}

/// A call over evaluated arguments (any failure among them wins, as in [`Code::run`]).
pub fn call(func: Func, args: Vec<Value>) -> Value {
    call_on(func, &args)
}

/// [`call`] over borrowed arguments.
pub fn call_on(func: Func, args: &[Value]) -> Value {
    if func == Func::IfZero {
        return match args {
            [x, zero, other] => if_zero(x.clone(), zero.clone(), other.clone()),
            _ => Err(Unknown::Arity(func)),
        };
    }
    let mut failure: Option<Unknown> = None;
    for a in args {
        if let Err(e) = a {
            failure = Some(match failure {
                None => e.clone(),
                Some(f) => f.merge(e.clone()),
            });
        }
    }
    if let Some(f) = failure {
        return Err(f);
    }
    // Every argument is a value now; most calls have a few, kept on the stack.
    let mut few = [Interval::unbounded(); 8];
    let many: Vec<Interval>;
    let values: &[Interval] = if args.len() <= few.len() {
        for (slot, a) in few.iter_mut().zip(args) {
            if let Ok(v) = a {
                *slot = *v;
            }
        }
        &few[..args.len()]
    } else {
        many = args.iter().filter_map(|a| a.as_ref().ok().copied()).collect();
        &many
    };
    match (func, values) {
        (Func::Abs, [x]) => Ok(x.abs()),
        (Func::Min, [_, ..]) => Ok(Interval::min(values)),
        (Func::Max, [_, ..]) => Ok(Interval::max(values)),
        (Func::Abs, _) | (Func::Min | Func::Max, []) | (Func::IfZero, _) => Err(Unknown::Arity(func)),
    }
}

/// `if_zero` over values already computed: the tested value decides, and the failure
/// of the branch not taken does not count.
pub fn if_zero(x: Value, zero: Value, other: Value) -> Value {
    match if_zero_branch(&x?)? {
        Branch::Zero { approx } => zero.map(|mut v| {
            v.approx |= approx;
            v
        }),
        Branch::NonZero => other,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::{Just, Strategy, prop_assert_eq, prop_oneof, proptest};

    use super::*;
    use crate::expr::{Missing, parse};
    use crate::interval::testing::{d, iv, p};

    struct World;

    const METRICS: [&str; 10] = ["a", "b", "z", "ge", "le", "pm", "nope", "nope1", "nope2", "az"];

    impl Names for World {
        fn param(&self, name: &str) -> Option<Decimal> {
            (name == "k").then(|| d("10"))
        }
        fn metric(&self, name: &str) -> Option<MetricIdx> {
            METRICS.iter().position(|m| *m == name).map(|i| i as MetricIdx)
        }
        fn period(&self, id: &str) -> Option<PeriodIdx> {
            ["2015", "2014", "h1"].iter().position(|p| *p == id).map(|i| i as PeriodIdx)
        }
    }

    fn values() -> HashMap<(&'static str, u32), Interval> {
        HashMap::from([
            (("a", 0), p("2")),
            (("b", 0), p("3")),
            (("a", 1), p("1.5")),
            (("z", 0), p("0")),
            (("ge", 0), iv("10", "inf")),
            (("le", 0), iv("-inf", "4")),
            (("pm", 0), iv("-2", "3")),
            (("az", 0), Interval::approx(d("0"))),
        ])
    }

    /// The same world through the compiled program and through the tree evaluator.
    fn both(src: &str) -> (Value, Value) {
        let e = parse(src).unwrap_or_else(|err| panic!("{src}: {err:?}"));
        let world = values();
        let period_of = |at: &PeriodRef| match at {
            PeriodRef::Current => 0,
            PeriodRef::Prev => 1,
            PeriodRef::Named(p) => World.period(p).unwrap_or(9),
        };
        let lookup = |name: &str, period: u32| {
            world
                .get(&(name, period))
                .copied()
                .ok_or_else(|| Unknown::Missing(vec![Missing { metric: name.to_string(), period: period.to_string() }]))
        };
        let tree = e.eval(&mut |name, at| match World.param(name) {
            Some(v) => Ok(Interval::point(v)),
            None => lookup(name, period_of(at)),
        });
        let code = compile(&e, &World).unwrap_or_else(|err| panic!("{src}: {err:?}"));
        let mut stack = Vec::new();
        let compiled = code.run(
            &mut |r| {
                let period = match r.at {
                    At::Current => 0,
                    At::Prev => 1,
                    At::Named(p) => p,
                };
                lookup(METRICS[r.metric as usize], period)
            },
            &mut stack,
        );
        assert!(stack.is_empty());
        (compiled, tree)
    }

    #[test]
    fn compiled_programs_agree_with_the_tree_evaluator() {
        for src in [
            "a + b * 2",
            "a - b - a@prev",
            "-(a + b) / k",
            "a / z",
            "missing1 + b + missing2 + missing1",
            "a / z + missing1",
            "min(a, b, ge)",
            "max(le, pm) * ge",
            "abs(pm) - a@2014",
            "a@h1 + b",
            "min(missing1, a / z, missing2)",
            "if_zero(z, 100, a / z * 100)",
            "if_zero(a, missing1, b)",
            "if_zero(z, b, missing1)",
            "if_zero(pm, a, b)",
            "if_zero(ge, missing1, a + b)",
            "if_zero(missing1, a, missing2)",
            "if_zero(az, a, b) + 1",
            "if_zero(z, if_zero(a, 1, if_zero(az, 2, 3)), 4) * 10",
            // More arguments than a call keeps on the stack.
            "min(a, b, a, b, a, b, a, b, ge, a)",
            "max(a, b, a, b, a, b, a, b, le, missing1)",
        ] {
            let (compiled, tree) = both(&src.replace("missing1", "nope1").replace("missing2", "nope2"));
            assert_eq!(compiled, tree, "{src}");
        }
    }

    #[test]
    fn if_zero_takes_one_branch_only() {
        let value = |src: &str| both(&src.replace("missing1", "nope1")).0;
        // A year without cases counts as 100%: the division is never evaluated.
        assert_eq!(value("if_zero(z, 100, a / z * 100)"), Ok(p("100")));
        // The missing input of the branch not taken does not matter.
        assert_eq!(value("if_zero(a, missing1, b)"), Ok(p("3")));
        // A value that might be zero and might not: unknown.
        assert_eq!(value("if_zero(pm, a, b)"), Err(Unknown::ZeroUndecided));
        // An approximate 0 counts, and the result is approximate.
        assert_eq!(value("if_zero(az, a, b)"), Ok(Interval { approx: true, ..p("2") }));
    }

    #[test]
    fn if_zero_reads_only_the_inputs_of_the_branch_taken() {
        // The engine computes what a program loads: the branch not taken must not ask.
        let loaded = |src: &str| {
            let code =
                compile(&parse(src).unwrap_or_else(|e| panic!("{e:?}")), &World).unwrap_or_else(|e| panic!("{e:?}"));
            let world = values();
            let mut seen = Vec::new();
            let result = code.run(
                &mut |r| {
                    seen.push(METRICS[r.metric as usize]);
                    Ok(world[&(METRICS[r.metric as usize], 0)])
                },
                &mut Vec::new(),
            );
            (result, seen)
        };
        assert_eq!(loaded("if_zero(z, a, b)"), (Ok(p("2")), vec!["z", "a"]));
        assert_eq!(loaded("if_zero(a, z, b)"), (Ok(p("3")), vec!["a", "b"]));
        assert_eq!(loaded("if_zero(pm, a, b)"), (Err(Unknown::ZeroUndecided), vec!["pm"]));
    }

    #[test]
    fn an_if_zero_built_by_hand_without_three_arguments_is_an_arity_error() {
        let two = || Expr::Num(d("2"));
        let e = Expr::Call { func: Func::IfZero, args: vec![two(), two()], span: Default::default() };
        let code = compile(&e, &World).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(code.run(&mut |_| Ok(p("0")), &mut Vec::new()), Err(Unknown::Arity(Func::IfZero)));
    }

    #[test]
    fn a_call_of_if_zero_over_computed_values_takes_the_tested_branch() {
        let (zero, approx_zero) = (Ok(p("0")), Ok(Interval::approx(d("0"))));
        let missing = || Err(Unknown::Missing(vec![Missing { metric: "x".into(), period: "2015".into() }]));
        assert_eq!(call(Func::IfZero, vec![zero.clone(), Ok(p("5")), missing()]), Ok(p("5")));
        assert_eq!(call(Func::IfZero, vec![Ok(p("1")), missing(), Ok(p("7"))]), Ok(p("7")));
        // An approximate 0 makes the result approximate; an exact 0 keeps the branch's own.
        let approx_five = Ok(Interval::approx(d("5")));
        assert_eq!(call(Func::IfZero, vec![approx_zero, Ok(p("5")), Ok(p("7"))]), approx_five);
        assert_eq!(call(Func::IfZero, vec![zero, approx_five.clone(), Ok(p("7"))]), approx_five);
        assert_eq!(call(Func::IfZero, vec![Ok(p("0")), Ok(p("5"))]), Err(Unknown::Arity(Func::IfZero)));
    }

    #[test]
    fn references_are_listed_once_in_reading_order() {
        let e = parse("b + a * b + a@prev + k").unwrap_or_else(|err| panic!("{err:?}"));
        let code = compile(&e, &World).unwrap_or_else(|err| panic!("{err:?}"));
        let refs: Vec<(u32, At)> = code.refs.iter().map(|r| (r.metric, r.at)).collect();
        assert_eq!(refs, vec![(1, At::Current), (0, At::Current), (0, At::Prev)]);
        assert_eq!(compile(&parse("q").unwrap_or_else(|e| panic!("{e:?}")), &World), Err(UnknownName("q".into())));
    }

    #[test]
    fn a_long_chain_compiles_and_runs_without_recursion() {
        let src = vec!["a"; 1000].join(" + ");
        let (compiled, tree) = both(&src);
        assert_eq!(compiled, Ok(p("2000")));
        assert_eq!(tree, compiled);
    }

    fn formula() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            Just("a".to_string()),
            Just("b".to_string()),
            Just("z".to_string()),
            Just("az".to_string()),
            Just("ge".to_string()),
            Just("le".to_string()),
            Just("pm".to_string()),
            Just("a@prev".to_string()),
            Just("nope".to_string()),
            Just("k".to_string()),
            Just("1.5".to_string()),
        ];
        leaf.prop_recursive(4, 24, 3, |inner| {
            prop_oneof![
                (inner.clone(), inner.clone(), prop_oneof![Just("+"), Just("-"), Just("*"), Just("/")])
                    .prop_map(|(l, r, op)| format!("({l} {op} {r})")),
                inner.clone().prop_map(|x| format!("-{x}")),
                (inner.clone(), inner.clone()).prop_map(|(l, r)| format!("min({l}, {r})")),
                (inner.clone(), inner.clone(), inner.clone()).prop_map(|(x, a, b)| format!("if_zero({x}, {a}, {b})")),
                (inner.clone(), inner).prop_map(|(l, r)| format!("max({l}, {r})")),
            ]
        })
    }

    proptest! {
        #[test]
        fn compiled_equals_tree(src in formula()) {
            let (compiled, tree) = both(&src);
            prop_assert_eq!(compiled, tree);
        }
    }
}
