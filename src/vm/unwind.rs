//! How frames end: returning to the caller, unwinding an exception to a handler or out of the
//! boundary frame, and the traceback and `raise ... from` bookkeeping on the way.

use super::exc;
use super::frame::FrameKind;
use super::interp::RunResult;
use super::{R, Vm};
use crate::runtime::value::{TbEntry, Value};

/// The fields of a frame that leaving it (by return or yield) reads.
pub(super) struct FrameExit<'gc> {
    pub kind: FrameKind<'gc>,
    pub ip: u32,
    pub ret_sp: usize,
    pub block_base: usize,
    pub exc_base: usize,
}

/// What happens after an exception has been raised.
pub(super) enum Unwound<'gc> {
    /// A handler in some frame took it; continue the loop.
    Handled,
    /// It left the boundary frame.
    Escaped(Value<'gc>),
}

impl<'gc> Vm<'gc> {
    pub fn set_cause(&mut self, e: Value<'gc>, cause: Value<'gc>) -> R<'gc, ()> {
        let cause = if cause.is_none() {
            Value::None
        } else if exc::is_exception_class(self, cause) {
            self.call(cause, &[], &[])?
        } else if exc::is_exception(self, cause) {
            cause
        } else {
            return Err(self.type_error("exception causes must derive from BaseException"));
        };
        if let Some(d) = exc::exc_data(e) {
            let mut d = d.borrow_mut(self.mc);
            d.cause = cause;
            d.suppress_context = true;
        }
        Ok(())
    }

    /// Pops the top frame, returning what leaving it needs. The fields are read one by one:
    /// copying out the whole frame, whose ip was just saved, stalled store forwarding.
    #[inline(always)]
    pub(super) fn pop_frame_exit(&mut self) -> FrameExit<'gc> {
        let fidx = self.st.frames.len() - 1;
        let f = &self.st.frames[fidx];
        let at = |n: u32| n as usize;
        let exit = FrameExit {
            kind: f.kind,
            ip: f.ip,
            ret_sp: at(f.ret_sp),
            block_base: at(f.block_base),
            exc_base: at(f.exc_base),
        };
        self.st.frames.truncate(fidx);
        exit
    }

    /// Pops the current frame after `return v`. Returns Some when the run must end. Always
    /// inlined: the interpreter has three return instructions, and as a call it cost 3.5% of
    /// binary_trees.
    #[inline(always)]
    pub(super) fn return_from_frame(&mut self, v: Value<'gc>) -> R<'gc, Option<RunResult<'gc>>> {
        let FrameExit {
            kind,
            ret_sp,
            block_base,
            exc_base,
            ..
        } = self.pop_frame_exit();
        self.st.stack.truncate(ret_sp);
        self.st.blocks.truncate(block_base);
        self.st.exc_stack.truncate(exc_base);
        match kind {
            FrameKind::Normal | FrameKind::NextForIter(_) => {
                self.push(v);
                Ok(None)
            }
            FrameKind::Discard => Ok(None),
            FrameKind::Ignored => {
                self.st.pending_chain = self.start_next_pending();
                Ok(None)
            }
            FrameKind::Init(inst) => {
                if !v.is_none() {
                    let t = self.type_name(v);
                    return Err(
                        self.type_error(format!("__init__() should return None, not '{t}'"))
                    );
                }
                self.push(Value::Instance(inst));
                Ok(None)
            }
            FrameKind::Boundary => Ok(Some(RunResult::Return(v))),
            // (the truncation above cut the generator's own stack, which dies with its frame)
            FrameKind::GenForIter(g, exit) => {
                self.end_generator_frame(g);
                // the caller's iterator is on top: drop it and leave the loop
                self.pop();
                let top = self.st.frames.len() - 1;
                self.st.frames[top].ip = exit;
                Ok(None)
            }
            FrameKind::GenBoundary(g) => {
                self.end_generator_frame(g);
                Ok(Some(RunResult::Return(v)))
            }
            FrameKind::GenDelegate(g) => {
                self.end_generator_frame(g);
                // the sub-generator below the result becomes the result
                self.pop();
                self.push(v);
                Ok(None)
            }
        }
    }

    /// Raises `e` from the current frame: finds a handler or pops frames until the boundary.
    pub(super) fn unwind(&mut self, e: Value<'gc>, stop: usize, add_tb: bool) -> Unwound<'gc> {
        let mut add_tb = add_tb;
        // implicit chaining: an exception raised while handling another
        if add_tb {
            if let Some(&handling) = self.st.exc_stack.last() {
                if !handling.is(e) {
                    if let Some(d) = exc::exc_data(e) {
                        let mut d = d.borrow_mut(self.mc);
                        if d.context.is_none() {
                            d.context = handling;
                        }
                    }
                }
            }
        }
        let mut e = e;
        loop {
            let fidx = self.st.frames.len() - 1;
            let frame = self.st.frames[fidx];
            if add_tb {
                let line = frame
                    .code
                    .code
                    .line_at((frame.ip as usize).saturating_sub(1));
                exc::add_traceback(
                    self,
                    e,
                    TbEntry {
                        code: frame.code,
                        line,
                    },
                );
            }
            add_tb = true;
            if self.st.blocks.len() > frame.block_base as usize {
                let b = self.st.blocks.pop().unwrap();
                self.st.stack.truncate(b.depth as usize);
                self.st.stack.push(e);
                self.st.frames[fidx].ip = b.handler;
                return Unwound::Handled;
            }
            self.st.frames.pop();
            if let FrameKind::Ignored = frame.kind {
                let origin = self.st.stack[frame.ret_sp as usize];
                self.st.stack.truncate(frame.ret_sp as usize);
                self.st.blocks.truncate(frame.block_base as usize);
                self.st.exc_stack.truncate(frame.exc_base as usize);
                self.report_ignored(origin, e);
                self.st.pending_chain = self.start_next_pending();
                // the next queued call, or the interrupted frame, carries on
                return Unwound::Handled;
            }
            self.st.stack.truncate(frame.ret_sp as usize);
            self.st.exc_stack.truncate(frame.exc_base as usize);
            match frame.kind {
                FrameKind::Boundary => return Unwound::Escaped(e),
                FrameKind::GenBoundary(g)
                | FrameKind::GenForIter(g, _)
                | FrameKind::GenDelegate(g) => {
                    self.end_generator_frame(g);
                    if exc::is_subclass(self.type_of(e), self.st.types.stop_iteration) {
                        let cls = self.st.types.runtime_error;
                        let new = self.err(cls, "generator raised StopIteration");
                        if let Some(d) = exc::exc_data(new) {
                            d.borrow_mut(self.mc).cause = e;
                            d.borrow_mut(self.mc).context = e;
                        }
                        e = new;
                    }
                    if matches!(frame.kind, FrameKind::GenBoundary(_)) {
                        return Unwound::Escaped(e);
                    }
                }
                FrameKind::NextForIter(exit) => {
                    if exc::is_subclass(self.type_of(e), self.st.types.stop_iteration) {
                        self.pop();
                        let top = self.st.frames.len() - 1;
                        self.st.frames[top].ip = exit;
                        return Unwound::Handled;
                    }
                }
                _ => {}
            }
            if self.st.frames.len() <= stop || self.st.frames.is_empty() {
                return Unwound::Escaped(e);
            }
        }
    }

    /// The `__traceback__` value of an exception (a tuple of (file, line, name) entries).
    pub fn traceback_value(&mut self, e: Value<'gc>) -> Value<'gc> {
        let entries = match exc::exc_data(e) {
            Some(d) => d.borrow().traceback.clone(),
            None => return Value::None,
        };
        if entries.is_empty() {
            return Value::None;
        }
        let mut items = vec![];
        for en in entries.iter().rev() {
            let f = self.new_str(&en.code.code.filename);
            let n = self.new_str(&en.code.code.name);
            items.push(self.new_tuple(vec![f, Value::Int(en.line as i64), n]));
        }
        self.new_tuple(items)
    }

    /// Raises `e` inside the top frame (for `generator.throw`): Ok when a handler took it.
    pub fn raise_in_top_frame(&mut self, e: Value<'gc>, stop: usize) -> R<'gc, ()> {
        match self.unwind(e, stop, true) {
            Unwound::Handled => Ok(()),
            Unwound::Escaped(e) => Err(e),
        }
    }
}
