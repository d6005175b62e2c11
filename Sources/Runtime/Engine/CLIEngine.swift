import Foundation
import Logging
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Drives podman or docker through its command line (swift-subprocess, never blocking a thread).
package struct CLIEngine: ContainerEngine {
    /// Which CLI dialect: the two differ in `ps --format json` and `image exists`.
    package enum Kind: String, Sendable {
        case podman, docker
    }

    package let kind: Kind
    /// The executable, by path.
    package let executable: String
    /// Extra environment for the engine (e.g. `CONTAINERS_CONF`, `DOCKER_HOST`), on top of openrun's.
    package let environment: [String: String]
    package let logger: Logger

    package init(kind: Kind, executable: String, environment: [String: String] = [:],
                 logger: Logger = Logger(label: "openrun.engine")) {
        self.kind = kind
        self.executable = executable
        self.environment = environment
        self.logger = logger
    }

    /// `auto` prefers podman, then docker, on PATH; `podman`/`docker` look that one up; anything
    /// else is a path whose file name decides the dialect.
    package static func resolve(_ choice: String, path: String? = ProcessEnvironment.value(of: "PATH"),
                                logger: Logger = Logger(label: "openrun.engine")) -> CLIEngine? {
        func find(_ name: String) -> String? {
            for dir in (path ?? "/usr/bin:/bin").split(separator: ":") {
                let p = "\(dir)/\(name)"
                if FileManager.default.isExecutableFile(atPath: p) { return p }
            }
            return nil
        }
        switch choice {
        case "auto":
            if let p = find("podman") { return CLIEngine(kind: .podman, executable: p, logger: logger) }
            if let p = find("docker") { return CLIEngine(kind: .docker, executable: p, logger: logger) }
            return nil
        case "podman", "docker":
            return find(choice).map { CLIEngine(kind: Kind(rawValue: choice)!, executable: $0, logger: logger) }
        default:
            guard FileManager.default.isExecutableFile(atPath: choice) else { return nil }
            let name = (choice as NSString).lastPathComponent
            return CLIEngine(kind: name.contains("docker") ? .docker : .podman, executable: choice, logger: logger)
        }
    }

    /// The result of one engine command.
    struct Output {
        var status: Int?
        var stdout: String
        var stderr: String
        var ok: Bool { status == 0 }
    }

    /// Runs the engine with `arguments`; output is collected (bounded).
    func exec(_ arguments: [String], environment extra: [String: String] = [:]) async throws -> Output {
        var env: [Environment.Key: String?] = [:]
        for (k, v) in environment.merging(extra, uniquingKeysWith: { _, b in b }) { env[Environment.Key(stringLiteral: k)] = v }
        let result = try await Subprocess.run(
            .path(FilePath(executable)), arguments: Arguments(arguments),
            environment: env.isEmpty ? .inherit : .inherit.updating(env),
            output: .string(limit: 4 << 20), error: .string(limit: 1 << 20))
        let status: Int?
        switch result.terminationStatus {
        case .exited(let code): status = Int(code)
        default: status = nil
        }
        return Output(status: status, stdout: result.standardOutput, stderr: result.standardError)
    }

    /// Runs and throws `EngineError` unless the command succeeded.
    @discardableResult
    func check(_ arguments: [String], environment extra: [String: String] = [:]) async throws -> String {
        let out = try await exec(arguments, environment: extra)
        guard out.ok else {
            throw EngineError(command: ([kind.rawValue] + arguments.prefix(3)).joined(separator: " "),
                              exitCode: out.status, output: out.stderr.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return out.stdout
    }

    package func imageExists(_ reference: String) async throws -> Bool {
        try await exec(["image", "inspect", "--format", "{{.Id}}", reference]).ok
    }

    package func build(tag: String, arguments: [String]) async throws {
        try await check(arguments)
    }

    package func pull(_ reference: String) async throws {
        try await check(["pull", reference])
    }

    package func createVolume(_ name: String, arguments: [String]) async throws {
        if try await exec(["volume", "inspect", name]).ok { return }
        try await check(arguments)
    }

    package func run(container: String, arguments: [String], environment: [String: String]) async throws {
        try await check(arguments, environment: environment)
    }

    package func remove(container: String) async throws {
        try await check(["rm", "--force", container])
    }

    package func start(container: String) async throws {
        try await check(["start", container])
    }

    package func stop(container: String, timeoutSeconds: Int) async throws {
        try await check(["stop", "-t", String(timeoutSeconds), container])
    }

    package func state(container: String) async throws -> ContainerState {
        try await inspect(container: container).state
    }

    package func inspect(container: String) async throws -> ContainerInspection {
        let format = #"{{.State.Status}} {{.State.ExitCode}} {{index .Config.Labels "dev.openrun.plan"}}"#
        let out = try await exec(["container", "inspect", "--format", format, container])
        guard out.ok else {
            let text = out.stderr.lowercased()
            if text.contains("no such") || text.contains("not found") || text.contains("does not exist") {
                return ContainerInspection(state: .absent, planDigest: nil)
            }
            throw EngineError(command: "\(kind.rawValue) container inspect", exitCode: out.status, output: out.stderr)
        }
        let parts = out.stdout.split(whereSeparator: { $0 == " " || $0 == "\n" })
        let digest = parts.count > 2 && parts[2] != "<no" ? String(parts[2]) : nil
        return ContainerInspection(state: Self.parseState(out.stdout), planDigest: digest)
    }

    /// `running 0`, `exited 3`, `created 0`.
    static func parseState(_ text: String) -> ContainerState {
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\n" })
        let status = parts.first.map { $0.lowercased() } ?? ""
        let code = parts.count > 1 ? Int(parts[1]) : nil
        switch status {
        case "running", "paused", "restarting", "stopping": return .running
        case "created", "configured", "initialized": return .stopped(exitCode: nil)
        default: return .stopped(exitCode: code)
        }
    }

    package func publishedPort(container: String, containerPort: Int) async throws -> Int? {
        // `port NAME PORT/tcp` answers `127.0.0.1:40123` (docker may add an IPv6 line); it names
        // the container exactly, unlike a `ps --filter name=` substring match.
        let out = try await exec(["port", container, "\(containerPort)/tcp"])
        guard out.ok else { return nil }
        return Self.parsePort(out.stdout)
    }

    /// The first `host:port` line's port.
    static func parsePort(_ text: String) -> Int? {
        for line in text.split(separator: "\n") {
            if let colon = line.lastIndex(of: ":"), let p = Int(line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)) {
                return p
            }
        }
        return nil
    }

    package func logs(container: String, tail: Int) async throws -> String {
        let out = try await exec(["logs", "--tail", String(tail), container])
        return (out.stdout + out.stderr).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
