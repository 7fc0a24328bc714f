//! Function objects: compiled code with its materialized constants, script functions, natives.

use super::value::{DictRef, Value};
use crate::compiler::code::Code;
use crate::vm::Vm;
use gc_arena::lock::RefLock;
use gc_arena::{Collect, Gc};
use std::cell::Cell;
use std::rc::Rc;

/// A code object plus its constants and names as heap values, made once per compiled code.
#[derive(Collect)]
#[collect(no_drop)]
pub struct CodeObj<'gc> {
    #[collect(require_static)]
    pub code: Rc<Code>,
    pub consts: Box<[Value<'gc>]>,
    /// Interned name strings, indexed like `code.names`.
    pub names: Box<[Value<'gc>]>,
    /// One per instruction, used by the name and attribute instructions (see `vm/cache.rs`).
    #[collect(require_static)]
    pub caches: Box<[InlineCache]>,
    /// The positional argument count with which a call needs no binding work (no keyword-only
    /// or star parameters, cells, free variables, not a generator); u32::MAX when none does.
    pub plain_argc: u32,
    /// Value-stack slots a frame reserves for its locals.
    pub frame_slots: u32,
}

/// What an instruction learnt the last time it ran: a dict slot and the table version (or
/// other key) under which that slot is known to be right. Holds no heap pointers, so a stale
/// entry can only miss, never keep or reach a dead object.
#[derive(Default)]
pub struct InlineCache {
    pub version: Cell<u64>,
    pub slot: Cell<u32>,
    /// For method loads: the VM's class epoch when the slot was found (see `Vm::method_cached`).
    pub epoch: Cell<u64>,
    /// For method loads: a second class's dict version and slot (0: none), so a call site
    /// that sees two classes, as `task.run()` over two task types, still hits.
    pub alt_version: Cell<u64>,
    pub alt_slot: Cell<u32>,
}

#[derive(Collect)]
#[collect(no_drop)]
pub struct FuncMeta<'gc> {
    pub name: Value<'gc>,
    pub qualname: Value<'gc>,
    pub doc: Value<'gc>,
    pub module: Value<'gc>,
    pub dict: Option<DictRef<'gc>>,
}

#[derive(Collect)]
#[collect(no_drop)]
pub struct Function<'gc> {
    pub code: Gc<'gc, CodeObj<'gc>>,
    pub globals: DictRef<'gc>,
    pub defaults: Box<[Value<'gc>]>,
    pub kwdefaults: Option<DictRef<'gc>>,
    /// Cells, as `Value::Cell`.
    pub closure: Box<[Value<'gc>]>,
    pub meta: Gc<'gc, RefLock<FuncMeta<'gc>>>,
}

/// Keyword arguments passed to natives: (name, value) pairs.
pub type Kw<'gc> = [(Value<'gc>, Value<'gc>)];

pub type NativeFn =
    for<'gc> fn(&mut Vm<'gc>, &[Value<'gc>], &Kw<'gc>) -> Result<Value<'gc>, Value<'gc>>;

/// A function implemented in Rust, optionally bound to a receiver.
#[derive(Collect)]
#[collect(no_drop)]
pub struct Native<'gc> {
    #[collect(require_static)]
    pub name: &'static str,
    #[collect(require_static)]
    pub f: NativeFn,
    /// The receiver for bound builtin methods; `Undef` when unbound.
    pub bound: Value<'gc>,
    /// Extra state some natives carry (e.g. the class a method belongs to).
    pub data: Value<'gc>,
}
