//! Bad input never panics: every conformance program cut at many points, and random bytes, go
//! through lexer, parser and compiler; each must give Ok or a SyntaxError, never a panic.

use std::path::Path;

fn corpus() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().map(|x| x == "wk").unwrap_or(false))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

/// Compiles `src` and fails the test if that panics.
fn must_not_panic(src: &str, what: &str) {
    let s = src.to_string();
    let r = std::panic::catch_unwind(move || {
        let _ = wk::compile(&s, "<fuzz>", false);
        let _ = wk::compile(&s, "<fuzz>", true);
    });
    assert!(r.is_ok(), "compiler panicked on {what}:\n{src:?}");
}

/// A tiny deterministic generator so the test needs no crate and is reproducible.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

fn run_big_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(512 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn truncated_programs_never_panic() {
    run_big_stack(|| {
        let progs = corpus();
        assert!(progs.len() >= 80);
        let mut cuts = 0;
        for src in &progs {
            let chars: Vec<(usize, char)> = src.char_indices().collect();
            let step = (chars.len() / 40).max(1);
            for i in (0..chars.len()).step_by(step) {
                must_not_panic(&src[..chars[i].0], "a truncated program");
                cuts += 1;
            }
        }
        assert!(cuts > 3000, "only {cuts} cuts were tried");
    });
}

#[test]
fn mutated_programs_never_panic() {
    run_big_stack(|| {
        let progs = corpus();
        let mut rng = Lcg(0x5eed);
        let noise = [
            "(", ")", "[", "]", "{", "}", ":", "\n", "    ", "\t", "'", "\"", "\"\"\"", "f\"{",
            "}", "\\", "lambda", "yield", "*", "**", "=", "@", "#", "0x", "1e", "...",
        ];
        for src in &progs {
            for _ in 0..30 {
                let mut s: Vec<char> = src.chars().collect();
                for _ in 0..3 {
                    if s.is_empty() {
                        break;
                    }
                    let pos = (rng.next() as usize) % s.len();
                    match rng.next() % 3 {
                        0 => {
                            s.remove(pos);
                        }
                        1 => {
                            let n = noise[(rng.next() as usize) % noise.len()];
                            for (k, c) in n.chars().enumerate() {
                                s.insert(pos + k, c);
                            }
                        }
                        _ => {
                            let other = (rng.next() as usize) % s.len();
                            s.swap(pos, other);
                        }
                    }
                }
                let m: String = s.into_iter().collect();
                must_not_panic(&m, "a mutated program");
            }
        }
    });
}

#[test]
fn random_bytes_never_panic() {
    run_big_stack(|| {
        let mut rng = Lcg(42);
        for _ in 0..3000 {
            let len = (rng.next() % 200) as usize;
            let bytes: Vec<u8> = (0..len).map(|_| (rng.next() % 256) as u8).collect();
            let s = String::from_utf8_lossy(&bytes).into_owned();
            must_not_panic(&s, "random bytes");
            let ascii: String = bytes
                .iter()
                .map(|b| (b % 96 + 32) as char)
                .map(|c| if c == '\x7f' { '\n' } else { c })
                .collect();
            must_not_panic(&ascii, "random ascii");
        }
    });
}

#[test]
fn deep_nesting_is_a_syntax_error_not_a_crash() {
    run_big_stack(|| {
        let deep = format!("x = {}1{}", "(".repeat(1000), ")".repeat(1000));
        let e = wk::compile(&deep, "<deep>", false).unwrap_err();
        assert!(e.msg.contains("too many nested parentheses"), "{}", e.msg);
        let long_chain = format!("x = {}1", "1 + ".repeat(50000));
        assert!(wk::compile(&long_chain, "<chain>", false).is_ok());
        let unary = format!("x = {}1", "-".repeat(20000));
        assert!(wk::compile(&unary, "<unary>", false).is_ok());
        let mut nested_blocks = String::new();
        for i in 0..150 {
            nested_blocks.push_str(&" ".repeat(i));
            nested_blocks.push_str("if x:\n");
        }
        nested_blocks.push_str(&" ".repeat(150));
        nested_blocks.push_str("pass\n");
        let e = wk::compile(&nested_blocks, "<blocks>", false).unwrap_err();
        assert!(e.indentation, "{}", e.msg);
    });
}
