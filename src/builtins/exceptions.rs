//! Methods of `BaseException`.

use super::{arg, method};
use crate::runtime::function::Kw;
use crate::runtime::value::Value;
use crate::vm::exc::exc_data;
use crate::vm::{R, Vm};

pub fn install<'gc>(vm: &mut Vm<'gc>) {
    let b = vm.st.types.base_exception;
    method(vm, b, "__init__", init);
    method(vm, b, "__str__", str_);
    method(vm, b, "__repr__", repr);
    method(vm, b, "with_traceback", with_traceback);
    method(vm, b, "add_note", add_note);
}

fn init<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    if let Some(d) = exc_data(arg(args, 0)) {
        let t = vm.new_tuple(args[1..].to_vec());
        d.borrow_mut(vm.mc).args = t;
    }
    Ok(Value::None)
}

fn str_<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let Some(d) = exc_data(arg(args, 0)) else {
        return Ok(vm.new_str(""));
    };
    let a = d.borrow().args;
    let s = match a {
        Value::Tuple(t) if t.items().is_empty() => String::new(),
        Value::Tuple(t) if t.items().len() == 1 => vm.str_of(t.items()[0])?,
        _ => vm.repr_of(a)?,
    };
    Ok(vm.new_string(s))
}

fn repr<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let v = arg(args, 0);
    let name = vm.type_name(v);
    let Some(d) = exc_data(v) else {
        return Ok(vm.new_string(format!("{name}()")));
    };
    let a = d.borrow().args;
    let inner = match a {
        Value::Tuple(t) if t.items().len() == 1 => vm.repr_of(t.items()[0])?,
        Value::Tuple(t) => {
            let r = vm.repr_of(Value::Tuple(t))?;
            r[1..r.len() - 1].to_string()
        }
        _ => String::new(),
    };
    Ok(vm.new_string(format!("{name}({inner})")))
}

fn with_traceback<'gc>(_vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    Ok(arg(args, 0))
}

fn add_note<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let v = arg(args, 0);
    let note = arg(args, 1);
    if !matches!(note, Value::Str(_)) {
        let t = vm.type_name(note);
        return Err(vm.type_error(format!("note must be a str, not '{t}'")));
    }
    let notes = match vm.getattr_str(v, "__notes__") {
        Ok(n) => n,
        Err(_) => {
            let l = vm.new_list(vec![]);
            let k = vm.intern("__notes__");
            vm.setattr(v, k, l)?;
            l
        }
    };
    if let Value::List(l) = notes {
        l.borrow_mut(vm.mc).push(note);
    }
    Ok(Value::None)
}
