

/// A strict JSON (RFC 8259) reader producing `IRValue`s, for LIST and DICT
/// params given on the command line. Object keys keep their order; a
/// duplicate key is an error. Errors name the byte offset they occur at.
public struct JSONValueReader {
    public struct Failure: Error, Equatable {
        public var offset: Int
        public var message: String
    }

    private let bytes: [UInt8]
    private var i = 0
    private var depth = 0

    public static func parse(_ text: String) -> Result<IRValue, Failure> {
        var r = JSONValueReader(bytes: Array(text.utf8))
        do {
            r.skipSpace()
            let v = try r.value()
            r.skipSpace()
            if r.i != r.bytes.count { throw Failure(offset: r.i, message: "unexpected \(r.describeCurrent()) after the JSON value") }
            return .success(v)
        } catch let f as Failure {
            return .failure(f)
        } catch {
            return .failure(Failure(offset: 0, message: "\(error)"))
        }
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private func describeCurrent() -> String {
        guard i < bytes.count else { return "end of input" }
        let b = bytes[i]
        if b >= 0x20 && b < 0x7f { return "'\(Character(Unicode.Scalar(b)))'" }
        return "byte 0x\(String(b, radix: 16))"
    }

    private mutating func skipSpace() {
        while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
    }

    private mutating func value() throws -> IRValue {
        guard i < bytes.count else { throw Failure(offset: i, message: "unexpected end of input, expected a JSON value") }
        switch bytes[i] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw Failure(offset: i, message: "unexpected \(describeCurrent()), expected a JSON value")
        }
    }

    private mutating func literal(_ word: String) throws {
        let w = Array(word.utf8)
        guard i + w.count <= bytes.count, Array(bytes[i..<i + w.count]) == w else {
            throw Failure(offset: i, message: "invalid literal, expected \(word)")
        }
        i += w.count
    }

    private mutating func nest() throws {
        depth += 1
        if depth > 512 { throw Failure(offset: i, message: "JSON nested too deeply") }
    }

    private mutating func object() throws -> IRValue {
        try nest(); defer { depth -= 1 }
        i += 1
        var entries: [IRValue.Entry] = []
        var seen = Set<String>()
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return .dict(entries) }
        while true {
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw Failure(offset: i, message: "unexpected \(describeCurrent()), expected a string key") }
            let keyOffset = i
            let key = try string()
            guard seen.insert(key).inserted else { throw Failure(offset: keyOffset, message: "duplicate key \"\(key)\"") }
            skipSpace()
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw Failure(offset: i, message: "unexpected \(describeCurrent()), expected ':'") }
            i += 1
            skipSpace()
            entries.append(IRValue.Entry(key, try value()))
            skipSpace()
            guard i < bytes.count else { throw Failure(offset: i, message: "unexpected end of input, expected ',' or '}'") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "}") { i += 1; return .dict(entries) }
            throw Failure(offset: i, message: "unexpected \(describeCurrent()), expected ',' or '}'")
        }
    }

    private mutating func array() throws -> IRValue {
        try nest(); defer { depth -= 1 }
        i += 1
        var items: [IRValue] = []
        skipSpace()
        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return .list(items) }
        while true {
            skipSpace()
            items.append(try value())
            skipSpace()
            guard i < bytes.count else { throw Failure(offset: i, message: "unexpected end of input, expected ',' or ']'") }
            if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
            if bytes[i] == UInt8(ascii: "]") { i += 1; return .list(items) }
            throw Failure(offset: i, message: "unexpected \(describeCurrent()), expected ',' or ']'")
        }
    }

    private mutating func hex4() throws -> UInt32 {
        guard i + 4 <= bytes.count else { throw Failure(offset: i, message: "truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[i]
            let d: UInt32
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(b - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(b - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(b - UInt8(ascii: "A") + 10)
            default: throw Failure(offset: i, message: "invalid hex digit in \\u escape")
            }
            v = v * 16 + d
            i += 1
        }
        return v
    }

    private mutating func string() throws -> String {
        let start = i
        i += 1
        var out: [UInt8] = []
        while true {
            guard i < bytes.count else { throw Failure(offset: start, message: "unterminated string") }
            let b = bytes[i]
            if b == UInt8(ascii: "\"") { i += 1; break }
            if b < 0x20 { throw Failure(offset: i, message: "control character in string; escape it") }
            if b != UInt8(ascii: "\\") { out.append(b); i += 1; continue }
            i += 1
            guard i < bytes.count else { throw Failure(offset: i, message: "unterminated escape") }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar), i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
                    i += 2
                    let low = try hex4()
                    if (0xDC00..<0xE000).contains(low) {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else {
                        scalar = 0xFFFD
                    }
                }
                let u = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                out.append(contentsOf: Array(String(u).utf8))
            default:
                throw Failure(offset: i - 1, message: "invalid escape \\\(Character(Unicode.Scalar(e)))")
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func number() throws -> IRValue {
        let start = i
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        func digits() -> Int {
            let s = i
            while i < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) { i += 1 }
            return i - s
        }
        guard i < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) else {
            throw Failure(offset: i, message: "invalid number")
        }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
            if i < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[i]) {
                throw Failure(offset: start, message: "invalid number: leading zero")
            }
        } else {
            _ = digits()
        }
        var isFloat = false
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            isFloat = true
            guard digits() > 0 else { throw Failure(offset: i, message: "invalid number: digits expected after '.'") }
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            isFloat = true
            if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard digits() > 0 else { throw Failure(offset: i, message: "invalid number: digits expected in exponent") }
        }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        if !isFloat {
            if let n = Int(text) { return .int(n) }
            return .bigInt(text)
        }
        guard let d = Double(text), d.isFinite else { throw Failure(offset: start, message: "number out of range") }
        return .float(d)
    }
}
