import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// What a finished command printed and how it exited.
package struct CommandResult: Sendable {
    package var status: Int32
    package var stdout: String
    package var stderr: String

    /// `stdout` without its trailing newline.
    package var output: String {
        stdout.hasSuffix("\n") ? String(stdout.dropLast()) : stdout
    }
}

/// A command failed where the test needed it to succeed.
package struct CommandError: Error, CustomStringConvertible {
    package var argv: [String]
    package var result: CommandResult

    package var description: String {
        "`\(argv.joined(separator: " "))` exited \(result.status)\n--- stdout\n\(result.stdout)--- stderr\n\(result.stderr)"
    }
}

/// Runs external commands for tests. Output goes to temporary files rather
/// than pipes, so a chatty command can never block on a full pipe.
package enum Command {
    /// Runs `argv` (looked up in PATH when not absolute) and waits, at most
    /// `timeout` seconds (then it is killed and the result has status -9).
    /// `stdin` is fed from the given bytes, or /dev/null.
    ///
    /// Spawns with `posix_spawnp` and reaps with `waitpid`: Foundation's
    /// `Process` left children unreaped (and its waits hanging) under
    /// swift-testing on Linux when they ran podman.
    @discardableResult
    package static func run(_ argv: [String], stdin: Data? = nil, environment: [String: String] = [:],
                            currentDirectory: URL? = nil, timeout: Double = 600) throws -> CommandResult {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("openrun-cmd-\(UUID().uuidString)")
        try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: dir) }
        let out = dir.appendingPathComponent("stdout").path, err = dir.appendingPathComponent("stderr").path
        var inPath = "/dev/null"
        if let stdin {
            inPath = dir.appendingPathComponent("stdin").path
            try stdin.write(to: URL(fileURLWithPath: inPath))
        }

        var env = ProcessInfo.processInfo.environment
        for (k, v) in environment { env[k] = v }
        // glibc's addchdir_np is not visible to Swift; coreutils' env -C is.
        let argv = currentDirectory.map { ["env", "-C", $0.path] + argv } ?? argv
        let cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        let cEnv: [UnsafeMutablePointer<CChar>?] = env.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (cArgs + cEnv).forEach { free($0) } }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &actions, nil, cArgs, cEnv)
        guard rc == 0 else {
            return CommandResult(status: 127, stdout: "", stderr: "spawn \(argv[0]): \(String(cString: strerror(rc)))\n")
        }

        var status: Int32 = 0
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r == -1 && errno != EINTR { break }
            if !timedOut && Date() > deadline {
                timedOut = true
                kill(pid, SIGKILL)
            }
            usleep(2_000)
        }
        // WIFEXITED / WEXITSTATUS / WTERMSIG are macros Swift cannot import.
        let exited = status & 0x7f == 0
        let code: Int32 = timedOut ? -9 : (exited ? (status >> 8) & 0xff : -(status & 0x7f))
        return CommandResult(status: code,
                             stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
                             stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
    }

    /// Runs `argv` and throws `CommandError` unless it exits 0.
    @discardableResult
    package static func check(_ argv: [String], stdin: Data? = nil, environment: [String: String] = [:],
                              currentDirectory: URL? = nil, timeout: Double = 600) throws -> CommandResult {
        let r = try run(argv, stdin: stdin, environment: environment, currentDirectory: currentDirectory, timeout: timeout)
        guard r.status == 0 else { throw CommandError(argv: argv, result: r) }
        return r
    }

    /// Whether `name` is an executable in PATH.
    package static func exists(_ name: String) -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/\(name)")
        }
    }
}
