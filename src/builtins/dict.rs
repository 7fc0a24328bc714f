//! `dict`: construction and methods.

use super::{arg, class_method, kwarg, method, nargs};
use crate::runtime::function::Kw;
use crate::runtime::ops::unwrap_payload;
use crate::runtime::value::{DictRef, Obj, Payload, Value};
use crate::vm::{R, Vm};

pub fn install<'gc>(vm: &mut Vm<'gc>) {
    let d = vm.st.types.dict;
    let methods: &[(&'static str, crate::runtime::function::NativeFn)] = &[
        ("__new__", dict_new),
        ("__init__", dict_init),
        ("get", get),
        ("keys", keys),
        ("values", values),
        ("items", items),
        ("pop", pop),
        ("popitem", popitem),
        ("setdefault", setdefault),
        ("update", update),
        ("copy", copy),
        ("clear", clear),
        ("__getitem__", getitem),
        ("__setitem__", setitem),
        ("__delitem__", delitem),
        ("__contains__", contains),
        ("__len__", len),
        ("__iter__", iter),
        ("__eq__", eq),
    ];
    for (n, f) in methods {
        method(vm, d, n, *f);
    }
    class_method(vm, d, "fromkeys", fromkeys);
}

pub fn this<'gc>(vm: &mut Vm<'gc>, v: Value<'gc>) -> R<'gc, DictRef<'gc>> {
    match unwrap_payload(v) {
        Value::Dict(d) => Ok(d),
        other => {
            let t = vm.type_name(other);
            Err(vm.type_error(format!(
                "descriptor requires a 'dict' object but received a '{t}'"
            )))
        }
    }
}

/// Fills `d` from a mapping or an iterable of pairs, then keyword arguments.
pub fn update_from<'gc>(
    vm: &mut Vm<'gc>,
    d: DictRef<'gc>,
    src: Option<Value<'gc>>,
    kw: &Kw<'gc>,
) -> R<'gc, ()> {
    if let Some(src) = src {
        let is_mapping = matches!(unwrap_payload(src), Value::Dict(_))
            || vm.lookup_special(src, "keys").is_some();
        if is_mapping {
            let s = if let Value::Dict(_) = unwrap_payload(src) {
                if vm
                    .lookup_special(src, "keys")
                    .map(|f| vm.is_builtin_fn(f))
                    .unwrap_or(true)
                {
                    unwrap_payload(src)
                } else {
                    src
                }
            } else {
                src
            };
            vm.dict_merge(d, s, false)?;
        } else {
            let it = vm.get_iter(src)?;
            let mut i = 0;
            while let Some(pair) = vm.next(it)? {
                let kv = match vm.collect_iter(pair) {
                    Ok(kv) => kv,
                    Err(_) => {
                        return Err(vm.type_error(format!(
                            "cannot convert dictionary update sequence element #{i} to a sequence"
                        )));
                    }
                };
                if kv.len() != 2 {
                    return Err(vm.value_error(format!(
                        "dictionary update sequence element #{i} has length {}; 2 is required",
                        kv.len()
                    )));
                }
                vm.dict_set(d, kv[0], kv[1])?;
                i += 1;
            }
        }
    }
    for (k, v) in kw {
        vm.dict_set(d, *k, *v)?;
    }
    Ok(())
}

fn dict_new<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let d = vm.new_dict();
    match args[0] {
        Value::Obj(c) if !gc_arena::Gc::ptr_eq(c, vm.st.types.dict) => {
            Ok(vm.new_instance(c, Payload::Value(Value::Dict(d))))
        }
        _ => Ok(Value::Dict(d)),
    }
}

fn dict_init<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "dict", &args[1.min(args.len())..], 0, 1)?;
    let d = this(vm, arg(args, 0))?;
    update_from(vm, d, args.get(1).copied(), kw)?;
    Ok(Value::None)
}

fn get<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "get", &args[1.min(args.len())..], 1, 2)?;
    let d = this(vm, args[0])?;
    Ok(vm
        .dict_get(d, args[1])?
        .unwrap_or(args.get(2).copied().unwrap_or(Value::None)))
}

fn view<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kind: u8) -> R<'gc> {
    let d = this(vm, arg(args, 0))?;
    Ok(vm.obj(Obj::DictView(kind, d)))
}

fn keys<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    view(vm, a, 0)
}
fn values<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    view(vm, a, 1)
}
fn items<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    view(vm, a, 2)
}

fn pop<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "pop", &args[1.min(args.len())..], 1, 2)?;
    let d = this(vm, args[0])?;
    match vm.dict_remove(d, args[1])? {
        Some((_, v)) => Ok(v),
        None => match args.get(2) {
            Some(v) => Ok(*v),
            None => Err(vm.key_error(args[1])),
        },
    }
}

fn popitem<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let d = this(vm, arg(args, 0))?;
    vm.note_dict_write(d);
    let e = d.borrow_mut(vm.mc).pop_last();
    match e {
        Some(e) => Ok(vm.new_tuple(vec![e.key, e.value])),
        None => {
            let c = vm.st.types.key_error;
            Err(vm.err(c, "popitem(): dictionary is empty"))
        }
    }
}

fn setdefault<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "setdefault", &args[1.min(args.len())..], 1, 2)?;
    let d = this(vm, args[0])?;
    if let Some(v) = vm.dict_get(d, args[1])? {
        return Ok(v);
    }
    let v = args.get(2).copied().unwrap_or(Value::None);
    vm.dict_set(d, args[1], v)?;
    Ok(v)
}

fn update<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "update", &args[1.min(args.len())..], 0, 1)?;
    let d = this(vm, arg(args, 0))?;
    update_from(vm, d, args.get(1).copied(), kw)?;
    Ok(Value::None)
}

fn copy<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let d = this(vm, arg(args, 0))?;
    let n = vm.new_dict();
    vm.dict_merge(n, Value::Dict(d), false)?;
    Ok(Value::Dict(n))
}

fn clear<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let d = this(vm, arg(args, 0))?;
    vm.note_dict_write(d);
    d.borrow_mut(vm.mc).clear();
    Ok(Value::None)
}

fn fromkeys<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let cls = arg(args, 0);
    let keys = vm.collect_iter(arg(args, 1))?;
    let v = args.get(2).copied().unwrap_or(Value::None);
    let out = vm.call(cls, &[], &[])?;
    for k in keys {
        vm.setitem(out, k, v)?;
    }
    Ok(out)
}

fn getitem<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let d = this(vm, arg(args, 0))?;
    match vm.dict_get(d, arg(args, 1))? {
        Some(v) => Ok(v),
        None => {
            if let Value::Instance(_) = arg(args, 0) {
                if let Some(m) = vm.lookup_special(arg(args, 0), "__missing__") {
                    return vm.call_bound(m, arg(args, 0), &[arg(args, 1)]);
                }
            }
            Err(vm.key_error(arg(args, 1)))
        }
    }
}

fn setitem<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let d = this(vm, arg(args, 0))?;
    vm.dict_set(d, arg(args, 1), arg(args, 2))?;
    Ok(Value::None)
}

fn delitem<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let d = this(vm, arg(args, 0))?;
    if !vm.dict_del(d, arg(args, 1))? {
        return Err(vm.key_error(arg(args, 1)));
    }
    Ok(Value::None)
}

fn contains<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let d = this(vm, arg(args, 0))?;
    Ok(Value::bool(vm.dict_get(d, arg(args, 1))?.is_some()))
}

fn len<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let d = this(vm, arg(args, 0))?;
    Ok(Value::Int(d.borrow().len() as i64))
}

fn iter<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let d = this(vm, arg(args, 0))?;
    vm.get_iter(Value::Dict(d))
}

fn eq<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let (a, b) = (unwrap_payload(arg(args, 0)), unwrap_payload(arg(args, 1)));
    match crate::runtime::compare::builtin_compare(vm, crate::parser::ast::CmpOp::Eq, a, b)? {
        Some(r) => Ok(Value::bool(r)),
        None => Ok(vm.not_implemented()),
    }
}

#[allow(dead_code)]
fn unused<'gc>(kw: &Kw<'gc>) -> Option<Value<'gc>> {
    kwarg(kw, "x")
}
