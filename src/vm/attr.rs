//! Attribute reads: lookup through the MRO, descriptors (functions, properties, static and class
//! methods, natives), instances' own attributes (vm/inst_attrs.rs), `__getattr__`, and the
//! special attributes of builtin objects. Assignment and deletion are in `attr_write`.

use super::{R, Vm};
use crate::runtime::function::Native;
use crate::runtime::value::{Class, DictRef, InstRef, Obj, ObjRef, Payload, Truth, Value, flags};
use gc_arena::Gc;

impl<'gc> Vm<'gc> {
    /// Looks `name` up in `cls` and its MRO.
    pub fn class_lookup_v(&mut self, cls: ObjRef<'gc>, name: Value<'gc>) -> Option<Value<'gc>> {
        let Value::Str(key) = name else {
            return self.class_lookup_uncached(cls, name);
        };
        let slot = ((Gc::as_ptr(cls) as usize >> 4) ^ (Gc::as_ptr(key) as usize >> 3))
            & (super::state::ATTR_CACHE_SIZE - 1);
        if let Some(e) = &self.st.attr_cache[slot] {
            if Gc::ptr_eq(e.class, cls) && Gc::ptr_eq(e.name, key) {
                return e.found;
            }
        }
        let found = self.class_lookup_uncached(cls, name);
        self.st.attr_cache[slot] = Some(super::state::AttrCacheEntry {
            class: cls,
            name: key,
            found,
        });
        found
    }

    fn class_lookup_uncached(&self, cls: ObjRef<'gc>, name: Value<'gc>) -> Option<Value<'gc>> {
        let Obj::Class(c) = cls.as_ref() else {
            return None;
        };
        lookup_order(c).find_map(|ns| self.dict_get_str(ns, name))
    }

    pub fn class_lookup(&mut self, cls: ObjRef<'gc>, name: &'static str) -> Option<Value<'gc>> {
        let n = self.intern_static(name);
        self.class_lookup_v(cls, n)
    }

    /// A special method looked up on the type, as the interpreter does for dunders.
    pub fn lookup_special(&mut self, v: Value<'gc>, name: &'static str) -> Option<Value<'gc>> {
        let t = self.type_of(v);
        self.class_lookup(t, name)
    }

    /// A bound special method, or AttributeError (for `with`).
    pub fn special_method(&mut self, v: Value<'gc>, name: &'static str) -> R<'gc> {
        match self.lookup_special(v, name) {
            Some(f) => Ok(self.bind(f, v, self.type_of(v))),
            None => {
                let n = self.type_name(v);
                let c = self.st.types.type_error;
                let _ = name;
                Err(self.err(
                    c,
                    format!("'{n}' object does not support the context manager protocol"),
                ))
            }
        }
    }

    /// A native that dunder dispatch must not treat as a user override (see builtins::CLASS_IMPL).
    pub fn is_builtin_fn(&self, f: Value<'gc>) -> bool {
        matches!(f, Value::Obj(o) if matches!(o.as_ref(), Obj::Native(n) if !n.data.is(Value::Int(crate::builtins::CLASS_IMPL))))
    }

    /// Binds a class attribute to an instance (the descriptor protocol for the builtin kinds).
    pub fn bind(&self, d: Value<'gc>, obj: Value<'gc>, cls: ObjRef<'gc>) -> Value<'gc> {
        match d {
            Value::Obj(o) => match o.as_ref() {
                Obj::Function(_) => self.obj(Obj::Method(obj, d)),
                Obj::ClassMethod(f) => self.obj(Obj::Method(Value::Obj(cls), *f)),
                Obj::StaticMethod(f) => *f,
                Obj::Native(n) if n.bound.is_undef() => {
                    let this = if n.data.is(Value::Bool(Truth::True)) {
                        Value::Obj(cls)
                    } else {
                        obj
                    };
                    self.obj(Obj::Native(Native {
                        name: n.name,
                        f: n.f,
                        bound: this,
                        data: n.data,
                    }))
                }
                _ => d,
            },
            _ => d,
        }
    }

    pub fn class_module(&mut self, cls: ObjRef<'gc>) -> Option<String> {
        let Obj::Class(c) = cls.as_ref() else {
            return None;
        };
        let k = self.intern("__module__");
        let m = self
            .dict_get_str(c.dict, k)
            .and_then(|v| v.as_str().map(|s| s.to_string()));
        if m.is_none() && c.flags.get() & flags::BUILTIN != 0 {
            return Some("builtins".into());
        }
        m
    }

    pub fn has_attr(&mut self, obj: Value<'gc>, name: &'static str) -> R<'gc, bool> {
        let n = self.intern_static(name);
        match self.getattr(obj, n) {
            Ok(_) => Ok(true),
            Err(e) if super::exc::is_subclass(self.type_of(e), self.st.types.attribute_error) => {
                Ok(false)
            }
            Err(e) => Err(e),
        }
    }

    pub fn getattr_str(&mut self, obj: Value<'gc>, name: &'static str) -> R<'gc> {
        let n = self.intern_static(name);
        self.getattr(obj, n)
    }

    pub(super) fn no_attr(&mut self, obj: Value<'gc>, name: Value<'gc>) -> Value<'gc> {
        let e = self.no_attr_message(obj, name);
        if let Some(d) = super::exc::exc_data(e) {
            let mut d = d.borrow_mut(self.mc);
            d.missing_name = name;
            d.missing_on = obj;
        }
        e
    }

    fn no_attr_message(&mut self, obj: Value<'gc>, name: Value<'gc>) -> Value<'gc> {
        let n = name.as_str().unwrap_or("?".into());
        let n: &str = &n;
        let msg = match obj {
            Value::Obj(o) => match o.as_ref() {
                Obj::Class(c) => format!("type object '{}' has no attribute '{n}'", c.name),
                Obj::Module(m) => format!("module '{}' has no attribute '{n}'", m.name),
                _ => format!("'{}' object has no attribute '{n}'", self.type_name(obj)),
            },
            _ => format!("'{}' object has no attribute '{n}'", self.type_name(obj)),
        };
        self.attr_error(msg)
    }

    /// `obj.name`.
    pub fn getattr(&mut self, obj: Value<'gc>, name: Value<'gc>) -> R<'gc> {
        match obj {
            Value::Instance(inst) => {
                if let Some(t) = self.proxy_target(obj) {
                    let t = t?;
                    return self.getattr(t, name);
                }
                self.instance_getattr(inst, obj, name)
            }
            Value::Obj(o) => match o.as_ref() {
                Obj::Class(_) => self.class_getattr(o, name),
                Obj::Module(m) => match self.dict_get_str(m.dict, name) {
                    Some(v) => Ok(v),
                    None => match name.as_str().as_deref() {
                        Some("__dict__") => Ok(Value::Dict(m.dict)),
                        _ => Err(self.no_attr(obj, name)),
                    },
                },
                Obj::Super(cls, this) => self.super_getattr(*cls, *this, name),
                _ => self.builtin_getattr(obj, name),
            },
            _ => self.builtin_getattr(obj, name),
        }
    }

    fn instance_getattr(
        &mut self,
        inst: InstRef<'gc>,
        obj: Value<'gc>,
        name: Value<'gc>,
    ) -> R<'gc> {
        let cls = inst.class.get();
        let cflags = inst.class_flags();
        if cflags & flags::HAS_GETATTRIBUTE != 0 {
            if let Some(ga) = self.class_lookup(cls, "__getattribute__") {
                if !self.is_builtin_fn(ga) {
                    // as CPython's slot: __getattr__ runs when __getattribute__ raises AttributeError
                    return match self.call_bound(ga, obj, &[name]) {
                        Err(e)
                            if cflags & flags::HAS_GETATTR != 0
                                && super::exc::is_subclass(
                                    self.type_of(e),
                                    self.st.types.attribute_error,
                                ) =>
                        {
                            match self.class_lookup(cls, "__getattr__") {
                                Some(g) => self.call_bound(g, obj, &[name]),
                                None => Err(e),
                            }
                        }
                        other => other,
                    };
                }
            }
        }
        self.generic_getattr(inst, obj, name, true)
    }

    /// `object.__getattribute__`: data descriptors, the instance's own attributes, then the
    /// class; with `fallback`, `__getattr__` when all of them miss.
    pub fn generic_getattr(
        &mut self,
        inst: InstRef<'gc>,
        obj: Value<'gc>,
        name: Value<'gc>,
        fallback: bool,
    ) -> R<'gc> {
        let cls = inst.class.get();
        // with no data descriptor in the class, the own attributes can be asked first (and,
        // having missed, need not be asked again after the class lookup)
        let own_first = self.skips_class(inst, flags::HAS_GETATTRIBUTE);
        if own_first {
            if let Some(v) = self.own_attr(inst, name) {
                return Ok(v);
            }
        }
        let descr = self.class_lookup_v(cls, name);
        if let Some(d) = descr {
            if let Some(r) = self.data_descriptor_get(d, obj, cls)? {
                return Ok(r);
            }
        }
        if !own_first {
            if let Some(v) = self.own_attr(inst, name) {
                return Ok(v);
            }
        }
        if let Some(d) = descr {
            return self.nondata_descriptor_get(d, obj, cls);
        }
        let n = name.as_str().unwrap_or("".into());
        let n: &str = &n;
        if let Payload::Exc(data) = inst.payload.get() {
            let d = data.borrow();
            match n {
                "args" => return Ok(d.args),
                "__cause__" => return Ok(d.cause),
                "__context__" => return Ok(d.context),
                "__suppress_context__" => return Ok(Value::bool(d.suppress_context)),
                "__traceback__" => {
                    drop(d);
                    return Ok(self.traceback_value(obj));
                }
                "code" | "value" => {
                    let owner = if n == "code" {
                        self.st.types.system_exit
                    } else {
                        self.st.types.stop_iteration
                    };
                    if super::exc::is_subclass(cls, owner) {
                        return Ok(match d.args {
                            Value::Tuple(t) if t.items().len() == 1 => t.items()[0],
                            Value::Tuple(t) if t.items().is_empty() => Value::None,
                            other => other,
                        });
                    }
                }
                _ => {}
            }
        }
        if let Payload::Weak(w) = inst.payload.get() {
            if n == "__callback__" {
                return Ok(w.callback.get());
            }
        }
        match n {
            "__class__" => return Ok(Value::Obj(cls)),
            "__dict__" => {
                if inst.class_flags() & flags::NO_DICT == 0 {
                    return Ok(Value::Dict(self.instance_dict(inst)));
                }
            }
            _ => {}
        }
        if fallback {
            if let Some(ga) = self.class_lookup(cls, "__getattr__") {
                return self.call_bound(ga, obj, &[name]);
            }
        }
        Err(self.no_attr(obj, name))
    }

    /// Properties and user descriptors with `__set__` take precedence over the instance's own
    /// attributes.
    fn data_descriptor_get(
        &mut self,
        d: Value<'gc>,
        obj: Value<'gc>,
        cls: ObjRef<'gc>,
    ) -> R<'gc, Option<Value<'gc>>> {
        match d {
            Value::Obj(o) => {
                if let Obj::Property(p) = o.as_ref() {
                    if p.fget.is_none() {
                        return Err(self.attr_error("property has no getter"));
                    }
                    return Ok(Some(self.call(p.fget, &[obj], &[])?));
                }
                Ok(None)
            }
            Value::Instance(_) => {
                if self.lookup_special(d, "__set__").is_some() {
                    if let Some(get) = self.lookup_special(d, "__get__") {
                        return Ok(Some(self.call(get, &[d, obj, Value::Obj(cls)], &[])?));
                    }
                }
                Ok(None)
            }
            _ => Ok(None),
        }
    }

    fn nondata_descriptor_get(
        &mut self,
        d: Value<'gc>,
        obj: Value<'gc>,
        cls: ObjRef<'gc>,
    ) -> R<'gc> {
        if let Value::Instance(_) = d {
            if let Some(get) = self.lookup_special(d, "__get__") {
                return self.call(get, &[d, obj, Value::Obj(cls)], &[]);
            }
        }
        Ok(self.bind(d, obj, cls))
    }

    fn class_getattr(&mut self, cls: ObjRef<'gc>, name: Value<'gc>) -> R<'gc> {
        let Obj::Class(c) = cls.as_ref() else {
            unreachable!()
        };
        let n = name.as_str().unwrap_or("".into());
        let n: &str = &n;
        match n {
            "__name__" => return Ok(self.new_str(&c.name.clone())),
            "__mro__" => {
                let mut v = vec![Value::Obj(cls)];
                v.extend(c.mro.iter().map(|m| Value::Obj(*m)));
                return Ok(self.new_tuple(v));
            }
            "__bases__" => {
                let v = c.bases.iter().map(|m| Value::Obj(*m)).collect();
                return Ok(self.new_tuple(v));
            }
            "__base__" => {
                return Ok(c
                    .bases
                    .first()
                    .map(|b| Value::Obj(*b))
                    .unwrap_or(Value::None));
            }
            "__dict__" => return Ok(Value::Dict(c.dict)),
            "__class__" => return Ok(Value::Obj(self.st.types.type_)),
            _ => {}
        }
        if let Some(d) = self.class_lookup_v(cls, name) {
            return Ok(match d {
                Value::Obj(o) => match o.as_ref() {
                    Obj::ClassMethod(f) => self.obj(Obj::Method(Value::Obj(cls), *f)),
                    Obj::StaticMethod(f) => *f,
                    Obj::Native(nf) if nf.data.is(Value::Bool(Truth::True)) => {
                        self.bind(d, Value::Obj(cls), cls)
                    }
                    _ => d,
                },
                Value::Instance(_) => {
                    if let Some(get) = self.lookup_special(d, "__get__") {
                        self.call(get, &[d, Value::None, Value::Obj(cls)], &[])?
                    } else {
                        d
                    }
                }
                _ => d,
            });
        }
        match n {
            "__qualname__" => return Ok(self.new_str(&c.name.clone())),
            "__doc__" => return Ok(Value::None),
            "__module__" => return Ok(self.new_str("builtins")),
            _ => {}
        }
        // methods of `type` itself (mro, __subclasses__, ...)
        let tt = self.st.types.type_;
        if let Some(d) = self.class_lookup_v(tt, name) {
            return Ok(self.bind(d, Value::Obj(cls), tt));
        }
        Err(self.no_attr(Value::Obj(cls), name))
    }

    fn super_getattr(&mut self, start: ObjRef<'gc>, this: Value<'gc>, name: Value<'gc>) -> R<'gc> {
        let target_cls = match this {
            Value::Obj(o) if matches!(o.as_ref(), Obj::Class(_)) => o,
            _ => self.type_of(this),
        };
        let Obj::Class(tc) = target_cls.as_ref() else {
            unreachable!()
        };
        let mut chain = vec![target_cls];
        chain.extend(tc.mro.iter().copied());
        let pos = chain
            .iter()
            .position(|c| Gc::ptr_eq(*c, start))
            .map(|p| p + 1)
            .unwrap_or(chain.len());
        for c in &chain[pos..] {
            let Obj::Class(cc) = c.as_ref() else { continue };
            if let Some(d) = self.dict_get_str(cc.dict, name) {
                let is_class = matches!(this, Value::Obj(o) if matches!(o.as_ref(), Obj::Class(_)));
                return Ok(match d {
                    Value::Obj(o) => match o.as_ref() {
                        Obj::Function(_) if is_class => d,
                        // through super(C, cls) a builtin method stays unbound, as `__new__`
                        // must (its class argument is passed explicitly)
                        Obj::Native(n) if is_class && !n.data.is(Value::Bool(Truth::True)) => d,
                        Obj::ClassMethod(f) => self.obj(Obj::Method(Value::Obj(target_cls), *f)),
                        Obj::Property(p) if !is_class => self.call(p.fget, &[this], &[])?,
                        _ => self.bind(d, this, target_cls),
                    },
                    _ => d,
                });
            }
        }
        let n = name.as_str().unwrap_or("?".into());
        let n: &str = &n;
        Err(self.attr_error(format!("'super' object has no attribute '{n}'")))
    }

    /// Attributes of builtin objects: methods from the type, plus a few data attributes.
    fn builtin_getattr(&mut self, obj: Value<'gc>, name: Value<'gc>) -> R<'gc> {
        let n = name.as_str().unwrap_or("".into());
        let n: &str = &n;
        if let Some(v) = self.special_attr(obj, n)? {
            return Ok(v);
        }
        let t = self.type_of(obj);
        if let Some(d) = self.class_lookup_v(t, name) {
            if let Value::Obj(o) = d {
                if let Obj::Property(p) = o.as_ref() {
                    return self.call(p.fget, &[obj], &[]);
                }
            }
            return Ok(self.bind(d, obj, t));
        }
        if n == "__class__" {
            return Ok(Value::Obj(t));
        }
        Err(self.no_attr(obj, name))
    }

    pub(super) fn special_attr(&mut self, obj: Value<'gc>, n: &str) -> R<'gc, Option<Value<'gc>>> {
        let v = match obj {
            Value::Int(_) | Value::Bool(_) => match n {
                "real" | "numerator" => Value::Int(self.as_index(obj)?),
                "imag" => Value::Int(0),
                "denominator" => Value::Int(1),
                _ => return Ok(None),
            },
            Value::Float(f) => match n {
                "real" => Value::Float(f),
                "imag" => Value::float(0.0),
                _ => return Ok(None),
            },
            Value::Weak(w) => match n {
                "__callback__" => w.callback.get(),
                _ => return Ok(None),
            },
            Value::Obj(o) => match o.as_ref() {
                Obj::Function(f) => {
                    let meta = f.meta.borrow();
                    match n {
                        "__name__" => meta.name,
                        "__qualname__" => meta.qualname,
                        "__doc__" => meta.doc,
                        "__module__" => meta.module,
                        "__defaults__" => {
                            let d = f.defaults.to_vec();
                            drop(meta);
                            if d.is_empty() {
                                Value::None
                            } else {
                                self.new_tuple(d)
                            }
                        }
                        "__kwdefaults__" => f.kwdefaults.map(Value::Dict).unwrap_or(Value::None),
                        "__code__" => {
                            drop(meta);
                            self.obj(Obj::Code(f.code))
                        }
                        "__globals__" => Value::Dict(f.globals),
                        "__closure__" => {
                            let c = f.closure.to_vec();
                            drop(meta);
                            if c.is_empty() {
                                Value::None
                            } else {
                                self.new_tuple(c)
                            }
                        }
                        "__dict__" => {
                            drop(meta);
                            Value::Dict(self.function_dict(o))
                        }
                        "__annotations__" => {
                            drop(meta);
                            Value::Dict(self.new_dict())
                        }
                        _ => {
                            let d = meta.dict;
                            drop(meta);
                            match d {
                                Some(d) => {
                                    let k = self.intern(n);
                                    match self.dict_get_str(d, k) {
                                        Some(v) => v,
                                        None => return Ok(None),
                                    }
                                }
                                None => return Ok(None),
                            }
                        }
                    }
                }
                Obj::Method(this, f) => match n {
                    "__self__" => *this,
                    "__func__" => *f,
                    "__name__" | "__qualname__" | "__doc__" | "__module__" => {
                        let f = *f;
                        let k = self.intern(n);
                        return Ok(Some(self.getattr(f, k)?));
                    }
                    _ => return Ok(None),
                },
                Obj::Native(nf) => match n {
                    "__name__" | "__qualname__" => self.new_str(nf.name),
                    "__self__" => {
                        if nf.bound.is_undef() {
                            Value::None
                        } else {
                            nf.bound
                        }
                    }
                    "__doc__" => Value::None,
                    "__module__" => self.new_str("builtins"),
                    _ => return Ok(None),
                },
                Obj::Generator(g) => match n {
                    // made when asked: most generators are never asked their name
                    "__name__" => {
                        let code = g.borrow().code;
                        self.intern(&code.code.name)
                    }
                    "__qualname__" => {
                        let code = g.borrow().code;
                        self.new_str(&code.code.qualname)
                    }
                    "gi_running" => Value::bool(
                        g.borrow().state == crate::runtime::generator::GenState::Running,
                    ),
                    _ => return Ok(None),
                },
                Obj::Property(p) => match n {
                    "fget" => p.fget,
                    "fset" => p.fset,
                    "fdel" => p.fdel,
                    "__doc__" => p.doc,
                    _ => return Ok(None),
                },
                Obj::StaticMethod(f) | Obj::ClassMethod(f) => match n {
                    "__func__" | "__wrapped__" => *f,
                    _ => return Ok(None),
                },
                Obj::Range(a, b, c) => match n {
                    "start" => Value::Int(*a),
                    "stop" => Value::Int(*b),
                    "step" => Value::Int(*c),
                    _ => return Ok(None),
                },
                Obj::Slice(a, b, c) => match n {
                    "start" => *a,
                    "stop" => *b,
                    "step" => *c,
                    _ => return Ok(None),
                },
                Obj::Complex(re, im) => match n {
                    "real" => Value::float(*re),
                    "imag" => Value::float(*im),
                    _ => return Ok(None),
                },
                Obj::BigInt(_) => match n {
                    "real" | "numerator" => obj,
                    "imag" => Value::Int(0),
                    "denominator" => Value::Int(1),
                    _ => return Ok(None),
                },
                Obj::Code(c) => match n {
                    "co_name" => self.new_str(&c.code.name.clone()),
                    "co_filename" => self.new_str(&c.code.filename.clone()),
                    "co_firstlineno" => Value::Int(c.code.first_line as i64),
                    "co_argcount" => Value::Int(c.code.argcount as i64),
                    _ => return Ok(None),
                },
                _ => return Ok(None),
            },
            _ => return Ok(None),
        };
        Ok(Some(v))
    }

    pub fn function_dict(&mut self, f: ObjRef<'gc>) -> DictRef<'gc> {
        let Obj::Function(func) = f.as_ref() else {
            unreachable!()
        };
        if let Some(d) = func.meta.borrow().dict {
            return d;
        }
        let d = self.new_dict();
        func.meta.borrow_mut(self.mc).dict = Some(d);
        d
    }

    /// `LoadMethod`: avoids allocating a bound method for the common `obj.method(...)` call.
    pub fn load_method(
        &mut self,
        obj: Value<'gc>,
        name: Value<'gc>,
    ) -> R<'gc, (Value<'gc>, Value<'gc>)> {
        match obj {
            Value::Instance(_) if Self::is_proxy(obj) => {}
            Value::Instance(inst) if inst.class_flags() & flags::HAS_GETATTRIBUTE != 0 => {}
            Value::Instance(inst) => {
                if let Some(d) = self.class_lookup_v(inst.class.get(), name) {
                    if let Value::Obj(o) = d {
                        let plain = matches!(o.as_ref(), Obj::Function(_))
                            || matches!(o.as_ref(), Obj::Native(n) if n.bound.is_undef() && !n.data.is(Value::Bool(Truth::True)));
                        if plain {
                            if !self.shadows_method(inst, name) {
                                return Ok((d, obj));
                            }
                        }
                    }
                }
            }
            Value::Obj(o)
                if matches!(o.as_ref(), Obj::Class(_) | Obj::Module(_) | Obj::Super(..)) => {}
            _ => {
                let t = self.type_of(obj);
                if let Some(d) = self.class_lookup_v(t, name) {
                    if let Value::Obj(o) = d {
                        if let Obj::Native(n) = o.as_ref() {
                            if n.bound.is_undef() && !n.data.is(Value::Bool(Truth::True)) {
                                return Ok((d, obj));
                            }
                        }
                    }
                }
            }
        }
        Ok((self.getattr(obj, name)?, Value::Undef))
    }

    /// A property, or an instance whose type defines `__set__` or `__delete__`.
    pub fn is_data_descriptor(&mut self, v: Value<'gc>) -> bool {
        match v {
            Value::Obj(o) => matches!(o.as_ref(), Obj::Property(_)),
            Value::Instance(_) => {
                self.lookup_special(v, "__set__").is_some()
                    || self.lookup_special(v, "__delete__").is_some()
            }
            _ => false,
        }
    }

    /// Recomputes the fast-path flags of a class after a dunder is set or deleted.
    pub fn refresh_class_flags(&mut self, cls: ObjRef<'gc>, name: Value<'gc>) {
        let n = name.as_str().unwrap_or("".into());
        let n: &str = &n;
        if n.starts_with("__") {
            crate::vm::class::compute_flags(self, cls);
        }
    }
}

/// The namespaces an attribute lookup on class `c` searches, in order: its own, then those
/// of its MRO (position i + 1 is `c.mro[i]`, every entry of which is a class).
pub fn lookup_order<'a, 'gc>(c: &'a Class<'gc>) -> impl Iterator<Item = DictRef<'gc>> + 'a {
    std::iter::once(c.dict).chain(c.mro.iter().filter_map(|m| match m.as_ref() {
        Obj::Class(mc) => Some(mc.dict),
        _ => None,
    }))
}
