import IR

/// `dist/quadlet/<slug>/`: Podman quadlet units for Podman ≥ 5.2 under
/// systemd — `<slug>.container`, `<slug>.build` (or `Image=` for pulled
/// images), a `.volume` per anonymous/named volume — and, for scale to zero,
/// `<slug>.socket` + `<slug>-proxy.service` running `systemd-socket-proxyd
/// --exit-idle-time=` in front of the container, whose unit has
/// `StopWhenUnneeded=yes`: the first connection starts the container, idleness
/// stops it. A `README` says how to install them.
package enum QuadletBackend: Backend {
    package static let kind = BackendKind.quadlet

    package struct Options: Sendable {
        /// Socket activation + idle stop; nil = on for `lifetime=app` with a port.
        package var scaleToZero: Bool?
        /// Seconds without traffic before the proxy exits and the container stops; nil = the IR's runtime policy (180 s).
        package var idleTimeoutSeconds: Int?
        /// Where the socket listens (`PORT` or `ADDRESS:PORT`); nil = a port derived from the slug (20000–29999).
        package var listen: String?
        /// The loopback port the container is published on; nil = derived from the slug (30000–39999).
        package var hostPort: Int?
        /// The app's public URL (`CL_APP_URL`); nil = `http://localhost:<listen port><path>`.
        package var appURL: String?

        package init() {}
    }

    /// Every file of the folder, typed.
    package struct Model: Hashable, Sendable {
        package var slug: String
        package var appName: String
        package var units: [UnitFile]
        /// The build context is materialized at `context/` (a `.build` unit or a relative bind mount uses it).
        package var needsContext: Bool
        /// What the operator does before starting: secrets to create, and how.
        package var secrets: [SecretToCreate]
        /// Files for /etc/containers/systemd (quadlet) and for /etc/systemd/system (plain units).
        package var quadletFiles: [String]
        package var systemdFiles: [String]
        /// The unit to start: `<slug>.socket` or `<slug>.service`; nil when there is nothing to run.
        package var startUnit: String?
        /// Where the app answers once started.
        package var url: String?
    }

    /// A Podman secret the operator creates with `podman secret create`.
    package struct SecretToCreate: Hashable, Sendable {
        package var name: String
        /// What it must hold, for the README.
        package var holds: String
        /// A command that produces the value, when there is one.
        package var command: String?
    }

    /// Seconds systemd gives a unit that may pull or build an image.
    package static let imageTimeoutSeconds = 900

    /// Relative path of the materialized build context.
    package static let contextFolder = "context"

    package static func emit(_ ir: AppIR, options: Options, diagnostics: Diagnostics) -> Model? {
        let slug = ir.identity.slug
        var model = Model(slug: slug, appName: ir.identity.name, units: [], needsContext: false, secrets: [],
                          quadletFiles: [], systemdFiles: [], startUnit: nil, url: nil)
        guard let container = ir.container, let image = ir.image else {
            let at = ir.routes.first?.location ?? ir.identity.nameLocation
            diagnostics.warning(QuadletDiagnostics.noContainer,
                                "this app runs no container (it proxies to an external URL or serves nothing); quadlet has nothing to start, only a README is written",
                                at: at)
            return model
        }

        let hash = slugHash(slug)
        let hostPort = options.hostPort ?? (30000 + Int(hash % 10000))
        let listen = options.listen ?? String(20000 + Int(hash % 10000))
        let listenPort = listen.split(separator: ":").last.map(String.init) ?? listen
        if let p = Int(listenPort), (1...65535).contains(p) {} else {
            diagnostics.error(QuadletDiagnostics.badPort, "--listen takes PORT or ADDRESS:PORT with a port from 1 to 65535", at: .flag("--listen", listen))
        }
        if !(1...65535).contains(hostPort) {
            diagnostics.error(QuadletDiagnostics.badPort, "--host-port takes a port from 1 to 65535", at: .flag("--host-port", String(hostPort)))
        }
        let isApp = container.lifetime == .app
        let port = isApp ? container.port : nil
        let scaleToZero = port != nil && (options.scaleToZero ?? true)
        if options.scaleToZero == true && port == nil {
            diagnostics.warning(QuadletDiagnostics.scaleToZeroUnavailable,
                                "--scale-to-zero needs a long-running app with a port; this one has none, so its container is started directly",
                                at: container.location)
        }
        let idle = options.idleTimeoutSeconds ?? ir.runtime.idleTimeoutSeconds
        let portText = port == nil ? "" : ":" + (scaleToZero ? listenPort : String(hostPort))
        let appURL = options.appURL ?? "http://\(ir.identity.domain ?? "localhost")\(portText)\(ir.identity.path)"
        let labels = OpenrunLabels.engineLabels(ir.identity)
        let containerUnit = "\(slug).container"
        let service = "\(slug).service"

        var c: [UnitEntry] = [.text("ContainerName", containerName(slug))]
        var unitSection: [UnitEntry] = [.text("Description", "openrun app \(ir.identity.name) (\(OpenrunLabels.appPath(ir.identity)))")]
        var serviceSection: [UnitEntry] = []

        // Image: a .build unit, or the reference.
        switch image {
        case .pull(let p):
            c.append(.text("Image", p.reference))
        case .build(let b):
            model.needsContext = true
            // The .build unit lives in the context folder it builds (quadlet reads subfolders), so
            // `SetWorkingDirectory=unit` makes that folder podman build's context; File= is relative to it.
            let dir = RelativePath.trimSlashes(b.context.directory)
            let buildName = "\(slug).build"
            let buildPath = contextFolder + "/" + (dir.isEmpty ? "" : dir + "/") + buildName
            var entries: [UnitEntry] = [.text("ImageTag", b.tag), .text("SetWorkingDirectory", "unit"),
                                        .text("File", relativePath(b.containerfile, from: dir))]
            if let t = b.target { entries.append(.text("Target", t)) }
            // Podman 5.4's quadlet has no BuildArg= key yet.
            if !b.buildArgs.isEmpty { entries.append(UnitEntry("PodmanArgs", .words(b.buildArgs.map { "--build-arg=\($0.name)=\($0.value)" }))) }
            for l in labels { entries.append(UnitEntry("Label", .words(["\(l.key)=\(l.value)"]))) }
            model.units.append(UnitFile(name: buildPath, header: header(ir), sections: [
                UnitSection("Unit", [.text("Description", "openrun app \(ir.identity.name): image build")]),
                UnitSection("Build", entries),
                // Builds pull base images and install dependencies: systemd's default 90 s is too short.
                UnitSection("Service", [.text("TimeoutStartSec", String(imageTimeoutSeconds))]),
            ]))
            model.quadletFiles.append(buildPath)
            c.append(.text("Image", buildName))
        }

        // Environment in the IR's order; secrets through Podman secrets.
        for e in container.env {
            if let ref = e.value.singleSecret {
                let name = podmanSecretName(ref.key)
                if !ref.isFromEnvironment {
                    diagnostics.warning(QuadletDiagnostics.secretProvider,
                                        "secret \(ref.key) comes from provider \"\(ref.provider ?? "")\"; quadlet reads it from the Podman secret \(name), which the operator creates",
                                        at: e.location)
                }
                addSecret(&model, SecretToCreate(name: name, holds: "the value of secret \(ref.key)", command: nil))
                c.append(UnitEntry("Secret", .words(["\(name),type=env,target=\(e.name)"])))
            } else if !e.value.secrets.isEmpty {
                let name = "\(slug)-env-\(e.name.lowercased().filter { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" })"
                diagnostics.warning(QuadletDiagnostics.secretComposite,
                                    "\(e.name) mixes text with secrets (\(e.value)); Podman secrets hold whole values, so the operator creates the Podman secret \(name) with the complete value",
                                    at: e.location)
                addSecret(&model, SecretToCreate(name: name, holds: "the complete value of \(e.name): \(e.value)", command: nil))
                c.append(UnitEntry("Secret", .words(["\(name),type=env,target=\(e.name)"])))
            } else {
                let text = e.value.resolved { _ in appURL }
                c.append(UnitEntry("Environment", .words(["\(e.name)=\(text)"])))
            }
        }

        if let port {
            c.append(.text("PublishPort", "127.0.0.1:\(hostPort):\(port.number)"))
        }

        // Volumes.
        for v in container.volumes {
            switch v {
            case .anonymous, .named:
                let name = v.volumeName ?? ""
                let file = "\(name).volume"
                model.units.append(UnitFile(name: file, header: header(ir), sections: [
                    UnitSection("Unit", [.text("Description", "openrun app \(ir.identity.name): volume \(v.declared.text)")]),
                    UnitSection("Volume", [.text("VolumeName", name)] + labels.map { UnitEntry("Label", .words(["\($0.key)=\($0.value)"])) }),
                ]))
                model.quadletFiles.append(file)
                c.append(.text("Volume", "\(file):\(v.target)" + (v.readOnly ? ":ro" : "")))
            case .bind(let b):
                let host: String
                if b.base == .absolute {
                    host = b.path
                } else {
                    model.needsContext = true
                    host = "./" + contextFolder + (b.path.isEmpty ? "" : "/" + b.path)
                }
                c.append(.text("Volume", "\(host):\(b.target)" + (b.readOnly ? ":ro" : "")))
            case .secretFile(let s):
                let name = "\(slug)-\(s.name)"
                addSecret(&model, SecretToCreate(
                    name: name, holds: "the file \(s.templatePath) rendered (cl_secret, mounted at \(s.target))",
                    command: "openrun render-secret-file dist/docker/\(slug)/plan.json \(s.name)"))
                c.append(UnitEntry("Secret", .words(["\(name),type=mount,target=\(s.target),mode=0400"])))
            }
        }

        for l in labels { c.append(UnitEntry("Label", .words(["\(l.key)=\(l.value)"]))) }

        // Resources and raw flags.
        var podmanArgs: [String] = []
        if let cpu = container.resources.cpuMillis { podmanArgs.append("--cpus=\(Quantities.cpus(cpu))") }
        if let mem = container.resources.memoryBytes { podmanArgs.append("--memory=\(mem)") }
        if container.resources.minReplicas != nil || container.resources.maxReplicas != nil {
            diagnostics.warning(QuadletDiagnostics.replicasIgnored,
                                "min_replicas/max_replicas apply to Kubernetes only; a quadlet runs one container", at: container.location)
        }
        for f in container.engineFlags {
            switch f.engine {
            case .podman: podmanArgs.append(f.value.map { "--\(f.name)=\($0)" } ?? "--\(f.name)")
            case .docker:
                diagnostics.warning(QuadletDiagnostics.dockerFlagIgnored,
                                    "--copt docker.\(f.name) is for docker; quadlet runs podman and ignores it (use podman.\(f.name))", at: f.location)
            case .kubernetes:
                diagnostics.warning(QuadletDiagnostics.kubernetesSettingIgnored,
                                    "--copt kubernetes.\(f.name) is a Kubernetes pod setting; quadlet ignores it", at: f.location)
            }
        }
        if !podmanArgs.isEmpty { c.append(UnitEntry("PodmanArgs", .words(podmanArgs))) }
        if let signal = container.stopSignal { c.append(.text("StopSignal", signal)) }

        if !isApp {
            diagnostics.warning(QuadletDiagnostics.commandLifetime,
                                "this app runs commands on demand (lifetime=container.COMMAND): its unit runs the image's command once per 'systemctl start'",
                                at: container.location)
            serviceSection.append(.text("Type", "oneshot"))
            serviceSection.append(.text("RemainAfterExit", "no"))
        } else {
            // A container killed by its stop signal exits 137/143: a clean stop, not a failure.
            serviceSection.append(UnitEntry("SuccessExitStatus", .words(["137", "143"])))
            // `podman run` may pull the image first: systemd's default 90 s is too short for that.
            serviceSection.append(.text("TimeoutStartSec", String(imageTimeoutSeconds)))
        }
        if scaleToZero {
            unitSection.append(.text("StopWhenUnneeded", "yes"))
        } else if isApp {
            serviceSection.append(.text("Restart", "on-failure"))
        }
        var containerSections = [UnitSection("Unit", unitSection), UnitSection("Container", c), UnitSection("Service", serviceSection)]
        if isApp && !scaleToZero {
            containerSections.append(UnitSection("Install", [.text("WantedBy", "default.target")]))
        }
        model.units.append(UnitFile(name: containerUnit, header: header(ir), sections: containerSections))
        model.quadletFiles.append(containerUnit)
        model.startUnit = service
        if port != nil { model.url = "http://127.0.0.1:\(hostPort)\(container.healthPath)" }

        if scaleToZero {
            let socket = "\(slug).socket", proxy = "\(slug)-proxy.service"
            model.units.append(UnitFile(name: socket, header: header(ir), sections: [
                UnitSection("Unit", [.text("Description", "openrun app \(ir.identity.name): socket (starts the app on the first connection)")]),
                UnitSection("Socket", [.text("ListenStream", listen), .text("Service", proxy)]),
                UnitSection("Install", [.text("WantedBy", "sockets.target")]),
            ]))
            let scheme = container.scheme == .https ? "https" : "http"
            let health = "\(scheme)://127.0.0.1:\(hostPort)\(container.healthPath)"
            // Wait for the health path (curl -f: a 4xx/5xx or no answer is not ready), not a blind sleep;
            // TimeoutStartSec bounds the wait with the IR's health budget.
            var curl = ["curl", "-fsS", "-o", "/dev/null", "--max-time", "5"]
            if container.scheme == .https { curl.append("-k") }
            let wait = "until " + ShellWord.line((curl + [health]).map { ShellWord.literal($0) }) + "; do sleep 0.1; done"
            model.units.append(UnitFile(name: proxy, header: header(ir), sections: [
                UnitSection("Unit", [
                    .text("Description", "openrun app \(ir.identity.name): proxy (exits after \(idle) s idle)"),
                    // BindsTo: if the container stops or dies, the proxy goes too (the socket stays).
                    .text("BindsTo", service), .text("After", service),
                    .text("Requires", socket), .text("After", socket),
                ]),
                UnitSection("Service", [
                    UnitEntry("ExecStartPre", .command(["/bin/sh", "-c", wait])),
                    UnitEntry("ExecStart", .command(["/usr/lib/systemd/systemd-socket-proxyd", "--exit-idle-time=\(idle)s", "127.0.0.1:\(hostPort)"])),
                    .text("TimeoutStartSec", String(ir.runtime.healthTimeoutSeconds)),
                ]),
            ]))
            model.systemdFiles += [socket, proxy]
            model.startUnit = socket
            model.url = "http://localhost:\(listenPort)\(container.healthPath)"
        }
        return model
    }

    package static func render(_ model: Model) -> [Artifact] {
        var out = model.units.map { Artifact.file($0.name, UnitRenderer.render($0)) }
        out.append(.file("README", QuadletReadme.render(model)))
        if model.needsContext { out.append(Artifact(path: contextFolder, content: .buildContext)) }
        return out
    }

    /// `openrun-<slug>`.
    package static func containerName(_ slug: String) -> String { "openrun-\(slug)" }

    /// A Podman secret name for a secret key: Podman allows `[A-Za-z0-9][A-Za-z0-9_.-]*`; others become `_`.
    static func podmanSecretName(_ key: String) -> String {
        var s = String(key.map { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) ? $0 : "_" })
        if s.isEmpty || !(s.first!.isLetter || s.first!.isNumber) { s = "s" + s }
        return s
    }

    static func addSecret(_ model: inout Model, _ s: SecretToCreate) {
        if !model.secrets.contains(where: { $0.name == s.name }) { model.secrets.append(s) }
    }

    static func header(_ ir: AppIR) -> [String] {
        ["Generated by openrun build --target quadlet for app \(OpenrunLabels.appPath(ir.identity)); see README."]
    }

    /// FNV-1a over the slug: deterministic default ports.
    static func slugHash(_ slug: String) -> UInt64 {
        var h: UInt64 = 0xcbf29ce484222325
        for b in slug.utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        return h
    }

    /// `path` (from the context root) as seen from the folder `dir` (also from the root).
    static func relativePath(_ path: String, from dir: String) -> String {
        let p = RelativePath.trimSlashes(path)
        guard !dir.isEmpty else { return p }
        if p.hasPrefix(dir + "/") { return String(p.dropFirst(dir.count + 1)) }
        let depth = dir.split(separator: "/").count
        return String(repeating: "../", count: depth) + p
    }

}

/// The quadlet backend's diagnostic ids.
package enum QuadletDiagnostics {
    package static let noContainer = "quadlet.no-container"
    package static let commandLifetime = "quadlet.command-lifetime"
    package static let replicasIgnored = "quadlet.replicas-ignored"
    package static let dockerFlagIgnored = "quadlet.docker-flag-ignored"
    package static let kubernetesSettingIgnored = "quadlet.kubernetes-setting-ignored"
    package static let secretProvider = "quadlet.secret-provider"
    package static let secretComposite = "quadlet.secret-composite"
    package static let scaleToZeroUnavailable = "quadlet.scale-to-zero-unavailable"
    package static let badPort = "quadlet.bad-port"
}

extension QuadletBackend {
    static let support: [BackendFeature: SupportLevel] = [
        .buildImage: .yes("`<slug>.build` unit inside `context/` (`SetWorkingDirectory=unit`), built on first start"),
        .pullImage: .yes("`Image=`, pulled on first start"),
        .port: .yes("`PublishPort=127.0.0.1:<host port>:PORT` (`--host-port`, default from the slug)"),
        .health: .partial("the proxy waits for the health path with `curl -f` before forwarding (a 2xx/3xx counts); no Podman health check"),
        .env: .partial("`Environment=` in the IR's order, systemd-quoted, `%` and `$` escaped; quadlet's generator passes them to podman sorted by name"),
        .appURL: .yes("`--app-url`, default `http://localhost:<listen port><path>`"),
        .secretEnv: .yes("Podman secrets, `Secret=NAME,type=env,target=VAR`; a value mixing text and secrets is one secret holding the whole value (warning `quadlet.secret-composite`)"),
        .namedVolume: .yes("a `.volume` unit per volume"),
        .bindMount: .yes("`Volume=`; relative paths point into `context/` next to the unit"),
        .secretFile: .partial("a Podman secret mounted as a file (`type=mount`), created by the operator from `openrun render-secret-file`"),
        .resources: .yes("`PodmanArgs=--cpus= --memory=`"),
        .replicas: .no("one container; warning `quadlet.replicas-ignored`"),
        .engineFlags: .partial("`podman.X` as `PodmanArgs=`; `docker.X` ignored with warning `quadlet.docker-flag-ignored`, `kubernetes.X` with `quadlet.kubernetes-setting-ignored`"),
        .stopSignal: .yes("`StopSignal=`"),
        .commandLifetime: .partial("a oneshot unit running the image's command; warning `quadlet.command-lifetime`"),
        .proxyRoutes: .no("nothing to run; README only, warning `quadlet.no-container`"),
        .scaleToZero: .yes("`<slug>.socket` + `systemd-socket-proxyd --exit-idle-time=` + `StopWhenUnneeded=yes` (`--scale-to-zero`, `--idle-timeout`)"),
    ]
}
