import NIOCore
import NIOPosix

/// What the proxy keeps per event loop, used only on its loop: idle keep-alive connections to
/// upstreams (so a request and its upstream connection always share one thread), the loop's client
/// connections (timeouts, shutdown), the connections to flush at the end of the loop iteration, and
/// how new upstream connections are opened on this loop.
final class UpstreamPool: @unchecked Sendable {
    /// Opens a connection to an endpoint on this pool's loop for a handler, within a timeout.
    typealias Connector = (Endpoint, UpstreamHandler, Duration) -> EventLoopFuture<Void>

    /// The idle connections to one endpoint (a class: a handler keeps it, and the pool finds it
    /// for the endpoint used last without hashing).
    final class IdleList {
        var handlers: [UpstreamHandler] = []
    }

    let eventLoop: any EventLoop
    /// The client connections on this loop, for the timeout sweep and shutdown.
    var clients: [ObjectIdentifier: ProxyServerHandler] = [:]

    /// Connections written in this loop iteration, flushed together once its events are handled:
    /// the write syscalls go out back to back (as haproxy sends after reading), so the peers they
    /// wake find several messages at once instead of being woken per message.
    /// (A closed connection's flush does nothing.)
    private var toFlush: [any ProxyTransport] = []
    private var flushScheduled = false

    func flushSoon(_ transport: any ProxyTransport) {
        toFlush.append(transport)
        guard !flushScheduled else { return }
        flushScheduled = true
        eventLoop.execute { [self] in
            flushScheduled = false
            let transports = toFlush
            toFlush.removeAll(keepingCapacity: true)
            for t in transports { t.flush() }
        }
    }

    private let connector: Connector

    /// A new connection to `endpoint` for `handler` (which learns of its transport before this completes).
    func connect(_ endpoint: Endpoint, _ handler: UpstreamHandler, _ timeout: Duration) -> EventLoopFuture<Void> {
        connector(endpoint, handler, timeout)
    }
    private var idle: [Endpoint: IdleList] = [:]
    private var last: (endpoint: Endpoint, list: IdleList)?
    private let maxIdlePerEndpoint: Int

    init(eventLoop: any EventLoop, maxIdlePerEndpoint: Int = 128, connector: @escaping Connector) {
        self.eventLoop = eventLoop
        self.maxIdlePerEndpoint = maxIdlePerEndpoint
        self.connector = connector
    }

    /// Connects through SwiftNIO (`ClientBootstrap`) on `loop`, with TLS for https endpoints.
    static func nioConnector(_ loop: any EventLoop) -> Connector {
        { endpoint, handler, timeout in
            let bound = NIOLoopBound(handler, eventLoop: loop)
            return endpoint.connect(ClientBootstrap(group: loop)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connectTimeout(.nanoseconds(timeout.nanoseconds))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        // [TLS] https upstreams: the TLS client handler goes first, below the byte-level
                        // handler (a no-op for plain endpoints); see UpstreamTLS.swift.
                        try UpstreamTLS.configure(channel, for: endpoint)
                        try channel.pipeline.syncOperations.addHandler(NIOTransport(bound.value, on: channel))
                    }
                }
            ).map { _ in () }
        }
    }

    private func list(_ endpoint: Endpoint) -> IdleList {
        if let last, last.endpoint == endpoint { return last.list }
        let l: IdleList
        if let found = idle[endpoint] {
            l = found
        } else {
            l = IdleList()
            idle[endpoint] = l
        }
        last = (endpoint, l)
        return l
    }

    /// A live idle connection to `endpoint`, if any.
    func take(_ endpoint: Endpoint) -> UpstreamHandler? {
        eventLoop.preconditionInEventLoop()
        let l = list(endpoint)
        while let h = l.handlers.popLast() {
            if h.isActive { return h }
        }
        return nil
    }

    /// Keeps a connection whose last exchange ended cleanly, or closes it when the pool is full.
    func giveBack(_ handler: UpstreamHandler) {
        eventLoop.preconditionInEventLoop()
        let l = handler.idleList ?? list(handler.endpoint)
        handler.idleList = l
        guard handler.isActive, l.handlers.count < maxIdlePerEndpoint else {
            handler.close()
            return
        }
        handler.setReadsPaused(false)  // an idle connection reads, to see the upstream close it
        l.handlers.append(handler)
    }

    /// Forgets a connection that closed.
    func remove(_ handler: UpstreamHandler) {
        guard let l = handler.idleList ?? idle[handler.endpoint] else { return }
        l.handlers.removeAll { $0 === handler }
    }

    /// Closes every idle connection (shutdown).
    func closeAll() {
        let all = idle.values.flatMap(\.handlers)
        idle = [:]
        last = nil
        for h in all { h.close() }
    }
}
