#!/usr/bin/env python3
"""Seeds for fuzz/run-http1: every string literal of the HTTP1DifferentialTests corpus
(Tests/RuntimeTests/HTTP1Support/HTTP1Corpus.swift) that holds an HTTP message, decoded from
Swift's escapes to Latin-1 bytes, one file each.  usage: http1-seeds.py ROOT DEST"""
import os, re, sys

root, dest = sys.argv[1], sys.argv[2]
text = open(os.path.join(root, "Tests/RuntimeTests/HTTP1Support/HTTP1Corpus.swift"), encoding="utf-8").read()
escapes = {"r": "\r", "n": "\n", "t": "\t", "0": "\0", '"': '"', "\\": "\\", "'": "'"}

def decode(body):
    out, i = [], 0
    while i < len(body):
        c = body[i]
        if c == "\\":
            n = body[i + 1]
            if n == "u":
                j = body.index("}", i)
                out.append(chr(int(body[i + 3:j], 16)))
                i = j + 1
                continue
            if n not in escapes:
                return None  # an interpolation: not a stream by itself
            out.append(escapes[n])
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out).encode("latin-1")

count = 0
for m in re.finditer(r'"((?:[^"\\\n]|\\.)*)"', text):
    data = decode(m.group(1))
    if data is None or b"HTTP/" not in data:
        continue
    with open(os.path.join(dest, "seed-%04d" % count), "wb") as f:
        f.write(data)
    count += 1
print("[fuzz] %d seed files" % count, file=sys.stderr)
