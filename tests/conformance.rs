//! Runs every program in tests/conformance/ with wk and compares its stdout with the expectation
//! python3 produced (see tests/conformance/regen.py). Also runs the suite in GC stress mode.

use std::path::{Path, PathBuf};
use std::process::Command;

fn programs() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/conformance exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().map(|x| x == "wk").unwrap_or(false))
        // files starting with `_` are modules the programs import
        .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('_'))
        .collect();
    v.sort();
    v
}

fn run_all(stress: bool) {
    let progs = programs();
    assert!(
        progs.len() >= 80,
        "expected at least 80 conformance programs, found {}",
        progs.len()
    );
    let mut failures = Vec::new();
    for p in &progs {
        let expected = std::fs::read_to_string(p.with_extension("out"))
            .unwrap_or_else(|_| panic!("{} has no .out file", p.display()));
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_wk"));
        cmd.arg(p.file_name().unwrap())
            .current_dir(p.parent().unwrap());
        if stress {
            cmd.env("WK_GC_STRESS", "1");
        } else {
            cmd.env_remove("WK_GC_STRESS");
        }
        let out = cmd.output().expect("run wk");
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() || stdout != expected {
            failures.push(format!(
                "{} (exit {:?})\n--- stderr ---\n{}\n--- diff (expected vs got) ---\n{}",
                p.file_name().unwrap().to_string_lossy(),
                out.status.code(),
                String::from_utf8_lossy(&out.stderr),
                first_difference(&expected, &stdout)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} programs failed{}:\n\n{}",
        failures.len(),
        progs.len(),
        if stress { " under WK_GC_STRESS=1" } else { "" },
        failures.join("\n\n")
    );
}

fn first_difference(expected: &str, got: &str) -> String {
    let (e, g): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), got.lines().collect());
    for i in 0..e.len().max(g.len()) {
        let (a, b) = (e.get(i), g.get(i));
        if a != b {
            return format!("line {}:\n  expected: {:?}\n  got:      {:?}", i + 1, a, b);
        }
    }
    "(outputs differ only in trailing newline)".into()
}

#[test]
fn conformance() {
    run_all(false);
}

#[test]
fn conformance_under_gc_stress() {
    run_all(true);
}
