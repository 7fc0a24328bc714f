//! The numeric tower's general path: ints, big integers, floats and complex numbers as `Num`,
//! and arithmetic on them with Python's rules (true division, floor division and modulo
//! signs, powers, overflow into big integers). The interpreter's fast paths for small ints and
//! floats are in `ops`.

use super::ops::{int_fast, op_symbol};
use crate::parser::ast::BinOp;
use crate::runtime::value::{Obj, Value};
use crate::vm::{R, Vm};
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Pow, Signed, ToPrimitive, Zero};

#[derive(Clone)]
pub enum Num {
    I(i64),
    B(BigInt),
    F(f64),
    C(f64, f64),
}

pub fn to_num(v: Value<'_>) -> Option<Num> {
    match v {
        Value::Bool(b) => Some(Num::I(b.get() as i64)),
        Value::Int(i) => Some(Num::I(i)),
        Value::Float(f) => Some(Num::F(f.get())),
        Value::Obj(o) => match o.as_ref() {
            Obj::BigInt(b) => Some(Num::B(b.clone())),
            Obj::Complex(r, i) => Some(Num::C(*r, *i)),
            _ => None,
        },
        _ => None,
    }
}

fn to_big(n: &Num) -> BigInt {
    match n {
        Num::I(i) => BigInt::from(*i),
        Num::B(b) => b.clone(),
        _ => BigInt::zero(),
    }
}

pub fn num_to_f64(n: &Num) -> f64 {
    match n {
        Num::I(i) => *i as f64,
        Num::B(b) => b.to_f64().unwrap_or(if b.is_negative() {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        }),
        Num::F(f) => *f,
        Num::C(r, _) => *r,
    }
}

/// Python's float floor division and modulo.
pub fn float_divmod(a: f64, b: f64) -> (f64, f64) {
    let m = a % b;
    let mut div = (a - m) / b;
    let mut m2 = m;
    if m != 0.0 {
        if (b < 0.0) != (m < 0.0) {
            m2 += b;
            div -= 1.0;
        }
    } else {
        m2 = 0.0f64.copysign(b);
    }
    let fd = if div != 0.0 {
        let f = div.floor();
        if div - f > 0.5 { f + 1.0 } else { f }
    } else {
        0.0f64.copysign(a / b)
    };
    (fd, m2)
}

fn int_true_div(x: i64, y: i64) -> f64 {
    if x.unsigned_abs() < (1 << 53) && y.unsigned_abs() < (1 << 53) {
        x as f64 / y as f64
    } else {
        big_true_div(&BigInt::from(x), &BigInt::from(y))
    }
}

fn big_true_div(a: &BigInt, b: &BigInt) -> f64 {
    match (a.to_f64(), b.to_f64()) {
        (Some(x), Some(y))
            if x.is_finite() && y.is_finite() && x.abs() < 9e15 && y.abs() < 9e15 =>
        {
            x / y
        }
        _ => {
            // scale to keep precision for huge operands
            let (q, r) = a.div_rem(b);
            q.to_f64().unwrap_or(f64::INFINITY)
                + r.to_f64().unwrap_or(0.0) / b.to_f64().unwrap_or(f64::INFINITY)
        }
    }
}

type Complex = (f64, f64);

/// CPython's complex division (Smith's method); None for a zero divisor.
fn complex_quot(a: Complex, b: Complex) -> Option<Complex> {
    let (abs_br, abs_bi) = (b.0.abs(), b.1.abs());
    if abs_br >= abs_bi {
        if abs_br == 0.0 {
            return None;
        }
        let ratio = b.1 / b.0;
        let denom = b.0 + b.1 * ratio;
        Some(((a.0 + a.1 * ratio) / denom, (a.1 - a.0 * ratio) / denom))
    } else if abs_bi >= abs_br {
        let ratio = b.0 / b.1;
        let denom = b.0 * ratio + b.1;
        Some(((a.0 * ratio + a.1) / denom, (a.1 * ratio - a.0) / denom))
    } else {
        Some((f64::NAN, f64::NAN))
    }
}

/// `a ** b` as CPython's `_Py_c_pow` computes it; None for zero to a negative or complex power.
fn complex_pow(a: Complex, b: Complex) -> Option<Complex> {
    if b == (0.0, 0.0) {
        return Some((1.0, 0.0));
    }
    if a == (0.0, 0.0) {
        return (b.1 == 0.0 && b.0 >= 0.0).then_some((0.0, 0.0));
    }
    let vabs = a.0.hypot(a.1);
    let mut len = vabs.powf(b.0);
    let at = a.1.atan2(a.0);
    let mut phase = at * b.0;
    if b.1 != 0.0 {
        len /= (at * b.1).exp();
        phase += b.1 * vabs.ln();
    }
    Some((len * phase.cos(), len * phase.sin()))
}

/// `a ** n` for an integral exponent of at most 100 in size, by repeated squaring as CPython's
/// `c_powi` does (so `(1+2j) ** 2` is exact).
fn complex_powi(a: Complex, n: i64) -> Option<Complex> {
    let prod = |x: Complex, y: Complex| (x.0 * y.0 - x.1 * y.1, x.0 * y.1 + x.1 * y.0);
    let powu = |mut p: Complex, n: i64| {
        let (mut r, mut mask) = ((1.0, 0.0), 1i64);
        while mask > 0 && n >= mask {
            if n & mask != 0 {
                r = prod(r, p);
            }
            mask <<= 1;
            p = prod(p, p);
        }
        r
    };
    if n >= 0 {
        Some(powu(a, n))
    } else {
        complex_quot((1.0, 0.0), powu(a, -n))
    }
}

impl<'gc> Vm<'gc> {
    fn big_result(&self, b: BigInt) -> Value<'gc> {
        self.int_from_big(b)
    }

    /// Arithmetic between two numbers; None if either is not a number.
    pub(crate) fn numeric(&mut self, op: BinOp, a: &Num, b: &Num) -> R<'gc, Option<Value<'gc>>> {
        use Num::*;
        if let (C(..), _) | (_, C(..)) = (a, b) {
            return self.complex_op(op, a, b).map(Some);
        }
        if let (F(_), _) | (_, F(_)) = (a, b) {
            let (x, y) = (num_to_f64(a), num_to_f64(b));
            if matches!(
                op,
                BinOp::LShift
                    | BinOp::RShift
                    | BinOp::BitAnd
                    | BinOp::BitOr
                    | BinOp::BitXor
                    | BinOp::MatMul
            ) {
                return Ok(None);
            }
            let r = match op {
                BinOp::Add => x + y,
                BinOp::Sub => x - y,
                BinOp::Mul => x * y,
                BinOp::Div => {
                    if y == 0.0 {
                        return Err(self.zero_div("float division by zero"));
                    }
                    x / y
                }
                BinOp::FloorDiv => {
                    if y == 0.0 {
                        return Err(self.zero_div("float floor division by zero"));
                    }
                    float_divmod(x, y).0
                }
                BinOp::Mod => {
                    if y == 0.0 {
                        return Err(self.zero_div("float modulo"));
                    }
                    float_divmod(x, y).1
                }
                BinOp::Pow => {
                    if x == 0.0 && y < 0.0 {
                        return Err(self.zero_div("0.0 cannot be raised to a negative power"));
                    }
                    if x < 0.0 && y.fract() != 0.0 {
                        return self.complex_op(op, &C(x, 0.0), &C(y, 0.0)).map(Some);
                    }
                    let r = x.powf(y);
                    if r.is_infinite() && x.is_finite() && y.is_finite() {
                        return Err(self.overflow_error("(34, 'Numerical result out of range')"));
                    }
                    r
                }
                _ => unreachable!(),
            };
            return Ok(Some(Value::float(r)));
        }
        // both integers
        if let (I(x), I(y)) = (a, b) {
            if op == BinOp::Div && *y != 0 {
                return Ok(Some(Value::float(int_true_div(*x, *y))));
            }
            if let Some(v) = int_fast(op, *x, *y) {
                return Ok(Some(Value::Int(v)));
            }
        }
        let (x, y) = (to_big(a), to_big(b));
        let r = match op {
            BinOp::Add => x + y,
            BinOp::Sub => x - y,
            BinOp::Mul => x * y,
            BinOp::Div => {
                if y.is_zero() {
                    return Err(self.zero_div("division by zero"));
                }
                return Ok(Some(Value::float(big_true_div(&x, &y))));
            }
            BinOp::FloorDiv => {
                if y.is_zero() {
                    return Err(self.zero_div("integer division or modulo by zero"));
                }
                x.div_floor(&y)
            }
            BinOp::Mod => {
                if y.is_zero() {
                    return Err(self.zero_div("integer modulo by zero"));
                }
                x.mod_floor(&y)
            }
            BinOp::Pow => {
                if y.is_negative() {
                    if x.is_zero() {
                        return Err(self.zero_div("0.0 cannot be raised to a negative power"));
                    }
                    let xf = x.to_f64().unwrap_or(f64::INFINITY);
                    let yf = y.to_f64().unwrap_or(f64::NEG_INFINITY);
                    return Ok(Some(Value::float(xf.powf(yf))));
                }
                let Some(e) = y.to_u32() else {
                    if x.is_one() || x.is_zero() {
                        return Ok(Some(self.big_result(x)));
                    }
                    return Err(self.overflow_error("exponent too large"));
                };
                Pow::pow(x, e)
            }
            BinOp::LShift => {
                if y.is_negative() {
                    return Err(self.value_error("negative shift count"));
                }
                let Some(s) = y.to_usize() else {
                    return Err(self.overflow_error("too many digits in integer"));
                };
                x << s
            }
            BinOp::RShift => {
                if y.is_negative() {
                    return Err(self.value_error("negative shift count"));
                }
                let s = y.to_usize().unwrap_or(usize::MAX);
                if s > 1 << 20 {
                    if x.is_negative() {
                        BigInt::from(-1)
                    } else {
                        BigInt::zero()
                    }
                } else {
                    // Python shifts floor toward negative infinity
                    x.div_floor(&(BigInt::one() << s))
                }
            }
            BinOp::BitAnd => x & y,
            BinOp::BitOr => x | y,
            BinOp::BitXor => x ^ y,
            BinOp::MatMul => return Ok(None),
        };
        Ok(Some(self.big_result(r)))
    }

    fn complex_op(&mut self, op: BinOp, a: &Num, b: &Num) -> R<'gc> {
        let (ar, ai) = match a {
            Num::C(r, i) => (*r, *i),
            n => (num_to_f64(n), 0.0),
        };
        let (br, bi) = match b {
            Num::C(r, i) => (*r, *i),
            n => (num_to_f64(n), 0.0),
        };
        let (r, i) = match op {
            BinOp::Add => (ar + br, ai + bi),
            BinOp::Sub => (ar - br, ai - bi),
            BinOp::Mul => (ar * br - ai * bi, ar * bi + ai * br),
            BinOp::Div => match complex_quot((ar, ai), (br, bi)) {
                Some(q) => q,
                None => return Err(self.zero_div("complex division by zero")),
            },
            BinOp::Pow => {
                let r = if bi == 0.0 && br == br.floor() && br.abs() <= 100.0 {
                    complex_powi((ar, ai), br as i64)
                } else {
                    complex_pow((ar, ai), (br, bi))
                };
                let Some(r) = r else {
                    return Err(self.zero_div("0.0 to a negative or complex power"));
                };
                if r.0.is_infinite() || r.1.is_infinite() {
                    return Err(self.overflow_error("complex exponentiation"));
                }
                r
            }
            _ => {
                let s = op_symbol(op);
                return Err(self.type_error(format!(
                    "unsupported operand type(s) for {s}: 'complex' and 'complex'"
                )));
            }
        };
        Ok(self.obj(Obj::Complex(r, i)))
    }
}
