import Foundation

/// The systemd + Podman 5 sandbox (`dev/sandbox`): a privileged container
/// running systemd, Podman 5.4 and the busybox test image.
///
/// Each test suite should use its own `name` so suites (and engineers) can
/// run side by side; `down()` removes the container and its storage.
package struct Sandbox: Sendable {
    /// The sandbox container's name (`OPENRUN_SANDBOX` for `dev/sandbox`).
    package var name: String

    private var env: [String: String] { ["OPENRUN_SANDBOX": name] }

    /// Starts the sandbox (building its image on first use) and waits for systemd.
    package static func up(name: String) throws -> Sandbox {
        let s = Sandbox(name: name)
        try Engine.dev(["sandbox", "up"], environment: s.env)
        return s
    }

    /// Runs `argv` inside the sandbox; does not throw on a non-zero exit.
    @discardableResult
    package func run(_ argv: [String], stdin: Data? = nil) throws -> CommandResult {
        let script = Engine.repositoryRoot.appendingPathComponent("dev/sandbox").path
        var e = Engine.environment
        for (k, v) in env { e[k] = v }
        return try Command.run([script, "exec"] + argv, stdin: stdin, environment: e)
    }

    /// Runs `argv` inside the sandbox and throws unless it exits 0.
    @discardableResult
    package func exec(_ argv: [String], stdin: Data? = nil) throws -> CommandResult {
        let r = try run(argv, stdin: stdin)
        guard r.status == 0 else { throw CommandError(argv: ["sandbox", "exec"] + argv, result: r) }
        return r
    }

    /// Runs a shell script inside the sandbox (`sh -c`) and throws unless it exits 0.
    @discardableResult
    package func sh(_ script: String) throws -> CommandResult {
        try exec(["sh", "-c", script])
    }

    /// Copies a host file or folder into the sandbox.
    package func copy(_ source: URL, to destination: String) throws {
        try Engine.dev(["sandbox", "cp", source.path, destination], environment: env)
    }

    /// Removes the sandbox and its storage volume.
    package func down() {
        _ = try? Engine.dev(["sandbox", "down"], environment: env)
    }
}
