import Foundation

extension AppIR {
    /// The IR as pretty-printed JSON: a type's fields sorted by key, param
    /// values and settings in their own order, a trailing newline. The same IR
    /// always gives the same bytes, and `decodeJSON` gives the same IR back.
    public func encodeJSON() throws -> Data {
        Data(try IRValueEncoder().encode(self).prettyJSON.utf8)
    }

    /// Reads what `encodeJSON` wrote, losslessly (big ints, floats, dictionary order).
    public static func decodeJSON(_ data: Data) throws -> AppIR {
        let ir = try IRValueDecoder().decode(AppIR.self, fromJSON: data)
        guard ir.schemaVersion == currentSchemaVersion else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "IR schema version \(ir.schemaVersion) is not \(currentSchemaVersion); rebuild it with this openrun"))
        }
        return ir
    }
}
