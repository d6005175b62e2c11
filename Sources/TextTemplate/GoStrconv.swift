/// Go's `strconv.Quote`, `strconv.QuoteRune` and `unicode.IsPrint`, with Go's
/// exact output: used wherever openrun repeats Go's wording (Containerfile
/// errors and dumps as BuildKit prints them, templates as text/template does).
package enum GoStrconv {
    /// strconv.Quote.
    package static func quote(_ s: String, asciiOnly: Bool = false) -> String {
        var out = "\""
        for r in s.unicodeScalars { appendEscaped(&out, r, quote: "\"", asciiOnly: asciiOnly) }
        out += "\""
        return out
    }

    /// strconv.QuoteRune.
    package static func quoteRune(_ value: Int, asciiOnly: Bool = false) -> String {
        let r = Unicode.Scalar(UInt32(truncatingIfNeeded: max(0, value))) ?? Unicode.Scalar(0xFFFD)!
        var out = "'"
        appendEscaped(&out, (value < 0 || value > 0x10FFFF) ? Unicode.Scalar(0xFFFD)! : r, quote: "'", asciiOnly: asciiOnly)
        out += "'"
        return out
    }

    /// unicode.IsPrint: letters, marks, numbers, punctuation, symbols and ASCII space.
    package static func isPrint(_ r: Unicode.Scalar) -> Bool {
        if r == " " { return true }
        switch r.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark,
             .decimalNumber, .letterNumber, .otherNumber,
             .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation,
             .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }

    static let lowerHex = Array("0123456789abcdef")

    static func hex(_ v: UInt32, digits: Int) -> String {
        var s = ""
        for i in stride(from: digits - 1, through: 0, by: -1) {
            s.append(lowerHex[Int((v >> (UInt32(i) * 4)) & 0xF)])
        }
        return s
    }

    static func appendEscaped(_ out: inout String, _ r: Unicode.Scalar, quote: Unicode.Scalar, asciiOnly: Bool) {
        if r == quote || r == "\\" {
            out += "\\"
            out.unicodeScalars.append(r)
            return
        }
        if asciiOnly ? (r.value < 0x80 && isPrint(r)) : isPrint(r) {
            out.unicodeScalars.append(r)
            return
        }
        switch r {
        case "\u{07}": out += "\\a"
        case "\u{08}": out += "\\b"
        case "\u{0C}": out += "\\f"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\u{0B}": out += "\\v"
        default:
            if r.value < 0x20 || r.value == 0x7F {
                out += "\\x" + hex(r.value, digits: 2)
            } else if r.value < 0x10000 {
                out += "\\u" + hex(r.value, digits: 4)
            } else {
                out += "\\U" + hex(r.value, digits: 8)
            }
        }
    }

    /// `%#U`: `U+0029 ')'` (the character only when printable).
}
