//! Scope analysis: decides for every name in every scope whether it is local, global, a cell
//! (local captured by an inner function) or free (captured from an enclosing function).

use crate::parser::ast::*;
use std::collections::HashMap;
use std::rc::Rc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Module,
    Class,
    Function,
    /// A comprehension or generator expression: a function scope whose walrus targets bind outside.
    Comprehension,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolved {
    Local,
    GlobalExplicit,
    GlobalImplicit,
    Cell,
    Free,
}

#[derive(Debug)]
pub struct Scope {
    pub kind: Kind,
    pub bound: Vec<Rc<str>>,
    pub used: Vec<Rc<str>>,
    pub globals: Vec<Rc<str>>,
    pub nonlocals: Vec<Rc<str>>,
    pub params: Vec<Rc<str>>,
    pub children: Vec<usize>,
    pub parent: Option<usize>,
    pub resolved: HashMap<Rc<str>, Resolved>,
    pub cellvars: Vec<Rc<str>>,
    pub freevars: Vec<Rc<str>>,
    pub is_generator: bool,
    /// The class body needs a `__class__` cell because a method uses `super` or `__class__`.
    pub needs_class_cell: bool,
    pub uses_super: bool,
}

impl Scope {
    fn new(kind: Kind, parent: Option<usize>) -> Scope {
        Scope {
            kind,
            bound: vec![],
            used: vec![],
            globals: vec![],
            nonlocals: vec![],
            params: vec![],
            children: vec![],
            parent,
            resolved: HashMap::new(),
            cellvars: vec![],
            freevars: vec![],
            is_generator: false,
            needs_class_cell: false,
            uses_super: false,
        }
    }

    pub fn lookup(&self, name: &str) -> Resolved {
        match self.resolved.get(name) {
            Some(r) => *r,
            None => match self.kind {
                Kind::Module | Kind::Class => Resolved::GlobalImplicit,
                _ => Resolved::GlobalImplicit,
            },
        }
    }
}

#[derive(Debug)]
pub struct ScopeError {
    pub msg: String,
    pub pos: usize,
}

/// All scopes of a module, keyed by the address of the AST node that opens them.
pub struct ScopeTable {
    pub scopes: Vec<Scope>,
    pub by_node: HashMap<usize, usize>,
}

pub fn node_key<T>(node: &T) -> usize {
    node as *const T as usize
}

fn add(v: &mut Vec<Rc<str>>, n: &Rc<str>) {
    if !v.iter().any(|x| x == n) {
        v.push(n.clone());
    }
}

struct Builder {
    scopes: Vec<Scope>,
    by_node: HashMap<usize, usize>,
    cur: usize,
    error: Option<ScopeError>,
}

pub fn analyze(module: &[Stmt], kind: Kind) -> Result<ScopeTable, ScopeError> {
    let mut b = Builder {
        scopes: vec![Scope::new(kind, None)],
        by_node: HashMap::new(),
        cur: 0,
        error: None,
    };
    for s in module {
        b.stmt(s);
    }
    if let Some(e) = b.error {
        return Err(e);
    }
    b.resolve(0, &[])?;
    Ok(ScopeTable {
        scopes: b.scopes,
        by_node: b.by_node,
    })
}

impl Builder {
    fn scope(&mut self) -> &mut Scope {
        &mut self.scopes[self.cur]
    }

    fn fail(&mut self, msg: String, pos: u32) {
        if self.error.is_none() {
            self.error = Some(ScopeError {
                msg,
                pos: pos as usize,
            });
        }
    }

    fn bind(&mut self, n: &Rc<str>) {
        add(&mut self.scope().bound, n);
    }

    fn use_name(&mut self, n: &Rc<str>) {
        add(&mut self.scope().used, n);
    }

    fn push(&mut self, kind: Kind, key: usize) -> usize {
        let idx = self.scopes.len();
        self.scopes.push(Scope::new(kind, Some(self.cur)));
        self.scopes[self.cur].children.push(idx);
        self.by_node.insert(key, idx);
        let prev = self.cur;
        self.cur = idx;
        prev
    }

    fn stmts(&mut self, body: &[Stmt]) {
        for s in body {
            self.stmt(s);
        }
    }

    fn params_defaults(&mut self, p: &Params) {
        for a in p.args.iter().chain(p.kwonly.iter()) {
            if let Some(d) = &a.default {
                self.expr(d);
            }
            if let Some(an) = &a.annotation {
                self.expr(an);
            }
        }
        for a in p.vararg.iter().chain(p.kwarg.iter()) {
            if let Some(an) = &a.annotation {
                self.expr(an);
            }
        }
    }

    fn bind_params(&mut self, p: &Params) {
        for a in p
            .args
            .iter()
            .chain(p.vararg.iter())
            .chain(p.kwonly.iter())
            .chain(p.kwarg.iter())
        {
            self.bind(&a.name);
            add(&mut self.scope().params, &a.name);
        }
    }

    fn stmt(&mut self, s: &Stmt) {
        match &s.kind {
            StmtKind::Expr(e) => self.expr(e),
            StmtKind::Assign { targets, value } => {
                for t in targets {
                    self.target(t);
                }
                self.expr(value);
            }
            StmtKind::AugAssign { target, value, .. } => {
                self.target(target);
                if let ExprKind::Name(n) = &target.kind {
                    self.use_name(n);
                }
                self.expr(value);
            }
            StmtKind::AnnAssign {
                target,
                annotation,
                value,
            } => {
                if let Some(v) = value {
                    self.expr(v);
                    self.target(target);
                } else if let ExprKind::Name(n) = &target.kind {
                    if self.scope().kind != Kind::Module && self.scope().kind != Kind::Class {
                        self.bind(n);
                    }
                } else {
                    self.target(target);
                }
                self.expr(annotation);
            }
            StmtKind::Pass | StmtKind::Break | StmtKind::Continue => {}
            StmtKind::Return(e) => {
                if let Some(e) = e {
                    self.expr(e);
                }
            }
            StmtKind::Raise { exc, cause } => {
                if let Some(e) = exc {
                    self.expr(e);
                }
                if let Some(e) = cause {
                    self.expr(e);
                }
            }
            StmtKind::Global(names) => {
                for n in names {
                    if self.scope().params.contains(n) {
                        self.fail(format!("name '{n}' is parameter and global"), s.span.start);
                    } else if self.scope().used.contains(n) || self.scope().bound.contains(n) {
                        let what = if self.scope().bound.contains(n) {
                            "assigned to"
                        } else {
                            "used"
                        };
                        self.fail(
                            format!("name '{n}' is {what} before global declaration"),
                            s.span.start,
                        );
                    }
                    add(&mut self.scope().globals, n);
                }
            }
            StmtKind::Nonlocal(names) => {
                if self.scope().kind == Kind::Module {
                    self.fail(
                        "nonlocal declaration not allowed at module level".into(),
                        s.span.start,
                    );
                }
                for n in names {
                    if self.scope().params.contains(n) {
                        self.fail(
                            format!("name '{n}' is parameter and nonlocal"),
                            s.span.start,
                        );
                    } else if self.scope().used.contains(n) || self.scope().bound.contains(n) {
                        let what = if self.scope().bound.contains(n) {
                            "assigned to"
                        } else {
                            "used"
                        };
                        self.fail(
                            format!("name '{n}' is {what} before nonlocal declaration"),
                            s.span.start,
                        );
                    }
                    add(&mut self.scope().nonlocals, n);
                }
            }
            StmtKind::Del(targets) => {
                for t in targets {
                    self.target(t);
                }
            }
            StmtKind::Assert { test, msg } => {
                self.expr(test);
                if let Some(m) = msg {
                    self.expr(m);
                }
            }
            StmtKind::Import(aliases) => {
                for a in aliases {
                    let name: Rc<str> = match &a.asname {
                        Some(n) => n.clone(),
                        None => Rc::from(a.name.split('.').next().unwrap()),
                    };
                    self.bind(&name);
                }
            }
            StmtKind::ImportFrom { names, .. } => {
                for a in names {
                    if &*a.name == "*" {
                        if self.scope().kind != Kind::Module {
                            self.fail("import * only allowed at module level".into(), s.span.start);
                        }
                        continue;
                    }
                    self.bind(a.asname.as_ref().unwrap_or(&a.name));
                }
            }
            StmtKind::If { test, body, orelse } | StmtKind::While { test, body, orelse } => {
                self.expr(test);
                self.stmts(body);
                self.stmts(orelse);
            }
            StmtKind::For {
                target,
                iter,
                body,
                orelse,
            } => {
                self.expr(iter);
                self.target(target);
                self.stmts(body);
                self.stmts(orelse);
            }
            StmtKind::Try {
                body,
                handlers,
                orelse,
                finalbody,
            } => {
                self.stmts(body);
                for h in handlers {
                    if let Some(k) = &h.kind {
                        self.expr(k);
                    }
                    if let Some(n) = &h.name {
                        self.bind(n);
                    }
                    self.stmts(&h.body);
                }
                self.stmts(orelse);
                self.stmts(finalbody);
            }
            StmtKind::With { items, body } => {
                for it in items {
                    self.expr(&it.context);
                    if let Some(t) = &it.target {
                        self.target(t);
                    }
                }
                self.stmts(body);
            }
            StmtKind::FunctionDef(f) => {
                for d in &f.decorators {
                    self.expr(d);
                }
                self.params_defaults(&f.params);
                if let Some(r) = &f.returns {
                    self.expr(r);
                }
                self.bind(&f.name);
                let prev = self.push(Kind::Function, node_key(f));
                self.bind_params(&f.params);
                self.stmts(&f.body);
                self.cur = prev;
            }
            StmtKind::ClassDef(c) => {
                for d in &c.decorators {
                    self.expr(d);
                }
                for a in &c.bases {
                    match a {
                        Arg::Pos(e) | Arg::Star(e) | Arg::DoubleStar(e) | Arg::Kw(_, e) => {
                            self.expr(e)
                        }
                    }
                }
                self.bind(&c.name);
                let prev = self.push(Kind::Class, node_key(c));
                self.stmts(&c.body);
                self.cur = prev;
            }
        }
    }

    fn target(&mut self, t: &Expr) {
        match &t.kind {
            ExprKind::Name(n) => self.bind(n),
            ExprKind::Tuple(items) | ExprKind::List(items) => {
                for i in items {
                    self.target(i);
                }
            }
            ExprKind::Starred(e) => self.target(e),
            ExprKind::Attribute(v, _) => self.expr(v),
            ExprKind::Subscript(v, i) => {
                self.expr(v);
                self.expr(i);
            }
            _ => self.expr(t),
        }
    }

    fn comprehension(&mut self, key: usize, gens: &[Comprehension], elts: &[&Expr]) {
        // the first iterable is evaluated in the enclosing scope
        self.expr(&gens[0].iter);
        let prev = self.push(Kind::Comprehension, key);
        let dot: Rc<str> = Rc::from(".0");
        self.bind(&dot);
        add(&mut self.scope().params, &dot);
        for (i, g) in gens.iter().enumerate() {
            if i > 0 {
                self.expr(&g.iter);
            }
            self.target(&g.target);
            for c in &g.ifs {
                self.expr(c);
            }
        }
        for e in elts {
            self.expr(e);
        }
        self.cur = prev;
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Const(_) => {}
            ExprKind::FString(parts) => self.fparts(parts),
            ExprKind::Name(n) => {
                self.use_name(n);
                if &**n == "super" || &**n == "__class__" {
                    self.scope().uses_super = true;
                }
            }
            ExprKind::Tuple(v) | ExprKind::List(v) | ExprKind::Set(v) => {
                for x in v {
                    self.expr(x);
                }
            }
            ExprKind::Dict(items) => {
                for it in items {
                    match it {
                        DictItem::Pair(k, v) => {
                            self.expr(k);
                            self.expr(v);
                        }
                        DictItem::Splat(x) => self.expr(x),
                    }
                }
            }
            ExprKind::Starred(x) | ExprKind::Unary(_, x) | ExprKind::Await(x) => self.expr(x),
            ExprKind::BinOp(a, _, b) | ExprKind::And(a, b) | ExprKind::Or(a, b) => {
                self.expr(a);
                self.expr(b);
            }
            ExprKind::Compare(a, rest) => {
                self.expr(a);
                for (_, b) in rest {
                    self.expr(b);
                }
            }
            ExprKind::IfExp { test, body, orelse } => {
                self.expr(test);
                self.expr(body);
                self.expr(orelse);
            }
            ExprKind::Lambda { params, body } => {
                self.params_defaults(params);
                let prev = self.push(Kind::Function, node_key(&**body));
                self.bind_params(params);
                self.expr(body);
                self.cur = prev;
            }
            ExprKind::Call { func, args } => {
                self.expr(func);
                for a in args {
                    match a {
                        Arg::Pos(x) | Arg::Star(x) | Arg::DoubleStar(x) | Arg::Kw(_, x) => {
                            self.expr(x)
                        }
                    }
                }
            }
            ExprKind::Attribute(v, _) => self.expr(v),
            ExprKind::Subscript(v, i) => {
                self.expr(v);
                self.expr(i);
            }
            ExprKind::Slice { lower, upper, step } => {
                for x in [lower, upper, step].into_iter().flatten() {
                    self.expr(x);
                }
            }
            ExprKind::ListComp(elt, gens)
            | ExprKind::SetComp(elt, gens)
            | ExprKind::GenExp(elt, gens) => {
                self.comprehension(node_key(e), gens, &[elt]);
            }
            ExprKind::DictComp(k, v, gens) => self.comprehension(node_key(e), gens, &[k, v]),
            ExprKind::Yield(v) => {
                if matches!(self.scope().kind, Kind::Module | Kind::Class) {
                    self.fail("'yield' outside function".into(), e.span.start);
                }
                if self.scope().kind == Kind::Comprehension {
                    self.fail("'yield' inside list comprehension".into(), e.span.start);
                }
                self.scope().is_generator = true;
                if let Some(v) = v {
                    self.expr(v);
                }
            }
            ExprKind::YieldFrom(v) => {
                if matches!(self.scope().kind, Kind::Module | Kind::Class) {
                    self.fail("'yield' outside function".into(), e.span.start);
                }
                self.scope().is_generator = true;
                self.expr(v);
            }
            ExprKind::NamedExpr(n, v) => {
                self.expr(v);
                // in a comprehension the target binds in the nearest enclosing non-comprehension scope
                let mut s = self.cur;
                while self.scopes[s].kind == Kind::Comprehension {
                    let p = self.scopes[s].parent.unwrap();
                    // the comprehension must see the name as free (or global at module level)
                    add(&mut self.scopes[s].nonlocals, n);
                    s = p;
                }
                if s != self.cur {
                    if self.scopes[s].kind == Kind::Class {
                        self.fail(
                            "assignment expression within a comprehension cannot be used in a class body".into(),
                            e.span.start,
                        );
                    }
                    add(&mut self.scopes[s].bound, n);
                    if self.scopes[s].kind == Kind::Module {
                        // nonlocal in comprehensions at module level means global
                        let mut c = self.cur;
                        while c != s {
                            self.scopes[c].nonlocals.retain(|x| x != n);
                            add(&mut self.scopes[c].globals, n);
                            c = self.scopes[c].parent.unwrap();
                        }
                    }
                } else {
                    self.bind(n);
                }
            }
        }
    }

    fn fparts(&mut self, parts: &[FPart]) {
        for p in parts {
            if let FPart::Field { expr, spec, .. } = p {
                self.expr(expr);
                self.fparts(spec);
            }
        }
    }

    /// Resolves names top-down. `enclosing` lists names bound in enclosing function scopes.
    fn resolve(&mut self, idx: usize, enclosing: &[Rc<str>]) -> Result<(), ScopeError> {
        let kind = self.scopes[idx].kind;
        let mut resolved: HashMap<Rc<str>, Resolved> = HashMap::new();
        {
            let s = &self.scopes[idx];
            for n in &s.globals {
                resolved.insert(n.clone(), Resolved::GlobalExplicit);
            }
            for n in &s.nonlocals {
                if !enclosing.contains(n) {
                    return Err(ScopeError {
                        msg: format!("no binding for nonlocal '{n}' found"),
                        pos: 0,
                    });
                }
                resolved.insert(n.clone(), Resolved::Free);
            }
            for n in &s.bound {
                if resolved.contains_key(n) {
                    continue;
                }
                resolved.insert(
                    n.clone(),
                    if kind == Kind::Module {
                        Resolved::GlobalImplicit
                    } else {
                        Resolved::Local
                    },
                );
            }
            for n in &s.used {
                if resolved.contains_key(n) {
                    continue;
                }
                if kind != Kind::Module && enclosing.contains(n) {
                    resolved.insert(n.clone(), Resolved::Free);
                } else {
                    resolved.insert(n.clone(), Resolved::GlobalImplicit);
                }
            }
        }
        // names this scope offers to its children
        let mut inner_env: Vec<Rc<str>> = enclosing.to_vec();
        if matches!(kind, Kind::Function | Kind::Comprehension) {
            for (n, r) in &resolved {
                if matches!(r, Resolved::Local | Resolved::Free) && !inner_env.contains(n) {
                    inner_env.push(n.clone());
                }
            }
        }
        if kind == Kind::Class {
            inner_env.push(Rc::from("__class__"));
        }
        self.scopes[idx].resolved = resolved;
        // methods that use super() need the class body to provide `__class__`
        let children = self.scopes[idx].children.clone();
        for &c in &children {
            if self.scopes[c].uses_super && self.scopes[c].kind != Kind::Class {
                let used: Rc<str> = Rc::from("__class__");
                add(&mut self.scopes[c].used, &used);
            }
        }
        for &c in &children {
            self.resolve(c, &inner_env)?;
        }
        // a child's free variable makes ours a cell (if we bind it) or free (passing it through)
        for &c in &children {
            let frees = self.scopes[c].freevars.clone();
            for n in frees {
                if kind == Kind::Class {
                    if &*n == "__class__" {
                        self.scopes[idx].needs_class_cell = true;
                        continue;
                    }
                    // pass through the class scope without binding there
                    if !self.scopes[idx].freevars.contains(&n) {
                        self.scopes[idx].freevars.push(n.clone());
                    }
                    continue;
                }
                match self.scopes[idx].resolved.get(&n).copied() {
                    Some(Resolved::Local) | Some(Resolved::Cell) => {
                        self.scopes[idx].resolved.insert(n.clone(), Resolved::Cell);
                    }
                    Some(Resolved::Free) => {}
                    _ => {
                        self.scopes[idx].resolved.insert(n.clone(), Resolved::Free);
                    }
                }
            }
        }
        if kind == Kind::Class && self.scopes[idx].needs_class_cell {
            let n: Rc<str> = Rc::from("__class__");
            add(&mut self.scopes[idx].cellvars, &n);
        }
        let s = &mut self.scopes[idx];
        let mut cells: Vec<Rc<str>> = Vec::new();
        let mut frees: Vec<Rc<str>> = s.freevars.clone();
        let mut names: Vec<(&Rc<str>, &Resolved)> = s.resolved.iter().collect();
        names.sort_by(|a, b| a.0.cmp(b.0));
        for (n, r) in names {
            match r {
                Resolved::Cell => cells.push(n.clone()),
                Resolved::Free => {
                    if !frees.contains(n) {
                        frees.push(n.clone())
                    }
                }
                _ => {}
            }
        }
        // parameters that are cells keep the parameter order for determinism
        cells.sort_by_key(|n| s.params.iter().position(|p| p == n).unwrap_or(usize::MAX));
        for c in cells {
            add(&mut s.cellvars, &c);
        }
        s.freevars = frees;
        Ok(())
    }
}
