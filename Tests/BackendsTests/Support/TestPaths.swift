import EngineTestSupport
import Foundation
import TestSupport

/// Paths in the source tree (found from this file, `#filePath`) and the
/// external programs the backend tests check artifacts with.
enum TestPaths {
    /// The repository root.
    static var root: URL { Repository.root }

    /// The Python with the reference tools (PyYAML, ...): `OPENRUN_PYTHON`,
    /// else `<repo>/.venv/bin/python`; nil when neither exists.
    static var python: String? { Repository.python }
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
