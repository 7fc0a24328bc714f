//! The builtin namespace: registration helpers and the builtin functions. Methods of the builtin
//! types live in the files named after them.

pub mod dict;
pub mod exceptions;
pub mod functions;
pub mod list;
pub mod numbers;
pub mod numeric;
pub mod object;
pub mod range;
pub mod set;
pub mod sort;
pub mod str;
pub mod str_chars;
pub mod strfmt;

use crate::runtime::function::{Kw, Native, NativeFn};
use crate::runtime::value::{Obj, ObjRef, Truth, Value};
use crate::vm::{R, Vm};

pub fn native<'gc>(vm: &Vm<'gc>, name: &'static str, f: NativeFn) -> Value<'gc> {
    vm.obj(Obj::Native(Native {
        name,
        f,
        bound: Value::Undef,
        data: Value::None,
    }))
}

/// Adds a method to a builtin class.
pub fn method<'gc>(vm: &mut Vm<'gc>, cls: ObjRef<'gc>, name: &'static str, f: NativeFn) {
    let v = native(vm, name, f);
    let k = vm.intern(name);
    if let Obj::Class(c) = cls.as_ref() {
        let _ = vm.dict_set(c.dict, k, v);
    }
}

/// Marks natives that implement a class's own behaviour (weak containers, refs): operators and
/// builtins dispatch to them like user-defined dunders, instead of falling back to a payload.
pub const CLASS_IMPL: i64 = 2;

/// Adds a method to a class implemented natively on top of instances (see `CLASS_IMPL`).
pub fn class_impl_method<'gc>(vm: &mut Vm<'gc>, cls: ObjRef<'gc>, name: &'static str, f: NativeFn) {
    let v = vm.obj(Obj::Native(Native {
        name,
        f,
        bound: Value::Undef,
        data: Value::Int(CLASS_IMPL),
    }));
    let k = vm.intern(name);
    if let Obj::Class(c) = cls.as_ref() {
        let _ = vm.dict_set(c.dict, k, v);
    }
}

/// Adds a method bound to the class itself when looked up (a classmethod).
pub fn class_method<'gc>(vm: &mut Vm<'gc>, cls: ObjRef<'gc>, name: &'static str, f: NativeFn) {
    let v = vm.obj(Obj::Native(Native {
        name,
        f,
        bound: Value::Undef,
        data: Value::Bool(Truth::True),
    }));
    let k = vm.intern(name);
    if let Obj::Class(c) = cls.as_ref() {
        let _ = vm.dict_set(c.dict, k, v);
    }
}

pub fn set_attr<'gc>(vm: &mut Vm<'gc>, cls: ObjRef<'gc>, name: &str, v: Value<'gc>) {
    let k = vm.intern(name);
    if let Obj::Class(c) = cls.as_ref() {
        let _ = vm.dict_set(c.dict, k, v);
    }
}

/// Defines a builtin function in the builtins dict.
pub fn def<'gc>(vm: &mut Vm<'gc>, name: &'static str, f: NativeFn) {
    let v = native(vm, name, f);
    let k = vm.intern(name);
    let b = vm.st.builtins;
    let _ = vm.dict_set(b, k, v);
}

pub fn def_value<'gc>(vm: &mut Vm<'gc>, name: &str, v: Value<'gc>) {
    let k = vm.intern(name);
    let b = vm.st.builtins;
    let _ = vm.dict_set(b, k, v);
}

#[inline]
pub fn arg<'gc>(args: &[Value<'gc>], i: usize) -> Value<'gc> {
    args.get(i).copied().unwrap_or(Value::Undef)
}

pub fn kwarg<'gc>(kw: &Kw<'gc>, name: &str) -> Option<Value<'gc>> {
    kw.iter()
        .find(|(k, _)| k.as_str().as_deref() == Some(name))
        .map(|(_, v)| *v)
}

/// Checks the positional argument count, with CPython's messages.
pub fn nargs<'gc>(
    vm: &mut Vm<'gc>,
    name: &str,
    args: &[Value<'gc>],
    min: usize,
    max: usize,
) -> R<'gc, ()> {
    let n = args.len();
    if n >= min && n <= max {
        return Ok(());
    }
    let msg = if min == max {
        match min {
            0 => format!("{name}() takes no arguments ({n} given)"),
            1 => format!("{name}() takes exactly one argument ({n} given)"),
            _ => format!("{name}() takes exactly {min} arguments ({n} given)"),
        }
    } else if n < min {
        format!(
            "{name} expected at least {min} argument{}, got {n}",
            if min == 1 { "" } else { "s" }
        )
    } else {
        format!(
            "{name} expected at most {max} argument{}, got {n}",
            if max == 1 { "" } else { "s" }
        )
    };
    Err(vm.type_error(msg))
}

pub fn no_kw<'gc>(vm: &mut Vm<'gc>, name: &str, kw: &Kw<'gc>) -> R<'gc, ()> {
    if kw.is_empty() {
        Ok(())
    } else {
        Err(vm.type_error(format!("{name}() takes no keyword arguments")))
    }
}

/// Installs every builtin class method and builtin function.
pub fn install<'gc>(vm: &mut Vm<'gc>) {
    object::install(vm);
    numbers::install(vm);
    str::install(vm);
    list::install(vm);
    dict::install(vm);
    set::install(vm);
    range::install(vm);
    exceptions::install(vm);
    functions::install(vm);
    crate::modules::weakref::install_types(vm);
}
