import Foundation
import IR
import Logging
import NIOConcurrencyHelpers
import TextTemplate

/// Starts an app's container through a `ContainerEngine` following a `LaunchRecipe`, as the plan's
/// steps say: reuse a running container with the same plan digest, `start` a stopped one, replace
/// one of another digest, else image → volumes → run; secret files are rendered at every start.
/// Then it finds the published port (re-read after every start) and polls health until a 200.
package struct ContainerLauncher: AppLauncher {
    package let recipe: LaunchRecipe
    package var speaksTLS: Bool { recipe.https }
    package let engine: any ContainerEngine
    package let probe: any HealthProbe
    /// openrun's environment, where secrets come from (injected for tests).
    package let environment: @Sendable () -> [String: String]
    package let logger: Logger
    /// Set when this launcher stopped the container itself: the next start skips the inspection
    /// (it is stopped and of this plan) and goes straight to `start`.
    private let stoppedByUs = NIOLockedValueBox(false)
    /// Set by a successful start, so that only a stop of a container known to run sets `stoppedByUs`.
    private let upByUs = NIOLockedValueBox(false)

    package init(recipe: LaunchRecipe, engine: any ContainerEngine, probe: any HealthProbe,
                 environment: @escaping @Sendable () -> [String: String] = { ProcessInfo.processInfo.environment },
                 logger: Logger = Logger(label: "openrun.runtime")) {
        self.recipe = recipe
        self.engine = engine
        self.probe = probe
        self.environment = environment
        self.logger = logger
    }

    package func start() async throws(StartFailure) -> Endpoint {
        let name = recipe.containerName
        do {
            let env = environment()
            // Secrets first: a missing one fails the start before anything changes.
            let (arguments, secretValues) = try runArguments(env)
            var state: ContainerState
            if stoppedByUs.withLockedValue({ v in defer { v = false }; return v }) {
                state = .stopped(exitCode: nil)
            } else {
                let found = try await engine.inspect(container: name)
                state = found.state
                if state != .absent, let digest = recipe.planDigest, found.planDigest != digest {
                    logger.info("replacing a container of another plan", metadata: ["container": "\(name)"])
                    try await engine.remove(container: name)
                    state = .absent
                }
            }
            try renderSecretFiles(env)
            switch state {
            case .running:
                break
            case .stopped:
                do {
                    try await engine.start(container: name)
                } catch let error as EngineError {
                    // Gone meanwhile (removed by hand): run it anew.
                    guard case .absent = try await engine.state(container: name) else { throw error }
                    try await runFresh(arguments, secretValues)
                }
            case .absent:
                try await runFresh(arguments, secretValues)
            }
            // Re-read after every start: a `start` may publish another host port.
            guard let port = try await engine.publishedPort(container: name, containerPort: recipe.containerPort) else {
                // An exited container publishes nothing: say why it exited.
                if case .stopped(let code) = try await engine.state(container: name) {
                    throw StartFailure.exited(exitCode: code, logs: (try? await engine.logs(container: name, tail: 50)) ?? "")
                }
                throw StartFailure.noPublishedPort(container: name, port: recipe.containerPort)
            }
            // An https container: TLS on loopback, its (self-signed) certificate not verified.
            let endpoint = Endpoint(host: "127.0.0.1", port: port,
                                    tls: try recipe.https ? UpstreamTLS(context: .loopbackContainer(), host: "127.0.0.1") : nil)
            try await waitHealthy(endpoint)
            upByUs.withLockedValue { $0 = true }
            return endpoint
        } catch let failure as StartFailure {
            throw failure
        } catch let error as EngineError {
            throw .engine(error)
        } catch let error as MissingSecretError {
            throw .missingSecret(variable: error.reference.environmentVariable, message: error.description)
        } catch is CancellationError {
            throw .timedOut(after: recipe.polling.budget)
        } catch {
            throw .engine(EngineError(command: "engine", exitCode: nil, output: "\(error)"))
        }
    }

    /// Image (built or pulled when missing), volumes, then `run`.
    private func runFresh(_ arguments: [String], _ secretValues: [String: String]) async throws {
        if try await !engine.imageExists(recipe.image.reference) {
            switch recipe.image {
            case .build(let tag, let arguments): try await engine.build(tag: tag, arguments: arguments)
            case .pull(let ref): try await engine.pull(ref)
            }
        }
        for volume in recipe.volumes {
            try await engine.createVolume(volume.name, arguments: volume.arguments)
        }
        try await engine.run(container: recipe.containerName, arguments: arguments, environment: secretValues)
    }

    /// `run --name NAME --detach OPTIONS --volume SECRETFILE:TARGET:ro --env ... IMAGE COMMAND`, and the
    /// values of secret-bearing variables for the engine's environment.
    func runArguments(_ env: [String: String]) throws -> ([String], [String: String]) {
        var a = ["run", "--name", recipe.containerName, "--detach"] + recipe.runOptions
        for f in recipe.secretFiles {
            a += ["--volume", "\(recipe.secretDirectory)/\(f.step.name):\(f.target):ro"]
        }
        var secretValues: [String: String] = [:]
        for e in recipe.env {
            let value = try e.value.resolve(environment: env, appURL: recipe.appURL, neededBy: "env \(e.name)")
            if e.value.secrets.isEmpty {
                a += ["--env", "\(e.name)=\(value)"]
            } else {
                a += ["--env", e.name]
                secretValues[e.name] = value
            }
        }
        a.append(recipe.runImage)
        return (a + recipe.command, secretValues)
    }

    /// Renders every cl_secret file into the secret folder (0700) as a 0600 file.
    func renderSecretFiles(_ env: [String: String]) throws {
        guard !recipe.secretFiles.isEmpty else { return }
        let fm = FileManager.default
        try fm.createDirectory(atPath: recipe.secretDirectory, withIntermediateDirectories: true,
                               attributes: [.posixPermissions: 0o700])
        for f in recipe.secretFiles {
            let text: String
            do {
                text = try SecretFileRenderer.render(f.step, environment: env, appURL: recipe.appURL)
            } catch {
                switch error {
                case .missingSecret(let m): throw m
                case .template: throw StartFailure.secretFile(name: f.step.name, message: error.description)
                }
            }
            let path = "\(recipe.secretDirectory)/\(f.step.name)"
            let tmp = path + ".tmp"
            guard fm.createFile(atPath: tmp, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
                throw StartFailure.secretFile(name: f.step.name, message: "cannot write \(tmp)")
            }
            _ = try? fm.removeItem(atPath: path)
            try fm.moveItem(atPath: tmp, toPath: path)
        }
    }

    /// Polls the health path, fast at first; fails at once when the container exits.
    private func waitHealthy(_ endpoint: Endpoint) async throws {
        let polling = recipe.polling
        let clock = ContinuousClock()
        let began = clock.now
        var lastExitCheck = began
        var attempt = 0
        while true {
            attempt += 1
            if await probe.check(endpoint, path: recipe.healthPath) {
                return
            }
            let now = clock.now
            if now - lastExitCheck >= polling.exitCheckInterval || attempt == 1 {
                lastExitCheck = now
                if case .stopped(let code) = try await engine.state(container: recipe.containerName) {
                    let logs = (try? await engine.logs(container: recipe.containerName, tail: 50)) ?? ""
                    throw StartFailure.exited(exitCode: code, logs: logs)
                }
            }
            if clock.now - began >= polling.budget {
                throw StartFailure.timedOut(after: polling.budget)
            }
            try await Task.sleep(for: polling.delay(afterAttempt: attempt))
        }
    }

    /// Stops the container (kept for a fast restart) and removes its rendered secret files.
    package func stop() async {
        do {
            try await engine.stop(container: recipe.containerName, timeoutSeconds: recipe.stopTimeoutSeconds)
            let wasUp = upByUs.withLockedValue { v in defer { v = false }; return v }
            stoppedByUs.withLockedValue { $0 = wasUp }
        } catch {
            if case .running = (try? await engine.state(container: recipe.containerName)) ?? .absent {
                logger.error("stop failed", metadata: ["container": "\(recipe.containerName)", "error": "\(error)"])
            }
        }
        if !recipe.secretFiles.isEmpty {
            try? FileManager.default.removeItem(atPath: recipe.secretDirectory)
        }
    }
}

/// openrun's own environment.
package enum ProcessEnvironment {
    package static func value(of name: String) -> String? {
        ProcessInfo.processInfo.environment[name]
    }
}
