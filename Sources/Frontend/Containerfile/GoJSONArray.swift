/// Decodes the JSON (exec) form of an instruction the way BuildKit does:
/// Go's `json.NewDecoder(...).Decode(&[]any)` followed by a check that every
/// element is a string. Text after the closing `]` is ignored (the decoder
/// stops at the end of the first value), a syntax error or an incomplete
/// array means "not JSON" (the instruction falls back to the shell form),
/// and a well-formed array holding anything but strings is an error.
enum GoJSONArray {
    enum Result: Equatable {
        case strings([String])
        /// Well-formed, but an element is not a string.
        case notStringArray
        /// Not a JSON array (syntax error, incomplete, number out of range):
        /// the caller falls back to the shell form.
        case notJSON
    }

    static let maxDepth = 10_000

    /// Decodes `s[start..<end]`, which starts with `[` after leading spaces.
    static func decode(_ s: [UInt8], _ start: Int, _ end: Int) -> Result {
        var i = start
        guard i < end, s[i] == UInt8(ascii: "[") else { return .notJSON }
        i += 1
        var values: [String] = []
        var nonString = false
        var overflow = false
        skipWS(s, &i, end)
        guard i < end else { return .notJSON }
        if s[i] == UInt8(ascii: "]") { return .strings([]) }
        while true {
            skipWS(s, &i, end)
            guard i < end else { return .notJSON }
            if s[i] == UInt8(ascii: "\"") {
                guard let str = scanString(s, &i, end, decode: true) else { return .notJSON }
                values.append(str)
            } else {
                nonString = true
                guard skipNested(s, &i, end, overflow: &overflow) else { return .notJSON }
            }
            skipWS(s, &i, end)
            guard i < end else { return .notJSON }
            if s[i] == UInt8(ascii: ",") { i += 1; continue }
            if s[i] == UInt8(ascii: "]") { break }
            return .notJSON
        }
        if overflow { return .notJSON }
        if nonString { return .notStringArray }
        return .strings(values)
    }

    @inline(__always)
    private static func skipWS(_ s: [UInt8], _ i: inout Int, _ end: Int) {
        while i < end {
            let c = s[i]
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { i += 1 } else { break }
        }
    }

    /// Scans a string starting at the opening quote; returns its decoded value
    /// (or "" when `decode` is false), nil on a syntax error.
    private static func scanString(_ s: [UInt8], _ i: inout Int, _ end: Int, decode: Bool) -> String? {
        i += 1
        var out: [UInt8] = []
        while i < end {
            let c = s[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                return decode ? String(decoding: out, as: UTF8.self) : ""
            }
            if c < 0x20 { return nil }
            if c == UInt8(ascii: "\\") {
                i += 1
                guard i < end else { return nil }
                let e = s[i]
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"):
                    out.append(e); i += 1
                case UInt8(ascii: "b"): out.append(0x08); i += 1
                case UInt8(ascii: "f"): out.append(0x0C); i += 1
                case UInt8(ascii: "n"): out.append(0x0A); i += 1
                case UInt8(ascii: "r"): out.append(0x0D); i += 1
                case UInt8(ascii: "t"): out.append(0x09); i += 1
                case UInt8(ascii: "u"):
                    guard let r = hex4(s, i + 1, end) else { return nil }
                    i += 5
                    var rune = r
                    if r >= 0xD800 && r < 0xDC00 {
                        // A high surrogate combines with a following \uDC00-\uDFFF.
                        if i + 1 < end, s[i] == UInt8(ascii: "\\"), s[i + 1] == UInt8(ascii: "u"),
                           let r2 = hex4(s, i + 2, end), r2 >= 0xDC00 && r2 < 0xE000 {
                            rune = 0x10000 + ((r - 0xD800) << 10) + (r2 - 0xDC00)
                            i += 6
                        } else {
                            rune = 0xFFFD
                        }
                    } else if r >= 0xDC00 && r < 0xE000 {
                        rune = 0xFFFD
                    }
                    GoText.appendRune(&out, rune)
                default:
                    return nil
                }
                continue
            }
            if c < 0x80 {
                out.append(c); i += 1
            } else {
                let (r, w) = GoText.decodeRune(s, i)
                GoText.appendRune(&out, r)
                i += w
            }
        }
        return nil
    }

    private static func hex4(_ s: [UInt8], _ i: Int, _ end: Int) -> UInt32? {
        guard i + 4 <= end else {
            // Validate what is there so an invalid digit is a syntax error either way.
            return nil
        }
        var v: UInt32 = 0
        for j in i..<(i + 4) {
            let c = s[j]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default: return nil
            }
            v = v << 4 | d
        }
        return v
    }

    /// Scans a literal or number; sets `overflow` when a number does not fit a float64.
    private static func scanScalar(_ s: [UInt8], _ i: inout Int, _ end: Int, overflow: inout Bool) -> Bool {
        let c = s[i]
        for lit in ["true", "false", "null"] where c == lit.utf8.first! {
            for b in lit.utf8 {
                guard i < end, s[i] == b else { return false }
                i += 1
            }
            return true
        }
        let start = i
        if s[i] == UInt8(ascii: "-") { i += 1 }
        guard i < end else { return false }
        if s[i] == UInt8(ascii: "0") {
            i += 1
        } else if s[i] >= UInt8(ascii: "1") && s[i] <= UInt8(ascii: "9") {
            while i < end && isDigit(s[i]) { i += 1 }
        } else {
            return false
        }
        if i < end && s[i] == UInt8(ascii: ".") {
            i += 1
            guard i < end, isDigit(s[i]) else { return false }
            while i < end && isDigit(s[i]) { i += 1 }
        }
        if i < end && (s[i] == UInt8(ascii: "e") || s[i] == UInt8(ascii: "E")) {
            i += 1
            if i < end && (s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-")) { i += 1 }
            guard i < end, isDigit(s[i]) else { return false }
            while i < end && isDigit(s[i]) { i += 1 }
        }
        // The number must be followed by something (the decoder needs to see its end).
        guard i < end else { return false }
        let text = String(decoding: s[start..<i], as: UTF8.self)
        if let d = Double(text), d.isInfinite { overflow = true }
        return true
    }

    @inline(__always)
    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    /// Skips one value that is not a string at the top level (possibly nested), iteratively.
    private static func skipNested(_ s: [UInt8], _ i: inout Int, _ end: Int, overflow: inout Bool) -> Bool {
        var stack: [UInt8] = []
        // Depth of the enclosing top-level array.
        let baseDepth = 1
        enum State { case value, key, after }
        var state = State.value
        while true {
            switch state {
            case .value:
                skipWS(s, &i, end)
                guard i < end else { return false }
                let c = s[i]
                if c == UInt8(ascii: "\"") {
                    guard scanString(s, &i, end, decode: false) != nil else { return false }
                    state = .after
                } else if c == UInt8(ascii: "[") || c == UInt8(ascii: "{") {
                    stack.append(c)
                    if stack.count + baseDepth > maxDepth { return false }
                    i += 1
                    skipWS(s, &i, end)
                    guard i < end else { return false }
                    if c == UInt8(ascii: "[") && s[i] == UInt8(ascii: "]") {
                        stack.removeLast(); i += 1; state = .after
                    } else if c == UInt8(ascii: "{") && s[i] == UInt8(ascii: "}") {
                        stack.removeLast(); i += 1; state = .after
                    } else {
                        state = c == UInt8(ascii: "[") ? .value : .key
                    }
                } else {
                    guard scanScalar(s, &i, end, overflow: &overflow) else { return false }
                    state = .after
                }
            case .key:
                skipWS(s, &i, end)
                guard i < end, s[i] == UInt8(ascii: "\"") else { return false }
                guard scanString(s, &i, end, decode: false) != nil else { return false }
                skipWS(s, &i, end)
                guard i < end, s[i] == UInt8(ascii: ":") else { return false }
                i += 1
                state = .value
            case .after:
                guard let top = stack.last else { return true }
                skipWS(s, &i, end)
                guard i < end else { return false }
                let c = s[i]
                if c == UInt8(ascii: ",") {
                    i += 1
                    state = top == UInt8(ascii: "[") ? .value : .key
                } else if (c == UInt8(ascii: "]") && top == UInt8(ascii: "[")) || (c == UInt8(ascii: "}") && top == UInt8(ascii: "{")) {
                    i += 1
                    stack.removeLast()
                } else {
                    return false
                }
            }
        }
    }
}
