//! The examples in docs/gc.md are programs: each ```python block is run with wk and must print
//! the ```output block that follows it, so the documentation cannot drift from the runtime.

use std::io::Write;
use std::process::Command;

fn snippets(doc: &str) -> Vec<(String, String)> {
    let mut out = vec![];
    let mut lines = doc.lines().peekable();
    let mut pending: Option<String> = None;
    while let Some(line) = lines.next() {
        let fence = line.trim_start();
        if fence == "```python" || fence == "```output" {
            let mut body = String::new();
            for l in lines.by_ref() {
                if l.trim_start() == "```" {
                    break;
                }
                body.push_str(l);
                body.push('\n');
            }
            if fence == "```python" {
                pending = Some(body);
            } else if let Some(code) = pending.take() {
                out.push((code, body));
            }
        }
    }
    out
}

#[test]
fn gc_guide_examples_print_what_the_guide_says() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/gc.md")).unwrap();
    let cases = snippets(&doc);
    assert!(
        cases.len() >= 6,
        "expected the guide's examples, found {}",
        cases.len()
    );
    let dir = std::env::temp_dir().join(format!("wk-docs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (i, (code, expected)) in cases.iter().enumerate() {
        let path = dir.join(format!("snippet{i}.wk"));
        std::fs::File::create(&path)
            .unwrap()
            .write_all(code.as_bytes())
            .unwrap();
        for stress in [false, true] {
            let mut cmd = Command::new(env!("CARGO_BIN_EXE_wk"));
            cmd.arg(&path);
            if stress {
                cmd.env("WK_GC_STRESS", "1");
            } else {
                cmd.env_remove("WK_GC_STRESS");
            }
            let o = cmd.output().unwrap();
            let got = String::from_utf8_lossy(&o.stdout);
            assert!(
                o.status.success(),
                "snippet {i} failed:\n{code}\n{}",
                String::from_utf8_lossy(&o.stderr)
            );
            assert_eq!(
                &got, expected,
                "snippet {i} (stress: {stress}) printed something else:\n{code}"
            );
        }
    }
}
