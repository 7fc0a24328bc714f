//! The value stack's primitives: push and pop, and the in-place reads and writes of its top
//! entries that the dispatch loop's arithmetic and iteration fast paths use.

use super::Vm;
use crate::parser::ast::BinOp;
use crate::runtime::value::Value;

/// Defines a method that replaces the top two stack entries with a number result. When the
/// lower entry already holds that kind of number only its payload is written: building a whole
/// `Value` in a temporary and copying it as 16 bytes stalled store forwarding on every result.
macro_rules! replace_top_two_number {
    ($name:ident, $variant:ident, $ty:ty) => {
        #[inline(always)]
        pub(super) fn $name(&mut self, r: $ty) {
            let s = &mut self.st.stack;
            let n = s.len();
            match &mut s[n - 2] {
                Value::$variant(slot) => *slot = r.into(),
                slot => *slot = Value::$variant(r.into()),
            }
            s.truncate(n - 1);
        }
    };
}

impl<'gc> Vm<'gc> {
    #[inline]
    pub fn push(&mut self, v: Value<'gc>) {
        self.st.stack.push(v);
    }

    #[inline]
    pub fn pop(&mut self) -> Value<'gc> {
        self.st.stack.pop().unwrap_or(Value::None)
    }

    /// Pops the top of the stack into slot `at` (StoreFast). The value was most often pushed
    /// just before, by two word stores (a call's result): copied as one 16-byte load it
    /// stalled store forwarding, 12% of the dispatch loop's samples in weakref_callbacks. Its
    /// tag and payload are read one at a time instead (see `split_copy`).
    #[inline(always)]
    pub(super) fn pop_to_slot(&mut self, at: usize) {
        let s = &mut self.st.stack;
        let n = s.len() - 1;
        let v = split_copy(&s[n]);
        s.truncate(n);
        s[at] = v;
    }

    /// The two ints on top of the stack, read through references: a tag and a payload load
    /// each match the two stores that pushed them, where copying the whole Value out with one
    /// 16-byte load would stall store forwarding.
    #[inline(always)]
    pub(super) fn top_two_ints(&self) -> Option<(i64, i64)> {
        let s = &self.st.stack;
        let n = s.len();
        if n < 2 {
            return None;
        }
        match (&s[n - 2], &s[n - 1]) {
            (Value::Int(x), Value::Int(y)) => Some((*x, *y)),
            _ => None,
        }
    }

    /// `+ - * /` on the two numbers on top of the stack when at least one is a float (or both
    /// are ints small enough for `/` to be exact in doubles), read in place like the ints.
    #[inline(always)]
    pub(super) fn float_fast(&self, op: BinOp) -> Option<f64> {
        let s = &self.st.stack;
        let n = s.len();
        if n < 2 {
            return None;
        }
        crate::runtime::ops::float_binary(op, &s[n - 2], &s[n - 1])
    }

    /// Replaces the top two stack entries with `v`.
    #[inline(always)]
    pub(super) fn replace_top_two(&mut self, v: Value<'gc>) {
        let s = &mut self.st.stack;
        let n = s.len();
        s[n - 2] = v;
        s.truncate(n - 1);
    }

    replace_top_two_number!(replace_top_two_int, Int, i64);
    replace_top_two_number!(replace_top_two_float, Float, f64);

    /// The next item of a builtin iterator over a list, tuple or range, without calls:
    /// Some(None) at its end, None for any other iterator.
    #[inline(always)]
    pub(super) fn next_fast(&self, it: Value<'gc>) -> Option<Option<Value<'gc>>> {
        let Value::Iter(cell) = it else {
            return None;
        };
        cell.borrow_mut(self.mc).next_in_sequence()
    }

    /// Where a CallMethod's callee sits and how many arguments it takes, counting the `self`
    /// that LoadMethod pushed; an empty `self` slot (Undef, for `module.function`) is removed.
    #[inline(always)]
    pub(super) fn method_call_args(&mut self, argc: usize) -> (usize, usize) {
        let self_pos = self.st.stack.len() - argc - 1;
        if self.st.stack[self_pos].is_undef() {
            self.remove_slot(self_pos);
            (self_pos - 1, argc)
        } else {
            (self_pos - 1, argc + 1)
        }
    }

    /// Removes the stack entry at `pos` (the empty `self` slot of a call of a module's
    /// function). The entries above it, a call's few arguments, are moved down one by one:
    /// `Vec::remove` calls memmove, whose setup costs more than moving them.
    #[inline(never)]
    pub(super) fn remove_slot(&mut self, pos: usize) {
        let s = &mut self.st.stack;
        match s[pos..] {
            [_] => {}
            [_, x] => s[pos] = x,
            [_, x, y] => (s[pos], s[pos + 1]) = (x, y),
            [_, x, y, z] => (s[pos], s[pos + 1], s[pos + 2]) = (x, y, z),
            _ => s.copy_within(pos + 1.., pos),
        }
        s.pop();
    }

    /// Inserts `v` at stack position `pos` (the `self` of a bound method, of `__call__` or of
    /// `__init__` before the call's arguments; Rot3's top under the two below it), moving the
    /// few entries above it up by hand, for the reason given at `remove_slot`.
    #[inline(never)]
    pub(super) fn insert_slot(&mut self, pos: usize, v: Value<'gc>) {
        let s = &mut self.st.stack;
        let last = match s[pos..] {
            [] => v,
            [_] => std::mem::replace(&mut s[pos], v),
            [x, y] => {
                (s[pos], s[pos + 1]) = (v, x);
                y
            }
            [x, y, z] => {
                (s[pos], s[pos + 1], s[pos + 2]) = (v, x, y);
                z
            }
            _ => {
                s.insert(pos, v);
                return;
            }
        };
        s.push(last);
    }

    #[inline]
    pub(super) fn top(&self) -> Value<'gc> {
        *self.st.stack.last().unwrap()
    }
}

/// A copy of `v` built from its tag and its payload read separately, variant by variant: each
/// load matches one of the two word stores that wrote the value, where a copy of the whole
/// Value is one 16-byte load that store forwarding cannot serve.
#[inline(always)]
#[allow(clippy::needless_match)] // the match is the point: `*v` alone compiles to a 16-byte load
pub(super) fn split_copy<'gc>(v: &Value<'gc>) -> Value<'gc> {
    match *v {
        Value::Undef => Value::Undef,
        Value::None => Value::None,
        Value::Bool(b) => Value::Bool(b),
        Value::Int(i) => Value::Int(i),
        Value::Float(f) => Value::Float(f),
        Value::Str(g) => Value::Str(g),
        Value::Tuple(g) => Value::Tuple(g),
        Value::List(g) => Value::List(g),
        Value::Dict(g) => Value::Dict(g),
        Value::Set(g) => Value::Set(g),
        Value::Instance(g) => Value::Instance(g),
        Value::Cell(g) => Value::Cell(g),
        Value::Iter(g) => Value::Iter(g),
        Value::Weak(g) => Value::Weak(g),
        Value::Obj(g) => Value::Obj(g),
    }
}
