//! Lexing: logos scanning, the layout pass, and literal decoding.

mod layout;
mod strings;
pub mod token;

pub use layout::{Spanned, tokenize};
pub use strings::decode_str;
pub use token::Tok;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LexErrorKind {
    Syntax,
    Indent,
}

#[derive(Debug, Clone)]
pub struct LexError {
    pub msg: String,
    pub pos: usize,
    pub kind: LexErrorKind,
}

impl LexError {
    pub fn new(msg: String, pos: usize, kind: LexErrorKind) -> LexError {
        LexError { msg, pos, kind }
    }
}
