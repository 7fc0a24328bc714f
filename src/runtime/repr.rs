//! `repr()` and `str()` of every kind of value, with CPython's text for each.

use crate::runtime::value::{Obj, Payload, Value};
use crate::vm::{R, Vm};

/// CPython's `repr(float)`: the shortest round-tripping digits, scientific outside 1e-4..1e16.
pub fn float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    let s = format!("{:e}", f.abs());
    let (mant, exp) = s.split_once('e').unwrap();
    let exp: i32 = exp.parse().unwrap();
    let digits: String = mant.chars().filter(|c| *c != '.').collect();
    let sign = if f < 0.0 { "-" } else { "" };
    if (-4..16).contains(&exp) {
        let decpt = exp + 1;
        let body = if decpt <= 0 {
            format!("0.{}{}", "0".repeat((-decpt) as usize), digits)
        } else if decpt as usize >= digits.len() {
            format!("{}{}.0", digits, "0".repeat(decpt as usize - digits.len()))
        } else {
            format!(
                "{}.{}",
                &digits[..decpt as usize],
                &digits[decpt as usize..]
            )
        };
        format!("{sign}{body}")
    } else {
        let m = if digits.len() > 1 {
            format!("{}.{}", &digits[..1], &digits[1..])
        } else {
            digits.clone()
        };
        let esign = if exp < 0 { '-' } else { '+' };
        format!("{sign}{m}e{esign}{:02}", exp.abs())
    }
}

/// Quotes a string as `repr(str)` does.
pub fn str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if (0x80..0xa0).contains(&(c as u32)) => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if c as u32 == 0xad => out.push_str("\\xad"),
            c if (0xd800..0xe000).contains(&(c as u32)) => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

pub fn bytes_repr(b: &[u8]) -> String {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::from("b");
    out.push(quote);
    for &c in b {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            c if c as char == quote => {
                out.push('\\');
                out.push(c as char);
            }
            0x20..=0x7e => out.push(c as char),
            c => out.push_str(&format!("\\x{c:02x}")),
        }
    }
    out.push(quote);
    out
}

/// `ascii()`: escapes everything outside ASCII in an existing repr.
pub fn ascii_escape(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let n = c as u32;
        if n < 0x80 {
            out.push(c);
        } else if n < 0x100 {
            out.push_str(&format!("\\x{n:02x}"));
        } else if n < 0x10000 {
            out.push_str(&format!("\\u{n:04x}"));
        } else {
            out.push_str(&format!("\\U{n:08x}"));
        }
    }
    out
}

pub fn complex_repr(r: f64, i: f64) -> String {
    let fmt = |x: f64| -> String {
        let s = float_repr(x);
        s.strip_suffix(".0").map(|t| t.to_string()).unwrap_or(s)
    };
    if r == 0.0 && !r.is_sign_negative() {
        return format!("{}j", fmt(i));
    }
    let sign = if i < 0.0 || (i == 0.0 && i.is_sign_negative()) {
        "-"
    } else {
        "+"
    };
    format!("({}{}{}j)", fmt(r), sign, fmt(i.abs()))
}

impl<'gc> Vm<'gc> {
    /// Calls a script-defined `__repr__`/`__str__` of `v`, if its class has one, and checks
    /// that it returned a str.
    fn user_text_dunder(&mut self, v: Value<'gc>, name: &'static str) -> R<'gc, Option<String>> {
        let Some(f) = self
            .lookup_special(v, name)
            .filter(|f| !self.is_builtin_fn(*f))
        else {
            return Ok(None);
        };
        match self.call_bound(f, v, &[])? {
            Value::Str(s) => Ok(Some(s.text().to_string())),
            r => {
                let t = self.type_name(r);
                Err(self.type_error(format!("{name} returned non-string (type {t})")))
            }
        }
    }

    /// Runs `f` with `v` marked as being printed; a re-entry prints `placeholder`.
    fn guarded(
        &mut self,
        v: Value<'gc>,
        placeholder: &str,
        f: impl FnOnce(&mut Vm<'gc>) -> R<'gc, String>,
    ) -> R<'gc, String> {
        let addr = v.addr().unwrap_or(0);
        if self.st.out_guard.contains(&addr) {
            return Ok(placeholder.to_string());
        }
        self.st.out_guard.push(addr);
        let r = f(self);
        self.st.out_guard.retain(|a| *a != addr);
        r
    }

    fn join_reprs(&mut self, items: &[Value<'gc>]) -> R<'gc, String> {
        let mut out = String::new();
        for (i, it) in items.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(&self.repr_of(*it)?);
        }
        Ok(out)
    }

    pub fn qualified_class_name(&mut self, cls: crate::runtime::value::ObjRef<'gc>) -> String {
        let name = match cls.as_ref() {
            Obj::Class(c) => {
                let k = self.intern("__qualname__");
                self.dict_get_str(c.dict, k)
                    .and_then(|v| v.as_str().map(|s| s.to_string()))
                    .unwrap_or_else(|| c.name.to_string())
            }
            _ => "?".into(),
        };
        match self.class_module(cls).as_deref() {
            None | Some("builtins") => name,
            Some(m) => format!("{m}.{name}"),
        }
    }

    /// `repr(v)`.
    pub fn repr_of(&mut self, v: Value<'gc>) -> R<'gc, String> {
        Ok(match v {
            Value::Undef => "<undefined>".into(),
            Value::None => "None".into(),
            Value::Bool(b) => {
                if b.get() {
                    "True".into()
                } else {
                    "False".into()
                }
            }
            Value::Int(i) => i.to_string(),
            Value::Float(f) => float_repr(f.get()),
            Value::Str(s) => str_repr(&s.text()),
            Value::Tuple(t) => {
                let items = t.items().to_vec();
                return self.guarded(v, "(...)", |vm| {
                    let inner = vm.join_reprs(&items)?;
                    Ok(if items.len() == 1 {
                        format!("({inner},)")
                    } else {
                        format!("({inner})")
                    })
                });
            }
            Value::List(l) => {
                let items = l.borrow().clone();
                return self.guarded(v, "[...]", |vm| Ok(format!("[{}]", vm.join_reprs(&items)?)));
            }
            Value::Dict(d) => {
                let items: Vec<_> = d.borrow().iter().map(|e| (e.key, e.value)).collect();
                return self.guarded(v, "{...}", |vm| {
                    let mut out = String::from("{");
                    for (i, (k, val)) in items.iter().enumerate() {
                        if i > 0 {
                            out.push_str(", ");
                        }
                        out.push_str(&vm.repr_of(*k)?);
                        out.push_str(": ");
                        out.push_str(&vm.repr_of(*val)?);
                    }
                    out.push('}');
                    Ok(out)
                });
            }
            Value::Set(s) => {
                let keys = s.table.borrow().keys();
                let frozen = s.frozen;
                return self.guarded(v, "{...}", |vm| {
                    let name = if frozen { "frozenset" } else { "set" };
                    if keys.is_empty() {
                        return Ok(format!("{name}()"));
                    }
                    let inner = vm.join_reprs(&keys)?;
                    Ok(if frozen {
                        format!("frozenset({{{inner}}})")
                    } else {
                        format!("{{{inner}}}")
                    })
                });
            }
            Value::Weak(_) => return crate::modules::weakref::weak_repr(self, v),
            Value::Instance(inst) => {
                if let Some(text) = self.user_text_dunder(v, "__repr__")? {
                    return Ok(text);
                }
                match inst.payload.get() {
                    Payload::Exc(d) => {
                        let args = d.borrow().args;
                        let name = self.type_name(v);
                        let inner = match args {
                            Value::Tuple(t) if t.items().len() == 1 => {
                                self.repr_of(t.items()[0])?
                            }
                            Value::Tuple(t) => self.join_reprs(t.items())?,
                            _ => String::new(),
                        };
                        format!("{name}({inner})")
                    }
                    Payload::Value(inner) => return self.repr_of(inner),
                    Payload::Weak(_) => return crate::modules::weakref::weak_repr(self, v),
                    Payload::Table(_) => {
                        let f = self
                            .lookup_special(v, "__repr__")
                            .expect("weak containers define __repr__");
                        let r = self.call_bound(f, v, &[])?;
                        return self.str_of(r);
                    }
                    Payload::None => {
                        let cls = inst.class.get();
                        let q = self.qualified_class_name(cls);
                        format!("<{q} object at {:#x}>", v.addr().unwrap_or(0))
                    }
                }
            }
            Value::Cell(c) => {
                let inner = c.get();
                if inner.is_undef() {
                    format!("<cell at {:#x}: empty>", v.addr().unwrap_or(0))
                } else {
                    let t = self.type_name(inner);
                    format!(
                        "<cell at {:#x}: {t} object at {:#x}>",
                        v.addr().unwrap_or(0),
                        inner.addr().unwrap_or(0)
                    )
                }
            }
            Value::Iter(_) => format!("<iterator object at {:#x}>", v.addr().unwrap_or(0)),
            Value::Obj(o) => match o.as_ref() {
                Obj::BigInt(b) => b.to_string(),
                Obj::Complex(r, i) => complex_repr(*r, *i),
                Obj::Bytes(b) => bytes_repr(b),
                Obj::Range(a, b, c) => {
                    if *c == 1 {
                        format!("range({a}, {b})")
                    } else {
                        format!("range({a}, {b}, {c})")
                    }
                }
                Obj::Slice(a, b, c) => {
                    let (a, b, c) = (*a, *b, *c);
                    format!(
                        "slice({}, {}, {})",
                        self.repr_of(a)?,
                        self.repr_of(b)?,
                        self.repr_of(c)?
                    )
                }
                Obj::Class(_) => format!("<class '{}'>", self.qualified_class_name(o)),
                Obj::Function(f) => {
                    let q = f.meta.borrow().qualname;
                    format!(
                        "<function {} at {:#x}>",
                        q.as_str().unwrap_or("?".into()),
                        v.addr().unwrap_or(0)
                    )
                }
                Obj::Method(this, f) => {
                    let (this, f) = (*this, *f);
                    let q = self
                        .getattr_str(f, "__qualname__")
                        .ok()
                        .and_then(|q| q.as_str().map(|s| s.to_string()))
                        .unwrap_or_else(|| "?".into());
                    format!("<bound method {} of {}>", q, self.repr_of(this)?)
                }
                Obj::Native(n) => {
                    if n.bound.is_undef() {
                        format!("<built-in function {}>", n.name)
                    } else if let Value::Obj(b) = n.bound {
                        if let Obj::Module(m) = b.as_ref() {
                            return Ok(
                                format!("<built-in function {}>", n.name).replace("{}", &m.name)
                            );
                        }
                        let t = self.type_name(n.bound);
                        format!(
                            "<built-in method {} of {} object at {:#x}>",
                            n.name,
                            t,
                            n.bound.addr().unwrap_or(0)
                        )
                    } else {
                        let t = self.type_name(n.bound);
                        format!(
                            "<built-in method {} of {} object at {:#x}>",
                            n.name,
                            t,
                            n.bound.addr().unwrap_or(0)
                        )
                    }
                }
                Obj::Code(c) => format!(
                    "<code object {} at {:#x}, file \"{}\", line {}>",
                    c.code.name,
                    v.addr().unwrap_or(0),
                    c.code.filename,
                    c.code.first_line
                ),
                Obj::Module(m) => {
                    let k = self.intern("__file__");
                    match self
                        .dict_get_str(m.dict, k)
                        .and_then(|f| f.as_str().map(|s| s.to_string()))
                    {
                        Some(f) => format!("<module '{}' from '{}'>", m.name, f),
                        None => format!("<module '{}' (built-in)>", m.name),
                    }
                }
                Obj::Property(_) => format!("<property object at {:#x}>", v.addr().unwrap_or(0)),
                Obj::StaticMethod(f) => {
                    let f = *f;
                    format!("<staticmethod({})>", self.repr_of(f)?)
                }
                Obj::ClassMethod(f) => {
                    let f = *f;
                    format!("<classmethod({})>", self.repr_of(f)?)
                }
                Obj::Super(c, this) => {
                    let (c, this) = (*c, *this);
                    let cr = self.repr_of(Value::Obj(c))?;
                    let tr = self.type_of(this);
                    let tr = self.qualified_class_name(tr);
                    format!("<super: {cr}, <{tr} object>>")
                }
                Obj::Generator(g) => {
                    let code = g.borrow().code;
                    format!(
                        "<generator object {} at {:#x}>",
                        code.code.qualname,
                        v.addr().unwrap_or(0)
                    )
                }
                Obj::DictView(kind, d) => {
                    let name = ["dict_keys", "dict_values", "dict_items"][*kind as usize];
                    let d = *d;
                    let kind = *kind;
                    let items: Vec<Value<'gc>> = match kind {
                        0 => d.borrow().iter().map(|e| e.key).collect(),
                        1 => d.borrow().iter().map(|e| e.value).collect(),
                        _ => {
                            let pairs: Vec<_> =
                                d.borrow().iter().map(|e| (e.key, e.value)).collect();
                            pairs
                                .into_iter()
                                .map(|(k, v)| self.new_tuple(vec![k, v]))
                                .collect()
                        }
                    };
                    format!("{name}([{}])", self.join_reprs(&items)?)
                }
                Obj::NotImplemented => "NotImplemented".into(),
                Obj::Ellipsis => "Ellipsis".into(),
            },
        })
    }

    /// `str(v)`.
    pub fn str_of(&mut self, v: Value<'gc>) -> R<'gc, String> {
        match v {
            Value::Str(s) => Ok(s.text().to_string()),
            Value::Instance(inst) => {
                if let Some(text) = self.user_text_dunder(v, "__str__")? {
                    return Ok(text);
                }
                match inst.payload.get() {
                    Payload::Exc(d) => {
                        let args = d.borrow().args;
                        let is_key_error =
                            crate::vm::exc::is_subclass(inst.class.get(), self.st.types.key_error);
                        match args {
                            Value::Tuple(t) if t.items().is_empty() => Ok(String::new()),
                            Value::Tuple(t) if t.items().len() == 1 => {
                                if is_key_error {
                                    self.repr_of(t.items()[0])
                                } else {
                                    self.str_of(t.items()[0])
                                }
                            }
                            _ => self.repr_of(args),
                        }
                    }
                    Payload::Value(inner) => self.str_of(inner),
                    Payload::Weak(_) => match self.proxy_target(v) {
                        Some(t) => {
                            let t = t?;
                            self.str_of(t)
                        }
                        None => self.repr_of(v),
                    },
                    Payload::Table(_) | Payload::None => self.repr_of(v),
                }
            }
            _ => self.repr_of(v),
        }
    }
}
