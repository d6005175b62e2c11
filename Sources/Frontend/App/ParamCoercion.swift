import IR

/// Turns a `--param` string into a value of the type params.star declares.
package enum ParamCoercion {
    /// INT: decimal (optional sign). BOOLEAN: Go's `strconv.ParseBool` set
    /// (1 t T TRUE true True / 0 f F FALSE false False). LIST/DICT: JSON of that
    /// shape. STRING: as is. Reports a located error and returns nil otherwise.
    package static func coerce(_ raw: String, name: String, to type: ParamIR.ParamType, location: SourceLocation, into diags: Diagnostics) -> IRValue? {
        switch type {
        case .string:
            return .string(raw)
        case .int:
            let digits = raw.hasPrefix("-") || raw.hasPrefix("+") ? raw.dropFirst() : Substring(raw)
            guard !digits.isEmpty, digits.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else {
                diags.error("params.type-mismatch", "param \"\(name)\" is INT, but \"\(raw)\" is not a decimal integer", at: location)
                return nil
            }
            if let n = Int(raw.hasPrefix("+") ? String(digits) : raw) { return .int(n) }
            diags.error("params.type-mismatch", "param \"\(name)\" is INT, but \(raw) is out of range", at: location)
            return nil
        case .boolean:
            switch raw {
            case "1", "t", "T", "TRUE", "true", "True": return .bool(true)
            case "0", "f", "F", "FALSE", "false", "False": return .bool(false)
            default:
                diags.error("params.type-mismatch", "param \"\(name)\" is BOOLEAN, but \"\(raw)\" is not true/false/1/0", at: location)
                return nil
            }
        case .list, .dict:
            switch JSONValueReader.parse(raw) {
            case .success(let v):
                switch (type, v) {
                case (.list, .list), (.dict, .dict): return v
                default:
                    let want = type == .list ? "a JSON array like [\"a\", \"b\"]" : "a JSON object like {\"k\": \"v\"}"
                    diags.error("params.type-mismatch", "param \"\(name)\" is \(type.rawValue), but the value is not \(want)", at: location)
                    return nil
                }
            case .failure(let f):
                diags.error("params.type-mismatch", "param \"\(name)\" is \(type.rawValue): invalid JSON at offset \(f.offset): \(f.message)", at: location)
                return nil
            }
        }
    }
}
