//! `int`, `float`, `bool` and `complex`: constructors and methods.

use super::{arg, class_method, kwarg, method, nargs};
use crate::parser::ast::BinOp;
use crate::runtime::function::Kw;
use crate::runtime::numeric::{Num, to_num};
use crate::runtime::value::{Obj, ObjRef, Payload, Value};
use crate::vm::{R, Vm};
use num_bigint::BigInt;
use num_traits::{Num as _, Signed, ToPrimitive, Zero};

pub fn install<'gc>(vm: &mut Vm<'gc>) {
    let i = vm.st.types.int;
    method(vm, i, "__new__", int_new);
    method(vm, i, "bit_length", int_bit_length);
    method(vm, i, "bit_count", int_bit_count);
    method(vm, i, "conjugate", num_self);
    method(vm, i, "__index__", int_index);
    method(vm, i, "__int__", int_index);
    method(vm, i, "__float__", num_float);
    method(vm, i, "as_integer_ratio", int_ratio);
    method(vm, i, "to_bytes", int_to_bytes);
    class_method(vm, i, "from_bytes", int_from_bytes);
    let f = vm.st.types.float;
    method(vm, f, "__new__", float_new);
    method(vm, f, "is_integer", float_is_integer);
    method(vm, f, "as_integer_ratio", float_ratio);
    method(vm, f, "conjugate", num_self);
    method(vm, f, "__float__", num_float);
    method(vm, f, "__int__", float_int);
    method(vm, f, "__trunc__", float_int);
    method(vm, f, "hex", float_hex);
    let b = vm.st.types.bool;
    method(vm, b, "__new__", bool_new);
    let c = vm.st.types.complex;
    method(vm, c, "__new__", complex_new);
    method(vm, c, "conjugate", complex_conjugate);
    let binops: [(&'static str, super::super::runtime::function::NativeFn); 13] = [
        ("__add__", dunder_add),
        ("__sub__", dunder_sub),
        ("__mul__", dunder_mul),
        ("__truediv__", dunder_truediv),
        ("__floordiv__", dunder_floordiv),
        ("__mod__", dunder_mod),
        ("__pow__", dunder_pow),
        ("__radd__", dunder_radd),
        ("__rsub__", dunder_rsub),
        ("__rmul__", dunder_rmul),
        ("__lt__", dunder_lt),
        ("__eq__", dunder_eq),
        ("__neg__", dunder_neg),
    ];
    for cls in [i, f] {
        for (n, fun) in binops {
            method(vm, cls, n, fun);
        }
    }
}

fn wrap<'gc>(vm: &mut Vm<'gc>, cls: Value<'gc>, v: Value<'gc>, base: ObjRef<'gc>) -> Value<'gc> {
    match cls {
        Value::Obj(c) if !gc_arena::Gc::ptr_eq(c, base) && matches!(c.as_ref(), Obj::Class(_)) => {
            vm.new_instance(c, Payload::Value(v))
        }
        _ => v,
    }
}

/// Parses an integer literal as `int(s, base)` does.
pub fn parse_int(s: &str, base: u32) -> Option<BigInt> {
    let t = s.trim();
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let lower = t.to_ascii_lowercase();
    let (digits, base) = if base == 0 || base == 16 || base == 8 || base == 2 {
        if let Some(r) = lower.strip_prefix("0x").filter(|_| base == 0 || base == 16) {
            (r.to_string(), 16)
        } else if let Some(r) = lower.strip_prefix("0o").filter(|_| base == 0 || base == 8) {
            (r.to_string(), 8)
        } else if let Some(r) = lower.strip_prefix("0b").filter(|_| base == 0 || base == 2) {
            (r.to_string(), 2)
        } else {
            if base == 0
                && lower.len() > 1
                && lower.starts_with('0')
                && lower.chars().any(|c| c != '0' && c != '_')
            {
                return None;
            }
            (lower.clone(), if base == 0 { 10 } else { base })
        }
    } else {
        (lower.clone(), base)
    };
    let digits = digits.strip_prefix('_').unwrap_or(&digits);
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
    {
        return None;
    }
    let clean: String = digits.chars().filter(|c| *c != '_').collect();
    let v = BigInt::from_str_radix(&clean, base).ok()?;
    Some(if neg { -v } else { v })
}

pub fn to_int<'gc>(vm: &mut Vm<'gc>, x: Value<'gc>) -> R<'gc> {
    Ok(match x {
        Value::Int(_) => x,
        Value::Bool(b) => Value::Int(b.get() as i64),
        Value::Float(f) => {
            let f = f.get();
            if f.is_nan() {
                return Err(vm.value_error("cannot convert float NaN to integer"));
            }
            if f.is_infinite() {
                return Err(vm.overflow_error("cannot convert float infinity to integer"));
            }
            let t = f.trunc();
            if t.abs() < 9.2e18 {
                Value::Int(t as i64)
            } else {
                vm.int_from_big(BigInt::from(t as i128))
            }
        }
        Value::Str(s) => match parse_int(&s.text(), 10) {
            Some(b) => vm.int_from_big(b),
            None => {
                let r = crate::runtime::repr::str_repr(&s.text());
                return Err(vm.value_error(format!("invalid literal for int() with base 10: {r}")));
            }
        },
        Value::Obj(o) if matches!(o.as_ref(), Obj::BigInt(_)) => x,
        _ => {
            for name in ["__int__", "__index__", "__trunc__"] {
                if let Some(f) = vm.lookup_special(x, name).filter(|f| !vm.is_builtin_fn(*f)) {
                    return vm.call_bound(f, x, &[]);
                }
            }
            let inner = crate::runtime::ops::unwrap_payload(x);
            if !inner.is(x) {
                return to_int(vm, inner);
            }
            let t = vm.type_name(x);
            return Err(vm.type_error(format!(
                "int() argument must be a string, a bytes-like object or a real number, not '{t}'"
            )));
        }
    })
}

fn int_new<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    let cls = args[0];
    let x = args.get(1).copied().or_else(|| kwarg(kw, "x"));
    let base = args.get(2).copied().or_else(|| kwarg(kw, "base"));
    let base_ty = vm.st.types.int;
    let v = match (x, base) {
        (None, None) => Value::Int(0),
        (Some(x), None) => to_int(vm, x)?,
        (Some(Value::Str(s)), Some(b)) => {
            let b = vm.as_index(b)?;
            if b != 0 && !(2..=36).contains(&b) {
                return Err(vm.value_error("int() base must be >= 2 and <= 36, or 0"));
            }
            match parse_int(&s.text(), b as u32) {
                Some(n) => vm.int_from_big(n),
                None => {
                    let r = crate::runtime::repr::str_repr(&s.text());
                    return Err(
                        vm.value_error(format!("invalid literal for int() with base {b}: {r}"))
                    );
                }
            }
        }
        (Some(_), Some(_)) => {
            return Err(vm.type_error("int() can't convert non-string with explicit base"));
        }
        (None, Some(_)) => return Err(vm.type_error("int() missing string argument")),
    };
    Ok(wrap(vm, cls, v, base_ty))
}

pub fn parse_float(s: &str) -> Option<f64> {
    let t = s.trim().to_ascii_lowercase();
    let t = t.replace('_', "");
    match t.as_str() {
        "inf" | "+inf" | "infinity" | "+infinity" => return Some(f64::INFINITY),
        "-inf" | "-infinity" => return Some(f64::NEG_INFINITY),
        "nan" | "+nan" | "-nan" => return Some(f64::NAN),
        _ => {}
    }
    if t.is_empty() || t.contains("inf") || t.contains("nan") {
        return None;
    }
    t.parse::<f64>().ok()
}

pub fn to_float<'gc>(vm: &mut Vm<'gc>, x: Value<'gc>) -> R<'gc, f64> {
    match to_num(x) {
        Some(Num::C(..)) => {
            Err(vm.type_error("float() argument must be a string or a real number, not 'complex'"))
        }
        Some(n) => {
            if let Num::B(b) = &n {
                if b.to_f64().map(|f| f.is_infinite()).unwrap_or(true) {
                    return Err(vm.overflow_error("int too large to convert to float"));
                }
            }
            Ok(crate::runtime::numeric::num_to_f64(&n))
        }
        None => match x {
            Value::Str(s) => match parse_float(&s.text()) {
                Some(f) => Ok(f),
                None => {
                    let r = crate::runtime::repr::str_repr(&s.text());
                    Err(vm.value_error(format!("could not convert string to float: {r}")))
                }
            },
            _ => {
                if let Some(f) = vm
                    .lookup_special(x, "__float__")
                    .filter(|f| !vm.is_builtin_fn(*f))
                {
                    let r = vm.call_bound(f, x, &[])?;
                    if let Value::Float(f) = r {
                        return Ok(f.get());
                    }
                    return Err(vm.type_error("__float__ returned non-float"));
                }
                if let Some(f) = vm
                    .lookup_special(x, "__index__")
                    .filter(|f| !vm.is_builtin_fn(*f))
                {
                    let r = vm.call_bound(f, x, &[])?;
                    return to_float(vm, r);
                }
                let inner = crate::runtime::ops::unwrap_payload(x);
                if !inner.is(x) {
                    return to_float(vm, inner);
                }
                let t = vm.type_name(x);
                Err(vm.type_error(format!(
                    "float() argument must be a string or a real number, not '{t}'"
                )))
            }
        },
    }
}

fn float_new<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "float", &args[1..], 0, 1)?;
    let v = match args.get(1) {
        None => 0.0,
        Some(x) => to_float(vm, *x)?,
    };
    let ft = vm.st.types.float;
    Ok(wrap(vm, args[0], Value::float(v), ft))
}

fn bool_new<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "bool", &args[1..], 0, 1)?;
    Ok(Value::bool(match args.get(1) {
        None => false,
        Some(x) => vm.truthy(*x)?,
    }))
}

fn complex_new<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    let re = args
        .get(1)
        .copied()
        .or_else(|| kwarg(kw, "real"))
        .unwrap_or(Value::Int(0));
    let im = args
        .get(2)
        .copied()
        .or_else(|| kwarg(kw, "imag"))
        .unwrap_or(Value::Int(0));
    let (rr, ri) = match to_num(re) {
        Some(Num::C(r, i)) => (r, i),
        _ => (to_float(vm, re)?, 0.0),
    };
    let (ir, ii) = match to_num(im) {
        Some(Num::C(r, i)) => (r, i),
        _ => (to_float(vm, im)?, 0.0),
    };
    Ok(vm.obj(Obj::Complex(rr - ii, ri + ir)))
}

fn complex_conjugate<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    match to_num(arg(args, 0)) {
        Some(Num::C(r, i)) => Ok(vm.obj(Obj::Complex(r, -i))),
        _ => Err(vm.type_error("descriptor 'conjugate' requires a 'complex' object")),
    }
}

fn self_int<'gc>(vm: &mut Vm<'gc>, v: Value<'gc>) -> R<'gc, BigInt> {
    match to_num(crate::runtime::ops::unwrap_payload(v)) {
        Some(Num::I(i)) => Ok(BigInt::from(i)),
        Some(Num::B(b)) => Ok(b),
        _ => Err(vm.type_error("descriptor requires an 'int' object")),
    }
}

fn int_bit_length<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let b = self_int(vm, arg(args, 0))?;
    Ok(Value::Int(b.abs().bits() as i64))
}

fn int_bit_count<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let b = self_int(vm, arg(args, 0))?;
    Ok(Value::Int(
        b.abs()
            .to_u64_digits()
            .1
            .iter()
            .map(|d| d.count_ones() as i64)
            .sum(),
    ))
}

fn num_self<'gc>(_vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    Ok(crate::runtime::ops::unwrap_payload(arg(args, 0)))
}

fn int_index<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let b = self_int(vm, arg(args, 0))?;
    Ok(vm.int_from_big(b))
}

fn num_float<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    Ok(Value::float(to_float(
        vm,
        crate::runtime::ops::unwrap_payload(arg(args, 0)),
    )?))
}

fn float_int<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    to_int(vm, crate::runtime::ops::unwrap_payload(arg(args, 0)))
}

fn int_ratio<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let b = self_int(vm, arg(args, 0))?;
    let n = vm.int_from_big(b);
    Ok(vm.new_tuple(vec![n, Value::Int(1)]))
}

fn int_to_bytes<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    let b = self_int(vm, arg(args, 0))?;
    let length = args
        .get(1)
        .copied()
        .or_else(|| kwarg(kw, "length"))
        .unwrap_or(Value::Int(1));
    let length = vm.as_index(length)? as usize;
    let order = args
        .get(2)
        .copied()
        .or_else(|| kwarg(kw, "byteorder"))
        .and_then(|v| v.as_str().map(|s| s.to_string()))
        .unwrap_or_else(|| "big".into());
    let signed = match kwarg(kw, "signed") {
        Some(v) => vm.truthy(v)?,
        None => false,
    };
    if b.is_negative() && !signed {
        return Err(vm.overflow_error("can't convert negative int to unsigned"));
    }
    let mut bytes = if signed {
        b.to_signed_bytes_le()
    } else {
        b.to_bytes_le().1
    };
    if bytes.len() > length && !(b.is_zero() && length == 0) {
        return Err(vm.overflow_error("int too big to convert"));
    }
    let fill = if b.is_negative() { 0xff } else { 0 };
    bytes.resize(length, fill);
    if order == "big" {
        bytes.reverse();
    }
    Ok(vm.obj(Obj::Bytes(bytes.into_boxed_slice())))
}

fn int_from_bytes<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    let data = arg(args, 1);
    let bytes: Vec<u8> = match data {
        Value::Obj(o) => match o.as_ref() {
            Obj::Bytes(b) => b.to_vec(),
            _ => vec![],
        },
        _ => {
            let items = vm.collect_iter(data)?;
            let mut out = vec![];
            for i in items {
                out.push(vm.as_index(i)? as u8);
            }
            out
        }
    };
    let order = args
        .get(2)
        .copied()
        .or_else(|| kwarg(kw, "byteorder"))
        .and_then(|v| v.as_str().map(|s| s.to_string()))
        .unwrap_or_else(|| "big".into());
    let signed = match kwarg(kw, "signed") {
        Some(v) => vm.truthy(v)?,
        None => false,
    };
    let mut le = bytes.clone();
    if order == "big" {
        le.reverse();
    }
    let v = if signed {
        BigInt::from_signed_bytes_le(&le)
    } else {
        BigInt::from_bytes_le(num_bigint::Sign::Plus, &le)
    };
    Ok(vm.int_from_big(v))
}

fn self_float<'gc>(vm: &mut Vm<'gc>, v: Value<'gc>) -> R<'gc, f64> {
    match crate::runtime::ops::unwrap_payload(v) {
        Value::Float(f) => Ok(f.get()),
        _ => Err(vm.type_error("descriptor requires a 'float' object")),
    }
}

fn float_is_integer<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let f = self_float(vm, arg(args, 0))?;
    Ok(Value::bool(f.is_finite() && f.fract() == 0.0))
}

fn float_ratio<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let f = self_float(vm, arg(args, 0))?;
    if !f.is_finite() {
        return Err(vm.overflow_error("cannot convert Infinity to integer ratio"));
    }
    let (m, e) = crate::runtime::hash::frexp(f);
    let mut num = m;
    let mut exp = e;
    for _ in 0..300 {
        if num.fract() == 0.0 {
            break;
        }
        num *= 2.0;
        exp -= 1;
    }
    let mut n = BigInt::from(num as i64);
    let mut d = BigInt::from(1);
    if exp > 0 {
        n <<= exp as usize;
    } else {
        d <<= (-exp) as usize;
    }
    let g = num_integer::Integer::gcd(&n, &d);
    let (n, d) = (n / &g, d / &g);
    let nv = vm.int_from_big(n);
    let dv = vm.int_from_big(d);
    Ok(vm.new_tuple(vec![nv, dv]))
}

fn float_hex<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let f = self_float(vm, arg(args, 0))?;
    if f == 0.0 {
        return Ok(vm.new_str(if f.is_sign_negative() {
            "-0x0.0p+0"
        } else {
            "0x0.0p+0"
        }));
    }
    let bits = f.to_bits();
    let sign = if f < 0.0 { "-" } else { "" };
    let exp = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mant = bits & ((1 << 52) - 1);
    let s = format!(
        "{sign}0x1.{:013x}p{}{}",
        mant,
        if exp >= 0 { "+" } else { "" },
        exp
    );
    Ok(vm.new_string(s))
}

fn arith<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], op: BinOp, reflected: bool) -> R<'gc> {
    let (a, b) = (
        crate::runtime::ops::unwrap_payload(arg(args, 0)),
        crate::runtime::ops::unwrap_payload(arg(args, 1)),
    );
    if to_num(b).is_none() {
        return Ok(vm.not_implemented());
    }
    if reflected {
        vm.binary(op, b, a)
    } else {
        vm.binary(op, a, b)
    }
}

fn dunder_add<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    arith(vm, a, BinOp::Add, false)
}
fn dunder_sub<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    arith(vm, a, BinOp::Sub, false)
}
fn dunder_mul<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    arith(vm, a, BinOp::Mul, false)
}
fn dunder_truediv<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    arith(vm, a, BinOp::Div, false)
}
fn dunder_floordiv<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    arith(vm, a, BinOp::FloorDiv, false)
}
fn dunder_mod<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    arith(vm, a, BinOp::Mod, false)
}
fn dunder_pow<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    arith(vm, a, BinOp::Pow, false)
}
fn dunder_radd<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    arith(vm, a, BinOp::Add, true)
}
fn dunder_rsub<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    arith(vm, a, BinOp::Sub, true)
}
fn dunder_rmul<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    arith(vm, a, BinOp::Mul, true)
}
fn dunder_lt<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let (x, y) = (
        crate::runtime::ops::unwrap_payload(arg(a, 0)),
        crate::runtime::ops::unwrap_payload(arg(a, 1)),
    );
    if to_num(y).is_none() {
        return Ok(vm.not_implemented());
    }
    vm.compare(crate::parser::ast::CmpOp::Lt, x, y)
}
fn dunder_eq<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let (x, y) = (
        crate::runtime::ops::unwrap_payload(arg(a, 0)),
        crate::runtime::ops::unwrap_payload(arg(a, 1)),
    );
    if to_num(y).is_none() {
        return Ok(vm.not_implemented());
    }
    vm.compare(crate::parser::ast::CmpOp::Eq, x, y)
}
fn dunder_neg<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let x = crate::runtime::ops::unwrap_payload(arg(a, 0));
    vm.unary(crate::parser::ast::UnaryOp::Neg, x)
}
