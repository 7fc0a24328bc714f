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

impl<'gc> Iter<'gc> {
    /// One step of a list, tuple or range iterator: Some(Some(item)), or Some(None) at its end,
    /// where a list or tuple iterator becomes Done (it must not revive when its list grows,
    /// and it stops holding the list). None for every other kind of iterator, which may run
    /// user code. The `for` loop's fast path and `next()` both step through here.
    #[inline(always)]
    pub fn next_in_sequence(&mut self) -> Option<Option<Value<'gc>>> {
        match self {
            Iter::Range(cur, stop, step) => {
                if (*step > 0 && *cur < *stop) || (*step < 0 && *cur > *stop) {
                    let v = *cur;
                    *cur += *step;
                    Some(Some(Value::Int(v)))
                } else {
                    Some(None)
                }
            }
            Iter::Seq(seq, idx) => {
                let item = match seq {
                    Value::List(l) => l.borrow().get(*idx).copied(),
                    Value::Tuple(t) => t.items().get(*idx).copied(),
                    _ => None,
                };
                match item {
                    Some(_) => *idx += 1,
                    None => *self = Iter::Done,
                }
                Some(item)
            }
            _ => None,
        }
    }
}
