import EngineTestSupport
import Foundation
import Testing

/// The quadlet backend for real: `openrun build --target quadlet` of the
/// hostile busybox fixture app, installed under systemd with Podman 5 in the
/// sandbox (dev/sandbox). The socket starts the container on the first
/// request (building its image), the proxy exits when idle and the container
/// unit stops, the next request starts it again; secrets arrive through
/// `Secret=`, a named volume keeps a file across the restart, and hostile
/// param values reach the container's environment byte for byte.
@Suite(.enabled(if: Engine.sandboxTestsEnabled, "needs podman + debootstrap (dev/setup); always on in CI"), .serialized)
struct QuadletEndToEndTests {
    static let greeting = "it's \"quoted\" $(touch /tmp/pwned) `id` * -rf %d %% ${HOME}\nsecond line\ttab"
    static let token = "tok$en \"x\" `y` \n z %n"
    static let dbPass = "p@ss:w'rd"
    static let listenPort = 8080
    static let idleSeconds = 3

    static var openrun: String {
        ProcessInfo.processInfo.environment["OPENRUN_BIN"] ?? Engine.repositoryRoot.appendingPathComponent(".build/debug/openrun").path
    }

    /// `openrun build` with the busybox-hostile golden IR case's flags, for quadlet and docker
    /// (docker's plan.json feeds `openrun render-secret-file`, as the README says).
    static func build(into output: URL) throws {
        try Command.check([
            openrun, "build", "Tests/Fixtures/apps/busybox-web", "/bb", "--spec", "container",
            "--target", "quadlet", "--target", "docker",
            "--param", "app_name=Busybox", "--param", "greeting=\(greeting)", "--param", "dash=--privileged",
            "--param", "api_token={{secret \"API_TOKEN\"}}",
            "--param", "db_url=postgres://app:{{secret \"DB_PASS\"}}@db:5432/app?sslmode=disable",
            "--copt", "cpus=0.5", "--copt", "memory=256m", "--copt", "podman.pids-limit=100",
            "--cvol", "cache:/cache", "--cvol", "./bind-data:/bind:ro", "--cvol", "cl_secret:secrets.tmpl:/etc/app/secrets.conf",
            "--listen", String(listenPort), "--idle-timeout", String(idleSeconds),
            "-o", output.path,
        ], currentDirectory: Engine.repositoryRoot)
    }

    /// Polls `check` every 100 ms for at most `seconds`; returns the seconds it took, or nil.
    static func waitFor(seconds: Double, _ check: () throws -> Bool) rethrows -> Double? {
        let start = Date()
        while Date().timeIntervalSince(start) < seconds {
            if try check() { return Date().timeIntervalSince(start) }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return nil
    }

    @Test func socketActivatedAppStartsServesStopsWhenIdleAndRestarts() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("openrun-quadlet-e2e-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        try Self.build(into: out)
        let units = out.appendingPathComponent("quadlet/bb")

        let upStart = Date()
        let sandbox = try Sandbox.up(name: "openrun-quadlet-e2e-\(ProcessInfo.processInfo.processIdentifier)")
        defer { sandbox.down() }
        print("quadlet e2e: sandbox up in \(String(format: "%.1f", Date().timeIntervalSince(upStart))) s")

        // Install as the README says.
        try sandbox.sh("mkdir -p /etc/containers/systemd/bb")
        try sandbox.copy(units.appendingPathComponent("."), to: "/etc/containers/systemd/bb/")
        try sandbox.sh("cd /etc/containers/systemd/bb && mv bb.socket bb-proxy.service /etc/systemd/system/ && rm -rf README")
        try sandbox.exec(["podman", "secret", "create", "API_TOKEN", "-"], stdin: Data(Self.token.utf8))
        let dbURL = "postgres://app:\(Self.dbPass)@db:5432/app?sslmode=disable"
        try sandbox.exec(["podman", "secret", "create", "bb-env-db_url", "-"], stdin: Data(dbURL.utf8))
        let secretFile = try Command.check([Self.openrun, "render-secret-file", out.appendingPathComponent("docker/bb/plan.json").path,
                                            "secrets-tmpl-6130bb50"], environment: ["API_TOKEN": Self.token, "DB_PASS": Self.dbPass]).stdout
        try sandbox.exec(["podman", "secret", "create", "bb-secrets-tmpl-6130bb50", "-"], stdin: Data(secretFile.utf8))
        try sandbox.sh("systemctl daemon-reload && systemctl start bb.socket")
        #expect(try sandbox.run(["systemctl", "is-active", "bb.service"]).output == "inactive")

        // First request: builds the image, starts the container, waits for health, answers.
        let curl = ["curl", "-sS", "-m", "120", "-w", "\n%{http_code} %{time_total}", "http://127.0.0.1:\(Self.listenPort)/"]
        let first = try sandbox.exec(curl).output
        #expect(first.hasPrefix("<h1>hello from busybox</h1>"), "\(first)")
        #expect(first.split(separator: "\n").last?.hasPrefix("200 ") == true, "\(first)")
        print("quadlet e2e: first request (image build + start) \(first.split(separator: " ").last ?? "") s")
        #expect(try sandbox.run(["systemctl", "is-active", "bb.service", "bb-proxy.service"]).output == "active\nactive")

        // What reached the container, byte for byte (one exec, well inside the idle timeout).
        let probe = #"printf '%s\0' "$greeting" "$api_token" "$db_url" "$dash" "$CL_APP_PATH" "$PORT" "$(cat /etc/app/secrets.conf; echo .)" "$(cat /bind/hello.txt; echo .)"; echo kept > /cache/f"#
        let seen = try sandbox.exec(["podman", "exec", "openrun-bb", "sh", "-c", probe]).stdout
            .split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
        let hello = try String(contentsOf: Engine.repositoryRoot.appendingPathComponent("Tests/Fixtures/apps/busybox-web/bind-data/hello.txt"), encoding: .utf8)
        #expect(seen.count == 9)
        if seen.count == 9 {
            #expect(seen[0] == Self.greeting)
            #expect(seen[1] == Self.token)
            #expect(seen[2] == dbURL)
            #expect(seen[3] == "--privileged")
            #expect(seen[4] == "/bb")
            #expect(seen[5] == "8080")
            #expect(seen[6] == secretFile + ".")
            #expect(seen[7] == hello + ".")
        }

        // Idle: the proxy exits, the container unit is unneeded and stops.
        let stopped = try Self.waitFor(seconds: 60) {
            try sandbox.run(["systemctl", "is-active", "bb.service"]).output != "active"
                && sandbox.run(["podman", "container", "exists", "openrun-bb"]).status != 0
        }
        #expect(stopped != nil, "the container did not stop when idle")
        print("quadlet e2e: stopped \(String(format: "%.1f", stopped ?? -1)) s after the last request (idle timeout \(Self.idleSeconds) s)")
        #expect(try sandbox.run(["systemctl", "is-active", "bb.socket"]).output == "active")

        // The next request starts it again; the named volume kept its file.
        let second = try sandbox.exec(curl).output
        #expect(second.hasPrefix("<h1>hello from busybox</h1>"), "\(second)")
        print("quadlet e2e: request after idle stop (restart) \(second.split(separator: " ").last ?? "") s")
        #expect(try sandbox.exec(["podman", "exec", "openrun-bb", "cat", "/cache/f"]).stdout == "kept\n")
        #expect(try sandbox.exec(["podman", "exec", "openrun-bb", "sh", "-c", "printf %s \"$greeting\""]).stdout == Self.greeting)
    }

    /// An app that listens only 2 s after its container starts: the proxy waits
    /// for the health path, so the first request is answered, not refused.
    /// Without scale to zero the container unit starts directly and is wanted at boot.
    @Test func proxyWaitsForHealthAndPlainModeServesDirectly() throws {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("openrun-quadlet-slow-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: tmp) }
        let src = tmp.appendingPathComponent("src")
        try FileManager.default.createDirectory(at: src, withIntermediateDirectories: true)
        try Data("<p>slow</p>\n".utf8).write(to: src.appendingPathComponent("index.html"))
        try Data("""
        FROM localhost/openrun-test-busybox:latest
        COPY index.html /www/index.html
        EXPOSE 8080
        CMD ["sh", "-c", "sleep 2; exec httpd -f -p 8080 -h /www"]

        """.utf8).write(to: src.appendingPathComponent("Containerfile"))
        for (path, extra) in [("/slow", ["--listen", "8081", "--idle-timeout", "60"]),
                              ("/plain", ["--scale-to-zero", "false", "--host-port", "18082"])] {
            try Command.check([Self.openrun, "build", src.path, path, "--spec", "container", "--target", "quadlet",
                               "-o", tmp.appendingPathComponent("dist").path] + extra)
        }
        let dist = tmp.appendingPathComponent("dist/quadlet")
        let slugs = try FileManager.default.contentsOfDirectory(atPath: dist.path).sorted()
        #expect(slugs.count == 2)
        let plain = try #require(slugs.first { $0.hasPrefix("plain") }), slow = try #require(slugs.first { $0.hasPrefix("slow") })

        let sandbox = try Sandbox.up(name: "openrun-quadlet-slow-\(ProcessInfo.processInfo.processIdentifier)")
        defer { sandbox.down() }
        for slug in [plain, slow] {
            try sandbox.sh("mkdir -p /etc/containers/systemd/\(slug)")
            try sandbox.copy(dist.appendingPathComponent(slug).appendingPathComponent("."), to: "/etc/containers/systemd/\(slug)/")
        }
        try sandbox.sh("cd /etc/containers/systemd/\(slow) && mv \(slow).socket \(slow)-proxy.service /etc/systemd/system/")
        try sandbox.sh("systemctl daemon-reload && systemctl start \(slow).socket")

        let first = try sandbox.exec(["curl", "-sS", "-m", "60", "-w", "\n%{http_code} %{time_total}", "http://127.0.0.1:8081/"]).output
        #expect(first.hasPrefix("<p>slow</p>"), "\(first)")
        let seconds = Double(first.split(separator: " ").last ?? "") ?? 0
        #expect(seconds >= 2, "answered before the app listened? \(first)")
        print("quadlet e2e: app listening after 2 s answered the first request in \(seconds) s")

        // Plain mode: no socket; the service runs the container on its published loopback port.
        #expect(!FileManager.default.fileExists(atPath: dist.appendingPathComponent("\(plain)/\(plain).socket").path))
        try sandbox.sh("systemctl start \(plain).service")
        #expect(try sandbox.run(["systemctl", "is-enabled", "\(plain).service"]).output == "generated")
        let answered = try Self.waitFor(seconds: 30) {
            try sandbox.run(["curl", "-fsS", "-m", "2", "http://127.0.0.1:18082/"]).output == "<p>slow</p>"
        }
        #expect(answered != nil)
        try sandbox.sh("systemctl stop \(plain).service")
        #expect(try sandbox.run(["podman", "container", "exists", "openrun-\(plain)"]).status != 0)
    }
}
