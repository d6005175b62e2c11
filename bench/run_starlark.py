#!/usr/bin/env python3
"""Benchmark driver behind bench/run-starlark (see bench/README.md).

Each program runs --reps times in each implementation, the three
implementations interleaved rep by rep; the median is reported. Start-up is subtracted per implementation: the median time of
bench/starlark/empty.star, measured the same way, is subtracted from every
program's median.

* openrun: one process per run (`openrun starlark --enable recursion FILE`),
  wall-clock time around the process, so the figure includes process start,
  parse, resolve and evaluation; subtracting empty.star removes the process
  and runtime start-up.
* go.starlark.net (starlark_go) and starlark-rust (starlark) run in this
  Python process: the time around exec/eval of the source text (parse,
  resolve/compile and evaluation); subtracting empty.star removes the
  per-call set-up. Interpreter and library loading happen once, outside the
  timings.

Every implementation's printed output is compared; a program whose outputs
differ is flagged in the table.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PROGRAMS = os.path.join(HERE, "starlark")


def time_openrun(binary, path, reps):
    times, out = [], None
    for _ in range(reps):
        t0 = time.perf_counter()
        p = subprocess.run([binary, "starlark", "--enable", "recursion", path], capture_output=True, text=True)
        times.append(time.perf_counter() - t0)
        if p.returncode != 0:
            return None, "error: " + (p.stderr.strip().splitlines() or ["exit %d" % p.returncode])[0][:80]
        out = p.stdout
    return statistics.median(times), out


def time_go(src, name, reps):
    import starlark_go as sg
    sg.configure_starlark(allow_recursion=True)
    times, out = [], None
    for _ in range(reps):
        lines = []
        s = sg.Starlark(print=lines.append)
        t0 = time.perf_counter()
        s.exec(src, filename=name)
        times.append(time.perf_counter() - t0)
        out = "".join(l + "\n" for l in lines)
    return statistics.median(times), out


def time_rust(src, name, reps):
    import starlark as sl
    times, out = [], None
    for _ in range(reps):
        lines = []
        mod = sl.Module()
        mod.add_callable("print", lambda *a, **k: lines.append(" ".join(str(x) for x in a)))
        glb = sl.Globals.standard()
        t0 = time.perf_counter()
        sl.eval(mod, sl.parse(name, src, sl.Dialect.standard()), glb)
        times.append(time.perf_counter() - t0)
        out = "".join(l + "\n" for l in lines)
    return statistics.median(times), out


def fmt_ms(t):
    return "n/a" if t is None else "%.1f" % (t * 1000)


def ratio(a, b):
    if a is None or b is None or b <= 0:
        return "n/a"
    return "%.2f" % (a / b)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--openrun", required=True)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("programs", nargs="*")
    a = ap.parse_args()
    names = a.programs or sorted(f for f in os.listdir(PROGRAMS) if f.endswith(".star") and f != "empty.star")
    have_openrun = os.access(a.openrun, os.X_OK)

    def measure(name):
        # Interleave the implementations rep by rep, so load from other
        # processes on the machine affects all three alike.
        path = os.path.join(PROGRAMS, name)
        src = open(path, encoding="utf-8").read()
        ot, gt, rt = [], [], []
        o = g = r = (None, None)
        for _ in range(a.reps):
            o = time_openrun(a.openrun, path, 1) if have_openrun else (None, "error: no binary")
            g = time_go(src, name, 1)
            r = time_rust(src, name, 1)
            ot.append(o[0]); gt.append(g[0]); rt.append(r[0])
        med = lambda ts: None if any(t is None for t in ts) else statistics.median(ts)
        return (med(ot), o[1]), (med(gt), g[1]), (med(rt), r[1])

    (eo, _), (eg, _), (er, _) = measure("empty.star")
    rows = []
    for name in names:
        (o, oout), (g, gout), (r, rout) = measure(name)
        o2 = None if o is None or eo is None else max(o - eo, 1e-6)
        g2, r2 = max(g - eg, 1e-6), max(r - er, 1e-6)
        notes = []
        if o is None:
            notes.append("openrun " + oout)
        elif oout != gout:
            notes.append("openrun output differs from go")
        if rout != gout:
            notes.append("rust output differs from go")
        rows.append((name, o2, g2, r2, "; ".join(notes)))
    print("start-up subtracted (median of empty.star): openrun %s ms, go %s ms, rust %s ms; %d reps, medians"
          % (fmt_ms(eo), fmt_ms(eg), fmt_ms(er), a.reps))
    print()
    print("| program | openrun ms | go ms | rust ms | openrun/go | openrun/rust | go/rust | notes |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for name, o, g, r, note in rows:
        print("| %s | %s | %s | %s | %s | %s | %s | %s |" % (name, fmt_ms(o), fmt_ms(g), fmt_ms(r), ratio(o, g), ratio(o, r), ratio(g, r), note))


if __name__ == "__main__":
    main()
