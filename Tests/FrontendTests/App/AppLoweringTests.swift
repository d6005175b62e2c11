@testable import Frontend
import IR
import Testing

/// An in-memory build context for lowering tests.
struct MemoryFiles: AppFileLookup {
    var source: [String: String] = [:]
    var spec: [String: String] = [:]
    func sourceHas(_ path: String) -> Bool { source[path] != nil }
    func specHas(_ path: String) -> Bool { spec[path] != nil }
    func read(_ path: String) -> [UInt8]? { (source[path] ?? spec[path]).map { Array($0.utf8) } }
}

/// A stand-in Containerfile reader: EXPOSE/VOLUME/ARG/FROM lines only, enough to test the lowering.
@Sendable func simpleFacts(_ path: String, _ bytes: [UInt8], _ args: [String: String], _ diags: Diagnostics) -> ContainerfileFacts? {
    var facts = ContainerfileFacts()
    for (i, line) in String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        let words = line.split(separator: " ").map(String.init)
        guard let first = words.first else { continue }
        let loc = SourceLocation(file: path, line: i + 1, column: 1)
        switch first {
        case "EXPOSE": facts.expose += words.dropFirst().map { .init(text: $0, location: loc) }
        case "VOLUME": facts.volumes += words.dropFirst().map { ($0, loc) }
        case "FROM": facts.baseImages.append(words[1])
        case "ARG":
            let parts = words[1].split(separator: "=", maxSplits: 1).map(String.init)
            facts.args.append(.init(name: parts[0], defaultValue: parts.count > 1 ? parts[1] : nil, location: loc))
        case "BAD": diags.error("containerfile.syntax", "unknown instruction: BAD", at: loc); return nil
        default: break
        }
    }
    return facts
}

@Suite("App lowering")
struct AppLoweringTests {
    let appStar = SourceLocation(file: "app.star", line: 5, column: 7)

    func input(_ decl: AppDeclaration, params: [ParamDeclaration] = [], flags: [String] = [], files: MemoryFiles? = MemoryFiles(),
               path: String = "/hello", configure: (inout AppLowering.Input) -> Void = { _ in }) -> (AppLowering.Input, Diagnostics) {
        let diags = Diagnostics()
        let resolved = ParamResolver.resolve(declared: params, flags: flags, into: diags)
        var i = AppLowering.Input(declaration: decl, params: resolved, appPath: AppPath.parse(path, location: .file("x"), into: diags)!,
                                  slug: "hello", source: SourceInfo(kind: .local, location: "examples/hello"), spec: nil,
                                  files: files, parseContainerfile: simpleFacts, contextDigest: String(repeating: "a", count: 64))
        configure(&i)
        return (i, diags)
    }

    func containerApp(_ configure: (inout ContainerConfig) -> Void = { _ in }) -> AppDeclaration {
        var d = AppDeclaration(name: "Hello", nameLocation: appStar)
        var c = ContainerConfig(location: appStar)
        configure(&c)
        d.container = c
        d.routes = [RouteDeclaration(path: "/", proxy: ProxyConfig(url: ProxyConfig.containerURL, location: appStar), location: appStar)]
        d.permissions = [PermissionIR(plugin: "container.in", method: "config", arguments: [.string("auto")], secrets: [["regex:^DB_"]])]
        return d
    }

    @Test("port from the last parsable EXPOSE; env in OpenRun's order; content-addressed tag")
    func containerBasics() throws {
        let files = MemoryFiles(source: ["Containerfile": "FROM python:3.12\nARG PYTHON_VERSION=3.12\nEXPOSE 9000\nEXPOSE $PORT 8000/tcp\nVOLUME /data"])
        let (inp, diags) = input(containerApp(), params: [
            ParamDeclaration(name: "app_name", type: .string, defaultValue: .string("Hello"), location: nil),
            ParamDeclaration(name: "debug", type: .boolean, defaultValue: .bool(false), location: nil),
            ParamDeclaration(name: "secrets", type: .list, defaultValue: .list([.list([.string("regex:.*")])]), location: nil),
        ], flags: ["EXTRA=1", "debug=1"], files: files)
        let ir = try #require(AppLowering.lower(inp, into: diags), "\(diags.rendered)")
        let c = try #require(ir.container)
        #expect(c.port == PortIR(8000, origin: .expose, location: SourceLocation(file: "Containerfile", line: 4, column: 1)))
        #expect(c.env.map { "\($0.name)=\($0.value)" } == ["EXTRA=1", "app_name=Hello", "debug=1", "CL_APP_PATH=/hello", "PORT=8000", "CL_APP_URL={{app_url}}"])
        #expect(c.volumes.map(\.kindName) == ["anonymous"])
        #expect(c.volumes.first?.volumeName?.hasPrefix("hello-data-") == true)
        guard case .build(let b)? = ir.image else { Issue.record("not a build"); return }
        #expect(b.containerfile == "Containerfile")
        #expect(b.containerfileOrigin == .source)
        #expect(b.buildArgs == [BuildArg(name: "PYTHON_VERSION", value: "3.12", origin: .containerfile, location: SourceLocation(file: "Containerfile", line: 2, column: 1))])
        #expect(b.tag.hasPrefix("openrun/hello:"))
        #expect(b.tag.count == "openrun/hello:".count + 12)
        #expect(ir.routes.map(\.upstream) == [.container])
    }

    @Test("--carg over cargs over ARG defaults; a changed arg changes the tag")
    func buildArgs() throws {
        let diags0 = Diagnostics()
        let files = MemoryFiles(spec: ["Containerfile": "ARG A=1\nARG B=1\nARG C=1\nEXPOSE 80"])
        let decl = containerApp { $0.cargs = [("B", "2", nil), ("C", "2", nil)] }
        let (inp, diags) = input(decl, files: files) { $0.flags = UserFlags.parse(buildArgs: ["C=3", "UNDECLARED=x"], into: diags0) }
        let ir = try #require(AppLowering.lower(inp, into: diags), "\(diags.rendered)")
        guard case .build(let b)? = ir.image else { Issue.record("not a build"); return }
        #expect(b.buildArgs.map { "\($0.name)=\($0.value) \($0.origin.rawValue)" } == ["A=1 containerfile", "B=2 cargs", "C=3 flag", "UNDECLARED=x flag"])
        #expect(b.containerfileOrigin == .spec)
        #expect(diags.warnings.map(\.id) == ["container.carg-undeclared"])
        let (inp2, diags2) = input(decl, files: files) { $0.flags = UserFlags.parse(buildArgs: ["C=4"], into: diags0) }
        guard case .build(let b2)? = AppLowering.lower(inp2, into: diags2)?.image else { Issue.record("not a build"); return }
        #expect(b2.tag != b.tag)
    }

    @Test("the source's Containerfile wins over the spec's, Containerfile over Dockerfile")
    func containerfileResolution() throws {
        for (files, expected) in [
            (MemoryFiles(source: ["Dockerfile": "EXPOSE 1"], spec: ["Containerfile": "EXPOSE 2"]), ("Dockerfile", BuildImage.ContainerfileOrigin.source)),
            (MemoryFiles(source: ["Containerfile": "EXPOSE 1", "Dockerfile": "EXPOSE 3"]), ("Containerfile", .source)),
            (MemoryFiles(spec: ["Dockerfile": "EXPOSE 2"]), ("Dockerfile", .spec)),
        ] {
            let (inp, diags) = input(containerApp(), files: files)
            guard case .build(let b)? = AppLowering.lower(inp, into: diags)?.image else { Issue.record("\(diags.rendered)"); continue }
            #expect(b.containerfile == expected.0)
            #expect(b.containerfileOrigin == expected.1)
        }
    }

    @Test("no port anywhere is an error at container.config; command lifetime needs none")
    func missingPort() {
        let files = MemoryFiles(source: ["Containerfile": "FROM x"])
        let (inp, diags) = input(containerApp(), files: files)
        #expect(AppLowering.lower(inp, into: diags) == nil)
        #expect(diags.errors.map(\.rendered) == ["app.star:5:7: error: port not specified in app config and in container file Containerfile. Either add a EXPOSE directive in Containerfile or add port number in app config [container.port-missing]\n    note: set container.config(port=...) in app.star, or --param port=N if the spec has a port param"])
        var cmd = containerApp { $0.lifetime = "command" }
        cmd.routes = []
        let (inp2, diags2) = input(cmd, files: files)
        let commandIR = AppLowering.lower(inp2, into: diags2)
        #expect(commandIR?.container != nil && commandIR?.container?.port == nil, "\(diags2.rendered)")
    }

    @Test("image: sources pull and build nothing")
    func pulledImage() throws {
        let (inp, diags) = input(containerApp { $0.source = "image:nginx:1.27"; $0.port = 80 }, files: nil)
        let ir = try #require(AppLowering.lower(inp, into: diags), "\(diags.rendered)")
        #expect(ir.image == .pull(PullImage(reference: "nginx:1.27", location: appStar)))
        #expect(ir.container?.port?.number == 80)
    }

    @Test("volumes: VOLUME, then --cvol, then config; duplicates and plain twins of cl_secret dropped")
    func volumes() throws {
        let diags0 = Diagnostics()
        let files = MemoryFiles(source: ["Containerfile": "EXPOSE 80\nVOLUME /data", "s.tmpl": "x"])
        let decl = containerApp { $0.volumes = [("/data", nil), ("cl_secret:s.tmpl:/etc/s", nil), ("cache:/cache", nil)] }
        let (inp, diags) = input(decl, files: files) { $0.flags = UserFlags.parse(volumes: ["s.tmpl:/etc/s", "./files:/files:ro"], into: diags0) }
        let ir = try #require(AppLowering.lower(inp, into: diags), "\(diags.rendered)")
        #expect(ir.container?.volumes.map { "\($0.kindName) \($0.target) \($0.declared.origin.rawValue)" } == [
            "anonymous /data containerfile", "bind /files flag", "secretFile /etc/s config", "named /cache config",
        ])
    }

    @Test("secret references need a matching container.in permission")
    func secretGating() {
        let (ok, d1) = input(containerApp { $0.port = 80 }, flags: ["DB_URL={{secret \"DB_PASSWORD\"}}"], files: MemoryFiles(source: ["Containerfile": ""]))
        let ir = AppLowering.lower(ok, into: d1)
        #expect(ir?.container?.env.first?.value == EnvValue([.secret(SecretReference(provider: nil, key: "DB_PASSWORD"))]), "\(d1.rendered)")
        let (bad, d2) = input(containerApp { $0.port = 80 }, flags: ["X={{secret \"API_KEY\"}}"], files: MemoryFiles(source: ["Containerfile": ""]))
        #expect(AppLowering.lower(bad, into: d2) == nil)
        #expect(d2.errors.map(\.message) == ["plugin does not have access to secret API_KEY (param \"X\")"])
        #expect(d2.errors.first?.location == .flag("--param", "X={{secret \"API_KEY\"}}"))
    }

    @Test("a route to container.URL without a container is an error; static apps get a file server")
    func routesAndStatic() throws {
        var d = AppDeclaration(name: "x", nameLocation: appStar)
        d.routes = [RouteDeclaration(path: "/", proxy: ProxyConfig(url: ProxyConfig.containerURL, location: appStar), location: appStar)]
        let (inp, diags) = input(d)
        #expect(AppLowering.lower(inp, into: diags) == nil)
        #expect(diags.errors.map(\.id) == ["app.no-container"])

        var s = AppDeclaration(name: "site", nameLocation: appStar)
        s.staticOnly = true
        s.singleFile = true
        s.index = "app.html"
        let (sinp, sdiags) = input(s)
        let ir = try #require(AppLowering.lower(sinp, into: sdiags), "\(sdiags.rendered)")
        guard case .build(let b)? = ir.image else { Issue.record("static app builds an image"); return }
        #expect(b.containerfileOrigin == .generated)
        #expect(b.generatedContainerfile?.contains("try_files {path} /app.html") == true)
        #expect(ir.routes.map(\.path) == ["/"])
        #expect(ir.container?.port?.number == 8080)
    }

    @Test("the IR encodes to the same bytes every time and round-trips")
    func deterministicJSON() throws {
        let files = MemoryFiles(source: ["Containerfile": "EXPOSE 80"])
        let (inp, diags) = input(containerApp(), flags: ["b=2", "a=1"], files: files)
        let ir = try #require(AppLowering.lower(inp, into: diags))
        let a = try ir.encodeJSON(), b = try ir.encodeJSON()
        #expect(a == b)
        #expect(try AppIR.decodeJSON(a) == ir)
    }
}

@Suite("Static site container")
struct StaticSiteTests {
    @Test("the generated Containerfile parses and exposes the port the IR uses", arguments: [("", false), ("app.html", true), ("it's.html", false)])
    func generated(index: String, singleFile: Bool) throws {
        let text = StaticSite.containerfile(index: index, singleFile: singleFile)
        let model = try ContainerfileAnalyzer.analyze(text, file: StaticSite.containerfileName)
        #expect(model.finalStage?.lastPlainPort?.port == StaticSite.port)
        #expect(model.globalArgs.map(\.name) == ["STATIC_IMAGE"])
        #expect(model.images.map(\.reference) == [StaticSite.defaultBaseImage])
        #expect(text.contains(singleFile ? "try_files" : "file_server"))
    }
}
