//! The interpreter loop: executes frames until the boundary frame returns or the slice budget is
//! spent. Script calls push frames and continue the loop; they never recurse on the Rust stack.

use super::exc;
use super::frame::{Block, FrameKind};
use super::frame::{cell_get, cell_set};
use super::generator::Resumer;
use super::iterate::ForIterStep;
use super::unwind::Unwound;
use super::{R, Vm};
use crate::compiler::code::Op;
use crate::parser::ast::{BinOp, CmpOp, UnaryOp};
use crate::runtime::value::{Obj, Truth, Tuple, Value};

/// Bytes of large strings one slice may build before it ends early (about `min_sleep` of debt).
const BIG_BYTES_PER_SLICE: usize = 256 * 1024;

pub enum RunResult<'gc> {
    /// The boundary frame returned this value.
    Return(Value<'gc>),
    /// A generator resumed from Rust yielded this value.
    Yield(Value<'gc>),
    /// The slice budget ran out; the state is saved and the driver may collect.
    Suspended,
}

impl<'gc> Vm<'gc> {
    /// Runs frames until the frame at index `stop` finishes. With a budget, returns
    /// `Suspended` when it runs out (only when `stop` is 0, the bottom of the frame stack).
    pub fn run(&mut self, stop: usize, mut budget: i64) -> R<'gc, RunResult<'gc>> {
        'frames: loop {
            let fidx = self.st.frames.len() - 1;
            // only the fields every instruction may need; copying the whole frame on each
            // call and return cost more than the rare reads of the others
            let (codeobj, base, mut ip, globals) = {
                let f = &self.st.frames[fidx];
                (f.code.as_ref(), f.base as usize, f.ip as usize, f.globals)
            };
            let code: &'gc crate::compiler::code::Code = &codeobj.code;
            let ops: &'gc [Op] = &code.ops;

            macro_rules! throw {
                ($e:expr) => {{
                    let e = $e;
                    self.st.frames[fidx].ip = ip as u32;
                    match self.unwind(e, stop, true) {
                        Unwound::Handled => continue 'frames,
                        Unwound::Escaped(e) => return Err(e),
                    }
                }};
            }
            macro_rules! tri {
                ($e:expr) => {
                    match $e {
                        Ok(v) => v,
                        Err(e) => throw!(e),
                    }
                };
            }
            // at a safe point of the outermost run: the budget is spent or many large strings
            // were built, so the driver should collect now
            macro_rules! slice_over {
                () => {
                    (budget <= 0 || self.st.big_bytes.get() > BIG_BYTES_PER_SLICE)
                        && stop == 0
                        && self.st.nested == 0
                };
            }
            // a jump back to `t` counts against the budget, and the slice may end there (the
            // frame resumes at `t`)
            macro_rules! back_edge {
                ($t:expr) => {{
                    budget -= 1;
                    if slice_over!() {
                        self.st.frames[fidx].ip = $t;
                        return Ok(RunResult::Suspended);
                    }
                }};
            }
            // a call is a safe point: the new frame is complete, so the slice may end here
            macro_rules! entered_frame {
                () => {{
                    if slice_over!() {
                        return Ok(RunResult::Suspended);
                    }
                    continue 'frames;
                }};
            }
            // calls the callee at `pos` with the `argc` arguments above it: a plain function's
            // frame is pushed here and runs next, anything else goes through call_at
            macro_rules! call_at_pos {
                ($pos:expr, $argc:expr, $kind:expr) => {{
                    let (pos, argc, kind) = ($pos, $argc as usize, $kind);
                    if self.push_plain_frame_of(pos, argc, kind).is_some() {
                        entered_frame!();
                    }
                    if tri!(self.call_at(pos, argc, None, kind)) {
                        entered_frame!();
                    }
                }};
            }
            // gc.collect() asks for a collection: end the slice so the driver can do it now
            macro_rules! after_call {
                () => {
                    if self.st.gc.collect_requested && stop == 0 && self.st.nested == 0 {
                        self.st.frames[fidx].ip = ip as u32;
                        return Ok(RunResult::Suspended);
                    }
                };
            }
            // ints without overflow and floats, computed in place (see top_two_ints); a
            // macro because `continue` must leave the dispatch loop's current iteration
            macro_rules! arith_fast_path {
                ($bop:expr) => {
                    if let Some((x, y)) = self.top_two_ints() {
                        if let Some(r) = crate::runtime::ops::int_fast_inline($bop, x, y) {
                            self.replace_top_two_int(r);
                            continue;
                        }
                    }
                    if let Some(r) = self.float_fast($bop) {
                        self.replace_top_two_float(r);
                        continue;
                    }
                };
            }
            // LoadFast: a local's value onto the stack, or UnboundLocalError
            macro_rules! push_local {
                ($i:expr) => {{
                    let v = self.st.stack[base + $i as usize];
                    if v.is_undef() {
                        throw!(self.unbound_local(code, $i as u32));
                    }
                    self.push(v);
                }};
            }
            // what the LoadAttr after a fused LoadFast reads, through that LoadAttr's cache (at
            // `ip`), when `v` is an instance whose own dict answers; None for the general path
            macro_rules! fused_attr {
                ($v:expr, $n:expr) => {
                    match $v {
                        Value::Instance(inst) => self.instance_attr_cached(
                            inst,
                            codeobj.names[$n as usize],
                            &codeobj.caches[ip],
                        ),
                        _ => None,
                    }
                };
            }
            // ForIter: the iterator's next item onto the stack, or at its end the iterator off
            // the stack and a jump to `exit`
            macro_rules! for_iter {
                ($exit:expr) => {{
                    let exit = $exit;
                    let it = self.top();
                    match self.next_fast(it) {
                        // `for x in ...`: the item goes straight into the loop variable
                        Some(Some(v)) => {
                            if let Op::StoreFast(a) = ops[ip] {
                                self.st.stack[base + a as usize] = v;
                                ip += 1;
                            } else {
                                self.push(v);
                            }
                            continue;
                        }
                        Some(None) => {
                            self.pop();
                            ip = exit as usize;
                            continue;
                        }
                        None => {}
                    }
                    if let Value::Obj(o) = it {
                        if let Obj::Generator(_) = o.as_ref() {
                            save_ip!();
                            let by = Resumer::ForIter(exit);
                            if tri!(self.resume_generator(o, Value::None, by)) {
                                continue 'frames;
                            }
                            self.pop();
                            ip = exit as usize;
                            continue;
                        }
                    }
                    save_ip!();
                    match tri!(self.for_iter_slow(it, exit)) {
                        ForIterStep::Value(v) => self.push(v),
                        ForIterStep::Done => {
                            self.pop();
                            ip = exit as usize;
                        }
                        ForIterStep::Pushed => continue 'frames,
                    }
                }};
            }
            // the current frame returns `v` (`ip` is past the Return)
            macro_rules! return_value {
                ($v:expr) => {{
                    let v = $v;
                    save_ip!();
                    match self.return_from_frame(v) {
                        // a boundary frame ends this run (one below `stop` can only be ours)
                        Ok(Some(r)) => return Ok(r),
                        Ok(None) => continue 'frames,
                        Err(e) => {
                            // __init__ returned a value: the error belongs to the caller
                            match self.unwind(e, stop, true) {
                                Unwound::Handled => continue 'frames,
                                Unwound::Escaped(e) => return Err(e),
                            }
                        }
                    }
                }};
            }
            macro_rules! save_ip {
                () => {
                    self.st.frames[fidx].ip = ip as u32;
                };
            }
            // where names live: a class body's namespace, else the globals (read when asked,
            // not on frame entry: only class bodies and module code use it)
            macro_rules! namespace {
                () => {
                    self.st.frames[fidx].ns.unwrap_or(globals)
                };
            }
            // StoreSubscr's work: a list item in range in place, anything else through setitem
            macro_rules! set_item {
                ($obj:expr, $idx:expr, $v:expr) => {{
                    let (obj, idx, v) = ($obj, $idx, $v);
                    if !self.store_index_fast(obj, idx, v) {
                        save_ip!();
                        tri!(self.setitem(obj, idx, v));
                    }
                }};
            }

            // LoadMethod's work on `obj`: a method of the receiver's class, bound to it, through
            // the instruction's cache; anything else (and `module.function`, which binds no
            // self) takes the uncached path
            macro_rules! load_method {
                ($obj:expr, $name:expr, $cache:expr) => {{
                    let (obj, name, cache) = ($obj, $name, $cache);
                    if let Some(f) = self.method_cached(obj, name, cache) {
                        self.push(f);
                        self.push(obj);
                        continue;
                    }
                    save_ip!();
                    let (f, this) = tri!(self.load_method_uncached(obj, name, cache));
                    self.push(f);
                    self.push(this);
                }};
            }
            loop {
                // matched through a reference so that each arm loads only its own operands:
                // copying the instruction out made LLVM decode every field at the dispatch and
                // hold them in the registers that ip and the code pointer needed
                let op = &ops[ip];
                ip += 1;
                match *op {
                    Op::Nop => {}
                    Op::Pop => {
                        self.st.stack.pop();
                    }
                    Op::Dup => {
                        let v = self.top();
                        self.push(v);
                    }
                    Op::Dup2 => {
                        let n = self.st.stack.len();
                        let (a, b) = (self.st.stack[n - 2], self.st.stack[n - 1]);
                        self.push(a);
                        self.push(b);
                    }
                    Op::Rot2 => {
                        let n = self.st.stack.len();
                        self.st.stack.swap(n - 1, n - 2);
                    }
                    Op::Rot3 => {
                        let v = self.pop();
                        let n = self.st.stack.len();
                        self.insert_slot(n - 2, v);
                    }
                    Op::LoadConst(i) => self.push(codeobj.consts[i as usize]),
                    Op::LoadSmallInt(i) => self.push(Value::Int(i as i64)),
                    Op::LoadNone => self.push(Value::None),
                    Op::LoadTrue => self.push(Value::Bool(Truth::True)),
                    Op::LoadFalse => self.push(Value::Bool(Truth::False)),
                    Op::LoadFast(i) => push_local!(i),
                    Op::StoreFast(i) => self.pop_to_slot(base + i as usize),
                    Op::LoadFast2(a, b) => {
                        let va = self.st.stack[base + a as usize];
                        let vb = self.st.stack[base + b as usize];
                        if va.is_undef() {
                            throw!(self.unbound_local(code, a));
                        }
                        self.push(va);
                        // an unbound second local is reported by the LoadFast after this
                        if !vb.is_undef() {
                            self.push(vb);
                            ip += 1;
                        }
                    }
                    Op::LoadFastBinary(a, b, bop) => {
                        let x = self.st.stack[base + a as usize];
                        let y = self.st.stack[base + b as usize];
                        if let Some(r) = crate::runtime::ops::numeric_fast(bop, x, y) {
                            self.push(r);
                            ip += 2;
                            continue;
                        }
                        // anything else: this is LoadFast a, and LoadFast b and the operation
                        // follow as they were
                        push_local!(a);
                    }
                    Op::LocalsCompareJump(a, b, cop, t) => {
                        let x = self.st.stack[base + a as usize];
                        let y = self.st.stack[base + b as usize];
                        if let Some(truth) = crate::runtime::ops::numeric_compare(cop, x, y) {
                            ip = if truth { ip + 3 } else { t as usize };
                            continue;
                        }
                        // otherwise this is LoadFast a, and the rest follows as it was
                        push_local!(a);
                    }
                    Op::LocalIntCompareJump(a, k, cop, t) => {
                        let x = self.st.stack[base + a as usize];
                        let y = Value::Int(k as i64);
                        if let Some(truth) = crate::runtime::ops::numeric_compare(cop, x, y) {
                            ip = if truth { ip + 3 } else { t as usize };
                            continue;
                        }
                        push_local!(a);
                    }
                    Op::StoreFast2(a, b) => {
                        let v = self.pop();
                        self.st.stack[base + a as usize] = v;
                        let v = self.pop();
                        self.st.stack[base + b as usize] = v;
                        ip += 1;
                    }
                    Op::LoadFastAttr(a, n) => {
                        let v = self.st.stack[base + a as usize];
                        if v.is_undef() {
                            throw!(self.unbound_local(code, a));
                        }
                        if let Some(r) = fused_attr!(v, n) {
                            self.push(r);
                            ip += 1;
                            continue;
                        }
                        self.push(v);
                    }
                    Op::LocalIntArithStore(a, b, bop, k) => {
                        let x = self.st.stack[base + a as usize];
                        let k = Value::Int(k as i64);
                        if let Some(r) = crate::runtime::ops::numeric_fast(bop, x, k) {
                            self.st.stack[base + b as usize] = r;
                            ip += 3;
                            continue;
                        }
                        push_local!(a);
                    }
                    Op::LocalAttrStore(a, n, b) => {
                        if let Some(r) = fused_attr!(self.st.stack[base + a as usize], n) {
                            self.st.stack[base + b as usize] = r;
                            ip += 2;
                            continue;
                        }
                        push_local!(a);
                    }
                    Op::LocalAttrStoreJump(a, n, b, t) => {
                        if let Some(r) = fused_attr!(self.st.stack[base + a as usize], n) {
                            self.st.stack[base + b as usize] = r;
                            if (t as usize) < ip {
                                back_edge!(t);
                            }
                            ip = t as usize;
                            continue;
                        }
                        push_local!(a);
                    }
                    Op::LocalAttrIntInplace(a, n, bop, k) => {
                        // read through the LoadAttr's cache (at ip + 1) and write through the
                        // StoreAttr's (at ip + 5); anything unusual runs the seven originals
                        if let Value::Instance(inst) = self.st.stack[base + a as usize] {
                            let name = codeobj.names[n as usize];
                            let cur =
                                self.instance_attr_cached(inst, name, &codeobj.caches[ip + 1]);
                            let new = cur.and_then(|x| {
                                crate::runtime::ops::numeric_fast(bop, x, Value::Int(k as i64))
                            });
                            if let Some(r) = new {
                                if self.instance_store_cached(
                                    inst,
                                    name,
                                    r,
                                    &codeobj.caches[ip + 5],
                                ) {
                                    ip += 6;
                                    continue;
                                }
                            }
                        }
                        push_local!(a);
                    }
                    Op::LocalsStoreAttr(a, b, n) => {
                        // the StoreAttr this stands for is at ip + 1, with its cache
                        let v = self.st.stack[base + a as usize];
                        let obj = self.st.stack[base + b as usize];
                        if let (false, Value::Instance(inst)) = (v.is_undef(), obj) {
                            let name = codeobj.names[n as usize];
                            if self.instance_store_cached(inst, name, v, &codeobj.caches[ip + 1]) {
                                ip += 2;
                                continue;
                            }
                        }
                        push_local!(a);
                    }
                    Op::LocalAttrJumpIfNone(a, n, when_none, t) => {
                        if let Some(r) = fused_attr!(self.st.stack[base + a as usize], n) {
                            let is_none = matches!(r, Value::None);
                            ip = if is_none == when_none {
                                t as usize
                            } else {
                                ip + 4
                            };
                            continue;
                        }
                        push_local!(a);
                    }
                    Op::LocalJumpIfNone(a, when_none, t) => {
                        let v = self.st.stack[base + a as usize];
                        if v.is_undef() {
                            throw!(self.unbound_local(code, a));
                        }
                        let is_none = matches!(v, Value::None);
                        ip = if is_none == when_none {
                            t as usize
                        } else {
                            ip + 3
                        };
                    }
                    Op::SmallIntArith(bop, k) => {
                        match self.st.stack.last_mut() {
                            Some(Value::Int(x)) => {
                                if let Some(r) =
                                    crate::runtime::ops::int_fast_inline(bop, *x, k as i64)
                                {
                                    *x = r;
                                    ip += 1;
                                    continue;
                                }
                            }
                            Some(Value::Float(x)) => {
                                let (f, k) = (x.get(), k as f64);
                                let r = match bop {
                                    BinOp::Add => Some(f + k),
                                    BinOp::Sub => Some(f - k),
                                    BinOp::Mul => Some(f * k),
                                    _ => None,
                                };
                                if let Some(r) = r {
                                    *x = r.into();
                                    ip += 1;
                                    continue;
                                }
                            }
                            _ => {}
                        }
                        self.push(Value::Int(k as i64));
                    }
                    Op::CompareJumpIfFalse(cop, t) => {
                        let int_result = self
                            .top_two_ints()
                            .and_then(|(x, y)| crate::runtime::ops::int_compare(cop, x, y));
                        let truth = match int_result {
                            Some(b) => {
                                let n = self.st.stack.len();
                                self.st.stack.truncate(n - 2);
                                b
                            }
                            None => {
                                let b = self.pop();
                                let a = self.pop();
                                save_ip!();
                                match tri!(self.compare(cop, a, b)) {
                                    Value::Bool(b) => b.get(),
                                    other => tri!(self.truthy(other)),
                                }
                            }
                        };
                        if truth {
                            ip += 1;
                        } else {
                            ip = t as usize;
                        }
                    }
                    Op::JumpIfNone(when_none, t) => {
                        let v = self.pop();
                        if matches!(v, Value::None) == when_none {
                            ip = t as usize;
                        } else {
                            ip += 2;
                        }
                    }
                    Op::Dup2Subscr => {
                        let n = self.st.stack.len();
                        let (obj, idx) = (self.st.stack[n - 2], self.st.stack[n - 1]);
                        let v = match Self::index_fast(obj, idx) {
                            Some(v) => v,
                            None => {
                                save_ip!();
                                tri!(self.getitem(obj, idx))
                            }
                        };
                        self.push(v);
                        ip += 1;
                    }
                    Op::LocalIndexDup(a, k) => {
                        let v = self.st.stack[base + a as usize];
                        if let Some(item) = Self::index_fast(v, Value::Int(k as i64)) {
                            self.push(v);
                            self.push(Value::Int(k as i64));
                            self.push(item);
                            ip += 3;
                            continue;
                        }
                        push_local!(a);
                    }
                    Op::InplaceStoreSubscr(bop) => {
                        // the stack holds the container, the index, the old item and the operand
                        let n = self.st.stack.len();
                        let x = self.st.stack[n - 2];
                        let y = self.st.stack[n - 1];
                        self.st.stack.truncate(n - 2);
                        let v = match crate::runtime::ops::numeric_fast(bop, x, y) {
                            Some(v) => v,
                            None => {
                                save_ip!();
                                tri!(self.inplace(bop, x, y))
                            }
                        };
                        let idx = self.pop();
                        let obj = self.pop();
                        set_item!(obj, idx, v);
                        ip += 2;
                    }
                    Op::Rot3StoreSubscr => {
                        let v = self.pop();
                        let idx = self.pop();
                        let obj = self.pop();
                        set_item!(obj, idx, v);
                        ip += 1;
                    }
                    Op::DeleteFast(i) => {
                        if self.st.stack[base + i as usize].is_undef() {
                            throw!(self.unbound_local(code, i));
                        }
                        self.st.stack[base + i as usize] = Value::Undef;
                    }
                    Op::LoadDeref(i) => {
                        let cell = self.st.stack[base + code.nlocals as usize + i as usize];
                        let v = cell_get(cell);
                        if v.is_undef() {
                            throw!(self.unbound_deref(code, i as usize));
                        }
                        self.push(v);
                    }
                    Op::LoadClosure(i) => {
                        let cell = self.st.stack[base + code.nlocals as usize + i as usize];
                        self.push(cell);
                    }
                    Op::StoreDeref(i) => {
                        let v = self.pop();
                        let cell = self.st.stack[base + code.nlocals as usize + i as usize];
                        cell_set(self, cell, v);
                    }
                    Op::DeleteDeref(i) => {
                        let cell = self.st.stack[base + code.nlocals as usize + i as usize];
                        if cell_get(cell).is_undef() {
                            throw!(self.unbound_deref(code, i as usize));
                        }
                        cell_set(self, cell, Value::Undef);
                    }
                    Op::LoadClassDeref(n, i) => {
                        let name = codeobj.names[n as usize];
                        let ns = namespace!();
                        let found = tri!(self.dict_get(ns, name));
                        match found {
                            Some(v) => self.push(v),
                            None => {
                                let cell = self.st.stack[base + code.nlocals as usize + i as usize];
                                let v = cell_get(cell);
                                if v.is_undef() {
                                    throw!(self.unbound_deref(code, i as usize));
                                }
                                self.push(v);
                            }
                        }
                    }
                    Op::LoadGlobal(n) => {
                        let name = codeobj.names[n as usize];
                        let cache = &codeobj.caches[ip - 1];
                        let v = tri!(self.load_global_cached(globals, name, cache));
                        self.push(v);
                    }
                    Op::GlobalMethod(n, m) => {
                        let name = codeobj.names[n as usize];
                        let obj =
                            tri!(self.load_global_cached(globals, name, &codeobj.caches[ip - 1]));
                        // the LoadMethod's work, with its cache
                        let name = codeobj.names[m as usize];
                        let cache = &codeobj.caches[ip];
                        ip += 1;
                        load_method!(obj, name, cache);
                    }
                    Op::GlobalIndexDup(n, k) => {
                        let name = codeobj.names[n as usize];
                        let v =
                            tri!(self.load_global_cached(globals, name, &codeobj.caches[ip - 1]));
                        self.push(v);
                        if let Some(item) = Self::index_fast(v, Value::Int(k as i64)) {
                            self.push(Value::Int(k as i64));
                            self.push(item);
                            ip += 3;
                        }
                    }
                    Op::GlobalLocal(n, a) => {
                        let name = codeobj.names[n as usize];
                        let cache = &codeobj.caches[ip - 1];
                        let f = tri!(self.load_global_cached(globals, name, cache));
                        self.push(f);
                        let v = self.st.stack[base + a as usize];
                        // unbound: the LoadFast that follows raises
                        if !v.is_undef() {
                            self.push(v);
                            ip += 1;
                        }
                    }
                    Op::CallGlobalLocal(n, a) => {
                        let name = codeobj.names[n as usize];
                        let cache = &codeobj.caches[ip - 1];
                        let f = tri!(self.load_global_cached(globals, name, cache));
                        self.push(f);
                        let v = self.st.stack[base + a as usize];
                        if v.is_undef() {
                            continue;
                        }
                        self.push(v);
                        ip += 2;
                        budget -= 1;
                        save_ip!();
                        let pos = self.st.stack.len() - 2;
                        call_at_pos!(pos, 1, FrameKind::Normal);
                        after_call!();
                    }
                    Op::StoreGlobal(n) => {
                        let name = codeobj.names[n as usize];
                        let v = self.pop();
                        let cache = &codeobj.caches[ip - 1];
                        tri!(self.store_global_cached(globals, name, v, cache));
                    }
                    Op::DeleteGlobal(n) => {
                        tri!(self.delete_name(globals, codeobj.names[n as usize]));
                    }
                    Op::LoadName(n) => {
                        let v =
                            tri!(self.load_name(namespace!(), globals, codeobj.names[n as usize]));
                        self.push(v);
                    }
                    Op::StoreName(n) => {
                        let name = codeobj.names[n as usize];
                        let ns = namespace!();
                        let v = self.pop();
                        tri!(self.dict_set(ns, name, v));
                    }
                    Op::DeleteName(n) => {
                        tri!(self.delete_name(namespace!(), codeobj.names[n as usize]));
                    }
                    Op::LoadAttr(n) => {
                        let name = codeobj.names[n as usize];
                        let cache = &codeobj.caches[ip - 1];
                        match self.st.stack.last() {
                            Some(Value::Instance(inst)) => {
                                if let Some(v) = self.instance_attr_cached(*inst, name, cache) {
                                    *self.st.stack.last_mut().unwrap() = v;
                                    continue;
                                }
                            }
                            Some(&m @ Value::Obj(_)) => {
                                if let Some(v) = self.module_attr_cached(m, name, cache) {
                                    *self.st.stack.last_mut().unwrap() = v;
                                    continue;
                                }
                            }
                            _ => {}
                        }
                        let obj = self.pop();
                        save_ip!();
                        let v = tri!(self.getattr(obj, name));
                        self.push(v);
                    }
                    Op::StoreAttr(n) => {
                        let name = codeobj.names[n as usize];
                        let obj = self.pop();
                        let v = self.pop();
                        if let Value::Instance(inst) = obj {
                            let cache = &codeobj.caches[ip - 1];
                            if self.instance_store_cached(inst, name, v, cache) {
                                continue;
                            }
                        }
                        save_ip!();
                        tri!(self.setattr(obj, name, v));
                    }
                    Op::DeleteAttr(n) => {
                        let name = codeobj.names[n as usize];
                        let obj = self.pop();
                        save_ip!();
                        tri!(self.delattr(obj, name));
                    }
                    Op::LoadMethod(n) => {
                        let name = codeobj.names[n as usize];
                        let obj = self.pop();
                        load_method!(obj, name, &codeobj.caches[ip - 1]);
                    }
                    Op::LocalMethod(a, n) => {
                        let obj = self.st.stack[base + a as usize];
                        if !obj.is_undef() {
                            let name = codeobj.names[n as usize];
                            if let Some(f) = self.method_cached(obj, name, &codeobj.caches[ip]) {
                                self.push(f);
                                self.push(obj);
                                ip += 1;
                                continue;
                            }
                        }
                        push_local!(a);
                    }
                    Op::CallLocalMethod0(a, n) => {
                        let obj = self.st.stack[base + a as usize];
                        if !obj.is_undef() {
                            let name = codeobj.names[n as usize];
                            if let Some(f) = self.method_cached(obj, name, &codeobj.caches[ip]) {
                                self.push(f);
                                self.push(obj);
                                ip += 2;
                                budget -= 1;
                                save_ip!();
                                let pos = self.st.stack.len() - 2;
                                call_at_pos!(pos, 1, FrameKind::Normal);
                                after_call!();
                                continue;
                            }
                        }
                        push_local!(a);
                    }
                    Op::CallMethodPop(argc) => {
                        budget -= 1;
                        let (pos, argc) = self.method_call_args(argc as usize);
                        // the result is dropped where it is made, and the Pop skipped; but a
                        // class called for its side effects runs its __init__ as a frame of
                        // its own only when the instance is wanted, so it keeps the Pop
                        let is_class = matches!(self.st.stack[pos],
                            Value::Obj(o) if matches!(o.as_ref(), Obj::Class(_)));
                        let kind = if is_class {
                            FrameKind::Normal
                        } else {
                            ip += 1;
                            FrameKind::Discard
                        };
                        save_ip!();
                        call_at_pos!(pos, argc, kind);
                        after_call!();
                    }
                    Op::CallMethod(argc) => {
                        budget -= 1;
                        save_ip!();
                        let (pos, argc) = self.method_call_args(argc as usize);
                        call_at_pos!(pos, argc, FrameKind::Normal);
                        after_call!();
                    }
                    Op::Call(argc) => {
                        budget -= 1;
                        save_ip!();
                        let pos = self.st.stack.len() - argc as usize - 1;
                        call_at_pos!(pos, argc as usize, FrameKind::Normal);
                        after_call!();
                    }
                    Op::CallKw(argc) => {
                        budget -= 1;
                        save_ip!();
                        let names = self.pop();
                        let pos = self.st.stack.len() - argc as usize - 1;
                        if tri!(self.call_at(pos, argc as usize, Some(names), FrameKind::Normal)) {
                            entered_frame!();
                        }
                        after_call!();
                    }
                    Op::CallEx(has_kw) => {
                        budget -= 1;
                        save_ip!();
                        let kwargs = if has_kw == 1 { Some(self.pop()) } else { None };
                        let args = self.pop();
                        if tri!(self.call_ex(args, kwargs)) {
                            entered_frame!();
                        }
                        after_call!();
                    }
                    Op::BinarySubscr => {
                        let idx = self.pop();
                        let obj = self.pop();
                        if let Some(v) = Self::index_fast(obj, idx) {
                            self.push(v);
                            continue;
                        }
                        save_ip!();
                        let v = tri!(self.getitem(obj, idx));
                        self.push(v);
                    }
                    Op::StoreSubscr => {
                        let idx = self.pop();
                        let obj = self.pop();
                        let v = self.pop();
                        set_item!(obj, idx, v);
                    }
                    Op::DeleteSubscr => {
                        let idx = self.pop();
                        let obj = self.pop();
                        save_ip!();
                        tri!(self.delitem(obj, idx));
                    }
                    Op::Binary(bop) => {
                        arith_fast_path!(bop);
                        let b = self.pop();
                        let a = self.pop();
                        save_ip!();
                        let r = tri!(self.binary(bop, a, b));
                        self.push(r);
                    }
                    Op::Inplace(bop) => {
                        arith_fast_path!(bop);
                        let b = self.pop();
                        let a = self.pop();
                        save_ip!();
                        let r = tri!(self.inplace(bop, a, b));
                        self.push(r);
                    }
                    Op::Unary(uop) => {
                        let a = self.pop();
                        save_ip!();
                        let r = match uop {
                            UnaryOp::Not => Value::bool(!tri!(self.truthy(a))),
                            _ => tri!(self.unary(uop, a)),
                        };
                        self.push(r);
                    }
                    Op::Compare(cop) => {
                        if let Some((x, y)) = self.top_two_ints() {
                            if let Some(b) = crate::runtime::ops::int_compare(cop, x, y) {
                                self.replace_top_two(Value::bool(b));
                                continue;
                            }
                        }
                        let b = self.pop();
                        let a = self.pop();
                        let r = match cop {
                            CmpOp::Is => Value::bool(a.is(b)),
                            CmpOp::IsNot => Value::bool(!a.is(b)),
                            _ => {
                                save_ip!();
                                tri!(self.compare(cop, a, b))
                            }
                        };
                        self.push(r);
                    }
                    Op::Jump(t) => {
                        if (t as usize) < ip {
                            back_edge!(t);
                        }
                        ip = t as usize;
                    }
                    Op::PopJumpIfFalse(t) => {
                        if let Some(&Value::Bool(b)) = self.st.stack.last() {
                            self.st.stack.pop();
                            if !b.get() {
                                ip = t as usize;
                            }
                            continue;
                        }
                        // not a bool (the fast path above took those)
                        let v = self.pop();
                        save_ip!();
                        let b = tri!(self.truthy(v));
                        if !b {
                            ip = t as usize;
                        }
                    }
                    Op::PopJumpIfTrue(t) => {
                        if let Some(&Value::Bool(b)) = self.st.stack.last() {
                            self.st.stack.pop();
                            if b.get() {
                                ip = t as usize;
                            }
                            continue;
                        }
                        // not a bool (the fast path above took those)
                        let v = self.pop();
                        save_ip!();
                        let b = tri!(self.truthy(v));
                        if b {
                            ip = t as usize;
                        }
                    }
                    Op::JumpIfFalseOrPop(t) => {
                        let v = self.top();
                        save_ip!();
                        if !tri!(self.truthy(v)) {
                            ip = t as usize;
                        } else {
                            self.pop();
                        }
                    }
                    Op::JumpIfTrueOrPop(t) => {
                        let v = self.top();
                        save_ip!();
                        if tri!(self.truthy(v)) {
                            ip = t as usize;
                        } else {
                            self.pop();
                        }
                    }
                    Op::GetIter => {
                        let v = self.pop();
                        save_ip!();
                        let it = tri!(self.get_iter(v));
                        self.push(it);
                    }
                    Op::JumpForIter(t) => {
                        back_edge!(t);
                        // the ForIter at `t` runs here, without a dispatch of its own
                        ip = t as usize + 1;
                        let Op::ForIter(exit) = ops[t as usize] else {
                            ip -= 1;
                            continue;
                        };
                        for_iter!(exit);
                    }
                    Op::ForIter(exit) => for_iter!(exit),
                    Op::BuildTuple(n) => {
                        let at = self.st.stack.len() - n as usize;
                        let t = self.new_tuple_from(&self.st.stack[at..]);
                        self.st.stack.truncate(at);
                        self.push(t);
                    }
                    Op::BuildList(n) => {
                        let items = self.take_top(n as usize);
                        let l = self.new_list(items);
                        self.push(l);
                    }
                    Op::BuildSet(n) => {
                        save_ip!();
                        tri!(self.build_set(n));
                    }
                    Op::BuildMap(n) => {
                        save_ip!();
                        tri!(self.build_map(n as usize));
                    }
                    Op::BuildSlice(n) => {
                        let step = if n == 3 { self.pop() } else { Value::None };
                        let stop_v = self.pop();
                        let start = self.pop();
                        let s = self.obj(Obj::Slice(start, stop_v, step));
                        self.push(s);
                    }
                    Op::BuildString(n) => self.build_string(n as usize),
                    Op::ListAppend(d) => {
                        let v = self.pop();
                        let n = self.st.stack.len();
                        let l = self.st.stack[n - d as usize];
                        if let Value::List(l) = l {
                            self.list_push(l, v);
                        }
                    }
                    Op::SetAdd(d) => {
                        let v = self.pop();
                        let n = self.st.stack.len();
                        let s = self.st.stack[n - d as usize];
                        save_ip!();
                        tri!(self.set_add(s, v));
                    }
                    Op::MapAdd(d) => {
                        let v = self.pop();
                        let k = self.pop();
                        let n = self.st.stack.len();
                        let m = self.st.stack[n - d as usize];
                        save_ip!();
                        if let Value::Dict(m) = m {
                            tri!(self.dict_set(m, k, v));
                        }
                    }
                    Op::ListExtend(d) => {
                        save_ip!();
                        tri!(self.list_extend(d as usize));
                    }
                    Op::SetUpdate(d) => {
                        save_ip!();
                        tri!(self.set_update(d as usize));
                    }
                    Op::DictUpdate(d) => {
                        save_ip!();
                        tri!(self.dict_update(d as usize, false));
                    }
                    Op::DictMerge(d) => {
                        save_ip!();
                        tri!(self.dict_update(d as usize, true));
                    }
                    Op::ListToTuple => {
                        let l = self.pop();
                        let items = match l {
                            Value::List(l) => l.borrow().clone(),
                            _ => vec![],
                        };
                        let t = self.new_tuple(items);
                        self.push(t);
                    }
                    Op::UnpackSequence(n) => {
                        let v = self.pop();
                        // a tuple or list of the right length: its items, last first
                        match v {
                            Value::Tuple(t) => match (t.as_ref(), n) {
                                (Tuple::Pair([a, b]), 2) => {
                                    self.push(*b);
                                    self.push(*a);
                                    continue;
                                }
                                (Tuple::Many(items), _) if items.len() == n as usize => {
                                    self.st.stack.extend(items.iter().rev());
                                    continue;
                                }
                                _ => {}
                            },
                            Value::List(l) if l.borrow().len() == n as usize => {
                                self.st.stack.extend(l.borrow().iter().rev());
                                continue;
                            }
                            _ => {}
                        }
                        save_ip!();
                        tri!(self.unpack_into_stack(v, n as usize, None));
                    }
                    Op::UnpackLocalPair(a, b, c) => {
                        let v = self.st.stack[base + a as usize];
                        if let Value::Tuple(t) = v {
                            if let Tuple::Pair([x, y]) = *t.as_ref() {
                                self.st.stack[base + b as usize] = x;
                                self.st.stack[base + c as usize] = y;
                                ip += 3;
                                continue;
                            }
                        }
                        push_local!(a);
                    }
                    Op::UnpackEx(before, after) => {
                        let v = self.pop();
                        save_ip!();
                        tri!(self.unpack_into_stack(v, before as usize, Some(after as usize)));
                    }
                    Op::FormatValue(flags) => {
                        save_ip!();
                        tri!(self.format_top(flags));
                    }
                    Op::MakeFunction(flags) => {
                        let qualname = self.pop();
                        let codev = self.pop();
                        let closure = if flags & 8 != 0 {
                            Some(self.pop())
                        } else {
                            None
                        };
                        let kwdefaults = if flags & 2 != 0 {
                            Some(self.pop())
                        } else {
                            None
                        };
                        let defaults = if flags & 1 != 0 {
                            Some(self.pop())
                        } else {
                            None
                        };
                        let f = self
                            .make_function(codev, qualname, globals, defaults, kwdefaults, closure);
                        self.push(f);
                    }
                    Op::Return => {
                        let v = self.pop();
                        return_value!(v);
                    }
                    Op::ReturnNone => {
                        ip += 1;
                        return_value!(Value::None);
                    }
                    Op::ReturnConst(i) => {
                        ip += 1;
                        return_value!(codeobj.consts[i as usize]);
                    }
                    Op::ReturnSmallInt(k) => {
                        ip += 1;
                        return_value!(Value::Int(k as i64));
                    }
                    Op::ReturnLocal(a) => {
                        let v = self.st.stack[base + a as usize];
                        if v.is_undef() {
                            throw!(self.unbound_local(code, a));
                        }
                        ip += 1;
                        return_value!(v);
                    }
                    Op::YieldValue => {
                        let v = self.pop();
                        save_ip!();
                        if self.yield_from_frame(v) {
                            return Ok(RunResult::Yield(v));
                        }
                        continue 'frames;
                    }
                    Op::GetYieldFromIter => {
                        let v = self.pop();
                        save_ip!();
                        let it = match v {
                            Value::Obj(o) if matches!(o.as_ref(), Obj::Generator(_)) => v,
                            _ => tri!(self.get_iter(v)),
                        };
                        self.push(it);
                    }
                    Op::YieldFrom => {
                        let sent = self.pop();
                        let sub = self.top();
                        save_ip!();
                        // a generator runs on the frame stack above this one (GenDelegate)
                        if let Value::Obj(o) = sub {
                            if let Obj::Generator(_) = o.as_ref() {
                                if tri!(self.resume_generator(o, sent, Resumer::Delegate)) {
                                    continue 'frames;
                                }
                                // it had already finished: the result is None
                                self.pop();
                                self.push(Value::None);
                                continue;
                            }
                        }
                        // any other iterator runs nested for one step; its value is yielded onward
                        match tri!(self.send_to(sub, sent)) {
                            Ok(v) => {
                                // re-execute this instruction after resumption with the sent value
                                ip -= 1;
                                save_ip!();
                                if self.yield_from_frame(v) {
                                    return Ok(RunResult::Yield(v));
                                }
                                continue 'frames;
                            }
                            Err(ret) => {
                                self.pop();
                                self.push(ret);
                            }
                        }
                    }
                    Op::Raise(kind) => {
                        save_ip!();
                        let e = match kind {
                            0 => match self.st.exc_stack.last() {
                                Some(e) => {
                                    let e = *e;
                                    match self.unwind(e, stop, false) {
                                        Unwound::Handled => continue 'frames,
                                        Unwound::Escaped(e) => return Err(e),
                                    }
                                }
                                None => self.runtime_error("No active exception to reraise"),
                            },
                            1 => {
                                let v = self.pop();
                                match exc::normalize(self, v) {
                                    Ok(e) => e,
                                    Err(e) => e,
                                }
                            }
                            _ => {
                                let cause = self.pop();
                                let v = self.pop();
                                match exc::normalize(self, v) {
                                    Ok(e) => match self.set_cause(e, cause) {
                                        Ok(()) => e,
                                        Err(e2) => e2,
                                    },
                                    Err(e) => e,
                                }
                            }
                        };
                        throw!(e);
                    }
                    Op::Reraise => {
                        let e = self.pop();
                        self.st.exc_stack.pop();
                        save_ip!();
                        match self.unwind(e, stop, false) {
                            Unwound::Handled => continue 'frames,
                            Unwound::Escaped(e) => return Err(e),
                        }
                    }
                    Op::SetupExcept(h) => {
                        let depth = self.st.stack.len() as u32;
                        self.st.blocks.push(Block { handler: h, depth });
                    }
                    Op::PopBlock => {
                        self.st.blocks.pop();
                    }
                    Op::PushExcInfo => {
                        let e = self.top();
                        self.st.exc_stack.push(e);
                    }
                    Op::PopExcept => {
                        self.st.exc_stack.pop();
                    }
                    Op::CheckExcMatch => {
                        let spec = self.pop();
                        let e = self.top();
                        save_ip!();
                        let m = tri!(exc::matches(self, e, spec));
                        self.push(Value::bool(m));
                    }
                    Op::BeforeWith => {
                        let mgr = self.pop();
                        save_ip!();
                        let enter = tri!(self.special_method(mgr, "__enter__"));
                        let exit = tri!(self.special_method(mgr, "__exit__"));
                        self.push(exit);
                        let r = tri!(self.call(enter, &[], &[]));
                        self.push(r);
                    }
                    Op::WithExitNormal => {
                        let exit = self.pop();
                        save_ip!();
                        tri!(self.call(exit, &[Value::None, Value::None, Value::None], &[]));
                    }
                    Op::WithExceptStart => {
                        let n = self.st.stack.len();
                        let (exit, e) = (self.st.stack[n - 2], self.st.stack[n - 1]);
                        let t = Value::Obj(self.type_of(e));
                        save_ip!();
                        let tb = self.traceback_value(e);
                        let r = tri!(self.call(exit, &[t, e, tb], &[]));
                        self.push(r);
                    }
                    Op::LoadBuildClass => {
                        let n = self.intern("__build_class__");
                        let v = tri!(self.load_global(globals, n));
                        self.push(v);
                    }
                    Op::ImportName(n) => {
                        let name = codeobj.names[n as usize];
                        let fromlist = self.pop();
                        let level = self.pop();
                        save_ip!();
                        let m = tri!(self.import(name, fromlist, level, globals));
                        self.push(m);
                    }
                    Op::ImportFrom(n) => {
                        let name = codeobj.names[n as usize];
                        let m = self.top();
                        save_ip!();
                        let v = tri!(self.import_from(m, name));
                        self.push(v);
                    }
                    Op::ImportStar => {
                        let m = self.pop();
                        save_ip!();
                        tri!(self.import_star(m, namespace!()));
                    }
                    Op::LoadAssertionError => {
                        let c = self.st.types.assertion_error;
                        self.push(Value::Obj(c));
                    }
                    Op::PrintExpr => {
                        let v = self.pop();
                        save_ip!();
                        if !v.is_none() {
                            let s = tri!(self.repr_of(v));
                            self.out(&s);
                            self.out("\n");
                            let us = self.intern("_");
                            let b = self.st.builtins;
                            tri!(self.dict_set(b, us, v));
                        }
                    }
                    Op::SetupAnnotations => tri!(self.setup_annotations(namespace!())),
                    Op::StoreAnnotation(n) => {
                        let ann = self.pop();
                        tri!(self.store_annotation(namespace!(), codeobj.names[n as usize], ann));
                    }
                }
            }
        }
    }
}
