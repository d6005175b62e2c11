import IR

/// Runs an app.star with OpenRun's host API — the `ace` module, the `param`
/// module, and the `container.in` / `proxy.in` plugins through `load()` — and
/// returns what it declared. Every call keeps the app.star location it came from.
package final class AppStarHost {
    /// Reads a `.star` file for `load()` (path relative to the app root), nil if absent.
    package typealias FileReader = (String) -> [UInt8]?

    /// Starlark call depth allowed in app.star (AppCompiler runs on a 512 MiB stack).
    static let maxDepth = 1_000

    /// A thread for a host file (app.star, params.star, an apply file): the step
    /// budget, the recursion limit and stack budget every host uses, `print` routed.
    static func makeThread(maxSteps: Int, print: @escaping (String) -> Void) -> Starlark.Thread {
        let thread = Starlark.Thread()
        thread.maxSteps = maxSteps
        thread.maxDepth = maxDepth
        thread.stackBudget = 256 << 20
        thread.print = { _, line in print(line) }
        return thread
    }

    let params: [ParamIR]
    let appURL: String
    let branch: String?
    let readFile: FileReader
    let diags: Diagnostics
    /// Receives `print` output (stderr in the CLI, so it never mixes with JSON on stdout).
    var printHandler: (String) -> Void = { _ in }
    private var recorded: [RecordedCall] = []
    private var loading: [String] = []
    private var loaded: [String: [(String, Starlark.Value)]] = [:]

    package init(params: [ParamIR], appURL: String, branch: String?, readFile: @escaping FileReader, diags: Diagnostics) {
        self.params = params
        self.appURL = appURL
        self.branch = branch
        self.readFile = readFile
        self.diags = diags
    }

    /// Executes app.star; returns the declaration, or nil after reporting errors.
    package func run(file: String = "app.star", source: [UInt8], maxSteps: Int = 10_000_000) -> AppDeclaration? {
        let thread = makeThread(maxSteps: maxSteps)
        let globals: Starlark.Globals
        do {
            globals = try thread.exec(filename: file, source: source, predeclared: predeclared(), options: .appStar)
        } catch {
            diags.emit(error.compactDiagnostic)
            return nil
        }
        guard let app = globals["app"] else {
            // Located at the file's last line: the place to add it.
            var lastLine = source.reduce(1) { $1 == 10 ? $0 + 1 : $0 }
            if source.last == 10 && lastLine > 1 { lastLine -= 1 }
            diags.error("app.missing", "app not defined, check app.star, add 'app = ace.app(...)'", at: SourceLocation(file: file, line: lastLine, column: 1))
            return nil
        }
        guard case .object(let o) = app, let record = o as? HostRecord, case .app(var decl) = record.payload else {
            diags.error("app.wrong-type", "app not of type ace.app in app.star (it is \(app.typeName))", at: .file(file))
            return nil
        }
        decl.recorded = recorded
        return decl
    }

    func makeThread(maxSteps: Int) -> Starlark.Thread {
        let thread = Self.makeThread(maxSteps: maxSteps, print: printHandler)
        thread.load = { [unowned self] module, from in try self.load(module, from: from, maxSteps: maxSteps) }
        return thread
    }

    func predeclared() -> [String: Starlark.Value] {
        [
            "ace": .object(Starlark.StarlarkModule(name: "ace", members: aceMembers())),
            "param": .object(Starlark.StarlarkModule(name: "param", members: params.filter { $0.origin != .undeclared }.map { ($0.name, $0.value.starlark) })),
        ]
    }

    // MARK: load()

    func load(_ module: String, from: String, maxSteps: Int) throws -> [(String, Starlark.Value)] {
        let name = module.split(separator: "#", maxSplits: 1).first.map(String.init) ?? module
        switch name {
        case "container.in": return [("container", .object(Starlark.StarlarkModule(name: "container", members: containerMembers())))]
        case "proxy.in": return [("proxy", .object(Starlark.StarlarkModule(name: "proxy", members: proxyMembers())))]
        default: break
        }
        guard name.hasSuffix(".star") else {
            throw Starlark.EvalError("module \(module) not found (openrun provides container.in and proxy.in; other plugins are OpenRun server features)")
        }
        let path = Self.resolve(name, relativeTo: from)
        if let cached = loaded[path] { return cached }
        if loading.contains(path) { throw Starlark.EvalError("cycle in starlark load graph during load of \(path)") }
        guard let bytes = readFile(path) else { throw Starlark.EvalError("cannot load \(module): no file \(path) in the app source or spec") }
        loading.append(path)
        defer { loading.removeLast() }
        let thread = makeThread(maxSteps: maxSteps)
        let globals = try thread.exec(filename: path, source: bytes, predeclared: predeclared(), options: .appStar)
        loaded[path] = globals.entries
        return globals.entries
    }

    /// `sub/x.star` loaded from `dir/app.star` → `dir/sub/x.star`; `..` may not leave the root.
    static func resolve(_ name: String, relativeTo from: String) -> String {
        var parts = from.split(separator: "/").dropLast().map(String.init)
        for p in name.split(separator: "/") {
            if p == "." { continue }
            if p == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(String(p))
        }
        return parts.joined(separator: "/")
    }

    // MARK: ace

    func builtin(_ name: String, _ impl: @escaping (Starlark.Thread, [Starlark.Value], [(String, Starlark.Value)]) throws -> Starlark.Value) -> Starlark.Value {
        .builtin(Starlark.BuiltinFunction(name, impl))
    }

    func aceMembers() -> [(String, Starlark.Value)] {
        var members: [(String, Starlark.Value)] = [
            ("app", builtin("app") { [unowned self] t, a, k in try self.aceApp(t, a, k) }),
            ("proxy", builtin("proxy") { t, a, k in
                let args = try HostArguments("proxy", a, k, names: ["path", "config"], required: 2)
                let path = try args.string("path")
                guard case .object(let o)? = args.value("config"), let r = o as? HostRecord, case .proxyConfig(let config) = r.payload else {
                    throw Starlark.EvalError("proxy: for parameter config: got \(args.value("config")?.typeName ?? "None"), want proxy.config(...)")
                }
                let route = RouteDeclaration(path: path, proxy: config, location: t.callerLocation)
                return .object(HostRecord("proxy", fields: [("path", .str(path)), ("config", args.value("config")!)], payload: .route(route)))
            }),
            ("permission", builtin("permission") { t, a, k in
                let args = try HostArguments("permission", a, k, names: ["plugin", "method", "arguments", "type", "secrets", "permit"], required: 2)
                let type = try args.string("type")
                guard ["", "READ", "WRITE"].contains(type) else { throw Starlark.EvalError("invalid permission type specified : \(type)") }
                let secrets: [[String]] = try args.list("secrets").enumerated().map { i, v in
                    guard let inner = v.asArray else { throw Starlark.EvalError("permission: secrets entry \(i) is \(v.typeName), want a list of strings") }
                    return try inner.map { s in
                        guard let str = s.asString else { throw Starlark.EvalError("permission: secrets entry \(i) holds \(s.typeName), want string") }
                        return str
                    }
                }
                let p = PermissionIR(plugin: try args.string("plugin"), method: try args.string("method"),
                                     arguments: try args.list("arguments").map(IRValue.init(starlark:)),
                                     type: type.isEmpty ? nil : type, secrets: secrets, location: t.callerLocation)
                var fields: [(String, Starlark.Value)] = [("plugin", .str(p.plugin)), ("method", .str(p.method)),
                                                          ("arguments", .list(try args.list("arguments"))),
                                                          ("secrets", .list(try args.list("secrets"))), ("permit", .list(try args.list("permit")))]
                if !type.isEmpty { fields.append(("is_read", .bool(type == "READ"))) }
                return .object(HostRecord("permission", fields: fields, payload: .permission(p)))
            }),
            ("config", builtin("config") { [unowned self] _, a, k in
                let args = try HostArguments("config", a, k, names: ["key", "default"], required: 2)
                let key = try args.string("key")
                let def = args.value("default") ?? .none
                switch key {
                case "_app_url": return .str(self.appURL)
                case "_branch": return self.branch.map { .str($0) } ?? def
                case "_dev": return .bool(false)
                default: return def
                }
            }),
            ("CONTAINER_URL", .str(ProxyConfig.containerURL)),
        ]
        for c in ["GET", "POST", "PUT", "DELETE", "JSON", "TEXT", "READ", "WRITE", "AUTO", "TABLE", "DOWNLOAD", "IMAGE"] {
            members.append((c, .str(c)))
        }
        for name in ["html", "fragment", "api", "style", "redirect", "response", "library", "action", "result", "audit", "output"] {
            members.append((name, builtin(name) { [unowned self] t, a, k in try self.record(name, t, a, k) }))
        }
        return members
    }

    /// html, api, action, ...: accepted and recorded; returns a record with the given arguments.
    func record(_ name: String, _ t: Starlark.Thread, _ a: [Starlark.Value], _ k: [(String, Starlark.Value)], module: String = "ace") throws -> Starlark.Value {
        recorded.append(RecordedCall(function: "\(module).\(name)", arguments: a.map(IRValue.init(starlark:)),
                                     keywordArguments: k.map { IRValue.Entry($0.0, IRValue(starlark: $0.1)) }, location: t.callerLocation))
        if name == "audit" { return .none }
        var fields = k
        if let first = a.first {
            let firstName = ["html": "path", "fragment": "path", "api": "path", "style": "library", "redirect": "url",
                             "response": "data", "library": "name", "action": "name", "result": "status", "output": "value"][name] ?? "arg0"
            fields.append((firstName, first))
        }
        return .object(HostRecord(name, fields: fields, payload: .recorded(name)))
    }

    func aceApp(_ t: Starlark.Thread, _ a: [Starlark.Value], _ k: [(String, Starlark.Value)]) throws -> Starlark.Value {
        let args = try HostArguments("app", a, k, names: ["name", "routes", "style", "permissions", "libraries", "settings",
                                                        "custom_layout", "container", "actions", "static_only", "index",
                                                        "single_file", "redirect_bare_path"], required: 1)
        let location = t.callerLocation
        var decl = AppDeclaration(name: try args.string("name"), nameLocation: location)
        decl.location = location
        for (i, r) in try args.list("routes").enumerated() {
            guard case .object(let o) = r, let rec = o as? HostRecord else {
                throw Starlark.EvalError("routes entry \(i + 1) is not a struct")
            }
            switch rec.payload {
            case .route(let route): decl.routes.append(route)
            case .recorded: break
            default: throw Starlark.EvalError("routes entry \(i + 1) is a \(rec.constructorName), want ace.proxy(...), ace.html(...) or ace.api(...)")
            }
        }
        for (i, p) in try args.list("permissions").enumerated() {
            guard case .object(let o) = p, let rec = o as? HostRecord, case .permission(let perm) = rec.payload else {
                throw Starlark.EvalError("permissions entry \(i + 1) is \(p.typeName), want ace.permission(...)")
            }
            decl.permissions.append(perm)
        }
        if let c = args.value("container"), !c.isNone {
            guard case .object(let o) = c, let rec = o as? HostRecord, case .containerConfig(let config) = rec.payload else {
                throw Starlark.EvalError("container config is not valid type: got \(c.typeName), want container.config(...)")
            }
            decl.container = config
        }
        if let s = args.value("settings"), !s.isNone {
            guard s.asDictEntries != nil else { throw Starlark.EvalError("app: for parameter settings: got \(s.typeName), want dict") }
            decl.settings = IRValue(starlark: s)
        }
        decl.staticOnly = try args.bool("static_only")
        decl.index = try args.string("index")
        decl.singleFile = try args.bool("single_file")
        decl.redirectBarePath = try args.bool("redirect_bare_path")
        _ = try args.bool("custom_layout")
        var fields: [(String, Starlark.Value)] = [
            ("name", .str(decl.name)), ("custom_layout", .bool(try args.bool("custom_layout"))),
            ("routes", .list(try args.list("routes"))), ("permissions", .list(try args.list("permissions"))),
            ("libraries", .list(try args.list("libraries"))), ("actions", .list(try args.list("actions"))),
            ("static_only", .bool(decl.staticOnly)), ("index", .str(decl.index)), ("single_file", .bool(decl.singleFile)),
            ("redirect_bare_path", .bool(decl.redirectBarePath)), ("settings", args.value("settings") ?? makeStarlarkDict([])),
        ]
        if let c = args.value("container") { fields.append(("container", c)) }
        if let s = args.value("style") { fields.append(("style", s)) }
        return .object(HostRecord("app", fields: fields, payload: .app(decl)))
    }

    // MARK: proxy.in

    func proxyMembers() -> [(String, Starlark.Value)] {
        [("config", builtin("config") { t, a, k in
            let args = try HostArguments("config", a, k, names: ["url", "strip_path", "preserve_host", "strip_app", "response_headers"], required: 1)
            var config = ProxyConfig(url: try args.string("url"), location: t.callerLocation)
            config.stripPath = try args.string("strip_path")
            config.preserveHost = try args.bool("preserve_host")
            config.stripApp = try args.bool("strip_app", default: true)
            config.responseHeaders = try args.stringKeyedDict("response_headers").map { name, v in
                guard let s = v.asString else { throw Starlark.EvalError("config: response header \(name) is \(v.typeName), want string") }
                return RouteIR.Header(name, s)
            }
            return .object(HostRecord("ProxyConfig", fields: [
                ("url", .str(config.url)), ("strip_path", .str(config.stripPath)), ("preserve_host", .bool(config.preserveHost)),
                ("strip_app", .bool(config.stripApp)), ("response_headers", args.value("response_headers") ?? makeStarlarkDict([])),
            ], payload: .proxyConfig(config)))
        })]
    }

    // MARK: container.in

    static let devSettingKeys = ["target", "command", "dir", "reload", "env_files", "additional_mounts", "port", "dev_stage", "disable"]

    func containerMembers() -> [(String, Starlark.Value)] {
        [
            ("URL", .str(ProxyConfig.containerURL)),
            ("AUTO", .str(ContainerConfig.auto)),
            ("NIXPACKS", .str("nixpacks")),
            ("IMAGE_PREFIX", .str(ContainerConfig.imagePrefix)),
            ("COMMAND", .str(ContainerConfig.command)),
            ("config", builtin("config") { t, a, k in
                let args = try HostArguments("config", a, k, names: ["src", "port", "scheme", "health", "lifetime", "build_dir",
                                                                     "volumes", "cargs", "dev_settings", "sidecars"], required: 0)
                var c = ContainerConfig(location: t.callerLocation)
                c.source = try args.optionalString("src").flatMap { $0.isEmpty ? nil : $0 } ?? ContainerConfig.auto
                if c.source == "nixpacks" { throw Starlark.EvalError("nixpacks container source not supported yet") }
                c.port = try args.int("port")
                if c.port < 0 { throw Starlark.EvalError("port must be an integer higher than or equal to zero") }
                c.scheme = try args.optionalString("scheme").flatMap { $0.isEmpty ? nil : $0 } ?? "http"
                c.health = try args.optionalString("health").flatMap { $0.isEmpty ? nil : $0 } ?? "/"
                c.lifetime = try args.optionalString("lifetime").flatMap { $0.isEmpty ? nil : $0 } ?? "app"
                c.buildDir = try args.string("build_dir")
                c.volumes = try args.stringList("volumes").map { ($0, t.callerLocation) }
                c.cargs = try args.stringKeyedDict("cargs").map { ($0.0, IRValue(starlark: $0.1).goFormatted, t.callerLocation) }
                let dev = try args.stringKeyedDict("dev_settings")
                for (key, _) in dev where !Self.devSettingKeys.contains(key) {
                    throw Starlark.EvalError("invalid dev_settings key \"\(key)\", allowed keys are \(Self.devSettingKeys.joined(separator: ", "))")
                }
                c.devSettings = args.value("dev_settings").map(IRValue.init(starlark:)) ?? .dict([])
                if case .null = c.devSettings { c.devSettings = .dict([]) }
                if !(try args.list("sidecars")).isEmpty {
                    throw Starlark.EvalError("sidecars are not supported by openrun yet")
                }
                let fields: [(String, Starlark.Value)] = [
                    ("source", .str(c.source)), ("port", .int(c.port)), ("scheme", .str(c.scheme)), ("health", .str(c.health)),
                    ("lifetime", .str(c.lifetime)), ("build_dir", .str(c.buildDir)), ("volumes", .list(try args.list("volumes"))),
                    ("cargs", args.value("cargs") ?? makeStarlarkDict([])), ("dev_settings", args.value("dev_settings") ?? makeStarlarkDict([])),
                ]
                return .object(HostRecord("container_config", fields: fields, payload: .containerConfig(c)))
            }),
            ("run", builtin("run") { [unowned self] t, a, k in try self.record("run", t, a, k, module: "container") }),
        ]
    }
}
