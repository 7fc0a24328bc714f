//! The REPL in a real pseudo-terminal: typing a multi-line def, a class, an error, Ctrl-C and
//! exit(), and reading what the screen shows.

use rexpect::session::spawn_command;
use std::process::Command;

fn wk_repl() -> rexpect::session::PtySession {
    let hist = std::env::temp_dir().join(format!("wk-history-{}", std::process::id()));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wk"));
    cmd.env("WK_HISTORY", &hist)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm")
        .env_remove("WK_GC_STRESS");
    spawn_command(cmd, Some(20_000)).expect("spawn wk in a pty")
}

#[test]
fn repl_session_in_a_terminal() {
    let mut p = wk_repl();
    p.exp_string(">>> ").unwrap();
    // a multi-line def: auto-indent supplies the body's indentation, an empty line ends the block
    p.send_line("def double(x):").unwrap();
    p.exp_string("... ").unwrap();
    p.send_line("return x * 2").unwrap();
    p.exp_string("... ").unwrap();
    p.send_line("").unwrap();
    p.exp_string(">>> ").unwrap();
    p.send_line("double(21)").unwrap();
    p.exp_string("42").unwrap();
    p.exp_string(">>> ").unwrap();
    // a class with a method
    p.send_line("class Point:").unwrap();
    p.exp_string("... ").unwrap();
    p.send_line("def __init__(self, x): self.x = x").unwrap();
    p.exp_string("... ").unwrap();
    p.send_line("").unwrap();
    p.exp_string(">>> ").unwrap();
    p.send_line("Point(7).x + 1").unwrap();
    p.exp_string("8").unwrap();
    p.exp_string(">>> ").unwrap();
    // `_` holds the last value
    p.send_line("_ * 2").unwrap();
    p.exp_string("16").unwrap();
    // an error prints a traceback and the session goes on
    p.send_line("1 / 0").unwrap();
    p.exp_string("ZeroDivisionError: division by zero").unwrap();
    p.exp_string(">>> ").unwrap();
    // an open bracket asks for more
    p.send_line("[1,").unwrap();
    p.send_line("2]").unwrap();
    p.exp_string("[1, 2]").unwrap();
    p.exp_string(">>> ").unwrap();
    // Ctrl-C cancels the current input
    p.send("unfinished").unwrap();
    p.send_control('c').unwrap();
    p.exp_string("KeyboardInterrupt").unwrap();
    p.exp_string(">>> ").unwrap();
    // a weakref's referent survives `del` and dies at gc.collect()
    p.send_line("import weakref, gc").unwrap();
    p.exp_string(">>> ").unwrap();
    p.send_line("class Thing: pass").unwrap();
    p.exp_string(">>> ").unwrap();
    p.send_line("t = Thing(); r = weakref.ref(t); del t")
        .unwrap();
    p.exp_string(">>> ").unwrap();
    p.send_line("r() is not None").unwrap();
    p.exp_string("True").unwrap();
    p.send_line(":gc").unwrap();
    p.exp_string("collected").unwrap();
    p.exp_string(">>> ").unwrap();
    p.send_line("print('referent:', r())").unwrap();
    p.exp_string("referent: None").unwrap();
    p.send_line("exit()").unwrap();
    p.exp_eof().unwrap();
}

#[test]
fn ctrl_d_leaves_the_repl() {
    let mut p = wk_repl();
    p.exp_string(">>> ").unwrap();
    p.send_control('d').unwrap();
    p.exp_eof().unwrap();
}
