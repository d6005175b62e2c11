import NIOCore
import NIOPosix

/// Brings one app up (returning where it listens, once healthy) and down.
package protocol AppLauncher: Sendable {
    /// Starts the app; returns when it is healthy. Throws `StartFailure`.
    func start() async throws(StartFailure) -> Endpoint
    /// Stops the app (keeping its container for a fast restart). Never throws: failures are logged.
    func stop() async
    /// The app is reached over TLS (an https container).
    var speaksTLS: Bool { get }
}

extension AppLauncher {
    package var speaksTLS: Bool { false }
}

/// Where a started app (or a URL route) listens, and whether it speaks TLS there.
package struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    package var host: String
    package var port: Int
    /// TLS on the connection (https upstreams); nil for plain HTTP.
    package var tls: UpstreamTLS?

    package init(host: String, port: Int, tls: UpstreamTLS? = nil) {
        self.host = host
        self.port = port
        self.tls = tls
    }

    package var description: String { "\(host):\(port)" }

    /// Connects `bootstrap` here: an IP address directly, a name through NIO's resolver (which runs
    /// getaddrinfo on a Dispatch queue, so a busy process would delay even loopback connections).
    func connect(_ bootstrap: ClientBootstrap) -> EventLoopFuture<any Channel> {
        let literal = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if let address = try? SocketAddress(ipAddress: literal, port: port) {
            return bootstrap.connect(to: address)
        }
        return bootstrap.connect(host: host, port: port)
    }

    /// The Host header for it (as in a URL of its scheme): the port left out when it is the default one.
    package var authority: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return port == (tls == nil ? 80 : 443) ? h : "\(h):\(port)"
    }
}
