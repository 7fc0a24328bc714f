//! The `gc` module: explicit collections, enabling and disabling automatic collection, counters.
//! A collection cannot run inside the interpreter slice that asks for it, so `collect()` raises a
//! request the interpreter honours by ending the slice; the driver collects and supplies the result.

use super::{add_fn, add_value};
use crate::builtins::{arg, nargs};
use crate::runtime::function::Kw;
use crate::runtime::value::{DictRef, Value};
use crate::vm::{R, Vm};

pub fn init<'gc>(vm: &mut Vm<'gc>, d: DictRef<'gc>) {
    add_fn(vm, d, "collect", collect);
    add_fn(vm, d, "enable", enable);
    add_fn(vm, d, "disable", disable);
    add_fn(vm, d, "isenabled", isenabled);
    add_fn(vm, d, "get_count", get_count);
    add_fn(vm, d, "get_stats", get_stats);
    add_fn(vm, d, "get_threshold", get_threshold);
    add_fn(vm, d, "set_threshold", set_threshold);
    let g = vm.new_list(vec![]);
    add_value(vm, d, "garbage", g);
    let c = vm.new_list(vec![]);
    if let Value::List(l) = c {
        vm.st.gc_callbacks = Some(l);
    }
    add_value(vm, d, "callbacks", c);
    add_fn(vm, d, "get_referents", get_referents);
    add_fn(vm, d, "get_referrers", get_referrers);
    add_fn(vm, d, "get_objects", get_objects);
    add_fn(vm, d, "is_tracked", is_tracked);
    add_fn(vm, d, "is_finalized", is_finalized);
    add_fn(vm, d, "freeze", freeze);
    add_fn(vm, d, "unfreeze", unfreeze);
    add_fn(vm, d, "get_freeze_count", get_freeze_count);
}

fn get_referents<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let out = (args.iter())
        .flat_map(|a| crate::vm::referents::referents_of(*a))
        .collect();
    Ok(vm.new_list(out))
}

fn get_referrers<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let targets: Vec<usize> = args.iter().filter_map(|a| a.addr()).collect();
    let mut out = vec![];
    for v in vm.reachable_objects() {
        if !crate::vm::referents::is_tracked(v) {
            continue;
        }
        if crate::vm::referents::referents_of(v)
            .iter()
            .any(|r| r.addr().map(|a| targets.contains(&a)).unwrap_or(false))
        {
            out.push(v);
        }
    }
    Ok(vm.new_list(out))
}

fn get_objects<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "get_objects", args, 0, 1)?;
    let objs: Vec<Value<'gc>> = vm
        .reachable_objects()
        .into_iter()
        .filter(|v| crate::vm::referents::is_tracked(*v))
        .collect();
    Ok(vm.new_list(objs))
}

fn is_tracked<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "is_tracked", args, 1, 1)?;
    Ok(Value::bool(crate::vm::referents::is_tracked(args[0])))
}

fn is_finalized<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "is_finalized", args, 1, 1)?;
    Ok(Value::bool(vm.is_finalized(args[0])))
}

/// Everything reachable now stays alive until unfreeze() (CPython's permanent generation).
fn freeze<'gc>(vm: &mut Vm<'gc>, _args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let objs: Vec<Value<'gc>> = vm
        .reachable_objects()
        .into_iter()
        .filter(|v| crate::vm::referents::is_tracked(*v))
        .collect();
    vm.st.frozen.extend(objs);
    Ok(Value::None)
}

fn unfreeze<'gc>(vm: &mut Vm<'gc>, _args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    vm.st.frozen.clear();
    Ok(Value::None)
}

fn get_freeze_count<'gc>(vm: &mut Vm<'gc>, _args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    Ok(Value::Int(vm.st.frozen.len() as i64))
}

fn collect<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "collect", args, 0, 1)?;
    vm.st.gc.collect_requested = true;
    vm.st.gc.collect_result_on_stack = vm.st.nested == 0;
    // replaced by the number of freed objects once the driver has collected
    Ok(Value::Int(0))
}

fn enable<'gc>(vm: &mut Vm<'gc>, _args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    vm.st.gc.enabled = true;
    Ok(Value::None)
}

fn disable<'gc>(vm: &mut Vm<'gc>, _args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    vm.st.gc.enabled = false;
    Ok(Value::None)
}

fn isenabled<'gc>(vm: &mut Vm<'gc>, _args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    Ok(Value::bool(vm.st.gc.enabled))
}

fn get_count<'gc>(vm: &mut Vm<'gc>, _args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let g = &vm.st.gc;
    let items = vec![
        Value::Int(g.allocated_since as i64),
        Value::Int(g.collections as i64),
        Value::Int(g.full_collections as i64),
    ];
    Ok(vm.new_tuple(items))
}

/// One dict in CPython's shape (`collections`, `collected`, `uncollectable`) plus wk's heap figures.
fn get_stats<'gc>(vm: &mut Vm<'gc>, _args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let g = vm.st.gc.clone();
    let d = vm.new_dict();
    let pairs: [(&str, i64); 6] = [
        ("collections", g.collections as i64),
        ("collected", g.freed_total as i64),
        ("uncollectable", 0),
        ("full_collections", g.full_collections as i64),
        ("live_objects", g.live_objects as i64),
        ("peak_objects", g.peak_objects as i64),
    ];
    for (k, v) in pairs {
        let kv = vm.new_str(k);
        vm.dict_set(d, kv, Value::Int(v))?;
    }
    Ok(vm.new_list(vec![Value::Dict(d)]))
}

fn get_threshold<'gc>(vm: &mut Vm<'gc>, _args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let (a, b, c) = vm.st.gc.threshold;
    Ok(vm.new_tuple(vec![Value::Int(a), Value::Int(b), Value::Int(c)]))
}

fn set_threshold<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "set_threshold", args, 1, 3)?;
    let a = vm.as_index(arg(args, 0))?;
    let b = if args.len() > 1 {
        vm.as_index(args[1])?
    } else {
        vm.st.gc.threshold.1
    };
    let c = if args.len() > 2 {
        vm.as_index(args[2])?
    } else {
        vm.st.gc.threshold.2
    };
    vm.st.gc.threshold = (a, b, c);
    vm.st.gc.pacing_changed = true;
    Ok(Value::None)
}
