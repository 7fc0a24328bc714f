//! `range` and `slice`.

use super::{arg, method, nargs};
use crate::runtime::function::Kw;
use crate::runtime::value::{Obj, ObjRef, Value};
use crate::vm::{R, Vm};

pub fn install<'gc>(vm: &mut Vm<'gc>) {
    let r = vm.st.types.range;
    method(vm, r, "__new__", range_new);
    method(vm, r, "index", range_index);
    method(vm, r, "count", range_count);
    let s = vm.st.types.slice;
    method(vm, s, "__new__", slice_new);
    method(vm, s, "indices", slice_indices);
}

pub fn range_len(o: ObjRef<'_>) -> i64 {
    let Obj::Range(a, b, c) = o.as_ref() else {
        return 0;
    };
    let (a, b, c) = (*a as i128, *b as i128, *c as i128);
    let n = if c > 0 {
        (b - a + c - 1) / c
    } else {
        (a - b - c - 1) / (-c)
    };
    n.max(0) as i64
}

fn range_new<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let a = &args[1..];
    nargs(vm, "range", a, 1, 3)?;
    let mut ints = Vec::new();
    for v in a {
        match v {
            Value::Float(_) | Value::Str(_) | Value::None => {
                let t = vm.type_name(*v);
                return Err(
                    vm.type_error(format!("'{t}' object cannot be interpreted as an integer"))
                );
            }
            _ => ints.push(vm.as_index(*v)?),
        }
    }
    let (start, stop, step) = match ints.len() {
        1 => (0, ints[0], 1),
        2 => (ints[0], ints[1], 1),
        _ => (ints[0], ints[1], ints[2]),
    };
    if step == 0 {
        return Err(vm.value_error("range() arg 3 must not be zero"));
    }
    Ok(vm.obj(Obj::Range(start, stop, step)))
}

pub fn range_getitem<'gc>(vm: &mut Vm<'gc>, o: ObjRef<'gc>, idx: Value<'gc>) -> R<'gc> {
    let Obj::Range(a, _, c) = o.as_ref() else {
        unreachable!()
    };
    let n = range_len(o);
    if crate::runtime::seq::is_slice(idx) {
        let (s, st, cnt) = vm.slice_positions(idx, n as usize)?;
        let start = a + s * c;
        let step = st * c;
        return Ok(vm.obj(Obj::Range(start, start + step * cnt as i64, step)));
    }
    let i = vm.as_index(idx)?;
    let j = if i < 0 { i + n } else { i };
    if j < 0 || j >= n {
        return Err(vm.index_error("range object index out of range"));
    }
    Ok(Value::Int(a + j * c))
}

fn range_index<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let Value::Obj(o) = arg(args, 0) else {
        unreachable!()
    };
    let Obj::Range(a, _, c) = o.as_ref() else {
        unreachable!()
    };
    let v = arg(args, 1);
    if vm.contains(arg(args, 0), v)? {
        if let Value::Int(i) = v {
            return Ok(Value::Int((i - a) / c));
        }
    }
    let r = vm.repr_of(v)?;
    Err(vm.value_error(format!("{r} is not in range")))
}

fn range_count<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    Ok(Value::Int(vm.contains(arg(args, 0), arg(args, 1))? as i64))
}

fn slice_new<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let a = &args[1..];
    nargs(vm, "slice", a, 1, 3)?;
    Ok(match a.len() {
        1 => vm.obj(Obj::Slice(Value::None, a[0], Value::None)),
        2 => vm.obj(Obj::Slice(a[0], a[1], Value::None)),
        _ => vm.obj(Obj::Slice(a[0], a[1], a[2])),
    })
}

fn slice_indices<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let n = vm.as_index(arg(args, 1))?;
    let (s, st, cnt) = vm.slice_positions(arg(args, 0), n as usize)?;
    let stop = s + st * cnt as i64;
    let stop = if cnt == 0 {
        let Value::Obj(o) = arg(args, 0) else {
            unreachable!()
        };
        let Obj::Slice(_, b, _) = o.as_ref() else {
            unreachable!()
        };
        let b = *b;
        if b.is_none() {
            if st > 0 { n } else { -1 }
        } else {
            s
        }
    } else {
        stop
    };
    Ok(vm.new_tuple(vec![Value::Int(s), Value::Int(stop), Value::Int(st)]))
}
