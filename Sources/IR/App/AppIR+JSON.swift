import Foundation

extension AppIR {
    /// The IR as pretty-printed JSON with sorted keys and a trailing newline:
    /// the same IR always gives the same bytes.
    public func encodeJSON() throws -> Data {
        var data = try Self.encoder.encode(self)
        data.append(0x0A)
        return data
    }

    public static func decodeJSON(_ data: Data) throws -> AppIR {
        try JSONDecoder().decode(AppIR.self, from: data)
    }

    private static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return e
    }
}
