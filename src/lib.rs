//! wk: a small Python-syntax language on a tracing, incremental, cycle-collecting heap.
#![forbid(unsafe_code)]
// Nested `if let` blocks mirror CPython's nested checks and read better than long let-chains.
#![allow(clippy::collapsible_if, clippy::collapsible_match)]

pub mod builtins;
pub mod compiler;
pub mod lexer;
pub mod modules;
pub mod parser;
pub mod runtime;
pub mod vm;

/// A compile failure: message, byte offset, and whether it is an IndentationError.
#[derive(Debug, Clone)]
pub struct CompileFailure {
    pub msg: String,
    pub pos: usize,
    pub indentation: bool,
}

/// Parses and compiles a module.
pub fn compile(
    src: &str,
    filename: &str,
    interactive: bool,
) -> Result<std::rc::Rc<compiler::code::Code>, CompileFailure> {
    let ast = parser::parse_module(src).map_err(|e| CompileFailure {
        msg: e.msg,
        pos: e.pos,
        indentation: e.indentation,
    })?;
    compiler::compile_module(&ast, src, filename, interactive).map_err(|e| CompileFailure {
        msg: e.msg,
        pos: e.pos,
        indentation: false,
    })
}
pub mod cli;
