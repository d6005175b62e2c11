import IR
import TextTemplate

/// `dist/docker/<slug>/`: `plan.json` (the `ExecutionPlan` the runtime
/// executes), `run.sh` (the same steps as POSIX sh for podman or docker),
/// `context/` (the build context, when the app builds an image) and
/// `files/` (cl_secret files that hold no secret, rendered at build time).
package enum DockerBackend: Backend {
    package static let kind = BackendKind.docker

    package struct Options: Sendable {
        /// Seconds `stop` waits for the container before it is killed.
        package var stopTimeoutSeconds = 5

        package init() {}
    }

    /// The plan and what run.sh needs beside it.
    package struct Model: Hashable, Sendable {
        package var plan: ExecutionPlan
        /// cl_secret files whose params hold no secret: rendered now, shipped in `files/<name>`.
        package var prerenderedFiles: [PrerenderedFile]
        /// The build context is materialized at `context/`.
        package var needsContext: Bool
    }

    package struct PrerenderedFile: Hashable, Sendable {
        package var name: String
        package var content: String
    }

    /// Relative paths inside `dist/docker/<slug>/`.
    package static let contextFolder = "context"
    package static let filesFolder = "files"

    package static func emit(_ ir: AppIR, options: Options, diagnostics: Diagnostics) -> Model? {
        let app = PlanApp(name: ir.identity.name, slug: ir.identity.slug, path: ir.identity.path, domain: ir.identity.domain,
                          redirectBarePath: ir.options.redirectBarePath, defaultURL: OpenrunLabels.defaultAppURL(ir.identity))
        var model = Model(plan: ExecutionPlan(app: app, routes: ir.routes, container: nil, runtime: ir.runtime),
                          prerenderedFiles: [], needsContext: false)
        guard let container = ir.container, let image = ir.image else { return model }
        let labels = OpenrunLabels.engineLabels(ir.identity)
        var steps: [PlanStep] = []

        switch image {
        case .pull(let p):
            steps.append(.pullImage(PullImageStep(reference: p.reference)))
        case .build(let b):
            model.needsContext = true
            let dir = b.context.directory.isEmpty ? contextFolder : contextFolder + "/" + RelativePath.trimSlashes(b.context.directory)
            steps.append(.buildImage(BuildImageStep(
                tag: b.tag, context: dir, containerfile: contextFolder + "/" + b.containerfile, target: b.target,
                buildArgs: b.buildArgs.map { PlanKeyValue($0.name, $0.value) }, labels: labels)))
        }

        if container.lifetime == .command {
            diagnostics.warning(DockerDiagnostics.commandLifetime,
                                "this app runs commands on demand (lifetime=container.COMMAND): run.sh start only gets the image; use 'run.sh exec COMMAND...' to run one",
                                at: container.location)
        }

        // Volumes: named ones are created up front; binds and secret files are mounted from the host.
        var runOptions: [String] = labels.flatMap { ["--label", "\($0.key)=\($0.value)"] }
        var secretMounts: [SecretFileMountSpec] = []
        var binds: [BindSpec] = []
        let params = container.env.filter { $0.origin == .param }.map { PlanEnv(name: $0.name, value: $0.value) }
        for v in container.volumes {
            switch v {
            case .anonymous(let a):
                steps.append(.createVolume(CreateVolumeStep(name: a.name, labels: labels)))
                runOptions += ["--volume", "\(a.name):\(a.target)" + (a.readOnly ? ":ro" : "")]
            case .named(let n):
                steps.append(.createVolume(CreateVolumeStep(name: n.name, labels: labels)))
                runOptions += ["--volume", "\(n.name):\(n.target)" + (n.readOnly ? ":ro" : "")]
            case .bind(let b):
                // Relative binds are relative to the materialized context (the app source with the spec under it).
                if b.base == .appSource { model.needsContext = true }
                binds.append(b.base == .absolute
                    ? BindSpec(hostPath: b.path, relativeToPlan: false, target: b.target, readOnly: b.readOnly)
                    : BindSpec(hostPath: b.path.isEmpty ? contextFolder : contextFolder + "/" + b.path, relativeToPlan: true,
                               target: b.target, readOnly: b.readOnly))
            case .secretFile(let s):
                let step = RenderSecretFileStep(name: s.name, templatePath: s.templatePath, template: s.template, params: params, target: s.target)
                steps.append(.renderSecretFile(step))
                secretMounts.append(SecretFileMountSpec(name: s.name, target: s.target))
                if step.secrets.isEmpty, let text = prerender(step, diagnostics: diagnostics, at: s.declared.location) {
                    model.prerenderedFiles.append(PrerenderedFile(name: s.name, content: text))
                }
            }
        }
        if let cpu = container.resources.cpuMillis {
            runOptions += ["--cpus", Quantities.cpus(cpu)]
        }
        if let mem = container.resources.memoryBytes {
            runOptions += ["--memory", String(mem)]
        }
        if container.resources.minReplicas != nil || container.resources.maxReplicas != nil {
            diagnostics.warning(DockerDiagnostics.replicasIgnored, "min_replicas/max_replicas apply to Kubernetes only; the docker backend runs one container",
                                at: container.location)
        }
        if let signal = container.stopSignal {
            runOptions += ["--stop-signal", signal]
        }
        var engineOptions: [EngineOptions] = []
        for f in container.engineFlags where f.engine == .kubernetes {
            diagnostics.warning(DockerDiagnostics.kubernetesSetting,
                                "--copt kubernetes.\(f.name) is a Kubernetes pod setting; the docker backend ignores it", at: f.location)
        }
        for engine in EngineFlag.Engine.containerEngines {
            let args = container.engineFlags.filter { $0.engine == engine }.flatMap { f -> [String] in
                f.value.map { ["--\(f.name)=\($0)"] } ?? ["--\(f.name)"]
            }
            if !args.isEmpty { engineOptions.append(EngineOptions(engine: engine, arguments: args)) }
        }

        for e in container.env {
            for r in e.value.secrets where !r.isFromEnvironment {
                diagnostics.error(DockerDiagnostics.secretProvider,
                                  "secret \(r.key) of \(e.name) comes from provider \"\(r.provider ?? "")\"; run.sh and openrun run read secrets from the environment only (default provider or \"env\")",
                                  at: e.location, notes: [.init("use {{secret \"\(r.key)\"}} and set \(r.environmentVariable) when starting the app")])
            }
            if !e.value.secrets.isEmpty, !SecretReference.isVariableName(e.name) {
                diagnostics.error(DockerDiagnostics.secretEnvName,
                                  "\(e.name) holds a secret but is not a valid environment variable name, so run.sh cannot pass it without putting the value on a command line",
                                  at: e.location, notes: [.init("rename the param to letters, digits and '_'")])
            }
        }

        let publish = container.lifetime == .app ? container.port.map { PublishSpec(containerPort: $0.number) } : nil
        let run = RunStep(image: image.reference, publish: publish, options: runOptions, engineOptions: engineOptions,
                          binds: binds, secretFiles: secretMounts, env: container.env.map { PlanEnv(name: $0.name, value: $0.value) })
        if container.lifetime == .app {
            steps.append(.run(run))
            if publish != nil {
                steps.append(.waitHealthy(WaitHealthyStep(scheme: container.scheme, path: container.healthPath,
                                                          timeoutSeconds: ir.runtime.healthTimeoutSeconds)))
            }
        }
        let digest = planDigest(run)
        model.plan.container = PlanContainer(name: containerName(ir.identity.slug), start: steps,
                                             stop: StopStep(timeoutSeconds: options.stopTimeoutSeconds),
                                             command: container.lifetime == .command ? run : nil, digest: digest)
        return model
    }

    package static func render(_ model: Model) -> [Artifact] {
        var out: [Artifact] = []
        // The plan always encodes: it is plain data.
        let json = (try? model.plan.encodeJSON()).map { Array($0) } ?? []
        out.append(Artifact(path: "plan.json", content: .file(json, mode: .regular)))
        out.append(.file("run.sh", RunScript.render(model), mode: .executable))
        if model.needsContext { out.append(Artifact(path: contextFolder, content: .buildContext)) }
        for f in model.prerenderedFiles {
            out.append(.file(filesFolder + "/" + f.name, f.content))
        }
        return out
    }

    /// `openrun-<slug>`.
    package static func containerName(_ slug: String) -> String { "openrun-\(slug)" }

    static func prerender(_ step: RenderSecretFileStep, diagnostics: Diagnostics, at location: SourceLocation?) -> String? {
        do {
            return try SecretFileRenderer.render(step, environment: [:], appURL: "")
        } catch {
            diagnostics.error(DockerDiagnostics.templateRender, "\(error)", at: location)
            return nil
        }
    }


    /// SHA-256 over the run step's JSON: what decides whether an existing container can be reused.
    static func planDigest(_ run: RunStep) -> String {
        let text = (try? IRValueEncoder().encode(run).prettyJSON) ?? ""
        return String(SHA256.hex(text).prefix(16))
    }
}

/// The docker backend's diagnostic ids.
package enum DockerDiagnostics {
    package static let commandLifetime = "docker.command-lifetime"
    package static let replicasIgnored = "docker.replicas-ignored"
    package static let secretProvider = "docker.secret-provider"
    package static let secretEnvName = "docker.secret-env-name"
    package static let templateRender = "docker.template-render"
    package static let kubernetesSetting = "docker.kubernetes-setting-ignored"
}
