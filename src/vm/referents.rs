//! The values an object refers to, by kind: the typed counterpart of tracing, used by
//! gc.get_referents / get_referrers / get_objects and to order finalizers.

use super::Vm;
use crate::runtime::iter::Iter;
use crate::runtime::value::{Obj, Payload, Value};
use crate::runtime::weak::Slot;
use std::collections::HashSet;

/// In CPython's order for the containers a program is likely to inspect (its `tp_traverse`):
/// a tuple's or list's items last first; a dict's values when every key is a str, else each
/// entry's value and then its key; an instance's attributes, then its class. Immediates (ints,
/// None ...) are listed too, as CPython lists them; the collector's own uses skip them.
pub fn referents_of<'gc>(v: Value<'gc>) -> Vec<Value<'gc>> {
    let mut out = Vec::new();
    match v {
        Value::Tuple(t) => out.extend(t.items().iter().rev().copied()),
        Value::List(l) => {
            if let Ok(l) = l.try_borrow() {
                out.extend(l.iter().rev().copied());
            }
        }
        Value::Dict(d) => {
            if let Ok(d) = d.try_borrow() {
                if d.iter().all(|e| matches!(e.key, Value::Str(_))) {
                    out.extend(d.iter().map(|e| e.value));
                } else {
                    out.extend(d.iter().flat_map(|e| [e.value, e.key]));
                }
            }
        }
        Value::Set(s) => {
            if let Ok(t) = s.table.try_borrow() {
                out.extend(t.keys());
            }
        }
        Value::Weak(w) => out.push(w.callback.get()),
        Value::Instance(i) => {
            if let Some(d) = i.dict.get() {
                out.push(Value::Dict(d));
            }
            if let Some(vals) = i.values.get() {
                out.extend(super::inst_attrs::held_values(vals));
            }
            out.push(Value::Obj(i.class.get()));
            match i.payload.get() {
                Payload::Value(inner) => out.push(inner),
                Payload::Exc(d) => {
                    if let Ok(d) = d.try_borrow() {
                        out.extend([d.args, d.cause, d.context]);
                    }
                }
                Payload::Weak(w) => out.push(w.callback.get()),
                Payload::Table(t) => {
                    if let Ok(t) = t.try_borrow() {
                        for e in t.entries.iter().flatten() {
                            for s in [e.key, e.value] {
                                if let Slot::Strong(x) = s {
                                    out.push(x);
                                }
                            }
                        }
                    }
                }
                Payload::None => {}
            }
        }
        Value::Cell(c) => out.push(c.get()),
        Value::Iter(it) => {
            if let Ok(it) = it.try_borrow() {
                match &*it {
                    Iter::Seq(s, _)
                    | Iter::Dict(s, ..)
                    | Iter::Enumerate(s, _)
                    | Iter::Reversed(s, _)
                    | Iter::GetItem(s, _) => out.push(*s),
                    Iter::Str(s, _) => out.push(Value::Str(*s)),
                    Iter::Zip(its, _) => out.extend(its.iter().copied()),
                    Iter::Map(f, its) => {
                        out.push(*f);
                        out.extend(its.iter().copied());
                    }
                    Iter::Filter(f, i) | Iter::Callable(f, i) => out.extend([*f, *i]),
                    _ => {}
                }
            }
        }
        Value::Obj(o) => match o.as_ref() {
            Obj::Function(f) => {
                out.push(Value::Dict(f.globals));
                out.extend(f.defaults.iter().copied());
                if let Some(k) = f.kwdefaults {
                    out.push(Value::Dict(k));
                }
                out.extend(f.closure.iter().copied());
                if let Ok(m) = f.meta.try_borrow() {
                    out.extend([m.name, m.qualname, m.doc, m.module]);
                    if let Some(d) = m.dict {
                        out.push(Value::Dict(d));
                    }
                }
            }
            Obj::Class(c) => {
                out.push(Value::Dict(c.dict));
                out.extend(c.bases.iter().map(|b| Value::Obj(*b)));
                out.extend(c.mro.iter().map(|b| Value::Obj(*b)));
            }
            Obj::Method(s, f) => out.extend([*s, *f]),
            Obj::Native(n) => out.extend([n.bound, n.data]),
            Obj::Module(m) => out.push(Value::Dict(m.dict)),
            Obj::Property(p) => out.extend([p.fget, p.fset, p.fdel, p.doc]),
            Obj::StaticMethod(f) | Obj::ClassMethod(f) => out.push(*f),
            Obj::Super(c, s) => out.extend([Value::Obj(*c), *s]),
            Obj::Slice(a, b, c) => out.extend([*a, *b, *c]),
            Obj::DictView(_, d) => out.push(Value::Dict(*d)),
            Obj::Generator(g) => {
                // a running generator's values are on the interpreter's stack; its own
                // `stack` then holds its caller's
                if let Ok(g) = g.try_borrow() {
                    if g.state != crate::runtime::generator::GenState::Running {
                        out.extend(g.stack.iter().copied());
                    }
                    out.extend(g.exc_stack.iter().copied());
                }
            }
            Obj::Code(c) => out.extend(c.consts.iter().copied()),
            _ => {}
        },
        _ => {}
    }
    out.retain(|v| !v.is_undef());
    out
}

/// Values that hold no references the collector cares about (CPython does not track them).
pub fn is_atomic(v: Value<'_>) -> bool {
    match v {
        Value::Undef
        | Value::None
        | Value::Bool(_)
        | Value::Int(_)
        | Value::Float(_)
        | Value::Str(_) => true,
        Value::Obj(o) => matches!(
            o.as_ref(),
            Obj::BigInt(_) | Obj::Bytes(_) | Obj::Complex(..) | Obj::NotImplemented | Obj::Ellipsis
        ),
        _ => false,
    }
}

/// gc.is_tracked: containers that can take part in cycles.
pub fn is_tracked(v: Value<'_>) -> bool {
    match v {
        Value::Tuple(t) => t.items().iter().any(|x| !is_atomic(*x)),
        Value::Dict(d) => d
            .try_borrow()
            .map(|d| d.iter().any(|e| !is_atomic(e.key) || !is_atomic(e.value)))
            .unwrap_or(true),
        Value::Obj(o) => !matches!(
            o.as_ref(),
            Obj::BigInt(_)
                | Obj::Bytes(_)
                | Obj::Complex(..)
                | Obj::Range(..)
                | Obj::NotImplemented
                | Obj::Ellipsis
        ),
        v => !is_atomic(v),
    }
}

impl<'gc> Vm<'gc> {
    /// Everything reachable from the interpreter's roots, each object once.
    pub fn reachable_objects(&self) -> Vec<Value<'gc>> {
        let mut roots: Vec<Value<'gc>> =
            vec![Value::Dict(self.st.modules), Value::Dict(self.st.builtins)];
        roots.extend(self.st.stack.iter().copied());
        roots.extend(self.st.exc_stack.iter().copied());
        roots.extend(self.st.frozen.iter().copied());
        roots.extend(self.st.scratch.iter().copied());
        for f in &self.st.frames {
            roots.push(Value::Dict(f.globals));
            if let Some(ns) = f.ns {
                roots.push(Value::Dict(ns));
            }
            roots.push(Value::Obj(gc_arena::Gc::new(self.mc, Obj::Code(f.code))));
            if let Some(g) = f.kind.generator() {
                roots.push(Value::Obj(g));
                // the stack of the frames below a running generator waits in it
                if let Obj::Generator(c) = g.as_ref() {
                    if let Ok(c) = c.try_borrow() {
                        roots.extend(c.stack.iter().copied());
                    }
                }
            }
        }
        roots.extend(self.st.types.exceptions.iter().map(|(_, c)| Value::Obj(*c)));
        let mut seen: HashSet<usize> = HashSet::new();
        let mut out = Vec::new();
        let mut stack = roots;
        while let Some(v) = stack.pop() {
            let Some(a) = v.addr() else { continue };
            if !seen.insert(a) {
                continue;
            }
            out.push(v);
            stack.extend(referents_of(v));
        }
        out
    }
}
