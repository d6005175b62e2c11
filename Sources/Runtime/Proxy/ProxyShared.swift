import Logging
import NIOConcurrencyHelpers
import NIOCore
import Synchronization

/// What every connection handler of one server shares.
final class ProxyShared: Sendable {
    let routes: RouteTable
    let configuration: ProxyConfiguration
    let metrics: RuntimeMetrics
    let logger: Logger
    /// One pool per event loop, keyed by the loop's identity; each used only on its loop.
    let pools: [ObjectIdentifier: UpstreamPool]
    /// Each routed app's metrics (and `-` for requests no app took), looked up without a lock.
    let appMetrics: [String: RuntimeMetrics.AppMetrics]
    /// Requests between head and response end, across connections (graceful shutdown waits on it).
    let inFlight = Atomic<Int>(0)

    init(routes: RouteTable, configuration: ProxyConfiguration, metrics: RuntimeMetrics, logger: Logger,
         group: any EventLoopGroup) {
        self.routes = routes
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        var pools: [ObjectIdentifier: UpstreamPool] = [:]
        for loop in group.makeIterator() {
            let connector = (loop as? EpollEventLoop)?.connector ?? UpstreamPool.nioConnector(loop)
            pools[ObjectIdentifier(loop)] = UpstreamPool(eventLoop: loop, connector: connector)
        }
        self.pools = pools
        var m: [String: RuntimeMetrics.AppMetrics] = ["-": metrics.app("-")]
        for r in routes.routes { m[r.appName] = metrics.app(r.appName) }
        self.appMetrics = m
    }

    func metrics(of app: String) -> RuntimeMetrics.AppMetrics { appMetrics[app] ?? metrics.app(app) }

    func pool(for loop: any EventLoop) -> UpstreamPool? { pools[ObjectIdentifier(loop)] }
}
