#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
/// One routed path prefix: which app or URL serves it and how requests are rewritten.
package struct ProxyRoute: Sendable {
    /// Where requests go.
    package enum Target: Sendable {
        /// The app's container, started lazily.
        case app(AppLifecycle)
        /// A fixed HTTP upstream (proxy spec): no lifecycle.
        case url(UpstreamURL)
    }

    /// Name for logs and metrics.
    package var appName: String
    /// Host to match (lowercase, no port); nil matches any host.
    package var host: String?
    /// The app's path, `""` for `/`, else `/x` without a trailing slash.
    package var appPath: String
    /// The route's path under the app, `/` for the whole app.
    package var routePath: String
    package var target: Target
    /// Remove the app path before forwarding.
    package var stripApp: Bool
    /// A further prefix removed after the app path.
    package var stripPath: String
    /// Forward the client's Host instead of the upstream's.
    package var preserveHost: Bool
    /// Set on every response.
    package var responseHeaders: [(name: String, value: String)]
    /// `GET /app` answers a redirect to `/app/`.
    package var redirectBarePath: Bool

    package init(appName: String, host: String? = nil, appPath: String, routePath: String = "/", target: Target,
                 stripApp: Bool = true, stripPath: String = "", preserveHost: Bool = false,
                 responseHeaders: [(name: String, value: String)] = [], redirectBarePath: Bool = false) {
        self.appName = appName
        self.host = host?.lowercased()
        self.appPath = Self.normalize(appPath)
        self.routePath = routePath.isEmpty ? "/" : routePath
        self.target = target
        self.stripApp = stripApp
        self.stripPath = stripPath == "/" ? "" : Self.normalize(stripPath)
        self.preserveHost = preserveHost
        self.responseHeaders = responseHeaders
        self.redirectBarePath = redirectBarePath
    }

    /// `/x/` → `/x`, `/` → ``.
    static func normalize(_ path: String) -> String {
        var p = path
        while p.hasSuffix("/") { p.removeLast() }
        if !p.isEmpty && !p.hasPrefix("/") { p = "/" + p }
        return p
    }

    /// The full public prefix this route answers for, without a trailing slash (`""` for `/`).
    package var matchPrefix: String { appPath + Self.normalize(routePath) }

    /// What the forwarded path loses: the app path (when stripped) and `strip_path`.
    /// Returns the upstream path (always starting with `/`) and the stripped prefix.
    /// (Compared as bytes: it runs per request, and the path is returned as it is when nothing is stripped.)
    package func upstreamPath(for path: String) -> (path: String, strippedPrefix: String) {
        var skip = 0
        let app = stripApp && !appPath.isEmpty && Self.hasPathPrefix(path, from: 0, appPath)
        if app { skip = appPath.utf8.count }
        let strip = !stripPath.isEmpty && Self.hasPathPrefix(path, from: skip, stripPath)
        if strip { skip += stripPath.utf8.count }
        let stripped = app && strip ? appPath + stripPath : app ? appPath : strip ? stripPath : ""
        let rest = skip == 0 ? path : String(decoding: path.utf8.dropFirst(skip), as: UTF8.self)
        if rest.isEmpty || rest.utf8.first == UInt8(ascii: "?") { return ("/" + rest, stripped) }
        return (rest, stripped)
    }

    /// `hasPathPrefix` on the bytes of two strings.
    static func hasPathPrefix(_ path: String, from start: Int, _ prefix: String) -> Bool {
        var path = path, prefix = prefix
        return path.withUTF8 { p in prefix.withUTF8 { hasPathPrefix(p, from: start, $0) } }
    }

    /// `prefix` matches `path` from byte `start` at a segment boundary (`/a` matches `/a`, `/a/b`,
    /// `/a?x`, not `/ab`).
    static func hasPathPrefix(_ path: UnsafeBufferPointer<UInt8>, from start: Int,
                              _ prefix: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = prefix.count
        guard path.count - start >= n else { return false }
        guard n == 0 || memcmp(path.baseAddress! + start, prefix.baseAddress!, n) == 0 else { return false }
        let end = start + n
        return path.count == end || path[end] == UInt8(ascii: "/") || path[end] == UInt8(ascii: "?")
    }
}

/// An upstream given as a URL: `http://host[:port][/base]` or `https://host[:port][/base]`.
package struct UpstreamURL: Sendable, Hashable {
    /// Prefixed to the forwarded path, without a trailing slash.
    package var basePath: String
    /// Where connections go (host, port, TLS for an https URL).
    package var endpoint: Endpoint

    /// Parses an http or https URL; nil for anything else (a query or fragment included), and for
    /// https without a TLS context.
    /// - Parameter tls: the client context for https URLs (verifying, one per configuration).
    package init?(_ text: String, tls: UpstreamTLSContext? = nil) {
        let lower = text.lowercased()
        let secure: Bool
        if lower.hasPrefix("http://") {
            secure = false
        } else if lower.hasPrefix("https://") {
            secure = true
        } else {
            return nil
        }
        if secure && tls == nil { return nil }
        if text.contains("?") || text.contains("#") { return nil }
        let rest = text.dropFirst(secure ? "https://".count : "http://".count)
        let authority = rest.prefix { $0 != "/" }
        basePath = ProxyRoute.normalize(String(rest.dropFirst(authority.count)))
        let host: String, port: Int
        if let colon = authority.lastIndex(of: ":"), !authority.hasSuffix("]") {
            guard let p = Int(authority[authority.index(after: colon)...]), (1...65535).contains(p) else { return nil }
            host = String(authority[..<colon])
            port = p
        } else {
            host = String(authority)
            port = secure ? 443 : 80
        }
        if host.isEmpty || host.contains("@") { return nil }
        // Connect to an IPv6 literal without its brackets (`Endpoint.authority` puts them back).
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        endpoint = Endpoint(host: bare, port: port, tls: secure ? tls.map { UpstreamTLS(context: $0, host: bare) } : nil)
    }
}

/// Routes by host, then longest path prefix.
package struct RouteTable: Sendable {
    /// A route with what matching it needs, computed once; handlers keep a reference to it.
    final class Entry: Sendable {
        let route: ProxyRoute
        /// `route.matchPrefix` as bytes.
        let prefix: [UInt8]
        let host: [UInt8]?

        init(_ route: ProxyRoute) {
            self.route = route
            self.prefix = Array(route.matchPrefix.utf8)
            self.host = route.host.map { Array($0.utf8) }
        }
    }

    package var routes: [ProxyRoute] { entries.map(\.route) }
    let entries: [Entry]
    private let anyHost: Bool

    package init(_ routes: [ProxyRoute]) {
        // Host-specific routes first, then longest prefix first: the first match wins.
        let sorted = routes.sorted { a, b in
            if (a.host != nil) != (b.host != nil) { return a.host != nil }
            return a.matchPrefix.count > b.matchPrefix.count
        }
        self.entries = sorted.map(Entry.init)
        self.anyHost = sorted.allSatisfy { $0.host == nil }
    }

    /// The route for a request, by its Host header (port ignored) and path.
    package func route(host: String?, path: String) -> ProxyRoute? { entry(host: host, path: path)?.route }

    /// The entry of the route for a request (bytes compared, no String work per route).
    func entry(host: String?, path: String) -> Entry? {
        let h = anyHost ? nil : host.map { Array(Self.hostWithoutPort($0).utf8) }
        var path = path
        return path.withUTF8 { p in
            for e in entries {
                if let rh = e.host, rh != h { continue }
                if e.prefix.isEmpty || e.prefix.withUnsafeBufferPointer({ ProxyRoute.hasPathPrefix(p, from: 0, $0) }) {
                    return e
                }
            }
            return nil
        }
    }

    static func hostWithoutPort(_ host: String) -> String {
        let lower = host.lowercased()
        if lower.hasPrefix("[") { return String(lower.prefix { $0 != "]" }) + "]" }
        if let colon = lower.firstIndex(of: ":") { return String(lower[..<colon]) }
        return lower
    }
}
