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
        let bound = upstreamRequestBound(head, uri: uri, hostHeader: hostHeader, clientIP: clientIP,
                                         strippedPrefix: strippedPrefix)
        head.bytes.withUnsafeReadableBytes { raw in
            let p = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            HeadWriter.write(into: &out, reserving: bound) { w in
                w.append(string: head.method)
                w.append(byte: 0x20)
                w.append(string: uri)
                w.append(" HTTP/1.1\r\nhost: ")
                w.append(string: hostHeader)
                w.append("\r\n")
                for f in head.fields {
                    switch f.kind {
                    case .host, .underscoreAlias: continue
                    case .upgrade where isUpgrade: break
                    default:
                        if f.kind.isForwarding || f.kind.isHopByHop || f.namedByConnection { continue }
                    }
                    // The field as it came, `name: value`, in one copy.
                    w.append(p + Int(f.nameStart), f.lineRange.count)
                    w.append("\r\n")
                }
                if let ip = clientIP {
                    w.append("x-forwarded-for: ")
                    w.append(string: ip)
                    w.append("\r\nx-real-ip: ")
                    w.append(string: ip)
                    w.append("\r\n")
                }
                if let h = head.host {
                    w.append("x-forwarded-host: ")
                    w.append(string: h)
                    w.append("\r\n")
                }
                w.append("x-forwarded-proto: http\r\n")
                if !strippedPrefix.isEmpty {
                    w.append("x-forwarded-prefix: ")
                    w.append(string: strippedPrefix)
                    w.append("\r\n")
                }
                if isUpgrade { w.append("connection: upgrade\r\n") }
                w.append("\r\n")
            }
        }
    }

    /// At most how many bytes `writeUpstreamRequest` writes (a buffer of this capacity never grows):
    /// the kept fields are lines of the head, the rest is bounded by what is added.
    static func upstreamRequestBound(_ head: HTTPHead, uri: String, hostHeader: String, clientIP: String?,
                                     strippedPrefix: String) -> Int {
        head.bytes.readableBytes + head.method.utf8.count + uri.utf8.count + hostHeader.utf8.count
            + 2 * (clientIP?.utf8.count ?? 0) + (head.host?.utf8.count ?? 0) + strippedPrefix.utf8.count + 160
    }

    /// At most how many bytes `writeClientResponse` writes: status line and kept fields are parts
    /// of the head, the rest is bounded by the additions.
    static func clientResponseBound(_ head: HTTPHead, additions a: ResponseAdditions) -> Int {
        head.bytes.readableBytes + a.bound + 32
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

        /// At most how many bytes `writeAdditions` writes.
        var bound: Int {
            var n = 200  // the fixed texts (cold start, chunked, connection) and a Double's digits
            for h in replacing { n += h.name.utf8.count + h.value.utf8.count + 4 }
            if let l = location { n += l.utf8.count + 12 }
            return n
        }
    }

    /// The response as the client sees it: the upstream's status line in the client's version, its
    /// fields without hop-by-hop ones (and those `Connection` names), then openrun's additions.
    static func writeClientResponse(_ head: HTTPHead, clientMinorVersion: Int, keepUpgrade: Bool,
                                    additions a: ResponseAdditions, into out: inout ByteBuffer) {
        let replacing = a.replacing.isEmpty ? [] : a.replacing.map { Array($0.name.lowercased().utf8) }
        let bound = clientResponseBound(head, additions: a)
        head.bytes.withUnsafeReadableBytes { raw in
            let p = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            HeadWriter.write(into: &out, reserving: bound) { w in
                w.append(clientMinorVersion == 0 ? "HTTP/1.0 " : "HTTP/1.1 ")
                // Status code and reason, as the upstream sent them.
                w.append(byte: UInt8(0x30 + head.status / 100))
                w.append(byte: UInt8(0x30 + head.status / 10 % 10))
                w.append(byte: UInt8(0x30 + head.status % 10))
                w.append(byte: 0x20)
                w.append(p + head.reasonRange.lowerBound, head.reasonRange.count)
                w.append("\r\n")
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
                    w.append(p + Int(f.nameStart), f.lineRange.count)
                    w.append("\r\n")
                }
                writeAdditions(a, into: &w)
                w.append("\r\n")
            }
        }
    }

    /// A response made by openrun itself.
    static func writeLocalResponse(status: HTTPResponseStatus, clientMinorVersion: Int, contentType: String,
                                   contentLength: Int, extraHeaders: [(String, String)], additions: ResponseAdditions,
                                   into out: inout ByteBuffer) {
        let reason = status.reasonPhrase
        var bound = reason.utf8.count + contentType.utf8.count + additions.bound + 96
        for (n, v) in extraHeaders { bound += n.utf8.count + v.utf8.count + 4 }
        HeadWriter.write(into: &out, reserving: bound) { w in
            w.append(clientMinorVersion == 0 ? "HTTP/1.0 " : "HTTP/1.1 ")
            w.append(decimal: Int(status.code))
            w.append(byte: 0x20)
            w.append(string: reason)
            w.append("\r\ncontent-type: ")
            w.append(string: contentType)
            w.append("\r\ncontent-length: ")
            w.append(decimal: contentLength)
            w.append("\r\n")
            for (n, v) in extraHeaders { writeField(n, v, into: &w) }
            writeAdditions(additions, into: &w)
            w.append("\r\n")
        }
    }

    private static func writeAdditions(_ a: ResponseAdditions, into w: inout HeadWriter) {
        for h in a.replacing { writeField(h.name, h.value, into: &w) }
        if let l = a.location { writeField("location", l, into: &w) }
        if let ms = a.coldStartMilliseconds {
            w.append("x-openrun-cold-start: true\r\nserver-timing: openrun-start;dur=")
            w.append(string: "\(ms)")
            w.append(";desc=\"cold start\"\r\n")
        }
        if a.chunked { w.append("transfer-encoding: chunked\r\n") }
        switch a.connection {
        case .none: break
        case .close: w.append("connection: close\r\n")
        case .keepAlive: w.append("connection: keep-alive\r\n")
        case .upgrade: w.append("connection: upgrade\r\n")
        }
    }

    /// `name: value` with CR, LF and NUL (never valid in a field) replaced by spaces.
    private static func writeField(_ name: String, _ value: String, into w: inout HeadWriter) {
        w.append(string: name)
        w.append(": ")
        w.appendFieldValue(value)
        w.append("\r\n")
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
