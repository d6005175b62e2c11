import NIOCore
import NIOHTTP1

/// The header rules of the proxy: heads are written byte by byte from the parsed head, copying the
/// fields that pass as they came.
enum HeaderRewriting {
    /// Ambiguous framing and a body that cannot be delimited: the request is refused (400).
    static func framingProblem(ofRequest head: HTTPHead) -> String? {
        if head.contentLength != nil && head.hasTransferEncoding { return "Content-Length together with Transfer-Encoding" }
        if head.contentLengthsDiffer { return "differing Content-Length values" }
        if head.contentLengthInvalid { return "invalid Content-Length" }
        if head.hasTransferEncoding && !head.chunked { return "Transfer-Encoding without chunked last" }
        if head.hasTransferEncoding && head.isHTTP10 { return "Transfer-Encoding in an HTTP/1.0 request" }
        return nil
    }

    /// RFC 9112 §3.2: an HTTP/1.1 request has exactly one Host field (an HTTP/1.0 one at most one);
    /// otherwise 400. (`requireHost: false` only for the differential test's corpus, which omits Host.)
    static func hostProblem(ofRequest head: HTTPHead, requireHost: Bool = true) -> String? {
        if head.hostCount > 1 { return "more than one Host field" }
        if requireHost && head.hostCount == 0 && !head.isHTTP10 { return "an HTTP/1.1 request without Host" }
        return nil
    }

    /// How a request's body is delimited (after `framingProblem` passed).
    static func requestFraming(_ head: HTTPHead) -> BodyFramer {
        if head.chunked { return .chunked(ChunkedScanner()) }
        if let n = head.contentLength, n > 0 { return .length(n) }
        return .none
    }

    /// How a response's body is delimited (RFC 9112 §6.3), or why it cannot be forwarded.
    static func responseFraming(_ head: HTTPHead, requestMethod: String) throws(HTTPHeadError) -> BodyFramer {
        if requestMethod == "HEAD" || head.status < 200 || head.status == 204 || head.status == 304 { return .none }
        if head.hasTransferEncoding { return head.chunked ? .chunked(ChunkedScanner()) : .untilClose }
        if head.contentLengthsDiffer || head.contentLengthInvalid { throw .malformed("invalid Content-Length") }
        if let n = head.contentLength { return n == 0 ? .none : .length(n) }
        return .untilClose
    }

    /// The request as the upstream sees it: the start line with `uri`, `Host`, the client's fields
    /// without hop-by-hop ones (and those `Connection` names) and without client-sent forwarding
    /// headers, then openrun's forwarding headers.
    static func writeUpstreamRequest(_ head: HTTPHead, uri: String, hostHeader: String, clientIP: String?,
                                     strippedPrefix: String, isUpgrade: Bool, into out: inout ByteBuffer) {
        out.writeString(head.method)
        out.writeStaticString(" ")
        out.writeString(uri)
        out.writeStaticString(" HTTP/1.1\r\nhost: ")
        out.writeString(hostHeader)
        out.writeStaticString("\r\n")
        let base = head.bytes.readerIndex
        for f in head.fields {
            switch f.kind {
            case .host, .underscoreAlias: continue
            case .upgrade where isUpgrade: break
            default:
                if f.kind.isForwarding || f.kind.isHopByHop || f.namedByConnection { continue }
            }
            copyField(f, of: head, base: base, into: &out)
        }
        if let ip = clientIP {
            out.writeStaticString("x-forwarded-for: ")
            out.writeString(ip)
            out.writeStaticString("\r\nx-real-ip: ")
            out.writeString(ip)
            out.writeStaticString("\r\n")
        }
        if let h = head.host {
            out.writeStaticString("x-forwarded-host: ")
            out.writeString(h)
            out.writeStaticString("\r\n")
        }
        out.writeStaticString("x-forwarded-proto: http\r\n")
        if !strippedPrefix.isEmpty {
            out.writeStaticString("x-forwarded-prefix: ")
            out.writeString(strippedPrefix)
            out.writeStaticString("\r\n")
        }
        if isUpgrade { out.writeStaticString("connection: upgrade\r\n") }
        out.writeStaticString("\r\n")
    }

    /// What the client's response head adds or changes.
    struct ResponseAdditions {
        /// `response_headers` of the route: replace fields of the same name.
        var replacing: [(name: String, value: String)] = []
        /// A rewritten Location (replaces the upstream's).
        var location: String?
        /// Cold-start headers.
        var coldStartMilliseconds: Double?
        /// The body is re-framed as chunked (a close-delimited upstream body to an HTTP/1.1 client).
        var chunked = false
        /// Drop the upstream's Transfer-Encoding (chunk data only, to an HTTP/1.0 client).
        var dropTransferEncoding = false
        var connection: ConnectionHeader = .none

        enum ConnectionHeader { case none, close, keepAlive, upgrade }
    }

    /// The response as the client sees it: the upstream's status line in the client's version, its
    /// fields without hop-by-hop ones (and those `Connection` names), then openrun's additions.
    static func writeClientResponse(_ head: HTTPHead, clientMinorVersion: Int, keepUpgrade: Bool,
                                    additions a: ResponseAdditions, into out: inout ByteBuffer) {
        out.writeStaticString(clientMinorVersion == 0 ? "HTTP/1.0 " : "HTTP/1.1 ")
        let base = head.bytes.readerIndex
        // Status code and reason, as the upstream sent them.
        out.writeInteger(UInt8(0x30 + head.status / 100))
        out.writeInteger(UInt8(0x30 + head.status / 10 % 10))
        out.writeInteger(UInt8(0x30 + head.status % 10))
        out.writeStaticString(" ")
        if !head.reasonRange.isEmpty, var reason = head.bytes.getSlice(at: base + head.reasonRange.lowerBound,
                                                                       length: head.reasonRange.count) {
            out.writeBuffer(&reason)
        }
        out.writeStaticString("\r\n")
        let replacing = a.replacing.map { Array($0.name.lowercased().utf8) }
        head.bytes.withUnsafeReadableBytes { raw in
            let p = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            for f in head.fields {
                switch f.kind {
                case .upgrade where keepUpgrade: break
                case .location where a.location != nil: continue
                // Re-chunked (`chunked` is added after them), other codings stay: `gzip` + `chunked`.
                case .transferEncoding where a.dropTransferEncoding: continue
                // Transfer-Encoding overrides Content-Length, which an intermediary must remove (RFC 9112 §6.3).
                case .contentLength where head.hasTransferEncoding: continue
                default:
                    if f.kind.isHopByHop || f.namedByConnection { continue }
                }
                if !replacing.isEmpty && replacing.contains(where: {
                    HTTPBytes.equalsLowercased(p + Int(f.nameStart), Int(f.nameLength), $0)
                }) { continue }
                // The field as it came, `name: value`, in one copy.
                out.writeBytes(UnsafeRawBufferPointer(start: p + Int(f.nameStart), count: f.lineRange.count))
                out.writeStaticString("\r\n")
            }
        }
        writeAdditions(a, into: &out)
        out.writeStaticString("\r\n")
    }

    /// A response made by openrun itself.
    static func writeLocalResponse(status: HTTPResponseStatus, clientMinorVersion: Int, contentType: String,
                                   contentLength: Int, extraHeaders: [(String, String)], additions: ResponseAdditions,
                                   into out: inout ByteBuffer) {
        out.writeStaticString(clientMinorVersion == 0 ? "HTTP/1.0 " : "HTTP/1.1 ")
        out.writeString(String(status.code))
        out.writeStaticString(" ")
        out.writeString(status.reasonPhrase)
        out.writeStaticString("\r\ncontent-type: ")
        out.writeString(contentType)
        out.writeStaticString("\r\ncontent-length: ")
        out.writeString(String(contentLength))
        out.writeStaticString("\r\n")
        for (n, v) in extraHeaders { writeField(n, v, into: &out) }
        writeAdditions(additions, into: &out)
        out.writeStaticString("\r\n")
    }

    private static func writeAdditions(_ a: ResponseAdditions, into out: inout ByteBuffer) {
        for h in a.replacing { writeField(h.name, h.value, into: &out) }
        if let l = a.location { writeField("location", l, into: &out) }
        if let ms = a.coldStartMilliseconds {
            out.writeStaticString("x-openrun-cold-start: true\r\nserver-timing: openrun-start;dur=")
            out.writeString("\(ms)")
            out.writeStaticString(";desc=\"cold start\"\r\n")
        }
        if a.chunked { out.writeStaticString("transfer-encoding: chunked\r\n") }
        switch a.connection {
        case .none: break
        case .close: out.writeStaticString("connection: close\r\n")
        case .keepAlive: out.writeStaticString("connection: keep-alive\r\n")
        case .upgrade: out.writeStaticString("connection: upgrade\r\n")
        }
    }

    /// `name: value` with CR, LF and NUL (never valid in a field) replaced by spaces.
    private static func writeField(_ name: String, _ value: String, into out: inout ByteBuffer) {
        out.writeString(name)
        out.writeStaticString(": ")
        if value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) {
            out.writeBytes(value.utf8.map { $0 == 0x0D || $0 == 0x0A || $0 == 0 ? 0x20 : $0 })
        } else {
            out.writeString(value)
        }
        out.writeStaticString("\r\n")
    }

    private static func copyField(_ f: HeaderField, of head: HTTPHead, base: Int, into out: inout ByteBuffer) {
        let range = f.lineRange
        if var line = head.bytes.getSlice(at: base + range.lowerBound, length: range.count) {
            out.writeBuffer(&line)
        }
        out.writeStaticString("\r\n")
    }

    /// An absolute Location naming the upstream (or any loopback host) becomes the public URL with
    /// the stripped prefix restored; anything else is left alone.
    static func rewriteLocation(_ location: String, upstreamAuthority: String, publicAuthority: String,
                                strippedPrefix: String) -> String? {
        let lower = location.lowercased()
        let schemeEnd: String.Index
        if lower.hasPrefix("http://") {
            schemeEnd = location.index(location.startIndex, offsetBy: 7)
        } else if lower.hasPrefix("https://") {
            schemeEnd = location.index(location.startIndex, offsetBy: 8)
        } else {
            return nil
        }
        let rest = location[schemeEnd...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if authority.lowercased() == publicAuthority.lowercased() { return nil }
        let host = RouteTable.hostWithoutPort(String(authority))
        let loopback = ["127.0.0.1", "localhost", "0.0.0.0", "[::1]", "[::]"]
        guard authority.lowercased() == upstreamAuthority.lowercased() || loopback.contains(host) else { return nil }
        var path = String(rest.dropFirst(authority.count))
        if !path.hasPrefix("/") { path = "/" + path }
        return "http://" + publicAuthority + strippedPrefix + path
    }
}
