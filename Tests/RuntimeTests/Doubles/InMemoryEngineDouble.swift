import NIOConcurrencyHelpers
@testable import Runtime

/// A test double of `ContainerEngine`: containers and images live in memory, operations take
/// configurable time, and every call is recorded. No process is started.
final class InMemoryEngineDouble: ContainerEngine, HealthProbe, Sendable {
    struct Container {
        var state: ContainerState
        var port: Int
        var digest: String?
        /// The run's argv and the environment the engine got.
        var arguments: [String] = []
        var environment: [String: String] = [:]
        /// When a health check starts answering 200.
        var healthyAt: ContinuousClock.Instant
    }

    struct Behaviour {
        /// How long `run` and `start` take.
        var startLatency: Duration = .milliseconds(20)
        /// How long after running the app answers its health check.
        var bootTime: Duration = .milliseconds(30)
        /// How long `stop` takes.
        var stopLatency: Duration = .milliseconds(20)
        /// The container exits right after `run`/`start` with these logs.
        var exitsWithLogs: String?
        /// `run` fails with this engine error.
        var runFails: EngineError?
        /// Every `start` publishes a new port (as podman does for `-p 127.0.0.1::PORT`).
        var newPortOnStart = true
        /// Publish this port instead (a real server the test runs in its place); health comes from the
        /// real server then, through a real probe.
        var fixedPort: Int?
    }

    private struct State {
        var behaviour: Behaviour
        var images: Set<String> = []
        var containers: [String: Container] = [:]
        var calls: [String] = []
        var nextPort = 40000
    }

    private let state: NIOLockedValueBox<State>

    init(_ behaviour: Behaviour = Behaviour(), images: Set<String> = []) {
        state = NIOLockedValueBox(State(behaviour: behaviour, images: images))
    }

    var calls: [String] { state.withLockedValue { $0.calls } }
    func count(_ verb: String) -> Int { calls.filter { $0.hasPrefix(verb + " ") || $0 == verb }.count }
    func containerState(_ name: String) -> ContainerState { state.withLockedValue { $0.containers[name]?.state ?? .absent } }
    func setBehaviour(_ change: (inout Behaviour) -> Void) { state.withLockedValue { change(&$0.behaviour) } }
    var runningCount: Int { state.withLockedValue { $0.containers.values.filter { $0.state == .running }.count } }

    private func record(_ call: String) -> Behaviour {
        state.withLockedValue { s in
            s.calls.append(call)
            return s.behaviour
        }
    }

    func imageExists(_ reference: String) async throws -> Bool {
        _ = record("image-exists \(reference)")
        return state.withLockedValue { $0.images.contains(reference) }
    }

    func build(tag: String, arguments: [String]) async throws {
        _ = record("build \(tag)")
        try await Task.sleep(for: .milliseconds(5))
        state.withLockedValue { _ = $0.images.insert(tag) }
    }

    func pull(_ reference: String) async throws {
        _ = record("pull \(reference)")
        state.withLockedValue { _ = $0.images.insert(reference) }
    }

    func createVolume(_ name: String, arguments: [String]) async throws { _ = record("volume-create \(name)") }

    func run(container: String, arguments: [String], environment: [String: String]) async throws {
        let b = record("run \(container)")
        try await Task.sleep(for: b.startLatency)
        if let e = b.runFails { throw e }
        bringUp(container, behaviour: b, isRun: true)
        state.withLockedValue { s in
            s.containers[container]?.arguments = arguments
            s.containers[container]?.environment = environment
            if let i = arguments.firstIndex(of: "dev.openrun.plan-label"), i + 1 < arguments.count {
                s.containers[container]?.digest = arguments[i + 1]
            }
        }
    }

    func remove(container: String) async throws {
        _ = record("rm \(container)")
        state.withLockedValue { _ = $0.containers.removeValue(forKey: container) }
    }

    func inspect(container: String) async throws -> ContainerInspection {
        _ = record("inspect \(container)")
        return state.withLockedValue { s in
            ContainerInspection(state: s.containers[container]?.state ?? .absent, planDigest: s.containers[container]?.digest)
        }
    }

    /// Puts a stopped container of another plan in place.
    func addStoppedContainer(_ name: String, digest: String) {
        state.withLockedValue { s in
            s.containers[name] = Container(state: .stopped(exitCode: 0), port: 1, digest: digest, healthyAt: .now)
        }
    }

    func runArguments(_ name: String) -> [String] { state.withLockedValue { $0.containers[name]?.arguments ?? [] } }
    func runEnvironment(_ name: String) -> [String: String] { state.withLockedValue { $0.containers[name]?.environment ?? [:] } }

    func start(container: String) async throws {
        let b = record("start \(container)")
        if state.withLockedValue({ $0.containers[container] == nil }) {
            throw EngineError(command: "start \(container)", exitCode: 125, output: "no such container")
        }
        try await Task.sleep(for: b.startLatency)
        bringUp(container, behaviour: b, isRun: false)
    }

    private func bringUp(_ name: String, behaviour b: Behaviour, isRun: Bool) {
        state.withLockedValue { s in
            var port = s.containers[name]?.port ?? 0
            if isRun || b.newPortOnStart || port == 0 {
                s.nextPort += 1
                port = s.nextPort
            }
            if let fixed = b.fixedPort { port = fixed }
            let st: ContainerState = b.exitsWithLogs == nil ? .running : .stopped(exitCode: 1)
            var c = s.containers[name] ?? Container(state: st, port: port, healthyAt: .now)
            c.state = st
            c.port = port
            c.healthyAt = ContinuousClock.now + b.bootTime
            s.containers[name] = c
        }
    }

    func stop(container: String, timeoutSeconds: Int) async throws {
        guard state.withLockedValue({ $0.containers[container]?.state == .running }) else { return }
        let b = record("stop \(container)")
        try await Task.sleep(for: b.stopLatency)
        state.withLockedValue { $0.containers[container]?.state = .stopped(exitCode: 0) }
    }

    func state(container: String) async throws -> ContainerState {
        state.withLockedValue { $0.containers[container]?.state ?? .absent }
    }

    func publishedPort(container: String, containerPort: Int) async throws -> Int? {
        state.withLockedValue { $0.containers[container].map(\.port) }
    }

    func logs(container: String, tail: Int) async throws -> String {
        state.withLockedValue { $0.behaviour.exitsWithLogs ?? "" }
    }

    /// Health: 200 once the container with that port is running and booted.
    func check(_ endpoint: Endpoint, path: String) async -> Bool {
        let port = endpoint.port
        return state.withLockedValue { s in
            s.containers.values.contains { $0.port == port && $0.state == .running && ContinuousClock.now >= $0.healthyAt }
        }
    }
}
