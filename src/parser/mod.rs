//! Parsing: runs the layout lexer and the lalrpop parser, and turns failures into SyntaxErrors.

pub mod ast;
pub mod build;
mod fstring;

use crate::lexer::{LexErrorKind, Tok, tokenize};
use ast::{Expr, Stmt};
use build::UserError;
use lalrpop_util::ParseError;

#[allow(clippy::all, unused_parens, dead_code, unused_imports)]
mod generated {
    lalrpop_util::lalrpop_mod!(pub wk, "/wk.rs");
}

/// A syntax error: message, byte offset in the source, and whether it is an IndentationError.
#[derive(Debug, Clone)]
pub struct SyntaxError {
    pub msg: String,
    pub pos: usize,
    pub indentation: bool,
}

pub fn parse_module(src: &str) -> Result<Vec<Stmt>, SyntaxError> {
    let toks = tokenize(src, 0, false).map_err(|e| SyntaxError {
        msg: e.msg,
        pos: e.pos,
        indentation: e.kind == LexErrorKind::Indent,
    })?;
    let end = src.len();
    generated::wk::ModuleParser::new()
        .parse(toks.into_iter().map(Ok::<_, UserError>))
        .map_err(|e| convert(e, end))
}

/// Parses the expression inside an f-string field; `base` is its offset in the file.
pub(crate) fn parse_field_expr(src: &str, base: usize) -> Result<Expr, UserError> {
    let toks = tokenize(src, base, true).map_err(|e| UserError {
        msg: format!("f-string: {}", e.msg),
        pos: e.pos,
    })?;
    generated::wk::TestListStarParser::new()
        .parse(toks.into_iter().map(Ok::<_, UserError>))
        .map_err(|e| {
            let se = convert(e, base + src.len());
            UserError {
                msg: format!("f-string: {}", se.msg),
                pos: se.pos,
            }
        })
}

fn convert(e: ParseError<usize, Tok, UserError>, eof: usize) -> SyntaxError {
    match e {
        ParseError::InvalidToken { location } => SyntaxError {
            msg: "invalid token".into(),
            pos: location,
            indentation: false,
        },
        ParseError::UnrecognizedEof { location, .. } => SyntaxError {
            msg: "unexpected EOF while parsing".into(),
            pos: location.min(eof),
            indentation: false,
        },
        ParseError::UnrecognizedToken {
            token: (start, tok, _),
            expected,
        } => {
            let (msg, indentation) = match &tok {
                Tok::Indent => ("unexpected indent".to_string(), true),
                Tok::Dedent => (
                    "unindent does not match any outer indentation level".to_string(),
                    true,
                ),
                Tok::Newline if expected.iter().any(|e| e == "INDENT") => {
                    ("expected an indented block".to_string(), true)
                }
                _ if expected.iter().any(|e| e == "INDENT") => {
                    ("expected an indented block".to_string(), true)
                }
                Tok::Newline => ("invalid syntax".to_string(), false),
                _ => ("invalid syntax".to_string(), false),
            };
            SyntaxError {
                msg,
                pos: start,
                indentation,
            }
        }
        ParseError::ExtraToken {
            token: (start, _, _),
        } => SyntaxError {
            msg: "invalid syntax".into(),
            pos: start,
            indentation: false,
        },
        ParseError::User { error } => SyntaxError {
            msg: error.msg,
            pos: error.pos,
            indentation: false,
        },
    }
}
