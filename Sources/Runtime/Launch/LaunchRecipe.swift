import IR

/// What the runtime needs to bring one app's container up and down, with every engine argument
/// as data. `LaunchRecipe(plan:...)` maps the docker backend's `ExecutionPlan` onto it; tests
/// write one directly.
package struct LaunchRecipe: Sendable, Hashable {
    /// How the image comes to exist.
    package enum Image: Sendable, Hashable {
        /// Build `tag` (only when missing); `arguments` is the whole argv after the engine's name.
        case build(tag: String, arguments: [String])
        /// Pull a reference (only when missing).
        case pull(String)

        package var reference: String {
            switch self {
            case .build(let tag, _): tag
            case .pull(let ref): ref
            }
        }
    }

    /// A volume created before the first run; `arguments` is the whole argv after the engine's name.
    package struct Volume: Sendable, Hashable {
        package var name: String
        package var arguments: [String]

        package init(name: String, arguments: [String]? = nil) {
            self.name = name
            self.arguments = arguments ?? ["volume", "create", name]
        }
    }

    /// A `cl_secret` file rendered at each start into `secretDirectory/<name>` (0600), removed on stop.
    package struct SecretFile: Sendable, Hashable {
        package var step: RenderSecretFileStep
        /// Mount point in the container (read-only).
        package var target: String

        package init(step: RenderSecretFileStep, target: String) {
            self.step = step
            self.target = target
        }
    }

    /// The exact container name; state queries and published-port discovery match it exactly.
    package var containerName: String
    package var image: Image
    package var volumes: [Volume]
    /// `run` argv between `run --name NAME --detach` and the env flags: labels, publish, binds, options.
    package var runOptions: [String]
    /// The container's environment; secret and app-URL segments are resolved at start.
    package var env: [PlanEnv]
    package var secretFiles: [SecretFile]
    /// The image to run and the command after it (usually empty: the image's CMD).
    package var runImage: String
    package var command: [String]
    /// The port the app listens on inside the container.
    package var containerPort: Int
    /// The app serves https on `containerPort` (`scheme="https"`): health checks and proxying use
    /// TLS, without verifying the container's certificate (see `UpstreamTLS`).
    package var https: Bool
    /// Health check path, e.g. `/`.
    package var healthPath: String
    package var polling: HealthPolling
    /// Seconds the engine waits on `stop` before killing.
    package var stopTimeoutSeconds: Int
    /// The plan's digest, set as the `dev.openrun.plan` label: a container with another one is replaced.
    package var planDigest: String?
    /// The app's public URL (`CL_APP_URL` and `.appURL` segments).
    package var appURL: String
    /// Where rendered secret files live (outside dist/, 0700).
    package var secretDirectory: String

    package init(containerName: String, image: Image, volumes: [Volume] = [], runOptions: [String] = [],
                 env: [PlanEnv] = [], secretFiles: [SecretFile] = [], runImage: String, command: [String] = [],
                 containerPort: Int, https: Bool = false, healthPath: String = "/", polling: HealthPolling = HealthPolling(),
                 stopTimeoutSeconds: Int = 1, planDigest: String? = nil, appURL: String = "",
                 secretDirectory: String? = nil) {
        self.containerName = containerName
        self.image = image
        self.volumes = volumes
        self.runOptions = runOptions
        self.env = env
        self.secretFiles = secretFiles
        self.runImage = runImage
        self.command = command
        self.containerPort = containerPort
        self.https = https
        self.healthPath = healthPath
        self.polling = polling
        self.stopTimeoutSeconds = stopTimeoutSeconds
        self.planDigest = planDigest
        self.appURL = appURL
        self.secretDirectory = secretDirectory ?? Self.defaultSecretDirectory(for: containerName)
    }

    /// `${XDG_RUNTIME_DIR:-${TMPDIR:-/tmp}}/<container>`, the folder run.sh uses too.
    package static func defaultSecretDirectory(for container: String) -> String {
        let base = ProcessEnvironment.value(of: "XDG_RUNTIME_DIR") ?? ProcessEnvironment.value(of: "TMPDIR") ?? "/tmp"
        return "\(base)/\(container)"
    }
}
