/// How the app's container runs: everything except the image.
public struct ContainerIR: Codable, Hashable, Sendable {
    /// `container.config(lifetime=)`.
    public enum Lifetime: String, Codable, Hashable, Sendable {
        /// A long-running service behind the proxy.
        case app
        /// Runs commands on demand (`container.COMMAND`); no service, no port needed.
        case command
    }

    /// Where the port came from.
    public enum PortOrigin: String, Codable, Hashable, Sendable {
        /// `container.config(port=)`.
        case config
        /// The last parsable `EXPOSE` of the Containerfile.
        case expose
        /// No port (command lifetime).
        case none
    }

    /// The port the app listens on inside the container; 0 when `portOrigin == .none`.
    public var port: Int
    public var portOrigin: PortOrigin
    public var portLocation: SourceLocation?
    /// `http` or `https`.
    public var scheme: String
    /// Health check path (`container.config(health=)`), e.g. `/` or `/_stcore/health`.
    public var healthPath: String
    public var lifetime: Lifetime
    /// Environment in the order the container gets it: params, then `CL_APP_PATH`, `PORT`, `CL_APP_URL`.
    public var env: [EnvVar]
    /// Volumes: Containerfile `VOLUME`s, then `--cvol`, then `container.config(volumes=)`.
    public var volumes: [VolumeIR]
    public var resources: Resources
    /// Raw engine flags from `--copt docker.X=v` / `podman.X=v`, in flag order.
    public var engineFlags: [EngineFlag]
    /// Labels openrun sets on the container (sorted by key).
    public var labels: [Label]
    /// Signal to stop the container with (Containerfile `STOPSIGNAL`), if any.
    public var stopSignal: String?
    /// `container.config(dev_settings=)` and spec-level dev settings, recorded as given.
    public var devSettings: IRValue
    public var location: SourceLocation?

    public init(port: Int, portOrigin: PortOrigin, portLocation: SourceLocation? = nil, scheme: String = "http",
                healthPath: String = "/", lifetime: Lifetime = .app, env: [EnvVar] = [], volumes: [VolumeIR] = [],
                resources: Resources = Resources(), engineFlags: [EngineFlag] = [], labels: [Label] = [],
                stopSignal: String? = nil, devSettings: IRValue = .dict([]), location: SourceLocation? = nil) {
        self.port = port
        self.portOrigin = portOrigin
        self.portLocation = portLocation
        self.scheme = scheme
        self.healthPath = healthPath
        self.lifetime = lifetime
        self.env = env
        self.volumes = volumes
        self.resources = resources
        self.engineFlags = engineFlags
        self.labels = labels
        self.stopSignal = stopSignal
        self.devSettings = devSettings
        self.location = location
    }
}

/// One environment variable; a secret one holds a reference, never the secret.
public struct EnvVar: Codable, Hashable, Sendable {
    public enum Origin: String, Codable, Hashable, Sendable {
        /// A param's value.
        case param
        /// Set by openrun (`CL_APP_PATH`, `PORT`, `CL_APP_URL`).
        case openrun
    }

    public var name: String
    /// The literal value; when `secrets` is not empty, a template whose `{{secret ...}}` references are resolved at start.
    public var value: String
    /// Secret references in `value`, in order.
    public var secrets: [SecretReference]
    public var origin: Origin
    public var location: SourceLocation?

    public init(name: String, value: String, secrets: [SecretReference] = [], origin: Origin, location: SourceLocation? = nil) {
        self.name = name
        self.value = value
        self.secrets = secrets
        self.origin = origin
        self.location = location
    }
}

/// One volume mount.
public struct VolumeIR: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Hashable, Sendable {
        /// `/path`: an anonymous volume, made a named volume per app so data survives restarts.
        case anonymous
        /// `name:/path`: a named volume, namespaced per app.
        case named
        /// `/abs:/path` or `./rel:/path`: a bind mount of a host folder.
        case bind
        /// `cl_secret:template:/path`: a file rendered from a template with `.params`, mounted read-only.
        case secretFile
    }

    /// Where the volume was declared.
    public enum Origin: String, Codable, Hashable, Sendable {
        case containerfile
        case flag
        case appStar = "config"
    }

    public var kind: Kind
    /// The volume name the engine uses (anonymous and named volumes), already namespaced and valid.
    public var name: String?
    /// Host path (bind, as written: relative paths stay relative to the app source) or template path (secretFile, in the build context).
    public var source: String?
    /// Mount point in the container.
    public var target: String
    public var readOnly: Bool
    public var origin: Origin
    /// The declaration as written.
    public var declaration: String
    /// For `secretFile`: the Go text/template source, rendered with `.params` when the container starts
    /// (kept here so backends need no file access; it holds references, never secret values).
    public var template: String?
    public var location: SourceLocation?

    public init(kind: Kind, name: String? = nil, source: String? = nil, target: String, readOnly: Bool,
                origin: Origin, declaration: String, template: String? = nil, location: SourceLocation? = nil) {
        self.kind = kind
        self.name = name
        self.source = source
        self.target = target
        self.readOnly = readOnly
        self.origin = origin
        self.declaration = declaration
        self.template = template
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

/// A raw flag for one engine, from `--copt docker.X=v` or `podman.X=v`.
public struct EngineFlag: Codable, Hashable, Sendable {
    public enum Engine: String, Codable, Hashable, Sendable, CaseIterable {
        case docker
        case podman
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

/// A container label.
public struct Label: Codable, Hashable, Sendable {
    public var key: String
    public var value: String

    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }
}
