//! Weak pointers to any heap value, weak reference objects, and the storage of the weak
//! containers (WeakValueDictionary, WeakKeyDictionary, WeakSet).

use super::dict::Dict;
use super::hash::spread;
use super::iter::Iter;
use super::value::{Instance, Obj, SetObj, StrObj, Tuple, Value};
use gc_arena::lock::{Lock, RefLock};
use gc_arena::{Collect, Finalization, Gc, GcWeak, Mutation};
use hashbrown::HashTable;
use std::cell::Cell;

/// A weak pointer to any kind of heap value.
#[derive(Collect, Clone, Copy)]
#[collect(no_drop)]
pub enum WeakAny<'gc> {
    Str(GcWeak<'gc, StrObj>),
    Tuple(GcWeak<'gc, Tuple<'gc>>),
    List(GcWeak<'gc, RefLock<Vec<Value<'gc>>>>),
    Dict(GcWeak<'gc, RefLock<Dict<'gc>>>),
    Set(GcWeak<'gc, SetObj<'gc>>),
    Instance(GcWeak<'gc, Instance<'gc>>),
    Cell(GcWeak<'gc, Lock<Value<'gc>>>),
    Iter(GcWeak<'gc, RefLock<Iter<'gc>>>),
    Obj(GcWeak<'gc, Obj<'gc>>),
}

macro_rules! each_weak {
    ($w:expr, $p:ident => $e:expr) => {
        match $w {
            WeakAny::Str($p) => $e,
            WeakAny::Tuple($p) => $e,
            WeakAny::List($p) => $e,
            WeakAny::Dict($p) => $e,
            WeakAny::Set($p) => $e,
            WeakAny::Instance($p) => $e,
            WeakAny::Cell($p) => $e,
            WeakAny::Iter($p) => $e,
            WeakAny::Obj($p) => $e,
        }
    };
}

impl<'gc> WeakAny<'gc> {
    /// A weak pointer to a heap value; None for immediates (None, bools, ints, floats).
    pub fn of(v: Value<'gc>) -> Option<WeakAny<'gc>> {
        Some(match v {
            Value::Str(g) => WeakAny::Str(Gc::downgrade(g)),
            Value::Tuple(g) => WeakAny::Tuple(Gc::downgrade(g)),
            Value::List(g) => WeakAny::List(Gc::downgrade(g)),
            Value::Dict(g) => WeakAny::Dict(Gc::downgrade(g)),
            Value::Set(g) => WeakAny::Set(Gc::downgrade(g)),
            Value::Instance(g) => WeakAny::Instance(Gc::downgrade(g)),
            Value::Cell(g) => WeakAny::Cell(Gc::downgrade(g)),
            Value::Iter(g) => WeakAny::Iter(Gc::downgrade(g)),
            Value::Obj(g) => WeakAny::Obj(Gc::downgrade(g)),
            _ => return None,
        })
    }

    pub fn upgrade(self, mc: &Mutation<'gc>) -> Option<Value<'gc>> {
        Some(match self {
            WeakAny::Str(w) => Value::Str(w.upgrade(mc)?),
            WeakAny::Tuple(w) => Value::Tuple(w.upgrade(mc)?),
            WeakAny::List(w) => Value::List(w.upgrade(mc)?),
            WeakAny::Dict(w) => Value::Dict(w.upgrade(mc)?),
            WeakAny::Set(w) => Value::Set(w.upgrade(mc)?),
            WeakAny::Instance(w) => Value::Instance(w.upgrade(mc)?),
            WeakAny::Cell(w) => Value::Cell(w.upgrade(mc)?),
            WeakAny::Iter(w) => Value::Iter(w.upgrade(mc)?),
            WeakAny::Obj(w) => Value::Obj(w.upgrade(mc)?),
        })
    }

    pub fn is_dead(self, fc: &Finalization<'gc>) -> bool {
        each_weak!(self, w => w.is_dead(fc))
    }

    /// Keeps the value (and what it reaches) alive through this collection.
    pub fn resurrect(self, fc: &Finalization<'gc>) {
        each_weak!(self, w => {
            let _ = w.resurrect(fc);
        })
    }

    pub fn addr(self) -> usize {
        each_weak!(self, w => w.as_ptr() as *const () as usize)
    }
}

/// One slot of a weak table: strong for immediates and strongly-held parts, weak otherwise.
#[derive(Collect, Clone, Copy)]
#[collect(no_drop)]
pub enum Slot<'gc> {
    Strong(Value<'gc>),
    Weak(WeakAny<'gc>),
}

impl<'gc> Slot<'gc> {
    pub fn weak(v: Value<'gc>) -> Slot<'gc> {
        match WeakAny::of(v) {
            Some(w) => Slot::Weak(w),
            None => Slot::Strong(v),
        }
    }

    pub fn get(self, mc: &Mutation<'gc>) -> Option<Value<'gc>> {
        match self {
            Slot::Strong(v) => Some(v),
            Slot::Weak(w) => w.upgrade(mc),
        }
    }

    pub fn is_dead(self, fc: &Finalization<'gc>) -> bool {
        match self {
            Slot::Strong(_) => false,
            Slot::Weak(w) => w.is_dead(fc),
        }
    }
}

/// `WeakRef::hashed`: the hash is not known; it is the referent's, asked while it lived; it is
/// the referent's, computed early, and not yet asked.
const NOT_HASHED: u8 = 0;
const HASHED: u8 = 1;
const HASH_KNOWN: u8 = 2;

/// The state of a `weakref.ref` or proxy object.
#[derive(Collect)]
#[collect(no_drop)]
pub struct WeakRef<'gc> {
    /// The referent; None once it has been collected.
    pub target: Lock<Option<WeakAny<'gc>>>,
    pub callback: Lock<Value<'gc>>,
    /// The referent's hash, valid as `hashed` says. Kept as a word and a flag rather than an
    /// `Option`, whose tag would take a word of its own: 48 bytes, not 64, puts an exact ref
    /// with its 16-byte heap header in a 64-byte allocation instead of an 80-byte one.
    #[collect(require_static)]
    hash: Cell<i64>,
    #[collect(require_static)]
    hashed: Cell<u8>,
    /// 0: ref, 1: proxy, 2: callable proxy.
    #[collect(require_static)]
    pub kind: u8,
}

impl<'gc> WeakRef<'gc> {
    pub fn new(target: WeakAny<'gc>, callback: Value<'gc>, kind: u8) -> WeakRef<'gc> {
        WeakRef {
            target: Lock::new(Some(target)),
            callback: Lock::new(callback),
            hash: Cell::new(0),
            hashed: Cell::new(NOT_HASHED),
            kind,
        }
    }

    /// The hash remembered from the referent, if it was asked while the referent lived (a
    /// hash known from the start counts as asked now, if the referent still lives).
    #[inline(always)]
    pub fn remembered_hash(&self) -> Option<i64> {
        match self.hashed.get() {
            HASHED => Some(self.hash.get()),
            HASH_KNOWN if self.target.get().is_some() => {
                self.hashed.set(HASHED);
                Some(self.hash.get())
            }
            _ => None,
        }
    }

    pub fn remember_hash(&self, h: i64) {
        self.hash.set(h);
        self.hashed.set(HASHED);
    }

    /// The referent's hash, known at creation without user code (an identity hash). It counts
    /// only once asked while the referent lives: a ref first hashed after its referent died
    /// raises, as in CPython.
    pub fn know_hash(&self, h: i64) {
        self.hash.set(h);
        self.hashed.set(HASH_KNOWN);
    }
}

/// A weakref object as the registry of its referent holds it (weakly: a weakref object can
/// die first). An exact `weakref.ref` is its state alone, one allocation; a proxy or an
/// instance of a ref subclass is an instance whose payload holds the state.
#[derive(Collect, Clone, Copy)]
#[collect(no_drop)]
pub enum WeakRefHandle<'gc> {
    Plain(GcWeak<'gc, WeakRef<'gc>>),
    Instance(GcWeak<'gc, Instance<'gc>>),
}

impl<'gc> WeakRefHandle<'gc> {
    /// The handle of a weakref object (None for any other value).
    pub fn of(v: Value<'gc>) -> Option<WeakRefHandle<'gc>> {
        match v {
            Value::Weak(w) => Some(WeakRefHandle::Plain(Gc::downgrade(w))),
            Value::Instance(i) => Some(WeakRefHandle::Instance(Gc::downgrade(i))),
            _ => None,
        }
    }

    pub fn upgrade(self, mc: &Mutation<'gc>) -> Option<Value<'gc>> {
        match self {
            WeakRefHandle::Plain(w) => w.upgrade(mc).map(Value::Weak),
            WeakRefHandle::Instance(i) => i.upgrade(mc).map(Value::Instance),
        }
    }

    pub fn is_dead(self, fc: &Finalization<'gc>) -> bool {
        match self {
            WeakRefHandle::Plain(w) => w.is_dead(fc),
            WeakRefHandle::Instance(i) => i.is_dead(fc),
        }
    }

    /// How many heap objects the weakref object is made of.
    pub fn allocations(self) -> u64 {
        match self {
            WeakRefHandle::Plain(_) => 1,
            WeakRefHandle::Instance(_) => 2,
        }
    }
}

/// What a weak table holds weakly.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TableKind {
    /// WeakValueDictionary: strong keys, weak values.
    Values,
    /// WeakKeyDictionary: weak keys, ephemeron values (alive exactly as long as their key).
    Keys,
    /// WeakSet: weak items.
    Set,
}

#[derive(Collect, Clone, Copy)]
#[collect(no_drop)]
pub struct TableEntry<'gc> {
    pub hash: u64,
    pub key: Slot<'gc>,
    pub value: Slot<'gc>,
}

/// Insertion-ordered storage for the weak containers. Entries whose weak part died are removed
/// by the collector's finalization step, never by user code, so iterators skip holes silently.
#[derive(Collect)]
#[collect(no_drop)]
pub struct WeakTable<'gc> {
    #[collect(require_static)]
    pub kind: TableKind,
    pub entries: Vec<Option<TableEntry<'gc>>>,
    #[collect(require_static)]
    index: HashTable<u32>,
    #[collect(require_static)]
    pub len: usize,
    /// Bumped by user insertions and removals only (not by the collector's pruning).
    #[collect(require_static)]
    pub version: u64,
}

impl<'gc> WeakTable<'gc> {
    pub fn new(kind: TableKind) -> WeakTable<'gc> {
        WeakTable {
            kind,
            entries: Vec::new(),
            index: HashTable::new(),
            len: 0,
            version: 0,
        }
    }

    /// The slot whose live key satisfies `eq` among entries with this hash, in one probe and
    /// without collecting candidates: Some(found) when `eq` decided every comparison, None when
    /// one needs user code (`eq` answered None), to be done outside the borrow.
    pub fn find_decided(
        &self,
        hash: u64,
        mc: &Mutation<'gc>,
        mut eq: impl FnMut(Value<'gc>) -> Option<bool>,
    ) -> Option<Option<usize>> {
        for &i in self.index.iter_hash(spread(hash)) {
            let Some(e) = &self.entries[i as usize] else {
                continue;
            };
            let Some(k) = e.key.get(mc).filter(|_| e.hash == hash) else {
                continue;
            };
            match eq(k) {
                Some(true) => return Some(Some(i as usize)),
                Some(false) => {}
                None => return None,
            }
        }
        Some(None)
    }

    /// Slots whose stored hash matches, for comparison outside the borrow.
    pub fn candidates(&self, hash: u64) -> Vec<(usize, Slot<'gc>)> {
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

    /// Inserts a new entry (a user operation: iterators see the version change anyway, so this
    /// is where holes left by the collector get compacted away). Inlined so that the entry is
    /// built from the caller's key and value in place: passed in, they were copied through the
    /// stack in 16-byte moves that straddled earlier stores and stalled store forwarding.
    #[inline]
    pub fn insert_new(&mut self, hash: u64, key: Slot<'gc>, value: Slot<'gc>) {
        if self.entries.len() > 16 && self.len * 2 < self.entries.len() {
            self.compact();
        }
        let slot = self.entries.len() as u32;
        self.entries.push(Some(TableEntry { hash, key, value }));
        let entries = &self.entries;
        self.index.insert_unique(spread(hash), slot, |&i| {
            entries[i as usize].map(|e| spread(e.hash)).unwrap_or(0)
        });
        self.len += 1;
    }

    /// Removes an entry, leaving a hole so that positions held by iterators stay valid.
    pub fn remove_at(&mut self, slot: usize) -> Option<TableEntry<'gc>> {
        let e = self.entries.get_mut(slot)?.take()?;
        if let Ok(found) = self
            .index
            .find_entry(spread(e.hash), |&i| i as usize == slot)
        {
            found.remove();
        }
        self.len -= 1;
        Some(e)
    }

    fn compact(&mut self) {
        let old = std::mem::take(&mut self.entries);
        self.index.clear();
        for e in old.into_iter().flatten() {
            let slot = self.entries.len() as u32;
            self.entries.push(Some(e));
            let entries = &self.entries;
            self.index.insert_unique(spread(e.hash), slot, |&i| {
                entries[i as usize].map(|e| spread(e.hash)).unwrap_or(0)
            });
        }
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.index.clear();
        self.len = 0;
    }

    /// Called by the collector's finalization step: drops entries whose weak part is dead.
    /// Returns how many were dropped.
    pub fn prune(&mut self, fc: &Finalization<'gc>) -> usize {
        let mut dead = vec![];
        for (i, e) in self.entries.iter().enumerate() {
            if let Some(e) = e {
                let gone = match self.kind {
                    TableKind::Values => e.value.is_dead(fc),
                    TableKind::Keys | TableKind::Set => e.key.is_dead(fc),
                };
                if gone {
                    dead.push(i);
                }
            }
        }
        for i in &dead {
            self.remove_at(*i);
        }
        dead.len()
    }

    /// Ephemeron step: keeps alive the values of entries whose key is alive. Returns true if
    /// it resurrected anything (marking must run again before the next check).
    pub fn keep_values_of_live_keys(&self, fc: &Finalization<'gc>) -> bool {
        let mut any = false;
        for e in self.entries.iter().flatten() {
            if !e.key.is_dead(fc) {
                if let Slot::Weak(w) = e.value {
                    if w.is_dead(fc) {
                        w.resurrect(fc);
                        any = true;
                    }
                }
            }
        }
        any
    }
}
