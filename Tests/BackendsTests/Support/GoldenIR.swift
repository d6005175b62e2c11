import Backends
import Foundation
import IR
import TestSupport
import Testing

/// The golden IR cases (`golden/ir/<case>/ir.json`), the input of every
/// backend's golden test: backends are tested with no frontend involved.
enum GoldenIR {
    static var cases: [String] {
        let dir = Golden.repositoryRoot.appendingPathComponent("golden/ir")
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
    }

    static func load(_ name: String) throws -> AppIR {
        try AppIR.decodeJSON(Data(contentsOf: Golden.repositoryRoot.appendingPathComponent("golden/ir/\(name)/ir.json")))
    }

    /// A backend's output as golden files: each file artifact by path, build
    /// contexts listed (their files come from the source, not the backend),
    /// and every diagnostic in `diagnostics.txt`.
    static func files(_ artifacts: [Artifact]?, diagnostics: Diagnostics) -> [String: String] {
        var out: [String: String] = [:]
        var contexts: [String] = []
        for a in artifacts ?? [] {
            switch a.content {
            case .file(let bytes, let mode):
                out[a.path] = String(decoding: bytes, as: UTF8.self)
                if mode == .executable { contexts.append("executable: \(a.path)") }
            case .buildContext:
                contexts.append("build context: \(a.path)/")
            }
        }
        let notes = diagnostics.all.map(\.rendered) + contexts
        if !notes.isEmpty { out["diagnostics.txt"] = notes.joined(separator: "\n") + "\n" }
        return out
    }
}
