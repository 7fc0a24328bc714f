//! Subscription and containment: indexing and slicing of sequences, dict lookup, `in`, `len`.

use crate::runtime::iter::Iter;
use crate::runtime::value::{Obj, Payload, Value};
use crate::vm::{R, Vm};

/// Resolves a slice against a length: (start, stop, step, count), as CPython's PySlice_AdjustIndices.
pub fn slice_indices(
    len: i64,
    start: Option<i64>,
    stop: Option<i64>,
    step: Option<i64>,
) -> (i64, i64, i64, usize) {
    let step = step.unwrap_or(1);
    let (lo, hi) = if step < 0 { (-1, len - 1) } else { (0, len) };
    let norm = |v: Option<i64>, default: i64| -> i64 {
        match v {
            None => default,
            Some(v) if v < 0 => (v + len).max(lo),
            Some(v) => v.min(hi),
        }
    };
    let start = norm(start, if step < 0 { hi } else { lo });
    let stop = norm(stop, if step < 0 { lo } else { hi });
    let count = if step > 0 {
        if stop > start {
            ((stop - start - 1) / step + 1) as usize
        } else {
            0
        }
    } else if start > stop {
        ((start - stop - 1) / (-step) + 1) as usize
    } else {
        0
    };
    (start, stop, step, count)
}

impl<'gc> Vm<'gc> {
    fn slice_part(&mut self, v: Value<'gc>) -> R<'gc, Option<i64>> {
        if v.is_none() {
            return Ok(None);
        }
        match v {
            Value::Int(_) | Value::Bool(_) | Value::Instance(_) | Value::Obj(_) => {
                Ok(Some(self.as_index(v).map_err(|_| {
                    self.type_error(
                        "slice indices must be integers or None or have an __index__ method",
                    )
                })?))
            }
            _ => Err(self
                .type_error("slice indices must be integers or None or have an __index__ method")),
        }
    }

    /// The positions a slice object selects in a sequence of length `len`.
    pub fn slice_positions(&mut self, slice: Value<'gc>, len: usize) -> R<'gc, (i64, i64, usize)> {
        let Value::Obj(o) = slice else { unreachable!() };
        let Obj::Slice(a, b, c) = o.as_ref() else {
            unreachable!()
        };
        let (a, b, c) = (*a, *b, *c);
        let step = self.slice_part(c)?;
        if step == Some(0) {
            return Err(self.value_error("slice step cannot be zero"));
        }
        let start = self.slice_part(a)?;
        let stop = self.slice_part(b)?;
        let (s, _, st, n) = slice_indices(len as i64, start, stop, step);
        Ok((s, st, n))
    }

    fn norm_index(&mut self, idx: Value<'gc>, len: usize, what: &str) -> R<'gc, usize> {
        let i = match idx {
            Value::Int(i) => i,
            Value::Bool(b) => b as i64,
            Value::Instance(_) | Value::Obj(_) if !is_slice(idx) => match self.as_index(idx) {
                Ok(i) => i,
                Err(_) => {
                    let t = self.type_name(idx);
                    return Err(self.type_error(format!(
                        "{what} indices must be integers or slices, not {t}"
                    )));
                }
            },
            _ => {
                let t = self.type_name(idx);
                return Err(self.type_error(format!(
                    "{what} indices must be integers or slices, not {t}"
                )));
            }
        };
        let j = if i < 0 { i + len as i64 } else { i };
        if j < 0 || j >= len as i64 {
            return Err(self.index_error(format!("{what} index out of range")));
        }
        Ok(j as usize)
    }

    /// `obj[idx]`.
    /// `obj[i]` for a list or tuple and an int index in range; None for everything else.
    #[inline]
    pub fn index_fast(obj: Value<'gc>, idx: Value<'gc>) -> Option<Value<'gc>> {
        let Value::Int(i) = idx else { return None };
        let at = |n: usize| {
            let j = if i < 0 { i + n as i64 } else { i };
            (0..n as i64).contains(&j).then_some(j as usize)
        };
        match obj {
            Value::List(l) => {
                let l = l.borrow();
                at(l.len()).map(|j| l[j])
            }
            Value::Tuple(t) => at(t.items().len()).map(|j| t.items()[j]),
            _ => None,
        }
    }

    /// `list[i] = v` for an int index in range; false for everything else.
    #[inline]
    pub fn store_index_fast(&self, obj: Value<'gc>, idx: Value<'gc>, v: Value<'gc>) -> bool {
        let (Value::List(l), Value::Int(i)) = (obj, idx) else {
            return false;
        };
        let n = l.borrow().len() as i64;
        let j = if i < 0 { i + n } else { i };
        if !(0..n).contains(&j) {
            return false;
        }
        l.borrow_mut(self.mc)[j as usize] = v;
        true
    }

    pub fn getitem(&mut self, obj: Value<'gc>, idx: Value<'gc>) -> R<'gc> {
        if Self::is_proxy(obj) {
            let t = self.deproxy(obj)?;
            return self.getitem(t, idx);
        }
        match obj {
            Value::List(l) => {
                if is_slice(idx) {
                    let items = l.borrow().clone();
                    let (s, st, n) = self.slice_positions(idx, items.len())?;
                    let v = (0..n)
                        .map(|k| items[(s + st * k as i64) as usize])
                        .collect();
                    return Ok(self.new_list(v));
                }
                let len = l.borrow().len();
                let i = self.norm_index(idx, len, "list")?;
                Ok(l.borrow()[i])
            }
            Value::Tuple(t) => {
                if is_slice(idx) {
                    let (s, st, n) = self.slice_positions(idx, t.items().len())?;
                    if s == 0 && st == 1 && n == t.items().len() {
                        return Ok(obj);
                    }
                    let v = (0..n)
                        .map(|k| t.items()[(s + st * k as i64) as usize])
                        .collect();
                    return Ok(self.new_tuple(v));
                }
                let i = self.norm_index(idx, t.items().len(), "tuple")?;
                Ok(t.items()[i])
            }
            Value::Str(s) => {
                if is_slice(idx) {
                    let (start, st, n) = self.slice_positions(idx, s.chars())?;
                    if s.is_ascii() {
                        let text = s.text();
                        let b = text.as_bytes();
                        if st == 1 {
                            let out = &text[start as usize..start as usize + n];
                            return Ok(self.new_str(out));
                        }
                        let out: String = (0..n)
                            .map(|k| b[(start + st * k as i64) as usize] as char)
                            .collect();
                        return Ok(self.new_string(out));
                    }
                    let chars: Vec<char> = s.text().chars().collect();
                    let out: String = (0..n)
                        .map(|k| chars[(start + st * k as i64) as usize])
                        .collect();
                    return Ok(self.new_string(out));
                }
                let i = self.norm_index(idx, s.chars(), "string")?;
                if s.is_ascii() {
                    let text = s.text();
                    let c = &text[i..i + 1];
                    return Ok(self.char_str(c));
                }
                let c = s.text().chars().nth(i).unwrap();
                Ok(self.char_str(&c.to_string()))
            }
            Value::Dict(d) => match self.dict_get(d, idx)? {
                Some(v) => Ok(v),
                None => Err(self.key_error(idx)),
            },
            Value::Instance(inst) => {
                if let Some(f) = self
                    .lookup_special(obj, "__getitem__")
                    .filter(|f| !self.is_builtin_fn(*f))
                {
                    return self.call_bound(f, obj, &[idx]);
                }
                if let Payload::Value(inner) = inst.payload.get() {
                    if let Value::Dict(d) = inner {
                        if let Some(v) = self.dict_get(d, idx)? {
                            return Ok(v);
                        }
                        if let Some(m) = self.lookup_special(obj, "__missing__") {
                            return self.call_bound(m, obj, &[idx]);
                        }
                        return Err(self.key_error(idx));
                    }
                    return self.getitem(inner, idx);
                }
                let t = self.type_name(obj);
                Err(self.type_error(format!("'{t}' object is not subscriptable")))
            }
            Value::Obj(o) => match o.as_ref() {
                Obj::Range(..) => crate::builtins::range::range_getitem(self, o, idx),
                Obj::Bytes(b) => {
                    if is_slice(idx) {
                        let (s, st, n) = self.slice_positions(idx, b.len())?;
                        let v: Vec<u8> = (0..n).map(|k| b[(s + st * k as i64) as usize]).collect();
                        return Ok(self.obj(Obj::Bytes(v.into_boxed_slice())));
                    }
                    let i = self.norm_index(idx, b.len(), "index")?;
                    Ok(Value::Int(b[i] as i64))
                }
                Obj::Class(_) => {
                    // `list[int]` and friends in annotations: a generic alias is approximated by the class
                    if let Some(f) = self.class_lookup(o, "__class_getitem__") {
                        let f = match f {
                            Value::Obj(fo) => match fo.as_ref() {
                                Obj::ClassMethod(inner) => *inner,
                                _ => f,
                            },
                            _ => f,
                        };
                        return self.call(f, &[obj, idx], &[]);
                    }
                    Ok(obj)
                }
                _ => {
                    let t = self.type_name(obj);
                    Err(self.type_error(format!("'{t}' object is not subscriptable")))
                }
            },
            _ => {
                let t = self.type_name(obj);
                Err(self.type_error(format!("'{t}' object is not subscriptable")))
            }
        }
    }

    /// `obj[idx] = v`.
    pub fn setitem(&mut self, obj: Value<'gc>, idx: Value<'gc>, v: Value<'gc>) -> R<'gc, ()> {
        if Self::is_proxy(obj) {
            let t = self.deproxy(obj)?;
            return self.setitem(t, idx, v);
        }
        match obj {
            Value::List(l) => {
                if is_slice(idx) {
                    let new_items = self.collect_iter(v)?;
                    let len = l.borrow().len();
                    let (s, st, n) = self.slice_positions(idx, len)?;
                    let mut items = l.borrow_mut(self.mc);
                    if st == 1 {
                        let s = s as usize;
                        items.splice(s..s + n, new_items);
                    } else {
                        if new_items.len() != n {
                            drop(items);
                            return Err(self.value_error(format!(
                                "attempt to assign sequence of size {} to extended slice of size {n}",
                                new_items.len()
                            )));
                        }
                        for (k, it) in new_items.into_iter().enumerate() {
                            items[(s + st * k as i64) as usize] = it;
                        }
                    }
                    return Ok(());
                }
                let len = l.borrow().len();
                let i = self.norm_index(idx, len, "list").map_err(|e| {
                    if crate::vm::exc::is_subclass(self.type_of(e), self.st.types.index_error) {
                        self.index_error("list assignment index out of range")
                    } else {
                        e
                    }
                })?;
                l.borrow_mut(self.mc)[i] = v;
                Ok(())
            }
            Value::Dict(d) => self.dict_set(d, idx, v),
            Value::Instance(inst) => {
                if let Some(f) = self
                    .lookup_special(obj, "__setitem__")
                    .filter(|f| !self.is_builtin_fn(*f))
                {
                    self.call_bound(f, obj, &[idx, v])?;
                    return Ok(());
                }
                if let Payload::Value(inner) = inst.payload.get() {
                    return self.setitem(inner, idx, v);
                }
                let t = self.type_name(obj);
                Err(self.type_error(format!("'{t}' object does not support item assignment")))
            }
            _ => {
                let t = self.type_name(obj);
                Err(self.type_error(format!("'{t}' object does not support item assignment")))
            }
        }
    }

    /// `del obj[idx]`.
    pub fn delitem(&mut self, obj: Value<'gc>, idx: Value<'gc>) -> R<'gc, ()> {
        if Self::is_proxy(obj) {
            let t = self.deproxy(obj)?;
            return self.delitem(t, idx);
        }
        match obj {
            Value::List(l) => {
                let len = l.borrow().len();
                if is_slice(idx) {
                    let (s, st, n) = self.slice_positions(idx, len)?;
                    let mut pos: Vec<usize> =
                        (0..n).map(|k| (s + st * k as i64) as usize).collect();
                    pos.sort_unstable();
                    let mut items = l.borrow_mut(self.mc);
                    for p in pos.into_iter().rev() {
                        items.remove(p);
                    }
                    return Ok(());
                }
                let i = self.norm_index(idx, len, "list").map_err(|e| {
                    if crate::vm::exc::is_subclass(self.type_of(e), self.st.types.index_error) {
                        self.index_error("list assignment index out of range")
                    } else {
                        e
                    }
                })?;
                l.borrow_mut(self.mc).remove(i);
                Ok(())
            }
            Value::Dict(d) => {
                if !self.dict_del(d, idx)? {
                    return Err(self.key_error(idx));
                }
                Ok(())
            }
            Value::Instance(inst) => {
                if let Some(f) = self
                    .lookup_special(obj, "__delitem__")
                    .filter(|f| !self.is_builtin_fn(*f))
                {
                    self.call_bound(f, obj, &[idx])?;
                    return Ok(());
                }
                if let Payload::Value(inner) = inst.payload.get() {
                    return self.delitem(inner, idx);
                }
                let t = self.type_name(obj);
                Err(self.type_error(format!("'{t}' object does not support item deletion")))
            }
            _ => {
                let t = self.type_name(obj);
                Err(self.type_error(format!("'{t}' object doesn't support item deletion")))
            }
        }
    }

    /// `item in container`.
    pub fn contains(&mut self, container: Value<'gc>, item: Value<'gc>) -> R<'gc, bool> {
        if Self::is_proxy(container) {
            let t = self.deproxy(container)?;
            return self.contains(t, item);
        }
        match container {
            Value::List(l) => {
                let items = l.borrow().clone();
                for x in items {
                    if self.key_eq(x, item)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Value::Tuple(t) => {
                for x in t.items().iter() {
                    if self.key_eq(*x, item)? {
                        return Ok(true);
                    }
                }
                Ok(false)
            }
            Value::Str(s) => match item {
                Value::Str(i) => Ok(s.text().contains(&*i.text())),
                _ => {
                    let t = self.type_name(item);
                    Err(self.type_error(format!(
                        "'in <string>' requires string as left operand, not {t}"
                    )))
                }
            },
            Value::Dict(d) => Ok(self.dict_get(d, item)?.is_some()),
            Value::Set(s) => {
                // a set can be looked up in a set of frozensets
                let key = match item {
                    Value::Set(x) if !x.frozen => {
                        let keys = x.table.borrow().keys();
                        self.new_frozenset(&keys)?
                    }
                    _ => item,
                };
                self.set_contains(s, key)
            }
            Value::Instance(inst) => {
                if let Some(f) = self
                    .lookup_special(container, "__contains__")
                    .filter(|f| !self.is_builtin_fn(*f))
                {
                    let r = self.call_bound(f, container, &[item])?;
                    return self.truthy(r);
                }
                if let Payload::Value(inner) = inst.payload.get() {
                    return self.contains(inner, item);
                }
                self.contains_by_iter(container, item)
            }
            Value::Obj(o) => match o.as_ref() {
                Obj::Range(a, b, c) => {
                    let Value::Int(i) = item else {
                        return self.contains_by_iter(container, item);
                    };
                    let (a, b, c) = (*a, *b, *c);
                    Ok(if c > 0 {
                        i >= a && i < b && (i - a) % c == 0
                    } else {
                        i <= a && i > b && (a - i) % (-c) == 0
                    })
                }
                Obj::DictView(0, d) => Ok(self.dict_get(*d, item)?.is_some()),
                Obj::DictView(2, d) => {
                    let Value::Tuple(t) = item else {
                        return Ok(false);
                    };
                    if t.items().len() != 2 {
                        return Ok(false);
                    }
                    match self.dict_get(*d, t.items()[0])? {
                        Some(v) => self.key_eq(v, t.items()[1]),
                        None => Ok(false),
                    }
                }
                Obj::Bytes(b) => match item {
                    Value::Int(i) => Ok(b.contains(&(i as u8))),
                    Value::Obj(x) => match x.as_ref() {
                        Obj::Bytes(sub) => {
                            Ok(sub.is_empty() || b.windows(sub.len()).any(|w| w == &sub[..]))
                        }
                        _ => Ok(false),
                    },
                    _ => Ok(false),
                },
                _ => self.contains_by_iter(container, item),
            },
            _ => self.contains_by_iter(container, item),
        }
    }

    fn contains_by_iter(&mut self, container: Value<'gc>, item: Value<'gc>) -> R<'gc, bool> {
        let it = match self.get_iter(container) {
            Ok(it) => it,
            Err(_) => {
                let t = self.type_name(container);
                return Err(self.type_error(format!("argument of type '{t}' is not iterable")));
            }
        };
        while let Some(x) = self.next(it)? {
            if self.key_eq(x, item)? {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// `len(v)`.
    pub fn len(&mut self, v: Value<'gc>) -> R<'gc, usize> {
        if Self::is_proxy(v) {
            let t = self.deproxy(v)?;
            return self.len(t);
        }
        Ok(match v {
            Value::Str(s) => s.chars(),
            Value::List(l) => l.borrow().len(),
            Value::Tuple(t) => t.items().len(),
            Value::Dict(d) => d.borrow().len(),
            Value::Set(s) => s.table.borrow().len(),
            Value::Instance(inst) => {
                if let Some(f) = self
                    .lookup_special(v, "__len__")
                    .filter(|f| !self.is_builtin_fn(*f))
                {
                    let r = self.call_bound(f, v, &[])?;
                    let n = match r {
                        Value::Int(_) | Value::Bool(_) => self.as_index(r)?,
                        _ => {
                            let t = self.type_name(r);
                            return Err(self.type_error(format!(
                                "'{t}' object cannot be interpreted as an integer"
                            )));
                        }
                    };
                    if n < 0 {
                        return Err(self.value_error("__len__() should return >= 0"));
                    }
                    return Ok(n as usize);
                }
                if let Payload::Value(inner) = inst.payload.get() {
                    return self.len(inner);
                }
                let t = self.type_name(v);
                return Err(self.type_error(format!("object of type '{t}' has no len()")));
            }
            Value::Obj(o) => match o.as_ref() {
                Obj::Range(..) => crate::builtins::range::range_len(o) as usize,
                Obj::Bytes(b) => b.len(),
                Obj::DictView(_, d) => d.borrow().len(),
                _ => {
                    let t = self.type_name(v);
                    return Err(self.type_error(format!("object of type '{t}' has no len()")));
                }
            },
            Value::Iter(i) if matches!(&*i.borrow(), Iter::Done) => 0,
            _ => {
                let t = self.type_name(v);
                return Err(self.type_error(format!("object of type '{t}' has no len()")));
            }
        })
    }
}

pub fn is_slice(v: Value<'_>) -> bool {
    matches!(v, Value::Obj(o) if matches!(o.as_ref(), Obj::Slice(..)))
}
