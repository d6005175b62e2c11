import EngineTestSupport
import Foundation
import Logging
import NIOPosix
import Testing
@testable import Runtime

/// The runtime against the host's real Podman with the busybox test image
/// (`dev/test-image`; Podman configured by `dev/containers.conf`). Skipped when either is missing.
@Suite(.serialized, .enabled(if: Engine.testsEnabled, "needs the host's podman (dev/setup); always runs in CI"))
struct PodmanEndToEndTests {
    static let image = "localhost/openrun-test-busybox:latest"

    /// A recipe serving busybox httpd on 8080, under a name unique to this run.
    static func recipe(_ suffix: String, command: [String] = ["busybox", "httpd", "-f", "-p", "8080", "-h", "/var/www"]) -> LaunchRecipe {
        let name = "openrun-rt-test-\(getpid())-\(suffix)"
        return LaunchRecipe(containerName: name, image: .pull(image),
                            runOptions: ["--init", "--publish", "127.0.0.1::8080", "--label", "dev.openrun.test=runtime"],
                            runImage: image, command: command, containerPort: 8080, healthPath: "/",
                            polling: HealthPolling(initialDelay: .milliseconds(2), budget: .seconds(30)), stopTimeoutSeconds: 1)
    }

    struct Host {
        let host: RuntimeHost
        let group: MultiThreadedEventLoopGroup
        let port: Int
        let engine: CLIEngine

        static func make(_ apps: [ServedApp], idle: Duration? = nil) async throws -> Host {
            let env = try #require(PodmanEnvironment.shared)
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
            let options = RuntimeOptions(proxy: ProxyConfiguration(host: "127.0.0.1", port: 0), idleTimeout: idle,
                                         startTimeout: .seconds(30), shutdownGrace: .seconds(2))
            let host = try RuntimeHost(apps: apps, options: options, engine: env.engine, logger: Logger(label: "e2e"), group: group)
            let port = try await host.server.start()
            return Host(host: host, group: group, port: port, engine: env.engine)
        }

        func get(_ path: String) async throws -> TestResponse { try await fetch(group, port: port, "GET", path) }

        func close() async {
            await host.shutdown()
            for app in host.apps {
                if let name = app.recipe?.containerName { _ = try? await engine.exec(["rm", "-f", name]) }
            }
            try? await group.shutdownGracefully()
        }
    }

    @Test func lazyStartAStormOfTwentyFirstRequestsRunsOneContainer() async throws {
        let recipe = Self.recipe("storm")
        let h = try await Host.make([ServedApp(name: "web", path: "/web", recipe: recipe)])
        #expect(try await h.engine.state(container: recipe.containerName) == .absent)
        let responses = try await withThrowingTaskGroup(of: TestResponse.self) { group in
            for _ in 0..<20 { group.addTask { try await h.get("/web/") } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(responses.count == 20)
        #expect(responses.allSatisfy { $0.status == 200 && $0.body.contains("openrun test image") })
        #expect(responses.contains { $0.header("x-openrun-cold-start") == "true" })
        let ps = try await h.engine.check(["ps", "-a", "--filter", "label=dev.openrun.test=runtime",
                                           "--filter", "name=\(recipe.containerName)", "--format", "{{.Names}}"])
        #expect(ps.split(separator: "\n").count == 1)
        let warm = try await h.get("/web/")
        #expect(warm.header("x-openrun-cold-start") == nil)
        await h.close()
    }

    @Test func idleStopWithinASecondOfTheDeadlineThenRestartOnTheNextRequest() async throws {
        let recipe = Self.recipe("idle")
        let h = try await Host.make([ServedApp(name: "web", path: "/", recipe: recipe)], idle: .seconds(2))
        let first = try await h.get("/")
        #expect(first.status == 200)
        let clock = ContinuousClock()
        let last = clock.now
        var stoppedAt: ContinuousClock.Instant?
        while clock.now - last < .seconds(6) {
            if case .stopped = try await h.engine.state(container: recipe.containerName) {
                stoppedAt = clock.now
                break
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let after = try #require(stoppedAt) - last
        #expect(after >= .seconds(2))
        #expect(after <= .seconds(3))
        let again = try await h.get("/")
        #expect(again.status == 200)
        #expect(again.header("x-openrun-cold-start") == "true")
        await h.close()
    }

    @Test func aContainerThatExitsOnStartIs503WithItsLogs() async throws {
        let recipe = Self.recipe("exits", command: ["sh", "-c", "echo flask is not installed >&2; exit 3"])
        let h = try await Host.make([ServedApp(name: "broken", path: "/", recipe: recipe)])
        let clock = ContinuousClock()
        let began = clock.now
        let r = try await h.get("/")
        #expect(r.status == 503)
        #expect(r.header("retry-after") != nil)
        #expect(r.body.contains("exited while starting"))
        #expect(r.body.contains("flask is not installed"))
        #expect(clock.now - began < .seconds(5))
        await h.close()
    }

    @Test func shutdownLeavesNoContainerRunning() async throws {
        let recipe = Self.recipe("shutdown")
        let h = try await Host.make([ServedApp(name: "web", path: "/", recipe: recipe)])
        #expect(try await h.get("/").status == 200)
        #expect(try await h.engine.state(container: recipe.containerName) == .running)
        await h.host.shutdown()
        if case .running = try await h.engine.state(container: recipe.containerName) {
            Issue.record("still running after shutdown")
        }
        await h.close()
    }
}

/// Podman with this repository's containers.conf and the busybox test image (`dev/test-image`,
/// built when missing), when the host has Podman; in CI always (a missing engine fails there).
struct PodmanEnvironment: Sendable {
    let engine: CLIEngine
    /// The containers.conf in use.
    let conf: String

    static let shared: PodmanEnvironment? = {
        guard Engine.testsEnabled else { return nil }
        let conf = Engine.environment["CONTAINERS_CONF"] ?? Engine.containersConf
        guard let podman = CLIEngine.resolve("podman") else { return nil }
        guard (try? Engine.testImage()) != nil else { return nil }
        return PodmanEnvironment(engine: CLIEngine(kind: .podman, executable: podman.executable,
                                                   environment: ["CONTAINERS_CONF": conf]), conf: conf)
    }()
}
