//! The `_weakref` module: `ref` (ReferenceType), `proxy`, KeyedRef, getweakrefcount and
//! getweakrefs. `weakref.wk` in stdlib/ builds the public `weakref` module on top of it.

use super::{add_fn, add_value};
use crate::builtins::{arg, class_impl_method as method, class_method, kwarg, nargs, set_attr};
use crate::runtime::function::Kw;
use crate::runtime::value::{DictRef, Obj, Value};
use crate::vm::{R, Vm};

/// Installs the methods of the weakref classes (called once at start-up).
pub fn install_types<'gc>(vm: &mut Vm<'gc>) {
    let t = vm.st.types.weakref;
    method(vm, t, "__new__", ref_new);
    method(vm, t, "__init__", ref_init);
    method(vm, t, "__call__", ref_call);
    method(vm, t, "__hash__", ref_hash);
    method(vm, t, "__eq__", ref_eq);
    method(vm, t, "__ne__", ref_ne);
    class_method(vm, t, "__class_getitem__", class_getitem);
    let k = vm.st.types.keyed_ref;
    method(vm, k, "__new__", keyed_new);
    method(vm, k, "__init__", ref_init);
    let cp = vm.st.types.weakcallableproxy;
    method(vm, cp, "__call__", proxy_call);
    for cls in [
        t,
        vm.st.types.weakproxy,
        cp,
        k,
        vm.st.types.weak_value_dict,
        vm.st.types.weak_key_dict,
        vm.st.types.weak_set,
    ] {
        let m = vm.new_str("weakref");
        set_attr(vm, cls, "__module__", m);
    }
    crate::modules::weakcontainers::install_types(vm);
}

pub fn init<'gc>(vm: &mut Vm<'gc>, d: DictRef<'gc>) {
    let t = &vm.st.types;
    let (r, p, cp, k) = (t.weakref, t.weakproxy, t.weakcallableproxy, t.keyed_ref);
    let (wvd, wkd, ws) = (t.weak_value_dict, t.weak_key_dict, t.weak_set);
    add_value(vm, d, "ref", Value::Obj(r));
    add_value(vm, d, "ReferenceType", Value::Obj(r));
    add_value(vm, d, "ProxyType", Value::Obj(p));
    add_value(vm, d, "CallableProxyType", Value::Obj(cp));
    let pts = vm.new_tuple(vec![Value::Obj(p), Value::Obj(cp)]);
    add_value(vm, d, "ProxyTypes", pts);
    add_value(vm, d, "KeyedRef", Value::Obj(k));
    add_value(vm, d, "WeakValueDictionary", Value::Obj(wvd));
    add_value(vm, d, "WeakKeyDictionary", Value::Obj(wkd));
    add_value(vm, d, "WeakSet", Value::Obj(ws));
    add_fn(vm, d, "proxy", proxy);
    add_fn(vm, d, "getweakrefcount", getweakrefcount);
    add_fn(vm, d, "getweakrefs", getweakrefs);
}

fn ref_new<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    let Value::Obj(cls) = arg(args, 0) else {
        return Err(vm.type_error("ref.__new__(X): X is not a type object"));
    };
    let a = &args[1..];
    if a.is_empty() {
        return Err(vm.type_error("__new__ expected at least 1 argument, got 0"));
    }
    if a.len() > 2 {
        // as in CPython: a subclass taking more arguments overrides __new__ as well
        return Err(vm.type_error(format!(
            "__new__ expected at most 2 arguments, got {}",
            a.len()
        )));
    }
    let callback = a
        .get(1)
        .copied()
        .or_else(|| kwarg(kw, "callback"))
        .unwrap_or(Value::None);
    vm.new_weakref(cls, a[0], callback, 0)
}

fn ref_init<'gc>(_vm: &mut Vm<'gc>, _args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    Ok(Value::None)
}

fn keyed_new<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let Value::Obj(cls) = arg(args, 0) else {
        return Err(vm.type_error("KeyedRef.__new__(X): X is not a type object"));
    };
    nargs(vm, "KeyedRef", &args[1..], 3, 3)?;
    let r = vm.new_weakref(cls, args[1], args[2], 0)?;
    let k = vm.intern("key");
    if let Value::Instance(i) = r {
        vm.set_own_attr(i, k, args[3])?;
    }
    Ok(r)
}

fn weak_of<'gc>(
    vm: &mut Vm<'gc>,
    v: Value<'gc>,
) -> R<'gc, gc_arena::Gc<'gc, crate::runtime::weak::WeakRef<'gc>>> {
    match Vm::weak_data(v) {
        Some(w) => Ok(w),
        None => Err(vm.type_error("descriptor requires a 'weakref.ReferenceType' object")),
    }
}

fn ref_call<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    if args.len() > 1 || !kw.is_empty() {
        // CPython names the C function here, whatever the class
        return Err(vm.type_error(format!(
            "weakref expected 0 arguments, got {}",
            args.len().saturating_sub(1)
        )));
    }
    let w = weak_of(vm, arg(args, 0))?;
    Ok(vm.weak_referent(w).unwrap_or(Value::None))
}

fn ref_hash<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let v = arg(args, 0);
    let w = weak_of(vm, v)?;
    let h = match w.remembered_hash() {
        Some(h) => h,
        None => vm.weakref_hash(v, w)?,
    };
    Ok(Value::Int(h))
}

fn ref_eq_impl<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>]) -> R<'gc, Option<bool>> {
    let (a, b) = (arg(args, 0), arg(args, 1));
    let (Some(wa), Some(wb)) = (Vm::weak_data(a), Vm::weak_data(b)) else {
        return Ok(None);
    };
    if wb.kind != 0 {
        return Ok(None);
    }
    match (vm.weak_referent(wa), vm.weak_referent(wb)) {
        (Some(x), Some(y)) => Ok(Some(vm.eq(x, y)?)),
        _ => Ok(Some(a.is(b))),
    }
}

fn ref_eq<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    Ok(match ref_eq_impl(vm, args)? {
        Some(b) => Value::bool(b),
        None => vm.not_implemented(),
    })
}

fn ref_ne<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    Ok(match ref_eq_impl(vm, args)? {
        Some(b) => Value::bool(!b),
        None => vm.not_implemented(),
    })
}

fn class_getitem<'gc>(_vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    Ok(arg(args, 0))
}

fn proxy<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "proxy", args, 1, 2)?;
    let target = args[0];
    let callback = args.get(1).copied().unwrap_or(Value::None);
    let callable = crate::builtins::functions::is_callable(vm, target);
    let (cls, kind) = if callable {
        (vm.st.types.weakcallableproxy, 2)
    } else {
        (vm.st.types.weakproxy, 1)
    };
    vm.new_weakref(cls, target, callback, kind)
}

fn proxy_call<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    let p = arg(args, 0);
    let target = match vm.proxy_target(p) {
        Some(t) => t?,
        None => {
            return Err(vm.type_error(
                "descriptor '__call__' requires a 'weakref.CallableProxyType' object",
            ));
        }
    };
    vm.call(target, &args[1..], kw)
}

fn getweakrefcount<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "getweakrefcount", args, 1, 1)?;
    Ok(Value::Int(vm.weakrefs_to(args[0]).len() as i64))
}

fn getweakrefs<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "getweakrefs", args, 1, 1)?;
    let refs = vm.weakrefs_to(args[0]);
    Ok(vm.new_list(refs))
}

/// The repr of a weakref or proxy object (called from `repr_of`).
pub fn weak_repr<'gc>(vm: &mut Vm<'gc>, v: Value<'gc>) -> R<'gc, String> {
    let w = Vm::weak_data(v).expect("a weakref");
    let me = v.addr().unwrap_or(0);
    let target = vm.weak_referent(w);
    if w.kind != 0 {
        let (tname, taddr) = match target {
            Some(t) => (vm.type_name(t), t.addr().unwrap_or(0)),
            None => (
                "NoneType".to_string(),
                crate::builtins::functions::id_of(Value::None) as usize,
            ),
        };
        return Ok(format!("<weakproxy at {me:#x} to {tname} at {taddr:#x}>"));
    }
    let Some(t) = target else {
        return Ok(format!("<weakref at {me:#x}; dead>"));
    };
    let tname = vm.type_name(t);
    let name = match t {
        Value::Obj(o)
            if matches!(
                o.as_ref(),
                Obj::Function(_)
                    | Obj::Class(_)
                    | Obj::Native(_)
                    | Obj::Module(_)
                    | Obj::Generator(_)
            ) =>
        {
            vm.getattr_str(t, "__name__")
                .ok()
                .and_then(|n| n.as_str().map(|s| s.to_string()))
        }
        _ => None,
    };
    let addr = t.addr().unwrap_or(0);
    Ok(match name {
        Some(n) => format!("<weakref at {me:#x}; to '{tname}' at {addr:#x} ({n})>"),
        None => format!("<weakref at {me:#x}; to '{tname}' at {addr:#x}>"),
    })
}
