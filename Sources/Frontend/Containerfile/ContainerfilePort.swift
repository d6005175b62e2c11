import IR

/// One EXPOSE item after expansion: `80`, `80/tcp`, `8000-8010/udp`.
public struct ContainerfilePort: Hashable, Codable, Sendable {
    /// The item as expanded.
    public var raw: String
    /// The (first) port, nil when the item does not parse.
    public var port: Int?
    /// The last port of a range (`8000-8010`), nil for a single port.
    public var endPort: Int?
    /// `tcp` (the default), `udp` or `sctp` as written (lower-cased).
    public var proto: String
    public var location: SourceLocation

    public init(raw: String, port: Int?, endPort: Int?, proto: String, location: SourceLocation) {
        self.raw = raw
        self.port = port
        self.endPort = endPort
        self.proto = proto
        self.location = location
    }

    enum CodingKeys: String, CodingKey { case raw, port, endPort, proto = "protocol", location }

    /// True when the item is a plain `digits` or `digits/tcp` port, the form
    /// OpenRun takes as the app's port.
    public var isPlainTCP: Bool { port != nil && endPort == nil && proto == "tcp" && !raw.contains("-") }
}
