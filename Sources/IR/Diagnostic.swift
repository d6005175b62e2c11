/// One problem (or remark) found while compiling an app.
///
/// Rendered as `path:line:col: error: message [id]`, followed by one line per
/// note. The `id` is stable (`params.missing-required`) so that tests, docs and
/// users can refer to a kind of diagnostic independently of its wording.
public struct Diagnostic: Hashable, Codable, Sendable, CustomStringConvertible {
    /// How bad it is. Errors stop a stage; warnings and notes never do.
    public enum Severity: String, Hashable, Codable, Sendable, Comparable {
        case note
        case warning
        case error

        private var rank: Int {
            switch self {
            case .note: 0
            case .warning: 1
            case .error: 2
            }
        }

        public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
    }

    /// An extra line of context attached to a diagnostic.
    public struct Note: Hashable, Codable, Sendable {
        public var message: String
        public var location: SourceLocation?

        public init(_ message: String, at location: SourceLocation? = nil) {
            self.message = message
            self.location = location
        }
    }

    public var severity: Severity
    /// Stable identifier, dotted: `<area>.<what>` (e.g. `starlark.undefined-name`).
    public var id: String
    public var message: String
    public var location: SourceLocation?
    public var notes: [Note]

    public init(
        _ severity: Severity,
        id: String,
        _ message: String,
        at location: SourceLocation? = nil,
        notes: [Note] = []
    ) {
        self.severity = severity
        self.id = id
        self.message = message
        self.location = location
        self.notes = notes
    }

    public static func error(_ id: String, _ message: String, at location: SourceLocation? = nil, notes: [Note] = []) -> Diagnostic {
        Diagnostic(.error, id: id, message, at: location, notes: notes)
    }

    public static func warning(_ id: String, _ message: String, at location: SourceLocation? = nil, notes: [Note] = []) -> Diagnostic {
        Diagnostic(.warning, id: id, message, at: location, notes: notes)
    }

    public static func note(_ id: String, _ message: String, at location: SourceLocation? = nil, notes: [Note] = []) -> Diagnostic {
        Diagnostic(.note, id: id, message, at: location, notes: notes)
    }

    /// The text form: `path:line:col: error: message [id]`, then each note on
    /// its own line (`path:line:col: note: message`, or indented when it has
    /// no location). A diagnostic without a location starts with `openrun:`.
    public var rendered: String {
        var out = "\(Self.prefix(location)): \(severity.rawValue): \(message) [\(id)]"
        for note in notes {
            if let loc = note.location {
                out += "\n\(loc): note: \(note.message)"
            } else {
                out += "\n    note: \(note.message)"
            }
        }
        return out
    }

    public var description: String { rendered }

    private static func prefix(_ location: SourceLocation?) -> String {
        guard let location else { return "openrun" }
        return location.description
    }
}

extension Diagnostic: Comparable {
    /// Orders by location (located ones first, then by file, line, column),
    /// then severity (errors first), id and message: a stable report order.
    public static func < (a: Diagnostic, b: Diagnostic) -> Bool {
        switch (a.location, b.location) {
        case let (l?, r?) where l != r: return l < r
        case (nil, _?): return false
        case (_?, nil): return true
        default: break
        }
        if a.severity != b.severity { return a.severity > b.severity }
        if a.id != b.id { return a.id < b.id }
        return a.message < b.message
    }
}
