"""Reference side of the Containerfile differential tests.

Reads a JSON array of Containerfile texts on stdin, parses each with
BuildKit's parser (PyPI `dockerfile`, which wraps moby/buildkit's
frontend/dockerfile/parser), and writes a JSON array on stdout: for each
input either {"ok": [command, ...]} or {"error": message}. One process for
the whole batch.
"""
import json
import sys

import dockerfile


def command(c):
    return {
        # The package reports an empty string as None (a lone continuation
        # character at the end of the file makes an instruction with no word).
        "cmd": c.cmd or "",
        "sub_cmd": c.sub_cmd,
        "json": c.json,
        "original": c.original or "",
        "start_line": c.start_line,
        "end_line": c.end_line,
        "flags": list(c.flags),
        "value": list(c.value),
        "heredocs": [
            {"name": h.name, "fd": h.file_descriptor, "content": h.content}
            for h in c.heredocs
        ],
    }


def main():
    texts = json.load(sys.stdin)
    out = []
    for t in texts:
        try:
            out.append({"ok": [command(c) for c in dockerfile.parse_string(t)]})
        except dockerfile.GoParseError as e:
            out.append({"error": str(e)})
        except UnicodeDecodeError:
            # BuildKit split a multi-byte character (it treats the bytes 0x85
            # and 0xA0 as spaces in places); the result is not valid UTF-8.
            out.append({"undecodable": True})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
