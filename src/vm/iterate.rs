//! The iteration protocol: `iter()`, `next()`, the builtin iterators, and unpacking.

use super::exc;
use super::frame::FrameKind;
use super::{R, Vm};
use crate::runtime::iter::Iter;
use crate::runtime::value::{IterRef, Obj, Value};

impl<'gc> Vm<'gc> {
    /// `iter(v)`.
    pub fn get_iter(&mut self, v: Value<'gc>) -> R<'gc> {
        let it = match v {
            Value::List(_) | Value::Tuple(_) => Iter::Seq(v, 0),
            Value::Str(s) => Iter::Str(s, 0),
            Value::Dict(d) => {
                let (ver, len) = {
                    let b = d.borrow();
                    (b.version, b.len())
                };
                Iter::Dict(v, 0, ver, 0, len)
            }
            Value::Set(s) => {
                let len = s.table.borrow().len();
                Iter::Dict(v, 0, 0, 0, len)
            }
            Value::Iter(_) => return Ok(v),
            Value::Obj(o) => match o.as_ref() {
                Obj::Range(a, b, c) => Iter::Range(*a, *b, *c),
                Obj::Generator(_) => return Ok(v),
                Obj::DictView(kind, d) => {
                    let (ver, len) = {
                        let b = d.borrow();
                        (b.version, b.len())
                    };
                    Iter::Dict(Value::Dict(*d), 0, ver, *kind, len)
                }
                Obj::Bytes(_) => {
                    let items: Vec<Value<'gc>> = match o.as_ref() {
                        Obj::Bytes(b) => b.iter().map(|x| Value::Int(*x as i64)).collect(),
                        _ => vec![],
                    };
                    let l = self.new_list(items);
                    Iter::Seq(l, 0)
                }
                _ => return self.iter_via_dunder(v),
            },
            Value::Instance(_) if Self::is_proxy(v) => {
                let t = self.deproxy(v)?;
                return self.get_iter(t);
            }
            Value::Instance(i) => {
                if let crate::runtime::value::Payload::Value(inner) = i.payload.get() {
                    if self
                        .lookup_special(v, "__iter__")
                        .map(|f| self.is_builtin_fn(f))
                        .unwrap_or(true)
                    {
                        return self.get_iter(inner);
                    }
                }
                return self.iter_via_dunder(v);
            }
            _ => return self.iter_via_dunder(v),
        };
        Ok(self.new_iter(it))
    }

    fn iter_via_dunder(&mut self, v: Value<'gc>) -> R<'gc> {
        if let Some(f) = self.lookup_special(v, "__iter__") {
            if f.is_none() {
                let n = self.type_name(v);
                return Err(self.type_error(format!("'{n}' object is not iterable")));
            }
            let it = self.call_bound(f, v, &[])?;
            if self.lookup_special(it, "__next__").is_none()
                && !matches!(it, Value::Iter(_))
                && !self.is_generator(it)
            {
                let n = self.type_name(it);
                return Err(self.type_error(format!("iter() returned non-iterator of type '{n}'")));
            }
            return Ok(it);
        }
        if self.lookup_special(v, "__getitem__").is_some() {
            return Ok(self.new_iter(Iter::GetItem(v, 0)));
        }
        let n = self.type_name(v);
        Err(self.type_error(format!("'{n}' object is not iterable")))
    }

    pub fn is_generator(&self, v: Value<'gc>) -> bool {
        matches!(v, Value::Obj(o) if matches!(o.as_ref(), Obj::Generator(_)))
    }

    /// `next(it)`, raising StopIteration at the end.
    pub fn next_raw(&mut self, it: Value<'gc>) -> R<'gc> {
        match self.next(it)? {
            Some(v) => Ok(v),
            None => Err(self.stop_iteration(Value::None)),
        }
    }

    /// The next item, or None at the end.
    pub fn next(&mut self, it: Value<'gc>) -> R<'gc, Option<Value<'gc>>> {
        match it {
            Value::Iter(r) => self.next_builtin(r),
            Value::Obj(o) if matches!(o.as_ref(), Obj::Generator(_)) => self.gen_next(o),
            Value::Instance(_) if Self::is_proxy(it) => {
                let t = self.deproxy(it)?;
                self.next(t)
            }
            _ => {
                let Some(f) = self.lookup_special(it, "__next__") else {
                    let n = self.type_name(it);
                    return Err(self.type_error(format!("'{n}' object is not an iterator")));
                };
                match self.call_bound(f, it, &[]) {
                    Ok(v) => Ok(Some(v)),
                    Err(e) if exc::is_subclass(self.type_of(e), self.st.types.stop_iteration) => {
                        Ok(None)
                    }
                    Err(e) => Err(e),
                }
            }
        }
    }

    /// The `for` loop's step for iterators without a fast path.
    pub fn for_iter_slow(&mut self, it: Value<'gc>, exit: u32) -> R<'gc, ForIterStep<'gc>> {
        if let Value::Instance(_) = it {
            if let Some(Value::Obj(fo)) = self.lookup_special(it, "__next__") {
                if let Obj::Function(f) = fo.as_ref() {
                    let at = self.st.stack.len();
                    self.push(it);
                    self.push_function_frame(f, at, 1, None, at, FrameKind::NextForIter(exit))?;
                    return Ok(ForIterStep::Pushed);
                }
            }
        }
        Ok(match self.next(it)? {
            Some(v) => ForIterStep::Value(v),
            None => ForIterStep::Done,
        })
    }

    pub fn next_builtin(&mut self, r: IterRef<'gc>) -> R<'gc, Option<Value<'gc>>> {
        // take a copy of the state; user code may run (map, filter) and touch this iterator
        enum Step<'gc> {
            Done,
            Val(Value<'gc>),
            Enumerate(Value<'gc>, i64),
            Zip(Vec<Value<'gc>>, bool),
            Map(Value<'gc>, Vec<Value<'gc>>),
            Filter(Value<'gc>, Value<'gc>),
            Reversed(Value<'gc>, i64),
            Callable(Value<'gc>, Value<'gc>),
            GetItem(Value<'gc>, i64),
            Changed(bool),
            WeakChanged(bool),
            Pair(Value<'gc>, Value<'gc>),
        }
        let step = {
            let mut st = r.borrow_mut(self.mc);
            if let Some(item) = st.next_in_sequence() {
                return Ok(item);
            }
            match &mut *st {
                // lists, tuples and ranges stepped above
                Iter::Done | Iter::Seq(..) | Iter::Range(..) => Step::Done,
                Iter::Str(s, pos) => {
                    let text = &*s.text();
                    match text[*pos..].chars().next() {
                        Some(c) => {
                            *pos += c.len_utf8();
                            Step::Val(Value::Undef)
                        }
                        None => Step::Done,
                    }
                }
                Iter::Dict(c, pos, _, kind, len0) => {
                    let (table_len, next) = match c {
                        Value::Dict(d) => {
                            let b = d.borrow();
                            let next = b.next_from(*pos).map(|(p, e)| (p, e.key, e.value));
                            (b.len(), next)
                        }
                        Value::Set(s) => {
                            let b = s.table.borrow();
                            let next = b.next_from(*pos).map(|(p, k)| (p, k, Value::None));
                            (b.len(), next)
                        }
                        _ => (0, None),
                    };
                    if table_len != *len0 {
                        let is_set = matches!(c, Value::Set(_));
                        *st = Iter::Done;
                        Step::Changed(is_set)
                    } else {
                        match next {
                            Some((p, key, value)) => {
                                *pos = p + 1;
                                match kind {
                                    0 => Step::Val(key),
                                    1 => Step::Val(value),
                                    _ => Step::Pair(key, value),
                                }
                            }
                            None => Step::Done,
                        }
                    }
                }
                Iter::Enumerate(it, n) => {
                    let s = Step::Enumerate(*it, *n);
                    *n += 1;
                    s
                }
                Iter::Zip(its, strict) => Step::Zip(its.clone(), *strict),
                Iter::Map(f, its) => Step::Map(*f, its.clone()),
                Iter::Filter(f, it) => Step::Filter(*f, *it),
                Iter::Reversed(seq, idx) => {
                    *idx -= 1;
                    Step::Reversed(*seq, *idx)
                }
                Iter::Callable(f, s) => Step::Callable(*f, *s),
                Iter::GetItem(o, i) => {
                    *i += 1;
                    Step::GetItem(*o, *i - 1)
                }
                Iter::Weak(t, pos, ver, mode) => {
                    let tb = t.borrow();
                    if tb.version != *ver {
                        let is_set = tb.kind == crate::runtime::weak::TableKind::Set;
                        drop(tb);
                        *st = Iter::Done;
                        Step::WeakChanged(is_set)
                    } else {
                        // holes are entries the collector removed: skip them
                        let mut found = None;
                        while *pos < tb.entries.len() {
                            let e = tb.entries[*pos];
                            *pos += 1;
                            if let Some(e) = e {
                                if let (Some(k), Some(v)) =
                                    (e.key.get(self.mc), e.value.get(self.mc))
                                {
                                    found = Some((k, v));
                                    break;
                                }
                            }
                        }
                        match (found, *mode) {
                            (None, _) => Step::Done,
                            (Some((k, _)), 0) => Step::Val(k),
                            (Some((_, v)), 1) => Step::Val(v),
                            (Some((k, v)), _) => Step::Pair(k, v),
                        }
                    }
                }
            }
        };
        match step {
            Step::Done => Ok(None),
            Step::Val(Value::Undef) => {
                // a character of a str iterator: re-read it (the position has advanced)
                let st = r.borrow();
                if let Iter::Str(s, pos) = &*st {
                    let text = s.text();
                    let before = text[..*pos].chars().next_back().unwrap();
                    let mut buf = [0u8; 4];
                    let cs: &str = before.encode_utf8(&mut buf);
                    let cs = cs.to_string();
                    drop(text);
                    drop(st);
                    return Ok(Some(self.char_str(&cs)));
                }
                Ok(None)
            }
            Step::Val(v) => Ok(Some(v)),
            Step::Changed(is_set) => {
                let what = if is_set { "Set" } else { "dictionary" };
                Err(self.runtime_error(format!("{what} changed size during iteration")))
            }
            Step::Enumerate(it, n) => match self.next(it)? {
                Some(v) => Ok(Some(self.new_tuple(vec![Value::Int(n), v]))),
                None => Ok(None),
            },
            Step::WeakChanged(is_set) => {
                let what = if is_set { "Set" } else { "dictionary" };
                Err(self.runtime_error(format!("{what} changed size during iteration")))
            }
            Step::Pair(k, v) => Ok(Some(self.new_tuple(vec![k, v]))),
            Step::Zip(its, strict) => {
                let mut vals = Vec::with_capacity(its.len());
                for (i, it) in its.iter().enumerate() {
                    match self.next(*it)? {
                        Some(v) => vals.push(v),
                        None => {
                            if strict && (i > 0 || its[1..].iter().any(|_| true)) {
                                // zip(strict=True): every iterator must end together
                                if i > 0 {
                                    return Err(self.value_error(format!(
                                        "zip() argument {} is shorter than argument 1",
                                        i + 1
                                    )));
                                }
                                for (j, other) in its.iter().enumerate().skip(1) {
                                    if self.next(*other)?.is_some() {
                                        return Err(self.value_error(format!(
                                            "zip() argument {} is longer than argument 1",
                                            j + 1
                                        )));
                                    }
                                }
                            }
                            *r.borrow_mut(self.mc) = Iter::Done;
                            return Ok(None);
                        }
                    }
                }
                if its.is_empty() {
                    return Ok(None);
                }
                Ok(Some(self.new_tuple(vals)))
            }
            Step::Map(f, its) => {
                let mut vals = Vec::with_capacity(its.len());
                for it in its {
                    match self.next(it)? {
                        Some(v) => vals.push(v),
                        None => return Ok(None),
                    }
                }
                Ok(Some(self.call(f, &vals, &[])?))
            }
            Step::Filter(f, it) => loop {
                let Some(v) = self.next(it)? else {
                    return Ok(None);
                };
                let keep = if f.is_none() {
                    self.truthy(v)?
                } else {
                    let r = self.call(f, &[v], &[])?;
                    self.truthy(r)?
                };
                if keep {
                    return Ok(Some(v));
                }
            },
            Step::Reversed(seq, idx) => {
                if idx < 0 {
                    return Ok(None);
                }
                Ok(Some(self.getitem(seq, Value::Int(idx))?))
            }
            Step::Callable(f, sentinel) => {
                let v = self.call(f, &[], &[])?;
                if self.key_eq(v, sentinel)? {
                    *r.borrow_mut(self.mc) = Iter::Done;
                    return Ok(None);
                }
                Ok(Some(v))
            }
            Step::GetItem(o, i) => match self.getitem(o, Value::Int(i)) {
                Ok(v) => Ok(Some(v)),
                Err(e) => {
                    let t = self.type_of(e);
                    if exc::is_subclass(t, self.st.types.index_error)
                        || exc::is_subclass(t, self.st.types.stop_iteration)
                    {
                        *r.borrow_mut(self.mc) = Iter::Done;
                        Ok(None)
                    } else {
                        Err(e)
                    }
                }
            },
        }
    }

    /// A one-character string; ASCII ones are shared.
    pub fn char_str(&mut self, c: &str) -> Value<'gc> {
        if c.len() == 1 {
            return self.intern(c);
        }
        self.new_str(c)
    }

    /// All items of an iterable.
    pub fn collect_iter(&mut self, v: Value<'gc>) -> R<'gc, Vec<Value<'gc>>> {
        match v {
            Value::List(l) => return Ok(l.borrow().clone()),
            Value::Tuple(t) => return Ok(t.items().to_vec()),
            _ => {}
        }
        let it = self.get_iter(v)?;
        self.drain_iter(it)
    }

    /// The remaining items of iterator `it`.
    fn drain_iter(&mut self, it: Value<'gc>) -> R<'gc, Vec<Value<'gc>>> {
        let mut out = Vec::new();
        while let Some(x) = self.next(it)? {
            out.push(x);
        }
        Ok(out)
    }

    /// CPython's message when the value to unpack has neither `__iter__` nor `__getitem__`.
    fn unpack_error(&mut self, v: Value<'gc>, e: Value<'gc>) -> Value<'gc> {
        if self.lookup_special(v, "__iter__").is_some()
            || self.lookup_special(v, "__getitem__").is_some()
        {
            return e;
        }
        let n = self.type_name(v);
        self.type_error(format!("cannot unpack non-iterable {n} object"))
    }

    /// `a, b, *c = v`: pushes the items in reverse so the first is on top.
    pub fn unpack_into_stack(
        &mut self,
        v: Value<'gc>,
        before: usize,
        after: Option<usize>,
    ) -> R<'gc, ()> {
        if let (Value::Tuple(t), None) = (v, after) {
            if t.items().len() == before {
                self.st.stack.extend(t.items().iter().rev());
                return Ok(());
            }
        }
        let items = match v {
            Value::List(_) | Value::Tuple(_) => self.collect_iter(v)?,
            _ => {
                let it = match self.get_iter(v) {
                    Ok(it) => it,
                    Err(e) => return Err(self.unpack_error(v, e)),
                };
                // as CPython: `a, b = x` takes the iterator's items, while `a, *b = x` makes a
                // list of the iterator, which asks it for its __iter__ once more
                match after {
                    None => self.drain_iter(it)?,
                    Some(_) => self.collect_iter(it)?,
                }
            }
        };
        match after {
            None => {
                if items.len() != before {
                    if items.len() > before {
                        return Err(self.value_error(format!(
                            "too many values to unpack (expected {before})"
                        )));
                    }
                    return Err(self.value_error(format!(
                        "not enough values to unpack (expected {before}, got {})",
                        items.len()
                    )));
                }
                for it in items.into_iter().rev() {
                    self.push(it);
                }
            }
            Some(after) => {
                if items.len() < before + after {
                    return Err(self.value_error(format!(
                        "not enough values to unpack (expected at least {}, got {})",
                        before + after,
                        items.len()
                    )));
                }
                let n = items.len();
                for it in items[n - after..].iter().rev() {
                    self.push(*it);
                }
                let mid = self.new_list(items[before..n - after].to_vec());
                self.push(mid);
                for it in items[..before].iter().rev() {
                    self.push(*it);
                }
            }
        }
        Ok(())
    }
}

/// What a `for` loop's slow path found: the next item, the end, or a pushed `__next__` frame.
pub enum ForIterStep<'gc> {
    Value(Value<'gc>),
    Done,
    Pushed,
}
