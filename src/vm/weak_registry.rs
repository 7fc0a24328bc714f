//! The registry of weak references: for each weakly referenced object, the weakref and proxy
//! objects pointing at it, in the order the objects were first weakly referenced.

use super::state::FastMap;
use crate::runtime::value::{Instance, Value};
use crate::runtime::weak::{WeakAny, WeakRefHandle};
use gc_arena::{Collect, GcWeak, Mutation};

/// The weak reference objects pointing at one referent.
#[derive(Collect)]
#[collect(no_drop)]
pub struct RefEntry<'gc> {
    pub target: WeakAny<'gc>,
    /// ref and proxy objects, oldest first. Most objects have one, kept inline.
    pub refs: smallvec::SmallVec<[WeakRefHandle<'gc>; 1]>,
}

/// Entries in the order their referents were first weakly referenced. An instance remembers
/// where its entry is (`Instance::weak_entry`); any other referent's is found by its address.
/// The order is the order in which the callbacks of objects that die in the same
/// collection run: creation order, as CPython runs them for a batch of cyclic garbage (a hash
/// table's order would change from run to run). It also lets the collector's pass over the
/// entries walk memory in order.
#[derive(Collect, Default)]
#[collect(no_drop)]
pub struct WeakRegistry<'gc> {
    entries: Vec<RefEntry<'gc>>,
    /// Position in `entries` by address, of referents other than instances.
    #[collect(require_static)]
    index: FastMap<usize, u32>,
}

impl<'gc> WeakRegistry<'gc> {
    /// The entry of `target`, if it is weakly referenced.
    pub fn get(&self, target: Value<'gc>) -> Option<&RefEntry<'gc>> {
        let at = match target {
            Value::Instance(i) => i.weak_entry.get().checked_sub(1)?,
            _ => *self.index.get(&target.addr()?)?,
        };
        Some(&self.entries[at as usize])
    }

    /// The entry of the referent `target` (`weak` pointing at it), made empty if it has none.
    pub fn entry_for(&mut self, target: Value<'gc>, weak: WeakAny<'gc>) -> &mut RefEntry<'gc> {
        let next = self.entries.len() as u32;
        let at = match target {
            Value::Instance(i) => match i.weak_entry.get() {
                0 => {
                    i.weak_entry.set(next + 1);
                    next
                }
                slot => slot - 1,
            },
            _ => *self.index.entry(weak.addr()).or_insert(next),
        };
        if at == next {
            self.entries.push(RefEntry {
                target: weak,
                refs: Default::default(),
            });
        }
        &mut self.entries[at as usize]
    }

    /// Keeps the entries for which `keep` answers true, in their order.
    pub fn retain(&mut self, mc: &Mutation<'gc>, mut keep: impl FnMut(&mut RefEntry<'gc>) -> bool) {
        let before = self.entries.len();
        let mut kept = 0;
        let mut first_moved = before;
        for i in 0..before {
            if keep(&mut self.entries[i]) {
                if kept != i {
                    self.entries.swap(kept, i);
                    first_moved = first_moved.min(kept);
                }
                kept += 1;
            }
        }
        // the removed entries are now after the kept ones. An instance is told where its entry
        // went (a dead one too: harmless, it is about to be dropped); any other referent's
        // address is indexed, the index rebuilt when most entries went.
        let tell = |w: GcWeak<'gc, Instance<'gc>>, slot: u32| {
            if let Some(i) = w.upgrade(mc) {
                i.weak_entry.set(slot);
            }
        };
        let rebuild = kept <= before - kept;
        if rebuild {
            self.index.clear();
        }
        for e in &self.entries[kept..] {
            match e.target {
                WeakAny::Instance(w) => tell(w, 0),
                t if !rebuild => {
                    self.index.remove(&t.addr());
                }
                _ => {}
            }
        }
        let first_indexed = if rebuild { 0 } else { first_moved };
        for (i, e) in self.entries[..kept].iter().enumerate().skip(first_indexed) {
            match e.target {
                WeakAny::Instance(w) if i >= first_moved => tell(w, i as u32 + 1),
                WeakAny::Instance(_) => {}
                t => {
                    self.index.insert(t.addr(), i as u32);
                }
            }
        }
        self.entries.truncate(kept);
    }
}
