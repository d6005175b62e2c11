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
    /// Characters that do not print (control bytes such as ESC, format
    /// characters, U+FFFD from invalid input) are escaped as Go's `%q` does.
    public var rendered: String {
        var out = "\(Self.escape(Self.prefix(location))): \(severity.rawValue): \(Self.escape(message)) [\(id)]"
        for note in notes {
            if let loc = note.location {
                out += "\n\(Self.escape(loc.description)): note: \(Self.escape(note.message))"
            } else {
                out += "\n    note: \(Self.escape(note.message))"
            }
        }
        return out
    }

    /// How many diagnostics `render(_:)` prints per file before "and N more".
    public static let maxPerFile = 50

    /// Renders diagnostics in order, at most `maxPerFile` per file (so a
    /// garbage input cannot flood the terminal); each file's remainder is
    /// counted in one last line, `FILE: note: and N more`.
    public static func render(_ diagnostics: [Diagnostic], maxPerFile: Int = maxPerFile) -> [String] {
        var shown: [String: Int] = [:]
        var hidden: [(file: String, count: Int)] = []
        var out: [String] = []
        for d in diagnostics {
            let file = d.location?.file ?? ""
            let n = shown[file, default: 0]
            if n >= maxPerFile {
                if let i = hidden.firstIndex(where: { $0.file == file }) { hidden[i].count += 1 } else { hidden.append((file, 1)) }
                continue
            }
            shown[file] = n + 1
            out.append(d.rendered)
        }
        for (file, count) in hidden {
            out.append("\(file.isEmpty ? "openrun" : escape(file)): note: and \(count) more")
        }
        return out
    }

    /// `s` with every non-printing character escaped as Go's `strconv.Quote`
    /// would (`\x1b`, `\t`, `\u200b`, `\ufffd`); printable text, quotes and
    /// backslashes are left alone.
    public static func escape(_ s: String) -> String {
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) { return s }
        var out = ""
        for c in s.unicodeScalars {
            if isPrint(c) { out.unicodeScalars.append(c); continue }
            switch c.value {
            case 7: out += "\\a"
            case 8: out += "\\b"
            case 12: out += "\\f"
            case 10: out += "\\n"
            case 13: out += "\\r"
            case 9: out += "\\t"
            case 11: out += "\\v"
            case let v where v < 0x20 || v == 0x7f: out += "\\x" + hex(v, 2)
            case let v where v < 0x10000: out += "\\u" + hex(v, 4)
            case let v: out += "\\U" + hex(v, 8)
            }
        }
        return out
    }

    private static func hex(_ v: UInt32, _ width: Int) -> String {
        let h = String(v, radix: 16)
        return String(repeating: "0", count: max(0, width - h.count)) + h
    }

    /// Go's `strconv.IsPrint`, approximately: letters, marks, numbers,
    /// punctuation, symbols and the ASCII space.
    private static func isPrint(_ c: Unicode.Scalar) -> Bool {
        if c.value < 0x80 { return c.value >= 0x20 && c.value < 0x7f }
        if c.value == 0xFFFD { return false }  // stands for bytes that were not UTF-8
        switch c.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator, .spaceSeparator:
            return false
        default:
            return true
        }
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
