//! `object`, `type`, `property`, `staticmethod`, `classmethod`, `super`, and the methods of
//! generators and builtin iterators.

use super::{arg, class_method, method, nargs};
use crate::runtime::function::Kw;
use crate::runtime::value::{Layout, Obj, Payload, Property, Truth, Value};
use crate::vm::{R, Vm};

pub fn install<'gc>(vm: &mut Vm<'gc>) {
    let t = vm.st.types.object;
    method(vm, t, "__new__", object_new);
    method(vm, t, "__init__", object_init);
    method(vm, t, "__repr__", object_repr);
    method(vm, t, "__str__", object_str);
    method(vm, t, "__eq__", object_eq);
    method(vm, t, "__ne__", object_ne);
    method(vm, t, "__hash__", object_hash);
    method(vm, t, "__format__", object_format);
    method(vm, t, "__setattr__", object_setattr);
    method(vm, t, "__getattribute__", object_getattribute);
    method(vm, t, "__delattr__", object_delattr);
    method(vm, t, "__dir__", object_dir);
    class_method(vm, t, "__init_subclass__", object_init_subclass);

    let ty = vm.st.types.type_;
    method(vm, ty, "__new__", type_new);
    method(vm, ty, "mro", type_mro);
    method(vm, ty, "__subclasses__", type_subclasses);

    let p = vm.st.types.property;
    method(vm, p, "__new__", property_new);
    method(vm, p, "getter", property_getter);
    method(vm, p, "setter", property_setter);
    method(vm, p, "deleter", property_deleter);
    method(vm, p, "__get__", property_get);
    let s = vm.st.types.staticmethod;
    method(vm, s, "__new__", staticmethod_new);
    let c = vm.st.types.classmethod;
    method(vm, c, "__new__", classmethod_new);
    let sp = vm.st.types.super_;
    method(vm, sp, "__new__", crate::vm::class::super_new);

    let g = vm.st.types.generator;
    method(vm, g, "send", gen_send);
    method(vm, g, "throw", gen_throw);
    method(vm, g, "close", gen_close);
    method(vm, g, "__next__", gen_next);
    method(vm, g, "__iter__", return_self);
    let it = vm.st.types.iterator;
    method(vm, it, "__next__", iter_next);
    method(vm, it, "__iter__", return_self);
    let f = vm.st.types.function;
    method(vm, f, "__get__", function_get);
    let m = vm.st.types.method;
    method(vm, m, "__new__", method_new);
}

fn object_new<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let cls = arg(args, 0);
    let Value::Obj(c) = cls else {
        return Err(vm.type_error("object.__new__(X): X is not a type object"));
    };
    let Obj::Class(cc) = c.as_ref() else {
        return Err(vm.type_error("object.__new__(X): X is not a type object"));
    };
    match cc.layout {
        Layout::Exception => {
            let t = vm.new_tuple(args[1..].to_vec());
            Ok(crate::vm::exc::make_exception(vm, c, t))
        }
        Layout::Object => Ok(vm.new_instance(c, Payload::None)),
        _ => {
            let n = cc.name.clone();
            Err(vm.type_error(format!(
                "object.__new__({n}) is not safe, use {n}.__new__()"
            )))
        }
    }
}

fn object_init<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    if args.len() > 1 || !kw.is_empty() {
        // object.__init__ accepts extra arguments only when __new__ is overridden
        let this = args[0];
        let new = vm.lookup_special(this, "__new__");
        let init = vm.lookup_special(this, "__init__");
        let new_overridden = new.map(|n| !vm.is_builtin_fn(n)).unwrap_or(false);
        let init_overridden = init.map(|n| !vm.is_builtin_fn(n)).unwrap_or(false);
        if !new_overridden || init_overridden {
            let t = vm.type_name(this);
            if init_overridden {
                return Err(vm.type_error(
                    "object.__init__() takes exactly one argument (the instance to initialize)",
                ));
            }
            return Err(vm.type_error(format!("{t}() takes no arguments")));
        }
    }
    Ok(Value::None)
}

fn object_repr<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let v = arg(args, 0);
    let cls = vm.type_of(v);
    let q = vm.qualified_class_name(cls);
    Ok(vm.new_string(format!("<{q} object at {:#x}>", v.addr().unwrap_or(0))))
}

fn object_str<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let s = vm.repr_of(arg(args, 0))?;
    Ok(vm.new_string(s))
}

fn object_eq<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "__eq__", args, 2, 2)?;
    if args[0].is(args[1]) {
        Ok(Value::Bool(Truth::True))
    } else {
        Ok(vm.not_implemented())
    }
}

fn object_ne<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "__ne__", args, 2, 2)?;
    let r = vm.compare(crate::parser::ast::CmpOp::Eq, args[0], args[1])?;
    let b = vm.truthy(r)?;
    Ok(Value::bool(!b))
}

fn object_hash<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let v = arg(args, 0);
    Ok(Value::Int(crate::runtime::hash::hash_addr(
        v.addr().unwrap_or(0),
    )))
    .and_then(|h| {
        if matches!(v, Value::Instance(_)) {
            Ok(h)
        } else {
            Ok(Value::Int(vm.hash(v)?))
        }
    })
}

fn object_format<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let v = arg(args, 0);
    let spec = arg(args, 1);
    if spec.as_str().map(|s| !s.is_empty()).unwrap_or(false) {
        let t = vm.type_name(v);
        return Err(vm.type_error(format!(
            "unsupported format string passed to {t}.__format__"
        )));
    }
    let s = vm.str_of(v)?;
    Ok(vm.new_string(s))
}

fn object_setattr<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "__setattr__", args, 3, 3)?;
    let name = match args[1] {
        Value::Str(s) => {
            let s = s.text().to_string();
            vm.intern(&s)
        }
        _ => return Err(vm.type_error("attribute name must be string")),
    };
    match args[0] {
        Value::Instance(i) => vm.generic_setattr(i, args[0], name, args[2])?,
        other => vm.setattr(other, name, args[2])?,
    }
    Ok(Value::None)
}

fn object_getattribute<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "__getattribute__", args, 2, 2)?;
    match args[0] {
        // a user __getattribute__ calling object.__getattribute__ must not come back to itself
        Value::Instance(i) if !Vm::is_proxy(args[0]) => {
            vm.generic_getattr(i, args[0], args[1], false)
        }
        _ => vm.getattr(args[0], args[1]),
    }
}

fn object_delattr<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "__delattr__", args, 2, 2)?;
    if let Value::Instance(i) = args[0] {
        if !vm.del_own_attr(i, args[1])? {
            let n = args[1].as_str().unwrap_or("?".into()).to_string();
            let t = vm.type_name(args[0]);
            return Err(vm.attr_error(format!("'{t}' object has no attribute '{n}'")));
        }
        return Ok(Value::None);
    }
    vm.delattr(args[0], args[1])?;
    Ok(Value::None)
}

fn object_dir<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let mut names = vec![];
    if let Value::Instance(i) = arg(args, 0) {
        names.extend(vm.own_attrs(i).into_iter().map(|(k, _)| k));
    }
    Ok(vm.new_list(names))
}

fn object_init_subclass<'gc>(_vm: &mut Vm<'gc>, _args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    Ok(Value::None)
}

fn type_new<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    // args[0] is `type` (or a metaclass)
    match args.len() {
        2 => Ok(Value::Obj(vm.type_of(args[1]))),
        4 => {
            let name = args[1].as_str().unwrap_or("?".into()).to_string();
            let bases: Vec<_> = match args[2] {
                Value::Tuple(t) => t.items().iter().filter_map(|b| b.obj()).collect(),
                _ => return Err(vm.type_error("type.__new__() argument 2 must be tuple")),
            };
            let Value::Dict(d) = args[3] else {
                return Err(vm.type_error("type.__new__() argument 3 must be dict"));
            };
            let ns = vm.new_dict();
            vm.dict_merge(ns, Value::Dict(d), false)?;
            let mk = vm.intern("__module__");
            if vm.dict_get_str(ns, mk).is_none() {
                let m = vm.new_str("__main__");
                vm.dict_set(ns, mk, m)?;
            }
            let cls = vm.new_class_from_ns(&name, bases, ns)?;
            Ok(Value::Obj(cls))
        }
        _ => Err(vm.type_error("type() takes 1 or 3 arguments")),
    }
}

fn type_mro<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let v = arg(args, 0);
    let m = vm.getattr_str(v, "__mro__")?;
    let items = vm.collect_iter(m)?;
    Ok(vm.new_list(items))
}

fn type_subclasses<'gc>(vm: &mut Vm<'gc>, _args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    Ok(vm.new_list(vec![]))
}

fn property_new<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    let get = |i: usize, name: &str| {
        super::kwarg(kw, name)
            .or_else(|| args.get(i).copied())
            .unwrap_or(Value::None)
    };
    let fget = get(1, "fget");
    let mut doc = get(4, "doc");
    if doc.is_none() && !fget.is_none() {
        doc = vm.getattr_str(fget, "__doc__").unwrap_or(Value::None);
    }
    Ok(vm.obj(Obj::Property(Property {
        fget,
        fset: get(2, "fset"),
        fdel: get(3, "fdel"),
        doc,
    })))
}

fn prop_parts<'gc>(
    vm: &mut Vm<'gc>,
    v: Value<'gc>,
) -> R<'gc, (Value<'gc>, Value<'gc>, Value<'gc>, Value<'gc>)> {
    match v {
        Value::Obj(o) => match o.as_ref() {
            Obj::Property(p) => Ok((p.fget, p.fset, p.fdel, p.doc)),
            _ => Err(vm.type_error("descriptor requires a 'property' object")),
        },
        _ => Err(vm.type_error("descriptor requires a 'property' object")),
    }
}

fn property_getter<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let (_, s, d, doc) = prop_parts(vm, arg(args, 0))?;
    Ok(vm.obj(Obj::Property(Property {
        fget: arg(args, 1),
        fset: s,
        fdel: d,
        doc,
    })))
}

fn property_setter<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let (g, _, d, doc) = prop_parts(vm, arg(args, 0))?;
    Ok(vm.obj(Obj::Property(Property {
        fget: g,
        fset: arg(args, 1),
        fdel: d,
        doc,
    })))
}

fn property_deleter<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let (g, s, _, doc) = prop_parts(vm, arg(args, 0))?;
    Ok(vm.obj(Obj::Property(Property {
        fget: g,
        fset: s,
        fdel: arg(args, 1),
        doc,
    })))
}

fn property_get<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let (g, _, _, _) = prop_parts(vm, arg(args, 0))?;
    let obj = arg(args, 1);
    if obj.is_none() {
        return Ok(args[0]);
    }
    vm.call(g, &[obj], &[])
}

fn staticmethod_new<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "staticmethod", &args[1..], 1, 1)?;
    Ok(vm.obj(Obj::StaticMethod(args[1])))
}

fn classmethod_new<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "classmethod", &args[1..], 1, 1)?;
    Ok(vm.obj(Obj::ClassMethod(args[1])))
}

fn gen_of<'gc>(vm: &mut Vm<'gc>, v: Value<'gc>) -> R<'gc, crate::runtime::value::ObjRef<'gc>> {
    match v {
        Value::Obj(o) if matches!(o.as_ref(), Obj::Generator(_)) => Ok(o),
        _ => Err(vm.type_error("descriptor requires a 'generator' object")),
    }
}

fn gen_send<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "send", args, 2, 2)?;
    let g = gen_of(vm, args[0])?;
    vm.gen_send(g, args[1])?
        .into_result()
        .map_err(|r| vm.stop_iteration(r))
}

fn gen_next<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let g = gen_of(vm, arg(args, 0))?;
    vm.gen_send(g, Value::None)?
        .into_result()
        .map_err(|r| vm.stop_iteration(r))
}

fn gen_throw<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "throw", args, 2, 4)?;
    let g = gen_of(vm, args[0])?;
    let mut exc = args[1];
    if crate::vm::exc::is_exception_class(vm, exc) {
        let a: Vec<Value<'gc>> = args
            .get(2)
            .copied()
            .filter(|v| !v.is_none())
            .into_iter()
            .collect();
        exc = vm.call(exc, &a, &[])?;
    } else if !crate::vm::exc::is_exception(vm, exc) {
        return Err(vm.type_error(
            "exceptions must be classes or instances deriving from BaseException, not str",
        ));
    }
    vm.gen_throw(g, exc)?
        .into_result()
        .map_err(|r| vm.stop_iteration(r))
}

fn gen_close<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let g = gen_of(vm, arg(args, 0))?;
    vm.gen_close(g)?;
    Ok(Value::None)
}

fn return_self<'gc>(_vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    Ok(arg(args, 0))
}

fn iter_next<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    vm.next_raw(arg(args, 0))
}

/// `types.MethodType(func, obj)`: a bound method.
fn method_new<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "method", &args[1..], 2, 2)?;
    if !crate::builtins::functions::is_callable(vm, args[1]) {
        return Err(vm.type_error("first argument must be callable"));
    }
    Ok(vm.obj(Obj::Method(args[2], args[1])))
}

fn function_get<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let (f, obj) = (arg(args, 0), arg(args, 1));
    if obj.is_none() || obj.is_undef() {
        return Ok(f);
    }
    Ok(vm.obj(Obj::Method(obj, f)))
}
