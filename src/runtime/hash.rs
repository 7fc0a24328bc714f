//! Hash functions with CPython's numeric semantics: equal numbers hash equal across int, float, bool.

use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{Signed, ToPrimitive};

const MODULUS: u64 = (1 << 61) - 1;

/// Python's `hash()` of an int, as a signed value.
pub fn hash_i64(i: i64) -> i64 {
    let m = MODULUS as i128;
    let v = i as i128;
    let r = if v >= 0 { v % m } else { -((-v) % m) };
    let r = r as i64;
    if r == -1 { -2 } else { r }
}

pub fn hash_bigint(b: &BigInt) -> i64 {
    let m = BigInt::from(MODULUS);
    let r = b.abs().mod_floor(&m).to_i64().unwrap_or(0);
    let r = if b.is_negative() { -r } else { r };
    if r == -1 { -2 } else { r }
}

pub fn hash_f64(v: f64) -> i64 {
    if v.is_infinite() {
        return if v > 0.0 { 314159 } else { -314159 };
    }
    if v.is_nan() {
        return 0;
    }
    if v.fract() == 0.0 && v.abs() < 9.2e18 {
        return hash_i64(v as i64);
    }
    let (mut m, mut e) = frexp(v);
    let mut sign: i64 = 1;
    if m < 0.0 {
        sign = -1;
        m = -m;
    }
    let mut x: u64 = 0;
    while m != 0.0 {
        x = ((x << 28) & MODULUS) | (x >> (61 - 28));
        m *= 268435456.0;
        e -= 28;
        let y = m as u64;
        m -= y as f64;
        x += y;
        if x >= MODULUS {
            x -= MODULUS;
        }
    }
    let e = if e >= 0 {
        e % 61
    } else {
        61 - 1 - ((-1 - e) % 61)
    };
    x = ((x << e) & MODULUS) | (x >> (61 - e));
    let r = (x as i64) * sign;
    if r == -1 { -2 } else { r }
}

/// `(m, e)` with `v == m * 2**e` and `0.5 <= |m| < 1`.
pub fn frexp(v: f64) -> (f64, i32) {
    if v == 0.0 || !v.is_finite() {
        return (v, 0);
    }
    let bits = v.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32;
    if exp == 0 {
        // subnormal: scale up first
        let (m, e) = frexp(v * 2f64.powi(54));
        return (m, e - 54);
    }
    let e = exp - 1022;
    let m_bits = (bits & !(0x7ffu64 << 52)) | (1022u64 << 52);
    (f64::from_bits(m_bits), e)
}

/// `hash()` of a str (and of bytes with the same content): a 32-bit value, never -1, so that
/// string objects can cache it in four bytes.
pub fn str_hash(s: &str) -> i64 {
    let h = hash_str(s);
    match (h ^ (h >> 32)) as i32 {
        -1 => -2,
        h32 => h32 as i64,
    }
}

fn hash_str(s: &str) -> i64 {
    // FNV-1a, then mixed; never -1.
    let mut h: u64 = 0xcbf29ce484222325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h ^= h >> 29;
    h = h.wrapping_mul(0xbf58476d1ce4e5b9);
    h ^= h >> 32;
    let r = h as i64;
    if r == -1 { -2 } else { r }
}

/// CPython's tuple hash over item hashes.
pub fn hash_tuple(items: &[i64]) -> i64 {
    const P1: u64 = 11400714785074694791;
    const P2: u64 = 14029467366897019727;
    const P5: u64 = 2870177450012600261;
    let mut acc: u64 = P5;
    for &h in items {
        acc = acc.wrapping_add((h as u64).wrapping_mul(P2));
        acc = acc.rotate_left(31);
        acc = acc.wrapping_mul(P1);
    }
    acc = acc.wrapping_add((items.len() as u64) ^ (P5 ^ 3527539));
    let r = acc as i64;
    if r == -1 { 1546275796 } else { r }
}

/// A Python hash as the hash-table index wants it. hashbrown takes its 7-bit tag from the top
/// bits, where Python hashes are often constant (small ints, addresses rotated right): every
/// entry would then match every probe. A folded multiply spreads all bits over both ends.
#[inline]
pub fn spread(hash: u64) -> u64 {
    let m = (hash as u128).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (m as u64) ^ ((m >> 64) as u64)
}

/// Identity hash for objects without `__hash__`, as CPython derives it from the address.
pub fn hash_addr(addr: usize) -> i64 {
    let a = addr as u64;
    (a.rotate_right(4)) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// hashbrown's tag is the top 7 bits: hashes of small ints and of aligned addresses must
    /// not all share one tag after spreading, or every probe compares every key.
    #[test]
    fn spread_gives_varied_tags() {
        let tags = |hashes: &mut dyn Iterator<Item = i64>| {
            let mut seen = std::collections::HashSet::new();
            for h in hashes {
                seen.insert(spread(h as u64) >> 57);
            }
            seen.len()
        };
        assert!(tags(&mut (0..1000).map(hash_i64)) > 100);
        assert!(tags(&mut (0..1000usize).map(|i| hash_addr(0x7f00_0000_0000 + i * 48))) > 100);
        assert!(tags(&mut (0..1000).map(|i| str_hash(&format!("w{i}")))) > 100);
    }
}
