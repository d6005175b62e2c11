import Logging
import NIOConcurrencyHelpers

/// The per-app state machine: stopped → starting → ready → stopping.
///
/// * The first `acquire` starts the app; every `acquire` meanwhile waits on that one start.
/// * An `acquire` while stopping waits for the stop and then triggers a fresh start.
/// * Outstanding leases (requests in flight, open streams) keep the app up; once none is out,
///   a deadline timer stops the app `idleTimeout` after the last release (nil disables it).
///
/// Transitions happen under a lock and never block; starting and stopping run in tasks.
package final class AppLifecycle: Sendable {
    package enum Phase: Sendable, Equatable {
        case stopped, starting, ready(Endpoint), stopping
    }

    /// Events for logs and metrics.
    package enum Event: Sendable {
        case starting
        case ready(Endpoint, after: Duration)
        case startFailed(StartFailure, after: Duration)
        case idleStop(idleFor: Duration)
        case stopped
    }

    private struct Waiter {
        let arrived: ContinuousClock.Instant
        let resume: @Sendable (Result<AppLease, StartFailure>) -> Void
    }

    private struct State {
        var phase: Phase = .stopped
        var waiters: [Waiter] = []
        /// Leases out (requests in flight + open streams) plus waiters.
        var active = 0
        var streams = 0
        var lastActivity: ContinuousClock.Instant
        var timerArmed = false
        var shuttingDown = false
        var startTask: Task<Void, Never>?
        var stopTask: Task<Void, Never>?
        var starts = 0
        /// Consecutive failed starts, and until when the last failure answers for the app.
        var failures = 0
        var backoff: (failure: StartFailure, until: ContinuousClock.Instant)?
    }

    package let name: String
    private let launcher: any AppLauncher
    /// The app is reached over TLS (the proxy then needs SwiftNIO's loops).
    package var speaksTLS: Bool { launcher.speaksTLS }
    private let idleTimeout: Duration?
    private let startTimeout: Duration
    private let failureBackoff: Duration
    private let onEvent: @Sendable (Event) -> Void
    private let state: NIOLockedValueBox<State>
    private let clock = ContinuousClock()

    /// - Parameters:
    ///   - idleTimeout: stop after this long without a lease out; nil or zero never stops.
    ///   - startTimeout: a start not done by then fails with `.timedOut` (504).
    ///   - failureBackoff: after a failed start, requests get that failure at once for this long
    ///     (doubling with each further failure, at most `maxFailureBackoff`) instead of starting
    ///     the same failing container again and again; zero retries at once.
    package init(name: String, launcher: any AppLauncher, idleTimeout: Duration?, startTimeout: Duration,
                 failureBackoff: Duration = .seconds(1),
                 onEvent: @escaping @Sendable (Event) -> Void = { _ in }) {
        self.name = name
        self.launcher = launcher
        self.idleTimeout = (idleTimeout ?? .zero) > .zero ? idleTimeout : nil
        self.startTimeout = startTimeout
        self.failureBackoff = failureBackoff
        self.onEvent = onEvent
        self.state = NIOLockedValueBox(State(lastActivity: ContinuousClock.now))
    }

    // MARK: - Observation

    package var phase: Phase { state.withLockedValue { $0.phase } }
    /// Leases out plus requests waiting for a start.
    package var activeCount: Int { state.withLockedValue { $0.active } }
    package var openStreams: Int { state.withLockedValue { $0.streams } }
    /// Starts begun since creation.
    package var startCount: Int { state.withLockedValue { $0.starts } }

    /// The longest back-off after consecutive failed starts.
    package static let maxFailureBackoff: Duration = .seconds(30)

    /// How long until a failed app is started again (for `Retry-After`), nil when not backing off.
    package var retryAfter: Duration? {
        let now = clock.now
        return state.withLockedValue { s in
            guard let b = s.backoff, now < b.until else { return nil }
            return b.until - now
        }
    }

    // MARK: - Acquire / release

    /// A lease at once when the app is ready (the fast path, no allocation of a waiter), else nil.
    package func acquireIfReady() -> AppLease? {
        state.withLockedValue { s in
            guard !s.shuttingDown, case .ready(let endpoint) = s.phase else { return nil }
            s.active += 1
            return AppLease(endpoint: endpoint, coldStart: false, waited: .zero)
        }
    }

    /// Calls `done` with a lease once the app is ready (at once when it is), or with the start's failure.
    /// `done` may run on any thread.
    package func acquire(_ done: @escaping @Sendable (Result<AppLease, StartFailure>) -> Void) {
        enum Action { case ready(Endpoint), wait, start, refuse(StartFailure) }
        let now = clock.now
        let action: Action = state.withLockedValue { s in
            if s.shuttingDown { return .refuse(.shuttingDown) }
            switch s.phase {
            case .ready(let endpoint):
                s.active += 1
                return .ready(endpoint)
            case .starting:
                s.active += 1
                s.waiters.append(Waiter(arrived: now, resume: done))
                return .wait
            case .stopping:
                if let b = s.backoff, now < b.until { return .refuse(b.failure) }
                s.active += 1
                s.waiters.append(Waiter(arrived: now, resume: done))
                return .wait
            case .stopped:
                if let b = s.backoff, now < b.until { return .refuse(b.failure) }
                s.active += 1
                s.waiters.append(Waiter(arrived: now, resume: done))
                beginStart(&s)
                return .start
            }
        }
        switch action {
        case .ready(let endpoint): done(.success(AppLease(endpoint: endpoint, coldStart: false, waited: .zero)))
        case .wait: break
        case .start: onEvent(.starting)
        case .refuse(let failure): done(.failure(failure))
        }
    }

    /// `acquire` for async callers.
    package func acquire() async throws(StartFailure) -> AppLease {
        let result = await withCheckedContinuation { (c: CheckedContinuation<Result<AppLease, StartFailure>, Never>) in
            acquire { c.resume(returning: $0) }
        }
        return try result.get()
    }

    /// Marks the lease as an open stream (an upgraded connection), for counting.
    package func beginStream(_ lease: inout AppLease) {
        guard !lease.isStream else { return }
        lease.isStream = true
        state.withLockedValue { $0.streams += 1 }
    }

    /// Returns a lease; the last one out arms the idle timer.
    package func release(_ lease: AppLease) {
        let now = clock.now
        let arm: ContinuousClock.Instant? = state.withLockedValue { s in
            s.active -= 1
            if lease.isStream { s.streams -= 1 }
            s.lastActivity = now
            guard s.active == 0, let idle = idleTimeout, case .ready = s.phase, !s.timerArmed else { return nil }
            s.timerArmed = true
            return now + idle
        }
        if let deadline = arm { armIdleTimer(deadline) }
    }

    // MARK: - Start

    /// Called under the lock: phase → starting, one task runs the launcher.
    private func beginStart(_ s: inout State) {
        s.phase = .starting
        s.starts += 1
        let began = clock.now
        s.startTask = Task { [self] in
            let result = await self.runStart()
            self.finishStart(result, began: began)
        }
    }

    private func runStart() async -> Result<Endpoint, StartFailure> {
        let launcher = self.launcher
        let timeout = self.startTimeout
        return await withTaskGroup(of: Result<Endpoint, StartFailure>?.self) { group in
            group.addTask {
                do throws(StartFailure) { return .success(try await launcher.start()) } catch { return .failure(error) }
            }
            group.addTask {
                do { try await Task.sleep(for: timeout) } catch { return nil }
                return .failure(.timedOut(after: timeout))
            }
            let first = await group.next()!
            group.cancelAll()
            return first ?? .failure(.timedOut(after: timeout))
        }
    }

    private func finishStart(_ result: Result<Endpoint, StartFailure>, began: ContinuousClock.Instant) {
        let now = clock.now
        let elapsed = now - began
        let (waiters, arm): ([Waiter], ContinuousClock.Instant?) = state.withLockedValue { s in
            let waiters = s.waiters
            s.waiters = []
            s.startTask = nil
            switch result {
            case .success(let endpoint):
                s.phase = .ready(endpoint)
                s.failures = 0
                s.backoff = nil
                // Waiters that gave up released already; with none left, the idle clock runs from now.
                if s.active == 0, let idle = idleTimeout, !s.timerArmed {
                    s.lastActivity = now
                    s.timerArmed = true
                    return (waiters, now + idle)
                }
            case .failure(let failure):
                s.active -= waiters.count
                if failureBackoff > .zero && failure != .shuttingDown {
                    s.failures += 1
                    var delay = failureBackoff
                    for _ in 1..<min(s.failures, 16) where delay < Self.maxFailureBackoff { delay *= 2 }
                    s.backoff = (failure, now + min(delay, Self.maxFailureBackoff))
                }
                // Leave nothing half-started behind; requests arriving meanwhile wait for a fresh start.
                beginStop(&s)
            }
            return (waiters, nil)
        }
        switch result {
        case .success(let endpoint):
            onEvent(.ready(endpoint, after: elapsed))
            for w in waiters {
                w.resume(.success(AppLease(endpoint: endpoint, coldStart: true, waited: now - w.arrived)))
            }
        case .failure(let failure):
            onEvent(.startFailed(failure, after: elapsed))
            for w in waiters { w.resume(.failure(failure)) }
        }
        if let deadline = arm { armIdleTimer(deadline) }
    }

    // MARK: - Idle stop

    private func armIdleTimer(_ deadline: ContinuousClock.Instant) {
        Task { [self] in
            try? await Task.sleep(until: deadline, clock: self.clock)
            self.idleTimerFired()
        }
    }

    private func idleTimerFired() {
        enum Action { case none, rearm(ContinuousClock.Instant), stopped(Duration) }
        let now = clock.now
        let action: Action = state.withLockedValue { s in
            s.timerArmed = false
            guard let idle = idleTimeout, s.active == 0, case .ready = s.phase, !s.shuttingDown else { return .none }
            let deadline = s.lastActivity + idle
            if now >= deadline {
                beginStop(&s)
                return .stopped(now - s.lastActivity)
            }
            s.timerArmed = true
            return .rearm(deadline)
        }
        switch action {
        case .none: break
        case .rearm(let deadline): armIdleTimer(deadline)
        case .stopped(let idleFor): onEvent(.idleStop(idleFor: idleFor))
        }
    }

    // MARK: - Stop

    /// Called under the lock: phase → stopping, one task runs the launcher's stop.
    private func beginStop(_ s: inout State) {
        s.phase = .stopping
        s.stopTask = Task { [self] in
            await self.launcher.stop()
            self.finishStop()
        }
    }

    private func finishStop() {
        let now = clock.now
        let (restarted, refused): (Bool, [(Waiter, StartFailure)]) = state.withLockedValue { s in
            s.stopTask = nil
            if !s.waiters.isEmpty && !s.shuttingDown {
                if let b = s.backoff, now < b.until {
                    // Arrived while a failed start was being cleaned up: they get its failure.
                    let w = s.waiters
                    s.waiters = []
                    s.active -= w.count
                    s.phase = .stopped
                    return (false, w.map { ($0, b.failure) })
                }
                beginStart(&s)
                return (true, [])
            }
            s.phase = .stopped
            return (false, [])
        }
        onEvent(.stopped)
        for (w, failure) in refused { w.resume(.failure(failure)) }
        if restarted { onEvent(.starting) }
    }

    // MARK: - Shutdown

    /// Refuses new requests, fails waiting ones, and stops the app if it is up (waiting for a
    /// start in progress to finish first). Returns when the app is stopped.
    package func shutdown() async {
        let waiters: [Waiter] = state.withLockedValue { s in
            s.shuttingDown = true
            let w = s.waiters
            s.waiters = []
            s.active -= w.count
            return w
        }
        for w in waiters { w.resume(.failure(.shuttingDown)) }
        while true {
            enum Step { case done, await(Task<Void, Never>) }
            let step: Step = state.withLockedValue { s in
                switch s.phase {
                case .stopped: return .done
                case .starting: return s.startTask.map { .await($0) } ?? .done
                case .stopping: return s.stopTask.map { .await($0) } ?? .done
                case .ready:
                    beginStop(&s)
                    return s.stopTask.map { .await($0) } ?? .done
                }
            }
            switch step {
            case .done: return
            case .await(let task): await task.value
            }
        }
    }
}
