/// One route: a path under the app that is proxied somewhere.
public struct RouteIR: Codable, Hashable, Sendable {
    /// Where requests go.
    public enum Upstream: Hashable, Sendable {
        /// The app's own container (`container.URL`).
        case container
        /// An external URL (proxy spec).
        case url(String)
    }

    /// Path under the app, e.g. `/`.
    public var path: String
    public var upstream: Upstream
    /// Remove the app path before forwarding (`strip_app`, default true).
    public var stripApp: Bool
    /// A further prefix removed after the app path (`strip_path`).
    public var stripPath: String
    /// Forward the client's Host header instead of the upstream's.
    public var preserveHost: Bool
    /// Headers added to responses, sorted by name.
    public var responseHeaders: [Header]
    public var location: SourceLocation?

    public init(path: String, upstream: Upstream, stripApp: Bool = true, stripPath: String = "", preserveHost: Bool = false,
                responseHeaders: [Header] = [], location: SourceLocation? = nil) {
        self.path = path
        self.upstream = upstream
        self.stripApp = stripApp
        self.stripPath = stripPath
        self.preserveHost = preserveHost
        self.responseHeaders = responseHeaders
        self.location = location
    }

    /// An HTTP header name and value.
    public struct Header: Codable, Hashable, Sendable {
        public var name: String
        public var value: String
        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }
}

extension RouteIR.Upstream: Codable {
    private enum CodingKeys: String, CodingKey { case kind, url }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .kind) {
        case "container": self = .container
        case "url": self = .url(try c.decode(String.self, forKey: .url))
        case let k: throw DecodingError.dataCorruptedError(forKey: .kind, in: c, debugDescription: "unknown upstream kind \(k)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .container:
            try c.encode("container", forKey: .kind)
        case .url(let u):
            try c.encode("url", forKey: .kind)
            try c.encode(u, forKey: .url)
        }
    }
}
