import Foundation

/// The source tree the tests run from, and the Python with the reference tools.
package enum Repository {
    /// The repository root, found from this file's path (`Tests/TestSupport/`).
    package static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The Python with the reference tools (PyYAML, starlark, ...): `OPENRUN_PYTHON`, else
    /// `<repo>/.venv/bin/python`; nil when neither exists.
    package static var python: String? {
        if let p = ProcessInfo.processInfo.environment["OPENRUN_PYTHON"], !p.isEmpty,
           FileManager.default.isExecutableFile(atPath: p) {
            return p
        }
        let venv = root.appendingPathComponent(".venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }
}
