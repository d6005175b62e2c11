/// Permission to send one request (or hold one stream) to a started app. Every lease is
/// returned with `AppLifecycle.release(_:)` exactly once; while any lease is out the app is
/// not idle.
package struct AppLease: Sendable {
    package let endpoint: Endpoint
    /// The request waited for a start.
    package let coldStart: Bool
    /// How long it waited for the start (zero when the app was ready).
    package let waited: Duration
    /// The lease holds an open stream (WebSocket or another upgrade), counted separately.
    package var isStream = false

    package init(endpoint: Endpoint, coldStart: Bool, waited: Duration) {
        self.endpoint = endpoint
        self.coldStart = coldStart
        self.waited = waited
    }
}
