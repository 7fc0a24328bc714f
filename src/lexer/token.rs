//! The tokens the parser consumes, and the raw logos scanner that produces most of them.

use logos::{Lexer, Logos};
use num_bigint::BigInt;
use std::rc::Rc;

/// Raw tokens straight from logos; the layout pass turns these into [`Tok`].
#[derive(Logos, Debug, Clone, PartialEq)]
#[logos(skip r"[ \t\f]+")]
#[logos(skip(r"#[^\r\n]*", allow_greedy = true))]
#[logos(skip r"\\\r?\n")]
pub enum Raw {
    #[regex(r"\r?\n")]
    Newline,
    #[regex(r"[\p{XID_Start}_][\p{XID_Continue}]*")]
    Name,
    #[regex(r"[0-9][0-9_]*", priority = 3)]
    #[regex(r"0[xX][0-9a-fA-F_]+")]
    #[regex(r"0[oO][0-7_]+")]
    #[regex(r"0[bB][01_]+")]
    Int,
    #[regex(r"[0-9][0-9_]*\.[0-9_]*([eE][+-]?[0-9_]+)?")]
    #[regex(r"\.[0-9][0-9_]*([eE][+-]?[0-9_]+)?")]
    #[regex(r"[0-9][0-9_]*[eE][+-]?[0-9_]+")]
    Float,
    #[regex(r"([0-9][0-9_]*(\.[0-9_]*)?|\.[0-9][0-9_]*)([eE][+-]?[0-9_]+)?[jJ]")]
    Imag,
    /// The opening of a string literal; the callback scans to the closing quote.
    #[regex(r#"[rRbBuUfF]{0,2}["']"#, scan_string)]
    Str(StrLit),
    #[regex(r"[-+*/%@&|^<>=!~.:,;()\[\]{}]|\*\*|//|<<|>>|<=|>=|==|!=|->|:=|\.\.\.|\+=|-=|\*=|/=|//=|%=|@=|&=|\|=|\^=|>>=|<<=|\*\*=")]
    Op,
}

/// A scanned string literal: its prefix flags and its undecoded body.
#[derive(Debug, Clone, PartialEq)]
pub struct StrLit {
    pub raw: bool,
    pub bytes: bool,
    pub fstring: bool,
    /// Byte offset of the body (after the opening quotes) within the source.
    pub body_start: usize,
    pub body: String,
    pub error: Option<&'static str>,
}

fn scan_string(lex: &mut Lexer<Raw>) -> StrLit {
    let slice = lex.slice();
    let quote = slice.chars().last().unwrap();
    let prefix = &slice[..slice.len() - 1];
    let lower = prefix.to_ascii_lowercase();
    let raw = lower.contains('r');
    let bytes = lower.contains('b');
    let fstring = lower.contains('f');
    let mut error = None;
    if lower.len() == 2 && !(raw && (bytes || fstring)) {
        error = Some("invalid string prefix");
    }
    let rest = lex.remainder();
    let triple = rest.starts_with(&format!("{quote}{quote}"));
    let skip = if triple { 2 } else { 0 };
    let body_start = lex.span().end + skip;
    let chars: Vec<(usize, char)> = rest[skip..].char_indices().collect();
    let mut i = 0;
    let mut end = None;
    while i < chars.len() {
        let (pos, c) = chars[i];
        if c == '\\' {
            i += 2;
            continue;
        }
        if c == '\n' && !triple {
            break;
        }
        if c == quote {
            if !triple {
                end = Some((pos, pos + 1));
                break;
            }
            if i + 2 < chars.len()
                && chars.get(i + 1).map(|x| x.1) == Some(quote)
                && chars.get(i + 2).map(|x| x.1) == Some(quote)
            {
                end = Some((pos, pos + 3));
                break;
            }
        }
        i += 1;
    }
    match end {
        Some((body_end, consumed)) => {
            let body = rest[skip..skip + body_end].to_string();
            lex.bump(skip + consumed);
            StrLit {
                raw,
                bytes,
                fstring,
                body_start,
                body,
                error,
            }
        }
        None => {
            let len = if triple {
                rest.len()
            } else {
                rest.find('\n').unwrap_or(rest.len())
            };
            lex.bump(len);
            let msg = if triple {
                "unterminated triple-quoted string literal"
            } else {
                "unterminated string literal"
            };
            StrLit {
                raw,
                bytes,
                fstring,
                body_start,
                body: String::new(),
                error: Some(msg),
            }
        }
    }
}

/// Tokens as the parser sees them.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Newline,
    Indent,
    Dedent,
    Name(Rc<str>),
    Int(i64),
    BigInt(Rc<BigInt>),
    Float(f64),
    Imag(f64),
    Str(Rc<str>),
    Bytes(Rc<[u8]>),
    /// An f-string: its undecoded body, whether it is raw, and where the body starts.
    FStr(Rc<str>, bool, usize),
    // keywords
    False,
    None,
    True,
    And,
    As,
    Assert,
    Async,
    Await,
    Break,
    Class,
    Continue,
    Def,
    Del,
    Elif,
    Else,
    Except,
    Finally,
    For,
    From,
    Global,
    If,
    Import,
    In,
    Is,
    Lambda,
    Nonlocal,
    Not,
    Or,
    Pass,
    Raise,
    Return,
    Try,
    While,
    With,
    Yield,
    /// Any operator or delimiter, by its text.
    Op(&'static str),
}

pub fn keyword(s: &str) -> Option<Tok> {
    Some(match s {
        "False" => Tok::False,
        "None" => Tok::None,
        "True" => Tok::True,
        "and" => Tok::And,
        "as" => Tok::As,
        "assert" => Tok::Assert,
        "async" => Tok::Async,
        "await" => Tok::Await,
        "break" => Tok::Break,
        "class" => Tok::Class,
        "continue" => Tok::Continue,
        "def" => Tok::Def,
        "del" => Tok::Del,
        "elif" => Tok::Elif,
        "else" => Tok::Else,
        "except" => Tok::Except,
        "finally" => Tok::Finally,
        "for" => Tok::For,
        "from" => Tok::From,
        "global" => Tok::Global,
        "if" => Tok::If,
        "import" => Tok::Import,
        "in" => Tok::In,
        "is" => Tok::Is,
        "lambda" => Tok::Lambda,
        "nonlocal" => Tok::Nonlocal,
        "not" => Tok::Not,
        "or" => Tok::Or,
        "pass" => Tok::Pass,
        "raise" => Tok::Raise,
        "return" => Tok::Return,
        "try" => Tok::Try,
        "while" => Tok::While,
        "with" => Tok::With,
        "yield" => Tok::Yield,
        _ => return None,
    })
}

const OPS: &[&str] = &[
    "-", "+", "*", "/", "%", "@", "&", "|", "^", "<", ">", "=", "!", "~", ".", ":", ",", ";", "(",
    ")", "[", "]", "{", "}", "**", "//", "<<", ">>", "<=", ">=", "==", "!=", "->", ":=", "...",
    "+=", "-=", "*=", "/=", "//=", "%=", "@=", "&=", "|=", "^=", ">>=", "<<=", "**=",
];

/// Interns an operator's text as a `&'static str` so tokens stay cheap to clone.
pub fn op(s: &str) -> Option<&'static str> {
    OPS.iter().copied().find(|o| *o == s)
}
