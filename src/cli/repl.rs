//! The interactive prompt. With stdin not a terminal it reads lines without prompts and echoes
//! expression values the same way.

use crate::vm::driver::{Interpreter, Outcome};
use std::io::{BufRead, IsTerminal, Write};

/// True when `src` is a complete statement (not an open block or bracket).
pub fn is_complete(src: &str) -> bool {
    match crate::parser::parse_module(src) {
        Ok(_) => {
            let last = src.trim_end_matches('\n').lines().last().unwrap_or("");
            // a compound statement header or an indented line asks for more until a blank line
            !(src.lines().count() > 1
                && !src.ends_with("\n\n")
                && (last.starts_with(' ') || last.starts_with('\t')))
        }
        Err(e) => {
            let at_end = e.pos >= src.trim_end().len();
            !(at_end
                || e.msg.contains("was never closed")
                || e.msg.contains("expected an indented block")
                || e.msg.contains("unterminated triple-quoted"))
        }
    }
}

pub fn run(interp: &mut Interpreter) -> i32 {
    let stdin = std::io::stdin();
    let tty = stdin.is_terminal();
    let mut buf = String::new();
    let mut lines = stdin.lock().lines();
    loop {
        if tty {
            print!("{}", if buf.is_empty() { ">>> " } else { "... " });
            let _ = std::io::stdout().flush();
        }
        let Some(Ok(line)) = lines.next() else {
            if !buf.trim().is_empty() {
                if let Outcome::Exit(c) = interp.run_main("<stdin>", &buf, true) {
                    return c;
                }
            }
            return 0;
        };
        buf.push_str(&line);
        buf.push('\n');
        if buf.trim().is_empty() {
            buf.clear();
            continue;
        }
        let header = line.trim_end().ends_with(':');
        if header || (!is_complete(&buf) && !line.trim().is_empty()) {
            continue;
        }
        if buf.lines().count() > 1
            && !line.trim().is_empty()
            && (line.starts_with(' ') || line.starts_with('\t'))
        {
            continue;
        }
        let src = std::mem::take(&mut buf);
        if let Outcome::Exit(c) = interp.run_main("<stdin>", &src, true) {
            return c;
        }
    }
}
