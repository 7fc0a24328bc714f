//! The builtin classes: created empty at start-up; `builtins/` fills their method tables.

use crate::runtime::dict::Dict;
use crate::runtime::value::{Class, DictRef, Layout, Obj, ObjRef, flags};
use gc_arena::lock::RefLock;
use gc_arena::{Collect, Gc, Mutation};
use std::cell::Cell;
use std::rc::Rc;

pub fn new_class<'gc>(
    mc: &Mutation<'gc>,
    name: &str,
    bases: Vec<ObjRef<'gc>>,
    mro: Vec<ObjRef<'gc>>,
    layout: Layout,
    dict: DictRef<'gc>,
    flag_bits: u32,
) -> ObjRef<'gc> {
    dict.borrow_mut(mc).class_dict = true;
    Gc::new(
        mc,
        Obj::Class(Class {
            name: Rc::from(name),
            bases,
            mro,
            dict,
            layout,
            flags: Cell::new(flag_bits),
            slots: None,
            attr_names: Default::default(),
            attr_mask: Default::default(),
            uid: crate::runtime::dict::fresh_version(),
            ctor: Default::default(),
        }),
    )
}

fn builtin<'gc>(
    mc: &Mutation<'gc>,
    name: &str,
    base: Option<ObjRef<'gc>>,
    layout: Layout,
) -> ObjRef<'gc> {
    let dict = Gc::new(mc, RefLock::new(Dict::new()));
    let (bases, mro) = match base {
        None => (vec![], vec![]),
        Some(b) => {
            let mut mro = vec![b];
            if let Obj::Class(c) = b.as_ref() {
                mro.extend(c.mro.iter().copied());
            }
            (vec![b], mro)
        }
    };
    new_class(mc, name, bases, mro, layout, dict, flags::BUILTIN)
}

macro_rules! types {
    ($($field:ident),* $(,)?) => {
        #[derive(Collect)]
        #[collect(no_drop)]
        pub struct Types<'gc> {
            $(pub $field: ObjRef<'gc>,)*
            /// Every builtin exception class by name.
            pub exceptions: Vec<(&'static str, ObjRef<'gc>)>,
        }
    };
}

types!(
    object,
    type_,
    int,
    bool,
    float,
    complex,
    str,
    bytes,
    tuple,
    list,
    dict,
    set,
    frozenset,
    range,
    slice,
    none,
    not_implemented,
    ellipsis,
    function,
    builtin_function,
    method,
    cell,
    code,
    module,
    property,
    staticmethod,
    classmethod,
    super_,
    generator,
    iterator,
    dict_keys,
    dict_values,
    dict_items,
    exc_data,
    base_exception,
    exception,
    type_error,
    value_error,
    key_error,
    index_error,
    attribute_error,
    name_error,
    unbound_local_error,
    zero_division_error,
    stop_iteration,
    runtime_error,
    recursion_error,
    assertion_error,
    not_implemented_error,
    overflow_error,
    import_error,
    module_not_found_error,
    system_exit,
    keyboard_interrupt,
    generator_exit,
    memory_error,
    reference_error,
    lookup_error,
    syntax_error,
    indentation_error,
    weakref,
    weakproxy,
    weakcallableproxy,
    keyed_ref,
    weak_value_dict,
    weak_key_dict,
    weak_set,
);

/// (name, base) of every builtin exception, bases first.
const EXCEPTIONS: &[(&str, &str)] = &[
    ("SystemExit", "BaseException"),
    ("KeyboardInterrupt", "BaseException"),
    ("GeneratorExit", "BaseException"),
    ("Exception", "BaseException"),
    ("StopIteration", "Exception"),
    ("StopAsyncIteration", "Exception"),
    ("ArithmeticError", "Exception"),
    ("FloatingPointError", "ArithmeticError"),
    ("OverflowError", "ArithmeticError"),
    ("ZeroDivisionError", "ArithmeticError"),
    ("AssertionError", "Exception"),
    ("AttributeError", "Exception"),
    ("BufferError", "Exception"),
    ("EOFError", "Exception"),
    ("ImportError", "Exception"),
    ("ModuleNotFoundError", "ImportError"),
    ("LookupError", "Exception"),
    ("IndexError", "LookupError"),
    ("KeyError", "LookupError"),
    ("MemoryError", "Exception"),
    ("NameError", "Exception"),
    ("UnboundLocalError", "NameError"),
    ("OSError", "Exception"),
    ("FileNotFoundError", "OSError"),
    ("FileExistsError", "OSError"),
    ("PermissionError", "OSError"),
    ("TimeoutError", "OSError"),
    ("ConnectionError", "OSError"),
    ("ReferenceError", "Exception"),
    ("RuntimeError", "Exception"),
    ("NotImplementedError", "RuntimeError"),
    ("RecursionError", "RuntimeError"),
    ("SyntaxError", "Exception"),
    ("IndentationError", "SyntaxError"),
    ("TabError", "IndentationError"),
    ("SystemError", "Exception"),
    ("TypeError", "Exception"),
    ("ValueError", "Exception"),
    ("UnicodeError", "ValueError"),
    ("UnicodeDecodeError", "UnicodeError"),
    ("UnicodeEncodeError", "UnicodeError"),
    ("Warning", "Exception"),
    ("UserWarning", "Warning"),
    ("DeprecationWarning", "Warning"),
    ("PendingDeprecationWarning", "Warning"),
    ("RuntimeWarning", "Warning"),
    ("SyntaxWarning", "Warning"),
    ("FutureWarning", "Warning"),
    ("ImportWarning", "Warning"),
    ("UnicodeWarning", "Warning"),
    ("BytesWarning", "Warning"),
    ("ResourceWarning", "Warning"),
];

impl<'gc> Types<'gc> {
    pub fn new(mc: &Mutation<'gc>) -> Types<'gc> {
        let object = builtin(mc, "object", None, Layout::Object);
        let t = |name: &str, layout: Layout| builtin(mc, name, Some(object), layout);
        let int = t("int", Layout::Int);
        let base_exception = t("BaseException", Layout::Exception);
        let mut exceptions: Vec<(&'static str, ObjRef<'gc>)> =
            vec![("BaseException", base_exception)];
        for (name, base) in EXCEPTIONS {
            let b = exceptions.iter().find(|(n, _)| n == base).unwrap().1;
            exceptions.push((name, builtin(mc, name, Some(b), Layout::Exception)));
        }
        let e = |name: &str| exceptions.iter().find(|(n, _)| *n == name).unwrap().1;
        let weakref = t("ReferenceType", Layout::Object);
        Types {
            object,
            type_: t("type", Layout::Internal),
            int,
            bool: builtin(mc, "bool", Some(int), Layout::Bool),
            float: t("float", Layout::Float),
            complex: t("complex", Layout::Internal),
            str: t("str", Layout::Str),
            bytes: t("bytes", Layout::Bytes),
            tuple: t("tuple", Layout::Tuple),
            list: t("list", Layout::List),
            dict: t("dict", Layout::Dict),
            set: t("set", Layout::Set),
            frozenset: t("frozenset", Layout::FrozenSet),
            range: t("range", Layout::Internal),
            slice: t("slice", Layout::Internal),
            none: t("NoneType", Layout::NoneType),
            not_implemented: t("NotImplementedType", Layout::Internal),
            ellipsis: t("ellipsis", Layout::Internal),
            function: t("function", Layout::Internal),
            builtin_function: t("builtin_function_or_method", Layout::Internal),
            method: t("method", Layout::Internal),
            cell: t("cell", Layout::Internal),
            code: t("code", Layout::Internal),
            module: t("module", Layout::Internal),
            property: t("property", Layout::Internal),
            staticmethod: t("staticmethod", Layout::Internal),
            classmethod: t("classmethod", Layout::Internal),
            super_: t("super", Layout::Internal),
            generator: t("generator", Layout::Internal),
            iterator: t("iterator", Layout::Internal),
            dict_keys: t("dict_keys", Layout::Internal),
            dict_values: t("dict_values", Layout::Internal),
            dict_items: t("dict_items", Layout::Internal),
            exc_data: t("exception_data", Layout::Internal),
            base_exception,
            exception: e("Exception"),
            type_error: e("TypeError"),
            value_error: e("ValueError"),
            key_error: e("KeyError"),
            index_error: e("IndexError"),
            attribute_error: e("AttributeError"),
            name_error: e("NameError"),
            unbound_local_error: e("UnboundLocalError"),
            zero_division_error: e("ZeroDivisionError"),
            stop_iteration: e("StopIteration"),
            runtime_error: e("RuntimeError"),
            recursion_error: e("RecursionError"),
            assertion_error: e("AssertionError"),
            not_implemented_error: e("NotImplementedError"),
            overflow_error: e("OverflowError"),
            import_error: e("ImportError"),
            module_not_found_error: e("ModuleNotFoundError"),
            system_exit: e("SystemExit"),
            keyboard_interrupt: e("KeyboardInterrupt"),
            generator_exit: e("GeneratorExit"),
            memory_error: e("MemoryError"),
            reference_error: e("ReferenceError"),
            lookup_error: e("LookupError"),
            syntax_error: e("SyntaxError"),
            indentation_error: e("IndentationError"),
            weakref,
            weakproxy: t("ProxyType", Layout::Object),
            weakcallableproxy: t("CallableProxyType", Layout::Object),
            keyed_ref: builtin(mc, "KeyedRef", Some(weakref), Layout::Object),
            weak_value_dict: t("WeakValueDictionary", Layout::Object),
            weak_key_dict: t("WeakKeyDictionary", Layout::Object),
            weak_set: t("WeakSet", Layout::Object),
            exceptions,
        }
    }
}
