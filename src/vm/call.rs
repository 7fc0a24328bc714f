//! Calls: pushing a new frame (its arguments already in place on the value stack when possible;
//! bind.rs binds the rest), calling natives, instantiating classes, and the nested-call API
//! natives use.

use super::frame::{Frame, FrameKind};
use super::interp::RunResult;
use super::{R, Vm};
use crate::compiler::code::{CO_VARARGS, CO_VARKEYWORDS};
use crate::runtime::function::{FuncMeta, Function};
use crate::runtime::value::{Class, Layout, Obj, ObjRef, Payload, Value, ctor_bits};
use gc_arena::Gc;
use gc_arena::lock::RefLock;

/// How deep natives may nest interpreter runs on the Rust stack before RecursionError.
const MAX_NESTED: u32 = 400;
/// Arguments (with a bound self) that a native call without keywords passes in an array.
const NATIVE_ARGS: usize = 6;

impl<'gc> Vm<'gc> {
    /// Calls the callee at `stack[pos]` with `argc` arguments above it (the last `len(kwnames)` of
    /// them keyword arguments). Returns true when a frame was pushed (its result arrives later),
    /// false when the result has already replaced the callee and arguments on the stack.
    pub fn call_at(
        &mut self,
        pos: usize,
        argc: usize,
        kwnames: Option<Value<'gc>>,
        kind: FrameKind<'gc>,
    ) -> R<'gc, bool> {
        let callee = self.st.stack[pos];
        match callee {
            Value::Obj(o) => match o.as_ref() {
                Obj::Function(f) => self.push_function_frame(f, pos + 1, argc, kwnames, pos, kind),
                Obj::Method(this, func) => {
                    self.insert_slot(pos + 1, *this);
                    self.st.stack[pos] = *func;
                    self.call_at(pos, argc + 1, kwnames, kind)
                }
                Obj::Native(n) if kwnames.is_none() && argc < NATIVE_ARGS => {
                    // the arguments are copied off the stack (the native may push and pop it),
                    // into an array: a SmallVec's bookkeeping cost more than the copy
                    let mut args = [Value::Undef; NATIVE_ARGS];
                    let first = usize::from(!n.bound.is_undef());
                    args[0] = n.bound;
                    let given = &self.st.stack[pos + 1..pos + 1 + argc];
                    copy_few(&mut args[first..first + argc], given);
                    self.st.stack.truncate(pos);
                    let r = (n.f)(self, &args[..first + argc], &[]);
                    self.deliver(r?, kind)
                }
                Obj::Native(n) => {
                    let (mut args, kw) = self.take_args_after(n.bound, pos, argc, kwnames);
                    let r = (n.f)(self, &args, &kw);
                    args.clear();
                    self.st.arg_pool.push(args);
                    self.deliver(r?, kind)
                }
                Obj::Class(_) => {
                    if kwnames.is_none() {
                        if let Some(r) = self.construct_builtin_fast(o, pos, argc) {
                            return self.deliver(r?, kind);
                        }
                    }
                    self.instantiate(o, pos, argc, kwnames, kind)
                }
                Obj::StaticMethod(f) => {
                    self.st.stack[pos] = *f;
                    self.call_at(pos, argc, kwnames, kind)
                }
                _ => self.call_dunder_call(callee, pos, argc, kwnames, kind),
            },
            Value::Weak(w) if argc == 0 && kwnames.is_none() => {
                self.st.stack.truncate(pos);
                let r = self.weak_referent(w).unwrap_or(Value::None);
                self.deliver(r, kind)
            }
            Value::Instance(_) | Value::Weak(_) => {
                self.call_dunder_call(callee, pos, argc, kwnames, kind)
            }
            _ => {
                let n = self.type_name(callee);
                self.st.stack.truncate(pos);
                Err(self.type_error(format!("'{n}' object is not callable")))
            }
        }
    }

    /// `str(x)` and `weakref.ref(obj[, callback])`, the commonest constructions, without the
    /// general `__new__`/`__init__` protocol (both types are immutable, so their `__new__` and
    /// `__init__` are always the builtin ones). None leaves the stack as it was.
    fn construct_builtin_fast(
        &mut self,
        cls: ObjRef<'gc>,
        pos: usize,
        argc: usize,
    ) -> Option<R<'gc>> {
        let types = &self.st.types;
        if argc == 1 && Gc::ptr_eq(cls, types.str) {
            let v = self.st.stack[pos + 1];
            self.st.stack.truncate(pos);
            return Some(self.str_value(v));
        }
        if (argc == 1 || argc == 2) && Gc::ptr_eq(cls, types.weakref) {
            let target = self.st.stack[pos + 1];
            let callback = if argc == 2 {
                self.st.stack[pos + 2]
            } else {
                Value::None
            };
            self.st.stack.truncate(pos);
            return Some(self.new_weakref(cls, target, callback, 0));
        }
        None
    }

    fn call_dunder_call(
        &mut self,
        callee: Value<'gc>,
        pos: usize,
        argc: usize,
        kwnames: Option<Value<'gc>>,
        kind: FrameKind<'gc>,
    ) -> R<'gc, bool> {
        match self.lookup_special(callee, "__call__") {
            Some(f) => {
                self.insert_slot(pos + 1, callee);
                self.st.stack[pos] = f;
                self.call_at(pos, argc + 1, kwnames, kind)
            }
            None => {
                let n = self.type_name(callee);
                self.st.stack.truncate(pos);
                Err(self.type_error(format!("'{n}' object is not callable")))
            }
        }
    }

    /// Puts a native's result where the frame kind wants it.
    fn deliver(&mut self, r: Value<'gc>, kind: FrameKind<'gc>) -> R<'gc, bool> {
        match kind {
            // nothing left on the stack: for gc.collect(), nothing for the driver to replace
            FrameKind::Discard | FrameKind::Ignored => self.st.gc.collect_result_on_stack = false,
            FrameKind::Init(inst) => self.push(Value::Instance(inst)),
            _ => self.push(r),
        }
        Ok(false)
    }

    /// Removes the callee and its arguments from the stack, splitting positional and keyword ones.
    #[allow(clippy::type_complexity)]
    fn take_args(
        &mut self,
        pos: usize,
        argc: usize,
        kwnames: Option<Value<'gc>>,
    ) -> (Vec<Value<'gc>>, Vec<(Value<'gc>, Value<'gc>)>) {
        self.take_args_after(Value::Undef, pos, argc, kwnames)
    }

    /// As `take_args`, into a vector from the pool that starts with `first` (unless Undef); the
    /// caller may return the vector to `arg_pool`.
    #[allow(clippy::type_complexity)]
    fn take_args_after(
        &mut self,
        first: Value<'gc>,
        pos: usize,
        argc: usize,
        kwnames: Option<Value<'gc>>,
    ) -> (Vec<Value<'gc>>, Vec<(Value<'gc>, Value<'gc>)>) {
        let mut args = self.st.arg_pool.pop().unwrap_or_default();
        if !first.is_undef() {
            args.push(first);
        }
        args.extend_from_slice(&self.st.stack[pos + 1..pos + 1 + argc]);
        self.st.stack.truncate(pos);
        let kw = match kwnames {
            Some(Value::Tuple(t)) => {
                let vals = args.split_off(args.len() - t.items().len());
                t.items().iter().copied().zip(vals).collect()
            }
            _ => Vec::new(),
        };
        (args, kw)
    }

    /// A call of the script function at `stack[pos]` with `argc` positional arguments that need
    /// no binding work: the frame is pushed at once. None when the callee is anything else.
    #[inline(always)]
    pub fn push_plain_frame(&mut self, pos: usize, argc: usize) -> Option<()> {
        self.push_plain_frame_of(pos, argc, FrameKind::Normal)
    }

    /// `push_plain_frame` for a frame whose result goes where `kind` says.
    #[inline(always)]
    pub fn push_plain_frame_of(
        &mut self,
        pos: usize,
        argc: usize,
        kind: FrameKind<'gc>,
    ) -> Option<()> {
        let Value::Obj(o) = self.st.stack[pos] else {
            return None;
        };
        let Obj::Function(f) = o.as_ref() else {
            return None;
        };
        let co = f.code;
        if co.plain_argc as usize != argc || self.st.frames.len() >= self.st.config.recursion_limit
        {
            return None;
        }
        let args_at = pos + 1;
        let top = args_at + co.frame_slots as usize;
        // most functions' locals are all arguments, already in place
        let len = self.st.stack.len();
        if len < top {
            let stack = &mut self.st.stack;
            stack.reserve(top - len);
            for _ in len..top {
                stack.push(Value::Undef);
            }
        }
        self.push_frame_over_caller(f, args_at, pos, kind);
        Some(())
    }

    /// Pushes the frame of a call of `f` (slots from `args_at`, result to `ret_sp`) when a
    /// caller frame is below. The new frame starts as a copy of the bottom frame and its
    /// fields are then written one by one. A Frame built in a temporary and copied in stalled
    /// store forwarding (8% of fib), and so did a copy of the caller's frame, whose ip the
    /// call had just saved; the bottom frame is rarely written.
    #[inline(always)]
    fn push_frame_over_caller(
        &mut self,
        f: &Function<'gc>,
        args_at: usize,
        ret_sp: usize,
        kind: FrameKind<'gc>,
    ) {
        let (block_base, exc_base) = (self.st.blocks.len() as u32, self.st.exc_stack.len() as u32);
        let frames = &mut self.st.frames;
        frames.push(frames[0]);
        let fr = frames.last_mut().unwrap();
        fr.code = f.code;
        fr.ip = 0;
        fr.base = args_at as u32;
        fr.ret_sp = ret_sp as u32;
        fr.globals = f.globals;
        fr.ns = None;
        fr.block_base = block_base;
        fr.exc_base = exc_base;
        fr.kind = kind;
    }

    /// Pushes a frame for script function `f` whose arguments start at `args_at`.
    pub fn push_function_frame(
        &mut self,
        f: &Function<'gc>,
        args_at: usize,
        argc: usize,
        kwnames: Option<Value<'gc>>,
        ret_sp: usize,
        kind: FrameKind<'gc>,
    ) -> R<'gc, bool> {
        let code = &f.code.code;
        if self.st.frames.len() >= self.st.config.recursion_limit {
            self.st.stack.truncate(ret_sp);
            let c = self.st.types.recursion_error;
            return Err(self.err(c, "maximum recursion depth exceeded"));
        }
        let simple = kwnames.is_none()
            && argc == code.argcount as usize
            && code.kwonly == 0
            && code.flags & (CO_VARARGS | CO_VARKEYWORDS) == 0;
        let slots = code.frame_slots();
        if simple {
            self.st.stack.resize(args_at + slots, Value::Undef);
        } else {
            let locals = self.bind_args(f, args_at, argc, kwnames)?;
            self.st.stack.truncate(args_at);
            self.st.stack.extend(locals);
            self.st.stack.resize(args_at + slots, Value::Undef);
        }
        let nlocals = code.nlocals as usize;
        if !code.cellvars.is_empty() {
            for i in 0..code.cellvars.len() {
                let init = code
                    .cell_args
                    .iter()
                    .find(|(c, _)| *c as usize == i)
                    .map(|(_, slot)| self.st.stack[args_at + *slot as usize]);
                let cell = self.new_cell(init.unwrap_or(Value::Undef));
                self.st.stack[args_at + nlocals + i] = cell;
            }
        }
        if !code.freevars.is_empty() {
            let off = args_at + nlocals + code.cellvars.len();
            for (i, c) in f.closure.iter().enumerate() {
                self.st.stack[off + i] = *c;
            }
        }
        if code.is_generator() {
            let g = self.make_generator(f.code, f.globals, args_at);
            self.st.stack.truncate(ret_sp);
            return self.deliver(g, kind);
        }
        if self.st.frames.is_empty() {
            let frame = Frame {
                code: f.code,
                ip: 0,
                base: args_at as u32,
                ret_sp: ret_sp as u32,
                globals: f.globals,
                ns: None,
                block_base: self.st.blocks.len() as u32,
                exc_base: self.st.exc_stack.len() as u32,
                kind,
            };
            self.st.frames.push(frame);
            return Ok(true);
        }
        self.push_frame_over_caller(f, args_at, ret_sp, kind);
        Ok(true)
    }

    /// `f(*args, **kwargs)`: the callee sits below the tuple on the stack.
    pub fn call_ex(&mut self, args: Value<'gc>, kwargs: Option<Value<'gc>>) -> R<'gc, bool> {
        let pos = self.st.stack.len() - 1;
        let items = match args {
            Value::Tuple(t) => t.items().to_vec(),
            _ => self.collect_iter(args)?,
        };
        let n = items.len();
        self.st.stack.extend(items);
        let mut kwnames = None;
        let mut nkw = 0;
        if let Some(Value::Dict(d)) = kwargs {
            let pairs: Vec<_> = d.borrow().iter().map(|e| (e.key, e.value)).collect();
            let mut names = vec![];
            for (k, v) in pairs {
                if k.as_str().is_none() {
                    return Err(self.type_error("keywords must be strings"));
                }
                names.push(k);
                self.push(v);
            }
            nkw = names.len();
            if nkw > 0 {
                kwnames = Some(self.new_tuple(names));
            }
        }
        self.call_at(pos, n + nkw, kwnames, FrameKind::Normal)
    }

    /// Calls `callee` from Rust and runs it to completion (a nested interpreter run).
    pub fn call(
        &mut self,
        callee: Value<'gc>,
        args: &[Value<'gc>],
        kw: &[(Value<'gc>, Value<'gc>)],
    ) -> R<'gc> {
        // natives need no frame
        if let Value::Obj(o) = callee {
            if let Obj::Native(n) = o.as_ref() {
                if n.bound.is_undef() {
                    return (n.f)(self, args, kw);
                }
                let mut a = Vec::with_capacity(args.len() + 1);
                a.push(n.bound);
                a.extend_from_slice(args);
                return (n.f)(self, &a, kw);
            }
        }
        let pos = self.st.stack.len();
        self.push(callee);
        self.st.stack.extend_from_slice(args);
        let kwnames = if kw.is_empty() {
            None
        } else {
            for (_, v) in kw {
                self.push(*v);
            }
            Some(self.new_tuple(kw.iter().map(|(k, _)| *k).collect()))
        };
        let pushed = match self.call_at(pos, args.len() + kw.len(), kwnames, FrameKind::Boundary) {
            Ok(p) => p,
            Err(e) => {
                self.st.stack.truncate(pos);
                return Err(e);
            }
        };
        if !pushed {
            return Ok(self.pop());
        }
        self.run_nested()
    }

    /// Runs the frame just pushed (a Boundary frame) to completion.
    pub fn run_nested(&mut self) -> R<'gc> {
        if self.st.nested >= MAX_NESTED {
            let f = self.st.frames.pop().unwrap();
            self.st.stack.truncate(f.ret_sp as usize);
            let c = self.st.types.recursion_error;
            return Err(self.err(c, "maximum recursion depth exceeded"));
        }
        let stop = self.st.frames.len() - 1;
        self.st.nested += 1;
        let r = self.run(stop, i64::MAX);
        self.st.nested -= 1;
        // the value is read as tag and payload (split_copy): `run` wrote it as two words, and
        // one 16-byte load of them stalled store forwarding (a twentieth of sort_key's time)
        match r {
            Ok(RunResult::Return(ref v) | RunResult::Yield(ref v)) => {
                Ok(super::stack::split_copy(v))
            }
            Ok(RunResult::Suspended) => Ok(Value::None),
            Err(e) => Err(e),
        }
    }

    /// Calls a function with `this` prepended to the arguments.
    pub fn call_bound(&mut self, f: Value<'gc>, this: Value<'gc>, args: &[Value<'gc>]) -> R<'gc> {
        let mut a = Vec::with_capacity(args.len() + 1);
        a.push(this);
        a.extend_from_slice(args);
        self.call(f, &a, &[])
    }

    /// `obj.name(*args)`.
    pub fn call_method(
        &mut self,
        obj: Value<'gc>,
        name: &'static str,
        args: &[Value<'gc>],
    ) -> R<'gc> {
        let n = self.intern_static(name);
        let (f, this) = self.load_method(obj, n)?;
        if this.is_undef() {
            self.call(f, args, &[])
        } else {
            self.call_bound(f, this, args)
        }
    }

    /// Instantiates class `cls` (at `stack[pos]`) with the arguments above it.
    fn instantiate(
        &mut self,
        cls: ObjRef<'gc>,
        pos: usize,
        argc: usize,
        kwnames: Option<Value<'gc>>,
        kind: FrameKind<'gc>,
    ) -> R<'gc, bool> {
        let c = match cls.as_ref() {
            Obj::Class(c) => c,
            _ => unreachable!(),
        };
        let (name_new, name_init) = (self.st.name_new, self.st.name_init);
        let epoch = self.st.class_epoch;
        let mut ctor = c.ctor.get();
        if ctor >> ctor_bits::SHIFT != epoch {
            ctor = self.ctor_bits(cls, c) | (epoch << ctor_bits::SHIFT);
            c.ctor.set(ctor);
        }
        if ctor & ctor_bits::PLAIN_NEW != 0 {
            if ctor & ctor_bits::NO_INIT != 0 && argc == 0 && kwnames.is_none() {
                let inst = self.create_instance(cls, pos, 0, None);
                self.st.stack.truncate(pos);
                return self.deliver(inst, kind);
            }
            let inst = self.create_instance(cls, pos, argc, kwnames);
            let init = self.class_lookup_v(cls, name_init);
            if let Some(Value::Obj(fo)) = init {
                if let Obj::Function(f) = fo.as_ref() {
                    let Value::Instance(ir) = inst else {
                        unreachable!()
                    };
                    self.insert_slot(pos + 1, inst);
                    let k = match kind {
                        FrameKind::Normal => FrameKind::Init(ir),
                        other => {
                            // nested instantiation: run __init__ to completion here
                            let _ = other;
                            self.st.stack[pos] = Value::Obj(fo);
                            let (args, kw) = self.take_args(pos, argc + 1, kwnames);
                            let r = self.call(Value::Obj(fo), &args, &kw)?;
                            if !r.is_none() {
                                let t = self.type_name(r);
                                return Err(self.type_error(format!(
                                    "__init__() should return None, not '{t}'"
                                )));
                            }
                            return self.deliver(inst, kind);
                        }
                    };
                    return self.push_function_frame(f, pos + 1, argc + 1, kwnames, pos, k);
                }
            }
            if argc == 0 && kwnames.is_none() {
                if init.is_none_or(|i| i.is(self.st.object_init)) {
                    // object.__init__ with no arguments does nothing
                    self.st.stack.truncate(pos);
                    return self.deliver(inst, kind);
                }
            }
            let (args, kw) = self.take_args(pos, argc, kwnames);
            if let Some(init) = init {
                let mut a = vec![inst];
                a.extend(args);
                self.call(init, &a, &kw)?;
            }
            return self.deliver(inst, kind);
        }
        // builtin types and user __new__: construct through __new__, then __init__, with one
        // argument vector: [cls, args...] for __new__, then [instance, args...] for __init__
        let new = self.class_lookup_v(cls, name_new);
        let (mut a, kw) = self.take_args_after(Value::Obj(cls), pos, argc, kwnames);
        let r = self.construct(cls, new.unwrap_or(Value::None), &mut a, &kw);
        a.clear();
        self.st.arg_pool.push(a);
        let inst = r?;
        self.deliver(inst, kind)
    }

    /// `Class::ctor`'s bits for `cls` now: whether its `__new__` and `__init__` are object's.
    fn ctor_bits(&mut self, cls: ObjRef<'gc>, c: &Class<'gc>) -> u64 {
        let (name_new, name_init) = (self.st.name_new, self.st.name_init);
        // any __new__ but object's decides construction (script ones, and natives like ref's)
        let user_new = self
            .class_lookup_v(cls, name_new)
            .is_some_and(|n| !n.is(self.st.object_new));
        let builtin_layout = !matches!(c.layout, Layout::Object | Layout::Exception);
        let mut bits = 0;
        if !user_new && !builtin_layout {
            bits |= ctor_bits::PLAIN_NEW;
        }
        let init = self.class_lookup_v(cls, name_init);
        if init.is_none_or(|i| i.is(self.st.object_init)) {
            bits |= ctor_bits::NO_INIT;
        }
        bits
    }

    /// `cls.__new__(cls, *args)`, then `__init__` on the result unless it is object's; `a` holds
    /// `[cls, args...]`.
    fn construct(
        &mut self,
        cls: ObjRef<'gc>,
        new: Value<'gc>,
        a: &mut [Value<'gc>],
        kw: &[(Value<'gc>, Value<'gc>)],
    ) -> R<'gc> {
        let new_f = match new {
            Value::Obj(o) => match o.as_ref() {
                Obj::StaticMethod(f) => *f,
                _ => new,
            },
            _ => new,
        };
        let inst = self.call(new_f, a, kw)?;
        if !crate::vm::exc::is_subclass(self.type_of(inst), cls) {
            return Ok(inst);
        }
        let name_init = self.st.name_init;
        let Some(init) = self.class_lookup_v(cls, name_init) else {
            return Ok(inst);
        };
        if init.is(self.st.object_init) {
            return Ok(inst);
        }
        let is_user_init = matches!(init, Value::Obj(o) if matches!(o.as_ref(), Obj::Function(_)));
        a[0] = inst;
        let r = self.call(init, a, kw)?;
        if !r.is_none() && is_user_init {
            let t = self.type_name(r);
            return Err(self.type_error(format!("__init__() should return None, not '{t}'")));
        }
        Ok(inst)
    }

    /// A fresh instance of a plain class (exception classes get their exception data).
    fn create_instance(
        &mut self,
        cls: ObjRef<'gc>,
        pos: usize,
        argc: usize,
        kwnames: Option<Value<'gc>>,
    ) -> Value<'gc> {
        let layout = cls
            .as_ref()
            .as_class_ref()
            .map(|c| c.layout)
            .unwrap_or(Layout::Object);
        if layout == Layout::Exception {
            let nkw = match kwnames {
                Some(Value::Tuple(t)) => t.items().len(),
                _ => 0,
            };
            let args = self.st.stack[pos + 1..pos + 1 + argc - nkw].to_vec();
            let t = self.new_tuple(args);
            return super::exc::make_exception(self, cls, t);
        }
        self.new_instance(cls, Payload::None)
    }

    /// Inlined so that a constant payload (most often `Payload::None`) is written into the new
    /// object directly: passed in, it was copied through the stack in 16-byte moves that
    /// straddled two earlier stores and stalled store forwarding.
    #[inline]
    pub fn new_instance(&mut self, cls: ObjRef<'gc>, payload: Payload<'gc>) -> Value<'gc> {
        use crate::runtime::value::Instance;
        let inst = Gc::new(self.mc, Instance::new(cls, payload));
        if let Obj::Class(c) = cls.as_ref() {
            if c.flags.get() & crate::runtime::value::flags::HAS_DEL != 0 {
                self.register_finalizable(inst);
            }
        }
        Value::Instance(inst)
    }

    /// `MakeFunction`: a function object from a code constant.
    pub fn make_function(
        &mut self,
        codev: Value<'gc>,
        qualname: Value<'gc>,
        globals: crate::runtime::value::DictRef<'gc>,
        defaults: Option<Value<'gc>>,
        kwdefaults: Option<Value<'gc>>,
        closure: Option<Value<'gc>>,
    ) -> Value<'gc> {
        let code = match codev {
            Value::Obj(o) => match o.as_ref() {
                Obj::Code(c) => *c,
                _ => unreachable!("MakeFunction without code"),
            },
            _ => unreachable!("MakeFunction without code"),
        };
        let tuple_items = |v: Option<Value<'gc>>| -> Box<[Value<'gc>]> {
            match v {
                Some(Value::Tuple(t)) => t.items().to_vec().into_boxed_slice(),
                _ => Box::new([]),
            }
        };
        let name = self.intern(&code.code.name.clone());
        let doc = match &code.code.docstring {
            Some(d) => {
                let d = d.clone();
                self.new_str(&d)
            }
            None => Value::None,
        };
        let module = self
            .dict_get_str(
                globals,
                self.st
                    .interned
                    .get("__name__")
                    .map(|s| Value::Str(*s))
                    .unwrap_or(Value::None),
            )
            .unwrap_or(Value::None);
        let meta = Gc::new(
            self.mc,
            RefLock::new(FuncMeta {
                name,
                qualname,
                doc,
                module,
                dict: None,
            }),
        );
        self.obj(Obj::Function(Function {
            code,
            globals,
            defaults: tuple_items(defaults),
            kwdefaults: match kwdefaults {
                Some(Value::Dict(d)) => Some(d),
                _ => None,
            },
            closure: tuple_items(closure),
            meta,
        }))
    }
}

impl<'gc> Vm<'gc> {
    /// How CPython names a callable in argument errors: `module.qualname()`.
    pub fn function_str(&mut self, f: Value<'gc>) -> String {
        match f {
            Value::Obj(o) => match o.as_ref() {
                Obj::Function(func) => {
                    let (m, q) = {
                        let meta = func.meta.borrow();
                        (meta.module, meta.qualname)
                    };
                    match m.as_str() {
                        Some(m) if m != "builtins" => {
                            format!("{m}.{}()", q.as_str().unwrap_or("?".into()))
                        }
                        _ => format!("{}()", q.as_str().unwrap_or("?".into())),
                    }
                }
                Obj::Method(_, func) => {
                    let func = *func;
                    self.function_str(func)
                }
                Obj::Native(n) => format!("{}()", n.name),
                Obj::Class(_) => format!("{}()", self.qualified_class_name(o)),
                _ => format!("{} object", self.type_name(f)),
            },
            _ => format!("{} object", self.type_name(f)),
        }
    }
}

impl<'gc> Obj<'gc> {
    pub fn as_class_ref(&self) -> Option<&crate::runtime::value::Class<'gc>> {
        match self {
            Obj::Class(c) => Some(c),
            _ => None,
        }
    }
}

/// `to.copy_from_slice(from)` for the few values of a call's arguments: with a length known
/// only at run time, `copy_from_slice` calls memcpy, whose setup costs more than the copy.
#[inline(always)]
fn copy_few<'gc>(to: &mut [Value<'gc>], from: &[Value<'gc>]) {
    match (to, from) {
        ([], []) => {}
        ([a], [x]) => *a = *x,
        ([a, b], [x, y]) => (*a, *b) = (*x, *y),
        ([a, b, c], [x, y, z]) => (*a, *b, *c) = (*x, *y, *z),
        (to, from) => to.copy_from_slice(from),
    }
}
