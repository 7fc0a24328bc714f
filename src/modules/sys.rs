//! The `sys` module.

use super::{add_fn, add_value};
use crate::builtins::{arg, method, nargs};
use crate::runtime::function::Kw;
use crate::runtime::value::{DictRef, Layout, Obj, Payload, Value};
use crate::vm::{R, Vm};

pub fn init<'gc>(vm: &mut Vm<'gc>, d: DictRef<'gc>) {
    let argv: Vec<String> = vm.st.config.argv.clone();
    let items = argv.iter().map(|a| vm.new_str(a)).collect();
    let l = vm.new_list(items);
    add_value(vm, d, "argv", l);
    add_value(vm, d, "maxsize", Value::Int(i64::MAX));
    let v = vm.new_str(concat!("3.11.0 (wk ", env!("CARGO_PKG_VERSION"), ")"));
    add_value(vm, d, "version", v);
    let fin = vm.new_str("final");
    let vi = vm.new_tuple(vec![
        Value::Int(3),
        Value::Int(11),
        Value::Int(0),
        fin,
        Value::Int(0),
    ]);
    add_value(vm, d, "version_info", vi);
    let p = vm.new_str("linux");
    add_value(vm, d, "platform", p);
    let bo = vm.new_str("little");
    add_value(vm, d, "byteorder", bo);
    let e = vm.new_str(
        &std::env::current_exe()
            .map(|p| p.display().to_string())
            .unwrap_or_default(),
    );
    add_value(vm, d, "executable", e);
    let modules = vm.st.modules;
    add_value(vm, d, "modules", Value::Dict(modules));
    let path = vm.new_list(vec![]);
    add_value(vm, d, "path", path);
    // stdout / stderr objects
    let cls_dict = vm.new_dict();
    let cls = crate::vm::types::new_class(
        vm.mc,
        "TextIOWrapper",
        vec![vm.st.types.object],
        vec![vm.st.types.object],
        Layout::Object,
        cls_dict,
        crate::runtime::value::flags::BUILTIN,
    );
    method(vm, cls, "write", stream_write);
    method(vm, cls, "flush", stream_flush);
    let out = vm.new_instance(cls, Payload::Value(Value::Int(1)));
    let err = vm.new_instance(cls, Payload::Value(Value::Int(2)));
    add_value(vm, d, "stdout", out);
    add_value(vm, d, "stderr", err);
    add_value(vm, d, "__stdout__", out);
    add_value(vm, d, "__stderr__", err);
    add_fn(vm, d, "getrecursionlimit", getrecursionlimit);
    add_fn(vm, d, "setrecursionlimit", setrecursionlimit);
    add_fn(vm, d, "exit", exit);
    add_fn(vm, d, "intern", intern);
    add_fn(vm, d, "getsizeof", getsizeof);
    add_fn(vm, d, "exc_info", exc_info);
}

/// 1 for sys.stdout, 2 for sys.stderr, None for anything else.
pub fn stream_kind<'gc>(_vm: &Vm<'gc>, v: Value<'gc>) -> Option<i64> {
    let Value::Instance(i) = v else { return None };
    let Obj::Class(c) = i.class.get().as_ref() else {
        return None;
    };
    if &*c.name != "TextIOWrapper" {
        return None;
    }
    match i.payload.get() {
        Payload::Value(Value::Int(k)) => Some(k),
        _ => None,
    }
}

fn stream_write<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "write", args, 2, 2)?;
    let s = match args[1] {
        Value::Str(s) => s.text().to_string(),
        v => {
            let t = vm.type_name(v);
            return Err(vm.type_error(format!("write() argument must be str, not {t}")));
        }
    };
    if stream_kind(vm, args[0]) == Some(2) {
        vm.st.out.write_err(&s);
    } else {
        vm.out(&s);
    }
    Ok(Value::Int(s.chars().count() as i64))
}

fn stream_flush<'gc>(vm: &mut Vm<'gc>, _args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    vm.st.out.flush();
    Ok(Value::None)
}

fn getrecursionlimit<'gc>(vm: &mut Vm<'gc>, _args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    Ok(Value::Int(vm.st.config.recursion_limit as i64))
}

fn setrecursionlimit<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "setrecursionlimit", args, 1, 1)?;
    let n = vm.as_index(args[0])?;
    if n < 1 {
        return Err(vm.value_error("recursion limit must be greater or equal than 1"));
    }
    if n as usize <= vm.st.frames.len() {
        let c = vm.st.types.recursion_error;
        return Err(vm.err(c, format!("cannot set the recursion limit to {n} at the recursion depth {}: the limit is too low", vm.st.frames.len())));
    }
    vm.st.config.recursion_limit = n as usize;
    Ok(Value::None)
}

fn exit<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let code = arg(args, 0);
    let c = vm.st.types.system_exit;
    let a = if code.is_undef() || code.is_none() {
        vm.st.empty_tuple
    } else {
        vm.new_tuple(vec![code])
    };
    Err(crate::vm::exc::make_exception(vm, c, a))
}

fn intern<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    match arg(args, 0) {
        Value::Str(s) => {
            let s = s.text().to_string();
            Ok(vm.intern(&s))
        }
        _ => Err(vm.type_error("intern() argument must be str")),
    }
}

/// An estimate of an object's own size in bytes in wk's layout.
fn getsizeof<'gc>(_vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let v = arg(args, 0);
    let header = 16;
    let n = match v {
        Value::None | Value::Bool(_) | Value::Int(_) | Value::Float(_) | Value::Undef => 16,
        Value::Str(s) => header + std::mem::size_of::<crate::runtime::value::StrObj>() + s.len(),
        Value::Tuple(t) => header + 16 + 16 * t.items().len(),
        Value::List(l) => header + 32 + 16 * l.borrow().capacity(),
        Value::Dict(d) => header + 64 + 40 * d.borrow().slots(),
        Value::Set(s) => header + 64 + 24 * s.table.borrow().capacity(),
        Value::Instance(_) => header + std::mem::size_of::<crate::runtime::value::Instance>(),
        Value::Cell(_) => header + 16,
        Value::Iter(_) => header + 64,
        Value::Weak(_) => header + std::mem::size_of::<crate::runtime::weak::WeakRef>(),
        Value::Obj(_) => header + std::mem::size_of::<Obj>(),
    };
    Ok(Value::Int(n as i64))
}

fn exc_info<'gc>(vm: &mut Vm<'gc>, _args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    match vm.st.exc_stack.last().copied() {
        Some(e) => {
            let t = Value::Obj(vm.type_of(e));
            let tb = vm.traceback_value(e);
            Ok(vm.new_tuple(vec![t, e, tb]))
        }
        None => Ok(vm.new_tuple(vec![Value::None, Value::None, Value::None])),
    }
}
