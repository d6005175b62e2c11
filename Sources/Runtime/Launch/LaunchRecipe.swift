/// What the runtime needs to bring one app's container up and down: the seam between the
/// runtime and the docker backend's `ExecutionPlan` (phase 2 maps a plan onto this).
///
/// Every engine argument is data; nothing here is re-parsed from a shell string.
package struct LaunchRecipe: Sendable, Hashable {
    /// How the image comes to exist.
    package enum Image: Sendable, Hashable {
        /// Build `tag` with the engine's `build` verb and these arguments (only when the tag is missing).
        case build(tag: String, arguments: [String])
        /// Pull a reference (only when it is missing).
        case pull(String)

        package var reference: String {
            switch self {
            case .build(let tag, _): tag
            case .pull(let ref): ref
            }
        }
    }

    /// The exact container name; published-port discovery and state queries match it exactly.
    package var containerName: String
    package var image: Image
    /// Named volumes created before the first run.
    package var volumes: [String]
    /// The `run` verb's arguments (name, publish, env, volumes, image, command), in order.
    package var runArguments: [String]
    /// The port the app listens on inside the container.
    package var containerPort: Int
    /// Health check path, e.g. `/`.
    package var healthPath: String
    /// Seconds the engine waits on `stop` before killing.
    package var stopTimeoutSeconds: Int
    /// Environment variables the run needs from openrun's environment (secret references);
    /// a missing one fails the start, naming it.
    package var requiredEnvironment: [String]

    package init(containerName: String, image: Image, volumes: [String] = [], runArguments: [String],
                 containerPort: Int, healthPath: String = "/", stopTimeoutSeconds: Int = 1,
                 requiredEnvironment: [String] = []) {
        self.containerName = containerName
        self.image = image
        self.volumes = volumes
        self.runArguments = runArguments
        self.containerPort = containerPort
        self.healthPath = healthPath
        self.stopTimeoutSeconds = stopTimeoutSeconds
        self.requiredEnvironment = requiredEnvironment
    }
}
