/// One step of an `ExecutionPlan`.
public enum PlanStep: Hashable, Sendable {
    /// Pull an image unless it is present.
    case pullImage(PullImageStep)
    /// Build an image unless its (content-addressed) tag is present.
    case buildImage(BuildImageStep)
    /// Create a volume unless it exists.
    case createVolume(CreateVolumeStep)
    /// Render a `cl_secret` template into a private file outside dist/ (0600), to be mounted read-only.
    case renderSecretFile(RenderSecretFileStep)
    /// Run the container (or start it if it exists stopped with the same plan digest; reuse it if running).
    case run(RunStep)
    /// Poll the health path until it answers 200, fail at once when the container exits.
    case waitHealthy(WaitHealthyStep)
}

/// `ENGINE pull REFERENCE`.
public struct PullImageStep: Codable, Hashable, Sendable {
    public var reference: String
    public init(reference: String) { self.reference = reference }
}

/// `ENGINE build --file CONTAINERFILE --tag TAG [--target T] [--build-arg K=V]... [--label K=V]... CONTEXT`.
public struct BuildImageStep: Codable, Hashable, Sendable {
    public var tag: String
    /// The build's context folder, relative to the plan's folder.
    public var context: String
    /// The Containerfile, relative to the plan's folder.
    public var containerfile: String
    public var target: String?
    /// Build args, sorted by name.
    public var buildArgs: [PlanKeyValue]
    public var labels: [PlanKeyValue]

    public init(tag: String, context: String, containerfile: String, target: String?, buildArgs: [PlanKeyValue], labels: [PlanKeyValue]) {
        self.tag = tag
        self.context = context
        self.containerfile = containerfile
        self.target = target
        self.buildArgs = buildArgs
        self.labels = labels
    }

    /// The argv after the engine's name.
    public var arguments: [String] {
        var a = ["build", "--file", containerfile, "--tag", tag]
        if let target { a += ["--target", target] }
        for b in buildArgs { a += ["--build-arg", "\(b.key)=\(b.value)"] }
        for l in labels { a += ["--label", "\(l.key)=\(l.value)"] }
        a.append(context)
        return a
    }
}

/// `ENGINE volume create --label K=V... NAME`.
public struct CreateVolumeStep: Codable, Hashable, Sendable {
    public var name: String
    public var labels: [PlanKeyValue]

    public init(name: String, labels: [PlanKeyValue]) {
        self.name = name
        self.labels = labels
    }

    public var arguments: [String] {
        ["volume", "create"] + labels.flatMap { ["--label", "\($0.key)=\($0.value)"] } + [name]
    }
}

/// A `cl_secret` file: the Go text/template rendered with `.params` (each
/// param's value, secrets resolved from the environment) when the app starts.
public struct RenderSecretFileStep: Codable, Hashable, Sendable {
    /// Unique within the app; names the rendered file.
    public var name: String
    /// The template's path in the build context (for error messages).
    public var templatePath: String
    public var template: String
    /// `.params`: name → value, in name order.
    public var params: [PlanEnv]
    /// Mount point in the container (read-only).
    public var target: String

    public init(name: String, templatePath: String, template: String, params: [PlanEnv], target: String) {
        self.name = name
        self.templatePath = templatePath
        self.template = template
        self.params = params
        self.target = target
    }

    /// The secrets the rendering needs.
    public var secrets: [SecretReference] { params.flatMap(\.value.secrets) }
}

/// `ENGINE run --name NAME --detach --label dev.openrun.plan=DIGEST --publish ADDR::PORT OPTIONS...
/// [ENGINE OPTIONS...] --volume BIND... --volume SECRETFILE:TARGET:ro --env NAME... IMAGE`.
/// Env values are not on the command line: the executor puts each resolved
/// value in the engine's own environment and passes `--env NAME`.
public struct RunStep: Codable, Hashable, Sendable {
    public var image: String
    /// `--publish`, when the app serves a port.
    public var publish: PublishSpec?
    /// Engine-neutral argv between `run` and the image: labels, volumes, resources, stop signal.
    public var options: [String]
    /// Argv added only for one engine (`--copt docker.X=v`, `podman.X=v`), in flag order.
    public var engineOptions: [EngineOptions]
    /// Bind mounts of host folders (`--volume HOST:TARGET[:ro]`); the executor makes relative ones absolute.
    public var binds: [BindSpec]
    /// Secret files to mount read-only: the rendered file of `RenderSecretFileStep.name` at `target`.
    public var secretFiles: [SecretFileMountSpec]
    /// The container's environment, in order.
    public var env: [PlanEnv]

    public init(image: String, publish: PublishSpec?, options: [String], engineOptions: [EngineOptions],
                binds: [BindSpec], secretFiles: [SecretFileMountSpec], env: [PlanEnv]) {
        self.image = image
        self.publish = publish
        self.options = options
        self.engineOptions = engineOptions
        self.binds = binds
        self.secretFiles = secretFiles
        self.env = env
    }

    /// The secrets the container's environment needs, in order, without repeats.
    public var secrets: [SecretReference] {
        var seen = Set<SecretReference>()
        return env.flatMap(\.value.secrets).filter { seen.insert($0).inserted }
    }
}

/// `--publish HOST_ADDRESS:[HOST_PORT]:CONTAINER_PORT`.
public struct PublishSpec: Codable, Hashable, Sendable {
    /// Always loopback: `127.0.0.1`.
    public var hostAddress: String
    public var containerPort: Int

    public init(hostAddress: String = "127.0.0.1", containerPort: Int) {
        self.hostAddress = hostAddress
        self.containerPort = containerPort
    }

    /// The flag's value; `hostPort` nil lets the engine choose.
    public func value(hostPort: Int?) -> String {
        "\(hostAddress):\(hostPort.map(String.init) ?? ""):\(containerPort)"
    }
}

/// Extra argv for one engine.
public struct EngineOptions: Codable, Hashable, Sendable {
    public var engine: EngineFlag.Engine
    public var arguments: [String]

    public init(engine: EngineFlag.Engine, arguments: [String]) {
        self.engine = engine
        self.arguments = arguments
    }
}

/// A bind mount of a host path.
public struct BindSpec: Codable, Hashable, Sendable {
    /// Absolute, or relative to the plan's folder when `relativeToPlan`.
    public var hostPath: String
    public var relativeToPlan: Bool
    public var target: String
    public var readOnly: Bool

    public init(hostPath: String, relativeToPlan: Bool, target: String, readOnly: Bool) {
        self.hostPath = hostPath
        self.relativeToPlan = relativeToPlan
        self.target = target
        self.readOnly = readOnly
    }
}

/// A rendered secret file mounted into the container.
public struct SecretFileMountSpec: Codable, Hashable, Sendable {
    public var name: String
    public var target: String

    public init(name: String, target: String) {
        self.name = name
        self.target = target
    }
}

/// One environment variable of the plan.
public struct PlanEnv: Codable, Hashable, Sendable {
    public var name: String
    public var value: EnvValue

    public init(name: String, value: EnvValue) {
        self.name = name
        self.value = value
    }
}

/// A key and a value (labels, build args).
public struct PlanKeyValue: Codable, Hashable, Sendable {
    public var key: String
    public var value: String

    public init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }
}

/// Health wait: GET `scheme://127.0.0.1:<published port><path>` until a 200.
public struct WaitHealthyStep: Codable, Hashable, Sendable {
    public var scheme: ContainerIR.Scheme
    public var path: String
    /// Give up after this many seconds.
    public var timeoutSeconds: Int
    /// First pause between attempts, doubled after each failure up to `maxDelayMilliseconds`.
    public var initialDelayMilliseconds: Int
    public var maxDelayMilliseconds: Int

    public init(scheme: ContainerIR.Scheme, path: String, timeoutSeconds: Int, initialDelayMilliseconds: Int = 5, maxDelayMilliseconds: Int = 500) {
        self.scheme = scheme
        self.path = path
        self.timeoutSeconds = timeoutSeconds
        self.initialDelayMilliseconds = initialDelayMilliseconds
        self.maxDelayMilliseconds = maxDelayMilliseconds
    }
}

/// `ENGINE stop --time SECONDS NAME`: the container is kept for a fast restart.
public struct StopStep: Codable, Hashable, Sendable {
    public var timeoutSeconds: Int

    public init(timeoutSeconds: Int) { self.timeoutSeconds = timeoutSeconds }
}

extension PlanStep: Codable {
    private enum CodingKeys: String, CodingKey { case pullImage, buildImage, createVolume, renderSecretFile, run, waitHealthy }

    /// JSON: a one-key object naming the step.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let s = try c.decodeIfPresent(PullImageStep.self, forKey: .pullImage) { self = .pullImage(s) }
        else if let s = try c.decodeIfPresent(BuildImageStep.self, forKey: .buildImage) { self = .buildImage(s) }
        else if let s = try c.decodeIfPresent(CreateVolumeStep.self, forKey: .createVolume) { self = .createVolume(s) }
        else if let s = try c.decodeIfPresent(RenderSecretFileStep.self, forKey: .renderSecretFile) { self = .renderSecretFile(s) }
        else if let s = try c.decodeIfPresent(RunStep.self, forKey: .run) { self = .run(s) }
        else if let s = try c.decodeIfPresent(WaitHealthyStep.self, forKey: .waitHealthy) { self = .waitHealthy(s) }
        else { throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription: "unknown plan step; expected one of pullImage, buildImage, createVolume, renderSecretFile, run, waitHealthy")) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .pullImage(let s): try c.encode(s, forKey: .pullImage)
        case .buildImage(let s): try c.encode(s, forKey: .buildImage)
        case .createVolume(let s): try c.encode(s, forKey: .createVolume)
        case .renderSecretFile(let s): try c.encode(s, forKey: .renderSecretFile)
        case .run(let s): try c.encode(s, forKey: .run)
        case .waitHealthy(let s): try c.encode(s, forKey: .waitHealthy)
        }
    }
}
