"""Writes a deterministic Containerfile of N instructions (default 5000)
mixing every instruction kind, continuations, JSON forms, flags and
heredocs, for bench/run-containerfile."""
import random
import sys

def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    out = sys.argv[2] if len(sys.argv) > 2 else "/dev/stdout"
    rng = random.Random(5000)
    lines = ["# syntax=docker/dockerfile:1", "ARG BASE=debian:bookworm-slim"]
    count = 1
    stage = 0
    makers = [
        lambda i: ["RUN apt-get update && apt-get install -y --no-install-recommends pkg%d \\" % i,
                   "    && rm -rf /var/lib/apt/lists/*"],
        lambda i: ["COPY --chown=app:app src/%d/ /app/src/%d/" % (i, i)],
        lambda i: ["ENV VAR_%d=value_%d PATH=/opt/bin%d:$PATH" % (i, i, i)],
        lambda i: ["LABEL com.example.item%d=\"label value %d\" version=\"1.%d\"" % (i, i, i)],
        lambda i: ["EXPOSE %d %d/udp" % (8000 + i % 1000, 9000 + i % 1000)],
        lambda i: ["WORKDIR /app/dir%d" % i],
        lambda i: ["CMD [\"/app/server\", \"--port\", \"%d\"]" % i],
        lambda i: ["RUN --mount=type=cache,target=/root/.cache/%d \\" % i,
                   "    # build step %d" % i,
                   "    make -j4 target%d" % i],
        lambda i: ["ARG OPT_%d=default%d" % (i, i)],
        lambda i: ["RUN <<EOF", "echo step %d" % i, "touch /tmp/%d" % i, "EOF"],
        lambda i: ["HEALTHCHECK --interval=30s CMD curl -f http://localhost:%d/ || exit 1" % i],
        lambda i: ["USER %d:%d" % (1000 + i % 100, 1000 + i % 100)],
        lambda i: ["VOLUME [\"/data/%d\"]" % i],
        lambda i: ["ADD https://example.com/file%d.tar.gz /tmp/" % i],
        lambda i: ["ENTRYPOINT [\"/bin/sh\", \"-c\"]"],
        lambda i: ["ONBUILD RUN echo %d" % i],
    ]
    while count < n:
        if count % 500 == 1:
            lines.append("")
            lines.append("FROM ${BASE} AS stage%d" % stage)
            stage += 1
            count += 1
            continue
        i = count
        lines.extend(rng.choice(makers)(i))
        count += 1
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")

if __name__ == "__main__":
    main()
