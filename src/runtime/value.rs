//! `Value`, the 16-byte unit every slot holds. Hot mutable types (list, dict, set, instance,
//! cell, iterator) get their own variant pointing straight at their lock, so the write barrier
//! can be taken without unsafe projections; everything else is an `Obj` behind one `Gc`.

use super::dict::Dict;
use super::function::{CodeObj, Function, Native};
use compact_str::CompactString;
use gc_arena::lock::{Lock, RefLock};
use gc_arena::{Collect, Gc};
use num_bigint::BigInt;
use std::cell::{Cell, Ref, RefCell};
use std::rc::Rc;

pub type ObjRef<'gc> = Gc<'gc, Obj<'gc>>;
pub type ListRef<'gc> = Gc<'gc, RefLock<Vec<Value<'gc>>>>;
pub type DictRef<'gc> = Gc<'gc, RefLock<Dict<'gc>>>;
pub type SetRef<'gc> = Gc<'gc, SetObj<'gc>>;
pub type InstRef<'gc> = Gc<'gc, Instance<'gc>>;
pub type CellRef<'gc> = Gc<'gc, Lock<Value<'gc>>>;
pub type IterRef<'gc> = Gc<'gc, RefLock<super::iter::Iter<'gc>>>;
pub type TupleRef<'gc> = Gc<'gc, Tuple<'gc>>;
pub type StrRef<'gc> = Gc<'gc, StrObj>;
/// An instance's split attribute values (see `Instance::values`).
pub type Values<'gc> = Gc<'gc, [Lock<Value<'gc>>]>;
/// An exact `weakref.ref` object, which is nothing but its weakref state (proxies and
/// instances of ref subclasses are instances with a `Payload::Weak`).
pub type WeakRefRef<'gc> = Gc<'gc, super::weak::WeakRef<'gc>>;

/// A full-word tag puts every payload at offset 8, and every payload is a word of integer
/// class (`Truth` and `FloatBits` stand in for bool and f64). Together they make Value a
/// scalar pair: it is passed and returned in two registers and copied as two words. With a
/// one-byte tag LLVM copied the unaligned bytes 1..16 (18% of a tight loop's time); with a bool
/// or f64 payload Value was an aggregate, copied with 16-byte vector loads that stalled store
/// forwarding wherever the two words had just been stored (a result returned by a call and
/// then pushed: a tenth of the samples of the call-heavy benchmarks).
#[derive(Clone, Copy, Collect)]
#[collect(no_drop)]
#[repr(u64)]
pub enum Value<'gc> {
    /// An unbound local or a missing stack entry; never visible to programs.
    Undef,
    None,
    Bool(Truth),
    Int(i64),
    Float(FloatBits),
    Str(StrRef<'gc>),
    Tuple(TupleRef<'gc>),
    List(ListRef<'gc>),
    Dict(DictRef<'gc>),
    Set(SetRef<'gc>),
    Instance(InstRef<'gc>),
    Cell(CellRef<'gc>),
    Iter(IterRef<'gc>),
    Weak(WeakRefRef<'gc>),
    Obj(ObjRef<'gc>),
}

/// A bool as a whole word (see `Value`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Collect)]
#[collect(require_static)]
#[repr(u64)]
pub enum Truth {
    False = 0,
    True = 1,
}

impl Truth {
    #[inline(always)]
    pub fn get(self) -> bool {
        self == Truth::True
    }
}

impl From<bool> for Truth {
    #[inline(always)]
    fn from(b: bool) -> Truth {
        if b { Truth::True } else { Truth::False }
    }
}

/// An f64 kept as its bits, so that it is a word of integer class (see `Value`).
#[derive(Clone, Copy, Collect)]
#[collect(require_static)]
pub struct FloatBits(u64);

impl FloatBits {
    #[inline(always)]
    pub fn new(x: f64) -> FloatBits {
        FloatBits(x.to_bits())
    }

    #[inline(always)]
    pub fn get(self) -> f64 {
        f64::from_bits(self.0)
    }
}

impl From<f64> for FloatBits {
    #[inline(always)]
    fn from(x: f64) -> FloatBits {
        FloatBits::new(x)
    }
}

impl std::fmt::Debug for Value<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Undef => write!(f, "Undef"),
            Value::None => write!(f, "None"),
            Value::Bool(b) => write!(f, "{}", b.get()),
            Value::Int(i) => write!(f, "{i}"),
            Value::Float(x) => write!(f, "{}", x.get()),
            Value::Str(s) => write!(f, "{:?}", &*s.text()),
            other => write!(f, "<object at {:#x}>", other.addr().unwrap_or(0)),
        }
    }
}

impl<'gc> Value<'gc> {
    #[inline(always)]
    pub fn bool(b: bool) -> Value<'gc> {
        Value::Bool(Truth::from(b))
    }

    #[inline(always)]
    pub fn float(x: f64) -> Value<'gc> {
        Value::Float(FloatBits::new(x))
    }

    #[inline]
    pub fn obj(self) -> Option<ObjRef<'gc>> {
        match self {
            Value::Obj(o) => Some(o),
            _ => None,
        }
    }

    #[inline]
    pub fn is_none(self) -> bool {
        matches!(self, Value::None)
    }

    #[inline]
    pub fn is_undef(self) -> bool {
        matches!(self, Value::Undef)
    }

    /// The address of a heap value (its `id`), or None for immediates.
    pub fn addr(self) -> Option<usize> {
        Some(match self {
            Value::Str(g) => Gc::as_ptr(g) as *const () as usize,
            Value::Tuple(g) => Gc::as_ptr(g) as *const () as usize,
            Value::List(g) => Gc::as_ptr(g) as *const () as usize,
            Value::Dict(g) => Gc::as_ptr(g) as *const () as usize,
            Value::Set(g) => Gc::as_ptr(g) as *const () as usize,
            Value::Instance(g) => Gc::as_ptr(g) as *const () as usize,
            Value::Cell(g) => Gc::as_ptr(g) as *const () as usize,
            Value::Iter(g) => Gc::as_ptr(g) as *const () as usize,
            Value::Weak(g) => Gc::as_ptr(g) as *const () as usize,
            Value::Obj(g) => Gc::as_ptr(g) as *const () as usize,
            _ => return None,
        })
    }

    /// Identity (`is`).
    pub fn is(self, other: Value<'gc>) -> bool {
        match (self, other) {
            (Value::None, Value::None) | (Value::Undef, Value::Undef) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a.0 == b.0,
            _ => match (self.addr(), other.addr()) {
                (Some(a), Some(b)) => a == b,
                _ => false,
            },
        }
    }

    #[inline]
    pub fn as_str(self) -> Option<TextRef<'gc>> {
        match self {
            Value::Str(s) => Some(Gc::as_ref(s).text()),
            _ => None,
        }
    }

    pub fn as_class(self) -> Option<&'gc Class<'gc>> {
        match self {
            Value::Obj(o) => match Gc::as_ref(o) {
                Obj::Class(c) => Some(c),
                _ => None,
            },
            _ => None,
        }
    }
}

/// An immutable string with a cached hash and its length in characters.
#[derive(Collect)]
#[collect(require_static)]
pub struct StrObj {
    text: Text,
    /// Length in characters; `u32::MAX` when too long to store (then counted when asked).
    chars: u32,
    /// Python's hash once computed, 0 before. Hashes of str are 32-bit values in wk, which
    /// keeps a short string object within 48 bytes with its header.
    hash: Cell<i32>,
}

/// Where a string's bytes are.
enum Text {
    /// Its own text; up to 24 bytes inside the object (one allocation instead of two).
    Own(CompactString),
    /// The first `len` bytes of a buffer that later concatenations may extend. `s + t` where
    /// `s` ends where its buffer ends appends `t` to the buffer and makes a string of the
    /// longer prefix, so `s += c` in a loop is not quadratic (CPython resizes in place when the
    /// reference count says no one else sees `s`; wk has no count, but a prefix never changes).
    Prefix(Rc<RefCell<String>>, usize),
}

/// A string's text, borrowed (see `StrObj::text`).
pub enum TextRef<'a> {
    Own(&'a str),
    Prefix(Ref<'a, str>),
}

impl<'a> From<&'a str> for TextRef<'a> {
    fn from(s: &'a str) -> TextRef<'a> {
        TextRef::Own(s)
    }
}

impl std::fmt::Display for TextRef<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self)
    }
}

impl PartialEq for TextRef<'_> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl PartialEq<&str> for TextRef<'_> {
    fn eq(&self, other: &&str) -> bool {
        **self == **other
    }
}

impl PartialOrd for TextRef<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        (**self).partial_cmp(&**other)
    }
}

impl std::ops::Deref for TextRef<'_> {
    type Target = str;
    #[inline(always)]
    fn deref(&self) -> &str {
        match self {
            TextRef::Own(s) => s,
            TextRef::Prefix(r) => r,
        }
    }
}

impl StrObj {
    pub fn new(s: CompactString) -> StrObj {
        let n = if s.is_ascii() {
            s.len()
        } else {
            s.chars().count()
        };
        StrObj::from_text(Text::Own(s), n)
    }

    fn from_text(text: Text, chars: usize) -> StrObj {
        StrObj {
            text,
            chars: u32::try_from(chars).unwrap_or(u32::MAX),
            hash: Cell::new(0),
        }
    }

    /// The text. Hold the result only briefly: it borrows a buffer that `concat` may extend
    /// (which it then does not, and copies instead).
    #[inline(always)]
    pub fn text(&self) -> TextRef<'_> {
        match &self.text {
            Text::Own(s) => TextRef::Own(s),
            Text::Prefix(buf, len) => TextRef::Prefix(Ref::map(buf.borrow(), |b| &b[..*len])),
        }
    }

    /// Length in bytes.
    #[inline]
    pub fn len(&self) -> usize {
        match &self.text {
            Text::Own(s) => s.len(),
            Text::Prefix(_, len) => *len,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `self + tail` as a new string, `chars` characters long (the caller knows the sum).
    /// When this string is the whole of an extendable buffer the tail is appended to the
    /// buffer; otherwise the result gets a buffer of its own that the next `+` may extend.
    pub fn concat(&self, tail: &str, chars: usize) -> StrObj {
        if let Text::Prefix(buf, len) = &self.text {
            // fails while the tail itself is read from this buffer (`s + s`): then copy
            if let Ok(mut b) = buf.try_borrow_mut() {
                if b.len() == *len {
                    b.push_str(tail);
                    return StrObj::from_text(Text::Prefix(buf.clone(), len + tail.len()), chars);
                }
            }
        }
        let head = self.text();
        let mut b = String::with_capacity(head.len() + tail.len());
        b.push_str(&head);
        b.push_str(tail);
        let len = b.len();
        StrObj::from_text(Text::Prefix(Rc::new(RefCell::new(b)), len), chars)
    }

    /// Whether the two texts are equal: the question every dict probe with a str key asks,
    /// answered without borrowing when both texts are the strings' own.
    #[inline]
    pub fn same_text(&self, other: &StrObj) -> bool {
        match (&self.text, &other.text) {
            (Text::Own(a), Text::Own(b)) => a == b,
            _ => *self.text() == *other.text(),
        }
    }

    /// Whether the text is `t`.
    #[inline]
    pub fn text_is(&self, t: &str) -> bool {
        match &self.text {
            Text::Own(a) => a == t,
            Text::Prefix(..) => *self.text() == *t,
        }
    }

    /// Whether both strings are prefixes of one buffer.
    pub fn shares_buffer_with(&self, other: &StrObj) -> bool {
        match (&self.text, &other.text) {
            (Text::Prefix(a, _), Text::Prefix(b, _)) => Rc::ptr_eq(a, b),
            _ => false,
        }
    }

    /// Length in characters.
    #[inline]
    pub fn chars(&self) -> usize {
        if self.chars != u32::MAX {
            self.chars as usize
        } else {
            self.text().chars().count()
        }
    }

    pub fn is_ascii(&self) -> bool {
        self.chars() == self.len()
    }

    /// `hash(s)`: computed once, never -1. The cached read is inlined into its callers (the
    /// method cache asks for it on every call); hashing the text is not.
    #[inline(always)]
    pub fn hash_value(&self) -> i64 {
        let cached = self.hash.get();
        if cached != 0 {
            return cached as i64;
        }
        self.compute_hash()
    }

    #[inline(never)]
    fn compute_hash(&self) -> i64 {
        let h = super::hash::str_hash(&self.text());
        self.hash.set(h as i32);
        h
    }
}

/// A tuple's items. One and two items live inside the tuple object: one allocation, not two.
/// The variant is told by a value the first item's tag never holds, so a pair is 32 bytes and
/// its object (with gc-arena's 16-byte header) fits jemalloc's 48-byte class. A `SmallVec`
/// pair took 48 bytes and a 64-byte block: binary_trees allocates and marks millions of pairs.
#[derive(Collect)]
#[collect(no_drop)]
pub enum Tuple<'gc> {
    Empty,
    One(Value<'gc>),
    Pair([Value<'gc>; 2]),
    Many(Box<[Value<'gc>]>),
}

impl<'gc> Tuple<'gc> {
    pub fn from_slice(v: &[Value<'gc>]) -> Tuple<'gc> {
        match *v {
            [] => Tuple::Empty,
            [a] => Tuple::One(a),
            [a, b] => Tuple::Pair([a, b]),
            _ => Tuple::Many(v.into()),
        }
    }

    pub fn from_vec(v: Vec<Value<'gc>>) -> Tuple<'gc> {
        match v.len() {
            0..=2 => Tuple::from_slice(&v),
            _ => Tuple::Many(v.into_boxed_slice()),
        }
    }

    #[inline(always)]
    pub fn items(&self) -> &[Value<'gc>] {
        match self {
            Tuple::Empty => &[],
            Tuple::One(v) => std::slice::from_ref(v),
            Tuple::Pair(p) => p,
            Tuple::Many(b) => b,
        }
    }
}

#[derive(Collect)]
#[collect(no_drop)]
pub struct SetObj<'gc> {
    #[collect(require_static)]
    pub frozen: bool,
    pub table: RefLock<super::set_table::SetTable<'gc>>,
}

/// Builtin state carried by some instances.
#[derive(Collect, Clone, Copy)]
#[collect(no_drop)]
pub enum Payload<'gc> {
    None,
    /// The builtin value of an instance of a builtin subclass (a list for `class L(list)`).
    Value(Value<'gc>),
    Exc(Gc<'gc, RefLock<ExcData<'gc>>>),
    /// A weakref.ref or proxy object.
    Weak(Gc<'gc, super::weak::WeakRef<'gc>>),
    /// A WeakValueDictionary, WeakKeyDictionary or WeakSet.
    Table(Gc<'gc, RefLock<super::weak::WeakTable<'gc>>>),
}

#[derive(Collect)]
#[collect(no_drop)]
pub struct Instance<'gc> {
    pub class: Lock<ObjRef<'gc>>,
    /// The attribute values, slot `i` holding the class's `attr_names[i]`; None before the
    /// first store and once `dict` holds them (see vm/inst_attrs.rs).
    pub values: Lock<Option<Values<'gc>>>,
    /// The attribute dict, once the split values no longer fit or `__dict__` was asked for.
    pub dict: Lock<Option<DictRef<'gc>>>,
    pub payload: Lock<Payload<'gc>>,
    /// Where this object's entry sits in the weak registry, plus one; 0 while it has none.
    /// Found here, a new weakref to an instance needs no lookup by address.
    #[collect(require_static)]
    pub weak_entry: Cell<u32>,
}

impl<'gc> Instance<'gc> {
    #[inline]
    pub fn new(class: ObjRef<'gc>, payload: Payload<'gc>) -> Instance<'gc> {
        Instance {
            class: Lock::new(class),
            values: Lock::new(None),
            dict: Lock::new(None),
            payload: Lock::new(payload),
            weak_entry: Cell::new(0),
        }
    }
}

#[derive(Collect)]
#[collect(no_drop)]
pub struct Class<'gc> {
    #[collect(require_static)]
    pub name: Rc<str>,
    pub bases: Vec<ObjRef<'gc>>,
    /// The linearization without the class itself (which always comes first).
    pub mro: Vec<ObjRef<'gc>>,
    pub dict: DictRef<'gc>,
    #[collect(require_static)]
    pub layout: Layout,
    #[collect(require_static)]
    pub flags: Cell<u32>,
    #[collect(require_static)]
    pub slots: Option<Vec<Rc<str>>>,
    /// The names of the instance attributes held in split values, in the order instances
    /// first set them. Only ever appended to, so a slot keeps its name while the class lives.
    #[collect(require_static)]
    pub attr_names: RefCell<Vec<Rc<str>>>,
    /// The key mask (`dict::mask_bit`) of `attr_names`' hashes: a clear bit shows at once
    /// that no instance attribute shadows a method of that name.
    #[collect(require_static)]
    pub attr_mask: Cell<u64>,
    /// Never shared with another class (nor with a dict version): attribute caches name the
    /// class by it, which a class address reused after a collection cannot be.
    #[collect(require_static)]
    pub uid: u64,
    /// What instantiating the class needs, found under a class epoch (`ctor_bits`): a call
    /// such as `Node()` then skips looking up `__new__` and `__init__` along the MRO.
    #[collect(require_static)]
    pub ctor: Cell<u64>,
}

/// `Class::ctor` holds the class epoch shifted left by two, or'd with these.
pub mod ctor_bits {
    /// `__new__` is object's and the layout is a plain object's: the instance is made directly.
    pub const PLAIN_NEW: u64 = 1;
    /// `__init__` is object's (or absent): nothing runs after the instance is made.
    pub const NO_INIT: u64 = 2;
    pub const SHIFT: u32 = 2;
}

/// Which builtin layout instances of a class carry (for subclasses of builtin types).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    Object,
    Int,
    Float,
    Str,
    Bytes,
    Tuple,
    List,
    Dict,
    Set,
    FrozenSet,
    Exception,
    Bool,
    NoneType,
    /// Types whose instances are created only by the runtime (function, module, ...).
    Internal,
}

/// Class flags caching "does this class (or a base) define X" for fast paths.
pub mod flags {
    pub const HAS_DEL: u32 = 1;
    pub const HAS_GETATTR: u32 = 2;
    pub const HAS_EQ: u32 = 4;
    pub const HAS_HASH: u32 = 8;
    pub const HAS_SETATTR: u32 = 16;
    pub const HAS_GETATTRIBUTE: u32 = 32;
    pub const BUILTIN: u32 = 64;
    pub const NO_WEAKREF: u32 = 128;
    pub const HASH_NONE: u32 = 256;
    pub const HAS_DESCRIPTORS: u32 = 512;
    pub const NO_DICT: u32 = 1024;
}

#[derive(Collect)]
#[collect(no_drop)]
pub struct Module<'gc> {
    #[collect(require_static)]
    pub name: Rc<str>,
    pub dict: DictRef<'gc>,
}

#[derive(Collect)]
#[collect(no_drop)]
pub struct Property<'gc> {
    pub fget: Value<'gc>,
    pub fset: Value<'gc>,
    pub fdel: Value<'gc>,
    pub doc: Value<'gc>,
}

/// Exception state carried in the payload of every BaseException instance.
#[derive(Collect)]
#[collect(no_drop)]
pub struct ExcData<'gc> {
    pub args: Value<'gc>,
    pub traceback: Vec<TbEntry<'gc>>,
    pub cause: Value<'gc>,
    pub context: Value<'gc>,
    pub suppress_context: bool,
    pub notes: Value<'gc>,
    /// For the "Did you mean" hint: the missing name, and the object (AttributeError).
    pub missing_name: Value<'gc>,
    pub missing_on: Value<'gc>,
    /// For NameError: the names that were in scope.
    #[collect(require_static)]
    pub scope_names: Option<Vec<String>>,
}

#[derive(Collect, Clone, Copy)]
#[collect(no_drop)]
pub struct TbEntry<'gc> {
    pub code: Gc<'gc, CodeObj<'gc>>,
    pub line: u32,
}

#[derive(Collect)]
#[collect(no_drop)]
pub enum Obj<'gc> {
    BigInt(#[collect(require_static)] BigInt),
    Complex(f64, f64),
    Bytes(#[collect(require_static)] Box<[u8]>),
    Range(i64, i64, i64),
    Slice(Value<'gc>, Value<'gc>, Value<'gc>),
    Class(Class<'gc>),
    Function(Function<'gc>),
    /// A bound method: (self, function).
    Method(Value<'gc>, Value<'gc>),
    Native(Native<'gc>),
    Code(Gc<'gc, CodeObj<'gc>>),
    Module(Module<'gc>),
    Property(Property<'gc>),
    StaticMethod(Value<'gc>),
    ClassMethod(Value<'gc>),
    /// `super(class, obj)`.
    Super(ObjRef<'gc>, Value<'gc>),
    Generator(Gc<'gc, RefLock<super::generator::Generator<'gc>>>),
    /// dict.keys()/values()/items(): (0, 1 or 2, the dict).
    DictView(u8, DictRef<'gc>),
    NotImplemented,
    Ellipsis,
}

#[cfg(test)]
mod layout_tests {
    use super::{StrObj, Value};

    #[test]
    fn a_value_is_two_words() {
        assert_eq!(std::mem::size_of::<Value<'static>>(), 16);
        assert_eq!(std::mem::size_of::<Option<Value<'static>>>(), 16);
    }

    #[test]
    fn a_short_string_fits_in_48_bytes_with_its_gc_header() {
        assert!(std::mem::size_of::<StrObj>() <= 32);
    }
}

#[cfg(test)]
mod tests {
    use super::StrObj;
    use compact_str::CompactString;

    #[test]
    fn prefixes_of_a_shared_buffer_never_change() {
        let s = StrObj::new(CompactString::from("a".repeat(30)));
        let t = s.concat("x", 31); // a buffer of its own
        let u = t.concat("y", 32); // extends t's buffer
        assert!(u.shares_buffer_with(&t));
        let v = t.concat("z", 32); // t no longer ends its buffer: a copy
        assert!(!v.shares_buffer_with(&t));
        let w = u.concat(&u.text(), 64); // reads the buffer it would extend: a copy
        assert!(!w.shares_buffer_with(&u));
        assert_eq!(&*t.text(), format!("{}x", "a".repeat(30)));
        assert_eq!(&*u.text(), format!("{}xy", "a".repeat(30)));
        assert_eq!(&*v.text(), format!("{}xz", "a".repeat(30)));
        assert_eq!(w.len(), 64);
        assert_eq!((t.len(), u.len(), v.chars()), (31, 32, 32));
    }
}
