//! Python's sort (`sorted`, `list.sort`): stable, asks only `<`, and stops at the first error.
//! Keys that are all ints, all floats or all strs are sorted natively, without a comparison
//! call per pair; anything else goes through a merge sort that calls `<` as CPython does.

use crate::parser::ast::CmpOp;
use crate::runtime::compare::seq_compare;
use crate::runtime::value::Value;
use crate::vm::{R, Vm};
use std::cmp::Ordering;

/// `a < b`, with fast paths for numbers, strings and tuples of them.
pub fn less<'gc>(vm: &mut Vm<'gc>, a: Value<'gc>, b: Value<'gc>) -> R<'gc, bool> {
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Ok(x < y),
        (Value::Float(x), Value::Float(y)) => Ok(x.get() < y.get()),
        (Value::Str(x), Value::Str(y)) => Ok(*x.text() < *y.text()),
        (Value::Tuple(x), Value::Tuple(y)) => seq_compare(vm, CmpOp::Lt, x.items(), y.items()),
        _ => {
            let r = vm.compare(CmpOp::Lt, a, b)?;
            vm.truthy(r)
        }
    }
}

/// Sorts `items` in place by `key` (None: the items themselves). With `reverse`, equal items
/// keep their order, as in CPython. On an error `items` is left as it was.
pub fn sort_values<'gc>(
    vm: &mut Vm<'gc>,
    items: &mut Vec<Value<'gc>>,
    key: Value<'gc>,
    reverse: bool,
) -> R<'gc, ()> {
    let keys: Option<Vec<Value<'gc>>> = if key.is_none() || key.is_undef() {
        None
    } else {
        let mut ks = Vec::with_capacity(items.len());
        for &it in items.iter() {
            ks.push(vm.call(key, &[it], &[])?);
        }
        Some(ks)
    };
    let by = keys.as_deref().unwrap_or(items);
    let mut order = match native_order(by, reverse) {
        Some(order) => order,
        None => {
            let mut order: Vec<usize> = (0..items.len()).collect();
            merge_sort(&mut order, &mut |&i, &j| {
                if reverse {
                    less(vm, by[j], by[i])
                } else {
                    less(vm, by[i], by[j])
                }
            })?;
            order
        }
    };
    drop(keys);
    permute(items, &mut order);
    Ok(())
}

/// Rearranges `items` so that slot `j` holds what was at `order[j]`, in place (sorting a big
/// list needs no second copy of it), following each cycle of the permutation once.
fn permute<T: Copy>(items: &mut [T], order: &mut [usize]) {
    const DONE: usize = usize::MAX;
    for start in 0..items.len() {
        if order[start] == DONE {
            continue;
        }
        let first = items[start];
        let mut j = start;
        loop {
            let from = std::mem::replace(&mut order[j], DONE);
            if from == start {
                items[j] = first;
                break;
            }
            items[j] = items[from];
            j = from;
        }
    }
}

/// The sorted order of keys that are all ints, all floats (no NaN) or all strs, where `<` is a
/// total order that runs no user code; None for any other keys.
fn native_order(keys: &[Value<'_>], reverse: bool) -> Option<Vec<usize>> {
    fn order<K: PartialOrd>(mut ks: Vec<(K, usize)>, reverse: bool) -> Vec<usize> {
        // each key is paired with its place, so no two compare equal: an unstable sort (in
        // place, with no buffer of the list's size) gives the stable order, in reverse too
        ks.sort_unstable_by(|a, b| {
            let o = a.0.partial_cmp(&b.0).unwrap_or(Ordering::Equal);
            let o = if reverse { o.reverse() } else { o };
            o.then(a.1.cmp(&b.1))
        });
        ks.into_iter().map(|k| k.1).collect()
    }
    fn all<'v, K>(
        keys: &'v [Value<'_>],
        f: impl Fn(&'v Value<'_>) -> Option<K>,
    ) -> Option<Vec<(K, usize)>> {
        keys.iter()
            .enumerate()
            .map(|(i, k)| f(k).map(|x| (x, i)))
            .collect()
    }
    match keys.first()? {
        Value::Int(_) => Some(order(
            all(keys, |k| match k {
                Value::Int(i) => Some(*i),
                _ => None,
            })?,
            reverse,
        )),
        Value::Float(_) => Some(order(
            all(keys, |k| match k {
                Value::Float(x) if !x.get().is_nan() => Some(x.get()),
                _ => None,
            })?,
            reverse,
        )),
        // UTF-8 byte order is code point order, which is how Python compares strs
        Value::Str(_) => Some(order(
            all(keys, |k| match k {
                Value::Str(s) => Some(s.text()),
                _ => None,
            })?,
            reverse,
        )),
        _ => None,
    }
}

/// Runs this long are sorted by insertion before merging.
const RUN: usize = 16;

/// A stable bottom-up merge sort that asks only `less(a, b)`. Whatever `less` answers (a user's
/// `__lt__` need not be a consistent order), it ends with a permutation and never panics.
fn merge_sort<T: Copy, E>(
    v: &mut Vec<T>,
    less: &mut impl FnMut(&T, &T) -> Result<bool, E>,
) -> Result<(), E> {
    let n = v.len();
    for start in (0..n).step_by(RUN) {
        let end = (start + RUN).min(n);
        for i in start + 1..end {
            let x = v[i];
            let mut j = i;
            while j > start && less(&x, &v[j - 1])? {
                v[j] = v[j - 1];
                j -= 1;
            }
            v[j] = x;
        }
    }
    if n <= RUN {
        return Ok(());
    }
    let mut other = v.clone();
    let (mut src, mut dst) = (&mut *v, &mut other);
    let mut width = RUN;
    let mut in_other = false;
    while width < n {
        for lo in (0..n).step_by(2 * width) {
            let mid = (lo + width).min(n);
            let hi = (lo + 2 * width).min(n);
            merge(&src[lo..mid], &src[mid..hi], &mut dst[lo..hi], less)?;
        }
        std::mem::swap(&mut src, &mut dst);
        in_other = !in_other;
        width *= 2;
    }
    if in_other {
        v.copy_from_slice(&other);
    }
    Ok(())
}

/// Merges two sorted runs into `out`; an item of the right run goes first only when it is
/// strictly less, which keeps the sort stable.
fn merge<T: Copy, E>(
    left: &[T],
    right: &[T],
    out: &mut [T],
    less: &mut impl FnMut(&T, &T) -> Result<bool, E>,
) -> Result<(), E> {
    let (mut i, mut j) = (0, 0);
    if right.is_empty() || !less(&right[0], &left[left.len() - 1])? {
        // already in order (common for nearly sorted input)
        out[..left.len()].copy_from_slice(left);
        out[left.len()..].copy_from_slice(right);
        return Ok(());
    }
    for slot in out.iter_mut() {
        let take_right = i == left.len() || (j < right.len() && less(&right[j], &left[i])?);
        if take_right {
            *slot = right[j];
            j += 1;
        } else {
            *slot = left[i];
            i += 1;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{merge_sort, permute};

    #[test]
    fn permute_applies_an_order_in_place() {
        // a permutation of several cycles, fixed points included
        let mut seed = 99u64;
        let mut order: Vec<usize> = (0..300).collect();
        for i in (1..order.len()).rev() {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            order.swap(i, (seed >> 33) as usize % (i + 1));
        }
        let items: Vec<u32> = (0..300).map(|i| i * 3 + 1).collect();
        let expected: Vec<u32> = order.iter().map(|&i| items[i]).collect();
        let mut got = items.clone();
        permute(&mut got, &mut order.clone());
        assert_eq!(got, expected);
    }

    #[test]
    fn merge_sort_is_stable_and_total() {
        // keys 0..7 with their original positions: equal keys must keep that order
        let mut v: Vec<(u32, usize)> = (0..1000).map(|i| ((i * 7919 % 8) as u32, i)).collect();
        merge_sort(&mut v, &mut |a, b| Ok::<bool, ()>(a.0 < b.0)).unwrap();
        for w in v.windows(2) {
            assert!(w[0].0 < w[1].0 || (w[0].0 == w[1].0 && w[0].1 < w[1].1));
        }
    }

    #[test]
    fn merge_sort_survives_an_inconsistent_order() {
        let mut seed = 12345u64;
        let mut v: Vec<usize> = (0..500).collect();
        merge_sort(&mut v, &mut |_, _| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1);
            Ok::<bool, ()>(seed >> 63 == 1)
        })
        .unwrap();
        v.sort_unstable();
        assert_eq!(v, (0..500).collect::<Vec<_>>());
    }

    #[test]
    fn merge_sort_stops_at_the_first_error() {
        let mut calls = 0;
        let mut v: Vec<i32> = (0..100).rev().collect();
        let r = merge_sort(&mut v, &mut |a, b| {
            calls += 1;
            if calls == 50 { Err("boom") } else { Ok(a < b) }
        });
        assert_eq!(r, Err("boom"));
        assert_eq!(calls, 50);
    }
}
