/// Everything a backend or the runtime needs to know about one app, lowered
/// from its source, spec, params and flags. Plain, deterministic data:
/// arrays wherever order matters, no absolute host paths, no secret values.
///
/// Every item that came from something the user wrote carries its
/// `SourceLocation`, so a backend can point a warning at app.star line and
/// column. `openrun inspect ir` prints it as JSON (`AppIR.encodeJSON()`).
public struct AppIR: Codable, Hashable, Sendable {
    /// Bumped on any incompatible change to the JSON shape.
    public static let currentSchemaVersion = 2

    public var schemaVersion: Int
    public var identity: AppIdentity
    public var source: SourceInfo
    /// The spec the app was compiled with, if any.
    public var spec: SpecInfo?
    /// Params in declaration order (params.star), then undeclared ones from flags, sorted by name.
    public var params: [ParamIR]
    /// Flags of `ace.app(...)` that change how the app is served.
    public var options: AppOptionsIR
    /// The image to run: built from a Containerfile or pulled. Nil when the app runs no container (proxy, no-container static).
    public var image: ImageIR?
    /// How the container runs. Nil when the app runs no container.
    public var container: ContainerIR?
    /// Routes in the order app.star declares them.
    public var routes: [RouteIR]
    /// Permissions the app declares, in order.
    public var permissions: [PermissionIR]
    /// Other `ace.*` calls (html, api, action, style, library, ...) recorded for completeness; backends ignore them.
    public var recorded: [RecordedCall]
    /// How the runtime treats the app (idle stop, health budget).
    public var runtime: RuntimePolicy

    public init(
        identity: AppIdentity, source: SourceInfo, spec: SpecInfo?, params: [ParamIR], options: AppOptionsIR,
        image: ImageIR?, container: ContainerIR?, routes: [RouteIR], permissions: [PermissionIR],
        recorded: [RecordedCall], runtime: RuntimePolicy
    ) {
        self.schemaVersion = Self.currentSchemaVersion
        self.identity = identity
        self.source = source
        self.spec = spec
        self.params = params
        self.options = options
        self.image = image
        self.container = container
        self.routes = routes
        self.permissions = permissions
        self.recorded = recorded
        self.runtime = runtime
    }
}

/// Who the app is and where it is served.
public struct AppIdentity: Codable, Hashable, Sendable {
    /// Display name (`ace.app(name)`, usually the `app_name` param).
    public var name: String
    /// URL path prefix, always starting with `/`.
    public var path: String
    /// Domain for domain-based routing, if the app path was `domain:/path`.
    public var domain: String?
    /// Stable slug derived from domain and path; the stem of every generated name.
    public var slug: String
    public var nameLocation: SourceLocation?

    public init(name: String, path: String, domain: String?, slug: String, nameLocation: SourceLocation? = nil) {
        self.name = name
        self.path = path
        self.domain = domain
        self.slug = slug
        self.nameLocation = nameLocation
    }

    /// `CL_APP_PATH` as OpenRun sets it: the path, empty for `/`.
    public var appPathEnv: String { path == "/" ? "" : path }
}

/// Where the app's files came from.
public struct SourceInfo: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Hashable, Sendable {
        /// `-`: no source (image and proxy specs).
        case none
        case local
        case git
        case archive
    }

    public var kind: Kind
    /// The source as the user named it, normalized, credentials removed.
    public var location: String
    /// Folder inside the repository or archive, if one was named.
    public var subdirectory: String?
    /// Git: requested branch.
    public var branch: String?
    /// Git: requested commit.
    public var commit: String?
    /// Git: the commit actually checked out.
    public var resolvedCommit: String?
    /// SHA-256 (hex) of the source files (respecting `.dockerignore`); nil for no source.
    public var digest: String?

    public init(kind: Kind, location: String, subdirectory: String? = nil, branch: String? = nil,
                commit: String? = nil, resolvedCommit: String? = nil, digest: String? = nil) {
        self.kind = kind
        self.location = location
        self.subdirectory = subdirectory
        self.branch = branch
        self.commit = commit
        self.resolvedCommit = resolvedCommit
        self.digest = digest
    }
}

/// Which spec the app was compiled with.
public struct SpecInfo: Codable, Hashable, Sendable {
    /// Bundled spec name, or nil for a spec folder given by path.
    public var name: String?
    /// The folder as given, for a spec given by path.
    public var path: String?
    /// SHA-256 (hex) of the spec's files.
    public var digest: String

    public init(name: String?, path: String?, digest: String) {
        self.name = name
        self.path = path
        self.digest = digest
    }
}

/// `ace.app(...)` flags that change how the app is served.
public struct AppOptionsIR: Codable, Hashable, Sendable {
    /// The app serves its source files only (static specs); lowered to a static-server container.
    public var staticOnly: Bool
    /// Index file for static apps ("" = default).
    public var index: String
    /// Serve only the index file for every path.
    public var singleFile: Bool
    /// Redirect `/app` to `/app/`.
    public var redirectBarePath: Bool
    /// `ace.app(settings=...)`, as given.
    public var settings: IRValue

    public init(staticOnly: Bool = false, index: String = "", singleFile: Bool = false,
                redirectBarePath: Bool = false, settings: IRValue = .dict([])) {
        self.staticOnly = staticOnly
        self.index = index
        self.singleFile = singleFile
        self.redirectBarePath = redirectBarePath
        self.settings = settings
    }
}
