#if os(Linux)
import Foundation
import Glibc
import Logging
import NIOPosix
import NIOConcurrencyHelpers
import NIOCore
import Testing
@testable import Runtime

/// openrun's own event loop alone (the proxy on it is `ProxyServerTests`, every case on both
/// transports): tasks, timers, shutdown, and connects that fail, time out or need a name resolved.
@Suite struct EpollEventLoopTests {
    @Test func tasksFromOtherThreadsRunOnTheLoopEachThreadsInItsOrder() async throws {
        let group = try EpollEventLoopGroup(numberOfThreads: 1)
        let loop = group.loops[0]
        let seen = NIOLockedValueBox<[Int: [Int]]>([:])
        let offLoop = NIOLockedValueBox(0)
        await withTaskGroup(of: Void.self) { tasks in
            for t in 0..<4 {
                tasks.addTask {
                    for i in 0..<2_000 {
                        loop.execute {
                            if !loop.inEventLoop { offLoop.withLockedValue { $0 += 1 } }
                            seen.withLockedValue { $0[t, default: []].append(i) }
                        }
                    }
                }
            }
        }
        try await loop.submit {}.get()  // queued after all of them
        for t in 0..<4 { #expect(seen.withLockedValue { $0[t] } == Array(0..<2_000)) }
        #expect(offLoop.withLockedValue { $0 } == 0)
        #expect(!loop.inEventLoop)
        try await group.shutdownGracefully()
    }

    @Test func scheduledTasksRunInDeadlineOrderAndACancelledOneNever() async throws {
        let group = try EpollEventLoopGroup(numberOfThreads: 1)
        let loop = group.loops[0]
        let order = NIOLockedValueBox<[Int]>([])
        let clock = ContinuousClock()
        let began = clock.now
        let c = loop.scheduleTask(in: .milliseconds(90)) { order.withLockedValue { $0.append(90) } }
        let b = loop.scheduleTask(in: .milliseconds(60)) { order.withLockedValue { $0.append(60) } }
        let a = loop.scheduleTask(in: .milliseconds(30)) { order.withLockedValue { $0.append(30) } }
        let cancelled = loop.scheduleTask(in: .milliseconds(45)) { order.withLockedValue { $0.append(45) } }
        cancelled.cancel()
        try await a.futureResult.get()
        try await b.futureResult.get()
        try await c.futureResult.get()
        #expect(clock.now - began >= .milliseconds(90))
        await #expect(throws: EventLoopError.self) { try await cancelled.futureResult.get() }
        try await Task.sleep(for: .milliseconds(30))
        #expect(order.withLockedValue { $0 } == [30, 60, 90])
        // A repeated task (the proxy's timeout sweep) keeps firing until cancelled.
        let ticks = NIOLockedValueBox(0)
        let repeated = loop.scheduleRepeatedTask(initialDelay: .milliseconds(5), delay: .milliseconds(5)) { _ in
            ticks.withLockedValue { $0 += 1 }
        }
        try await Task.sleep(for: .milliseconds(200))
        repeated.cancel()
        #expect(ticks.withLockedValue { $0 } >= 5)
        try await group.shutdownGracefully()
    }

    @Test func shuttingDownTwiceIsHarmlessForTheLoopsAndForAProxyServer() async throws {
        let group = try EpollEventLoopGroup(numberOfThreads: 2)
        try await group.shutdownGracefully()
        try await group.shutdownGracefully()
        // `openrun run` on SIGTERM, then a caller's own shutdown (as the end-to-end tests do): the
        // second finds the epoll loops gone and must not wait on them.
        let nio = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = ProxyServer(configuration: ProxyConfiguration(host: "127.0.0.1", port: 0), routes: RouteTable([]),
                                 apps: [], metrics: RuntimeMetrics(), logger: Logger(label: "test"), group: nio)
        #expect(server.io == .epoll)
        _ = try await server.start()
        await server.shutdown(grace: .milliseconds(100))
        let finished = NIOLockedValueBox(false)
        Task {
            await server.shutdown(grace: .milliseconds(100))
            finished.withLockedValue { $0 = true }
        }
        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(5)
        while !finished.withLockedValue({ $0 }) && clock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(finished.withLockedValue { $0 }, "a second shutdown returns")
        try await nio.shutdownGracefully()
    }

    /// Connects through the loop's connector (as the proxy does), for a new upstream handler.
    private static func connect(_ loop: EpollEventLoop, _ host: String, _ port: Int,
                                timeout: Duration) async throws -> UpstreamHandler {
        let endpoint = Endpoint(host: host, port: port)
        // Made, connected and used on the loop only; the test holds it in between.
        nonisolated(unsafe) let handler = UpstreamHandler(endpoint: endpoint, pool: nil)
        try await loop.flatSubmit { loop.connector(endpoint, handler, timeout) }.get()
        return handler
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        return address
    }

    /// A plain listening socket on 127.0.0.1 (a free port) that accepts nothing by itself.
    private static func listener(backlog: Int32) -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = loopback(port: 0)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        listen(fd, backlog)
        return (fd, EpollSocket.address(of: fd, peer: false)!.port)
    }

    @Test func aConnectThatIsNeverAnsweredTimesOut() async throws {
        // A listener with a full accept queue: the kernel drops the next SYN, so a connect hangs.
        let (listener, port) = Self.listener(backlog: 0)
        let filler = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = Self.loopback(port: port)
        _ = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(filler, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        defer {
            close(filler)
            close(listener)
        }
        let group = try EpollEventLoopGroup(numberOfThreads: 1)
        let clock = ContinuousClock()
        let began = clock.now
        do {
            _ = try await Self.connect(group.loops[0], "127.0.0.1", port, timeout: .milliseconds(300))
            Issue.record("connected to a listener whose queue is full")
        } catch let error as ChannelError {
            guard case .connectTimeout = error else {
                Issue.record("not a timeout: \(error)")
                return
            }
        }
        let took = clock.now - began
        #expect(took >= .milliseconds(300) && took < .seconds(3))
        try await group.shutdownGracefully()
    }

    @Test func aRefusedConnectFailsAtOnceAndANameTriesEachOfItsAddresses() async throws {
        let group = try EpollEventLoopGroup(numberOfThreads: 1)
        let loop = group.loops[0]
        // Nothing listens on port 1.
        await #expect(throws: IOError.self) { _ = try await Self.connect(loop, "127.0.0.1", 1, timeout: .seconds(2)) }
        // A server on 127.0.0.1 only, reached by the name `localhost`: whichever address getaddrinfo
        // gives first (::1 is refused here), the connect ends on 127.0.0.1.
        let (server, port) = Self.listener(backlog: 16)
        defer { close(server) }
        let names = try EpollEventLoop.resolve("localhost", port: port)
        #expect(names.contains { $0.ipAddress == "127.0.0.1" })
        nonisolated(unsafe) let handler = try await Self.connect(loop, "localhost", port, timeout: .seconds(2))  // used on the loop only
        let peer = try await loop.submit { (handler.transport as? EpollSocket).flatMap { EpollSocket.address(of: $0.fd, peer: true) } }.get()
        #expect(peer?.host == "127.0.0.1")
        #expect(try await loop.submit { handler.isActive }.get())
        let unknown = #expect(throws: UnknownHost.self) { _ = try EpollEventLoop.resolve("no-such-host.invalid", port: 80) }
        #expect(unknown?.description.hasPrefix("cannot resolve no-such-host.invalid: ") == true, "\(String(describing: unknown))")
        try await loop.submit { handler.close() }.get()
        try await group.shutdownGracefully()
    }
}
#endif
