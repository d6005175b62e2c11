import IR
import TextTemplate

/// Lowers what app.star declared, the resolved params, the Containerfile and
/// the user's flags into one `AppIR`. Reports every problem it finds (never
/// stops at the first) and returns nil if any was an error.
package enum AppLowering {
    package struct Input: Sendable {
        package var declaration: AppDeclaration
        package var params: ParamResolver.Resolved
        package var appPath: AppPath
        package var slug: String
        package var source: SourceInfo
        package var spec: SpecInfo?
        /// The build context's files; nil when there is no source and no spec.
        package var files: (any AppFileLookup)?
        /// Parses a Containerfile (path in the context, bytes) into facts, reporting problems.
        package var parseContainerfile: @Sendable (String, [UInt8], [String: String], Diagnostics) -> ContainerfileFacts?
        /// `--carg`, `--cvol`, `--copt`, already checked.
        package var flags = UserFlags()
        /// SHA-256 of the build context (source + spec files).
        package var contextDigest: String
        package var runtime = RuntimePolicy()

        package init(declaration: AppDeclaration, params: ParamResolver.Resolved, appPath: AppPath, slug: String,
                     source: SourceInfo, spec: SpecInfo?, files: (any AppFileLookup)?,
                     parseContainerfile: @escaping @Sendable (String, [UInt8], [String: String], Diagnostics) -> ContainerfileFacts?,
                     contextDigest: String) {
            self.declaration = declaration
            self.params = params
            self.appPath = appPath
            self.slug = slug
            self.source = source
            self.spec = spec
            self.files = files
            self.parseContainerfile = parseContainerfile
            self.contextDigest = contextDigest
        }
    }

    package static func lower(_ input: Input, into diags: Diagnostics) -> AppIR? {
        let decl = input.declaration
        var routes = lowerRoutes(decl, hasContainer: decl.container != nil || decl.staticOnly, into: diags)
        if decl.staticOnly && decl.container == nil && !routes.contains(where: { $0.path == "/" }) {
            // The generated file server answers every path of the app.
            routes.append(RouteIR(path: "/", upstream: .container, location: decl.location))
        }
        var image: ImageIR?
        var container: ContainerIR?
        if let config = decl.container {
            (image, container) = lowerContainer(config, input, into: diags)
        } else if decl.staticOnly {
            (image, container) = lowerStatic(input, into: diags)
        } else {
            if !input.flags.isEmpty {
                diags.warning("container.flags-unused", "--carg, --cvol and --copt have no effect: this app runs no container", at: decl.location)
            }
        }
        guard !diags.hasErrors else { return nil }
        return AppIR(
            identity: AppIdentity(name: decl.name, path: input.appPath.path, domain: input.appPath.domain, slug: input.slug, nameLocation: decl.nameLocation),
            source: input.source,
            spec: input.spec,
            params: input.params.params,
            options: AppOptionsIR(staticOnly: decl.staticOnly, index: decl.index, singleFile: decl.singleFile,
                                  redirectBarePath: decl.redirectBarePath, settings: decl.settings),
            image: image,
            container: container,
            routes: routes,
            permissions: decl.permissions,
            recorded: decl.recorded,
            runtime: input.runtime
        )
    }

    // MARK: Routes

    static func lowerRoutes(_ decl: AppDeclaration, hasContainer: Bool, into diags: Diagnostics) -> [RouteIR] {
        var routes: [RouteIR] = []
        var seen: [String: SourceLocation?] = [:]
        for r in decl.routes {
            guard r.path.hasPrefix("/") else {
                diags.error("app.route-path-invalid", "route path \"\(r.path)\" must start with /", at: r.location)
                continue
            }
            if let first = seen[r.path] {
                diags.error("app.route-duplicate", "two routes for path \"\(r.path)\"", at: r.location,
                            notes: first.map { [.init("first route here", at: $0)] } ?? [])
                continue
            }
            seen[r.path] = r.location
            let upstream: RouteIR.Upstream
            if r.proxy.url == ProxyConfig.containerURL {
                guard hasContainer else {
                    diags.error("app.no-container", "the route for \"\(r.path)\" proxies to container.URL, but the app has no container; add container=container.config(...) to ace.app", at: r.proxy.location ?? r.location)
                    continue
                }
                upstream = .container
            } else {
                guard isHTTPURL(r.proxy.url) else {
                    diags.error("proxy.url-invalid", "proxy url \"\(r.proxy.url)\" must be an http:// or https:// URL, or container.URL", at: r.proxy.location ?? r.location)
                    continue
                }
                upstream = .url(r.proxy.url)
            }
            if decl.staticOnly && r.path == "/" {
                diags.error("app.static-root-proxy", "static_only app cannot have root level wildcard path for proxy", at: r.location)
                continue
            }
            routes.append(RouteIR(path: r.path, upstream: upstream, stripApp: r.proxy.stripApp, stripPath: r.proxy.stripPath,
                                  preserveHost: r.proxy.preserveHost,
                                  responseHeaders: r.proxy.responseHeaders.sorted { $0.name < $1.name },
                                  location: r.location))
        }
        return routes
    }

    static func isHTTPURL(_ s: String) -> Bool {
        for scheme in ["http://", "https://"] where s.lowercased().hasPrefix(scheme) {
            return s.count > scheme.count && !s.contains(" ")
        }
        return false
    }

    // MARK: Container

    static func lowerContainer(_ config: ContainerConfig, _ input: Input, into diags: Diagnostics) -> (ImageIR?, ContainerIR?) {
        let options = input.flags.containerOptions
        guard config.port >= 0 else {
            diags.error("container.port-invalid", "port must be an integer higher than or equal to zero", at: config.location)
            return (nil, nil)
        }
        let lifetime: ContainerIR.Lifetime = config.lifetime == ContainerConfig.command ? .command : .app
        if config.lifetime != "app" && config.lifetime != ContainerConfig.command {
            diags.warning("container.lifetime-unknown", "lifetime \"\(config.lifetime)\" is not \"app\" or \"command\"; it runs as \"app\"", at: config.location)
        }

        // Image: pull, or build from a Containerfile.
        var facts = ContainerfileFacts()
        var image: ImageIR?
        if config.source.hasPrefix(ContainerConfig.imagePrefix) {
            let ref = String(config.source.dropFirst(ContainerConfig.imagePrefix.count))
            guard isValidImageReference(ref) else {
                diags.error("container.image-invalid", "\"\(ref)\" is not a valid image reference", at: config.location)
                return (nil, nil)
            }
            image = .pull(PullImage(reference: ref, location: config.location))
            if !input.flags.buildArgs.isEmpty {
                diags.warning("container.cargs-unused", "--carg has no effect: the app runs the image \(ref) and builds nothing", at: config.location)
            }
        } else {
            guard let (path, origin) = resolveContainerfile(config, input, into: diags) else { return (nil, nil) }
            if let d = input.files?.linkProblem(path) {
                diags.emit(d)
                return (nil, nil)
            }
            let bytes = input.files?.read(path) ?? []
            guard let parsed = input.parseContainerfile(path, bytes, argOverrides(config, input), diags) else { return (nil, nil) }
            facts = parsed
            let buildArgs = mergeBuildArgs(config, input, declared: facts.args, into: diags)
            let tag = imageTag(slug: input.slug, contextDigest: input.contextDigest, containerfile: path,
                               buildDir: config.buildDir, buildArgs: buildArgs)
            image = .build(BuildImage(context: BuildContextHandle(digest: input.contextDigest, directory: config.buildDir),
                                      containerfile: path, containerfileOrigin: origin, buildArgs: buildArgs, tag: tag,
                                      baseImages: facts.baseImages, location: config.location))
        }

        // Port.
        var port: PortIR?
        if config.port != 0 {
            guard config.port <= 65535 else {
                diags.error("container.port-invalid", "port \(config.port) is out of range (1-65535)", at: config.location)
                return (nil, nil)
            }
            port = PortIR(config.port, origin: .config, location: config.location)
        } else if let (p, loc) = facts.exposedPort {
            port = PortIR(p, origin: .expose, location: loc)
        } else if lifetime != .command {
            let file: String
            if case .build(let b)? = image { file = b.containerfile } else { file = "the image" }
            diags.error("container.port-missing",
                        "port not specified in app config and in container file \(file). Either add a EXPOSE directive in \(file) or add port number in app config",
                        at: config.location,
                        notes: [.init("set container.config(port=...) in app.star, or --param port=N if the spec has a port param")])
            return (nil, nil)
        }

        let volumes = lowerVolumes(config, facts: facts, input, into: diags)
        let env = lowerEnvironment(input, port: port?.number, into: diags)
        guard let scheme = ContainerIR.Scheme(rawValue: config.scheme) else {
            diags.error("container.scheme-invalid", "scheme must be \"http\" or \"https\", got \"\(config.scheme)\"", at: config.location)
            return (image, nil)
        }
        let container = ContainerIR(
            port: port, scheme: scheme, healthPath: healthPath(config.health), lifetime: lifetime,
            env: env, volumes: volumes, resources: options.resources, engineFlags: options.engineFlags,
            stopSignal: facts.stopSignal, devSettings: config.devSettings, location: config.location)
        return (image, container)
    }

    /// `auto`: Containerfile then Dockerfile in the source, then in the spec. Otherwise the named file.
    static func resolveContainerfile(_ config: ContainerConfig, _ input: Input, into diags: Diagnostics) -> (String, BuildImage.ContainerfileOrigin)? {
        let prefix = config.buildDir.isEmpty ? "" : (config.buildDir.hasSuffix("/") ? config.buildDir : config.buildDir + "/")
        guard let files = input.files else {
            diags.error("container.no-containerfile", "no container file found, source is set to \(config.source): the app has no source and no spec files", at: config.location)
            return nil
        }
        if config.source == ContainerConfig.auto {
            for name in ["Containerfile", "Dockerfile"] where files.sourceHas(prefix + name) { return (prefix + name, .source) }
            for name in ["Containerfile", "Dockerfile"] where files.specHas(prefix + name) { return (prefix + name, .spec) }
            diags.error("container.no-containerfile", "no container file found, source is set to auto: add a Containerfile or Dockerfile to the app\(prefix.isEmpty ? "" : " folder \(prefix)"), or use a spec that has one", at: config.location)
            return nil
        }
        let path = config.source.hasPrefix("./") ? String(config.source.dropFirst(2)) : config.source
        guard !path.hasPrefix("/"), !path.split(separator: "/").contains("..") else {
            diags.error("container.containerfile-path", "container file \"\(config.source)\" must be a path inside the app source", at: config.location)
            return nil
        }
        if files.sourceHas(path) { return (path, .source) }
        if files.specHas(path) { return (path, .spec) }
        diags.error("container.no-containerfile", "no container file found, source is set to \(config.source)", at: config.location)
        return nil
    }

    /// The values `cargs` and `--carg` give (the flag wins), for expanding the Containerfile.
    static func argOverrides(_ config: ContainerConfig, _ input: Input) -> [String: String] {
        var out: [String: String] = [:]
        for (k, v, _) in config.cargs { out[k] = v }
        for kv in input.flags.buildArgs { out[kv.key] = kv.value }
        return out
    }

    /// Containerfile ARG defaults, then `cargs`, then `--carg`; sorted by name.
    static func mergeBuildArgs(_ config: ContainerConfig, _ input: Input, declared: [ContainerfileFacts.Arg], into diags: Diagnostics) -> [BuildArg] {
        var args: [String: BuildArg] = [:]
        for a in declared {
            if let v = a.defaultValue { args[a.name] = BuildArg(name: a.name, value: v, origin: .containerfile, location: a.location) }
        }
        for (k, v, loc) in config.cargs { args[k] = BuildArg(name: k, value: v, origin: .appStar, location: loc) }
        let declaredNames = Set(declared.map(\.name))
        for kv in input.flags.buildArgs {
            if !declared.isEmpty, !declaredNames.contains(kv.key) {
                diags.warning("container.carg-undeclared", "build arg \(kv.key) is not declared by an ARG in the Containerfile; the build ignores it", at: kv.location)
            }
            args[kv.key] = BuildArg(name: kv.key, value: kv.value, origin: .flag, location: kv.location)
        }
        return args.values.sorted { $0.name < $1.name }
    }

    /// `openrun/<slug>:<12 hex>` where the hex is a SHA-256 over everything that decides the image.
    static func imageTag(slug: String, contextDigest: String, containerfile: String, buildDir: String, buildArgs: [BuildArg]) -> String {
        var h = SHA256()
        for part in [contextDigest, containerfile, buildDir] { h.update(part); h.update([0]) }
        for a in buildArgs { h.update(a.name); h.update([0]); h.update(a.value); h.update([0]) }
        return "openrun/\(slug):\(String(h.hexDigest().prefix(12)))"
    }

    static func healthPath(_ health: String) -> String {
        if health.isEmpty { return "/" }
        return health.hasPrefix("/") ? health : "/" + health
    }

    static func isValidImageReference(_ ref: String) -> Bool {
        guard !ref.isEmpty, ref.utf8.count <= 4096 else { return false }
        return ref.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "._-/:@".unicodeScalars.contains($0) }
            && !ref.hasPrefix("-") && !ref.hasPrefix("/") && !ref.hasSuffix(":") && !ref.hasSuffix("/")
    }

    // MARK: Volumes

    static func lowerVolumes(_ config: ContainerConfig, facts: ContainerfileFacts, _ input: Input, into diags: Diagnostics) -> [VolumeIR] {
        var declarations: [(String, VolumeDeclared.Origin, SourceLocation?)] = []
        declarations += facts.volumes.map { ($0.0, .containerfile, $0.1) }
        declarations += input.flags.volumes.map { ($0, .flag, SourceLocation.flag("--cvol", $0)) }
        declarations += config.volumes.map { ($0.0, .appStar, $0.1) }
        // Exact duplicates are dropped (first kept); a plain X is dropped when cl_secret:X is present.
        let secretBodies = Set(declarations.compactMap { $0.0.hasPrefix("cl_secret:") ? String($0.0.dropFirst("cl_secret:".count)) : nil })
        var seen = Set<String>()
        var targets: [String: SourceLocation?] = [:]
        var out: [VolumeIR] = []
        for (raw, origin, location) in declarations {
            guard seen.insert(raw).inserted, !secretBodies.contains(raw) else { continue }
            guard let v = VolumeDeclaration.parse(raw, location: location, into: diags) else { continue }
            if let first = targets[v.target] {
                diags.error("volume.target-duplicate", "two volumes mount at \(v.target)", at: location,
                            notes: first.map { [.init("first mounted here", at: $0)] } ?? [])
                continue
            }
            targets[v.target] = location
            let declared = VolumeDeclared(origin: origin, text: raw, location: location)
            switch v.kind {
            case .anonymous:
                out.append(.anonymous(AnonymousVolume(name: volumeName(slug: input.slug, key: v.target), target: v.target,
                                                      readOnly: v.readOnly, declared: declared)))
            case .named:
                let declaredName = v.source ?? v.target
                out.append(.named(NamedVolume(declaredName: declaredName, name: volumeName(slug: input.slug, key: declaredName),
                                              target: v.target, readOnly: v.readOnly, declared: declared)))
            case .bind:
                let source = v.source ?? ""
                let relative = !source.hasPrefix("/")
                let path = relative ? (source == "." || source == "./" ? "" : (source.hasPrefix("./") ? String(source.dropFirst(2)) : source)) : source
                out.append(.bind(BindMount(path: path, base: relative ? .appSource : .absolute, target: v.target,
                                           readOnly: v.readOnly, declared: declared)))
            case .secretFile:
                let template = v.source ?? ""
                let path = template.hasPrefix("./") ? String(template.dropFirst(2)) : template
                guard let bytes = input.files?.read(path) else {
                    diags.error("volume.template-missing", "secret template \"\(template)\" is not in the app source or the spec", at: location)
                    continue
                }
                let text = String(decoding: bytes, as: UTF8.self)
                do {
                    _ = try GoTemplate(source: text, file: input.files?.displayPath(path) ?? path)
                } catch {
                    diags.absorb(error)
                    continue
                }
                out.append(.secretFile(SecretFileMount(templatePath: path, template: text, name: secretFileName(templatePath: path, target: v.target),
                                                       target: v.target, declared: declared)))
            }
        }
        return out
    }

    /// `<template base name, lowercased, [a-z0-9-] only>-<8 hex of the target>`: unique per app, valid as a file, Secret key and Podman secret name.
    static func secretFileName(templatePath: String, target: String) -> String {
        let base = templatePath.split(separator: "/").last.map(String.init) ?? templatePath
        var readable = ""
        for u in base.lowercased().unicodeScalars {
            if ("a"..."z").contains(u) || ("0"..."9").contains(u) { readable.unicodeScalars.append(u) }
            else if !readable.isEmpty, readable.last != "-" { readable += "-" }
        }
        while readable.hasSuffix("-") { readable.removeLast() }
        if readable.count > 40 { readable = String(readable.prefix(40)) }
        return (readable.isEmpty ? "" : readable + "-") + String(SHA256.hex(target).prefix(8))
    }

    /// `<slug>-<readable part>-<8 hex>`: valid for Docker, Podman and Kubernetes (≤ 63, DNS-1123 label).
    static func volumeName(slug: String, key: String) -> String {
        let hash = String(SHA256.hex(key).prefix(8))
        var readable = ""
        for u in key.lowercased().unicodeScalars {
            if ("a"..."z").contains(u) || ("0"..."9").contains(u) { readable.unicodeScalars.append(u) }
            else if !readable.isEmpty, readable.last != "-" { readable += "-" }
        }
        while readable.hasSuffix("-") { readable.removeLast() }
        var stem = slug
        if !readable.isEmpty { stem += "-" + readable }
        let maxStem = 63 - 9
        if stem.count > maxStem { stem = String(stem.prefix(maxStem)) }
        while stem.hasSuffix("-") { stem.removeLast() }
        return "\(stem)-\(hash)"
    }

    // MARK: Environment

    /// Params (sorted by name, except `secrets`), then CL_APP_PATH, PORT, CL_APP_URL.
    /// Secret references must be allowed by a `container.in` `config` permission's `secrets`.
    static func lowerEnvironment(_ input: Input, port: Int?, into diags: Diagnostics) -> [EnvVar] {
        let allowed = input.declaration.permissions
            .filter { $0.plugin == "container.in" && $0.method == "config" }
            .flatMap(\.secrets)
        var env: [EnvVar] = []
        let paramsByName = Dictionary(input.params.params.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for name in input.params.environment.keys.sorted() where name != "secrets" {
            let value = input.params.environment[name]!
            let param = paramsByName[name]
            let secrets = param?.secrets ?? []
            let location = param?.valueLocation ?? param?.location
            for ref in secrets {
                if allowed.isEmpty {
                    diags.error("secrets.not-permitted", "Plugin does not have access to any secrets, update app permissions: param \"\(name)\" references secret \(ref.key)", at: location,
                                notes: [.init("add secrets=[[\"regex:.*\"]] (or a narrower list) to the container.in config permission in app.star")])
                } else if !secretAllowed(ref, by: allowed) {
                    diags.error("secrets.not-permitted", "plugin does not have access to secret \(ref.key) (param \"\(name)\")", at: location,
                                notes: [.init("the container.in config permission allows: \(allowed.map { "[" + $0.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }.joined(separator: ", "))")])
                }
            }
            let typed = secrets.isEmpty ? EnvValue.literal(value) : SecretReferences.segments(value)
            env.append(EnvVar(name: name, value: typed, origin: .param, location: location))
        }
        env.append(EnvVar(name: "CL_APP_PATH", value: .literal(input.appPath.path == "/" ? "" : input.appPath.path), origin: .openrun))
        // OpenRun sets PORT to the container port, "0" when there is none.
        env.append(EnvVar(name: "PORT", value: .literal(String(port ?? 0)), origin: .openrun))
        env.append(EnvVar(name: "CL_APP_URL", value: EnvValue([.appURL]), origin: .openrun))
        return env
    }

    /// OpenRun's rule: some entry E where every E[i] equals key[i] or, as `regex:P`, matches it (unanchored).
    static func secretAllowed(_ ref: SecretReference, by allowed: [[String]]) -> Bool {
        let keys = [ref.key]
        return allowed.contains { entry in
            entry.enumerated().allSatisfy { i, pattern in
                guard i < keys.count else { return true }
                if pattern == keys[i] { return true }
                if pattern.hasPrefix("regex:"), pattern.count > 6 {
                    return RegexMatch.search(String(pattern.dropFirst(6)), in: keys[i])
                }
                return false
            }
        }
    }

    // MARK: Static apps

    /// A static app runs a small file server over its source files.
    static func lowerStatic(_ input: Input, into diags: Diagnostics) -> (ImageIR?, ContainerIR?) {
        let decl = input.declaration
        let containerfile = StaticSite.containerfile(index: decl.index, singleFile: decl.singleFile)
        let buildArgs = mergeBuildArgs(ContainerConfig(location: nil), input, declared: StaticSite.args, into: diags)
        var h = SHA256()
        h.update(containerfile)
        let tag = imageTag(slug: input.slug, contextDigest: input.contextDigest, containerfile: h.hexDigest(), buildDir: "", buildArgs: buildArgs)
        let image = ImageIR.build(BuildImage(context: BuildContextHandle(digest: input.contextDigest),
                                             containerfile: StaticSite.containerfileName, containerfileOrigin: .generated,
                                             generatedContainerfile: containerfile,
                                             buildArgs: buildArgs, tag: tag, baseImages: [StaticSite.defaultBaseImage], location: decl.location))
        let options = input.flags.containerOptions
        let container = ContainerIR(port: PortIR(StaticSite.port, origin: .config, location: decl.location), scheme: .http,
                                    healthPath: "/", lifetime: .app,
                                    env: lowerEnvironment(input, port: StaticSite.port, into: diags),
                                    volumes: [], resources: options.resources, engineFlags: options.engineFlags,
                                    location: decl.location)
        return (image, container)
    }
}
