//! The `wk` command: runs a script, a `-c` string, or the REPL.
#![forbid(unsafe_code)]

fn main() {
    // Deep recursion in natives (repr of nested containers, comparisons) uses the Rust stack;
    // run on a thread with room for it.
    let child = std::thread::Builder::new()
        .stack_size(1 << 30)
        .spawn(wk::cli::main)
        .expect("spawn interpreter thread");
    let code = child.join().unwrap_or(70);
    std::process::exit(code);
}
