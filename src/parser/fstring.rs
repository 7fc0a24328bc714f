//! Splits an f-string body into literal text and replacement fields, parsing each field's
//! expression with the ordinary expression parser.

use super::ast::FPart;
use super::build::UserError;
use crate::lexer::decode_str;

/// `body` is the undecoded text between the quotes; `offset` is where it starts in the file.
pub fn parse(body: &str, raw: bool, offset: usize) -> Result<Vec<FPart>, UserError> {
    let mut parts = Vec::new();
    parse_into(body, raw, offset, &mut parts, 0)?;
    Ok(parts)
}

fn err(msg: &str, pos: usize) -> UserError {
    UserError {
        msg: format!("f-string: {msg}"),
        pos,
    }
}

fn flush_lit(
    parts: &mut Vec<FPart>,
    lit: &mut String,
    raw: bool,
    pos: usize,
) -> Result<(), UserError> {
    if lit.is_empty() {
        return Ok(());
    }
    let text = decode_str(lit, raw).map_err(|m| UserError { msg: m, pos })?;
    lit.clear();
    parts.push(FPart::Lit(text));
    Ok(())
}

fn parse_into(
    body: &str,
    raw: bool,
    offset: usize,
    parts: &mut Vec<FPart>,
    depth: usize,
) -> Result<(), UserError> {
    if depth > 2 {
        return Err(err("expressions nested too deeply", offset));
    }
    let bytes = body.as_bytes();
    let mut lit = String::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == b'{' {
            if bytes.get(i + 1) == Some(&b'{') {
                lit.push('{');
                i += 2;
                continue;
            }
            flush_lit(parts, &mut lit, raw, offset + i)?;
            i = parse_field(body, raw, offset, i + 1, parts, depth)?;
            continue;
        }
        if c == b'}' {
            if bytes.get(i + 1) == Some(&b'}') {
                lit.push('}');
                i += 2;
                continue;
            }
            return Err(err("single '}' is not allowed", offset + i));
        }
        if c == b'\\' && !raw && i + 1 < bytes.len() {
            // keep escapes together so that `\{` stays literal text for decode_str
            let ch_len = body[i + 1..]
                .chars()
                .next()
                .map(|c| c.len_utf8())
                .unwrap_or(1);
            lit.push_str(&body[i..i + 1 + ch_len]);
            i += 1 + ch_len;
            continue;
        }
        let ch = body[i..].chars().next().unwrap();
        lit.push(ch);
        i += ch.len_utf8();
    }
    flush_lit(parts, &mut lit, raw, offset + bytes.len())
}

/// Parses one `{...}` field starting after the `{`; returns the index after its `}`.
fn parse_field(
    body: &str,
    raw: bool,
    offset: usize,
    start: usize,
    parts: &mut Vec<FPart>,
    depth: usize,
) -> Result<usize, UserError> {
    let bytes = body.as_bytes();
    let mut i = start;
    let mut nest = 0i32;
    let mut quote: Option<u8> = None;
    // find the end of the expression: `!`, `:`, `=` or `}` at nesting level 0
    while i < bytes.len() {
        let c = bytes[i];
        if let Some(q) = quote {
            if c == q {
                quote = None;
            }
            i += 1;
            continue;
        }
        match c {
            b'\'' | b'"' => quote = Some(c),
            b'(' | b'[' | b'{' => nest += 1,
            b')' | b']' | b'}' if nest > 0 => nest -= 1,
            b'}' => break,
            b'!' if nest == 0 && bytes.get(i + 1) != Some(&b'=') => break,
            b':' if nest == 0 => break,
            b'=' if nest == 0 => {
                let prev = if i > 0 { bytes[i - 1] } else { b' ' };
                let next = bytes.get(i + 1).copied().unwrap_or(b'}');
                if !matches!(prev, b'=' | b'!' | b'<' | b'>') && next != b'=' {
                    break;
                }
                if next == b'=' {
                    i += 1;
                }
            }
            b'\\' => {
                return Err(err(
                    "expression part cannot include a backslash",
                    offset + i,
                ));
            }
            b'#' => return Err(err("expression part cannot include '#'", offset + i)),
            _ => {}
        }
        i += 1;
    }
    if i >= bytes.len() {
        return Err(err("expecting '}'", offset + start));
    }
    let expr_src = &body[start..i];
    if expr_src.trim().is_empty() {
        return Err(err("valid expression required before '}'", offset + i));
    }
    let expr = crate::parser::parse_field_expr(expr_src, offset + start)?;
    let mut debug_text = None;
    if bytes[i] == b'=' {
        debug_text = Some(body[start..=i].to_string());
        i += 1;
        // whitespace after '=' is part of the debug text
        while i < bytes.len() && bytes[i] == b' ' {
            debug_text.as_mut().unwrap().push(' ');
            i += 1;
        }
    }
    let mut conversion = None;
    if i < bytes.len() && bytes[i] == b'!' {
        let conv = bytes.get(i + 1).copied();
        match conv {
            Some(b'r') | Some(b's') | Some(b'a') => conversion = Some(conv.unwrap() as char),
            _ => {
                return Err(err(
                    "invalid conversion character: expected 's', 'r', or 'a'",
                    offset + i,
                ));
            }
        }
        i += 2;
    }
    let mut spec = Vec::new();
    if i < bytes.len() && bytes[i] == b':' {
        // the spec runs to the matching '}' and may hold nested fields
        let spec_start = i + 1;
        let mut j = spec_start;
        let mut n = 0;
        while j < bytes.len() {
            match bytes[j] {
                b'{' => n += 1,
                b'}' if n == 0 => break,
                b'}' => n -= 1,
                _ => {}
            }
            j += 1;
        }
        if j >= bytes.len() {
            return Err(err("expecting '}'", offset + start));
        }
        parse_into(
            &body[spec_start..j],
            raw,
            offset + spec_start,
            &mut spec,
            depth + 1,
        )?;
        i = j;
    }
    if i >= bytes.len() || bytes[i] != b'}' {
        return Err(err("expecting '}'", offset + i.min(bytes.len())));
    }
    if debug_text.is_some() && conversion.is_none() && spec.is_empty() {
        conversion = Some('r');
    }
    parts.push(FPart::Field {
        expr: Box::new(expr),
        debug_text,
        conversion,
        spec,
    });
    Ok(i + 1)
}
