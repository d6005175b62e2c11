/// One health check attempt against a published port.
package protocol HealthProbe: Sendable {
    /// True when `GET <path>` on `endpoint` (over TLS when it says so) answered a final 200.
    func check(_ endpoint: Endpoint, path: String) async -> Bool
}

/// How health polling paces itself: the first attempts come milliseconds apart, then back off.
package struct HealthPolling: Sendable, Hashable {
    /// Delay before the second attempt.
    package var initialDelay: Duration
    /// Largest delay between attempts.
    package var maximumDelay: Duration
    /// Give up (a start timeout) when the app is not healthy after this long.
    package var budget: Duration
    /// How often, at most, the engine is asked whether the container exited while polling.
    package var exitCheckInterval: Duration

    package init(initialDelay: Duration = .milliseconds(5), maximumDelay: Duration = .milliseconds(500),
                 budget: Duration = .seconds(120), exitCheckInterval: Duration = .milliseconds(250)) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.budget = budget
        self.exitCheckInterval = exitCheckInterval
    }

    /// The delay after `attempt` failed attempts (1-based): doubling from `initialDelay`, capped.
    package func delay(afterAttempt attempt: Int) -> Duration {
        var d = initialDelay
        var n = 1
        while n < attempt && d < maximumDelay {
            d = d * 2
            n += 1
        }
        return min(d, maximumDelay)
    }
}
