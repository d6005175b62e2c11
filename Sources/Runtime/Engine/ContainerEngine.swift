/// What the runtime asks of a container engine (podman or docker, or a test double).
///
/// Every call is async and never blocks an event loop; failures throw `EngineError`.
package protocol ContainerEngine: Sendable {
    /// Whether `reference` is present in the local image store.
    func imageExists(_ reference: String) async throws -> Bool
    /// Builds an image; `arguments` is the whole argv after the engine's name (`build --file ... CONTEXT`).
    func build(tag: String, arguments: [String]) async throws
    /// Pulls `reference` into the local image store.
    func pull(_ reference: String) async throws
    /// Creates a named volume unless it exists; `arguments` is the whole argv after the engine's name.
    func createVolume(_ name: String, arguments: [String]) async throws
    /// Creates and starts a container named `container`; `arguments` is the whole argv after the
    /// engine's name (`run --name ...`); `environment` is added to the engine's own environment
    /// (secret values passed as `--env NAME`, never on the command line).
    func run(container: String, arguments: [String], environment: [String: String]) async throws
    /// Removes a container (running or not).
    func remove(container: String) async throws
    /// The container's state and its `dev.openrun.plan` label, in one engine call.
    func inspect(container: String) async throws -> ContainerInspection
    /// Starts an existing, stopped container.
    func start(container: String) async throws
    /// Stops a running container, waiting at most `timeoutSeconds` before killing it.
    func stop(container: String, timeoutSeconds: Int) async throws
    /// The container's state, matched by its exact name.
    func state(container: String) async throws -> ContainerState
    /// The host port published for `containerPort` of the container named exactly `container`.
    func publishedPort(container: String, containerPort: Int) async throws -> Int?
    /// The last `tail` lines of the container's output.
    func logs(container: String, tail: Int) async throws -> String
}

/// A container as the engine reports it.
package enum ContainerState: Sendable, Hashable {
    /// No container of that name.
    case absent
    /// Created or exited; `start` brings it back. `exitCode` is nil when it never ran.
    case stopped(exitCode: Int?)
    case running
}

/// A container's state and the plan it was run from.
package struct ContainerInspection: Sendable, Hashable {
    package var state: ContainerState
    /// The `dev.openrun.plan` label; nil when absent.
    package var planDigest: String?

    package init(state: ContainerState, planDigest: String?) {
        self.state = state
        self.planDigest = planDigest
    }
}

/// An engine command that failed.
package struct EngineError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The command line, for the log (`podman run --name ...`).
    package var command: String
    package var exitCode: Int?
    /// What the engine wrote on stderr, trimmed.
    package var output: String

    package init(command: String, exitCode: Int?, output: String) {
        self.command = command
        self.exitCode = exitCode
        self.output = output
    }

    package var description: String {
        let status = exitCode.map { "exit status \($0)" } ?? "failed"
        return output.isEmpty ? "\(command): \(status)" : "\(command): \(status): \(output)"
    }
}
