//! Evaluation of a formula tree over intervals: the reference semantics that the
//! compiled programs (`compile`) are checked against, and the evaluator of formulas
//! that are not part of a plan.
//!
//! The caller resolves references (it knows the entity, the period and the params);
//! this file only combines intervals, with the operations `compile` defines. Every operand is evaluated even after another
//! has failed, because a user fetching missing figures wants the whole list at once
//! (CONTRACT §9), not one name per run.

use super::compile::{Branch, apply, call, if_zero_branch};
use super::{Expr, Func, PeriodRef, Unknown};
use crate::interval::Interval;

pub(super) fn eval(
    e: &Expr,
    resolve: &mut dyn FnMut(&str, &PeriodRef) -> Result<Interval, Unknown>,
) -> Result<Interval, Unknown> {
    match e {
        Expr::Num(n) => Ok(Interval::point(*n)),
        Expr::Ref { name, period, .. } => resolve(name, period),
        Expr::Neg(inner) => Ok(eval(inner, resolve)?.neg()),
        Expr::Bin { .. } => {
            // A chain `a + b + c …` in a loop, not by recursion (see `Expr::chain`);
            // folding pairwise is exactly what evaluating each node would do.
            let (head, tail) = e.chain();
            let mut acc = eval(head, resolve);
            for (op, rhs) in tail {
                let r = eval(rhs, resolve);
                acc = match (acc, r) {
                    (Ok(l), Ok(r)) => apply(op, &l, &r),
                    (Err(a), Err(b)) => Err(a.merge(b)),
                    (Err(e), Ok(_)) | (Ok(_), Err(e)) => Err(e),
                };
            }
            acc
        }
        Expr::Call { func: Func::IfZero, args, .. } if args.len() == 3 => {
            // Only the branch taken is evaluated (CONTRACT §4).
            match if_zero_branch(&eval(&args[0], resolve)?)? {
                Branch::Zero { approx } => eval(&args[1], resolve).map(|mut v| {
                    v.approx |= approx;
                    v
                }),
                Branch::NonZero => eval(&args[2], resolve),
            }
        }
        Expr::Call { func, args, .. } => {
            // The parser guarantees the arity; a tree built by hand gets an answer
            // (`Unknown::Arity`) rather than a panic.
            let results: Vec<_> = args.iter().map(|a| eval(a, resolve)).collect();
            call(*func, results)
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::{Just, Strategy, any, prop_assert, prop_oneof, proptest};
    use rust_decimal::Decimal;

    use crate::expr::{BinOp, Expr, Func, Missing, PeriodRef, Span, Unknown, parse};
    use crate::interval::Interval;
    use crate::interval::testing::{d, iv, p};

    fn missing(metric: &str, period: &str) -> Missing {
        Missing { metric: metric.to_string(), period: period.to_string() }
    }

    /// The figures of one entity for period 2015 (and `@prev` = 2014); anything else
    /// is missing, and `@prev` of a named non-year period is "not a year".
    fn world() -> HashMap<(&'static str, &'static str), Interval> {
        HashMap::from([
            (("a", "2015"), p("2")),
            (("b", "2015"), p("3")),
            (("a", "2014"), p("1.5")),
            (("z", "2015"), p("0")),
            (("big", "2015"), Interval::point(Decimal::MAX)),
            (("ge", "2015"), iv("10", "inf")),
            (("le", "2015"), iv("-inf", "4")),
            (("pm", "2015"), iv("-2", "3")),
            (("ax", "2015"), Interval::approx(d("100"))),
        ])
    }

    fn run(src: &str) -> Result<Interval, Unknown> {
        let e = parse(src).unwrap_or_else(|err| panic!("{src}: {err:?}"));
        let world = world();
        e.eval(&mut |name, period| {
            let period = match period {
                PeriodRef::Current => "2015".to_string(),
                PeriodRef::Prev => "2014".to_string(),
                PeriodRef::Named(p) if p == "h1" => {
                    return Err(Unknown::PrevOfNonYear { period: p.clone() });
                }
                PeriodRef::Named(p) => p.clone(),
            };
            world
                .get(&(name, period.as_str()))
                .cloned()
                .ok_or_else(|| Unknown::Missing(vec![Missing { metric: name.to_string(), period }]))
        })
    }

    #[track_caller]
    fn case(src: &str, expected: Result<Interval, Unknown>) {
        assert_eq!(run(src), expected, "{src}");
    }

    #[test]
    fn precedence_and_associativity() {
        case("1 + 2 * 3", Ok(p("7")));
        case("(1 + 2) * 3", Ok(p("9")));
        case("2 - 3 - 4", Ok(p("-5")));
        case("8 / 4 / 2", Ok(p("1")));
        case("2 * 3 - 4 / 2", Ok(p("4")));
        case("0.1 + 0.2", Ok(p("0.3")));
        case("1 / 3 * 3", Ok(p("0.9999999999999999999999999999")));
        case("2 / 3", Ok(p("0.6666666666666666666666666667")));
    }

    #[test]
    fn unary_minus() {
        case("-2 * 3", Ok(p("-6")));
        case("-2 - 3", Ok(p("-5")));
        case("1 - -1", Ok(p("2")));
        case("--1", Ok(p("1")));
        case("---1", Ok(p("-1")));
        case("2 * -3", Ok(p("-6")));
        case("-(2 + 3) * 2", Ok(p("-10")));
        case("-ge", Ok(iv("-inf", "-10")));
    }

    #[test]
    fn references_and_periods() {
        case("a + b", Ok(p("5")));
        case("a@prev", Ok(p("1.5")));
        case("a@2014", Ok(p("1.5")));
        case("a@2015", Ok(p("2")));
        case("(a - a@prev) / a@prev * 100", Ok(p("33.333333333333333333333333330")));
        case("a@h1", Err(Unknown::PrevOfNonYear { period: "h1".to_string() }));
    }

    #[test]
    fn functions() {
        case("min(3, 1, 2)", Ok(p("1")));
        case("max(3, 1, 2)", Ok(p("3")));
        case("max(7)", Ok(p("7")));
        case("abs(-4)", Ok(p("4")));
        case("abs(a - b)", Ok(p("1")));
        case("min(ge, 20)", Ok(iv("10", "20")));
        case("max(ge, 20)", Ok(iv("20", "inf")));
        case("min(le, pm)", Ok(iv("-inf", "3")));
        case("max(le, pm)", Ok(iv("-2", "4")));
        case("abs(pm)", Ok(iv("0", "3")));
        case("abs(le)", Ok(iv("0", "inf")));
        case("abs(-ge)", Ok(iv("10", "inf")));
    }

    #[test]
    fn intervals_flow_through() {
        case("ge * 2 + 1", Ok(iv("21", "inf")));
        case("1 / ge", Ok(iv("0", "0.1")));
        case("0 * ge", Ok(p("0")));
        case("ge - le", Ok(iv("6", "inf")));
        case("ax / 4", Ok(Interval::approx(d("25"))));
        case("max(ax, 1) - ax", Ok(Interval::approx(d("0"))));
    }

    #[test]
    fn failures() {
        case("a / z", Err(Unknown::DivisionByZero));
        case("a / pm", Err(Unknown::DivisionByZero));
        case("a / (b - 3)", Err(Unknown::DivisionByZero));
        case("big + 1", Err(Unknown::TooLarge));
        case("big * 2", Err(Unknown::TooLarge));
        case("big * 2 + a / z", Err(Unknown::TooLarge));
        case("a / z + big * 2", Err(Unknown::DivisionByZero));
    }

    #[test]
    fn every_missing_input_is_listed() {
        case("max(x, y)", Err(Unknown::Missing(vec![missing("x", "2015"), missing("y", "2015")])));
        // even where max() could decide from what is there
        case("max(ge, x)", Err(Unknown::Missing(vec![missing("x", "2015")])));
        case(
            "x + a * y@prev - x + b@2013",
            Err(Unknown::Missing(vec![missing("x", "2015"), missing("y", "2014"), missing("b", "2013")])),
        );
        // missing wins over any other failure, wherever it is
        case("a / z + x", Err(Unknown::Missing(vec![missing("x", "2015")])));
        case("big * 2 - abs(x)", Err(Unknown::Missing(vec![missing("x", "2015")])));
        case("-x / y", Err(Unknown::Missing(vec![missing("x", "2015"), missing("y", "2015")])));
    }

    #[test]
    fn a_resolver_may_report_several_missing_inputs_at_once() {
        // a derived metric's resolver reports all of its own missing inputs
        let e = parse("share + x + y").expect("parses");
        let result = e.eval(&mut |name, _| match name {
            "share" => Err(Unknown::Missing(vec![missing("x", "2015"), missing("w", "2015")])),
            other => Err(Unknown::Missing(vec![missing(other, "2015")])),
        });
        assert_eq!(
            result,
            Err(Unknown::Missing(vec![missing("x", "2015"), missing("w", "2015"), missing("y", "2015")]))
        );
    }

    #[test]
    fn trees_built_by_hand_do_not_panic() {
        let call = |func, args| Expr::Call { func, args, span: Span::default() };
        let none = &mut |_: &str, _: &PeriodRef| Ok(Interval::unbounded());
        assert!(matches!(call(Func::Abs, vec![]).eval(none), Err(Unknown::Arity(_))));
        assert!(matches!(call(Func::Min, vec![]).eval(none), Err(Unknown::Arity(_))));
        let two = || Expr::Num(Decimal::TWO);
        assert!(matches!(call(Func::Abs, vec![two(), two()]).eval(none), Err(Unknown::Arity(_))));
        let sum = Expr::Bin { op: BinOp::Add, lhs: Box::new(two()), rhs: Box::new(two()) };
        assert_eq!(sum.eval(none), Ok(Interval::point(Decimal::from(4))));
    }

    const VARS: [&str; 3] = ["a", "b", "c"];

    /// A small decimal: up to ±1000 with up to 2 places.
    fn small() -> impl Strategy<Value = Decimal> {
        (-100_000i64..=100_000, 0u32..=2).prop_map(|(m, s)| Decimal::new(m, s))
    }

    /// An interval, possibly unbounded on a side, and a value inside it.
    fn interval_and_member() -> impl Strategy<Value = (Interval, Decimal)> {
        (small(), small(), small(), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(
            |(x, y, z, has_low, has_high, approx)| {
                let mut v = [x, y, z];
                v.sort();
                let [low, member, high] = v;
                (Interval { low: has_low.then_some(low), high: has_high.then_some(high), approx }, member)
            },
        )
    }

    fn tree() -> impl Strategy<Value = Expr> {
        let leaf = prop_oneof![
            small().prop_map(|n| Expr::Num(n.abs())),
            (0..VARS.len()).prop_map(|i| Expr::Ref {
                name: VARS[i].to_string(),
                period: PeriodRef::Current,
                span: Span::default(),
            }),
        ];
        leaf.prop_recursive(5, 40, 3, |inner| {
            let op = prop_oneof![Just(BinOp::Add), Just(BinOp::Sub), Just(BinOp::Mul), Just(BinOp::Div)];
            let func = prop_oneof![Just(Func::Min), Just(Func::Max)];
            prop_oneof![
                inner.clone().prop_map(|e| Expr::Neg(Box::new(e))),
                (op, inner.clone(), inner.clone()).prop_map(|(op, l, r)| Expr::Bin {
                    op,
                    lhs: Box::new(l),
                    rhs: Box::new(r)
                }),
                inner.clone().prop_map(|e| Expr::Call { func: Func::Abs, args: vec![e], span: Span::default() }),
                (func, proptest::collection::vec(inner, 1..4))
                    .prop_map(|(func, args)| { Expr::Call { func, args, span: Span::default() } }),
            ]
        })
    }

    proptest! {
        #[test]
        fn point_inputs_give_values_inside_interval_results(
            e in tree(),
            inputs in proptest::collection::vec(interval_and_member(), VARS.len()),
        ) {
            let index = |name: &str| VARS.iter().position(|v| *v == name).unwrap_or(0);
            let whole = e.eval(&mut |name, _| Ok(inputs[index(name)].0));
            let point = e.eval(&mut |name, _| Ok(Interval::point(inputs[index(name)].1)));
            if let Ok(whole) = whole {
                prop_assert!(point.is_ok(), "{e}: interval {whole:?} but point {point:?}");
                if let Ok(point) = point {
                    let v = point.as_point();
                    prop_assert!(v.is_some_and(|v| whole.contains(v)), "{e}: {v:?} not in {whole:?}");
                }
            }
        }

        #[test]
        fn display_parses_back_to_the_same_value(e in tree()) {
            let text = e.to_string();
            let parsed = parse(&text);
            prop_assert!(parsed.is_ok(), "{text}: {parsed:?}");
            if let Ok(parsed) = parsed {
                prop_assert!(parsed.to_string() == text);
                let value = |e: &Expr| e.eval(&mut |_, _| Ok(Interval::point(Decimal::ONE)));
                prop_assert!(value(&parsed) == value(&e));
            }
        }
    }
}
