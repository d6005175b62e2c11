import IR

/// The semantic model of a Containerfile: what the app model and the
/// backends need, after word expansion, ARG scoping and build-arg overrides.
/// Every value keeps the location of the instruction that produced it.
public struct ContainerfileModel: Hashable, Codable, Sendable {
    /// ARGs declared before the first FROM (visible in FROM lines).
    public var globalArgs: [ContainerfileArg]
    /// Build stages in file order; the last one is the final stage.
    public var stages: [ContainerfileStage]
    /// Images the build pulls: FROM bases that are not stages (nor `scratch`),
    /// `COPY --from=<image>`, `RUN --mount=from=<image>`; in first-use order, unique.
    public var images: [ContainerfileImageReference]
    /// The escape token in effect (`\` or `` ` ``).
    public var escapeToken: String

    public init(globalArgs: [ContainerfileArg], stages: [ContainerfileStage], images: [ContainerfileImageReference], escapeToken: String) {
        self.globalArgs = globalArgs
        self.stages = stages
        self.images = images
        self.escapeToken = escapeToken
    }

    /// The stage that is built when no target is given.
    public var finalStage: ContainerfileStage? { stages.last }

    /// Every ARG name a `--carg`/`--build-arg` may set for the final stage's
    /// build (global ARGs and the ARGs of every stage), with its default, in
    /// first-declaration order.
    public var buildArgNames: [ContainerfileArg] {
        var seen = Set<String>()
        var out: [ContainerfileArg] = []
        for a in globalArgs + stages.flatMap(\.args) where seen.insert(a.name).inserted {
            out.append(a)
        }
        return out
    }
}

/// An ARG declaration.
public struct ContainerfileArg: Hashable, Codable, Sendable {
    public var name: String
    /// The default written in the file, after expansion (nil: no default).
    public var defaultValue: String?
    /// The value in effect: the build-arg override, else the default, else
    /// (in a stage) the global ARG's value; nil when unset.
    public var value: String?
    /// True when a build arg override set the value.
    public var overridden: Bool
    public var location: SourceLocation

    public init(name: String, defaultValue: String?, value: String?, overridden: Bool, location: SourceLocation) {
        self.name = name
        self.defaultValue = defaultValue
        self.value = value
        self.overridden = overridden
        self.location = location
    }

    enum CodingKeys: String, CodingKey { case name, defaultValue = "default", value, overridden, location }
}

/// A key and an expanded value (ENV, LABEL).
public struct ContainerfileKeyValue: Hashable, Codable, Sendable {
    public var key: String
    public var value: String
    public var location: SourceLocation

    public init(key: String, value: String, location: SourceLocation) {
        self.key = key
        self.value = value
        self.location = location
    }
}

/// A located string (VOLUME, WORKDIR, USER, STOPSIGNAL).
public struct ContainerfileValue: Hashable, Codable, Sendable {
    public var value: String
    public var location: SourceLocation

    public init(_ value: String, location: SourceLocation) {
        self.value = value
        self.location = location
    }
}

/// One EXPOSE item after expansion: `80`, `80/tcp`, `8000-8010/udp`.
public struct ContainerfilePort: Hashable, Codable, Sendable {
    /// The item as expanded.
    public var raw: String
    /// The (first) port, nil when the item does not parse.
    public var port: Int?
    /// The last port of a range (`8000-8010`), nil for a single port.
    public var endPort: Int?
    /// `tcp` (the default), `udp` or `sctp` as written (lower-cased).
    public var proto: String
    public var location: SourceLocation

    public init(raw: String, port: Int?, endPort: Int?, proto: String, location: SourceLocation) {
        self.raw = raw
        self.port = port
        self.endPort = endPort
        self.proto = proto
        self.location = location
    }

    enum CodingKeys: String, CodingKey { case raw, port, endPort, proto = "protocol", location }

    /// True when the item is a plain `digits` or `digits/tcp` port, the form
    /// OpenRun takes as the app's port.
    public var isPlainTCP: Bool { port != nil && endPort == nil && proto == "tcp" && !raw.contains("-") }
}

/// CMD, ENTRYPOINT or SHELL with its form kept.
public struct ContainerfileCommand: Hashable, Codable, Sendable {
    /// True for the JSON (exec) form, false for the shell form.
    public var exec: Bool
    /// Exec form: the argv; shell form: one element, the command line.
    public var args: [String]
    public var location: SourceLocation

    public init(exec: Bool, args: [String], location: SourceLocation) {
        self.exec = exec
        self.args = args
        self.location = location
    }

    enum CodingKeys: String, CodingKey { case form, args, location }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        exec = try c.decode(String.self, forKey: .form) == "exec"
        args = try c.decode([String].self, forKey: .args)
        location = try c.decode(SourceLocation.self, forKey: .location)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(exec ? "exec" : "shell", forKey: .form)
        try c.encode(args, forKey: .args)
        try c.encode(location, forKey: .location)
    }
}

/// HEALTHCHECK: `NONE`, or a test command with options (durations as written).
public struct ContainerfileHealthcheck: Hashable, Codable, Sendable {
    /// Docker's test array: `["NONE"]`, `["CMD", argv...]` or `["CMD-SHELL", line]`.
    public var test: [String]
    public var interval: String?
    public var timeout: String?
    public var startPeriod: String?
    public var startInterval: String?
    public var retries: Int?
    public var location: SourceLocation

    public init(test: [String], interval: String? = nil, timeout: String? = nil, startPeriod: String? = nil, startInterval: String? = nil, retries: Int? = nil, location: SourceLocation) {
        self.test = test
        self.interval = interval
        self.timeout = timeout
        self.startPeriod = startPeriod
        self.startInterval = startInterval
        self.retries = retries
        self.location = location
    }

    /// True for `HEALTHCHECK NONE`.
    public var isNone: Bool { test == ["NONE"] }
}

/// An image the build pulls.
public struct ContainerfileImageReference: Hashable, Codable, Sendable {
    public var reference: String
    public var location: SourceLocation

    public init(reference: String, location: SourceLocation) {
        self.reference = reference
        self.location = location
    }
}

/// One build stage with the image configuration it produces (inherited from
/// its base when the base is an earlier stage).
public struct ContainerfileStage: Hashable, Codable, Sendable {
    public var index: Int
    /// `AS name`, lower-cased; nil when the stage is unnamed.
    public var name: String?
    /// The base after expansion with the global ARGs.
    public var base: String
    /// The base as written.
    public var baseRaw: String
    /// Index of the earlier stage the base names, if it names one.
    public var baseStage: Int?
    /// `--platform`, expanded.
    public var platform: String?
    /// True for the last stage.
    public var isFinal: Bool
    public var location: SourceLocation
    public var args: [ContainerfileArg]
    /// Environment in effect at the end of the stage, in first-set order.
    public var env: [ContainerfileKeyValue]
    /// Labels in first-set order (the JSON form is a map).
    public var labels: [ContainerfileKeyValue]
    public var expose: [ContainerfilePort]
    public var volumes: [ContainerfileValue]
    public var workdir: ContainerfileValue?
    public var user: ContainerfileValue?
    public var cmd: ContainerfileCommand?
    public var entrypoint: ContainerfileCommand?
    public var shell: ContainerfileCommand?
    public var healthcheck: ContainerfileHealthcheck?
    public var stopSignal: ContainerfileValue?
    /// ONBUILD triggers as written (without `ONBUILD`).
    public var onbuild: [ContainerfileValue]

    public init(index: Int, name: String?, base: String, baseRaw: String, baseStage: Int?, platform: String?, isFinal: Bool, location: SourceLocation) {
        self.index = index
        self.name = name
        self.base = base
        self.baseRaw = baseRaw
        self.baseStage = baseStage
        self.platform = platform
        self.isFinal = isFinal
        self.location = location
        self.args = []
        self.env = []
        self.labels = []
        self.expose = []
        self.volumes = []
        self.onbuild = []
    }

    /// The last EXPOSE item that is a plain TCP port (OpenRun's rule for the app port).
    public var lastPlainPort: ContainerfilePort? { expose.last(where: \.isPlainTCP) }

    /// Labels as a map (last value wins).
    public var labelMap: [String: String] {
        var m: [String: String] = [:]
        for l in labels { m[l.key] = l.value }
        return m
    }

    enum CodingKeys: String, CodingKey {
        case index, name, base, baseRaw, baseStage, platform, isFinal = "final", location, args, env, labels, labelLocations
        case expose, volumes, workdir, user, cmd, entrypoint, shell, healthcheck, stopSignal = "stopsignal", onbuild
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        index = try c.decode(Int.self, forKey: .index)
        name = try c.decodeIfPresent(String.self, forKey: .name)
        base = try c.decode(String.self, forKey: .base)
        baseRaw = try c.decode(String.self, forKey: .baseRaw)
        baseStage = try c.decodeIfPresent(Int.self, forKey: .baseStage)
        platform = try c.decodeIfPresent(String.self, forKey: .platform)
        isFinal = try c.decode(Bool.self, forKey: .isFinal)
        location = try c.decode(SourceLocation.self, forKey: .location)
        args = try c.decode([ContainerfileArg].self, forKey: .args)
        env = try c.decode([ContainerfileKeyValue].self, forKey: .env)
        labels = try c.decode([ContainerfileKeyValue].self, forKey: .labelLocations)
        expose = try c.decode([ContainerfilePort].self, forKey: .expose)
        volumes = try c.decode([ContainerfileValue].self, forKey: .volumes)
        workdir = try c.decodeIfPresent(ContainerfileValue.self, forKey: .workdir)
        user = try c.decodeIfPresent(ContainerfileValue.self, forKey: .user)
        cmd = try c.decodeIfPresent(ContainerfileCommand.self, forKey: .cmd)
        entrypoint = try c.decodeIfPresent(ContainerfileCommand.self, forKey: .entrypoint)
        shell = try c.decodeIfPresent(ContainerfileCommand.self, forKey: .shell)
        healthcheck = try c.decodeIfPresent(ContainerfileHealthcheck.self, forKey: .healthcheck)
        stopSignal = try c.decodeIfPresent(ContainerfileValue.self, forKey: .stopSignal)
        onbuild = try c.decode([ContainerfileValue].self, forKey: .onbuild)
    }

    /// `labels` is written as a map of expanded values; `labelLocations`
    /// keeps each LABEL item with its location. Absent optionals are `null`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(index, forKey: .index)
        try c.encode(name, forKey: .name)
        try c.encode(base, forKey: .base)
        try c.encode(baseRaw, forKey: .baseRaw)
        try c.encode(baseStage, forKey: .baseStage)
        try c.encode(platform, forKey: .platform)
        try c.encode(isFinal, forKey: .isFinal)
        try c.encode(location, forKey: .location)
        try c.encode(args, forKey: .args)
        try c.encode(env, forKey: .env)
        try c.encode(labelMap, forKey: .labels)
        try c.encode(labels, forKey: .labelLocations)
        try c.encode(expose, forKey: .expose)
        try c.encode(volumes, forKey: .volumes)
        try c.encode(workdir, forKey: .workdir)
        try c.encode(user, forKey: .user)
        try c.encode(cmd, forKey: .cmd)
        try c.encode(entrypoint, forKey: .entrypoint)
        try c.encode(shell, forKey: .shell)
        try c.encode(healthcheck, forKey: .healthcheck)
        try c.encode(stopSignal, forKey: .stopSignal)
        try c.encode(onbuild, forKey: .onbuild)
    }
}
