import CoreMetrics
import NIOConcurrencyHelpers
import Prometheus

/// The runtime's metrics, recorded through swift-metrics into an own Prometheus registry
/// (no global bootstrap, so several servers can live in one process) and served as text
/// at `/_openrun/metrics`.
package final class RuntimeMetrics: Sendable {
    package let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let perApp = NIOLockedValueBox<[String: AppMetrics]>([:])
    private let openConnections: Meter
    private let acceptedConnections: CoreMetrics.Counter

    /// Counters and histograms of one app (a class: handlers keep a reference, not nine).
    package final class AppMetrics: Sendable {
        package let coldStarts: CoreMetrics.Counter
        package let startFailures: CoreMetrics.Counter
        package let startDuration: CoreMetrics.Timer
        package let coldWait: CoreMetrics.Timer
        package let bytesIn: CoreMetrics.Counter
        package let bytesOut: CoreMetrics.Counter
        package let idleStops: CoreMetrics.Counter
        /// 1 while the app is ready, else 0.
        package let up: CoreMetrics.Gauge
        /// Finished requests by status.
        package let requests: RequestCounters

        init(coldStarts: CoreMetrics.Counter, startFailures: CoreMetrics.Counter, startDuration: CoreMetrics.Timer,
             coldWait: CoreMetrics.Timer, bytesIn: CoreMetrics.Counter, bytesOut: CoreMetrics.Counter,
             idleStops: CoreMetrics.Counter, up: CoreMetrics.Gauge, requests: RequestCounters) {
            self.coldStarts = coldStarts
            self.startFailures = startFailures
            self.startDuration = startDuration
            self.coldWait = coldWait
            self.bytesIn = bytesIn
            self.bytesOut = bytesOut
            self.idleStops = idleStops
            self.up = up
            self.requests = requests
        }
    }

    /// `openrun_requests_total{app,status}`, one counter per status seen, created on first use.
    package final class RequestCounters: Sendable {
        private let app: String
        private let factory: PrometheusMetricsFactory
        private let counters = NIOLockedValueBox<[Int: CoreMetrics.Counter]>([:])

        init(app: String, factory: PrometheusMetricsFactory) {
            self.app = app
            self.factory = factory
        }

        package func count(status: Int) {
            counter(status: status).increment()
        }

        /// The counter of one status (a caller may keep it: the proxy's connections remember the last one).
        package func counter(status: Int) -> CoreMetrics.Counter {
            counters.withLockedValue { c in
                if let found = c[status] { return found }
                let made = CoreMetrics.Counter(label: "openrun_requests_total",
                                               dimensions: [("app", app), ("status", String(status))], factory: factory)
                c[status] = made
                return made
            }
        }
    }

    package init() {
        registry = PrometheusCollectorRegistry()
        var f = PrometheusMetricsFactory(registry: registry)
        f.defaultDurationHistogramBuckets = [
            .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5),
            .seconds(10), .seconds(30), .seconds(60),
        ]
        factory = f
        openConnections = Meter(label: "openrun_open_connections", dimensions: [], factory: f)
        acceptedConnections = CoreMetrics.Counter(label: "openrun_connections_total", dimensions: [], factory: f)
    }

    package func app(_ name: String) -> AppMetrics {
        perApp.withLockedValue { apps in
            if let m = apps[name] { return m }
            let d = [("app", name)]
            let m = AppMetrics(
                coldStarts: CoreMetrics.Counter(label: "openrun_cold_starts_total", dimensions: d, factory: factory),
                startFailures: CoreMetrics.Counter(label: "openrun_start_failures_total", dimensions: d, factory: factory),
                startDuration: CoreMetrics.Timer(label: "openrun_start_duration_seconds", dimensions: d, factory: factory),
                coldWait: CoreMetrics.Timer(label: "openrun_cold_wait_seconds", dimensions: d, factory: factory),
                bytesIn: CoreMetrics.Counter(label: "openrun_request_bytes_total", dimensions: d, factory: factory),
                bytesOut: CoreMetrics.Counter(label: "openrun_response_bytes_total", dimensions: d, factory: factory),
                idleStops: CoreMetrics.Counter(label: "openrun_idle_stops_total", dimensions: d, factory: factory),
                up: CoreMetrics.Gauge(label: "openrun_app_up", dimensions: d, factory: factory),
                requests: RequestCounters(app: name, factory: factory))
            apps[name] = m
            return m
        }
    }

    /// One finished request of `app` (or `-` for none) with `status`.
    package func request(app: String, status: Int) {
        self.app(app).requests.count(status: status)
    }

    package func connectionOpened() {
        openConnections.increment()
        acceptedConnections.increment()
    }

    package func connectionClosed() { openConnections.decrement() }

    /// The Prometheus text exposition.
    package func render() -> [UInt8] {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return buffer
    }
}
