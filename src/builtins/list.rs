//! `list` and `tuple`: construction and methods.

use super::{arg, kwarg, method, nargs};
use crate::runtime::function::Kw;
use crate::runtime::ops::unwrap_payload;
use crate::runtime::value::{ListRef, Payload, Value};
use crate::vm::{R, Vm};

pub fn install<'gc>(vm: &mut Vm<'gc>) {
    let l = vm.st.types.list;
    let methods: &[(&'static str, crate::runtime::function::NativeFn)] = &[
        ("__new__", list_new),
        ("__init__", list_init),
        ("append", append),
        ("extend", extend),
        ("insert", insert),
        ("pop", pop),
        ("remove", remove),
        ("index", index),
        ("count", count),
        ("sort", sort),
        ("reverse", reverse),
        ("copy", copy),
        ("clear", clear),
        ("__len__", seq_len),
        ("__getitem__", seq_getitem),
        ("__setitem__", seq_setitem),
        ("__delitem__", seq_delitem),
        ("__contains__", seq_contains),
        ("__iter__", seq_iter),
        ("__eq__", seq_eq),
    ];
    for (n, f) in methods {
        method(vm, l, n, *f);
    }
    let t = vm.st.types.tuple;
    for (n, f) in [
        ("__new__", tuple_new as crate::runtime::function::NativeFn),
        ("index", index),
        ("count", count),
        ("__len__", seq_len),
        ("__getitem__", seq_getitem),
        ("__contains__", seq_contains),
        ("__iter__", seq_iter),
        ("__eq__", seq_eq),
    ] {
        method(vm, t, n, f);
    }
}

/// The list inside `v` (a list or an instance of a list subclass).
pub fn this<'gc>(vm: &mut Vm<'gc>, v: Value<'gc>) -> R<'gc, ListRef<'gc>> {
    match unwrap_payload(v) {
        Value::List(l) => Ok(l),
        other => {
            let t = vm.type_name(other);
            Err(vm.type_error(format!(
                "descriptor requires a 'list' object but received a '{t}'"
            )))
        }
    }
}

fn list_new<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "list", &args[1..], 0, 1)?;
    let l = vm.new_list(vec![]);
    match args[0] {
        Value::Obj(c) if !gc_arena::Gc::ptr_eq(c, vm.st.types.list) => {
            Ok(vm.new_instance(c, Payload::Value(l)))
        }
        _ => Ok(l),
    }
}

fn list_init<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let l = this(vm, arg(args, 0))?;
    if let Some(v) = args.get(1) {
        let items = vm.collect_iter(*v)?;
        *l.borrow_mut(vm.mc) = items;
    }
    Ok(Value::None)
}

fn tuple_new<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "tuple", &args[1..], 0, 1)?;
    let t = match args.get(1) {
        Some(Value::Tuple(_)) => args[1],
        Some(v) => {
            let items = vm.collect_iter(*v)?;
            vm.new_tuple(items)
        }
        None => vm.st.empty_tuple,
    };
    match args[0] {
        Value::Obj(c) if !gc_arena::Gc::ptr_eq(c, vm.st.types.tuple) => {
            Ok(vm.new_instance(c, Payload::Value(t)))
        }
        _ => Ok(t),
    }
}

fn append<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "append", &args[1.min(args.len())..], 1, 1)?;
    let l = this(vm, args[0])?;
    vm.list_push(l, args[1]);
    Ok(Value::None)
}

fn extend<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let l = this(vm, arg(args, 0))?;
    let items = vm.collect_iter(arg(args, 1))?;
    vm.note_list_bytes(items.len() * std::mem::size_of::<Value>());
    l.borrow_mut(vm.mc).extend(items);
    Ok(Value::None)
}

fn insert<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "insert", &args[1.min(args.len())..], 2, 2)?;
    let l = this(vm, args[0])?;
    let i = vm.as_index(args[1])?;
    let len = l.borrow().len() as i64;
    let pos = if i < 0 { (i + len).max(0) } else { i.min(len) };
    l.borrow_mut(vm.mc).insert(pos as usize, args[2]);
    Ok(Value::None)
}

fn pop<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let l = this(vm, arg(args, 0))?;
    let len = l.borrow().len() as i64;
    if len == 0 {
        return Err(vm.index_error("pop from empty list"));
    }
    let i = match args.get(1) {
        Some(v) => vm.as_index(*v)?,
        None => -1,
    };
    let j = if i < 0 { i + len } else { i };
    if j < 0 || j >= len {
        return Err(vm.index_error("pop index out of range"));
    }
    Ok(l.borrow_mut(vm.mc).remove(j as usize))
}

fn remove<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let l = this(vm, arg(args, 0))?;
    let items = l.borrow().clone();
    for (i, x) in items.iter().enumerate() {
        if vm.key_eq(*x, arg(args, 1))? {
            l.borrow_mut(vm.mc).remove(i);
            return Ok(Value::None);
        }
    }
    Err(vm.value_error("list.remove(x): x not in list"))
}

fn items_of<'gc>(vm: &mut Vm<'gc>, v: Value<'gc>) -> R<'gc, Vec<Value<'gc>>> {
    match unwrap_payload(v) {
        Value::List(l) => Ok(l.borrow().clone()),
        Value::Tuple(t) => Ok(t.items().to_vec()),
        other => {
            let t = vm.type_name(other);
            Err(vm.type_error(format!(
                "descriptor requires a sequence but received a '{t}'"
            )))
        }
    }
}

fn index<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let items = items_of(vm, arg(args, 0))?;
    let n = items.len() as i64;
    let start = match args.get(2) {
        Some(v) => vm.as_index(*v)?,
        None => 0,
    };
    let stop = match args.get(3) {
        Some(v) => vm.as_index(*v)?,
        None => n,
    };
    let (s, e, _, _) = crate::runtime::seq::slice_indices(n, Some(start), Some(stop), None);
    for i in s.max(0)..e.min(n) {
        if vm.key_eq(items[i as usize], arg(args, 1))? {
            return Ok(Value::Int(i));
        }
    }
    let what = if matches!(unwrap_payload(arg(args, 0)), Value::Tuple(_)) {
        "tuple.index(x): x not in tuple"
    } else {
        ""
    };
    if !what.is_empty() {
        return Err(vm.value_error(what));
    }
    let r = vm.repr_of(arg(args, 1))?;
    Err(vm.value_error(format!("{r} is not in list")))
}

fn count<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let items = items_of(vm, arg(args, 0))?;
    let mut n = 0;
    for x in items {
        if vm.key_eq(x, arg(args, 1))? {
            n += 1;
        }
    }
    Ok(Value::Int(n))
}

fn sort<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    if args.len() > 1 {
        return Err(vm.type_error("sort() takes no positional arguments"));
    }
    let l = this(vm, arg(args, 0))?;
    let key = kwarg(kw, "key").unwrap_or(Value::None);
    let reverse = match kwarg(kw, "reverse") {
        Some(v) => vm.truthy(v)?,
        None => false,
    };
    let mut items = std::mem::take(&mut *l.borrow_mut(vm.mc));
    let r = super::sort::sort_values(vm, &mut items, key, reverse);
    let modified = !l.borrow().is_empty();
    *l.borrow_mut(vm.mc) = items;
    r?;
    if modified {
        return Err(vm.value_error("list modified during sort"));
    }
    Ok(Value::None)
}

fn reverse<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let l = this(vm, arg(args, 0))?;
    l.borrow_mut(vm.mc).reverse();
    Ok(Value::None)
}

fn copy<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let l = this(vm, arg(args, 0))?;
    let items = l.borrow().clone();
    Ok(vm.new_list(items))
}

fn clear<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let l = this(vm, arg(args, 0))?;
    l.borrow_mut(vm.mc).clear();
    Ok(Value::None)
}

fn seq_len<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    Ok(Value::Int(vm.len(unwrap_payload(arg(args, 0)))? as i64))
}
fn seq_getitem<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    vm.getitem(unwrap_payload(arg(args, 0)), arg(args, 1))
}
fn seq_setitem<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    vm.setitem(unwrap_payload(arg(args, 0)), arg(args, 1), arg(args, 2))?;
    Ok(Value::None)
}
fn seq_delitem<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    vm.delitem(unwrap_payload(arg(args, 0)), arg(args, 1))?;
    Ok(Value::None)
}
fn seq_contains<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    Ok(Value::bool(
        vm.contains(unwrap_payload(arg(args, 0)), arg(args, 1))?,
    ))
}
fn seq_iter<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    vm.get_iter(unwrap_payload(arg(args, 0)))
}
fn seq_eq<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let (a, b) = (unwrap_payload(arg(args, 0)), unwrap_payload(arg(args, 1)));
    match crate::runtime::compare::builtin_compare(vm, crate::parser::ast::CmpOp::Eq, a, b)? {
        Some(r) => Ok(Value::bool(r)),
        None => Ok(vm.not_implemented()),
    }
}
