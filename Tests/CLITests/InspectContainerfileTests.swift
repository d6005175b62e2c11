import Foundation
import Testing

/// `openrun inspect containerfile` as a user runs it.
@Suite("CLI: inspect containerfile")
struct InspectContainerfileTests {
    static func write(_ text: String) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("openrun-cf-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let url = dir.appendingPathComponent("Containerfile")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test("--ast prints BuildKit's dump format: lower-case names, flags, Go-quoted values, nested ONBUILD")
    func ast() throws {
        let path = try Self.write("""
            FROM golang:1.22 AS build
            COPY --from=x --chown=1:1 a "b c"
            RUN echo "hi\tthere" \\
              && echo é
            ENV A=1 B="two words"
            CMD ["run", "--port", "80"]
            ONBUILD RUN make
            HEALTHCHECK --interval=5s CMD curl -f http://x/
            EXPOSE 80\u{00A0}x
            """)
        let r = try OpenrunBinary.run(["inspect", "containerfile", path, "--ast"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == """
            (from "golang:1.22" "AS" "build")
            (copy ["--from=x" "--chown=1:1"] "a" "\\"b" "c\\"")
            (run "echo \\"hi\\tthere\\"   && echo é")
            (env "A" "1" "B" "\\"two words\\"")
            (cmd "run" "--port" "80")
            (onbuild (run "make"))
            (healthcheck ["--interval=5s"] "CMD" "curl -f http://x/")
            (expose "80\\u00a0x")

            """)
    }

    @Test("--json prints the semantic model with build args applied")
    func json() throws {
        let path = try Self.write("""
            ARG BASE=alpine
            FROM $BASE:3.19 AS app
            ARG PORT=8080
            LABEL org.example.name="demo app"
            EXPOSE $PORT
            VOLUME /data
            CMD ["serve"]
            """)
        let r = try OpenrunBinary.run(["inspect", "containerfile", path, "--json", "--build-arg", "PORT=9000"])
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let stages = try #require(obj?["stages"] as? [[String: Any]])
        #expect(stages.count == 1)
        let s = stages[0]
        #expect(s["name"] as? String == "app")
        #expect(s["base"] as? String == "alpine:3.19")
        #expect(s["final"] as? Bool == true)
        #expect((s["labels"] as? [String: String]) == ["org.example.name": "demo app"])
        let expose = try #require(s["expose"] as? [[String: Any]])
        #expect(expose.first?["port"] as? Int == 9000)
        #expect(expose.first?["protocol"] as? String == "tcp")
        #expect(((s["volumes"] as? [[String: Any]])?.first?["value"]) as? String == "/data")
        #expect(((s["cmd"] as? [String: Any])?["form"]) as? String == "exec")
        for key in ["args", "env", "workdir", "user", "entrypoint", "healthcheck"] {
            #expect(s.keys.contains(key), "missing \(key)")
        }
    }

    @Test("errors are located diagnostics on stderr with exit status 1")
    func errors() throws {
        let path = try Self.write("FROM alpine\nCOPY only-one\n")
        let r = try OpenrunBinary.run(["inspect", "containerfile", path, "--json"])
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("\(path):2:1: error: COPY requires at least two arguments, but only one was provided. Destination could not be determined [containerfile.arguments]"), "\(r.stderr)")

        let bad = try Self.write("FROM a\nRUN <<EOF\nno end\n")
        let r2 = try OpenrunBinary.run(["inspect", "containerfile", bad, "--ast"])
        #expect(r2.status == 1)
        #expect(r2.stderr.contains(":2:1: error: unterminated heredoc [containerfile.heredoc]"), "\(r2.stderr)")

        let r3 = try OpenrunBinary.run(["inspect", "containerfile", "/nonexistent/Containerfile", "--ast"])
        #expect(r3.status == 1)
        #expect(r3.stderr.contains("cannot read"))
    }
}
