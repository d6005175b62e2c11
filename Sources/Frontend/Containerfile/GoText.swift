import TextTemplate

/// Text helpers that reproduce the Go standard library functions BuildKit's
/// Dockerfile parser is built on (`unicode.IsSpace`, `strings.TrimSpace`,
/// `utf8.DecodeRune`, `strconv.Quote`), so that openrun splits and prints
/// exactly where BuildKit does.
enum GoText {
    /// Go's `unicode.IsSpace`.
    @inline(__always)
    static func isSpace(_ r: UInt32) -> Bool {
        if r <= 0xFF {
            switch r {
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0: return true
            default: return false
            }
        }
        switch r {
        case 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
        default: return false
        }
    }

    /// Go's `unicode.IsSpace(rune(b))` applied to a single byte (BuildKit does
    /// this byte-wise in a few places, which treats 0x85 and 0xA0 as spaces).
    @inline(__always)
    static func isSpaceByte(_ b: UInt8) -> Bool {
        switch b {
        case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0: return true
        default: return false
        }
    }

    /// One of the bytes of the `[\t\v\f\r ]` class BuildKit splits words on.
    @inline(__always)
    static func isRegexWhitespace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0B || b == 0x0C || b == 0x0D
    }

    /// Go's `utf8.DecodeRune`: the rune at `i` and its width; an invalid
    /// sequence decodes as U+FFFD with width 1.
    @inline(__always)
    static func decodeRune(_ s: [UInt8], _ i: Int) -> (UInt32, Int) {
        let b0 = s[i]
        if b0 < 0x80 { return (UInt32(b0), 1) }
        let n = s.count
        func cont(_ j: Int) -> UInt32? {
            guard j < n, s[j] & 0xC0 == 0x80 else { return nil }
            return UInt32(s[j] & 0x3F)
        }
        if b0 >= 0xC2 && b0 <= 0xDF {
            if let c1 = cont(i + 1) { return ((UInt32(b0 & 0x1F) << 6) | c1, 2) }
        } else if b0 >= 0xE0 && b0 <= 0xEF {
            if i + 1 < n {
                let b1 = s[i + 1]
                let ok = (b0 == 0xE0) ? (b1 >= 0xA0 && b1 <= 0xBF) : (b0 == 0xED) ? (b1 >= 0x80 && b1 <= 0x9F) : (b1 & 0xC0 == 0x80)
                if ok, let c2 = cont(i + 2) {
                    return ((UInt32(b0 & 0x0F) << 12) | (UInt32(b1 & 0x3F) << 6) | c2, 3)
                }
            }
        } else if b0 >= 0xF0 && b0 <= 0xF4 {
            if i + 1 < n {
                let b1 = s[i + 1]
                let ok = (b0 == 0xF0) ? (b1 >= 0x90 && b1 <= 0xBF) : (b0 == 0xF4) ? (b1 >= 0x80 && b1 <= 0x8F) : (b1 & 0xC0 == 0x80)
                if ok, let c2 = cont(i + 2), let c3 = cont(i + 3) {
                    return ((UInt32(b0 & 0x07) << 18) | (UInt32(b1 & 0x3F) << 12) | (c2 << 6) | c3, 4)
                }
            }
        }
        return (0xFFFD, 1)
    }

    /// Decodes the last rune ending before `end` (Go's `utf8.DecodeLastRune`, simplified).
    static func lastRuneStart(_ s: [UInt8], _ start: Int, _ end: Int) -> Int {
        var j = end - 1
        var steps = 0
        while j > start && s[j] & 0xC0 == 0x80 && steps < 3 { j -= 1; steps += 1 }
        let (_, w) = decodeRune(s, j)
        return j + w == end ? j : end - 1
    }

    /// Appends the UTF-8 encoding of `r` (Go's `utf8.AppendRune`; invalid runes become U+FFFD).
    @inline(__always)
    static func appendRune(_ out: inout [UInt8], _ r: UInt32) {
        var r = r
        if r > 0x10FFFF || (r >= 0xD800 && r <= 0xDFFF) { r = 0xFFFD }
        if r < 0x80 {
            out.append(UInt8(r))
        } else if r < 0x800 {
            out.append(UInt8(0xC0 | (r >> 6)))
            out.append(UInt8(0x80 | (r & 0x3F)))
        } else if r < 0x10000 {
            out.append(UInt8(0xE0 | (r >> 12)))
            out.append(UInt8(0x80 | ((r >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (r & 0x3F)))
        } else {
            out.append(UInt8(0xF0 | (r >> 18)))
            out.append(UInt8(0x80 | ((r >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((r >> 6) & 0x3F)))
            out.append(UInt8(0x80 | (r & 0x3F)))
        }
    }

    /// Go's `strings.TrimSpace` on a byte range: the trimmed range.
    static func trimSpace(_ s: [UInt8], _ start: Int, _ end: Int) -> (Int, Int) {
        var a = start
        while a < end {
            let (r, w) = decodeRune(s, a)
            if !isSpace(r) { break }
            a += w
        }
        var b = end
        while b > a {
            let j = lastRuneStart(s, a, b)
            let (r, _) = decodeRune(s, j)
            if !isSpace(r) { break }
            b = j
        }
        return (a, b)
    }

    /// Go's `bytes.TrimLeftFunc(s, unicode.IsSpace)`: the new start.
    static func trimLeftSpace(_ s: [UInt8], _ start: Int, _ end: Int) -> Int {
        var a = start
        while a < end {
            let (r, w) = decodeRune(s, a)
            if !isSpace(r) { break }
            a += w
        }
        return a
    }

    /// A string from UTF-8 bytes (invalid sequences become U+FFFD).
    @inline(__always)
    static func string(_ s: ArraySlice<UInt8>) -> String {
        String(decoding: s, as: UTF8.self)
    }

    /// Go's `strconv.Quote`.
    static func quote(_ s: String) -> String { GoStrconv.quote(s) }

    /// Go's `%q` of a `[]string`: `["a" "b"]`.
    static func quoteList(_ items: [String]) -> String {
        "[" + items.map(quote).joined(separator: " ") + "]"
    }

    /// Go's `unicode.IsPrint`.
    static func isPrint(_ u: Unicode.Scalar) -> Bool { GoStrconv.isPrint(u) }
}
