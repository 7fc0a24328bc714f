//! Dict and set operations: hashing and key comparison, which may run user `__hash__`/`__eq__`.
//! Comparisons that need user code run outside any borrow of the table.

use super::{R, Vm};
use crate::runtime::dict::Dict;
use crate::runtime::hash;
use crate::runtime::set_table::SetTable;
use crate::runtime::value::{DictRef, InstRef, Obj, Payload, SetObj, SetRef, Value, flags};
use gc_arena::Gc;
use gc_arena::barrier::unlock;
use gc_arena::lock::RefLock;
use num_traits::ToPrimitive;
use std::cell::RefMut;

/// Keys with their hashes in slot order, copied out: comparisons may run user code that
/// changes the set.
pub fn entries<'gc>(s: SetRef<'gc>) -> Vec<(i64, Value<'gc>)> {
    s.table.borrow().iter().collect()
}

/// The table of set `s`, for writing.
pub fn set_table_mut<'gc>(vm: &Vm<'gc>, s: SetRef<'gc>) -> RefMut<'gc, SetTable<'gc>> {
    unlock!(Gc::write(vm.mc, s), SetObj, table).borrow_mut()
}

/// What `Vm::find_key` needs of a dict's or a set's table: a probe whose comparison runs no
/// user code, and the keys stored under a hash, to compare outside the borrow.
pub trait KeyProbe<'gc> {
    fn probe<F: FnMut(Value<'gc>) -> bool>(&self, hash: i64, eq: F) -> Option<usize>;
    fn keys_with_hash(&self, hash: i64) -> Vec<(usize, Value<'gc>)>;
}

impl<'gc> KeyProbe<'gc> for Dict<'gc> {
    fn probe<F: FnMut(Value<'gc>) -> bool>(&self, hash: i64, eq: F) -> Option<usize> {
        self.find(hash as u64, eq)
    }
    fn keys_with_hash(&self, hash: i64) -> Vec<(usize, Value<'gc>)> {
        self.candidates(hash as u64)
    }
}

impl<'gc> KeyProbe<'gc> for SetTable<'gc> {
    fn probe<F: FnMut(Value<'gc>) -> bool>(&self, hash: i64, eq: F) -> Option<usize> {
        self.find(hash, eq)
    }
    fn keys_with_hash(&self, hash: i64) -> Vec<(usize, Value<'gc>)> {
        self.candidates(hash)
    }
}

/// The hash of an instance hashed by its identity (no `__hash__` of its class, no builtin
/// value inside); None for any other.
#[inline(always)]
pub fn identity_hash(i: InstRef<'_>) -> Option<i64> {
    match i.payload.get() {
        Payload::None if i.class_flags() & (flags::HASH_NONE | flags::HAS_HASH) == 0 => {
            Some(hash::hash_addr(Gc::as_ptr(i) as usize))
        }
        _ => None,
    }
}

/// Equality decidable without running user code; None when a user `__eq__` may be involved.
/// The same object (what a probe for an object key finds) is answered inline.
#[inline]
pub fn fast_eq<'gc>(a: Value<'gc>, b: Value<'gc>) -> Option<bool> {
    if a.is(b) {
        return Some(true);
    }
    fast_eq_values(a, b)
}

fn fast_eq_values<'gc>(a: Value<'gc>, b: Value<'gc>) -> Option<bool> {
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => Some(x.same_text(&y)),
        (Value::Int(x), Value::Int(y)) => Some(x == y),
        (Value::Float(x), Value::Float(y)) => Some(x.get() == y.get()),
        (Value::Int(x), Value::Float(y)) | (Value::Float(y), Value::Int(x)) => {
            Some((x as f64) == y.get())
        }
        (Value::Bool(x), Value::Int(y)) | (Value::Int(y), Value::Bool(x)) => {
            Some(x.get() as i64 == y)
        }
        (Value::Bool(x), Value::Float(y)) | (Value::Float(y), Value::Bool(x)) => {
            Some(x.get() as i64 as f64 == y.get())
        }
        (Value::None, _) | (_, Value::None) => Some(false),
        (Value::Tuple(x), Value::Tuple(y)) => {
            if x.items().len() != y.items().len() {
                return Some(false);
            }
            for (p, q) in x.items().iter().zip(y.items().iter()) {
                match fast_eq(*p, *q) {
                    Some(true) => {}
                    other => return other,
                }
            }
            Some(true)
        }
        (Value::Instance(i), _)
            if i.class_flags() & flags::HAS_EQ != 0
                || matches!(i.payload.get(), Payload::Weak(_)) =>
        {
            None
        }
        (_, Value::Instance(i)) if i.class_flags() & flags::HAS_EQ != 0 => None,
        (Value::Weak(_), _) | (_, Value::Weak(_)) => None,
        (Value::Obj(x), Value::Obj(y)) => match (x.as_ref(), y.as_ref()) {
            (Obj::BigInt(p), Obj::BigInt(q)) => Some(p == q),
            (Obj::Bytes(p), Obj::Bytes(q)) => Some(p == q),
            (Obj::Range(..), Obj::Range(..)) | (Obj::Complex(..), Obj::Complex(..)) => None,
            (Obj::Method(..), Obj::Method(..)) => None,
            _ => Some(false),
        },
        (Value::Set(_), Value::Set(_)) => None,
        // an instance of a subclass of str, int, tuple...: the inherited __eq__ decides
        (Value::Instance(i), _) | (_, Value::Instance(i))
            if matches!(i.payload.get(), Payload::Value(_)) =>
        {
            None
        }
        (Value::Instance(_), _) | (_, Value::Instance(_)) => Some(false),
        (Value::Str(_), _) | (_, Value::Str(_)) => Some(false),
        (Value::Tuple(_), _) | (_, Value::Tuple(_)) => Some(false),
        (Value::Obj(o), Value::Int(_) | Value::Float(_) | Value::Bool(_))
        | (Value::Int(_) | Value::Float(_) | Value::Bool(_), Value::Obj(o)) => match o.as_ref() {
            Obj::BigInt(_) | Obj::Complex(..) => None,
            _ => Some(false),
        },
        _ => None,
    }
}

/// A key comparison for a probe inside a borrow of the table, where no user code may run:
/// `fast_eq`, with a pair it cannot decide taken as unequal and noted in `slow`.
fn probe_eq<'gc, 's>(k: Value<'gc>, slow: &'s mut bool) -> impl FnMut(Value<'gc>) -> bool + 's
where
    'gc: 's,
{
    move |stored| {
        fast_eq(stored, k).unwrap_or_else(|| {
            *slow = true;
            false
        })
    }
}

impl<'gc> crate::runtime::value::Instance<'gc> {
    pub fn class_flags(&self) -> u32 {
        match self.class.get().as_ref() {
            Obj::Class(c) => c.flags.get(),
            _ => 0,
        }
    }
}

impl<'gc> Vm<'gc> {
    /// Python's hash of a value (as used by dicts and `hash()`). The commonest keys are
    /// answered inline; the rest, which may run user code, go to `hash_slow`.
    #[inline]
    pub fn hash(&mut self, v: Value<'gc>) -> R<'gc, i64> {
        match v {
            Value::Int(i) => Ok(hash::hash_i64(i)),
            Value::Str(s) => Ok(s.hash_value()),
            Value::Instance(i) => match identity_hash(i) {
                Some(h) => Ok(h),
                None => self.hash_slow(v),
            },
            Value::Weak(w) => match w.remembered_hash() {
                Some(h) => Ok(h),
                None => self.weakref_hash(v, w),
            },
            _ => self.hash_slow(v),
        }
    }

    /// `hash` of everything but its inline cases: out of line, as it may call `__hash__`.
    #[inline(never)]
    fn hash_slow(&mut self, v: Value<'gc>) -> R<'gc, i64> {
        Ok(match v {
            Value::Undef | Value::None => 0x3456_789a,
            Value::Bool(b) => b.get() as i64,
            Value::Int(i) => hash::hash_i64(i),
            Value::Float(f) => hash::hash_f64(f.get()),
            Value::Str(s) => s.hash_value(),
            Value::Tuple(t) => {
                // item hashes gathered without a heap allocation for tuples of up to 8 items
                let mut hs: smallvec::SmallVec<[i64; 8]> = smallvec::SmallVec::new();
                for it in t.items().iter() {
                    hs.push(self.hash(*it)?);
                }
                hash::hash_tuple(&hs)
            }
            Value::List(_) | Value::Dict(_) => {
                let n = self.type_name(v);
                return Err(self.type_error(format!("unhashable type: '{n}'")));
            }
            Value::Set(s) => {
                if !s.frozen {
                    return Err(self.type_error("unhashable type: 'set'"));
                }
                let keys = s.table.borrow().keys();
                let mut acc: u64 = 0;
                for k in keys {
                    let h = self.hash(k)? as u64;
                    acc ^= (h ^ (h << 16) ^ 89869747).wrapping_mul(3644798167);
                }
                acc = acc.wrapping_mul(69069).wrapping_add(907133923);
                acc as i64
            }
            Value::Weak(w) => return self.weakref_hash(v, w),
            // (exact refs and plain instances were answered by `hash`)
            Value::Instance(i) => {
                let fl = i.class_flags();
                if fl & flags::HASH_NONE != 0 {
                    let n = self.type_name(v);
                    return Err(self.type_error(format!("unhashable type: '{n}'")));
                }
                if fl & flags::HAS_HASH != 0 {
                    let r = self.call_method(v, "__hash__", &[])?;
                    return match r {
                        Value::Int(h) => Ok(hash::hash_i64(h)),
                        Value::Bool(b) => Ok(b as i64),
                        Value::Obj(o) => match o.as_ref() {
                            Obj::BigInt(b) => Ok(hash::hash_bigint(b)),
                            _ => Err(self.type_error("__hash__ method should return an integer")),
                        },
                        _ => Err(self.type_error("__hash__ method should return an integer")),
                    };
                }
                match i.payload.get() {
                    // a proxy, or a ref subclass without a __hash__ of its own
                    Payload::Weak(w) => {
                        return match (w.kind, w.remembered_hash()) {
                            (0, Some(h)) => Ok(h),
                            _ => self.weakref_hash(v, w),
                        };
                    }
                    Payload::Value(inner)
                        if !matches!(inner, Value::List(_) | Value::Dict(_) | Value::Set(_)) =>
                    {
                        return self.hash(inner);
                    }
                    _ => {}
                }
                hash::hash_addr(v.addr().unwrap_or(0))
            }
            Value::Cell(_) | Value::Iter(_) => hash::hash_addr(v.addr().unwrap_or(0)),
            Value::Obj(o) => match o.as_ref() {
                Obj::BigInt(b) => hash::hash_bigint(b),
                Obj::Bytes(b) => hash::str_hash(&String::from_utf8_lossy(b)),
                Obj::Complex(re, im) => {
                    let h = hash::hash_f64(*re)
                        .wrapping_add(1000003i64.wrapping_mul(hash::hash_f64(*im)));
                    if h == -1 { -2 } else { h }
                }
                Obj::Range(a, b, c) => {
                    hash::hash_tuple(&[hash::hash_i64(*a), hash::hash_i64(*b), hash::hash_i64(*c)])
                }
                Obj::Method(s, f) => {
                    let (s, f) = (*s, *f);
                    let a = self.hash(s)?;
                    let b = self.hash(f)?;
                    a ^ b
                }
                Obj::Slice(..) => return Err(self.type_error("unhashable type: 'slice'")),
                Obj::DictView(..) => {
                    let n = self.type_name(v);
                    return Err(self.type_error(format!("unhashable type: '{n}'")));
                }
                _ => hash::hash_addr(v.addr().unwrap_or(0)),
            },
        })
    }

    /// `a == b` as a bool, with containers' identity shortcut.
    pub fn key_eq(&mut self, a: Value<'gc>, b: Value<'gc>) -> R<'gc, bool> {
        if let Some(r) = fast_eq(a, b) {
            return Ok(r);
        }
        self.eq(a, b)
    }

    /// The slot of key `k` (hash `h`) in a dict's or a set's table: one probe when no stored
    /// key needs user code to compare, else the keys with that hash compared outside the borrow.
    fn find_key<T: KeyProbe<'gc>>(
        &mut self,
        table: &RefLock<T>,
        h: i64,
        k: Value<'gc>,
    ) -> R<'gc, Option<usize>> {
        let mut slow = false;
        let found = table.borrow().probe(h, probe_eq(k, &mut slow));
        if found.is_some() || !slow {
            return Ok(found);
        }
        let cands = table.borrow().keys_with_hash(h);
        for (slot, key) in cands {
            if self.key_eq(key, k)? {
                return Ok(Some(slot));
            }
        }
        Ok(None)
    }

    /// The slot and value of key `k`.
    pub fn dict_lookup(
        &mut self,
        d: DictRef<'gc>,
        k: Value<'gc>,
    ) -> R<'gc, Option<(usize, Value<'gc>)>> {
        if let Value::Str(s) = k {
            let t = d.borrow();
            if let Some(found) = super::cache::find_plain_str(&t, s) {
                return Ok(found.and_then(|slot| t.entry_at(slot).map(|e| (slot, e.value))));
            }
        }
        let h = self.hash(k)?;
        Ok(self
            .find_key(d.as_ref(), h, k)?
            .and_then(|slot| d.borrow().entry_at(slot).map(|e| (slot, e.value))))
    }

    /// A write to a class namespace makes cached MRO lookups stale.
    #[inline]
    pub fn note_dict_write(&mut self, d: DictRef<'gc>) {
        if d.borrow().class_dict {
            self.st.clear_attr_cache();
            self.st.class_epoch = crate::runtime::dict::fresh_version();
        }
    }

    /// Inserts or replaces; returns true when the key was new.
    pub fn dict_insert(&mut self, d: DictRef<'gc>, k: Value<'gc>, v: Value<'gc>) -> R<'gc, bool> {
        if let Value::Str(s) = k {
            // a str key is hashed and compared without user code, in one borrow
            self.note_dict_write(d);
            let mut t = d.borrow_mut(self.mc);
            match super::cache::find_plain_str(&t, s) {
                Some(Some(slot)) => {
                    t.set_value_at(slot, v);
                    return Ok(false);
                }
                Some(None) => {
                    t.insert_new(s.hash_value() as u64, k, v);
                    return Ok(true);
                }
                None => {}
            }
        }
        let h = self.hash(k)?;
        self.note_dict_write(d);
        let decided = d
            .borrow_mut(self.mc)
            .set_decided(h as u64, k, v, |stored| fast_eq(stored, k));
        if let Some(inserted) = decided {
            return Ok(inserted);
        }
        // a stored key with this hash needs user code to compare
        match self.find_key(d.as_ref(), h, k)? {
            Some(slot) => {
                d.borrow_mut(self.mc).set_value_at(slot, v);
                Ok(false)
            }
            None => {
                d.borrow_mut(self.mc).insert_new(h as u64, k, v);
                Ok(true)
            }
        }
    }

    /// Removes key `k`; returns the removed key and value.
    pub fn dict_remove(
        &mut self,
        d: DictRef<'gc>,
        k: Value<'gc>,
    ) -> R<'gc, Option<(Value<'gc>, Value<'gc>)>> {
        let h = self.hash(k)?;
        self.note_dict_write(d);
        // one probe when no stored key needs user code to compare
        let mut slow = false;
        let removed = d
            .borrow_mut(self.mc)
            .remove_found(h as u64, probe_eq(k, &mut slow));
        if removed.is_some() || !slow {
            return Ok(removed.map(|e| (e.key, e.value)));
        }
        match self.find_key(d.as_ref(), h, k)? {
            Some(slot) => Ok(d
                .borrow_mut(self.mc)
                .remove_at(slot)
                .map(|e| (e.key, e.value))),
            None => Ok(None),
        }
    }

    pub fn dict_get(&mut self, d: DictRef<'gc>, k: Value<'gc>) -> R<'gc, Option<Value<'gc>>> {
        Ok(self.dict_lookup(d, k)?.map(|x| x.1))
    }

    /// Lookup of a str key: no user code can run, so no errors.
    pub fn dict_get_str(&self, d: DictRef<'gc>, k: Value<'gc>) -> Option<Value<'gc>> {
        let Value::Str(s) = k else { return None };
        let t = d.borrow();
        let slot = super::cache::find_str(&t, s)?;
        t.entry_at(slot).map(|e| e.value)
    }

    pub fn dict_set(&mut self, d: DictRef<'gc>, k: Value<'gc>, v: Value<'gc>) -> R<'gc, ()> {
        self.dict_insert(d, k, v)?;
        Ok(())
    }

    /// Removes `k`; returns false when absent.
    pub fn dict_del(&mut self, d: DictRef<'gc>, k: Value<'gc>) -> R<'gc, bool> {
        Ok(self.dict_remove(d, k)?.is_some())
    }

    /// `d.update(other)` (or `{**other}`); `no_dup` rejects repeated keys as `f(**a, **b)` does.
    pub fn dict_merge(&mut self, d: DictRef<'gc>, other: Value<'gc>, no_dup: bool) -> R<'gc, ()> {
        let pairs: Vec<(Value<'gc>, Value<'gc>)> = match other {
            Value::Dict(o) => o.borrow().iter().map(|e| (e.key, e.value)).collect(),
            _ => {
                if self.has_attr(other, "keys")? {
                    let keys = self.call_method(other, "keys", &[])?;
                    let keys = self.collect_iter(keys)?;
                    let mut out = vec![];
                    for k in keys {
                        let v = self.getitem(other, k)?;
                        out.push((k, v));
                    }
                    out
                } else {
                    let n = self.type_name(other);
                    return Err(self.type_error(format!("'{n}' object is not a mapping")));
                }
            }
        };
        for (k, v) in pairs {
            if no_dup && k.as_str().is_none() {
                return Err(self.type_error("keywords must be strings"));
            }
            if no_dup && self.dict_get(d, k)?.is_some() {
                let ks = self.str_of(k)?;
                return Err(
                    self.type_error(format!("got multiple values for keyword argument '{ks}'"))
                );
            }
            self.dict_set(d, k, v)?;
        }
        Ok(())
    }

    /// Adds `k` to set `s` (a no-op for other values); returns true when it was new.
    pub fn set_add(&mut self, s: Value<'gc>, k: Value<'gc>) -> R<'gc, bool> {
        let Value::Set(s) = s else { return Ok(false) };
        let h = self.hash(k)?;
        self.set_add_hashed(s, k, h)
    }

    /// `set_add` of a key whose hash `h` is known (taken from another table).
    pub fn set_add_hashed(&mut self, s: SetRef<'gc>, k: Value<'gc>, h: i64) -> R<'gc, bool> {
        if let Some(added) =
            set_table_mut(self, s).insert_decided(h, k, |stored| fast_eq(stored, k))
        {
            return Ok(added);
        }
        // a stored key with this hash needs user code to compare
        if self.find_key(&s.as_ref().table, h, k)?.is_some() {
            return Ok(false);
        }
        set_table_mut(self, s).insert_new(h, k);
        Ok(true)
    }

    /// Adds `other`'s keys to `s` (CPython's `set_merge`).
    pub fn set_merge(&mut self, s: SetRef<'gc>, other: SetRef<'gc>) -> R<'gc, ()> {
        if Gc::ptr_eq(s, other) || other.table.borrow().is_empty() {
            return Ok(());
        }
        let incoming = other.table.borrow().len();
        set_table_mut(self, s).reserve(incoming);
        if s.table.borrow().is_unfilled() {
            set_table_mut(self, s).fill_from(&other.table.borrow());
            return Ok(());
        }
        for (h, k) in entries(other) {
            self.set_add_hashed(s, k, h)?;
        }
        Ok(())
    }

    pub fn set_contains(&mut self, s: SetRef<'gc>, k: Value<'gc>) -> R<'gc, bool> {
        let h = self.hash(k)?;
        self.set_contains_hashed(s, k, h)
    }

    /// `set_contains` of a key whose hash `h` is known (taken from another table).
    pub fn set_contains_hashed(&mut self, s: SetRef<'gc>, k: Value<'gc>, h: i64) -> R<'gc, bool> {
        Ok(self.find_key(&s.as_ref().table, h, k)?.is_some())
    }

    /// Removes `k` from set `s`; returns false when it was absent.
    pub fn set_discard(&mut self, s: SetRef<'gc>, k: Value<'gc>) -> R<'gc, bool> {
        let h = self.hash(k)?;
        self.set_discard_hashed(s, k, h)
    }

    /// `set_discard` of a key whose hash `h` is known (taken from another table).
    pub fn set_discard_hashed(&mut self, s: SetRef<'gc>, k: Value<'gc>, h: i64) -> R<'gc, bool> {
        // one probe when no stored key needs user code to compare
        let mut slow = false;
        let removed = set_table_mut(self, s).remove_found(h, probe_eq(k, &mut slow));
        if removed.is_some() || !slow {
            return Ok(removed.is_some());
        }
        match self.find_key(&s.as_ref().table, h, k)? {
            Some(slot) => Ok(set_table_mut(self, s).remove_at(slot).is_some()),
            None => Ok(false),
        }
    }

    pub fn new_set(&mut self, items: &[Value<'gc>]) -> R<'gc> {
        self.set_of_items(false, items)
    }

    pub fn new_frozenset(&mut self, items: &[Value<'gc>]) -> R<'gc> {
        self.set_of_items(true, items)
    }

    /// A set or frozenset of `items`, added in order.
    fn set_of_items(&mut self, frozen: bool, items: &[Value<'gc>]) -> R<'gc> {
        let s = self.new_set_empty(frozen);
        for it in items {
            self.set_add(s, *it)?;
        }
        Ok(s)
    }

    /// Converts a hashed index into a usize index for sequences.
    pub fn as_index(&mut self, v: Value<'gc>) -> R<'gc, i64> {
        match v {
            Value::Int(i) => Ok(i),
            Value::Bool(b) => Ok(b as i64),
            Value::Obj(o) => match o.as_ref() {
                Obj::BigInt(b) => {
                    Ok(b.to_i64()
                        .unwrap_or(if b.sign() == num_bigint::Sign::Minus {
                            i64::MIN
                        } else {
                            i64::MAX
                        }))
                }
                _ => self.index_via_dunder(v),
            },
            Value::Instance(_) => self.index_via_dunder(v),
            _ => {
                let n = self.type_name(v);
                Err(self.type_error(format!("'{n}' object cannot be interpreted as an integer")))
            }
        }
    }

    fn index_via_dunder(&mut self, v: Value<'gc>) -> R<'gc, i64> {
        if let Some(m) = self.lookup_special(v, "__index__") {
            let r = self.call_bound(m, v, &[])?;
            if let Value::Int(i) = r {
                return Ok(i);
            }
        }
        let n = self.type_name(v);
        Err(self.type_error(format!("'{n}' object cannot be interpreted as an integer")))
    }
}
