//! Runs every program in examples/ and compares its stdout with the checked-in expectation
//! (examples/regen.py makes them from python3; wk-specific lessons are written by hand).
//! Addresses and timestamps are normalized; every example must exit 0 with nothing on stderr.

use std::path::{Path, PathBuf};
use std::process::Command;

fn examples() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().map(|x| x == "wk").unwrap_or(false) {
                out.push(p);
            }
        }
    }
    let mut v = vec![];
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples"),
        &mut v,
    );
    v.sort();
    v
}

/// Replaces what legitimately differs between runs: `0x...` addresses and date-times.
fn normalize(s: &str) -> String {
    let b: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == '0' && i + 1 < b.len() && b[i + 1] == 'x' {
            out.push_str("0x?");
            i += 2;
            while i < b.len() && b[i].is_ascii_hexdigit() {
                i += 1;
            }
            continue;
        }
        // YYYY-MM-DD HH:MM:SS(.ffffff)
        let is_digit = |k: usize| k < b.len() && b[k].is_ascii_digit();
        if (0..4).all(|k| is_digit(i + k))
            && i + 19 <= b.len()
            && b[i + 4] == '-'
            && b[i + 7] == '-'
            && b[i + 10] == ' '
            && b[i + 13] == ':'
        {
            out.push_str("<datetime>");
            i += 19;
            if i < b.len() && b[i] == '.' {
                i += 1;
                while is_digit(i) {
                    i += 1;
                }
            }
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

fn run_all(stress: bool) {
    let progs = examples();
    assert!(progs.len() >= 27, "only {} examples", progs.len());
    let mut failures = vec![];
    for p in &progs {
        let expected = std::fs::read_to_string(p.with_extension("out"))
            .unwrap_or_else(|_| panic!("{} has no .out", p.display()));
        let args: Vec<String> = std::fs::read_to_string(p.with_extension("args"))
            .map(|s| s.split_whitespace().map(String::from).collect())
            .unwrap_or_default();
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_wk"));
        cmd.arg(p.file_name().unwrap())
            .args(&args)
            .current_dir(p.parent().unwrap());
        if stress {
            cmd.env("WK_GC_STRESS", "1");
        } else {
            cmd.env_remove("WK_GC_STRESS");
        }
        let o = cmd.output().unwrap();
        let got = String::from_utf8_lossy(&o.stdout);
        let err = String::from_utf8_lossy(&o.stderr);
        if !o.status.success() || !err.is_empty() || normalize(&got) != normalize(&expected) {
            failures.push(format!(
                "{}: exit {:?}\nstderr: {err}\nexpected:\n{expected}\ngot:\n{got}",
                p.display(),
                o.status.code()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n----\n"));
}

#[test]
fn examples_match_their_expected_output() {
    run_all(false);
}

#[test]
fn examples_match_under_gc_stress() {
    run_all(true);
}

#[test]
fn normalization_only_hides_addresses_and_times() {
    assert_eq!(
        normalize("<weakref at 0x7f3a; to 'E' at 0xdeadbeef>"),
        "<weakref at 0x?; to 'E' at 0x?>"
    );
    assert_eq!(
        normalize("at : 2026-11-21 21:09:24.123456!"),
        "at : <datetime>!"
    );
    assert_eq!(normalize("0 x 12"), "0 x 12");
}
