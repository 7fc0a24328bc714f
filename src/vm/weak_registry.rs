//! The registry of weak references: for each weakly referenced object, the weakref and proxy
//! objects pointing at it, in the order the objects were first weakly referenced.

use super::state::FastMap;
use crate::runtime::weak::{WeakAny, WeakRefHandle};
use gc_arena::Collect;

/// The weak reference objects pointing at one referent.
#[derive(Collect)]
#[collect(no_drop)]
pub struct RefEntry<'gc> {
    pub target: WeakAny<'gc>,
    /// ref and proxy objects, oldest first. Most objects have one, kept inline.
    pub refs: smallvec::SmallVec<[WeakRefHandle<'gc>; 1]>,
}

/// Entries in the order their referents were first weakly referenced, found by the referent's
/// address. The order is the order in which the callbacks of objects that die in the same
/// collection run: creation order, as CPython runs them for a batch of cyclic garbage (a hash
/// table's order would change from run to run). It also lets the collector's pass over the
/// entries walk memory in order.
#[derive(Collect, Default)]
#[collect(no_drop)]
pub struct WeakRegistry<'gc> {
    entries: Vec<RefEntry<'gc>>,
    /// Position in `entries` by referent address.
    #[collect(require_static)]
    index: FastMap<usize, u32>,
}

impl<'gc> WeakRegistry<'gc> {
    pub fn get(&self, addr: usize) -> Option<&RefEntry<'gc>> {
        self.index.get(&addr).map(|&at| &self.entries[at as usize])
    }

    /// The entry of the referent `target`, made empty if it has none.
    pub fn entry_for(&mut self, target: WeakAny<'gc>) -> &mut RefEntry<'gc> {
        let next = self.entries.len() as u32;
        let at = *self.index.entry(target.addr()).or_insert(next);
        if at == next {
            self.entries.push(RefEntry {
                target,
                refs: Default::default(),
            });
        }
        &mut self.entries[at as usize]
    }

    /// Keeps the entries for which `keep` answers true, in their order.
    pub fn retain(&mut self, mut keep: impl FnMut(&mut RefEntry<'gc>) -> bool) {
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
        // the removed entries are now after the kept ones
        if kept <= before - kept {
            self.index.clear();
            for (i, e) in self.entries[..kept].iter().enumerate() {
                self.index.insert(e.target.addr(), i as u32);
            }
        } else {
            for e in &self.entries[kept..] {
                self.index.remove(&e.target.addr());
            }
            for (i, e) in self.entries[..kept].iter().enumerate().skip(first_moved) {
                self.index.insert(e.target.addr(), i as u32);
            }
        }
        self.entries.truncate(kept);
    }
}
