//! Generator objects: a suspended frame with its saved stack segment, blocks and handled exceptions.

use super::function::CodeObj;
use super::value::{DictRef, Value};
use crate::vm::frame::Block;
use gc_arena::{Collect, Gc};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GenState {
    Created,
    Suspended,
    Running,
    Finished,
}

#[derive(Collect)]
#[collect(no_drop)]
pub struct Generator<'gc> {
    pub code: Gc<'gc, CodeObj<'gc>>,
    pub globals: DictRef<'gc>,
    /// Where the frame continues. The rest of its frame (where its stack segment sits, what
    /// to do with its values) is made anew by each resume.
    pub ip: u32,
    /// While suspended, the frame's locals, cells and operand stack. While running, the value
    /// stack of the frames below it, swapped out (see `Vm::resume_generator`).
    pub stack: Vec<Value<'gc>>,
    #[collect(require_static)]
    pub blocks: Vec<Block>,
    pub exc_stack: Vec<Value<'gc>>,
    #[collect(require_static)]
    pub state: GenState,
}
