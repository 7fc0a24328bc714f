//! Generators: suspending a frame (moving its stack segment, blocks and handled exceptions into
//! the generator object) and resuming it, either stacklessly from a `for` loop or from Rust.

use super::frame::{Block, Frame, FrameKind};
use super::interp::RunResult;
use super::{R, Vm};
use crate::runtime::generator::{GenState, Generator};
use crate::runtime::value::{Obj, ObjRef, Value};
use gc_arena::Gc;
use gc_arena::lock::RefLock;

/// The outcome of resuming a generator from Rust.
pub enum GenStep<'gc> {
    Yielded(Value<'gc>),
    Returned(Value<'gc>),
}

fn gen_cell<'gc>(g: ObjRef<'gc>) -> Gc<'gc, RefLock<Generator<'gc>>> {
    match g.as_ref() {
        Obj::Generator(c) => *c,
        _ => unreachable!("not a generator"),
    }
}

impl<'gc> Vm<'gc> {
    /// Wraps a just-bound frame (its slots at `stack[args_at..]`) in a new generator object.
    pub fn make_generator(&mut self, frame: Frame<'gc>, args_at: usize) -> Value<'gc> {
        let stack = self.st.stack[args_at..].to_vec();
        let code = frame.code;
        let name = self.intern(&code.code.name.clone());
        let qualname = self.new_str(&code.code.qualname.clone());
        let g = Gc::new(
            self.mc,
            RefLock::new(Generator {
                code,
                name,
                qualname,
                frame: Some(frame),
                stack,
                blocks: vec![],
                exc_stack: vec![],
                state: GenState::Created,
            }),
        );
        self.obj(Obj::Generator(g))
    }

    /// Pushes the generator's frame back on the frame stack. Returns false if it is finished.
    pub fn resume_generator(
        &mut self,
        g: ObjRef<'gc>,
        send: Value<'gc>,
        kind: FrameKind<'gc>,
    ) -> R<'gc, bool> {
        let cell = gen_cell(g);
        let state = cell.borrow().state;
        match state {
            GenState::Running => return Err(self.value_error("generator already executing")),
            GenState::Finished => return Ok(false),
            GenState::Created if !send.is_none() => {
                return Err(
                    self.type_error("can't send non-None value to a just-started generator")
                );
            }
            _ => {}
        }
        if self.st.frames.len() >= self.st.config.recursion_limit {
            let c = self.st.types.recursion_error;
            return Err(self.err(c, "maximum recursion depth exceeded"));
        }
        let mut g2 = cell.borrow_mut(self.mc);
        let mut frame = g2.frame.take().expect("suspended generator has a frame");
        let base = self.st.stack.len();
        frame.base = base as u32;
        frame.ret_sp = base as u32;
        frame.block_base = self.st.blocks.len() as u32;
        frame.exc_base = self.st.exc_stack.len() as u32;
        frame.kind = kind;
        g2.state = GenState::Running;
        // drain rather than take: the generator keeps its buffers' capacity for the next yield
        self.st.stack.extend_from_slice(&g2.stack);
        g2.stack.clear();
        if !g2.blocks.is_empty() {
            for b in g2.blocks.drain(..) {
                self.st.blocks.push(Block {
                    handler: b.handler,
                    depth: b.depth + base as u32,
                });
            }
        }
        if !g2.exc_stack.is_empty() {
            self.st.exc_stack.append(&mut g2.exc_stack);
        }
        drop(g2);
        if state == GenState::Suspended {
            self.push(send);
        }
        self.st.frames.push(frame);
        Ok(true)
    }

    /// `yield v` in the current (generator) frame. Returns Some when the run must hand `v` to Rust.
    pub fn yield_from_frame(&mut self, v: Value<'gc>) -> Option<RunResult<'gc>> {
        let frame = self.st.frames.pop().unwrap();
        let g = match frame.kind {
            FrameKind::GenForIter(g, _) | FrameKind::GenBoundary(g) | FrameKind::GenDelegate(g) => {
                g
            }
            _ => unreachable!("yield outside a generator frame"),
        };
        let base = frame.base as usize;
        {
            let mut g2 = gen_cell(g).borrow_mut(self.mc);
            let g2 = &mut *g2;
            // copied as slices (memcpy); most generators have no blocks or exceptions to save
            g2.stack.extend_from_slice(&self.st.stack[base..]);
            self.st.stack.truncate(base);
            let block_base = frame.block_base as usize;
            if self.st.blocks.len() > block_base {
                g2.blocks
                    .extend(self.st.blocks[block_base..].iter().map(|b| Block {
                        handler: b.handler,
                        depth: b.depth - base as u32,
                    }));
                self.st.blocks.truncate(block_base);
            }
            let exc_base = frame.exc_base as usize;
            if self.st.exc_stack.len() > exc_base {
                g2.exc_stack
                    .extend_from_slice(&self.st.exc_stack[exc_base..]);
                self.st.exc_stack.truncate(exc_base);
            }
            g2.frame = Some(frame);
            g2.state = GenState::Suspended;
        }
        self.st.stack.truncate(frame.ret_sp as usize);
        match frame.kind {
            FrameKind::GenForIter(..) => {
                self.push(v);
                None
            }
            FrameKind::GenDelegate(_) => {
                // the delegating frame below yields `v` in turn, and runs its YieldFrom again
                // when it is resumed
                let top = self.st.frames.len() - 1;
                self.st.frames[top].ip -= 1;
                self.yield_from_frame(v)
            }
            _ => Some(RunResult::Yield(v)),
        }
    }

    pub fn finish_generator(&mut self, g: ObjRef<'gc>) {
        let mut g2 = gen_cell(g).borrow_mut(self.mc);
        g2.state = GenState::Finished;
        g2.frame = None;
        g2.stack.clear();
        g2.blocks.clear();
        g2.exc_stack.clear();
    }

    /// `gen.send(v)` from Rust: runs the generator until it yields or returns.
    pub fn gen_send(&mut self, g: ObjRef<'gc>, v: Value<'gc>) -> R<'gc, GenStep<'gc>> {
        if !self.resume_generator(g, v, FrameKind::GenBoundary(g))? {
            return Ok(GenStep::Returned(Value::None));
        }
        self.run_generator()
    }

    fn run_generator(&mut self) -> R<'gc, GenStep<'gc>> {
        let stop = self.st.frames.len() - 1;
        self.st.nested += 1;
        let r = self.run(stop, i64::MAX);
        self.st.nested -= 1;
        match r? {
            RunResult::Yield(v) => Ok(GenStep::Yielded(v)),
            RunResult::Return(v) => Ok(GenStep::Returned(v)),
            RunResult::Suspended => Ok(GenStep::Returned(Value::None)),
        }
    }

    /// `gen.throw(exc)`: raises `exc` at the generator's current yield.
    pub fn gen_throw(&mut self, g: ObjRef<'gc>, exc: Value<'gc>) -> R<'gc, GenStep<'gc>> {
        let state = gen_cell(g).borrow().state;
        if state == GenState::Created || state == GenState::Finished {
            self.finish_generator(g);
            return Err(exc);
        }
        self.resume_generator(g, Value::None, FrameKind::GenBoundary(g))?;
        // the resume pushed the send value; drop it and raise instead
        self.pop();
        let stop = self.st.frames.len() - 1;
        self.st.nested += 1;
        let r = self.raise_in_top_frame(exc, stop);
        self.st.nested -= 1;
        r?;
        self.run_generator()
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
                return Ok(match self.gen_send(o, sent)? {
                    GenStep::Yielded(v) => Ok(v),
                    GenStep::Returned(v) => Err(v),
                });
            }
        }
        let r = if sent.is_none() {
            self.next_raw(sub)
        } else {
            self.call_method(sub, "send", &[sent])
        };
        match r {
            Ok(v) => Ok(Ok(v)),
            Err(e) => {
                if super::exc::is_subclass(self.type_of(e), self.st.types.stop_iteration) {
                    let args = super::exc::exc_data(e)
                        .map(|d| d.borrow().args)
                        .unwrap_or(Value::None);
                    let v = match args {
                        Value::Tuple(t) if !t.items.is_empty() => t.items[0],
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
