//! The layout pass: turns raw tokens into NEWLINE/INDENT/DEDENT, joins lines inside brackets,
//! and converts literals into their values.

use super::strings::{decode_bytes, decode_str};
use super::token::{Raw, StrLit, Tok, keyword, op};
use super::{LexError, LexErrorKind};
use logos::Logos;
use num_bigint::BigInt;
use num_traits::Num;
use std::rc::Rc;

pub type Spanned = (usize, Tok, usize);

const MAX_NESTING: usize = 200;
/// Indentation levels allowed (CPython allows 100).
const MAX_INDENT: usize = 100;

/// Tokenizes `src` (whose first byte sits at `base` in the whole file) into layout tokens.
/// `expr_only` is for f-string fields: no NEWLINE/INDENT handling at all.
pub fn tokenize(src: &str, base: usize, expr_only: bool) -> Result<Vec<Spanned>, LexError> {
    let mut out: Vec<Spanned> = Vec::new();
    let mut indents: Vec<usize> = vec![0];
    let mut brackets: Vec<(char, usize)> = Vec::new();
    let mut at_line_start = !expr_only;
    let mut lex = Raw::lexer(src);
    while let Some(raw) = lex.next() {
        let span = lex.span();
        let (start, end) = (span.start + base, span.end + base);
        let raw = match raw {
            Ok(r) => r,
            Err(()) => {
                let text = lex.slice();
                let c = text.chars().next().unwrap_or(' ');
                let msg = if !c.is_ascii() {
                    format!("invalid character '{c}' (U+{:04X})", c as u32)
                } else {
                    "invalid syntax".to_string()
                };
                return Err(LexError::new(msg, start, LexErrorKind::Syntax));
            }
        };
        if raw == Raw::Newline {
            if expr_only || !brackets.is_empty() || at_line_start {
                continue;
            }
            out.push((start, Tok::Newline, end));
            at_line_start = true;
            continue;
        }
        if at_line_start && brackets.is_empty() {
            at_line_start = false;
            let col = indent_of(src, span.start);
            let top = *indents.last().unwrap();
            if col > top {
                if out.is_empty() {
                    return Err(LexError::new(
                        "unexpected indent".into(),
                        start,
                        LexErrorKind::Indent,
                    ));
                }
                if indents.len() > MAX_INDENT {
                    return Err(LexError::new(
                        "too many levels of indentation".into(),
                        start,
                        LexErrorKind::Indent,
                    ));
                }
                indents.push(col);
                out.push((start, Tok::Indent, start));
            } else if col < top {
                while col < *indents.last().unwrap() {
                    indents.pop();
                    out.push((start, Tok::Dedent, start));
                }
                if col != *indents.last().unwrap() {
                    return Err(LexError::new(
                        "unindent does not match any outer indentation level".into(),
                        start,
                        LexErrorKind::Indent,
                    ));
                }
            }
        }
        let text = lex.slice();
        let tok = match raw {
            Raw::Newline => unreachable!(),
            Raw::Name => keyword(text).unwrap_or_else(|| Tok::Name(Rc::from(text))),
            Raw::Int => int_token(text, start)?,
            Raw::Float => Tok::Float(parse_float(text, start)?),
            Raw::Imag => Tok::Imag(parse_float(&text[..text.len() - 1], start)?),
            Raw::Str(lit) => string_token(lit, base, start)?,
            Raw::Op => {
                let o = op(text).ok_or_else(|| {
                    LexError::new("invalid syntax".into(), start, LexErrorKind::Syntax)
                })?;
                match o {
                    "(" | "[" | "{" => {
                        // CPython's tokenizer limit; it also bounds the parser's recursion
                        if brackets.len() >= MAX_NESTING {
                            return Err(LexError::new(
                                "too many nested parentheses".into(),
                                start,
                                LexErrorKind::Syntax,
                            ));
                        }
                        brackets.push((o.chars().next().unwrap(), start))
                    }
                    ")" | "]" | "}" => {
                        let close = o.chars().next().unwrap();
                        match brackets.pop() {
                            None => {
                                return Err(LexError::new(
                                    format!("unmatched '{close}'"),
                                    start,
                                    LexErrorKind::Syntax,
                                ));
                            }
                            Some((open, _)) => {
                                let want = match open {
                                    '(' => ')',
                                    '[' => ']',
                                    _ => '}',
                                };
                                if want != close {
                                    return Err(LexError::new(
                                        format!(
                                            "closing parenthesis '{close}' does not match opening parenthesis '{open}'"
                                        ),
                                        start,
                                        LexErrorKind::Syntax,
                                    ));
                                }
                            }
                        }
                    }
                    "!" if !expr_only => {
                        return Err(LexError::new(
                            "invalid syntax".into(),
                            start,
                            LexErrorKind::Syntax,
                        ));
                    }
                    _ => {}
                }
                Tok::Op(o)
            }
        };
        out.push((start, tok, end));
    }
    if let Some((open, pos)) = brackets.last() {
        return Err(LexError::new(
            format!("'{open}' was never closed"),
            *pos,
            LexErrorKind::Syntax,
        ));
    }
    let eof = base + src.len();
    if !expr_only {
        if !at_line_start {
            out.push((eof, Tok::Newline, eof));
        }
        while indents.len() > 1 {
            indents.pop();
            out.push((eof, Tok::Dedent, eof));
        }
    }
    Ok(out)
}

/// The indentation column of the line holding byte `pos` (tabs to the next multiple of 8).
fn indent_of(src: &str, pos: usize) -> usize {
    let line_start = src[..pos].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let mut col = 0;
    for b in src[line_start..pos].bytes() {
        match b {
            b'\t' => col = (col / 8 + 1) * 8,
            b'\x0c' => col = 0,
            _ => col += 1,
        }
    }
    col
}

fn int_token(text: &str, start: usize) -> Result<Tok, LexError> {
    let clean: String = text.chars().filter(|c| *c != '_').collect();
    if text.ends_with('_') || text.contains("__") {
        return Err(LexError::new(
            "invalid decimal literal".into(),
            start,
            LexErrorKind::Syntax,
        ));
    }
    let (digits, radix) = match clean.get(..2) {
        Some("0x") | Some("0X") => (&clean[2..], 16),
        Some("0o") | Some("0O") => (&clean[2..], 8),
        Some("0b") | Some("0B") => (&clean[2..], 2),
        _ => {
            if clean.len() > 1 && clean.starts_with('0') && clean.chars().any(|c| c != '0') {
                return Err(LexError::new(
                    "leading zeros in decimal integer literals are not permitted; use an 0o prefix for octal integers".into(),
                    start,
                    LexErrorKind::Syntax,
                ));
            }
            (clean.as_str(), 10)
        }
    };
    if digits.is_empty() {
        return Err(LexError::new(
            "invalid syntax".into(),
            start,
            LexErrorKind::Syntax,
        ));
    }
    match i64::from_str_radix(digits, radix) {
        Ok(v) => Ok(Tok::Int(v)),
        Err(_) => match BigInt::from_str_radix(digits, radix) {
            Ok(b) => Ok(Tok::BigInt(Rc::new(b))),
            Err(_) => Err(LexError::new(
                "invalid syntax".into(),
                start,
                LexErrorKind::Syntax,
            )),
        },
    }
}

fn parse_float(text: &str, start: usize) -> Result<f64, LexError> {
    let clean: String = text.chars().filter(|c| *c != '_').collect();
    clean.parse::<f64>().map_err(|_| {
        LexError::new(
            "invalid decimal literal".into(),
            start,
            LexErrorKind::Syntax,
        )
    })
}

fn string_token(lit: StrLit, base: usize, start: usize) -> Result<Tok, LexError> {
    if let Some(msg) = lit.error {
        return Err(LexError::new(msg.into(), start, LexErrorKind::Syntax));
    }
    if lit.fstring {
        return Ok(Tok::FStr(
            Rc::from(lit.body.as_str()),
            lit.raw,
            lit.body_start + base,
        ));
    }
    if lit.bytes {
        let b = decode_bytes(&lit.body, lit.raw)
            .map_err(|m| LexError::new(m, start, LexErrorKind::Syntax))?;
        return Ok(Tok::Bytes(Rc::from(b)));
    }
    let s = decode_str(&lit.body, lit.raw)
        .map_err(|m| LexError::new(m, start, LexErrorKind::Syntax))?;
    Ok(Tok::Str(Rc::from(s.as_str())))
}
