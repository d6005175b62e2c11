"""Times openrun build per bundled spec and openrun apply of 100 apps.

Every command runs once per rep, in the same shuffled-free fixed order, reps
interleaved (A B C ... A B C ...), so drift of the machine hits all alike.
Prints medians (ms) and the time above the process floor (openrun --version).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time

FIX = "Tests/Fixtures/apps"
# spec -> (source, app path, extra flags), as the golden IR cases use them.
CASES = {
    "container": (f"{FIX}/container-app", "/app", ["--param", "app_name=Busybox"]),
    "go": (f"{FIX}/go-hello", "/goapp", ["--param", "port=8080"]),
    "image": ("-", "nginxapp.localhost:/", ["--param", "image=nginx", "--param", "port=80"]),
    "image-cmd": ("-", "/app", ["--param", "image=busybox:1.36"]),
    "java-spring-boot": (f"{FIX}/java-spring", "/app", []),
    "js-hono": (f"{FIX}/js-hono", "hono.localhost:/", []),
    "proxy": ("-", "/app", ["--param", "url=https://example.com"]),
    "python-asgi": (f"{FIX}/python-asgi", "/app", []),
    "python-fasthtml": (f"{FIX}/python-asgi", "fasthtmlapp.localhost:/", ["--param", "APP_MODULE=basic_ws:app"]),
    "python-flask": ("examples/hello-flask", "/hello", []),
    "python-gradio": (f"{FIX}/python-gradio", "/app", []),
    "python-nicegui": (f"{FIX}/python-nicegui", "/app", []),
    "python-reflex": (f"{FIX}/python-reflex", "reflex.localhost:/", []),
    "python-shiny": (f"{FIX}/python-shiny", "/app", []),
    "python-streamlit": (f"{FIX}/python-streamlit", "/streamlit_app", []),
    "python-streamlit-poetry": (f"{FIX}/streamlit-poetry", "/app", []),
    "python-wsgi": (f"{FIX}/python-wsgi", "/app", []),
    "static": (f"{FIX}/static-site", "/site", []),
    "static_disk": (f"{FIX}/static-site", "/disk", []),
    "static_single": (f"{FIX}/static-site", "/single", ["--param", "index=index.html"]),
}


def timed(cmd):
    t = time.perf_counter()
    r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    dt = time.perf_counter() - t
    if r.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{r.stderr.decode()}")
    return dt


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--openrun", required=True)
    ap.add_argument("--reps", type=int, default=7)
    ap.add_argument("--apps", type=int, default=100)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="openrun-bench-build-")
    try:
        specs = sorted(CASES)
        # 100 apps: the bundled specs over and over, each at its own path.
        lines = []
        for i in range(a.apps):
            spec = specs[i % len(specs)]
            src, _, flags = CASES[spec]
            params = {flags[j + 1].split("=", 1)[0]: flags[j + 1].split("=", 1)[1] for j in range(0, len(flags), 2) if flags[j] == "--param"}
            src = src if src == "-" else os.path.join(os.getcwd(), src)
            lines.append(f'app("/app{i}", {src!r}, spec={spec!r}, params={params!r})')
        apply_file = os.path.join(tmp, "apps.star")
        with open(apply_file, "w") as f:
            f.write("\n".join(lines) + "\n")

        commands = {"/bin/true": ["/bin/true"], "openrun --version": [a.openrun, "--version"]}
        for spec in specs:
            src, path, flags = CASES[spec]
            commands[f"build {spec}"] = [a.openrun, "build", src, path, "--spec", spec, *flags, "-o", os.path.join(tmp, "dist-" + spec)]
        commands[f"apply {a.apps} apps"] = [a.openrun, "apply", apply_file, "-o", os.path.join(tmp, "dist-apply")]

        times = {k: [] for k in commands}
        for k, c in commands.items():  # warm-up (caches, page cache)
            timed(c)
        for _ in range(a.reps):
            for k, c in commands.items():
                times[k].append(timed(c))
        med = {k: statistics.median(v) * 1000 for k, v in times.items()}
        floor = med["openrun --version"]
        print(f"{'command':<32} {'median ms':>10} {'min':>8} {'max':>8} {'above floor':>12}")
        for k, v in times.items():
            extra = "" if k in ("/bin/true", "openrun --version") else f"{med[k] - floor:>10.1f} ms"
            print(f"{k:<32} {med[k]:>10.1f} {min(v)*1000:>8.1f} {max(v)*1000:>8.1f} {extra:>12}")
        builds = [med[k] for k in med if k.startswith("build ")]
        print(f"\nbuild per app: median of medians {statistics.median(builds):.1f} ms, max {max(builds):.1f} ms "
              f"(floor openrun --version {floor:.1f} ms, /bin/true {med['/bin/true']:.1f} ms)")
        print(f"apply {a.apps} apps: {med[f'apply {a.apps} apps']:.0f} ms ({med[f'apply {a.apps} apps'] / a.apps:.1f} ms per app)")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
