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

/// An image the build pulls.
public struct ContainerfileImageReference: Hashable, Codable, Sendable {
    public var reference: String
    public var location: SourceLocation

    public init(reference: String, location: SourceLocation) {
        self.reference = reference
        self.location = location
    }
}
