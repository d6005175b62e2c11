import EngineTestSupport
import Foundation
import IR
import NIOPosix
import Testing
@testable import Runtime

/// `openrun build` then `openrun run` (the real binary) on the host's Podman, and with the `docker`
/// CLI against `podman system service`: lazy start, the storm, forwarding headers, Location
/// rewrite, a missing secret, a quiet streaming response past the idle timeout, idle stop and
/// restart, SIGTERM. Skipped without podman and the busybox test image.
@Suite(.serialized, .enabled(if: Engine.testsEnabled, "needs the host's podman (dev/setup); always runs in CI"))
struct OpenrunRunEndToEndTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let binary = root.appendingPathComponent(".build/debug/openrun").path

    /// A busybox httpd app with CGI scripts: `env` shows what the container got, `redirect` answers
    /// 302 to `http://<its Host header>/somewhere`, `stream` writes a line, is quiet for
    /// `streamQuietSeconds`, then writes another and ends.
    static func makeApp(in dir: URL) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: dir.appendingPathComponent("www/cgi-bin"), withIntermediateDirectories: true)
        try """
        FROM \(PodmanEndToEndTests.image)
        COPY www /var/www
        EXPOSE 8080
        CMD ["busybox", "httpd", "-f", "-p", "8080", "-h", "/var/www"]

        """.write(to: dir.appendingPathComponent("Containerfile"), atomically: true, encoding: .utf8)
        try "hello from openrun run\n".write(to: dir.appendingPathComponent("www/index.html"), atomically: true, encoding: .utf8)
        let cgi = dir.appendingPathComponent("www/cgi-bin/env")
        try """
        #!/bin/sh
        printf 'Content-Type: text/plain\\r\\n\\r\\n'
        echo "uri=$REQUEST_URI"
        echo "xff=$HTTP_X_FORWARDED_FOR"
        echo "prefix=$HTTP_X_FORWARDED_PREFIX"
        echo "greeting=$GREETING"

        """.write(to: cgi, atomically: true, encoding: .utf8)
        let redirect = dir.appendingPathComponent("www/cgi-bin/redirect")
        try """
        #!/bin/sh
        printf 'Status: 302 Found\r\nLocation: http://%s/somewhere?x=1\r\nContent-Type: text/plain\r\n\r\n' "$HTTP_HOST"

        """.write(to: redirect, atomically: true, encoding: .utf8)
        let stream = dir.appendingPathComponent("www/cgi-bin/stream")
        try """
        #!/bin/sh
        printf 'Content-Type: text/plain\r\n\r\n'
        echo start
        sleep \(streamQuietSeconds)
        echo end

        """.write(to: stream, atomically: true, encoding: .utf8)
        for script in [cgi, redirect, stream] {
            try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        }
    }

    /// How long the `stream` script is quiet: longer than the idle timeout the test serves with (2 s).
    static let streamQuietSeconds = 4

    /// A running `openrun run`, its output in files.
    final class Server: @unchecked Sendable {
        let process: BackgroundProcess
        let out: URL
        let err: URL
        var base = ""

        init(_ arguments: [String], environment: [String: String], scratch: URL) throws {
            out = scratch.appendingPathComponent("run-\(UUID().uuidString).out")
            err = scratch.appendingPathComponent("run-\(UUID().uuidString).err")
            process = try BackgroundProcess([OpenrunRunEndToEndTests.binary, "run"] + arguments, environment: environment,
                                            stdout: out.path, stderr: err.path)
        }

        /// Waits for the banner line `name<TAB>http://127.0.0.1:PORT/path/` and returns `http://127.0.0.1:PORT`.
        func waitListening() async throws -> String {
            for _ in 0..<1000 {
                let text = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
                if let range = text.range(of: #"http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression) {
                    base = String(text[range])
                    return base
                }
                if !process.isRunning { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            throw TestFailure("openrun run did not start: \(log)")
        }

        var log: String { (try? String(contentsOf: err, encoding: .utf8)) ?? "" }

        /// SIGTERM, then the time until it exited.
        func terminate() async throws -> Duration {
            await process.stop(SIGTERM)
        }
    }

    static func get(_ group: MultiThreadedEventLoopGroup, _ base: String, _ path: String,
                    headers: [(String, String)] = []) async throws -> TestResponse {
        let port = Int(base.split(separator: ":").last!)!
        return try await fetch(group, port: port, "GET", path, headers: headers)
    }

    /// Builds the app into a fresh dist folder; returns (dist, app path, container name, image).
    static func build(scratch: URL, tag: String) async throws -> (String, String, String, String) {
        let src = scratch.appendingPathComponent("src")
        try makeApp(in: src)
        let appPath = "/rt-cli-\(getpid())-\(tag)"
        let dist = scratch.appendingPathComponent("dist").path
        let log = scratch.appendingPathComponent("build.err").path
        let status = try await BackgroundProcess.run(
            [binary, "build", src.path, appPath, "--spec", "container", "--target", "docker", "--stop-timeout", "1",
             "--param", #"GREETING={{secret "GREETING_KEY"}}"#, "--copt", "podman.init=true", "--copt", "docker.init=true",
             "-o", dist],
            environment: environment([:]), stderr: log)
        guard status == 0 else { throw TestFailure("openrun build failed: \((try? String(contentsOfFile: log, encoding: .utf8)) ?? "")") }
        let folder = try FileManager.default.contentsOfDirectory(atPath: dist + "/docker").first!
        let plan = try ExecutionPlan.decodeJSON(Data(contentsOf: URL(fileURLWithPath: "\(dist)/docker/\(folder)/plan.json")))
        return (dist, appPath, "openrun-\(folder)", plan.container?.run?.image ?? "")
    }

    static func environment(_ extra: [String: String]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        env["CONTAINERS_CONF"] = PodmanEnvironment.shared!.conf
        env.removeValue(forKey: "GREETING_KEY")
        return env.merging(extra) { _, b in b }
    }

    static func scratch() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("openrun-run-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func servesLazilyWithOneStartForAStormRewritesHeadersStopsWhenIdleAndExitsOnSIGTERM() async throws {
        let engine = try #require(PodmanEnvironment.shared, "podman and the busybox test image").engine
        let scratch = try Self.scratch()
        let (dist, appPath, container, image) = try await Self.build(scratch: scratch, tag: "podman")
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        defer {
            try? FileManager.default.removeItem(at: scratch)
            // Also when the test fails half-way.
            _ = try? Engine.podman(["rm", "-f", container])
            _ = try? Engine.podman(["rmi", "-f", image])
        }

        // Without the secret: a clear 503 naming the variable, and no container.
        let noSecret = try Server([dist, "--listen", "127.0.0.1:0"], environment: Self.environment([:]), scratch: scratch)
        defer { noSecret.process.kill() }
        let base0 = try await noSecret.waitListening()
        let refused = try await Self.get(group, base0, appPath + "/")
        #expect(refused.status == 503)
        #expect(refused.body.contains("GREETING_KEY"))
        #expect(try await engine.state(container: container) == .absent)
        _ = try await noSecret.terminate()

        let server = try Server([dist, "--listen", "127.0.0.1:0", "--idle-timeout", "2", "--shutdown-grace", "3"],
                                environment: Self.environment(["GREETING_KEY": "s3cret"]), scratch: scratch)
        defer { server.process.kill() }
        let base = try await server.waitListening()
        // Lazy: nothing runs before the first request.
        try await Task.sleep(for: .milliseconds(300))
        #expect(try await engine.state(container: container) == .absent)

        let storm = try await withThrowingTaskGroup(of: TestResponse.self) { g in
            for _ in 0..<20 { g.addTask { try await Self.get(group, base, appPath + "/") } }
            return try await g.reduce(into: []) { $0.append($1) }
        }
        #expect(storm.count == 20)
        #expect(storm.allSatisfy { $0.status == 200 && $0.body == "hello from openrun run\n" })
        #expect(storm.contains { $0.header("x-openrun-cold-start") == "true" })
        let names = try await engine.check(["ps", "-a", "--filter", "name=\(container)", "--format", "{{.Names}}"])
        #expect(names.split(separator: "\n").filter { $0 == container }.count == 1)

        // Prefix stripped, client X-Forwarded-For dropped, secret in the container's env.
        let cgi = try await Self.get(group, base, appPath + "/cgi-bin/env?x=1", headers: [("X-Forwarded-For", "6.6.6.6")])
        #expect(cgi.status == 200)
        #expect(cgi.body.contains("uri=/cgi-bin/env?x=1"))
        #expect(cgi.body.contains("xff=127.0.0.1\n"))
        #expect(cgi.body.contains("prefix=\(appPath)"))
        #expect(cgi.body.contains("greeting=s3cret"))
        #expect(cgi.header("x-openrun-cold-start") == nil)

        // Location rewrite: the container's absolute redirect to itself becomes the public URL with the
        // stripped prefix restored.
        let proxyPort = Int(base.split(separator: ":").last!)!
        let redirect = try await fetch(group, port: proxyPort, "GET", appPath + "/cgi-bin/redirect", host: "apps.example:8080")
        #expect(redirect.status == 302)
        #expect(redirect.header("location") == "http://apps.example:8080\(appPath)/somewhere?x=1")

        // CL + TE: rejected by the proxy.
        let raw = try await RawConnection(group: group, port: proxyPort)
        try await raw.send("POST \(appPath)/ HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        #expect(try await raw.response().status == 400)
        await raw.close()

        // A streaming response, open and quiet past the idle timeout (2 s): the app stays up.
        let clock = ContinuousClock()
        let stream = try await RawConnection(group: group, port: proxyPort)
        try await stream.send("GET \(appPath)/cgi-bin/stream HTTP/1.1\r\nHost: a\r\n\r\n")
        let started = try await stream.wait(timeout: .seconds(5)) { $0.contains("start\n") }
        #expect(started.contains("start\n"), "\(started)")
        let streamOpened = clock.now
        // Past the deadline plus a stop's own time: an idle stop would have happened by now.
        try await Task.sleep(until: streamOpened + .milliseconds(3400), clock: .continuous)
        #expect(try await engine.state(container: container) == .running, "stopped under an open stream")
        let ended = try await stream.wait(timeout: .seconds(Self.streamQuietSeconds + 3)) { $0.contains("end\n") }
        #expect(ended.contains("end\n"), "\(ended)")
        #expect(!server.log.contains("idle stop"), "\(server.log)")
        await stream.close()

        // Idle stop within a second of the deadline (2 s after the stream ended).
        let last = clock.now
        var stoppedAfter: Duration?
        while clock.now - last < .seconds(8) {
            if case .stopped = try await engine.state(container: container) {
                stoppedAfter = clock.now - last
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let after = try #require(stoppedAfter)
        #expect(after >= .seconds(2) && after <= .seconds(3) + .milliseconds(500), "stopped after \(after)")

        // The next request starts it again.
        let again = try await Self.get(group, base, appPath + "/")
        #expect(again.status == 200)
        #expect(again.header("x-openrun-cold-start") == "true")

        // SIGTERM: exit within the grace period, no container left running.
        let took = try await server.terminate()
        #expect(!server.process.isRunning)
        #expect(server.process.exitCode == 0, "\(server.log)")
        #expect(took < .seconds(3) + .seconds(2))
        if case .running = try await engine.state(container: container) { Issue.record("container left running") }
        let log = server.log
        #expect(log.contains("ready in"))
        #expect(log.contains("idle stop"))
        try await group.shutdownGracefully()
    }

    @Test func theDockerCLIAgainstPodmanSystemService() async throws {
        guard let docker = CLIEngine.resolve("docker") else { return }
        let env = try #require(PodmanEnvironment.shared, "podman and the busybox test image")
        let scratch = try Self.scratch()
        let (dist, appPath, container, image) = try await Self.build(scratch: scratch, tag: "docker")
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let socket = scratch.appendingPathComponent("podman.sock").path
        let service = try BackgroundProcess([env.engine.executable, "system", "service", "--time=0", "unix://\(socket)"],
                                            environment: Self.environment([:]), stdout: "/dev/null", stderr: "/dev/null")
        defer {
            service.kill()
            try? FileManager.default.removeItem(at: scratch)
            // Also when the test fails half-way.
            _ = try? Engine.podman(["rm", "-f", container])
            _ = try? Engine.podman(["rmi", "-f", image, "docker.io/" + image])
        }
        for _ in 0..<300 where !FileManager.default.fileExists(atPath: socket) { try await Task.sleep(for: .milliseconds(10)) }

        let server = try Server([dist, "--listen", "127.0.0.1:0", "--engine", docker.executable],
                                environment: Self.environment(["GREETING_KEY": "d", "DOCKER_HOST": "unix://\(socket)"]),
                                scratch: scratch)
        defer { server.process.kill() }
        let base = try await server.waitListening()
        let r = try await Self.get(group, base, appPath + "/cgi-bin/env")
        #expect(r.status == 200, "\(server.log)")
        #expect(r.body.contains("greeting=d"))
        #expect(r.header("x-openrun-cold-start") == "true")
        _ = try await server.terminate()
        await service.stop()
        #expect(server.log.contains("engine docker"))
        if case .running = try await env.engine.state(container: container) { Issue.record("container left running") }
        try await group.shutdownGracefully()
    }
}
