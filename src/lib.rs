//! wk: a small Python-syntax language on a tracing, incremental, cycle-collecting heap.
#![forbid(unsafe_code)]

pub mod lexer;
pub mod parser;
pub mod compiler;
