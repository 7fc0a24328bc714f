//! `str` and `bytes`: construction and methods.

use super::str_chars::{
    capitalize, center, expandtabs, isalnum, isalpha, isascii, isdigit, isidentifier, islower,
    isnumeric, isprintable, isspace, istitle, isupper, ljust, lower, rjust, swapcase, title, upper,
    zfill,
};
use super::{arg, kwarg, method, nargs};
use crate::runtime::function::Kw;
use crate::runtime::value::{Obj, Payload, TextRef, Truth, Value};
use crate::vm::{R, Vm};

pub fn install<'gc>(vm: &mut Vm<'gc>) {
    let s = vm.st.types.str;
    let methods: &[(&'static str, crate::runtime::function::NativeFn)] = &[
        ("__new__", str_new),
        ("join", join),
        ("split", split),
        ("rsplit", rsplit),
        ("splitlines", splitlines),
        ("strip", strip),
        ("lstrip", lstrip),
        ("rstrip", rstrip),
        ("upper", upper),
        ("lower", lower),
        ("casefold", lower),
        ("swapcase", swapcase),
        ("title", title),
        ("capitalize", capitalize),
        ("replace", replace),
        ("startswith", startswith),
        ("endswith", endswith),
        ("find", find),
        ("rfind", rfind),
        ("index", index),
        ("rindex", rindex),
        ("count", count),
        ("isdigit", isdigit),
        ("isdecimal", isdigit),
        ("isnumeric", isnumeric),
        ("isalpha", isalpha),
        ("isalnum", isalnum),
        ("isspace", isspace),
        ("isupper", isupper),
        ("islower", islower),
        ("istitle", istitle),
        ("isidentifier", isidentifier),
        ("isascii", isascii),
        ("isprintable", isprintable),
        ("center", center),
        ("ljust", ljust),
        ("rjust", rjust),
        ("zfill", zfill),
        ("partition", partition),
        ("rpartition", rpartition),
        ("removeprefix", removeprefix),
        ("removesuffix", removesuffix),
        ("expandtabs", expandtabs),
        ("encode", encode),
        ("format", super::strfmt::format),
        ("format_map", super::strfmt::format_map),
        ("__format__", str_format_dunder),
        ("__len__", str_len),
        ("__contains__", str_contains),
        ("__getitem__", str_getitem),
        ("__add__", str_add),
        ("__mul__", str_mul),
        ("__mod__", str_mod),
        ("__eq__", str_eq),
        ("__lt__", str_lt),
        ("__hash__", str_hash),
        ("__str__", str_str),
        ("__repr__", str_repr),
        ("__iter__", str_iter),
    ];
    for (n, f) in methods {
        method(vm, s, n, *f);
    }
    let b = vm.st.types.bytes;
    method(vm, b, "__new__", bytes_new);
    method(vm, b, "decode", decode);
    method(vm, b, "hex", bytes_hex);
}

/// The text of the `str` inside `v` (a str or an instance of a str subclass). The methods
/// below hold it while they work and read it as a `&str` (`let s: &str = &s;`).
pub fn this<'gc>(vm: &mut Vm<'gc>, v: Value<'gc>) -> R<'gc, TextRef<'gc>> {
    match crate::runtime::ops::unwrap_payload(v) {
        Value::Str(s) => Ok(s.as_ref().text()),
        other => {
            let t = vm.type_name(other);
            Err(vm.type_error(format!(
                "descriptor requires a 'str' object but received a '{t}'"
            )))
        }
    }
}

pub fn str_arg<'gc>(vm: &mut Vm<'gc>, v: Value<'gc>, what: &str) -> R<'gc, TextRef<'gc>> {
    match crate::runtime::ops::unwrap_payload(v) {
        Value::Str(s) => Ok(s.as_ref().text()),
        other => {
            let t = vm.type_name(other);
            Err(vm.type_error(format!("{what} must be str, not {t}")))
        }
    }
}

fn str_new<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    let cls = args[0];
    let obj = args.get(1).copied().or_else(|| kwarg(kw, "object"));
    let s = match obj {
        None => vm.new_str(""),
        Some(v) => {
            if let Value::Obj(o) = v {
                if let Obj::Bytes(b) = o.as_ref() {
                    if args.len() > 2 || kwarg(kw, "encoding").is_some() {
                        return Ok(vm.new_string(String::from_utf8_lossy(b).into_owned()));
                    }
                }
            }
            vm.str_value(v)?
        }
    };
    match cls {
        Value::Obj(c) if !gc_arena::Gc::ptr_eq(c, vm.st.types.str) => {
            Ok(vm.new_instance(c, Payload::Value(s)))
        }
        _ => Ok(s),
    }
}

fn join<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "join", args, 2, 2)?;
    let sep = this(vm, args[0])?;
    let sep: &str = &sep;
    let items = vm.collect_iter(args[1])?;
    let mut out = String::new();
    for (i, it) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        match crate::runtime::ops::unwrap_payload(*it) {
            Value::Str(s) => out.push_str(&s.text()),
            other => {
                let t = vm.type_name(other);
                return Err(vm.type_error(format!(
                    "sequence item {i}: expected str instance, {t} found"
                )));
            }
        }
    }
    Ok(vm.new_string(out))
}

fn split_args<'gc>(
    vm: &mut Vm<'gc>,
    args: &[Value<'gc>],
    kw: &Kw<'gc>,
) -> R<'gc, (Option<TextRef<'gc>>, i64)> {
    let sep = args
        .get(1)
        .copied()
        .or_else(|| kwarg(kw, "sep"))
        .filter(|v| !v.is_none());
    let sep = match sep {
        Some(v) => {
            let s = str_arg(vm, v, "sep")?;
            if s.is_empty() {
                return Err(vm.value_error("empty separator"));
            }
            Some(s)
        }
        None => None,
    };
    let max = match args.get(2).copied().or_else(|| kwarg(kw, "maxsplit")) {
        Some(v) => vm.as_index(v)?,
        None => -1,
    };
    Ok((sep, max))
}

/// The pieces of a split as a list. Equal short pieces share one string object through the
/// short-string cache (vm/short_strs.rs): text repeats its words, and a word count over
/// split() then makes (and the collector marks) about one object per distinct word.
fn to_list<'gc, 'a>(vm: &mut Vm<'gc>, parts: impl IntoIterator<Item = &'a str>) -> Value<'gc> {
    let items = parts.into_iter().map(|p| vm.new_str(p)).collect();
    vm.new_list(items)
}

fn split<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    let s: &str = &s;
    let (sep, max) = split_args(vm, args, kw)?;
    let sep = sep.as_deref();
    // The pieces go straight into the list: no vector of slices the size of the result.
    Ok(match sep {
        Some(sep) if max < 0 => to_list(vm, s.split(sep)),
        Some(sep) => to_list(vm, s.splitn(max as usize + 1, sep)),
        None => {
            let mut rest = s.trim_start();
            let mut n = 0;
            let words = std::iter::from_fn(|| {
                if rest.is_empty() {
                    return None;
                }
                let word = if max >= 0 && n >= max {
                    std::mem::take(&mut rest)
                } else {
                    match rest.find(char::is_whitespace) {
                        Some(i) => {
                            let w = &rest[..i];
                            rest = rest[i..].trim_start();
                            w
                        }
                        None => std::mem::take(&mut rest),
                    }
                };
                n += 1;
                Some(word)
            });
            to_list(vm, words)
        }
    })
}

fn rsplit<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    let s: &str = &s;
    let (sep, max) = split_args(vm, args, kw)?;
    let sep = sep.as_deref();
    let mut parts: Vec<&str> = match sep {
        Some(sep) => {
            if max < 0 {
                s.rsplit(sep).collect()
            } else {
                s.rsplitn(max as usize + 1, sep).collect()
            }
        }
        None => {
            let mut out = vec![];
            let mut rest = s.trim_end();
            let mut n = 0;
            while !rest.is_empty() {
                if max >= 0 && n >= max {
                    out.push(rest);
                    break;
                }
                match rest.rfind(char::is_whitespace) {
                    Some(i) => {
                        let ch = rest[i..].chars().next().unwrap().len_utf8();
                        out.push(&rest[i + ch..]);
                        rest = rest[..i].trim_end();
                    }
                    None => {
                        out.push(rest);
                        rest = "";
                    }
                }
                n += 1;
            }
            out
        }
    };
    parts.reverse();
    Ok(to_list(vm, parts))
}

fn splitlines<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    let s: &str = &s;
    let keep = match args.get(1).copied().or_else(|| kwarg(kw, "keepends")) {
        Some(v) => vm.truthy(v)?,
        None => false,
    };
    let mut out = vec![];
    let mut start = 0;
    let b: Vec<(usize, char)> = s.char_indices().collect();
    let mut i = 0;
    while i < b.len() {
        let (pos, c) = b[i];
        if matches!(
            c,
            '\n' | '\r'
                | '\x0b'
                | '\x0c'
                | '\x1c'
                | '\x1d'
                | '\x1e'
                | '\u{85}'
                | '\u{2028}'
                | '\u{2029}'
        ) {
            let mut end = pos + c.len_utf8();
            if c == '\r' && i + 1 < b.len() && b[i + 1].1 == '\n' {
                end += 1;
                i += 1;
            }
            out.push(if keep { &s[start..end] } else { &s[start..pos] });
            start = end;
        }
        i += 1;
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    Ok(to_list(vm, out))
}

fn strip_chars<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], left: bool, right: bool) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    let s: &str = &s;
    let chars = args.get(1).copied().filter(|v| !v.is_none());
    let r = match chars {
        None => {
            let t = if left { s.trim_start() } else { s };
            if right { t.trim_end() } else { t }
        }
        Some(c) => {
            let set: Vec<char> = str_arg(vm, c, "strip arg")?.chars().collect();
            let t = if left {
                s.trim_start_matches(|c| set.contains(&c))
            } else {
                s
            };
            if right {
                t.trim_end_matches(|c| set.contains(&c))
            } else {
                t
            }
        }
    };
    if r.len() == s.len() {
        return Ok(arg(args, 0));
    }
    Ok(vm.new_str(r))
}

fn strip<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    strip_chars(vm, args, true, true)
}
fn lstrip<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    strip_chars(vm, args, true, false)
}
fn rstrip<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    strip_chars(vm, args, false, true)
}

fn replace<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "replace", args, 3, 4)?;
    let s = this(vm, args[0])?;
    let s: &str = &s;
    let old = str_arg(vm, args[1], "replace() argument 1")?;
    let old: &str = &old;
    let new = str_arg(vm, args[2], "replace() argument 2")?;
    let new: &str = &new;
    let count = match args.get(3) {
        Some(v) => vm.as_index(*v)?,
        None => -1,
    };
    let r = if count < 0 {
        s.replace(old, new)
    } else {
        s.replacen(old, new, count as usize)
    };
    Ok(vm.new_string(r))
}

fn affix<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], start: bool) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    let s: &str = &s;
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len() as i64;
    let lo = match args.get(2).filter(|v| !v.is_none()) {
        Some(v) => vm.as_index(*v)?,
        None => 0,
    };
    let hi = match args.get(3).filter(|v| !v.is_none()) {
        Some(v) => vm.as_index(*v)?,
        None => n,
    };
    let (lo, hi, _, _) = crate::runtime::seq::slice_indices(n, Some(lo), Some(hi), None);
    let sub: String = if lo < hi {
        chars[lo as usize..hi as usize].iter().collect()
    } else {
        String::new()
    };
    let test = |p: &str| {
        if start {
            sub.starts_with(p)
        } else {
            sub.ends_with(p)
        }
    };
    let pat = arg(args, 1);
    match pat {
        Value::Tuple(t) => {
            for p in t.items().iter() {
                let p = str_arg(vm, *p, "tuple for startswith must only contain str, not")?;
                let p: &str = &p;
                if test(p) {
                    return Ok(Value::Bool(Truth::True));
                }
            }
            Ok(Value::Bool(Truth::False))
        }
        _ => {
            let what = if start { "startswith" } else { "endswith" };
            let p = match crate::runtime::ops::unwrap_payload(pat) {
                Value::Str(s) => &*s.as_ref().text(),
                other => {
                    let t = vm.type_name(other);
                    return Err(vm.type_error(format!(
                        "{what} first arg must be str or a tuple of str, not {t}"
                    )));
                }
            };
            Ok(Value::bool(test(p)))
        }
    }
}

fn startswith<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    affix(vm, a, true)
}
fn endswith<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    affix(vm, a, false)
}

/// Finds `sub` in `s[start:end]`; returns a character index.
fn find_impl<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], rev: bool) -> R<'gc, i64> {
    let s = this(vm, arg(args, 0))?;
    let s: &str = &s;
    let sub = str_arg(vm, arg(args, 1), "must be str, not")?;
    let sub: &str = &sub;
    let n = s.chars().count() as i64;
    let lo = match args.get(2).filter(|v| !v.is_none()) {
        Some(v) => vm.as_index(*v)?,
        None => 0,
    };
    let hi = match args.get(3).filter(|v| !v.is_none()) {
        Some(v) => vm.as_index(*v)?,
        None => n,
    };
    let (lo, hi, _, _) = crate::runtime::seq::slice_indices(n, Some(lo), Some(hi), None);
    if lo > hi {
        return Ok(-1);
    }
    let byte_of = |ci: i64| -> usize {
        s.char_indices()
            .nth(ci as usize)
            .map(|(b, _)| b)
            .unwrap_or(s.len())
    };
    let (bl, bh) = (byte_of(lo), byte_of(hi));
    let hay = &s[bl..bh];
    let found = if rev { hay.rfind(sub) } else { hay.find(sub) };
    Ok(match found {
        Some(b) => lo + hay[..b].chars().count() as i64,
        None => -1,
    })
}

fn find<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    Ok(Value::Int(find_impl(vm, a, false)?))
}
fn rfind<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    Ok(Value::Int(find_impl(vm, a, true)?))
}
fn index<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let i = find_impl(vm, a, false)?;
    if i < 0 {
        return Err(vm.value_error("substring not found"));
    }
    Ok(Value::Int(i))
}
fn rindex<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let i = find_impl(vm, a, true)?;
    if i < 0 {
        return Err(vm.value_error("substring not found"));
    }
    Ok(Value::Int(i))
}

fn count<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    let s: &str = &s;
    let sub = str_arg(vm, arg(args, 1), "must be str, not")?;
    let sub: &str = &sub;
    if sub.is_empty() {
        return Ok(Value::Int(s.chars().count() as i64 + 1));
    }
    Ok(Value::Int(s.matches(sub).count() as i64))
}

fn partition_impl<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], rev: bool) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    let s: &str = &s;
    let sep = str_arg(vm, arg(args, 1), "must be str, not")?;
    let sep: &str = &sep;
    if sep.is_empty() {
        return Err(vm.value_error("empty separator"));
    }
    let found = if rev { s.rfind(sep) } else { s.find(sep) };
    let (a, b, c) = match found {
        Some(i) => (&s[..i], sep, &s[i + sep.len()..]),
        None => {
            if rev {
                ("", "", s)
            } else {
                (s, "", "")
            }
        }
    };
    let items = vec![vm.new_str(a), vm.new_str(b), vm.new_str(c)];
    Ok(vm.new_tuple(items))
}

fn partition<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    partition_impl(vm, a, false)
}
fn rpartition<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    partition_impl(vm, a, true)
}

fn removeprefix<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    let s: &str = &s;
    let p = str_arg(vm, arg(args, 1), "removeprefix() argument")?;
    let p: &str = &p;
    Ok(vm.new_str(s.strip_prefix(p).unwrap_or(s)))
}

fn removesuffix<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    let s: &str = &s;
    let p = str_arg(vm, arg(args, 1), "removesuffix() argument")?;
    let p: &str = &p;
    Ok(vm.new_str(if p.is_empty() {
        s
    } else {
        s.strip_suffix(p).unwrap_or(s)
    }))
}

fn encode<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    let s: &str = &s;
    Ok(vm.obj(Obj::Bytes(s.as_bytes().to_vec().into_boxed_slice())))
}

fn str_format_dunder<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    let s: &str = &s;
    let spec = str_arg(vm, arg(args, 1), "format spec")?;
    let spec: &str = &spec;
    let v = vm.new_str(s);
    let r = vm.format_value(v, spec)?;
    Ok(vm.new_string(r))
}

fn str_len<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    let s: &str = &s;
    Ok(Value::Int(s.chars().count() as i64))
}

fn inner<'gc>(v: Value<'gc>) -> Value<'gc> {
    crate::runtime::ops::unwrap_payload(v)
}

fn str_contains<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    Ok(Value::bool(vm.contains(inner(arg(args, 0)), arg(args, 1))?))
}
fn str_getitem<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    vm.getitem(inner(arg(args, 0)), arg(args, 1))
}
fn str_add<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    vm.binary(
        crate::parser::ast::BinOp::Add,
        inner(arg(args, 0)),
        inner(arg(args, 1)),
    )
}
fn str_mul<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    vm.binary(
        crate::parser::ast::BinOp::Mul,
        inner(arg(args, 0)),
        arg(args, 1),
    )
}
fn str_mod<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    vm.binary(
        crate::parser::ast::BinOp::Mod,
        inner(arg(args, 0)),
        arg(args, 1),
    )
}
fn str_eq<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let (a, b) = (inner(arg(args, 0)), inner(arg(args, 1)));
    if !matches!(b, Value::Str(_)) {
        return Ok(vm.not_implemented());
    }
    Ok(Value::bool(a.as_str() == b.as_str()))
}
fn str_lt<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let (a, b) = (inner(arg(args, 0)), inner(arg(args, 1)));
    if !matches!(b, Value::Str(_)) {
        return Ok(vm.not_implemented());
    }
    Ok(Value::bool(a.as_str() < b.as_str()))
}
fn str_hash<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    Ok(Value::Int(vm.hash(inner(arg(args, 0)))?))
}
fn str_str<'gc>(_vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    Ok(inner(arg(args, 0)))
}
fn str_repr<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let s = vm.repr_of(inner(arg(args, 0)))?;
    Ok(vm.new_string(s))
}
fn str_iter<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    vm.get_iter(inner(arg(args, 0)))
}

fn bytes_new<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let v = match args.get(1) {
        None => vec![],
        Some(Value::Str(s)) => s.text().as_bytes().to_vec(),
        Some(Value::Int(n)) => vec![0; (*n).max(0) as usize],
        Some(v) => {
            let items = vm.collect_iter(*v)?;
            let mut out = vec![];
            for i in items {
                let n = vm.as_index(i)?;
                if !(0..256).contains(&n) {
                    return Err(vm.value_error("bytes must be in range(0, 256)"));
                }
                out.push(n as u8);
            }
            out
        }
    };
    Ok(vm.obj(Obj::Bytes(v.into_boxed_slice())))
}

fn decode<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    match arg(args, 0) {
        Value::Obj(o) => match o.as_ref() {
            Obj::Bytes(b) => match std::str::from_utf8(b) {
                Ok(s) => Ok(vm.new_str(s)),
                Err(_) => Err(vm.value_error("'utf-8' codec can't decode bytes")),
            },
            _ => Err(vm.type_error("descriptor 'decode' requires a 'bytes' object")),
        },
        _ => Err(vm.type_error("descriptor 'decode' requires a 'bytes' object")),
    }
}

fn bytes_hex<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    match arg(args, 0) {
        Value::Obj(o) => match o.as_ref() {
            Obj::Bytes(b) => Ok(vm.new_string(b.iter().map(|x| format!("{x:02x}")).collect())),
            _ => Err(vm.type_error("descriptor 'hex' requires a 'bytes' object")),
        },
        _ => Err(vm.type_error("descriptor 'hex' requires a 'bytes' object")),
    }
}
