//! Instance attributes: split values laid out by the class's attribute names, or a dict.
//!
//! Instances of a class usually set the same attributes in the same order, in `__init__`. The
//! class keeps those names once (`Class::attr_names`) and each instance keeps only the values,
//! slot `i` holding name `i`: no key or hash per instance, and a cached read is a bounds check
//! and a load (vm/cache.rs). An instance holds values for a prefix of the names, so the order of
//! its slots is the order it set them in. A store that would break that order (a name set out
//! of the class's order), a deletion, a name that is not a plain str, more than `MAX_SPLIT`
//! names, or a request for `__dict__` moves the values into a dict for good, as CPython's
//! split-keys dicts (PEP 412) are combined.

use super::{R, Vm};
use crate::runtime::dict::{Dict, mask_bit};
use crate::runtime::value::{Class, DictRef, InstRef, Instance, Obj, StrObj, Value, Values};
use gc_arena::barrier::unlock;
use gc_arena::lock::{Lock, RefLock};
use gc_arena::{Gc, Mutation, unsize};
use std::rc::Rc;

/// The most names a class lays out; instances that set more keep a dict.
const MAX_SPLIT: usize = 32;

/// The slot of `name` in `c`'s layout.
pub fn slot_of(c: &Class<'_>, name: &StrObj) -> Option<usize> {
    if c.attr_mask.get() & mask_bit(name.hash_value() as u64) == 0 {
        return None;
    }
    c.attr_names.borrow().iter().position(|n| name.text_is(n))
}

/// The value in `slot`, if the instance holds one there.
#[inline(always)]
pub fn held_at<'gc>(vals: Values<'gc>, slot: usize) -> Option<Value<'gc>> {
    let v = vals.get(slot)?.get();
    (!v.is_undef()).then_some(v)
}

/// The values an instance holds: its slots up to the first empty one.
pub fn held_values<'gc>(vals: Values<'gc>) -> impl Iterator<Item = Value<'gc>> {
    Gc::as_ref(vals)
        .iter()
        .map(|l| l.get())
        .take_while(|v| !v.is_undef())
}

/// A values array of at least `len` slots holding `init` first. Sizes are a few fixed ones
/// (gc-arena allocates only sized objects, unsized afterwards).
fn new_values<'gc>(
    mc: &Mutation<'gc>,
    len: usize,
    init: impl Iterator<Item = Value<'gc>>,
) -> Values<'gc> {
    fn sized<'gc, const N: usize>(
        mc: &Mutation<'gc>,
        init: impl Iterator<Item = Value<'gc>>,
    ) -> Values<'gc> {
        let mut a: [Lock<Value<'gc>>; N] = std::array::from_fn(|_| Lock::new(Value::Undef));
        for (slot, v) in a.iter_mut().zip(init) {
            *slot = Lock::new(v);
        }
        unsize!(Gc::new(mc, a) => [Lock<Value<'gc>>])
    }
    match len {
        0..=1 => sized::<1>(mc, init),
        2 => sized::<2>(mc, init),
        3..=4 => sized::<4>(mc, init),
        5..=6 => sized::<6>(mc, init),
        7..=8 => sized::<8>(mc, init),
        9..=12 => sized::<12>(mc, init),
        13..=16 => sized::<16>(mc, init),
        17..=24 => sized::<24>(mc, init),
        _ => sized::<MAX_SPLIT>(mc, init),
    }
}

impl<'gc> Vm<'gc> {
    /// `inst`'s own attribute `name` (from its values or dict, never from its class).
    pub fn own_attr(&self, inst: InstRef<'gc>, name: Value<'gc>) -> Option<Value<'gc>> {
        if let Some(vals) = inst.values.get() {
            let (Value::Str(s), Obj::Class(c)) = (name, inst.class.get().as_ref()) else {
                return None;
            };
            return held_at(vals, slot_of(c, &s)?);
        }
        self.dict_get_str(inst.dict.get()?, name)
    }

    /// Whether `inst` has its own attribute `name`, which then shadows a method of its class.
    /// The key masks answer most of these without a lookup.
    #[inline(always)]
    pub fn shadows_method(&self, inst: InstRef<'gc>, name: Value<'gc>) -> bool {
        if inst.values.get().is_some() {
            if let (Value::Str(s), Obj::Class(c)) = (name, inst.class.get().as_ref()) {
                if c.attr_mask.get() & mask_bit(s.hash_value() as u64) == 0 {
                    return false;
                }
            }
            return self.own_attr(inst, name).is_some();
        }
        inst.dict.get().is_some_and(|d| self.shadows(d, name))
    }

    /// Sets `inst`'s own attribute `name`: in its values while the class's layout allows,
    /// otherwise in its dict.
    pub fn set_own_attr(
        &mut self,
        inst: InstRef<'gc>,
        name: Value<'gc>,
        v: Value<'gc>,
    ) -> R<'gc, ()> {
        if let (None, Value::Str(s), Obj::Class(c)) =
            (inst.dict.get(), name, inst.class.get().as_ref())
        {
            if let Some((vals, slot)) = self.split_slot(inst, c, &s, None) {
                Gc::write(self.mc, vals)[slot].unlock().set(v);
                return Ok(());
            }
        }
        let d = self.instance_dict(inst);
        self.dict_set(d, name, v)
    }

    /// Where a store of `name` goes among `inst`'s values (grown to hold it), or None when the
    /// store must go to a dict: a name the class lays out later than the next free slot, or a
    /// new name on an instance that does not hold every laid-out name yet, or a full layout.
    /// `known` is `name`'s slot in `c`'s layout when the caller already knows it (an inline
    /// cache: layouts only grow, so a slot once learned stays right), sparing the search by
    /// text.
    pub fn split_slot(
        &self,
        inst: InstRef<'gc>,
        c: &Class<'gc>,
        name: &StrObj,
        known: Option<usize>,
    ) -> Option<(Values<'gc>, usize)> {
        let vals = inst.values.get();
        let held = vals.map_or(0, |v| held_values(v).count());
        let slot = match known.or_else(|| slot_of(c, name)) {
            Some(i) if i <= held => i,
            Some(_) => return None,
            None => {
                let mut names = c.attr_names.borrow_mut();
                if names.len() != held || held >= MAX_SPLIT {
                    return None;
                }
                names.push(Rc::from(&*name.text()));
                c.attr_mask
                    .set(c.attr_mask.get() | mask_bit(name.hash_value() as u64));
                held
            }
        };
        match vals {
            Some(v) if slot < v.len() => Some((v, slot)),
            _ => {
                // sized for every name the class lays out: the instance will likely set them all
                let len = c.attr_names.borrow().len().max(slot + 1);
                let grown = new_values(self.mc, len, vals.into_iter().flat_map(held_values));
                unlock!(Gc::write(self.mc, inst), Instance, values).set(Some(grown));
                Some((grown, slot))
            }
        }
    }

    /// Removes `inst`'s own attribute `name`; false when it has none.
    pub fn del_own_attr(&mut self, inst: InstRef<'gc>, name: Value<'gc>) -> R<'gc, bool> {
        if inst.dict.get().is_none() && self.own_attr(inst, name).is_none() {
            return Ok(false);
        }
        let d = self.instance_dict(inst);
        self.dict_del(d, name)
    }

    /// `inst`'s own attributes as (name, value) pairs, in the order they were set.
    pub fn own_attrs(&mut self, inst: InstRef<'gc>) -> Vec<(Value<'gc>, Value<'gc>)> {
        if let Some(d) = inst.dict.get() {
            return d.borrow().iter().map(|e| (e.key, e.value)).collect();
        }
        let (Some(vals), Obj::Class(c)) = (inst.values.get(), inst.class.get().as_ref()) else {
            return Vec::new();
        };
        let names: Vec<Rc<str>> = c.attr_names.borrow().clone();

        names
            .iter()
            .zip(held_values(vals))
            .map(|(n, v)| (self.intern(n), v))
            .collect()
    }

    /// The instance's attribute dict (`__dict__`), holding from now on what its values held.
    pub fn instance_dict(&mut self, inst: InstRef<'gc>) -> DictRef<'gc> {
        if let Some(d) = inst.dict.get() {
            return d;
        }
        let items = self.own_attrs(inst);
        let mut dict = Dict::with_capacity(items.len() + 1);
        for (k, v) in items {
            if let Value::Str(s) = k {
                dict.insert_new(s.hash_value() as u64, k, v);
            }
        }
        let d = Gc::new(self.mc, RefLock::new(dict));
        let w = Gc::write(self.mc, inst);
        unlock!(w, Instance, dict).set(Some(d));
        unlock!(w, Instance, values).set(None);
        d
    }
}
