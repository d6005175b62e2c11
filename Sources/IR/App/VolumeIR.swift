/// One volume mount, each kind with exactly the fields it needs.
public enum VolumeIR: Hashable, Sendable {
    /// `/path`: an anonymous volume, made a named volume per app so data survives restarts.
    case anonymous(AnonymousVolume)
    /// `name:/path`: a named volume, namespaced per app.
    case named(NamedVolume)
    /// `/abs:/path` or `./rel:/path`: a bind mount of a host folder.
    case bind(BindMount)
    /// `cl_secret:template:/path`: a file rendered from a Go text/template with `.params` when the container starts, mounted read-only.
    case secretFile(SecretFileMount)

    /// Mount point in the container.
    public var target: String {
        switch self {
        case .anonymous(let v): v.target
        case .named(let v): v.target
        case .bind(let v): v.target
        case .secretFile(let v): v.target
        }
    }

    public var readOnly: Bool {
        switch self {
        case .anonymous(let v): v.readOnly
        case .named(let v): v.readOnly
        case .bind(let v): v.readOnly
        case .secretFile: true
        }
    }

    /// Where and how it was declared.
    public var declared: VolumeDeclared {
        switch self {
        case .anonymous(let v): v.declared
        case .named(let v): v.declared
        case .bind(let v): v.declared
        case .secretFile(let v): v.declared
        }
    }

    /// `anonymous`, `named`, `bind` or `secretFile`, as in the JSON.
    public var kindName: String {
        switch self {
        case .anonymous: "anonymous"
        case .named: "named"
        case .bind: "bind"
        case .secretFile: "secretFile"
        }
    }

    /// The engine's volume name, for anonymous and named volumes.
    public var volumeName: String? {
        switch self {
        case .anonymous(let v): v.name
        case .named(let v): v.name
        case .bind, .secretFile: nil
        }
    }
}

/// Where a volume was declared, as written.
public struct VolumeDeclared: Codable, Hashable, Sendable {
    public enum Origin: String, Codable, Hashable, Sendable {
        case containerfile
        case flag
        case appStar = "config"
    }

    public var origin: Origin
    /// The declaration as written, e.g. `data:/var/lib/data:ro`.
    public var text: String
    public var location: SourceLocation?

    public init(origin: Origin, text: String, location: SourceLocation? = nil) {
        self.origin = origin
        self.text = text
        self.location = location
    }
}

/// `/path`.
public struct AnonymousVolume: Codable, Hashable, Sendable {
    /// The volume name the engine uses: namespaced per app, valid for Docker, Podman and Kubernetes.
    public var name: String
    public var target: String
    public var readOnly: Bool
    public var declared: VolumeDeclared

    public init(name: String, target: String, readOnly: Bool, declared: VolumeDeclared) {
        self.name = name
        self.target = target
        self.readOnly = readOnly
        self.declared = declared
    }
}

/// `name:/path`.
public struct NamedVolume: Codable, Hashable, Sendable {
    /// The name as written.
    public var declaredName: String
    /// The volume name the engine uses: namespaced per app, valid for Docker, Podman and Kubernetes.
    public var name: String
    public var target: String
    public var readOnly: Bool
    public var declared: VolumeDeclared

    public init(declaredName: String, name: String, target: String, readOnly: Bool, declared: VolumeDeclared) {
        self.declaredName = declaredName
        self.name = name
        self.target = target
        self.readOnly = readOnly
        self.declared = declared
    }
}

/// `/abs:/path` or `./rel:/path`.
public struct BindMount: Codable, Hashable, Sendable {
    /// What a bind mount's host path is relative to.
    public enum Base: String, Codable, Hashable, Sendable {
        /// An absolute host path.
        case absolute
        /// Relative to the app's build context as a backend materializes it (the source with the spec laid under it).
        case appSource
    }

    /// The host path as written (absolute) or relative to `base`, without a leading `./`.
    public var path: String
    public var base: Base
    public var target: String
    public var readOnly: Bool
    public var declared: VolumeDeclared

    public init(path: String, base: Base, target: String, readOnly: Bool, declared: VolumeDeclared) {
        self.path = path
        self.base = base
        self.target = target
        self.readOnly = readOnly
        self.declared = declared
    }
}

/// `cl_secret:template:/path`.
public struct SecretFileMount: Codable, Hashable, Sendable {
    /// The template's path in the build context.
    public var templatePath: String
    /// The Go text/template source, rendered with `.params` when the container starts
    /// (kept here so backends and the runtime need no file access; it holds references, never secret values).
    public var template: String
    /// A short name unique within the app (`<base name>-<8 hex of the target>`), for files, Secrets and Podman secrets.
    public var name: String
    public var target: String
    public var declared: VolumeDeclared

    public init(templatePath: String, template: String, name: String, target: String, declared: VolumeDeclared) {
        self.templatePath = templatePath
        self.template = template
        self.name = name
        self.target = target
        self.declared = declared
    }
}

extension VolumeIR: Codable {
    private enum CodingKeys: String, CodingKey { case anonymous, named, bind, secretFile }

    /// JSON: a one-key object naming the kind.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let v = try c.decodeIfPresent(AnonymousVolume.self, forKey: .anonymous) { self = .anonymous(v) }
        else if let v = try c.decodeIfPresent(NamedVolume.self, forKey: .named) { self = .named(v) }
        else if let v = try c.decodeIfPresent(BindMount.self, forKey: .bind) { self = .bind(v) }
        else if let v = try c.decodeIfPresent(SecretFileMount.self, forKey: .secretFile) { self = .secretFile(v) }
        else { throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription: "a volume is {\"anonymous\"|\"named\"|\"bind\"|\"secretFile\": {...}}")) }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .anonymous(let v): try c.encode(v, forKey: .anonymous)
        case .named(let v): try c.encode(v, forKey: .named)
        case .bind(let v): try c.encode(v, forKey: .bind)
        case .secretFile(let v): try c.encode(v, forKey: .secretFile)
        }
    }
}
