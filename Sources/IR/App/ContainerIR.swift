/// How the app's container runs: everything except the image.
public struct ContainerIR: Codable, Hashable, Sendable {
    /// `container.config(lifetime=)`.
    public enum Lifetime: String, Codable, Hashable, Sendable {
        /// A long-running service behind the proxy.
        case app
        /// Runs commands on demand (`container.COMMAND`); no service, no port needed.
        case command
    }

    /// The protocol the app speaks on its port.
    public enum Scheme: String, Codable, Hashable, Sendable {
        case http
        case https
    }

    /// The port the app listens on inside the container; nil when it has none (command lifetime).
    public var port: PortIR?
    public var scheme: Scheme
    /// Health check path (`container.config(health=)`), e.g. `/` or `/_stcore/health`; always starts with `/`.
    public var healthPath: String
    public var lifetime: Lifetime
    /// Environment in the order the container gets it: params, then `CL_APP_PATH`, `PORT`, `CL_APP_URL`.
    public var env: [EnvVar]
    /// Volumes: Containerfile `VOLUME`s, then `--cvol`, then `container.config(volumes=)`.
    public var volumes: [VolumeIR]
    public var resources: Resources
    /// Raw engine flags from `--copt docker.X=v` / `podman.X=v`, in flag order.
    public var engineFlags: [EngineFlag]
    /// Signal to stop the container with (Containerfile `STOPSIGNAL`), if any.
    public var stopSignal: String?
    /// `container.config(dev_settings=)` and spec-level dev settings, recorded as given.
    public var devSettings: IRValue
    public var location: SourceLocation?

    public init(port: PortIR?, scheme: Scheme = .http, healthPath: String = "/", lifetime: Lifetime = .app,
                env: [EnvVar] = [], volumes: [VolumeIR] = [], resources: Resources = Resources(),
                engineFlags: [EngineFlag] = [], stopSignal: String? = nil, devSettings: IRValue = .dict([]),
                location: SourceLocation? = nil) {
        self.port = port
        self.scheme = scheme
        self.healthPath = healthPath
        self.lifetime = lifetime
        self.env = env
        self.volumes = volumes
        self.resources = resources
        self.engineFlags = engineFlags
        self.stopSignal = stopSignal
        self.devSettings = devSettings
        self.location = location
    }
}

/// The port the app listens on inside its container.
public struct PortIR: Codable, Hashable, Sendable {
    /// Where the port came from.
    public enum Origin: String, Codable, Hashable, Sendable {
        /// `container.config(port=)`.
        case config
        /// The last parsable `EXPOSE` of the Containerfile.
        case expose
    }

    /// 1–65535.
    public var number: Int
    public var origin: Origin
    public var location: SourceLocation?

    public init(_ number: Int, origin: Origin, location: SourceLocation? = nil) {
        self.number = number
        self.origin = origin
        self.location = location
    }
}

/// CPU, memory and replica settings from `--copt`.
public struct Resources: Codable, Hashable, Sendable {
    /// CPU limit in millicores (`cpus=2` → 2000, `cpus=500m` → 500).
    public var cpuMillis: Int?
    /// Memory limit in bytes (`512m`, `1g`, `512Mi`).
    public var memoryBytes: Int?
    public var minReplicas: Int?
    public var maxReplicas: Int?

    public init(cpuMillis: Int? = nil, memoryBytes: Int? = nil, minReplicas: Int? = nil, maxReplicas: Int? = nil) {
        self.cpuMillis = cpuMillis
        self.memoryBytes = memoryBytes
        self.minReplicas = minReplicas
        self.maxReplicas = maxReplicas
    }
}

/// A raw setting for one engine, from `--copt docker.X=v`, `podman.X=v` or
/// `kubernetes.X=v` (a pod-spec setting the Kubernetes backend maps where it
/// has a clear meaning).
public struct EngineFlag: Codable, Hashable, Sendable {
    public enum Engine: String, Codable, Hashable, Sendable, CaseIterable {
        case docker
        case podman
        case kubernetes

        /// The container engines (whose flags go on a `run` command line).
        public static let containerEngines: [Engine] = [.docker, .podman]
    }

    public var engine: Engine
    /// Flag name without dashes (`shm-size`).
    public var name: String
    /// Value; nil for a flag given without one.
    public var value: String?
    public var location: SourceLocation?

    public init(engine: Engine, name: String, value: String?, location: SourceLocation? = nil) {
        self.engine = engine
        self.name = name
        self.value = value
        self.location = location
    }
}
