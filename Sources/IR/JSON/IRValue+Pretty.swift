extension IRValue {
    /// Pretty JSON: two-space indentation, `"key": value`, keys sorted by
    /// bytes, `[]`/`{}` for empty containers, a trailing newline. Deterministic.
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
            let sorted = entries.sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
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
        default:
            writeJSON(into: &out, sortKeys: true)
        }
    }
}
