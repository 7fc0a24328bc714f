//! `set` and `frozenset`: construction, methods and operators.

use super::{arg, method};
use crate::parser::ast::BinOp;
use crate::runtime::function::Kw;
use crate::runtime::ops::unwrap_payload;
use crate::runtime::value::{Payload, SetRef, Truth, Value};
use crate::vm::mapping::{entries, set_table_mut};
use crate::vm::{R, Vm};
use gc_arena::Gc;

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

/// The set a method was called on (a plain set inline; a set subclass's instance holds one).
#[inline]
pub fn this<'gc>(vm: &mut Vm<'gc>, v: Value<'gc>) -> R<'gc, SetRef<'gc>> {
    match v {
        Value::Set(s) => Ok(s),
        _ => this_slow(vm, v),
    }
}

fn this_slow<'gc>(vm: &mut Vm<'gc>, v: Value<'gc>) -> R<'gc, SetRef<'gc>> {
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
    set_table_mut(vm, s).clear();
    if let Some(v) = args.get(1) {
        update_from(vm, s, *v)?;
    }
    Ok(Value::None)
}

fn frozenset_new<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let s = vm.new_set_empty(true);
    if let (Some(v), Value::Set(sr)) = (args.get(1), s) {
        update_from(vm, sr, *v)?;
    }
    match args[0] {
        Value::Obj(c) if !gc_arena::Gc::ptr_eq(c, vm.st.types.frozenset) => {
            Ok(vm.new_instance(c, Payload::Value(s)))
        }
        _ => Ok(s),
    }
}

// The operations follow CPython's algorithms step by step (which set is walked, which one is
// probed, when a table is resized): the order a result iterates in depends on all of them.

/// A new empty set, frozen like `like`.
fn empty_like<'gc>(vm: &mut Vm<'gc>, like: SetRef<'gc>) -> SetRef<'gc> {
    match vm.new_set_empty(like.frozen) {
        Value::Set(s) => s,
        _ => unreachable!(),
    }
}

/// Adds the items of any iterable to `s` (CPython's `set_update_internal`).
fn update_from<'gc>(vm: &mut Vm<'gc>, s: SetRef<'gc>, other: Value<'gc>) -> R<'gc, ()> {
    match unwrap_payload(other) {
        Value::Set(o) => vm.set_merge(s, o),
        Value::Dict(d) => {
            // a dict's keys come with the hashes it stored
            let keyed: Vec<_> = d.borrow().iter().map(|e| (e.hash as i64, e.key)).collect();
            set_table_mut(vm, s).reserve(keyed.len());
            for (h, k) in keyed {
                vm.set_add_hashed(s, k, h)?;
            }
            Ok(())
        }
        _ => {
            for k in vm.collect_iter(other)? {
                vm.set_add(Value::Set(s), k)?;
            }
            Ok(())
        }
    }
}

/// A copy of `s`, frozen like it.
fn copy_of<'gc>(vm: &mut Vm<'gc>, s: SetRef<'gc>) -> R<'gc, SetRef<'gc>> {
    let out = empty_like(vm, s);
    vm.set_merge(out, s)?;
    Ok(out)
}

/// `so & other`, frozen like `so` (CPython's `set_intersection`).
fn intersect<'gc>(vm: &mut Vm<'gc>, so: SetRef<'gc>, other: Value<'gc>) -> R<'gc, SetRef<'gc>> {
    let out = empty_like(vm, so);
    match unwrap_payload(other) {
        Value::Set(o) if Gc::ptr_eq(o, so) => return copy_of(vm, so),
        Value::Set(o) => {
            // walk the smaller set, probe the larger
            let (big, small) = if o.table.borrow().len() > so.table.borrow().len() {
                (o, so)
            } else {
                (so, o)
            };
            for (h, k) in entries(small) {
                if vm.set_contains_hashed(big, k, h)? {
                    vm.set_add_hashed(out, k, h)?;
                }
            }
        }
        _ => {
            for k in vm.collect_iter(other)? {
                if vm.set_contains(so, k)? {
                    vm.set_add(Value::Set(out), k)?;
                }
            }
        }
    }
    Ok(out)
}

/// Removes `other`'s items from `s` (CPython's `set_difference_update_internal`).
fn remove_all<'gc>(vm: &mut Vm<'gc>, s: SetRef<'gc>, other: Value<'gc>) -> R<'gc, ()> {
    match unwrap_payload(other) {
        Value::Set(o) if Gc::ptr_eq(o, s) => {
            set_table_mut(vm, s).clear();
            return Ok(());
        }
        Value::Set(o) => {
            // against a much larger set, only the common keys need removing
            let o = if o.table.borrow().len() >> 3 > s.table.borrow().len() {
                intersect(vm, s, Value::Set(o))?
            } else {
                o
            };
            for (h, k) in entries(o) {
                vm.set_discard_hashed(s, k, h)?;
            }
        }
        _ => {
            for k in vm.collect_iter(other)? {
                vm.set_discard(s, k)?;
            }
        }
    }
    set_table_mut(vm, s).shed_dummies();
    Ok(())
}

/// `so - other`, frozen like `so` (CPython's `set_difference`).
fn subtract<'gc>(vm: &mut Vm<'gc>, so: SetRef<'gc>, other: Value<'gc>) -> R<'gc, SetRef<'gc>> {
    let other = unwrap_payload(other);
    let other_len = match other {
        Value::Set(o) => Some(o.table.borrow().len()),
        Value::Dict(d) => Some(d.borrow().len()),
        _ => None,
    };
    match other_len {
        Some(n) if so.table.borrow().len() >> 2 <= n => {
            let out = empty_like(vm, so);
            for (h, k) in entries(so) {
                let found = match other {
                    Value::Set(o) => vm.set_contains_hashed(o, k, h)?,
                    _ => vm.contains(other, k)?,
                };
                if !found {
                    vm.set_add_hashed(out, k, h)?;
                }
            }
            Ok(out)
        }
        _ => {
            let out = copy_of(vm, so)?;
            remove_all(vm, out, other)?;
            Ok(out)
        }
    }
}

/// Toggles `other`'s items in `s` (CPython's `set_symmetric_difference_update`).
fn toggle_all<'gc>(vm: &mut Vm<'gc>, s: SetRef<'gc>, other: Value<'gc>) -> R<'gc, ()> {
    let o = match unwrap_payload(other) {
        Value::Set(o) if Gc::ptr_eq(o, s) => {
            set_table_mut(vm, s).clear();
            return Ok(());
        }
        Value::Set(o) => o,
        _ => {
            let o = empty_like(vm, s);
            update_from(vm, o, other)?;
            o
        }
    };
    for (h, k) in entries(o) {
        if !vm.set_discard_hashed(s, k, h)? {
            vm.set_add_hashed(s, k, h)?;
        }
    }
    Ok(())
}

/// `so ^ other`: a copy of `other` with `so`'s keys toggled, frozen like `so`.
fn symmetric<'gc>(vm: &mut Vm<'gc>, so: SetRef<'gc>, other: Value<'gc>) -> R<'gc, SetRef<'gc>> {
    let out = empty_like(vm, so);
    update_from(vm, out, other)?;
    toggle_all(vm, out, Value::Set(so))?;
    Ok(out)
}

/// Gives `s` the keys of `from` (CPython swaps the tables' bodies).
fn take_table<'gc>(vm: &mut Vm<'gc>, s: SetRef<'gc>, from: SetRef<'gc>) {
    let t = std::mem::take(&mut *set_table_mut(vm, from));
    *set_table_mut(vm, s) = t;
}

/// `a op b` for two sets: `|`, `&`, `-`, `^`.
pub fn set_op<'gc>(vm: &mut Vm<'gc>, op: BinOp, a: Value<'gc>, b: Value<'gc>) -> R<'gc> {
    let sa = this(vm, a)?;
    let out = match op {
        BinOp::BitOr => {
            let out = copy_of(vm, sa)?;
            update_from(vm, out, b)?;
            out
        }
        BinOp::BitAnd => intersect(vm, sa, b)?,
        BinOp::Sub => subtract(vm, sa, b)?,
        _ => symmetric(vm, sa, b)?,
    };
    Ok(Value::Set(out))
}

/// `a op= b` for two sets.
pub fn set_inplace<'gc>(vm: &mut Vm<'gc>, op: BinOp, a: Value<'gc>, b: Value<'gc>) -> R<'gc> {
    let sa = this(vm, a)?;
    match op {
        BinOp::BitOr => update_from(vm, sa, b)?,
        BinOp::BitAnd => {
            let r = intersect(vm, sa, b)?;
            take_table(vm, sa, r);
        }
        BinOp::Sub => remove_all(vm, sa, b)?,
        _ => toggle_all(vm, sa, b)?,
    }
    Ok(a)
}

fn copy<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    if s.frozen {
        return Ok(unwrap_payload(arg(args, 0)));
    }
    Ok(Value::Set(copy_of(vm, s)?))
}
fn union<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    let out = copy_of(vm, s)?;
    for other in &args[1..] {
        update_from(vm, out, *other)?;
    }
    Ok(Value::Set(out))
}
fn intersection_of<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>]) -> R<'gc, SetRef<'gc>> {
    let s = this(vm, arg(args, 0))?;
    if args.len() == 1 {
        return copy_of(vm, s);
    }
    let mut out = s;
    for other in &args[1..] {
        out = intersect(vm, out, *other)?;
    }
    Ok(out)
}
fn intersection<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    Ok(Value::Set(intersection_of(vm, args)?))
}
fn difference<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    let Some(first) = args.get(1) else {
        return Ok(Value::Set(copy_of(vm, s)?));
    };
    let out = subtract(vm, s, *first)?;
    for other in &args[2..] {
        remove_all(vm, out, *other)?;
    }
    Ok(Value::Set(out))
}
fn symmetric_difference<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    Ok(Value::Set(symmetric(vm, s, arg(args, 1))?))
}

fn update<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    for other in &args[1..] {
        update_from(vm, s, *other)?;
    }
    Ok(Value::None)
}
fn intersection_update<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    let r = intersection_of(vm, args)?;
    take_table(vm, s, r);
    Ok(Value::None)
}
fn difference_update<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    for other in &args[1..] {
        remove_all(vm, s, *other)?;
    }
    Ok(Value::None)
}
fn symmetric_difference_update<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let s = this(vm, arg(a, 0))?;
    toggle_all(vm, s, arg(a, 1))?;
    Ok(Value::None)
}

/// Turns any iterable argument into a set for the comparison methods.
fn as_set<'gc>(vm: &mut Vm<'gc>, v: Value<'gc>) -> R<'gc> {
    match unwrap_payload(v) {
        Value::Set(_) => Ok(unwrap_payload(v)),
        _ => {
            let items = vm.collect_iter(v)?;
            vm.new_set(&items)
        }
    }
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
    if !vm.set_discard(s, arg(args, 1))? {
        return Err(vm.key_error(arg(args, 1)));
    }
    Ok(Value::None)
}

fn discard<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    vm.set_discard(s, arg(args, 1))?;
    Ok(Value::None)
}

fn pop<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    let popped = set_table_mut(vm, s).pop();
    match popped {
        Some(k) => Ok(k),
        None => {
            let c = vm.st.types.key_error;
            Err(vm.err(c, "pop from an empty set"))
        }
    }
}

fn clear<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    set_table_mut(vm, s).clear();
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
