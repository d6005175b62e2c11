/// A token of a Go text/template, following text/template/parse/lex.go:
/// text outside actions, delimiters, and the words inside an action.
struct GoTemplateToken: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        case error, bool, char, charConstant, complex, declare, assign, eof, field, identifier
        case leftDelim, leftParen, number, pipe, rawString, rightDelim, rightParen, space
        case string, text, variable
        // Keywords.
        case block, breakKeyword, continueKeyword, dot, define, elseKeyword, end, ifKeyword
        case nilKeyword, range, template, with

        var isKeyword: Bool {
            switch self {
            case .block, .breakKeyword, .continueKeyword, .dot, .define, .elseKeyword, .end,
                 .ifKeyword, .nilKeyword, .range, .template, .with:
                true
            default:
                false
            }
        }
    }

    var kind: Kind
    /// Byte offset of the token in the template source.
    var pos: Int
    /// The token's text (for `.error`, the error message).
    var value: String

    /// The token as Go's parser names it in "unexpected ..." errors.
    var goDescription: String {
        switch kind {
        case .eof: return "EOF"
        case .error: return value
        case _ where kind.isKeyword: return "<\(value)>"
        default:
            if value.unicodeScalars.count > 10 {
                return GoFormat.quote(String(String.UnicodeScalarView(value.unicodeScalars.prefix(10)))) + "..."
            }
            return GoFormat.quote(value)
        }
    }
}

/// Scans a template into tokens, as Go's lexer does: `{{- ` and ` -}}` trim
/// the whitespace (space, tab, CR, LF) next to the action, `{{/* */}}` is a
/// comment, newlines are allowed inside actions.
struct GoTemplateLexer {
    private let input: [UInt8]
    private var pos = 0
    private var start = 0
    private var parenDepth = 0
    private var insideAction = false
    private(set) var tokens: [GoTemplateToken] = []

    static let keywords: [String: GoTemplateToken.Kind] = [
        ".": .dot, "block": .block, "break": .breakKeyword, "continue": .continueKeyword,
        "define": .define, "else": .elseKeyword, "end": .end, "if": .ifKeyword, "range": .range,
        "nil": .nilKeyword, "template": .template, "with": .with,
    ]

    /// Scans all of `source`; the last token is `.eof` or `.error`.
    static func tokenize(_ source: String) -> [GoTemplateToken] {
        var lexer = GoTemplateLexer(input: Array(source.utf8))
        lexer.run()
        return lexer.tokens
    }

    private init(input: [UInt8]) { self.input = input }

    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0A }

    private func hasPrefix(_ s: String, at i: Int) -> Bool {
        let b = Array(s.utf8)
        guard i + b.count <= input.count else { return false }
        for k in 0..<b.count where input[i + k] != b[k] { return false }
        return true
    }

    private func hasLeftTrimMarker(at i: Int) -> Bool {
        i + 1 < input.count && input[i] == UInt8(ascii: "-") && Self.isSpace(input[i + 1])
    }

    private func hasRightTrimMarker(at i: Int) -> Bool {
        i + 1 < input.count && Self.isSpace(input[i]) && input[i + 1] == UInt8(ascii: "-")
    }

    private func text(_ from: Int, _ to: Int) -> String {
        String(decoding: input[from..<to], as: UTF8.self)
    }

    private mutating func emit(_ kind: GoTemplateToken.Kind) {
        tokens.append(GoTemplateToken(kind: kind, pos: start, value: text(start, pos)))
        start = pos
    }

    private mutating func fail(_ message: String) {
        tokens.append(GoTemplateToken(kind: .error, pos: start, value: message))
    }

    /// Decodes the scalar at `i` (width 1 for invalid bytes, as Go's RuneError).
    private func scalar(at i: Int) -> (Unicode.Scalar?, Int) {
        guard i < input.count else { return (nil, 0) }
        let b0 = input[i]
        if b0 < 0x80 { return (Unicode.Scalar(b0), 1) }
        var it = input[i...].makeIterator()
        var decoder = UTF8()
        switch decoder.decode(&it) {
        case .scalarValue(let s): return (s, String(s).utf8.count)
        default: return (Unicode.Scalar(0xFFFD)!, 1)
        }
    }

    private mutating func run() {
        while true {
            if !lexText() { return }
            if !lexAction() { return }
        }
    }

    /// Text up to the next `{{`; returns false at the end of input.
    private mutating func lexText() -> Bool {
        var i = pos
        while i + 1 < input.count {
            if input[i] == UInt8(ascii: "{") && input[i + 1] == UInt8(ascii: "{") { break }
            i += 1
        }
        if i + 1 >= input.count {
            pos = input.count
            if pos > start { emit(.text) }
            emit(.eof)
            return false
        }
        pos = i
        var trim = 0
        if hasLeftTrimMarker(at: pos + 2) {
            var j = pos
            while j > start && Self.isSpace(input[j - 1]) { j -= 1 }
            trim = pos - j
        }
        pos -= trim
        if pos > start { emit(.text) }
        pos += trim
        start = pos
        return true
    }

    /// The action starting at `{{`, through its `}}`; false after an error.
    private mutating func lexAction() -> Bool {
        pos += 2
        let trimLeft = hasLeftTrimMarker(at: pos)
        let after = trimLeft ? 2 : 0
        if hasPrefix("/*", at: pos + after) {
            pos += after
            start = pos
            return lexComment()
        }
        emit(.leftDelim)
        pos += after
        start = pos
        parenDepth = 0
        while true {
            // At the right delimiter (possibly with a trim marker)?
            let (delim, trimSpaces) = atRightDelim()
            if delim {
                if parenDepth != 0 {
                    fail("unclosed left paren")
                    return false
                }
                if trimSpaces {
                    pos += 2
                    start = pos
                }
                pos += 2
                emit(.rightDelim)
                if trimSpaces {
                    while pos < input.count && Self.isSpace(input[pos]) { pos += 1 }
                    start = pos
                }
                return true
            }
            guard pos < input.count else {
                fail("unclosed action")
                return false
            }
            let c = input[pos]
            if Self.isSpace(c) {
                var n = 0
                while pos < input.count && Self.isSpace(input[pos]) {
                    pos += 1
                    n += 1
                }
                // " -}}": the space belongs to the trim marker.
                if hasPrefix("-}}", at: pos) {
                    pos -= 1
                    if n == 1 { continue }
                }
                emit(.space)
                continue
            }
            pos += 1
            switch c {
            case UInt8(ascii: "="):
                emit(.assign)
            case UInt8(ascii: ":"):
                guard pos < input.count, input[pos] == UInt8(ascii: "=") else {
                    fail("expected :=")
                    return false
                }
                pos += 1
                emit(.declare)
            case UInt8(ascii: "|"):
                emit(.pipe)
            case UInt8(ascii: "\""):
                guard lexQuote() else { return false }
            case UInt8(ascii: "`"):
                guard lexRawQuote() else { return false }
            case UInt8(ascii: "$"):
                guard lexFieldOrVariable(.variable) else { return false }
            case UInt8(ascii: "'"):
                guard lexChar() else { return false }
            case UInt8(ascii: "."):
                if pos < input.count, !(input[pos] >= UInt8(ascii: "0") && input[pos] <= UInt8(ascii: "9")) {
                    guard lexFieldOrVariable(.field) else { return false }
                } else {
                    pos -= 1
                    guard lexNumber() else { return false }
                }
            case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                pos -= 1
                guard lexNumber() else { return false }
            case UInt8(ascii: "("):
                emit(.leftParen)
                parenDepth += 1
            case UInt8(ascii: ")"):
                emit(.rightParen)
                parenDepth -= 1
                if parenDepth < 0 {
                    fail("unexpected right paren U+0029 ')'")
                    return false
                }
            default:
                pos -= 1
                let (s, w) = scalar(at: pos)
                let r = s ?? Unicode.Scalar(0xFFFD)!
                if Self.isAlphaNumeric(r) {
                    guard lexIdentifier() else { return false }
                } else if r.value < 0x80 && r.value >= 0x20 && r.value != 0x7F {
                    pos += w
                    emit(.char)
                } else {
                    pos += w
                    fail("unrecognized character in action: \(GoFormat.unicodeNotation(r))")
                    return false
                }
            }
        }
    }

    private func atRightDelim() -> (Bool, Bool) {
        if hasPrefix("}}", at: pos) { return (true, false) }
        if hasRightTrimMarker(at: pos) && hasPrefix("}}", at: pos + 2) { return (true, true) }
        return (false, false)
    }

    private mutating func lexComment() -> Bool {
        pos += 2
        var i = pos
        var found = -1
        while i + 1 < input.count {
            if input[i] == UInt8(ascii: "*") && input[i + 1] == UInt8(ascii: "/") {
                found = i
                break
            }
            i += 1
        }
        guard found >= 0 else {
            fail("unclosed comment")
            return false
        }
        pos = found + 2
        let (delim, trimSpaces) = atRightDelim()
        guard delim else {
            fail("comment ends before closing delimiter")
            return false
        }
        if trimSpaces { pos += 2 }
        pos += 2
        if trimSpaces {
            while pos < input.count && Self.isSpace(input[pos]) { pos += 1 }
        }
        start = pos
        return true
    }

    /// Go's `isAlphaNumeric`: `_`, a Unicode letter or a decimal digit.
    static func isAlphaNumeric(_ r: Unicode.Scalar) -> Bool {
        if r == "_" { return true }
        switch r.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber:
            return true
        default:
            return false
        }
    }

    private func atTerminator() -> Bool {
        guard pos < input.count else { return true }
        let c = input[pos]
        if Self.isSpace(c) { return true }
        switch c {
        case UInt8(ascii: "."), UInt8(ascii: ","), UInt8(ascii: "|"), UInt8(ascii: ":"),
             UInt8(ascii: ")"), UInt8(ascii: "("), UInt8(ascii: "}"):
            return true
        default:
            return false
        }
    }

    private mutating func scanAlphaNumeric() {
        while true {
            let (s, w) = scalar(at: pos)
            guard let s, Self.isAlphaNumeric(s) else { return }
            pos += w
        }
    }

    private mutating func badCharacter() {
        let (s, _) = scalar(at: pos)
        let r = s.map { GoFormat.unicodeNotation($0) } ?? "U+FFFFFFFF"
        fail("bad character \(r)")
    }

    private mutating func lexIdentifier() -> Bool {
        scanAlphaNumeric()
        guard atTerminator() else {
            badCharacter()
            return false
        }
        let word = text(start, pos)
        if let k = Self.keywords[word] {
            emit(k)
        } else if word == "true" || word == "false" {
            emit(.bool)
        } else {
            emit(.identifier)
        }
        return true
    }

    /// `.Field` or `$var` (the `.` or `$` already consumed); `.` or `$` alone
    /// when nothing follows.
    private mutating func lexFieldOrVariable(_ kind: GoTemplateToken.Kind) -> Bool {
        if atTerminator() {
            emit(kind == .variable ? .variable : .dot)
            return true
        }
        scanAlphaNumeric()
        guard atTerminator() else {
            badCharacter()
            return false
        }
        emit(kind)
        return true
    }

    private mutating func lexChar() -> Bool {
        while true {
            guard pos < input.count else {
                fail("unterminated character constant")
                return false
            }
            let c = input[pos]
            pos += 1
            if c == UInt8(ascii: "\\") {
                guard pos < input.count, input[pos] != UInt8(ascii: "\n") else {
                    fail("unterminated character constant")
                    return false
                }
                pos += 1
            } else if c == UInt8(ascii: "\n") {
                fail("unterminated character constant")
                return false
            } else if c == UInt8(ascii: "'") {
                break
            }
        }
        emit(.charConstant)
        return true
    }

    private mutating func lexQuote() -> Bool {
        while true {
            guard pos < input.count else {
                fail("unterminated quoted string")
                return false
            }
            let c = input[pos]
            pos += 1
            if c == UInt8(ascii: "\\") {
                guard pos < input.count, input[pos] != UInt8(ascii: "\n") else {
                    fail("unterminated quoted string")
                    return false
                }
                pos += 1
            } else if c == UInt8(ascii: "\n") {
                fail("unterminated quoted string")
                return false
            } else if c == UInt8(ascii: "\"") {
                break
            }
        }
        emit(.string)
        return true
    }

    private mutating func lexRawQuote() -> Bool {
        while true {
            guard pos < input.count else {
                fail("unterminated raw quoted string")
                return false
            }
            let c = input[pos]
            pos += 1
            if c == UInt8(ascii: "`") { break }
        }
        emit(.rawString)
        return true
    }

    private mutating func accept(_ valid: String) -> Bool {
        guard pos < input.count, valid.utf8.contains(input[pos]) else { return false }
        pos += 1
        return true
    }

    private mutating func acceptRun(_ valid: String) {
        while pos < input.count, valid.utf8.contains(input[pos]) { pos += 1 }
    }

    private mutating func scanNumber() -> Bool {
        _ = accept("+-")
        var digits = "0123456789_"
        if accept("0") {
            if accept("xX") {
                digits = "0123456789abcdefABCDEF_"
            } else if accept("oO") {
                digits = "01234567_"
            } else if accept("bB") {
                digits = "01_"
            }
        }
        acceptRun(digits)
        if accept(".") { acceptRun(digits) }
        if digits.count == 11 && accept("eE") {
            _ = accept("+-")
            acceptRun("0123456789_")
        }
        if digits.count == 23 && accept("pP") {
            _ = accept("+-")
            acceptRun("0123456789_")
        }
        _ = accept("i")
        let (s, w) = scalar(at: pos)
        if let s, Self.isAlphaNumeric(s) {
            pos += w
            return false
        }
        return true
    }

    private mutating func lexNumber() -> Bool {
        guard scanNumber() else {
            fail("bad number syntax: \(GoFormat.quote(text(start, pos)))")
            return false
        }
        if pos < input.count, input[pos] == UInt8(ascii: "+") || input[pos] == UInt8(ascii: "-") {
            guard scanNumber(), input[pos - 1] == UInt8(ascii: "i") else {
                fail("bad number syntax: \(GoFormat.quote(text(start, pos)))")
                return false
            }
            emit(.complex)
        } else {
            emit(.number)
        }
        return true
    }
}
