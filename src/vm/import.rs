//! Imports: native modules, the wk stdlib shipped in the binary, and `.wk` files beside the script.
//! Also turns compiled code into heap code objects with their constants materialized.

use super::frame::{Frame, FrameKind};
use super::{R, Vm};
use crate::compiler::code::{Code, Const};
use crate::runtime::function::{CodeObj, InlineCache};
use crate::runtime::value::{DictRef, Obj, Value};
use gc_arena::Gc;
use std::rc::Rc;

impl<'gc> Vm<'gc> {
    fn const_value(&mut self, c: &Const) -> Value<'gc> {
        match c {
            Const::None => Value::None,
            Const::Bool(b) => Value::bool(*b),
            Const::Ellipsis => self.st.ellipsis,
            Const::Int(i) => Value::Int(*i),
            Const::BigInt(b) => self.int_from_big((**b).clone()),
            Const::Float(f) => Value::float(*f),
            Const::Complex(r, i) => self.obj(Obj::Complex(*r, *i)),
            Const::Str(s) => {
                if s.len() <= 32 && s.chars().all(|c| c == '_' || c.is_alphanumeric()) {
                    self.intern(s)
                } else {
                    self.new_str(s)
                }
            }
            Const::Bytes(b) => self.obj(Obj::Bytes(b.to_vec().into_boxed_slice())),
            Const::Tuple(items) => {
                let v = items.iter().map(|c| self.const_value(c)).collect();
                self.new_tuple(v)
            }
            Const::Code(code) => {
                let co = self.load_code(code);
                self.obj(Obj::Code(co))
            }
        }
    }

    /// Materializes a compiled code object (and its nested ones) on the heap.
    pub fn load_code(&mut self, code: &Rc<Code>) -> Gc<'gc, CodeObj<'gc>> {
        let consts: Vec<Value<'gc>> = code.consts.iter().map(|c| self.const_value(c)).collect();
        let names: Vec<Value<'gc>> = code.names.iter().map(|n| self.intern(n)).collect();
        Gc::new(
            self.mc,
            CodeObj {
                code: code.clone(),
                consts: consts.into_boxed_slice(),
                names: names.into_boxed_slice(),
                caches: code.ops.iter().map(|_| InlineCache::default()).collect(),
                plain_argc: code.plain_argc(),
                frame_slots: code.frame_slots() as u32,
            },
        )
    }

    /// Pushes a module-level frame for `code` with `globals` (kind decides how it ends).
    pub fn push_module_frame(
        &mut self,
        code: &Rc<Code>,
        globals: DictRef<'gc>,
        kind: FrameKind<'gc>,
    ) {
        let co = self.load_code(code);
        let base = self.st.stack.len();
        self.st
            .stack
            .resize(base + code.frame_slots(), Value::Undef);
        let block_base = self.st.blocks.len() as u32;
        let exc_base = self.st.exc_stack.len() as u32;
        self.st.frames.push(Frame {
            code: co,
            ip: 0,
            base: base as u32,
            ret_sp: base as u32,
            globals,
            ns: None,
            block_base,
            exc_base,
            kind,
        });
    }

    /// A SyntaxError exception for source that failed to compile.
    pub fn syntax_error(
        &mut self,
        msg: &str,
        filename: &str,
        src: &str,
        pos: usize,
        indentation: bool,
    ) -> Value<'gc> {
        let (line, col) = line_col(src, pos);
        let text = src.lines().nth(line - 1).unwrap_or("").to_string();
        let cls = if indentation {
            self.st.types.indentation_error
        } else {
            self.st.types.syntax_error
        };
        let m = self.new_str(msg);
        let f = self.new_str(filename);
        let t = self.new_string(text);
        let detail = self.new_tuple(vec![f, Value::Int(line as i64), Value::Int(col as i64), t]);
        let args = self.new_tuple(vec![m, detail]);
        super::exc::make_exception(self, cls, args)
    }

    /// Compiles and runs module source in `globals` to completion (a nested run).
    pub fn exec_source(
        &mut self,
        name: &str,
        filename: &str,
        src: &str,
        globals: DictRef<'gc>,
    ) -> R<'gc, ()> {
        let code = match crate::compile(src, filename, false) {
            Ok(c) => c,
            Err(e) => return Err(self.syntax_error(&e.msg, filename, src, e.pos, e.indentation)),
        };
        self.st.sources.insert(Rc::from(filename), Rc::from(src));
        let _ = name;
        self.push_module_frame(&code, globals, FrameKind::Boundary);
        self.run_nested()?;
        Ok(())
    }

    fn find_module(&mut self, name: &str) -> R<'gc, Option<Value<'gc>>> {
        if let Some(m) = crate::modules::native_module(self, name) {
            return Ok(Some(m));
        }
        let stdlib = crate::modules::STDLIB
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, s)| *s);
        let file = match stdlib {
            Some(src) => Some((format!("<stdlib>/{name}.wk"), src.to_string(), false)),
            None => {
                let mut found = None;
                let dirs: Vec<std::path::PathBuf> = self
                    .st
                    .config
                    .script_dir
                    .iter()
                    .cloned()
                    .chain(self.st.config.stdlib_dir.iter().cloned())
                    .collect();
                for dir in dirs {
                    let p = dir.join(format!("{}.wk", name.replace('.', "/")));
                    if let Ok(src) = std::fs::read_to_string(&p) {
                        found = Some((p.display().to_string(), src, true));
                        break;
                    }
                }
                found
            }
        };
        let Some((filename, src, is_file)) = file else {
            return Ok(None);
        };
        let (m, d) = crate::modules::new_module(self, name);
        if is_file {
            let f = self.new_str(&filename);
            crate::modules::add_value(self, d, "__file__", f);
        }
        // registered before running so that import cycles see the partial module
        let key = self.new_str(name);
        let mods = self.st.modules;
        self.dict_set(mods, key, m)?;
        if let Err(e) = self.exec_source(name, &filename, &src, d) {
            let _ = self.dict_del(mods, key);
            return Err(e);
        }
        Ok(Some(m))
    }

    /// `import name` (returns the top-level package unless `fromlist` is non-empty).
    pub fn import(
        &mut self,
        name: Value<'gc>,
        fromlist: Value<'gc>,
        level: Value<'gc>,
        globals: DictRef<'gc>,
    ) -> R<'gc> {
        let _ = (level, globals);
        let full = name.as_str().unwrap_or("".into()).to_string();
        if full.is_empty() {
            return Err(self.value_error("Empty module name"));
        }
        let mut module = Value::None;
        let mut top = Value::None;
        let mut prefix = String::new();
        for (i, part) in full.split('.').enumerate() {
            if i > 0 {
                prefix.push('.');
            }
            prefix.push_str(part);
            let key = self.new_str(&prefix);
            let mods = self.st.modules;
            module = match self.dict_get(mods, key)? {
                Some(m) => m,
                None => match self.find_module(&prefix)? {
                    Some(m) => {
                        self.dict_set(mods, key, m)?;
                        m
                    }
                    None => {
                        let c = self.st.types.module_not_found_error;
                        return Err(self.err(c, format!("No module named '{prefix}'")));
                    }
                },
            };
            if i == 0 {
                top = module;
            }
        }
        let has_from = match fromlist {
            Value::Tuple(t) => !t.items().is_empty(),
            Value::List(l) => !l.borrow().is_empty(),
            _ => false,
        };
        Ok(if has_from { module } else { top })
    }

    /// `from module import name`.
    pub fn import_from(&mut self, module: Value<'gc>, name: Value<'gc>) -> R<'gc> {
        match self.getattr(module, name) {
            Ok(v) => Ok(v),
            Err(_) => {
                let n = name.as_str().unwrap_or("?".into()).to_string();
                let (mname, file) = match module {
                    Value::Obj(o) => match o.as_ref() {
                        Obj::Module(m) => {
                            let k = self.intern("__file__");
                            let f = self
                                .dict_get_str(m.dict, k)
                                .and_then(|v| v.as_str().map(|s| s.to_string()));
                            (m.name.to_string(), f)
                        }
                        _ => ("?".to_string(), None),
                    },
                    _ => ("?".to_string(), None),
                };
                let where_ = match file {
                    Some(f) => format!(" ({f})"),
                    None => " (unknown location)".to_string(),
                };
                let c = self.st.types.import_error;
                Err(self.err(
                    c,
                    format!("cannot import name '{n}' from '{mname}'{where_}"),
                ))
            }
        }
    }

    /// `from module import *`.
    pub fn import_star(&mut self, module: Value<'gc>, ns: DictRef<'gc>) -> R<'gc, ()> {
        let Value::Obj(o) = module else { return Ok(()) };
        let Obj::Module(m) = o.as_ref() else {
            return Ok(());
        };
        let allk = self.intern("__all__");
        let names: Vec<Value<'gc>> = match self.dict_get_str(m.dict, allk) {
            Some(all) => self.collect_iter(all)?,
            None => m
                .dict
                .borrow()
                .keys()
                .into_iter()
                .filter(|k| !k.as_str().map(|s| s.starts_with('_')).unwrap_or(true))
                .collect(),
        };
        for n in names {
            let v = self.getattr(module, n)?;
            self.dict_set(ns, n, v)?;
        }
        Ok(())
    }
}

/// 1-based line and column of a byte offset.
pub fn line_col(src: &str, pos: usize) -> (usize, usize) {
    let pos = pos.min(src.len());
    let before = &src[..pos];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let col = src[line_start..pos].chars().count() + 1;
    (line, col)
}
