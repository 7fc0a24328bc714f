//! WeakValueDictionary, WeakKeyDictionary and WeakSet, with CPython 3.11's method sets. Their
//! entries live in a `WeakTable` whose dead entries the collector removes during finalization,
//! so no dead entry is ever visible and iteration survives collections mid-loop. This file holds
//! the table operations and the two dictionaries' methods; WeakSet's own are in weakset.rs.

use crate::builtins::{arg, class_impl_method as method, nargs};
use crate::runtime::function::{Kw, NativeFn};
use crate::runtime::iter::Iter;
use crate::runtime::value::{Obj, ObjRef, Payload, Property, Truth, Value};
use crate::runtime::weak::{Slot, TableKind, WeakAny, WeakTable};
use crate::vm::mapping::fast_eq;
use crate::vm::{R, Vm};
use gc_arena::Gc;
use gc_arena::lock::RefLock;

pub(super) type TableRef<'gc> = Gc<'gc, RefLock<WeakTable<'gc>>>;

pub fn install_types<'gc>(vm: &mut Vm<'gc>) {
    let mapping: &[(&'static str, NativeFn)] = &[
        ("__new__", container_new),
        ("__init__", map_init),
        ("__getitem__", map_getitem),
        ("__setitem__", map_setitem),
        ("__delitem__", map_delitem),
        ("__contains__", contains),
        ("__len__", len),
        ("__iter__", keys),
        ("__repr__", map_repr),
        ("__eq__", map_eq),
        ("__or__", map_or),
        ("__ror__", map_ror),
        ("__ior__", map_ior),
        ("keys", keys),
        ("values", values),
        ("items", items),
        ("get", get),
        ("pop", pop),
        ("popitem", popitem),
        ("setdefault", setdefault),
        ("update", update),
        ("copy", copy),
        ("__copy__", copy),
        ("clear", clear),
    ];
    let (wvd, wkd, ws) = (
        vm.st.types.weak_value_dict,
        vm.st.types.weak_key_dict,
        vm.st.types.weak_set,
    );
    for cls in [wvd, wkd] {
        for (n, f) in mapping {
            method(vm, cls, n, *f);
        }
    }
    method(vm, wvd, "valuerefs", valuerefs);
    method(vm, wvd, "itervaluerefs", itervaluerefs);
    method(vm, wkd, "keyrefs", keyrefs);
    super::weakset::install(vm, ws);
    for cls in [wvd, wkd, ws] {
        let getter = crate::builtins::native(vm, "data", data);
        let p = vm.obj(Obj::Property(Property {
            fget: getter,
            fset: Value::None,
            fdel: Value::None,
            doc: Value::None,
        }));
        crate::builtins::set_attr(vm, cls, "data", p);
    }
}

fn kind_of_class<'gc>(vm: &Vm<'gc>, cls: ObjRef<'gc>) -> Option<TableKind> {
    let t = &vm.st.types;
    let is = |b: ObjRef<'gc>| crate::vm::exc::is_subclass(cls, b);
    if is(t.weak_value_dict) {
        Some(TableKind::Values)
    } else if is(t.weak_key_dict) {
        Some(TableKind::Keys)
    } else if is(t.weak_set) {
        Some(TableKind::Set)
    } else {
        None
    }
}

pub(super) fn container_new<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let Value::Obj(cls) = arg(args, 0) else {
        return Err(vm.type_error("__new__(X): X is not a type object"));
    };
    let Some(kind) = kind_of_class(vm, cls) else {
        return Err(vm.type_error("not a weak container class"));
    };
    let t = Gc::new(vm.mc, RefLock::new(WeakTable::new(kind)));
    vm.register_table(t);
    Ok(vm.new_instance(cls, Payload::Table(t)))
}

pub(super) fn table<'gc>(vm: &mut Vm<'gc>, v: Value<'gc>) -> R<'gc, TableRef<'gc>> {
    if let Value::Instance(i) = v {
        if let Payload::Table(t) = i.payload.get() {
            return Ok(t);
        }
    }
    let n = vm.type_name(v);
    Err(vm.type_error(format!("descriptor requires a weak container, not '{n}'")))
}

/// The slot holding `key`, comparing with `==` (which may run user code outside the borrow).
pub(super) fn find<'gc>(
    vm: &mut Vm<'gc>,
    t: TableRef<'gc>,
    key: Value<'gc>,
) -> R<'gc, Option<usize>> {
    let h = vm.hash(key)? as u64;
    let decided = t.borrow().find_decided(h, vm.mc, |k| fast_eq(k, key));
    if let Some(found) = decided {
        return Ok(found);
    }
    let cands = t.borrow().candidates(h);
    for (slot, k) in cands {
        if let Some(kv) = k.get(vm.mc) {
            if kv.is(key) || vm.key_eq(kv, key)? {
                return Ok(Some(slot));
            }
        }
    }
    Ok(None)
}

fn entry_value<'gc>(vm: &Vm<'gc>, t: TableRef<'gc>, slot: usize) -> Option<Value<'gc>> {
    t.borrow()
        .entries
        .get(slot)
        .copied()
        .flatten()
        .and_then(|e| e.value.get(vm.mc))
}

pub(super) fn entry_key<'gc>(vm: &Vm<'gc>, t: TableRef<'gc>, slot: usize) -> Option<Value<'gc>> {
    t.borrow()
        .entries
        .get(slot)
        .copied()
        .flatten()
        .and_then(|e| e.key.get(vm.mc))
}

/// Stores key → value with the table's weak/strong split.
pub(super) fn store<'gc>(
    vm: &mut Vm<'gc>,
    t: TableRef<'gc>,
    key: Value<'gc>,
    value: Value<'gc>,
) -> R<'gc, ()> {
    let kind = t.borrow().kind;
    let (k, v) = match kind {
        TableKind::Values => {
            if !vm.weakrefable(value) {
                return Err(vm.weakref_error(value));
            }
            (Slot::Strong(key), Slot::Weak(WeakAny::of(value).unwrap()))
        }
        TableKind::Keys => {
            if !vm.weakrefable(key) {
                return Err(vm.weakref_error(key));
            }
            (Slot::Weak(WeakAny::of(key).unwrap()), Slot::weak(value))
        }
        TableKind::Set => {
            if !vm.weakrefable(key) {
                return Err(vm.weakref_error(key));
            }
            (
                Slot::Weak(WeakAny::of(key).unwrap()),
                Slot::Strong(Value::None),
            )
        }
    };
    match find(vm, t, key)? {
        Some(slot) => {
            let mut tb = t.borrow_mut(vm.mc);
            if let Some(Some(e)) = tb.entries.get_mut(slot) {
                e.value = v;
            }
        }
        None => {
            let h = vm.hash(key)? as u64;
            let mut tb = t.borrow_mut(vm.mc);
            tb.insert_new(h, k, v);
            tb.version += 1;
        }
    }
    Ok(())
}

pub(super) fn remove<'gc>(
    vm: &mut Vm<'gc>,
    t: TableRef<'gc>,
    key: Value<'gc>,
) -> R<'gc, Option<Value<'gc>>> {
    match find(vm, t, key)? {
        Some(slot) => {
            let v = entry_value(vm, t, slot);
            let mut tb = t.borrow_mut(vm.mc);
            tb.remove_at(slot);
            tb.version += 1;
            Ok(Some(v.unwrap_or(Value::None)))
        }
        None => Ok(None),
    }
}

/// (key, value) pairs of the live entries, in order.
pub(super) fn pairs<'gc>(vm: &Vm<'gc>, t: TableRef<'gc>) -> Vec<(Value<'gc>, Value<'gc>)> {
    t.borrow()
        .entries
        .iter()
        .flatten()
        .filter_map(|e| Some((e.key.get(vm.mc)?, e.value.get(vm.mc)?)))
        .collect()
}

pub(super) fn check_key<'gc>(vm: &mut Vm<'gc>, t: TableRef<'gc>, key: Value<'gc>) -> R<'gc, ()> {
    if t.borrow().kind != TableKind::Values && !vm.weakrefable(key) {
        return Err(vm.weakref_error(key));
    }
    Ok(())
}

fn update_from<'gc>(
    vm: &mut Vm<'gc>,
    t: TableRef<'gc>,
    src: Option<Value<'gc>>,
    kw: &Kw<'gc>,
) -> R<'gc, ()> {
    if let Some(src) = src.filter(|s| !s.is_none()) {
        let items: Vec<(Value<'gc>, Value<'gc>)> = match src {
            Value::Dict(d) => d.borrow().iter().map(|e| (e.key, e.value)).collect(),
            Value::Instance(i) if matches!(i.payload.get(), Payload::Table(_)) => {
                let Payload::Table(o) = i.payload.get() else {
                    unreachable!()
                };
                pairs(vm, o)
            }
            _ => {
                if vm.lookup_special(src, "keys").is_some() {
                    let ks = vm.call_method(src, "keys", &[])?;
                    let ks = vm.collect_iter(ks)?;
                    let mut out = vec![];
                    for k in ks {
                        let v = vm.getitem(src, k)?;
                        out.push((k, v));
                    }
                    out
                } else {
                    let mut out = vec![];
                    for pair in vm.collect_iter(src)? {
                        let kv = vm.collect_iter(pair)?;
                        if kv.len() != 2 {
                            return Err(vm.value_error(format!(
                                "dictionary update sequence element has length {}; 2 is required",
                                kv.len()
                            )));
                        }
                        out.push((kv[0], kv[1]));
                    }
                    out
                }
            }
        };
        for (k, v) in items {
            store(vm, t, k, v)?;
        }
    }
    for (k, v) in kw {
        store(vm, t, *k, *v)?;
    }
    Ok(())
}

fn map_init<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "__init__", &args[1.min(args.len())..], 0, 1)?;
    let t = table(vm, arg(args, 0))?;
    update_from(vm, t, args.get(1).copied(), kw)?;
    Ok(Value::None)
}

/// KeyError as CPython raises it: with a weakref to the key where the container stores refs.
pub(super) fn missing<'gc>(vm: &mut Vm<'gc>, t: TableRef<'gc>, key: Value<'gc>) -> Value<'gc> {
    if t.borrow().kind != TableKind::Values {
        let r = vm.st.types.weakref;
        if let Ok(k) = vm.new_weakref(r, key, Value::None, 0) {
            return vm.key_error(k);
        }
    }
    vm.key_error(key)
}

fn map_getitem<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let t = table(vm, arg(args, 0))?;
    let key = arg(args, 1);
    check_key(vm, t, key)?;
    match find(vm, t, key)?.and_then(|s| entry_value(vm, t, s)) {
        Some(v) => Ok(v),
        None => Err(missing(vm, t, key)),
    }
}

fn map_setitem<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let t = table(vm, arg(args, 0))?;
    store(vm, t, arg(args, 1), arg(args, 2))?;
    Ok(Value::None)
}

fn map_delitem<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let t = table(vm, arg(args, 0))?;
    let key = arg(args, 1);
    check_key(vm, t, key)?;
    if remove(vm, t, key)?.is_none() {
        return Err(missing(vm, t, key));
    }
    Ok(Value::None)
}

pub(super) fn contains<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let t = table(vm, arg(args, 0))?;
    let key = arg(args, 1);
    if t.borrow().kind != TableKind::Values && !vm.weakrefable(key) {
        return Ok(Value::Bool(Truth::False));
    }
    Ok(Value::bool(find(vm, t, key)?.is_some()))
}

pub(super) fn len<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let t = table(vm, arg(args, 0))?;
    let n = t.borrow().len;
    Ok(Value::Int(n as i64))
}

fn iter_of<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], mode: u8) -> R<'gc> {
    let t = table(vm, arg(args, 0))?;
    let ver = t.borrow().version;
    Ok(vm.new_iter(Iter::Weak(t, 0, ver, mode)))
}

pub(super) fn keys<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    iter_of(vm, a, 0)
}
fn values<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    iter_of(vm, a, 1)
}
fn items<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    iter_of(vm, a, 2)
}

fn get<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "get", &args[1.min(args.len())..], 1, 2)?;
    let t = table(vm, args[0])?;
    let key = args[1];
    if t.borrow().kind != TableKind::Values && !vm.weakrefable(key) {
        return Ok(args.get(2).copied().unwrap_or(Value::None));
    }
    Ok(find(vm, t, key)?
        .and_then(|s| entry_value(vm, t, s))
        .unwrap_or(args.get(2).copied().unwrap_or(Value::None)))
}

fn pop<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "pop", &args[1.min(args.len())..], 1, 2)?;
    let t = table(vm, args[0])?;
    match remove(vm, t, args[1])? {
        Some(v) => Ok(v),
        None => match args.get(2) {
            Some(d) => Ok(*d),
            None => Err(missing(vm, t, args[1])),
        },
    }
}

fn popitem<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let t = table(vm, arg(args, 0))?;
    let last = t.borrow().entries.iter().rposition(|e| e.is_some());
    match last {
        Some(slot) => {
            let k = entry_key(vm, t, slot).unwrap_or(Value::None);
            let v = entry_value(vm, t, slot).unwrap_or(Value::None);
            let mut tb = t.borrow_mut(vm.mc);
            tb.remove_at(slot);
            tb.version += 1;
            drop(tb);
            Ok(vm.new_tuple(vec![k, v]))
        }
        None => {
            let c = vm.st.types.key_error;
            Err(vm.err(c, "popitem(): dictionary is empty"))
        }
    }
}

fn setdefault<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "setdefault", &args[1.min(args.len())..], 1, 2)?;
    let t = table(vm, args[0])?;
    if let Some(v) = find(vm, t, args[1])?.and_then(|s| entry_value(vm, t, s)) {
        return Ok(v);
    }
    let d = args.get(2).copied().unwrap_or(Value::None);
    store(vm, t, args[1], d)?;
    Ok(d)
}

fn update<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    let t = table(vm, arg(args, 0))?;
    update_from(vm, t, args.get(1).copied(), kw)?;
    Ok(Value::None)
}

pub(super) fn clear<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let t = table(vm, arg(args, 0))?;
    let mut tb = t.borrow_mut(vm.mc);
    tb.clear();
    tb.version += 1;
    Ok(Value::None)
}

/// A new container with the same entries: the base mapping class for the dictionaries (as
/// CPython's copy() does), the same class for WeakSet.
pub(super) fn copy<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let this = arg(args, 0);
    let t = table(vm, this)?;
    let cls = match t.borrow().kind {
        TableKind::Values => Value::Obj(vm.st.types.weak_value_dict),
        TableKind::Keys => Value::Obj(vm.st.types.weak_key_dict),
        TableKind::Set => Value::Obj(vm.type_of(this)),
    };
    let new = vm.call(cls, &[], &[])?;
    let nt = table(vm, new)?;
    for (k, v) in pairs(vm, t) {
        store(vm, nt, k, v)?;
    }
    Ok(new)
}

fn map_repr<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let v = arg(args, 0);
    let t = vm.type_of(v);
    let name = vm.class_name(t);
    let name = name.strip_prefix("weakref.").unwrap_or(&name).to_string();
    Ok(vm.new_string(format!("<{name} at {:#x}>", v.addr().unwrap_or(0))))
}

fn as_pairs<'gc>(vm: &mut Vm<'gc>, v: Value<'gc>) -> R<'gc, Option<Vec<(Value<'gc>, Value<'gc>)>>> {
    Ok(match v {
        Value::Dict(d) => Some(d.borrow().iter().map(|e| (e.key, e.value)).collect()),
        Value::Instance(i) => match i.payload.get() {
            Payload::Table(t) if t.borrow().kind != TableKind::Set => Some(pairs(vm, t)),
            _ => None,
        },
        _ => None,
    })
}

fn map_eq<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let (Some(a), Some(b)) = (as_pairs(vm, arg(args, 0))?, as_pairs(vm, arg(args, 1))?) else {
        return Ok(vm.not_implemented());
    };
    let da = vm.new_dict();
    for (k, v) in a {
        vm.dict_set(da, k, v)?;
    }
    let db = vm.new_dict();
    for (k, v) in b {
        vm.dict_set(db, k, v)?;
    }
    Ok(Value::bool(vm.eq(Value::Dict(da), Value::Dict(db))?))
}

fn map_or<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    if as_pairs(vm, arg(args, 1))?.is_none() {
        return Ok(vm.not_implemented());
    }
    let c = copy(vm, &args[..1], kw)?;
    let t = table(vm, c)?;
    update_from(vm, t, Some(arg(args, 1)), &[])?;
    Ok(c)
}

fn map_ror<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let Some(other) = as_pairs(vm, arg(args, 1))? else {
        return Ok(vm.not_implemented());
    };
    let cls = Value::Obj(vm.type_of(arg(args, 0)));
    let new = vm.call(cls, &[], &[])?;
    let nt = table(vm, new)?;
    for (k, v) in other {
        store(vm, nt, k, v)?;
    }
    let t = table(vm, arg(args, 0))?;
    for (k, v) in pairs(vm, t) {
        store(vm, nt, k, v)?;
    }
    Ok(new)
}

fn map_ior<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let t = table(vm, arg(args, 0))?;
    update_from(vm, t, Some(arg(args, 1)), &[])?;
    Ok(arg(args, 0))
}

fn valuerefs_list<'gc>(vm: &mut Vm<'gc>, v: Value<'gc>) -> R<'gc, Vec<Value<'gc>>> {
    let t = table(vm, v)?;
    let kr = vm.st.types.keyed_ref;
    let mut out = vec![];
    for (k, val) in pairs(vm, t) {
        out.push(vm.call(Value::Obj(kr), &[val, Value::None, k], &[])?);
    }
    Ok(out)
}

fn valuerefs<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let l = valuerefs_list(vm, arg(args, 0))?;
    Ok(vm.new_list(l))
}

fn itervaluerefs<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let l = valuerefs_list(vm, arg(args, 0))?;
    let l = vm.new_list(l);
    vm.get_iter(l)
}

fn keyrefs<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let t = table(vm, arg(args, 0))?;
    let r = vm.st.types.weakref;
    let mut out = vec![];
    for (k, _) in pairs(vm, t) {
        out.push(vm.new_weakref(r, k, Value::None, 0)?);
    }
    Ok(vm.new_list(out))
}

/// The `data` attribute: a snapshot in CPython's shape (refs where CPython stores refs).
pub(super) fn data<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let this = arg(args, 0);
    let t = table(vm, this)?;
    let kind = t.borrow().kind;
    let r = vm.st.types.weakref;
    match kind {
        TableKind::Values => {
            let d = vm.new_dict();
            let kr = vm.st.types.keyed_ref;
            for (k, v) in pairs(vm, t) {
                let kref = vm.call(Value::Obj(kr), &[v, Value::None, k], &[])?;
                vm.dict_set(d, k, kref)?;
            }
            Ok(Value::Dict(d))
        }
        TableKind::Keys => {
            let d = vm.new_dict();
            for (k, v) in pairs(vm, t) {
                let kref = vm.new_weakref(r, k, Value::None, 0)?;
                vm.dict_set(d, kref, v)?;
            }
            Ok(Value::Dict(d))
        }
        TableKind::Set => {
            let s = vm.new_set_empty(false);
            for (k, _) in pairs(vm, t) {
                let kref = vm.new_weakref(r, k, Value::None, 0)?;
                vm.set_add(s, kref)?;
            }
            Ok(s)
        }
    }
}
