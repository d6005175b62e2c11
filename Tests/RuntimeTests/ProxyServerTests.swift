import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import Testing
@testable import Runtime

/// The proxy against a real upstream HTTP server on loopback, through raw client connections.
@Suite struct ProxyServerTests {
    /// A running proxy in front of `TestUpstream`, torn down by `close()`.
    struct Fixture {
        let group: MultiThreadedEventLoopGroup
        let upstream: TestUpstream
        let server: ProxyServer
        let port: Int
        let launchers: [String: LauncherDouble]
        let apps: [String: AppLifecycle]
        let metrics: RuntimeMetrics

        /// Apps by name: `/app` (strip_app, container), plus whatever `routes` adds.
        static func make(io: ProxyIO, idle: Duration? = nil, startDelay: Duration = .milliseconds(50), failure: StartFailure? = nil,
                         startTimeout: Duration = .seconds(5), exposeLogs: Bool = true,
                         headerTimeout: Duration = .seconds(60), keepAliveTimeout: Duration = .seconds(75),
                         extraRoutes: (_ upstreamPort: Int, _ app: AppLifecycle) -> [ProxyRoute] = { _, _ in [] },
                         configure: (inout ProxyRoute) -> Void = { _ in }) async throws -> Fixture {
            let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
            let upstream = try await TestUpstream(group: group)
            let launcher = LauncherDouble(port: upstream.port, delay: startDelay, failure: failure)
            let app = AppLifecycle(name: "app", launcher: launcher, idleTimeout: idle, startTimeout: startTimeout)
            var route = ProxyRoute(appName: "app", appPath: "/app", target: .app(app))
            configure(&route)
            let metrics = RuntimeMetrics()
            var configuration = ProxyConfiguration(host: "127.0.0.1", port: 0)
            configuration.exposeEngineLogs = exposeLogs
            configuration.headerTimeout = headerTimeout
            configuration.keepAliveTimeout = keepAliveTimeout
            configuration.io = io
            let server = ProxyServer(configuration: configuration,
                                     routes: RouteTable([route] + extraRoutes(upstream.port, app)), apps: [app],
                                     metrics: metrics, logger: Logger(label: "test"), group: group)
            let port = try await server.start()
            #expect(server.io == io)
            return Fixture(group: group, upstream: upstream, server: server, port: port,
                           launchers: ["app": launcher], apps: ["app": app], metrics: metrics)
        }

        func get(_ path: String, headers: [(String, String)] = [], host: String = "127.0.0.1") async throws -> TestResponse {
            try await fetch(group, port: port, "GET", path, headers: headers, host: host)
        }

        func close() async {
            await server.shutdown(grace: .seconds(1))
            await upstream.close()
            try? await group.shutdownGracefully()
        }
    }

    /// Lines `name: value` of the echo body, as a dictionary (last wins).
    static func echoed(_ body: String) -> (requestLine: String, headers: [String: [String]]) {
        let lines = body.split(separator: "\n").map(String.init)
        var headers: [String: [String]] = [:]
        for l in lines.dropFirst() {
            if let c = l.firstIndex(of: ":") {
                headers[String(l[..<c]), default: []].append(String(l[l.index(c, offsetBy: 2)...]))
            }
        }
        return (lines.first ?? "", headers)
    }

    @Test(arguments: ProxyIO.allCases) func forwardsWithTheAppPathStrippedAndForwardingHeadersSetByOpenrun(io: ProxyIO) async throws {
        let f = try await Fixture.make(io: io)
        let r = try await f.get("/app/echo/x?q=1", headers: [
            ("X-Forwarded-For", "6.6.6.6"), ("X-Real-IP", "6.6.6.6"), ("Forwarded", "for=6.6.6.6"),
            ("X-Forwarded-Host", "evil"), ("Connection", "keep-alive, X-Secret-Hop"), ("X-Secret-Hop", "1"),
        ])
        #expect(r.status == 200)
        #expect(r.header("x-upstream") == "yes")
        let e = Self.echoed(r.body)
        #expect(e.requestLine == "GET /echo/x?q=1")
        #expect(e.headers["x-forwarded-for"] == ["127.0.0.1"])
        #expect(e.headers["x-real-ip"] == ["127.0.0.1"])
        #expect(e.headers["x-forwarded-host"] == ["127.0.0.1"])
        #expect(e.headers["x-forwarded-proto"] == ["http"])
        #expect(e.headers["x-forwarded-prefix"] == ["/app"])
        #expect(e.headers["forwarded"] == nil)
        #expect(e.headers["x-secret-hop"] == nil)
        #expect(e.headers["host"] == ["127.0.0.1:\(f.upstream.port)"])
        await f.close()
    }

    @Test(arguments: ProxyIO.allCases) func theFirstResponseCarriesTheColdStartHeadersAndTheSecondDoesNot(io: ProxyIO) async throws {
        let f = try await Fixture.make(io: io, startDelay: .milliseconds(80))
        let first = try await f.get("/app/echo")
        #expect(first.status == 200)
        #expect(first.header("x-openrun-cold-start") == "true")
        let timing = try #require(first.header("server-timing"))
        #expect(timing.hasPrefix("openrun-start;dur="))
        let ms = Double(timing.dropFirst("openrun-start;dur=".count).prefix { $0 != ";" }) ?? 0
        #expect(ms >= 80)
        let second = try await f.get("/app/echo")
        #expect(second.header("x-openrun-cold-start") == nil)
        #expect(second.header("server-timing") == nil)
        await f.close()
    }

    @Test(arguments: ProxyIO.allCases) func twentyConcurrentFirstRequestsShareOneStart(io: ProxyIO) async throws {
        // A long start: under load, all twenty must still arrive while it runs.
        let f = try await Fixture.make(io: io, startDelay: .seconds(1))
        let responses = try await withThrowingTaskGroup(of: TestResponse.self) { group in
            for i in 0..<20 { group.addTask { try await f.get("/app/echo/\(i)") } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(responses.count == 20)
        #expect(responses.allSatisfy { $0.status == 200 && $0.header("x-openrun-cold-start") == "true" })
        #expect(f.launchers["app"]!.starts == 1)
        await f.close()
    }

    @Test(arguments: ProxyIO.allCases) func aFailedStartIs503WithRetryAfterAndTheReason(io: ProxyIO) async throws {
        let f = try await Fixture.make(io: io, failure: .exited(exitCode: 3, logs: "boom: no module named flask"))
        let r = try await f.get("/app/")
        #expect(r.status == 503)
        // The app's back-off after a failed start (1 s at first).
        #expect(r.header("retry-after") == "1")
        #expect(r.body.contains("the app's container exited while starting (exit status 3)"))
        // Listening on loopback: the engine's logs are shown.
        #expect(r.body.contains("boom: no module named flask"))
        await f.close()
    }

    @Test(arguments: ProxyIO.allCases) func engineLogsStayOutOfTheBodyWhenNotOnLoopback(io: ProxyIO) async throws {
        let f = try await Fixture.make(io: io, failure: .exited(exitCode: 3, logs: "DATABASE_PASSWORD=hunter2"), exposeLogs: false)
        let r = try await f.get("/app/")
        #expect(r.status == 503)
        #expect(r.body.contains("exited while starting"))
        #expect(!r.body.contains("hunter2"))
        await f.close()
    }

    @Test(arguments: ProxyIO.allCases) func aMissingSecretIs503NamingTheVariable(io: ProxyIO) async throws {
        let f = try await Fixture.make(io: io, failure: .missingSecret(variable: "OPENAI_API_KEY", message: ""))
        let r = try await f.get("/app/")
        #expect(r.status == 503)
        #expect(r.body.contains("OPENAI_API_KEY"))
        await f.close()
    }

    @Test(arguments: ProxyIO.allCases) func aStartTimeoutIs504(io: ProxyIO) async throws {
        let f = try await Fixture.make(io: io, startDelay: .seconds(30), startTimeout: .milliseconds(150))
        let r = try await f.get("/app/")
        #expect(r.status == 504)
        await f.close()
    }

    @Test(arguments: ProxyIO.allCases) func anUpstreamThatRefusesIs502(io: ProxyIO) async throws {
        let f = try await Fixture.make(io: io, extraRoutes: { _, _ in
            [ProxyRoute(appName: "gone", appPath: "/gone", target: .url(UpstreamURL("http://127.0.0.1:1")!))]
        })
        let r = try await f.get("/gone/x")
        #expect(r.status == 502)
        await f.close()
    }

    @Test(arguments: ProxyIO.allCases) func anAbsoluteLocationToTheContainerBecomesThePublicURLWithThePrefix(io: ProxyIO) async throws {
        let f = try await Fixture.make(io: io)
        let r = try await f.get("/app/redirect", host: "apps.example:8080")
        #expect(r.status == 302)
        #expect(r.header("location") == "http://apps.example:8080/app/landed?x=1")
        await f.close()
    }

    @Test(arguments: [
        ("POST /app/count HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n", 400),
        ("POST /app/count HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde", 400),
    ], ProxyIO.allCases)
    func ambiguousFramingIsRejected(_ c: (request: String, status: Int), io: ProxyIO) async throws {
        let (request, status) = c
        let f = try await Fixture.make(io: io)
        let c = try await RawConnection(group: f.group, port: f.port)
        try await c.send(request)
        let r = try await c.response()
        #expect(r.status == status)
        #expect(f.launchers["app"]!.starts == 0)
        await c.close()
        await f.close()
    }

    @Test(arguments: ProxyIO.allCases) func tooManyOrTooLargeHeadersAre431(io: ProxyIO) async throws {
        let f = try await Fixture.make(io: io)
        let many = (0..<150).map { ("X-H\($0)", "v") }
        let r1 = try await f.get("/app/echo", headers: many)
        #expect(r1.status == 431 || r1.status == 400)
        let r2 = try await f.get("/app/echo", headers: [("X-Big", String(repeating: "a", count: 40_000))])
        #expect(r2.status == 431 || r2.status == 400)
        #expect(f.launchers["app"]!.starts == 0)
        await f.close()
    }

    @Test(arguments: ProxyIO.allCases) func theBarePathRedirectsWhenAsked(io: ProxyIO) async throws {
        let f = try await Fixture.make(io: io, configure: { $0.redirectBarePath = true })
        let r = try await f.get("/app?a=1")
        #expect(r.status == 308)
        #expect(r.header("location") == "/app/?a=1")
        await f.close()
    }

    @Test(arguments: ProxyIO.allCases) func routesByHostThenLongestPrefix(io: ProxyIO) async throws {
        let f = try await Fixture.make(io: io, extraRoutes: { port, _ in [
            ProxyRoute(appName: "api", appPath: "/app/api", target: .url(UpstreamURL("http://127.0.0.1:\(port)/v2")!)),
            ProxyRoute(appName: "hosted", host: "docs.local", appPath: "/", target: .url(UpstreamURL("http://127.0.0.1:\(port)/docs")!)),
        ] })
        let api = try await f.get("/app/api/users")
        #expect(Self.echoed(api.body).requestLine == "GET /v2/users")
        let app = try await f.get("/app/apiary")
        #expect(Self.echoed(app.body).requestLine == "GET /apiary")
        let hosted = try await f.get("/app/x", host: "docs.local:25222")
        #expect(Self.echoed(hosted.body).requestLine == "GET /docs/app/x")
        let none = try await f.get("/other")
        #expect(none.status == 404)
        await f.close()
    }

    @Test(arguments: ProxyIO.allCases) func stripPathPreserveHostAndResponseHeaders(io: ProxyIO) async throws {
        let f = try await Fixture.make(io: io, configure: {
            $0.stripPath = "/inner"
            $0.preserveHost = true
            $0.responseHeaders = [("X-Frame-Options", "DENY")]
        })
        let r = try await f.get("/app/inner/echo", host: "public.example")
        let e = Self.echoed(r.body)
        #expect(e.requestLine == "GET /echo")
        #expect(e.headers["host"] == ["public.example"])
        #expect(e.headers["x-forwarded-prefix"] == ["/app/inner"])
        #expect(r.header("x-frame-options") == "DENY")
        await f.close()
    }

    @Test(arguments: ProxyIO.allCases) func bodiesStreamBothWays(io: ProxyIO) async throws {
        let f = try await Fixture.make(io: io)
        let big = String(repeating: "y", count: 3 << 20)
        let up = try await fetch(f.group, port: f.port, "POST", "/app/count", body: big)
        #expect(up.body == String(3 << 20))
        let down = try await f.get("/app/bytes/\(5 << 20)")
        #expect(down.body.utf8.count == 5 << 20)
        let drip = try await f.get("/app/drip/5")
        #expect(drip.body == (0..<5).map { "chunk\($0)\n" }.joined())
        await f.close()
    }

    @Test(.serialized, arguments: ProxyIO.allCases) func aClientThatStopsReadingHoldsTheUpstreamBack(io: ProxyIO) async throws {
        // Backpressure: the client reads nothing, so the proxy's writes to it stall, the proxy
        // stops reading the upstream, and the upstream's socket fills. Without it the proxy would
        // read (and hold) the whole body. Then the client reads, and all of it arrives.
        let f = try await Fixture.make(io: io)
        let total = 128 << 20
        let received = NIOLockedValueBox(0)
        let client = try await ClientBootstrap(group: f.group)
            .channelOption(.autoRead, value: false)
            .channelInitializer { ch in
                ch.eventLoop.makeCompletedFuture { try ch.pipeline.syncOperations.addHandler(ByteCounter(received)) }
            }
            .connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: f.port)).get()
        try await client.writeAndFlush(ByteBuffer(string: "GET /app/flood/\(total) HTTP/1.1\r\nHost: a\r\n\r\n"))
        // Until the upstream has started (the app's start comes first) and then stopped getting anywhere.
        let started = ContinuousClock().now
        while f.upstream.floodWritten == 0 && ContinuousClock().now - started < .seconds(20) {
            try await Task.sleep(for: .milliseconds(20))
        }
        var last = -1
        for _ in 0..<100 where f.upstream.floodWritten != last {
            last = f.upstream.floodWritten
            try await Task.sleep(for: .milliseconds(300))
        }
        let heldAt = f.upstream.floodWritten
        #expect(heldAt > 0 && heldAt < total / 2, "the upstream wrote \(heldAt) of \(total) bytes to a proxy whose client reads nothing")
        try await client.setOption(.autoRead, value: true)
        client.read()
        let clock = ContinuousClock()
        let end = clock.now + .seconds(60)
        while received.withLockedValue({ $0 }) < total && clock.now < end { try await Task.sleep(for: .milliseconds(20)) }
        #expect(received.withLockedValue { $0 } > total, "the head and all \(total) body bytes arrive once the client reads")
        #expect(f.upstream.floodWritten == total)
        try? await client.close()
        await f.close()
    }

    /// Counts the bytes a connection receives (a client that may not read at all).
    final class ByteCounter: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let count: NIOLockedValueBox<Int>
        init(_ count: NIOLockedValueBox<Int>) { self.count = count }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let n = unwrapInboundIn(data).readableBytes
            count.withLockedValue { $0 += n }
        }
    }

    @Test(arguments: ProxyIO.allCases) func aCloseDelimitedResponseIsForwarded(io: ProxyIO) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let canned = try await CannedUpstream(group: group, response: "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close\n")
        let f = try await Fixture.make(io: io, extraRoutes: { _, _ in
            [ProxyRoute(appName: "cgi", appPath: "/cgi", target: .url(UpstreamURL("http://127.0.0.1:\(canned.port)")!))]
        })
        let r = try await f.get("/cgi/env")
        #expect(r.status == 200)
        #expect(r.body == "until close\n")
        await f.close()
        await canned.close()
        try await group.shutdownGracefully()
    }

    @Test(arguments: ProxyIO.allCases) func anUpstreamThatClosesAfterEachResponseIsRetriedOnAFreshConnection(io: ProxyIO) async throws {
        // Like busybox httpd: HTTP/1.1, a Content-Length, no `Connection: close`, then it hangs up.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let canned = try await CannedUpstream(group: group, response: "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc")
        let f = try await Fixture.make(io: io, extraRoutes: { _, _ in
            [ProxyRoute(appName: "hangup", appPath: "/h", target: .url(UpstreamURL("http://127.0.0.1:\(canned.port)")!))]
        })
        let c = try await RawConnection(group: f.group, port: f.port)
        for _ in 0..<5 {
            try await c.send("GET /h/x HTTP/1.1\r\nHost: a\r\n\r\n")
            let r = try await c.response()
            #expect(r.status == 200)
            #expect(r.body == "abc")
        }
        await c.close()
        await f.close()
        await canned.close()
        try await group.shutdownGracefully()
    }

    @Test(arguments: ProxyIO.allCases) func keepAliveConnectionsToTheUpstreamAreReused(io: ProxyIO) async throws {
        let f = try await Fixture.make(io: io)
        let c = try await RawConnection(group: f.group, port: f.port)
        for i in 0..<5 {
            try await c.send("GET /app/echo/\(i) HTTP/1.1\r\nHost: a\r\n\r\n")
            let r = try await c.response()
            #expect(r.status == 200)
        }
        #expect(f.upstream.acceptedConnections == 1)
        await c.close()
        await f.close()
    }

    @Test(arguments: ProxyIO.allCases) func anUpgradeIsSplicedAndKeepsTheAppUpPastTheIdleTimeout(io: ProxyIO) async throws {
        let f = try await Fixture.make(io: io, idle: .milliseconds(200))
        let c = try await RawConnection(group: f.group, port: f.port)
        try await c.send("GET /app/ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n")
        let r = try await c.response()
        #expect(r.status == 101)
        #expect(r.header("upgrade")?.lowercased() == "echo")
        #expect(r.header("x-openrun-cold-start") == "true")
        try await c.send("hello through the splice")
        let echoed = try await c.wait { $0.contains("hello through the splice") }
        #expect(echoed.contains("hello through the splice"))
        #expect(f.apps["app"]!.openStreams == 1)
        // Quiet past the idle timeout: still up.
        try await Task.sleep(for: .milliseconds(500))
        #expect(f.launchers["app"]!.stops == 0)
        _ = c.take()
        try await c.send("again")
        _ = try await c.wait { $0.contains("again") }
        await c.close()
        // Closed: the idle clock runs and the app stops.
        let clock = ContinuousClock()
        let end = clock.now + .seconds(3)
        while f.launchers["app"]!.stops == 0 && clock.now < end { try await Task.sleep(for: .milliseconds(10)) }
        #expect(f.launchers["app"]!.stops == 1)
        #expect(f.apps["app"]!.openStreams == 0)
        await f.close()
    }

    @Test(arguments: ProxyIO.allCases) func aLongStreamingResponseKeepsTheAppUp(io: ProxyIO) async throws {
        let f = try await Fixture.make(io: io, idle: .milliseconds(50))
        // The request that starts the app holds it from the start: no idle gap before it, and the
        // check comes while it is still in flight (a loaded machine delaying this task must not see
        // the idle stop that follows its end).
        let slow = Task { try await f.get("/app/slow/1000") }
        try await Task.sleep(for: .milliseconds(300))
        #expect(f.launchers["app"]!.stops == 0)
        #expect(try await slow.value.body == "slow")
        await f.close()
    }

    @Test(arguments: ProxyIO.allCases) func pipelinedRequestsAreAnsweredInOrderOnOneConnection(io: ProxyIO) async throws {
        let f = try await Fixture.make(io: io)
        let c = try await RawConnection(group: f.group, port: f.port)
        try await c.send("GET /app/echo/1 HTTP/1.1\r\nHost: a\r\n\r\nGET /app/slow/50 HTTP/1.1\r\nHost: a\r\n\r\n"
                         + "GET /app/echo/3 HTTP/1.1\r\nHost: a\r\n\r\n")
        let r1 = try await c.response()
        let r2 = try await c.response()
        let r3 = try await c.response()
        #expect(Self.echoed(r1.body).requestLine == "GET /echo/1")
        #expect(r2.body == "slow")
        #expect(Self.echoed(r3.body).requestLine == "GET /echo/3")
        await c.close()
        await f.close()
    }

    @Test(arguments: ProxyIO.allCases) func headsOfVaryingSizesOnOneConnectionNeverCarryBytesOfTheOneBefore(io: ProxyIO) async throws {
        // Head buffers are reused once written: longer, shorter and equal heads in turn.
        let f = try await Fixture.make(io: io)
        let c = try await RawConnection(group: f.group, port: f.port)
        for i in 0..<40 {
            let path = "/echo/\(i)-" + String(repeating: "x", count: (i * 37) % 300)
            let pad = "p\(i)" + String(repeating: "p", count: (i * 53) % 500)
            try await c.send("GET /app\(path) HTTP/1.1\r\nHost: a\r\nX-Pad: \(pad)\r\n\r\n")
            let r = try await c.response()
            #expect(r.status == 200)
            let echoed = Self.echoed(r.body)
            #expect(echoed.requestLine == "GET \(path)")
            #expect(echoed.headers.first { $0.key.lowercased() == "x-pad" }?.value == [pad])
        }
        await c.close()
        await f.close()
    }

    @Test(arguments: ProxyIO.allCases) func answersMadeByTheProxyKeepTheConnection(io: ProxyIO) async throws {
        let f = try await Fixture.make(io: io)
        let c = try await RawConnection(group: f.group, port: f.port)
        // Health, a 404 and the app behind them, on one keep-alive connection.
        try await c.send("GET /_openrun/health HTTP/1.1\r\nHost: a\r\n\r\n")
        let health = try await c.response()
        #expect(health.status == 200 && health.header("connection") == nil)
        try await c.send("GET /nowhere HTTP/1.1\r\nHost: a\r\n\r\n")
        let missing = try await c.response()
        #expect(missing.status == 404 && missing.header("connection") == nil)
        try await c.send("GET /app/echo/1 HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(Self.echoed(try await c.response().body).requestLine == "GET /echo/1")
        // A body still to come is not waited for: answered, then closed.
        try await c.send("POST /nowhere HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc")
        let early = try await c.response()
        #expect(early.status == 404 && early.header("connection") == "close")
        await c.close()
        await f.close()
    }

    @Test(arguments: ProxyIO.allCases) func chunkedRequestBodiesAreForwardedAsTheyCameAndEndWhereTheyEnd(io: ProxyIO) async throws {
        let f = try await Fixture.make(io: io)
        let c = try await RawConnection(group: f.group, port: f.port)
        // A request smuggled after the terminating chunk is a request of its own, routed on its own.
        try await c.send("POST /app/count HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                         + "3;ext=1\r\nabc\r\n4\r\ndefg\r\n0\r\nX-Trailer: 1\r\n\r\n"
                         + "GET /nowhere HTTP/1.1\r\nHost: a\r\n\r\n")
        let counted = try await c.response()
        #expect(counted.status == 200)
        #expect(counted.body == "7")
        let next = try await c.response()
        #expect(next.status == 404)
        await c.close()
        await f.close()
    }

    @Test(arguments: ProxyIO.allCases) func anHTTP10ClientGetsHTTP10AnswersAndKeepAliveOnlyWhenAsked(io: ProxyIO) async throws {
        let f = try await Fixture.make(io: io)
        let c = try await RawConnection(group: f.group, port: f.port)
        try await c.send("GET /app/echo HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n\r\n")
        let kept = try await c.response()
        #expect(kept.status == 200)
        #expect(kept.header("connection")?.lowercased() == "keep-alive")
        #expect(c.text.isEmpty && !c.isClosed)
        // A chunked upstream body reaches an HTTP/1.0 client as plain data, ended by closing.
        try await c.send("GET /app/drip/3 HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n\r\n")
        let dripped = try await c.wait { _ in false }
        #expect(c.isClosed)
        #expect(dripped.hasPrefix("HTTP/1.0 200"))
        #expect(!dripped.lowercased().contains("transfer-encoding"))
        #expect(dripped.hasSuffix("\r\n\r\nchunk0\nchunk1\nchunk2\n"))
        await c.close()
        await f.close()
    }

    @Test(arguments: ProxyIO.allCases) func aCloseDelimitedBodyIsRechunkedSoTheClientConnectionStays(io: ProxyIO) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let canned = try await CannedUpstream(group: group, response: "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil close\n")
        let f = try await Fixture.make(io: io, extraRoutes: { _, _ in
            [ProxyRoute(appName: "cgi", appPath: "/cgi", target: .url(UpstreamURL("http://127.0.0.1:\(canned.port)")!))]
        })
        let c = try await RawConnection(group: f.group, port: f.port)
        for _ in 0..<2 {
            try await c.send("GET /cgi/x HTTP/1.1\r\nHost: a\r\n\r\n")
            let r = try await c.response()
            #expect(r.header("transfer-encoding") == "chunked")
            #expect(r.body == "until close\n")
        }
        #expect(!c.isClosed)
        await c.close()
        await f.close()
        await canned.close()
        try await group.shutdownGracefully()
    }

    @Test(arguments: [
        ("GET /app/echo HTTP/1.1\r\nHost: a\r\nX: a\r\n b\r\n\r\n", 400),
        ("GET /app/echo HTTP/1.1\r\nHost : a\r\n\r\n", 400),
        ("GET /app/echo HTTP/1.1\nHost: a\n\n", 400),
        ("GET /app/echo HTTP/2.0\r\nHost: a\r\n\r\n", 505),
        ("POST /app/count HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400),
        ("POST /app/count HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\nabcde", 400),
    ], ProxyIO.allCases)
    func malformedRequestsAreRefusedAndTheConnectionClosed(_ c: (request: String, status: Int), io: ProxyIO) async throws {
        let (request, status) = c
        let f = try await Fixture.make(io: io)
        let c = try await RawConnection(group: f.group, port: f.port)
        try await c.send(request)
        let r = try await c.response()
        #expect(r.status == status)
        #expect(r.header("connection") == "close")
        _ = try await c.wait { _ in false }
        #expect(c.isClosed)
        await c.close()
        await f.close()
    }

    @Test(arguments: ProxyIO.allCases) func emptyLinesBeforeARequestAreIgnoredWhereverTheReadsSplitThem(io: ProxyIO) async throws {
        let f = try await Fixture.make(io: io)
        let c = try await RawConnection(group: f.group, port: f.port)
        try await c.send("\r\n\r\nGET /app/echo/1 HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(Self.echoed(try await c.response().body).requestLine == "GET /echo/1")
        try await c.send("\r")
        try await Task.sleep(for: .milliseconds(20))
        try await c.send("\nGET /app/echo/2 HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(Self.echoed(try await c.response().body).requestLine == "GET /echo/2")
        await c.close()
        await f.close()
    }

    @Test(arguments: [
        ("GET /app/echo HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400),
        ("GET /app/echo HTTP/1.1\r\n\r\n", 400),
        ("CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n", 405),
        ("GET /app/echo HTTP/1.0\r\n\r\n", 200),
    ], ProxyIO.allCases)
    func hostFieldsAndCONNECT(_ c: (request: String, status: Int), io: ProxyIO) async throws {
        let (request, status) = c
        let f = try await Fixture.make(io: io)
        let c = try await RawConnection(group: f.group, port: f.port)
        try await c.send(request)
        #expect(try await c.response().status == status)
        await c.close()
        await f.close()
    }

    @Test(arguments: ProxyIO.allCases) func aTrickledHeadIs408AndAnIdleKeepAliveConnectionIsClosed(io: ProxyIO) async throws {
        let f = try await Fixture.make(io: io, headerTimeout: .milliseconds(400), keepAliveTimeout: .milliseconds(400))
        let clock = ContinuousClock()
        // A client that sends its head a byte at a time, forever.
        let slow = try await RawConnection(group: f.group, port: f.port)
        let began = clock.now
        let trickle = Task {
            for byte in "GET /app/echo HTTP/1.1\r\nHost: a\r\nX-Slow: ".utf8 + Array(repeating: UInt8(ascii: "z"), count: 200) {
                if slow.isClosed { return }
                try? await slow.send(bytes: [byte])
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        let refused = try await slow.response(timeout: .seconds(5))
        #expect(refused.status == 408)
        #expect(clock.now - began < .seconds(3))
        trickle.cancel()
        // A kept-alive connection: answered, then closed after sitting idle.
        let idle = try await RawConnection(group: f.group, port: f.port)
        try await idle.send("GET /app/echo HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try await idle.response().status == 200)
        _ = try await idle.wait(timeout: .seconds(5)) { _ in false }
        #expect(idle.isClosed)
        // A request in progress is not idle: a response slower than both timeouts still arrives.
        let busy = try await RawConnection(group: f.group, port: f.port)
        try await busy.send("GET /app/slow/900 HTTP/1.1\r\nHost: a\r\n\r\n")
        #expect(try await busy.response().body == "slow")
        await slow.close()
        await idle.close()
        await busy.close()
        await f.close()
    }

    @Test(arguments: ProxyIO.allCases) func aBodySentWhileTheAppStartsWaitsAndArrivesWhole(io: ProxyIO) async throws {
        let f = try await Fixture.make(io: io, startDelay: .milliseconds(300))
        let body = String(repeating: "b", count: 300_000)
        let r = try await fetch(f.group, port: f.port, "POST", "/app/count", body: body)
        #expect(r.status == 200)
        #expect(r.body == "300000")
        #expect(r.header("x-openrun-cold-start") == "true")
        await f.close()
    }

    @Test(arguments: ProxyIO.allCases) func anAbsoluteFormTargetIsRoutedByItsAuthority(io: ProxyIO) async throws {
        let f = try await Fixture.make(io: io)
        let c = try await RawConnection(group: f.group, port: f.port)
        try await c.send("GET http://elsewhere:25222/app/echo?q HTTP/1.1\r\nHost: ignored\r\n\r\n")
        let r = try await c.response()
        #expect(Self.echoed(r.body).requestLine == "GET /echo?q")
        await c.close()
        await f.close()
    }

    @Test(arguments: ProxyIO.allCases) func aTakenPortIsAClearError(io: ProxyIO) async throws {
        let f = try await Fixture.make(io: io)
        var configuration = ProxyConfiguration(host: "127.0.0.1", port: f.port)
        configuration.io = io
        let second = ProxyServer(configuration: configuration, routes: RouteTable([]), apps: [], metrics: RuntimeMetrics(),
                                 logger: Logger(label: "test"), group: f.group)
        do {
            _ = try await second.start()
            Issue.record("listened on a port another server has")
        } catch let error as ListenError {
            #expect(error.errno == EADDRINUSE)
            #expect("\(error)" == "cannot listen on 127.0.0.1:\(f.port): Address already in use (another server has it; choose another with --listen)")
        }
        await second.shutdown(grace: .zero)
        #expect(try await f.get("/app/echo").status == 200)
        await f.close()
    }

    @Test(arguments: ProxyIO.allCases) func healthAndMetricsEndpoints(io: ProxyIO) async throws {
        let f = try await Fixture.make(io: io)
        #expect(try await f.get("/_openrun/health").status == 200)
        _ = try await f.get("/app/echo")
        let m = try await f.get("/_openrun/metrics")
        #expect(m.status == 200)
        #expect(m.body.contains(#"openrun_requests_total{app="app",status="200"} 1"#))
        #expect(m.body.contains("openrun_cold_wait_seconds"))
        #expect(m.body.contains("openrun_open_connections"))
        await f.close()
    }

    @Test(arguments: ProxyIO.allCases) func shutdownLetsInFlightRequestsFinishAndStopsTheApps(io: ProxyIO) async throws {
        let f = try await Fixture.make(io: io)
        _ = try await f.get("/app/echo")
        // The first exchange is counted out (its response can reach the client a moment before).
        let clock = ContinuousClock()
        var end = clock.now + .seconds(5)
        while f.server.inFlightRequests != 0 && clock.now < end { try await Task.sleep(for: .milliseconds(2)) }
        let slow = Task { try await f.get("/app/slow/300") }
        // In flight before the shutdown begins (a fixed sleep lost that race on a loaded machine).
        end = clock.now + .seconds(5)
        while f.server.inFlightRequests == 0 && clock.now < end { try await Task.sleep(for: .milliseconds(2)) }
        await f.server.shutdown(grace: .seconds(2))
        let r = try await slow.value
        #expect(r.body == "slow")
        #expect(f.launchers["app"]!.running == false)
        // No longer accepting.
        await #expect(throws: (any Error).self) { _ = try await f.get("/app/echo") }
        await f.upstream.close()
        try await f.group.shutdownGracefully()
    }
}
