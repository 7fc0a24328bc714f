//! The format-spec mini-language (`format()`, f-strings, `str.format`) and `%` formatting.

use super::numeric::{Num, to_num};
use super::repr::float_repr;
use crate::runtime::value::{Obj, Value};
use crate::vm::{R, Vm};
use num_bigint::BigInt;

#[derive(Default, Debug)]
pub struct Spec {
    pub fill: char,
    pub align: Option<char>,
    pub sign: char,
    pub alt: bool,
    pub zero: bool,
    pub width: usize,
    pub grouping: Option<char>,
    pub precision: Option<usize>,
    pub ty: Option<char>,
}

pub fn parse_spec(s: &str) -> Result<Spec, String> {
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    let mut sp = Spec {
        fill: ' ',
        sign: '-',
        ..Default::default()
    };
    let is_align = |c: char| matches!(c, '<' | '>' | '^' | '=');
    if chars.len() >= 2 && is_align(chars[1]) {
        sp.fill = chars[0];
        sp.align = Some(chars[1]);
        i = 2;
    } else if !chars.is_empty() && is_align(chars[0]) {
        sp.align = Some(chars[0]);
        i = 1;
    }
    if i < chars.len() && matches!(chars[i], '+' | '-' | ' ') {
        sp.sign = chars[i];
        i += 1;
    }
    if i < chars.len() && chars[i] == 'z' {
        i += 1;
    }
    if i < chars.len() && chars[i] == '#' {
        sp.alt = true;
        i += 1;
    }
    if i < chars.len() && chars[i] == '0' {
        sp.zero = true;
        i += 1;
    }
    let start = i;
    while i < chars.len() && chars[i].is_ascii_digit() {
        i += 1;
    }
    if i > start {
        sp.width = chars[start..i]
            .iter()
            .collect::<String>()
            .parse()
            .map_err(|_| "Too many decimal digits in format string".to_string())?;
    }
    if i < chars.len() && matches!(chars[i], ',' | '_') {
        sp.grouping = Some(chars[i]);
        i += 1;
    }
    if i < chars.len() && chars[i] == '.' {
        i += 1;
        let st = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        if i == st {
            return Err("Format specifier missing precision".into());
        }
        sp.precision = Some(chars[st..i].iter().collect::<String>().parse().unwrap_or(0));
    }
    if i < chars.len() {
        sp.ty = Some(chars[i]);
        i += 1;
    }
    if i < chars.len() {
        return Err("Invalid format specifier".into());
    }
    Ok(sp)
}

fn group_digits(digits: &str, sep: char, every: usize) -> String {
    let bytes: Vec<char> = digits.chars().collect();
    let mut out = String::new();
    for (i, c) in bytes.iter().enumerate() {
        if i > 0 && (bytes.len() - i).is_multiple_of(every) {
            out.push(sep);
        }
        out.push(*c);
    }
    out
}

/// Pads `body` (already signed/prefixed via `sign_prefix`) to the spec's width.
fn pad(sp: &Spec, sign_prefix: &str, body: &str, numeric: bool) -> String {
    let len = sign_prefix.chars().count() + body.chars().count();
    if len >= sp.width {
        return format!("{sign_prefix}{body}");
    }
    let fill_n = sp.width - len;
    let (fill, align) = if sp.zero && sp.align.is_none() && numeric {
        ('0', '=')
    } else {
        (sp.fill, sp.align.unwrap_or(if numeric { '>' } else { '<' }))
    };
    let f = |n: usize| fill.to_string().repeat(n);
    match align {
        '<' => format!("{sign_prefix}{body}{}", f(fill_n)),
        '>' => format!("{}{sign_prefix}{body}", f(fill_n)),
        '^' => format!(
            "{}{sign_prefix}{body}{}",
            f(fill_n / 2),
            f(fill_n - fill_n / 2)
        ),
        _ => format!("{sign_prefix}{}{body}", f(fill_n)),
    }
}

fn sign_str(neg: bool, sign: char) -> &'static str {
    if neg {
        "-"
    } else {
        match sign {
            '+' => "+",
            ' ' => " ",
            _ => "",
        }
    }
}

pub fn format_int(b: &BigInt, sp: &Spec) -> Result<String, String> {
    let neg = b.sign() == num_bigint::Sign::Minus;
    let mag = if neg { -b.clone() } else { b.clone() };
    let ty = sp.ty.unwrap_or('d');
    let (prefix, digits) = match ty {
        'd' | 'n' => ("", mag.to_string()),
        'b' => ("0b", mag.to_str_radix(2)),
        'o' => ("0o", mag.to_str_radix(8)),
        'x' => ("0x", mag.to_str_radix(16)),
        'X' => ("0X", mag.to_str_radix(16).to_uppercase()),
        'c' => {
            let c = num_traits::ToPrimitive::to_u32(b)
                .and_then(char::from_u32)
                .ok_or("%c arg not in range(0x110000)")?;
            return Ok(pad(sp, "", &c.to_string(), false));
        }
        _ => {
            return Err(format!(
                "Unknown format code '{ty}' for object of type 'int'"
            ));
        }
    };
    let digits = match sp.grouping {
        Some(g) => {
            let every = if matches!(ty, 'd' | 'n') { 3 } else { 4 };
            if g == ',' && !matches!(ty, 'd' | 'n') {
                return Err(format!("Cannot specify ',' with '{ty}'."));
            }
            group_digits(&digits, g, every)
        }
        None => digits,
    };
    let pre = format!(
        "{}{}",
        sign_str(neg, sp.sign),
        if sp.alt { prefix } else { "" }
    );
    Ok(pad(sp, &pre, &digits, true))
}

/// `{:e}` with Python's exponent form (`1.5e+03`).
fn sci(v: f64, prec: usize, upper: bool) -> String {
    let s = format!("{:.*e}", prec, v);
    let (m, e) = s.split_once('e').unwrap();
    let e: i32 = e.parse().unwrap();
    let out = format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs());
    if upper { out.to_uppercase() } else { out }
}

fn general(v: f64, prec: usize, alt: bool, upper: bool, repr_style: bool) -> String {
    let p = if prec == 0 { 1 } else { prec };
    if v == 0.0 {
        let z = if alt {
            format!("{:.*}", p - 1, 0.0)
        } else {
            "0".into()
        };
        let z = if repr_style && !z.contains('.') {
            format!("{z}.0")
        } else {
            z
        };
        return if v.is_sign_negative() {
            format!("-{z}")
        } else {
            z
        };
    }
    let s = format!("{:.*e}", p - 1, v);
    let exp: i32 = s.split_once('e').unwrap().1.parse().unwrap();
    let strip = |t: String| -> String {
        if alt || !t.contains('.') {
            return t;
        }
        let t = t.trim_end_matches('0').to_string();
        t.trim_end_matches('.').to_string()
    };
    if exp >= -4 && exp < p as i32 {
        let out = strip(format!("{:.*}", (p as i32 - 1 - exp).max(0) as usize, v));
        if repr_style && !out.contains('.') && !out.contains('e') {
            format!("{out}.0")
        } else {
            out
        }
    } else {
        let m = sci(v, p - 1, upper);
        let (mant, e) = m.split_once(if upper { 'E' } else { 'e' }).unwrap();
        let mant = strip(mant.to_string());
        format!("{mant}{}{e}", if upper { 'E' } else { 'e' })
    }
}

pub fn format_float(v: f64, sp: &Spec) -> Result<String, String> {
    let neg = v.is_sign_negative();
    let a = v.abs();
    let upper = matches!(sp.ty, Some('E' | 'F' | 'G'));
    let body = if a.is_nan() {
        if upper { "NAN".into() } else { "nan".into() }
    } else if a.is_infinite() {
        if upper { "INF".into() } else { "inf".into() }
    } else {
        match sp.ty {
            Some('f' | 'F') => format!("{:.*}", sp.precision.unwrap_or(6), a),
            Some('e' | 'E') => sci(a, sp.precision.unwrap_or(6), upper),
            Some('g' | 'G') => general(a, sp.precision.unwrap_or(6), sp.alt, upper, false),
            Some('%') => format!("{:.*}%", sp.precision.unwrap_or(6), a * 100.0),
            Some('n') => general(a, sp.precision.unwrap_or(6), sp.alt, false, false),
            None => match sp.precision {
                Some(p) => general(a, p, sp.alt, false, true),
                None => float_repr(a),
            },
            Some(t) => {
                return Err(format!(
                    "Unknown format code '{t}' for object of type 'float'"
                ));
            }
        }
    };
    let body = match sp.grouping {
        Some(g) if a.is_finite() => {
            let (int_part, rest) = match body.find(|c: char| !c.is_ascii_digit()) {
                Some(i) => (&body[..i], &body[i..]),
                None => (body.as_str(), ""),
            };
            format!("{}{}", group_digits(int_part, g, 3), rest)
        }
        _ => body,
    };
    let neg = neg && !(a.is_nan());
    Ok(pad(sp, sign_str(neg, sp.sign), &body, true))
}

pub fn format_str(s: &str, sp: &Spec) -> Result<String, String> {
    if let Some(t) = sp.ty {
        if t != 's' {
            return Err(format!(
                "Unknown format code '{t}' for object of type 'str'"
            ));
        }
    }
    if sp.sign != '-' {
        return Err("Sign not allowed in string format specifier".into());
    }
    let body: String = match sp.precision {
        Some(p) => s.chars().take(p).collect(),
        None => s.to_string(),
    };
    let sp2 = Spec {
        zero: false,
        fill: if sp.zero && sp.align.is_none() {
            '0'
        } else {
            sp.fill
        },
        align: sp.align,
        width: sp.width,
        ..Default::default()
    };
    Ok(pad(&sp2, "", &body, false))
}

impl<'gc> Vm<'gc> {
    /// `format(v, spec)`.
    pub fn format_value(&mut self, v: Value<'gc>, spec: &str) -> R<'gc, String> {
        if let Value::Instance(_) = v {
            if Self::is_proxy(v) {
                let t = self.deproxy(v)?;
                return self.format_value(t, spec);
            }
            if let Some(f) = self
                .lookup_special(v, "__format__")
                .filter(|f| !self.is_builtin_fn(*f))
            {
                let s = self.new_str(spec);
                let r = self.call_bound(f, v, &[s])?;
                return match r {
                    Value::Str(s) => Ok(s.text().to_string()),
                    _ => Err(self.type_error("__format__ must return a str")),
                };
            }
            let inner = super::ops::unwrap_payload(v);
            if !inner.is(v)
                && self
                    .lookup_special(v, "__str__")
                    .map(|f| self.is_builtin_fn(f))
                    .unwrap_or(true)
            {
                return self.format_value(inner, spec);
            }
            if spec.is_empty() {
                return self.str_of(v);
            }
            let t = self.type_name(v);
            return Err(self.type_error(format!(
                "unsupported format string passed to {t}.__format__"
            )));
        }
        if spec.is_empty() {
            return self.str_of(v);
        }
        let sp = parse_spec(spec).map_err(|m| self.value_error(m))?;
        let r = match v {
            Value::Str(s) => format_str(&s.text(), &sp),
            Value::Bool(_) | Value::Int(_) if sp.ty.is_none() && matches!(v, Value::Bool(_)) => {
                format_str(&self.str_of(v)?, &sp)
            }
            _ => match to_num(v) {
                Some(Num::I(i)) => {
                    if matches!(sp.ty, Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%')) {
                        format_float(i as f64, &sp)
                    } else {
                        if sp.precision.is_some() {
                            return Err(self
                                .value_error("Precision not allowed in integer format specifier"));
                        }
                        format_int(&BigInt::from(i), &sp)
                    }
                }
                Some(Num::B(b)) => {
                    if matches!(sp.ty, Some('e' | 'E' | 'f' | 'F' | 'g' | 'G' | '%')) {
                        format_float(
                            num_traits::ToPrimitive::to_f64(&b).unwrap_or(f64::INFINITY),
                            &sp,
                        )
                    } else {
                        format_int(&b, &sp)
                    }
                }
                Some(Num::F(f)) => format_float(f, &sp),
                _ => {
                    let t = self.type_name(v);
                    return Err(self.type_error(format!(
                        "unsupported format string passed to {t}.__format__"
                    )));
                }
            },
        };
        r.map_err(|m| self.value_error(m))
    }
}

/// `fmt % args`.
pub fn percent_format<'gc>(vm: &mut Vm<'gc>, fmt: &str, args: Value<'gc>) -> R<'gc, String> {
    let (items, mapping): (Vec<Value<'gc>>, Option<Value<'gc>>) = match args {
        Value::Tuple(t) => (t.items().to_vec(), None),
        Value::Dict(_) => (vec![args], Some(args)),
        Value::Instance(_)
            if vm.lookup_special(args, "__getitem__").is_some()
                && !matches!(super::ops::unwrap_payload(args), Value::Tuple(_)) =>
        {
            (vec![args], Some(args))
        }
        _ => (vec![args], None),
    };
    let mut out = String::new();
    let chars: Vec<char> = fmt.chars().collect();
    let mut i = 0;
    let mut next = 0;
    let mut used_mapping = false;
    while i < chars.len() {
        let c = chars[i];
        if c != '%' {
            out.push(c);
            i += 1;
            continue;
        }
        i += 1;
        if i >= chars.len() {
            return Err(vm.value_error("incomplete format"));
        }
        let mut key: Option<String> = None;
        if chars[i] == '(' {
            let mut depth = 1;
            let st = i + 1;
            i += 1;
            while i < chars.len() && depth > 0 {
                if chars[i] == '(' {
                    depth += 1;
                } else if chars[i] == ')' {
                    depth -= 1;
                }
                i += 1;
            }
            key = Some(chars[st..i - 1].iter().collect());
        }
        let mut flags = String::new();
        while i < chars.len() && matches!(chars[i], '-' | '+' | ' ' | '#' | '0') {
            flags.push(chars[i]);
            i += 1;
        }
        let mut width = String::new();
        while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '*') {
            if chars[i] == '*' {
                let w = items.get(next).copied().unwrap_or(Value::None);
                next += 1;
                width.push_str(&vm.as_index(w)?.to_string());
            } else {
                width.push(chars[i]);
            }
            i += 1;
        }
        let mut prec: Option<String> = None;
        if i < chars.len() && chars[i] == '.' {
            i += 1;
            let mut p = String::new();
            while i < chars.len() && chars[i].is_ascii_digit() {
                p.push(chars[i]);
                i += 1;
            }
            prec = Some(p);
        }
        while i < chars.len() && matches!(chars[i], 'h' | 'l' | 'L') {
            i += 1;
        }
        if i >= chars.len() {
            return Err(vm.value_error("incomplete format"));
        }
        let ty = chars[i];
        i += 1;
        if ty == '%' {
            out.push('%');
            continue;
        }
        let v = match &key {
            Some(k) => {
                let Some(m) = mapping else {
                    return Err(vm.type_error("format requires a mapping"));
                };
                used_mapping = true;
                let kv = vm.new_str(k);
                vm.getitem(m, kv)?
            }
            None => {
                if next >= items.len() {
                    return Err(vm.type_error("not enough arguments for format string"));
                }
                next += 1;
                items[next - 1]
            }
        };
        let mut spec = String::new();
        let left = flags.contains('-');
        if left {
            spec.push('<');
        }
        if flags.contains('+') {
            spec.push('+');
        } else if flags.contains(' ') {
            spec.push(' ');
        }
        if flags.contains('#') {
            spec.push('#');
        }
        if flags.contains('0') && !left && !matches!(ty, 's' | 'r' | 'a') {
            spec.push('0');
        }
        spec.push_str(&width);
        if let Some(p) = &prec {
            if !matches!(ty, 'd' | 'i' | 'u' | 'x' | 'X' | 'o' | 'c') {
                spec.push('.');
                spec.push_str(if p.is_empty() { "0" } else { p });
            }
        }
        let piece = match ty {
            's' | 'r' | 'a' => {
                let s = match ty {
                    's' => vm.str_of(v)?,
                    'r' => vm.repr_of(v)?,
                    _ => super::repr::ascii_escape(&vm.repr_of(v)?),
                };
                vm.format_value_str(&s, &spec)?
            }
            'd' | 'i' | 'u' => {
                let n = match to_num(v) {
                    Some(Num::F(f)) => vm.int_from_big(BigInt::from(f.trunc() as i128)),
                    Some(Num::I(_)) | Some(Num::B(_)) => v,
                    _ => {
                        let t = vm.type_name(v);
                        return Err(vm.type_error(format!(
                            "%{ty} format: a real number is required, not {t}"
                        )));
                    }
                };
                let n = if let Value::Bool(b) = n {
                    Value::Int(b as i64)
                } else {
                    n
                };
                let mut s = vm.format_value(n, &spec)?;
                if let Some(p) = &prec {
                    if let Ok(p) = p.parse::<usize>() {
                        let neg = s.starts_with('-');
                        let digits = s.trim_start_matches('-');
                        if digits.len() < p {
                            s = format!(
                                "{}{}{}",
                                if neg { "-" } else { "" },
                                "0".repeat(p - digits.len()),
                                digits
                            );
                        }
                    }
                }
                s
            }
            'x' | 'X' | 'o' => {
                if !matches!(to_num(v), Some(Num::I(_)) | Some(Num::B(_))) {
                    let t = vm.type_name(v);
                    return Err(
                        vm.type_error(format!("%{ty} format: an integer is required, not {t}"))
                    );
                }
                vm.format_value(v, &format!("{spec}{ty}"))?
            }
            'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
                let f = match to_num(v) {
                    Some(n) => super::numeric::num_to_f64(&n),
                    None => {
                        let t = vm.type_name(v);
                        return Err(vm.type_error(format!("must be real number, not {t}")));
                    }
                };
                let spec = if prec.is_none() {
                    format!("{spec}.6{ty}")
                } else {
                    format!("{spec}{ty}")
                };
                vm.format_value(Value::float(f), &spec)?
            }
            'c' => match v {
                Value::Str(s) => s.text().to_string(),
                _ => {
                    let n = vm.as_index(v)?;
                    char::from_u32(n as u32)
                        .map(|c| c.to_string())
                        .unwrap_or_default()
                }
            },
            other => {
                return Err(vm.value_error(format!(
                    "unsupported format character '{other}' (0x{:x}) at index {}",
                    other as u32,
                    i - 1
                )));
            }
        };
        out.push_str(&piece);
    }
    if next < items.len() && mapping.is_none() {
        return Err(vm.type_error("not all arguments converted during string formatting"));
    }
    let _ = used_mapping;
    Ok(out)
}

impl<'gc> Vm<'gc> {
    fn format_value_str(&mut self, s: &str, spec: &str) -> R<'gc, String> {
        let sp = parse_spec(spec).map_err(|m| self.value_error(m))?;
        let sp = Spec {
            align: sp.align.or(Some('>')),
            ..sp
        };
        format_str(s, &sp).map_err(|m| self.value_error(m))
    }
}

#[allow(dead_code)]
fn unused(_: &Obj) {}
