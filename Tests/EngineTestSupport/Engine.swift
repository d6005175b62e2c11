import Foundation

/// The real-engine test infrastructure of `dev/` (docs/testing.md), for tests.
///
/// Engine tests are gated with `.enabled(if: Engine.testsEnabled)`: locally
/// they run when the host has Podman (run `dev/setup`), and in CI (`CI=true`)
/// they always run, so a missing engine fails there instead of skipping.
package enum Engine {
    /// The repository root, found from this file's path.
    package static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `dev/containers.conf`: runc, no rlimits, cgroupfs (this machine's facts).
    package static var containersConf: String {
        repositoryRoot.appendingPathComponent("dev/containers.conf").path
    }

    /// Environment for every engine command: `CONTAINERS_CONF` set.
    package static var environment: [String: String] {
        ["CONTAINERS_CONF": ProcessInfo.processInfo.environment["CONTAINERS_CONF"] ?? containersConf]
    }

    /// True under CI, where engine tests must run (and fail if the engine is missing).
    package static var inCI: Bool {
        let v = ProcessInfo.processInfo.environment["CI"]?.lowercased()
        return v == "true" || v == "1"
    }

    /// Whether tests that need the host's Podman should run.
    package static var testsEnabled: Bool {
        inCI || Command.exists("podman")
    }

    /// Whether the (heavier) sandbox tests should run: in CI always, locally
    /// when Podman and debootstrap are installed, unless `OPENRUN_SKIP_SANDBOX=1`.
    package static var sandboxTestsEnabled: Bool {
        if inCI { return true }
        if ProcessInfo.processInfo.environment["OPENRUN_SKIP_SANDBOX"] == "1" { return false }
        return Command.exists("podman") && Command.exists("debootstrap")
    }

    /// Runs a `dev/` script (`dev(["sandbox", "up"])`) with the engine environment.
    @discardableResult
    package static func dev(_ argv: [String], stdin: Data? = nil, environment extra: [String: String] = [:]) throws -> CommandResult {
        var env = environment
        for (k, v) in extra { env[k] = v }
        let script = repositoryRoot.appendingPathComponent("dev").appendingPathComponent(argv[0]).path
        return try Command.check([script] + argv.dropFirst(), stdin: stdin, environment: env)
    }

    /// Runs the host's podman with `dev/containers.conf`.
    @discardableResult
    package static func podman(_ args: [String], stdin: Data? = nil) throws -> CommandResult {
        try Command.check(["podman"] + args, stdin: stdin, environment: environment)
    }

    /// Builds (if needed) the busybox test image on the host and returns its
    /// reference, `localhost/openrun-test-busybox:latest`.
    package static func testImage() throws -> String {
        try dev(["test-image"]).output
    }

    /// The `quadlet` generator fetched by `dev/setup` (Podman 5.4 from trixie).
    package static var quadletGenerator: URL {
        repositoryRoot.appendingPathComponent(".cache/tools/usr/libexec/podman/quadlet")
    }
}
