import IR

/// Text → `ContainerfileAST`, following BuildKit's `parser.Parse` step by
/// step: parser directives at the top, comments, line continuations (with
/// comments and empty lines inside them), builder flags, the per-instruction
/// argument splitting (JSON or shell form, `KEY=value` pairs, whitespace
/// lists), heredocs and ONBUILD. Errors use BuildKit's wording.
package struct ContainerfileParser {
    /// BuildKit's scanner refuses physical lines longer than this (bufio.MaxScanTokenSize - 1).
    static let maxLineLength = 65_535

    /// Diagnostic ids of the parser.
    package enum ID {
        static let syntax = "containerfile.syntax"
        static let directive = "containerfile.directive"
        static let heredoc = "containerfile.heredoc"
        static let empty = "containerfile.no-instructions"
        static let lineTooLong = "containerfile.line-too-long"
        static let emptyContinuation = "containerfile.empty-continuation-line"
    }

    let bytes: [UInt8]
    let file: String

    // Directive state.
    var escapeToken: UInt8 = UInt8(ascii: "\\")
    var directivesDone = false
    var directives: [ContainerfileDirective] = []

    // Physical lines: [start, end) byte ranges including the line terminator.
    var lineStarts: [Int] = []
    var lineEnds: [Int] = []
    var tooLongAt: Int? = nil

    /// Parses `text`; `file` is the path (relative to the app or spec root) used in locations.
    package static func parse(_ text: String, file: String) throws(DiagnosticError) -> ContainerfileAST {
        try parse(bytes: Array(text.utf8), file: file)
    }

    /// Parses raw bytes (a file as read from disk).
    package static func parse(bytes: [UInt8], file: String) throws(DiagnosticError) -> ContainerfileAST {
        var p = ContainerfileParser(bytes: bytes, file: file)
        return try p.run()
    }

    init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
        splitLines()
    }

    private mutating func splitLines() {
        var start = 0
        let n = bytes.count
        lineStarts.reserveCapacity(n / 24 + 1)
        lineEnds.reserveCapacity(n / 24 + 1)
        bytes.withUnsafeBufferPointer { buf in
            var i = 0
            while i < n {
                if buf[i] == 0x0A {
                    lineStarts.append(start)
                    lineEnds.append(i + 1)
                    start = i + 1
                }
                i += 1
            }
        }
        if start < n {
            lineStarts.append(start)
            lineEnds.append(n)
        }
        // bufio.Scanner stops at the first line it cannot buffer.
        for k in 0..<lineStarts.count {
            let len = lineEnds[k] - lineStarts[k]
            let hasNewline = bytes[lineEnds[k] - 1] == 0x0A
            if (hasNewline && len > Self.maxLineLength + 1) || (!hasNewline && len > Self.maxLineLength) {
                tooLongAt = k
                lineStarts.removeSubrange(k...)
                lineEnds.removeSubrange(k...)
                break
            }
        }
    }

    private func location(line: Int, column: Int = 1) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column)
    }

    private func error(_ id: String, _ message: String, line: Int, column: Int = 1) -> DiagnosticError {
        DiagnosticError(.error(id, message, at: location(line: line, column: column)))
    }

    /// End of the line content without trailing `\r` and `\n` (Go's `bytes.TrimRight(s, "\r\n")`).
    @inline(__always)
    private func trimNewline(_ start: Int, _ end: Int) -> Int {
        var e = end
        while e > start && (bytes[e - 1] == 0x0A || bytes[e - 1] == 0x0D) { e -= 1 }
        return e
    }

    @inline(__always)
    private func isComment(_ start: Int, _ end: Int) -> Bool {
        let a = GoText.trimLeftSpace(bytes, start, end)
        return a < end && bytes[a] == UInt8(ascii: "#")
    }

    /// BuildKit's line-continuation regex `([^E])E[ \t]*$|^E[ \t]*$` (E the
    /// escape token): returns the content end without the continuation, or nil.
    @inline(__always)
    private func continuationEnd(_ start: Int, _ end: Int) -> Int? {
        var e = end
        while e > start && (bytes[e - 1] == 0x20 || bytes[e - 1] == 0x09) { e -= 1 }
        guard e > start, bytes[e - 1] == escapeToken else { return nil }
        let esc = e - 1
        if esc == start { return esc }
        // The preceding rune must not be the escape token.
        return bytes[esc - 1] == escapeToken ? nil : esc
    }

    /// Checks a left-trimmed, newline-trimmed line for a parser directive.
    private mutating func possibleDirective(_ start: Int, _ end: Int, line: Int) throws(DiagnosticError) {
        if directivesDone { return }
        // ^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$   (\s is [\t\n\f\r ])
        func isS(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0C || b == 0x0D }
        func isAlpha(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
        func isAlnum(_ b: UInt8) -> Bool { isAlpha(b) || (b >= 0x30 && b <= 0x39) }
        var i = start
        var matched = false
        var key = ""
        var value = ""
        repeat {
            guard i < end, bytes[i] == UInt8(ascii: "#") else { break }
            i += 1
            while i < end && isS(bytes[i]) { i += 1 }
            guard i < end, isAlpha(bytes[i]) else { break }
            let ks = i
            while i < end && isAlnum(bytes[i]) { i += 1 }
            let ke = i
            while i < end && isS(bytes[i]) { i += 1 }
            guard i < end, bytes[i] == UInt8(ascii: "=") else { break }
            i += 1
            let afterEquals = i
            while i < end && isS(bytes[i]) { i += 1 }
            var ve = end
            while ve > i && isS(bytes[ve - 1]) { ve -= 1 }
            if ve == i {
                // Only spaces after `=`: the regex backtracks so that `(.+?)`
                // takes the last one.
                guard end > afterEquals else { break }
                i = end - 1
                ve = end
            }
            // `.` does not match a newline.
            if bytes[i..<ve].contains(0x0A) { break }
            key = String(decoding: bytes[ks..<ke], as: UTF8.self).lowercased()
            value = String(decoding: bytes[i..<ve], as: UTF8.self)
            matched = true
        } while false
        guard matched, ["escape", "syntax", "check"].contains(key) else {
            directivesDone = true
            return
        }
        if directives.contains(where: { $0.name == key }) {
            throw error(ID.directive, "only one \(key) parser directive can be used", line: line)
        }
        directives.append(ContainerfileDirective(name: key, value: value, location: location(line: line)))
        if key == "escape" {
            guard value == "`" || value == "\\" else {
                throw error(ID.directive, "invalid escape token '\(value)' does not match ` or \\", line: line)
            }
            escapeToken = value.utf8.first!
        }
    }

    private mutating func run() throws(DiagnosticError) -> ContainerfileAST {
        var nodes: [ContainerfileNode] = []
        var warnings: [Diagnostic] = []
        var k = 0 // next physical line index
        let count = lineStarts.count
        var line: [UInt8] = []
        line.reserveCapacity(256)
        while k < count {
            var s = lineStarts[k]
            let e = lineEnds[k]
            if k == 0, e - s >= 3, bytes[s] == 0xEF, bytes[s + 1] == 0xBB, bytes[s + 2] == 0xBF { s += 3 }
            k += 1
            let lineNo = k
            // processLine(stripLeftWhitespace: true)
            var ce = trimNewline(s, e)
            let cs = GoText.trimLeftSpace(bytes, s, ce)
            try possibleDirective(cs, ce, line: lineNo)
            if cs < ce && bytes[cs] == UInt8(ascii: "#") { ce = cs }
            let startLine = lineNo
            var isEnd = true
            line.removeAll(keepingCapacity: true)
            if let c = continuationEnd(cs, ce) {
                isEnd = false
                line.append(contentsOf: bytes[cs..<c])
            } else {
                if cs == ce { continue }
                line.append(contentsOf: bytes[cs..<ce])
            }
            var hasEmptyContinuation = false
            while !isEnd && k < count {
                let s2 = lineStarts[k]
                let e2 = lineEnds[k]
                k += 1
                if isComment(s2, e2) { continue }
                let ce2 = trimNewline(s2, e2)
                if GoText.trimLeftSpace(bytes, s2, ce2) == ce2 {
                    hasEmptyContinuation = true
                    continue
                }
                if let c = continuationEnd(s2, ce2) {
                    line.append(contentsOf: bytes[s2..<c])
                } else {
                    line.append(contentsOf: bytes[s2..<ce2])
                    isEnd = true
                }
            }
            let lineString = GoText.string(line[...])
            if hasEmptyContinuation {
                warnings.append(.warning(ID.emptyContinuation, "Empty continuation line found in: \(lineString)", at: location(line: startLine)))
            }
            var node: ContainerfileNode
            do {
                node = try LineParser(escapeToken: escapeToken).node(from: line, original: lineString)
            } catch {
                throw self.error(ID.syntax, error.message, line: startLine, column: cs - s + 1)
            }
            // Column in Unicode scalars: count the non-continuation bytes before the word.
            var col = 1
            var q = lineStarts[startLine - 1]
            while q < cs { if bytes[q] & 0xC0 != 0x80 { col += 1 }; q += 1 }
            node.location = location(line: startLine, column: col)
            if !node.children.isEmpty {
                node.children[0].location = node.location
                node.children[0].startLine = startLine
            }

            if canContainHeredoc(node), Self.containsHeredocMarker(line) {
                let docs: [ContainerfileHeredoc]
                do {
                    docs = try Self.heredocs(fromLine: lineString)
                } catch {
                    throw self.error(ID.heredoc, error.message, line: startLine)
                }
                for var doc in docs {
                    var terminated = false
                    var content: [UInt8] = []
                    let name = Array(doc.name.utf8)
                    while k < count {
                        let hs = lineStarts[k]
                        let he = lineEnds[k]
                        k += 1
                        var ts = hs
                        let te = trimNewline(hs, he)
                        if doc.chomp { while ts < te && bytes[ts] == 0x09 { ts += 1 } }
                        if te - ts == name.count && bytes[ts..<te].elementsEqual(name) {
                            terminated = true
                            break
                        }
                        content.append(contentsOf: bytes[hs..<he])
                    }
                    if !terminated {
                        throw error(ID.heredoc, "unterminated heredoc", line: startLine)
                    }
                    doc.content = GoText.string(content[...])
                    node.heredocs.append(doc)
                }
            }
            node.startLine = startLine
            node.endLine = k
            if !node.children.isEmpty { node.children[0].endLine = k }
            nodes.append(node)
        }
        if nodes.isEmpty {
            throw error(ID.empty, "file with no instructions", line: max(1, count))
        }
        if let t = tooLongAt { throw tooLong(t) }
        let esc: Character = escapeToken == UInt8(ascii: "`") ? "`" : "\\"
        return ContainerfileAST(nodes: nodes, escapeToken: esc, directives: directives, warnings: warnings)
    }

    private func tooLong(_ index: Int) -> DiagnosticError {
        error(ID.lineTooLong, "dockerfile line greater than max allowed size of \(Self.maxLineLength)", line: index + 1)
    }

    private func canContainHeredoc(_ node: ContainerfileNode) -> Bool {
        if node.name == "onbuild" {
            guard let child = node.children.first else { return false }
            return Self.heredocInstruction(child.name) && !child.isJSON
        }
        return Self.heredocInstruction(node.name) && !node.isJSON
    }

    @inline(__always)
    private static func heredocInstruction(_ name: String) -> Bool {
        name == "run" || name == "copy" || name == "add"
    }

    @inline(__always)
    private static func containsHeredocMarker(_ line: [UInt8]) -> Bool {
        guard line.count >= 3 else { return false }
        for i in 0..<(line.count - 1) where line[i] == 0x3C && line[i + 1] == 0x3C { return true }
        return false
    }

    /// BuildKit's `heredocsFromLine`: the line is split into words with quotes
    /// and escapes kept and variables left alone; each word of the form
    /// `[n]<<[-]WORD` introduces a heredoc.
    static func heredocs(fromLine line: String) throws(ShellLex.Failure) -> [ContainerfileHeredoc] {
        var lex = ShellLex(escapeToken: "\\")
        lex.rawQuotes = true
        lex.rawEscapes = true
        lex.skipUnsetEnv = true
        let words: [String]
        if !line.utf8.contains(where: { $0 == 0x24 || $0 == 0x27 || $0 == 0x22 || $0 == 0x5C }) {
            // No `$`, quotes or backslashes: the lexer only splits on Unicode spaces.
            words = Self.splitOnSpaces(line)
        } else {
            guard let w = try? lex.processWords(line, env: [:]) else { return [] }
            words = w
        }
        var docs: [ContainerfileHeredoc] = []
        for word in words where Self.containsHeredocMarker(Array(word.utf8)) {
            if let doc = try parseHeredocWord(word) { docs.append(doc) }
        }
        return docs
    }

    /// Fields of `s` separated by Unicode spaces (`ProcessWords` on plain text).
    static func splitOnSpaces(_ s: String) -> [String] {
        var out: [String] = []
        var cur = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            if GoText.isSpace(u.value) {
                if !cur.isEmpty { out.append(String(cur)); cur = String.UnicodeScalarView() }
            } else {
                cur.append(u)
            }
        }
        if !cur.isEmpty { out.append(String(cur)) }
        return out
    }

    /// BuildKit's `ParseHeredoc`: `^(\d*)<<(-?)([^<]*)$`, then the delimiter
    /// word is unquoted; quotes anywhere in it turn expansion off.
    package static func parseHeredocWord(_ word: String) throws(ShellLex.Failure) -> ContainerfileHeredoc? {
        let u = Array(word.utf8)
        var i = 0
        while i < u.count && u[i] >= 0x30 && u[i] <= 0x39 { i += 1 }
        let fdText = String(decoding: u[0..<i], as: UTF8.self)
        guard i + 1 < u.count, u[i] == UInt8(ascii: "<"), u[i + 1] == UInt8(ascii: "<") else { return nil }
        i += 2
        var chomp = false
        if i < u.count && u[i] == UInt8(ascii: "-") { chomp = true; i += 1 }
        let rest = u[i...]
        if rest.contains(UInt8(ascii: "<")) { return nil }
        if rest.isEmpty { return nil }
        let restString = String(decoding: rest, as: UTF8.self)
        if !rest.contains(where: { $0 == 0x24 || $0 == 0x27 || $0 == 0x22 || $0 == 0x5C }) {
            // Plain delimiter: no quotes, escapes or variables to process.
            let words = splitOnSpaces(restString)
            guard words.count == 1 else { return nil }
            let fd: UInt = fdText.isEmpty ? 0 : (UInt(fdText) ?? UInt.max)
            return ContainerfileHeredoc(name: words[0], fileDescriptor: fd, expand: true, chomp: chomp, content: "")
        }
        var lex = ShellLex(escapeToken: "\\")
        lex.skipUnsetEnv = true
        let words = try lex.processWords(restString, env: [:])
        guard words.count == 1 else { return nil }
        lex.rawQuotes = true
        let raw = try lex.processWords(restString, env: [:])
        guard raw.count == words.count else {
            throw ShellLex.Failure(message: "internal lexing of heredoc produced inconsistent results: \(restString)")
        }
        func quotes(_ s: String) -> Int { s.unicodeScalars.reduce(0) { $0 + (($1 == "'" || $1 == "\"") ? 1 : 0) } }
        // strconv.ParseUint: empty is 0, overflow is the maximum value.
        let fd: UInt = fdText.isEmpty ? 0 : (UInt(fdText) ?? UInt.max)
        return ContainerfileHeredoc(name: words[0], fileDescriptor: fd, expand: quotes(words[0]) == quotes(raw[0]), chomp: chomp, content: "")
    }
}
