//! Inline caches: global loads, instance attribute reads and writes, and method loads
//! remember, per instruction, the slot where they last found their name.
//!
//! A global slot is trusted while the globals dict keeps the version it had when the slot was
//! found (versions are never reused, see `runtime/dict.rs`). An instance attribute slot is a
//! slot of the split values of a class's instances (vm/inst_attrs.rs), trusted for instances of
//! the class whose uid it was found under (two classes per instruction); for an instance that
//! keeps a dict it is a guess checked against the key stored there.
//!
//! A method slot names a namespace along the receiver's class MRO and a slot in it. It is
//! trusted while the class's own namespace keeps the version it had (which also identifies
//! the class) and no class namespace anywhere has changed since (the VM's class epoch).

use super::inst_attrs::{held_at, slot_of};
use super::{R, Vm};
use crate::runtime::dict::Dict;
use crate::runtime::function::InlineCache;
use crate::runtime::value::{Class, DictRef, InstRef, Obj, ObjRef, Payload, StrObj, Value, flags};
use gc_arena::Gc;

/// Marks a cached global slot as one in the builtins dict (the name is absent from globals).
const IN_BUILTINS: u32 = 1 << 31;

/// A cached method slot keeps the namespace's place along the MRO (0 for the class itself,
/// i + 1 for `mro[i]`) above this bit, and the slot in that namespace below it.
const MRO_SHIFT: u32 = 24;
const SLOT_MASK: u32 = (1 << MRO_SHIFT) - 1;
/// The epoch of a method cache that met more than one class (no class epoch is this).
const POLYMORPHIC: u64 = u64::MAX;

/// Whether a stored key is the str `s`: None for a key that is not a plain str (only the
/// general comparison can tell).
#[inline(always)]
fn is_str_key<'gc>(stored: Value<'gc>, s: Gc<'gc, StrObj>) -> Option<bool> {
    match stored {
        Value::Str(o) => Some(Gc::ptr_eq(o, s) || o.same_text(&s)),
        _ => None,
    }
}

/// The slot of the string key `s` in `t`, where all keys are plain strs (namespaces).
pub fn find_str<'gc>(t: &Dict<'gc>, s: Gc<'gc, StrObj>) -> Option<usize> {
    t.find(s.hash_value() as u64, |stored| {
        is_str_key(stored, s) == Some(true)
    })
}

/// The slot of str key `s` in a dict that may hold other keys, decided without user code:
/// None when a key of another type (a str subclass, say) has the same hash and only the
/// general lookup can tell.
pub fn find_plain_str<'gc>(d: &Dict<'gc>, s: Gc<'gc, StrObj>) -> Option<Option<usize>> {
    let mut undecided = false;
    let found = d.find(s.hash_value() as u64, |stored| {
        is_str_key(stored, s).unwrap_or_else(|| {
            undecided = true;
            false
        })
    });
    if found.is_none() && undecided {
        None
    } else {
        Some(found)
    }
}

impl<'gc> Vm<'gc> {
    /// LoadGlobal: globals, then builtins, through the instruction's cache. Inlined into each
    /// of the dispatch loop's global loads (LoadGlobal and the fused forms): a call cost
    /// weakref_callbacks 2.5% of its instructions once there were three of them.
    #[inline(always)]
    pub fn load_global_cached(
        &mut self,
        globals: DictRef<'gc>,
        name: Value<'gc>,
        cache: &InlineCache,
    ) -> R<'gc> {
        let g = globals.borrow();
        if g.version == cache.version.get() {
            let slot = cache.slot.get();
            if slot & IN_BUILTINS == 0 {
                if let Some(e) = g.entry_at(slot as usize) {
                    return Ok(e.value);
                }
            } else if let Value::Str(s) = name {
                let b = self.st.builtins.borrow();
                if let Some(v) = b.value_if_key_at((slot & !IN_BUILTINS) as usize, s) {
                    return Ok(v);
                }
            }
        }
        drop(g);
        self.load_global_miss(globals, name, cache)
    }

    #[inline(never)]
    fn load_global_miss(
        &mut self,
        globals: DictRef<'gc>,
        name: Value<'gc>,
        cache: &InlineCache,
    ) -> R<'gc> {
        let Value::Str(s) = name else {
            return self.load_global(globals, name);
        };
        let g = globals.borrow();
        if let Some(slot) = find_str(&g, s) {
            cache.version.set(g.version);
            cache.slot.set(slot as u32);
            return Ok(g.entry_at(slot).map(|e| e.value).unwrap_or(Value::None));
        }
        let b = self.st.builtins.borrow();
        if let Some(slot) = find_str(&b, s) {
            cache.version.set(g.version);
            cache.slot.set(slot as u32 | IN_BUILTINS);
            return Ok(b.entry_at(slot).map(|e| e.value).unwrap_or(Value::None));
        }
        drop((g, b));
        Err(self.name_error(name))
    }

    /// StoreGlobal through the instruction's cache: while the globals dict keeps the version it
    /// had when the name's slot was found, the value is written into that slot. Overwriting a
    /// key keeps the version, so a loop that assigns globals (module-level code) keeps its own
    /// and every LoadGlobal's cache valid. Out of line: inlined, it cost the dispatch loop's
    /// other instructions 7% (callgrind on fib, richards and binary_trees).
    #[inline(never)]
    pub fn store_global_cached(
        &mut self,
        globals: DictRef<'gc>,
        name: Value<'gc>,
        v: Value<'gc>,
        cache: &InlineCache,
    ) -> R<'gc, ()> {
        let Value::Str(s) = name else {
            return self.dict_set(globals, name, v);
        };
        {
            let mut g = globals.borrow_mut(self.mc);
            // a class namespace (exec'd into) must go through the path that invalidates caches
            if g.version == cache.version.get() && !g.class_dict {
                let slot = cache.slot.get() as usize;
                if g.value_if_key_at(slot, s).is_some() {
                    g.set_value_at(slot, v);
                    return Ok(());
                }
            }
        }
        self.dict_set(globals, name, v)?;
        let g = globals.borrow();
        if let Some(slot) = find_str(&g, s) {
            cache.version.set(g.version);
            cache.slot.set(slot as u32);
        }
        Ok(())
    }

    /// `module.name` through the instruction's cache (the slot is trusted while the module's
    /// dict keeps its version, as for globals). None sends the read down the full path.
    #[inline]
    pub fn module_attr_cached(
        &self,
        module: Value<'gc>,
        name: Value<'gc>,
        cache: &InlineCache,
    ) -> Option<Value<'gc>> {
        let Value::Obj(o) = module else { return None };
        let Obj::Module(m) = o.as_ref() else {
            return None;
        };
        let d = m.dict.borrow();
        if d.version == cache.version.get() {
            if let Some(e) = d.entry_at(cache.slot.get() as usize) {
                return Some(e.value);
            }
        }
        let Value::Str(s) = name else { return None };
        let slot = find_str(&d, s)?;
        cache.version.set(d.version);
        cache.slot.set(slot as u32);
        d.entry_at(slot).map(|e| e.value)
    }

    /// Whether attribute access on `inst` can skip its class: no class in its MRO defines one of
    /// the `hooks` (flag bits) or a data descriptor.
    #[inline]
    pub fn skips_class(&self, inst: InstRef<'gc>, hooks: u32) -> bool {
        self.plain_class(inst, hooks).is_some()
    }

    /// `inst`'s class, when attribute access on `inst` can skip it (see `skips_class`).
    #[inline(always)]
    fn plain_class(&self, inst: InstRef<'gc>, hooks: u32) -> Option<&'gc Class<'gc>> {
        if self.st.late_descriptors {
            return None;
        }
        match inst.class.get().as_ref() {
            Obj::Class(c) if c.flags.get() & (hooks | flags::HAS_DESCRIPTORS) == 0 => Some(c),
            _ => None,
        }
    }

    /// `inst.name` when the instance's own values or dict answer; None sends the read down the
    /// full path.
    #[inline(always)]
    pub fn instance_attr_cached(
        &self,
        inst: InstRef<'gc>,
        name: Value<'gc>,
        cache: &InlineCache,
    ) -> Option<Value<'gc>> {
        let c = self.plain_class(inst, flags::HAS_GETATTRIBUTE)?;
        let Value::Str(s) = name else { return None };
        if let Some(vals) = inst.values.get() {
            if let Some(slot) = split_slot_cached(cache, c) {
                return held_at(vals, slot);
            }
            let slot = slot_of(c, &s)?;
            remember_split_slot(cache, c, slot);
            return held_at(vals, slot);
        }
        let d = inst.dict.get()?;
        let d = d.borrow();
        if let Some(v) = d.value_if_key_at(cache.slot.get() as usize, s) {
            return Some(v);
        }
        let slot = find_str(&d, s)?;
        remember_guess(cache, slot);
        d.entry_at(slot).map(|e| e.value)
    }

    /// `inst.name = v` straight into the instance's own values or dict when no hook,
    /// descriptor or `__slots__` intervenes; returns false to send the write down the full
    /// path.
    #[inline(always)]
    pub fn instance_store_cached(
        &mut self,
        inst: InstRef<'gc>,
        name: Value<'gc>,
        v: Value<'gc>,
        cache: &InlineCache,
    ) -> bool {
        let Some(c) = self.plain_class(inst, flags::HAS_SETATTR | flags::NO_DICT) else {
            return false;
        };
        if let (Some(vals), Some(slot)) = (inst.values.get(), split_slot_cached(cache, c)) {
            if held_at(vals, slot).is_some() {
                Gc::write(self.mc, vals)[slot].unlock().set(v);
                return true;
            }
        }
        self.instance_store_uncached(inst, c, name, v, cache)
    }

    /// `instance_store_cached` when the cache does not name a value the instance holds: a new
    /// attribute, another class, or an instance whose attributes are in a dict.
    #[inline(never)]
    fn instance_store_uncached(
        &mut self,
        inst: InstRef<'gc>,
        c: &Class<'gc>,
        name: Value<'gc>,
        v: Value<'gc>,
        cache: &InlineCache,
    ) -> bool {
        let Value::Str(s) = name else { return false };
        // `__class__` is not an attribute but the class itself (see `set_class`)
        if s.len() == 9 && &*s.text() == "__class__" {
            return false;
        }
        if inst.dict.get().is_none() {
            // exception instances keep some attributes outside their dict
            if !plain_payload(inst) {
                return false;
            }
            let known = split_slot_cached(cache, c);
            if let Some((vals, slot)) = self.split_slot(inst, c, &s, known) {
                remember_split_slot(cache, c, slot);
                Gc::write(self.mc, vals)[slot].unlock().set(v);
                return true;
            }
        }
        let dict = self.instance_dict(inst);
        // one borrow for the lookup and the write (the write barrier is due either way)
        let mut d = dict.borrow_mut(self.mc);
        let guess = cache.slot.get() as usize;
        let slot = if d.value_if_key_at(guess, s).is_some() {
            Some(guess)
        } else {
            find_str(&d, s)
        };
        match slot {
            Some(slot) => {
                remember_guess(cache, slot);
                d.set_value_at(slot, v);
            }
            None => {
                if !plain_payload(inst) {
                    return false;
                }
                remember_guess(cache, d.slots());
                d.insert_new(s.hash_value() as u64, name, v);
            }
        }
        true
    }
}

/// The slot of split values the cache remembers for instances of `c`. Two classes are
/// remembered, so a read in a base-class method (`self.queue` in `Task.take`, run for
/// workers and handlers alike) keeps hitting.
#[inline(always)]
fn split_slot_cached(cache: &InlineCache, c: &Class<'_>) -> Option<usize> {
    if cache.version.get() == c.uid {
        Some(cache.slot.get() as usize)
    } else if cache.alt_version.get() == c.uid {
        Some(cache.alt_slot.get() as usize)
    } else {
        None
    }
}

/// Records where `c`'s instances keep an attribute; the class remembered before moves to the
/// second entry. (Class uids are never dict versions, so the entry cannot pass for a module
/// dict's slot, nor a dict guess for it.)
fn remember_split_slot(cache: &InlineCache, c: &Class<'_>, slot: usize) {
    if cache.version.get() != c.uid {
        cache.alt_version.set(cache.version.get());
        cache.alt_slot.set(cache.slot.get());
    }
    cache.version.set(c.uid);
    cache.slot.set(slot as u32);
}

/// Records an instance-dict slot guess. The version is cleared: a LoadAttr that also meets
/// modules or split instances keeps (version or class uid, slot) pairs in the same cache, and a
/// guess must pass for neither (versions and uids start at 1).
fn remember_guess(cache: &InlineCache, slot: usize) {
    cache.version.set(0);
    cache.slot.set(slot as u32);
}

/// Instances whose attribute writes all go to their dict (not exceptions or weakref objects).
fn plain_payload(inst: InstRef<'_>) -> bool {
    matches!(
        inst.payload.get(),
        Payload::None | Payload::Value(_) | Payload::Table(_)
    )
}

impl<'gc> Vm<'gc> {
    /// The class whose namespace answers a method load on `obj`, and the instance whose own
    /// attributes may shadow it. None for values whose attributes are not their class's (classes,
    /// modules, `super` objects) and for other heap objects, which take the full path.
    #[inline(always)]
    fn method_receiver(&self, obj: Value<'gc>) -> Option<(ObjRef<'gc>, Option<InstRef<'gc>>)> {
        match obj {
            Value::Instance(i) => Some((i.class.get(), Some(i))),
            Value::Obj(_) => None,
            _ => Some((self.type_of(obj), None)),
        }
    }

    /// LoadMethod through the instruction's cache: the plain function (or native method) that
    /// `obj.name` would bind, when the cache still holds for `obj`'s class and `obj`'s own dict
    /// does not shadow it. None sends the load down the full path.
    #[inline(always)]
    pub fn method_cached(
        &self,
        obj: Value<'gc>,
        name: Value<'gc>,
        cache: &InlineCache,
    ) -> Option<Value<'gc>> {
        if cache.epoch.get() != self.st.class_epoch {
            return None;
        }
        let (cls, own) = self.method_receiver(obj)?;
        let Obj::Class(c) = cls.as_ref() else {
            return None;
        };
        let f = {
            let d = c.dict.borrow();
            let slot = if d.version == cache.version.get() {
                cache.slot.get()
            } else if d.version == cache.alt_version.get() {
                cache.alt_slot.get()
            } else {
                return None;
            };
            let at = (slot & SLOT_MASK) as usize;
            match (slot >> MRO_SHIFT) as usize {
                0 => d.entry_at(at)?.value,
                i => match c.mro.get(i - 1)?.as_ref() {
                    Obj::Class(h) => h.dict.borrow().entry_at(at)?.value,
                    _ => return None,
                },
            }
        };
        if own.is_some_and(|inst| self.shadows_method(inst, name)) {
            return None;
        }
        Some(f)
    }

    /// Whether an instance's own dict holds `name`, which then shadows a method of its class.
    /// A clear bit in the dict's key mask answers most of these here, inline; `Dict::find`
    /// tests the same bit, but only after the call into `find_str` (1.9% of richards).
    #[inline]
    pub fn shadows(&self, dict: DictRef<'gc>, name: Value<'gc>) -> bool {
        match name {
            Value::Str(s) => {
                let d = dict.borrow();
                d.may_contain(s.hash_value() as u64) && find_str(&d, s).is_some()
            }
            _ => self.dict_get_str(dict, name).is_some(),
        }
    }

    /// LoadMethod when `method_cached` could not answer: the function and the `self` to call
    /// it with (Undef when the function is not bound, as for `module.function`). Kept out of
    /// the dispatch loop, whose code every inlined path makes slower for all instructions.
    #[inline(never)]
    pub fn load_method_uncached(
        &mut self,
        obj: Value<'gc>,
        name: Value<'gc>,
        cache: &InlineCache,
    ) -> R<'gc, (Value<'gc>, Value<'gc>)> {
        if let Some(f) = self.module_attr_cached(obj, name, cache) {
            return Ok((f, Value::Undef));
        }
        let (f, this) = self.load_method(obj, name)?;
        if !this.is_undef() {
            self.remember_method(obj, name, cache);
        }
        Ok((f, this))
    }

    /// After the full path found that `obj.name` loads a plain method from `obj`'s class:
    /// remembers where along the MRO it sits, for `method_cached`; a second class gets the
    /// second entry. A site that meets a third class while both entries still hold is given
    /// up on: re-learning each time it alternates would cost more than the cache saves.
    fn remember_method(&self, obj: Value<'gc>, name: Value<'gc>, cache: &InlineCache) {
        let epoch = cache.epoch.get();
        let current = epoch == self.st.class_epoch;
        if epoch == POLYMORPHIC || (current && cache.alt_version.get() != 0) {
            cache.epoch.set(POLYMORPHIC);
            return;
        }
        let (Some((cls, _)), Value::Str(s)) = (self.method_receiver(obj), name) else {
            return;
        };
        let Obj::Class(c) = cls.as_ref() else { return };
        let Some(slot) = method_slot(c, s) else {
            return;
        };
        let version = c.dict.borrow().version;
        if current {
            cache.alt_version.set(version);
            cache.alt_slot.set(slot);
        } else {
            // the first class since the epoch changed: any second entry is stale too
            cache.version.set(version);
            cache.slot.set(slot);
            cache.alt_version.set(0);
            cache.epoch.set(self.st.class_epoch);
        }
    }
}

/// Where along `c`'s MRO the namespace holding `name` sits, and its slot there, packed as
/// `method_cached` reads it; None when not found or beyond what the packing holds.
fn method_slot<'gc>(c: &crate::runtime::value::Class<'gc>, name: Gc<'gc, StrObj>) -> Option<u32> {
    for (i, ns) in super::attr::lookup_order(c).enumerate() {
        if let Some(at) = find_str(&ns.borrow(), name) {
            return (i < (1 << (32 - MRO_SHIFT)) && at <= SLOT_MASK as usize)
                .then_some(((i as u32) << MRO_SHIFT) | at as u32);
        }
    }
    None
}
