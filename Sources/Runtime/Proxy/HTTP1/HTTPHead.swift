#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import NIOCore

/// Header names the proxy acts on, recognised once while parsing (case-insensitively).
enum HeaderKind: UInt8 {
    case other
    case host, contentLength, transferEncoding, connection, upgrade, keepAlive, proxyConnection, te, trailer
    case xForwardedFor, xForwardedHost, xForwardedProto, xForwardedPrefix, xRealIP, forwarded
    case location
    /// A name that reads as a framing, hop-by-hop or forwarding header once `_` is taken for `-`
    /// (`Content_Length`): CGI and WSGI servers turn both spellings into the same variable, so such
    /// fields are not forwarded to upstreams (nginx drops them too).
    case underscoreAlias

    /// Hop-by-hop (RFC 9110 §7.6.1): never forwarded as they are.
    var isHopByHop: Bool {
        switch self {
        case .connection, .upgrade, .keepAlive, .proxyConnection, .te, .trailer: true
        default: false
        }
    }

    /// Client-sent forwarding headers: dropped, then set by openrun.
    var isForwarding: Bool {
        switch self {
        case .xForwardedFor, .xForwardedHost, .xForwardedProto, .xForwardedPrefix, .xRealIP, .forwarded: true
        default: false
        }
    }

    /// The kind of the header named by `count` bytes at `base`.
    static func classify(_ base: UnsafePointer<UInt8>, _ count: Int) -> HeaderKind {
        let kind = known(base, count)
        // An underscore spelling has the length of a known name with a `-`: `x-real-ip` (9),
        // `keep-alive` (10), and all of 14 to 18 bytes.
        guard kind == .other, count == 9 || count == 10 || (count >= 14 && count <= 18) else { return kind }
        if memchr(base, Int32(UInt8(ascii: "_")), count) != nil {
            var dashed = [UInt8](repeating: 0, count: count)
            for k in 0..<count { dashed[k] = base[k] == UInt8(ascii: "_") ? UInt8(ascii: "-") : base[k] }
            let kind = dashed.withUnsafeBufferPointer { known($0.baseAddress!, count) }
            if kind != .other && kind != .location { return .underscoreAlias }
        }
        return .other
    }

    /// The known names, by length (no table to look up: a switch and literal comparisons).
    @inline(__always)
    private static func known(_ b: UnsafePointer<UInt8>, _ n: Int) -> HeaderKind {
        @inline(__always) func named(_ s: StaticString) -> Bool { HTTPBytes.equalsLowercased(b, s.utf8Start, n) }
        switch n {
        case 2: return named("te") ? .te : .other
        case 4: return named("host") ? .host : .other
        case 7: return named("upgrade") ? .upgrade : named("trailer") ? .trailer : .other
        case 8: return named("location") ? .location : .other
        case 9: return named("forwarded") ? .forwarded : named("x-real-ip") ? .xRealIP : .other
        case 10: return named("connection") ? .connection : named("keep-alive") ? .keepAlive : .other
        case 14: return named("content-length") ? .contentLength : .other
        case 15: return named("x-forwarded-for") ? .xForwardedFor : .other
        case 16: return named("x-forwarded-host") ? .xForwardedHost : named("proxy-connection") ? .proxyConnection : .other
        case 17: return named("transfer-encoding") ? .transferEncoding : named("x-forwarded-proto") ? .xForwardedProto : .other
        case 18: return named("x-forwarded-prefix") ? .xForwardedPrefix : .other
        default: return .other
        }
    }
}

/// One header field of a parsed head: offsets into the head's bytes.
struct HeaderField {
    var nameStart: Int32
    var nameLength: Int32
    var valueStart: Int32
    var valueLength: Int32
    var kind: HeaderKind
    /// Named by the head's Connection header (so hop-by-hop for this message).
    var namedByConnection = false

    /// The whole field, `name: value`, as it came.
    var lineRange: Range<Int> { Int(nameStart)..<Int(valueStart + valueLength) }
}

/// Why a head cannot be forwarded.
enum HTTPHeadError: Error, Equatable {
    /// Malformed: 400 (502 for a response), with a short reason.
    case malformed(String)
    /// Too many or too large header fields: 431.
    case tooLarge
    /// Not HTTP/1.x: 505.
    case unsupportedVersion
}

extension HTTPHeadError: CustomStringConvertible {
    var description: String {
        switch self {
        case .malformed(let why): why
        case .tooLarge: "header section too large"
        case .unsupportedVersion: "not HTTP/1.x"
        }
    }
}

/// A parsed HTTP/1 request or response head: the bytes as they came, the fields as offsets into them,
/// and what the proxy needs to know of them. Parsing is strict (RFC 9112): CRLF line ends, token names
/// with no whitespace before the colon, no obs-fold, no control characters in values. A class: an
/// exchange and the writers share one head instead of copying its references around.
final class HTTPHead {
    /// The head's bytes, from the start line up to and including the empty line.
    let bytes: ByteBuffer
    var fields: [HeaderField] = []
    /// Request: the method; response: empty.
    var method: String = ""
    /// Request: the target as sent; response: empty.
    var target: String = ""
    /// HTTP/1.`minor`.
    var minorVersion: Int = 1
    /// Response: the status code.
    var status: Int = 0
    /// Response: where the reason phrase starts in `bytes` (after the status code and its space).
    var reasonRange: Range<Int> = 0..<0

    // What the proxy acts on, gathered while parsing.
    var host: String?
    /// Host fields seen (RFC 9112 §3.2: exactly one in an HTTP/1.1 request).
    var hostCount = 0
    var contentLength: UInt64?
    var contentLengthsDiffer = false
    var contentLengthInvalid = false
    var hasTransferEncoding = false
    /// The transfer codings end with `chunked` (which appears once).
    var chunked = false
    /// `chunked` appeared among the transfer codings so far.
    private var sawChunked = false
    /// `Connection: close` / `keep-alive` / `upgrade` tokens.
    var connectionClose = false
    var connectionKeepAlive = false
    var connectionUpgrade = false
    var hasUpgrade = false
    /// `Connection` names headers beyond close/keep-alive/upgrade (rare; marked after parsing).
    var connectionNamesOthers = false

    init(bytes: ByteBuffer) {
        self.bytes = bytes
    }

    var isHTTP10: Bool { minorVersion == 0 }

    /// HTTP/1.1 keeps the connection unless `close`; HTTP/1.0 only with `keep-alive`.
    var keepAlive: Bool { isHTTP10 ? (connectionKeepAlive && !connectionClose) : !connectionClose }

    /// The request asks for a protocol switch (`Upgrade` plus `Connection: upgrade`).
    var isUpgradeRequest: Bool { hasUpgrade && connectionUpgrade }

    /// A field's value as a String.
    func value(_ f: HeaderField) -> String {
        bytes.getString(at: bytes.readerIndex + Int(f.valueStart), length: Int(f.valueLength)) ?? ""
    }

    /// The first value of a field of `kind`.
    func first(_ kind: HeaderKind) -> String? {
        for f in fields where f.kind == kind { return value(f) }
        return nil
    }

    /// Every field whose name equals `name` (lowercase ASCII), case-insensitively.
    func values(named name: String) -> [String] {
        let lower = Array(name.utf8)
        return bytes.withUnsafeReadableBytes { raw in
            let base = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            return fields.filter {
                Int($0.nameLength) == lower.count && HTTPBytes.equalsLowercased(base + Int($0.nameStart), lower.count, lower)
            }.map(value)
        }
    }

}

extension HTTPHead {
    /// Parses a request head; `bytes` ends with the empty line (see `HeadScanner`).
    static func parseRequest(_ bytes: ByteBuffer, maxFields: Int) throws(HTTPHeadError) -> HTTPHead {
        let head = HTTPHead(bytes: bytes)
        try bytes.withUnsafeReadableBytes { (raw) throws(HTTPHeadError) in
            let p = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let n = raw.count
            var i = 0
            // Method: a token, then one space.
            while i < n, HTTPBytes.isToken(p[i]) { i += 1 }
            guard i > 0, i < n, p[i] == .space else { throw .malformed("invalid request line") }
            head.method = String(decoding: UnsafeBufferPointer(start: p, count: i), as: UTF8.self)
            i += 1
            // Target: visible characters (and obs-text), then one space.
            let t0 = i
            while i < n, p[i] > 0x20, p[i] != 0x7F { i += 1 }
            guard i > t0, i < n, p[i] == .space else { throw .malformed("invalid request target") }
            head.target = String(decoding: UnsafeBufferPointer(start: p + t0, count: i - t0), as: UTF8.self)
            i += 1
            head.minorVersion = try parseVersion(p, n, &i)
            guard i + 1 < n, p[i] == .cr, p[i + 1] == .lf else { throw .malformed("invalid request line") }
            i += 2
            try parseFields(p, n, &i, into: head, maxFields: maxFields)
        }
        return head
    }

    /// Parses a response head; `bytes` ends with the empty line.
    static func parseResponse(_ bytes: ByteBuffer, maxFields: Int) throws(HTTPHeadError) -> HTTPHead {
        let head = HTTPHead(bytes: bytes)
        try bytes.withUnsafeReadableBytes { (raw) throws(HTTPHeadError) in
            let p = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let n = raw.count
            var i = 0
            head.minorVersion = try parseVersion(p, n, &i)
            // Three digits, the first 1-9: a 0xx code is no status (and would pass for an interim 1xx).
            guard i + 4 <= n, p[i] == .space, p[i + 1] >= 0x31 && p[i + 1] <= 0x39, HTTPBytes.isDigit(p[i + 2]),
                  HTTPBytes.isDigit(p[i + 3]) else { throw .malformed("invalid status line") }
            head.status = Int(p[i + 1] - 0x30) * 100 + Int(p[i + 2] - 0x30) * 10 + Int(p[i + 3] - 0x30)
            i += 4
            // Reason: optional (` reason`, or nothing), text with tabs and obs-text.
            var r0 = i
            if i < n, p[i] == .space {
                i += 1
                r0 = i
                while i < n, p[i] != .cr, p[i] == .tab || (p[i] >= 0x20 && p[i] != 0x7F) { i += 1 }
            }
            head.reasonRange = r0..<i
            guard i + 1 < n, p[i] == .cr, p[i + 1] == .lf else { throw .malformed("invalid status line") }
            i += 2
            try parseFields(p, n, &i, into: head, maxFields: maxFields)
        }
        return head
    }

    /// `HTTP/1.x` at `i`: the minor version.
    private static func parseVersion(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: inout Int) throws(HTTPHeadError) -> Int {
        guard i + 8 <= n, p[i] == 0x48, p[i + 1] == 0x54, p[i + 2] == 0x54, p[i + 3] == 0x50, p[i + 4] == 0x2F,
              HTTPBytes.isDigit(p[i + 5]), p[i + 6] == 0x2E, HTTPBytes.isDigit(p[i + 7])
        else { throw .malformed("invalid HTTP version") }
        guard p[i + 5] == 0x31 else { throw .unsupportedVersion }
        let minor = Int(p[i + 7] - 0x30)
        i += 8
        return minor >= 1 ? 1 : 0
    }

    /// Header fields from `i` up to the empty line that ends the head.
    private static func parseFields(_ p: UnsafePointer<UInt8>, _ n: Int, _ i: inout Int, into head: HTTPHead,
                                    maxFields: Int) throws(HTTPHeadError) {
        // Gathered in a local array (appending to the head's property would check its uniqueness
        // per field), and stored in the head when done (a head that throws is not used).
        var fields = [HeaderField]()
        fields.reserveCapacity(12)
        while true {
            guard i + 1 < n else { throw .malformed("unterminated header section") }
            if p[i] == .cr {
                guard p[i + 1] == .lf, i + 2 == n else { throw .malformed("invalid header line") }
                break
            }
            if p[i] == .space || p[i] == .tab { throw .malformed("obsolete line folding in a header") }
            let n0 = i
            while i < n, HTTPBytes.isToken(p[i]) { i += 1 }
            guard i > n0, i < n, p[i] == .colon else {
                throw .malformed(i < n && (p[i] == .space || p[i] == .tab)
                                 ? "whitespace before the colon of a header" : "invalid header name")
            }
            let nameLength = i - n0
            i += 1
            while i < n, p[i] == .space || p[i] == .tab { i += 1 }
            let v0 = i
            // Eight bytes at a time while none is a control character (CR, tab, invalid ones) or DEL,
            // then byte by byte to the CR.
            while i + 8 <= n, !HTTPBytes.hasControlOrDEL(UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)) {
                i += 8
            }
            while i < n {
                let c = p[i]
                if c == .cr { break }
                guard c == .tab || (c >= 0x20 && c != 0x7F) else { throw .malformed("invalid character in a header value") }
                i += 1
            }
            var vEnd = i
            while vEnd > v0, p[vEnd - 1] == .space || p[vEnd - 1] == .tab { vEnd -= 1 }
            guard i + 1 < n, p[i + 1] == .lf else { throw .malformed("invalid header line") }
            i += 2
            guard fields.count < maxFields else { throw .tooLarge }
            let kind = HeaderKind.classify(p + n0, nameLength)
            fields.append(HeaderField(nameStart: Int32(n0), nameLength: Int32(nameLength), valueStart: Int32(v0),
                                           valueLength: Int32(vEnd - v0), kind: kind))
            if kind != .other { try head.note(kind, p + v0, vEnd - v0) }
        }
        head.fields = fields
        if head.connectionNamesOthers { head.markConnectionNamed(p) }
    }
}

extension HTTPHead {
    /// Gathers what a recognised header says.
    fileprivate func note(_ kind: HeaderKind, _ v: UnsafePointer<UInt8>, _ count: Int) throws(HTTPHeadError) {
        switch kind {
        case .host:
            hostCount += 1
            if host == nil { host = String(decoding: UnsafeBufferPointer(start: v, count: count), as: UTF8.self) }
        case .contentLength:
            // Digits only. A list (`n, n`) is refused rather than forwarded as it came: RFC 9110 §8.6
            // lets a recipient either refuse it or replace it by one value, and an upstream that reads
            // `,5` or `5,` as a number of its own would frame the body differently.
            guard count > 0, count <= 19 else { contentLengthInvalid = true; return }
            var value: UInt64 = 0
            for k in 0..<count {
                guard HTTPBytes.isDigit(v[k]) else { contentLengthInvalid = true; return }
                value = value * 10 + UInt64(v[k] - 0x30)
            }
            if let l = contentLength, l != value { contentLengthsDiffer = true }
            contentLength = value
        case .transferEncoding:
            // Codings, each non-empty: an empty element or value (`chunked,`) is refused, since the
            // field is forwarded as it came and an upstream may not read it as chunked.
            guard !HTTPBytes.hasEmptyListElement(v, count) else { throw .malformed("invalid Transfer-Encoding") }
            hasTransferEncoding = true
            var it = HTTPBytes.ListIterator(v, count)
            while let (s, c) = it.next() {
                let isChunked = c == 7 && HTTPBytes.equalsLowercased(s, 7, HTTPBytes.chunked)
                // Across fields too (`chunked` then `gzip, chunked`).
                if isChunked && sawChunked { throw .malformed("chunked applied twice") }
                sawChunked = sawChunked || isChunked
                // Only the last coding decides; a coding after chunked makes the body unframed.
                chunked = isChunked
            }
        case .connection:
            var it = HTTPBytes.ListIterator(v, count)
            while let (s, c) = it.next() {
                if c == 5 && HTTPBytes.equalsLowercased(s, 5, HTTPBytes.close) {
                    connectionClose = true
                } else if c == 10 && HTTPBytes.equalsLowercased(s, 10, HTTPBytes.keepAlive) {
                    connectionKeepAlive = true
                } else if c == 7 && HTTPBytes.equalsLowercased(s, 7, HTTPBytes.upgrade) {
                    connectionUpgrade = true
                } else if c > 0 {
                    connectionNamesOthers = true
                }
            }
        case .upgrade:
            hasUpgrade = true
        default:
            break
        }
    }

    /// Marks the fields that `Connection` names (beyond close/keep-alive/upgrade) as hop-by-hop;
    /// never Content-Length or Transfer-Encoding: the body is forwarded as framed by them, so dropping
    /// them would let the next hop frame it differently (`Connection: content-length` smuggling).
    fileprivate func markConnectionNamed(_ p: UnsafePointer<UInt8>) {
        for ci in fields.indices where fields[ci].kind == .connection {
            let c = fields[ci]
            var it = HTTPBytes.ListIterator(p + Int(c.valueStart), Int(c.valueLength))
            while let (s, count) = it.next() {
                for fi in fields.indices where Int(fields[fi].nameLength) == count
                    && fields[fi].kind != .contentLength && fields[fi].kind != .transferEncoding
                    && HTTPBytes.equalsLowercased(p + Int(fields[fi].nameStart), s, count) {
                    fields[fi].namedByConnection = true
                }
            }
        }
    }
}

/// Finds where a head ends in bytes that arrive piecemeal, rejecting bare LF line ends early.
struct HeadScanner {
    /// Offset (from the buffer's reader index) scanned so far.
    private var scanned = 0
    /// Start of the line being scanned.
    private var lineStart = 0

    enum Result: Equatable {
        /// The head is the first `length` bytes.
        case complete(length: Int)
        case incomplete
        case bareLineFeed
    }

    mutating func reset() {
        scanned = 0
        lineStart = 0
    }

    /// Scans `buffer`'s readable bytes (the same bytes as before, maybe with more appended).
    mutating func scan(_ buffer: ByteBuffer) -> Result {
        buffer.withUnsafeReadableBytes { raw in
            guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return .incomplete }
            let n = raw.count
            while scanned < n {
                guard let hit = memchr(base + scanned, Int32(HTTPBytes.lf), n - scanned) else {
                    scanned = n
                    return .incomplete
                }
                let i = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
                guard i > 0, base[i - 1] == HTTPBytes.cr else { return .bareLineFeed }
                scanned = i + 1
                if i - 1 == lineStart { return .complete(length: i + 1) }
                lineStart = i + 1
            }
            return .incomplete
        }
    }
}

/// Byte classes and constants of HTTP/1.
enum HTTPBytes {
    static let cr: UInt8 = 0x0D
    static let lf: UInt8 = 0x0A
    static let chunked = Array("chunked".utf8)
    static let close = Array("close".utf8)
    static let keepAlive = Array("keep-alive".utf8)
    static let upgrade = Array("upgrade".utf8)

    /// tchar (RFC 9110 §5.6.2): DIGIT, ALPHA and ``!#$%&'*+-.^_`|~``, as a 128-bit set in two
    /// literal words (a table in a global would cost a lazy-initialisation check per byte).
    @inline(__always) static func isToken(_ c: UInt8) -> Bool {
        guard c < 128 else { return false }
        let word: UInt64 = c < 64 ? 0x03FF_6CFA_0000_0000 : 0x57FF_FFFF_C7FF_FFFE
        return (word >> UInt64(c & 63)) & 1 == 1
    }
    /// Some byte of the eight in `w` is below 0x20 or is 0x7F (exact for "some", SWAR: a byte
    /// below n has its high bit set in `(w - n·0x01…) & ~w`, for n ≤ 0x80; 0x7F is a zero of `w ^ 0x7F…`).
    @inline(__always) static func hasControlOrDEL(_ w: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        let below20 = (w &- ones &* 0x20) & ~w & highs
        let x = w ^ (ones &* 0x7F)
        let del = (x &- ones) & ~x & highs
        return (below20 | del) != 0
    }

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    @inline(__always) static func lower(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5A ? c | 0x20 : c }

    /// `count` bytes at `a` equal `lowercase` (ASCII lowercase) ignoring case.
    static func equalsLowercased(_ a: UnsafePointer<UInt8>, _ count: Int, _ lowercase: [UInt8]) -> Bool {
        guard lowercase.count == count else { return false }
        return lowercase.withUnsafeBufferPointer { b in
            for k in 0..<count where lower(a[k]) != b[k] { return false }
            return true
        }
    }

    /// `count` bytes at `a` and at `b` are equal ignoring ASCII case.
    static func equalsLowercased(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        for k in 0..<count where lower(a[k]) != lower(b[k]) { return false }
        return true
    }

    /// A comma-separated list value has an empty element (or is empty), ignoring spaces and tabs.
    static func hasEmptyListElement(_ v: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var empty = true
        for k in 0..<count {
            switch v[k] {
            case 0x2C:
                if empty { return true }
                empty = true
            case 0x20, 0x09: break
            default: empty = false
            }
        }
        return empty
    }

    /// The elements of a comma-separated list value, each trimmed of spaces and tabs (empty ones skipped).
    struct ListIterator {
        private let base: UnsafePointer<UInt8>
        private let count: Int
        private var i = 0

        init(_ base: UnsafePointer<UInt8>, _ count: Int) {
            self.base = base
            self.count = count
        }

        mutating func next() -> (UnsafePointer<UInt8>, Int)? {
            while i < count {
                while i < count, base[i] == 0x20 || base[i] == 0x09 || base[i] == 0x2C { i += 1 }
                guard i < count else { return nil }
                let s = i
                while i < count, base[i] != 0x2C { i += 1 }
                var e = i
                while e > s, base[e - 1] == 0x20 || base[e - 1] == 0x09 { e -= 1 }
                if e > s { return (base + s, e - s) }
            }
            return nil
        }
    }
}

extension UInt8 {
    fileprivate static let space: UInt8 = 0x20
    fileprivate static let tab: UInt8 = 0x09
    fileprivate static let cr: UInt8 = 0x0D
    fileprivate static let lf: UInt8 = 0x0A
    fileprivate static let colon: UInt8 = 0x3A
}
