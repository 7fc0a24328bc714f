//! The `time` module.

use super::add_fn;
use crate::builtins::nargs;
use crate::runtime::function::Kw;
use crate::runtime::value::{DictRef, Value};
use crate::vm::{R, Vm};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

pub fn init<'gc>(vm: &mut Vm<'gc>, d: DictRef<'gc>) {
    add_fn(vm, d, "time", time);
    add_fn(vm, d, "time_ns", time_ns);
    add_fn(vm, d, "perf_counter", perf_counter);
    add_fn(vm, d, "perf_counter_ns", perf_counter_ns);
    add_fn(vm, d, "monotonic", perf_counter);
    add_fn(vm, d, "monotonic_ns", perf_counter_ns);
    add_fn(vm, d, "process_time", perf_counter);
    add_fn(vm, d, "sleep", sleep);
    add_fn(vm, d, "_utc_fields", utc_fields);
}

fn since_epoch() -> std::time::Duration {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
}

fn start<'gc>(vm: &mut Vm<'gc>) -> Instant {
    *vm.st.config.start.get_or_insert_with(Instant::now)
}

fn time<'gc>(_vm: &mut Vm<'gc>, _a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    Ok(Value::float(since_epoch().as_secs_f64()))
}

fn time_ns<'gc>(_vm: &mut Vm<'gc>, _a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    Ok(Value::Int(since_epoch().as_nanos() as i64))
}

fn perf_counter<'gc>(vm: &mut Vm<'gc>, _a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let s = start(vm);
    Ok(Value::float(s.elapsed().as_secs_f64()))
}

fn perf_counter_ns<'gc>(vm: &mut Vm<'gc>, _a: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let s = start(vm);
    Ok(Value::Int(s.elapsed().as_nanos() as i64))
}

fn sleep<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    nargs(vm, "sleep", args, 1, 1)?;
    let secs = crate::builtins::numbers::to_float(vm, args[0])?;
    if secs < 0.0 {
        return Err(vm.value_error("sleep length must be non-negative"));
    }
    vm.st.out.flush();
    std::thread::sleep(std::time::Duration::from_secs_f64(secs));
    Ok(Value::None)
}

/// (year, month, day, hour, minute, second, microsecond) in UTC for a timestamp; used by datetime.
fn utc_fields<'gc>(vm: &mut Vm<'gc>, args: &[Value<'gc>], _kw: &Kw<'gc>) -> R<'gc> {
    let ts = match args.first() {
        Some(v) => crate::builtins::numbers::to_float(vm, *v)?,
        None => since_epoch().as_secs_f64(),
    };
    let secs = ts.floor() as i64;
    let micros = ((ts - secs as f64) * 1e6).round() as i64;
    let days = secs.div_euclid(86400);
    let rem = secs.rem_euclid(86400);
    // civil-from-days (Howard Hinnant's algorithm)
    let z = days + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    let f = [y, m, d, rem / 3600, rem % 3600 / 60, rem % 60, micros];
    Ok(vm.new_tuple(f.iter().map(|x| Value::Int(*x)).collect()))
}
