import EngineTestSupport
import Foundation

/// Paths in the source tree (found from this file, `#filePath`) and the
/// external programs the backend tests check artifacts with.
enum TestPaths {
    /// The repository root.
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // BackendsTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    /// The Python with the reference tools (PyYAML, ...): `OPENRUN_PYTHON`,
    /// else `<repo>/.venv/bin/python`; nil when neither exists.
    static var python: String? {
        if let p = ProcessInfo.processInfo.environment["OPENRUN_PYTHON"], !p.isEmpty,
           FileManager.default.isExecutableFile(atPath: p) {
            return p
        }
        let venv = root.appendingPathComponent(".venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }
}

/// What a finished process left behind.
struct ProcessOutput {
    var status: Int32
    var stdout: Data
    var stderr: String
}

/// Runs a program to completion through EngineTestSupport's `Command`
/// (posix_spawn + waitpid; Foundation's `Process` can hang on Linux when a
/// child leaves a daemon behind): stdin from `input`, `environment` added to
/// this process's, stdout kept as bytes.
func runProcess(_ executable: String, _ arguments: [String], input: Data? = nil, in directory: URL? = nil,
                environment: [String: String] = [:]) throws -> ProcessOutput {
    let r = try Command.run([executable] + arguments, stdin: input, environment: environment, currentDirectory: directory)
    return ProcessOutput(status: r.status, stdout: Data(r.stdout.utf8), stderr: r.stderr)
}
