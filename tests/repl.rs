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

#[test]
fn interactive_after_script_with_history_completion_and_colour() {
    let dir = std::env::temp_dir().join(format!("wk-repl-i-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("setup.wk");
    std::fs::write(&script, "answer_so_far = 41\n").unwrap();
    let hist = dir.join("history");
    let _ = std::fs::remove_file(&hist);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wk"));
    // no NO_COLOR here: on a terminal, error reports are coloured
    cmd.arg("-i")
        .arg(&script)
        .env("WK_HISTORY", &hist)
        .env_remove("NO_COLOR")
        .env("TERM", "xterm")
        .env_remove("WK_GC_STRESS");
    let mut p = spawn_command(cmd, Some(20_000)).expect("spawn wk -i in a pty");
    p.exp_string(">>> ").unwrap();
    // the script's globals are there, and tab completes a global's name
    p.send("answer_so\t").unwrap();
    p.send_line(" + 1").unwrap();
    p.exp_string("42").unwrap();
    p.exp_string(">>> ").unwrap();
    p.send_line("1 / 0").unwrap();
    p.exp_string("\x1b[1;35mZeroDivisionError\x1b[0m").unwrap();
    p.exp_string(">>> ").unwrap();
    p.send_line("quit()").unwrap();
    p.exp_eof().unwrap();
    let saved = std::fs::read_to_string(&hist).expect("history file written");
    assert!(saved.contains("answer_so_far + 1"), "history: {saved:?}");
    assert!(saved.contains("1 / 0"), "history: {saved:?}");
}
