//! Generators: suspending a frame (swapping its value stack out and moving its blocks and
//! handled exceptions into the generator object) and resuming it, either stacklessly from a
//! `for` loop or from Rust.

use super::frame::{Frame, FrameKind};
use super::interp::RunResult;
use super::unwind::FrameExit;
use super::{R, Vm};
use crate::compiler::code::Op;
use crate::runtime::function::CodeObj;
use crate::runtime::generator::{GenState, Generator};
use crate::runtime::value::{DictRef, Obj, ObjRef, Value};
use gc_arena::Gc;
use gc_arena::lock::RefLock;

/// Who resumes a generator, which decides its frame's `FrameKind`. Passed instead of the
/// kind itself: the kind is then written field by field into the new frame, where copying a
/// caller-built 16-byte kind stalled store forwarding on every resume.
#[derive(Clone, Copy)]
pub enum Resumer {
    /// A `for` loop; exhaustion jumps to this exit.
    ForIter(u32),
    /// `yield from` in the generator frame below.
    Delegate,
    /// `next`/`send`/`throw` from Rust.
    Boundary,
}

/// The outcome of resuming a generator from Rust.
pub enum GenStep<'gc> {
    Yielded(Value<'gc>),
    Returned(Value<'gc>),
}

impl<'gc> GenStep<'gc> {
    /// Ok with a yielded value, Err with a returned one.
    pub fn into_result(self) -> Result<Value<'gc>, Value<'gc>> {
        match self {
            GenStep::Yielded(v) => Ok(v),
            GenStep::Returned(v) => Err(v),
        }
    }
}

fn gen_cell<'gc>(g: ObjRef<'gc>) -> Gc<'gc, RefLock<Generator<'gc>>> {
    match g.as_ref() {
        Obj::Generator(c) => *c,
        _ => unreachable!("not a generator"),
    }
}

impl<'gc> Vm<'gc> {
    /// A new generator object for a just-bound call of `code` (its slots at `stack[args_at..]`).
    pub fn make_generator(
        &mut self,
        code: Gc<'gc, CodeObj<'gc>>,
        globals: DictRef<'gc>,
        args_at: usize,
    ) -> Value<'gc> {
        let stack = self.st.stack[args_at..].to_vec();
        let g = Gc::new(
            self.mc,
            RefLock::new(Generator {
                code,
                globals,
                ip: 0,
                stack,
                blocks: vec![],
                exc_stack: vec![],
                state: GenState::Created,
            }),
        );
        self.obj(Obj::Generator(g))
    }

    /// Pushes the generator's frame back on the frame stack. Returns false if it is finished.
    ///
    /// The generator's frame runs on its own value stack: the interpreter's stack and the
    /// generator's are swapped, so the caller's values wait in the generator object until the
    /// frame yields or ends and swaps them back. Resuming and yielding therefore copy no values,
    /// and the generator's frame always has its locals at index 0.
    pub fn resume_generator(
        &mut self,
        g: ObjRef<'gc>,
        send: Value<'gc>,
        by: Resumer,
    ) -> R<'gc, bool> {
        let mut g2 = gen_cell(g).borrow_mut(self.mc);
        let state = g2.state;
        let resumable = match state {
            GenState::Suspended => true,
            GenState::Created => send.is_none(),
            _ => false,
        };
        if !resumable || self.st.frames.len() >= self.st.config.recursion_limit {
            drop(g2);
            return self.refuse_resume(state, send);
        }
        let ret_sp = self.st.stack.len();
        let (block_base, exc_base) = (self.st.blocks.len(), self.st.exc_stack.len());
        // the frame is built in place on the frame stack; a suspended generator keeps only
        // what its next resume cannot recompute
        self.st.frames.push(Frame {
            code: g2.code,
            ip: g2.ip,
            base: 0,
            ret_sp: ret_sp as u32,
            globals: g2.globals,
            ns: None,
            block_base: block_base as u32,
            exc_base: exc_base as u32,
            kind: match by {
                Resumer::ForIter(exit) => FrameKind::GenForIter(g, exit),
                Resumer::Delegate => FrameKind::GenDelegate(g),
                Resumer::Boundary => FrameKind::GenBoundary(g),
            },
        });
        g2.state = GenState::Running;
        std::mem::swap(&mut self.st.stack, &mut g2.stack);
        if !g2.blocks.is_empty() {
            self.st.blocks.append(&mut g2.blocks);
        }
        if !g2.exc_stack.is_empty() {
            self.st.exc_stack.append(&mut g2.exc_stack);
        }
        drop(g2);
        if state == GenState::Suspended {
            // the value of the `yield` expression; when the loop of a `for` or `yield from`
            // resumes a `yield` used as a statement, which would pop it at once, neither
            // happens (a resume from Rust leaves it: `throw` pops it to raise instead)
            let top = self.st.frames.len() - 1;
            let f = &mut self.st.frames[top];
            let statement = matches!(f.code.code.ops.get(f.ip as usize), Some(Op::Pop));
            if statement && !matches!(f.kind, FrameKind::GenBoundary(_)) {
                f.ip += 1;
            } else {
                self.push(send);
            }
        }
        Ok(true)
    }

    /// Why a generator in `state` cannot be resumed: Ok(false) when it has finished, else the
    /// error to raise.
    #[cold]
    fn refuse_resume(&mut self, state: GenState, send: Value<'gc>) -> R<'gc, bool> {
        match state {
            GenState::Running => Err(self.value_error("generator already executing")),
            GenState::Finished => Ok(false),
            GenState::Created if !send.is_none() => {
                Err(self.type_error("can't send non-None value to a just-started generator"))
            }
            _ => {
                let c = self.st.types.recursion_error;
                Err(self.err(c, "maximum recursion depth exceeded"))
            }
        }
    }

    /// `yield v` in the current (generator) frame. Returns true when the run must hand `v` to
    /// Rust. (The run builds that result itself from the `v` it holds in registers: returned
    /// from here as a `RunResult`, it was copied as one 16-byte load of two word stores, which
    /// stalled store forwarding at every item a native drew from a generator.)
    pub fn yield_from_frame(&mut self, v: Value<'gc>) -> bool {
        let FrameExit {
            kind,
            ip,
            block_base,
            exc_base,
            ..
        } = self.pop_frame_exit();
        let Some(g) = kind.generator() else {
            unreachable!("yield outside a generator frame")
        };
        {
            let mut g2 = gen_cell(g).borrow_mut(self.mc);
            let g2 = &mut *g2;
            g2.ip = ip;
            g2.state = GenState::Suspended;
            // the caller's stack comes back as it was left, at the frame's ret_sp
            std::mem::swap(&mut self.st.stack, &mut g2.stack);
            // most generators have no blocks or exceptions to save
            if self.st.blocks.len() > block_base {
                g2.blocks.extend_from_slice(&self.st.blocks[block_base..]);
                self.st.blocks.truncate(block_base);
            }
            if self.st.exc_stack.len() > exc_base {
                g2.exc_stack
                    .extend_from_slice(&self.st.exc_stack[exc_base..]);
                self.st.exc_stack.truncate(exc_base);
            }
        }
        match kind {
            FrameKind::GenForIter(..) => {
                // `for x in gen`: the item goes straight into the loop variable, as ForIter's
                // fast path does
                let top = self.st.frames.len() - 1;
                let f = &mut self.st.frames[top];
                if let Some(&Op::StoreFast(a)) = f.code.code.ops.get(f.ip as usize) {
                    let at = f.base as usize + a as usize;
                    f.ip += 1;
                    self.st.stack[at] = v;
                } else {
                    self.push(v);
                }
                false
            }
            FrameKind::GenDelegate(_) => {
                // the delegating frame below yields `v` in turn, and runs its YieldFrom again
                // when it is resumed
                let top = self.st.frames.len() - 1;
                self.st.frames[top].ip -= 1;
                self.yield_from_frame(v)
            }
            _ => true,
        }
    }

    /// The frame of generator `g` has just been popped for good (it returned or raised): the
    /// caller's stack, which waited in the generator, comes back, and the generator is finished.
    /// The popped frame's own values are dropped with it.
    pub fn end_generator_frame(&mut self, g: ObjRef<'gc>) {
        let mut g2 = gen_cell(g).borrow_mut(self.mc);
        std::mem::swap(&mut self.st.stack, &mut g2.stack);
        drop(g2);
        self.finish_generator(g);
    }

    /// Marks a generator that is not running finished and drops what it held.
    pub fn finish_generator(&mut self, g: ObjRef<'gc>) {
        let mut g2 = gen_cell(g).borrow_mut(self.mc);
        g2.state = GenState::Finished;
        g2.stack.clear();
        g2.blocks.clear();
        g2.exc_stack.clear();
    }

    /// `gen.send(v)` from Rust: runs the generator until it yields or returns.
    pub fn gen_send(&mut self, g: ObjRef<'gc>, v: Value<'gc>) -> R<'gc, GenStep<'gc>> {
        if !self.resume_generator(g, v, Resumer::Boundary)? {
            return Ok(GenStep::Returned(Value::None));
        }
        self.run_generator()
    }

    /// The next value of generator `g` for Rust code that iterates (`next()`, `sum()`, `list()`
    /// ...), or None when it returns. It hands the value straight from the run: through
    /// `gen_send`'s GenStep, LLVM copied it as a byte and seven unaligned bytes (with the
    /// Value layout of the time), which stalled store forwarding twice per item.
    pub fn gen_next(&mut self, g: ObjRef<'gc>) -> R<'gc, Option<Value<'gc>>> {
        if !self.resume_generator(g, Value::None, Resumer::Boundary)? {
            return Ok(None);
        }
        match self.run_resumed()? {
            RunResult::Yield(v) => Ok(Some(v)),
            _ => Ok(None),
        }
    }

    /// Runs the generator frame just resumed from Rust until it yields or ends.
    fn run_resumed(&mut self) -> R<'gc, RunResult<'gc>> {
        let stop = self.st.frames.len() - 1;
        self.st.nested += 1;
        let r = self.run(stop, i64::MAX);
        self.st.nested -= 1;
        r
    }

    fn run_generator(&mut self) -> R<'gc, GenStep<'gc>> {
        match self.run_resumed()? {
            RunResult::Yield(v) => Ok(GenStep::Yielded(v)),
            RunResult::Return(v) => Ok(GenStep::Returned(v)),
            RunResult::Suspended => Ok(GenStep::Returned(Value::None)),
        }
    }

    /// `gen.throw(exc)`: raises `exc` at the generator's current yield. A generator suspended
    /// in `yield from` passes it to its sub-iterator first, as CPython does: the outer
    /// generator sees only what the sub-iterator does not handle.
    pub fn gen_throw(&mut self, g: ObjRef<'gc>, exc: Value<'gc>) -> R<'gc, GenStep<'gc>> {
        let state = gen_cell(g).borrow().state;
        if state == GenState::Created || state == GenState::Finished {
            self.finish_generator(g);
            return Err(exc);
        }
        let mut exc = exc;
        if let Some(sub) = self.delegate_of(g) {
            let is_exit = super::exc::is_subclass(self.type_of(exc), self.st.types.generator_exit);
            // GeneratorExit closes the sub-iterator, then is raised here; anything else is
            // thrown into it
            let step = if is_exit {
                self.close_iter(sub).map(|()| None)
            } else {
                self.throw_into(sub, exc).map(Some)
            };
            match step {
                Ok(Some(Ok(v))) => return Ok(GenStep::Yielded(v)),
                Ok(Some(Err(ret))) => {
                    // the sub-iterator returned: its value is the `yield from`'s result
                    self.resume_generator(g, Value::None, Resumer::Boundary)?;
                    self.pop();
                    self.pop();
                    self.push(ret);
                    let top = self.st.frames.len() - 1;
                    self.st.frames[top].ip += 1;
                    return self.run_generator();
                }
                Ok(None) => {}
                Err(e) => exc = e,
            }
        }
        self.resume_generator(g, Value::None, Resumer::Boundary)?;
        // the resume pushed the send value; drop it and raise instead
        self.pop();
        let stop = self.st.frames.len() - 1;
        self.st.nested += 1;
        let r = self.raise_in_top_frame(exc, stop);
        self.st.nested -= 1;
        r?;
        self.run_generator()
    }

    /// The sub-iterator of a generator suspended in `yield from` (which sits on top of its
    /// saved stack), or None.
    fn delegate_of(&self, g: ObjRef<'gc>) -> Option<Value<'gc>> {
        let g2 = gen_cell(g).borrow();
        if g2.state != GenState::Suspended {
            return None;
        }
        match g2.code.code.ops.get(g2.ip as usize) {
            Some(Op::YieldFrom) => g2.stack.last().copied(),
            _ => None,
        }
    }

    /// `throw(exc)` on the sub-iterator of a `yield from`: Ok(v) when it yields v, Err(r)
    /// when it returns r. Without a `throw` method the exception is raised as it is.
    fn throw_into(
        &mut self,
        sub: Value<'gc>,
        exc: Value<'gc>,
    ) -> R<'gc, Result<Value<'gc>, Value<'gc>>> {
        if let Value::Obj(o) = sub {
            if let Obj::Generator(_) = o.as_ref() {
                return Ok(self.gen_throw(o, exc)?.into_result());
            }
        }
        if !self.has_attr(sub, "throw")? {
            return Err(exc);
        }
        let r = self.call_method(sub, "throw", &[exc]);
        self.step_result(r)
    }

    /// Closes the sub-iterator of a `yield from` that is being closed: `close()` on a
    /// generator, the `close` method of anything else that has one.
    fn close_iter(&mut self, sub: Value<'gc>) -> R<'gc, ()> {
        if let Value::Obj(o) = sub {
            if let Obj::Generator(_) = o.as_ref() {
                return self.gen_close(o);
            }
        }
        if self.has_attr(sub, "close")? {
            self.call_method(sub, "close", &[])?;
        }
        Ok(())
    }

    /// `gen.close()`.
    pub fn gen_close(&mut self, g: ObjRef<'gc>) -> R<'gc, ()> {
        let state = gen_cell(g).borrow().state;
        if state != GenState::Suspended {
            self.finish_generator(g);
            return Ok(());
        }
        let cls = self.st.types.generator_exit;
        let exc = super::exc::make_exception(self, cls, self.st.empty_tuple);
        match self.gen_throw(g, exc) {
            Ok(GenStep::Yielded(_)) => Err(self.runtime_error("generator ignored GeneratorExit")),
            Ok(GenStep::Returned(_)) => Ok(()),
            Err(e) => {
                let t = self.type_of(e);
                if super::exc::is_subclass(t, self.st.types.generator_exit)
                    || super::exc::is_subclass(t, self.st.types.stop_iteration)
                {
                    Ok(())
                } else {
                    Err(e)
                }
            }
        }
    }

    /// One step of `yield from sub` with value `sent`: Ok(v) to yield v onward, Err(r) when the
    /// sub-iterator finished with return value r.
    pub fn send_to(
        &mut self,
        sub: Value<'gc>,
        sent: Value<'gc>,
    ) -> R<'gc, Result<Value<'gc>, Value<'gc>>> {
        if let Value::Obj(o) = sub {
            if let Obj::Generator(_) = o.as_ref() {
                return Ok(self.gen_send(o, sent)?.into_result());
            }
        }
        let r = if sent.is_none() {
            self.next_raw(sub)
        } else {
            self.call_method(sub, "send", &[sent])
        };
        self.step_result(r)
    }

    /// What a call that advanced a sub-iterator means for `yield from`: Ok(v) for a value to
    /// yield onward, Err(r) when it raised StopIteration with return value r.
    fn step_result(&mut self, r: R<'gc>) -> R<'gc, Result<Value<'gc>, Value<'gc>>> {
        match r {
            Ok(v) => Ok(Ok(v)),
            Err(e) => {
                if super::exc::is_subclass(self.type_of(e), self.st.types.stop_iteration) {
                    let args = super::exc::exc_data(e)
                        .map(|d| d.borrow().args)
                        .unwrap_or(Value::None);
                    let v = match args {
                        Value::Tuple(t) if !t.items().is_empty() => t.items()[0],
                        _ => Value::None,
                    };
                    Ok(Err(v))
                } else {
                    Err(e)
                }
            }
        }
    }
}
