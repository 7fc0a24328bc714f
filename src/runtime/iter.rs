//! Iterator objects for builtin sequences and the lazy builtins (enumerate, zip, map, ...).

use super::value::{StrRef, Value};
use gc_arena::Collect;

#[derive(Collect)]
#[collect(no_drop)]
pub enum Iter<'gc> {
    /// list, tuple: position into the sequence.
    Seq(Value<'gc>, usize),
    /// str: byte position.
    Str(StrRef<'gc>, usize),
    Range(i64, i64, i64),
    /// dict/set iteration: container, slot position, version seen at start, what to yield
    /// (0 keys, 1 values, 2 items).
    Dict(Value<'gc>, usize, u64, u8, usize),
    Enumerate(Value<'gc>, i64),
    Zip(Vec<Value<'gc>>, bool),
    Map(Value<'gc>, Vec<Value<'gc>>),
    Filter(Value<'gc>, Value<'gc>),
    Reversed(Value<'gc>, i64),
    /// iter(callable, sentinel)
    Callable(Value<'gc>, Value<'gc>),
    /// The old protocol: an object with `__getitem__`.
    GetItem(Value<'gc>, i64),
    /// A weak container: table, slot position, version seen at start, what to yield
    /// (0 keys, 1 values, 2 items). Holes left by the collector are skipped.
    Weak(
        gc_arena::Gc<'gc, gc_arena::lock::RefLock<super::weak::WeakTable<'gc>>>,
        usize,
        u64,
        u8,
    ),
    Done,
}
