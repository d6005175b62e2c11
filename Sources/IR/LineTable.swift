/// Turns byte offsets into 1-based line and column numbers for one file.
///
/// Built once per file (a single pass recording where each line starts);
/// nodes keep byte offsets and only a diagnostic pays for the conversion.
/// Lines end at `\n`; a `\r` before it belongs to the line. Columns count
/// Unicode scalars, so a multi-byte character advances the column by one.
public struct LineTable: Sendable {
    /// Path of the file, relative to the app or spec root.
    public let file: String
    /// The file's bytes.
    public let bytes: [UInt8]
    /// Byte offset at which each line starts; `lineStarts[0] == 0`.
    public let lineStarts: [Int]

    public init(file: String, bytes: [UInt8]) {
        self.file = file
        self.bytes = bytes
        var starts = [0]
        starts.reserveCapacity(bytes.count / 32 + 1)
        for (i, b) in bytes.enumerated() where b == UInt8(ascii: "\n") {
            starts.append(i + 1)
        }
        self.lineStarts = starts
    }

    public init(file: String, text: String) {
        self.init(file: file, bytes: Array(text.utf8))
    }

    /// Number of lines (a trailing newline does not start an extra line
    /// unless something follows it).
    public var lineCount: Int {
        if let last = lineStarts.last, last == bytes.count, lineStarts.count > 1 {
            return lineStarts.count - 1
        }
        return lineStarts.count
    }

    /// The 1-based line containing `offset` (offsets past the end clamp to the end).
    public func line(at offset: Int) -> Int {
        let offset = max(0, min(offset, bytes.count))
        // Binary search for the last line start <= offset.
        var lo = 0
        var hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return lo + 1
    }

    /// The 1-based line and column (in Unicode scalars) of `offset`.
    public func lineColumn(at offset: Int) -> (line: Int, column: Int) {
        let offset = max(0, min(offset, bytes.count))
        let line = self.line(at: offset)
        var column = 1
        var i = lineStarts[line - 1]
        while i < offset {
            // Count every byte that is not a UTF-8 continuation byte.
            if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return (line, column)
    }

    /// The source location of `offset` in this file.
    public func location(at offset: Int) -> SourceLocation {
        let (line, column) = lineColumn(at: offset)
        return SourceLocation(file: file, line: line, column: column)
    }

    /// The text of a 1-based line, without its line terminator.
    public func lineText(_ line: Int) -> String {
        guard line >= 1, line <= lineStarts.count else { return "" }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : bytes.count
        if end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }
}
