//! The short-string cache: recently made strings of up to `SHORT_STR` bytes, found by their
//! text, so that a program which makes the same short strings over and over shares one object
//! per text instead of allocating (and later collecting) a new one each time.

use super::Vm;
use crate::runtime::value::{StrObj, StrRef, Value};
use compact_str::CompactString;
use gc_arena::{Collect, Gc};

/// Strings of at most this many bytes (those CompactString keeps inline) go through the cache.
pub const SHORT_STR: usize = 24;

/// Slots in the table, in pairs (two-way).
const SLOTS: usize = 16384;
// `strs` grows only while some slot is empty, so it never holds more strings than there are
// slots, and each position fits a table entry
const _: () = assert!(SLOTS < u16::MAX as usize);

/// The table holds positions in `strs`, not the strings: the collector then traces only the
/// strings present (a program with few strings pays nothing per cycle for the 16,384 slots),
/// and the table is 32 KB, not 128 KB.
#[derive(Collect)]
#[collect(no_drop)]
pub struct ShortStrs<'gc> {
    /// Per slot, 1 + the string's position in `strs`; 0 when empty.
    #[collect(require_static)]
    slots: Box<[u16]>,
    strs: Vec<StrRef<'gc>>,
}

impl Default for ShortStrs<'_> {
    fn default() -> Self {
        ShortStrs {
            slots: vec![0; SLOTS].into_boxed_slice(),
            strs: Vec::new(),
        }
    }
}

impl<'gc> ShortStrs<'gc> {
    fn get(&self, slot: usize, text: &str) -> Option<StrRef<'gc>> {
        for way in [slot, slot + 1] {
            let at = self.slots[way];
            if at != 0 {
                let s = self.strs[at as usize - 1];
                if s.text_is(text) {
                    return Some(s);
                }
            }
        }
        None
    }

    /// The new string takes the pair's first way, the first moves to the second, and the
    /// string in the second (if any) is dropped from the cache, its position reused.
    fn put(&mut self, slot: usize, s: StrRef<'gc>) {
        let at = match self.slots[slot + 1] {
            0 => {
                self.strs.push(s);
                self.strs.len() as u16
            }
            evicted => {
                self.strs[evicted as usize - 1] = s;
                evicted
            }
        };
        self.slots[slot + 1] = self.slots[slot];
        self.slots[slot] = at;
    }
}

/// The first slot of a text's pair: a hash of the text taken eight bytes at a time, cheaper
/// than Python's hash (which is computed only if asked for).
fn slot_of(bytes: &[u8]) -> usize {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h = (bytes.len() as u64).wrapping_mul(K);
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let word: [u8; 8] = chunk.try_into().unwrap_or_default();
        h = (h ^ u64::from_le_bytes(word)).wrapping_mul(K);
    }
    let tail = chunks.remainder();
    if !tail.is_empty() {
        // gathered a byte at a time: copying the tail into a zeroed word and loading that
        // stalled store forwarding (a word load over narrower stores), a quarter of the time
        // of this function in strings_dicts
        let word = tail.iter().rev().fold(0u64, |w, &b| w << 8 | b as u64);
        h = (h ^ word).wrapping_mul(K);
    }
    (h >> 40) as usize & (SLOTS - 2)
}

impl<'gc> Vm<'gc> {
    /// A short string, shared with an equal one made before if the cache still holds it;
    /// the empty string is always the one `State::empty_str`.
    pub fn short_str(&mut self, text: &str) -> Value<'gc> {
        if text.is_empty() {
            return self.st.empty_str;
        }
        let slot = slot_of(text.as_bytes());
        if let Some(hit) = self.st.short_strs.borrow().get(slot, text) {
            return Value::Str(hit);
        }
        let s = Gc::new(self.mc, StrObj::new(CompactString::from(text)));
        // written only on a miss: the write barrier makes the collector re-trace the cache
        self.st.short_strs.borrow_mut(self.mc).put(slot, s);
        Value::Str(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_third_string_in_a_pair_evicts_the_oldest_and_reuses_its_position() {
        type Root = gc_arena::Rootable![ShortStrs<'_>];
        let mut arena = gc_arena::Arena::<Root>::new(|_| ShortStrs::default());
        arena.mutate_root(|mc, cache| {
            let make = |t: &str| Gc::new(mc, StrObj::new(CompactString::from(t)));
            let (a, b, c) = (make("alpha"), make("beta"), make("gamma"));
            cache.put(0, a);
            cache.put(0, b);
            assert!(Gc::ptr_eq(cache.get(0, "alpha").unwrap(), a));
            assert!(Gc::ptr_eq(cache.get(0, "beta").unwrap(), b));
            cache.put(0, c);
            assert!(cache.get(0, "alpha").is_none());
            assert!(Gc::ptr_eq(cache.get(0, "beta").unwrap(), b));
            assert!(Gc::ptr_eq(cache.get(0, "gamma").unwrap(), c));
            assert_eq!(cache.strs.len(), 2);
            // equal length, different text: not a hit
            assert!(cache.get(0, "gammb").is_none());
        });
    }

    #[test]
    fn slots_are_even_and_in_range() {
        for text in ["", "a", "w123", "exactly-eight", "twenty-four bytes long!!"] {
            let slot = slot_of(text.as_bytes());
            assert_eq!(slot % 2, 0, "{text}");
            assert!(slot + 1 < SLOTS, "{text}");
        }
    }
}
