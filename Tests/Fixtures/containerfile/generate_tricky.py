"""Generates tricky/generated.json: a deterministic corpus of hard
Containerfiles for the differential tests (continuations with comments and
blank lines, escapes, the escape directive, heredocs, JSON edge cases,
flags, unusual whitespace, CRLF). Run with any Python 3; the output is
committed so tests do not depend on this script.

    python3 Tests/Fixtures/containerfile/generate_tricky.py
"""
import json
import os
import random

HAND = [
    "FROM a\n",
    "",
    "\n\n   \n",
    "# only a comment\n",
    "from a\n",
    "FROM\ta  b\n",
    "FROM a\x0bb\n",
    "RUN x\r\rFROM\n",
    "COPY a\n",
    "FOO bar\n",
    "FOO\n",
    "ONBUILD\n",
    "ONBUILD ONBUILD RUN x\n",
    "ONBUILD FROM x\n",
    "ONBUILD --flag RUN --mount=a x\n",
    "FROM\n",
    "RUN ---x a\n",
    "RUN --x= a\n",
    "RUN -- --x a\n",
    "RUN --x\n",
    "RUN --\n",
    "RUN -- \n",
    "RUN --a=\"x y\" --b 'q' hi\n",
    "RUN --x=\"a\\\"b\" y\n",
    "RUN --x='a\\'b' y\n",
    "RUN --x=a\\ b y\n",
    "RUN --x=\"unterminated y\n",
    "RUN --x=é y\n",
    "RUN --mount type=cache echo\n",
    "CMD [\"a\",1]\n",
    "CMD [\"a\",\n",
    "CMD  [\"a\"] x\n",
    "CMD []\n",
    "CMD [ ]\n",
    "CMD [\"a\" \"b\"]\n",
    "CMD [null]\n",
    "CMD [true, \"x\"]\n",
    "CMD [1e400]\n",
    "CMD [[\"a\"]]\n",
    "CMD [{\"a\": 1}]\n",
    "CMD ['a']\n",
    "CMD [\"a\",]\n",
    "CMD [\"a\\u0041\\n\\t\\\"\\\\\\/\"]\n",
    "CMD [\"\\ud83d\\ude00\", \"\\ud800\", \"\\udc00x\"]\n",
    "CMD [\"\\x\"]\n",
    "CMD [\"a\"]]\n",
    "CMD [01]\n",
    "CMD [-0.5e+3, \"x\"]\n",
    "CMD [\"a\"\t,\t\"b\"]\n",
    "CMD \u00a0[\"a\"]\n",
    "ENTRYPOINT []\n",
    "SHELL [\"powershell\", \"-c\"]\n",
    "VOLUME [\"/a\", \"/b\"]\n",
    "VOLUME [1]\n",
    "VOLUME /a /b\t/c\n",
    "VOLUME [\"/a\" \n",
    "ADD [\"a b\", \"c\"]\n",
    "ENV a=\"b c\" d=e\\ f\n",
    "ENV a  b  c \n",
    "ENV a\n",
    "ENV a=b c\n",
    "ENV =b\n",
    "ENV a=\n",
    "ENV a='x y' \"b\"=\"c\"\n",
    "ENV a=\"unterminated\n",
    "ENV a=\\\"b\n",
    "LABEL a\n",
    "LABEL \"a b\"=c\n",
    "LABEL a=b\\\n  c=d\n",
    "ARG a=b c\n",
    "ARG\n",
    "ARG \"a=b c\" 'd'\n",
    "HEALTHCHECK\n",
    "HEALTHCHECK  CMD   x y\n",
    "HEALTHCHECK NONE\n",
    "HEALTHCHECK --interval=5s CMD [\"a\"]\n",
    "HEALTHCHECK CMD\n",
    "HEALTHCHECK CMD [1]\n",
    "HEALTHCHECK\u00a0CMD x\n",
    "MAINTAINER  x  y\n",
    "STOPSIGNAL  SIGKILL \n",
    "WORKDIR   /a b  \n",
    "USER\n",
    "EXPOSE 80 443/udp\t8000-8010\n",
    "RUN a \\\n# c\n\n  b\n",
    "RUN a \\\n",
    "RUN a \\\n\\\n b\n",
    "RUN a\\\n  # c \\\n b\n",
    "RUN a\\\\\nRUN b\n",
    "RUN a\\\\\\\nRUN b\n",
    "RUN a \\  \t\n b\n",
    "\\\nRUN a\n",
    "  \t\nRUN x \\\n   \n\n  y\n",
    "RUN a\\\n\\ b\n",
    "RUN a \\\r\n b\r\n",
    "RUN a\r\nRUN b\r\n",
    "\ufeffFROM a\n",
    "\ufeff# escape=`\nRUN a `\n b\n",
    "# syntax=x\n# escape=`\nRUN a `\n b\n",
    "# foo\n# escape=`\nRUN a `\n b\n",
    "\n# escape=`\nRUN a `\n b\n",
    "# escape=`\n# escape=`\nRUN a\n",
    "# ESCAPE = `  \nRUN a `\n b\n",
    "#escape=\\\nRUN a\n",
    "  # escape=`\nRUN a `\n b\n",
    "# syntax=a\n# syntax=b\nRUN x\n",
    "# x=y\n# escape=`\nRUN a `\n b\n",
    "# escape=x\nFROM a\n",
    "# escape=\nFROM a\n",
    "# escape=``\nFROM a\n",
    "# escape= \nFROM a\n",
    "# escape =   \t\nFROM a\n",
    "# syntax= \n# escape=`\nRUN a `\n b\n",
    "#escape=\nFROM a\n",
    "# escape=`\nRUN a ``\nRUN b `\n  c\n",
    "# escape=`\nRUN a \\\n",
    "# escape=`\nENV a=b` c d=e\n",
    "# escape=`\nCOPY [\"C:\\\\a\", \"C:\\\\b\"]\n",
    "RUN <<\"EOF\"\na\nEOF\n",
    "RUN <<E\"O\"F\na\nEOF\n",
    "RUN 3<<EOF\na\nEOF\n",
    "RUN 99999999999999999999999<<EOF\na\nEOF\n",
    "RUN cat<<EOF\na\nEOF\n",
    "RUN << EOF\na\n",
    "RUN <<$V\na\n$V\n",
    "RUN <<${V}\na\n${V}\n",
    "RUN <<\\EOF\na\nEOF\n",
    "RUN <<\"E O\"\na\nE O\n",
    "RUN [\"<<EOF\"]\nFROM x\n",
    "ONBUILD RUN <<EOF\na\nEOF\n",
    "ENV a=<<EOF\nFROM x\n",
    "RUN <<EOF;echo\na\nEOF\n",
    "RUN <<\"EOF'\na\nEOF\n",
    "RUN <<-EOF\n\ta\n\tEOF\n",
    "RUN <<EOF\n\tEOF\nEOF\n",
    "RUN <<EOF \\\n  && x\na\nEOF\n",
    "RUN echo \"<<EOF\"\nFROM x\n",
    "RUN echo '<<EOF'\nFROM x\n",
    "RUN echo \\<<EOF\nFROM x\n",
    "RUN <<EOF1 <<EOF2\na\nEOF1\nb\nEOF2\n",
    "RUN <<EOF\nEOF",
    "RUN <<EOF\r\na\r\nEOF\r\nFROM x\r\n",
    "RUN <<e-f\na\ne-f\n",
    "RUN <<1\na\n1\n",
    "RUN <<_x\na\n_x\n",
    "run <<EOF\na\nEOF\n",
    "RUN <<EOF\n",
    "RUN <<EOF\na\n",
    "RUN <<EOF <<EOF\na\nEOF\nb\nEOF\n",
    "RUN <<EOF\n# not a comment\n\\\nEOF\n",
    "COPY <<EOF /dest\n  spaced\nEOF\n",
    "COPY --from=x <<EOF /dest\nc\nEOF\n",
    "ADD <<-X /a\n\t\tx\n\t\tX\n",
    "RUN <<'EOF' <<\"E2\" <<E3\na\nEOF\nb\nE2\nc\nE3\n",
    "RUN <<a<b\nx\n",
    "RUN <<<EOF\nx\n",
    "RUN <<-\nx\n",
    "RUN <<EOF\"\nx\n",
    "RUN <<\"\"\nx\n",
    "RUN <<E\\ F\nx\nE F\n",
    "RUN <<${\nx\n",
    "RUN <<EOF $(echo \"unterminated)\nx\nEOF\n",
    "RUN x <<EOF\nx\nEOF\n",
    "COPY [\"<<EOF\", \"/x\"]\nRUN a\n",
    "RUN --mount=type=secret,id=x <<EOF\nx\nEOF\n",
    "ONBUILD ADD <<EOF /x\nbody\nEOF\n",
    "ONBUILD ONBUILD RUN <<EOF\nx\nEOF\n",
    "FROM a AS b\nFROM c as d\n",
    "FROM a\n\n\n\nRUN b\n",
    "RUN \u3000x\u3000\n",
    "RUN\u00a0x\n",
    "RUN x\u00a0\n",
    "ENV a\u00a0b c\n",
    "ENV a=b\u00a0c=d\n",
    "ARG a\u2028b\n",
    "EXPOSE 80\u00a0443\n",
    "EXPOSE 80\x0c443\n",
    "RUN echo é ü 漢字 😀\n",
    "LABEL emoji=😀 \"quoted 😀\"=\"v\"\n",
    "CMD [\"é\", \"\\u00e9\"]\n",
    "#\n#\nFROM a\n",
    "   # indented comment\nFROM a\n",
    "FROM a # not a comment\n",
    "RUN a \\\n   # indented comment\n b\n",
    "RUN a \\\n#\n b \\\n\n",
    "RUN \\\n\\\n\\\n",
    "RUN a`\n b\n",
]


def gen(rng):
    kw = ["FROM", "RUN", "CMD", "ENTRYPOINT", "COPY", "ADD", "ENV", "LABEL", "ARG",
          "EXPOSE", "VOLUME", "WORKDIR", "USER", "SHELL", "HEALTHCHECK", "STOPSIGNAL",
          "ONBUILD", "MAINTAINER", "BOGUS"]
    words = ["a", "b=c", "\"q w\"", "'s q'", "x\\ y", "$V", "${V:-d}", "[\"j\"]",
             "[\"j\",", "[1]", "<<EOF", "<<-EOF", "<<'EOF'", "é", "--f=v", "--g",
             "=", "a=", "k=\"v v\"", "\\", "`", "\\\"", "[]", "\"", "'", "#c",
             "\u00a0", "\t", "3<<EOF", "AS", "NONE", "CMD", "RUN"]
    seps = [" ", "  ", "\t", " \t ", "\u00a0"]
    out = []
    for _ in range(700):
        lines = []
        if rng.random() < 0.15:
            lines.append(rng.choice(["# escape=`", "# escape=\\", "# syntax=docker/dockerfile:1",
                                     "#  escape = `", "# Escape=`"]))
        n = rng.randint(1, 5)
        for _ in range(n):
            k = rng.choice(kw)
            if rng.random() < 0.2:
                k = k.lower()
            parts = [k]
            if rng.random() < 0.3:
                parts.append(rng.choice(["--from=x", "--mount=type=cache,target=/c",
                                         "--a=\"b c\"", "--flag", "--", "--e="]))
            if k == "ONBUILD" and rng.random() < 0.7:
                parts.append(rng.choice(kw))
            for _ in range(rng.randint(0, 4)):
                parts.append(rng.choice(words))
            line = ""
            for i, p in enumerate(parts):
                line += p if i == 0 else rng.choice(seps) + p
            if rng.random() < 0.3:
                esc = rng.choice(["\\", "`"])
                cont = [line + rng.choice(["", " ", "\t"]) + esc]
                for _ in range(rng.randint(1, 3)):
                    r = rng.random()
                    if r < 0.2:
                        cont.append(rng.choice(["# comment", "  # indented", "#"]))
                    elif r < 0.35:
                        cont.append(rng.choice(["", "   ", "\t"]))
                    else:
                        cont.append(rng.choice(["  more", "x", "&& y " + esc, esc, "z" + esc + esc]))
                lines.extend(cont)
            else:
                lines.append(line)
            if "<<" in line and rng.random() < 0.8:
                for _ in range(rng.randint(0, 2)):
                    lines.append(rng.choice(["body", "\tindented", "$V", ""]))
                lines.append(rng.choice(["EOF", "\tEOF", "EOF ", "eof"]))
            if rng.random() < 0.2:
                lines.append(rng.choice(["", "# c", "   "]))
        nl = "\r\n" if rng.random() < 0.1 else "\n"
        text = nl.join(lines)
        if rng.random() < 0.8:
            text += nl
        out.append(text)
    return out


SPECIALS = ["\\", "`", "\"", "'", "$", "{", "}", "[", "]", ",", "=", "#", "<<", "<<-",
            "-", "--", " ", "\t", "\n", "\r\n", "\r", "\x0b", "\x0c", "\u0085", "\u00a0",
            "\u2028", "\u3000", "\ufeff", "é", "EOF", "\\\n", "`\n", "\n#c\n", "\n\n", ":",
            "/", "*", "?", "%", "ONBUILD ", "RUN ", "COPY ", "# escape=`\n", "0", "1e999",
            "null", "\\u0041", "\\ud800"]


def mutate(rng, bases, count):
    """Character-level mutations of real-world files and earlier cases."""
    out = []
    while len(out) < count:
        s = list(rng.choice(bases))
        for _ in range(rng.randint(1, 6)):
            op = rng.random()
            pos = rng.randint(0, len(s))
            if op < 0.6:
                s[pos:pos] = list(rng.choice(SPECIALS))
            elif op < 0.85 and s:
                del s[min(pos, len(s) - 1)]
            elif s:
                s[rng.randint(0, len(s) - 1)] = rng.choice(SPECIALS)
        out.append("".join(s))
    return out


def main():
    rng = random.Random(20261123)
    here = os.path.dirname(os.path.abspath(__file__))
    real_dir = os.path.join(here, "real")
    real = [open(os.path.join(real_dir, f), encoding="utf-8").read()
            for f in sorted(os.listdir(real_dir)) if f.endswith(".Containerfile")]
    generated = gen(rng)
    corpus = HAND + generated + mutate(rng, real + HAND + generated, 1200)
    with open(os.path.join(here, "tricky", "generated.json"), "w", encoding="utf-8") as f:
        json.dump(corpus, f, ensure_ascii=False, indent=0)
        f.write("\n")
    print(len(corpus), "cases")


if __name__ == "__main__":
    main()
