//! The `math` module.

use super::{add_fn, add_value};
use crate::builtins::{arg, nargs};
use crate::runtime::function::Kw;
use crate::runtime::numeric::{Num, to_num};
use crate::runtime::value::{DictRef, Truth, Value};
use crate::vm::{R, Vm};
use num_bigint::BigInt;
use num_traits::{One, Signed, ToPrimitive, Zero};

pub fn init<'gc>(vm: &mut Vm<'gc>, d: DictRef<'gc>) {
    add_value(vm, d, "pi", Value::float(std::f64::consts::PI));
    add_value(vm, d, "e", Value::float(std::f64::consts::E));
    add_value(vm, d, "tau", Value::float(std::f64::consts::TAU));
    add_value(vm, d, "inf", Value::float(f64::INFINITY));
    add_value(vm, d, "nan", Value::float(f64::NAN));
    add_fn(vm, d, "sqrt", sqrt);
    add_fn(vm, d, "exp", exp);
    add_fn(vm, d, "log", log);
    add_fn(vm, d, "log2", log2);
    add_fn(vm, d, "log10", log10);
    add_fn(vm, d, "sin", sin);
    add_fn(vm, d, "cos", cos);
    add_fn(vm, d, "tan", tan);
    add_fn(vm, d, "asin", asin);
    add_fn(vm, d, "acos", acos);
    add_fn(vm, d, "atan", atan);
    add_fn(vm, d, "sinh", sinh);
    add_fn(vm, d, "cosh", cosh);
    add_fn(vm, d, "tanh", tanh);
    add_fn(vm, d, "atan2", atan2);
    add_fn(vm, d, "hypot", hypot);
    add_fn(vm, d, "pow", pow);
    add_fn(vm, d, "fabs", fabs);
    add_fn(vm, d, "fmod", fmod);
    add_fn(vm, d, "copysign", copysign);
    add_fn(vm, d, "degrees", degrees);
    add_fn(vm, d, "radians", radians);
    add_fn(vm, d, "floor", floor);
    add_fn(vm, d, "ceil", ceil);
    add_fn(vm, d, "trunc", trunc);
    add_fn(vm, d, "isnan", isnan);
    add_fn(vm, d, "isinf", isinf);
    add_fn(vm, d, "isfinite", isfinite);
    add_fn(vm, d, "isclose", isclose);
    add_fn(vm, d, "factorial", factorial);
    add_fn(vm, d, "gcd", gcd);
    add_fn(vm, d, "lcm", lcm);
    add_fn(vm, d, "isqrt", isqrt);
    add_fn(vm, d, "comb", comb);
    add_fn(vm, d, "perm", perm);
    add_fn(vm, d, "prod", prod);
    add_fn(vm, d, "fsum", fsum);
    add_fn(vm, d, "modf", modf);
    add_fn(vm, d, "frexp", frexp);
    add_fn(vm, d, "ldexp", ldexp);
}

fn f<'gc>(vm: &mut Vm<'gc>, v: Value<'gc>) -> R<'gc, f64> {
    crate::builtins::numbers::to_float(vm, v).map_err(|_| {
        let t = vm.type_name(v);
        vm.type_error(format!("must be real number, not {t}"))
    })
}

fn domain<'gc>(vm: &mut Vm<'gc>) -> Value<'gc> {
    vm.value_error("math domain error")
}

macro_rules! unary {
    ($name:ident, $body:expr, $check:expr) => {
        fn $name<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
            nargs(vm, stringify!($name), args, 1, 1)?;
            let x = f(vm, args[0])?;
            let ok: fn(f64) -> bool = $check;
            if !ok(x) {
                return Err(domain(vm));
            }
            let g: fn(f64) -> f64 = $body;
            Ok(Value::float(g(x)))
        }
    };
}

unary!(exp, |x| x.exp(), |_| true);
unary!(sin, |x| x.sin(), |x| x.is_finite() || x.is_nan());
unary!(cos, |x| x.cos(), |x| x.is_finite() || x.is_nan());
unary!(tan, |x| x.tan(), |x| x.is_finite() || x.is_nan());
unary!(asin, |x| x.asin(), |x| (-1.0..=1.0).contains(&x)
    || x.is_nan());
unary!(acos, |x| x.acos(), |x| (-1.0..=1.0).contains(&x)
    || x.is_nan());
unary!(atan, |x| x.atan(), |_| true);
unary!(sinh, |x| x.sinh(), |_| true);
unary!(cosh, |x| x.cosh(), |_| true);
unary!(tanh, |x| x.tanh(), |_| true);
unary!(fabs, |x| x.abs(), |_| true);
unary!(degrees, |x| x.to_degrees(), |_| true);
unary!(radians, |x| x.to_radians(), |_| true);

fn sqrt<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "sqrt", args, 1, 1)?;
    let x = f(vm, args[0])?;
    if x < 0.0 {
        return Err(domain(vm));
    }
    Ok(Value::float(x.sqrt()))
}

fn big_log(b: &BigInt) -> f64 {
    // ln of a big integer: scale down by its bit length
    let bits = b.bits();
    if bits < 1000 {
        return b.to_f64().unwrap_or(f64::INFINITY).ln();
    }
    let shift = bits - 64;
    let top = (b >> shift).to_f64().unwrap_or(1.0);
    top.ln() + shift as f64 * std::f64::consts::LN_2
}

fn ln_of<'gc>(vm: &mut Vm<'gc>, v: Value<'gc>) -> R<'gc, f64> {
    match to_num(v) {
        Some(Num::B(b)) => {
            if !b.is_positive() {
                return Err(domain(vm));
            }
            Ok(big_log(&b))
        }
        _ => {
            let x = f(vm, v)?;
            if x <= 0.0 {
                return Err(domain(vm));
            }
            Ok(x.ln())
        }
    }
}

fn log<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "log", args, 1, 2)?;
    let l = ln_of(vm, args[0])?;
    match args.get(1) {
        Some(b) => {
            let lb = ln_of(vm, *b)?;
            if lb == 0.0 {
                return Err(vm.zero_div("float division by zero"));
            }
            Ok(Value::float(l / lb))
        }
        None => Ok(Value::float(l)),
    }
}

fn log2<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "log2", args, 1, 1)?;
    if let Some(Num::I(i)) = to_num(args[0]) {
        if i > 0 {
            return Ok(Value::float((i as f64).log2()));
        }
    }
    Ok(Value::float(ln_of(vm, args[0])? / std::f64::consts::LN_2))
}

fn log10<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "log10", args, 1, 1)?;
    if let Some(Num::I(i)) = to_num(args[0]) {
        if i > 0 {
            return Ok(Value::float((i as f64).log10()));
        }
    }
    let x = f(vm, args[0]);
    match x {
        Ok(x) if x > 0.0 => Ok(Value::float(x.log10())),
        _ => Ok(Value::float(ln_of(vm, args[0])? / std::f64::consts::LN_10)),
    }
}

fn atan2<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "atan2", args, 2, 2)?;
    let (y, x) = (f(vm, args[0])?, f(vm, args[1])?);
    Ok(Value::float(y.atan2(x)))
}

fn hypot<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let mut acc = 0.0f64;
    for a in args {
        let x = f(vm, *a)?;
        acc = acc.hypot(x);
    }
    Ok(Value::float(acc))
}

fn pow<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "pow", args, 2, 2)?;
    let (x, y) = (f(vm, args[0])?, f(vm, args[1])?);
    if x == 0.0 && y < 0.0 || x < 0.0 && y.fract() != 0.0 && y.is_finite() {
        return Err(domain(vm));
    }
    let r = x.powf(y);
    if r.is_infinite() && x.is_finite() && y.is_finite() {
        return Err(vm.overflow_error("math range error"));
    }
    Ok(Value::float(r))
}

fn fmod<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "fmod", args, 2, 2)?;
    let (x, y) = (f(vm, args[0])?, f(vm, args[1])?);
    if y == 0.0 {
        return Err(domain(vm));
    }
    Ok(Value::float(x % y))
}

fn copysign<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "copysign", args, 2, 2)?;
    let (x, y) = (f(vm, args[0])?, f(vm, args[1])?);
    Ok(Value::float(x.copysign(y)))
}

fn to_int_result<'gc>(vm: &mut Vm<'gc>, x: f64) -> R<'gc> {
    if x.is_nan() {
        return Err(vm.value_error("cannot convert float NaN to integer"));
    }
    if x.is_infinite() {
        return Err(vm.overflow_error("cannot convert float infinity to integer"));
    }
    if x.abs() < 9e18 {
        return Ok(Value::Int(x as i64));
    }
    Ok(vm.int_from_big(BigInt::from(x as i128)))
}

fn rounding<'gc>(
    vm: &mut Vm<'gc>,
    args: &[Value<'gc>],
    name: &str,
    dunder: &'static str,
    op: fn(f64) -> f64,
) -> R<'gc> {
    nargs(vm, name, args, 1, 1)?;
    let v = args[0];
    match to_num(v) {
        Some(Num::I(i)) => Ok(Value::Int(i)),
        Some(Num::B(_)) => Ok(v),
        Some(Num::F(x)) => to_int_result(vm, op(x)),
        _ => {
            if let Some(m) = vm.lookup_special(v, dunder) {
                return vm.call_bound(m, v, &[]);
            }
            let x = f(vm, v)?;
            to_int_result(vm, op(x))
        }
    }
}

fn floor<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    rounding(vm, args, "floor", "__floor__", f64::floor)
}
fn ceil<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    rounding(vm, args, "ceil", "__ceil__", f64::ceil)
}
fn trunc<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    rounding(vm, args, "trunc", "__trunc__", f64::trunc)
}

fn isnan<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    Ok(Value::bool(f(vm, arg(args, 0))?.is_nan()))
}
fn isinf<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    Ok(Value::bool(f(vm, arg(args, 0))?.is_infinite()))
}
fn isfinite<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    Ok(Value::bool(f(vm, arg(args, 0))?.is_finite()))
}

fn isclose<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "isclose", args, 2, 2)?;
    let (a, b) = (f(vm, args[0])?, f(vm, args[1])?);
    let rel = match crate::builtins::kwarg(kw, "rel_tol") {
        Some(v) => f(vm, v)?,
        None => 1e-9,
    };
    let abs = match crate::builtins::kwarg(kw, "abs_tol") {
        Some(v) => f(vm, v)?,
        None => 0.0,
    };
    if a == b {
        return Ok(Value::Bool(Truth::True));
    }
    if a.is_infinite() || b.is_infinite() {
        return Ok(Value::Bool(Truth::False));
    }
    let d = (a - b).abs();
    Ok(Value::bool(
        d <= (rel * b.abs()).max(rel * a.abs()) || d <= abs,
    ))
}

fn int_arg<'gc>(vm: &mut Vm<'gc>, v: Value<'gc>) -> R<'gc, BigInt> {
    match to_num(v) {
        Some(Num::I(i)) => Ok(BigInt::from(i)),
        Some(Num::B(b)) => Ok(b),
        Some(Num::F(_)) => Err(vm.type_error("'float' object cannot be interpreted as an integer")),
        _ => Ok(BigInt::from(vm.as_index(v)?)),
    }
}

fn factorial<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "factorial", args, 1, 1)?;
    let n = int_arg(vm, args[0])?;
    if n.is_negative() {
        return Err(vm.value_error("factorial() not defined for negative values"));
    }
    let n = n.to_u64().unwrap_or(0);
    let mut acc = BigInt::one();
    for i in 2..=n {
        acc *= i;
    }
    Ok(vm.int_from_big(acc))
}

fn gcd<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let mut acc = BigInt::zero();
    for a in args {
        let x = int_arg(vm, *a)?;
        acc = num_integer::Integer::gcd(&acc, &x);
    }
    Ok(vm.int_from_big(acc))
}

fn lcm<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let mut acc = BigInt::one();
    for a in args {
        let x = int_arg(vm, *a)?;
        acc = num_integer::Integer::lcm(&acc, &x);
    }
    Ok(vm.int_from_big(acc))
}

fn isqrt<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "isqrt", args, 1, 1)?;
    let n = int_arg(vm, args[0])?;
    if n.is_negative() {
        return Err(vm.value_error("isqrt() argument must be nonnegative"));
    }
    Ok(vm.int_from_big(n.sqrt()))
}

fn comb<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "comb", args, 2, 2)?;
    let (n, k) = (int_arg(vm, args[0])?, int_arg(vm, args[1])?);
    if n.is_negative() || k.is_negative() {
        return Err(vm.value_error("n must be a non-negative integer"));
    }
    if k > n {
        return Ok(Value::Int(0));
    }
    let k = k.to_u64().unwrap_or(0).min((&n - &k).to_u64().unwrap_or(0));
    let mut acc = BigInt::one();
    for i in 0..k {
        acc = acc * (&n - i) / (i + 1);
    }
    Ok(vm.int_from_big(acc))
}

fn perm<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "perm", args, 1, 2)?;
    let n = int_arg(vm, args[0])?;
    let k = match args.get(1) {
        Some(v) if !v.is_none() => int_arg(vm, *v)?,
        _ => n.clone(),
    };
    if k > n {
        return Ok(Value::Int(0));
    }
    let mut acc = BigInt::one();
    let k = k.to_u64().unwrap_or(0);
    for i in 0..k {
        acc *= &n - i;
    }
    Ok(vm.int_from_big(acc))
}

fn prod<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "prod", args, 1, 1)?;
    let mut acc = crate::builtins::kwarg(kw, "start").unwrap_or(Value::Int(1));
    let items = vm.collect_iter(args[0])?;
    for it in items {
        acc = vm.binary(crate::parser::ast::BinOp::Mul, acc, it)?;
    }
    Ok(acc)
}

fn fsum<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "fsum", args, 1, 1)?;
    let items = vm.collect_iter(args[0])?;
    // Neumaier compensated summation
    let mut sum = 0.0f64;
    let mut c = 0.0f64;
    for it in items {
        let x = f(vm, it)?;
        let t = sum + x;
        if sum.abs() >= x.abs() {
            c += (sum - t) + x;
        } else {
            c += (x - t) + sum;
        }
        sum = t;
    }
    Ok(Value::float(sum + c))
}

fn modf<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let x = f(vm, arg(args, 0))?;
    Ok(vm.new_tuple(vec![Value::float(x.fract()), Value::float(x.trunc())]))
}

fn frexp<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let x = f(vm, arg(args, 0))?;
    let (m, e) = crate::runtime::hash::frexp(x);
    Ok(vm.new_tuple(vec![Value::float(m), Value::Int(e as i64)]))
}

fn ldexp<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let x = f(vm, arg(args, 0))?;
    let e = vm.as_index(arg(args, 1))?;
    Ok(Value::float(x * 2f64.powi(e.clamp(-2000, 2000) as i32)))
}
