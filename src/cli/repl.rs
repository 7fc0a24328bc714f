//! The interactive prompt. On a terminal it uses rustyline: `>>> `/`... ` prompts, a validator
//! that keeps a line open while a bracket or triple-quoted string is, auto-indent inside blocks,
//! history, and completion of keywords, names and attributes. With stdin not a terminal it reads
//! lines without prompts and echoes values the same way.

use crate::vm::driver::{Interpreter, Outcome};
use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Editor, Helper};
use std::cell::RefCell;
use std::io::{BufRead, IsTerminal, Write};
use std::rc::Rc;

const KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is",
    "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

const HELP: &str = "\
wk REPL commands (they start with ':' so they never clash with code):
  :gc     run a full collection and report what died
  :heap   count the live objects by type
  :help   this text
Leave with Ctrl-D, exit() or quit(). Ctrl-C cancels the current input.
";

/// Whether the source so far leaves a bracket or a triple-quoted string open.
fn open_bracket_or_string(src: &str) -> bool {
    match crate::lexer::tokenize(src, 0, false) {
        Ok(_) => false,
        Err(e) => {
            e.msg.contains("was never closed") || e.msg.contains("unterminated triple-quoted")
        }
    }
}

/// Collects lines into complete inputs the way CPython's prompt does.
#[derive(Default)]
pub struct Session {
    buf: String,
}

impl Session {
    pub fn in_block(&self) -> bool {
        !self.buf.is_empty()
    }

    /// Feeds one line; returns a complete input when one is ready.
    pub fn feed(&mut self, line: &str) -> Option<String> {
        if self.buf.is_empty() && line.trim().is_empty() {
            return None;
        }
        let blank = line.trim().is_empty();
        self.buf.push_str(line);
        self.buf.push('\n');
        if open_bracket_or_string(&self.buf) {
            return None;
        }
        let first = self.buf.lines().next().unwrap_or("");
        let compound = first.trim_end().ends_with(':') || first.trim_start().starts_with('@');
        // a compound statement ends at a blank line; anything else as soon as it parses
        if !compound || blank {
            return Some(std::mem::take(&mut self.buf));
        }
        None
    }

    /// The indentation the next line starts with (auto-indent).
    pub fn next_indent(&self) -> String {
        let last = self.buf.lines().last().unwrap_or("");
        let mut indent: String = last
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        if last.trim_end().ends_with(':') {
            indent.push_str("    ");
        }
        indent
    }

    pub fn cancel(&mut self) {
        self.buf.clear();
    }

    pub fn pending(&mut self) -> Option<String> {
        if self.buf.trim().is_empty() {
            None
        } else {
            Some(std::mem::take(&mut self.buf))
        }
    }
}

struct WkHelper {
    interp: Rc<RefCell<Interpreter>>,
}

impl Completer for WkHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let before = &line[..pos];
        let start = before
            .rfind(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.'))
            .map(|i| i + 1)
            .unwrap_or(0);
        let word = &before[start..];
        let (base, prefix, at) = match word.rfind('.') {
            Some(d) => (Some(&word[..d]), &word[d + 1..], start + d + 1),
            None => (None, word, start),
        };
        let names = match self.interp.try_borrow_mut() {
            Ok(mut i) => i.completions(base),
            Err(_) => vec![],
        };
        let mut cands: Vec<String> = names
            .into_iter()
            .filter(|n| n.starts_with(prefix))
            .collect();
        if base.is_none() {
            cands.extend(
                KEYWORDS
                    .iter()
                    .filter(|k| k.starts_with(prefix))
                    .map(|k| k.to_string()),
            );
        }
        cands.sort();
        cands.dedup();
        Ok((
            at,
            cands
                .into_iter()
                .map(|c| Pair {
                    display: c.clone(),
                    replacement: c,
                })
                .collect(),
        ))
    }
}

impl Hinter for WkHelper {
    type Hint = String;
}

impl Highlighter for WkHelper {}

impl Validator for WkHelper {
    fn validate(&self, ctx: &mut ValidationContext) -> rustyline::Result<ValidationResult> {
        if open_bracket_or_string(ctx.input()) {
            return Ok(ValidationResult::Incomplete);
        }
        Ok(ValidationResult::Valid(None))
    }
}

impl Helper for WkHelper {}

fn history_path() -> Option<std::path::PathBuf> {
    if let Ok(p) = std::env::var("WK_HISTORY") {
        return Some(p.into());
    }
    std::env::var("HOME")
        .ok()
        .map(|h| std::path::Path::new(&h).join(".wk_history"))
}

/// Runs a `:command`; returns false if it is not one.
fn command(interp: &mut Interpreter, line: &str) -> bool {
    match line.trim() {
        ":gc" => {
            let r = interp.collect_report();
            println!(
                "collected {} objects; {} weakrefs cleared, {} callbacks and {} __del__ ran; {} objects live",
                r.freed, r.cleared, r.callbacks, r.dels, r.live
            );
        }
        ":heap" => {
            let counts = interp.heap_counts();
            let total: usize = counts.iter().map(|(_, n)| n).sum();
            println!("{total} objects reachable:");
            for (name, n) in counts.iter().take(20) {
                println!("  {n:>8}  {name}");
            }
        }
        ":help" => print!("{HELP}"),
        _ => return false,
    }
    true
}

pub fn run(interp: Interpreter) -> (i32, Interpreter) {
    if std::io::stdin().is_terminal() {
        run_terminal(interp)
    } else {
        let mut interp = interp;
        let code = run_piped(&mut interp);
        (code, interp)
    }
}

fn run_piped(interp: &mut Interpreter) -> i32 {
    let stdin = std::io::stdin();
    let mut session = Session::default();
    for line in stdin.lock().lines() {
        let Ok(line) = line else { break };
        if !session.in_block() && line.trim().starts_with(':') && command(interp, &line) {
            continue;
        }
        if let Some(src) = session.feed(&line) {
            if let Outcome::Exit(c) = interp.run_main("<stdin>", &src, true) {
                return c;
            }
        }
    }
    if let Some(src) = session.pending() {
        if let Outcome::Exit(c) = interp.run_main("<stdin>", &src, true) {
            return c;
        }
    }
    0
}

fn run_terminal(interp: Interpreter) -> (i32, Interpreter) {
    let interp = Rc::new(RefCell::new(interp));
    let mut rl: Editor<WkHelper, rustyline::history::DefaultHistory> = match Editor::new() {
        Ok(e) => e,
        Err(_) => {
            let mut i = Rc::try_unwrap(interp)
                .ok()
                .expect("sole owner")
                .into_inner();
            let c = run_piped(&mut i);
            return (c, i);
        }
    };
    rl.set_helper(Some(WkHelper {
        interp: interp.clone(),
    }));
    let hist = history_path();
    if let Some(h) = &hist {
        let _ = rl.load_history(h);
    }
    println!(
        "wk {} (a Python 3.11 subset on a tracing collector). Type :help for REPL commands.",
        env!("CARGO_PKG_VERSION")
    );
    let mut session = Session::default();
    let mut code = 0;
    loop {
        let prompt = if session.in_block() { "... " } else { ">>> " };
        let indent = session.next_indent();
        let line = match rl.readline_with_initial(prompt, (&indent, "")) {
            Ok(l) => l,
            Err(ReadlineError::Interrupted) => {
                println!("KeyboardInterrupt");
                session.cancel();
                continue;
            }
            Err(_) => {
                println!();
                break;
            }
        };
        if !line.trim().is_empty() {
            let _ = rl.add_history_entry(line.as_str());
            if let Some(h) = &hist {
                let _ = rl.save_history(h);
            }
        }
        if !session.in_block()
            && line.trim().starts_with(':')
            && command(&mut interp.borrow_mut(), &line)
        {
            continue;
        }
        for l in line.split('\n') {
            if let Some(src) = session.feed(l) {
                let outcome = interp.borrow_mut().run_main("<stdin>", &src, true);
                let _ = std::io::stdout().flush();
                if let Outcome::Exit(c) = outcome {
                    code = c;
                    rl.set_helper(None);
                    let i = Rc::try_unwrap(interp)
                        .ok()
                        .expect("sole owner")
                        .into_inner();
                    return (code, i);
                }
            }
        }
    }
    rl.set_helper(None);
    let i = Rc::try_unwrap(interp)
        .ok()
        .expect("sole owner")
        .into_inner();
    (code, i)
}
