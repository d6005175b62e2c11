import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// A response as a test sees it.
struct TestResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: String
    func header(_ name: String) -> String? { headers.first(name: name) }
}

/// A raw TCP client: writes bytes as given and reads what comes back, so tests can send
/// exactly the (mal)formed requests they mean and reuse one connection for several requests.
final class RawConnection: @unchecked Sendable {
    private let channel: any Channel
    private let received = NIOLockedValueBox<[UInt8]>([])
    private let closed = NIOLockedValueBox(false)

    init(group: any EventLoopGroup, port: Int) async throws {
        let received = self.received
        let closed = self.closed
        channel = try await ClientBootstrap(group: group)
            .channelInitializer { ch in
                ch.eventLoop.makeCompletedFuture {
                    try ch.pipeline.syncOperations.addHandler(Collector(received: received, closed: closed))
                }
            }
            // An address, not a name: NIO resolves names on a Dispatch queue, which CPU-bound tests
            // running alongside have starved past the 10 s connect timeout.
            .connect(to: try SocketAddress(ipAddress: "127.0.0.1", port: port)).get()
    }

    final class Collector: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let received: NIOLockedValueBox<[UInt8]>
        let closed: NIOLockedValueBox<Bool>
        init(received: NIOLockedValueBox<[UInt8]>, closed: NIOLockedValueBox<Bool>) {
            self.received = received
            self.closed = closed
        }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var b = unwrapInboundIn(data)
            let bytes = b.readBytes(length: b.readableBytes) ?? []
            received.withLockedValue { $0 += bytes }
        }
        func channelInactive(context: ChannelHandlerContext) { closed.withLockedValue { $0 = true } }
    }

    func send(_ text: String) async throws {
        try await channel.writeAndFlush(ByteBuffer(string: text))
    }

    func send(bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes))
    }

    var isClosed: Bool { closed.withLockedValue { $0 } }
    var text: String { String(decoding: received.withLockedValue { $0 }, as: UTF8.self) }

    /// Takes everything received so far.
    func take() -> String {
        String(decoding: received.withLockedValue { b in defer { b = [] }; return b }, as: UTF8.self)
    }

    /// Waits until `done` holds for what was received (or the connection closed), up to `timeout`.
    func wait(timeout: Duration = .seconds(5), until done: (String) -> Bool) async throws -> String {
        let clock = ContinuousClock()
        let end = clock.now + timeout
        while clock.now < end {
            let t = text
            if done(t) || isClosed { return t }
            try await Task.sleep(for: .milliseconds(2))
        }
        return text
    }

    /// Reads one complete response (Content-Length or close framed) and parses it.
    func response(timeout: Duration = .seconds(10)) async throws -> TestResponse {
        let t = try await wait(timeout: timeout) { Self.parse($0) != nil }
        guard let (r, used) = Self.parse(t) ?? Self.parseClosed(t, closed: isClosed) else {
            throw TestFailure("no complete response in \(t.debugDescription)")
        }
        received.withLockedValue { $0.removeFirst(min(used, $0.count)) }
        return r
    }

    func close() async { try? await channel.close() }

    private static func head(_ t: String) -> (Int, HTTPHeaders, String.Index)? {
        guard let end = t.range(of: "\r\n\r\n") else { return nil }
        let lines = t[..<end.lowerBound].components(separatedBy: "\r\n")
        let parts = lines[0].split(separator: " ")
        guard parts.count >= 2, let status = Int(parts[1]) else { return nil }
        var headers = HTTPHeaders()
        for line in lines.dropFirst() {
            if let c = line.firstIndex(of: ":") {
                headers.add(name: String(line[..<c]), value: line[line.index(after: c)...].trimmingCharacters(in: .whitespaces))
            }
        }
        return (status, headers, end.upperBound)
    }

    /// Content-Length or chunked framed.
    static func parse(_ t: String) -> (TestResponse, Int)? {
        guard let (status, headers, bodyStart) = head(t) else { return nil }
        let headLen = t[..<bodyStart].utf8.count
        let rest = Array(t[bodyStart...].utf8)
        if let cl = headers.first(name: "content-length").flatMap(Int.init) {
            guard rest.count >= cl else { return nil }
            return (TestResponse(status: status, headers: headers, body: String(decoding: rest[..<cl], as: UTF8.self)),
                    headLen + cl)
        }
        if headers.first(name: "transfer-encoding")?.lowercased() == "chunked" {
            var i = 0
            var body: [UInt8] = []
            while true {
                guard let lineEnd = find(rest, from: i) else { return nil }
                guard let size = Int(String(decoding: rest[i..<lineEnd], as: UTF8.self), radix: 16) else { return nil }
                i = lineEnd + 2
                if size == 0 {
                    guard rest.count >= i + 2 else { return nil }
                    return (TestResponse(status: status, headers: headers, body: String(decoding: body, as: UTF8.self)),
                            headLen + i + 2)
                }
                guard rest.count >= i + size + 2 else { return nil }
                body += rest[i..<(i + size)]
                i += size + 2
            }
        }
        if status == 101 || status == 204 || status == 304 {
            return (TestResponse(status: status, headers: headers, body: ""), headLen)
        }
        return nil
    }

    static func parseClosed(_ t: String, closed: Bool) -> (TestResponse, Int)? {
        guard closed, let (status, headers, bodyStart) = head(t) else { return nil }
        return (TestResponse(status: status, headers: headers, body: String(t[bodyStart...])), t.utf8.count)
    }

    private static func find(_ b: [UInt8], from: Int) -> Int? {
        var i = from
        while i + 1 < b.count {
            if b[i] == 13 && b[i + 1] == 10 { return i }
            i += 1
        }
        return nil
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = d }
}

/// One request on a fresh connection.
func fetch(_ group: any EventLoopGroup, port: Int, _ method: String = "GET", _ path: String,
           headers: [(String, String)] = [], body: String? = nil, host: String = "127.0.0.1") async throws -> TestResponse {
    let c = try await RawConnection(group: group, port: port)
    defer { Task { await c.close() } }
    var req = "\(method) \(path) HTTP/1.1\r\nHost: \(host)\r\n"
    for (n, v) in headers { req += "\(n): \(v)\r\n" }
    if let body { req += "Content-Length: \(body.utf8.count)\r\n" }
    req += "\r\n" + (body ?? "")
    try await c.send(req)
    return try await c.response()
}
