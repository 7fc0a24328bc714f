//! Statement compilation: assignment, control flow, exception blocks, `with`, definitions, imports.

use super::code::*;
use super::scope::Kind;
use super::{CResult, Compiler, FBlock, err, key_of};
use crate::parser::ast::*;
use std::rc::Rc;

impl<'a> Compiler<'a> {
    pub(super) fn stmts(&mut self, body: &'a [Stmt]) -> CResult<()> {
        for s in body {
            self.stmt(s)?;
        }
        Ok(())
    }

    fn stmt(&mut self, s: &'a Stmt) -> CResult<()> {
        self.set_line(s.span.start);
        match &s.kind {
            StmtKind::Expr(e) => {
                if self.interactive && self.units.len() == 1 {
                    self.expr(e)?;
                    self.emit(Op::PrintExpr);
                } else if matches!(e.kind, ExprKind::Const(_)) {
                    // docstrings and bare constants compile to nothing
                } else {
                    self.expr(e)?;
                    self.emit(Op::Pop);
                }
            }
            StmtKind::Assign { targets, value } => {
                self.expr(value)?;
                for (i, t) in targets.iter().enumerate() {
                    if i + 1 < targets.len() {
                        self.emit(Op::Dup);
                    }
                    self.store(t)?;
                }
            }
            StmtKind::AugAssign { target, op, value } => self.aug_assign(target, *op, value)?,
            StmtKind::AnnAssign {
                target,
                annotation,
                value,
            } => {
                if let Some(v) = value {
                    self.expr(v)?;
                    self.store(target)?;
                }
                let kind = self.scope().kind;
                if let ExprKind::Name(n) = &target.kind {
                    if matches!(kind, Kind::Module | Kind::Class) {
                        self.expr(annotation)?;
                        let i = self.name_index(n);
                        self.emit(Op::StoreAnnotation(i));
                    }
                }
            }
            StmtKind::Pass => {}
            StmtKind::Break => self.break_continue(true, s.span.start)?,
            StmtKind::Continue => self.break_continue(false, s.span.start)?,
            StmtKind::Return(v) => {
                if matches!(self.scope().kind, Kind::Module | Kind::Class) {
                    return err("'return' outside function", s.span.start);
                }
                match v {
                    Some(v) => {
                        if self.unit().code.is_generator() {
                            // fine: a generator's return value travels in StopIteration
                        }
                        self.expr(v)?
                    }
                    None => {
                        self.emit(Op::LoadNone);
                    }
                }
                self.unwind_all(true)?;
                self.emit(Op::Return);
            }
            StmtKind::Raise { exc, cause } => match (exc, cause) {
                (None, _) => {
                    self.emit(Op::Raise(0));
                }
                (Some(e), None) => {
                    self.expr(e)?;
                    self.emit(Op::Raise(1));
                }
                (Some(e), Some(c)) => {
                    self.expr(e)?;
                    self.expr(c)?;
                    self.emit(Op::Raise(2));
                }
            },
            StmtKind::Global(_) | StmtKind::Nonlocal(_) => {}
            StmtKind::Del(targets) => {
                for t in targets {
                    self.delete(t)?;
                }
            }
            StmtKind::Assert { test, msg } => {
                self.expr(test)?;
                let j = self.emit(Op::PopJumpIfTrue(0));
                self.emit(Op::LoadAssertionError);
                if let Some(m) = msg {
                    self.expr(m)?;
                    self.emit(Op::Call(1));
                }
                self.emit(Op::Raise(1));
                self.patch_here(j);
            }
            StmtKind::Import(aliases) => {
                for a in aliases {
                    let n = self.name_index(&a.name);
                    self.emit(Op::LoadSmallInt(0));
                    self.emit(Op::LoadNone);
                    self.emit(Op::ImportName(n));
                    match &a.asname {
                        Some(asname) => {
                            // `import a.b as c` binds the submodule itself
                            for part in a.name.split('.').skip(1) {
                                let p = self.name_index(&Rc::from(part));
                                self.emit(Op::LoadAttr(p));
                            }
                            self.store_name(asname);
                        }
                        None => {
                            let first: Rc<str> = Rc::from(a.name.split('.').next().unwrap());
                            self.store_name(&first);
                        }
                    }
                }
            }
            StmtKind::ImportFrom {
                module,
                level,
                names,
            } => {
                let n = self.name_index(module);
                self.emit(Op::LoadSmallInt(*level as i32));
                let fromlist: Vec<Const> =
                    names.iter().map(|a| Const::Str(a.name.clone())).collect();
                let k = self.add_const(Const::Tuple(Rc::from(fromlist)));
                self.emit(Op::LoadConst(k));
                self.emit(Op::ImportName(n));
                if names.len() == 1 && &*names[0].name == "*" {
                    self.emit(Op::ImportStar);
                } else {
                    for a in names {
                        let i = self.name_index(&a.name);
                        self.emit(Op::ImportFrom(i));
                        self.store_name(a.asname.as_ref().unwrap_or(&a.name));
                    }
                    self.emit(Op::Pop);
                }
            }
            StmtKind::If { test, body, orelse } => {
                self.expr(test)?;
                let j = self.emit(Op::PopJumpIfFalse(0));
                self.stmts(body)?;
                if orelse.is_empty() {
                    self.patch_here(j);
                } else {
                    let end = self.emit(Op::Jump(0));
                    self.patch_here(j);
                    self.stmts(orelse)?;
                    self.patch_here(end);
                }
            }
            StmtKind::While { test, body, orelse } => {
                let top = self.here();
                self.expr(test)?;
                let exit = self.emit(Op::PopJumpIfFalse(0));
                self.unit().fblocks.push(FBlock::Loop {
                    is_for: false,
                    continue_target: top,
                    breaks: vec![],
                });
                self.stmts(body)?;
                self.emit(Op::Jump(top as u32));
                let Some(FBlock::Loop { breaks, .. }) = self.unit().fblocks.pop() else {
                    unreachable!()
                };
                self.patch_here(exit);
                self.stmts(orelse)?;
                for b in breaks {
                    self.patch_here(b);
                }
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
            } => {
                self.expr(iter)?;
                self.emit(Op::GetIter);
                let top = self.here();
                let fi = self.emit(Op::ForIter(0));
                self.store(target)?;
                self.unit().fblocks.push(FBlock::Loop {
                    is_for: true,
                    continue_target: top,
                    breaks: vec![],
                });
                self.stmts(body)?;
                self.set_line(s.span.start);
                self.emit(Op::Jump(top as u32));
                let Some(FBlock::Loop { breaks, .. }) = self.unit().fblocks.pop() else {
                    unreachable!()
                };
                self.patch_here(fi);
                self.stmts(orelse)?;
                for b in breaks {
                    self.patch_here(b);
                }
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                if finalbody.is_empty() {
                    self.try_except(body, handlers, orelse)?;
                } else {
                    self.try_finally(body, handlers, orelse, finalbody)?;
                }
            }
            StmtKind::With { items, body } => self.with(items, body)?,
            StmtKind::FunctionDef(f) => {
                for d in &f.decorators {
                    self.expr(d)?;
                }
                let line = self.line_of(s.span.start);
                let code = self.function_code(key_of(f), &f.name, &f.params, &f.body, line)?;
                self.make_function(code, Some(&f.params))?;
                for _ in &f.decorators {
                    self.emit(Op::Call(1));
                }
                self.store_name(&f.name);
            }
            StmtKind::ClassDef(c) => {
                for d in &c.decorators {
                    self.expr(d)?;
                }
                self.emit(Op::LoadBuildClass);
                let line = self.line_of(s.span.start);
                let code = self.class_code(key_of(c), c, line)?;
                self.make_function(code, None)?;
                let k = self.add_const(Const::Str(c.name.clone()));
                self.emit(Op::LoadConst(k));
                self.call_args(&c.bases, 2)?;
                for _ in &c.decorators {
                    self.emit(Op::Call(1));
                }
                self.store_name(&c.name);
            }
        }
        Ok(())
    }

    fn aug_assign(&mut self, target: &Expr, op: BinOp, value: &Expr) -> CResult<()> {
        match &target.kind {
            ExprKind::Name(n) => {
                self.load_name(n);
                self.expr(value)?;
                self.emit(Op::Inplace(op));
                self.store_name(n);
            }
            ExprKind::Attribute(obj, name) => {
                self.expr(obj)?;
                self.emit(Op::Dup);
                let i = self.name_index(name);
                self.emit(Op::LoadAttr(i));
                self.expr(value)?;
                self.emit(Op::Inplace(op));
                self.emit(Op::Rot2);
                self.emit(Op::StoreAttr(i));
            }
            ExprKind::Subscript(obj, idx) => {
                self.expr(obj)?;
                self.expr(idx)?;
                self.emit(Op::Dup2);
                self.emit(Op::BinarySubscr);
                self.expr(value)?;
                self.emit(Op::Inplace(op));
                self.emit(Op::Rot3);
                self.emit(Op::StoreSubscr);
            }
            _ => {
                return err(
                    "illegal expression for augmented assignment",
                    target.span.start,
                );
            }
        }
        Ok(())
    }

    /// Stores TOS into `t`.
    pub(super) fn store(&mut self, t: &Expr) -> CResult<()> {
        match &t.kind {
            ExprKind::Name(n) => self.store_name(n),
            ExprKind::Attribute(obj, name) => {
                self.expr(obj)?;
                let i = self.name_index(name);
                self.emit(Op::StoreAttr(i));
            }
            ExprKind::Subscript(obj, idx) => {
                self.expr(obj)?;
                self.expr(idx)?;
                self.emit(Op::StoreSubscr);
            }
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                match items
                    .iter()
                    .position(|e| matches!(e.kind, ExprKind::Starred(_)))
                {
                    Some(star) => {
                        let after = items.len() - star - 1;
                        self.emit(Op::UnpackEx(star as u32, after as u32));
                    }
                    None => {
                        self.emit(Op::UnpackSequence(items.len() as u32));
                    }
                }
                for it in items {
                    let it = match &it.kind {
                        ExprKind::Starred(inner) => inner,
                        _ => it,
                    };
                    self.store(it)?;
                }
            }
            ExprKind::Starred(_) => {
                return err(
                    "starred assignment target must be in a list or tuple",
                    t.span.start,
                );
            }
            _ => return err("cannot assign to expression", t.span.start),
        }
        Ok(())
    }

    fn delete(&mut self, t: &Expr) -> CResult<()> {
        match &t.kind {
            ExprKind::Name(n) => self.delete_name(n),
            ExprKind::Attribute(obj, name) => {
                self.expr(obj)?;
                let i = self.name_index(name);
                self.emit(Op::DeleteAttr(i));
            }
            ExprKind::Subscript(obj, idx) => {
                self.expr(obj)?;
                self.expr(idx)?;
                self.emit(Op::DeleteSubscr);
            }
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                for i in items {
                    self.delete(i)?;
                }
            }
            _ => return err("cannot delete expression", t.span.start),
        }
        Ok(())
    }

    /// Emits what leaving `block` requires. With `keep_tos`, a return value sits on top.
    fn unwind_block(&mut self, block: &FBlock<'a>, keep_tos: bool) -> CResult<()> {
        match block {
            FBlock::Loop { is_for, .. } => {
                if *is_for {
                    if keep_tos {
                        self.emit(Op::Rot2);
                    }
                    self.emit(Op::Pop);
                }
            }
            FBlock::Try => {
                self.emit(Op::PopBlock);
            }
            FBlock::Finally(body) => {
                self.emit(Op::PopBlock);
                self.stmts(body)?;
            }
            FBlock::Handler => {
                self.emit(Op::PopBlock);
                self.emit(Op::PopExcept);
                if keep_tos {
                    self.emit(Op::Rot2);
                }
                self.emit(Op::Pop);
            }
            FBlock::With => {
                self.emit(Op::PopBlock);
                if keep_tos {
                    self.emit(Op::Rot2);
                }
                self.emit(Op::WithExitNormal);
            }
        }
        Ok(())
    }

    fn unwind_all(&mut self, keep_tos: bool) -> CResult<()> {
        let blocks = self.unit().fblocks.clone();
        for (i, b) in blocks.iter().enumerate().rev() {
            // a finally body runs with its own block already gone
            self.unit().fblocks.truncate(i);
            self.unwind_block(b, keep_tos)?;
        }
        self.unit().fblocks = blocks;
        Ok(())
    }

    fn break_continue(&mut self, is_break: bool, pos: u32) -> CResult<()> {
        let blocks = self.unit().fblocks.clone();
        let Some(loop_idx) = blocks
            .iter()
            .rposition(|b| matches!(b, FBlock::Loop { .. }))
        else {
            let what = if is_break {
                "'break' outside loop"
            } else {
                "'continue' not properly in loop"
            };
            return err(what, pos);
        };
        for i in (loop_idx + 1..blocks.len()).rev() {
            self.unit().fblocks.truncate(i);
            self.unwind_block(&blocks[i], false)?;
        }
        self.unit().fblocks = blocks;
        if is_break {
            if let FBlock::Loop { is_for: true, .. } = self.unit().fblocks[loop_idx] {
                self.emit(Op::Pop);
            }
            let j = self.emit(Op::Jump(0));
            if let FBlock::Loop { breaks, .. } = &mut self.unit().fblocks[loop_idx] {
                breaks.push(j);
            }
        } else {
            let FBlock::Loop {
                continue_target, ..
            } = self.unit().fblocks[loop_idx]
            else {
                unreachable!()
            };
            self.emit(Op::Jump(continue_target as u32));
        }
        Ok(())
    }

    fn try_except(
        &mut self,
        body: &'a [Stmt],
        handlers: &'a [ExceptHandler],
        orelse: &'a [Stmt],
    ) -> CResult<()> {
        let setup = self.emit(Op::SetupExcept(0));
        self.unit().fblocks.push(FBlock::Try);
        self.stmts(body)?;
        self.unit().fblocks.pop();
        self.emit(Op::PopBlock);
        self.stmts(orelse)?;
        let mut ends = vec![self.emit(Op::Jump(0))];
        self.patch_here(setup);
        self.emit(Op::PushExcInfo);
        let cleanup = self.emit(Op::SetupExcept(0));
        for (i, h) in handlers.iter().enumerate() {
            self.set_line(h.span.start);
            if h.kind.is_none() && i + 1 < handlers.len() {
                return err("default 'except:' must be last", h.span.start);
            }
            let mut next = None;
            if let Some(k) = &h.kind {
                // CheckExcMatch peeks at the exception below the class and pushes the verdict
                self.expr(k)?;
                self.emit(Op::CheckExcMatch);
                next = Some(self.emit(Op::PopJumpIfFalse(0)));
            }
            if let Some(n) = &h.name {
                self.emit(Op::Dup);
                self.store_name(n);
            }
            self.unit().fblocks.push(FBlock::Handler);
            self.stmts(&h.body)?;
            self.unit().fblocks.pop();
            if let Some(n) = &h.name {
                // `except E as e` unbinds `e` at the end of the handler, as Python does
                self.emit(Op::LoadNone);
                self.store_name(n);
                self.delete_name(n);
            }
            self.emit(Op::PopBlock);
            self.emit(Op::PopExcept);
            self.emit(Op::Pop);
            ends.push(self.emit(Op::Jump(0)));
            if let Some(j) = next {
                self.patch_here(j);
            }
        }
        self.emit(Op::PopBlock);
        self.emit(Op::Reraise);
        self.patch_here(cleanup);
        self.emit(Op::Rot2);
        self.emit(Op::Pop);
        self.emit(Op::Reraise);
        for e in ends {
            self.patch_here(e);
        }
        Ok(())
    }

    fn try_finally(
        &mut self,
        body: &'a [Stmt],
        handlers: &'a [ExceptHandler],
        orelse: &'a [Stmt],
        finalbody: &'a [Stmt],
    ) -> CResult<()> {
        let setup = self.emit(Op::SetupExcept(0));
        self.unit().fblocks.push(FBlock::Finally(finalbody));
        if handlers.is_empty() {
            self.stmts(body)?;
        } else {
            self.try_except(body, handlers, orelse)?;
        }
        self.unit().fblocks.pop();
        self.emit(Op::PopBlock);
        self.stmts(finalbody)?;
        let end = self.emit(Op::Jump(0));
        self.patch_here(setup);
        self.emit(Op::PushExcInfo);
        let cleanup = self.emit(Op::SetupExcept(0));
        self.unit().fblocks.push(FBlock::Handler);
        self.stmts(finalbody)?;
        self.unit().fblocks.pop();
        self.emit(Op::PopBlock);
        self.emit(Op::Reraise);
        self.patch_here(cleanup);
        self.emit(Op::Rot2);
        self.emit(Op::Pop);
        self.emit(Op::Reraise);
        self.patch_here(end);
        Ok(())
    }

    fn with(&mut self, items: &'a [WithItem], body: &'a [Stmt]) -> CResult<()> {
        let Some((first, rest)) = items.split_first() else {
            return Ok(());
        };
        self.expr(&first.context)?;
        self.emit(Op::BeforeWith);
        let setup = self.emit(Op::SetupExcept(0));
        match &first.target {
            Some(t) => self.store(t)?,
            None => {
                self.emit(Op::Pop);
            }
        }
        self.unit().fblocks.push(FBlock::With);
        if rest.is_empty() {
            self.stmts(body)?;
        } else {
            self.with(rest, body)?;
        }
        self.unit().fblocks.pop();
        self.emit(Op::PopBlock);
        self.emit(Op::WithExitNormal);
        let end = self.emit(Op::Jump(0));
        self.patch_here(setup);
        self.emit(Op::PushExcInfo);
        let cleanup = self.emit(Op::SetupExcept(0));
        self.emit(Op::WithExceptStart);
        let suppress = self.emit(Op::PopJumpIfTrue(0));
        self.emit(Op::PopBlock);
        self.emit(Op::Reraise);
        self.patch_here(suppress);
        self.emit(Op::PopBlock);
        self.emit(Op::PopExcept);
        self.emit(Op::Pop);
        self.emit(Op::Pop);
        let end2 = self.emit(Op::Jump(0));
        self.patch_here(cleanup);
        self.emit(Op::Rot2);
        self.emit(Op::Pop);
        self.emit(Op::Reraise);
        self.patch_here(end);
        self.patch_here(end2);
        Ok(())
    }
}
