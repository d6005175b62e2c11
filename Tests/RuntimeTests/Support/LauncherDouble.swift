import NIOConcurrencyHelpers
@testable import Runtime

/// A test double of `AppLauncher`: "starts" an app that is really the given upstream, after a delay,
/// or fails as told. Counts starts and stops.
final class LauncherDouble: AppLauncher, Sendable {
    private let state: NIOLockedValueBox<(starts: Int, stops: Int, running: Bool)> = .init((0, 0, false))
    let endpoint: Endpoint
    let delay: Duration
    let failure: StartFailure?

    init(port: Int, delay: Duration = .milliseconds(50), failure: StartFailure? = nil) {
        self.endpoint = Endpoint(host: "127.0.0.1", port: port)
        self.delay = delay
        self.failure = failure
    }

    var starts: Int { state.withLockedValue { $0.starts } }
    var stops: Int { state.withLockedValue { $0.stops } }
    var running: Bool { state.withLockedValue { $0.running } }

    func start() async throws(StartFailure) -> Endpoint {
        state.withLockedValue { $0.starts += 1 }
        do { try await Task.sleep(for: delay) } catch { throw .timedOut(after: delay) }
        if let failure { throw failure }
        state.withLockedValue { $0.running = true }
        return endpoint
    }

    func stop() async {
        state.withLockedValue { $0.stops += 1; $0.running = false }
    }
}
