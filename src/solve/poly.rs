//! Polynomials and rational functions in one variable with `Decimal` coefficients,
//! for the exact path: closed under `+ − × ÷`, cancelling a common factor `x^k` and
//! proportional numerator and denominator, refusing degrees above [`MAX_DEGREE`].

use rust_decimal::Decimal;

use super::NonLinear;

/// The highest polynomial degree kept while building a rational function; the result
/// must come down to degree 1 to be solved exactly.
const MAX_DEGREE: usize = 2;

/// A polynomial in `x` with `Decimal` coefficients, lowest degree first, without
/// trailing zeros (the zero polynomial is empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Poly(Vec<Decimal>);

impl Poly {
    pub(super) fn new(mut coefficients: Vec<Decimal>) -> Poly {
        while coefficients.last().is_some_and(Decimal::is_zero) {
            coefficients.pop();
        }
        Poly(coefficients)
    }

    pub(super) fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    /// The degree; 0 for constants and the zero polynomial.
    pub(super) fn degree(&self) -> usize {
        self.0.len().saturating_sub(1)
    }

    pub(super) fn coef(&self, i: usize) -> Decimal {
        self.0.get(i).copied().unwrap_or(Decimal::ZERO)
    }

    pub(super) fn neg(&self) -> Poly {
        Poly(self.0.iter().map(|c| -*c).collect())
    }

    pub(super) fn add(&self, o: &Poly) -> Option<Poly> {
        let n = self.0.len().max(o.0.len());
        let sum: Option<Vec<Decimal>> = (0..n).map(|i| self.coef(i).checked_add(o.coef(i))).collect();
        Some(Poly::new(sum?))
    }

    pub(super) fn mul(&self, o: &Poly) -> Option<Poly> {
        if self.is_zero() || o.is_zero() {
            return Some(Poly(Vec::new()));
        }
        let mut out = vec![Decimal::ZERO; self.0.len() + o.0.len() - 1];
        for (i, a) in self.0.iter().enumerate() {
            for (j, b) in o.0.iter().enumerate() {
                out[i + j] = out[i + j].checked_add(a.checked_mul(*b)?)?;
            }
        }
        Some(Poly::new(out))
    }

    /// The value at `x` (Horner).
    pub(super) fn at(&self, x: Decimal) -> Option<Decimal> {
        self.0.iter().rev().try_fold(Decimal::ZERO, |acc, c| acc.checked_mul(x)?.checked_add(*c))
    }
}

/// A rational function P(x)/Q(x).
#[derive(Clone, Debug)]
pub(super) struct Ratio {
    pub num: Poly,
    pub den: Poly,
}

impl Ratio {
    pub(super) fn constant(c: Decimal) -> Ratio {
        Ratio { num: Poly::new(vec![c]), den: Poly::new(vec![Decimal::ONE]) }
    }

    pub(super) fn x() -> Ratio {
        Ratio { num: Poly::new(vec![Decimal::ZERO, Decimal::ONE]), den: Poly::new(vec![Decimal::ONE]) }
    }

    pub(super) fn neg(&self) -> Ratio {
        Ratio { num: self.num.neg(), den: self.den.clone() }
    }

    pub(super) fn add(&self, o: &Ratio) -> Result<Ratio, NonLinear> {
        if self.den == o.den {
            let num = self.num.add(&o.num).ok_or(NonLinear::TooLargeExact)?;
            return Ratio { num, den: self.den.clone() }.simplified();
        }
        let left = self.num.mul(&o.den).ok_or(NonLinear::TooLargeExact)?;
        let right = o.num.mul(&self.den).ok_or(NonLinear::TooLargeExact)?;
        let num = left.add(&right).ok_or(NonLinear::TooLargeExact)?;
        let den = self.den.mul(&o.den).ok_or(NonLinear::TooLargeExact)?;
        Ratio { num, den }.simplified()
    }

    pub(super) fn sub(&self, o: &Ratio) -> Result<Ratio, NonLinear> {
        self.add(&o.neg())
    }

    pub(super) fn mul(&self, o: &Ratio) -> Result<Ratio, NonLinear> {
        let num = self.num.mul(&o.num).ok_or(NonLinear::TooLargeExact)?;
        let den = self.den.mul(&o.den).ok_or(NonLinear::TooLargeExact)?;
        Ratio { num, den }.simplified()
    }

    pub(super) fn div(&self, o: &Ratio) -> Result<Ratio, NonLinear> {
        if o.num.is_zero() {
            return Err(NonLinear::DivisionByZero);
        }
        let num = self.num.mul(&o.den).ok_or(NonLinear::TooLargeExact)?;
        let den = self.den.mul(&o.num).ok_or(NonLinear::TooLargeExact)?;
        Ratio { num, den }.simplified()
    }

    /// Cancel a common factor x^k and proportional numerator and denominator; refuse
    /// degrees above [`MAX_DEGREE`].
    pub(super) fn simplified(mut self) -> Result<Ratio, NonLinear> {
        if self.num.is_zero() {
            return Ok(Ratio::constant(Decimal::ZERO));
        }
        while self.num.0.first().is_some_and(Decimal::is_zero) && self.den.0.first().is_some_and(Decimal::is_zero) {
            self.num.0.remove(0);
            self.den.0.remove(0);
        }
        let (dn, dd) = (self.num.degree(), self.den.degree());
        if dn == dd && dd >= 1 {
            let (ln, ld) = (self.num.coef(dn), self.den.coef(dd));
            let proportional = (0..=dn)
                .all(|i| matches!((self.num.coef(i).checked_mul(ld), self.den.coef(i).checked_mul(ln)), (Some(a), Some(b)) if a == b));
            if proportional {
                return Ok(Ratio { num: Poly::new(vec![ln]), den: Poly::new(vec![ld]) });
            }
        }
        if self.num.degree() > MAX_DEGREE || self.den.degree() > MAX_DEGREE {
            return Err(NonLinear::Product);
        }
        Ok(self)
    }
}
