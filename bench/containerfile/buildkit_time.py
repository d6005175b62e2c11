"""Times BuildKit's parser (PyPI `dockerfile`) on FILE: only the
parse_string call, best of 3 rounds of N parses. Prints JSON."""
import json
import sys
import time

import dockerfile


def main():
    path, n = sys.argv[1], int(sys.argv[2])
    text = open(path, encoding="utf-8").read()
    count = len(dockerfile.parse_string(text))  # warm-up
    best = None
    for _ in range(3):
        t0 = time.perf_counter()
        for _ in range(n):
            dockerfile.parse_string(text)
        dt = (time.perf_counter() - t0) / n
        best = dt if best is None else min(best, dt)
    print(json.dumps({"instructions": count, "iterations": n, "us_per_parse": best * 1e6}))


if __name__ == "__main__":
    main()
