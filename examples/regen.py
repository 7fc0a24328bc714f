#!/usr/bin/env python3
"""Regenerates the expected output of each example from python3.

Examples whose lesson is where wk differs from CPython carry a NAME.handwritten marker; their
NAME.out is written by hand (from wk's output, checked by a reader) and is not overwritten.
A NAME.args file holds the arguments the test passes (e.g. a small count for the benchmark).
"""
import pathlib
import subprocess
import sys

here = pathlib.Path(__file__).resolve().parent
for prog in sorted(here.rglob("*.wk")):
    if prog.with_suffix(".handwritten").exists():
        continue
    args_file = prog.with_suffix(".args")
    args = args_file.read_text().split() if args_file.exists() else []
    r = subprocess.run([sys.executable, prog.name, *args], cwd=prog.parent, capture_output=True, text=True, timeout=300)
    if r.returncode != 0:
        print(f"{prog}: python3 exited {r.returncode}\n{r.stderr}", file=sys.stderr)
        sys.exit(1)
    prog.with_suffix(".out").write_text(r.stdout)
    print(f"wrote {prog.relative_to(here).with_suffix('.out')}")
