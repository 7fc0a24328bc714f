//! Names outside the inline caches: the instructions of class bodies and module code that
//! work on a namespace dict (names and annotations), global lookups that miss the caches, and
//! the errors a missing name raises: NameError (with what was in scope, for "Did you mean"),
//! UnboundLocalError for locals and cells read before assignment.

use super::{R, Vm, exc};
use crate::runtime::value::{DictRef, Value};

impl<'gc> Vm<'gc> {
    /// LoadName: a name in a class body or module code, from the namespace `ns`, then the
    /// globals and builtins.
    pub(super) fn load_name(
        &mut self,
        ns: DictRef<'gc>,
        globals: DictRef<'gc>,
        name: Value<'gc>,
    ) -> R<'gc> {
        match self.dict_get(ns, name)? {
            Some(v) => Ok(v),
            None => self.load_global(globals, name),
        }
    }

    /// `del name` from the namespace dict `ns`: DeleteName in a class body, DeleteGlobal from the
    /// globals.
    pub(super) fn delete_name(&mut self, ns: DictRef<'gc>, name: Value<'gc>) -> R<'gc, ()> {
        if self.dict_del(ns, name)? {
            Ok(())
        } else {
            Err(self.name_error(name))
        }
    }

    /// SetupAnnotations: the namespace's `__annotations__` dict, made if missing.
    pub(super) fn setup_annotations(&mut self, ns: DictRef<'gc>) -> R<'gc, ()> {
        let key = self.intern("__annotations__");
        if self.dict_get(ns, key)?.is_none() {
            let d = self.new_dict();
            self.dict_set(ns, key, Value::Dict(d))?;
        }
        Ok(())
    }

    /// StoreAnnotation: `name: ann` records `ann` in the namespace's `__annotations__`.
    pub(super) fn store_annotation(
        &mut self,
        ns: DictRef<'gc>,
        name: Value<'gc>,
        ann: Value<'gc>,
    ) -> R<'gc, ()> {
        let key = self.intern("__annotations__");
        if let Some(Value::Dict(d)) = self.dict_get(ns, key)? {
            self.dict_set(d, name, ann)?;
        }
        Ok(())
    }

    pub(super) fn unbound_deref(
        &mut self,
        code: &crate::compiler::code::Code,
        i: usize,
    ) -> Value<'gc> {
        let ncell = code.cellvars.len();
        if i < ncell {
            self.unbound_local_named(&code.cellvars[i])
        } else {
            let name = code.freevars[i - ncell].clone();
            let cls = self.st.types.name_error;
            self.err(cls, format!("cannot access free variable '{name}' where it is not associated with a value in enclosing scope"))
        }
    }

    pub fn name_error(&mut self, name: Value<'gc>) -> Value<'gc> {
        let n = name.as_str().unwrap_or("?".into()).to_string();
        let cls = self.st.types.name_error;
        let e = self.err(cls, format!("name '{n}' is not defined"));
        // what was in scope, for the "Did you mean" hint: locals, then globals, then builtins
        let str_keys = |d: DictRef<'gc>| -> Vec<String> {
            (d.borrow().keys().iter())
                .filter_map(|k| k.as_str().map(|s| String::from(&*s)))
                .collect()
        };
        let mut scope: Vec<String> = vec![];
        if let Some(f) = self.st.frames.last().copied() {
            let code = &f.code.code;
            if code.flags & crate::compiler::code::CO_NAMESPACE == 0 {
                scope.extend(code.varnames.iter().map(|s| s.to_string()));
                scope.extend(
                    code.cellvars
                        .iter()
                        .chain(code.freevars.iter())
                        .map(|s| s.to_string()),
                );
            }
            if let Some(ns) = f.ns {
                scope.extend(str_keys(ns));
            }
            scope.extend(str_keys(f.globals));
        }
        scope.extend(str_keys(self.st.builtins));
        if let Some(d) = exc::exc_data(e) {
            let mut d = d.borrow_mut(self.mc);
            d.missing_name = name;
            d.scope_names = Some(scope);
        }
        e
    }

    /// UnboundLocalError for local slot `i` of `code`.
    #[cold]
    pub(super) fn unbound_local(
        &mut self,
        code: &crate::compiler::code::Code,
        i: u32,
    ) -> Value<'gc> {
        self.unbound_local_named(&code.varnames[i as usize])
    }

    /// UnboundLocalError for the local (or cell) `name`.
    fn unbound_local_named(&mut self, name: &str) -> Value<'gc> {
        let cls = self.st.types.unbound_local_error;
        self.err(
            cls,
            format!(
                "cannot access local variable '{name}' where it is not associated with a value"
            ),
        )
    }

    pub fn load_global(&mut self, globals: DictRef<'gc>, name: Value<'gc>) -> R<'gc> {
        if let Some(v) = self.dict_get_str(globals, name) {
            return Ok(v);
        }
        let b = self.st.builtins;
        if let Some(v) = self.dict_get_str(b, name) {
            return Ok(v);
        }
        Err(self.name_error(name))
    }
}
