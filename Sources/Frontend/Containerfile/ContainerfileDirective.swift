import IR

/// A parser directive (`# syntax=...`, `# escape=...`, `# check=...`).
public struct ContainerfileDirective: Hashable, Codable, Sendable {
    /// Lower-cased name.
    public var name: String
    public var value: String
    public var location: SourceLocation

    public init(name: String, value: String, location: SourceLocation) {
        self.name = name
        self.value = value
        self.location = location
    }
}
