import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import Testing
@testable import Runtime

/// https upstreams: proxy routes to `https://` URLs (verified) and containers with `scheme="https"`
/// (TLS on loopback, not verified), against real TLS servers on loopback with certificates made at
/// test time (`TestCertificates`).
@Suite struct UpstreamTLSTests {
    /// A proxy with one route `/secure` → `url`, whose https context trusts what `trust` says.
    struct Fixture {
        let group: MultiThreadedEventLoopGroup
        let server: ProxyServer
        let port: Int

        static func make(_ url: (_ tls: UpstreamTLSContext) -> String, trust: () throws -> UpstreamTLSContext) async throws -> Fixture {
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            let tls = try trust()
            let route = ProxyRoute(appName: "secure", appPath: "/secure", target: .url(try #require(UpstreamURL(url(tls), tls: tls))))
            let server = ProxyServer(configuration: ProxyConfiguration(host: "127.0.0.1", port: 0), routes: RouteTable([route]),
                                     apps: [], metrics: RuntimeMetrics(), logger: Logger(label: "test"), group: group)
            let port = try await server.start()
            return Fixture(group: group, server: server, port: port)
        }

        func get(_ path: String) async throws -> TestResponse {
            try await fetch(group, port: port, "GET", path, host: "public.example")
        }

        func close() async {
            await server.shutdown(grace: .seconds(1))
            try? await group.shutdownGracefully()
        }
    }

    enum Trust: String, CaseIterable {
        case upstreamCAOption, sslCertFile, sslCertFileWithTheSystemFolder
    }

    @Test(arguments: Trust.allCases)
    func anHTTPSRouteIsVerifiedWithSNIAndTheURLAuthorityAsHost(trust: Trust) async throws {
        let certs = try await TestCertificates.get()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let sni = NIOLockedValueBox<[String?]>([])
        let upstream = try await TestUpstream(group: group, tls: certs.serverContext(sni: sni))
        let f = try await Fixture.make({ _ in "https://localhost:\(upstream.port)/v2" }) {
            switch trust {
            case .upstreamCAOption: try UpstreamTLSContext.verifying(extraCAFiles: [certs.caFile], environment: [:])
            case .sslCertFile: try UpstreamTLSContext.verifying(environment: ["SSL_CERT_FILE": certs.caFile])
            case .sslCertFileWithTheSystemFolder:
                try UpstreamTLSContext.verifying(environment: ["SSL_CERT_FILE": certs.caFile, "SSL_CERT_DIR": "/etc/ssl/certs"])
            }
        }
        let r = try await f.get("/secure/echo?q=1")
        #expect(r.status == 200, "\(r.body)")
        let e = ProxyServerTests.echoed(r.body)
        #expect(e.requestLine == "GET /v2/echo?q=1")
        #expect(e.headers["host"] == ["localhost:\(upstream.port)"])
        #expect(e.headers["x-forwarded-host"] == ["public.example"])
        // Keep-alive over TLS: the second request reuses the pooled connection.
        let again = try await f.get("/secure/echo")
        #expect(again.status == 200)
        #expect(sni.withLockedValue { $0 } == ["localhost"])
        await f.close()
        await upstream.close()
        try await group.shutdownGracefully()
    }

    @Test func anUpgradeToAnHTTPSUpstreamIsSplicedOverTLS() async throws {
        let certs = try await TestCertificates.get()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let upstream = try await TestUpstream(group: group, tls: certs.serverContext())
        let f = try await Fixture.make({ _ in "https://localhost:\(upstream.port)" }) {
            try UpstreamTLSContext.verifying(extraCAFiles: [certs.caFile], environment: [:])
        }
        let c = try await RawConnection(group: f.group, port: f.port)
        try await c.send("GET /secure/ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n")
        #expect(try await c.response().status == 101)
        try await c.send("through TLS and back")
        #expect(try await c.wait { $0.contains("through TLS and back") }.contains("through TLS and back"))
        await c.close()
        await f.close()
        await upstream.close()
        try await group.shutdownGracefully()
    }

    @Test func anIPAddressURLIsVerifiedAgainstTheCertificatesIPEntryWithoutSNI() async throws {
        let certs = try await TestCertificates.get()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let sni = NIOLockedValueBox<[String?]>([])
        let upstream = try await TestUpstream(group: group, tls: certs.serverContext(sni: sni))
        let f = try await Fixture.make({ _ in "https://127.0.0.1:\(upstream.port)" }) {
            try UpstreamTLSContext.verifying(extraCAFiles: [certs.caFile], environment: [:])
        }
        let r = try await f.get("/secure/echo")
        #expect(r.status == 200, "\(r.body)")
        #expect(sni.withLockedValue { $0 } == [nil])
        await f.close()
        await upstream.close()
        try await group.shutdownGracefully()
    }

    @Test func anUntrustedCertificateIs502NamingTheVerificationFailure() async throws {
        let certs = try await TestCertificates.get()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let upstream = try await TestUpstream(group: group, tls: certs.serverContext())
        // The system store only: the test CA is not in it.
        let f = try await Fixture.make({ _ in "https://localhost:\(upstream.port)" }) {
            try UpstreamTLSContext.verifying(environment: [:])
        }
        let clock = ContinuousClock()
        let began = clock.now
        let r = try await f.get("/secure/echo")
        #expect(r.status == 502)
        #expect(r.body.contains("TLS handshake with localhost:\(upstream.port) failed: certificate verification failed"), "\(r.body)")
        #expect(clock.now - began < .seconds(2))
        await f.close()
        await upstream.close()
        try await group.shutdownGracefully()
    }

    @Test func aCertificateForAnotherNameIs502() async throws {
        let certs = try await TestCertificates.get()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let upstream = try await TestUpstream(group: group, tls: certs.serverContext("elsewhere"))
        let f = try await Fixture.make({ _ in "https://localhost:\(upstream.port)" }) {
            try UpstreamTLSContext.verifying(extraCAFiles: [certs.caFile], environment: [:])
        }
        let r = try await f.get("/secure/")
        #expect(r.status == 502)
        #expect(r.body.contains("the certificate does not name this host"), "\(r.body)")
        await f.close()
        await upstream.close()
        try await group.shutdownGracefully()
    }

    @Test func aPlainHTTPServerBehindAnHTTPSURLIs502() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let plain = try await TestUpstream(group: group)
        let f = try await Fixture.make({ _ in "https://localhost:\(plain.port)" }) {
            try UpstreamTLSContext.verifying(environment: [:])
        }
        let r = try await f.get("/secure/")
        #expect(r.status == 502)
        #expect(r.body.contains("TLS handshake with localhost:\(plain.port) failed"), "\(r.body)")
        await f.close()
        await plain.close()
        try await group.shutdownGracefully()
    }

    @Test func aServerThatNeverAnswersTheHandshakeIs502AfterTheHandshakeTimeout() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        // Accepts and reads, never writes.
        let silent = try await CannedUpstream(group: group, response: "", silent: true)
        let f = try await Fixture.make({ _ in "https://localhost:\(silent.port)" }) {
            try UpstreamTLSContext.verifying(environment: [:], handshakeTimeout: .milliseconds(300))
        }
        let clock = ContinuousClock()
        let began = clock.now
        let r = try await f.get("/secure/")
        let took = clock.now - began
        #expect(r.status == 502)
        #expect(r.body.contains("timed out after 300 ms"), "\(r.body)")
        #expect(took >= .milliseconds(300) && took < .seconds(3))
        await f.close()
        await silent.close()
        try await group.shutdownGracefully()
    }

    @Test func aMissingUpstreamCAFileFailsAtSetUp() throws {
        #expect(throws: RuntimeSetupError.self) {
            _ = try UpstreamTLSContext.verifying(extraCAFiles: ["/nonexistent/ca.pem"], environment: [:])
        }
    }

    @Test func anHTTPSURLWithoutATLSContextIsNotAnUpstreamURL() {
        #expect(UpstreamURL("https://example.com/x") == nil)
        let tls = try? UpstreamTLSContext.loopbackContainer()
        let u = UpstreamURL("https://example.com/x", tls: tls)
        #expect(u?.endpoint.port == 443)
        #expect(u?.endpoint.authority == "example.com")
        #expect(u?.endpoint.tls?.serverName == "example.com")
        #expect(UpstreamURL("https://[::1]:8443")?.endpoint == nil)
        let v6 = UpstreamURL("https://[::1]:8443/", tls: tls)
        #expect(v6?.endpoint.host == "::1")
        #expect(v6?.endpoint.authority == "[::1]:8443")
        #expect(v6?.endpoint.tls?.serverName == nil)
        #expect(UpstreamURL("http://example.com")?.endpoint.authority == "example.com")
    }

    /// A container with `scheme="https"`: the in-memory engine double publishes the port of a real TLS
    /// server on loopback (its certificate from a CA nobody trusts); the real health probe and the proxy
    /// both speak TLS to it without verifying.
    @Test func anHTTPSContainerIsProbedAndProxiedOverTLS() async throws {
        let certs = try await TestCertificates.get()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        let upstream = try await TestUpstream(group: group, tls: certs.serverContext())
        let engine = InMemoryEngineDouble()
        engine.setBehaviour { $0.fixedPort = upstream.port }
        let recipe = LaunchRecipe(containerName: "clc-tls", image: .pull("tls:1"), runImage: "tls:1", containerPort: 8443,
                                  https: true, healthPath: "/echo/health",
                                  polling: HealthPolling(initialDelay: .milliseconds(2), budget: .seconds(5)))
        let launcher = ContainerLauncher(recipe: recipe, engine: engine, probe: HTTPHealthProbe(group: group),
                                         environment: { [:] })
        let app = AppLifecycle(name: "tls", launcher: launcher, idleTimeout: nil, startTimeout: .seconds(5))
        let server = ProxyServer(configuration: ProxyConfiguration(host: "127.0.0.1", port: 0),
                                 routes: RouteTable([ProxyRoute(appName: "tls", appPath: "/tls", target: .app(app))]),
                                 apps: [app], metrics: RuntimeMetrics(), logger: Logger(label: "test"), group: group)
        let port = try await server.start()
        let r = try await fetch(group, port: port, "GET", "/tls/echo/x")
        #expect(r.status == 200, "\(r.body)")
        #expect(r.header("x-openrun-cold-start") == "true")
        let e = ProxyServerTests.echoed(r.body)
        #expect(e.requestLine == "GET /echo/x")
        #expect(e.headers["host"] == ["127.0.0.1:\(upstream.port)"])
        // The probe's connection and the proxy's: both TLS (a plain one would never have become healthy).
        #expect(upstream.acceptedConnections >= 2)
        // The container's absolute Location (https, its own address) becomes the public URL.
        let redirect = try await fetch(group, port: port, "GET", "/tls/redirect", host: "apps.example:8080")
        #expect(redirect.header("location") == "http://apps.example:8080/tls/landed?x=1")
        await server.shutdown(grace: .seconds(1))
        await upstream.close()
        try await group.shutdownGracefully()
    }
}
