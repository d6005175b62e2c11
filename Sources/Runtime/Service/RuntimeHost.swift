import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Options of `openrun run` that the runtime itself needs.
package struct RuntimeOptions: Sendable {
    package var proxy: ProxyConfiguration
    /// Idle timeout for every app (`--idle-timeout`; zero disables idle stops); nil: each app's own,
    /// else the default.
    package var idleTimeout: Duration?
    /// How long a start may take (504 after).
    package var startTimeout: Duration
    /// How long in-flight requests may take to finish on SIGINT/SIGTERM.
    package var shutdownGrace: Duration
    /// Event-loop threads of the proxy (default: one per core).
    package var threads: Int = System.coreCount
    /// PEM files of CAs trusted for https URL routes on top of the system store (`--upstream-ca`).
    package var upstreamCAFiles: [String] = []
    /// Where `SSL_CERT_FILE`/`SSL_CERT_DIR` are read from (openrun's environment; injected by tests).
    package var environment: [String: String] = ProcessInfo.processInfo.environment

    package init(proxy: ProxyConfiguration = ProxyConfiguration(), idleTimeout: Duration? = nil,
                 startTimeout: Duration = .seconds(120), shutdownGrace: Duration = .seconds(10)) {
        self.proxy = proxy
        self.idleTimeout = idleTimeout
        self.startTimeout = startTimeout
        self.shutdownGrace = shutdownGrace
    }
}

/// A problem with the apps given to the runtime.
package struct RuntimeSetupError: Error, CustomStringConvertible {
    package var description: String
}

/// Serves a set of apps: one lifecycle per app with a container, the proxy in front, logs
/// (one line per event) and metrics, and graceful shutdown on SIGINT/SIGTERM.
package final class RuntimeHost: Sendable {
    package let apps: [ServedApp]
    package let lifecycles: [AppLifecycle]
    package let server: ProxyServer
    package let metrics: RuntimeMetrics
    private let options: RuntimeOptions
    private let logger: Logger
    private let group: MultiThreadedEventLoopGroup
    private let ownsGroup: Bool

    package init(apps: [ServedApp], options: RuntimeOptions, engine: any ContainerEngine, logger: Logger,
                 group: MultiThreadedEventLoopGroup? = nil, probe: (any HealthProbe)? = nil) throws {
        self.apps = apps
        self.options = options
        self.logger = logger
        self.ownsGroup = group == nil
        // One verifying TLS context for every https URL route, made when one exists (or CA files were
        // given: a wrong path is an error even when no route uses it yet).
        var urlTLS: UpstreamTLSContext?
        let needsTLS = apps.contains { $0.routes.contains { r in
            if case .url(let u) = r.upstream { return u.lowercased().hasPrefix("https://") }
            return false
        } }
        // Health probes only: the proxy makes the loops of its connections itself (`threads`).
        let group = group ?? MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.group = group
        let metrics = RuntimeMetrics()
        self.metrics = metrics
        let probe = probe ?? HTTPHealthProbe(group: group)

        var lifecycles: [AppLifecycle] = []
        var routes: [ProxyRoute] = []
        if needsTLS || !options.upstreamCAFiles.isEmpty {
            let tls = try UpstreamTLSContext.verifying(extraCAFiles: options.upstreamCAFiles, environment: options.environment)
            logger.info("https upstreams verified against \(tls.description)")
            urlTLS = tls
        }
        for app in apps {
            var lifecycle: AppLifecycle?
            if let recipe = app.recipe {
                let launcher = ContainerLauncher(recipe: recipe, engine: engine, probe: probe, logger: logger)
                let idle = options.idleTimeout ?? app.idleTimeout ?? .seconds(RuntimeDefaults.idleTimeoutSeconds)
                let l = AppLifecycle(name: app.name, launcher: launcher, idleTimeout: idle,
                                     startTimeout: app.startTimeout ?? options.startTimeout,
                                     onEvent: Self.eventSink(app: app.name, logger: logger, metrics: metrics,
                                                             loopback: options.proxy.isLoopback))
                lifecycles.append(l)
                lifecycle = l
            }
            for r in app.routes {
                let target: ProxyRoute.Target
                switch r.upstream {
                case .container:
                    guard let lifecycle else {
                        throw RuntimeSetupError(description: "\(app.name): route \(r.path) needs a container, but the app has none")
                    }
                    target = .app(lifecycle)
                case .url(let text):
                    guard let u = UpstreamURL(text, tls: urlTLS) else {
                        throw RuntimeSetupError(description: "\(app.name): route \(r.path): the upstream is not an http:// or https:// URL with a host, an optional port and path, and no query: \(text)")
                    }
                    target = .url(u)
                }
                routes.append(ProxyRoute(appName: app.name, host: app.domain, appPath: app.path, routePath: r.path,
                                         target: target, stripApp: r.stripApp, stripPath: r.stripPath,
                                         preserveHost: r.preserveHost, responseHeaders: r.responseHeaders,
                                         redirectBarePath: app.redirectBarePath))
            }
        }
        self.lifecycles = lifecycles
        self.server = ProxyServer(configuration: options.proxy, routes: RouteTable(routes), apps: lifecycles,
                                  metrics: metrics, logger: logger, group: group, threads: max(1, options.threads))
    }

    /// Logs one line per lifecycle event and records it in the metrics.
    static func eventSink(app: String, logger: Logger, metrics: RuntimeMetrics, loopback: Bool) -> @Sendable (AppLifecycle.Event) -> Void {
        let m = metrics.app(app)
        return { event in
            switch event {
            case .starting:
                m.coldStarts.increment()
                logger.info("starting", metadata: ["app": "\(app)"])
            case .ready(let endpoint, let after):
                m.startDuration.recordNanoseconds(after.nanoseconds)
                m.up.record(1)
                logger.info("ready in \(Int(after.milliseconds)) ms", metadata: ["app": "\(app)", "upstream": "\(endpoint)",
                                                                             "ms": "\(Int(after.milliseconds))"])
            case .startFailed(let failure, let after):
                m.startFailures.increment()
                m.up.record(0)
                var meta: Logger.Metadata = ["app": "\(app)", "reason": "\(failure.reason)", "ms": "\(Int(after.milliseconds))"]
                if !failure.details.isEmpty { meta["logs"] = "\(failure.details)" }
                logger.error("start failed", metadata: meta)
            case .idleStop(let idleFor):
                m.idleStops.increment()
                logger.info("idle stop after \(Int(idleFor.milliseconds / 1000)) s", metadata: ["app": "\(app)"])
            case .stopped:
                m.up.record(0)
                logger.info("stopped", metadata: ["app": "\(app)"])
            }
        }
    }

    /// The public URL of each app, for the start-up banner.
    package func urls(port: Int) -> [(app: String, url: String)] {
        let host = options.proxy.host == "0.0.0.0" ? "127.0.0.1" : options.proxy.host
        return apps.map { app in
            let authority = (app.domain ?? (host.contains(":") ? "[\(host)]" : host)) + ":\(port)"
            let path = app.path == "/" ? "/" : ProxyRoute.normalize(app.path) + "/"
            return (app.name, "http://\(authority)\(path)")
        }
    }

    /// Binds, prints each app's URL and serves until SIGINT/SIGTERM, then shuts down gracefully.
    package func run(onListening: @escaping @Sendable (Int) -> Void = { _ in }) async throws {
        let port = try await server.start()
        for (app, url) in urls(port: port) {
            logger.info("serving \(url)", metadata: ["app": "\(app)", "url": "\(url)"])
        }
        onListening(port)
        let service = ProxyService(host: self)
        let group = ServiceGroup(configuration: .init(services: [.init(service: service)],
                                                      gracefulShutdownSignals: [.sigterm, .sigint],
                                                      cancellationSignals: [], logger: logger))
        try await group.run()
    }

    /// Stops accepting, waits for requests in flight (up to the grace period), stops the
    /// containers, and releases the event loops.
    package func shutdown() async {
        logger.info("shutting down", metadata: ["grace_s": "\(Int(options.shutdownGrace.milliseconds / 1000))"])
        await server.shutdown(grace: options.shutdownGrace)
        if ownsGroup { try? await group.shutdownGracefully() }
    }

    /// The proxy as a service-lifecycle service: runs until graceful shutdown is requested.
    private struct ProxyService: Service {
        let host: RuntimeHost

        func run() async throws {
            try? await gracefulShutdown()
            await host.shutdown()
        }
    }
}
