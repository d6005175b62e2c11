import Foundation

extension AppIR {
    /// The IR as pretty-printed JSON with sorted keys and a trailing newline:
    /// the same IR always gives the same bytes.
    public func encodeJSON() throws -> Data {
        let compact = try Self.encoder.encode(self)
        switch JSONValueReader.parse(String(decoding: compact, as: UTF8.self)) {
        case .success(let value): return Data(value.prettyJSON.utf8)
        case .failure(let f): throw EncodingError.invalidValue(self, .init(codingPath: [], debugDescription: "IR JSON did not re-read: \(f.message)"))
        }
    }

    public static func decodeJSON(_ data: Data) throws -> AppIR {
        try JSONDecoder().decode(AppIR.self, from: data)
    }

    private static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }
}
