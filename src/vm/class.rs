//! Class creation: `__build_class__`, C3 linearization, slots, the fast-path flags, and `super()`.

use super::frame::FrameKind;
use super::types::new_class;
use super::{R, Vm};
use crate::runtime::function::Kw;
use crate::runtime::value::{DictRef, Layout, Obj, ObjRef, Value, flags};
use gc_arena::Gc;
use std::rc::Rc;

fn class_of<'gc>(o: ObjRef<'gc>) -> &'gc crate::runtime::value::Class<'gc> {
    match o.as_ref() {
        Obj::Class(c) => c,
        _ => unreachable!(),
    }
}

/// C3 linearization of `bases` (the result excludes the new class itself).
pub fn c3<'gc>(bases: &[ObjRef<'gc>]) -> Result<Vec<ObjRef<'gc>>, String> {
    let mut seqs: Vec<Vec<ObjRef<'gc>>> = bases
        .iter()
        .map(|b| {
            let mut v = vec![*b];
            v.extend(class_of(*b).mro.iter().copied());
            v
        })
        .collect();
    seqs.push(bases.to_vec());
    let mut out = Vec::new();
    loop {
        seqs.retain(|s| !s.is_empty());
        if seqs.is_empty() {
            return Ok(out);
        }
        let cand = seqs.iter().map(|s| s[0]).find(|h| {
            !seqs
                .iter()
                .any(|s| s[1..].iter().any(|x| Gc::ptr_eq(*x, *h)))
        });
        let Some(c) = cand else {
            let names: Vec<String> = bases
                .iter()
                .map(|b| class_of(*b).name.to_string())
                .collect();
            return Err(format!(
                "Cannot create a consistent method resolution\norder (MRO) for bases {}",
                names.join(", ")
            ));
        };
        out.push(c);
        for s in seqs.iter_mut() {
            if Gc::ptr_eq(s[0], c) {
                s.remove(0);
            }
        }
    }
}

/// Recomputes which dunders the class (through its MRO) defines in script code.
pub fn compute_flags<'gc>(vm: &mut Vm<'gc>, cls: ObjRef<'gc>) {
    let c = class_of(cls);
    let keep = c.flags.get() & (flags::BUILTIN | flags::NO_DICT | flags::NO_WEAKREF);
    let mut f = keep;
    let mut chain = vec![cls];
    chain.extend(c.mro.iter().copied());
    let checks: [(&str, u32); 6] = [
        ("__del__", flags::HAS_DEL),
        ("__getattr__", flags::HAS_GETATTR),
        ("__eq__", flags::HAS_EQ),
        ("__hash__", flags::HAS_HASH),
        ("__setattr__", flags::HAS_SETATTR),
        ("__getattribute__", flags::HAS_GETATTRIBUTE),
    ];
    for (name, bit) in checks {
        let key = vm.intern(name);
        for k in &chain {
            let kc = class_of(*k);
            if let Some(v) = vm.dict_get_str(kc.dict, key) {
                if kc.flags.get() & flags::BUILTIN == 0 {
                    if name == "__hash__" && v.is_none() {
                        f |= flags::HASH_NONE;
                    } else {
                        f |= bit;
                    }
                } else if name == "__hash__" && v.is_none() {
                    f |= flags::HASH_NONE;
                }
                break;
            }
        }
    }
    // data descriptors in any class of the MRO make attribute reads consult the class first;
    // without them an instance's own dict answers (see instance_getattr's fast path)
    'scan: for k in &chain {
        let entries: Vec<Value<'gc>> = class_of(*k).dict.borrow().iter().map(|e| e.value).collect();
        for v in entries {
            if vm.is_data_descriptor(v) {
                f |= flags::HAS_DESCRIPTORS;
                break 'scan;
            }
        }
    }
    c.flags.set(f);
}

impl<'gc> Vm<'gc> {
    /// Runs a class body function with `ns` as its namespace.
    fn run_class_body(&mut self, func: Value<'gc>, ns: DictRef<'gc>) -> R<'gc, ()> {
        let Value::Obj(fo) = func else {
            return Err(self.type_error("__build_class__: func must be a function"));
        };
        let Obj::Function(f) = fo.as_ref() else {
            return Err(self.type_error("__build_class__: func must be a function"));
        };
        let pos = self.st.stack.len();
        self.push(func);
        self.push_function_frame(f, pos + 1, 0, None, pos, FrameKind::Boundary)?;
        let top = self.st.frames.len() - 1;
        self.st.frames[top].ns = Some(ns);
        self.run_nested()?;
        Ok(())
    }

    /// Creates a class object from a namespace.
    pub fn new_class_from_ns(
        &mut self,
        name: &str,
        bases: Vec<ObjRef<'gc>>,
        ns: DictRef<'gc>,
    ) -> R<'gc, ObjRef<'gc>> {
        let bases = if bases.is_empty() {
            vec![self.st.types.object]
        } else {
            bases
        };
        for b in &bases {
            if class_of(*b).layout == Layout::Internal {
                let n = class_of(*b).name.clone();
                return Err(self.type_error(format!("type '{n}' is not an acceptable base type")));
            }
        }
        let mro = match c3(&bases) {
            Ok(m) => m,
            Err(msg) => return Err(self.type_error(msg)),
        };
        let mut layout = Layout::Object;
        for b in &mro {
            let l = class_of(*b).layout;
            if l != Layout::Object {
                if layout == Layout::Object {
                    layout = l;
                } else if layout != l && !(layout == Layout::Bool && l == Layout::Int) {
                    return Err(self.type_error("multiple bases have instance lay-out conflict"));
                }
            }
        }
        if layout == Layout::Bool {
            return Err(self.type_error("type 'bool' is not an acceptable base type"));
        }
        // implicit classmethod / staticmethod
        for (n, wrap_static) in [
            ("__init_subclass__", false),
            ("__class_getitem__", false),
            ("__new__", true),
        ] {
            let k = self.intern(n);
            if let Some(v) = self.dict_get_str(ns, k) {
                if let Value::Obj(o) = v {
                    if let Obj::Function(_) = o.as_ref() {
                        let w = if wrap_static {
                            self.obj(Obj::StaticMethod(v))
                        } else {
                            self.obj(Obj::ClassMethod(v))
                        };
                        self.dict_set(ns, k, w)?;
                    }
                }
            }
        }
        let eq = self.intern("__eq__");
        let hash = self.intern("__hash__");
        if self.dict_get_str(ns, eq).is_some() && self.dict_get_str(ns, hash).is_none() {
            self.dict_set(ns, hash, Value::None)?;
        }
        let mut flag_bits = 0;
        let mut slots = None;
        let sk = self.intern("__slots__");
        if let Some(sv) = self.dict_get_str(ns, sk) {
            let items = match sv {
                Value::Str(_) => vec![sv],
                _ => self.collect_iter(sv)?,
            };
            let names: Vec<Rc<str>> = items
                .iter()
                .filter_map(|v| v.as_str().map(|s| Rc::from(&*s)))
                .collect();
            let base_has_dict = mro.iter().any(|b| {
                let bc = class_of(*b);
                bc.flags.get() & flags::BUILTIN == 0 && bc.flags.get() & flags::NO_DICT == 0
            });
            if !names.iter().any(|n| &**n == "__dict__") && !base_has_dict {
                flag_bits |= flags::NO_DICT;
            }
            if !names.iter().any(|n| &**n == "__weakref__") && !base_has_dict {
                flag_bits |= flags::NO_WEAKREF;
            }
            slots = Some(names);
        }
        let cls = new_class(self.mc, name, bases, mro, layout, ns, flag_bits);
        if let Obj::Class(c) = cls.as_ref() {
            if let Some(s) = slots {
                // `slots` is set at construction only; rebuild with it
                let rebuilt = Gc::new(
                    self.mc,
                    Obj::Class(crate::runtime::value::Class {
                        name: c.name.clone(),
                        bases: c.bases.clone(),
                        mro: c.mro.clone(),
                        dict: c.dict,
                        layout: c.layout,
                        flags: std::cell::Cell::new(c.flags.get()),
                        slots: Some(s),
                        attr_names: Default::default(),
                        attr_mask: Default::default(),
                        uid: crate::runtime::dict::fresh_version(),
                        ctor: Default::default(),
                    }),
                );
                compute_flags(self, rebuilt);
                return Ok(rebuilt);
            }
        }
        compute_flags(self, cls);
        Ok(cls)
    }

    /// After creation: the `__class__` cell, `__set_name__`, and `__init_subclass__`.
    fn finish_class(&mut self, cls: ObjRef<'gc>, kw: &Kw<'gc>) -> R<'gc, ()> {
        let c = class_of(cls);
        let cc = self.intern("__classcell__");
        if let Some(Value::Cell(cell)) = self.dict_get_str(c.dict, cc) {
            cell.set(self.mc, Value::Obj(cls));
            self.dict_del(c.dict, cc)?;
        }
        let items: Vec<(Value<'gc>, Value<'gc>)> =
            c.dict.borrow().iter().map(|e| (e.key, e.value)).collect();
        for (k, v) in items {
            if let Value::Instance(_) = v {
                if let Some(sn) = self.lookup_special(v, "__set_name__") {
                    self.call(sn, &[v, Value::Obj(cls), k], &[])?;
                }
            }
        }
        // __init_subclass__ of the nearest base that defines one
        let isk = self.intern("__init_subclass__");
        for b in c.mro.iter() {
            let bc = class_of(*b);
            if let Some(v) = self.dict_get_str(bc.dict, isk) {
                let f = match v {
                    Value::Obj(o) => match o.as_ref() {
                        Obj::ClassMethod(f) => *f,
                        _ => v,
                    },
                    _ => v,
                };
                if bc.flags.get() & flags::BUILTIN != 0 {
                    if !kw.is_empty() {
                        let n = c.name.clone();
                        return Err(self.type_error(format!(
                            "{n}.__init_subclass__() takes no keyword arguments"
                        )));
                    }
                    break;
                }
                self.call(f, &[Value::Obj(cls)], kw)?;
                break;
            }
        }
        Ok(())
    }
}

/// `__build_class__(func, name, *bases, **kw)`.
pub fn build_class<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    if args.len() < 2 {
        return Err(vm.type_error("__build_class__: not enough arguments"));
    }
    let func = args[0];
    let name = args[1].as_str().unwrap_or("?".into()).to_string();
    let mut bases = Vec::new();
    for b in &args[2..] {
        match b {
            Value::Obj(o) if matches!(o.as_ref(), Obj::Class(_)) => bases.push(*o),
            _ => {
                let t = vm.type_name(*b);
                return Err(vm.type_error(format!("bases must be types, not {t}")));
            }
        }
    }
    let kw: Vec<(Value<'gc>, Value<'gc>)> = kw
        .iter()
        .filter(|(k, _)| k.as_str().as_deref() != Some("metaclass"))
        .copied()
        .collect();
    let ns = vm.new_dict();
    vm.run_class_body(func, ns)?;
    let cls = vm.new_class_from_ns(&name, bases, ns)?;
    vm.finish_class(cls, &kw)?;
    Ok(Value::Obj(cls))
}

/// `super()` and `super(cls, obj)`.
pub fn super_new<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    // called as a class: args[0] is the `super` type itself
    let args = &args[1..];
    if args.len() == 2 {
        let Value::Obj(c) = args[0] else {
            return Err(vm.type_error("super() argument 1 must be a type"));
        };
        if !matches!(c.as_ref(), Obj::Class(_)) {
            return Err(vm.type_error("super() argument 1 must be a type"));
        }
        return Ok(vm.obj(Obj::Super(c, args[1])));
    }
    if !args.is_empty() {
        return Err(vm.type_error("super() takes 0 or 2 arguments"));
    }
    let Some(frame) = vm.st.frames.last().copied() else {
        return Err(vm.runtime_error("super(): no current frame"));
    };
    let code = &frame.code.code;
    let Some(fi) = code.freevars.iter().position(|f| &**f == "__class__") else {
        return Err(vm.runtime_error("super(): __class__ cell not found"));
    };
    if code.argcount == 0 && code.flags & crate::compiler::code::CO_VARARGS == 0 {
        return Err(vm.runtime_error("super(): no arguments"));
    }
    let cls = vm.frame_cell(&frame, code.cellvars.len() + fi);
    let first = vm.frame_local(&frame, 0);
    if first.is_undef() {
        return Err(vm.runtime_error("super(): arg[0] deleted"));
    }
    match cls {
        Value::Obj(c) if matches!(c.as_ref(), Obj::Class(_)) => Ok(vm.obj(Obj::Super(c, first))),
        _ => Err(vm.runtime_error("super(): empty __class__ cell")),
    }
}
