/// One `.dockerignore` pattern with moby/patternmatcher's semantics.
///
/// Patterns are cleaned like Go's `filepath.Clean`, then classified as
/// patternmatcher does: an exact match (no wildcards), a prefix match (ends
/// in `**`), a suffix match (starts with `**` and has no other wildcard) or a
/// regular-expression match where `*` is `[^/]*`, `?` is `[^/]`, `**` is
/// `(.*/)?` (or `.*` at the end), `[...]` is a character class (`^` negates)
/// and `\` escapes the next character. Whole paths must match.
package struct IgnorePattern: Equatable, Sendable, CustomStringConvertible {
    /// The cleaned pattern without its `!` (what patternmatcher calls `cleanedPattern`).
    package var cleaned: String
    /// `!pattern`: re-includes what earlier patterns excluded.
    package var isExclusion: Bool

    enum Kind: Equatable, Sendable { case exact, prefix, suffix, regexp }

    enum Token: Equatable, Sendable {
        case literal(Unicode.Scalar)
        /// `*`: any run of characters except `/`.
        case star
        /// `?`: one character except `/`.
        case question
        /// `**` followed by more pattern: `(.*/)?`.
        case anyDirs
        /// `**` at the end (after other wildcards): `.*`.
        case anyTail
        /// `[...]`: ranges, possibly negated.
        case set(negated: Bool, ranges: [ClosedRange<UInt32>])
    }

    var kind: Kind
    var tokens: [Token]

    /// Why a pattern was refused (Go's `filepath.ErrBadPattern` and the lone `!`).
    package struct Malformed: Error, Equatable, Sendable {
        package var message: String
    }

    package var description: String { (isExclusion ? "!" : "") + cleaned }

    /// Compiles one pattern as `patternmatcher.New` does (trim, clean, `!`).
    /// Returns nil for a blank pattern.
    package static func compile(_ raw: String) throws(Malformed) -> IgnorePattern? {
        var p = raw.trimmingWhitespace()
        if p.isEmpty { return nil }
        p = PathCleaning.clean(p)
        var exclusion = false
        if p.hasPrefix("!") {
            if p.count == 1 { throw Malformed(message: "illegal exclusion pattern: \"!\"") }
            exclusion = true
            p.removeFirst()
        }
        let (kind, tokens) = try parse(p)
        return IgnorePattern(cleaned: p, isExclusion: exclusion, kind: kind, tokens: tokens)
    }

    private static func parse(_ pattern: String) throws(Malformed) -> (Kind, [Token]) {
        let s = Array(pattern.unicodeScalars)
        var tokens: [Token] = []
        var kind = Kind.exact
        var i = 0
        var iteration = 0
        while i < s.count {
            defer { iteration += 1 }
            let ch = s[i]
            i += 1
            switch ch {
            case "*":
                if i < s.count, s[i] == "*" {
                    i += 1
                    if i < s.count, s[i] == "/" { i += 1 }
                    if i == s.count {
                        if kind == .exact {
                            kind = .prefix
                        } else {
                            tokens.append(.anyTail)
                            kind = .regexp
                        }
                    } else {
                        tokens.append(.anyDirs)
                        kind = .regexp
                    }
                    if iteration == 0 { kind = .suffix }
                } else {
                    tokens.append(.star)
                    kind = .regexp
                }
            case "?":
                tokens.append(.question)
                kind = .regexp
            case "\\":
                guard i < s.count else { throw Malformed(message: "syntax error in pattern: trailing backslash") }
                tokens.append(.literal(s[i]))
                i += 1
                kind = .regexp
            case "[":
                let (token, next) = try parseSet(s, from: i)
                tokens.append(token)
                i = next
                kind = .regexp
            case "]":
                tokens.append(.literal("]"))
                kind = .regexp
            default:
                tokens.append(.literal(ch))
            }
        }
        return (kind, tokens)
    }

    /// Parses a character class whose `[` was just consumed; returns the
    /// token and the index after the closing `]`.
    private static func parseSet(_ s: [Unicode.Scalar], from start: Int) throws(Malformed) -> (Token, Int) {
        var i = start
        var negated = false
        if i < s.count, s[i] == "^" {
            negated = true
            i += 1
        }
        var ranges: [ClosedRange<UInt32>] = []
        let bad = Malformed(message: "syntax error in pattern")
        // Go's filepath.Match getEsc: a class character may not be a bare
        // `-` or `]`, `\` escapes, and something must follow it.
        func readChar() throws(Malformed) -> UInt32 {
            guard i < s.count, s[i] != "-", s[i] != "]" else { throw bad }
            if s[i] == "\\" {
                i += 1
                guard i < s.count else { throw bad }
            }
            let c = s[i].value
            i += 1
            guard i < s.count else { throw bad }
            return c
        }
        while true {
            if i < s.count, s[i] == "]", !ranges.isEmpty {
                i += 1
                break
            }
            let lo = try readChar()
            var hi = lo
            if s[i] == "-" {
                i += 1
                hi = try readChar()
            }
            if hi < lo { throw Malformed(message: "syntax error in pattern: invalid character class range") }
            ranges.append(lo...hi)
        }
        return (.set(negated: negated, ranges: ranges), i)
    }

    /// Whether this pattern matches `path` (slash-separated, relative), as
    /// patternmatcher's `Pattern.match` does — without looking at parents.
    package func matches(_ path: String) -> Bool {
        switch kind {
        case .exact:
            return path.utf8.elementsEqual(cleaned.utf8)
        case .prefix:
            return path.utf8.starts(with: cleaned.utf8.dropLast(2))
        case .suffix:
            let suffix = cleaned.utf8.dropFirst(2)
            if path.utf8.count >= suffix.count, path.utf8.suffix(suffix.count).elementsEqual(suffix) { return true }
            if let first = suffix.first, first == UInt8(ascii: "/") {
                return path.utf8.elementsEqual(suffix.dropFirst())
            }
            return false
        case .regexp:
            let scalars = Array(path.unicodeScalars)
            var failed = Set<Int>()
            return match(0, 0, scalars, &failed)
        }
    }

    /// Backtracking matcher with a memo of failed (token, position) pairs.
    private func match(_ t: Int, _ p: Int, _ s: [Unicode.Scalar], _ failed: inout Set<Int>) -> Bool {
        let key = t * (s.count + 1) + p
        if failed.contains(key) { return false }
        let result: Bool
        if t == tokens.count {
            result = p == s.count
        } else {
            switch tokens[t] {
            case .literal(let c):
                result = p < s.count && s[p] == c && match(t + 1, p + 1, s, &failed)
            case .question:
                result = p < s.count && s[p] != "/" && match(t + 1, p + 1, s, &failed)
            case .set(let negated, let ranges):
                if p < s.count {
                    let inSet = ranges.contains { $0.contains(s[p].value) }
                    result = inSet != negated && match(t + 1, p + 1, s, &failed)
                } else {
                    result = false
                }
            case .star:
                var q = p
                var found = match(t + 1, q, s, &failed)
                while !found, q < s.count, s[q] != "/" {
                    q += 1
                    found = match(t + 1, q, s, &failed)
                }
                result = found
            case .anyTail:
                // Go's `.` does not match a newline.
                var q = p
                while q < s.count, s[q] != "\n" { q += 1 }
                result = q == s.count && match(t + 1, q, s, &failed)
            case .anyDirs:
                // (.*/)? — nothing, or any run (without newlines) ending in '/'.
                var found = match(t + 1, p, s, &failed)
                var q = p
                while !found, q < s.count, s[q] != "\n" {
                    if s[q] == "/" { found = match(t + 1, q + 1, s, &failed) }
                    q += 1
                }
                result = found
            }
        }
        if !result { failed.insert(key) }
        return result
    }
}

extension String {
    /// Go's `strings.TrimSpace` for the whitespace that matters in files.
    func trimmingWhitespace() -> String {
        let ws: Set<Unicode.Scalar> = [" ", "\t", "\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{A0}"]
        let scalars = Array(unicodeScalars)
        var start = 0
        var end = scalars.count
        while start < end, ws.contains(scalars[start]) { start += 1 }
        while end > start, ws.contains(scalars[end - 1]) { end -= 1 }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars[start..<end])
        return String(out)
    }
}
