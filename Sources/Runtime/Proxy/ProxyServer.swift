import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// The reverse proxy: listens, routes requests to apps and URLs, and shuts down gracefully.
package final class ProxyServer: Sendable {
    private let shared: ProxyShared
    private let group: any EventLoopGroup
    private let apps: [AppLifecycle]
    private let serverChannel = NIOLockedValueBox<(any Channel)?>(nil)
    private let sweeps = NIOLockedValueBox<[RepeatedTask]>([])

    package init(configuration: ProxyConfiguration, routes: RouteTable, apps: [AppLifecycle],
                 metrics: RuntimeMetrics, logger: Logger, group: any EventLoopGroup) {
        self.shared = ProxyShared(routes: routes, configuration: configuration, metrics: metrics, logger: logger,
                                  group: group)
        self.group = group
        self.apps = apps
    }

    /// Binds and starts accepting; returns the bound port.
    @discardableResult
    package func start() async throws -> Int {
        let shared = self.shared
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    // The handler registers itself with its loop's state (timeouts, shutdown).
                    try channel.pipeline.syncOperations.addHandler(ProxyServerHandler(shared: shared))
                    shared.metrics.connectionOpened()
                    channel.closeFuture.whenComplete { _ in shared.metrics.connectionClosed() }
                }
            }
            .bind(host: shared.configuration.host, port: shared.configuration.port)
            .get()
        serverChannel.withLockedValue { $0 = channel }
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
        return channel.localAddress?.port ?? shared.configuration.port
    }

    /// Requests between head and end right now.
    package var inFlightRequests: Int { shared.inFlight.load(ordering: .relaxed) }

    /// Stops accepting, lets requests in flight finish within `grace`, closes every connection,
    /// then stops the apps' containers.
    package func shutdown(grace: Duration) async {
        let listener = serverChannel.withLockedValue { c in
            defer { c = nil }
            return c
        }
        try? await listener?.close()
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
        await withTaskGroup(of: Void.self) { group in
            for app in apps { group.addTask { await app.shutdown() } }
        }
    }
}
