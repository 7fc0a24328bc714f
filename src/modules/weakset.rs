//! WeakSet: a `WeakTable` of weakly held keys behind CPython 3.11's set API. The table itself,
//! and what WeakSet shares with the weak dictionaries, live in weakcontainers.rs.

use super::weakcontainers::{
    TableRef, check_key, clear, container_new, contains, copy, data, entry_key, find, keys, len,
    missing, pairs, remove, store, table,
};
use crate::builtins::{arg, class_impl_method as method, nargs};
use crate::runtime::function::{Kw, NativeFn};
use crate::runtime::value::{ObjRef, Payload, Truth, Value};
use crate::runtime::weak::TableKind;
use crate::vm::{R, Vm};

/// Installs WeakSet's methods on its class `ws`.
pub fn install<'gc>(vm: &mut Vm<'gc>, ws: ObjRef<'gc>) {
    let set_methods: &[(&'static str, NativeFn)] = &[
        ("__new__", container_new),
        ("__init__", set_init),
        ("__contains__", contains),
        ("__len__", len),
        ("__iter__", keys),
        ("__repr__", set_repr),
        ("add", set_add),
        ("discard", set_discard),
        ("remove", set_remove),
        ("pop", set_pop),
        ("clear", clear),
        ("copy", copy),
        ("__copy__", copy),
        ("update", set_update),
        ("__ior__", set_ior),
        ("union", set_union),
        ("__or__", set_union),
        ("intersection", set_intersection),
        ("__and__", set_intersection),
        ("intersection_update", set_intersection_update),
        ("__iand__", set_iand),
        ("difference", set_difference),
        ("__sub__", set_difference),
        ("difference_update", set_difference_update),
        ("__isub__", set_isub),
        ("symmetric_difference", set_symmetric_difference),
        ("__xor__", set_symmetric_difference),
        (
            "symmetric_difference_update",
            set_symmetric_difference_update,
        ),
        ("__ixor__", set_ixor),
        ("issubset", set_issubset),
        ("__le__", set_issubset),
        ("__lt__", set_lt),
        ("issuperset", set_issuperset),
        ("__ge__", set_issuperset),
        ("__gt__", set_gt),
        ("__eq__", set_eq),
        ("isdisjoint", set_isdisjoint),
    ];
    for (n, f) in set_methods {
        method(vm, ws, n, *f);
    }
}

fn set_items<'gc>(vm: &Vm<'gc>, t: TableRef<'gc>) -> Vec<Value<'gc>> {
    pairs(vm, t).into_iter().map(|(k, _)| k).collect()
}

fn set_init<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "WeakSet", &args[1.min(args.len())..], 0, 1)?;
    let t = table(vm, arg(args, 0))?;
    if let Some(src) = args.get(1).filter(|v| !v.is_none()) {
        for it in vm.collect_iter(*src)? {
            store(vm, t, it, Value::None)?;
        }
    }
    Ok(Value::None)
}

fn set_repr<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    let d = data(vm, args, kw)?;
    let s = vm.repr_of(d)?;
    Ok(vm.new_string(s))
}

fn set_add<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let t = table(vm, arg(args, 0))?;
    store(vm, t, arg(args, 1), Value::None)?;
    Ok(Value::None)
}

fn set_discard<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let t = table(vm, arg(args, 0))?;
    check_key(vm, t, arg(args, 1))?;
    remove(vm, t, arg(args, 1))?;
    Ok(Value::None)
}

fn set_remove<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let t = table(vm, arg(args, 0))?;
    check_key(vm, t, arg(args, 1))?;
    if remove(vm, t, arg(args, 1))?.is_none() {
        return Err(missing(vm, t, arg(args, 1)));
    }
    Ok(Value::None)
}

fn set_pop<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let t = table(vm, arg(args, 0))?;
    let first = t.borrow().entries.iter().position(|e| e.is_some());
    match first {
        Some(slot) => {
            let k = entry_key(vm, t, slot).unwrap_or(Value::None);
            let mut tb = t.borrow_mut(vm.mc);
            tb.remove_at(slot);
            tb.version += 1;
            Ok(k)
        }
        None => {
            let c = vm.st.types.key_error;
            Err(vm.err(c, "pop from empty WeakSet"))
        }
    }
}

fn other_items<'gc>(vm: &mut Vm<'gc>, v: Value<'gc>) -> R<'gc, Vec<Value<'gc>>> {
    if let Value::Instance(i) = v {
        if let Payload::Table(t) = i.payload.get() {
            return Ok(set_items(vm, t));
        }
    }
    vm.collect_iter(v)
}

fn set_update<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let t = table(vm, arg(args, 0))?;
    for other in &args[1..] {
        for it in other_items(vm, *other)? {
            store(vm, t, it, Value::None)?;
        }
    }
    Ok(Value::None)
}

fn set_ior<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    set_update(vm, args, kw)?;
    Ok(arg(args, 0))
}

/// Whether `v` is in the weak set `t` (False for values that cannot be weakly referenced).
fn has<'gc>(vm: &mut Vm<'gc>, t: TableRef<'gc>, v: Value<'gc>) -> R<'gc, bool> {
    if !vm.weakrefable(v) {
        return Ok(false);
    }
    Ok(find(vm, t, v)?.is_some())
}

fn set_new_like<'gc>(vm: &mut Vm<'gc>, this: Value<'gc>, items: Vec<Value<'gc>>) -> R<'gc> {
    let cls = Value::Obj(vm.type_of(this));
    let l = vm.new_list(items);
    vm.call(cls, &[l], &[])
}

fn set_union<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let t = table(vm, arg(args, 0))?;
    let mut items = set_items(vm, t);
    for o in &args[1..] {
        items.extend(other_items(vm, *o)?);
    }
    set_new_like(vm, arg(args, 0), items)
}

fn set_intersection<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let other = other_items(vm, arg(args, 1))?;
    let t = table(vm, arg(args, 0))?;
    let mut out = vec![];
    for it in other {
        if has(vm, t, it)? {
            out.push(it);
        }
    }
    set_new_like(vm, arg(args, 0), out)
}

fn set_difference<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let other = other_items(vm, arg(args, 1))?;
    let os = vm.new_list(other);
    let t = table(vm, arg(args, 0))?;
    let mut out = vec![];
    for it in set_items(vm, t) {
        if !vm.contains(os, it)? {
            out.push(it);
        }
    }
    set_new_like(vm, arg(args, 0), out)
}

fn set_symmetric_difference<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let other = other_items(vm, arg(args, 1))?;
    let os = vm.new_list(other.clone());
    let t = table(vm, arg(args, 0))?;
    let mut out = vec![];
    for it in set_items(vm, t) {
        if !vm.contains(os, it)? {
            out.push(it);
        }
    }
    for it in other {
        if !has(vm, t, it)? {
            out.push(it);
        }
    }
    set_new_like(vm, arg(args, 0), out)
}

/// Replaces the contents of weak set `this` with those of `result` (another weak set).
fn replace_with<'gc>(vm: &mut Vm<'gc>, this: Value<'gc>, result: Value<'gc>) -> R<'gc, ()> {
    let t = table(vm, this)?;
    let rt = table(vm, result)?;
    let items = set_items(vm, rt);
    {
        let mut tb = t.borrow_mut(vm.mc);
        tb.clear();
        tb.version += 1;
    }
    for it in items {
        store(vm, t, it, Value::None)?;
    }
    Ok(())
}

fn set_intersection_update<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    let r = set_intersection(vm, args, kw)?;
    replace_with(vm, arg(args, 0), r)?;
    Ok(Value::None)
}
fn set_iand<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    set_intersection_update(vm, args, kw)?;
    Ok(arg(args, 0))
}
fn set_difference_update<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    let r = set_difference(vm, args, kw)?;
    replace_with(vm, arg(args, 0), r)?;
    Ok(Value::None)
}
fn set_isub<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    set_difference_update(vm, args, kw)?;
    Ok(arg(args, 0))
}
fn set_symmetric_difference_update<'gc>(
    vm: &mut Vm<'gc>,
    args: &[Value<'gc>],
    kw: &Kw<'gc>,
) -> R<'gc> {
    let r = set_symmetric_difference(vm, args, kw)?;
    replace_with(vm, arg(args, 0), r)?;
    Ok(Value::None)
}
fn set_ixor<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    set_symmetric_difference_update(vm, args, kw)?;
    Ok(arg(args, 0))
}

fn subset<'gc>(vm: &mut Vm<'gc>, a: Value<'gc>, b: Value<'gc>) -> R<'gc, bool> {
    let items = other_items(vm, a)?;
    let bl = other_items(vm, b)?;
    let bl = vm.new_list(bl);
    for it in items {
        if !vm.contains(bl, it)? {
            return Ok(false);
        }
    }
    Ok(true)
}

fn count<'gc>(vm: &mut Vm<'gc>, v: Value<'gc>) -> R<'gc, usize> {
    Ok(other_items(vm, v)?.len())
}

fn set_issubset<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    Ok(Value::bool(subset(vm, arg(args, 0), arg(args, 1))?))
}
fn set_issuperset<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    Ok(Value::bool(subset(vm, arg(args, 1), arg(args, 0))?))
}
fn set_lt<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let (a, b) = (arg(args, 0), arg(args, 1));
    Ok(Value::bool(
        count(vm, a)? < count(vm, b)? && subset(vm, a, b)?,
    ))
}
fn set_gt<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let (a, b) = (arg(args, 0), arg(args, 1));
    Ok(Value::bool(
        count(vm, a)? > count(vm, b)? && subset(vm, b, a)?,
    ))
}
fn set_eq<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let (a, b) = (arg(args, 0), arg(args, 1));
    let is_weakset = matches!(b, Value::Instance(i) if matches!(i.payload.get(), Payload::Table(t) if t.borrow().kind == TableKind::Set));
    if !is_weakset {
        return Ok(vm.not_implemented());
    }
    Ok(Value::bool(
        count(vm, a)? == count(vm, b)? && subset(vm, a, b)?,
    ))
}
fn set_isdisjoint<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let t = table(vm, arg(args, 0))?;
    for it in other_items(vm, arg(args, 1))? {
        if has(vm, t, it)? {
            return Ok(Value::Bool(Truth::False));
        }
    }
    Ok(Value::Bool(Truth::True))
}
