//! Builtin functions: print, len, isinstance, sorted, min/max, sum, iter/next, getattr & co.

use super::{arg, def, def_value, kwarg, nargs, no_kw};
use crate::runtime::function::Kw;
use crate::runtime::iter::Iter;
use crate::runtime::value::{Obj, ObjRef, Truth, Value};
use crate::vm::exc::is_subclass;
use crate::vm::{R, Vm};

pub fn install<'gc>(vm: &mut Vm<'gc>) {
    let t = &vm.st.types;
    let classes = [
        ("object", t.object),
        ("type", t.type_),
        ("int", t.int),
        ("bool", t.bool),
        ("float", t.float),
        ("complex", t.complex),
        ("str", t.str),
        ("bytes", t.bytes),
        ("tuple", t.tuple),
        ("list", t.list),
        ("dict", t.dict),
        ("set", t.set),
        ("frozenset", t.frozenset),
        ("range", t.range),
        ("slice", t.slice),
        ("property", t.property),
        ("staticmethod", t.staticmethod),
        ("classmethod", t.classmethod),
        ("super", t.super_),
    ];
    for (n, c) in classes {
        def_value(vm, n, Value::Obj(c));
    }
    let excs = vm.st.types.exceptions.clone();
    for (n, c) in excs {
        def_value(vm, n, Value::Obj(c));
    }
    let ni = vm.st.not_implemented;
    def_value(vm, "NotImplemented", ni);
    let el = vm.st.ellipsis;
    def_value(vm, "Ellipsis", el);
    def_value(vm, "__debug__", Value::Bool(Truth::True));
    def(vm, "__build_class__", crate::vm::class::build_class);
    def(vm, "print", print);
    def(vm, "len", len);
    def(vm, "isinstance", isinstance);
    def(vm, "issubclass", issubclass);
    def(vm, "repr", repr);
    def(vm, "ascii", ascii);
    def(vm, "hash", hash);
    def(vm, "id", id);
    def(vm, "iter", iter);
    def(vm, "next", next);
    def(vm, "getattr", getattr);
    def(vm, "setattr", setattr);
    def(vm, "hasattr", hasattr);
    def(vm, "delattr", delattr);
    def(vm, "callable", callable);
    def(vm, "sorted", sorted);
    def(vm, "reversed", reversed);
    def(vm, "enumerate", enumerate);
    def(vm, "zip", zip);
    def(vm, "map", map);
    def(vm, "filter", filter);
    def(vm, "min", min);
    def(vm, "max", max);
    def(vm, "sum", sum);
    def(vm, "any", any);
    def(vm, "all", all);
    super::numeric::install(vm);
    def(vm, "vars", vars);
    def(vm, "dir", dir);
    def(vm, "globals", globals);
    def(vm, "locals", locals);
    def(vm, "exit", exit);
    def(vm, "quit", exit);
    def(vm, "input", input);
    def(vm, "__import__", import);
    install_exec(vm);
}

fn print<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    let sep = match kwarg(kw, "sep") {
        Some(Value::Str(s)) => s.text().to_string(),
        Some(Value::None) | None => " ".into(),
        Some(v) => {
            let t = vm.type_name(v);
            return Err(vm.type_error(format!("sep must be None or a string, not {t}")));
        }
    };
    let end = match kwarg(kw, "end") {
        Some(Value::Str(s)) => s.text().to_string(),
        Some(Value::None) | None => "\n".into(),
        Some(v) => {
            let t = vm.type_name(v);
            return Err(vm.type_error(format!("end must be None or a string, not {t}")));
        }
    };
    for (k, _) in kw {
        let k = k.as_str().unwrap_or("".into());
        if !matches!(&*k, "sep" | "end" | "file" | "flush") {
            return Err(vm.type_error(format!("'{k}' is an invalid keyword argument for print()")));
        }
    }
    let file = kwarg(kw, "file").unwrap_or(Value::None);
    let direct = file.is_none() || crate::modules::sys::stream_kind(vm, file).is_some();
    if direct {
        let mut s = String::new();
        for (i, a) in args.iter().enumerate() {
            if i > 0 {
                s.push_str(&sep);
            }
            s.push_str(&vm.str_of(*a)?);
        }
        s.push_str(&end);
        write_to(vm, file, &s)?;
    } else {
        // a user file object sees each piece in its own write(), as in CPython
        for (i, a) in args.iter().enumerate() {
            if i > 0 {
                write_to(vm, file, &sep)?;
            }
            let piece = vm.str_of(*a)?;
            write_to(vm, file, &piece)?;
        }
        write_to(vm, file, &end)?;
    }
    Ok(Value::None)
}

/// Writes to a file-like object; `sys.stdout`/`sys.stderr` go straight to the process streams.
pub fn write_to<'gc>(vm: &mut Vm<'gc>, file: Value<'gc>, s: &str) -> R<'gc, ()> {
    if file.is_none() {
        vm.out(s);
        return Ok(());
    }
    if let Some(stream) = crate::modules::sys::stream_kind(vm, file) {
        if stream == 2 {
            vm.st.out.write_err(s);
        } else {
            vm.out(s);
        }
        return Ok(());
    }
    let sv = vm.new_str(s);
    vm.call_method(file, "write", &[sv])?;
    Ok(())
}

fn len<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "len", args, 1, 1)?;
    Ok(Value::Int(vm.len(args[0])? as i64))
}

pub fn isinstance_of<'gc>(vm: &mut Vm<'gc>, v: Value<'gc>, spec: Value<'gc>) -> R<'gc, bool> {
    match spec {
        Value::Obj(c) if matches!(c.as_ref(), Obj::Class(_)) => {
            let t = vm.type_of(v);
            if is_subclass(t, c) {
                return Ok(true);
            }
            // a proxy also answers to its referent's class (through __class__, as in CPython)
            if Vm::is_proxy(v) {
                if let Some(Ok(r)) = vm.proxy_target(v) {
                    return Ok(is_subclass(vm.type_of(r), c));
                }
            }
            Ok(false)
        }
        Value::Tuple(t) => {
            for s in t.items().iter() {
                if isinstance_of(vm, v, *s)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        _ => Err(vm.type_error("isinstance() arg 2 must be a type, a tuple of types, or a union")),
    }
}

fn isinstance<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "isinstance", args, 2, 2)?;
    Ok(Value::bool(isinstance_of(vm, args[0], args[1])?))
}

fn issubclass<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "issubclass", args, 2, 2)?;
    let Value::Obj(c) = args[0] else {
        return Err(vm.type_error("issubclass() arg 1 must be a class"));
    };
    if !matches!(c.as_ref(), Obj::Class(_)) {
        return Err(vm.type_error("issubclass() arg 1 must be a class"));
    }
    fn check<'gc>(vm: &mut Vm<'gc>, c: ObjRef<'gc>, spec: Value<'gc>) -> R<'gc, bool> {
        match spec {
            Value::Obj(b) if matches!(b.as_ref(), Obj::Class(_)) => Ok(is_subclass(c, b)),
            Value::Tuple(t) => {
                for s in t.items().iter() {
                    if check(vm, c, *s)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            _ => Err(
                vm.type_error("issubclass() arg 2 must be a class, a tuple of classes, or a union")
            ),
        }
    }
    Ok(Value::bool(check(vm, c, args[1])?))
}

fn repr<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "repr", args, 1, 1)?;
    let s = vm.repr_of(args[0])?;
    Ok(vm.new_string(s))
}

fn ascii<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "ascii", args, 1, 1)?;
    let s = vm.repr_of(args[0])?;
    Ok(vm.new_string(crate::runtime::repr::ascii_escape(&s)))
}

fn hash<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "hash", args, 1, 1)?;
    Ok(Value::Int(vm.hash(args[0])?))
}

pub fn id_of(v: Value<'_>) -> i64 {
    match v.addr() {
        Some(a) => a as i64,
        None => match v {
            Value::None => 0x1000,
            Value::Bool(b) => 0x1010 + b.get() as i64 * 16,
            Value::Int(i) => 0x10_0000 + i.wrapping_mul(32),
            Value::Float(f) => 0x20_0000 + (f.get().to_bits() as i64 & 0xffff_ffff),
            _ => 0,
        },
    }
}

fn id<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "id", args, 1, 1)?;
    Ok(Value::Int(id_of(args[0])))
}

fn iter<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "iter", args, 1, 2)?;
    if args.len() == 2 {
        return Ok(vm.new_iter(Iter::Callable(args[0], args[1])));
    }
    vm.get_iter(args[0])
}

fn next<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "next", args, 1, 2)?;
    let it = args[0];
    let is_iter = matches!(it, Value::Iter(_))
        || vm.is_generator(it)
        || vm.lookup_special(it, "__next__").is_some();
    if !is_iter {
        let t = vm.type_name(it);
        return Err(vm.type_error(format!("'{t}' object is not an iterator")));
    }
    if vm.is_generator(it) {
        let Value::Obj(g) = it else { unreachable!() };
        return match vm.gen_send(g, Value::None)? {
            crate::vm::generator::GenStep::Yielded(v) => Ok(v),
            crate::vm::generator::GenStep::Returned(r) => {
                if args.len() == 2 {
                    Ok(args[1])
                } else {
                    Err(vm.stop_iteration(r))
                }
            }
        };
    }
    match vm.next(it)? {
        Some(v) => Ok(v),
        None => {
            if args.len() == 2 {
                Ok(args[1])
            } else {
                Err(vm.stop_iteration(Value::None))
            }
        }
    }
}

fn attr_name<'gc>(vm: &mut Vm<'gc>, v: Value<'gc>, fname: &str) -> R<'gc, Value<'gc>> {
    match v {
        Value::Str(s) => {
            let s = s.text().to_string();
            Ok(vm.intern(&s))
        }
        _ => {
            let t = vm.type_name(v);
            let _ = fname;
            Err(vm.type_error(format!("attribute name must be string, not '{t}'")))
        }
    }
}

fn getattr<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "getattr", args, 2, 3)?;
    let n = attr_name(vm, args[1], "getattr")?;
    match vm.getattr(args[0], n) {
        Ok(v) => Ok(v),
        Err(e) if args.len() == 3 && is_subclass(vm.type_of(e), vm.st.types.attribute_error) => {
            Ok(args[2])
        }
        Err(e) => Err(e),
    }
}

fn setattr<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "setattr", args, 3, 3)?;
    let n = attr_name(vm, args[1], "setattr")?;
    vm.setattr(args[0], n, args[2])?;
    Ok(Value::None)
}

fn hasattr<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "hasattr", args, 2, 2)?;
    let n = attr_name(vm, args[1], "hasattr")?;
    match vm.getattr(args[0], n) {
        Ok(_) => Ok(Value::Bool(Truth::True)),
        Err(e) if is_subclass(vm.type_of(e), vm.st.types.attribute_error) => {
            Ok(Value::Bool(Truth::False))
        }
        Err(e) => Err(e),
    }
}

fn delattr<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "delattr", args, 2, 2)?;
    let n = attr_name(vm, args[1], "delattr")?;
    vm.delattr(args[0], n)?;
    Ok(Value::None)
}

pub fn is_callable<'gc>(vm: &mut Vm<'gc>, v: Value<'gc>) -> bool {
    match v {
        Value::Obj(o) => match o.as_ref() {
            Obj::Function(_)
            | Obj::Method(..)
            | Obj::Native(_)
            | Obj::Class(_)
            | Obj::StaticMethod(_) => true,
            _ => vm.lookup_special(v, "__call__").is_some(),
        },
        Value::Instance(_) => vm.lookup_special(v, "__call__").is_some(),
        Value::Weak(_) => true,
        _ => false,
    }
}

fn callable<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "callable", args, 1, 1)?;
    Ok(Value::bool(is_callable(vm, args[0])))
}

fn sorted<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    if args.len() != 1 {
        return Err(vm.type_error(format!("sorted expected 1 argument, got {}", args.len())));
    }
    let mut items = vm.collect_iter(args[0])?;
    let key = kwarg(kw, "key").unwrap_or(Value::None);
    let reverse = match kwarg(kw, "reverse") {
        Some(v) => vm.truthy(v)?,
        None => false,
    };
    super::sort::sort_values(vm, &mut items, key, reverse)?;
    Ok(vm.new_list(items))
}

fn reversed<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "reversed", args, 1, 1)?;
    let v = args[0];
    if let Some(f) = vm
        .lookup_special(v, "__reversed__")
        .filter(|f| !vm.is_builtin_fn(*f))
    {
        return vm.call_bound(f, v, &[]);
    }
    match v {
        Value::List(_) | Value::Tuple(_) | Value::Str(_) => {
            let n = vm.len(v)? as i64;
            Ok(vm.new_iter(Iter::Reversed(v, n)))
        }
        Value::Dict(_) => {
            let mut keys = vm.collect_iter(v)?;
            keys.reverse();
            let l = vm.new_list(keys);
            vm.get_iter(l)
        }
        Value::Obj(o) if matches!(o.as_ref(), Obj::Range(..)) => {
            let mut items = vm.collect_iter(v)?;
            items.reverse();
            let l = vm.new_list(items);
            vm.get_iter(l)
        }
        _ => {
            if vm.lookup_special(v, "__len__").is_some()
                && vm.lookup_special(v, "__getitem__").is_some()
            {
                let n = vm.len(v)? as i64;
                return Ok(vm.new_iter(Iter::Reversed(v, n)));
            }
            let t = vm.type_name(v);
            Err(vm.type_error(format!("'{t}' object is not reversible")))
        }
    }
}

fn enumerate<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    let start = match kwarg(kw, "start").or_else(|| args.get(1).copied()) {
        Some(v) => vm.as_index(v)?,
        None => 0,
    };
    if args.is_empty() {
        return Err(vm.type_error("enumerate() missing required argument 'iterable' (pos 1)"));
    }
    let it = vm.get_iter(args[0])?;
    Ok(vm.new_iter(Iter::Enumerate(it, start)))
}

fn zip<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    let strict = match kwarg(kw, "strict") {
        Some(v) => vm.truthy(v)?,
        None => false,
    };
    let mut its = Vec::with_capacity(args.len());
    for a in args {
        its.push(vm.get_iter(*a)?);
    }
    Ok(vm.new_iter(Iter::Zip(its, strict)))
}

fn map<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    if args.len() < 2 {
        return Err(vm.type_error("map() must have at least two arguments."));
    }
    let mut its = Vec::with_capacity(args.len() - 1);
    for a in &args[1..] {
        its.push(vm.get_iter(*a)?);
    }
    Ok(vm.new_iter(Iter::Map(args[0], its)))
}

fn filter<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "filter", args, 2, 2)?;
    let it = vm.get_iter(args[1])?;
    Ok(vm.new_iter(Iter::Filter(args[0], it)))
}

fn min_max<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>, want_max: bool) -> R<'gc> {
    let name = if want_max { "max" } else { "min" };
    let key = kwarg(kw, "key").unwrap_or(Value::None);
    let default = kwarg(kw, "default");
    let items = if args.len() == 1 {
        vm.collect_iter(args[0])?
    } else if args.is_empty() {
        return Err(vm.type_error(format!("{name} expected at least 1 argument, got 0")));
    } else {
        if default.is_some() {
            return Err(vm.type_error(format!(
                "Cannot specify a default for {name}() with multiple positional arguments"
            )));
        }
        args.to_vec()
    };
    if items.is_empty() {
        return match default {
            Some(d) => Ok(d),
            None => Err(vm.value_error(format!("{name}() arg is an empty sequence"))),
        };
    }
    let mut best = items[0];
    let mut best_key = if key.is_none() {
        best
    } else {
        vm.call(key, &[best], &[])?
    };
    for it in &items[1..] {
        let k = if key.is_none() {
            *it
        } else {
            vm.call(key, &[*it], &[])?
        };
        let better = if want_max {
            super::sort::less(vm, best_key, k)?
        } else {
            super::sort::less(vm, k, best_key)?
        };
        if better {
            best = *it;
            best_key = k;
        }
    }
    Ok(best)
}

fn min<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    min_max(vm, args, kw, false)
}

fn max<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    min_max(vm, args, kw, true)
}

fn sum<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "sum", args, 1, 2)?;
    let mut acc = kwarg(kw, "start")
        .or_else(|| args.get(1).copied())
        .unwrap_or(Value::Int(0));
    if let Value::Str(_) = acc {
        return Err(vm.type_error("sum() can't sum strings [use ''.join(seq) instead]"));
    }
    let it = vm.get_iter(args[0])?;
    while let Some(x) = vm.next(it)? {
        acc = match (acc, x) {
            (Value::Int(a), Value::Int(b)) => match a.checked_add(b) {
                Some(s) => Value::Int(s),
                None => vm.binary(crate::parser::ast::BinOp::Add, acc, x)?,
            },
            (Value::Float(a), Value::Float(b)) => Value::float(a.get() + b.get()),
            _ => vm.binary(crate::parser::ast::BinOp::Add, acc, x)?,
        };
    }
    Ok(acc)
}

fn any<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "any", args, 1, 1)?;
    let it = vm.get_iter(args[0])?;
    while let Some(x) = vm.next(it)? {
        if vm.truthy(x)? {
            return Ok(Value::Bool(Truth::True));
        }
    }
    Ok(Value::Bool(Truth::False))
}

fn all<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "all", args, 1, 1)?;
    let it = vm.get_iter(args[0])?;
    while let Some(x) = vm.next(it)? {
        if !vm.truthy(x)? {
            return Ok(Value::Bool(Truth::False));
        }
    }
    Ok(Value::Bool(Truth::True))
}

fn vars<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "vars", args, 0, 1)?;
    if args.is_empty() {
        return locals(vm, args, &[]);
    }
    let k = vm.intern("__dict__");
    match vm.getattr(args[0], k) {
        Ok(d) => Ok(d),
        Err(_) => Err(vm.type_error("vars() argument must have __dict__ attribute")),
    }
}

fn dir<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "dir", args, 0, 1)?;
    let mut names: Vec<String> = Vec::new();
    let add_dict =
        |vm: &mut Vm<'gc>, d: crate::runtime::value::DictRef<'gc>, names: &mut Vec<String>| {
            let _ = vm;
            for e in d.borrow().iter() {
                if let Some(s) = e.key.as_str() {
                    names.push(s.to_string());
                }
            }
        };
    if args.is_empty() {
        let l = locals(vm, args, &[])?;
        if let Value::Dict(d) = l {
            add_dict(vm, d, &mut names);
        }
    } else {
        let v = args[0];
        if let Some(f) = vm
            .lookup_special(v, "__dir__")
            .filter(|f| !vm.is_builtin_fn(*f))
        {
            let r = vm.call_bound(f, v, &[])?;
            let mut items = vm.collect_iter(r)?;
            super::sort::sort_values(vm, &mut items, Value::None, false)?;
            return Ok(vm.new_list(items));
        }
        match v {
            Value::Obj(o) if matches!(o.as_ref(), Obj::Module(_)) => {
                if let Obj::Module(m) = o.as_ref() {
                    add_dict(vm, m.dict, &mut names);
                }
            }
            _ => {
                if let Value::Instance(i) = v {
                    for (k, _) in vm.own_attrs(i) {
                        if let Some(s) = k.as_str() {
                            names.push(s.to_string());
                        }
                    }
                }
                let cls = match v {
                    Value::Obj(o) if matches!(o.as_ref(), Obj::Class(_)) => o,
                    _ => vm.type_of(v),
                };
                if let Obj::Class(c) = cls.as_ref() {
                    add_dict(vm, c.dict, &mut names);
                    for m in c.mro.clone() {
                        if let Obj::Class(mc) = m.as_ref() {
                            add_dict(vm, mc.dict, &mut names);
                        }
                    }
                }
            }
        }
    }
    names.sort();
    names.dedup();
    let items = names.iter().map(|n| vm.new_str(n)).collect();
    Ok(vm.new_list(items))
}

fn globals<'gc>(vm: &mut Vm<'gc>, _args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    match vm.st.frames.last() {
        Some(f) => Ok(Value::Dict(f.globals)),
        None => Ok(Value::Dict(vm.new_dict())),
    }
}

fn locals<'gc>(vm: &mut Vm<'gc>, _args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let Some(f) = vm.st.frames.last().copied() else {
        return Ok(Value::Dict(vm.new_dict()));
    };
    if let Some(ns) = f.ns {
        return Ok(Value::Dict(ns));
    }
    if f.code.code.flags & crate::compiler::code::CO_NAMESPACE != 0 {
        return Ok(Value::Dict(f.globals));
    }
    let d = vm.new_dict();
    let code = f.code.code.clone();
    // CPython's order: the variables (an argument that is also a cell through its cell), then
    // the other cells, then the free variables
    let mut names: Vec<(&str, Value<'gc>)> = vec![];
    for (i, name) in code.varnames.iter().enumerate() {
        names.push((name, vm.frame_local(&f, i)));
    }
    for (ci, name) in code.cellvars.iter().enumerate() {
        if !code.cell_args.iter().any(|(c, _)| *c as usize == ci) {
            names.push((name, vm.frame_cell(&f, ci)));
        }
    }
    let frees_at = code.cellvars.len();
    for (fi, name) in code.freevars.iter().enumerate() {
        names.push((name, vm.frame_cell(&f, frees_at + fi)));
    }
    for (name, v) in names {
        if !v.is_undef() {
            let k = vm.intern(name);
            vm.dict_set(d, k, v)?;
        }
    }
    Ok(Value::Dict(d))
}

fn exit<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let code = arg(args, 0);
    let code = if code.is_undef() { Value::None } else { code };
    let c = vm.st.types.system_exit;
    let a = if code.is_none() {
        vm.st.empty_tuple
    } else {
        vm.new_tuple(vec![code])
    };
    Err(crate::vm::exc::make_exception(vm, c, a))
}

fn input<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    no_kw(vm, "input", kw)?;
    if let Some(p) = args.first() {
        let s = vm.str_of(*p)?;
        vm.out(&s);
    }
    vm.st.out.flush();
    let mut line = String::new();
    match std::io::stdin().read_line(&mut line) {
        Ok(0) => {
            let c = vm
                .st
                .types
                .exceptions
                .iter()
                .find(|(n, _)| *n == "EOFError")
                .unwrap()
                .1;
            Err(vm.err(c, "EOF when reading a line"))
        }
        Ok(_) => {
            let t = line.trim_end_matches(['\n', '\r']).to_string();
            Ok(vm.new_string(t))
        }
        Err(e) => Err(vm.runtime_error(e.to_string())),
    }
}

fn import<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    if args.is_empty() {
        return Err(vm.type_error("__import__() missing required argument 'name' (pos 1)"));
    }
    let g = match vm.st.frames.last() {
        Some(f) => f.globals,
        None => vm.new_dict(),
    };
    let fromlist = arg(args, 3);
    let fromlist = if fromlist.is_undef() {
        Value::None
    } else {
        fromlist
    };
    vm.import(args[0], fromlist, Value::Int(0), g)
}

/// `exec(source, globals=None)`: compiles module-level code and runs it in `globals` (a nested
/// run). Without globals it runs in the caller's globals.
fn exec<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    let src = args
        .first()
        .copied()
        .or_else(|| kwarg(kw, "source"))
        .unwrap_or(Value::None);
    let Some(src) = src.as_str() else {
        let t = vm.type_name(src);
        return Err(vm.type_error(format!(
            "exec() arg 1 must be a string, bytes or code object, not {t}"
        )));
    };
    let globals = match args.get(1).copied().or_else(|| kwarg(kw, "globals")) {
        Some(Value::Dict(d)) => d,
        Some(Value::None) | None => match vm.st.frames.last() {
            Some(f) => f.globals,
            None => vm.st.main_globals.unwrap(),
        },
        Some(v) => {
            let t = vm.type_name(v);
            return Err(vm.type_error(format!("exec() globals must be a dict, not {t}")));
        }
    };
    let bk = vm.intern("__builtins__");
    if vm.dict_get_str(globals, bk).is_none() {
        let b = vm.st.builtins;
        vm.dict_set(globals, bk, Value::Dict(b))?;
    }
    vm.exec_source("<string>", "<string>", &src, globals)?;
    Ok(Value::None)
}

pub fn install_exec<'gc>(vm: &mut Vm<'gc>) {
    def(vm, "exec", exec);
}

impl<'gc> Vm<'gc> {
    /// `dir(obj)` as Rust strings (for completion).
    pub fn builtins_dir(&mut self, obj: Value<'gc>) -> Option<Vec<String>> {
        let l = dir(self, &[obj], &[]).ok()?;
        let items = self.collect_iter(l).ok()?;
        Some(
            items
                .iter()
                .filter_map(|v| v.as_str().map(|s| s.to_string()))
                .collect(),
        )
    }
}
