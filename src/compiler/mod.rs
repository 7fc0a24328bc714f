//! The compiler: turns a parsed module into code objects, one per function, class body and
//! comprehension, with every name resolved to a slot, a cell, a global or a namespace lookup.

pub mod code;
mod expr;
mod fuse;
pub mod scope;
mod stmt;

use crate::parser::ast::*;
use code::*;
use scope::{Kind, Resolved, ScopeTable, node_key};
use std::collections::HashMap;
use std::rc::Rc;

#[derive(Debug, Clone)]
pub struct CompileError {
    pub msg: String,
    pub pos: usize,
}

/// What `break`, `continue` and `return` must undo on their way out.
#[derive(Clone)]
enum FBlock<'a> {
    Loop {
        is_for: bool,
        continue_target: usize,
        breaks: Vec<usize>,
    },
    /// Body of a `try` with handlers: a runtime block is active.
    Try,
    /// Body of a `try` with a `finally`: a runtime block is active and the body must run.
    Finally(&'a [Stmt]),
    /// Inside an `except` handler or the exceptional copy of a `finally` body.
    Handler,
    /// Body of a `with`: a runtime block and the `__exit__` on the stack.
    With,
}

struct Unit<'a> {
    scope: usize,
    code: Code,
    names: HashMap<Rc<str>, u32>,
    varnames: HashMap<Rc<str>, u32>,
    fblocks: Vec<FBlock<'a>>,
    line: u32,
    qualname: Rc<str>,
}

pub struct Compiler<'a> {
    table: ScopeTable,
    filename: Rc<str>,
    line_starts: Vec<usize>,
    units: Vec<Unit<'a>>,
    interactive: bool,
}

pub type CResult<T> = Result<T, CompileError>;

fn err<T>(msg: impl Into<String>, pos: u32) -> CResult<T> {
    Err(CompileError {
        msg: msg.into(),
        pos: pos as usize,
    })
}

/// Compiles a module body. `interactive` makes expression statements print their value.
pub fn compile_module(
    body: &[Stmt],
    src: &str,
    filename: &str,
    interactive: bool,
) -> CResult<Rc<Code>> {
    let table = scope::analyze(body, Kind::Module).map_err(|e| CompileError {
        msg: e.msg,
        pos: e.pos,
    })?;
    let mut line_starts = vec![0];
    for (i, b) in src.bytes().enumerate() {
        if b == b'\n' {
            line_starts.push(i + 1);
        }
    }
    let mut c = Compiler {
        table,
        filename: Rc::from(filename),
        line_starts,
        units: vec![],
        interactive,
    };
    c.push_unit(0, Rc::from("<module>"), Rc::from("<module>"), 1);
    c.unit().code.flags |= CO_NAMESPACE;
    if has_annotations(body) {
        c.emit(Op::SetupAnnotations);
    }
    if let Some(doc) = docstring(body) {
        let k = c.add_const(Const::Str(doc));
        c.emit(Op::LoadConst(k));
        let n = c.name_index(&Rc::from("__doc__"));
        c.emit(Op::StoreGlobal(n));
    }
    c.stmts(body)?;
    c.emit(Op::LoadNone);
    c.emit(Op::Return);
    Ok(Rc::new(c.pop_unit()))
}

fn docstring(body: &[Stmt]) -> Option<Rc<str>> {
    match body.first().map(|s| &s.kind) {
        Some(StmtKind::Expr(Expr {
            kind: ExprKind::Const(Constant::Str(s)),
            ..
        })) => Some(s.clone()),
        _ => None,
    }
}

fn has_annotations(body: &[Stmt]) -> bool {
    body.iter().any(|s| match &s.kind {
        StmtKind::AnnAssign { .. } => true,
        StmtKind::If { body, orelse, .. }
        | StmtKind::While { body, orelse, .. }
        | StmtKind::For { body, orelse, .. } => has_annotations(body) || has_annotations(orelse),
        StmtKind::Try {
            body,
            handlers,
            orelse,
            finalbody,
        } => {
            has_annotations(body)
                || has_annotations(orelse)
                || has_annotations(finalbody)
                || handlers.iter().any(|h| has_annotations(&h.body))
        }
        StmtKind::With { body, .. } => has_annotations(body),
        _ => false,
    })
}

impl<'a> Compiler<'a> {
    fn unit(&mut self) -> &mut Unit<'a> {
        self.units.last_mut().unwrap()
    }

    fn scope(&self) -> &scope::Scope {
        &self.table.scopes[self.units.last().unwrap().scope]
    }

    fn push_unit(&mut self, scope: usize, name: Rc<str>, qualname: Rc<str>, line: u32) {
        let s = &self.table.scopes[scope];
        let code = Code {
            name,
            qualname: qualname.clone(),
            filename: self.filename.clone(),
            first_line: line,
            cellvars: s.cellvars.clone(),
            freevars: s.freevars.clone(),
            ..Default::default()
        };
        self.units.push(Unit {
            scope,
            code,
            names: HashMap::new(),
            varnames: HashMap::new(),
            fblocks: vec![],
            line,
            qualname,
        });
    }

    fn pop_unit(&mut self) -> Code {
        let mut u = self.units.pop().unwrap();
        u.code.nlocals = u.code.varnames.len() as u32;
        // parameters captured by inner functions start life in a cell
        let mut cell_args = Vec::new();
        for (ci, name) in u.code.cellvars.iter().enumerate() {
            if let Some(&slot) = u.varnames.get(name) {
                if (slot as usize)
                    < (u.code.argcount + u.code.kwonly) as usize
                        + (u.code.flags & (CO_VARARGS | CO_VARKEYWORDS)).count_ones() as usize
                {
                    cell_args.push((ci as u32, slot));
                }
            }
        }
        u.code.cell_args = cell_args;
        fuse::fuse(&mut u.code.ops);
        u.code
    }

    fn line_of(&self, pos: u32) -> u32 {
        match self.line_starts.binary_search(&(pos as usize)) {
            Ok(i) => i as u32 + 1,
            Err(i) => i as u32,
        }
    }

    fn set_line(&mut self, pos: u32) {
        let l = self.line_of(pos);
        self.unit().line = l;
    }

    fn emit(&mut self, op: Op) -> usize {
        let u = self.unit();
        u.code.ops.push(op);
        u.code.lines.push(u.line);
        u.code.ops.len() - 1
    }

    fn here(&mut self) -> usize {
        self.unit().code.ops.len()
    }

    /// Points the jump at `at` to `target`.
    fn patch(&mut self, at: usize, target: usize) {
        let t = target as u32;
        let op = &mut self.unit().code.ops[at];
        *op = match *op {
            Op::Jump(_) => Op::Jump(t),
            Op::PopJumpIfFalse(_) => Op::PopJumpIfFalse(t),
            Op::PopJumpIfTrue(_) => Op::PopJumpIfTrue(t),
            Op::JumpIfFalseOrPop(_) => Op::JumpIfFalseOrPop(t),
            Op::JumpIfTrueOrPop(_) => Op::JumpIfTrueOrPop(t),
            Op::ForIter(_) => Op::ForIter(t),
            Op::SetupExcept(_) => Op::SetupExcept(t),
            other => panic!("patching a non-jump {other:?}"),
        };
    }

    fn patch_here(&mut self, at: usize) {
        let h = self.here();
        self.patch(at, h);
    }

    fn add_const(&mut self, c: Const) -> u32 {
        let consts = &mut self.unit().code.consts;
        // share identical simple constants
        for (i, k) in consts.iter().enumerate() {
            let same = match (k, &c) {
                (Const::Str(a), Const::Str(b)) => a == b,
                (Const::Int(a), Const::Int(b)) => a == b,
                (Const::Float(a), Const::Float(b)) => a.to_bits() == b.to_bits(),
                _ => false,
            };
            if same {
                return i as u32;
            }
        }
        consts.push(c);
        (consts.len() - 1) as u32
    }

    fn name_index(&mut self, n: &Rc<str>) -> u32 {
        let u = self.unit();
        if let Some(&i) = u.names.get(n) {
            return i;
        }
        let i = u.code.names.len() as u32;
        u.code.names.push(n.clone());
        u.names.insert(n.clone(), i);
        i
    }

    fn var_index(&mut self, n: &Rc<str>) -> u32 {
        let u = self.unit();
        if let Some(&i) = u.varnames.get(n) {
            return i;
        }
        let i = u.code.varnames.len() as u32;
        u.code.varnames.push(n.clone());
        u.varnames.insert(n.clone(), i);
        i
    }

    fn cell_index(&mut self, n: &str) -> u32 {
        let code = &self.units.last().unwrap().code;
        if let Some(i) = code.cellvars.iter().position(|c| &**c == n) {
            return i as u32;
        }
        let i = code
            .freevars
            .iter()
            .position(|c| &**c == n)
            .expect("free variable not recorded");
        (code.cellvars.len() + i) as u32
    }

    fn load_name(&mut self, n: &Rc<str>) {
        let kind = self.scope().kind;
        let r = self.scope().lookup(n);
        match (kind, r) {
            (_, Resolved::GlobalExplicit) => {
                let i = self.name_index(n);
                self.emit(Op::LoadGlobal(i));
            }
            (Kind::Module, _) => {
                let i = self.name_index(n);
                self.emit(Op::LoadGlobal(i));
            }
            (Kind::Class, Resolved::Free) => {
                let i = self.name_index(n);
                let c = self.cell_index(n);
                self.emit(Op::LoadClassDeref(i, c));
            }
            (Kind::Class, _) => {
                let i = self.name_index(n);
                self.emit(Op::LoadName(i));
            }
            (_, Resolved::Local) => {
                let i = self.var_index(n);
                self.emit(Op::LoadFast(i));
            }
            (_, Resolved::Cell) | (_, Resolved::Free) => {
                let c = self.cell_index(n);
                self.emit(Op::LoadDeref(c));
            }
            (_, Resolved::GlobalImplicit) => {
                let i = self.name_index(n);
                self.emit(Op::LoadGlobal(i));
            }
        }
    }

    fn store_name(&mut self, n: &Rc<str>) {
        let kind = self.scope().kind;
        let r = self.scope().lookup(n);
        match (kind, r) {
            (_, Resolved::GlobalExplicit) | (Kind::Module, _) => {
                let i = self.name_index(n);
                self.emit(Op::StoreGlobal(i));
            }
            (Kind::Class, Resolved::Free) if self.scope().nonlocals.contains(n) => {
                let c = self.cell_index(n);
                self.emit(Op::StoreDeref(c));
            }
            (Kind::Class, _) => {
                let i = self.name_index(n);
                self.emit(Op::StoreName(i));
            }
            (_, Resolved::Local) => {
                let i = self.var_index(n);
                self.emit(Op::StoreFast(i));
            }
            (_, Resolved::Cell) | (_, Resolved::Free) => {
                let c = self.cell_index(n);
                self.emit(Op::StoreDeref(c));
            }
            (_, Resolved::GlobalImplicit) => {
                let i = self.name_index(n);
                self.emit(Op::StoreGlobal(i));
            }
        }
    }

    fn delete_name(&mut self, n: &Rc<str>) {
        let kind = self.scope().kind;
        let r = self.scope().lookup(n);
        match (kind, r) {
            (_, Resolved::GlobalExplicit) | (Kind::Module, _) => {
                let i = self.name_index(n);
                self.emit(Op::DeleteGlobal(i));
            }
            (Kind::Class, _) => {
                let i = self.name_index(n);
                self.emit(Op::DeleteName(i));
            }
            (_, Resolved::Local) => {
                let i = self.var_index(n);
                self.emit(Op::DeleteFast(i));
            }
            (_, Resolved::Cell) | (_, Resolved::Free) => {
                let c = self.cell_index(n);
                self.emit(Op::DeleteDeref(c));
            }
            (_, Resolved::GlobalImplicit) => {
                let i = self.name_index(n);
                self.emit(Op::DeleteGlobal(i));
            }
        }
    }

    fn qualname_for(&self, name: &str) -> Rc<str> {
        let u = self.units.last().unwrap();
        let s = &self.table.scopes[u.scope];
        match s.kind {
            Kind::Module => Rc::from(name),
            Kind::Class => Rc::from(format!("{}.{}", u.qualname, name).as_str()),
            _ => Rc::from(format!("{}.<locals>.{}", u.qualname, name).as_str()),
        }
    }

    /// Emits a function object for a child scope whose code is `code`: defaults, closure, MakeFunction.
    fn make_function(&mut self, code: Code, params: Option<&Params>) -> CResult<()> {
        let mut flags = 0;
        if let Some(p) = params {
            let defaults: Vec<&Expr> = p.args.iter().filter_map(|a| a.default.as_ref()).collect();
            if !defaults.is_empty() {
                for d in &defaults {
                    self.expr(d)?;
                }
                self.emit(Op::BuildTuple(defaults.len() as u32));
                flags |= 1;
            }
            let kwd: Vec<&Param> = p.kwonly.iter().filter(|a| a.default.is_some()).collect();
            if !kwd.is_empty() {
                for a in &kwd {
                    let k = self.add_const(Const::Str(a.name.clone()));
                    self.emit(Op::LoadConst(k));
                    self.expr(a.default.as_ref().unwrap())?;
                }
                self.emit(Op::BuildMap(kwd.len() as u32));
                flags |= 2;
            }
        }
        if !code.freevars.is_empty() {
            for fv in code.freevars.clone() {
                let c = self.cell_index(&fv);
                self.emit(Op::LoadClosure(c));
            }
            self.emit(Op::BuildTuple(code.freevars.len() as u32));
            flags |= 8;
        }
        let qual = code.qualname.clone();
        let k = self.add_const(Const::Code(Rc::new(code)));
        self.emit(Op::LoadConst(k));
        let q = self.add_const(Const::Str(qual));
        self.emit(Op::LoadConst(q));
        self.emit(Op::MakeFunction(flags));
        Ok(())
    }

    fn setup_params(&mut self, p: &Params) {
        for a in &p.args {
            self.var_index(&a.name);
        }
        for a in &p.kwonly {
            self.var_index(&a.name);
        }
        if let Some(v) = &p.vararg {
            self.var_index(&v.name);
            self.unit().code.flags |= CO_VARARGS;
        }
        if let Some(k) = &p.kwarg {
            self.var_index(&k.name);
            self.unit().code.flags |= CO_VARKEYWORDS;
        }
        let u = self.unit();
        u.code.argcount = p.args.len() as u32;
        u.code.posonly = p.posonly as u32;
        u.code.kwonly = p.kwonly.len() as u32;
    }

    /// Compiles a function body into a code object (not yet emitted into the parent).
    fn function_code(
        &mut self,
        key: usize,
        name: &Rc<str>,
        p: &Params,
        body: &'a [Stmt],
        line: u32,
    ) -> CResult<Code> {
        let scope = *self.table.by_node.get(&key).expect("scope of function");
        let qual = self.qualname_for(name);
        self.push_unit(scope, name.clone(), qual, line);
        self.setup_params(p);
        if self.table.scopes[scope].is_generator {
            self.unit().code.flags |= CO_GENERATOR;
        }
        if let Some(doc) = docstring(body) {
            self.unit().code.docstring = Some(doc);
        }
        self.stmts(body)?;
        self.emit(Op::LoadNone);
        self.emit(Op::Return);
        Ok(self.pop_unit())
    }

    fn lambda_code(&mut self, key: usize, p: &Params, body: &Expr, line: u32) -> CResult<Code> {
        let scope = *self.table.by_node.get(&key).expect("scope of lambda");
        let name: Rc<str> = Rc::from("<lambda>");
        let qual = self.qualname_for(&name);
        self.push_unit(scope, name, qual, line);
        self.setup_params(p);
        if self.table.scopes[scope].is_generator {
            self.unit().code.flags |= CO_GENERATOR;
        }
        self.expr(body)?;
        self.emit(Op::Return);
        Ok(self.pop_unit())
    }

    fn class_code(&mut self, key: usize, c: &'a ClassDef, line: u32) -> CResult<Code> {
        let scope = *self.table.by_node.get(&key).expect("scope of class");
        let qual = self.qualname_for(&c.name);
        self.push_unit(scope, c.name.clone(), qual.clone(), line);
        self.unit().code.flags |= CO_NAMESPACE;
        let n = self.name_index(&Rc::from("__name__"));
        self.emit(Op::LoadGlobal(n));
        let m = self.name_index(&Rc::from("__module__"));
        self.emit(Op::StoreName(m));
        let q = self.add_const(Const::Str(qual));
        self.emit(Op::LoadConst(q));
        let qn = self.name_index(&Rc::from("__qualname__"));
        self.emit(Op::StoreName(qn));
        if has_annotations(&c.body) {
            self.emit(Op::SetupAnnotations);
        }
        if let Some(doc) = docstring(&c.body) {
            let k = self.add_const(Const::Str(doc));
            self.emit(Op::LoadConst(k));
            let d = self.name_index(&Rc::from("__doc__"));
            self.emit(Op::StoreName(d));
        }
        self.stmts(&c.body)?;
        if self.scope().needs_class_cell {
            let ci = self.cell_index("__class__");
            self.emit(Op::LoadClosure(ci));
            let cc = self.name_index(&Rc::from("__classcell__"));
            self.emit(Op::StoreName(cc));
        }
        self.emit(Op::LoadNone);
        self.emit(Op::Return);
        Ok(self.pop_unit())
    }
}

pub(crate) fn key_of<T>(n: &T) -> usize {
    node_key(n)
}
