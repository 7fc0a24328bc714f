//! Exceptions: construction, matching, chaining, and CPython-style traceback text.

use super::{R, Vm};
use crate::runtime::value::{ExcData, Instance, Obj, ObjRef, Payload, TbEntry, Value};
use gc_arena::Gc;
use gc_arena::lock::RefLock;

pub fn make_exception<'gc>(vm: &mut Vm<'gc>, cls: ObjRef<'gc>, args: Value<'gc>) -> Value<'gc> {
    let data = Gc::new(
        vm.mc,
        RefLock::new(ExcData {
            args,
            traceback: vec![],
            cause: Value::None,
            context: Value::None,
            suppress_context: false,
            notes: Value::None,
            missing_name: Value::None,
            missing_on: Value::Undef,
            scope_names: None,
        }),
    );
    Value::Instance(Gc::new(vm.mc, Instance::new(cls, Payload::Exc(data))))
}

/// The exception data of an exception instance.
pub fn exc_data<'gc>(v: Value<'gc>) -> Option<Gc<'gc, RefLock<ExcData<'gc>>>> {
    let Value::Instance(i) = v else { return None };
    match i.payload.get() {
        Payload::Exc(d) => Some(d),
        _ => None,
    }
}

/// `cls` is `base` or derives from it.
pub fn is_subclass<'gc>(cls: ObjRef<'gc>, base: ObjRef<'gc>) -> bool {
    if Gc::ptr_eq(cls, base) {
        return true;
    }
    match cls.as_ref() {
        Obj::Class(c) => c.mro.iter().any(|m| Gc::ptr_eq(*m, base)),
        _ => false,
    }
}

pub fn is_exception_class<'gc>(vm: &Vm<'gc>, v: Value<'gc>) -> bool {
    match v {
        Value::Obj(o) if matches!(o.as_ref(), Obj::Class(_)) => {
            is_subclass(o, vm.st.types.base_exception)
        }
        _ => false,
    }
}

pub fn is_exception<'gc>(vm: &Vm<'gc>, v: Value<'gc>) -> bool {
    is_subclass(vm.type_of(v), vm.st.types.base_exception)
}

/// `except spec:` matching, where spec is a class or a tuple of classes.
pub fn matches<'gc>(vm: &mut Vm<'gc>, exc: Value<'gc>, spec: Value<'gc>) -> R<'gc, bool> {
    let cls = vm.type_of(exc);
    match spec {
        Value::Obj(o) if is_exception_class(vm, spec) => return Ok(is_subclass(cls, o)),
        Value::Tuple(t) => {
            for it in t.items().iter() {
                if matches(vm, exc, *it)? {
                    return Ok(true);
                }
            }
            return Ok(false);
        }
        _ => {}
    }
    Err(vm.type_error("catching classes that do not inherit from BaseException is not allowed"))
}

/// Turns the operand of `raise` into an exception instance (instantiating classes).
pub fn normalize<'gc>(vm: &mut Vm<'gc>, v: Value<'gc>) -> R<'gc> {
    if is_exception_class(vm, v) {
        return vm.call(v, &[], &[]);
    }
    if is_exception(vm, v) {
        return Ok(v);
    }
    Err(vm.type_error("exceptions must derive from BaseException"))
}

pub fn add_traceback<'gc>(vm: &Vm<'gc>, exc: Value<'gc>, entry: TbEntry<'gc>) {
    if let Some(d) = exc_data(exc) {
        d.borrow_mut(vm.mc).traceback.push(entry);
    }
}

/// `str(exc)`: the message part of the last traceback line.
pub fn message<'gc>(vm: &mut Vm<'gc>, exc: Value<'gc>) -> String {
    match vm.str_of(exc) {
        Ok(s) => s,
        Err(_) => "<exception str() failed>".into(),
    }
}

fn qualified_name<'gc>(vm: &mut Vm<'gc>, cls: ObjRef<'gc>) -> String {
    let name = vm.class_name(cls);
    let module = vm.class_module(cls);
    match module.as_deref() {
        None | Some("builtins") | Some("__main__") => name,
        Some(m) => format!("{m}.{name}"),
    }
}

/// The last line of a traceback: `Type: message`, with CPython 3.11's "Did you mean" hint for
/// NameError and AttributeError.
pub fn summary_line<'gc>(vm: &mut Vm<'gc>, exc: Value<'gc>) -> String {
    let cls = vm.type_of(exc);
    let name = qualified_name(vm, cls);
    let mut msg = message(vm, exc);
    if let Some(hint) = suggestion(vm, exc) {
        msg.push_str(&format!(". Did you mean: '{hint}'?"));
    }
    if msg.is_empty() {
        name
    } else {
        format!("{name}: {msg}")
    }
}

fn suggestion<'gc>(vm: &mut Vm<'gc>, exc: Value<'gc>) -> Option<String> {
    let d = exc_data(exc)?;
    let (missing, on, scope) = {
        let d = d.borrow();
        (
            d.missing_name.as_str()?.to_string(),
            d.missing_on,
            d.scope_names.clone(),
        )
    };
    if !on.is_undef() {
        let names = vm.builtins_dir(on)?;
        return closest_name(&missing, &names);
    }
    closest_name(&missing, &scope?)
}

const MOVE_COST: usize = 2;
const CASE_COST: usize = 1;

fn substitution_cost(a: u8, b: u8) -> usize {
    if a == b {
        0
    } else if a.eq_ignore_ascii_case(&b) {
        CASE_COST
    } else {
        MOVE_COST
    }
}

/// Edit distance where a case flip costs less than any other change; gives up above `max`.
fn distance(a: &str, b: &str, max: usize) -> usize {
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    while let (Some(x), Some(y)) = (a.first(), b.first()) {
        if x != y {
            break;
        }
        a = &a[1..];
        b = &b[1..];
    }
    while let (Some(x), Some(y)) = (a.last(), b.last()) {
        if x != y {
            break;
        }
        a = &a[..a.len() - 1];
        b = &b[..b.len() - 1];
    }
    if a.is_empty() || b.is_empty() {
        return (a.len() + b.len()) * MOVE_COST;
    }
    if a.len() > 40 || b.len() > 40 {
        return max + 1;
    }
    let mut row: Vec<usize> = (1..=b.len()).map(|i| i * MOVE_COST).collect();
    let mut result = 0;
    for (i, &ca) in a.iter().enumerate() {
        let mut diag = i * MOVE_COST;
        result = (i + 1) * MOVE_COST;
        let mut row_min = result;
        for (j, &cb) in b.iter().enumerate() {
            let sub = diag + substitution_cost(ca, cb);
            diag = row[j];
            let ins_del = result.min(diag) + MOVE_COST;
            result = ins_del.min(sub);
            row[j] = result;
            row_min = row_min.min(result);
        }
        if row_min > max {
            return max + 1;
        }
    }
    result
}

/// The candidate closest to `name`, if it is close enough to be worth suggesting.
pub fn closest_name(name: &str, candidates: &[String]) -> Option<String> {
    if candidates.len() > 750 {
        return None;
    }
    let mut best: Option<(&String, usize)> = None;
    for c in candidates {
        if c == name {
            continue;
        }
        let mut max = (name.len() + c.len() + 3) * MOVE_COST / 6;
        if let Some((_, d)) = best {
            max = max.min(d.saturating_sub(1));
        }
        let d = distance(name, c, max);
        if d > max {
            continue;
        }
        if best.map(|(_, bd)| d < bd).unwrap_or(true) {
            best = Some((c, d));
        }
    }
    best.map(|(c, _)| c.clone())
}

fn source_line<'gc>(vm: &Vm<'gc>, file: &str, line: u32) -> Option<String> {
    let src = vm.st.sources.get(file)?;
    let l = src.lines().nth(line.checked_sub(1)? as usize)?;
    let t = l.trim();
    if t.is_empty() {
        None
    } else {
        Some(t.to_string())
    }
}

fn format_entries<'gc>(vm: &Vm<'gc>, entries: &[TbEntry<'gc>], out: &mut String) {
    let mut last: Option<(String, u32, String)> = None;
    let mut repeat = 0;
    let flush_repeat = |out: &mut String, repeat: usize| {
        if repeat > 3 {
            let more = repeat - 3;
            let s = if more == 1 { "" } else { "s" };
            out.push_str(&format!("  [Previous line repeated {more} more time{s}]\n"));
        }
    };
    for e in entries.iter().rev() {
        let code = &e.code.code;
        let key = (code.filename.to_string(), e.line, code.name.to_string());
        if last.as_ref() == Some(&key) {
            repeat += 1;
            if repeat > 3 {
                continue;
            }
        } else {
            flush_repeat(out, repeat);
            repeat = 1;
            last = Some(key);
        }
        out.push_str(&format!(
            "  File \"{}\", line {}, in {}\n",
            code.filename, e.line, code.name
        ));
        if let Some(src) = source_line(vm, &code.filename, e.line) {
            out.push_str(&format!("    {src}\n"));
        }
    }
    flush_repeat(out, repeat);
}

/// The whole traceback text for an uncaught exception, including chained exceptions.
pub fn format_exception<'gc>(vm: &mut Vm<'gc>, exc: Value<'gc>) -> String {
    let mut out = String::new();
    let mut seen: Vec<Value<'gc>> = Vec::new();
    format_chain(vm, exc, &mut out, &mut seen);
    out
}

fn format_chain<'gc>(
    vm: &mut Vm<'gc>,
    exc: Value<'gc>,
    out: &mut String,
    seen: &mut Vec<Value<'gc>>,
) {
    seen.push(exc);
    if let Some(d) = exc_data(exc) {
        let (cause, context, suppress) = {
            let d = d.borrow();
            (d.cause, d.context, d.suppress_context)
        };
        if !cause.is_none() && !seen.iter().any(|s| s.is(cause)) {
            format_chain(vm, cause, out, seen);
            out.push_str(
                "\nThe above exception was the direct cause of the following exception:\n\n",
            );
        } else if !suppress && !context.is_none() && !seen.iter().any(|s| s.is(context)) {
            format_chain(vm, context, out, seen);
            out.push_str(
                "\nDuring handling of the above exception, another exception occurred:\n\n",
            );
        }
        let entries = d.borrow().traceback.clone();
        if !entries.is_empty() {
            out.push_str("Traceback (most recent call last):\n");
            format_entries(vm, &entries, out);
        }
    }
    let line = summary_line(vm, exc);
    out.push_str(&line);
    out.push('\n');
}
