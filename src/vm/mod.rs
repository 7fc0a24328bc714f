//! The virtual machine: the `Vm` context passed everywhere, and the pieces of the interpreter.
//! A `Vm` exists only inside one `Arena::mutate` call; it holds the single mutable borrow of the
//! interpreter state for that slice.

pub mod attr;
pub mod attr_write;
pub mod bind;
pub mod build;
pub mod cache;
pub mod call;
pub mod class;
pub mod colour;
pub mod driver;
pub mod exc;
pub mod frame;
pub mod generator;
pub mod import;
pub mod inst_attrs;
pub mod interp;
pub mod iterate;
pub mod mapping;
pub mod names;
pub mod output;
pub mod referents;
pub mod short_strs;
pub mod stack;
pub mod state;
pub mod types;
pub mod unwind;
pub mod weak_registry;
pub mod weakrefs;

use crate::runtime::dict::Dict;
use crate::runtime::iter::Iter;
use crate::runtime::value::{DictRef, Obj, ObjRef, SetObj, StrObj, Tuple, Value};
use compact_str::CompactString;
use gc_arena::lock::{Lock, RefLock};
use gc_arena::{Gc, Mutation};
use num_bigint::BigInt;
use num_traits::ToPrimitive;
use state::State;
use std::cell::RefMut;

/// Slots of the cache behind `Vm::intern_static` (a power of two; the runtime spells a few
/// hundred names, and a collision only costs a lookup by text).
pub const STATIC_NAME_SLOTS: usize = 512;

/// A result whose error is a raised exception object.
pub type R<'gc, T = Value<'gc>> = Result<T, Value<'gc>>;

pub struct Vm<'gc> {
    pub mc: &'gc Mutation<'gc>,
    pub st: RefMut<'gc, State<'gc>>,
}

impl<'gc> Vm<'gc> {
    #[inline]
    pub fn alloc(&self, o: Obj<'gc>) -> ObjRef<'gc> {
        Gc::new(self.mc, o)
    }

    #[inline]
    pub fn obj(&self, o: Obj<'gc>) -> Value<'gc> {
        Value::Obj(Gc::new(self.mc, o))
    }

    /// A string object for `s`: a short one through the short-string cache, a long one new.
    /// `new_compact` and `new_string` do the same for texts already owned.
    pub fn new_str(&mut self, s: &str) -> Value<'gc> {
        if s.len() <= short_strs::SHORT_STR {
            return self.short_str(s);
        }
        self.new_long_str(CompactString::from(s))
    }

    pub fn new_compact(&mut self, s: CompactString) -> Value<'gc> {
        if s.len() <= short_strs::SHORT_STR {
            return self.short_str(&s);
        }
        self.new_long_str(s)
    }

    pub fn new_string(&mut self, s: String) -> Value<'gc> {
        self.new_compact(CompactString::from(s))
    }

    fn new_long_str(&self, s: CompactString) -> Value<'gc> {
        self.note_bytes(s.len());
        Value::Str(Gc::new(self.mc, StrObj::new(s)))
    }

    /// The collector paces itself by object count; a large string also counts as one object
    /// per 1024 bytes, so building long strings still triggers cycles. (One per 256 bytes
    /// made strings_dicts' `s += c` loop, before `+` could append in place, run a cycle every
    /// few dozen iterations: 3,289 cycles and a third of its time, for 8% less peak memory.)
    #[inline]
    pub fn note_bytes(&self, n: usize) {
        self.note_storage(n, 1024.0);
    }

    /// A list's storage counts one object per 256 bytes (16 slots): unlike a string's bytes,
    /// every slot is marked at every cycle, and sort_key's peak memory grew by a fifth when
    /// lists counted as little as strings.
    #[inline]
    pub fn note_list_bytes(&self, n: usize) {
        self.note_storage(n, 256.0);
    }

    #[inline]
    fn note_storage(&self, n: usize, bytes_per_object: f64) {
        if n > 256 {
            self.mc.metrics().adjust_debt(n as f64 / bytes_per_object);
            let big = &self.st.big_bytes;
            big.set(big.get() + n);
        }
    }

    /// `str(v)` as a string object: `v` itself for a str, ints formatted without a
    /// temporary String.
    pub fn str_value(&mut self, v: Value<'gc>) -> R<'gc> {
        match v {
            Value::Str(_) => Ok(v),
            Value::Int(i) => {
                use compact_str::ToCompactString;
                Ok(self.new_compact(i.to_compact_string()))
            }
            _ => {
                let s = self.str_of(v)?;
                Ok(self.new_string(s))
            }
        }
    }

    /// `intern` of a name spelled in wk's own code, found by where the literal lies rather
    /// than by its text: a special-method lookup (`__setitem__` of an instance) would
    /// otherwise hash and compare the name at every call. A `'static` str never moves, and no
    /// other text can ever lie at its address with its length.
    #[inline]
    pub fn intern_static(&mut self, s: &'static str) -> Value<'gc> {
        let (at, len) = (s.as_ptr() as usize, s.len());
        let slot = (at >> 3 ^ len) & (STATIC_NAME_SLOTS - 1);
        if let Some((a, l, o)) = self.st.static_names[slot] {
            if (a, l) == (at, len) {
                return Value::Str(o);
            }
        }
        let v = self.intern(s);
        if let Value::Str(o) = v {
            self.st.static_names[slot] = Some((at, len, o));
        }
        v
    }

    /// The one shared string object for `s` (attribute and global names).
    pub fn intern(&mut self, s: &str) -> Value<'gc> {
        if let Some(o) = self.st.interned.get(s) {
            return Value::Str(*o);
        }
        let o = Gc::new(self.mc, StrObj::new(CompactString::from(s)));
        self.st.interned.insert(Box::from(s), o);
        Value::Str(o)
    }

    pub fn new_list(&self, v: Vec<Value<'gc>>) -> Value<'gc> {
        self.note_list_bytes(v.capacity() * std::mem::size_of::<Value>());
        Value::List(Gc::new(self.mc, RefLock::new(v)))
    }

    /// Appends to a list, counting the storage it grows by towards the collector's debt:
    /// a list of 200,000 items is one object to gc-arena but 3 MB to the machine.
    #[inline]
    pub fn list_push(&self, l: Gc<'gc, RefLock<Vec<Value<'gc>>>>, v: Value<'gc>) {
        let mut items = l.borrow_mut(self.mc);
        let before = items.capacity();
        items.push(v);
        if items.capacity() != before {
            self.note_list_bytes((items.capacity() - before) * std::mem::size_of::<Value>());
        }
    }

    pub fn new_tuple(&self, v: Vec<Value<'gc>>) -> Value<'gc> {
        if v.is_empty() {
            return self.st.empty_tuple;
        }
        Value::Tuple(Gc::new(self.mc, Tuple::from_vec(v)))
    }

    /// A tuple from a slice, without an intermediate vector.
    pub fn new_tuple_from(&self, v: &[Value<'gc>]) -> Value<'gc> {
        if v.is_empty() {
            return self.st.empty_tuple;
        }
        Value::Tuple(Gc::new(self.mc, Tuple::from_slice(v)))
    }

    pub fn new_dict(&self) -> DictRef<'gc> {
        Gc::new(self.mc, RefLock::new(Dict::new()))
    }

    pub fn new_set_empty(&self, frozen: bool) -> Value<'gc> {
        Value::Set(Gc::new(
            self.mc,
            SetObj {
                frozen,
                table: RefLock::new(crate::runtime::set_table::SetTable::new()),
            },
        ))
    }

    pub fn new_cell(&self, v: Value<'gc>) -> Value<'gc> {
        Value::Cell(Gc::new(self.mc, Lock::new(v)))
    }

    pub fn new_iter(&self, it: Iter<'gc>) -> Value<'gc> {
        Value::Iter(Gc::new(self.mc, RefLock::new(it)))
    }

    pub fn int_from_big(&self, b: BigInt) -> Value<'gc> {
        match b.to_i64() {
            Some(i) => Value::Int(i),
            None => self.obj(Obj::BigInt(b)),
        }
    }

    /// The class of any value.
    pub fn type_of(&self, v: Value<'gc>) -> ObjRef<'gc> {
        let t = &self.st.types;
        match v {
            Value::Undef | Value::None => t.none,
            Value::Bool(_) => t.bool,
            Value::Int(_) => t.int,
            Value::Float(_) => t.float,
            Value::Str(_) => t.str,
            Value::Tuple(_) => t.tuple,
            Value::List(_) => t.list,
            Value::Dict(_) => t.dict,
            Value::Set(s) => {
                if s.frozen {
                    t.frozenset
                } else {
                    t.set
                }
            }
            Value::Instance(i) => i.class.get(),
            Value::Cell(_) => t.cell,
            Value::Iter(_) => t.iterator,
            Value::Weak(_) => t.weakref,
            Value::Obj(o) => match o.as_ref() {
                Obj::BigInt(_) => t.int,
                Obj::Complex(..) => t.complex,
                Obj::Bytes(_) => t.bytes,
                Obj::Range(..) => t.range,
                Obj::Slice(..) => t.slice,
                Obj::Class(_) => t.type_,
                Obj::Function(_) => t.function,
                Obj::Method(..) => t.method,
                Obj::Native(_) => t.builtin_function,
                Obj::Code(_) => t.code,
                Obj::Module(_) => t.module,
                Obj::Property(_) => t.property,
                Obj::StaticMethod(_) => t.staticmethod,
                Obj::ClassMethod(_) => t.classmethod,
                Obj::Super(..) => t.super_,
                Obj::Generator(_) => t.generator,
                Obj::DictView(k, _) => match k {
                    0 => t.dict_keys,
                    1 => t.dict_values,
                    _ => t.dict_items,
                },
                Obj::NotImplemented => t.not_implemented,
                Obj::Ellipsis => t.ellipsis,
            },
        }
    }

    /// A class's name as CPython's error messages show it (`tp_name`): builtin types that live
    /// in a module other than builtins carry the module prefix (`weakref.ReferenceType`).
    pub fn class_name(&self, cls: ObjRef<'gc>) -> String {
        match cls.as_ref() {
            Obj::Class(c) => {
                if c.flags.get() & crate::runtime::value::flags::BUILTIN != 0 {
                    if let Some(k) = self.st.interned.get("__module__") {
                        if let Some(m) = self
                            .dict_get_str(c.dict, Value::Str(*k))
                            .and_then(|m| m.as_str())
                        {
                            return format!("{m}.{}", c.name);
                        }
                    }
                }
                c.name.to_string()
            }
            _ => "?".into(),
        }
    }

    /// The name of a value's type, as error messages print it.
    pub fn type_name(&self, v: Value<'gc>) -> String {
        self.class_name(self.type_of(v))
    }

    /// Builds an exception instance of `cls` with one string argument.
    pub fn new_exc(&mut self, cls: ObjRef<'gc>, msg: &str) -> Value<'gc> {
        let m = self.new_str(msg);
        let args = self.new_tuple(vec![m]);
        exc::make_exception(self, cls, args)
    }

    pub fn err(&mut self, cls: ObjRef<'gc>, msg: impl AsRef<str>) -> Value<'gc> {
        self.new_exc(cls, msg.as_ref())
    }

    pub fn type_error(&mut self, msg: impl AsRef<str>) -> Value<'gc> {
        let c = self.st.types.type_error;
        self.new_exc(c, msg.as_ref())
    }

    pub fn value_error(&mut self, msg: impl AsRef<str>) -> Value<'gc> {
        let c = self.st.types.value_error;
        self.new_exc(c, msg.as_ref())
    }

    pub fn index_error(&mut self, msg: impl AsRef<str>) -> Value<'gc> {
        let c = self.st.types.index_error;
        self.new_exc(c, msg.as_ref())
    }

    pub fn attr_error(&mut self, msg: impl AsRef<str>) -> Value<'gc> {
        let c = self.st.types.attribute_error;
        self.new_exc(c, msg.as_ref())
    }

    pub fn runtime_error(&mut self, msg: impl AsRef<str>) -> Value<'gc> {
        let c = self.st.types.runtime_error;
        self.new_exc(c, msg.as_ref())
    }

    pub fn zero_div(&mut self, msg: impl AsRef<str>) -> Value<'gc> {
        let c = self.st.types.zero_division_error;
        self.new_exc(c, msg.as_ref())
    }

    pub fn overflow_error(&mut self, msg: impl AsRef<str>) -> Value<'gc> {
        let c = self.st.types.overflow_error;
        self.new_exc(c, msg.as_ref())
    }

    pub fn key_error(&mut self, key: Value<'gc>) -> Value<'gc> {
        let c = self.st.types.key_error;
        let args = self.new_tuple(vec![key]);
        exc::make_exception(self, c, args)
    }

    pub fn stop_iteration(&mut self, value: Value<'gc>) -> Value<'gc> {
        let c = self.st.types.stop_iteration;
        let args = if value.is_none() {
            self.st.empty_tuple
        } else {
            self.new_tuple(vec![value])
        };
        exc::make_exception(self, c, args)
    }

    pub fn not_implemented(&self) -> Value<'gc> {
        self.st.not_implemented
    }

    pub fn is_not_implemented(&self, v: Value<'gc>) -> bool {
        v.is(self.st.not_implemented)
    }

    pub fn out(&mut self, s: &str) {
        self.st.out.write_out(s);
    }
}
