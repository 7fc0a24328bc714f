//! Operators with Python semantics: the small-int and float fast paths the interpreter inlines,
//! str and sequence arithmetic, truth, comparison, and the dunder protocol with reflected
//! operands. The numeric tower's general path (big integers, complex) is in `numeric`.

use super::numeric::to_num;
use crate::parser::ast::{BinOp, CmpOp, UnaryOp};
use crate::runtime::value::{Obj, Payload, StrObj, Value};
use crate::vm::short_strs::SHORT_STR;
use crate::vm::{R, Vm};
use gc_arena::Gc;
use num_bigint::BigInt;
use num_traits::Zero;

/// An ordering comparison of two small ints (None for `is`, `in` and their negations).
#[inline(always)]
pub fn int_compare(op: CmpOp, x: i64, y: i64) -> Option<bool> {
    Some(match op {
        CmpOp::Lt => x < y,
        CmpOp::LtE => x <= y,
        CmpOp::Gt => x > y,
        CmpOp::GtE => x >= y,
        CmpOp::Eq => x == y,
        CmpOp::NotEq => x != y,
        _ => return None,
    })
}

/// `+ - * /` on two numbers when at least one is a float (or both are ints small enough for
/// `/` to be exact in doubles); None for anything that needs the general path.
#[inline(always)]
pub fn float_binary(op: BinOp, x: &Value<'_>, y: &Value<'_>) -> Option<f64> {
    // ints up to 2**53 convert to float exactly, as true division needs
    const EXACT: u64 = 1 << 53;
    let (a, b) = match (x, y) {
        (Value::Float(a), Value::Float(b)) => (a.get(), b.get()),
        (Value::Float(a), Value::Int(b)) => (a.get(), *b as f64),
        (Value::Int(a), Value::Float(b)) => (*a as f64, b.get()),
        (Value::Int(a), Value::Int(b))
            if op == BinOp::Div && a.unsigned_abs() <= EXACT && b.unsigned_abs() <= EXACT =>
        {
            (*a as f64, *b as f64)
        }
        _ => return None,
    };
    Some(match op {
        BinOp::Add => a + b,
        BinOp::Sub => a - b,
        BinOp::Mul => a * b,
        BinOp::Div if b != 0.0 => a / b,
        _ => return None,
    })
}

/// `x ** y` for a positive float base and a float or int exponent, which can raise no error
/// but OverflowError (None, left to the general path, as are all other operands). The
/// general path's conversions cost three times the `pow` itself (n-body's `** -1.5`).
fn positive_float_pow(x: f64, y: Value<'_>) -> Option<f64> {
    let y = match y {
        Value::Float(y) => y.get(),
        Value::Int(n) if n.unsigned_abs() <= 1 << 53 => n as f64,
        _ => return None,
    };
    if x > 0.0 {
        Some(x.powf(y)).filter(|r| r.is_finite())
    } else {
        None
    }
}

/// Arithmetic on two ints or floats that needs no objects, no error and no big integer:
/// what the fused instructions compute before falling back to the general path.
#[inline(always)]
pub fn numeric_fast<'gc>(op: BinOp, x: Value<'gc>, y: Value<'gc>) -> Option<Value<'gc>> {
    if let (Value::Int(a), Value::Int(b)) = (x, y) {
        if let Some(r) = int_fast_inline(op, a, b) {
            return Some(Value::Int(r));
        }
    }
    float_binary(op, &x, &y).map(Value::float)
}

/// A comparison of two ints or floats (ints that a float represents exactly), without objects.
#[inline(always)]
pub fn numeric_compare(op: CmpOp, x: Value<'_>, y: Value<'_>) -> Option<bool> {
    const EXACT: u64 = 1 << 53;
    let (a, b) = match (x, y) {
        (Value::Int(a), Value::Int(b)) => return int_compare(op, a, b),
        (Value::Float(a), Value::Float(b)) => (a.get(), b.get()),
        (Value::Float(a), Value::Int(b)) if b.unsigned_abs() <= EXACT => (a.get(), b as f64),
        (Value::Int(a), Value::Float(b)) if a.unsigned_abs() <= EXACT => (a as f64, b.get()),
        _ => return None,
    };
    Some(match op {
        CmpOp::Lt => a < b,
        CmpOp::LtE => a <= b,
        CmpOp::Gt => a > b,
        CmpOp::GtE => a >= b,
        CmpOp::Eq => a == b,
        CmpOp::NotEq => a != b,
        _ => return None,
    })
}

/// `int_fast` with addition, subtraction, multiplication and `%` (most of a program's integer
/// arithmetic) done in place, without a call.
#[inline(always)]
pub fn int_fast_inline(op: BinOp, x: i64, y: i64) -> Option<i64> {
    match op {
        BinOp::Add => x.checked_add(y),
        BinOp::Sub => x.checked_sub(y),
        BinOp::Mul => x.checked_mul(y),
        BinOp::Mod => int_mod(x, y),
        _ => int_fast(op, x, y),
    }
}

/// `x % y` with Python's sign rule (the result takes the divisor's sign); None for a zero
/// divisor or an overflow.
#[inline(always)]
fn int_mod(x: i64, y: i64) -> Option<i64> {
    // a power of two (`i % 2`, `h % 1024`): the low bits are Python's floor modulo for every x,
    // and a mask costs a cycle where the division costs twenty (6% of generators' samples)
    if y > 0 && y & (y - 1) == 0 {
        return Some(x & (y - 1));
    }
    if y == 0 || (x == i64::MIN && y == -1) {
        return None;
    }
    let r = x % y;
    Some(if r != 0 && ((r < 0) != (y < 0)) {
        r + y
    } else {
        r
    })
}

/// Integer arithmetic that fits in i64; None means "take the slow path".
#[inline]
pub fn int_fast(op: BinOp, x: i64, y: i64) -> Option<i64> {
    Some(match op {
        BinOp::Add => x.checked_add(y)?,
        BinOp::Sub => x.checked_sub(y)?,
        BinOp::Mul => x.checked_mul(y)?,
        BinOp::FloorDiv => {
            if y == 0 || (x == i64::MIN && y == -1) {
                return None;
            }
            x.div_euclid(y)
                - if (x.rem_euclid(y) != 0) && y < 0 {
                    1
                } else {
                    0
                }
        }
        BinOp::Mod => int_mod(x, y)?,
        BinOp::BitAnd => x & y,
        BinOp::BitOr => x | y,
        BinOp::BitXor => x ^ y,
        BinOp::LShift => {
            if !(0..63).contains(&y) {
                return None;
            }
            let r = x.checked_shl(y as u32)?;
            if (r >> y) != x {
                return None;
            }
            r
        }
        BinOp::RShift => {
            if y < 0 {
                return None;
            }
            if y >= 64 {
                if x < 0 { -1 } else { 0 }
            } else {
                x >> y
            }
        }
        // true division gives a float: the caller handles it
        BinOp::Div => return None,
        BinOp::Pow => {
            if !(0..=u32::MAX as i64).contains(&y) {
                return None;
            }
            x.checked_pow(y as u32)?
        }
        BinOp::MatMul => return None,
    })
}

pub fn op_symbol(op: BinOp) -> &'static str {
    match op {
        BinOp::Add => "+",
        BinOp::Sub => "-",
        BinOp::Mul => "*",
        BinOp::MatMul => "@",
        BinOp::Div => "/",
        BinOp::FloorDiv => "//",
        BinOp::Mod => "%",
        BinOp::Pow => "** or pow()",
        BinOp::LShift => "<<",
        BinOp::RShift => ">>",
        BinOp::BitOr => "|",
        BinOp::BitXor => "^",
        BinOp::BitAnd => "&",
    }
}

fn dunder_names(op: BinOp) -> (&'static str, &'static str, &'static str) {
    match op {
        BinOp::Add => ("__add__", "__radd__", "__iadd__"),
        BinOp::Sub => ("__sub__", "__rsub__", "__isub__"),
        BinOp::Mul => ("__mul__", "__rmul__", "__imul__"),
        BinOp::MatMul => ("__matmul__", "__rmatmul__", "__imatmul__"),
        BinOp::Div => ("__truediv__", "__rtruediv__", "__itruediv__"),
        BinOp::FloorDiv => ("__floordiv__", "__rfloordiv__", "__ifloordiv__"),
        BinOp::Mod => ("__mod__", "__rmod__", "__imod__"),
        BinOp::Pow => ("__pow__", "__rpow__", "__ipow__"),
        BinOp::LShift => ("__lshift__", "__rlshift__", "__ilshift__"),
        BinOp::RShift => ("__rshift__", "__rrshift__", "__irshift__"),
        BinOp::BitOr => ("__or__", "__ror__", "__ior__"),
        BinOp::BitXor => ("__xor__", "__rxor__", "__ixor__"),
        BinOp::BitAnd => ("__and__", "__rand__", "__iand__"),
    }
}

impl<'gc> Vm<'gc> {
    /// `x + y` for two strs. A short result is assembled on the stack and taken from (or
    /// put in) the short-string cache; a long one extends `x`'s buffer when it can (see
    /// `StrObj::concat`), and its length in characters is the sum of theirs.
    pub fn concat(&mut self, x: Gc<'gc, StrObj>, y: Gc<'gc, StrObj>) -> Value<'gc> {
        let (xt, yt) = (x.text(), y.text());
        let (a, b): (&str, &str) = (&xt, &yt);
        if b.is_empty() {
            return Value::Str(x);
        }
        if a.is_empty() {
            return Value::Str(y);
        }
        let n = a.len() + b.len();
        if n <= SHORT_STR {
            let mut buf = [0u8; SHORT_STR];
            buf[..a.len()].copy_from_slice(a.as_bytes());
            buf[a.len()..n].copy_from_slice(b.as_bytes());
            let joined = std::str::from_utf8(&buf[..n]).expect("two strs joined are a str");
            return self.short_str(joined);
        }
        // x's buffer can be extended only while no text of it is borrowed
        drop(xt);
        let s = x.concat(b, x.chars() + y.chars());
        // an append in place allocates only the tail (amortized); a copy allocates it all
        self.note_bytes(if s.shares_buffer_with(&x) { b.len() } else { n });
        Value::Str(Gc::new(self.mc, s))
    }

    /// Builtin behaviour of a binary operator; None when the builtin types don't handle it.
    fn builtin_binary(
        &mut self,
        op: BinOp,
        a: Value<'gc>,
        b: Value<'gc>,
    ) -> R<'gc, Option<Value<'gc>>> {
        if let (Value::Bool(x), Value::Bool(y)) = (a, b) {
            let (x, y) = (x.get(), y.get());
            match op {
                BinOp::BitAnd => return Ok(Some(Value::bool(x & y))),
                BinOp::BitOr => return Ok(Some(Value::bool(x | y))),
                BinOp::BitXor => return Ok(Some(Value::bool(x ^ y))),
                _ => {}
            }
        }
        if let (Some(x), Some(y)) = (to_num(a), to_num(b)) {
            return self.numeric(op, &x, &y);
        }
        Ok(match (op, a, b) {
            (BinOp::Add, Value::Str(x), Value::Str(y)) => Some(self.concat(x, y)),
            (BinOp::Mul, Value::Str(x), Value::Int(n))
            | (BinOp::Mul, Value::Int(n), Value::Str(x)) => {
                if n > 0 && (x.len() as u128) * (n as u128) > (1u128 << 34) {
                    return Err(self.memory_error());
                }
                Some(self.new_string(x.text().repeat(n.max(0) as usize)))
            }
            (BinOp::Mul, Value::Str(x), Value::Bool(n))
            | (BinOp::Mul, Value::Bool(n), Value::Str(x)) => {
                Some(self.new_string(x.text().repeat(n.get() as usize)))
            }
            (BinOp::Add, Value::List(x), Value::List(y)) => {
                let mut v = x.borrow().clone();
                v.extend_from_slice(&y.borrow());
                Some(self.new_list(v))
            }
            (BinOp::Add, Value::Tuple(x), Value::Tuple(y)) => {
                let mut v = x.items().to_vec();
                v.extend_from_slice(y.items());
                Some(self.new_tuple(v))
            }
            (BinOp::Mul, Value::List(x), Value::Int(n))
            | (BinOp::Mul, Value::Int(n), Value::List(x)) => {
                let src = x.borrow().clone();
                if n > 0 && (src.len() as u128) * (n as u128) > (1u128 << 31) {
                    return Err(self.memory_error());
                }
                let mut v = Vec::with_capacity(src.len() * n.max(0) as usize);
                for _ in 0..n.max(0) {
                    v.extend_from_slice(&src);
                }
                Some(self.new_list(v))
            }
            (BinOp::Mul, Value::Tuple(x), Value::Int(n))
            | (BinOp::Mul, Value::Int(n), Value::Tuple(x)) => {
                if n > 0 && (x.items().len() as u128) * (n as u128) > (1u128 << 31) {
                    return Err(self.memory_error());
                }
                let mut v = Vec::new();
                for _ in 0..n.max(0) {
                    v.extend_from_slice(x.items());
                }
                Some(self.new_tuple(v))
            }
            (BinOp::Mod, Value::Str(x), _) => {
                let s = crate::runtime::format::percent_format(self, &x.text(), b)?;
                Some(self.new_string(s))
            }
            (BinOp::Add, Value::Obj(x), Value::Obj(y)) => match (x.as_ref(), y.as_ref()) {
                (Obj::Bytes(p), Obj::Bytes(q)) => {
                    let mut v = p.to_vec();
                    v.extend_from_slice(q);
                    Some(self.obj(Obj::Bytes(v.into_boxed_slice())))
                }
                _ => None,
            },
            (
                BinOp::BitOr | BinOp::BitAnd | BinOp::Sub | BinOp::BitXor,
                Value::Set(x),
                Value::Set(y),
            ) => Some(crate::builtins::set::set_op(
                self,
                op,
                Value::Set(x),
                Value::Set(y),
            )?),
            (
                BinOp::BitOr | BinOp::BitAnd | BinOp::Sub | BinOp::BitXor,
                Value::Obj(x),
                Value::Set(_) | Value::Obj(_),
            ) if matches!(x.as_ref(), Obj::DictView(0 | 2, _)) => {
                let l = self.collect_iter(a)?;
                let la = self.new_set(&l)?;
                let r = self.collect_iter(b)?;
                let lb = self.new_set(&r)?;
                Some(crate::builtins::set::set_op(self, op, la, lb)?)
            }
            (BinOp::BitOr, Value::Dict(x), Value::Dict(y)) => {
                let d = self.new_dict();
                self.dict_merge(d, Value::Dict(x), false)?;
                self.dict_merge(d, Value::Dict(y), false)?;
                Some(Value::Dict(d))
            }
            _ => None,
        })
    }

    pub fn memory_error(&mut self) -> Value<'gc> {
        let c = self.st.types.memory_error;
        crate::vm::exc::make_exception(self, c, self.st.empty_tuple)
    }

    /// `a op b`.
    pub fn binary(&mut self, op: BinOp, a: Value<'gc>, b: Value<'gc>) -> R<'gc> {
        self.binary_as(op, a, b, false)
    }

    /// `a op b`, or the fallback of `a op= b` when `inplace` (which only changes how an
    /// unsupported pair is reported: `+=` rather than `+`).
    fn binary_as(&mut self, op: BinOp, a: Value<'gc>, b: Value<'gc>, inplace: bool) -> R<'gc> {
        if let (BinOp::Add, Value::Str(x), Value::Str(y)) = (op, a, b) {
            return Ok(self.concat(x, y));
        }
        if let (BinOp::Pow, Value::Float(x)) = (op, a) {
            if let Some(r) = positive_float_pow(x.get(), b) {
                return Ok(Value::float(r));
            }
        }
        let user = matches!(a, Value::Instance(_)) || matches!(b, Value::Instance(_));
        if user && (Self::is_proxy(a) || Self::is_proxy(b)) {
            let (a, b) = (self.deproxy(a)?, self.deproxy(b)?);
            return self.binary_as(op, a, b, inplace);
        }
        if !user {
            if let Some(v) = self.builtin_binary(op, a, b)? {
                return Ok(v);
            }
        } else if let Some(v) = self.dunder_binary(op, a, b)? {
            return Ok(v);
        }
        // instances of builtin subclasses fall back to their builtin value
        let (ua, ub) = (unwrap_payload(a), unwrap_payload(b));
        if !ua.is(a) || !ub.is(b) {
            if let Some(v) = self.builtin_binary(op, ua, ub)? {
                return Ok(v);
            }
        }
        let s = op_symbol(op);
        let (ta, tb) = (self.type_name(a), self.type_name(b));
        if op == BinOp::Add && matches!(a, Value::Str(_)) {
            return Err(self.type_error(format!("can only concatenate str (not \"{tb}\") to str")));
        }
        if op == BinOp::Add && matches!(a, Value::List(_)) {
            return Err(
                self.type_error(format!("can only concatenate list (not \"{tb}\") to list"))
            );
        }
        if op == BinOp::Add && matches!(a, Value::Tuple(_)) {
            return Err(self.type_error(format!(
                "can only concatenate tuple (not \"{tb}\") to tuple"
            )));
        }
        if op == BinOp::Mul {
            // a sequence repeated by something that is not an int names the other operand
            let seq = |v: Value<'gc>| matches!(v, Value::Str(_) | Value::List(_) | Value::Tuple(_));
            let other = if seq(a) {
                Some(&tb)
            } else if seq(b) {
                Some(&ta)
            } else {
                None
            };
            if let Some(t) = other {
                return Err(
                    self.type_error(format!("can't multiply sequence by non-int of type '{t}'"))
                );
            }
        }
        let eq = if inplace { "=" } else { "" };
        Err(self.type_error(format!(
            "unsupported operand type(s) for {s}{eq}: '{ta}' and '{tb}'"
        )))
    }

    fn dunder_binary(
        &mut self,
        op: BinOp,
        a: Value<'gc>,
        b: Value<'gc>,
    ) -> R<'gc, Option<Value<'gc>>> {
        let (l, r, _) = dunder_names(op);
        let ta = self.type_of(a);
        let tb = self.type_of(b);
        let same = gc_arena::Gc::ptr_eq(ta, tb);
        let fa = self
            .lookup_special(a, l)
            .filter(|f| !self.is_builtin_fn(*f));
        let fb = if same {
            None
        } else {
            self.lookup_special(b, r)
                .filter(|f| !self.is_builtin_fn(*f))
        };
        if let Some(fb) = fb {
            if crate::vm::exc::is_subclass(tb, ta) {
                let v = self.call_bound(fb, b, &[a])?;
                if !self.is_not_implemented(v) {
                    return Ok(Some(v));
                }
                if let Some(fa) = fa {
                    let v = self.call_bound(fa, a, &[b])?;
                    if !self.is_not_implemented(v) {
                        return Ok(Some(v));
                    }
                }
                return Ok(None);
            }
        }
        if let Some(fa) = fa {
            let v = self.call_bound(fa, a, &[b])?;
            if !self.is_not_implemented(v) {
                return Ok(Some(v));
            }
        } else if !matches!(a, Value::Instance(_)) {
            if let Some(v) = self.builtin_binary(op, a, unwrap_payload(b)).ok().flatten() {
                if !matches!(b, Value::Instance(_)) || fb.is_none() {
                    return Ok(Some(v));
                }
            }
        }
        if let Some(fb) = fb {
            let v = self.call_bound(fb, b, &[a])?;
            if !self.is_not_implemented(v) {
                return Ok(Some(v));
            }
        }
        Ok(None)
    }

    /// `a op= b`.
    pub fn inplace(&mut self, op: BinOp, a: Value<'gc>, b: Value<'gc>) -> R<'gc> {
        if Self::is_proxy(a) || Self::is_proxy(b) {
            let (a, b) = (self.deproxy(a)?, self.deproxy(b)?);
            return self.inplace(op, a, b);
        }
        match (op, a) {
            (BinOp::Add, Value::List(l)) => {
                let items = self.collect_iter(b)?;
                l.borrow_mut(self.mc).extend(items);
                return Ok(a);
            }
            (BinOp::Mul, Value::List(l)) => {
                let n = self.as_index(b)?;
                let src = l.borrow().clone();
                let mut v = Vec::new();
                for _ in 0..n.max(0) {
                    v.extend_from_slice(&src);
                }
                *l.borrow_mut(self.mc) = v;
                return Ok(a);
            }
            (BinOp::BitOr | BinOp::BitAnd | BinOp::Sub | BinOp::BitXor, Value::Set(_))
                if matches!(b, Value::Set(_)) =>
            {
                return crate::builtins::set::set_inplace(self, op, a, b);
            }
            (BinOp::BitOr, Value::Dict(d)) => {
                self.dict_merge(d, b, false)?;
                return Ok(a);
            }
            (_, Value::Instance(_)) => {
                let (_, _, i) = dunder_names(op);
                if let Some(f) = self
                    .lookup_special(a, i)
                    .filter(|f| !self.is_builtin_fn(*f))
                {
                    let v = self.call_bound(f, a, &[b])?;
                    if !self.is_not_implemented(v) {
                        return Ok(v);
                    }
                }
                if let Value::List(_) | Value::Dict(_) | Value::Set(_) = unwrap_payload(a) {
                    if matches!(op, BinOp::Add | BinOp::BitOr)
                        && self
                            .lookup_special(a, dunder_names(op).0)
                            .map(|f| self.is_builtin_fn(f))
                            .unwrap_or(true)
                    {
                        let inner = unwrap_payload(a);
                        self.inplace(op, inner, b)?;
                        return Ok(a);
                    }
                }
            }
            _ => {}
        }
        self.binary_as(op, a, b, true)
    }

    pub fn unary(&mut self, op: UnaryOp, a: Value<'gc>) -> R<'gc> {
        let r = match (op, a) {
            (UnaryOp::Neg, Value::Int(i)) => match i.checked_neg() {
                Some(v) => Value::Int(v),
                None => self.int_from_big(-BigInt::from(i)),
            },
            (UnaryOp::Neg, Value::Bool(b)) => Value::Int(-(b.get() as i64)),
            (UnaryOp::Neg, Value::Float(f)) => Value::float(-f.get()),
            (UnaryOp::Pos, Value::Int(_) | Value::Float(_)) => a,
            (UnaryOp::Pos, Value::Bool(b)) => Value::Int(b.get() as i64),
            (UnaryOp::Invert, Value::Int(i)) => Value::Int(!i),
            (UnaryOp::Invert, Value::Bool(b)) => Value::Int(!(b as i64)),
            (UnaryOp::Not, _) => Value::bool(!self.truthy(a)?),
            (_, Value::Obj(o)) if matches!(o.as_ref(), Obj::BigInt(_) | Obj::Complex(..)) => {
                match o.as_ref() {
                    Obj::BigInt(b) => match op {
                        UnaryOp::Neg => self.int_from_big(-b.clone()),
                        UnaryOp::Pos => a,
                        _ => self.int_from_big(!b.clone()),
                    },
                    Obj::Complex(r, i) => match op {
                        UnaryOp::Neg => self.obj(Obj::Complex(-r, -i)),
                        UnaryOp::Pos => a,
                        _ => return Err(self.type_error("bad operand type for unary ~: 'complex'")),
                    },
                    _ => unreachable!(),
                }
            }
            _ => {
                if Self::is_proxy(a) {
                    let t = self.deproxy(a)?;
                    return self.unary(op, t);
                }
                let (name, sym) = match op {
                    UnaryOp::Neg => ("__neg__", "-"),
                    UnaryOp::Pos => ("__pos__", "+"),
                    UnaryOp::Invert => ("__invert__", "~"),
                    UnaryOp::Not => unreachable!(),
                };
                if let Some(f) = self
                    .lookup_special(a, name)
                    .filter(|f| !self.is_builtin_fn(*f))
                {
                    return self.call_bound(f, a, &[]);
                }
                let inner = unwrap_payload(a);
                if !inner.is(a) {
                    return self.unary(op, inner);
                }
                let t = self.type_name(a);
                return Err(self.type_error(format!("bad operand type for unary {sym}: '{t}'")));
            }
        };
        Ok(r)
    }

    /// Truth value testing.
    pub fn truthy(&mut self, v: Value<'gc>) -> R<'gc, bool> {
        Ok(match v {
            Value::Undef | Value::None => false,
            Value::Bool(b) => b.get(),
            Value::Int(i) => i != 0,
            Value::Float(f) => f.get() != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::Tuple(t) => !t.items().is_empty(),
            Value::List(l) => !l.borrow().is_empty(),
            Value::Dict(d) => !d.borrow().is_empty(),
            Value::Set(s) => !s.table.borrow().is_empty(),
            Value::Cell(_) | Value::Iter(_) | Value::Weak(_) => true,
            Value::Instance(i) => {
                if Self::is_proxy(v) {
                    let t = self.deproxy(v)?;
                    return self.truthy(t);
                }
                if let Some(f) = self.lookup_special(v, "__bool__") {
                    let r = self.call_bound(f, v, &[])?;
                    return match r {
                        Value::Bool(b) => Ok(b.get()),
                        _ => {
                            let t = self.type_name(r);
                            Err(self
                                .type_error(format!("__bool__ should return bool, returned {t}")))
                        }
                    };
                }
                if let Some(f) = self.lookup_special(v, "__len__") {
                    let r = self.call_bound(f, v, &[])?;
                    let n = self.as_index(r)?;
                    if n < 0 {
                        return Err(self.value_error("__len__() should return >= 0"));
                    }
                    return Ok(n != 0);
                }
                match i.payload.get() {
                    Payload::Value(inner) => return self.truthy(inner),
                    _ => true,
                }
            }
            Value::Obj(o) => match o.as_ref() {
                Obj::BigInt(b) => !b.is_zero(),
                Obj::Complex(r, i) => *r != 0.0 || *i != 0.0,
                Obj::Bytes(b) => !b.is_empty(),
                Obj::Range(..) => crate::builtins::range::range_len(o) > 0,
                Obj::DictView(_, d) => !d.borrow().is_empty(),
                _ => true,
            },
        })
    }

    /// `a == b` as a bool.
    pub fn eq(&mut self, a: Value<'gc>, b: Value<'gc>) -> R<'gc, bool> {
        let v = self.compare(CmpOp::Eq, a, b)?;
        match v {
            Value::Bool(x) => Ok(x.get()),
            _ => self.truthy(v),
        }
    }

    /// Rich comparison (everything but `is`).
    pub fn compare(&mut self, op: CmpOp, a: Value<'gc>, b: Value<'gc>) -> R<'gc> {
        match op {
            CmpOp::Is => return Ok(Value::bool(a.is(b))),
            CmpOp::IsNot => return Ok(Value::bool(!a.is(b))),
            CmpOp::In => return Ok(Value::bool(self.contains(b, a)?)),
            CmpOp::NotIn => return Ok(Value::bool(!self.contains(b, a)?)),
            _ => {}
        }
        // (an exact weakref.ref compares as its class says, like an instance of it)
        let user = matches!(a, Value::Instance(_) | Value::Weak(_))
            || matches!(b, Value::Instance(_) | Value::Weak(_));
        if user {
            if Self::is_proxy(a) || Self::is_proxy(b) {
                let (a, b) = (self.deproxy(a)?, self.deproxy(b)?);
                return self.compare(op, a, b);
            }
            if matches!(op, CmpOp::Eq | CmpOp::NotEq) {
                if let Some(r) = self.weakref_eq(a, b) {
                    let r = r?;
                    return Ok(Value::bool(if op == CmpOp::Eq { r } else { !r }));
                }
            }
        }
        if !user {
            if let Some(r) = crate::runtime::compare::builtin_compare(self, op, a, b)? {
                return Ok(Value::bool(r));
            }
        } else if let Some(v) = self.dunder_compare(op, a, b)? {
            return Ok(v);
        }
        let (ua, ub) = (unwrap_payload(a), unwrap_payload(b));
        if user && (!ua.is(a) || !ub.is(b)) {
            if let Some(r) = crate::runtime::compare::builtin_compare(self, op, ua, ub)? {
                return Ok(Value::bool(r));
            }
        }
        match op {
            CmpOp::Eq => Ok(Value::bool(a.is(b))),
            CmpOp::NotEq => Ok(Value::bool(!a.is(b))),
            _ => {
                let sym = match op {
                    CmpOp::Lt => "<",
                    CmpOp::LtE => "<=",
                    CmpOp::Gt => ">",
                    _ => ">=",
                };
                let (ta, tb) = (self.type_name(a), self.type_name(b));
                Err(self.type_error(format!(
                    "'{sym}' not supported between instances of '{ta}' and '{tb}'"
                )))
            }
        }
    }

    fn dunder_compare(
        &mut self,
        op: CmpOp,
        a: Value<'gc>,
        b: Value<'gc>,
    ) -> R<'gc, Option<Value<'gc>>> {
        let (name, refl) = match op {
            CmpOp::Eq => ("__eq__", "__eq__"),
            CmpOp::NotEq => ("__ne__", "__ne__"),
            CmpOp::Lt => ("__lt__", "__gt__"),
            CmpOp::LtE => ("__le__", "__ge__"),
            CmpOp::Gt => ("__gt__", "__lt__"),
            _ => ("__ge__", "__le__"),
        };
        let ta = self.type_of(a);
        let tb = self.type_of(b);
        let reflected_first = !gc_arena::Gc::ptr_eq(ta, tb) && crate::vm::exc::is_subclass(tb, ta);
        let order: [(Value<'gc>, Value<'gc>, &str); 2] = if reflected_first {
            [(b, a, refl), (a, b, name)]
        } else {
            [(a, b, name), (b, a, refl)]
        };
        for (x, y, n) in order {
            if let Some(f) = self
                .lookup_special(x, n)
                .filter(|f| !self.is_builtin_fn(*f))
            {
                let v = self.call_bound(f, x, &[y])?;
                if !self.is_not_implemented(v) {
                    return Ok(Some(v));
                }
            } else if n == "__ne__" {
                // the default __ne__ inverts __eq__
                if let Some(f) = self
                    .lookup_special(x, "__eq__")
                    .filter(|f| !self.is_builtin_fn(*f))
                {
                    let v = self.call_bound(f, x, &[y])?;
                    if !self.is_not_implemented(v) {
                        let t = self.truthy(v)?;
                        return Ok(Some(Value::bool(!t)));
                    }
                }
            }
        }
        Ok(None)
    }
}

/// The builtin value inside an instance of a builtin subclass (or the value itself).
pub fn unwrap_payload<'gc>(v: Value<'gc>) -> Value<'gc> {
    if let Value::Instance(i) = v {
        if let Payload::Value(inner) = i.payload.get() {
            return inner;
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::int_mod;

    /// Python's `x % y`, from the definition (floor division).
    fn floor_mod(x: i128, y: i128) -> i128 {
        let mut q = x / y;
        if x % y != 0 && (x < 0) != (y < 0) {
            q -= 1;
        }
        x - q * y
    }

    #[test]
    fn int_mod_by_powers_of_two_and_others_is_floor_modulo() {
        let xs = [
            i64::MIN,
            i64::MIN + 1,
            -1025,
            -1024,
            -7,
            -5,
            -4,
            -3,
            -1,
            0,
            1,
            3,
            4,
            5,
            7,
            1023,
            i64::MAX,
        ];
        let ys = [
            1,
            2,
            4,
            8,
            1024,
            1 << 62,
            3,
            7,
            10,
            -1,
            -2,
            -4,
            -3,
            i64::MAX,
            i64::MIN,
        ];
        for x in xs {
            for y in ys {
                let expect = floor_mod(x as i128, y as i128) as i64;
                if x == i64::MIN && y == -1 {
                    assert_eq!(int_mod(x, y), None);
                } else {
                    assert_eq!(int_mod(x, y), Some(expect), "{x} % {y}");
                }
            }
        }
        assert_eq!(int_mod(5, 0), None);
    }
}
