/// `ace.permission(plugin, method, arguments, type, secrets)`.
public struct PermissionIR: Codable, Hashable, Sendable {
    public var plugin: String
    public var method: String
    public var arguments: [IRValue]
    public var type: String?
    /// Allowed secret patterns, as OpenRun writes them (`[["regex:.*"]]`).
    public var secrets: [[String]]
    public var location: SourceLocation?

    public init(plugin: String, method: String, arguments: [IRValue] = [], type: String? = nil,
                secrets: [[String]] = [], location: SourceLocation? = nil) {
        self.plugin = plugin
        self.method = method
        self.arguments = arguments
        self.type = type
        self.secrets = secrets
        self.location = location
    }
}
