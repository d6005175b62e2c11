import Foundation
import IR

extension ServedApp {
    /// What the runtime serves for a plan read from `directory` (the folder holding plan.json).
    ///
    /// - Parameters:
    ///   - engine: the dialect that runs it (engine-only options of the other one are left out).
    ///   - publicBase: `http://host:port` where openrun listens; the app's URL (`CL_APP_URL`) is this
    ///     (or the app's domain on the same port) plus its path.
    package init(plan: ExecutionPlan, directory: String, engine: CLIEngine.Kind, publicBase: String) throws {
        let app = plan.app
        var recipe: LaunchRecipe?
        if let container = plan.container, let run = container.run, let publish = run.publish {
            recipe = try Self.recipe(container, run: run, publish: publish, directory: directory, engine: engine,
                                     appURL: Self.appURL(app, publicBase: publicBase))
        }
        let routes = plan.routes.map { r in
            Route(path: r.path, upstream: r.upstream.served, stripApp: r.stripApp, stripPath: r.stripPath,
                  preserveHost: r.preserveHost, responseHeaders: r.responseHeaders.map { (name: $0.name, value: $0.value) })
        }
        if recipe == nil, routes.contains(where: { $0.upstream == .container }) {
            if plan.container?.command != nil {
                throw RuntimeSetupError(description: "\(app.slug) (\(app.path)): its routes go to its container, but that container has lifetime=\"command\" and serves no port")
            }
            throw RuntimeSetupError(description: "\(app.name) (\(app.path)): its routes go to a container, but the plan runs none that serves a port")
        }
        self.init(name: app.slug, domain: app.domain, path: app.path, recipe: recipe, routes: routes,
                  redirectBarePath: app.redirectBarePath,
                  idleTimeout: .seconds(plan.runtime.idleTimeoutSeconds))
    }

    /// Why `openrun run` has nothing to serve for `plan`, or nil when it serves it: an app whose
    /// container has `lifetime="command"` and no route to a URL. Its container runs only for the
    /// commands the app's actions start (OpenRun builds its image and starts no service), and
    /// openrun records actions but does not execute them.
    package static func notServedReason(_ plan: ExecutionPlan) -> String? {
        guard let container = plan.container, container.command != nil, container.run == nil else { return nil }
        if plan.routes.contains(where: { if case .url = $0.upstream { true } else { false } }) { return nil }
        return "not serving \(plan.app.slug) (\(plan.app.path), \"\(plan.app.name)\"): its container has lifetime=\"command\", "
            + "so it runs only for commands that the app's actions start, and openrun run does not execute actions; "
            + "run a command with the run.sh of `openrun build --target docker`: run.sh exec COMMAND..."
    }

    /// `publicBase` with the app's domain (if any) and path.
    static func appURL(_ app: PlanApp, publicBase: String) -> String {
        var base = publicBase
        if let domain = app.domain, let schemeEnd = base.range(of: "://") {
            let rest = base[schemeEnd.upperBound...]
            let port = rest.lastIndex(of: ":").map { String(rest[$0...]) } ?? ""
            base = String(base[..<schemeEnd.upperBound]) + domain + port
        }
        return app.path == "/" ? base : base + ProxyRoute.normalize(app.path)
    }

    private static func recipe(_ container: PlanContainer, run: RunStep, publish: PublishSpec, directory: String,
                               engine: CLIEngine.Kind, appURL: String) throws -> LaunchRecipe {
        func absolute(_ path: String) -> String {
            path.hasPrefix("/") ? path : URL(fileURLWithPath: directory).appendingPathComponent(path).standardized.path
        }
        var image: LaunchRecipe.Image = .pull(run.image)
        var volumes: [LaunchRecipe.Volume] = []
        var secretSteps: [String: RenderSecretFileStep] = [:]
        var health: WaitHealthyStep?
        for step in container.start {
            switch step {
            case .pullImage(let p):
                image = .pull(p.reference)
            case .buildImage(var b):
                b.context = absolute(b.context)
                b.containerfile = absolute(b.containerfile)
                image = .build(tag: b.tag, arguments: b.arguments)
            case .createVolume(let v):
                volumes.append(.init(name: v.name, arguments: v.arguments))
            case .renderSecretFile(let f):
                secretSteps[f.name] = f
            case .run:
                break
            case .waitHealthy(let w):
                health = w
            }
        }
        var options = ["--label", "dev.openrun.plan=\(container.digest)",
                       "--publish", publish.value(hostPort: nil)]
        options += run.options
        for e in run.engineOptions where e.engine.rawValue == engine.rawValue {
            options += e.arguments
        }
        for b in run.binds {
            let host = b.relativeToPlan ? absolute(b.hostPath) : b.hostPath
            options += ["--volume", "\(host):\(b.target)" + (b.readOnly ? ":ro" : "")]
        }
        let secretFiles = try run.secretFiles.map { mount -> LaunchRecipe.SecretFile in
            guard let step = secretSteps[mount.name] else {
                throw RuntimeSetupError(description: "\(container.name): secret file \(mount.name) is mounted but never rendered in the plan")
            }
            return LaunchRecipe.SecretFile(step: step, target: mount.target)
        }
        var polling = HealthPolling()
        if let h = health {
            polling = HealthPolling(initialDelay: .milliseconds(max(1, h.initialDelayMilliseconds)),
                                    maximumDelay: .milliseconds(max(1, h.maxDelayMilliseconds)),
                                    budget: .seconds(max(1, h.timeoutSeconds)))
        }
        return LaunchRecipe(containerName: container.name, image: image, volumes: volumes, runOptions: options,
                            env: run.env, secretFiles: secretFiles, runImage: run.image,
                            containerPort: publish.containerPort, https: health?.scheme == .https, healthPath: health?.path ?? "/", polling: polling,
                            stopTimeoutSeconds: container.stop.timeoutSeconds, planDigest: container.digest,
                            appURL: appURL)
    }

    /// Every plan under `folder`: the folder's own plan.json, else `*/plan.json` and `docker/*/plan.json`,
    /// sorted by path.
    package static func findPlans(in folder: String) -> [String] {
        let fm = FileManager.default
        let own = folder + "/plan.json"
        if fm.fileExists(atPath: own) { return [own] }
        var found: [String] = []
        for sub in [folder, folder + "/docker"] {
            guard let names = try? fm.contentsOfDirectory(atPath: sub) else { continue }
            for n in names.sorted() where fm.fileExists(atPath: "\(sub)/\(n)/plan.json") {
                found.append("\(sub)/\(n)/plan.json")
            }
        }
        return found
    }
}

extension RouteIR.Upstream {
    var served: ServedApp.Route.Upstream {
        switch self {
        case .container: .container
        case .url(let u): .url(u)
        }
    }
}
