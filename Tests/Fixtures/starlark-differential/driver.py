#!/usr/bin/env python3
"""Differential testing driver: generates Starlark programs and runs them in
the reference implementations (go.starlark.net through PyPI `starlark-go`,
starlark-rust through PyPI `starlark-pyo3`), each batched in this one process.

Usage:
  driver.py generate OUTDIR [--count N] [--seed S]
      Writes OUTDIR/pNNNN.star (N programs, deterministic for a seed) and
      OUTDIR/expected.json: {"programs": [{"name", "kind", "go": R, "rust": R}]}
      where R = {"ok": bool, "out": [printed lines], "error": str|null} and,
      for "go", "line": the failing line (innermost frame in the program) and
      "caller_line" (the frame that called it, for runtime errors).

The openrun side (DifferentialTests.swift) runs each program with
`openrun starlark --enable recursion FILE` and compares stdout lines and
success/failure with "go"; "rust" differences are only reported.

Programs print only through `show(...)`, which prints one string (the repr of
its arguments joined by spaces), so every implementation's print hook sees
the same Starlark-formatted text. Top level holds only definitions,
assignments (each name once) and show() calls: the core dialect plus
recursion, which all three implementations accept.
"""

import json
import os
import random
import re
import sys

PRELUDE = '''def show(*xs):
    print(" ".join([repr(x) for x in xs]))

'''

# --- generators ------------------------------------------------------------


class Gen:
    def __init__(self, rng):
        self.r = rng
        self.n = 0

    def name(self, prefix="v"):
        self.n += 1
        return "%s%d" % (prefix, self.n)

    # values
    def small_int(self):
        return str(self.r.choice([0, 1, 2, 3, 5, 7, 10, 13, 100, -1, -3, -8, 255, 1000]))

    def big_int(self):
        digits = self.r.randint(10, 45)
        s = str(self.r.randint(1, 9)) + "".join(str(self.r.randint(0, 9)) for _ in range(digits - 1))
        return ("-" if self.r.random() < 0.3 else "") + s

    def int_lit(self):
        k = self.r.random()
        if k < 0.55:
            return self.small_int()
        if k < 0.8:
            return self.big_int()
        if k < 0.9:
            return self.r.choice(["0x7f", "0o17", "0b1011", "0xFFFFFFFFFFFFFFFF", "9223372036854775807", "-9223372036854775808"])
        return "(1 << %d)" % self.r.choice([31, 32, 62, 63, 64, 100])

    def float_lit(self):
        return self.r.choice(["0.5", "1.25", "3.0", "-2.5", "1e10", "2.5e-3", "1e300", "0.1", "123.456", "1e-5", "7.0", "1e21", "1e22"])

    def num(self, depth=0):
        k = self.r.random()
        if depth > 2 or k < 0.35:
            return self.int_lit() if self.r.random() < 0.8 else self.float_lit()
        op = self.r.choice(["+", "-", "*", "//", "%", "/", "+", "*", "-"])
        if k < 0.45:
            return "-(%s)" % self.num(depth + 1)
        return "(%s %s %s)" % (self.num(depth + 1), op, self.num(depth + 1))

    def int_expr(self, depth=0):
        k = self.r.random()
        if depth > 2 or k < 0.35:
            return self.int_lit()
        if k < 0.5:
            return "(%s %s %d)" % (self.int_expr(depth + 1), self.r.choice(["<<", ">>"]), self.r.randint(0, 70))
        op = self.r.choice(["+", "-", "*", "//", "%", "&", "|", "^"])
        if k < 0.55:
            return "~(%s)" % self.int_expr(depth + 1)
        return "(%s %s %s)" % (self.int_expr(depth + 1), op, self.int_expr(depth + 1))

    def word(self):
        return self.r.choice(["", "a", "abc", "Hello", "hello world", "  pad  ", "a,b,,c", "x-y-z", "MiXeD", "123", "héllo", "tab\tsep", "line1\nline2", "{}", "%", "aaa"])

    def str_lit(self):
        return json.dumps(self.word(), ensure_ascii=False)

    # programs
    def arithmetic(self):
        lines = []
        for _ in range(self.r.randint(4, 9)):
            k = self.r.random()
            if k < 0.35:
                lines.append("show(%s)" % self.num())
            elif k < 0.6:
                lines.append("show(%s)" % self.int_expr())
            elif k < 0.8:
                a, b = self.num(1), self.num(1)
                op = self.r.choice(["<", "<=", "==", "!=", ">", ">="])
                lines.append("show(%s %s %s)" % (a, op, b))
            else:
                f = self.r.choice(["abs", "int", "float", "str", "bool", "repr"])
                lines.append("show(%s(%s))" % (f, self.num(1)))
        return lines

    def strings(self):
        lines = []
        s = self.name("s")
        lines.append("%s = %s" % (s, self.str_lit()))
        for _ in range(self.r.randint(4, 9)):
            k = self.r.random()
            w = self.str_lit()
            if k < 0.35:
                m = self.r.choice([
                    "upper()", "lower()", "title()", "capitalize()", "strip()", "lstrip()", "rstrip()",
                    "split()", "split(\",\")", "rsplit(\"-\", 1)", "splitlines()", "isalpha()", "isdigit()",
                    "isspace()", "islower()", "isupper()", "istitle()", "isalnum()",
                    "find(\"a\")", "rfind(\"a\")", "count(\"a\")", "startswith(\"a\")", "endswith(\"c\")",
                    "replace(\"a\", \"X\")", "replace(\"a\", \"X\", 1)", "partition(\"-\")", "rpartition(\"-\")",
                    "removeprefix(\"a\")", "removesuffix(\"c\")", "index(\"b\")", "strip(\"a \")",
                    "elems()", "codepoints()", "format(1, 2)",
                ])
                if m in ("elems()", "codepoints()"):
                    lines.append("show(list(%s.%s))" % (s, m))
                else:
                    lines.append("show(%s.%s)" % (s, m))
            elif k < 0.55:
                i, j = self.r.randint(-6, 8), self.r.randint(-6, 8)
                step = self.r.choice(["", ":2", ":-1", ":3", ":-2"])
                lines.append("show(%s[%d:%d%s], %s[%d:], %s[:%d])" % (s, i, j, step, s, i, s, j))
            elif k < 0.65:
                lines.append("show(%s[%d])" % (s, self.r.randint(-1, 0)) if self.r.random() < 0.6 else "show(%s[%d])" % (s, self.r.randint(-4, 6)))
            elif k < 0.8:
                fmt = self.r.choice(["%s", "%r", "%d", "%s-%s", "[%s]", "%x", "%o", "%d%%", "%s %r"])
                n = fmt.count("%") - 2 * fmt.count("%%")
                args = [self.r.choice([w, self.small_int(), "[1, 2]", "None", "True", "2.5"]) for _ in range(n)]
                lines.append("show(%s %% (%s%s))" % (json.dumps(fmt), ", ".join(args), "," if n == 1 else ""))
            elif k < 0.9:
                lines.append("show(%s + %s, %s * %d, %s in %s, len(%s))" % (s, w, s, self.r.randint(-1, 3), w, s, s))
            else:
                lines.append("show(\"-\".join([%s, %s]), %s < %s, %s.format(%s))" % (s, w, s, w, json.dumps("<{}>"), s))
        return lines

    def collections(self):
        lines = []
        xs, d, t = self.name("xs"), self.name("d"), self.name("t")
        elems = [self.r.choice([self.small_int(), self.str_lit(), "None", "True", "(1, 2)", "2.5"]) for _ in range(self.r.randint(0, 6))]
        lines.append("%s = [%s]" % (xs, ", ".join(elems)))
        keys = self.r.sample(["\"a\"", "\"b\"", "\"c\"", "1", "2", "(1, 2)", "None", "True"], self.r.randint(0, 5))
        lines.append("%s = {%s}" % (d, ", ".join("%s: %s" % (k, self.small_int()) for k in keys)))
        lines.append("%s = (%s)" % (t, "".join(self.small_int() + ", " for _ in range(self.r.randint(0, 4)))))
        body = ["def work():"]
        for _ in range(self.r.randint(4, 10)):
            k = self.r.random()
            if k < 0.2:
                body.append("    l = list(%s)" % xs)
                body.append("    l.%s" % self.r.choice(["append(9)", "extend([7, 8])", "insert(1, 0)", "pop()", "pop(0)", "clear()", "insert(-1, 5)"]))
                body.append("    show(l, len(l))")
            elif k < 0.35:
                body.append("    m = dict(%s)" % d)
                body.append("    show(m.%s, m)" % self.r.choice(["get(\"a\")", "get(\"z\", 0)", "pop(\"a\", None)", "setdefault(\"n\", 1)", "keys()", "values()", "items()", "update(z = 1)", "popitem()", "pop(\"b\")"]))
            elif k < 0.5:
                body.append("    show(sorted(%s, key = repr), [x for x in %s if x != None], %s)" % (xs, xs, self.r.choice(["reversed(%s)" % t, "enumerate(%s)" % t, "zip(%s, %s)" % (t, xs), "list(%s)" % d])))
            elif k < 0.6:
                body.append("    show({str(k): v for k, v in %s.items()}, [k for k in %s])" % (d, d))
            elif k < 0.7:
                i = self.r.randint(-4, 6)
                body.append("    show(%s[%d:], %s[::-1], %s[%d:%d])" % (xs, i, t, self.r.choice([xs, t]), i, i + 2))
                if self.r.random() < 0.3:
                    body.append("    show(%s[%d])" % (self.r.choice([xs, t]), i))
            elif k < 0.8:
                body.append("    show(%s.get(%s), %s)" % (d, self.r.choice(keys or ["\"q\""]), "%s[%s]" % (d, keys[0]) if keys else "None"))
            elif k < 0.9:
                body.append("    show(%s + %s, %s * 2, %s in %s, max([1, 3, 2]), min(%s or [0], key = repr))" % (t, t, xs, self.small_int(), xs, xs))
            else:
                body.append("    a, b = %s" % self.r.choice(["1, 2", "[3, 4]", "\"ab\".elems()", "(1, 2)", "[[1], {}]", "(1, 2, 3)" if self.r.random() < 0.3 else "(5, 6)"]))
                body.append("    show(a, b)")
        lines += body
        lines.append("work()")
        return lines

    def functions(self):
        lines = []
        k = self.r.random()
        n = self.r.randint(0, 18)
        lines += [
            "def fib(n):",
            "    return n if n < 2 else fib(n - 1) + fib(n - 2)",
            "def fact(n):",
            "    return 1 if n <= 1 else n * fact(n - 1)",
            "def make_adder(k):",
            "    def add(x, y = 0, *rest, **kw):",
            "        return k + x + y + len(rest) + len(kw)",
            "    return add",
            "def counter():",
            "    c = [0]",
            "    def inc(by = 1):",
            "        c[0] += by",
            "        return c[0]",
            "    return inc",
            "def apply(f, *args, **kwargs):",
            "    return f(*args, **kwargs)",
        ]
        lines.append("show(fib(%d), fact(%d))" % (n, self.r.randint(0, 40)))
        a = self.r.randint(-5, 5)
        lines.append("add = make_adder(%d)" % a)
        for _ in range(self.r.randint(2, 6)):
            if self.r.random() < 0.85:
                args = self.r.choice(["1", "1, 2", "1, 2, 3, 4", "x = 1", "1, y = 2", "1, z = 3", "*[1, 2]", "**{\"x\": 1, \"y\": 2}", "2, q = 1, *[3, 4]"])
            else:
                args = self.r.choice(["", "1, 2, y = 3", "y = 1", "1, x = 2"])
            lines.append("show(add(%s))" % args)
        lines.append("inc = counter()")
        lines.append("show(inc(), inc(%d), inc(by = 2))" % self.r.randint(-3, 3))
        lines.append("show(apply(max, %s), apply(sorted, [3, 1, 2], reverse = %s))" % (", ".join(self.small_int() for _ in range(self.r.randint(2, 4))), self.r.choice(["True", "False"])))
        lines.append("show([(lambda x, y = %d: x * y)(i) for i in range(%d)])" % (self.r.randint(-2, 3), self.r.randint(0, 5)))
        return lines

    def floats(self):
        lines = []
        for _ in range(self.r.randint(4, 9)):
            k = self.r.random()
            a = self.r.choice([self.float_lit(), "%d.%d" % (self.r.randint(0, 99999), self.r.randint(0, 999)),
                               "%de%d" % (self.r.randint(1, 9), self.r.randint(-30, 30)), "float(%s)" % self.int_lit()])
            if k < 0.3:
                lines.append("show(%s, str(%s), %s)" % (a, a, self.r.choice(["-" + a, a + " * 3", a + " / 7", a + " // 3", a + " % 2.5"])))
            elif k < 0.55:
                fmt = self.r.choice(["%s", "%r", "%e", "%f", "%g", "%E", "%G", "%d"])
                lines.append("show(%s %% %s)" % (json.dumps(fmt), a))
            elif k < 0.7:
                lines.append("show(int(%s), %s < %s, %s == %s)" % (a, a, self.int_lit(), a, self.small_int()))
            elif k < 0.85:
                lines.append("show(float(%s), float(%s))" % (json.dumps(self.r.choice(["1.5", "-0.0", "1e5", "inf", "-inf", "nan", "2.5e-3", "12345678901234567890", "1_0.5", "0x1"])), self.int_lit()))
            else:
                lines.append("show(sorted([%s, %s, %s]), max(%s, %s), abs(%s))" % (a, self.float_lit(), self.small_int(), a, self.float_lit(), a))
        return lines

    def control(self):
        n = self.r.randint(0, 30)
        m = self.r.randint(1, 7)
        lines = [
            "def collatz(n):",
            "    steps = []",
            "    for _ in range(1000):",
            "        if n == 1:",
            "            break",
            "        steps.append(n)",
            "        n = n // 2 if n % 2 == 0 else 3 * n + 1",
            "    return steps",
            "def primes(limit):",
            "    out = []",
            "    for i in range(2, limit):",
            "        if any([i % p == 0 for p in out]):",
            "            continue",
            "        out.append(i)",
            "    return out",
            "def hanoi(n, a, b, c, moves):",
            "    if n == 0:",
            "        return moves",
            "    hanoi(n - 1, a, c, b, moves)",
            "    moves.append((a, c))",
            "    return hanoi(n - 1, b, a, c, moves)",
            "def group(xs, k):",
            "    out = {}",
            "    for x in xs:",
            "        out.setdefault(x %% k, []).append(x)",
            "    return out",
            "show(collatz(%d))" % (n + 1),
            "show(primes(%d))" % (n * 3),
            "show(len(hanoi(%d, \"a\", \"b\", \"c\", [])))" % min(m, 6),
            "show(group(range(%d), %d))" % (n, m),
            "show({k: sorted(v, reverse = True)[:2] for k, v in group(collatz(%d), %d).items()})" % (n + 2, m),
            "show([x if x %% 3 else -x for x in range(%d) if x %% %d != 1])" % (n, m + 1),
        ]
        return [l.replace("%%", "%") for l in lines]

    def mutations(self):
        """A random sequence of list/dict/set-free mutations, printing the state as it goes."""
        body = ["def work():", "    l = [3, 1, 2]", "    d = {\"a\": 1, \"b\": 2}", "    t = ()"]
        keys = ["\"a\"", "\"b\"", "\"c\"", "1", "2", "(1, 2)", "None", "True", "2.5"]
        for _ in range(self.r.randint(8, 20)):
            k = self.r.random()
            key = self.r.choice(keys)
            v = self.r.choice([self.small_int(), self.str_lit(), "[1]", "len(l)", "d.get(%s)" % key])
            if k < 0.12:
                body.append("    l.append(%s)" % v)
            elif k < 0.2:
                body.append("    l.insert(%d, %s)" % (self.r.randint(-5, 5), v))
            elif k < 0.27:
                body.append("    l.extend([%s, %s])" % (v, self.small_int()))
            elif k < 0.34:
                body.append("    if l:\n        l.pop(%d %% len(l))" % self.r.randint(-3, 3))
            elif k < 0.42:
                body.append("    d[%s] = %s" % (key, v))
            elif k < 0.48:
                body.append("    d.pop(%s, None)" % key)
            elif k < 0.53:
                body.append("    d.setdefault(%s, %s)" % (key, v))
            elif k < 0.58:
                body.append("    d.update([(%s, %s)], z = 0)" % (key, v))
            elif k < 0.63:
                body.append("    if d:\n        d.popitem()")
            elif k < 0.68:
                body.append("    l = sorted(l, key = repr)")
            elif k < 0.73:
                body.append("    l = l[%d:%d] + l[::%d]" % (self.r.randint(-4, 4), self.r.randint(-4, 6), self.r.choice([1, -1, 2, -2])))
            elif k < 0.78:
                body.append("    t = t + (%s,)" % v)
            elif k < 0.83:
                body.append("    l[%d %% len(l)] = %s" % (self.r.randint(-5, 5), v) if self.r.random() < 0.9 else "    l[99] = 0")
                body[-1] = "    if l:\n    " + body[-1] if "99" not in body[-1] else body[-1]
            elif k < 0.88:
                body.append("    d = {k: v for k, v in d.items() if type(v) != \"list\"}")
            else:
                body.append("    show(l, d, t, len(l) + len(d), [k for k in d], list(enumerate(t)))")
        body.append("    show(l, d, t)")
        return body + ["work()"]

    def errors(self):
        lines = ["show(\"before\")"]
        lines.append(self.r.choice([
            "show(1 // 0)", "show(1 % 0)", "show(1.0 / 0)", "show([1, 2][%d])" % self.r.randint(2, 5),
            "show({\"a\": 1}[\"b\"])", "show(1 + \"a\")", "show(\"a\" * \"b\")", "show(len(1))",
            "show([].pop())", "show(int(\"x\"))", "show(\"abc\".index(\"z\"))", "show(fail(\"custom\"))",
            "show(None.x)", "show((1, 2)[5])", "show(max([]))", "show({}.popitem())", "show(1 < \"a\")",
            "show(chr(-1))", "show(\"%d\" % \"a\")", "show(undefined_name)", "show({[1]: 2})",
            "show(range(0, 5, 0))", "show(sorted([1, \"a\"]))", "show(\"{}\".format())", "show(1 << -1)",
            "show(abs(\"x\"))", "show(getattr(1, \"nope\"))", "show(tuple(1))", "show(\"a\".join([1]))",
        ]))
        lines.append("show(\"after\")")
        return lines


KINDS = ["arithmetic", "strings", "collections", "functions", "floats", "control", "mutations", "errors"]


def generate(count, seed):
    rng = random.Random(seed)
    progs = []
    for i in range(count):
        kind = KINDS[i % len(KINDS)]
        g = Gen(random.Random(rng.randrange(1 << 30)))
        body = getattr(g, kind)()
        src = "# generated: %s program %d (seed %d)\n" % (kind, i, seed) + PRELUDE + "\n".join(body) + "\n"
        progs.append(("p%04d" % i, kind, src))
    return progs


# --- reference runners -------------------------------------------------------


def frame_lines(backtrace, filename):
    """Lines of the backtrace frames in the program, innermost first."""
    return [int(m.group(1)) for m in re.finditer(r"^\s+" + re.escape(filename) + r":(\d+):\d+: in ", backtrace, re.M)][::-1]


def run_go(src, name):
    """Go's outcome; "line" is the error's line (innermost frame in the program for runtime errors)."""
    import starlark_go as sg
    sg.configure_starlark(allow_set=False, allow_global_reassign=False, allow_recursion=True)
    out = []
    s = sg.Starlark(print=out.append)
    fname = name + ".star"
    try:
        s.exec(src, filename=fname)
        return {"ok": True, "out": out, "error": None, "line": None}
    except sg.SyntaxError as e:
        return {"ok": False, "out": out, "error": e.msg, "line": e.line}
    except sg.ResolveError as e:
        first = e.errors[0] if e.errors else None
        return {"ok": False, "out": out, "error": first.msg if first else str(e), "line": first.line if first else None}
    except sg.EvalError as e:
        lines = frame_lines(e.backtrace, fname)
        return {"ok": False, "out": out, "error": e.args[0], "line": lines[0] if lines else None,
                "caller_line": lines[1] if len(lines) > 1 else None}
    except sg.StarlarkError as e:
        return {"ok": False, "out": out, "error": str(e), "line": None}


def run_rust(src, name):
    import starlark as sl
    out = []
    mod = sl.Module()
    mod.add_callable("print", lambda *a, **k: out.append(" ".join(str(x) for x in a)))
    try:
        sl.eval(mod, sl.parse(name + ".star", src, sl.Dialect.standard()), sl.Globals.standard())
        return {"ok": True, "out": out, "error": None}
    except sl.StarlarkError as e:
        return {"ok": False, "out": out, "error": str(e)[:300]}
    except Exception as e:  # conversions etc.
        return {"ok": False, "out": out, "error": "python: %r" % e}


def main(argv):
    if len(argv) < 2 or argv[0] != "generate":
        sys.exit(__doc__)
    outdir = argv[1]
    count, seed = 400, 1
    if "--count" in argv:
        count = int(argv[argv.index("--count") + 1])
    if "--seed" in argv:
        seed = int(argv[argv.index("--seed") + 1])
    os.makedirs(outdir, exist_ok=True)
    progs = generate(count, seed)
    results = []
    for name, kind, src in progs:
        with open(os.path.join(outdir, name + ".star"), "w", encoding="utf-8") as f:
            f.write(src)
        results.append({"name": name, "kind": kind, "go": run_go(src, name), "rust": run_rust(src, name)})
    with open(os.path.join(outdir, "expected.json"), "w", encoding="utf-8") as f:
        json.dump({"seed": seed, "programs": results}, f, indent=1, ensure_ascii=False)
    ok = sum(1 for r in results if r["go"]["ok"])
    same = sum(1 for r in results if r["go"]["ok"] == r["rust"]["ok"] and r["go"]["out"] == r["rust"]["out"])
    print("generated %d programs (seed %d): %d succeed in go; rust agrees with go on %d" % (count, seed, ok, same))


if __name__ == "__main__":
    main(sys.argv[1:])
