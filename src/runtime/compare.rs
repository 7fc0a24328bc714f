//! Comparisons between builtin values: numbers across int/float/bool/bigint, strings, bytes,
//! and lexicographic comparison of sequences (which may call user `__eq__` on items).

use super::numeric::{Num, to_num};
use crate::parser::ast::CmpOp;
use crate::runtime::value::{Obj, Value};
use crate::vm::{R, Vm};
use gc_arena::Gc;
use num_bigint::BigInt;
use num_traits::ToPrimitive;
use std::cmp::Ordering;

fn ord_result(op: CmpOp, o: Option<Ordering>) -> bool {
    match o {
        None => op == CmpOp::NotEq,
        Some(o) => match op {
            CmpOp::Eq => o == Ordering::Equal,
            CmpOp::NotEq => o != Ordering::Equal,
            CmpOp::Lt => o == Ordering::Less,
            CmpOp::LtE => o != Ordering::Greater,
            CmpOp::Gt => o == Ordering::Greater,
            CmpOp::GtE => o != Ordering::Less,
            _ => false,
        },
    }
}

fn num_cmp(a: &Num, b: &Num) -> Option<Ordering> {
    match (a, b) {
        (Num::I(x), Num::I(y)) => Some(x.cmp(y)),
        (Num::F(x), Num::F(y)) => x.partial_cmp(y),
        (Num::I(x), Num::F(y)) => int_float_cmp(&BigInt::from(*x), *y),
        (Num::F(x), Num::I(y)) => int_float_cmp(&BigInt::from(*y), *x).map(|o| o.reverse()),
        (Num::B(x), Num::F(y)) => int_float_cmp(x, *y),
        (Num::F(x), Num::B(y)) => int_float_cmp(y, *x).map(|o| o.reverse()),
        (Num::B(x), Num::B(y)) => Some(x.cmp(y)),
        (Num::B(x), Num::I(y)) => Some(x.cmp(&BigInt::from(*y))),
        (Num::I(x), Num::B(y)) => Some(BigInt::from(*x).cmp(y)),
        _ => None,
    }
}

fn int_float_cmp(i: &BigInt, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    if f.is_infinite() {
        return Some(if f > 0.0 {
            Ordering::Less
        } else {
            Ordering::Greater
        });
    }
    let fl = f.floor();
    let fb = BigInt::from(fl as i128);
    match i.cmp(&fb) {
        Ordering::Equal => {
            if f > fl {
                Some(Ordering::Less)
            } else {
                Some(Ordering::Equal)
            }
        }
        o => Some(o),
    }
}

pub fn builtin_compare<'gc>(
    vm: &mut Vm<'gc>,
    op: CmpOp,
    a: Value<'gc>,
    b: Value<'gc>,
) -> R<'gc, Option<bool>> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => return Ok(Some(ord_result(op, Some(x.cmp(&y))))),
        (Value::Float(x), Value::Float(y)) => {
            return Ok(Some(ord_result(op, x.get().partial_cmp(&y.get()))));
        }
        _ => {}
    }
    if let (Some(x), Some(y)) = (to_num(a), to_num(b)) {
        if let (Num::C(..), _) | (_, Num::C(..)) = (&x, &y) {
            if matches!(op, CmpOp::Eq | CmpOp::NotEq) {
                let (ar, ai) = match x {
                    Num::C(r, i) => (r, i),
                    n => (super::numeric::num_to_f64(&n), 0.0),
                };
                let (br, bi) = match y {
                    Num::C(r, i) => (r, i),
                    n => (super::numeric::num_to_f64(&n), 0.0),
                };
                let eq = ar == br && ai == bi;
                return Ok(Some(if op == CmpOp::Eq { eq } else { !eq }));
            }
            return Ok(None);
        }
        return Ok(Some(ord_result(op, num_cmp(&x, &y))));
    }
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => Ok(Some(ord_result(op, Some(x.text().cmp(&*y.text()))))),
        // tuples cannot change while their items are compared: no copies
        (Value::Tuple(x), Value::Tuple(y)) => {
            seq_compare(vm, op, Gc::as_ref(x).items(), Gc::as_ref(y).items()).map(Some)
        }
        (Value::List(x), Value::List(y)) => {
            let (p, q) = (x.borrow().clone(), y.borrow().clone());
            seq_compare(vm, op, &p, &q).map(Some)
        }
        (Value::Dict(x), Value::Dict(y)) => {
            if !matches!(op, CmpOp::Eq | CmpOp::NotEq) {
                return Ok(None);
            }
            let eq = dict_eq(vm, x, y)?;
            Ok(Some(if op == CmpOp::Eq { eq } else { !eq }))
        }
        (Value::Set(x), Value::Set(y)) => {
            let xs = x.table.borrow().keys();
            let ys = y.table.borrow().keys();
            let x_in_y = {
                let mut all = true;
                for k in &xs {
                    if !vm.set_contains(y, *k)? {
                        all = false;
                        break;
                    }
                }
                all
            };
            let y_in_x = {
                let mut all = true;
                for k in &ys {
                    if !vm.set_contains(x, *k)? {
                        all = false;
                        break;
                    }
                }
                all
            };
            Ok(Some(match op {
                CmpOp::Eq => x_in_y && y_in_x,
                CmpOp::NotEq => !(x_in_y && y_in_x),
                CmpOp::LtE => x_in_y,
                CmpOp::Lt => x_in_y && xs.len() < ys.len(),
                CmpOp::GtE => y_in_x,
                CmpOp::Gt => y_in_x && ys.len() < xs.len(),
                _ => false,
            }))
        }
        (Value::Obj(x), Value::Obj(y)) => match (x.as_ref(), y.as_ref()) {
            (Obj::Bytes(p), Obj::Bytes(q)) => Ok(Some(ord_result(op, Some(p.cmp(q))))),
            (Obj::Range(..), Obj::Range(..)) if matches!(op, CmpOp::Eq | CmpOp::NotEq) => {
                let p = vm.collect_iter(a)?;
                let q = vm.collect_iter(b)?;
                seq_compare(vm, op, &p, &q).map(Some)
            }
            (Obj::DictView(1, _), _) | (_, Obj::DictView(1, _)) => Ok(None),
            (Obj::DictView(..), Obj::DictView(..)) if matches!(op, CmpOp::Eq | CmpOp::NotEq) => {
                let p = vm.collect_iter(a)?;
                let ps = vm.new_set(&p)?;
                let q = vm.collect_iter(b)?;
                let qs = vm.new_set(&q)?;
                builtin_compare(vm, op, ps, qs)
            }
            (Obj::Method(s1, f1), Obj::Method(s2, f2))
                if matches!(op, CmpOp::Eq | CmpOp::NotEq) =>
            {
                let eq = s1.is(*s2) && f1.is(*f2);
                Ok(Some(if op == CmpOp::Eq { eq } else { !eq }))
            }
            _ => Ok(None),
        },
        (Value::Obj(x), Value::Set(_)) | (Value::Set(_), Value::Obj(x))
            if matches!(x.as_ref(), Obj::DictView(0, _)) =>
        {
            let (p, q) = (vm.collect_iter(a)?, vm.collect_iter(b)?);
            let (ps, qs) = (vm.new_set(&p)?, vm.new_set(&q)?);
            builtin_compare(vm, op, ps, qs)
        }
        _ => Ok(None),
    }
}

fn dict_eq<'gc>(
    vm: &mut Vm<'gc>,
    x: crate::runtime::value::DictRef<'gc>,
    y: crate::runtime::value::DictRef<'gc>,
) -> R<'gc, bool> {
    if x.borrow().len() != y.borrow().len() {
        return Ok(false);
    }
    let items: Vec<(Value<'gc>, Value<'gc>)> =
        x.borrow().iter().map(|e| (e.key, e.value)).collect();
    for (k, v) in items {
        match vm.dict_get(y, k)? {
            Some(w) => {
                if !vm.key_eq(v, w)? {
                    return Ok(false);
                }
            }
            None => return Ok(false),
        }
    }
    Ok(true)
}

/// Lexicographic comparison: the first unequal pair decides.
pub fn seq_compare<'gc>(
    vm: &mut Vm<'gc>,
    op: CmpOp,
    a: &[Value<'gc>],
    b: &[Value<'gc>],
) -> R<'gc, bool> {
    if matches!(op, CmpOp::Eq | CmpOp::NotEq) && a.len() != b.len() {
        return Ok(op == CmpOp::NotEq);
    }
    for (x, y) in a.iter().zip(b.iter()) {
        if let (Value::Int(i), Value::Int(j)) = (x, y) {
            if i == j {
                continue;
            }
            return Ok(match op {
                CmpOp::Eq => false,
                CmpOp::NotEq => true,
                _ => ord_result(op, Some(i.cmp(j))),
            });
        }
        if !vm.key_eq(*x, *y)? {
            return match op {
                CmpOp::Eq => Ok(false),
                CmpOp::NotEq => Ok(true),
                _ => {
                    let r = vm.compare(op, *x, *y)?;
                    vm.truthy(r)
                }
            };
        }
    }
    Ok(ord_result(op, Some(a.len().cmp(&b.len()))))
}

#[allow(dead_code)]
fn big_to_f64(b: &BigInt) -> f64 {
    b.to_f64().unwrap_or(f64::INFINITY)
}
