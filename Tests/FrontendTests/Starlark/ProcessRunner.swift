import Foundation

/// Runs external programs for the Starlark tests: the built `openrun` binary
/// (as a user would, through the CLI contract) and the Python reference
/// implementations.
enum ProcessRunner {
    /// What a finished (or killed) process left behind.
    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
        /// Killed by a signal (a crash, or our timeout).
        var signaled: Bool
        var timedOut: Bool
    }

    /// `.build/debug/openrun`, or `$OPENRUN_BIN` when set.
    static var openrun: URL {
        if let bin = ProcessInfo.processInfo.environment["OPENRUN_BIN"], !bin.isEmpty {
            return URL(fileURLWithPath: bin)
        }
        return StarlarkCorpus.packageRoot.appendingPathComponent(".build/debug/openrun")
    }

    /// `$OPENRUN_PYTHON`, falling back to `<repo>/.venv/bin/python`; nil when neither exists.
    static var python: URL? {
        let env = ProcessInfo.processInfo.environment["OPENRUN_PYTHON"].map { URL(fileURLWithPath: $0) }
        for c in [env, StarlarkCorpus.packageRoot.appendingPathComponent(".venv/bin/python")].compactMap({ $0 })
        where FileManager.default.isExecutableFile(atPath: c.path) {
            return c
        }
        return nil
    }

    /// Runs `executable` with `arguments` (in `directory` when given); output
    /// goes through temporary files (no pipe deadlocks); the process is killed
    /// after `timeout` seconds.
    static func run(_ executable: URL, _ arguments: [String], in directory: URL? = nil, stdin: String? = nil, timeout: Double = 30) throws -> Result {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("openrun-proc-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let outURL = tmp.appendingPathComponent("out"), errURL = tmp.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: outURL), err = try FileHandle(forWritingTo: errURL)
        let p = Process()
        p.executableURL = executable
        p.arguments = arguments
        if let directory { p.currentDirectoryURL = directory }
        p.standardOutput = out
        p.standardError = err
        var inPipe: Pipe?
        if stdin != nil {
            inPipe = Pipe()
            p.standardInput = inPipe
        } else {
            p.standardInput = FileHandle.nullDevice
        }
        let done = DispatchSemaphore(value: 0)
        p.terminationHandler = { _ in done.signal() }
        try p.run()
        if let inPipe, let stdin {
            inPipe.fileHandleForWriting.write(Data(stdin.utf8))
            try? inPipe.fileHandleForWriting.close()
        }
        var timedOut = false
        if done.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            p.terminate()
            if done.wait(timeout: .now() + 2) == .timedOut {
                kill(p.processIdentifier, SIGKILL)
                done.wait()
            }
        }
        try? out.close()
        try? err.close()
        let o = (try? Data(contentsOf: outURL)) ?? Data()
        let e = (try? Data(contentsOf: errURL)) ?? Data()
        return Result(
            status: p.terminationStatus,
            stdout: String(decoding: o, as: UTF8.self),
            stderr: String(decoding: e, as: UTF8.self),
            signaled: p.terminationReason == .uncaughtSignal,
            timedOut: timedOut
        )
    }
}
