//! The command line as a Python user expects it: tracebacks compared line by line with
//! python3's (ignoring only the caret lines CPython 3.11 draws), syntax errors, exit statuses.

use std::path::Path;
use std::process::Command;

/// CPython 3.11 underlines the failing expression with lines of ^ and ~; wk does not.
fn without_carets(s: &str) -> Vec<String> {
    s.lines()
        .filter(|l| {
            let t = l.trim();
            t.is_empty() || !t.chars().all(|c| c == '^' || c == '~')
        })
        .map(|l| l.to_string())
        .collect()
}

#[test]
fn tracebacks_match_python3_line_by_line() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tracebacks");
    let mut progs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().map(|x| x == "wk").unwrap_or(false))
        .collect();
    progs.sort();
    assert!(progs.len() >= 10);
    let mut failures = vec![];
    for p in &progs {
        let name = p.file_name().unwrap();
        let py = Command::new("python3")
            .arg(name)
            .current_dir(&dir)
            .output()
            .expect("python3 is needed for this test");
        let wk = Command::new(env!("CARGO_BIN_EXE_wk"))
            .arg(name)
            .current_dir(&dir)
            .env_remove("WK_GC_STRESS")
            .output()
            .unwrap();
        assert_eq!(
            py.status.code(),
            Some(1),
            "{name:?} should fail under python3"
        );
        let (e, g) = (
            without_carets(&String::from_utf8_lossy(&py.stderr)),
            without_carets(&String::from_utf8_lossy(&wk.stderr)),
        );
        if e != g || wk.status.code() != Some(1) || py.stdout != wk.stdout {
            failures.push(format!(
                "{name:?} (wk exit {:?})\n--- python3 ---\n{}\n--- wk ---\n{}",
                wk.status.code(),
                e.join("\n"),
                g.join("\n")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

fn run(args: &[&str], src: Option<&str>) -> std::process::Output {
    // Tests run in parallel, so every call gets its own directory.
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("wk-cli-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wk"));
    // Options go before the script: anything after it belongs to the script's sys.argv.
    cmd.args(args);
    if let Some(src) = src {
        let f = dir.join("prog.wk");
        std::fs::write(&f, src).unwrap();
        cmd.arg("prog.wk");
    }
    cmd.current_dir(&dir)
        .env_remove("WK_GC_STRESS")
        .output()
        .unwrap()
}

#[test]
fn syntax_errors_show_file_line_caret_and_message() {
    let cases = [
        ("x = (1, 2\n", "'(' was never closed", "SyntaxError"),
        (
            "def f():\nreturn 1\n",
            "expected an indented block",
            "IndentationError",
        ),
        (
            "if True:\n    x = 1\n  y = 2\n",
            "unindent does not match any outer indentation level",
            "IndentationError",
        ),
        ("x = = 1\n", "invalid syntax", "SyntaxError"),
        (
            "print('unterminated)\n",
            "unterminated string literal",
            "SyntaxError",
        ),
        ("f(**a, *b)\nreturn 5\n", "", "SyntaxError"),
    ];
    for (src, msg, kind) in cases {
        let o = run(&[], Some(src));
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{src:?}: {err}");
        assert!(
            err.starts_with("  File \"/") && err.contains("prog.wk\", line "),
            "{src:?}: {err}"
        );
        assert!(
            err.lines().nth(2).map(|l| l.trim() == "^").unwrap_or(false),
            "no caret line for {src:?}: {err}"
        );
        assert!(err.contains(kind) && err.contains(msg), "{src:?}: {err}");
    }
}

#[test]
fn version_help_and_usage_errors() {
    let o = run(&["--version"], None);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).starts_with("wk "));
    let o = run(&["--help"], None);
    let help = String::from_utf8_lossy(&o.stdout);
    for opt in [
        "-c",
        "-i",
        "--gc-stress",
        "--gc-trace",
        "--version",
        "--help",
    ] {
        assert!(help.contains(opt), "--help does not list {opt}:\n{help}");
    }
    let o = run(&["--no-such-option"], None);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn gc_trace_prints_a_line_per_collection() {
    let o = run(
        &["--gc-trace"],
        Some("import gc\nclass A: pass\nfor i in range(3):\n    A()\n    gc.collect()\n"),
    );
    let err = String::from_utf8_lossy(&o.stderr);
    let lines: Vec<&str> = err.lines().filter(|l| l.starts_with("gc ")).collect();
    assert!(lines.len() >= 3, "{err}");
    assert!(
        lines[0].contains(" full: ")
            && lines[0].contains(" freed, ")
            && lines[0].contains("weakrefs cleared")
            && lines[0].contains("pause"),
        "{err}"
    );
}
