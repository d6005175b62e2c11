import Logging

/// Starts an app's container through a `ContainerEngine` following a `LaunchRecipe`:
/// reuse a running container, `start` a stopped one, otherwise image → volumes → run;
/// then find the published port and poll health until it answers 200.
package struct ContainerLauncher: AppLauncher {
    package let recipe: LaunchRecipe
    package let engine: any ContainerEngine
    package let probe: any HealthProbe
    package let polling: HealthPolling
    /// Reads openrun's environment (injected for tests).
    package let environment: @Sendable (String) -> String?
    package let logger: Logger

    package init(recipe: LaunchRecipe, engine: any ContainerEngine, probe: any HealthProbe,
                 polling: HealthPolling = HealthPolling(),
                 environment: @escaping @Sendable (String) -> String? = { ProcessEnvironment.value(of: $0) },
                 logger: Logger = Logger(label: "openrun.runtime")) {
        self.recipe = recipe
        self.engine = engine
        self.probe = probe
        self.polling = polling
        self.environment = environment
        self.logger = logger
    }

    package func start() async throws(StartFailure) -> Endpoint {
        for name in recipe.requiredEnvironment where environment(name) == nil {
            throw .missingSecret(name)
        }
        let name = recipe.containerName
        do {
            switch try await engine.state(container: name) {
            case .running:
                break
            case .stopped:
                try await engine.start(container: name)
            case .absent:
                if try await !engine.imageExists(recipe.image.reference) {
                    switch recipe.image {
                    case .build(let tag, let arguments): try await engine.build(tag: tag, arguments: arguments)
                    case .pull(let ref): try await engine.pull(ref)
                    }
                }
                for volume in recipe.volumes {
                    try await engine.createVolume(volume)
                }
                try await engine.run(container: name, arguments: recipe.runArguments)
            }
            // Re-read after every start: a `start` may publish a different host port.
            guard let port = try await engine.publishedPort(container: name, containerPort: recipe.containerPort) else {
                // An exited container publishes nothing: say why it exited.
                if case .stopped(let code) = try await engine.state(container: name) {
                    throw StartFailure.exited(exitCode: code, logs: (try? await engine.logs(container: name, tail: 50)) ?? "")
                }
                throw StartFailure.noPublishedPort(container: name, port: recipe.containerPort)
            }
            let endpoint = Endpoint(host: "127.0.0.1", port: port)
            try await waitHealthy(endpoint)
            return endpoint
        } catch let failure as StartFailure {
            throw failure
        } catch let error as EngineError {
            throw .engine(error)
        } catch is CancellationError {
            throw .timedOut(after: polling.budget)
        } catch {
            throw .engine(EngineError(command: "engine", exitCode: nil, output: "\(error)"))
        }
    }

    /// Polls the health path, fast at first; fails at once when the container exits.
    private func waitHealthy(_ endpoint: Endpoint) async throws {
        let clock = ContinuousClock()
        let began = clock.now
        var lastExitCheck = began
        var attempt = 0
        while true {
            attempt += 1
            if await probe.check(host: endpoint.host, port: endpoint.port, path: recipe.healthPath) {
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

    package func stop() async {
        do {
            if case .running = try await engine.state(container: recipe.containerName) {
                try await engine.stop(container: recipe.containerName, timeoutSeconds: recipe.stopTimeoutSeconds)
            }
        } catch {
            logger.error("stop failed", metadata: ["container": "\(recipe.containerName)", "error": "\(error)"])
        }
    }
}

/// openrun's own environment.
package enum ProcessEnvironment {
    package static func value(of name: String) -> String? {
        guard let p = getenv(name) else { return nil }
        return String(cString: p)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
