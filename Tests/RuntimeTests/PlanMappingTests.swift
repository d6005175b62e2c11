import IR
import Testing
@testable import Runtime

/// `ServedApp(plan:)`: what the runtime makes of the docker backend's plan.
@Suite struct PlanMappingTests {
    static func plan() -> ExecutionPlan {
        let secretFile = RenderSecretFileStep(name: "config.toml", templatePath: "config.tmpl", template: "key={{.params.K}}",
                                              params: [PlanEnv(name: "K", value: EnvValue([.literal("v")]))], target: "/etc/app.toml")
        let run = RunStep(image: "openrun/app:abc", publish: PublishSpec(containerPort: 8000),
                          options: ["--label", "dev.openrun.app.slug=app", "--memory", "512m"],
                          engineOptions: [EngineOptions(engine: .podman, arguments: ["--userns", "keep-id"]),
                                          EngineOptions(engine: .docker, arguments: ["--init"])],
                          binds: [BindSpec(hostPath: "data", relativeToPlan: true, target: "/data", readOnly: false),
                                  BindSpec(hostPath: "/srv/shared", relativeToPlan: false, target: "/shared", readOnly: true)],
                          secretFiles: [SecretFileMountSpec(name: "config.toml", target: "/etc/app.toml")],
                          env: [PlanEnv(name: "PORT", value: EnvValue([.literal("8000")]))])
        let build = BuildImageStep(tag: "openrun/app:abc", context: "context", containerfile: "context/Containerfile",
                                   target: nil, buildArgs: [], labels: [])
        let container = PlanContainer(name: "openrun-app", start: [
            .buildImage(build), .createVolume(CreateVolumeStep(name: "openrun-app-data", labels: [])),
            .renderSecretFile(secretFile), .run(run),
            .waitHealthy(WaitHealthyStep(scheme: .http, path: "/healthz", timeoutSeconds: 30, initialDelayMilliseconds: 3,
                                         maxDelayMilliseconds: 400)),
        ], stop: StopStep(timeoutSeconds: 4), digest: "d1g")
        return ExecutionPlan(app: PlanApp(name: "App", slug: "app", path: "/app", domain: "apps.local", redirectBarePath: true,
                                          defaultURL: "http://apps.local:25222/app"),
                             routes: [RouteIR(path: "/", upstream: .container, stripApp: false)],
                             container: container, runtime: RuntimePolicy(idleTimeoutSeconds: 60, healthTimeoutSeconds: 30))
    }

    @Test func aPlanBecomesARecipeWithAbsolutePathsAndTheEnginesOwnOptions() throws {
        let app = try ServedApp(plan: Self.plan(), directory: "/dist/docker/app", engine: .podman, publicBase: "http://127.0.0.1:25222")
        #expect(app.name == "app")
        #expect(app.domain == "apps.local")
        #expect(app.redirectBarePath)
        #expect(app.idleTimeout == .seconds(60))
        #expect(app.routes.count == 1 && app.routes[0].stripApp == false)
        let r = try #require(app.recipe)
        #expect(r.containerName == "openrun-app")
        #expect(r.image == .build(tag: "openrun/app:abc", arguments: [
            "build", "--file", "/dist/docker/app/context/Containerfile", "--tag", "openrun/app:abc", "/dist/docker/app/context"]))
        #expect(r.volumes == [.init(name: "openrun-app-data", arguments: ["volume", "create", "openrun-app-data"])])
        #expect(r.runOptions == ["--label", "dev.openrun.plan=d1g", "--publish", "127.0.0.1::8000",
                                 "--label", "dev.openrun.app.slug=app", "--memory", "512m", "--userns", "keep-id",
                                 "--volume", "/dist/docker/app/data:/data", "--volume", "/srv/shared:/shared:ro"])
        #expect(r.secretFiles.map(\.target) == ["/etc/app.toml"])
        #expect(r.containerPort == 8000)
        #expect(r.healthPath == "/healthz")
        #expect(r.polling == HealthPolling(initialDelay: .milliseconds(3), maximumDelay: .milliseconds(400), budget: .seconds(30)))
        #expect(r.stopTimeoutSeconds == 4)
        #expect(r.planDigest == "d1g")
        #expect(r.appURL == "http://apps.local:25222/app")

        let docker = try ServedApp(plan: Self.plan(), directory: "/d", engine: .docker, publicBase: "http://127.0.0.1:25222")
        #expect(docker.recipe!.runOptions.contains("--init"))
        #expect(!docker.recipe!.runOptions.contains("keep-id"))
    }

    @Test func aContainerServingHTTPSIsProbedAndProxiedOverTLS() throws {
        var plan = Self.plan()
        #expect(try ServedApp(plan: plan, directory: "/d", engine: .podman, publicBase: "http://127.0.0.1:25222").recipe?.https == false)
        plan.container!.start = plan.container!.start.map { step in
            if case .waitHealthy(var w) = step { w.scheme = .https; return .waitHealthy(w) }
            return step
        }
        let app = try ServedApp(plan: plan, directory: "/d", engine: .podman, publicBase: "http://127.0.0.1:25222")
        #expect(app.recipe?.https == true)
    }

    @Test func routesToAContainerWithoutOneAreRefused() {
        var plan = Self.plan()
        plan.container = nil
        #expect(throws: RuntimeSetupError.self) {
            _ = try ServedApp(plan: plan, directory: "/d", engine: .podman, publicBase: "http://127.0.0.1:25222")
        }
    }

    @Test func engineOutputParsing() {
        #expect(CLIEngine.parseState("running 0\n") == .running)
        #expect(CLIEngine.parseState("exited 143\n") == .stopped(exitCode: 143))
        #expect(CLIEngine.parseState("created 0\n") == .stopped(exitCode: nil))
        #expect(CLIEngine.parsePort("127.0.0.1:40837\n") == 40837)
        #expect(CLIEngine.parsePort("0.0.0.0:5000\n[::]:5000\n") == 5000)
        #expect(CLIEngine.parsePort("") == nil)
    }

    @Test(arguments: [
        ("/app/x/y?q", true, "", "/x/y?q", "/app"),
        ("/app", true, "", "/", "/app"),
        ("/app?q=1", true, "", "/?q=1", "/app"),
        ("/app/x", false, "", "/app/x", ""),
        ("/app/api/v1", true, "/api", "/v1", "/app/api"),
    ])
    func upstreamPaths(path: String, stripApp: Bool, stripPath: String, upstream: String, stripped: String) {
        let app = AppLifecycle(name: "a", launcher: LauncherDouble(port: 1), idleTimeout: nil, startTimeout: .seconds(1))
        let r = ProxyRoute(appName: "a", appPath: "/app", target: .app(app), stripApp: stripApp, stripPath: stripPath)
        let (p, s) = r.upstreamPath(for: path)
        #expect(p == upstream)
        #expect(s == stripped)
    }

    @Test func locationRewriting() {
        func rw(_ l: String) -> String? {
            HeaderRewriting.rewriteLocation(l, upstreamAuthority: "127.0.0.1:40001", publicAuthority: "apps.local:25222",
                                            strippedPrefix: "/app")
        }
        #expect(rw("http://127.0.0.1:40001/login?next=/") == "http://apps.local:25222/app/login?next=/")
        #expect(rw("http://localhost:8000/x") == "http://apps.local:25222/app/x")
        #expect(rw("http://0.0.0.0:8000") == "http://apps.local:25222/app/")
        #expect(rw("https://example.com/x") == nil)
        #expect(rw("/relative") == nil)
        #expect(rw("http://apps.local:25222/app/x") == nil)
    }
}
