//! Binding a call's positional and keyword arguments to the callee's parameters: defaults,
//! keyword-only parameters, `*args` and `**kwargs`, and CPython's TypeErrors when they do not fit.

use super::{R, Vm};
use crate::compiler::code::{CO_VARARGS, CO_VARKEYWORDS};
use crate::runtime::function::Function;
use crate::runtime::value::Value;

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn name_list(names: &[String]) -> String {
    let q: Vec<String> = names.iter().map(|n| format!("'{n}'")).collect();
    match q.len() {
        1 => q[0].clone(),
        2 => format!("{} and {}", q[0], q[1]),
        _ => format!("{}, and {}", q[..q.len() - 1].join(", "), q[q.len() - 1]),
    }
}

impl<'gc> Vm<'gc> {
    /// Binds positional and keyword arguments to parameter slots (the general case).
    pub(super) fn bind_args(
        &mut self,
        f: &Function<'gc>,
        args_at: usize,
        argc: usize,
        kwnames: Option<Value<'gc>>,
    ) -> R<'gc, Vec<Value<'gc>>> {
        let code = &f.code.code;
        let nargs = code.argcount as usize;
        let nkwonly = code.kwonly as usize;
        let mut locals = vec![Value::Undef; code.nlocals as usize];
        let kwn: Vec<Value<'gc>> = match kwnames {
            Some(Value::Tuple(t)) => t.items().to_vec(),
            _ => vec![],
        };
        let npos = argc - kwn.len();
        let args: Vec<Value<'gc>> = self.st.stack[args_at..args_at + argc].to_vec();
        let qual: String = f
            .meta
            .borrow()
            .qualname
            .as_str()
            .map(|s| s.to_string())
            .unwrap_or_else(|| code.qualname.to_string());
        let has_varargs = code.flags & CO_VARARGS != 0;
        let has_varkw = code.flags & CO_VARKEYWORDS != 0;
        if npos > nargs && !has_varargs {
            let ndef = f.defaults.len();
            let takes = if ndef > 0 {
                format!("from {} to {} positional arguments", nargs - ndef, nargs)
            } else {
                plural(nargs, "positional argument")
            };
            let given_kw = kwn.len();
            let was = if npos == 1 { "was" } else { "were" };
            let extra = if given_kw > 0 && nkwonly > 0 {
                format!(
                    " positional argument{} (and {} keyword-only argument{}) were given",
                    if npos == 1 { "" } else { "s" },
                    given_kw,
                    if given_kw == 1 { "" } else { "s" }
                )
            } else {
                format!(" {was} given")
            };
            return Err(self.type_error(format!("{qual}() takes {takes} but {npos}{extra}")));
        }
        let given = npos.min(nargs);
        locals[..given].copy_from_slice(&args[..given]);
        let mut slot = nargs + nkwonly;
        if has_varargs {
            let extra = if npos > nargs {
                args[nargs..npos].to_vec()
            } else {
                vec![]
            };
            locals[slot] = self.new_tuple(extra);
            slot += 1;
        }
        let kwdict = if has_varkw {
            let d = self.new_dict();
            locals[slot] = Value::Dict(d);
            Some(d)
        } else {
            None
        };
        let mut posonly_as_kw: Vec<String> = vec![];
        for (j, name) in kwn.iter().enumerate() {
            let val = args[npos + j];
            let ns = name.as_str().unwrap_or("".into());
            let idx = code.varnames[..nargs + nkwonly]
                .iter()
                .position(|v| **v == *ns);
            match idx {
                Some(i) if i >= code.posonly as usize => {
                    if !locals[i].is_undef() {
                        return Err(self.type_error(format!(
                            "{qual}() got multiple values for argument '{ns}'"
                        )));
                    }
                    locals[i] = val;
                }
                Some(_) if kwdict.is_none() => posonly_as_kw.push(ns.to_string()),
                _ => match kwdict {
                    Some(d) => self.dict_set(d, *name, val)?,
                    None => {
                        return Err(self.type_error(format!(
                            "{qual}() got an unexpected keyword argument '{ns}'"
                        )));
                    }
                },
            }
        }
        if !posonly_as_kw.is_empty() {
            return Err(self.type_error(format!(
                "{qual}() got some positional-only arguments passed as keyword arguments: '{}'",
                posonly_as_kw.join(", ")
            )));
        }
        let ndef = f.defaults.len();
        for (i, slot) in locals.iter_mut().enumerate().take(nargs) {
            if slot.is_undef() && i + ndef >= nargs {
                *slot = f.defaults[i + ndef - nargs];
            }
        }
        let missing: Vec<String> = (0..nargs)
            .filter(|&i| locals[i].is_undef())
            .map(|i| code.varnames[i].to_string())
            .collect();
        if !missing.is_empty() {
            return Err(self.type_error(format!(
                "{qual}() missing {} required positional argument{}: {}",
                missing.len(),
                if missing.len() == 1 { "" } else { "s" },
                name_list(&missing)
            )));
        }
        let mut missing_kw = vec![];
        for (slot, name) in locals[nargs..nargs + nkwonly]
            .iter_mut()
            .zip(&code.varnames[nargs..nargs + nkwonly])
        {
            if slot.is_undef() {
                let name = name.clone();
                let dv = match f.kwdefaults {
                    Some(d) => {
                        let k = self.intern(&name);
                        self.dict_get(d, k)?
                    }
                    None => None,
                };
                match dv {
                    Some(v) => *slot = v,
                    None => missing_kw.push(name.to_string()),
                }
            }
        }
        if !missing_kw.is_empty() {
            return Err(self.type_error(format!(
                "{qual}() missing {} required keyword-only argument{}: {}",
                missing_kw.len(),
                if missing_kw.len() == 1 { "" } else { "s" },
                name_list(&missing_kw)
            )));
        }
        Ok(locals)
    }
}
