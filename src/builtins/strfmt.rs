//! `str.format` and `str.format_map`: replacement fields with indexes, names, attributes,
//! items, conversions and nested format specs.

use super::arg;
use crate::runtime::function::Kw;
use crate::runtime::value::Value;
use crate::vm::{R, Vm};

fn lookup<'gc>(
    vm: &mut Vm<'gc>,
    args: &[Value<'gc>],
    kw: &Kw<'gc>,
    mapping: Option<Value<'gc>>,
    field: &str,
    auto: &mut usize,
    manual: &mut bool,
) -> R<'gc> {
    let end = field.find(['.', '[']).unwrap_or(field.len());
    let (head, mut rest) = field.split_at(end);
    let mut v = if head.is_empty() {
        if *manual {
            return Err(vm.value_error(
                "cannot switch from manual field specification to automatic field numbering",
            ));
        }
        let i = *auto;
        *auto += 1;
        match args.get(i) {
            Some(v) => *v,
            None => {
                return Err(vm.index_error(format!(
                    "Replacement index {i} out of range for positional args tuple"
                )));
            }
        }
    } else if let Ok(i) = head.parse::<usize>() {
        if *auto > 0 {
            return Err(vm.value_error(
                "cannot switch from automatic field numbering to manual field specification",
            ));
        }
        *manual = true;
        match args.get(i) {
            Some(v) => *v,
            None => {
                return Err(vm.index_error(format!(
                    "Replacement index {i} out of range for positional args tuple"
                )));
            }
        }
    } else {
        match mapping {
            Some(m) => {
                let k = vm.new_str(head);
                vm.getitem(m, k)?
            }
            None => match kw.iter().find(|(k, _)| k.as_str().as_deref() == Some(head)) {
                Some((_, v)) => *v,
                None => {
                    let k = vm.new_str(head);
                    return Err(vm.key_error(k));
                }
            },
        }
    };
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('.') {
            let end = r.find(['.', '[']).unwrap_or(r.len());
            let name = &r[..end];
            let name = vm.intern(name);
            v = vm.getattr(v, name)?;
            rest = &r[end..];
        } else if let Some(r) = rest.strip_prefix('[') {
            let Some(close) = r.find(']') else {
                return Err(vm.value_error("Missing ']' in format string"));
            };
            let key = &r[..close];
            let k = match key.parse::<i64>() {
                Ok(i) => Value::Int(i),
                Err(_) => vm.new_str(key),
            };
            v = vm.getitem(v, k)?;
            rest = &r[close + 1..];
        } else {
            return Err(vm.value_error("Only '.' or '[' may follow ']' in format field specifier"));
        }
    }
    Ok(v)
}

pub fn render<'gc>(
    vm: &mut Vm<'gc>,
    fmt: &str,
    args: &[Value<'gc>],
    kw: &Kw<'gc>,
    mapping: Option<Value<'gc>>,
) -> R<'gc, String> {
    let mut auto = 0usize;
    let mut manual = false;
    render_inner(vm, fmt, args, kw, mapping, &mut auto, &mut manual, 0)
}

#[allow(clippy::too_many_arguments)]
fn render_inner<'gc>(
    vm: &mut Vm<'gc>,
    fmt: &str,
    args: &[Value<'gc>],
    kw: &Kw<'gc>,
    mapping: Option<Value<'gc>>,
    auto: &mut usize,
    manual: &mut bool,
    depth: usize,
) -> R<'gc, String> {
    if depth > 2 {
        return Err(vm.value_error("Max string recursion exceeded"));
    }
    let mut out = String::new();
    let chars: Vec<char> = fmt.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '{' {
            if chars.get(i + 1) == Some(&'{') {
                out.push('{');
                i += 2;
                continue;
            }
            let mut depth_b = 1;
            let mut j = i + 1;
            while j < chars.len() {
                match chars[j] {
                    '{' => depth_b += 1,
                    '}' => {
                        depth_b -= 1;
                        if depth_b == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            if j >= chars.len() {
                return Err(vm.value_error("expected '}' before end of string"));
            }
            let field: String = chars[i + 1..j].iter().collect();
            let (name_conv, spec) = match field.find(':') {
                Some(p) => (field[..p].to_string(), field[p + 1..].to_string()),
                None => (field.clone(), String::new()),
            };
            let (name, conv) = match name_conv.find('!') {
                Some(p) => (
                    name_conv[..p].to_string(),
                    Some(name_conv[p + 1..].to_string()),
                ),
                None => (name_conv, None),
            };
            let v = lookup(vm, args, kw, mapping, &name, auto, manual)?;
            let v = match conv.as_deref() {
                None => v,
                Some("r") => {
                    let s = vm.repr_of(v)?;
                    vm.new_string(s)
                }
                Some("s") => {
                    let s = vm.str_of(v)?;
                    vm.new_string(s)
                }
                Some("a") => {
                    let s = vm.repr_of(v)?;
                    vm.new_string(crate::runtime::repr::ascii_escape(&s))
                }
                Some(_) => return Err(vm.value_error("Unknown conversion specifier")),
            };
            let spec = if spec.contains('{') {
                render_inner(vm, &spec, args, kw, mapping, auto, manual, depth + 1)?
            } else {
                spec
            };
            out.push_str(&vm.format_value(v, &spec)?);
            i = j + 1;
        } else if c == '}' {
            if chars.get(i + 1) == Some(&'}') {
                out.push('}');
                i += 2;
                continue;
            }
            return Err(vm.value_error("Single '}' encountered in format string"));
        } else {
            out.push(c);
            i += 1;
        }
    }
    Ok(out)
}

pub fn format<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], kw: &Kw<'gc>) -> R<'gc> {
    let s = super::str::this(vm, arg(args, 0))?;
    let r = render(vm, &s, &args[1..], kw, None)?;
    Ok(vm.new_string(r))
}

pub fn format_map<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let s = super::str::this(vm, arg(args, 0))?;
    let r = render(vm, &s, &[], &[], Some(arg(args, 1)))?;
    Ok(vm.new_string(r))
}
