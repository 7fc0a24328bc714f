//! Call frames and exception-handler blocks. Frames live in the interpreter state, never on the
//! Rust stack: a script call pushes a `Frame`, a return pops it.

use super::Vm;
use crate::runtime::function::CodeObj;
use crate::runtime::value::{DictRef, InstRef, ObjRef, Value};
use gc_arena::{Collect, Gc};

/// An active `try` handler: where to jump and how deep the value stack was.
#[derive(Clone, Copy, Debug)]
pub struct Block {
    pub handler: u32,
    pub depth: u32,
}

/// What to do with a frame's result when it returns.
#[derive(Collect, Clone, Copy)]
#[collect(no_drop)]
pub enum FrameKind<'gc> {
    /// Push the return value onto the caller's stack.
    Normal,
    /// `__init__` of a class call: the result must be None; push the instance instead.
    Init(InstRef<'gc>),
    /// A nested run started here: hand the value back to the Rust caller.
    Boundary,
    /// A generator frame resumed by a `for` loop in the caller: on exhaustion jump to `exit`.
    GenForIter(ObjRef<'gc>, u32),
    /// A generator frame resumed by `next`/`send` from Rust: hand values back to the Rust caller.
    GenBoundary(ObjRef<'gc>),
    /// A generator resumed by `yield from` in the generator frame below it: its values are
    /// yielded onward by that frame, and its return value is the `yield from`'s result.
    GenDelegate(ObjRef<'gc>),
    /// `__next__` of a user iterator called by a `for` loop: StopIteration ends the loop at `exit`.
    NextForIter(u32),
    /// Discard the return value (e.g. `__setitem__`).
    Discard,
    /// A `__del__` method or weakref callback run by the collector: the return value is
    /// discarded, and an exception that escapes it is reported ("Exception ignored in") and
    /// goes no further. The callee (what the report names) stays at `stack[ret_sp]`.
    Ignored,
}

impl<'gc> FrameKind<'gc> {
    /// The generator whose frame this is, if it is one.
    pub fn generator(self) -> Option<ObjRef<'gc>> {
        match self {
            FrameKind::GenForIter(g, _) | FrameKind::GenBoundary(g) | FrameKind::GenDelegate(g) => {
                Some(g)
            }
            _ => None,
        }
    }
}

#[derive(Collect, Clone, Copy)]
#[collect(no_drop)]
pub struct Frame<'gc> {
    pub code: Gc<'gc, CodeObj<'gc>>,
    pub ip: u32,
    /// Stack index of local slot 0.
    pub base: u32,
    /// Stack height to restore when this frame returns (where the callee object sat).
    pub ret_sp: u32,
    pub globals: DictRef<'gc>,
    /// Namespace dict for class bodies; module frames use `globals`.
    pub ns: Option<DictRef<'gc>>,
    pub block_base: u32,
    pub exc_base: u32,
    pub kind: FrameKind<'gc>,
}

impl<'gc> Vm<'gc> {
    /// The value in cell `i` of frame `f` (its cell variables, then its free variables), or
    /// Undef when the cell is empty.
    pub fn frame_cell(&self, f: &Frame<'gc>, i: usize) -> Value<'gc> {
        let at = f.base as usize + f.code.code.nlocals as usize + i;
        cell_get(self.st.stack[at])
    }

    /// Local `slot` of frame `f`: an argument that is also a cell is read through its cell.
    pub fn frame_local(&self, f: &Frame<'gc>, slot: usize) -> Value<'gc> {
        let code = &f.code.code;
        match code.cell_args.iter().find(|(_, s)| *s as usize == slot) {
            Some((ci, _)) => self.frame_cell(f, *ci as usize),
            None => self.st.stack[f.base as usize + slot],
        }
    }
}

/// The value a cell holds, or Undef when it is empty (or `cell` is not a cell).
pub fn cell_get<'gc>(cell: Value<'gc>) -> Value<'gc> {
    match cell {
        Value::Cell(c) => c.get(),
        _ => Value::Undef,
    }
}

/// Stores `v` in `cell`.
pub fn cell_set<'gc>(vm: &Vm<'gc>, cell: Value<'gc>, v: Value<'gc>) {
    if let Value::Cell(c) = cell {
        c.set(vm.mc, v);
    }
}
