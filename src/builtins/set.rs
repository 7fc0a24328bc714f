//! `set` and `frozenset`: construction, methods and operators.

use super::{arg, method};
use crate::parser::ast::BinOp;
use crate::runtime::function::Kw;
use crate::runtime::ops::unwrap_payload;
use crate::runtime::value::{Payload, SetRef, Truth, Value};
use crate::vm::mapping::Table;
use crate::vm::{R, Vm};

pub fn install<'gc>(vm: &mut Vm<'gc>) {
    let s = vm.st.types.set;
    let fs = vm.st.types.frozenset;
    let shared: &[(&'static str, crate::runtime::function::NativeFn)] = &[
        ("copy", copy),
        ("union", union),
        ("intersection", intersection),
        ("difference", difference),
        ("symmetric_difference", symmetric_difference),
        ("issubset", issubset),
        ("issuperset", issuperset),
        ("isdisjoint", isdisjoint),
        ("__len__", len),
        ("__contains__", contains),
        ("__iter__", iter),
    ];
    for (n, f) in shared {
        method(vm, s, n, *f);
        method(vm, fs, n, *f);
    }
    let only_set: &[(&'static str, crate::runtime::function::NativeFn)] = &[
        ("__new__", set_new),
        ("__init__", set_init),
        ("add", add),
        ("remove", remove),
        ("discard", discard),
        ("pop", pop),
        ("clear", clear),
        ("update", update),
        ("intersection_update", intersection_update),
        ("difference_update", difference_update),
        ("symmetric_difference_update", symmetric_difference_update),
    ];
    for (n, f) in only_set {
        method(vm, s, n, *f);
    }
    method(vm, fs, "__new__", frozenset_new);
}

pub fn this<'gc>(vm: &mut Vm<'gc>, v: Value<'gc>) -> R<'gc, SetRef<'gc>> {
    match unwrap_payload(v) {
        Value::Set(s) => Ok(s),
        other => {
            let t = vm.type_name(other);
            Err(vm.type_error(format!(
                "descriptor requires a 'set' object but received a '{t}'"
            )))
        }
    }
}

fn keys<'gc>(s: SetRef<'gc>) -> Vec<Value<'gc>> {
    s.table.borrow().keys()
}

fn set_new<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let s = vm.new_set_empty(false);
    match args[0] {
        Value::Obj(c) if !gc_arena::Gc::ptr_eq(c, vm.st.types.set) => {
            Ok(vm.new_instance(c, Payload::Value(s)))
        }
        _ => Ok(s),
    }
}

fn set_init<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    if let Some(v) = args.get(1) {
        let items = vm.collect_iter(*v)?;
        Table::Set(s).borrow_mut(vm).clear();
        for it in items {
            vm.set_add(Value::Set(s), it)?;
        }
    }
    Ok(Value::None)
}

fn frozenset_new<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let items = match args.get(1) {
        Some(v) => vm.collect_iter(*v)?,
        None => vec![],
    };
    let s = vm.new_frozenset(&items)?;
    match args[0] {
        Value::Obj(c) if !gc_arena::Gc::ptr_eq(c, vm.st.types.frozenset) => {
            Ok(vm.new_instance(c, Payload::Value(s)))
        }
        _ => Ok(s),
    }
}

/// Builds a set (or frozenset, like `like`) from keys.
fn make<'gc>(vm: &mut Vm<'gc>, frozen: bool, items: &[Value<'gc>]) -> R<'gc> {
    if frozen {
        vm.new_frozenset(items)
    } else {
        vm.new_set(items)
    }
}

/// `a op b` for two sets: `|`, `&`, `-`, `^`.
pub fn set_op<'gc>(vm: &mut Vm<'gc>, op: BinOp, a: Value<'gc>, b: Value<'gc>) -> R<'gc> {
    let (sa, sb) = (this(vm, a)?, this(vm, b)?);
    let (ka, kb) = (keys(sa), keys(sb));
    let mut out = Vec::new();
    match op {
        BinOp::BitOr => {
            out.extend(ka.iter().copied());
            for k in kb {
                if !vm.set_contains(sa, k)? {
                    out.push(k);
                }
            }
        }
        BinOp::BitAnd => {
            for k in ka {
                if vm.set_contains(sb, k)? {
                    out.push(k);
                }
            }
        }
        BinOp::Sub => {
            for k in ka {
                if !vm.set_contains(sb, k)? {
                    out.push(k);
                }
            }
        }
        _ => {
            for k in ka.iter() {
                if !vm.set_contains(sb, *k)? {
                    out.push(*k);
                }
            }
            for k in kb {
                if !vm.set_contains(sa, k)? {
                    out.push(k);
                }
            }
        }
    }
    make(vm, sa.frozen, &out)
}

pub fn set_inplace<'gc>(vm: &mut Vm<'gc>, op: BinOp, a: Value<'gc>, b: Value<'gc>) -> R<'gc> {
    let r = set_op(vm, op, a, b)?;
    let sa = this(vm, a)?;
    let new_keys = keys(this(vm, r)?);
    Table::Set(sa).borrow_mut(vm).clear();
    for k in new_keys {
        vm.set_add(Value::Set(sa), k)?;
    }
    Ok(a)
}

/// Turns any iterable argument into a set for the named-method forms.
fn as_set<'gc>(vm: &mut Vm<'gc>, v: Value<'gc>) -> R<'gc> {
    match unwrap_payload(v) {
        Value::Set(_) => Ok(unwrap_payload(v)),
        _ => {
            let items = vm.collect_iter(v)?;
            vm.new_set(&items)
        }
    }
}

fn fold<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], op: BinOp) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    let mut acc = make(vm, s.frozen, &keys(s))?;
    for other in &args[1..] {
        let o = as_set(vm, *other)?;
        acc = set_op(vm, op, acc, o)?;
    }
    Ok(acc)
}

fn copy<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    if s.frozen {
        return Ok(unwrap_payload(arg(args, 0)));
    }
    make(vm, false, &keys(s))
}
fn union<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    fold(vm, a, BinOp::BitOr)
}
fn intersection<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    fold(vm, a, BinOp::BitAnd)
}
fn difference<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    fold(vm, a, BinOp::Sub)
}
fn symmetric_difference<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    fold(vm, a, BinOp::BitXor)
}

fn update_op<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], op: BinOp) -> R<'gc> {
    let a = unwrap_payload(arg(args, 0));
    for other in &args[1..] {
        let o = as_set(vm, *other)?;
        set_inplace(vm, op, a, o)?;
    }
    Ok(Value::None)
}
fn update<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    update_op(vm, a, BinOp::BitOr)
}
fn intersection_update<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    update_op(vm, a, BinOp::BitAnd)
}
fn difference_update<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    update_op(vm, a, BinOp::Sub)
}
fn symmetric_difference_update<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    update_op(vm, a, BinOp::BitXor)
}

fn relation<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], sub: bool) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    let o = as_set(vm, arg(args, 1))?;
    let os = this(vm, o)?;
    let (x, y) = if sub { (s, os) } else { (os, s) };
    for k in keys(x) {
        if !vm.set_contains(y, k)? {
            return Ok(Value::Bool(Truth::False));
        }
    }
    Ok(Value::Bool(Truth::True))
}
fn issubset<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    relation(vm, a, true)
}
fn issuperset<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    relation(vm, a, false)
}
fn isdisjoint<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    let items = vm.collect_iter(arg(args, 1))?;
    for k in items {
        if vm.set_contains(s, k)? {
            return Ok(Value::Bool(Truth::False));
        }
    }
    Ok(Value::Bool(Truth::True))
}

fn add<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    vm.set_add(Value::Set(s), arg(args, 1))?;
    Ok(Value::None)
}

fn remove<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    if vm.table_remove(Table::Set(s), arg(args, 1))?.is_none() {
        return Err(vm.key_error(arg(args, 1)));
    }
    Ok(Value::None)
}

fn discard<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    vm.table_remove(Table::Set(s), arg(args, 1))?;
    Ok(Value::None)
}

fn pop<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    let first = s.table.borrow().next_from(0).map(|(slot, e)| (slot, e.key));
    match first {
        Some((slot, k)) => {
            Table::Set(s).borrow_mut(vm).remove_at(slot);
            Ok(k)
        }
        None => {
            let c = vm.st.types.key_error;
            Err(vm.err(c, "pop from an empty set"))
        }
    }
}

fn clear<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    Table::Set(s).borrow_mut(vm).clear();
    Ok(Value::None)
}

fn len<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    Ok(Value::Int(s.table.borrow().len() as i64))
}

fn contains<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    Ok(Value::bool(vm.contains(Value::Set(s), arg(args, 1))?))
}

fn iter<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    vm.get_iter(Value::Set(s))
}
