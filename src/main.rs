//! The `wk` command: runs a script, a `-c` string, or the REPL.
#![forbid(unsafe_code)]

/// The collector allocates and frees every object separately, in bursts; jemalloc handles that
/// pattern 10-35% faster than glibc's malloc here (bench/). Its settings: .cargo/config.toml.
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;
fn main() {
    // Deep recursion in natives (repr of nested containers, comparisons) uses the Rust stack;
    // run on a thread with room for it.
    let child = std::thread::Builder::new()
        .stack_size(1 << 30)
        .spawn(wk::cli::main)
        .expect("spawn interpreter thread");
    // a panic is a bug in wk: release builds abort on it (Cargo.toml), others end here with 70
    let code = child.join().unwrap_or(70);
    std::process::exit(code);
}
