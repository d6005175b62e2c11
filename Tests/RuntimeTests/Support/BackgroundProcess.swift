import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A long-running child (`openrun run`, `podman system service`) spawned with `posix_spawnp` and
/// reaped with `waitpid` on its own pid (Foundation's `Process` left podman children unreaped and
/// its waits hanging under swift-testing). Output goes to files; the environment is exactly `environment`.
final class BackgroundProcess: @unchecked Sendable {
    let pid: pid_t
    private var status: Int32?

    init(_ argv: [String], environment: [String: String], stdout: String, stderr: String) throws {
        let cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        let cEnv: [UnsafeMutablePointer<CChar>?] = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (cArgs + cEnv).forEach { free($0) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // NIO's sockets are not close-on-exec: without this a long-lived child keeps the test's
        // connections open (a client's close would never reach the proxy under test).
        Self.closeFrom(&actions, 3)
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &actions, nil, cArgs, cEnv)
        guard rc == 0 else { throw TestFailure("spawn \(argv[0]): \(String(cString: strerror(rc)))") }
        self.pid = pid
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+), looked up at run time: Swift
    /// does not see its declaration.
    private static func closeFrom(_ actions: inout posix_spawn_file_actions_t, _ fd: Int32) {
        typealias Fn = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        guard let sym = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return }
        _ = unsafeBitCast(sym, to: Fn.self)(&actions, fd)
    }

    /// Runs `argv` to the end; its exit code.
    static func run(_ argv: [String], environment: [String: String], stdout: String = "/dev/null",
                    stderr: String = "/dev/null", timeout: Duration = .seconds(300)) async throws -> Int32 {
        let p = try BackgroundProcess(argv, environment: environment, stdout: stdout, stderr: stderr)
        let clock = ContinuousClock()
        let end = clock.now + timeout
        while p.isRunning {
            if clock.now > end { p.kill() }
            try await Task.sleep(for: .milliseconds(5))
        }
        return p.exitCode ?? -1
    }

    /// Reaps the child if it exited.
    var isRunning: Bool {
        if status != nil { return false }
        var s: Int32 = 0
        let r = waitpid(pid, &s, WNOHANG)
        if r == pid {
            status = s
            return false
        }
        return r == 0
    }

    /// The exit code (negative: killed by that signal); nil while running.
    var exitCode: Int32? {
        guard !isRunning, let s = status else { return nil }
        return s & 0x7f == 0 ? (s >> 8) & 0xff : -(s & 0x7f)
    }

    /// SIGKILL when still running (cleanup after a failed test; no wait).
    func kill() {
        if isRunning { Glibc.kill(pid, SIGKILL) }
    }

    /// Sends `signal` and waits (at most `timeout`) for the exit; returns how long that took.
    @discardableResult
    func stop(_ signal: Int32 = SIGTERM, timeout: Duration = .seconds(30)) async -> Duration {
        let clock = ContinuousClock()
        let began = clock.now
        guard isRunning else { return .zero }
        Glibc.kill(pid, signal)
        while isRunning {
            if clock.now - began > timeout {
                Glibc.kill(pid, SIGKILL)
            }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return clock.now - began
    }
}
