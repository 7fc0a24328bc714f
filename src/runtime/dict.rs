//! Insertion-ordered hash table storage shared by dict, set and frozenset.
//! Hashing and equality that may run user code are done by the caller (see `vm/mapping.rs`);
//! this type only stores entries and probes with a caller-supplied comparison.

use super::hash::spread;
use super::value::{StrObj, Value};
use gc_arena::Collect;
use gc_arena::Gc;
use hashbrown::HashTable;

#[derive(Collect, Clone, Copy)]
#[collect(no_drop)]
pub struct Entry<'gc> {
    pub hash: u64,
    pub key: Value<'gc>,
    pub value: Value<'gc>,
}

/// Tables with at most this many slots have no hash index: a linear scan of the entries is
/// faster than probing, and most dicts (instance attributes, keyword arguments) are this small.
const SMALL: usize = 8;

#[derive(Collect, Default)]
#[collect(no_drop)]
pub struct Dict<'gc> {
    entries: Vec<Option<Entry<'gc>>>,
    /// Slot numbers by hash; kept only while `entries.len() > SMALL`.
    #[collect(require_static)]
    index: HashTable<u32>,
    len: usize,
    /// Changes on every insertion or removal, to a number no table state had before: iterators
    /// detect changes in size with it, and inline caches know that a slot they remember still
    /// holds the same key (no other dict, even one at the same address, has that version).
    #[collect(require_static)]
    pub version: u64,
    /// One bit per key, chosen by its hash (bit `hash % 64`): a clear bit proves a key absent
    /// without a probe, which is most of the cost of "does the instance shadow this method".
    /// Bits are set on insertion and only cleared when the table empties or is compacted.
    #[collect(require_static)]
    key_mask: u64,
    /// The namespace of a class: writing to it invalidates the VM's attribute cache.
    #[collect(require_static)]
    pub class_dict: bool,
}

thread_local! {
    static NEXT_VERSION: std::cell::Cell<u64> = const { std::cell::Cell::new(1) };
}

/// The bit of a key mask (a 64-bit summary of the hashes a table holds) that `hash` sets.
#[inline(always)]
pub fn mask_bit(hash: u64) -> u64 {
    1 << (hash & 63)
}

/// Whether a slot holds an entry with this hash whose key satisfies `eq`: the test of every
/// probe, by scan or through the index.
#[inline(always)]
fn holds<'gc>(
    slot: &Option<Entry<'gc>>,
    hash: u64,
    eq: &mut impl FnMut(Value<'gc>) -> bool,
) -> bool {
    matches!(slot, Some(e) if e.hash == hash && eq(e.key))
}

/// The index hash of the entry in `slot` (the index rehashes its slot numbers with it).
fn spread_at(entries: &[Option<Entry<'_>>], slot: &u32) -> u64 {
    entries[*slot as usize].map(|e| spread(e.hash)).unwrap_or(0)
}

/// A table version never handed out before (in this thread, which owns the heap).
#[inline]
pub fn fresh_version() -> u64 {
    NEXT_VERSION.with(|n| {
        let v = n.get();
        n.set(v + 1);
        v
    })
}

impl<'gc> Dict<'gc> {
    pub fn new() -> Dict<'gc> {
        Dict {
            entries: Vec::new(),
            index: HashTable::new(),
            len: 0,
            key_mask: 0,
            version: fresh_version(),
            class_dict: false,
        }
    }

    pub fn with_capacity(n: usize) -> Dict<'gc> {
        Dict {
            entries: Vec::with_capacity(n),
            index: if n > SMALL {
                HashTable::with_capacity(n)
            } else {
                HashTable::new()
            },
            len: 0,
            key_mask: 0,
            version: fresh_version(),
            class_dict: false,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// False when no key has this hash (one bit test, no probe).
    #[inline(always)]
    pub fn may_contain(&self, hash: u64) -> bool {
        self.key_mask & mask_bit(hash) != 0
    }

    /// Finds the entry slot whose key satisfies `eq` among entries with this hash.
    pub fn find(&self, hash: u64, mut eq: impl FnMut(Value<'gc>) -> bool) -> Option<usize> {
        if !self.may_contain(hash) {
            return None;
        }
        if self.entries.len() <= SMALL {
            return self.entries.iter().position(|e| holds(e, hash, &mut eq));
        }
        let entries = &self.entries;
        self.index
            .find(spread(hash), |&i| {
                holds(&entries[i as usize], hash, &mut eq)
            })
            .map(|&i| i as usize)
    }

    /// Keys stored under `hash`, for comparisons that must run outside a borrow.
    pub fn candidates(&self, hash: u64) -> Vec<(usize, Value<'gc>)> {
        if self.key_mask & mask_bit(hash) == 0 {
            return Vec::new();
        }
        if self.entries.len() <= SMALL {
            return (self.entries.iter().enumerate())
                .filter_map(|(i, e)| e.filter(|e| e.hash == hash).map(|e| (i, e.key)))
                .collect();
        }
        self.index
            .iter_hash(spread(hash))
            .filter_map(|&i| {
                self.entries[i as usize]
                    .as_ref()
                    .filter(|e| e.hash == hash)
                    .map(|e| (i as usize, e.key))
            })
            .collect()
    }

    /// The value at `slot` if its key is the string object `key` itself (interned names).
    #[inline]
    pub fn value_if_key_at(&self, slot: usize, key: Gc<'gc, StrObj>) -> Option<Value<'gc>> {
        match self.entries.get(slot) {
            Some(Some(Entry {
                key: Value::Str(k),
                value,
                ..
            })) if Gc::ptr_eq(*k, key) => Some(*value),
            _ => None,
        }
    }

    pub fn entry_at(&self, slot: usize) -> Option<&Entry<'gc>> {
        self.entries.get(slot).and_then(|e| e.as_ref())
    }

    pub fn set_value_at(&mut self, slot: usize, value: Value<'gc>) {
        if let Some(Some(e)) = self.entries.get_mut(slot) {
            e.value = value;
        }
    }

    /// Appends a new entry; the caller has checked that the key is absent.
    pub fn insert_new(&mut self, hash: u64, key: Value<'gc>, value: Value<'gc>) {
        let slot = self.entries.len() as u32;
        if slot as usize > SMALL {
            let entries = &self.entries;
            self.index
                .insert_unique(spread(hash), slot, |i| spread_at(entries, i));
        }
        self.push_entry(hash, key, value);
    }

    /// Appends an entry whose slot the index already holds (or needs no index yet).
    fn push_entry(&mut self, hash: u64, key: Value<'gc>, value: Value<'gc>) {
        self.entries.push(Some(Entry { hash, key, value }));
        self.key_mask |= mask_bit(hash);
        if self.entries.len() == SMALL + 1 {
            self.rebuild_index();
        }
        self.len += 1;
        self.version = fresh_version();
    }

    /// Sets the value of the entry whose key satisfies `eq`, or inserts one, in one probe.
    /// `eq` answers None when only user code can compare: if no stored key matched and one
    /// was undecided, nothing changes and the answer is None (the caller compares outside the
    /// borrow). Otherwise Some(true) for an insertion, Some(false) for a replaced value.
    pub fn set_decided(
        &mut self,
        hash: u64,
        key: Value<'gc>,
        value: Value<'gc>,
        mut eq: impl FnMut(Value<'gc>) -> Option<bool>,
    ) -> Option<bool> {
        let mut undecided = false;
        let mut test = |k| {
            eq(k).unwrap_or_else(|| {
                undecided = true;
                false
            })
        };
        if self.entries.len() > SMALL {
            let entries = &self.entries;
            let new_slot = entries.len() as u32;
            let found = self.index.entry(
                spread(hash),
                |&i| holds(&entries[i as usize], hash, &mut test),
                |i| spread_at(entries, i),
            );
            return match found {
                hashbrown::hash_table::Entry::Occupied(o) => {
                    let slot = *o.get() as usize;
                    self.set_value_at(slot, value);
                    Some(false)
                }
                hashbrown::hash_table::Entry::Vacant(v) if !undecided => {
                    v.insert(new_slot);
                    self.push_entry(hash, key, value);
                    Some(true)
                }
                hashbrown::hash_table::Entry::Vacant(_) => None,
            };
        }
        if let Some(slot) = self.find(hash, &mut test) {
            self.set_value_at(slot, value);
            return Some(false);
        }
        if undecided {
            return None;
        }
        self.push_entry(hash, key, value);
        Some(true)
    }

    pub fn remove_at(&mut self, slot: usize) -> Option<Entry<'gc>> {
        let e = self.entries.get_mut(slot)?.take()?;
        if self.entries.len() > SMALL {
            if let Ok(found) = self
                .index
                .find_entry(spread(e.hash), |&i| i as usize == slot)
            {
                found.remove();
            }
        }
        self.after_removal();
        Some(e)
    }

    /// Removes the entry whose key satisfies `eq` among entries with this hash, in one probe
    /// (`find` and then `remove_at` would probe twice).
    pub fn remove_found(
        &mut self,
        hash: u64,
        mut eq: impl FnMut(Value<'gc>) -> bool,
    ) -> Option<Entry<'gc>> {
        if !self.may_contain(hash) {
            return None;
        }
        let slot = if self.entries.len() <= SMALL {
            self.entries.iter().position(|e| holds(e, hash, &mut eq))?
        } else {
            let entries = &self.entries;
            let found = self
                .index
                .find_entry(spread(hash), |&i| {
                    holds(&entries[i as usize], hash, &mut eq)
                })
                .ok()?;
            found.remove().0 as usize
        };
        let e = self.entries[slot].take();
        self.after_removal();
        e
    }

    fn after_removal(&mut self) {
        self.len -= 1;
        if self.len == 0 {
            // an emptied table (a set used as a work queue) starts over with no holes
            self.clear();
            return;
        }
        self.version = fresh_version();
        if self.entries.len() > 16 && self.len * 2 < self.entries.len() {
            self.compact();
        }
    }

    fn compact(&mut self) {
        self.entries.retain(|e| e.is_some());
        self.key_mask = self
            .entries
            .iter()
            .flatten()
            .fold(0, |m, e| m | mask_bit(e.hash));
        self.rebuild_index();
    }

    /// Makes the index match the entries (or empties it for a small table). The index keeps
    /// its allocation, as CPython's tables do not shrink on removal: a set used as a work queue
    /// (filled, drained, filled again) would otherwise regrow it by doubling every round.
    fn rebuild_index(&mut self) {
        self.index.clear();
        if self.entries.len() <= SMALL {
            return;
        }
        let entries = &self.entries;
        for (slot, e) in entries.iter().enumerate() {
            if let Some(e) = e {
                self.index
                    .insert_unique(spread(e.hash), slot as u32, |i| spread_at(entries, i));
            }
        }
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.key_mask = 0;
        self.index.clear();
        self.len = 0;
        self.version = fresh_version();
    }

    /// Entries in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &Entry<'gc>> {
        self.entries.iter().flatten()
    }

    /// The raw slot count, for iterators that walk by position.
    pub fn slots(&self) -> usize {
        self.entries.len()
    }

    /// The next live entry at or after `pos`, with its position.
    pub fn next_from(&self, mut pos: usize) -> Option<(usize, Entry<'gc>)> {
        while pos < self.entries.len() {
            if let Some(e) = self.entries[pos] {
                return Some((pos, e));
            }
            pos += 1;
        }
        None
    }

    /// Removes and returns the last entry (for popitem).
    pub fn pop_last(&mut self) -> Option<Entry<'gc>> {
        let slot = self.entries.iter().rposition(|e| e.is_some())?;
        self.remove_at(slot)
    }

    pub fn keys(&self) -> Vec<Value<'gc>> {
        self.iter().map(|e| e.key).collect()
    }
}
