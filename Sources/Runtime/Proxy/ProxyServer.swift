#if canImport(Glibc)
import Glibc
#endif
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The reverse proxy: listens, routes requests to apps and URLs, and shuts down gracefully.
///
/// Its connections run on openrun's own epoll loops (`EpollEventLoop`) unless the configuration
/// asks for SwiftNIO's (`ProxyIO.nio`) or a route needs TLS, which is SwiftNIO's: then as SwiftNIO
/// channels. The handlers are the same either way.
package final class ProxyServer: Sendable {
    private let shared: ProxyShared
    private let group: any EventLoopGroup
    /// The loops made here (and shut down here): the epoll loops, or SwiftNIO's when `threads` was given.
    private let ownGroup: (any EventLoopGroup)?
    private let apps: [AppLifecycle]
    #if os(Linux)
    /// The epoll loops, when the connections run on them.
    private let epoll: EpollEventLoopGroup?
    private let listener = NIOLockedValueBox<EpollListener?>(nil)
    #endif
    private let serverChannel = NIOLockedValueBox<(any Channel)?>(nil)
    private let sweeps = NIOLockedValueBox<[RepeatedTask]>([])
    private let done = NIOLockedValueBox(false)

    /// Which loops carry the connections (`.nio` when the configuration or a TLS route asks for it).
    package let io: ProxyIO

    /// - Parameters:
    ///   - group: SwiftNIO's loops to serve on when the connections are SwiftNIO channels and
    ///     `threads` is nil (tests); the number of epoll loops otherwise, when `threads` is nil.
    ///   - threads: the loops to make for the connections, of whichever kind they run on (`openrun run`).
    package init(configuration: ProxyConfiguration, routes: RouteTable, apps: [AppLifecycle],
                 metrics: RuntimeMetrics, logger: Logger, group: any EventLoopGroup, threads: Int? = nil) {
        let needsTLS = routes.routes.contains { route in
            switch route.target {
            case .url(let u): u.endpoint.tls != nil
            case .app(let lifecycle): lifecycle.speaksTLS
            }
        }
        var ownGroup: (any EventLoopGroup)?
        var io = ProxyIO.nio
        #if os(Linux)
        var epoll: EpollEventLoopGroup?
        if configuration.io == .epoll && !needsTLS {
            do {
                let g = try EpollEventLoopGroup(numberOfThreads: threads ?? Array(group.makeIterator()).count)
                epoll = g
                ownGroup = g
                io = .epoll
            } catch {
                logger.warning("the proxy's epoll loops could not be made; SwiftNIO's serve instead",
                               metadata: ["error": "\(error)"])
            }
        }
        self.epoll = epoll
        #endif
        if ownGroup == nil, let threads { ownGroup = MultiThreadedEventLoopGroup(numberOfThreads: threads) }
        let dataGroup = ownGroup ?? group
        self.ownGroup = ownGroup
        self.io = io
        self.shared = ProxyShared(routes: routes, configuration: configuration, metrics: metrics, logger: logger,
                                  group: dataGroup)
        self.group = dataGroup
        self.apps = apps
    }

    /// Binds and starts accepting; returns the bound port.
    @discardableResult
    package func start() async throws -> Int {
        let port: Int
        do {
            port = try await bind()
        } catch let error as IOError {
            throw ListenError(host: shared.configuration.host, port: shared.configuration.port, errno: error.errnoCode)
        }
        // Header and keep-alive timeouts: one sweep per loop over its connections (no timer per request).
        let shortest = min(shared.configuration.headerTimeout, shared.configuration.keepAliveTimeout)
        let every = TimeAmount.nanoseconds(min(max(shortest.nanoseconds / 4, 10_000_000), 1_000_000_000))
        for pool in shared.pools.values {
            let task = pool.eventLoop.scheduleRepeatedTask(initialDelay: every, delay: every) { _ in
                let now = NIODeadline.now()
                for client in Array(pool.clients.values) { client.sweep(now: now) }
            }
            sweeps.withLockedValue { $0.append(task) }
        }
        return port
    }

    private func bind() async throws -> Int {
        let shared = self.shared
        #if os(Linux)
        if let epoll {
            let l = try EpollListener(host: shared.configuration.host, port: shared.configuration.port) { socket in
                shared.metrics.connectionOpened()
                socket.onClose = { shared.metrics.connectionClosed() }
                socket.attach(ProxyServerHandler(shared: shared), active: true)
            }
            listener.withLockedValue { $0 = l }
            for loop in epoll.loops {
                try await loop.submit { loop.add(l) }.get()
            }
            return l.port
        }
        #endif
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // The handler registers itself with its loop's state (timeouts, shutdown).
                    try channel.pipeline.syncOperations.addHandler(NIOTransport(ProxyServerHandler(shared: shared), on: channel))
                    shared.metrics.connectionOpened()
                    channel.closeFuture.whenComplete { _ in shared.metrics.connectionClosed() }
                }
            }
            .bind(host: shared.configuration.host, port: shared.configuration.port)
            .get()
        serverChannel.withLockedValue { $0 = channel }
        return channel.localAddress?.port ?? shared.configuration.port
    }

    /// Requests between head and end right now.
    package var inFlightRequests: Int { shared.inFlight.load(ordering: .relaxed) }

    /// Stops accepting, lets requests in flight finish within `grace`, closes every connection,
    /// then stops the apps' containers.
    package func shutdown(grace: Duration) async {
        // Shut down before, the connections are gone, and the loops made here with them.
        let first = done.withLockedValue { d in defer { d = true }; return !d }
        if first { await closeConnections(grace: grace) }
        await withTaskGroup(of: Void.self) { group in
            for app in apps { group.addTask { await app.shutdown() } }
        }
        if first { try? await ownGroup?.shutdownGracefully() }
    }

    private func closeConnections(grace: Duration) async {
        let channel = serverChannel.withLockedValue { c in
            defer { c = nil }
            return c
        }
        try? await channel?.close()
        #if os(Linux)
        if let epoll, let l = listener.withLockedValue({ l in defer { l = nil }; return l }) {
            await l.close(epoll)
        }
        #endif
        for task in sweeps.withLockedValue({ t in defer { t = [] }; return t }) { task.cancel() }
        let clock = ContinuousClock()
        let deadline = clock.now + grace
        while inFlightRequests > 0 && clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        for pool in shared.pools.values {
            try? await pool.eventLoop.submit {
                for client in Array(pool.clients.values) { client.close() }
                pool.closeAll()
            }.get()
        }
    }
}

/// The proxy could not listen where it was asked to.
package struct ListenError: Error, CustomStringConvertible {
    package var host: String
    package var port: Int
    package var errno: Int32

    package var description: String {
        let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        let why = String(cString: strerror(errno))
        switch errno {
        case EADDRINUSE: return "cannot listen on \(address): \(why) (another server has it; choose another with --listen)"
        case EACCES: return "cannot listen on \(address): \(why) (ports below 1024 need privileges; choose another with --listen)"
        case EADDRNOTAVAIL: return "cannot listen on \(address): \(why) (not an address of this machine)"
        default: return "cannot listen on \(address): \(why)"
        }
    }
}
