import Foundation
import Testing
@testable import Backends

/// Reads YAML back with PyYAML's pure-Python SafeLoader (a YAML 1.1 reader
/// independent of libyaml), so tests compare loaded values with the model.
enum PyYAML {
    struct Failure: Error, CustomStringConvertible { var description: String }

    /// Loads every document of `yaml`; values come back typed (a date or a
    /// float where a string was meant is a failure, not a coincidence).
    static func loadAll(_ yaml: [UInt8]) throws -> [YAMLNode] {
        guard let python = TestPaths.python else {
            throw Failure(description: "no Python with PyYAML: set OPENRUN_PYTHON or run dev/setup (creates .venv)")
        }
        let result = try runProcess(python, ["-c", script], input: Data(yaml))
        guard result.status == 0 else {
            throw Failure(description: "PyYAML could not load the output (exit \(result.status)):\n\(result.stderr)\n--- yaml ---\n\(String(decoding: yaml, as: UTF8.self))")
        }
        guard let documents = try JSONSerialization.jsonObject(with: result.stdout) as? [Any] else {
            throw Failure(description: "unexpected loader output")
        }
        return try documents.map(node)
    }

    /// Every value as `[type, value]`, mappings as ordered pairs.
    private static let script = """
        import sys, json, yaml
        def tag(v):
            if isinstance(v, bool): return ["bool", v]
            if isinstance(v, int): return ["int", v]
            if isinstance(v, str): return ["str", v]
            if v is None: return ["null"]
            if isinstance(v, list): return ["seq", [tag(x) for x in v]]
            if isinstance(v, dict): return ["map", [[tag(k), tag(x)] for k, x in v.items()]]
            return ["other", type(v).__name__, repr(v)]
        docs = yaml.load_all(sys.stdin.buffer.read(), Loader=yaml.SafeLoader)
        sys.stdout.write(json.dumps([tag(d) for d in docs]))
        """

    private static func node(_ json: Any) throws -> YAMLNode {
        guard let tagged = json as? [Any], let kind = tagged.first as? String else {
            throw Failure(description: "bad tagged value \(json)")
        }
        switch kind {
        case "str": return .string(tagged[1] as! String)
        case "int": return .int((tagged[1] as! NSNumber).intValue)
        case "bool": return .bool((tagged[1] as! NSNumber).boolValue)
        case "null": return .null
        case "seq": return .sequence(try (tagged[1] as! [Any]).map(node))
        case "map":
            var mapping = YAMLMapping()
            for pair in tagged[1] as! [[Any]] {
                guard case let .scalar(.string(key, _)) = try node(pair[0]) else {
                    throw Failure(description: "non-string key \(pair[0])")
                }
                mapping.append(key, try node(pair[1]))
            }
            return .mapping(mapping)
        default:
            throw Failure(description: "loaded a \(tagged.dropFirst()) where the model has no such type")
        }
    }
}

extension YAMLNode {
    /// The same values with every string style reset: what a reader sees.
    var valuesOnly: YAMLNode {
        switch self {
        case let .scalar(.string(text, _)): .string(text)
        case .scalar: self
        case let .sequence(items): .sequence(items.map(\.valuesOnly))
        case let .mapping(mapping): .mapping(YAMLMapping(mapping.entries.map { ($0.key, $0.value.valuesOnly as YAMLNode?) }))
        }
    }
}
