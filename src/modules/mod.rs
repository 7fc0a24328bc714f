//! Built-in modules implemented in Rust, and the registry of modules written in wk (stdlib/).

pub mod gc;
pub mod math;
pub mod sys;
pub mod time;
pub mod weakcontainers;
pub mod weakref;
pub mod weakset;

use crate::runtime::function::NativeFn;
use crate::runtime::value::{DictRef, Module, Obj, Value};
use crate::vm::Vm;
use std::rc::Rc;

/// Modules whose source ships inside the binary.
pub const STDLIB: &[(&str, &str)] = &[
    ("functools", include_str!("../../stdlib/functools.wk")),
    ("dataclasses", include_str!("../../stdlib/dataclasses.wk")),
    ("typing", include_str!("../../stdlib/typing.wk")),
    ("datetime", include_str!("../../stdlib/datetime.wk")),
    ("weakref", include_str!("../../stdlib/weakref.wk")),
];

pub fn new_module<'gc>(vm: &mut Vm<'gc>, name: &str) -> (Value<'gc>, DictRef<'gc>) {
    let d = vm.new_dict();
    let k = vm.intern("__name__");
    let n = vm.new_str(name);
    let _ = vm.dict_set(d, k, n);
    let m = vm.obj(Obj::Module(Module {
        name: Rc::from(name),
        dict: d,
    }));
    (m, d)
}

pub fn add_fn<'gc>(vm: &mut Vm<'gc>, d: DictRef<'gc>, name: &'static str, f: NativeFn) {
    let v = crate::builtins::native(vm, name, f);
    let k = vm.intern(name);
    let _ = vm.dict_set(d, k, v);
}

pub fn add_value<'gc>(vm: &mut Vm<'gc>, d: DictRef<'gc>, name: &str, v: Value<'gc>) {
    let k = vm.intern(name);
    let _ = vm.dict_set(d, k, v);
}

/// Creates a native module by name, if there is one.
pub fn native_module<'gc>(vm: &mut Vm<'gc>, name: &str) -> Option<Value<'gc>> {
    let (m, d) = match name {
        "sys" | "math" | "time" | "gc" | "_weakref" => new_module(vm, name),
        _ => return None,
    };
    match name {
        "sys" => sys::init(vm, d),
        "math" => math::init(vm, d),
        "time" => time::init(vm, d),
        "gc" => gc::init(vm, d),
        "_weakref" => weakref::init(vm, d),
        _ => {}
    }
    Some(m)
}
