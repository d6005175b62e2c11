/// A plain data value as Starlark and params produce it: what the IR records
/// for param values, app settings, permission arguments and recorded calls.
///
/// Encodes as the natural JSON value. Dictionaries keep their entries in the
/// order given (the lowering sorts where OpenRun's behaviour is order-free).
public enum IRValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    /// An integer too large for `Int`, kept as its decimal digits.
    case bigInt(String)
    case float(Double)
    case string(String)
    case list([IRValue])
    case dict([IRValue.Entry])

    /// One key/value pair of a dictionary (keys are strings in everything the IR records).
    public struct Entry: Hashable, Sendable, Codable {
        public var key: String
        public var value: IRValue
        public init(_ key: String, _ value: IRValue) {
            self.key = key
            self.value = value
        }
    }

    /// The string form the container sees in its environment, as OpenRun passes
    /// params: strings as is, numbers and booleans in Starlark's `str()` form
    /// (`True`/`False` become `true`/`false` as Go's JSON would not; OpenRun uses
    /// `fmt.Sprint` which prints `true`/`false`), lists and dicts as JSON with
    /// sorted keys.
    public var environmentString: String {
        switch self {
        case .null: return ""
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .bigInt(let s): return s
        case .float(let d): return IRValue.formatFloat(d)
        case .string(let s): return s
        case .list, .dict: return canonicalJSON
        }
    }

    /// Compact JSON with dictionary keys sorted (byte order), no spaces.
    public var canonicalJSON: String {
        var out = ""
        writeJSON(into: &out, sortKeys: true)
        return out
    }

    func writeJSON(into out: inout String, sortKeys: Bool) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .bigInt(let s): out += s
        case .float(let d): out += IRValue.formatFloat(d)
        case .string(let s): IRValue.writeJSONString(s, into: &out)
        case .list(let items):
            out += "["
            for (i, v) in items.enumerated() {
                if i > 0 { out += "," }
                v.writeJSON(into: &out, sortKeys: sortKeys)
            }
            out += "]"
        case .dict(let entries):
            let ordered = sortKeys ? entries.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) } : entries
            out += "{"
            for (i, e) in ordered.enumerated() {
                if i > 0 { out += "," }
                IRValue.writeJSONString(e.key, into: &out)
                out += ":"
                e.value.writeJSON(into: &out, sortKeys: sortKeys)
            }
            out += "}"
        }
    }

    static func formatFloat(_ d: Double) -> String {
        if d.isNaN || d.isInfinite { return "null" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int(d)) }
        return String(d)
    }

    static func writeJSONString(_ s: String, into out: inout String, escapeHTML: Bool = true) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<" where escapeHTML: out += "\\u003c"   // as Go's encoding/json does
            case ">" where escapeHTML: out += "\\u003e"
            case "&" where escapeHTML: out += "\\u0026"
            default:
                if u.value < 0x20 || u.value == 0x2028 || u.value == 0x2029 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }
}

extension IRValue: Codable {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null; return }
        if let b = try? c.decode(Bool.self) { self = .bool(b); return }
        if let i = try? c.decode(Int.self) { self = .int(i); return }
        if let d = try? c.decode(Double.self) { self = .float(d); return }
        if let s = try? c.decode(String.self) { self = .string(s); return }
        if let l = try? c.decode([IRValue].self) { self = .list(l); return }
        let d = try c.decode([String: IRValue].self)
        self = .dict(d.keys.sorted().map { Entry($0, d[$0]!) })
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var c = encoder.singleValueContainer()
            try c.encodeNil()
        case .bool(let b):
            var c = encoder.singleValueContainer()
            try c.encode(b)
        case .int(let i):
            var c = encoder.singleValueContainer()
            try c.encode(i)
        case .bigInt(let s):
            var c = encoder.singleValueContainer()
            try c.encode(s)
        case .float(let d):
            var c = encoder.singleValueContainer()
            try c.encode(d)
        case .string(let s):
            var c = encoder.singleValueContainer()
            try c.encode(s)
        case .list(let items):
            var c = encoder.unkeyedContainer()
            for v in items { try c.encode(v) }
        case .dict(let entries):
            var c = encoder.container(keyedBy: DynamicKey.self)
            for e in entries { try c.encode(e.value, forKey: DynamicKey(e.key)) }
        }
    }
}

/// A coding key made from a runtime string.
struct DynamicKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ s: String) { stringValue = s }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
