//! Attribute assignment and deletion: `obj.name = v` and `del obj.name` through data
//! descriptors, `__setattr__`/`__delattr__`, `__slots__`, instance and class dicts, and the
//! errors for read-only attributes of builtin objects.

use super::{R, Vm};
use crate::runtime::value::{InstRef, Instance, Obj, ObjRef, Payload, Truth, Value, flags};
use gc_arena::Gc;
use gc_arena::barrier::unlock;

impl<'gc> Vm<'gc> {
    /// `obj.name = v`.
    pub fn setattr(&mut self, obj: Value<'gc>, name: Value<'gc>, v: Value<'gc>) -> R<'gc, ()> {
        match obj {
            Value::Instance(inst) => {
                if let Some(t) = self.proxy_target(obj) {
                    let t = t?;
                    return self.setattr(t, name, v);
                }
                let cls = inst.class.get();
                let fl = inst.class_flags();
                if fl & flags::HAS_SETATTR != 0 {
                    if let Some(sa) = self.class_lookup(cls, "__setattr__") {
                        if !self.is_builtin_fn(sa) {
                            self.call(sa, &[obj, name, v], &[])?;
                            return Ok(());
                        }
                    }
                }
                self.generic_setattr(inst, obj, name, v)
            }
            Value::Obj(o) => match o.as_ref() {
                Obj::Class(c) => {
                    if c.flags.get() & flags::BUILTIN != 0 {
                        return Err(self.immutable_type(&c.name, name));
                    }
                    self.dict_set(c.dict, name, v)?;
                    // classes created earlier computed their descriptor flag without this
                    if self.is_data_descriptor(v)
                        || matches!(name.as_str().as_deref(), Some("__set__" | "__delete__"))
                    {
                        self.st.late_descriptors = true;
                    }
                    self.refresh_class_flags(o, name);
                    Ok(())
                }
                Obj::Module(m) => self.dict_set(m.dict, name, v),
                Obj::Function(f) => {
                    match name.as_str().as_deref() {
                        Some("__name__") => f.meta.borrow_mut(self.mc).name = v,
                        Some("__qualname__") => f.meta.borrow_mut(self.mc).qualname = v,
                        Some("__doc__") => f.meta.borrow_mut(self.mc).doc = v,
                        Some("__module__") => f.meta.borrow_mut(self.mc).module = v,
                        _ => {
                            let d = self.function_dict(o);
                            self.dict_set(d, name, v)?;
                        }
                    }
                    Ok(())
                }
                _ => Err(self.readonly_attr(obj, name)),
            },
            _ => Err(self.readonly_attr(obj, name)),
        }
    }

    /// Builtin classes cannot change (the VM relies on it, e.g. for `object.__init__`).
    fn immutable_type(&mut self, type_name: &str, name: Value<'gc>) -> Value<'gc> {
        let n = name.as_str().unwrap_or("?".into());
        let n: &str = &n;
        self.type_error(format!(
            "cannot set '{n}' attribute of immutable type '{type_name}'"
        ))
    }

    /// CPython's error for setting or deleting an attribute of a builtin value: its data
    /// attributes (`int.real`, `range.start`) and its methods are read-only, and anything else
    /// does not exist.
    fn readonly_attr(&mut self, obj: Value<'gc>, name: Value<'gc>) -> Value<'gc> {
        let n = name.as_str().unwrap_or("?".into());
        let n: &str = &n;
        let t = self.type_name(obj);
        let msg = if matches!(self.special_attr(obj, n), Ok(Some(_))) {
            // computed attributes of numbers name the type that defines them (bool's are
            // int's); the stored ones of other builtins are plain read-only members
            let owner = match obj {
                Value::Int(_) | Value::Bool(_) => Some("int"),
                Value::Float(_) => Some("float"),
                Value::Obj(o) if matches!(o.as_ref(), Obj::BigInt(_)) => Some("int"),
                _ => None,
            };
            match owner {
                Some(o) => format!("attribute '{n}' of '{o}' objects is not writable"),
                None => "readonly attribute".to_string(),
            }
        } else if self.class_lookup_v(self.type_of(obj), name).is_some() {
            format!("'{t}' object attribute '{n}' is read-only")
        } else {
            format!("'{t}' object has no attribute '{n}'")
        };
        self.attr_error(msg)
    }

    /// AttributeError for setting or deleting property `name` of `obj` that has no `setter` or
    /// `deleter` (which `accessor` names).
    fn missing_accessor(
        &mut self,
        obj: Value<'gc>,
        name: Value<'gc>,
        accessor: &str,
    ) -> Value<'gc> {
        let n = name.as_str().unwrap_or("?".into());
        let t = self.type_name(obj);
        self.attr_error(format!("property '{n}' of '{t}' object has no {accessor}"))
    }

    /// `object.__setattr__`: properties, slots, then the instance's own attributes.
    pub fn generic_setattr(
        &mut self,
        inst: InstRef<'gc>,
        obj: Value<'gc>,
        name: Value<'gc>,
        v: Value<'gc>,
    ) -> R<'gc, ()> {
        if name.as_str().as_deref() == Some("__class__") {
            return self.set_class(inst, v);
        }
        let cls = inst.class.get();
        if let Some(d) = self.class_lookup_v(cls, name) {
            match d {
                Value::Obj(o) => {
                    if let Obj::Property(p) = o.as_ref() {
                        if p.fset.is_none() {
                            return Err(self.missing_accessor(obj, name, "setter"));
                        }
                        self.call(p.fset, &[obj, v], &[])?;
                        return Ok(());
                    }
                }
                Value::Instance(_) => {
                    if let Some(set) = self.lookup_special(d, "__set__") {
                        self.call(set, &[d, obj, v], &[])?;
                        return Ok(());
                    }
                }
                _ => {}
            }
        }
        if let Payload::Exc(data) = inst.payload.get() {
            match name.as_str().as_deref() {
                Some("__cause__") => {
                    let mut d = data.borrow_mut(self.mc);
                    d.cause = v;
                    d.suppress_context = true;
                    return Ok(());
                }
                Some("__context__") => {
                    data.borrow_mut(self.mc).context = v;
                    return Ok(());
                }
                Some("__suppress_context__") => {
                    data.borrow_mut(self.mc).suppress_context =
                        matches!(v, Value::Bool(Truth::True));
                    return Ok(());
                }
                Some("args") => {
                    let items = self.collect_iter(v)?;
                    let t = self.new_tuple(items);
                    data.borrow_mut(self.mc).args = t;
                    return Ok(());
                }
                _ => {}
            }
        }
        if let Obj::Class(c) = cls.as_ref() {
            if c.flags.get() & flags::NO_DICT != 0 {
                let n = name.as_str().unwrap_or("?".into());
                let n: &str = &n;
                let allowed = self.slot_allowed(cls, n);
                if !allowed {
                    let t = self.type_name(obj);
                    return Err(self.attr_error(format!("'{t}' object has no attribute '{n}'")));
                }
            }
        }
        self.set_own_attr(inst, name, v)
    }

    fn slot_allowed(&self, cls: ObjRef<'gc>, n: &str) -> bool {
        let Obj::Class(c) = cls.as_ref() else {
            return true;
        };
        let mut all = vec![cls];
        all.extend(c.mro.iter().copied());
        for k in all {
            if let Obj::Class(kc) = k.as_ref() {
                if kc.flags.get() & flags::NO_DICT == 0 && kc.flags.get() & flags::BUILTIN == 0 {
                    return true;
                }
                if let Some(s) = &kc.slots {
                    if s.iter().any(|x| &**x == n || &**x == "__dict__") {
                        return true;
                    }
                }
            }
        }
        false
    }

    /// `obj.__class__ = v`, which CPython allows between classes defined in Python whose
    /// instances are laid out alike: the same builtin base (object, list, ref, Exception ...)
    /// and the same `__slots__`.
    fn set_class(&mut self, inst: InstRef<'gc>, v: Value<'gc>) -> R<'gc, ()> {
        let old = inst.class.get();
        let (Value::Obj(new), Obj::Class(oc)) = (v, old.as_ref()) else {
            return Err(self.not_a_class_error(v));
        };
        let Obj::Class(nc) = new.as_ref() else {
            return Err(self.not_a_class_error(v));
        };
        if (oc.flags.get() | nc.flags.get()) & flags::BUILTIN != 0 {
            return Err(self.type_error(
                "__class__ assignment only supported for mutable types or ModuleType subclasses",
            ));
        }
        let no_dict = |c: &crate::runtime::value::Class| c.flags.get() & flags::NO_DICT;
        if !Gc::ptr_eq(builtin_base(old), builtin_base(new))
            || oc.slots != nc.slots
            || no_dict(oc) != no_dict(nc)
        {
            return Err(self.type_error(format!(
                "__class__ assignment: '{}' object layout differs from '{}'",
                nc.name, oc.name
            )));
        }
        // split values are laid out by the class that learned their names: from now on the
        // instance keeps its attributes in a dict, which any class can read
        self.instance_dict(inst);
        unlock!(Gc::write(self.mc, inst), Instance, class).set(new);
        if nc.flags.get() & flags::HAS_DEL != 0 && !self.is_registered_finalizable(inst) {
            self.register_finalizable(inst);
        }
        Ok(())
    }

    fn not_a_class_error(&mut self, v: Value<'gc>) -> Value<'gc> {
        let t = self.type_name(v);
        self.type_error(format!(
            "__class__ must be set to a class, not '{t}' object"
        ))
    }

    /// `del obj.name`.
    pub fn delattr(&mut self, obj: Value<'gc>, name: Value<'gc>) -> R<'gc, ()> {
        match obj {
            Value::Instance(inst) => {
                if let Some(t) = self.proxy_target(obj) {
                    let t = t?;
                    return self.delattr(t, name);
                }
                let cls = inst.class.get();
                if let Some(da) = self.class_lookup(cls, "__delattr__") {
                    if !self.is_builtin_fn(da) {
                        self.call(da, &[obj, name], &[])?;
                        return Ok(());
                    }
                }
                if let Some(Value::Obj(o)) = self.class_lookup_v(cls, name) {
                    if let Obj::Property(p) = o.as_ref() {
                        if p.fdel.is_none() {
                            return Err(self.missing_accessor(obj, name, "deleter"));
                        }
                        self.call(p.fdel, &[obj], &[])?;
                        return Ok(());
                    }
                }
                if !self.del_own_attr(inst, name)? {
                    return Err(self.no_attr(obj, name));
                }
                Ok(())
            }
            Value::Obj(o) => match o.as_ref() {
                Obj::Class(c) => {
                    if c.flags.get() & flags::BUILTIN != 0 {
                        return Err(self.immutable_type(&c.name, name));
                    }
                    if !self.dict_del(c.dict, name)? {
                        return Err(self.no_attr(obj, name));
                    }
                    self.refresh_class_flags(o, name);
                    Ok(())
                }
                Obj::Module(m) => {
                    if !self.dict_del(m.dict, name)? {
                        return Err(self.no_attr(obj, name));
                    }
                    Ok(())
                }
                Obj::Function(_) => {
                    let d = self.function_dict(o);
                    if !self.dict_del(d, name)? {
                        return Err(self.no_attr(obj, name));
                    }
                    Ok(())
                }
                _ => Err(self.readonly_attr(obj, name)),
            },
            _ => Err(self.readonly_attr(obj, name)),
        }
    }
}

/// The nearest builtin class in `cls`'s MRO (`object` for most classes): what decides how its
/// instances are laid out.
fn builtin_base<'gc>(cls: ObjRef<'gc>) -> ObjRef<'gc> {
    let Obj::Class(c) = cls.as_ref() else {
        return cls;
    };
    std::iter::once(cls)
        .chain(c.mro.iter().copied())
        .find(|b| matches!(b.as_ref(), Obj::Class(bc) if bc.flags.get() & flags::BUILTIN != 0))
        .unwrap_or(cls)
}
