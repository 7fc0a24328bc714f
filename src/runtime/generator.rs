//! Generator objects: a suspended frame with its saved stack segment, blocks and handled exceptions.

use super::function::CodeObj;
use super::value::Value;
use crate::vm::frame::{Block, Frame};
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
    pub name: Value<'gc>,
    pub qualname: Value<'gc>,
    /// The saved frame; its `base` is rebased on every resume.
    pub frame: Option<Frame<'gc>>,
    /// Locals, cells and operand stack of the frame while suspended.
    pub stack: Vec<Value<'gc>>,
    #[collect(require_static)]
    pub blocks: Vec<Block>,
    pub exc_stack: Vec<Value<'gc>>,
    #[collect(require_static)]
    pub state: GenState,
}
