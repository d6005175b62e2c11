extension IRValue {
    /// Pretty JSON: two-space indentation, `"key": value`, entries in their
    /// order (`IRValueEncoder` sorts a type's own fields), `[]`/`{}` for empty
    /// containers, floats always with a fraction or exponent (`2.0`), a
    /// trailing newline. Deterministic and lossless: `JSONValueReader` reads
    /// back the same value.
    public var prettyJSON: String {
        var out = ""
        writePretty(into: &out, indent: 0)
        out += "\n"
        return out
    }

    private func writePretty(into out: inout String, indent: Int) {
        let pad = String(repeating: "  ", count: indent + 1)
        let closePad = String(repeating: "  ", count: indent)
        switch self {
        case .list(let items) where !items.isEmpty:
            out += "[\n"
            for (i, v) in items.enumerated() {
                out += pad
                v.writePretty(into: &out, indent: indent + 1)
                out += i + 1 < items.count ? ",\n" : "\n"
            }
            out += closePad + "]"
        case .dict(let entries) where !entries.isEmpty:
            let sorted = entries
            out += "{\n"
            for (i, e) in sorted.enumerated() {
                out += pad
                IRValue.writeJSONString(e.key, into: &out, escapeHTML: false)
                out += ": "
                e.value.writePretty(into: &out, indent: indent + 1)
                out += i + 1 < sorted.count ? ",\n" : "\n"
            }
            out += closePad + "}"
        case .string(let s):
            IRValue.writeJSONString(s, into: &out, escapeHTML: false)
        case .float(let d):
            out += IRValue.losslessFloat(d)
        default:
            writeJSON(into: &out, sortKeys: true)
        }
    }

    /// A float as JSON that reads back as a float: `2.0`, `0.1`, `1e+20`.
    static func losslessFloat(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        let text = String(d)
        return text.contains(".") || text.contains("e") ? text : text + ".0"
    }
}
