/// An `ace.*` call openrun records but does not act on (html, api, action, style, library, ...).
public struct RecordedCall: Codable, Hashable, Sendable {
    /// e.g. `ace.html`.
    public var function: String
    /// Positional arguments, then keyword arguments as a dict under `kwargs`.
    public var arguments: [IRValue]
    public var keywordArguments: [IRValue.Entry]
    public var location: SourceLocation?

    public init(function: String, arguments: [IRValue], keywordArguments: [IRValue.Entry], location: SourceLocation?) {
        self.function = function
        self.arguments = arguments
        self.keywordArguments = keywordArguments
        self.location = location
    }
}
