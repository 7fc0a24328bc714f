//! The storage of set and frozenset: CPython's set table (open addressing, nine linear probes
//! then perturbation, removed keys left as dummies, the same growth rule), so a set of numbers
//! iterates in the order CPython shows. Hashing and comparisons that may run user code are the
//! caller's (see `vm/mapping.rs`); this type probes with a caller-supplied comparison.

use super::value::Value;
use gc_arena::Collect;

/// The size of a table's first allocation (CPython's `PySet_MINSIZE`).
const MIN_SIZE: usize = 8;
const LINEAR_PROBES: usize = 9;
const PERTURB_SHIFT: u32 = 5;
/// The hash a slot keeps when its key is removed: a dummy, which ends no probe sequence.
const DUMMY: i64 = -1;

/// One slot: a key with its hash, or no key (`Undef`) with hash 0 (never used) or `DUMMY`.
#[derive(Collect, Clone, Copy)]
#[collect(no_drop)]
struct Slot<'gc> {
    hash: i64,
    key: Value<'gc>,
}

/// `n` slots never used.
fn unused_slots<'gc>(n: usize) -> Vec<Slot<'gc>> {
    vec![
        Slot {
            hash: 0,
            key: Value::Undef,
        };
        n
    ]
}

#[derive(Collect, Default)]
#[collect(no_drop)]
pub struct SetTable<'gc> {
    /// A power of two of slots (at least `MIN_SIZE`), or none before the first insertion.
    slots: Vec<Slot<'gc>>,
    /// Slots holding a key or a dummy; a table is resized before it is 3/5 full.
    #[collect(require_static)]
    fill: usize,
    /// Slots holding a key.
    #[collect(require_static)]
    used: usize,
    /// Where `pop` looks first: after the slot it emptied last.
    #[collect(require_static)]
    finger: usize,
}

/// The slots probed for `hash`, in order, as CPython probes them; the caller stops at a slot
/// that was never used (the table always keeps one).
fn probe(mask: usize, hash: i64, mut visit: impl FnMut(usize) -> bool) {
    let mut perturb = hash as u64;
    let mut i = hash as u64 as usize & mask;
    loop {
        let last = if i + LINEAR_PROBES <= mask {
            i + LINEAR_PROBES
        } else {
            i
        };
        for j in i..=last {
            if visit(j) {
                return;
            }
        }
        perturb >>= PERTURB_SHIFT;
        i = (i
            .wrapping_mul(5)
            .wrapping_add(1)
            .wrapping_add(perturb as usize))
            & mask;
    }
}

/// Puts a key into the first unused slot of its probe, in a table with no dummies and without
/// that key (CPython's `set_insert_clean`).
fn place_clean<'gc>(slots: &mut [Slot<'gc>], s: Slot<'gc>) {
    let mask = slots.len() - 1;
    probe(mask, s.hash, |j| {
        if slots[j].key.is_undef() {
            slots[j] = s;
            return true;
        }
        false
    });
}

impl<'gc> SetTable<'gc> {
    pub fn new() -> SetTable<'gc> {
        SetTable::default()
    }

    pub fn len(&self) -> usize {
        self.used
    }

    pub fn is_empty(&self) -> bool {
        self.used == 0
    }

    /// No keys and no dummies: keys can be placed without probing past any.
    pub fn is_unfilled(&self) -> bool {
        self.fill == 0
    }

    /// Slots allocated (for `sys.getsizeof`).
    pub fn capacity(&self) -> usize {
        self.slots.len()
    }

    fn mask(&self) -> usize {
        self.slots.len() - 1
    }

    /// A table gets its slots at its first insertion (an empty set allocates none).
    fn ensure_slots(&mut self) {
        if self.slots.is_empty() {
            self.slots = unused_slots(MIN_SIZE);
        }
    }

    /// The key count a table grows (or sheds its dummies) to make room for: CPython's rule.
    fn room_for_growth(&self) -> usize {
        if self.used > 50_000 {
            self.used * 2
        } else {
            self.used * 4
        }
    }

    /// The slot of the key with this hash that satisfies `eq`.
    pub fn find(&self, hash: i64, mut eq: impl FnMut(Value<'gc>) -> bool) -> Option<usize> {
        if self.used == 0 {
            return None;
        }
        let mut found = None;
        probe(self.mask(), hash, |j| {
            let s = self.slots[j];
            if s.key.is_undef() {
                return s.hash != DUMMY;
            }
            if s.hash == hash && eq(s.key) {
                found = Some(j);
                return true;
            }
            false
        });
        found
    }

    /// Keys stored under `hash` with their slots, for comparisons that must run outside a borrow.
    pub fn candidates(&self, hash: i64) -> Vec<(usize, Value<'gc>)> {
        let mut out = Vec::new();
        if self.used > 0 {
            probe(self.mask(), hash, |j| {
                let s = self.slots[j];
                if s.key.is_undef() {
                    return s.hash != DUMMY;
                }
                if s.hash == hash {
                    out.push((j, s.key));
                }
                false
            });
        }
        out
    }

    /// Adds `key` unless a stored key is equal, in one probe. `eq` answers None when only user
    /// code can compare: if no stored key matched and one was undecided, nothing changes and
    /// the answer is None (the caller compares outside the borrow, then calls `insert_new`).
    /// Otherwise Some(true) for an insertion, Some(false) when the key was present.
    pub fn insert_decided(
        &mut self,
        hash: i64,
        key: Value<'gc>,
        mut eq: impl FnMut(Value<'gc>) -> Option<bool>,
    ) -> Option<bool> {
        self.ensure_slots();
        let mut free = None;
        let (mut unused, mut present, mut undecided) = (0, false, false);
        let slots = &self.slots;
        probe(self.mask(), hash, |j| {
            let s = slots[j];
            if s.key.is_undef() {
                if s.hash == DUMMY {
                    free = free.or(Some(j));
                    return false;
                }
                unused = j;
                return true;
            }
            if s.hash == hash {
                match eq(s.key) {
                    Some(true) => {
                        present = true;
                        return true;
                    }
                    Some(false) => {}
                    None => undecided = true,
                }
            }
            false
        });
        if present {
            return Some(false);
        }
        if undecided {
            return None;
        }
        self.put(free.unwrap_or(unused), free.is_none(), hash, key);
        Some(true)
    }

    /// Adds a key the caller knows is absent: into the first dummy or unused slot on its probe.
    pub fn insert_new(&mut self, hash: i64, key: Value<'gc>) {
        self.ensure_slots();
        let mut at = (0, false);
        let slots = &self.slots;
        probe(self.mask(), hash, |j| {
            let s = slots[j];
            if s.key.is_undef() {
                at = (j, s.hash != DUMMY);
                return true;
            }
            false
        });
        self.put(at.0, at.1, hash, key);
    }

    fn put(&mut self, at: usize, unused: bool, hash: i64, key: Value<'gc>) {
        self.slots[at] = Slot { hash, key };
        self.used += 1;
        if unused {
            self.fill += 1;
            if self.fill * 5 >= self.mask() * 3 {
                self.resize(self.room_for_growth());
            }
        }
    }

    /// Moves the keys into a table of the smallest power-of-two size above `min_used` (at
    /// least `MIN_SIZE`), in slot order, dropping the dummies.
    pub fn resize(&mut self, min_used: usize) {
        let mut size = MIN_SIZE;
        while size <= min_used {
            size <<= 1;
        }
        let old = std::mem::replace(&mut self.slots, unused_slots(size));
        for s in old.iter().filter(|s| !s.key.is_undef()) {
            place_clean(&mut self.slots, *s);
        }
        self.fill = self.used;
    }

    /// Before adding `incoming` keys that are probably new: one resize now, as CPython does,
    /// instead of several along the way.
    pub fn reserve(&mut self, incoming: usize) {
        self.ensure_slots();
        if (self.fill + incoming) * 5 >= self.mask() * 3 {
            self.resize((self.used + incoming) * 2);
        }
    }

    /// When this table is empty: takes `other`'s keys without comparing them (they are
    /// distinct). Copies the slots as they are when the sizes match and `other` has no dummies.
    pub fn fill_from(&mut self, other: &SetTable<'gc>) {
        debug_assert_eq!(self.fill, 0);
        if other.used == 0 {
            return;
        }
        self.reserve(other.used);
        if self.slots.len() == other.slots.len() && other.fill == other.used {
            self.slots.copy_from_slice(&other.slots);
            self.fill = other.fill;
            self.used = other.used;
            return;
        }
        for s in other.slots.iter().filter(|s| !s.key.is_undef()) {
            place_clean(&mut self.slots, *s);
        }
        self.fill = other.used;
        self.used = other.used;
    }

    /// Removes the key at `slot`, leaving a dummy.
    pub fn remove_at(&mut self, slot: usize) -> Option<Value<'gc>> {
        let s = self.slots.get(slot).filter(|s| !s.key.is_undef())?;
        let key = s.key;
        self.slots[slot] = Slot {
            hash: DUMMY,
            key: Value::Undef,
        };
        self.used -= 1;
        Some(key)
    }

    /// Removes the key with this hash that satisfies `eq`, in one probe.
    pub fn remove_found(
        &mut self,
        hash: i64,
        eq: impl FnMut(Value<'gc>) -> bool,
    ) -> Option<Value<'gc>> {
        let slot = self.find(hash, eq)?;
        self.remove_at(slot)
    }

    /// Removes and returns a key (`set.pop`): the first from the finger on, as CPython picks.
    pub fn pop(&mut self) -> Option<Value<'gc>> {
        if self.used == 0 {
            return None;
        }
        let mask = self.mask();
        let mut at = self.finger & mask;
        while self.slots[at].key.is_undef() {
            at = (at + 1) & mask;
        }
        self.finger = at + 1;
        self.remove_at(at)
    }

    /// Squeezes out dummies when more than a quarter of the slots hold them (CPython's rule
    /// after a difference update).
    pub fn shed_dummies(&mut self) {
        if self.fill - self.used > self.slots.len().saturating_sub(1) / 4 {
            self.resize(self.room_for_growth());
        }
    }

    pub fn clear(&mut self) {
        *self = SetTable::default();
    }

    /// The next key at or after slot `pos`, with its slot.
    pub fn next_from(&self, pos: usize) -> Option<(usize, Value<'gc>)> {
        (pos..self.slots.len())
            .find(|&j| !self.slots[j].key.is_undef())
            .map(|j| (j, self.slots[j].key))
    }

    /// Keys and their hashes in slot order.
    pub fn iter(&self) -> impl Iterator<Item = (i64, Value<'gc>)> + '_ {
        self.slots
            .iter()
            .filter(|s| !s.key.is_undef())
            .map(|s| (s.hash, s.key))
    }

    pub fn keys(&self) -> Vec<Value<'gc>> {
        self.iter().map(|(_, k)| k).collect()
    }
}
