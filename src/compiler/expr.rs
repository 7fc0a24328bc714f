//! Expression compilation: operators, calls, displays, comprehensions, lambdas, f-strings, yield.

use super::code::*;
use super::{CResult, Compiler, err, key_of};
use crate::parser::ast::*;
use std::rc::Rc;

impl<'a> Compiler<'a> {
    pub(super) fn expr(&mut self, e: &Expr) -> CResult<()> {
        let saved = self.unit().line;
        self.set_line(e.span.start);
        self.expr_inner(e)?;
        self.unit().line = saved;
        Ok(())
    }

    fn constant(&mut self, c: &Constant) {
        let k = match c {
            Constant::None => {
                self.emit(Op::LoadNone);
                return;
            }
            Constant::True => {
                self.emit(Op::LoadTrue);
                return;
            }
            Constant::False => {
                self.emit(Op::LoadFalse);
                return;
            }
            Constant::Int(v) if i32::try_from(*v).is_ok() => {
                self.emit(Op::LoadSmallInt(*v as i32));
                return;
            }
            Constant::Int(v) => Const::Int(*v),
            Constant::BigInt(b) => Const::BigInt(b.clone()),
            Constant::Float(f) => Const::Float(*f),
            Constant::Imag(f) => Const::Complex(0.0, *f),
            Constant::Str(s) => Const::Str(s.clone()),
            Constant::Bytes(b) => Const::Bytes(b.clone()),
            Constant::Ellipsis => Const::Ellipsis,
        };
        let i = self.add_const(k);
        self.emit(Op::LoadConst(i));
    }

    fn expr_inner(&mut self, e: &Expr) -> CResult<()> {
        match &e.kind {
            ExprKind::Const(c) => self.constant(c),
            ExprKind::FString(parts) => self.fstring(parts)?,
            ExprKind::Name(n) => self.load_name(n),
            ExprKind::Tuple(items) => {
                if items.iter().any(|i| matches!(i.kind, ExprKind::Starred(_))) {
                    self.starred_list(items)?;
                    self.emit(Op::ListToTuple);
                } else if let Some(c) = const_tuple(items) {
                    let k = self.add_const(c);
                    self.emit(Op::LoadConst(k));
                } else {
                    for i in items {
                        self.expr(i)?;
                    }
                    self.emit(Op::BuildTuple(items.len() as u32));
                }
            }
            ExprKind::List(items) => {
                if items.iter().any(|i| matches!(i.kind, ExprKind::Starred(_))) {
                    self.starred_list(items)?;
                } else {
                    for i in items {
                        self.expr(i)?;
                    }
                    self.emit(Op::BuildList(items.len() as u32));
                }
            }
            ExprKind::Set(items) => {
                if items.iter().any(|i| matches!(i.kind, ExprKind::Starred(_))) {
                    self.emit(Op::BuildSet(0));
                    for i in items {
                        match &i.kind {
                            ExprKind::Starred(inner) => {
                                self.expr(inner)?;
                                self.emit(Op::SetUpdate(1));
                            }
                            _ => {
                                self.expr(i)?;
                                self.emit(Op::SetAdd(1));
                            }
                        }
                    }
                } else {
                    for i in items {
                        self.expr(i)?;
                    }
                    let constants = items.len() > 2 && items.iter().all(|i| const_of(i).is_some());
                    let flag = if constants { SET_OF_CONSTANTS } else { 0 };
                    self.emit(Op::BuildSet(items.len() as u32 | flag));
                }
            }
            ExprKind::Dict(items) => {
                let mut pending = 0;
                let mut started = false;
                for it in items {
                    match it {
                        DictItem::Pair(k, v) => {
                            self.expr(k)?;
                            self.expr(v)?;
                            pending += 1;
                        }
                        DictItem::Splat(x) => {
                            if !started || pending > 0 {
                                self.emit(Op::BuildMap(pending));
                                if started {
                                    self.emit(Op::DictUpdate(1));
                                }
                                started = true;
                                pending = 0;
                            }
                            self.expr(x)?;
                            self.emit(Op::DictUpdate(1));
                        }
                    }
                }
                if !started {
                    self.emit(Op::BuildMap(pending));
                } else if pending > 0 {
                    self.emit(Op::BuildMap(pending));
                    self.emit(Op::DictUpdate(1));
                }
            }
            ExprKind::Starred(_) => return err("can't use starred expression here", e.span.start),
            ExprKind::BinOp(a, op, b) => {
                if let Some(folded) = fold_binop(a, *op, b) {
                    self.constant(&folded);
                } else {
                    self.expr(a)?;
                    self.expr(b)?;
                    self.emit(Op::Binary(*op));
                }
            }
            ExprKind::Unary(op, x) => {
                self.expr(x)?;
                self.emit(Op::Unary(*op));
            }
            ExprKind::And(a, b) => {
                self.expr(a)?;
                let j = self.emit(Op::JumpIfFalseOrPop(0));
                self.expr(b)?;
                self.patch_here(j);
            }
            ExprKind::Or(a, b) => {
                self.expr(a)?;
                let j = self.emit(Op::JumpIfTrueOrPop(0));
                self.expr(b)?;
                self.patch_here(j);
            }
            ExprKind::Compare(first, rest) => {
                self.expr(first)?;
                if rest.len() == 1 {
                    self.expr(&rest[0].1)?;
                    self.emit(Op::Compare(rest[0].0));
                } else {
                    let mut cleanups = vec![];
                    for (i, (op, x)) in rest.iter().enumerate() {
                        self.expr(x)?;
                        if i + 1 < rest.len() {
                            self.emit(Op::Dup);
                            self.emit(Op::Rot3);
                            self.emit(Op::Compare(*op));
                            cleanups.push(self.emit(Op::JumpIfFalseOrPop(0)));
                        } else {
                            self.emit(Op::Compare(*op));
                        }
                    }
                    let end = self.emit(Op::Jump(0));
                    for c in cleanups {
                        self.patch_here(c);
                    }
                    self.emit(Op::Rot2);
                    self.emit(Op::Pop);
                    self.patch_here(end);
                }
            }
            ExprKind::IfExp { test, body, orelse } => {
                self.expr(test)?;
                let j = self.emit(Op::PopJumpIfFalse(0));
                self.expr(body)?;
                let end = self.emit(Op::Jump(0));
                self.patch_here(j);
                self.expr(orelse)?;
                self.patch_here(end);
            }
            ExprKind::Lambda { params, body } => {
                let line = self.line_of(e.span.start);
                let code = self.lambda_code(key_of(&**body), params, body, line)?;
                self.make_function(code, Some(params))?;
            }
            ExprKind::Call { func, args } => self.call(func, args)?,
            ExprKind::Attribute(v, name) => {
                self.expr(v)?;
                let i = self.name_index(name);
                self.emit(Op::LoadAttr(i));
            }
            ExprKind::Subscript(v, idx) => {
                self.expr(v)?;
                self.expr(idx)?;
                self.emit(Op::BinarySubscr);
            }
            ExprKind::Slice { lower, upper, step } => {
                for part in [lower, upper] {
                    match part {
                        Some(x) => self.expr(x)?,
                        None => {
                            self.emit(Op::LoadNone);
                        }
                    }
                }
                match step {
                    Some(s) => {
                        self.expr(s)?;
                        self.emit(Op::BuildSlice(3));
                    }
                    None => {
                        self.emit(Op::BuildSlice(2));
                    }
                }
            }
            ExprKind::ListComp(elt, gens) => self.comprehension(e, gens, CompKind::List(elt))?,
            ExprKind::SetComp(elt, gens) => self.comprehension(e, gens, CompKind::Set(elt))?,
            ExprKind::DictComp(k, v, gens) => self.comprehension(e, gens, CompKind::Dict(k, v))?,
            ExprKind::GenExp(elt, gens) => self.comprehension(e, gens, CompKind::Gen(elt))?,
            ExprKind::Yield(v) => {
                match v {
                    Some(v) => self.expr(v)?,
                    None => {
                        self.emit(Op::LoadNone);
                    }
                }
                self.emit(Op::YieldValue);
            }
            ExprKind::YieldFrom(v) => {
                self.expr(v)?;
                self.emit(Op::GetYieldFromIter);
                self.emit(Op::LoadNone);
                self.emit(Op::YieldFrom);
            }
            ExprKind::NamedExpr(n, v) => {
                self.expr(v)?;
                self.emit(Op::Dup);
                self.store_name(n);
            }
            ExprKind::Await(_) => return err("'await' outside async function", e.span.start),
        }
        Ok(())
    }

    /// Builds a list from items some of which are starred.
    fn starred_list(&mut self, items: &[Expr]) -> CResult<()> {
        let mut pending = 0;
        let mut started = false;
        for i in items {
            match &i.kind {
                ExprKind::Starred(inner) => {
                    if !started {
                        self.emit(Op::BuildList(pending));
                        started = true;
                    } else if pending > 0 {
                        return err("internal: starred list order", i.span.start);
                    }
                    pending = 0;
                    self.expr(inner)?;
                    self.emit(Op::ListExtend(1));
                }
                _ => {
                    self.expr(i)?;
                    if started {
                        self.emit(Op::ListAppend(1));
                    } else {
                        pending += 1;
                    }
                }
            }
        }
        if !started {
            self.emit(Op::BuildList(pending));
        }
        Ok(())
    }

    fn call(&mut self, func: &Expr, args: &[Arg]) -> CResult<()> {
        let simple = args.iter().all(|a| matches!(a, Arg::Pos(_)));
        if simple {
            if let ExprKind::Attribute(obj, name) = &func.kind {
                self.expr(obj)?;
                let i = self.name_index(name);
                self.emit(Op::LoadMethod(i));
                for a in args {
                    if let Arg::Pos(x) = a {
                        self.expr(x)?;
                    }
                }
                self.set_line(func.span.start);
                self.emit(Op::CallMethod(args.len() as u32));
                return Ok(());
            }
        }
        self.expr(func)?;
        self.call_args(args, 0)
    }

    /// Emits the arguments and the call instruction; `extra` positional args are already pushed.
    pub(super) fn call_args(&mut self, args: &[Arg], extra: u32) -> CResult<()> {
        let has_star = args
            .iter()
            .any(|a| matches!(a, Arg::Star(_) | Arg::DoubleStar(_)));
        if !has_star {
            let mut n = extra;
            let mut kwnames: Vec<Const> = vec![];
            for a in args {
                match a {
                    Arg::Pos(x) => {
                        if !kwnames.is_empty() {
                            return err(
                                "positional argument follows keyword argument",
                                x.span.start,
                            );
                        }
                        self.expr(x)?;
                        n += 1;
                    }
                    Arg::Kw(name, x) => {
                        if kwnames
                            .iter()
                            .any(|k| matches!(k, Const::Str(s) if s == name))
                        {
                            return err(format!("keyword argument repeated: {name}"), x.span.start);
                        }
                        self.expr(x)?;
                        kwnames.push(Const::Str(name.clone()));
                        n += 1;
                    }
                    _ => unreachable!(),
                }
            }
            if kwnames.is_empty() {
                self.emit(Op::Call(n));
            } else {
                let k = self.add_const(Const::Tuple(Rc::from(kwnames)));
                self.emit(Op::LoadConst(k));
                self.emit(Op::CallKw(n));
            }
            return Ok(());
        }
        // general case: a positional tuple and a keyword dict
        self.emit(Op::BuildList(extra));
        let mut seen_kw = false;
        for a in args {
            match a {
                Arg::Pos(x) => {
                    if seen_kw {
                        return err("positional argument follows keyword argument", x.span.start);
                    }
                    self.expr(x)?;
                    self.emit(Op::ListAppend(1));
                }
                Arg::Star(x) => {
                    if seen_kw && args.iter().any(|a| matches!(a, Arg::DoubleStar(_))) {
                        // allowed: f(**k, *a) is an error in Python, f(k=1, *a) is fine
                    }
                    self.expr(x)?;
                    self.emit(Op::ListExtend(1));
                }
                Arg::Kw(..) | Arg::DoubleStar(_) => seen_kw = true,
            }
        }
        self.emit(Op::ListToTuple);
        let kws: Vec<&Arg> = args
            .iter()
            .filter(|a| matches!(a, Arg::Kw(..) | Arg::DoubleStar(_)))
            .collect();
        if kws.is_empty() {
            self.emit(Op::CallEx(0));
            return Ok(());
        }
        self.emit(Op::BuildMap(0));
        for a in kws {
            match a {
                Arg::Kw(name, x) => {
                    let k = self.add_const(Const::Str(name.clone()));
                    self.emit(Op::LoadConst(k));
                    self.expr(x)?;
                    self.emit(Op::BuildMap(1));
                    self.emit(Op::DictMerge(1));
                }
                Arg::DoubleStar(x) => {
                    self.expr(x)?;
                    self.emit(Op::DictMerge(1));
                }
                _ => unreachable!(),
            }
        }
        self.emit(Op::CallEx(1));
        Ok(())
    }

    fn fstring(&mut self, parts: &[FPart]) -> CResult<()> {
        let mut n = 0;
        for p in parts {
            match p {
                FPart::Lit(s) => {
                    let k = self.add_const(Const::Str(Rc::from(s.as_str())));
                    self.emit(Op::LoadConst(k));
                }
                FPart::Field {
                    expr,
                    debug_text,
                    conversion,
                    spec,
                } => {
                    if let Some(t) = debug_text {
                        let k = self.add_const(Const::Str(Rc::from(t.as_str())));
                        self.emit(Op::LoadConst(k));
                        n += 1;
                    }
                    self.expr(expr)?;
                    let mut flags = match conversion {
                        Some('s') => 1,
                        Some('r') => 2,
                        Some('a') => 3,
                        _ => 0,
                    };
                    if !spec.is_empty() {
                        self.fstring(spec)?;
                        flags |= 4;
                    }
                    self.emit(Op::FormatValue(flags));
                }
            }
            n += 1;
        }
        if n == 0 {
            let k = self.add_const(Const::Str(Rc::from("")));
            self.emit(Op::LoadConst(k));
        } else if n > 1 {
            self.emit(Op::BuildString(n));
        } else if let [FPart::Lit(_)] = parts {
        } else {
            // a single field still has to become a str
            self.emit(Op::BuildString(1));
        }
        Ok(())
    }

    fn comprehension(&mut self, e: &Expr, gens: &[Comprehension], kind: CompKind) -> CResult<()> {
        let key = key_of(e);
        let scope = *self.table.by_node.get(&key).expect("comprehension scope");
        let name: Rc<str> = Rc::from(match kind {
            CompKind::List(_) => "<listcomp>",
            CompKind::Set(_) => "<setcomp>",
            CompKind::Dict(..) => "<dictcomp>",
            CompKind::Gen(_) => "<genexpr>",
        });
        let qual = self.qualname_for(&name);
        let line = self.line_of(e.span.start);
        self.push_unit(scope, name, qual, line);
        self.unit().line = line;
        let dot: Rc<str> = Rc::from(".0");
        self.var_index(&dot);
        self.unit().code.argcount = 1;
        let is_gen = matches!(kind, CompKind::Gen(_));
        if is_gen || self.table.scopes[scope].is_generator {
            self.unit().code.flags |= CO_GENERATOR;
        }
        match kind {
            CompKind::List(_) => {
                self.emit(Op::BuildList(0));
            }
            CompKind::Set(_) => {
                self.emit(Op::BuildSet(0));
            }
            CompKind::Dict(..) => {
                self.emit(Op::BuildMap(0));
            }
            CompKind::Gen(_) => {}
        }
        self.comp_loop(gens, 0, &kind)?;
        if is_gen {
            self.emit(Op::LoadNone);
        }
        self.emit(Op::Return);
        let code = self.pop_unit();
        self.make_function(code, None)?;
        self.expr(&gens[0].iter)?;
        self.emit(Op::GetIter);
        self.emit(Op::Call(1));
        Ok(())
    }

    fn comp_loop(&mut self, gens: &[Comprehension], i: usize, kind: &CompKind) -> CResult<()> {
        let g = &gens[i];
        if i == 0 {
            self.emit(Op::LoadFast(0));
        } else {
            self.expr(&g.iter)?;
            self.emit(Op::GetIter);
        }
        let top = self.here();
        let fi = self.emit(Op::ForIter(0));
        self.store(&g.target)?;
        let mut skips = vec![];
        for c in &g.ifs {
            self.expr(c)?;
            skips.push(self.emit(Op::PopJumpIfFalse(0)));
        }
        if i + 1 < gens.len() {
            self.comp_loop(gens, i + 1, kind)?;
        } else {
            // the accumulator sits below one iterator per loop level
            let depth = (gens.len() + 1) as u32;
            match kind {
                CompKind::List(elt) => {
                    self.expr(elt)?;
                    self.emit(Op::ListAppend(depth));
                }
                CompKind::Set(elt) => {
                    self.expr(elt)?;
                    self.emit(Op::SetAdd(depth));
                }
                CompKind::Dict(k, v) => {
                    self.expr(k)?;
                    self.expr(v)?;
                    self.emit(Op::MapAdd(depth));
                }
                CompKind::Gen(elt) => {
                    self.expr(elt)?;
                    self.emit(Op::YieldValue);
                    self.emit(Op::Pop);
                }
            }
        }
        for s in skips {
            self.patch(s, top);
        }
        self.emit(Op::Jump(top as u32));
        self.patch_here(fi);
        Ok(())
    }
}

enum CompKind<'e> {
    List(&'e Expr),
    Set(&'e Expr),
    Dict(&'e Expr, &'e Expr),
    Gen(&'e Expr),
}

fn const_of(e: &Expr) -> Option<Const> {
    Some(match &e.kind {
        ExprKind::Const(c) => match c {
            Constant::None => Const::None,
            Constant::True => Const::Bool(true),
            Constant::False => Const::Bool(false),
            Constant::Ellipsis => Const::Ellipsis,
            Constant::Int(v) => Const::Int(*v),
            Constant::BigInt(b) => Const::BigInt(b.clone()),
            Constant::Float(f) => Const::Float(*f),
            Constant::Imag(f) => Const::Complex(0.0, *f),
            Constant::Str(s) => Const::Str(s.clone()),
            Constant::Bytes(b) => Const::Bytes(b.clone()),
        },
        ExprKind::Tuple(items) => const_tuple(items)?,
        _ => return None,
    })
}

fn const_tuple(items: &[Expr]) -> Option<Const> {
    let v: Option<Vec<Const>> = items.iter().map(const_of).collect();
    v.map(|v| Const::Tuple(Rc::from(v)))
}

/// Folds arithmetic on small integer and float literals (`2**10`, `-1 * 3`, `1.5 * 2`).
fn fold_binop(a: &Expr, op: BinOp, b: &Expr) -> Option<Constant> {
    let (ExprKind::Const(x), ExprKind::Const(y)) = (&a.kind, &b.kind) else {
        return None;
    };
    match (x, y) {
        (Constant::Int(x), Constant::Int(y)) => {
            let (x, y) = (*x, *y);
            let r = match op {
                BinOp::Add => x.checked_add(y)?,
                BinOp::Sub => x.checked_sub(y)?,
                BinOp::Mul => x.checked_mul(y)?,
                BinOp::Pow if (0..64).contains(&y) => x.checked_pow(y as u32)?,
                BinOp::LShift if (0..32).contains(&y) && x.abs() < (1 << 30) => x << y,
                _ => return None,
            };
            Some(Constant::Int(r))
        }
        (Constant::Float(x), Constant::Float(y)) => {
            let r = match op {
                BinOp::Add => x + y,
                BinOp::Sub => x - y,
                BinOp::Mul => x * y,
                _ => return None,
            };
            Some(Constant::Float(r))
        }
        _ => None,
    }
}
