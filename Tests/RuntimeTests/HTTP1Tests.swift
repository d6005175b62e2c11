import NIOCore
import Testing
@testable import Runtime

/// The proxy's own HTTP/1 reading and writing: heads, framing, chunked bodies.
@Suite struct HTTP1Tests {
    static func request(_ text: String, maxFields: Int = 100) throws(HTTPHeadError) -> HTTPHead {
        try HTTPHead.parseRequest(ByteBuffer(string: text), maxFields: maxFields)
    }

    static func response(_ text: String) throws(HTTPHeadError) -> HTTPHead {
        try HTTPHead.parseResponse(ByteBuffer(string: text), maxFields: 100)
    }

    @Test func aRequestHeadAndWhatTheProxyActsOn() throws {
        let h = try Self.request("POST /a/b?c=d HTTP/1.1\r\nHost: apps.local:8080\r\nContent-Length: 12\r\n"
                                 + "Connection: keep-alive, X-Private\r\nX-Private: 1\r\nX-Other:  v  \r\n\r\n")
        #expect(h.method == "POST")
        #expect(h.target == "/a/b?c=d")
        #expect(h.minorVersion == 1)
        #expect(h.host == "apps.local:8080")
        #expect(h.contentLength == 12)
        #expect(h.keepAlive)
        #expect(h.fields.map(\.kind) == [.host, .contentLength, .connection, .other, .other])
        #expect(h.fields[3].namedByConnection)
        #expect(!h.fields[4].namedByConnection)
        #expect(h.value(h.fields[4]) == "v")
        #expect(h.values(named: "x-other") == ["v"])
        #expect(HeaderRewriting.framingProblem(ofRequest: h) == nil)
    }

    @Test func keepAliveByVersionAndConnection() throws {
        #expect(try Self.request("GET / HTTP/1.1\r\n\r\n").keepAlive)
        #expect(try !Self.request("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").keepAlive)
        #expect(try !Self.request("GET / HTTP/1.0\r\n\r\n").keepAlive)
        #expect(try Self.request("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").keepAlive)
        #expect(try Self.request("GET / HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n").isUpgradeRequest)
        #expect(try !Self.request("GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\n").isUpgradeRequest)
    }

    @Test(arguments: [
        ("GET / HTTP/1.1\r\nX: a\r\n b\r\n\r\n", "obsolete line folding in a header"),
        ("GET / HTTP/1.1\r\nX : a\r\n\r\n", "whitespace before the colon of a header"),
        ("GET / HTTP/1.1\r\nX(y): a\r\n\r\n", "invalid header name"),
        ("GET / HTTP/1.1\r\n: a\r\n\r\n", "invalid header name"),
        ("GET / HTTP/1.1\r\nX: a\u{1}b\r\n\r\n", "invalid character in a header value"),
        ("GET / HTTP/1.1\r\nX: a\rb\r\n\r\n", "invalid header line"),
        ("GET  / HTTP/1.1\r\n\r\n", "invalid request target"),
        ("GET /\u{7F} HTTP/1.1\r\n\r\n", "invalid request target"),
        ("G(T / HTTP/1.1\r\n\r\n", "invalid request line"),
        ("GET / HTTP/1.1 \r\n\r\n", "invalid request line"),
        ("GET / HTTQ/1.1\r\n\r\n", "invalid HTTP version"),
        ("GET / HTTP/1.1\r\nTransfer-Encoding: chunked, chunked\r\n\r\n", "chunked applied twice"),
        ("GET / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", "chunked applied twice"),
        ("GET / HTTP/1.1\r\nTransfer-Encoding: chunked,\r\n\r\n", "invalid Transfer-Encoding"),
        ("GET / HTTP/1.1\r\nTransfer-Encoding: , chunked\r\n\r\n", "invalid Transfer-Encoding"),
        ("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding:\r\n\r\n", "invalid Transfer-Encoding"),
    ])
    func malformedRequestHeads(text: String, why: String) {
        #expect(throws: HTTPHeadError.malformed(why)) { try Self.request(text) }
    }

    @Test func otherVersionsAndTooManyFields() {
        #expect(throws: HTTPHeadError.unsupportedVersion) { try Self.request("GET / HTTP/2.0\r\n\r\n") }
        let many = "GET / HTTP/1.1\r\n" + (0..<5).map { "X-\($0): v\r\n" }.joined() + "\r\n"
        #expect(throws: HTTPHeadError.tooLarge) { try Self.request(many, maxFields: 4) }
    }

    @Test(arguments: [
        ("Content-Length: 4\r\nTransfer-Encoding: chunked\r\n", "Content-Length together with Transfer-Encoding"),
        ("Content-Length: 4\r\nContent-Length: 5\r\n", "differing Content-Length values"),
        ("Content-Length: 4, 5\r\n", "invalid Content-Length"),
        ("Content-Length: 4, 4\r\n", "invalid Content-Length"),
        ("Content-Length: 4,\r\n", "invalid Content-Length"),
        ("Content-Length: -1\r\n", "invalid Content-Length"),
        ("Content-Length: 0x10\r\n", "invalid Content-Length"),
        ("Content-Length: 99999999999999999999\r\n", "invalid Content-Length"),
        ("Content-Length:\r\n", "invalid Content-Length"),
        ("Transfer-Encoding: gzip\r\n", "Transfer-Encoding without chunked last"),
        ("Transfer-Encoding: chunked, gzip\r\n", "Transfer-Encoding without chunked last"),
    ])
    func requestFramingThatIsRefused(fields: String, why: String) throws {
        let h = try Self.request("POST / HTTP/1.1\r\n" + fields + "\r\n")
        #expect(HeaderRewriting.framingProblem(ofRequest: h) == why)
    }

    @Test func requestFramingThatIsAccepted() throws {
        let same = try Self.request("POST / HTTP/1.1\r\nContent-Length: 4\r\nContent-Length: 4\r\n\r\n")
        #expect(HeaderRewriting.framingProblem(ofRequest: same) == nil)
        guard case .length(4) = HeaderRewriting.requestFraming(same) else { Issue.record("not length 4"); return }
        let chunked = try Self.request("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, CHUNKED\r\n\r\n")
        #expect(HeaderRewriting.framingProblem(ofRequest: chunked) == nil)
        guard case .chunked = HeaderRewriting.requestFraming(chunked) else { Issue.record("not chunked"); return }
        let te10 = try Self.request("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n")
        #expect(HeaderRewriting.framingProblem(ofRequest: te10) == "Transfer-Encoding in an HTTP/1.0 request")
        guard case .none = HeaderRewriting.requestFraming(try Self.request("GET / HTTP/1.1\r\n\r\n")) else {
            Issue.record("a GET has a body")
            return
        }
    }

    @Test func responseHeadsAndTheirFraming() throws {
        func framing(_ text: String, method: String = "GET") throws -> String {
            switch try HeaderRewriting.responseFraming(Self.response(text), requestMethod: method) {
            case .none: "none"
            case .length(let n): "length \(n)"
            case .chunked: "chunked"
            case .untilClose: "close"
            }
        }
        #expect(try framing("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n") == "length 5")
        #expect(try framing("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", method: "HEAD") == "none")
        #expect(try framing("HTTP/1.1 204 No Content\r\n\r\n") == "none")
        #expect(try framing("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n") == "none")
        #expect(try framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n") == "chunked")
        #expect(try framing("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n") == "close")
        #expect(try framing("HTTP/1.0 200 OK\r\n\r\n") == "close")
        #expect(try framing("HTTP/1.1 200\r\nContent-Length: 0\r\n\r\n") == "none")
        #expect(throws: HTTPHeadError.malformed("invalid Content-Length")) {
            try framing("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")
        }
        let h = try Self.response("HTTP/1.1 404 Not  Found\r\nX: y\r\n\r\n")
        #expect(h.status == 404)
        #expect(h.bytes.getString(at: h.reasonRange.lowerBound, length: h.reasonRange.count) == "Not  Found")
        #expect(throws: HTTPHeadError.malformed("invalid status line")) { try Self.response("HTTP/1.1 20 OK\r\n\r\n") }
        #expect(throws: HTTPHeadError.malformed("invalid status line")) { try Self.response("HTTP/1.1 099 X\r\n\r\n") }
    }

    @Test func theHeadScannerFindsTheEndAcrossReadsAndRefusesBareLineFeeds() {
        let text = "GET / HTTP/1.1\r\nHost: a\r\n\r\nNEXT"
        var scanner = HeadScanner()
        var buffer = ByteBuffer()
        var result = HeadScanner.Result.incomplete
        for byte in text.utf8 {
            buffer.writeInteger(byte)
            result = scanner.scan(buffer)
            if result != .incomplete { break }
        }
        #expect(result == .complete(length: text.utf8.count - 4))
        var bare = HeadScanner()
        #expect(bare.scan(ByteBuffer(string: "GET / HTTP/1.1\nHost: a\n\n")) == .bareLineFeed)
    }

    /// Runs the scanner over `body` cut into pieces of `step` bytes; returns (data, bytes used, done).
    static func scanChunked(_ body: String, step: Int) throws(HTTPHeadError) -> (String, Int, Bool) {
        var scanner = ChunkedScanner()
        let bytes = Array(body.utf8)
        var data: [UInt8] = []
        var used = 0
        var i = 0
        while i < bytes.count && !scanner.isDone {
            let piece = Array(bytes[i..<min(i + step, bytes.count)])
            let n = try piece.withUnsafeBufferPointer { (p) throws(HTTPHeadError) in
                try scanner.scan(p.baseAddress!, p.count) { data += piece[$0] }
            }
            used += n
            i += piece.count
        }
        return (String(decoding: data, as: UTF8.self), used, scanner.isDone)
    }

    @Test(arguments: [1, 2, 3, 7, 1000])
    func chunkedBodiesInAnyPieces(step: Int) throws {
        let body = "5\r\nhello\r\n1;name=\"v\"\r\n \r\nA  ;x\r\n0123456789\r\n0\r\nTrailer-A: 1\r\nB: 2\r\n\r\n"
        let (data, used, done) = try Self.scanChunked(body + "GET /next", step: step)
        #expect(data == "hello 0123456789")
        #expect(done)
        #expect(used == body.utf8.count)
    }

    @Test(arguments: [
        ("5\r\nhelloX\r\n0\r\n\r\n", "chunk data longer than its size"),
        ("g\r\n", "invalid chunk size"),
        ("\r\n", "invalid chunk size"),
        ("1111111111111111\r\n", "chunk size too large"),
        ("5\nhello\r\n", "invalid chunk size"),
        ("5;a\u{1}\r\n", "invalid chunk extension"),
        ("0\r\nX\u{1}: y\r\n\r\n", "invalid trailer field"),
        ("0\r\n(\r\n\r\n", "invalid trailer field"),
        ("0\r\n\r\r", "invalid end of chunked body"),
        ("5 \r\nhello\r\n0\r\n\r\n", "invalid chunk size"),
        ("5;\r\nhello\r\n0\r\n\r\n", "invalid chunk extension"),
        ("5;a=b=c\r\nhello\r\n0\r\n\r\n", "invalid chunk extension"),
        ("5;a=\"b\r\nhello\r\n0\r\n\r\n", "invalid chunk extension"),
        ("5;a=\u{80}\r\nhello\r\n0\r\n\r\n", "invalid chunk extension"),
        ("5;a b\r\nhello\r\n0\r\n\r\n", "invalid chunk extension"),
        ("0\r\nX\r\n\r\n", "invalid trailer field"),
        ("0\r\nX : 1\r\n\r\n", "invalid trailer field"),
        ("0\r\nGET / HTTP/1.1\r\n\r\n", "invalid trailer field"),
    ])
    func malformedChunkedBodies(body: String, why: String) {
        #expect(throws: HTTPHeadError.malformed(why)) { try Self.scanChunked(body, step: 3) }
    }

    @Test(arguments: ["5;a=b\r\n", "5 ; a = b ; c\r\n", "5;a=\"q \\\" \u{80};\"\r\n", "5;a;b=c\r\n", "5\t;a\r\n"])
    func chunkExtensionsThatAreAccepted(line: String) throws {
        let (data, _, done) = try Self.scanChunked(line + "hello\r\n0\r\n\r\n", step: 2)
        #expect(data == "hello")
        #expect(done)
    }

    @Test func framingFieldsAreNeverDroppedOrContradicted() throws {
        let h = try Self.request("POST / HTTP/1.1\r\nConnection: content-length, transfer-encoding, x-a\r\n"
                                 + "Content-Length: 5\r\nX-A: 1\r\n\r\n")
        var out = ByteBuffer()
        HeaderRewriting.writeUpstreamRequest(h, uri: "/", hostHeader: "u", clientIP: nil, strippedPrefix: "",
                                             isUpgrade: false, into: &out)
        #expect(String(buffer: out) == "POST / HTTP/1.1\r\nhost: u\r\nContent-Length: 5\r\nx-forwarded-proto: http\r\n\r\n")
        let r = try Self.response("HTTP/1.1 200 OK\r\nConnection: Transfer-Encoding\r\nTransfer-Encoding: chunked\r\n\r\n")
        var client = ByteBuffer()
        HeaderRewriting.writeClientResponse(r, clientMinorVersion: 1, keepUpgrade: false, additions: .init(), into: &client)
        #expect(String(buffer: client) == "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
        // Transfer-Encoding overrides Content-Length: the client never sees both (RFC 9112 §6.3).
        let both = try Self.response("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n")
        var one = ByteBuffer()
        HeaderRewriting.writeClientResponse(both, clientMinorVersion: 1, keepUpgrade: false, additions: .init(), into: &one)
        #expect(String(buffer: one) == "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
    }

    @Test func theUpstreamRequestDropsHopByHopAndClientForwardingHeaders() throws {
        let h = try Self.request("GET /app/x?y HTTP/1.0\r\nHost: public:25222\r\nX-Forwarded-For: 6.6.6.6\r\n"
                                 + "Forwarded: for=6.6.6.6\r\nX-Real-IP: 6.6.6.6\r\nConnection: keep-alive, X-Secret\r\n"
                                 + "X-Secret: s\r\nKeep-Alive: 5\r\nTE: trailers\r\nAccept:  */*\r\nUpgrade: h2c\r\n\r\n")
        var out = ByteBuffer()
        HeaderRewriting.writeUpstreamRequest(h, uri: "/x?y", hostHeader: "127.0.0.1:4000", clientIP: "10.0.0.1",
                                             strippedPrefix: "/app", isUpgrade: false, into: &out)
        #expect(String(buffer: out) == "GET /x?y HTTP/1.1\r\nhost: 127.0.0.1:4000\r\nAccept:  */*\r\n"
                + "x-forwarded-for: 10.0.0.1\r\nx-real-ip: 10.0.0.1\r\nx-forwarded-host: public:25222\r\n"
                + "x-forwarded-proto: http\r\nx-forwarded-prefix: /app\r\n\r\n")
        let ws = try Self.request("GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n")
        var up = ByteBuffer()
        HeaderRewriting.writeUpstreamRequest(ws, uri: "/ws", hostHeader: "u", clientIP: nil, strippedPrefix: "",
                                             isUpgrade: true, into: &up)
        #expect(String(buffer: up) == "GET /ws HTTP/1.1\r\nhost: u\r\nUpgrade: websocket\r\nx-forwarded-host: h\r\n"
                + "x-forwarded-proto: http\r\nconnection: upgrade\r\n\r\n")
    }

    @Test func underscoreSpellingsOfFramingAndForwardingHeadersAreNotForwarded() throws {
        let h = try Self.request("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\nTransfer_Encoding: chunked\r\n"
                                 + "X_Forwarded_For: 6.6.6.6\r\nX_Api_Key: k\r\n\r\n")
        #expect(h.fields.map(\.kind) == [.host, .contentLength, .underscoreAlias, .underscoreAlias, .other])
        #expect(h.contentLength == 3 && !h.hasTransferEncoding)
        var out = ByteBuffer()
        HeaderRewriting.writeUpstreamRequest(h, uri: "/", hostHeader: "u", clientIP: nil, strippedPrefix: "",
                                             isUpgrade: false, into: &out)
        #expect(String(buffer: out) == "POST / HTTP/1.1\r\nhost: u\r\nContent-Length: 3\r\nX_Api_Key: k\r\n"
                + "x-forwarded-host: h\r\nx-forwarded-proto: http\r\n\r\n")
    }

    @Test func hostFieldsAreCounted() throws {
        #expect(HeaderRewriting.hostProblem(ofRequest: try Self.request("GET / HTTP/1.1\r\nHost: a\r\n\r\n")) == nil)
        #expect(HeaderRewriting.hostProblem(ofRequest: try Self.request("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n"))
                == "more than one Host field")
        #expect(HeaderRewriting.hostProblem(ofRequest: try Self.request("GET / HTTP/1.1\r\n\r\n"))
                == "an HTTP/1.1 request without Host")
        #expect(HeaderRewriting.hostProblem(ofRequest: try Self.request("GET / HTTP/1.0\r\n\r\n")) == nil)
    }

    @Test func aCloseDelimitedBodyWithACodingIsRechunkedKeepingIt() throws {
        let h = try Self.response("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 9\r\n\r\n")
        var a = HeaderRewriting.ResponseAdditions()
        a.chunked = true
        var out = ByteBuffer()
        HeaderRewriting.writeClientResponse(h, clientMinorVersion: 1, keepUpgrade: false, additions: a, into: &out)
        #expect(String(buffer: out) == "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\ntransfer-encoding: chunked\r\n\r\n")
        let again = try Self.response(String(buffer: out))
        #expect(again.chunked)
    }

    @Test func theClientResponseHead() throws {
        let h = try Self.response("HTTP/1.1 302 Found\r\nConnection: close, X-Hop\r\nX-Hop: 1\r\nLocation: http://127.0.0.1:4000/x\r\n"
                                  + "x-frame-options: SAMEORIGIN\r\nTransfer-Encoding: chunked\r\nSet-Cookie: a=1\r\n\r\n")
        var a = HeaderRewriting.ResponseAdditions()
        a.replacing = [("X-Frame-Options", "DENY")]
        a.location = "http://public/app/x"
        a.dropTransferEncoding = true
        a.connection = .close
        var out = ByteBuffer()
        HeaderRewriting.writeClientResponse(h, clientMinorVersion: 0, keepUpgrade: false, additions: a, into: &out)
        #expect(String(buffer: out) == "HTTP/1.0 302 Found\r\nSet-Cookie: a=1\r\nX-Frame-Options: DENY\r\n"
                + "location: http://public/app/x\r\nconnection: close\r\n\r\n")
        var local = ByteBuffer()
        var cold = HeaderRewriting.ResponseAdditions()
        cold.coldStartMilliseconds = 12.5
        HeaderRewriting.writeLocalResponse(status: .serviceUnavailable, clientMinorVersion: 1, contentType: "text/plain",
                                           contentLength: 3, extraHeaders: [("retry-after", "5\r\nX-Injected: 1")],
                                           additions: cold, into: &local)
        #expect(String(buffer: local) == "HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain\r\ncontent-length: 3\r\n"
                + "retry-after: 5  X-Injected: 1\r\nx-openrun-cold-start: true\r\n"
                + "server-timing: openrun-start;dur=12.5;desc=\"cold start\"\r\n\r\n")
    }

    @Test func tokenBytesAreExactlyTheTcharsOfRFC9110() {
        let tchar = Set(Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ!#$%&'*+-.^_`|~".utf8))
        for c in 0...255 { #expect(HTTPBytes.isToken(UInt8(c)) == tchar.contains(UInt8(c)), "byte \(c)") }
    }

    @Test func theEightByteValueCheckFindsEveryControlByteAndDEL() {
        func reference(_ w: UInt64) -> Bool {
            (0..<8).contains { k in let b = UInt8(truncatingIfNeeded: w >> (8 * UInt64(k))); return b < 0x20 || b == 0x7F }
        }
        // Every byte value at every position among plain and high bytes (borrows cross positions).
        for filler: UInt8 in [0x61, 0x20, 0x80, 0xFF, 0x21] {
            for pos in 0..<8 {
                for c in 0...255 {
                    var w = UInt64(0)
                    for k in 0..<8 { w |= UInt64(k == pos ? UInt8(c) : filler) << (8 * UInt64(k)) }
                    #expect(HTTPBytes.hasControlOrDEL(w) == reference(w), "byte \(c) at \(pos) among \(filler)")
                }
            }
        }
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<100_000 {
            let w = rng.next() as UInt64
            if HTTPBytes.hasControlOrDEL(w) != reference(w) { Issue.record("word \(String(w, radix: 16))"); break }
        }
    }

    @Test func headerNamesAreClassifiedInAnyCaseAndTheirUnderscoreSpellings() throws {
        let names: [(String, HeaderKind)] = [
            ("host", .host), ("content-length", .contentLength), ("transfer-encoding", .transferEncoding),
            ("connection", .connection), ("upgrade", .upgrade), ("keep-alive", .keepAlive),
            ("proxy-connection", .proxyConnection), ("te", .te), ("trailer", .trailer),
            ("x-forwarded-for", .xForwardedFor), ("x-forwarded-host", .xForwardedHost),
            ("x-forwarded-proto", .xForwardedProto), ("x-forwarded-prefix", .xForwardedPrefix),
            ("x-real-ip", .xRealIP), ("forwarded", .forwarded), ("location", .location),
        ]
        func kind(_ s: String) -> HeaderKind {
            Array(s.utf8).withUnsafeBufferPointer { HeaderKind.classify($0.baseAddress!, $0.count) }
        }
        for (name, k) in names {
            #expect(kind(name) == k)
            #expect(kind(name.uppercased()) == k)
            if name.contains("-") {
                #expect(kind(String(name.map { $0 == "-" ? "_" : $0 })) == (k == .location ? .other : .underscoreAlias))
            }
        }
        for other in ["server", "date", "x-forwarded-fo", "hostx", "t", "content_type", "locatio_", ""] {
            #expect(kind(other) == .other, "\(other)")
        }
    }

    @Test func headsAreWrittenWithinTheirReservedBoundForLongValues() throws {
        let long = String(repeating: "v", count: 5000)
        let h = try Self.request("GET /\(long) HTTP/1.1\r\nHost: \(long)\r\nX-A: \(long)\r\n\r\n")
        var out = ByteBuffer()
        HeaderRewriting.writeUpstreamRequest(h, uri: "/" + long + long, hostHeader: long, clientIP: long,
                                             strippedPrefix: long, isUpgrade: true, into: &out)
        let again = try Self.request(String(buffer: out))
        #expect(again.target == "/" + long + long && again.fields.count == 8)
        let r = try Self.response("HTTP/1.1 200 \(long)\r\nX-B: \(long)\r\n\r\n")
        var a = HeaderRewriting.ResponseAdditions()
        a.replacing = [("x-c", long), ("x-d", long)]
        a.location = long
        a.coldStartMilliseconds = 123456789.123
        a.chunked = true
        a.connection = .keepAlive
        var resp = ByteBuffer()
        HeaderRewriting.writeClientResponse(r, clientMinorVersion: 1, keepUpgrade: false, additions: a, into: &resp)
        #expect(try Self.response(String(buffer: resp)).fields.count == 8)
    }
}
