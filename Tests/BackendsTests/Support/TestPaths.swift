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

/// Runs a program to completion; stdin from `input`, output through temporary
/// files (no pipe deadlocks).
func runProcess(_ executable: String, _ arguments: [String], input: Data? = nil, in directory: URL? = nil,
                environment: [String: String]? = nil) throws -> ProcessOutput {
    let fm = FileManager.default
    let tmp = fm.temporaryDirectory.appendingPathComponent("openrun-backends-\(UUID().uuidString)")
    try fm.createDirectory(at: tmp, withIntermediateDirectories: true)
    defer { try? fm.removeItem(at: tmp) }
    let inURL = tmp.appendingPathComponent("in"), outURL = tmp.appendingPathComponent("out"), errURL = tmp.appendingPathComponent("err")
    try (input ?? Data()).write(to: inURL)
    _ = fm.createFile(atPath: outURL.path, contents: nil)
    _ = fm.createFile(atPath: errURL.path, contents: nil)
    let stdin = try FileHandle(forReadingFrom: inURL)
    let stdout = try FileHandle(forWritingTo: outURL), stderr = try FileHandle(forWritingTo: errURL)
    defer { try? stdin.close(); try? stdout.close(); try? stderr.close() }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    if let environment { process.environment = environment }
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    process.waitUntilExit()
    return ProcessOutput(
        status: process.terminationStatus,
        stdout: (try? Data(contentsOf: outURL)) ?? Data(),
        stderr: String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self))
}
