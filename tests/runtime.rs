//! Runs the wk binary on small programs: collections during long loops, deep recursion without
//! the Rust stack, exit statuses, syntax errors and tracebacks.

use std::io::Write;
use std::process::{Command, Output};

fn wk_file(name: &str, src: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let dir = std::env::temp_dir().join(format!("wk-test-{}-{}", std::process::id(), name));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{name}.wk"));
    std::fs::File::create(&path)
        .unwrap()
        .write_all(src.as_bytes())
        .unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wk"));
    cmd.arg(&path)
        .args(args)
        .current_dir(&dir)
        .env_remove("WK_GC_STRESS");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Automatic collections run in the middle of long loops and keep the heap bounded.
#[test]
fn collections_happen_mid_program() {
    let src = r#"
import gc
class Node:
    def __init__(self, v):
        self.v = v
        self.next = None
before = gc.get_stats()[0]
for i in range(10_000_000):
    n = Node(i)
mid = gc.get_stats()[0]
for i in range(300_000):
    a = Node(i)
    b = Node(i)
    a.next = b
    b.next = a
after = gc.get_stats()[0]
print(mid["collections"] - before["collections"])
print(after["collections"] - mid["collections"])
print(after["peak_objects"])
print(after["collected"])
"#;
    let o = wk_file("pacing", src, &[], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let nums: Vec<u64> = stdout(&o)
        .lines()
        .map(|l| l.trim().parse().unwrap())
        .collect();
    let (first_loop, cycle_loop, peak, collected) = (nums[0], nums[1], nums[2], nums[3]);
    assert!(
        first_loop >= 10,
        "only {first_loop} collections during 10M allocations"
    );
    assert!(cycle_loop >= 1, "no collection during the cycle loop");
    // 10.6 million objects were allocated; a bounded heap keeps only a sliver alive at once
    assert!(peak < 200_000, "peak heap of {peak} objects is not bounded");
    assert!(
        collected > 10_000_000,
        "only {collected} objects were freed"
    );
}

#[test]
fn recursion_limit_and_deep_recursion() {
    let src = r#"
import sys
def down(n):
    return 0 if n == 0 else 1 + down(n - 1)
print(sys.getrecursionlimit())
try:
    down(5000)
except RecursionError as e:
    print("RecursionError:", e)
print(down(990))
sys.setrecursionlimit(200000)
print(down(100000))
def gen_depth(n):
    if n:
        yield from gen_depth(n - 1)
    yield n
print(sum(1 for _ in gen_depth(300)))
"#;
    let o = wk_file("recursion", src, &[], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "1000\nRecursionError: maximum recursion depth exceeded\n990\n100000\n301\n"
    );
}

#[test]
fn uncaught_exception_prints_traceback_and_exits_1() {
    let src = "def f(x):\n    return 1 / x\n\ndef g():\n    return f(0)\n\ng()\n";
    let o = wk_file("tb", src, &[], &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines[0], "Traceback (most recent call last):");
    assert!(lines[1].ends_with("line 7, in <module>"), "{err}");
    assert_eq!(lines[2], "    g()");
    assert!(lines[3].ends_with("line 5, in g"), "{err}");
    assert_eq!(lines[4], "    return f(0)");
    assert!(lines[5].ends_with("line 2, in f"), "{err}");
    assert_eq!(lines[6], "    return 1 / x");
    assert_eq!(lines[7], "ZeroDivisionError: division by zero");
}

#[test]
fn syntax_error_shows_location_and_exits_1() {
    let o = wk_file("syntax", "x = 1\nif x\n    print(x)\n", &[], &[]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("syntax.wk\", line 2"), "{err}");
    assert!(err.contains("    if x\n"), "{err}");
    assert!(err.contains("^"), "{err}");
    assert!(
        err.trim_end().ends_with("SyntaxError: invalid syntax")
            || err.contains("SyntaxError: expected ':'"),
        "{err}"
    );
    let o = wk_file("indent", "def f():\nreturn 1\n", &[], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("IndentationError: expected an indented block"),
        "{}",
        stderr(&o)
    );
    let o = wk_file("unclosed", "print((1, 2)\n", &[], &[]);
    assert!(
        stderr(&o).contains("SyntaxError: '(' was never closed"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn exit_statuses_and_argv() {
    let o = wk_file(
        "argv",
        "import sys\nprint(sys.argv[1:])\nsys.exit(3)\n",
        &["a", "b c"],
        &[],
    );
    assert_eq!(o.status.code(), Some(3));
    assert_eq!(stdout(&o), "['a', 'b c']\n");
    let o = wk_file("exit0", "raise SystemExit\n", &[], &[]);
    assert_eq!(o.status.code(), Some(0));
    let o = wk_file("exitmsg", "import sys\nsys.exit('bye')\n", &[], &[]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr(&o), "bye\n");
    let o = Command::new(env!("CARGO_BIN_EXE_wk"))
        .arg("/nonexistent/file.wk")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("can't open file"), "{}", stderr(&o));
    let o = Command::new(env!("CARGO_BIN_EXE_wk"))
        .args(["-c", "print(6 * 7)"])
        .output()
        .unwrap();
    assert_eq!(stdout(&o), "42\n");
}

#[test]
fn piped_stdin_echoes_expression_values() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_wk"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"x = 2\nx * 21\ndef f():\n    return 'hi'\n\nf()\nNone\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&o.stdout), "42\n'hi'\n");
}

#[test]
fn gc_stress_mode_collects_at_every_safe_point() {
    let src = "import gc\nt = 0\nfor i in range(1000):\n    t += i\nprint(t, gc.get_stats()[0]['collections'] >= 1000)\n";
    let o = wk_file("stress", src, &[], &[("WK_GC_STRESS", "1")]);
    assert_eq!(stdout(&o), "499500 True\n", "{}", stderr(&o));
}

/// Iterating large weak containers while automatic collections kill entries mid-loop: no
/// "changed size" errors, no dead entries, and a consistent len().
#[test]
fn weak_containers_survive_collections_mid_iteration() {
    let src = r#"
import weakref, gc
class Item:
    def __init__(self, n):
        self.n = n
        self.payload = [n] * 4
N = 100_000
items = [Item(i) for i in range(N)]
wvd = weakref.WeakValueDictionary((i, it) for i, it in enumerate(items))
wkd = weakref.WeakKeyDictionary((it, i) for i, it in enumerate(items))
ws = weakref.WeakSet(items)
start = gc.get_stats()[0]["collections"]
seen = 0
bad = 0
for key, value in wvd.items():
    if seen == 10:
        del items[N // 2:]
    if value.n != key:
        bad += 1
    seen += 1
    junk = [Item(-1) for _ in range(3)]
for key, value in wkd.items():
    if key.n != value:
        bad += 1
    junk = [Item(-1) for _ in range(3)]
for it in ws:
    if it.payload != [it.n] * 4:
        bad += 1
    junk = [Item(-1) for _ in range(3)]
del it, key, value, junk
ran = gc.get_stats()[0]["collections"] - start
gc.collect()
print(ran > 0, bad, seen < N, len(wvd), len(wkd), len(ws), len(list(wvd)), len(list(ws)))
"#;
    let o = wk_file("weakiter", src, &[], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "True 0 True 50000 50000 50000 50000 50000\n",
        "{}",
        stderr(&o)
    );
}

/// Exceptions in __del__ and weakref callbacks are reported on stderr as CPython does, never
/// propagated, and the remaining callbacks still run.
#[test]
fn exceptions_in_finalizers_are_reported_not_raised() {
    let src = r#"
import gc, weakref
class Bad:
    def __del__(self):
        raise ValueError("from __del__")
class Obj:
    pass
def failing(wr):
    raise KeyError("from callback")
def fine(wr):
    print("fine callback ran")
b = Bad()
o = Obj()
r1 = weakref.ref(o, fine)
r2 = weakref.ref(o, failing)
del b, o
gc.collect()
print("still running")
"#;
    let o = wk_file("ignored", src, &[], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "fine callback ran\nstill running\n");
    let err = stderr(&o);
    assert!(
        err.contains("Exception ignored in: <function Bad.__del__ at 0x"),
        "{err}"
    );
    assert!(err.contains("ValueError: from __del__"), "{err}");
    assert!(
        err.contains("Exception ignored in: <function failing at 0x"),
        "{err}"
    );
    assert!(err.contains("KeyError: 'from callback'"), "{err}");
    assert!(err.contains("Traceback (most recent call last):"), "{err}");
}

/// Callbacks and `__del__` methods queued by automatic collections run as frames on top of
/// the interrupted code: the program's own state (a loop half way through, a value stack in
/// mid-expression, an active `try`) is untouched, and an exception escaping one is reported,
/// not raised into the code it interrupted.
#[test]
fn finalizers_between_slices_interrupt_nothing() {
    let src = r#"
import weakref
ran = [0, 0, 0]
class Node:
    pass
class Noisy:
    def __del__(self):
        ran[2] += 1
        if ran[2] == 1:
            raise ValueError("from __del__ between slices")
def on_death(r):
    ran[0] += 1
    if ran[0] == 1:
        raise KeyError("from callback between slices")
    depth(50)
def depth(n):
    return 0 if n == 0 else 1 + depth(n - 1)
def caught(r):
    try:
        raise IndexError("handled inside")
    except IndexError:
        ran[1] += 1
keep = set()
total = 0
try:
    for i in range(60000):
        o = Node()
        keep.add(weakref.ref(o, on_death if i % 2 else caught))
        Noisy()
        total += (i * 2 + len(keep) - len(keep)) // 2
except Exception as e:
    print("leaked into the program:", e)
print(total == sum(range(60000)), ran[0] > 1000, ran[1] > 1000, ran[2] > 1000)
"#;
    let o = wk_file("between_slices", src, &[], &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "True True True True\n");
    let err = stderr(&o);
    assert!(
        err.contains("Exception ignored in: <function on_death at 0x"),
        "{err}"
    );
    assert!(
        err.contains("KeyError: 'from callback between slices'"),
        "{err}"
    );
    assert!(
        err.contains("Exception ignored in: <function Noisy.__del__ at 0x"),
        "{err}"
    );
    assert!(
        err.contains("ValueError: from __del__ between slices"),
        "{err}"
    );
    assert_eq!(err.matches("Exception ignored").count(), 2, "{err}");
}
