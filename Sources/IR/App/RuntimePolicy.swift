/// How the runtime treats the app.
public struct RuntimePolicy: Codable, Hashable, Sendable {
    /// Stop the container after this many seconds without traffic.
    public var idleTimeoutSeconds: Int
    /// Give up on a start when the health check has not passed after this many seconds.
    public var healthTimeoutSeconds: Int

    public init(idleTimeoutSeconds: Int = 180, healthTimeoutSeconds: Int = 120) {
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.healthTimeoutSeconds = healthTimeoutSeconds
    }
}
