import BigInt
import IR

extension Starlark {
    /// Turns source bytes into tokens with Python-style indentation
    /// (INDENT/OUTDENT/NEWLINE), implicit line joining inside brackets,
    /// every numeric and string literal form of the spec.
    public struct Lexer {
        let src: [UInt8]
        let lines: LineTable
        var pos = 0
        var depth = 0  // bracket nesting
        var indents: [Int] = [0]
        var pendingOutdents = 0
        var atLineStart = true
        var lastKind: TokenKind = .newline
        var emittedEOFNewline = false

        public init(file: String, source: [UInt8]) {
            self.src = source
            self.lines = LineTable(file: file, bytes: source)
        }

        init(lines: LineTable) {
            self.src = lines.bytes
            self.lines = lines
        }

        func error(_ msg: String, at offset: Int) -> Starlark.Error {
            Starlark.Error(kind: .syntax, message: msg, location: lines.location(at: offset))
        }

        @inline(__always) func peek(_ k: Int = 0) -> UInt8 {
            let i = pos + k
            return i < src.count ? src[i] : 0
        }

        /// Every token of the file, ending with EOF.
        public mutating func tokenize() throws(Starlark.Error) -> [Token] {
            var out: [Token] = []
            out.reserveCapacity(src.count / 3)
            while true {
                let t = try next()
                out.append(t)
                if t.kind == .eof { break }
            }
            return out
        }

        mutating func make(_ k: TokenKind, _ start: Int, _ v: TokenValue = .none) -> Token {
            lastKind = k
            return Token(kind: k, start: start, end: pos, value: v)
        }

        public mutating func next() throws(Starlark.Error) -> Token {
            if pendingOutdents > 0 {
                pendingOutdents -= 1
                return make(.outdent, pos)
            }
            if atLineStart && depth == 0 {
                // Measure indentation of the next non-blank, non-comment line.
                while true {
                    var col = 0
                    var p = pos
                    while p < src.count {
                        let c = src[p]
                        if c == 32 { col += 1 } else if c == 9 { col += 8 - col % 8 } else { break }
                        p += 1
                    }
                    if p >= src.count { pos = p; break }
                    let c = src[p]
                    if c == UInt8(ascii: "#") {
                        while p < src.count && src[p] != 10 { p += 1 }
                        if p < src.count { p += 1 }
                        pos = p
                        continue
                    }
                    if c == 10 { pos = p + 1; continue }
                    if c == 13 && p + 1 < src.count && src[p + 1] == 10 { pos = p + 2; continue }
                    if c == UInt8(ascii: "\\") && p + 1 < src.count && src[p + 1] == 10 {
                        pos = p + 2; continue
                    }
                    pos = p
                    atLineStart = false
                    let cur = indents.last!
                    if col > cur {
                        indents.append(col)
                        return make(.indent, pos)
                    } else if col < cur {
                        var n = 0
                        while let last = indents.last, last > col { indents.removeLast(); n += 1 }
                        if indents.last! != col {
                            throw error("unindent does not match any outer indentation level", at: pos)
                        }
                        pendingOutdents = n - 1
                        return make(.outdent, pos)
                    }
                    break
                }
                atLineStart = false
            }
            // skip spaces, comments, line continuations
            while pos < src.count {
                let c = src[pos]
                if c == 32 || c == 9 || c == 13 { pos += 1; continue }
                if c == UInt8(ascii: "\\") {
                    if peek(1) == 10 { pos += 2; continue }
                    if peek(1) == 13 && peek(2) == 10 { pos += 3; continue }
                    throw error("stray backslash in program", at: pos)
                }
                if c == UInt8(ascii: "#") {
                    while pos < src.count && src[pos] != 10 { pos += 1 }
                    continue
                }
                if c == 10 {
                    pos += 1
                    if depth > 0 { continue }
                    atLineStart = true
                    if lastKind == .newline || lastKind == .indent || lastKind == .outdent {
                        continue
                    }
                    return Token(kind: makeNewline(), start: pos - 1, end: pos, value: .none)  // at the '\n', as Go
                }
                break
            }
            if pos >= src.count {
                if depth == 0 && lastKind != .newline && lastKind != .outdent && lastKind != .indent && !emittedEOFNewline {
                    emittedEOFNewline = true
                    return make(.newline, pos)
                }
                if indents.count > 1 {
                    indents.removeLast()
                    return make(.outdent, pos)
                }
                return make(.eof, pos)
            }
            let start = pos
            let c = src[pos]
            // identifiers / keywords
            if isIdentStart(c) {
                while pos < src.count && isIdentPart(src[pos]) { pos += 1 }
                let name = String(decoding: src[start..<pos], as: UTF8.self)
                // string prefixes
                if pos < src.count && (src[pos] == 34 || src[pos] == 39) {
                    let lower = name.lowercased()
                    if lower == "r" || lower == "b" || lower == "rb" || lower == "br" {
                        return try scanString(start: start, raw: lower.contains("r"), isBytes: lower.contains("b"))
                    }
                }
                if let kw = TokenKind.keywords[name] {
                    return make(kw, start)
                }
                if TokenKind.reserved.contains(name) {
                    return make(.illegal, start, .name(name))
                }
                return make(.ident, start, .name(name))
            }
            if c >= 0x80 {
                // Unicode identifiers: letters beyond ASCII are allowed by go.starlark.net.
                while pos < src.count && (isIdentPart(src[pos]) || src[pos] >= 0x80) { pos += 1 }
                let name = String(decoding: src[start..<pos], as: UTF8.self)
                if let first = name.unicodeScalars.first, first.properties.isAlphabetic {
                    return make(.ident, start, .name(name))
                }
                pos = start
                throw error("unexpected input character \(quoteChar(name.unicodeScalars.first!))", at: start)
            }
            if isDigit(c) || (c == UInt8(ascii: ".") && isDigit(peek(1))) {
                return try scanNumber(start: start)
            }
            if c == 34 || c == 39 {
                return try scanString(start: start, raw: false, isBytes: false)
            }
            pos += 1
            let n1 = peek()
            switch c {
            case UInt8(ascii: "("): depth += 1; return make(.lparen, start)
            case UInt8(ascii: "["): depth += 1; return make(.lbrack, start)
            case UInt8(ascii: "{"): depth += 1; return make(.lbrace, start)
            case UInt8(ascii: ")"):
                if depth == 0 { throw error("unexpected ')'", at: start) }
                depth -= 1
                return make(.rparen, start)
            case UInt8(ascii: "]"):
                if depth == 0 { throw error("unexpected ']'", at: start) }
                depth -= 1
                return make(.rbrack, start)
            case UInt8(ascii: "}"):
                if depth == 0 { throw error("unexpected '}'", at: start) }
                depth -= 1
                return make(.rbrace, start)
            case UInt8(ascii: ","): return make(.comma, start)
            case UInt8(ascii: ";"): return make(.semi, start)
            case UInt8(ascii: ":"): return make(.colon, start)
            case UInt8(ascii: "."): return make(.dot, start)
            case UInt8(ascii: "~"): return make(.tilde, start)
            case UInt8(ascii: "+"): if n1 == 61 { pos += 1; return make(.pluseq, start) }; return make(.plus, start)
            case UInt8(ascii: "-"): if n1 == 61 { pos += 1; return make(.minuseq, start) }; return make(.minus, start)
            case UInt8(ascii: "*"):
                if n1 == 42 { pos += 1; return make(.starstar, start) }
                if n1 == 61 { pos += 1; return make(.stareq, start) }
                return make(.star, start)
            case UInt8(ascii: "/"):
                if n1 == 47 {
                    pos += 1
                    if peek() == 61 { pos += 1; return make(.slashslasheq, start) }
                    return make(.slashslash, start)
                }
                if n1 == 61 { pos += 1; return make(.slasheq, start) }
                return make(.slash, start)
            case UInt8(ascii: "%"): if n1 == 61 { pos += 1; return make(.percenteq, start) }; return make(.percent, start)
            case UInt8(ascii: "&"): if n1 == 61 { pos += 1; return make(.ampeq, start) }; return make(.amp, start)
            case UInt8(ascii: "|"): if n1 == 61 { pos += 1; return make(.pipeeq, start) }; return make(.pipe, start)
            case UInt8(ascii: "^"): if n1 == 61 { pos += 1; return make(.careteq, start) }; return make(.caret, start)
            case UInt8(ascii: "="): if n1 == 61 { pos += 1; return make(.eql, start) }; return make(.eq, start)
            case UInt8(ascii: "!"): if n1 == 61 { pos += 1; return make(.neq, start) }
            case UInt8(ascii: "<"):
                if n1 == 60 {
                    pos += 1
                    if peek() == 61 { pos += 1; return make(.ltlteq, start) }
                    return make(.ltlt, start)
                }
                if n1 == 61 { pos += 1; return make(.le, start) }
                return make(.lt, start)
            case UInt8(ascii: ">"):
                if n1 == 62 {
                    pos += 1
                    if peek() == 61 { pos += 1; return make(.gtgteq, start) }
                    return make(.gtgt, start)
                }
                if n1 == 61 { pos += 1; return make(.ge, start) }
                return make(.gt, start)
            default: break
            }
            pos = start
            throw error("unexpected input character \(quoteChar(Unicode.Scalar(c)))", at: start)
        }

        mutating func makeNewline() -> TokenKind {
            lastKind = .newline
            return .newline
        }

        /// The character as Go's `%q` quotes a rune (`'€'`, `'\x01'`, `'\u200b'`).
        func quoteChar(_ s: Unicode.Scalar) -> String {
            Starlark.Lexer.goQuoteRune(s)
        }

        /// Go's `strconv.QuoteRune`.
        static func goQuoteRune(_ s: Unicode.Scalar) -> String {
            let v = s.value
            switch v {
            case 0x07: return "'\\a'"
            case 0x08: return "'\\b'"
            case 0x0C: return "'\\f'"
            case 0x0A: return "'\\n'"
            case 0x0D: return "'\\r'"
            case 0x09: return "'\\t'"
            case 0x0B: return "'\\v'"
            case 0x5C: return "'\\\\'"
            case 0x27: return "'\\''"
            default: break
            }
            func hex(_ n: UInt32, _ width: Int) -> String {
                let h = String(n, radix: 16)
                return String(repeating: "0", count: max(0, width - h.count)) + h
            }
            if v < 0x20 || v == 0x7F { return "'\\x\(hex(v, 2))'" }
            if v < 0x80 { return "'\(Character(s))'" }
            let printable: Bool
            switch s.properties.generalCategory {
            case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator, .spaceSeparator:
                printable = false
            default:
                printable = true
            }
            if printable { return "'\(Character(s))'" }
            return v < 0x10000 ? "'\\u\(hex(v, 4))'" : "'\\U\(hex(v, 8))'"
        }

        @inline(__always) func isIdentStart(_ c: UInt8) -> Bool {
            (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c == 95
        }
        @inline(__always) func isIdentPart(_ c: UInt8) -> Bool {
            isIdentStart(c) || isDigit(c)
        }
        @inline(__always) func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

        mutating func scanNumber(start: Int) throws(Starlark.Error) -> Token {
            let c = src[pos]
            if c == UInt8(ascii: "0") && pos + 1 < src.count {
                let n = src[pos + 1] | 0x20
                var radix = 0
                if n == UInt8(ascii: "x") { radix = 16 } else if n == UInt8(ascii: "o") { radix = 8 } else if n == UInt8(ascii: "b") { radix = 2 }
                if radix != 0 {
                    pos += 2
                    let ds = pos
                    while pos < src.count && isHex(src[pos]) { pos += 1 }
                    let digits = String(decoding: src[ds..<pos], as: UTF8.self)
                    let what = radix == 16 ? "hex" : radix == 8 ? "octal" : "binary"
                    if digits.isEmpty || digits.hasPrefix("_") && digits.count == 1 { throw error("invalid \(what) literal", at: start) }
                    if pos < src.count && isIdentPart(src[pos]) { throw error("invalid \(what) literal", at: start) }
                    if digits.contains(where: { Int(String($0), radix: radix) == nil && $0 != "_" }) { throw error("invalid \(what) literal", at: start) }
                    if digits.contains("__") || digits.hasSuffix("_") { throw error("invalid \(what) literal", at: start) }
                    return try intToken(digits.replacingOccurrences(of: "_", with: ""), radix: radix, start: start)
                }
            }
            // decimal int or float
            var isFloat = false
            while pos < src.count && isDigit(src[pos]) { pos += 1 }
            if pos < src.count && src[pos] == UInt8(ascii: ".") {
                isFloat = true
                pos += 1
                while pos < src.count && isDigit(src[pos]) { pos += 1 }
            }
            if pos < src.count && (src[pos] | 0x20) == UInt8(ascii: "e") {
                let save = pos
                pos += 1
                if pos < src.count && (src[pos] == 43 || src[pos] == 45) { pos += 1 }
                if pos < src.count && isDigit(src[pos]) {
                    isFloat = true
                    while pos < src.count && isDigit(src[pos]) { pos += 1 }
                } else {
                    pos = save
                    throw error("invalid float literal", at: start)
                }
            }
            let text = String(decoding: src[start..<pos], as: UTF8.self)
            if isFloat {
                guard let d = Double(text) else { throw error("invalid float literal", at: start) }
                if !d.isFinite { throw error("invalid float literal", at: start) }
                return make(.float, start, .float(d))
            }
            if text.count > 1 && text.first == "0" {
                if text.allSatisfy({ $0 == "0" }) { return make(.int, start, .int(0)) }
                if text.allSatisfy({ $0 >= "0" && $0 <= "7" }) {
                    throw error("obsolete form of octal literal; use 0o\(text.dropFirst())", at: start)
                }
                throw error("invalid int literal", at: start)
            }
            return try intToken(text, radix: 10, start: start)
        }

        func isHex(_ c: UInt8) -> Bool {
            isDigit(c) || ((c | 0x20) >= 97 && (c | 0x20) <= 102)
        }

        mutating func intToken(_ digits: String, radix: Int, start: Int) throws(Starlark.Error) -> Token {
            if let v = Int(digits, radix: radix) { return make(.int, start, .int(v)) }
            guard let b = Universe.parseBig(digits, radix: radix) else { throw error("invalid int literal", at: start) }
            return make(.int, start, .bigInt(b))
        }

        mutating func scanString(start: Int, raw: Bool, isBytes: Bool) throws(Starlark.Error) -> Token {
            let quote = src[pos]
            let quoteStart = pos  // go.starlark.net reports escape errors at the opening quote
            var triple = false
            if peek(1) == quote && peek(2) == quote {
                triple = true
                pos += 3
            } else {
                pos += 1
            }
            var out: [UInt8] = []
            while true {
                if pos >= src.count {
                    throw error("unexpected EOF in string", at: start)
                }
                let c = src[pos]
                if c == quote {
                    if !triple { pos += 1; break }
                    if peek(1) == quote && peek(2) == quote { pos += 3; break }
                    out.append(c); pos += 1; continue
                }
                if c == 10 && !triple {
                    throw error("unexpected newline in string", at: start)
                }
                if c == 13 && peek(1) == 10 && triple { pos += 1; continue }
                if c != UInt8(ascii: "\\") {
                    out.append(c); pos += 1; continue
                }
                // backslash
                if raw {
                    // raw: keep the backslash; a following quote or backslash does not end the string.
                    let n = peek(1)
                    if n == 10 { out.append(92); out.append(10); pos += 2; continue }
                    out.append(92)
                    pos += 1
                    if pos < src.count { out.append(src[pos]); pos += 1 }
                    continue
                }
                let escStart = pos
                pos += 1
                if pos >= src.count { throw error("unexpected EOF in string", at: start) }
                let e = src[pos]
                pos += 1
                switch e {
                case 10: continue  // line continuation
                case 13 where peek() == 10: pos += 1; continue
                case UInt8(ascii: "a"): out.append(7)
                case UInt8(ascii: "b"): out.append(8)
                case UInt8(ascii: "f"): out.append(12)
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "v"): out.append(11)
                case UInt8(ascii: "\\"): out.append(92)
                case UInt8(ascii: "'"): out.append(39)
                case UInt8(ascii: "\""): out.append(34)
                case 48...55:
                    var v = Int(e - 48)
                    var n = 1
                    while n < 3 && pos < src.count && src[pos] >= 48 && src[pos] <= 55 {
                        v = v * 8 + Int(src[pos] - 48); pos += 1; n += 1
                    }
                    if !isBytes && v > 127 { throw error("non-ASCII octal escape \\\(String(decoding: src[escStart + 1..<pos], as: UTF8.self)) (use \\u\(hex4(v)) for the UTF-8 encoding of U+\(hex4(v)))", at: quoteStart) }
                    if v > 255 { throw error("invalid escape sequence \\\(String(decoding: src[escStart + 1..<pos], as: UTF8.self))", at: quoteStart) }
                    out.append(UInt8(v))
                case UInt8(ascii: "x"):
                    guard pos + 2 <= src.count, isHex(src[pos]), isHex(src[pos + 1]) else {
                        throw escapeError(escStart, digits: 2, quote: quote, triple: triple, at: quoteStart)
                    }
                    let v = Int(String(decoding: src[pos..<pos + 2], as: UTF8.self), radix: 16)!
                    if !isBytes && v > 127 { throw error("non-ASCII hex escape \\x\(String(decoding: src[pos..<pos + 2], as: UTF8.self)) (use \\u\(hex4(v)) for the UTF-8 encoding of U+\(hex4(v)))", at: quoteStart) }
                    pos += 2
                    out.append(UInt8(v))
                case UInt8(ascii: "u"), UInt8(ascii: "U"):
                    let n = e == UInt8(ascii: "u") ? 4 : 8
                    guard pos + n <= src.count, src[pos..<pos + n].allSatisfy(isHex) else {
                        throw escapeError(escStart, digits: n, quote: quote, triple: triple, at: quoteStart)
                    }
                    let v = UInt32(String(decoding: src[pos..<pos + n], as: UTF8.self), radix: 16)!
                    pos += n
                    if v > 0x10FFFF {
                        throw error("code point out of range: \(String(decoding: src[escStart..<pos], as: UTF8.self)) (max \\U\(String(repeating: "0", count: max(0, 8 - String(v, radix: 16).count)))\(String(v, radix: 16)))", at: quoteStart)  // sic: Go prints the value, not the max
                    }
                    guard let sc = Unicode.Scalar(v) else {
                        throw error("invalid Unicode code point U+\(String(v, radix: 16, uppercase: true))", at: quoteStart)
                    }
                    out.append(contentsOf: Array(String(Character(sc)).utf8))
                default:
                    throw error("invalid escape sequence \\\(Character(Unicode.Scalar(e)))", at: quoteStart)
                }
            }
            return make(isBytes ? .bytes : .string, start, .bytes(out))
        }

        /// A `\\x`, `\\u` or `\\U` escape without its hex digits: "truncated" when the
        /// literal ends first, otherwise "invalid" (as go.starlark.net's unquote).
        func escapeError(_ escStart: Int, digits: Int, quote: UInt8, triple: Bool, at errorPos: Int) -> Starlark.Error {
            var end = escStart + 2
            while end < min(escStart + 2 + digits, src.count) {
                let c = src[end]
                if c == quote && (!triple || (end + 2 < src.count && src[end + 1] == quote && src[end + 2] == quote)) { break }
                if c == 10 && !triple { break }
                end += 1
            }
            let text = String(decoding: src[escStart..<end], as: UTF8.self)
            return error(end < escStart + 2 + digits ? "truncated escape sequence \(text)" : "invalid escape sequence \(text)", at: errorPos)
        }

        func hex4(_ v: Int) -> String {
            let s = String(v, radix: 16, uppercase: false)
            return String(repeating: "0", count: max(0, 4 - s.count)) + s
        }
    }
}
