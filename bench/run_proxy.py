"""Driver of bench/run-proxy: starts the backend and the proxies (openrun on its epoll loops and on
SwiftNIO's, nginx, haproxy) on loopback ports, runs wrk in interleaved rounds, and prints medians and ratios."""
import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=10.0):
    end = time.time() + timeout
    while time.time() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.02)
    raise SystemExit(f"nothing listens on {port}")


def start(cmd, **kw):
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)


def parse_latency(text, label):
    m = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    if not m:
        return float("nan")
    v, unit = float(m.group(1)), m.group(2)
    return v * {"us": 1, "ms": 1000, "s": 1_000_000}[unit]


def wrk(url, conns, duration):
    threads = 1 if conns == 1 else 2
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{conns}", f"-d{duration}s", "--latency", url],
                         capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)", out)
    return {"rps": rps, "p50": parse_latency(out, "50"), "p99": parse_latency(out, "99"),
            "errors": errors.group(0) if errors else ""}


def nginx(folder, servers):
    """An nginx command line for one worker serving `servers` (its config written into `folder`)."""
    conf = os.path.join(folder, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""
daemon off; worker_processes 1; pid {folder}/nginx.pid; error_log {folder}/nginx-error.log;
events {{ worker_connections 4096; }}
http {{
  access_log off; keepalive_requests 100000; keepalive_timeout 60s;
  client_body_temp_path {folder}/b; proxy_temp_path {folder}/p; fastcgi_temp_path {folder}/f;
  uwsgi_temp_path {folder}/u; scgi_temp_path {folder}/s;
  {servers}
}}
""")
    return ["nginx", "-c", conf, "-p", folder]


def cpu_ticks(pid):
    """User + system CPU time of a process, in clock ticks."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--openrun", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--duration", type=int, default=5)
    ap.add_argument("--no-cold", action="store_true")
    ap.add_argument("--threads", type=int, default=1,
                    help="openrun's event-loop threads (nginx and haproxy run one worker each)")
    a = ap.parse_args()

    work = tempfile.mkdtemp(prefix="openrun-bench-proxy-")
    procs = []
    try:
        # Backend: nginx serving 1 KiB with keep-alive.
        backend, nginx_port, haproxy_port, openrun_port = free_port(), free_port(), free_port(), free_port()
        nio_port = free_port()
        www = os.path.join(work, "www")
        os.makedirs(www)
        os.chmod(work, 0o755)  # nginx's workers run as an unprivileged user
        os.chmod(www, 0o755)
        with open(os.path.join(www, "k"), "wb") as f:
            f.write(b"x" * 1024)
        procs.append(start(nginx(work, f"server {{ listen 127.0.0.1:{backend}; root {www}; }}")))
        # nginx as a proxy: its own instance (one worker), so its CPU time is its own.
        pwork = os.path.join(work, "nginx-proxy")
        os.makedirs(pwork)
        os.chmod(pwork, 0o755)
        nginx_proxy = start(nginx(pwork, f"""upstream app {{ server 127.0.0.1:{backend}; keepalive 128; }}
  server {{ listen 127.0.0.1:{nginx_port};
    location / {{ proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; }} }}"""))
        procs.append(nginx_proxy)
        hconf = os.path.join(work, "haproxy.cfg")
        with open(hconf, "w") as f:
            f.write(f"""
global
  nbthread 1
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  http-reuse always
frontend fe
  bind 127.0.0.1:{haproxy_port}
  default_backend be
backend be
  server s1 127.0.0.1:{backend}
""")
        haproxy = start(["haproxy", "-f", hconf, "-db"])
        procs.append(haproxy)
        env = dict(os.environ)
        openrun = start([a.openrun, "run", "-", "/b", "--spec", "proxy", "--param", f"url=http://127.0.0.1:{backend}",
                         "--listen", f"127.0.0.1:{openrun_port}", "--threads", str(a.threads)], env=env, cwd=a.root)
        procs.append(openrun)
        # The same openrun on SwiftNIO's channels (--proxy-io nio: what https routes use), for comparison.
        openrun_nio = start([a.openrun, "run", "-", "/b", "--spec", "proxy", "--param", f"url=http://127.0.0.1:{backend}",
                             "--listen", f"127.0.0.1:{nio_port}", "--threads", str(a.threads), "--proxy-io", "nio"],
                            env=env, cwd=a.root)
        procs.append(openrun_nio)
        for p in (backend, nginx_port, haproxy_port, openrun_port, nio_port):
            wait_port(p)
        targets = {
            "direct": f"http://127.0.0.1:{backend}/k",
            "openrun": f"http://127.0.0.1:{openrun_port}/b/k",
            "openrun-nio": f"http://127.0.0.1:{nio_port}/b/k",
            "nginx": f"http://127.0.0.1:{nginx_port}/k",
            "haproxy": f"http://127.0.0.1:{haproxy_port}/k",
        }
        for name, url in targets.items():
            body = urllib.request.urlopen(url).read()
            assert len(body) == 1024, (name, len(body))
        idle_rss = rss_kib(openrun.pid)
        # The processes doing each proxy's work, for CPU time per request (nginx: its worker).
        time.sleep(0.2)
        workers = subprocess.run(["pgrep", "-P", str(nginx_proxy.pid)], capture_output=True, text=True).stdout.split()
        cpu_pids = {"openrun": [openrun.pid], "openrun-nio": [openrun_nio.pid], "nginx": [int(w) for w in workers] or [nginx_proxy.pid],
                    "haproxy": [haproxy.pid], "direct": []}

        results = {(t, c): [] for t in targets for c in (1, 64)}
        names = list(targets)
        for r in range(a.rounds):
            for c in (1, 64):
                # Each round starts one target further on: no proxy always runs right after the
                # same neighbour (after `direct`, say, with the backend just pushed to 100k req/s).
                for t in names[r % len(names):] + names[:r % len(names)]:
                    url = targets[t]
                    before = sum(cpu_ticks(p) for p in cpu_pids[t])
                    res = wrk(url, c, a.duration)
                    ticks = sum(cpu_ticks(p) for p in cpu_pids[t]) - before
                    # CPU time the proxy spent per request: independent of how the cores were shared.
                    res["cpu_us"] = ticks * 1e6 / os.sysconf("SC_CLK_TCK") / (res["rps"] * a.duration) if cpu_pids[t] else 0.0
                    results[(t, c)].append(res)
                    print(f"[bench] round {r + 1} c={c} {t}: {res['rps']:.0f} req/s p50 {res['p50']:.0f} us "
                          f"p99 {res['p99']:.0f} us cpu {res['cpu_us']:.1f} us/req {res['errors']}", file=sys.stderr)

        def med(t, c, k):
            return statistics.median(x[k] for x in results[(t, c)])

        print(f"\nmedians of {a.rounds} interleaved rounds, {a.duration} s each, 1 KiB responses, loopback, {os.cpu_count()} cores\n")
        print("| target | c | req/s | p50 µs | p99 µs | proxy CPU µs/request |")
        print("|---|---|---|---|---|---|")
        for c in (1, 64):
            for t in targets:
                cpu = f"{med(t, c, 'cpu_us'):.1f}" if t != "direct" else "–"
                print(f"| {t} | {c} | {med(t, c, 'rps'):.0f} | {med(t, c, 'p50'):.0f} | {med(t, c, 'p99'):.0f} | {cpu} |")
        print()
        for c in (1, 64):
            o = med("openrun", c, "rps")
            print(f"c={c}: openrun/haproxy throughput {o / med('haproxy', c, 'rps'):.2f}, "
                  f"openrun/nginx {o / med('nginx', c, 'rps'):.2f}, openrun/direct {o / med('direct', c, 'rps'):.2f}; "
                  f"p99 openrun/nginx {med('openrun', c, 'p99') / med('nginx', c, 'p99'):.2f}; "
                  f"CPU per request openrun/haproxy {med('openrun', c, 'cpu_us') / med('haproxy', c, 'cpu_us'):.2f}, "
                  f"openrun/nginx {med('openrun', c, 'cpu_us') / med('nginx', c, 'cpu_us'):.2f}, "
                  f"openrun/openrun-nio {med('openrun', c, 'cpu_us') / med('openrun-nio', c, 'cpu_us'):.2f}")
        print(f"c=1: openrun adds {med('openrun', 1, 'p50') - med('direct', 1, 'p50'):.0f} µs at p50 over direct")

        # Memory: idle, then with 1,000 open keep-alive connections that each made one request.
        socks = []
        for _ in range(1000):
            s = socket.create_connection(("127.0.0.1", openrun_port))
            s.sendall(b"GET /b/k HTTP/1.1\r\nHost: b\r\n\r\n")
            socks.append(s)
        for s in socks:
            got = b""
            while b"\r\n\r\n" not in got or len(got) < 1024:
                got += s.recv(65536)
        time.sleep(0.5)
        busy_rss = rss_kib(openrun.pid)
        for s in socks:
            s.close()
        print(f"\nopenrun RSS: {idle_rss / 1024:.1f} MiB idle (after one request per target), "
              f"{busy_rss / 1024:.1f} MiB with 1,000 open keep-alive connections")
    finally:
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(work, ignore_errors=True)

    if not a.no_cold:
        cold(a)


def cold(a):
    """openrun's first response to a stopped app minus the engine's own start→first 200."""
    root = a.root
    conf = os.environ.get("CONTAINERS_CONF") or os.path.join(root, "dev", "containers.conf")
    if shutil.which("podman") is None or not os.path.exists(conf):
        print("\ncold start: skipped (needs podman and dev/containers.conf)")
        return
    env = dict(os.environ, CONTAINERS_CONF=conf)
    image = "localhost/openrun-test-busybox:latest"
    if subprocess.run(["podman", "image", "exists", image], env=env).returncode != 0:
        print("\ncold start: skipped (run dev/test-image first)")
        return
    work = tempfile.mkdtemp(prefix="openrun-bench-cold-")
    name = f"openrun-bench-cold-{os.getpid()}"
    try:
        with open(os.path.join(work, "Containerfile"), "w") as f:
            f.write(f'FROM {image}\nEXPOSE 8080\nCMD ["busybox", "httpd", "-f", "-p", "8080", "-h", "/var/www"]\n')
        app = f"/bench-cold-{os.getpid()}"
        dist = os.path.join(work, "dist")
        subprocess.run([a.openrun, "build", work, app, "--spec", "container", "--target", "docker",
                        "--stop-timeout", "1", "-o", dist], env=env, check=True, capture_output=True)
        slug = os.listdir(os.path.join(dist, "docker"))[0]
        container = f"openrun-{slug}"

        # The engine alone: `start` of the stopped container, then poll until the first 200.
        def engine_alone():
            subprocess.run(["podman", "stop", "-t", "1", container], env=env, capture_output=True)
            t0 = time.perf_counter()
            subprocess.run(["podman", "start", container], env=env, check=True, capture_output=True)
            port = subprocess.run(["podman", "port", container, "8080/tcp"], env=env, capture_output=True,
                                  text=True).stdout.strip().rsplit(":", 1)[1]
            while True:
                try:
                    if urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).status == 200:
                        break
                except Exception:
                    time.sleep(0.001)
            return (time.perf_counter() - t0) * 1000

        port = free_port()
        run = start([a.openrun, "run", dist, "--listen", f"127.0.0.1:{port}", "--idle-timeout", "1"], env=env)
        try:
            wait_port(port)
            urllib.request.urlopen(f"http://127.0.0.1:{port}{app}/").read()  # builds and runs it once
            through, alone = [], []
            for _ in range(5):
                # Wait until openrun itself has stopped the app (idle stop done), then time the first response.
                while True:
                    m = urllib.request.urlopen(f"http://127.0.0.1:{port}/_openrun/metrics").read().decode()
                    up = re.search(r'openrun_app_up\{app="' + re.escape(slug) + r'"\} (\S+)', m)
                    if up and float(up.group(1)) == 0:
                        break
                    time.sleep(0.05)
                time.sleep(0.2)
                t0 = time.perf_counter()
                urllib.request.urlopen(f"http://127.0.0.1:{port}{app}/").read()
                through.append((time.perf_counter() - t0) * 1000)
            run.send_signal(signal.SIGTERM)
            run.wait(timeout=20)
            for _ in range(5):
                alone.append(engine_alone())
            t, e = statistics.median(through), statistics.median(alone)
            print(f"\ncold start (busybox httpd, podman): first response through openrun {t:.0f} ms, "
                  f"engine start→first 200 {e:.0f} ms, openrun's overhead {t - e:.0f} ms (medians of 5)")
        finally:
            if run.poll() is None:
                run.send_signal(signal.SIGTERM)
                run.wait(timeout=20)
            subprocess.run(["podman", "rm", "-f", container], env=env, capture_output=True)
            tag = re.search(r'"image": "([^"]+)"', open(os.path.join(dist, "docker", slug, "plan.json")).read())
            if tag:
                subprocess.run(["podman", "rmi", "-f", tag.group(1)], env=env, capture_output=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
