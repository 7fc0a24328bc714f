//! The instructions that build containers and strings from the entries on top of the value
//! stack: set and dict displays, `*` and `**` unpacking into a list, set, dict or call, and
//! f-string pieces. They run out of the dispatch loop, which keeps only the hot instructions.

use super::{R, Vm};
use crate::compiler::code::SET_OF_CONSTANTS;
use crate::runtime::value::Value;

impl<'gc> Vm<'gc> {
    /// The top `n` entries, removed from the stack.
    pub(super) fn take_top(&mut self, n: usize) -> Vec<Value<'gc>> {
        let at = self.st.stack.len() - n;
        self.st.stack.drain(at..).collect()
    }

    /// BuildSet: `{a, b, c}`. Out of line: a rare instruction whose body grew the dispatch loop.
    #[inline(never)]
    pub(super) fn build_set(&mut self, n: u32) -> R<'gc, ()> {
        let items = self.take_top((n & !SET_OF_CONSTANTS) as usize);
        let s = if n & SET_OF_CONSTANTS != 0 {
            // CPython makes a display of constants a frozenset constant, merged into an empty
            // set: the merge resizes once, which decides the order the set iterates in
            let (s, f) = (self.new_set_empty(false), self.new_frozenset(&items)?);
            if let (Value::Set(s), Value::Set(f)) = (s, f) {
                self.set_merge(s, f)?;
            }
            s
        } else {
            self.new_set(&items)?
        };
        self.push(s);
        Ok(())
    }

    /// BuildMap: `{k: v, ...}` from `n` key, value pairs.
    pub(super) fn build_map(&mut self, n: usize) -> R<'gc, ()> {
        let items = self.take_top(2 * n);
        let d = self.new_dict();
        for pair in items.chunks(2) {
            self.dict_set(d, pair[0], pair[1])?;
        }
        self.push(Value::Dict(d));
        Ok(())
    }

    /// BuildString: the pieces of an f-string, already formatted, joined.
    pub(super) fn build_string(&mut self, n: usize) {
        let mut s = String::new();
        for it in self.take_top(n) {
            s.push_str(&it.as_str().unwrap_or("".into()));
        }
        let v = self.new_string(s);
        self.push(v);
    }

    /// ListExtend: `[*xs]`; the list sits `d` entries down once the iterable is popped.
    pub(super) fn list_extend(&mut self, d: usize) -> R<'gc, ()> {
        let v = self.pop();
        let l = self.st.stack[self.st.stack.len() - d];
        let items = self.collect_iter(v)?;
        if let Value::List(l) = l {
            l.borrow_mut(self.mc).extend(items);
        }
        Ok(())
    }

    /// SetUpdate: `{*xs}`.
    pub(super) fn set_update(&mut self, d: usize) -> R<'gc, ()> {
        let v = self.pop();
        let s = self.st.stack[self.st.stack.len() - d];
        for it in self.collect_iter(v)? {
            self.set_add(s, it)?;
        }
        Ok(())
    }

    /// DictUpdate (`{**m}`) and DictMerge (`f(**m)`, `strict`: a repeated key is an error,
    /// which names the callee sitting below the positional arguments' tuple).
    pub(super) fn dict_update(&mut self, d: usize, strict: bool) -> R<'gc, ()> {
        let v = self.pop();
        let n = self.st.stack.len();
        let Value::Dict(m) = self.st.stack[n - d] else {
            return Ok(());
        };
        match self.dict_merge(m, v, strict) {
            Err(e) if strict => {
                let callee = self.st.stack[n - d - 2];
                let fs = self.function_str(callee);
                let msg = super::exc::message(self, e);
                let cls = self.type_of(e);
                Err(self.err(cls, format!("{fs} {msg}")))
            }
            r => r,
        }
    }

    /// FormatValue: formats the value on top of the stack for an f-string. `flags` holds the
    /// conversion (0 none, 1 `!s`, 2 `!r`, 3 `!a`) and, with bit 4, a format spec above it.
    pub(super) fn format_top(&mut self, flags: u32) -> R<'gc, ()> {
        let spec = if flags & 4 != 0 {
            Some(self.pop())
        } else {
            None
        };
        let v = self.pop();
        let v = match flags & 3 {
            1 => {
                let s = self.str_of(v)?;
                self.new_string(s)
            }
            2 => {
                let s = self.repr_of(v)?;
                self.new_string(s)
            }
            3 => {
                let s = self.repr_of(v)?;
                self.new_string(crate::runtime::repr::ascii_escape(&s))
            }
            _ => v,
        };
        let spec_s = spec.and_then(|s| s.as_str()).unwrap_or("".into());
        let out = match (v.as_str().is_some(), spec_s.is_empty()) {
            (true, true) => v,
            _ => {
                let s = self.format_value(v, &spec_s)?;
                self.new_string(s)
            }
        };
        self.push(out);
        Ok(())
    }
}
