//! Command-line interface: argument parsing, running scripts, and the REPL.

mod repl;

use crate::vm::driver::{Interpreter, Outcome};
use crate::vm::state::Config;
use clap::Parser;
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "wk",
    version,
    about = "wk: a Python-syntax language on a tracing, incremental, cycle-collecting heap"
)]
#[command(disable_help_subcommand = true, trailing_var_arg = true)]
struct Args {
    /// Program passed in as a string (sys.argv[0] is '-c')
    #[arg(short = 'c', value_name = "CODE", conflicts_with = "interactive")]
    command: Option<String>,
    /// Run the script, then start the REPL with its globals
    #[arg(short = 'i')]
    interactive: bool,
    /// Run a full collection at every safe point (finds missing roots)
    #[arg(long = "gc-stress")]
    gc_stress: bool,
    /// Print one line per collection on stderr
    #[arg(long = "gc-trace")]
    gc_trace: bool,
    /// Script file and its arguments
    #[arg(value_name = "FILE [ARGS]...", allow_hyphen_values = true)]
    rest: Vec<String>,
}

fn env_flag(name: &str) -> bool {
    std::env::var(name)
        .map(|v| !v.is_empty() && v != "0")
        .unwrap_or(false)
}

pub fn main() -> i32 {
    let args = match Args::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return code;
        }
    };
    let mut config = Config {
        stress: args.gc_stress || env_flag("WK_GC_STRESS"),
        trace: args.gc_trace || env_flag("WK_GC_TRACE"),
        recursion_limit: 1000,
        ..Default::default()
    };
    if let Some(code) = &args.command {
        let mut argv = vec!["-c".to_string()];
        argv.extend(args.rest.iter().cloned());
        config.argv = argv;
        config.script_dir = std::env::current_dir().ok();
        let mut interp = Interpreter::new(config);
        let outcome = interp.run_main("<string>", code, false);
        interp.shutdown();
        return exit_status(outcome);
    }
    let Some(file) = args.rest.first().cloned() else {
        config.argv = vec![String::new()];
        config.script_dir = std::env::current_dir().ok();
        let interp = Interpreter::new(config);
        let (code, mut interp) = repl::run(interp);
        interp.shutdown();
        return code;
    };
    let src = match std::fs::read_to_string(&file) {
        Ok(s) => s,
        Err(e) => {
            let abs = std::path::absolute(&file).unwrap_or_else(|_| PathBuf::from(&file));
            eprintln!(
                "wk: can't open file '{}': [Errno {}] {}",
                abs.display(),
                e.raw_os_error().unwrap_or(2),
                describe_io(&e)
            );
            return 2;
        }
    };
    config.argv = args.rest.clone();
    // CPython 3.11 names the main script by its absolute path in tracebacks and __file__
    let abs = std::path::absolute(&file).unwrap_or_else(|_| PathBuf::from(&file));
    config.script_dir = abs.parent().map(|p| p.to_path_buf());
    let mut interp = Interpreter::new(config);
    let outcome = interp.run_main(&abs.display().to_string(), &src, false);
    if args.interactive && !matches!(outcome, Outcome::Exit(_)) {
        let (code, mut interp) = repl::run(interp);
        interp.shutdown();
        return code;
    }
    interp.shutdown();
    exit_status(outcome)
}

fn describe_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "No such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "Permission denied".into(),
        _ => e.to_string(),
    }
}

fn exit_status(o: Outcome) -> i32 {
    match o {
        Outcome::Ok => 0,
        Outcome::Error(c) | Outcome::Exit(c) => c,
    }
}
