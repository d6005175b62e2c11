/// One app as the runtime serves it: where it is routed and how its container starts.
/// This is the runtime's own view; the CLI maps an `ExecutionPlan` (or anything plan-like) onto it.
package struct ServedApp: Sendable {
    /// One routed path of the app.
    package struct Route: Sendable {
        package enum Upstream: Sendable, Hashable {
            /// The app's container.
            case container
            /// A fixed HTTP URL (proxy spec).
            case url(String)
        }

        /// Path under the app, `/` for all of it.
        package var path: String
        package var upstream: Upstream
        package var stripApp: Bool
        package var stripPath: String
        package var preserveHost: Bool
        package var responseHeaders: [(name: String, value: String)]

        package init(path: String = "/", upstream: Upstream = .container, stripApp: Bool = true, stripPath: String = "",
                     preserveHost: Bool = false, responseHeaders: [(name: String, value: String)] = []) {
            self.path = path
            self.upstream = upstream
            self.stripApp = stripApp
            self.stripPath = stripPath
            self.preserveHost = preserveHost
            self.responseHeaders = responseHeaders
        }
    }

    package var name: String
    /// The domain it answers on; nil for any.
    package var domain: String?
    /// The app path, `/` or `/x`.
    package var path: String
    /// How its container starts; nil when no route needs one.
    package var recipe: LaunchRecipe?
    package var routes: [Route]
    package var redirectBarePath: Bool
    /// The app's own idle timeout (nil: the runtime's default).
    package var idleTimeout: Duration?
    /// How long a start may take before it fails with 504.
    package var startTimeout: Duration?

    package init(name: String, domain: String? = nil, path: String, recipe: LaunchRecipe?, routes: [Route] = [Route()],
                 redirectBarePath: Bool = false, idleTimeout: Duration? = nil, startTimeout: Duration? = nil) {
        self.name = name
        self.domain = domain
        self.path = path
        self.recipe = recipe
        self.routes = routes
        self.redirectBarePath = redirectBarePath
        self.idleTimeout = idleTimeout
        self.startTimeout = startTimeout
    }
}
