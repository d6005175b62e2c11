import NIOHTTP1

/// The header rules of the proxy, as pure functions over `HTTPHeaders`.
enum HeaderRewriting {
    /// Hop-by-hop headers (RFC 9110 §7.6.1) never forwarded as they are.
    static let hopByHop: [String] = ["connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade"]
    /// Client-sent forwarding headers: dropped, then set by openrun.
    static let forwarding: [String] = ["x-forwarded-for", "x-forwarded-host", "x-forwarded-proto", "x-forwarded-prefix",
                                       "x-real-ip", "forwarded"]

    /// Why a request head cannot be forwarded safely.
    enum Rejection: Equatable {
        case ambiguousFraming(String)
        case headersTooLarge
    }

    /// Ambiguous framing and header bounds (the decoder bounds them too; this is the proxy's own rule).
    static func check(_ head: HTTPRequestHead, maxCount: Int, maxBytes: Int) -> Rejection? {
        if head.headers.count > maxCount { return .headersTooLarge }
        var bytes = 0
        for (n, v) in head.headers { bytes += n.utf8.count + v.utf8.count + 4 }
        if bytes > maxBytes { return .headersTooLarge }
        let lengths = head.headers[canonicalForm: "content-length"]
        let te = head.headers[canonicalForm: "transfer-encoding"]
        if !lengths.isEmpty && !te.isEmpty {
            return .ambiguousFraming("Content-Length together with Transfer-Encoding")
        }
        if Set(lengths).count > 1 { return .ambiguousFraming("differing Content-Length values") }
        return nil
    }

    /// Removes the Connection header, every header it names, and the other hop-by-hop headers.
    static func removeHopByHop(_ headers: inout HTTPHeaders, keepUpgrade: Bool) {
        for token in headers[canonicalForm: "connection"] {
            let name = token.lowercased()
            if keepUpgrade && name == "upgrade" { continue }
            headers.remove(name: String(name))
        }
        for name in hopByHop where !(keepUpgrade && name == "upgrade") {
            headers.remove(name: name)
        }
    }

    /// The request as the upstream sees it.
    static func upstreamRequest(_ head: HTTPRequestHead, uri: String, clientIP: String?, strippedPrefix: String,
                                hostHeader: String, isUpgrade: Bool) -> HTTPRequestHead {
        var headers = head.headers
        let clientHost = headers.first(name: "host")
        removeHopByHop(&headers, keepUpgrade: isUpgrade)
        for name in forwarding { headers.remove(name: name) }
        headers.replaceOrAdd(name: "host", value: hostHeader)
        if let ip = clientIP {
            headers.add(name: "x-forwarded-for", value: ip)
            headers.add(name: "x-real-ip", value: ip)
        }
        if let h = clientHost { headers.add(name: "x-forwarded-host", value: h) }
        headers.add(name: "x-forwarded-proto", value: "http")
        if !strippedPrefix.isEmpty { headers.add(name: "x-forwarded-prefix", value: strippedPrefix) }
        if isUpgrade { headers.add(name: "connection", value: "upgrade") }
        return HTTPRequestHead(version: .http1_1, method: head.method, uri: uri, headers: headers)
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
