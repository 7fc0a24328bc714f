//! `str` methods that test or transform characters one by one: the `is...` predicates, case
//! changes, padding and tab expansion.

use super::str::{str_arg, this};
use super::{arg, kwarg};
use crate::runtime::function::Kw;
use crate::runtime::value::Value;
use crate::vm::{R, Vm};

fn map_str<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], f: impl Fn(&str) -> String) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    let s: &str = &s;
    Ok(vm.new_string(f(s)))
}

pub fn upper<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    map_str(vm, a, |s| s.to_uppercase())
}

pub fn lower<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    map_str(vm, a, |s| s.to_lowercase())
}

pub fn swapcase<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    map_str(vm, a, |s| {
        s.chars()
            .map(|c| {
                if c.is_uppercase() {
                    c.to_lowercase().to_string()
                } else {
                    c.to_uppercase().to_string()
                }
            })
            .collect()
    })
}

pub fn title<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    map_str(vm, a, |s| {
        let mut out = String::new();
        let mut prev_cased = false;
        for c in s.chars() {
            if prev_cased {
                out.extend(c.to_lowercase());
            } else {
                out.extend(c.to_uppercase());
            }
            prev_cased = c.is_alphabetic();
        }
        out
    })
}

pub fn capitalize<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    map_str(vm, a, |s| {
        let mut c = s.chars();
        match c.next() {
            Some(f) => f.to_uppercase().collect::<String>() + &c.as_str().to_lowercase(),
            None => String::new(),
        }
    })
}

fn pred<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], f: impl Fn(&str) -> bool) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    let s: &str = &s;
    Ok(Value::bool(f(s)))
}

pub fn isdigit<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    pred(vm, a, |s| {
        !s.is_empty() && s.chars().all(|c| c.is_ascii_digit())
    })
}

pub fn isnumeric<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    pred(vm, a, |s| {
        !s.is_empty() && s.chars().all(|c| c.is_numeric())
    })
}

pub fn isalpha<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    pred(vm, a, |s| {
        !s.is_empty() && s.chars().all(|c| c.is_alphabetic())
    })
}

pub fn isalnum<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    pred(vm, a, |s| {
        !s.is_empty() && s.chars().all(|c| c.is_alphanumeric())
    })
}

pub fn isspace<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    pred(vm, a, |s| {
        !s.is_empty() && s.chars().all(|c| c.is_whitespace())
    })
}

pub fn isupper<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    pred(vm, a, |s| {
        s.chars().any(|c| c.is_uppercase()) && !s.chars().any(|c| c.is_lowercase())
    })
}

pub fn islower<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    pred(vm, a, |s| {
        s.chars().any(|c| c.is_lowercase()) && !s.chars().any(|c| c.is_uppercase())
    })
}

pub fn istitle<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    pred(vm, a, |s| {
        let mut prev = false;
        let mut any = false;
        for c in s.chars() {
            if c.is_uppercase() {
                if prev {
                    return false;
                }
                prev = true;
                any = true;
            } else if c.is_lowercase() {
                if !prev {
                    return false;
                }
                prev = true;
            } else {
                prev = false;
            }
        }
        any
    })
}

pub fn isidentifier<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    pred(vm, a, |s| {
        let mut c = s.chars();
        match c.next() {
            Some(f) if f == '_' || f.is_alphabetic() => c.all(|c| c == '_' || c.is_alphanumeric()),
            _ => false,
        }
    })
}

pub fn isascii<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    pred(vm, a, |s| s.is_ascii())
}

pub fn isprintable<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    pred(vm, a, |s| s.chars().all(|c| !c.is_control()))
}

fn justify<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], how: char) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    let s: &str = &s;
    let width = vm.as_index(arg(args, 1))?;
    let fill = match args.get(2) {
        Some(v) => {
            let f = str_arg(vm, *v, "fill character")?;
            let f: &str = &f;
            if f.chars().count() != 1 {
                return Err(vm.type_error("The fill character must be exactly one character long"));
            }
            f.chars().next().unwrap()
        }
        None => ' ',
    };
    let n = s.chars().count() as i64;
    if width <= n {
        return Ok(arg(args, 0));
    }
    let pad = (width - n) as usize;
    let f = |k: usize| fill.to_string().repeat(k);
    let r = match how {
        '<' => format!("{s}{}", f(pad)),
        '>' => format!("{}{s}", f(pad)),
        _ => {
            let left = pad / 2 + (pad & width as usize & 1);
            format!("{}{s}{}", f(left), f(pad - left))
        }
    };
    Ok(vm.new_string(r))
}

pub fn center<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    justify(vm, a, '^')
}

pub fn ljust<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    justify(vm, a, '<')
}

pub fn rjust<'gc>(vm: &mut Vm<'gc>, a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    justify(vm, a, '>')
}

pub fn zfill<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    let s: &str = &s;
    let width = vm.as_index(arg(args, 1))?;
    let n = s.chars().count() as i64;
    if width <= n {
        return Ok(arg(args, 0));
    }
    let pad = "0".repeat((width - n) as usize);
    let r = match s.chars().next() {
        Some(c @ ('+' | '-')) => format!("{c}{pad}{}", &s[1..]),
        _ => format!("{pad}{s}"),
    };
    Ok(vm.new_string(r))
}

pub fn expandtabs<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    let s = this(vm, arg(args, 0))?;
    let s: &str = &s;
    let ts = match args.get(1).copied().or_else(|| kwarg(kw, "tabsize")) {
        Some(v) => vm.as_index(v)?,
        None => 8,
    };
    let mut out = String::new();
    let mut col = 0i64;
    for c in s.chars() {
        match c {
            '\t' => {
                if ts > 0 {
                    let n = ts - col % ts;
                    out.push_str(&" ".repeat(n as usize));
                    col += n;
                }
            }
            '\n' | '\r' => {
                out.push(c);
                col = 0;
            }
            _ => {
                out.push(c);
                col += 1;
            }
        }
    }
    Ok(vm.new_string(out))
}
