import IR

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
