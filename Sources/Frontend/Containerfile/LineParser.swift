/// BuildKit's `newNodeFromLine` for one logical line: `splitCommand`
/// (instruction word, builder flags, rest) and the per-instruction argument
/// parsers of `line_parsers.go`.
struct LineParser {
    struct Failure: Error {
        var message: String
    }

    let escapeToken: UInt8

    func node(from line: [UInt8], original: String) throws(Failure) -> ContainerfileNode {
        // splitCommand: TrimSpace, split at the first [\t\v\f\r ]+ run.
        let (ts, te) = GoText.trimSpace(line, 0, line.count)
        var i = ts
        while i < te && !GoText.isRegexWhitespace(line[i]) { i += 1 }
        let cmd = GoText.string(line[ts..<i])
        let name = Self.knownName(line, ts, i) ?? Self.lower(cmd)
        var flags: [String] = []
        var restStart = te
        var restEnd = te
        if i < te {
            var j = i
            while j < te && GoText.isRegexWhitespace(line[j]) { j += 1 }
            let (a, f) = extractBuilderFlags(line, j, te)
            flags = f
            (restStart, restEnd) = GoText.trimSpace(line, a, te)
        }
        var node = ContainerfileNode(command: cmd, name: name, flags: flags, args: [], isJSON: false, children: [], original: original, heredocs: [], startLine: 0, endLine: 0, location: .file(""))
        try dispatch(&node, name: name, line, restStart, restEnd)
        return node
    }

    static let names = ["add", "arg", "cmd", "copy", "entrypoint", "env", "expose", "from", "healthcheck", "label", "maintainer", "onbuild", "run", "shell", "stopsignal", "user", "volume", "workdir"]
    static let nameBytes = names.map { Array($0.utf8) }

    /// The instruction name when `s[a..<b]` spells one in any ASCII case
    /// (no allocation for the common case).
    static func knownName(_ s: [UInt8], _ a: Int, _ b: Int) -> String? {
        let n = b - a
        for (k, nb) in nameBytes.enumerated() where nb.count == n {
            var j = 0
            while j < n && (s[a + j] | 0x20) == nb[j] { j += 1 }
            if j == n { return names[k] }
        }
        return nil
    }

    /// ASCII lower-casing, plus the few non-ASCII letters Go's `strings.ToLower`
    /// maps into ASCII (the Kelvin sign).
    static func lower(_ s: String) -> String {
        var ascii = true
        var hasUpper = false
        for b in s.utf8 {
            if b >= 0x80 { ascii = false; break }
            if b >= 0x41 && b <= 0x5A { hasUpper = true }
        }
        if ascii {
            if !hasUpper { return s }
            return String(decoding: s.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
        }
        return String(String.UnicodeScalarView(s.unicodeScalars.map { $0 == "\u{212A}" ? "k" : $0 })).lowercased()
    }

    private func dispatch(_ node: inout ContainerfileNode, name: String, _ s: [UInt8], _ a: Int, _ b: Int) throws(Failure) {
        switch name {
        case "add", "copy", "volume":
            try parseMaybeJSONToList(&node, s, a, b)
        case "arg":
            node.args = parseWords(s, a, b)
        case "cmd", "entrypoint", "run", "shell":
            try parseMaybeJSON(&node, s, a, b)
        case "env":
            try parseNameVal(&node, s, a, b, key: "ENV")
        case "label":
            try parseNameVal(&node, s, a, b, key: "LABEL")
        case "expose", "from":
            node.args = whitespaceDelimited(s, a, b)
        case "healthcheck":
            try parseHealthConfig(&node, s, a, b)
        case "maintainer", "stopsignal", "user", "workdir":
            if a < b { node.args = [GoText.string(s[a..<b])] }
        case "onbuild":
            if a < b {
                let child = try self.node(from: Array(s[a..<b]), original: GoText.string(s[a..<b]))
                node.children = [child]
            }
        default:
            // parseIgnore: the instruction is kept with one empty argument.
            node.args = [""]
        }
    }

    /// `extractBuilderFlags`: leading `--flag[=value]` words (byte-wise, quotes
    /// and backslashes processed); returns where the rest starts.
    private func extractBuilderFlags(_ s: [UInt8], _ start: Int, _ end: Int) -> (Int, [String]) {
        enum Phase { case spaces, word, quote }
        var words: [String] = []
        var phase = Phase.spaces
        var word: [UInt8] = []
        var quote: UInt8 = 0
        var blankOK = false
        var pos = start
        // Go builds the word with WriteRune(rune(byte)): bytes >= 0x80 become Latin-1 runes.
        func put(_ b: UInt8) {
            if b < 0x80 { word.append(b) } else { GoText.appendRune(&word, UInt32(b)) }
        }
        while pos <= end {
            let ch: UInt8 = pos < end ? s[pos] : 0
            if phase == .spaces {
                if pos == end { break }
                if GoText.isSpaceByte(ch) { pos += 1; continue }
                if ch != UInt8(ascii: "-") || pos + 1 == end || s[pos + 1] != UInt8(ascii: "-") {
                    return (pos, words)
                }
                phase = .word
            }
            if (phase == .word || phase == .quote) && pos == end {
                if word != [0x2D, 0x2D] && (blankOK || !word.isEmpty) {
                    words.append(GoText.string(word[...]))
                }
                break
            }
            if phase == .word {
                if GoText.isSpaceByte(ch) {
                    phase = .spaces
                    if word == [0x2D, 0x2D] { return (pos, words) }
                    if blankOK || !word.isEmpty { words.append(GoText.string(word[...])) }
                    word.removeAll()
                    blankOK = false
                    pos += 1
                    continue
                }
                if ch == UInt8(ascii: "'") || ch == UInt8(ascii: "\"") {
                    quote = ch
                    blankOK = true
                    phase = .quote
                    pos += 1
                    continue
                }
                var c = ch
                if c == UInt8(ascii: "\\") {
                    if pos + 1 == end { pos += 1; continue }
                    pos += 1
                    c = s[pos]
                }
                put(c)
                pos += 1
                continue
            }
            if phase == .quote {
                if ch == quote {
                    phase = .word
                    pos += 1
                    continue
                }
                var c = ch
                if c == UInt8(ascii: "\\") {
                    if pos + 1 == end {
                        phase = .word
                        pos += 1
                        continue
                    }
                    pos += 1
                    c = s[pos]
                }
                put(c)
                pos += 1
            }
        }
        return (end, words)
    }

    /// `parseWords`: words separated by Unicode spaces, quotes kept, an escape
    /// token keeps the next character (even a quote) in the word.
    func parseWords(_ s: [UInt8], _ start: Int, _ end: Int) -> [String] {
        parseWordBytes(s, start, end).map { GoText.string($0[...]) }
    }

    /// `parseWords` returning UTF-8 bytes.
    func parseWordBytes(_ s: [UInt8], _ start: Int, _ end: Int) -> [[UInt8]] {
        enum Phase { case spaces, word, quote }
        var words: [[UInt8]] = []
        var phase = Phase.spaces
        var quote: UInt32 = 0
        var blankOK = false
        var word: [UInt8] = []
        var pos = start
        var ch: UInt32 = 0
        var w = 0
        let esc = UInt32(escapeToken)
        while pos <= end {
            if pos != end {
                (ch, w) = GoText.decodeRune(s, pos)
                if pos + w > end { w = end - pos }
            }
            if phase == .spaces {
                if pos == end { break }
                if GoText.isSpace(ch) { pos += w; continue }
                phase = .word
            }
            if (phase == .word || phase == .quote) && pos == end {
                if blankOK || !word.isEmpty { words.append(word) }
                break
            }
            if phase == .word {
                if GoText.isSpace(ch) {
                    phase = .spaces
                    if blankOK || !word.isEmpty { words.append(word) }
                    word.removeAll()
                    blankOK = false
                    pos += w
                    continue
                }
                if ch == 0x27 || ch == 0x22 {
                    quote = ch
                    blankOK = true
                    phase = .quote
                }
                if ch == esc {
                    if pos + w == end { pos += w; continue }
                    GoText.appendRune(&word, ch)
                    pos += w
                    (ch, w) = GoText.decodeRune(s, pos)
                }
                GoText.appendRune(&word, ch)
                pos += w
                continue
            }
            if phase == .quote {
                if ch == quote { phase = .word }
                if ch == esc && quote != 0x27 {
                    if pos + w == end {
                        phase = .word
                        pos += w
                        continue
                    }
                    pos += w
                    GoText.appendRune(&word, ch)
                    (ch, w) = GoText.decodeRune(s, pos)
                }
                GoText.appendRune(&word, ch)
                pos += w
            }
        }
        return words
    }

    /// `parseNameVal` (ENV, LABEL): `KEY value` (old form) or `KEY=value ...`.
    private func parseNameVal(_ node: inout ContainerfileNode, _ s: [UInt8], _ a: Int, _ b: Int, key: String) throws(Failure) {
        let words = parseWordBytes(s, a, b)
        guard let first = words.first else { return }
        if !first.contains(UInt8(ascii: "=")) {
            // reWhitespace.Split(rest, 2)
            var i = a
            while i < b && !GoText.isRegexWhitespace(s[i]) { i += 1 }
            guard i < b else { throw Failure(message: "\(key) must have two arguments") }
            var j = i
            while j < b && GoText.isRegexWhitespace(s[j]) { j += 1 }
            node.args = [GoText.string(s[a..<i]), GoText.string(s[j..<b])]
            return
        }
        var args: [String] = []
        args.reserveCapacity(words.count * 2)
        for word in words {
            guard let eq = word.firstIndex(of: UInt8(ascii: "=")) else {
                throw Failure(message: "Syntax error - can't find = in \(GoText.quote(GoText.string(word[...]))). Must be of the form: name=value")
            }
            args.append(GoText.string(word[..<eq]))
            args.append(GoText.string(word[(eq + 1)...]))
        }
        node.args = args
    }

    /// `parseStringsWhitespaceDelimited`: split on `[\t\v\f\r ]+`.
    private func whitespaceDelimited(_ s: [UInt8], _ a: Int, _ b: Int) -> [String] {
        guard a < b else { return [] }
        var out: [String] = []
        var i = a
        var start = a
        while i < b {
            if GoText.isRegexWhitespace(s[i]) {
                out.append(GoText.string(s[start..<i]))
                while i < b && GoText.isRegexWhitespace(s[i]) { i += 1 }
                start = i
            } else {
                i += 1
            }
        }
        out.append(GoText.string(s[start..<b]))
        return out
    }

    /// `parseJSON`; nil means "not JSON" (fall back to the shell form).
    private func parseJSON(_ s: [UInt8], _ a: Int, _ b: Int) throws(Failure) -> [String]? {
        let start = GoText.trimLeftSpace(s, a, b)
        guard start < b, s[start] == UInt8(ascii: "[") else { return nil }
        switch GoJSONArray.decode(s, start, b) {
        case .strings(let v): return v
        case .notJSON: return nil
        case .notStringArray:
            throw Failure(message: "when using JSON array syntax, arrays must be comprised of strings only")
        }
    }

    private func parseMaybeJSON(_ node: inout ContainerfileNode, _ s: [UInt8], _ a: Int, _ b: Int) throws(Failure) {
        guard a < b else { return }
        if let v = try parseJSON(s, a, b) {
            node.args = v
            node.isJSON = true
            return
        }
        node.args = [GoText.string(s[a..<b])]
    }

    private func parseMaybeJSONToList(_ node: inout ContainerfileNode, _ s: [UInt8], _ a: Int, _ b: Int) throws(Failure) {
        if let v = try parseJSON(s, a, b) {
            node.args = v
            node.isJSON = true
            return
        }
        node.args = whitespaceDelimited(s, a, b)
    }

    /// `parseHealthConfig`: the type word, then the command in JSON or shell form.
    private func parseHealthConfig(_ node: inout ContainerfileNode, _ s: [UInt8], _ a: Int, _ b: Int) throws(Failure) {
        var sep = a
        while sep < b && !GoText.isSpaceByte(s[sep]) { sep += 1 }
        var next = sep
        while next < b && GoText.isSpaceByte(s[next]) { next += 1 }
        guard sep > a else { return }
        var cmd = ContainerfileNode(command: "", flags: [], args: [], isJSON: false, children: [], original: "", heredocs: [], startLine: 0, endLine: 0, location: .file(""))
        try parseMaybeJSON(&cmd, s, next, b)
        node.args = [GoText.string(s[a..<sep])] + cmd.args
        node.isJSON = cmd.isJSON
    }
}
