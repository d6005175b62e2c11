import Foundation
import IR
import Testing

@Suite("IR JSON")
struct IRJSONTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var goldenIRCases: [String] {
        let dir = root.appendingPathComponent("golden/ir")
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
    }

    @Test("every golden IR decodes and encodes back to the same bytes", arguments: goldenIRCases)
    func roundTrip(_ name: String) throws {
        let data = try Data(contentsOf: Self.root.appendingPathComponent("golden/ir/\(name)/ir.json"))
        let ir = try AppIR.decodeJSON(data)
        #expect(String(decoding: try ir.encodeJSON(), as: UTF8.self) == String(decoding: data, as: UTF8.self))
    }

    @Test("IRValue survives JSON exactly: big ints, floats that look whole, dictionary order")
    func lossless() throws {
        let value = IRValue.dict([
            IRValue.Entry("z", .bigInt("123456789012345678901234567890")),
            IRValue.Entry("a", .float(2.0)),
            IRValue.Entry("m", .list([.int(-3), .float(0.1), .float(1e20), .bool(true), .null, .string("é\n\"")])),
            IRValue.Entry("b", .dict([IRValue.Entry("y", .int(1)), IRValue.Entry("x", .int(2))])),
        ])
        let settings = AppOptionsIR(settings: value)
        let encoded = try IRValueEncoder().encode(settings).prettyJSON
        let back = try IRValueDecoder().decode(AppOptionsIR.self, fromJSON: Array(encoded.utf8))
        #expect(back == settings)
        #expect(encoded.contains("\"a\": 2.0"))
        #expect(encoded.contains("123456789012345678901234567890,"))
    }

    @Test("env values: literal text as a string, secrets and the app URL as segments")
    func envValues() throws {
        let v = EnvValue([.literal("postgres://u:"), .secret(SecretReference(provider: "env", key: "PW")), .literal(""), .literal("@db"), .appURL])
        #expect(v.segments.count == 4)
        #expect(v.description == "postgres://u:{{secret_from \"env\" \"PW\"}}@db{{app_url}}")
        let env = [EnvVar(name: "A", value: .literal("x"), origin: .param), EnvVar(name: "B", value: v, origin: .param)]
        let json = try IRValueEncoder().encode(env).prettyJSON
        #expect(json.contains("\"value\": \"x\""))
        #expect(try IRValueDecoder().decode([EnvVar].self, fromJSON: Array(json.utf8)) == env)
    }

    @Test("a wrong schema version is refused with a clear message")
    func schemaVersion() throws {
        let data = try Data(contentsOf: Self.root.appendingPathComponent("golden/ir/proxy/ir.json"))
        let old = String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\"schemaVersion\": \(AppIR.currentSchemaVersion)", with: "\"schemaVersion\": 1")
        #expect(throws: (any Error).self) { try AppIR.decodeJSON(Data(old.utf8)) }
    }
}
