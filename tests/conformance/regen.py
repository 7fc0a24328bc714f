#!/usr/bin/env python3
"""Regenerates the expected output of every conformance program by running it under python3.

Usage: python3 tests/conformance/regen.py [NAME...]
Each NAME.wk is a valid Python 3.11 program; its stdout goes to NAME.out. A program whose
expectation is written by hand (wk deliberately differs) has a NAME.handwritten marker and is
skipped; docs/differences.md lists those cases.
"""
import pathlib
import subprocess
import sys

here = pathlib.Path(__file__).resolve().parent
names = sys.argv[1:]
programs = sorted(p for p in here.glob("*.wk") if not p.name.startswith("_")) if not names else [here / (n if n.endswith(".wk") else n + ".wk") for n in names]
for prog in programs:
    if prog.with_suffix(".handwritten").exists():
        continue
    r = subprocess.run([sys.executable, prog.name], cwd=here, capture_output=True, text=True, timeout=120)
    if r.returncode != 0:
        print(f"{prog.name}: python3 exited {r.returncode}\n{r.stderr}", file=sys.stderr)
        sys.exit(1)
    prog.with_suffix(".out").write_text(r.stdout)
    print(f"wrote {prog.with_suffix('.out').name}")
