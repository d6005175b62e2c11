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
/// files. Uses `posix_spawn` + `waitpid` rather than Foundation's `Process`,
/// which on Linux can wait forever when the child leaves a daemon behind
/// (`podman run -d` starting conmon) that inherited its descriptors.
func runProcess(_ executable: String, _ arguments: [String], input: Data? = nil, in directory: URL? = nil,
                environment: [String: String]? = nil) throws -> ProcessOutput {
    struct SpawnError: Error, CustomStringConvertible { var description: String }
    let fm = FileManager.default
    let tmp = fm.temporaryDirectory.appendingPathComponent("openrun-backends-\(UUID().uuidString)")
    try fm.createDirectory(at: tmp, withIntermediateDirectories: true)
    defer { try? fm.removeItem(at: tmp) }
    let inURL = tmp.appendingPathComponent("in"), outURL = tmp.appendingPathComponent("out"), errURL = tmp.appendingPathComponent("err")
    try (input ?? Data()).write(to: inURL)

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, inURL.path, O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, outURL.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, errURL.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

    let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
    // No portable posix_spawn chdir: a directory goes through `sh -c 'cd'`.
    let (program, argv) = directory.map { ("/bin/sh", ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", $0.path, executable] + arguments) }
        ?? (executable, [executable] + arguments)
    var cArgv = argv.map { strdup($0) } + [nil]
    var cEnv = env.map { strdup($0) } + [nil]
    defer {
        for p in cArgv { free(p) }
        for p in cEnv { free(p) }
    }
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, program, &actions, nil, &cArgv, &cEnv)
    guard rc == 0 else { throw SpawnError(description: "cannot run \(executable): error \(rc)") }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    let exited = (status & 0x7f) == 0
    return ProcessOutput(
        status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f),
        stdout: (try? Data(contentsOf: outURL)) ?? Data(),
        stderr: String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self))
}
