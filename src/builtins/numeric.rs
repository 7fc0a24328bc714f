//! Builtin functions on numbers and characters: abs, round, divmod, pow, chr, ord, hex, oct,
//! bin and format.

use super::{def, kwarg, nargs};
use crate::runtime::function::Kw;
use crate::runtime::numeric::{Num, to_num};
use crate::runtime::value::{Obj, Value};
use crate::vm::{R, Vm};
use num_bigint::BigInt;
use num_traits::{Signed, Zero};
use std::cmp::Ordering;

pub fn install<'gc>(vm: &mut Vm<'gc>) {
    def(vm, "abs", abs);
    def(vm, "round", round);
    def(vm, "divmod", divmod);
    def(vm, "pow", pow);
    def(vm, "chr", chr);
    def(vm, "ord", ord);
    def(vm, "hex", hex);
    def(vm, "oct", oct);
    def(vm, "bin", bin);
    def(vm, "format", format);
}

fn abs<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "abs", args, 1, 1)?;
    let v = args[0];
    Ok(match to_num(v) {
        Some(Num::I(i)) => match i.checked_abs() {
            Some(a) => Value::Int(a),
            None => vm.int_from_big(BigInt::from(i).abs()),
        },
        Some(Num::B(b)) => vm.int_from_big(b.abs()),
        Some(Num::F(f)) => Value::float(f.abs()),
        Some(Num::C(r, i)) => Value::float(r.hypot(i)),
        None => {
            if let Some(f) = vm.lookup_special(v, "__abs__") {
                return vm.call_bound(f, v, &[]);
            }
            let t = vm.type_name(v);
            return Err(vm.type_error(format!("bad operand type for abs(): '{t}'")));
        }
    })
}

/// Rounds a float to `nd` decimal places, correctly rounded with ties to even.
pub fn round_float(x: f64, nd: i64) -> f64 {
    if !x.is_finite() {
        return x;
    }
    if nd >= 0 {
        if nd > 300 {
            return x;
        }
        let s = format!("{:.*}", nd as usize, x);
        s.parse().unwrap_or(x)
    } else {
        let p = 10f64.powi((-nd) as i32);
        let y = x / p;
        y.round_ties_even() * p
    }
}

fn round<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "round", args, 1, 2)?;
    let v = args[0];
    let nd = kwarg(kw, "ndigits")
        .or_else(|| args.get(1).copied())
        .filter(|v| !v.is_none());
    match to_num(v) {
        Some(Num::F(f)) => match nd {
            None => {
                if f.is_nan() {
                    return Err(vm.value_error("cannot convert float NaN to integer"));
                }
                if f.is_infinite() {
                    return Err(vm.overflow_error("cannot convert float infinity to integer"));
                }
                let r = f.round_ties_even();
                Ok(vm.int_from_big(BigInt::from(r as i128)))
            }
            Some(n) => {
                let n = vm.as_index(n)?;
                Ok(Value::float(round_float(f, n)))
            }
        },
        Some(Num::I(_)) | Some(Num::B(_)) => match nd {
            None => Ok(if let Value::Bool(b) = v {
                Value::Int(b as i64)
            } else {
                v
            }),
            Some(n) => {
                let n = vm.as_index(n)?;
                if n >= 0 {
                    return Ok(v);
                }
                let b = match to_num(v) {
                    Some(Num::I(i)) => BigInt::from(i),
                    Some(Num::B(b)) => b,
                    _ => unreachable!(),
                };
                let p = num_traits::pow(BigInt::from(10), (-n) as usize);
                let (q, r) = num_integer::Integer::div_mod_floor(&b, &p);
                let twice: BigInt = &r * 2;
                let q = match twice.cmp(&p) {
                    Ordering::Greater => q + 1,
                    Ordering::Equal => {
                        if num_integer::Integer::is_odd(&q) {
                            q + 1
                        } else {
                            q
                        }
                    }
                    Ordering::Less => q,
                };
                Ok(vm.int_from_big(q * p))
            }
        },
        _ => {
            if let Some(f) = vm.lookup_special(v, "__round__") {
                let a: Vec<Value<'gc>> = nd.into_iter().collect();
                return vm.call_bound(f, v, &a);
            }
            let t = vm.type_name(v);
            Err(vm.type_error(format!("type {t} doesn't define __round__ method")))
        }
    }
}

fn divmod<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "divmod", args, 2, 2)?;
    let q = vm.binary(crate::parser::ast::BinOp::FloorDiv, args[0], args[1])?;
    let r = vm.binary(crate::parser::ast::BinOp::Mod, args[0], args[1])?;
    Ok(vm.new_tuple(vec![q, r]))
}

fn pow<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "pow", args, 2, 3)?;
    let m = kwarg(kw, "mod")
        .or_else(|| args.get(2).copied())
        .filter(|v| !v.is_none());
    match m {
        None => vm.binary(crate::parser::ast::BinOp::Pow, args[0], args[1]),
        Some(m) => {
            let to_big = |v: Value<'gc>| match to_num(v) {
                Some(Num::I(i)) => Some(BigInt::from(i)),
                Some(Num::B(b)) => Some(b),
                _ => None,
            };
            let (Some(b), Some(e), Some(md)) = (to_big(args[0]), to_big(args[1]), to_big(m)) else {
                return Err(vm.type_error(
                    "pow() 3rd argument not allowed unless all arguments are integers",
                ));
            };
            if md.is_zero() {
                return Err(vm.value_error("pow() 3rd argument cannot be 0"));
            }
            if e.is_negative() {
                return Err(vm.value_error("base is not invertible for the given modulus"));
            }
            let r = b.modpow(&e, &md);
            let r = if r.is_negative() != md.is_negative() && !r.is_zero() {
                r + &md
            } else {
                r
            };
            Ok(vm.int_from_big(r))
        }
    }
}

fn chr<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "chr", args, 1, 1)?;
    let i = vm.as_index(args[0])?;
    match u32::try_from(i).ok().and_then(char::from_u32) {
        Some(c) => Ok(vm.char_str(&c.to_string())),
        None => Err(vm.value_error("chr() arg not in range(0x110000)")),
    }
}

fn ord<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "ord", args, 1, 1)?;
    match args[0] {
        Value::Str(s) => {
            if s.chars() != 1 {
                return Err(vm.type_error(format!(
                    "ord() expected a character, but string of length {} found",
                    s.chars()
                )));
            }
            Ok(Value::Int(s.text().chars().next().unwrap() as i64))
        }
        Value::Obj(o) if matches!(o.as_ref(), Obj::Bytes(b) if b.len() == 1) => {
            let Obj::Bytes(b) = o.as_ref() else {
                unreachable!()
            };
            Ok(Value::Int(b[0] as i64))
        }
        v => {
            let t = vm.type_name(v);
            Err(vm.type_error(format!("ord() expected string of length 1, but {t} found")))
        }
    }
}

fn radix<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], name: &str, spec: &str) -> R<'gc> {
    nargs(vm, name, args, 1, 1)?;
    let v = match args[0] {
        Value::Int(_) | Value::Bool(_) => args[0],
        Value::Obj(o) if matches!(o.as_ref(), Obj::BigInt(_)) => args[0],
        v => Value::Int(vm.as_index(v)?),
    };
    let s = vm.format_value(v, spec)?;
    Ok(vm.new_string(s))
}

fn hex<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    radix(vm, args, "hex", "#x")
}

fn oct<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    radix(vm, args, "oct", "#o")
}

fn bin<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    radix(vm, args, "bin", "#b")
}

fn format<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "format", args, 1, 2)?;
    let spec = match args.get(1) {
        Some(Value::Str(s)) => s.text().to_string(),
        Some(_) => return Err(vm.type_error("format() argument 2 must be str")),
        None => String::new(),
    };
    let s = vm.format_value(args[0], &spec)?;
    Ok(vm.new_string(s))
}
