/// Brings one app up (returning where it listens, once healthy) and down.
package protocol AppLauncher: Sendable {
    /// Starts the app; returns when it is healthy. Throws `StartFailure`.
    func start() async throws(StartFailure) -> Endpoint
    /// Stops the app (keeping its container for a fast restart). Never throws: failures are logged.
    func stop() async
}

/// Where a started app listens.
package struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    package var host: String
    package var port: Int

    package init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    package var description: String { "\(host):\(port)" }
}
