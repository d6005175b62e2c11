/// A place in a file the user wrote: the file's path relative to the app or
/// spec root, and a 1-based line and column (columns count Unicode scalars).
///
/// `line == 0` means "the whole file" (or a command-line flag, whose `file`
/// is then the flag as the user typed it, e.g. `--param port=abc`); such a
/// location renders without line and column.
public struct SourceLocation: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    /// Path relative to the app or spec root (never absolute in artifacts).
    public var file: String
    /// 1-based line; 0 when the location is a whole file or a flag.
    public var line: Int
    /// 1-based column in Unicode scalars; 0 when unknown.
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// A location that names a whole file (or a flag) without a position.
    public static func file(_ file: String) -> SourceLocation {
        SourceLocation(file: file, line: 0, column: 0)
    }

    /// A location that names a command-line flag, e.g. `flag("--param", "port=abc")`.
    public static func flag(_ name: String, _ value: String) -> SourceLocation {
        SourceLocation(file: "\(name) \(value)", line: 0, column: 0)
    }

    /// `file:line:col`, `file:line` or `file`, as much as is known.
    public var description: String {
        if line <= 0 { return file }
        if column <= 0 { return "\(file):\(line)" }
        return "\(file):\(line):\(column)"
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.file, a.line, a.column) < (b.file, b.line, b.column)
    }
}
