//! Weak references in the VM: creating and sharing weakref objects, proxies, the registry of
//! finalizable objects, and the collector's finalization step (DESIGN.md §2):
//!   1. ephemerons: values of live WeakKeyDictionary keys are kept alive, to a fixpoint;
//!   2. dead objects with `__del__` that were not finalized yet are resurrected, their `__del__`
//!      queued, and their weakrefs left alone this cycle;
//!   3. every other dead referent has its weakrefs cleared, and the callbacks of the weakref
//!      objects that are themselves alive are queued, newest first; weak containers are pruned.

use super::driver::Root;
use super::frame::FrameKind;
use super::state::{FinEntry, PendingCall};
use super::{R, Vm};
use crate::runtime::value::{InstRef, Instance, Obj, ObjRef, Payload, Value, flags};
use crate::runtime::weak::{WeakAny, WeakRef, WeakRefHandle, WeakTable};
use gc_arena::barrier::unlock;
use gc_arena::lock::RefLock;
use gc_arena::{Finalization, Gc};

/// Counts of what one finalization step did, for gc statistics and --gc-trace.
#[derive(Default, Clone, Copy)]
pub struct StepReport {
    pub cleared: u64,
    pub callbacks: u64,
    pub dels: u64,
    /// Dead objects that were still weakly referenced when marking ended (referents, weakref
    /// objects, weak-container entries): gc-arena counts them as remembered this cycle.
    pub weak_dead: u64,
}

impl<'gc> Vm<'gc> {
    /// Whether `weakref.ref(v)` is allowed.
    pub fn weakrefable(&self, v: Value<'gc>) -> bool {
        match v {
            Value::Set(_) => true,
            Value::Instance(i) => {
                let Obj::Class(c) = i.class.get().as_ref() else {
                    return false;
                };
                if c.flags.get() & flags::NO_WEAKREF != 0 {
                    return false;
                }
                match i.payload.get() {
                    Payload::Weak(_) => c.flags.get() & flags::BUILTIN == 0,
                    Payload::Value(inner) => {
                        !matches!(inner, Value::Int(_) | Value::Bool(_) | Value::Tuple(_))
                            && !matches!(inner, Value::Obj(o) if matches!(o.as_ref(), Obj::BigInt(_) | Obj::Bytes(_)))
                    }
                    _ => true,
                }
            }
            Value::Obj(o) => matches!(
                o.as_ref(),
                Obj::Function(_)
                    | Obj::Class(_)
                    | Obj::Method(..)
                    | Obj::Native(_)
                    | Obj::Generator(_)
                    | Obj::Module(_)
                    | Obj::Code(_)
            ),
            _ => false,
        }
    }

    pub fn weakref_error(&mut self, v: Value<'gc>) -> Value<'gc> {
        let t = self.type_name(v);
        self.type_error(format!("cannot create weak reference to '{t}' object"))
    }

    /// The weakref data of a ref or proxy object.
    pub fn weak_data(v: Value<'gc>) -> Option<Gc<'gc, WeakRef<'gc>>> {
        match v {
            Value::Weak(w) => Some(w),
            Value::Instance(i) => match i.payload.get() {
                Payload::Weak(w) => Some(w),
                _ => None,
            },
            _ => None,
        }
    }

    /// The live referent of a weakref, if any.
    pub fn weak_referent(&self, w: Gc<'gc, WeakRef<'gc>>) -> Option<Value<'gc>> {
        w.target.get().and_then(|t| t.upgrade(self.mc))
    }

    /// For a proxy: its referent, or ReferenceError once dead. None if `v` is not a proxy.
    pub fn proxy_target(&mut self, v: Value<'gc>) -> Option<R<'gc>> {
        let w = Self::weak_data(v)?;
        if w.kind == 0 {
            return None;
        }
        Some(match self.weak_referent(w) {
            Some(t) => Ok(t),
            None => {
                let c = self.st.types.reference_error;
                Err(self.err(c, "weakly-referenced object no longer exists"))
            }
        })
    }

    /// Creates (or shares) a weakref or proxy object of class `cls` for `target`.
    pub fn new_weakref(
        &mut self,
        cls: ObjRef<'gc>,
        target: Value<'gc>,
        callback: Value<'gc>,
        kind: u8,
    ) -> R<'gc> {
        if !self.weakrefable(target) {
            return Err(self.weakref_error(target));
        }
        let w = WeakAny::of(target).expect("weakrefable values live on the heap");
        let exact = match kind {
            0 => Gc::ptr_eq(cls, self.st.types.weakref),
            _ => true,
        };
        let shareable = callback.is_none() && exact;
        if shareable {
            if let Some(r) = self.shared_weakref(target, kind) {
                return Ok(r);
            }
        }
        let data = Gc::new(self.mc, WeakRef::new(w, callback, kind));
        // refs are made to be put in sets and dict keys: an identity hash is known now, cheaply
        if let (0, Value::Instance(i)) = (kind, target) {
            if let Some(h) = super::mapping::identity_hash(i) {
                data.know_hash(h);
            }
        }
        // an exact ref is its state alone; proxies and subclass instances carry it in an
        // instance (their classes and attributes live there)
        let obj = if kind == 0 && exact {
            Value::Weak(data)
        } else {
            Value::Instance(Gc::new(self.mc, Instance::new(cls, Payload::Weak(data))))
        };
        let handle = WeakRefHandle::of(obj).expect("a weakref object");
        self.st.weakrefs.entry_for(target, w).refs.push(handle);
        Ok(obj)
    }

    /// The live callback-less ref (`kind` 0) or proxy (`kind` 1 or 2) to `target`,
    /// which `ref(obj)` and `proxy(obj)` share. It is found among the object's weak reference
    /// objects rather than remembered beside them: an exact ref is the only kind whose object
    /// is the state alone, and a proxy the only kind with a nonzero `kind`.
    fn shared_weakref(&self, target: Value<'gc>, kind: u8) -> Option<Value<'gc>> {
        let e = self.st.weakrefs.get(target)?;
        e.refs.iter().find_map(|h| {
            let plain = matches!(h, WeakRefHandle::Plain(_));
            if plain != (kind == 0) {
                return None;
            }
            let v = h.upgrade(self.mc)?;
            let d = Self::weak_data(v)?;
            (d.kind == kind && d.callback.get().is_none()).then_some(v)
        })
    }

    /// The live weakref and proxy objects pointing at `target`, oldest first.
    pub fn weakrefs_to(&self, target: Value<'gc>) -> Vec<Value<'gc>> {
        match self.st.weakrefs.get(target) {
            Some(e) => e
                .refs
                .iter()
                .filter_map(|r| r.upgrade(self.mc))
                .filter(|&r| Self::weak_data(r).is_some_and(|d| d.target.get().is_some()))
                .collect(),
            None => vec![],
        }
    }

    /// Remembers an instance whose class has `__del__`.
    pub fn register_finalizable(&mut self, inst: InstRef<'gc>) {
        self.st.finalizable.push(FinEntry {
            obj: Gc::downgrade(inst),
            finalized: false,
        });
    }

    /// The registry entry of an instance whose class has (or had) `__del__`.
    fn finalizable_entry(&self, inst: InstRef<'gc>) -> Option<&FinEntry<'gc>> {
        (self.st.finalizable.iter())
            .find(|e| e.obj.upgrade(self.mc).is_some_and(|o| Gc::ptr_eq(o, inst)))
    }

    pub fn is_registered_finalizable(&self, inst: InstRef<'gc>) -> bool {
        self.finalizable_entry(inst).is_some()
    }

    pub fn is_finalized(&self, v: Value<'gc>) -> bool {
        let Value::Instance(i) = v else { return false };
        self.finalizable_entry(i).is_some_and(|e| e.finalized)
    }

    pub fn register_table(&mut self, t: Gc<'gc, RefLock<WeakTable<'gc>>>) {
        self.st.weak_tables.push(Gc::downgrade(t));
    }

    /// Runs every queued call to completion, nested (for gc.collect() and the end of the
    /// program, which must see their effects before going on). Returns whether any was queued.
    pub fn run_pending(&mut self) -> bool {
        let pending = std::mem::take(&mut self.st.pending);
        if pending.is_empty() {
            return false;
        }
        for p in pending {
            if let Some((f, arg)) = self.pending_target(p) {
                if let Err(e) = self.call(f, &[arg], &[]) {
                    self.report_ignored(f, e);
                }
            }
        }
        true
    }

    /// The function a queued call runs and its one argument, counted as run; None for a
    /// `__del__` that is no longer there.
    fn pending_target(&mut self, p: PendingCall<'gc>) -> Option<(Value<'gc>, Value<'gc>)> {
        match p {
            PendingCall::Del(inst) => {
                let v = Value::Instance(inst);
                let f = self.lookup_special(v, "__del__")?;
                self.st.gc.dels_run += 1;
                Some((f, v))
            }
            PendingCall::Callback(cb, arg) => {
                self.st.gc.callbacks_run += 1;
                Some((cb, arg))
            }
        }
    }

    /// Between slices: the first queued `__del__` call or callback becomes a frame on top of
    /// the interrupted one, and the next slice runs it like any other call, with no nested
    /// interpreter loop. When it ends (returns, or its exception is reported) it starts the next
    /// one, so the queue runs one frame deep however long it is.
    pub fn push_pending(&mut self) {
        if !self.st.pending_chain && !self.st.pending.is_empty() && !self.st.frames.is_empty() {
            self.st.pending_chain = self.start_next_pending();
        }
    }

    /// Starts the next queued call: a script function gets a frame (returns true); anything
    /// else (a bound method, a native, a callable object) runs at once, nested, and the one
    /// after it is tried.
    pub fn start_next_pending(&mut self) -> bool {
        while let Some(p) = self.st.pending.pop_front() {
            let Some((f, arg)) = self.pending_target(p) else {
                continue;
            };
            if !matches!(f, Value::Obj(o) if matches!(o.as_ref(), Obj::Function(_))) {
                if let Err(e) = self.call(f, &[arg], &[]) {
                    self.report_ignored(f, e);
                }
                continue;
            }
            let pos = self.st.stack.len();
            self.push(f);
            self.push(arg);
            // (the interrupted frame is below: the plain push builds on it)
            if !self.st.frames.is_empty()
                && self
                    .push_plain_frame_of(pos, 1, FrameKind::Ignored)
                    .is_some()
            {
                return true;
            }
            match self.call_at(pos, 1, None, FrameKind::Ignored) {
                Ok(true) => return true,
                Ok(false) => {}
                Err(e) => {
                    self.st.stack.truncate(pos);
                    self.report_ignored(f, e);
                }
            }
        }
        false
    }

    /// CPython's report for an exception that cannot propagate (in `__del__` or a callback).
    pub fn report_ignored(&mut self, origin: Value<'gc>, e: Value<'gc>) {
        let what = self.repr_of(origin).unwrap_or_else(|_| "<object>".into());
        let tb = super::exc::format_exception(self, e);
        self.st
            .out
            .write_err(&format!("Exception ignored in: {what}\n{tb}"));
    }
}

/// Clears a weakref object's referent and callback; returns the callback.
fn clear_weakref<'gc>(mc: &gc_arena::Mutation<'gc>, w: Gc<'gc, WeakRef<'gc>>) -> Value<'gc> {
    let cb = w.callback.get();
    let w = Gc::write(mc, w);
    unlock!(w, WeakRef, target).set(None);
    unlock!(w, WeakRef, callback).set(Value::None);
    cb
}

/// One finalization step at the Marked phase. Returns true when it resurrected something, in
/// which case marking must run again and the step must be repeated.
pub fn finalize_step<'gc>(
    fc: &Finalization<'gc>,
    root: &Root<'gc>,
    report: &mut StepReport,
) -> bool {
    let mut st = root.state.borrow_mut(fc);
    let st = &mut *st;
    // 1. ephemerons
    st.weak_tables.retain(|t| !t.is_dead(fc));
    let mut resurrected = false;
    for t in &st.weak_tables {
        if let Some(t) = t.upgrade(fc) {
            let tb = t.borrow();
            if tb.kind == crate::runtime::weak::TableKind::Keys && tb.keep_values_of_live_keys(fc) {
                resurrected = true;
            }
        }
    }
    if resurrected {
        return true;
    }
    // 2. __del__: resurrect dead objects not yet finalized, referrers before referents
    let mut doomed: Vec<(usize, InstRef<'gc>)> = vec![];
    for (i, e) in st.finalizable.iter_mut().enumerate() {
        if !e.finalized && e.obj.is_dead(fc) {
            if let Some(inst) = e.obj.resurrect(fc) {
                e.finalized = true;
                doomed.push((i, inst));
            }
        }
    }
    if !doomed.is_empty() {
        for inst in order_for_finalization(fc, &doomed) {
            st.pending.push_back(PendingCall::Del(inst));
            report.dels += 1;
        }
        return true;
    }
    // 3. clear the weakrefs of dead referents and queue the callbacks of live weakref objects;
    // weakref objects that died themselves leave their referent's list. One pass over the
    // table: it holds an entry per weakly referenced object, often thousands.
    let pending = &mut st.pending;
    st.weakrefs.retain(fc, |e| {
        if e.target.is_dead(fc) {
            report.weak_dead += 1;
            for r in e.refs.iter().rev() {
                if r.is_dead(fc) {
                    report.weak_dead += 1;
                    continue;
                }
                let Some(obj) = r.upgrade(fc) else { continue };
                if let Some(w) = Vm::weak_data(obj) {
                    let cb = clear_weakref(fc, w);
                    report.cleared += 1;
                    // a cleared weakref usually dies soon after: callbacks exist to drop it,
                    // so pacing treats it as good as dead
                    report.weak_dead += r.allocations();
                    if !cb.is_none() {
                        pending.push_back(PendingCall::Callback(cb, obj));
                        report.callbacks += 1;
                    }
                }
            }
            return false;
        }
        let before = e.refs.len();
        e.refs.retain(|r| !r.is_dead(fc));
        report.weak_dead += (before - e.refs.len()) as u64;
        !e.refs.is_empty()
    });
    for t in &st.weak_tables {
        if let Some(t) = t.upgrade(fc) {
            report.weak_dead += t.borrow_mut(fc).prune(fc) as u64;
        }
    }
    // finalized objects that are dead again are freed now
    let before = st.finalizable.len();
    st.finalizable.retain(|e| !e.obj.is_dead(fc));
    report.weak_dead += (before - st.finalizable.len()) as u64;
    false
}

/// Orders objects about to be finalized: an object that (through other dying objects) refers
/// to another is finalized first; otherwise creation order.
fn order_for_finalization<'gc>(
    fc: &Finalization<'gc>,
    doomed: &[(usize, InstRef<'gc>)],
) -> Vec<InstRef<'gc>> {
    let n = doomed.len();
    if n == 1 {
        return vec![doomed[0].1];
    }
    let addrs: Vec<usize> = doomed
        .iter()
        .map(|(_, i)| Gc::as_ptr(*i) as *const () as usize)
        .collect();
    // reach[a][b]: a reaches b through dying objects
    let mut reach = vec![vec![false; n]; n];
    for (a, (_, inst)) in doomed.iter().enumerate() {
        let mut stack: Vec<Value<'gc>> = crate::vm::referents::referents_of(Value::Instance(*inst));
        let mut seen: std::collections::HashSet<usize> = std::collections::HashSet::new();
        while let Some(v) = stack.pop() {
            let Some(addr) = v.addr() else { continue };
            if !seen.insert(addr) || seen.len() > 100_000 {
                continue;
            }
            if let Some(b) = addrs.iter().position(|x| *x == addr) {
                reach[a][b] = true;
            }
            // only dying objects can lead to other dying objects
            let dying =
                WeakAny::of(v).map(|w| w.is_dead(fc)).unwrap_or(false) || addrs.contains(&addr);
            if dying {
                stack.extend(crate::vm::referents::referents_of(v));
            }
        }
    }
    let mut left: Vec<usize> = (0..n).collect();
    let mut out = vec![];
    while !left.is_empty() {
        // the earliest-created object that no other remaining object strictly precedes
        let pick = left
            .iter()
            .copied()
            .find(|&b| !left.iter().any(|&a| a != b && reach[a][b] && !reach[b][a]))
            .unwrap_or(left[0]);
        out.push(doomed[pick].1);
        left.retain(|&x| x != pick);
    }
    out
}

impl<'gc> Vm<'gc> {
    /// The referent of a proxy (or ReferenceError); any other value unchanged.
    pub fn deproxy(&mut self, v: Value<'gc>) -> R<'gc> {
        match self.proxy_target(v) {
            Some(r) => r,
            None => Ok(v),
        }
    }

    pub fn is_proxy(v: Value<'gc>) -> bool {
        matches!(Self::weak_data(v), Some(w) if w.kind != 0)
    }

    /// `ref == ref`: by referent while both are alive, by identity after. None unless both are refs.
    pub fn weakref_eq(&mut self, a: Value<'gc>, b: Value<'gc>) -> Option<R<'gc, bool>> {
        let (wa, wb) = (Self::weak_data(a)?, Self::weak_data(b)?);
        if wa.kind != 0 || wb.kind != 0 {
            return None;
        }
        Some(match (self.weak_referent(wa), self.weak_referent(wb)) {
            (Some(x), Some(y)) => self.eq(x, y),
            _ => Ok(a.is(b)),
        })
    }

    /// hash(ref) of weakref or proxy `v` (whose data is `w`) when no hash is remembered yet:
    /// the referent's hash, now remembered; TypeError for a proxy, or if first asked after
    /// death. `Vm::hash` answers a remembered hash itself, without this call.
    pub fn weakref_hash(&mut self, v: Value<'gc>, w: Gc<'gc, WeakRef<'gc>>) -> R<'gc, i64> {
        if w.kind != 0 {
            let t = self.type_name(v);
            return Err(self.type_error(format!("unhashable type: '{t}'")));
        }
        match self.weak_referent(w) {
            Some(t) => {
                // the hash is taken out of the result and put back: passing the result on
                // whole copied it as one 16-byte load of two 8-byte stores, which stalled
                // store forwarding (most of this function's time)
                let h = self.hash(t)?;
                w.remember_hash(h);
                Ok(h)
            }
            None => Err(self.type_error("weak object has gone away")),
        }
    }
}
