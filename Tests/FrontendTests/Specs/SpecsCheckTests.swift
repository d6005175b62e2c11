import Foundation
import Testing

/// Runs dev/check-specs: Go Starlark (starlark-go), BuildKit's parser and
/// hadolint over every bundled spec.
@Suite("Spec validation with reference tools")
struct SpecsCheckTests {
    static func python() throws -> String {
        guard let python = RepoPaths.python else {
            throw CheckError("no Python with starlark-go: set OPENRUN_PYTHON or run dev/setup to create .venv")
        }
        return python
    }

    @Test("every bundled spec passes dev/check-specs (Starlark, params contract, BuildKit parser, hadolint)")
    func bundledSpecsPass() throws {
        let result = try RepoPaths.run(try Self.python(), ["dev/check-specs", "--require-hadolint", "specs"])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.hasPrefix("ok: 20 specs"), "\(result.output)")
    }

    @Test("dev/check-specs reports broken specs at their location")
    func brokenSpecsFail() throws {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("openrun-badspecs-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: dir) }
        try fm.copyItem(at: RepoPaths.specs, to: dir)
        func edit(_ path: String, _ from: String, _ to: String) throws {
            let url = dir.appendingPathComponent(path)
            let text = try String(contentsOf: url, encoding: .utf8)
            #expect(text.contains(from), "\(path) does not contain \(from)")
            try text.replacingOccurrences(of: from, with: to).write(to: url, atomically: true, encoding: .utf8)
        }
        try edit("python-streamlit/params.star", "default=8501", "default=8502")
        try edit("python-gradio/app.star", "param.app_name,", "param.nope,")
        try edit("image/app.star", "secrets=param.secrets", "")
        let result = try RepoPaths.run(try Self.python(), ["dev/check-specs", dir.path])
        #expect(result.status == 1)
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines.contains("specs/python-streamlit/params.star: param 'port': default 8502, want 8501"), "\(result.output)")
        #expect(lines.contains("specs/python-gradio/app.star:7:5: undefined: param.nope"), "\(result.output)")
        #expect(lines.contains { $0.hasPrefix("specs/image/app.star: missing ace.permission(\"container.in\"") }, "\(result.output)")
        #expect(lines.last == "FAILED: 3 problem(s) in 20 specs", "\(result.output)")
    }
}

struct CheckError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
