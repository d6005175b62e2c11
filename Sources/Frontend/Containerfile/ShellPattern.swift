/// A shell wildcard pattern as BuildKit's `convertShellPatternToRegex`
/// understands it (`*`, `?`, `\`-escapes, everything else literal), matched
/// with the semantics of the Go regular expression it would compile to:
/// leftmost-first, `*` lazy or greedy, and neither `*` nor `?` matching a
/// newline (Go's `.` does not).
struct ShellPattern {
    enum Token: Equatable {
        case literal(Unicode.Scalar)
        case any
        case star
    }

    struct Invalid: Error {
        var message: String
    }

    let tokens: [Token]
    let greedy: Bool
    let anchored: Bool

    init(_ pattern: String, greedy: Bool, anchored: Bool) throws(Invalid) {
        let p = Array(pattern.unicodeScalars)
        var toks: [Token] = []
        var i = 0
        // Go's text/scanner skips a leading byte order mark.
        if p.first == "\u{FEFF}" { i = 1 }
        while i < p.count {
            let c = p[i]
            i += 1
            switch c {
            case "*": toks.append(.star)
            case "?": toks.append(.any)
            case "\\":
                if i < p.count && (p[i] == "}" || p[i] == "/") { continue }
                guard i < p.count else { throw Invalid(message: "invalid escape '\\\u{FFFD}'") }
                let t = p[i]
                i += 1
                guard t == "*" || t == "?" || t == "\\" else {
                    throw Invalid(message: "invalid escape '\\\(t)'")
                }
                toks.append(.literal(t))
            default:
                toks.append(.literal(c))
            }
        }
        self.tokens = toks
        self.greedy = greedy
        self.anchored = anchored
    }

    /// The end of the preferred match of the pattern starting at `start`, if any.
    func match(_ s: [Unicode.Scalar], at start: Int) -> Int? {
        if !tokens.contains(.star) {
            var memo: [Int] = []
            return matchFrom(0, s, start, &memo)
        }
        // Memoize (token, position) -> preferred end so stars stay polynomial.
        var memo = [Int](repeating: -2, count: (tokens.count + 1) * (s.count + 1))
        return matchFrom(0, s, start, &memo)
    }

    private func matchFrom(_ ti0: Int, _ s: [Unicode.Scalar], _ si0: Int, _ memo: inout [Int]) -> Int? {
        if !memo.isEmpty {
            let key = ti0 * (s.count + 1) + si0
            let cached = memo[key]
            if cached != -2 { return cached < 0 ? nil : cached }
            let r = matchUncached(ti0, s, si0, &memo)
            memo[key] = r ?? -1
            return r
        }
        return matchUncached(ti0, s, si0, &memo)
    }

    private func matchUncached(_ ti0: Int, _ s: [Unicode.Scalar], _ si0: Int, _ memo: inout [Int]) -> Int? {
        var ti = ti0
        var si = si0
        while ti < tokens.count {
            switch tokens[ti] {
            case .literal(let c):
                guard si < s.count, s[si] == c else { return nil }
                si += 1
                ti += 1
            case .any:
                guard si < s.count, s[si] != "\n" else { return nil }
                si += 1
                ti += 1
            case .star:
                // How far the star may reach: up to the next newline.
                var limit = si
                while limit < s.count && s[limit] != "\n" { limit += 1 }
                if greedy {
                    var k = limit
                    while k >= si {
                        if let e = matchFrom(ti + 1, s, k, &memo) { return e }
                        k -= 1
                    }
                } else {
                    for k in si...limit {
                        if let e = matchFrom(ti + 1, s, k, &memo) { return e }
                    }
                }
                return nil
            }
        }
        return si
    }

    /// Leftmost match at or after `from`: (start, end).
    func find(_ s: [Unicode.Scalar], from: Int) -> (Int, Int)? {
        if anchored {
            guard from == 0, let e = match(s, at: 0) else { return nil }
            return (0, e)
        }
        var start = from
        while start <= s.count {
            if let e = match(s, at: start) { return (start, e) }
            start += 1
        }
        return nil
    }

    /// `${var/pattern/replacement}` (first match, literal replacement) or
    /// `${var//pattern/replacement}` (Go's `ReplaceAllString`, whose
    /// replacement expands `$0`, `$name`, `${name}` and `$$`).
    func replace(in value: String, with replacement: String, all: Bool) -> String {
        let s = Array(value.unicodeScalars)
        if !all {
            guard let (a, b) = find(s, from: 0) else { return value }
            var out = String.UnicodeScalarView()
            out.append(contentsOf: s[0..<a])
            out.append(contentsOf: replacement.unicodeScalars)
            out.append(contentsOf: s[b...])
            return String(out)
        }
        var out = String.UnicodeScalarView()
        var lastMatchEnd = 0
        var searchPos = 0
        while searchPos <= s.count {
            guard let (a, b) = find(s, from: searchPos) else { break }
            out.append(contentsOf: s[lastMatchEnd..<a])
            if b > lastMatchEnd || a == 0 {
                Self.expandTemplate(replacement, match: s[a..<b], into: &out)
            }
            lastMatchEnd = b
            if searchPos + 1 > b {
                searchPos += 1
            } else {
                searchPos = b
            }
        }
        out.append(contentsOf: s[lastMatchEnd...])
        return String(out)
    }

    /// Go's `Regexp.expand` for a pattern without capture groups.
    static func expandTemplate(_ template: String, match: ArraySlice<Unicode.Scalar>, into out: inout String.UnicodeScalarView) {
        let t = Array(template.unicodeScalars)
        var i = 0
        while i < t.count {
            let c = t[i]
            if c != "$" {
                out.append(c)
                i += 1
                continue
            }
            i += 1
            if i < t.count && t[i] == "$" {
                out.append("$")
                i += 1
                continue
            }
            // extract(): optional brace, a name of letters, digits and '_'.
            var j = i
            var brace = false
            if j < t.count && t[j] == "{" { brace = true; j += 1 }
            let nameStart = j
            while j < t.count, isNameChar(t[j]) { j += 1 }
            if j == nameStart || (brace && (j >= t.count || t[j] != "}")) {
                out.append("$")
                continue
            }
            let name = t[nameStart..<j]
            if brace { j += 1 }
            i = j
            if name.count == 1 && name.first == "0" {
                out.append(contentsOf: match)
            }
            // Any other group number or name does not exist: nothing is inserted.
        }
    }

    private static func isNameChar(_ c: Unicode.Scalar) -> Bool {
        if c == "_" { return true }
        switch c.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber: return true
        default: return false
        }
    }

    /// `${var#pattern}` / `${var##pattern}`.
    static func trimPrefix(_ pattern: String, _ value: String, greedy: Bool) throws(Invalid) -> String {
        let p = try ShellPattern(pattern, greedy: greedy, anchored: true)
        let s = Array(value.unicodeScalars)
        guard let (_, e) = p.find(s, from: 0) else { return value }
        return String(String.UnicodeScalarView(s[e...]))
    }

    /// `${var%pattern}` / `${var%%pattern}`: the pattern and the value are
    /// reversed and matched as a prefix, as BuildKit does.
    static func trimSuffix(_ pattern: String, _ value: String, greedy: Bool) throws(Invalid) -> String {
        let reversedPattern = reversePattern(pattern)
        let reversedValue = String(String.UnicodeScalarView(value.unicodeScalars.reversed()))
        let trimmed = try trimPrefix(reversedPattern, reversedValue, greedy: greedy)
        return String(String.UnicodeScalarView(trimmed.unicodeScalars.reversed()))
    }

    /// Reverses a pattern keeping `\x` escapes in front of what they escape.
    static func reversePattern(_ pattern: String) -> String {
        let p = Array(pattern.unicodeScalars)
        guard !p.isEmpty else { return "" }
        var out = p
        let last = p.count - 1
        var i = 0
        while i <= last {
            let tok = p[i]
            let outIdx = last - i
            if tok == "\\" && i != last {
                out[outIdx - 1] = tok
                out[outIdx] = p[i + 1]
                i += 2
            } else {
                out[outIdx] = tok
                i += 1
            }
        }
        return String(String.UnicodeScalarView(out))
    }
}
