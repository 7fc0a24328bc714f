//! Helpers the grammar's actions call: target checking, parameter lists, string concatenation.

use super::ast::*;
use super::fstring;
use crate::lexer::Tok;
use lalrpop_util::ParseError;
use std::rc::Rc;

/// An error raised by a grammar action, with the byte offset it points at.
#[derive(Debug, Clone)]
pub struct UserError {
    pub msg: String,
    pub pos: usize,
}

pub type PResult<T> = Result<T, ParseError<usize, Tok, UserError>>;

pub fn user_err<T>(msg: impl Into<String>, pos: usize) -> PResult<T> {
    Err(ParseError::User {
        error: UserError {
            msg: msg.into(),
            pos,
        },
    })
}

pub fn mk(l: usize, r: usize, kind: ExprKind) -> Expr {
    Expr {
        span: Span::new(l, r),
        kind,
    }
}

/// `-5` folds to a constant so that `-9223372036854775808` stays an int literal.
pub fn negate(l: usize, r: usize, e: Expr) -> Expr {
    match &e.kind {
        ExprKind::Const(Constant::Int(v)) if *v != i64::MIN => {
            mk(l, r, ExprKind::Const(Constant::Int(-v)))
        }
        ExprKind::Const(Constant::BigInt(b)) => {
            let n = -(**b).clone();
            match i64::try_from(&n) {
                Ok(v) => mk(l, r, ExprKind::Const(Constant::Int(v))),
                Err(_) => mk(l, r, ExprKind::Const(Constant::BigInt(Rc::new(n)))),
            }
        }
        ExprKind::Const(Constant::Float(f)) => mk(l, r, ExprKind::Const(Constant::Float(-f))),
        _ => mk(l, r, ExprKind::Unary(UnaryOp::Neg, Box::new(e))),
    }
}

pub fn tuple_or_single(t: (Vec<Expr>, bool, usize, usize)) -> Expr {
    let (mut v, is_tuple, l, r) = t;
    if is_tuple {
        mk(l, r, ExprKind::Tuple(v))
    } else {
        v.pop().unwrap()
    }
}

fn describe(e: &Expr) -> &'static str {
    match &e.kind {
        ExprKind::Const(Constant::None)
        | ExprKind::Const(Constant::True)
        | ExprKind::Const(Constant::False) => "literal",
        ExprKind::Const(Constant::Ellipsis) => "ellipsis",
        ExprKind::Const(_) | ExprKind::FString(_) => "literal",
        ExprKind::Call { .. } => "function call",
        ExprKind::BinOp(..) | ExprKind::Unary(..) => "expression",
        ExprKind::And(..) | ExprKind::Or(..) => "expression",
        ExprKind::Compare(..) => "comparison",
        ExprKind::IfExp { .. } => "conditional expression",
        ExprKind::Lambda { .. } => "lambda",
        ExprKind::Dict(_) => "dict literal",
        ExprKind::Set(_) => "set display",
        ExprKind::ListComp(..) => "list comprehension",
        ExprKind::SetComp(..) => "set comprehension",
        ExprKind::DictComp(..) => "dict comprehension",
        ExprKind::GenExp(..) => "generator expression",
        ExprKind::Yield(_) | ExprKind::YieldFrom(_) => "yield expression",
        ExprKind::NamedExpr(..) => "named expression",
        ExprKind::Await(_) => "await expression",
        _ => "expression",
    }
}

/// Checks that `e` can be assigned to.
pub fn store_target(e: Expr) -> PResult<Expr> {
    match &e.kind {
        ExprKind::Name(n) if &**n == "__debug__" => {
            user_err("cannot assign to __debug__", e.span.start as usize)
        }
        ExprKind::Name(_) | ExprKind::Attribute(..) | ExprKind::Subscript(..) => Ok(e),
        ExprKind::Tuple(items) | ExprKind::List(items) => {
            let stars = items
                .iter()
                .filter(|i| matches!(i.kind, ExprKind::Starred(_)))
                .count();
            if stars > 1 {
                return user_err(
                    "multiple starred expressions in assignment",
                    e.span.start as usize,
                );
            }
            let is_list = matches!(e.kind, ExprKind::List(_));
            let span = e.span;
            let (ExprKind::Tuple(items) | ExprKind::List(items)) = e.kind else {
                unreachable!()
            };
            let items = items
                .into_iter()
                .map(store_target)
                .collect::<PResult<Vec<_>>>()?;
            Ok(Expr {
                span,
                kind: if is_list {
                    ExprKind::List(items)
                } else {
                    ExprKind::Tuple(items)
                },
            })
        }
        ExprKind::Starred(_) => {
            let span = e.span;
            let ExprKind::Starred(inner) = e.kind else {
                unreachable!()
            };
            Ok(Expr {
                span,
                kind: ExprKind::Starred(Box::new(store_target(*inner)?)),
            })
        }
        _ => {
            let what = describe(&e);
            let hint = if matches!(e.kind, ExprKind::Compare(..))
                || what == "literal"
                || what == "expression"
            {
                "; maybe you meant '==' instead of '='?"
            } else {
                ""
            };
            let _ = hint;
            user_err(format!("cannot assign to {what}"), e.span.start as usize)
        }
    }
}

pub fn del_targets(t: (Vec<Expr>, bool, usize, usize)) -> PResult<Vec<Expr>> {
    let (v, _, _, _) = t;
    v.into_iter()
        .map(|e| match &e.kind {
            ExprKind::Name(_) | ExprKind::Attribute(..) | ExprKind::Subscript(..) => Ok(e),
            ExprKind::Tuple(_) | ExprKind::List(_) => {
                let span = e.span;
                let is_list = matches!(e.kind, ExprKind::List(_));
                let (ExprKind::Tuple(items) | ExprKind::List(items)) = e.kind else {
                    unreachable!()
                };
                let items = del_targets((items, true, 0, 0))?;
                Ok(Expr {
                    span,
                    kind: if is_list {
                        ExprKind::List(items)
                    } else {
                        ExprKind::Tuple(items)
                    },
                })
            }
            _ => user_err(
                format!("cannot delete {}", describe(&e)),
                e.span.start as usize,
            ),
        })
        .collect()
}

pub fn aug_target(e: Expr) -> PResult<Expr> {
    match &e.kind {
        ExprKind::Name(_) | ExprKind::Attribute(..) | ExprKind::Subscript(..) => Ok(e),
        ExprKind::Tuple(_) => user_err(
            "'tuple' is an illegal expression for augmented assignment",
            e.span.start as usize,
        ),
        ExprKind::List(_) => user_err(
            "'list' is an illegal expression for augmented assignment",
            e.span.start as usize,
        ),
        _ => user_err(
            format!(
                "'{}' is an illegal expression for augmented assignment",
                describe(&e)
            ),
            e.span.start as usize,
        ),
    }
}

pub fn ann_assign(t: Expr, a: Expr, v: Option<Expr>) -> PResult<StmtKind> {
    match &t.kind {
        ExprKind::Name(_) | ExprKind::Attribute(..) | ExprKind::Subscript(..) => {}
        ExprKind::Tuple(_) => {
            return user_err(
                "only single target (not tuple) can be annotated",
                t.span.start as usize,
            );
        }
        ExprKind::List(_) => {
            return user_err(
                "only single target (not list) can be annotated",
                t.span.start as usize,
            );
        }
        _ => return user_err("illegal target for annotation", t.span.start as usize),
    }
    Ok(StmtKind::AnnAssign {
        target: t,
        annotation: a,
        value: v,
    })
}

pub fn assign(first: Expr, rest: Vec<Expr>) -> PResult<StmtKind> {
    let mut all = vec![first];
    all.extend(rest);
    let value = all.pop().unwrap();
    let targets = all
        .into_iter()
        .map(store_target)
        .collect::<PResult<Vec<_>>>()?;
    Ok(StmtKind::Assign { targets, value })
}

pub fn import_from(level: usize, module: Option<Rc<str>>, names: Vec<Alias>) -> PResult<StmtKind> {
    Ok(StmtKind::ImportFrom {
        module: module.unwrap_or_else(|| Rc::from("")),
        level,
        names,
    })
}

pub enum ParamItem {
    Plain(Param),
    Star(Option<Param>),
    DoubleStar(Param),
    Slash,
}

pub fn build_params(items: Vec<ParamItem>) -> PResult<Params> {
    let mut p = Params::default();
    let mut seen_star = false;
    let mut seen_default = false;
    let mut names: Vec<Rc<str>> = Vec::new();
    let check_dup = |names: &mut Vec<Rc<str>>, param: &Param| -> PResult<()> {
        if names.contains(&param.name) {
            return user_err(
                format!("duplicate argument '{}' in function definition", param.name),
                param.span.start as usize,
            );
        }
        names.push(param.name.clone());
        Ok(())
    };
    for item in items {
        if p.kwarg.is_some() {
            return user_err("arguments cannot follow var-keyword argument", 0);
        }
        match item {
            ParamItem::Plain(param) => {
                check_dup(&mut names, &param)?;
                if seen_star {
                    p.kwonly.push(param);
                } else {
                    if param.default.is_some() {
                        seen_default = true;
                    } else if seen_default {
                        return user_err(
                            "non-default argument follows default argument",
                            param.span.start as usize,
                        );
                    }
                    p.args.push(param);
                }
            }
            ParamItem::Star(param) => {
                if seen_star {
                    return user_err("* argument may appear only once", 0);
                }
                seen_star = true;
                if let Some(param) = param {
                    check_dup(&mut names, &param)?;
                    p.vararg = Some(param);
                }
            }
            ParamItem::DoubleStar(param) => {
                check_dup(&mut names, &param)?;
                p.kwarg = Some(param);
            }
            ParamItem::Slash => {
                if seen_star || p.posonly > 0 {
                    return user_err("/ must be ahead of *", 0);
                }
                p.posonly = p.args.len();
            }
        }
    }
    if seen_star && p.vararg.is_none() && p.kwonly.is_empty() {
        return user_err("named arguments must follow bare *", 0);
    }
    Ok(p)
}

pub enum StrPart {
    Str(Rc<str>, usize),
    Bytes(Rc<[u8]>, usize),
    F(Rc<str>, bool, usize, usize),
}

/// Concatenates adjacent string literals, turning the whole run into an f-string if any part is one.
pub fn strings(l: usize, r: usize, parts: Vec<StrPart>) -> PResult<Expr> {
    let any_bytes = parts.iter().any(|p| matches!(p, StrPart::Bytes(..)));
    let all_bytes = parts.iter().all(|p| matches!(p, StrPart::Bytes(..)));
    if any_bytes && !all_bytes {
        return user_err("cannot mix bytes and nonbytes literals", l);
    }
    if all_bytes {
        let mut out = Vec::new();
        for p in parts {
            if let StrPart::Bytes(b, _) = p {
                out.extend_from_slice(&b);
            }
        }
        return Ok(mk(l, r, ExprKind::Const(Constant::Bytes(Rc::from(out)))));
    }
    if parts.iter().all(|p| matches!(p, StrPart::Str(..))) {
        if parts.len() == 1 {
            let StrPart::Str(s, _) = &parts[0] else {
                unreachable!()
            };
            return Ok(mk(l, r, ExprKind::Const(Constant::Str(s.clone()))));
        }
        let mut out = String::new();
        for p in &parts {
            if let StrPart::Str(s, _) = p {
                out.push_str(s);
            }
        }
        return Ok(mk(
            l,
            r,
            ExprKind::Const(Constant::Str(Rc::from(out.as_str()))),
        ));
    }
    let mut fparts: Vec<FPart> = Vec::new();
    for p in parts {
        match p {
            StrPart::Str(s, _) => push_lit(&mut fparts, &s),
            StrPart::F(body, raw, offset, _) => {
                for part in
                    fstring::parse(&body, raw, offset).map_err(|e| ParseError::User { error: e })?
                {
                    match part {
                        FPart::Lit(s) => push_lit(&mut fparts, &s),
                        f => fparts.push(f),
                    }
                }
            }
            StrPart::Bytes(..) => unreachable!(),
        }
    }
    Ok(mk(l, r, ExprKind::FString(fparts)))
}

fn push_lit(parts: &mut Vec<FPart>, s: &str) {
    if s.is_empty() {
        return;
    }
    if let Some(FPart::Lit(last)) = parts.last_mut() {
        last.push_str(s);
    } else {
        parts.push(FPart::Lit(s.to_string()));
    }
}
