import IR
import TextTemplate

extension KubernetesBackend {
    /// The container's port name, used by probes, the Service and the Ingress.
    static let portName = "http"
    /// The Service's port.
    static let servicePort = 80
    /// The HPA's CPU utilization target, in percent of the request.
    static let cpuTargetPercent = 80

    package static func emit(_ ir: AppIR, options: Options, diagnostics: Diagnostics) -> Model? {
        guard validate(options, diagnostics: diagnostics) else { return nil }
        let slug = ir.identity.slug
        var resourceFiles: [String] = []
        var model = Model(kustomization: Kustomization(namespace: options.namespace, resources: []), deployment: nil, service: nil,
                          claims: [], ingress: nil, middleware: nil, autoscaler: nil, secretFiles: [])
        for route in ir.routes {
            if case .url(let url) = route.upstream {
                diagnostics.warning(KubernetesDiagnostics.proxyRoute,
                                    "route \(route.path) proxies to \(url); Kubernetes manifests cannot express an external proxy, so it is left out",
                                    at: route.location)
            }
        }
        guard let container = ir.container, let image = ir.image else {
            // A proxy app was already warned about per route.
            if !ir.routes.contains(where: { $0.upstream != .container }) {
                diagnostics.warning(KubernetesDiagnostics.noContainer, "the app runs no container: the kustomization has no resources",
                                    at: ir.identity.nameLocation)
            }
            return model
        }
        if container.lifetime == .command {
            diagnostics.warning(KubernetesDiagnostics.commandLifetime,
                                "this app runs commands on demand (lifetime=container.COMMAND): no Deployment is written; run its commands as Jobs with the image \(imageReference(image, options: options, slug: slug))",
                                at: container.location)
            return model
        }

        let names = Names(ir: ir, options: options)
        var pod = PodSpec(containers: [], automountServiceAccountToken: false, enableServiceLinks: false,
                          securityContext: PodSecurityContext(seccompProfile: "RuntimeDefault"))
        var main = Container(name: "app", image: imageReference(image, options: options, slug: slug),
                             securityContext: ContainerSecurityContext(allowPrivilegeEscalation: false))
        if case .build = image {
            main.imagePullPolicy = .ifNotPresent  // content-addressed tags never change
            if options.registry == nil {
                diagnostics.warning(KubernetesDiagnostics.noRegistry,
                                    "no --registry: the Deployment uses the local image \(image.reference), which a cluster can pull only if it was loaded into it; pass --registry and push the image there",
                                    at: container.location)
            }
        }

        // Env, in the IR's order.
        let appURL = names.appURL
        for variable in container.env {
            if let spec = envVar(variable, names: names, appURL: appURL, diagnostics: diagnostics) {
                main.env.append(spec)
            }
        }

        if let port = container.port {
            main.ports = [ContainerPort(name: portName, containerPort: port.number)]
            let scheme = container.scheme == .https ? "HTTPS" : "HTTP"
            let budget = max(1, ir.runtime.healthTimeoutSeconds / 2)
            main.startupProbe = Probe(path: container.healthPath, port: portName, scheme: scheme, periodSeconds: 2, timeoutSeconds: 5, failureThreshold: budget)
            main.readinessProbe = Probe(path: container.healthPath, port: portName, scheme: scheme, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3)
        }
        main.resources = resources(container.resources)

        // Volumes.
        var claimNames: [String] = []
        let params = container.env.filter { $0.origin == .param }
        var assembled: [(SecretFileMount, SecretFileAssembly)] = []
        let filesVolume = secretFilesVolume
        func addClaim(_ name: String, target: String, readOnly: Bool) {
            if !claimNames.contains(name) {
                claimNames.append(name)
                pod.volumes.append(Volume(name: name, source: .persistentVolumeClaim(claimName: name)))
                model.claims.append(PersistentVolumeClaim(metadata: ObjectMeta(name: name, labels: names.labels, annotations: names.annotations),
                                                          storage: options.storageSize, storageClassName: options.storageClass))
            }
            main.volumeMounts.append(VolumeMount(name: name, mountPath: target, readOnly: readOnly))
        }

        for volume in container.volumes {
            switch volume {
            case .anonymous(let v):
                addClaim(v.name, target: v.target, readOnly: v.readOnly)
            case .named(let v):
                addClaim(v.name, target: v.target, readOnly: v.readOnly)
            case .bind(let b):
                diagnostics.warning(KubernetesDiagnostics.bindMount,
                                    "bind mount \(b.declared.text) cannot be expressed in Kubernetes (pods do not see the build host's files); it is left out — use a named volume, or bake the files into the image",
                                    at: b.declared.location)
            case .secretFile(let s):
                let fileName = baseName(s.target)
                if params.allSatisfy({ $0.value.secrets.isEmpty }) {
                    // Nothing secret in it: rendered now, a Secret made by kustomize.
                    let secretName = Naming.derived(slug, s.name)
                    pod.volumes.append(Volume(name: secretName, source: .secret(secretName: secretName, items: [.init(key: fileName, path: fileName)])))
                    main.volumeMounts.append(VolumeMount(name: secretName, mountPath: s.target, subPath: fileName, readOnly: true))
                    guard let text = render(s, params: params, appURL: appURL, diagnostics: diagnostics) else { continue }
                    model.secretFiles.append(KeyValue(s.name, text))
                    model.kustomization.secretGenerators.append(.init(
                        name: secretName, files: ["\(fileName)=\(FileName.secretFilesFolder)/\(s.name)"]))
                    continue
                }
                let assembly: SecretFileAssembly?
                do {
                    assembly = try SecretFileAssembly.assemble(s, params: params, appURL: appURL)
                } catch {
                    diagnostics.error(KubernetesDiagnostics.templateRender, "\(error)", at: s.declared.location)
                    continue
                }
                if let assembly {
                    // Put together at pod start by an init container from the operator's Secret.
                    let ok = assembly.parts.allSatisfy { part in
                        guard case .secret(let r) = part else { return true }
                        return checkSecretKey(r, of: "cl_secret file \(s.target)", names: names, at: s.declared.location, diagnostics: diagnostics)
                    }
                    if ok { assembled.append((s, assembly)) }
                    main.volumeMounts.append(VolumeMount(name: filesVolume, mountPath: s.target, subPath: s.name, readOnly: true))
                } else {
                    let secretName = Naming.derived(slug, s.name)
                    pod.volumes.append(Volume(name: secretName, source: .secret(secretName: secretName, items: [.init(key: fileName, path: fileName)])))
                    main.volumeMounts.append(VolumeMount(name: secretName, mountPath: s.target, subPath: fileName, readOnly: true))
                    diagnostics.warning(KubernetesDiagnostics.secretFileExternal,
                                        "cl_secret file \(s.target) transforms secret values in its template (e.g. printf \"%q\"), so a pod cannot put it together from the Secret \(names.secret): the Deployment mounts key \(fileName) of a Secret \(secretName) that you create from the rendered file",
                                        at: s.declared.location,
                                        notes: [.init("kubectl create secret generic \(secretName) --from-file=\(fileName)=PATH_TO_RENDERED_FILE")])
                }
            }
        }
        if !assembled.isEmpty {
            // Not `medium: Memory`: Podman's kube play gives each container its own
            // tmpfs then, so the app would never see what the init container wrote.
            pod.volumes.append(Volume(name: filesVolume, source: .emptyDir(medium: nil)))
            pod.initContainers.append(secretFilesContainer(assembled, names: names, options: options))
        }
        for flag in container.engineFlags {
            guard flag.engine == .kubernetes else {
                diagnostics.warning(KubernetesDiagnostics.engineFlag,
                                    "--copt \(flag.engine.rawValue).\(flag.name) is a \(flag.engine.rawValue) flag; Kubernetes manifests ignore it",
                                    at: flag.location)
                continue
            }
            applyPodSetting(flag, to: &pod, main: &main, diagnostics: diagnostics)
        }
        // Replicas and autoscaling.
        let minReplicas = container.resources.minReplicas ?? 1
        let maxReplicas = container.resources.maxReplicas ?? minReplicas
        var replicas: Int? = minReplicas
        // An HPA's minReplicas is at least 1 (0 needs an alpha feature gate).
        if maxReplicas > 1, maxReplicas > minReplicas {
            replicas = nil  // the autoscaler owns the count
            model.autoscaler = HorizontalPodAutoscaler(
                metadata: ObjectMeta(name: names.app, labels: names.labels, annotations: names.annotations), deploymentName: names.app,
                minReplicas: max(1, minReplicas), maxReplicas: maxReplicas, cpuAverageUtilization: cpuTargetPercent)
            if container.resources.cpuMillis == nil {
                diagnostics.warning(KubernetesDiagnostics.autoscalerWithoutCPU,
                                    "max_replicas > 1 writes a HorizontalPodAutoscaler on CPU utilization, which needs a CPU request: pass --copt cpus=...",
                                    at: container.location)
            }
        }
        if !claimNames.isEmpty, maxReplicas > 1 {
            diagnostics.warning(KubernetesDiagnostics.sharedVolume,
                                "more than one replica with ReadWriteOnce volumes (\(claimNames.joined(separator: ", "))): replicas on other nodes cannot mount them",
                                at: container.location)
        }

        pod.containers = [main]
        model.deployment = Deployment(
            metadata: ObjectMeta(name: names.app, labels: names.labels, annotations: names.annotations),
            replicas: replicas, selector: names.selector, strategy: claimNames.isEmpty ? .rollingUpdate : .recreate,
            template: PodTemplate(labels: names.labels, annotations: names.annotations, spec: pod))
        resourceFiles.append(FileName.deployment)

        if container.port != nil {
            model.service = Service(metadata: ObjectMeta(name: names.app, labels: names.labels, annotations: names.annotations),
                                    selector: names.selector, ports: [.init(name: portName, port: servicePort, targetPort: portName)])
            resourceFiles.append(FileName.service)
            if let ingressClass = options.ingressClass {
                ingress(ir, ingressClass: ingressClass, names: names, options: options, model: &model, diagnostics: diagnostics)
            }
        }
        if !model.claims.isEmpty { resourceFiles.append(FileName.claims) }
        if model.ingress != nil { resourceFiles.append(FileName.ingress) }
        if model.middleware != nil { resourceFiles.append(FileName.middleware) }
        if model.autoscaler != nil { resourceFiles.append(FileName.autoscaler) }
        model.kustomization.resources = resourceFiles
        return model
    }

    /// Located errors for option values Kubernetes would reject; false if any.
    static func validate(_ options: Options, diagnostics: Diagnostics) -> Bool {
        var ok = true
        func check(_ flag: String, _ value: String?, _ valid: (String) -> Bool, _ what: String) {
            guard let value, !valid(value) else { return }
            diagnostics.error(KubernetesDiagnostics.optionInvalid, "\(flag) \(value) is not \(what)", at: .flag(flag, value))
            ok = false
        }
        check("--namespace", options.namespace, Naming.isValidDNS1123Label, "a valid namespace (lowercase letters, digits and '-', at most 63)")
        check("--host", options.host, { h in Naming.isValidDNS1123Subdomain(h.hasPrefix("*.") ? String(h.dropFirst(2)) : h) },
              "a valid host name (lowercase DNS name, optionally starting with *.)")
        check("--ingress-class", options.ingressClass, Naming.isValidDNS1123Subdomain, "a valid IngressClass name")
        check("--storage-class", options.storageClass, Naming.isValidDNS1123Subdomain, "a valid StorageClass name")
        check("--secret-name", options.secretName, Naming.isValidDNS1123Subdomain, "a valid Secret name")
        check("--storage-size", options.storageSize, isQuantity, "a storage quantity like 1Gi or 500Mi")
        check("--registry", options.registry, { !$0.isEmpty && !$0.contains(where: \.isWhitespace) && !$0.contains(":/") }, "a registry like registry.example.com/team")
        check("--init-image", options.initImage, { !$0.isEmpty && !$0.contains(where: \.isWhitespace) }, "an image reference")
        return ok
    }

    /// A Kubernetes quantity without exponent: digits, an optional fraction, an optional suffix.
    static func isQuantity(_ s: String) -> Bool {
        var digits = Substring(s)
        for suffix in ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "k", "M", "G", "T", "P", "E"] where digits.hasSuffix(suffix) {
            digits = digits.dropLast(suffix.count)
            break
        }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        return (1...2).contains(parts.count) && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }
    }

    /// The image the cluster pulls: a built image under `--registry`, a pulled one as given.
    static func imageReference(_ image: ImageIR, options: Options, slug: String) -> String {
        switch image {
        case .pull(let p):
            return p.reference
        case .build(let b):
            // REGISTRY/<tag without "openrun/">, as `run.sh push REGISTRY` tags it.
            guard var registry = options.registry, !registry.isEmpty else { return b.tag }
            while registry.hasSuffix("/") { registry.removeLast() }
            let name = b.tag.hasPrefix("openrun/") ? String(b.tag.dropFirst("openrun/".count)) : b.tag
            return "\(registry)/\(name)"
        }
    }

    /// One env var: a literal (with the app URL filled in) or exactly one secret.
    static func envVar(_ variable: EnvVar, names: Names, appURL: String, diagnostics: Diagnostics) -> EnvVarSpec? {
        let secrets = variable.value.secrets
        if secrets.isEmpty {
            return EnvVarSpec(name: variable.name, source: .value(variable.value.resolved { _ in appURL }))
        }
        guard let reference = variable.value.singleSecret else {
            diagnostics.error(KubernetesDiagnostics.mixedSecret,
                              "\(variable.name) mixes text and secrets (\(variable.value)); a Kubernetes env var takes a whole Secret key or a literal, never a mix",
                              at: variable.location,
                              notes: [.init("make the param exactly {{secret \"\(secrets[0].key)\"}} and store the whole value (text included) under that key of the Secret \(names.secret)")])
            return nil
        }
        guard checkSecretKey(reference, of: variable.name, names: names, at: variable.location, diagnostics: diagnostics) else { return nil }
        return EnvVarSpec(name: variable.name, source: .secretKeyRef(name: names.secret, key: reference.key))
    }

    /// A located error unless the key can name a key of a Kubernetes Secret;
    /// a warning when the reference names a provider (the Secret serves it).
    static func checkSecretKey(_ reference: SecretReference, of user: String, names: Names, at location: SourceLocation?, diagnostics: Diagnostics) -> Bool {
        guard isSecretKey(reference.key) else {
            diagnostics.error(KubernetesDiagnostics.secretKey,
                              "secret key \(reference.key) of \(user) is not a valid Kubernetes Secret key (letters, digits, '-', '_', '.')",
                              at: location, notes: [.init("rename the secret to e.g. \(reference.environmentName)")])
            return false
        }
        if !reference.isFromEnvironment, let provider = reference.provider {
            diagnostics.warning(KubernetesDiagnostics.secretProvider,
                                "secret \(reference.key) of \(user) names provider \"\(provider)\"; in Kubernetes it is read from key \(reference.key) of the Secret \(names.secret)",
                                at: location)
        }
        return true
    }

    /// The init container writing each assembled cl_secret file into the
    /// in-memory volume: the script concatenates quoted literal text and the
    /// secrets, which come in as env vars (`secretKeyRef`s), so no secret
    /// value is ever in the manifest or parsed by the shell.
    static func secretFilesContainer(_ files: [(SecretFileMount, SecretFileAssembly)], names: Names, options: Options) -> Container {
        var env: [EnvVarSpec] = []
        var lines = ["set -eu"]
        for (file, assembly) in files {
            var words: [String] = []
            for part in assembly.parts {
                switch part {
                case .literal(let text):
                    words.append(ShellWord.quote(text))
                case .secret(let reference):
                    // One variable per Secret key; keys that sanitize alike (`a-b`, `a_b`) get a suffix.
                    let source = EnvVarSpec.Source.secretKeyRef(name: names.secret, key: reference.key)
                    let variable: String
                    if let existing = env.first(where: { $0.source == source }) {
                        variable = existing.name
                    } else {
                        var candidate = reference.environmentName
                        var n = 2
                        while env.contains(where: { $0.name == candidate }) {
                            candidate = reference.environmentName + "_\(n)"
                            n += 1
                        }
                        variable = candidate
                        env.append(EnvVarSpec(name: variable, source: source))
                    }
                    words.append("\"$\(variable)\"")
                }
            }
            let target = ShellWord.quote(secretFilesMount + "/" + file.name)
            lines.append(words.isEmpty ? ": > \(target)" : "printf '%s' \(words.joined(separator: " ")) > \(target)")
        }
        return Container(name: "secret-files", image: options.initImage, command: ["/bin/sh", "-c", lines.joined(separator: "\n") + "\n"],
                         env: env, volumeMounts: [VolumeMount(name: secretFilesVolume, mountPath: secretFilesMount)],
                         securityContext: ContainerSecurityContext(allowPrivilegeEscalation: false))
    }

    /// The in-memory volume holding assembled cl_secret files.
    static let secretFilesVolume = "openrun-secret-files"
    /// Where the init container sees it.
    static let secretFilesMount = "/openrun/secret-files"

    /// `[-._a-zA-Z0-9]+`, at most 253.
    static func isSecretKey(_ key: String) -> Bool {
        !key.isEmpty && key.utf8.count <= 253 && key.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" || $0 == ".")
        }
    }

    /// cpu as a request, memory as request and limit.
    static func resources(_ r: Resources) -> ResourceRequirements {
        var out = ResourceRequirements()
        if let cpu = r.cpuMillis { out.requests.append(KeyValue("cpu", cpuQuantity(cpu))) }
        if let memory = r.memoryBytes {
            out.requests.append(KeyValue("memory", memoryQuantity(memory)))
            out.limits.append(KeyValue("memory", memoryQuantity(memory)))
        }
        return out
    }

    /// `2000` → `2`, `500` → `500m`.
    static func cpuQuantity(_ millis: Int) -> String {
        millis % 1000 == 0 ? String(millis / 1000) : "\(millis)m"
    }

    /// The largest binary unit that divides exactly: `536870912` → `512Mi`.
    static func memoryQuantity(_ bytes: Int) -> String {
        for (unit, size) in [("Ti", 1 << 40), ("Gi", 1 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)] where bytes >= size && bytes % size == 0 {
            return "\(bytes / size)\(unit)"
        }
        return String(bytes)
    }

    /// The file's name in its folder: `/app/.streamlit/secrets.toml` → `secrets.toml`.
    static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// A cl_secret template rendered now with the params' literal values.
    static func render(_ file: SecretFileMount, params: [EnvVar], appURL: String, diagnostics: Diagnostics) -> String? {
        var values: [String: String] = [:]
        for p in params { values[p.name] = p.value.resolved { _ in appURL } }
        do {
            return try GoTemplate(source: file.template, file: file.templatePath).render(data: .params(values))
        } catch {
            diagnostics.error(KubernetesDiagnostics.templateRender, "\(error)", at: file.declared.location)
            return nil
        }
    }

    /// Ingress for the app's host and path; `strip_app` through the class's rewrite where one is known.
    static func ingress(_ ir: AppIR, ingressClass: String, names: Names, options: Options, model: inout Model, diagnostics: Diagnostics) {
        let path = ir.identity.path
        let containerRoutes = ir.routes.filter { $0.upstream == .container }
        let stripApp = path != "/" && (containerRoutes.first?.stripApp ?? true)
        var annotations = names.annotations
        var ingressPath = Ingress.Path(path: path, pathType: "Prefix", serviceName: names.app, servicePort: portName)
        if stripApp {
            if ingressClass.contains("nginx") {
                annotations += [KeyValue("nginx.ingress.kubernetes.io/rewrite-target", "/$2"),
                                KeyValue("nginx.ingress.kubernetes.io/use-regex", "true")]
                ingressPath.path = path + "(/|$)(.*)"
                ingressPath.pathType = "ImplementationSpecific"  // regex paths are the controller's own
            } else if ingressClass.contains("traefik") {
                let middleware = Naming.derived(names.app, "strip-app")
                model.middleware = TraefikMiddleware(metadata: ObjectMeta(name: middleware, labels: names.labels, annotations: names.annotations),
                                                     prefixes: [path])
                annotations.append(KeyValue("traefik.ingress.kubernetes.io/router.middlewares",
                                            "\(options.namespace ?? "default")-\(middleware)@kubernetescrd"))
            } else {
                diagnostics.warning(KubernetesDiagnostics.stripApp,
                                    "ingress class \(ingressClass) has no known rewrite annotation: the app receives paths with \(path) still in front (strip_app is honoured only for nginx and traefik classes)",
                                    at: containerRoutes.first?.location ?? ir.identity.nameLocation)
            }
        }
        for route in containerRoutes where !route.stripPath.isEmpty || route.preserveHost || !route.responseHeaders.isEmpty || route.path != "/" {
            diagnostics.warning(KubernetesDiagnostics.routeOptions,
                                "route \(route.path) sets strip_path, preserve_host, response_headers or a sub-path, which the Ingress does not express; requests reach the app as the ingress controller forwards them",
                                at: route.location)
        }
        model.ingress = Ingress(metadata: ObjectMeta(name: names.app, labels: names.labels, annotations: annotations),
                                ingressClassName: ingressClass, host: options.host ?? ir.identity.domain, paths: [ingressPath])
    }

    /// Names and labels shared by every object of one app.
    struct Names {
        /// Deployment, Service, Ingress and HPA name: the slug (a DNS-1035 label).
        var app: String
        var secret: String
        var labels: [KeyValue]
        var selector: [KeyValue]
        var annotations: [KeyValue]
        /// `CL_APP_URL`: `http://<host><path>` with a host, else the Service's in-namespace URL.
        var appURL: String

        init(ir: AppIR, options: Options) {
            let slug = ir.identity.slug
            app = slug
            secret = options.secretName ?? Naming.derived(slug, "secrets")
            let name = labelValue(ir.identity.name) ?? slug
            selector = [KeyValue("app.kubernetes.io/instance", slug)]
            labels = [KeyValue("app.kubernetes.io/name", name), KeyValue("app.kubernetes.io/instance", slug),
                      KeyValue("app.kubernetes.io/managed-by", "openrun")]
            annotations = [KeyValue("dev.openrun/app-path", OpenrunLabels.appPath(ir.identity))]
            if let host = options.host ?? ir.identity.domain {
                appURL = "http://\(host)" + (ir.identity.path == "/" ? "" : ir.identity.path)
            } else {
                appURL = "http://\(slug)"
            }
        }
    }

    /// `s` as a label value (`[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?`, at most 63):
    /// other characters become `-`; nil when nothing valid is left.
    static func labelValue(_ s: String) -> String? {
        var out = ""
        for scalar in s.unicodeScalars {
            let ok = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_" || scalar == ".")
            if ok { out.unicodeScalars.append(scalar) } else if !out.hasSuffix("-") { out += "-" }
        }
        out = String(out.prefix(63))
        while let f = out.unicodeScalars.first, !(f.properties.isAlphabetic || ("0"..."9").contains(f)) { out.removeFirst() }
        while let l = out.unicodeScalars.last, !(l.properties.isAlphabetic || ("0"..."9").contains(l)) { out.removeLast() }
        return out.isEmpty ? nil : out
    }
}
