/// The event loops that carry the proxy's connections.
package enum ProxyIO: String, Sendable, CaseIterable {
    /// openrun's own epoll loops (`EpollEventLoop`): the plain-HTTP data path, with a fraction of
    /// SwiftNIO's per-request work. A server with a route that needs TLS (an https URL or an https
    /// container) uses SwiftNIO's instead: TLS is SwiftNIO's (swift-nio-ssl).
    case epoll
    /// SwiftNIO's channels for everything.
    case nio
}

/// How the proxy listens and what it bounds.
package struct ProxyConfiguration: Sendable {
    package var host: String
    /// 0 picks a free port (tests).
    package var port: Int
    /// Largest request header block, in bytes (431 beyond).
    package var maxHeaderBytes: Int
    /// Most request header fields (431 beyond).
    package var maxHeaderCount: Int
    /// Connecting to an upstream gives up after this long (502).
    package var connectTimeout: Duration
    /// Seconds a client is told to wait after a failed start.
    package var retryAfterSeconds: Int
    /// A request head must be complete this long after its first byte (else 408 and close): a client
    /// trickling a head cannot hold a connection.
    package var headerTimeout: Duration = .seconds(60)
    /// A keep-alive connection with no request for this long is closed.
    package var keepAliveTimeout: Duration = .seconds(75)
    /// Put a failed start's engine output (container logs) into the 503 body; by default only when
    /// listening on loopback, where nobody but this machine reads it.
    package var exposeEngineLogs: Bool
    /// Which event loops carry the connections.
    package var io: ProxyIO = .epoll

    package init(host: String = "127.0.0.1", port: Int = 25222, maxHeaderBytes: Int = 32 * 1024,
                 maxHeaderCount: Int = 100, connectTimeout: Duration = .seconds(5), retryAfterSeconds: Int = 5) {
        self.host = host
        self.port = port
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.connectTimeout = connectTimeout
        self.retryAfterSeconds = retryAfterSeconds
        self.exposeEngineLogs = host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// Parses `ADDR:PORT` (`[::1]:80` for IPv6).
    package static func parseListen(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
              (0...65535).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host.isEmpty ? "0.0.0.0" : host, port)
    }

    /// Listening where only this machine can connect.
    package var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }
}
