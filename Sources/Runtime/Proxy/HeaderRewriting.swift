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
    /// One pass over the headers, no allocation in the common case.
    static func check(_ head: HTTPRequestHead, maxCount: Int, maxBytes: Int) -> Rejection? {
        if head.headers.count > maxCount { return .headersTooLarge }
        var bytes = 0
        var length: Substring?
        var lengthsDiffer = false
        var hasTransferEncoding = false
        for (n, v) in head.headers {
            bytes += n.utf8.count + v.utf8.count + 4
            if n.utf8.count == 14 && n.lowercased() == "content-length" {
                for part in v.split(separator: ",") {
                    let t = part.trimmingCharacters(in: .whitespaces)[...]
                    if let l = length, l != t { lengthsDiffer = true }
                    length = t
                }
            } else if n.utf8.count == 17 && n.lowercased() == "transfer-encoding" {
                hasTransferEncoding = true
            }
        }
        if bytes > maxBytes { return .headersTooLarge }
        if length != nil && hasTransferEncoding {
            return .ambiguousFraming("Content-Length together with Transfer-Encoding")
        }
        if lengthsDiffer { return .ambiguousFraming("differing Content-Length values") }
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

    /// The request as the upstream sees it: one pass over the client's headers, dropping hop-by-hop
    /// ones (and those `Connection` names) and client-sent forwarding headers, then openrun's own.
    static func upstreamRequest(_ head: HTTPRequestHead, uri: String, clientIP: String?, strippedPrefix: String,
                                hostHeader: String, isUpgrade: Bool) -> HTTPRequestHead {
        var named: [String] = []
        var clientHost: String?
        for (n, v) in head.headers {
            let lower = n.lowercased()
            if lower == "connection" {
                for token in v.split(separator: ",") {
                    named.append(token.trimmingCharacters(in: .whitespaces).lowercased())
                }
            } else if lower == "host" && clientHost == nil {
                clientHost = v
            }
        }
        var headers = HTTPHeaders()
        headers.reserveCapacity(head.headers.count + 6)
        headers.add(name: "host", value: hostHeader)
        for (n, v) in head.headers {
            let lower = n.lowercased()
            if lower == "host" || forwarding.contains(lower) { continue }
            if hopByHop.contains(lower) && !(isUpgrade && lower == "upgrade") { continue }
            if !named.isEmpty && named.contains(lower) && !(isUpgrade && lower == "upgrade") { continue }
            headers.add(name: n, value: v)
        }
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

    /// The response as the client sees it: hop-by-hop headers (and those `Connection` names) and
    /// Transfer-Encoding dropped (the encoder frames the body again).
    static func clientResponseHeaders(_ upstream: HTTPHeaders) -> HTTPHeaders {
        var named: [String] = []
        var any = false
        for (n, v) in upstream {
            let lower = n.lowercased()
            if lower == "connection" {
                for token in v.split(separator: ",") {
                    named.append(token.trimmingCharacters(in: .whitespaces).lowercased())
                }
            }
            if lower == "transfer-encoding" || hopByHop.contains(lower) { any = true }
        }
        guard any || !named.isEmpty else { return upstream }
        var headers = HTTPHeaders()
        headers.reserveCapacity(upstream.count)
        for (n, v) in upstream {
            let lower = n.lowercased()
            if lower == "transfer-encoding" || hopByHop.contains(lower) || named.contains(lower) { continue }
            headers.add(name: n, value: v)
        }
        return headers
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
