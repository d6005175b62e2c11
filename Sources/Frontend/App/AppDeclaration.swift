import IR

/// What an app.star declared, in Swift terms: filled by the host API as
/// app.star runs, consumed by the lowering. Every part keeps its location.
package struct AppDeclaration: Sendable {
    package var name: String
    package var nameLocation: SourceLocation?
    package var routes: [RouteDeclaration] = []
    package var permissions: [PermissionIR] = []
    package var container: ContainerConfig?
    package var settings: IRValue = .dict([])
    package var staticOnly = false
    package var index = ""
    package var singleFile = false
    package var redirectBarePath = false
    package var recorded: [RecordedCall] = []
    package var location: SourceLocation?

    package init(name: String, nameLocation: SourceLocation? = nil) {
        self.name = name
        self.nameLocation = nameLocation
    }
}

/// `ace.proxy(path, proxy.config(...))`.
package struct RouteDeclaration: Sendable {
    package var path: String
    package var proxy: ProxyConfig
    package var location: SourceLocation?

    package init(path: String, proxy: ProxyConfig, location: SourceLocation?) {
        self.path = path
        self.proxy = proxy
        self.location = location
    }
}

/// `proxy.config(url, strip_path="", preserve_host=False, strip_app=True, response_headers={})`.
package struct ProxyConfig: Sendable {
    /// A URL, or `container.URL` (`<CONTAINER_URL>`) for the app's container.
    package var url: String
    package var stripPath = ""
    package var preserveHost = false
    package var stripApp = true
    package var responseHeaders: [RouteIR.Header] = []
    package var location: SourceLocation?

    /// The marker `container.URL` stands for.
    package static let containerURL = "<CONTAINER_URL>"

    package init(url: String, location: SourceLocation?) {
        self.url = url
        self.location = location
    }
}

/// `container.config(src="auto", port=0, scheme="http", health="/", lifetime="app",
/// build_dir="", volumes=[], cargs={}, dev_settings={})`.
package struct ContainerConfig: Sendable {
    /// `auto`, `image:REF`, or a Containerfile path.
    package var source = "auto"
    package var port = 0
    package var scheme = "http"
    package var health = "/"
    package var lifetime = "app"
    package var buildDir = ""
    package var volumes: [(String, SourceLocation?)] = []
    package var cargs: [(String, String, SourceLocation?)] = []
    package var devSettings: IRValue = .dict([])
    package var location: SourceLocation?

    package static let auto = "auto"
    package static let imagePrefix = "image:"
    package static let command = "command"

    package init(location: SourceLocation?) {
        self.location = location
    }
}

/// One `param(...)` of params.star.
package struct ParamDeclaration: Sendable, Equatable {
    package var name: String
    package var type: ParamIR.ParamType
    /// The declared default, if any.
    package var defaultValue: IRValue?
    package var description: String
    package var required: Bool
    package var displayType: String?
    package var location: SourceLocation?

    package init(name: String, type: ParamIR.ParamType, defaultValue: IRValue?, description: String = "",
                 required: Bool = true, displayType: String? = nil, location: SourceLocation?) {
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.description = description
        self.required = required
        self.displayType = displayType
        self.location = location
    }
}
