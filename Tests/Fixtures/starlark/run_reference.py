#!/usr/bin/env python3
"""Validates the chunked Starlark test corpus against go.starlark.net.

Runs every chunk of every `Tests/Fixtures/starlark/*.star` file (except
`assert.star`) under the `starlark_go` Python binding (PyPI `starlark-go`,
installed in `.venv` by `dev/setup`) and checks the same expectations the
Swift runner (`Tests/FrontendTests/Starlark/ChunkedFileTests.swift`) checks
against openrun, so every expectation in the corpus is what Go Starlark does.

Usage:  .venv/bin/python Tests/Fixtures/starlark/run_reference.py [-v] [FILE.star ...]
Exit status 0 when every chunk behaves as written, 1 otherwise.

Corpus format (shared with the Swift runner)
--------------------------------------------
* Chunks are separated by a line that is exactly `---`. Each chunk is a
  separate program; line numbers are those of the whole file (the chunk is
  padded with blank lines).
* `### "regex"` at the end of a line: that line must fail (syntax, resolve or
  runtime error) with a message matching the regex (a double-quoted,
  JSON-style string; Go RE2 syntax restricted to what NSRegularExpression and
  Python `re` also accept: in particular escape `{` and `}`, which ICU
  rejects when they are not a repetition; this runner checks that). Every error must have a `###` on its line and
  every `###` must be hit. A runtime error stops the chunk, so a chunk has at
  most one runtime `###`; use `assert_fails` for more.
* Dialect options: a comment `# option:NAME ...` on the first line of the
  file applies to every chunk; such a comment on the first line of a chunk
  applies to that chunk. NAME is one of set, while, recursion,
  toplevelcontrol, globalreassign (openrun's `--enable` features).
* `# reference:skip REASON` on the first line of a chunk skips that chunk
  here (documented reasons only: things the binding cannot express).
* Chunks use the helpers of `assert.star` (loaded with `load("assert.star",
  ...)`) and the `--test` predeclared `error`, `matches`, `freeze`.

How the binding is used, and its limits
---------------------------------------
* starlark_go 1.0.1 embeds go.starlark.net v0.0.0-20230302034142. Its
  options are process-wide (`configure_starlark`): `allow_recursion` enables
  both `while` and recursion, `allow_global_reassign` enables both
  `globalreassign` and `toplevelcontrol` (the legacy resolver flags), so an
  option is validated together with its partner.
* No `load`: `load("assert.star", ...)` is emulated by executing
  assert.star first in the same interpreter (its globals become predeclared
  for the chunk) and blanking the load line. Chunks loading other files are
  marked `reference:skip`.
* Starlark functions cannot be passed to Python, so `catch(f)` cannot be
  built. `assert_fails(f, pattern)` is replaced by a Starlark version that
  counts its calls through a Python callback: the chunk is run once with every
  `assert_fails` a no-op, then once per call k with call k really calling
  `f()`; that run must end in an error raised during call k whose message
  matches `pattern`. Chunks must therefore not call `catch` directly.
* `freeze(x)` is emulated by splitting the chunk after a top-level
  `freeze(...)` line: go.starlark.net freezes a program's globals when it
  finishes, and the second part sees them as predeclared (frozen) values.
* `error(msg)` and `matches(pattern, s)` are Python callbacks.
* `module` and `struct` do not exist in go.starlark.net's core; chunks using
  them are `reference:skip`.
"""

import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OPTION_RE = re.compile(r"option:([a-z]+)")
FEATURES = {"set", "while", "recursion", "toplevelcontrol", "globalreassign"}

try:
    import starlark_go as sg
except ImportError:  # pragma: no cover
    sys.exit("run_reference.py: cannot import starlark_go; run dev/setup and use .venv/bin/python")


class Chunk:
    def __init__(self, path, start, lines, options, skip):
        self.path = path
        self.start = start  # 0-based line index of the chunk's first line in the file
        self.lines = lines
        self.options = options
        self.skip = skip
        self.want = {}  # 1-based line -> regex
        for i, line in enumerate(lines):
            k = line.find("###")
            if k >= 0:
                self.want[start + i + 1] = json.loads(line[k + 3:].strip())
                if re.search(r"(?<!\\)[{}]", self.want[start + i + 1]):
                    raise SystemExit("%s:%d: escape { and } in ### patterns (NSRegularExpression rejects them)" % (path, start + i + 1))

    def source(self, lines=None):
        return "\n" * self.start + "\n".join(self.lines if lines is None else lines) + "\n"


def parse_options(line):
    if not line.lstrip().startswith("#"):
        return set()
    return {m for m in OPTION_RE.findall(line) if m in FEATURES}


def read_chunks(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    all_lines = text.split("\n")
    if all_lines and all_lines[-1] == "":
        all_lines.pop()
    file_opts = parse_options(all_lines[0]) if all_lines else set()
    chunks, start = [], 0
    for i in range(len(all_lines) + 1):
        if i == len(all_lines) or all_lines[i] == "---":
            lines = all_lines[start:i]
            first = lines[0] if lines else ""
            opts = file_opts | parse_options(first)
            skip = "reference:skip" in first
            chunks.append(Chunk(path, start, lines, opts, skip))
            start = i + 1
    return chunks


ASSERT_FAILS_OVERRIDE = '''
def assert_fails(f, pattern):
    if __tick(pattern):
        f()

def freeze(x):
    return None
'''


class Outcome:
    def __init__(self):
        self.errors = []  # (line or None, message)
        self.reports = []  # error() calls
        self.ticks = []  # patterns passed to assert_fails, in call order
        self.fail_tick = None  # tick count when the run failed


def innermost_line(backtrace, filename):
    line = None
    for m in re.finditer(r"^\s+" + re.escape(filename) + r":(\d+):\d+: in ", backtrace, re.M):
        line = int(m.group(1))
    return line


def run(chunk, assert_src, target):
    """Runs the chunk once; `target` is the assert_fails call (1-based) that really calls f, or 0."""
    sg.configure_starlark(
        allow_set="set" in chunk.options,
        allow_global_reassign=bool(chunk.options & {"toplevelcontrol", "globalreassign"}),
        allow_recursion=bool(chunk.options & {"while", "recursion"}),
    )
    out = Outcome()

    def error(msg):
        out.reports.append(str(msg))
        return None

    def matches(pattern, s):
        return re.search(pattern, s) is not None

    def catch(f):
        raise RuntimeError("catch is not available in the reference runner")

    def tick(pattern):
        out.ticks.append(pattern)
        return len(out.ticks) == target

    callbacks = {"error": error, "matches": matches, "catch": catch, "__tick": tick}
    s = sg.Starlark(globals=callbacks, print=lambda _msg: None)
    s.exec(assert_src, filename="assert.star")
    s.exec(ASSERT_FAILS_OVERRIDE, filename="assert_override.star")

    lines = [("" if re.match(r'\s*load\("assert\.star"', l) else l) for l in chunk.lines]
    # Split after top-level freeze(...) lines (see the module doc).
    parts, cur = [], []
    for l in lines:
        cur.append(l)
        if re.match(r"freeze\(", l):
            parts.append(cur)
            cur = []
    parts.append(cur)
    fname = os.path.basename(chunk.path)
    offset = chunk.start
    for part in parts:
        src = "\n" * offset + "\n".join(part) + "\n"
        offset += len(part)
        try:
            s.exec(src, filename=fname)
        except sg.SyntaxError as e:
            out.errors.append((e.line, e.msg))
            break
        except sg.ResolveError as e:
            for item in e.errors:
                out.errors.append((item.line, item.msg))
            break
        except sg.EvalError as e:
            out.errors.append((innermost_line(e.backtrace, fname), e.args[0]))
            out.fail_tick = len(out.ticks)
            break
        except sg.StarlarkError as e:
            out.errors.append((None, str(e)))
            break
    return out


def check_chunk(chunk, assert_src):
    problems = []
    where = lambda line: "%s:%s" % (os.path.relpath(chunk.path, HERE), line)
    out = run(chunk, assert_src, 0)
    hit = set()
    for line, msg in out.errors:
        pattern = chunk.want.get(line)
        if pattern is None:
            problems.append("%s: unexpected error: %s" % (where(line), msg))
        elif not re.search(pattern, msg):
            problems.append("%s: error %r does not match %r" % (where(line), msg, pattern))
        else:
            hit.add(line)
    for line in sorted(set(chunk.want) - hit):
        if not any(l == line for l, _ in out.errors):
            problems.append("%s: expected error matching %r did not occur" % (where(line), chunk.want[line]))
    for r in out.reports:
        problems.append("%s: error(): %s" % (where(chunk.start + 1), r))
    # Each assert_fails call: run again with that call really calling f().
    for k in range(1, len(out.ticks) + 1):
        pattern = out.ticks[k - 1]
        o = run(chunk, assert_src, k)
        if o.fail_tick != k:
            if o.fail_tick is None:
                problems.append("%s: assert_fails call #%d (%r) succeeded in go.starlark.net" % (where(chunk.start + 1), k, pattern))
            else:
                problems.append("%s: assert_fails call #%d (%r): run failed elsewhere: %r" % (where(chunk.start + 1), k, pattern, o.errors))
            continue
        msg = o.errors[-1][1]
        if not re.search(pattern, msg):
            problems.append("%s: assert_fails call #%d: error %r does not match %r" % (where(o.errors[-1][0]), k, msg, pattern))
    return problems, len(out.ticks)


def main(argv):
    verbose = "-v" in argv
    files = [a for a in argv if not a.startswith("-")]
    if not files:
        files = sorted(
            os.path.join(HERE, f) for f in os.listdir(HERE)
            if f.endswith(".star") and f != "assert.star"
        )
    with open(os.path.join(HERE, "assert.star"), encoding="utf-8") as f:
        assert_src = f.read()
    total = skipped = failed = checks = 0
    for path in files:
        for chunk in read_chunks(path):
            if not any(l.strip() and not l.strip().startswith("#") for l in chunk.lines):
                continue
            total += 1
            if chunk.skip:
                skipped += 1
                if verbose:
                    print("skip %s:%d" % (os.path.relpath(path, HERE), chunk.start + 1))
                continue
            problems, n = check_chunk(chunk, assert_src)
            checks += n + len(chunk.want)
            if problems:
                failed += 1
                for p in problems:
                    print(p)
    print("reference: %d chunks, %d skipped, %d failed, %d error expectations checked"
          % (total, skipped, failed, checks))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
