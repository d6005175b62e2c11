@testable import Frontend
import Foundation
import IR
import TestSupport
import Testing

/// One app compiled for the golden IR: a bundled spec with a fixture source and flags.
struct IRCase: Sendable, CustomTestStringConvertible {
    var name: String
    var source: String
    var appPath = "/app"
    var params: [String] = []
    var buildArgs: [String] = []
    var containerOptions: [String] = []
    var volumes: [String] = []
    /// The spec; nil means the bundled spec named like the case.
    var spec: String?
    var testDescription: String { name }
    var specName: String { spec ?? name }
}

@Suite("Golden IR of every bundled spec")
struct GoldenIRTests {
    static let fixtures = "Tests/Fixtures/apps"

    static let cases: [IRCase] = [
        IRCase(name: "container", source: "\(fixtures)/container-app", params: ["app_name=Busybox"], volumes: ["cache:/cache"]),
        IRCase(name: "go", source: "\(fixtures)/go-hello", appPath: "/goapp", params: ["port=8080", "APP_ARGS=-addr 0.0.0.0:8080"]),
        IRCase(name: "image", source: "-", appPath: "nginxapp.localhost:/", params: ["image=nginx", "port=80"]),
        IRCase(name: "image-cmd", source: "-", params: ["image=busybox:1.36"]),
        IRCase(name: "java-spring-boot", source: "\(fixtures)/java-spring", containerOptions: ["memory=1g"]),
        IRCase(name: "js-hono", source: "\(fixtures)/js-hono", appPath: "hono.localhost:/"),
        IRCase(name: "proxy", source: "-", params: ["url=https://example.com", "response_headers={\"X-Frame-Options\": \"DENY\"}"]),
        IRCase(name: "python-asgi", source: "\(fixtures)/python-asgi"),
        IRCase(name: "python-fasthtml", source: "\(fixtures)/python-asgi", appPath: "fasthtmlapp.localhost:/",
               params: ["APP_MODULE=basic_ws:app"], buildArgs: ["PYTHON_VERSION=3.11.1"], containerOptions: ["cpus=2"]),
        IRCase(name: "python-flask", source: "examples/hello-flask", appPath: "/hello"),
        IRCase(name: "python-gradio", source: "\(fixtures)/python-gradio"),
        IRCase(name: "python-nicegui", source: "\(fixtures)/python-nicegui"),
        IRCase(name: "python-reflex", source: "\(fixtures)/python-reflex", appPath: "reflex.localhost:/"),
        IRCase(name: "python-shiny", source: "\(fixtures)/python-shiny"),
        IRCase(name: "python-streamlit", source: "\(fixtures)/python-streamlit", appPath: "/streamlit_app",
               params: ["db_password={{secret \"DB_PASSWORD\"}}"]),
        IRCase(name: "python-streamlit-poetry", source: "\(fixtures)/streamlit-poetry"),
        IRCase(name: "python-wsgi", source: "\(fixtures)/python-wsgi", params: ["APP_MODULE=app:app"]),
        IRCase(name: "static", source: "\(fixtures)/static-site", appPath: "/site"),
        IRCase(name: "static_disk", source: "\(fixtures)/static-site", appPath: "/disk"),
        IRCase(name: "static_single", source: "\(fixtures)/static-site", appPath: "/single", params: ["index=index.html"]),
    ]

    /// Fixture apps beyond one per spec: what the backends must handle (hostile
    /// values, secrets, every volume kind, resources, engine flags).
    static let fixtureCases: [IRCase] = [
        IRCase(name: "busybox-hostile", source: "\(fixtures)/busybox-web", appPath: "/bb",
               params: [
                   "app_name=Busybox",
                   "greeting=it's \"quoted\" $(touch /tmp/pwned) `id` * -rf %d %% ${HOME}\nsecond line\ttab",
                   "dash=--privileged",
                   "api_token={{secret \"API_TOKEN\"}}",
                   "db_url=postgres://app:{{secret \"DB_PASS\"}}@db:5432/app?sslmode=disable",
               ],
               containerOptions: ["cpus=0.5", "memory=256m", "podman.pids-limit=100", "docker.pids-limit=100"],
               volumes: ["cache:/cache", "./bind-data:/bind:ro", "cl_secret:secrets.tmpl:/etc/app/secrets.conf"],
               spec: "container"),
    ]

    static let allCases = cases + fixtureCases

    @Test("every bundled spec has a golden IR case")
    func everySpecCovered() {
        #expect(Set(Self.cases.map(\.name)) == Set(BundledSpecs.names))
    }

    @Test("IR matches golden/ir/<case>/ir.json", arguments: allCases)
    func golden(_ c: IRCase) throws {
        let diags = Diagnostics()
        var r = AppCompiler.Request(source: c.source, workingDirectory: Golden.repositoryRoot.path,
                                    environment: ["HOME": "/nonexistent", "OPENRUN_CACHE_DIR": FileManager.default.temporaryDirectory.path + "/openrun-test-cache"])
        r.appPath = c.appPath
        r.spec = c.specName
        r.params = c.params
        r.buildArgs = c.buildArgs
        r.containerOptions = c.containerOptions
        r.volumes = c.volumes
        let compiled = try #require(AppCompiler.compile(r, into: diags), "\(diags.rendered)")
        defer { compiled.cleanup() }
        #expect(diags.all.isEmpty, "\(diags.rendered)")
        let json = String(decoding: try compiled.ir.encodeJSON(), as: UTF8.self)
        try Golden.check(["ir.json": json], against: "golden/ir/\(c.name)")
    }
}

@Suite("Generated names are valid everywhere")
struct GeneratedNamesTests {
    @Test("slug, volume names and image tags are valid for Docker, Kubernetes and systemd", arguments: GoldenIRTests.allCases)
    func names(_ c: IRCase) throws {
        let diags = Diagnostics()
        var r = AppCompiler.Request(source: c.source, workingDirectory: Golden.repositoryRoot.path,
                                    environment: ["HOME": "/nonexistent", "OPENRUN_CACHE_DIR": NSTemporaryDirectory() + "openrun-test-cache"])
        r.appPath = c.appPath
        r.spec = c.specName
        r.params = c.params
        r.volumes = c.volumes + ["/var/lib/Some Data", "My_Volume.2:/x"]
        let compiled = try #require(AppCompiler.compile(r, into: diags), "\(diags.rendered)")
        defer { compiled.cleanup() }
        let ir = compiled.ir
        let slug = ir.identity.slug
        #expect(Naming.isValidDNS1123Label(slug) && Naming.isValidDNS1035Label(slug), "\(slug)")
        #expect(Naming.isValidDockerName(slug) && Naming.isValidSystemdUnitName(slug + ".service"), "\(slug)")
        for v in ir.container?.volumes ?? [] {
            guard let name = v.volumeName else { continue }
            #expect(Naming.isValidDNS1123Label(name) && Naming.isValidDockerName(name), "\(name)")
        }
        if case .build(let b)? = ir.image {
            let parts = b.tag.split(separator: ":", maxSplits: 1).map(String.init)
            #expect(parts.count == 2 && Naming.isValidImageRepository(parts[0]) && Naming.isValidImageTag(parts[1]), "\(b.tag)")
        }
    }
}
