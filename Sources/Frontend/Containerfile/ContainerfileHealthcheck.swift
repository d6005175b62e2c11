import IR

/// HEALTHCHECK: `NONE`, or a test command with options (durations as written).
public struct ContainerfileHealthcheck: Hashable, Codable, Sendable {
    /// Docker's test array: `["NONE"]`, `["CMD", argv...]` or `["CMD-SHELL", line]`.
    public var test: [String]
    public var interval: String?
    public var timeout: String?
    public var startPeriod: String?
    public var startInterval: String?
    public var retries: Int?
    public var location: SourceLocation

    public init(test: [String], interval: String? = nil, timeout: String? = nil, startPeriod: String? = nil, startInterval: String? = nil, retries: Int? = nil, location: SourceLocation) {
        self.test = test
        self.interval = interval
        self.timeout = timeout
        self.startPeriod = startPeriod
        self.startInterval = startInterval
        self.retries = retries
        self.location = location
    }

    /// True for `HEALTHCHECK NONE`.
    public var isNone: Bool { test == ["NONE"] }
}
