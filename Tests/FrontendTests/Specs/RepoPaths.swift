import Foundation
import TestSupport

/// Paths in the source tree, found from this file's location (`#filePath`).
enum RepoPaths {
    /// The repository root.
    static var root: URL { Repository.root }

    static var specs: URL { root.appendingPathComponent("specs") }

    /// The Python with the reference implementations: `OPENRUN_PYTHON`, else
    /// `<repo>/.venv/bin/python`; nil when neither exists.
    static var python: String? { Repository.python }

    /// Runs a program and returns its exit status and combined output.
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = root
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
