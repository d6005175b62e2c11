import IR
import TextTemplate

/// `dist/kubernetes/<slug>/`: a kustomize directory with a Deployment,
/// Service, PersistentVolumeClaims, Secrets for `cl_secret` files, an Ingress
/// and a HorizontalPodAutoscaler, as a platform engineer would write them.
///
/// Secret params become `secretKeyRef`s into a Secret the operator creates
/// (`<slug>-secrets`, key = the secret's key): no secret value is ever
/// written. Everything the target cannot express is a located warning.
package enum KubernetesBackend: Backend {
    package static var kind: BackendKind { .kubernetes }

    /// Settings only this backend has (`--registry`, `--namespace`, ...).
    package struct Options: Sendable, Equatable {
        /// Where built images are pushed, e.g. `registry.example.com/team`: the
        /// image becomes `<registry>/<slug>:<content tag>`. Nil keeps the local
        /// tag `openrun/<slug>:<tag>` (with a warning).
        package var registry: String?
        /// kustomize's `namespace` for every object; nil leaves it to `kubectl -n`.
        package var namespace: String?
        /// Writes an Ingress of this class; nil writes none.
        package var ingressClass: String?
        /// The Ingress host; nil takes the app's domain.
        package var host: String?
        /// Size of each PersistentVolumeClaim (a quantity).
        package var storageSize: String = "1Gi"
        /// Storage class of the claims; nil uses the cluster's default.
        package var storageClass: String?
        /// The operator's Secret holding secret params; nil means `<slug>-secrets`.
        package var secretName: String?
        /// Image of the init container that puts cl_secret files together from
        /// the Secret at pod start (any image with a POSIX `sh` and `printf`).
        package var initImage: String = "docker.io/library/busybox:1.36"

        package init(registry: String? = nil, namespace: String? = nil, ingressClass: String? = nil, host: String? = nil,
                     storageSize: String = "1Gi", storageClass: String? = nil, secretName: String? = nil,
                     initImage: String = "docker.io/library/busybox:1.36") {
            self.registry = registry
            self.namespace = namespace
            self.ingressClass = ingressClass
            self.host = host
            self.storageSize = storageSize
            self.storageClass = storageClass
            self.secretName = secretName
            self.initImage = initImage
        }
    }

    /// Everything one app's directory holds, as typed objects.
    package struct Model: Equatable, Sendable {
        package var kustomization: Kustomization
        package var deployment: Deployment?
        package var service: Service?
        package var claims: [PersistentVolumeClaim]
        package var ingress: Ingress?
        /// Traefik's strip-prefix middleware when the Ingress needs one.
        package var middleware: TraefikMiddleware?
        package var autoscaler: HorizontalPodAutoscaler?
        /// cl_secret files rendered now (their params hold no secret), at
        /// `secret-files/<name>` for kustomize's `secretGenerator`.
        package var secretFiles: [KeyValue]
    }

    /// Relative paths inside `dist/kubernetes/<slug>/`.
    package enum FileName {
        package static let kustomization = "kustomization.yaml"
        package static let deployment = "deployment.yaml"
        package static let service = "service.yaml"
        package static let claims = "persistentvolumeclaims.yaml"
        package static let ingress = "ingress.yaml"
        package static let middleware = "middleware.yaml"
        package static let autoscaler = "horizontalpodautoscaler.yaml"
        package static let secretFilesFolder = "secret-files"
    }

    package static func render(_ model: Model) -> [Artifact] {
        var out: [Artifact] = []
        func yaml(_ path: String, _ documents: [YAMLNode]) {
            out.append(Artifact(path: path, content: .file(YAMLRenderer.render(YAMLStream(documents)), mode: .regular)))
        }
        yaml(FileName.kustomization, [model.kustomization.yaml])
        if let d = model.deployment { yaml(FileName.deployment, [d.yaml]) }
        if let s = model.service { yaml(FileName.service, [s.yaml]) }
        if !model.claims.isEmpty { yaml(FileName.claims, model.claims.map(\.yaml)) }
        if let i = model.ingress { yaml(FileName.ingress, [i.yaml]) }
        if let m = model.middleware { yaml(FileName.middleware, [m.yaml]) }
        if let h = model.autoscaler { yaml(FileName.autoscaler, [h.yaml]) }
        for file in model.secretFiles {
            out.append(.file(FileName.secretFilesFolder + "/" + file.key, file.value))
        }
        return out
    }
}

/// The Kubernetes backend's diagnostic ids.
package enum KubernetesDiagnostics {
    package static let optionInvalid = "kubernetes.option-invalid"
    package static let podSettingUnknown = "kubernetes.pod-setting-unknown"
    package static let podSettingRepeated = "kubernetes.pod-setting-repeated"
    package static let noContainer = "kubernetes.no-container"
    package static let commandLifetime = "kubernetes.command-lifetime"
    package static let noRegistry = "kubernetes.no-registry"
    package static let mixedSecret = "kubernetes.mixed-secret"
    package static let secretKey = "kubernetes.secret-key"
    package static let secretProvider = "kubernetes.secret-provider"
    package static let bindMount = "kubernetes.bind-mount"
    package static let sharedVolume = "kubernetes.shared-volume"
    package static let secretFileExternal = "kubernetes.secret-file-external"
    package static let templateRender = "kubernetes.template-render"
    package static let engineFlag = "kubernetes.engine-flag"
    package static let stripApp = "kubernetes.strip-app"
    package static let proxyRoute = "kubernetes.proxy-route"
    package static let routeOptions = "kubernetes.route-options"
    package static let autoscalerWithoutCPU = "kubernetes.autoscaler-without-cpu"
}

extension KubernetesBackend {
    /// This backend's column of the docs/backends.md matrix (each row is
    /// checked by KubernetesEmitTests, the golden, validation, secret or
    /// kube-play tests).
    static let support: [BackendFeature: SupportLevel] = [
        .buildImage: .partial("the Deployment runs `REGISTRY/<slug>:<content hash>` (`--registry`; push with the docker backend's `run.sh push REGISTRY`); without `--registry` the local tag, warning `kubernetes.no-registry`"),
        .pullImage: .yes("the reference as given"),
        .port: .yes("container port `http`, ClusterIP Service port 80 → `http`; Ingress with `--ingress-class` (host from the domain or `--host`, `pathType: Prefix`; strip_app through nginx `rewrite-target` or a Traefik StripPrefix Middleware, other classes warn `kubernetes.strip-app`)"),
        .health: .yes("startupProbe (every 2 s for half the health budget) and readinessProbe (HTTP GET on the health path); no livenessProbe"),
        .env: .yes("`env` in the IR's order"),
        .appURL: .yes("`http://<host><path>` with a host, else the Service's `http://<slug>`"),
        .secretEnv: .yes("`secretKeyRef` into the Secret you create (`<slug>-secrets` or `--secret-name`, key = the secret's key); a value mixing text and a secret is error `kubernetes.mixed-secret`; no secret value is ever written"),
        .namedVolume: .yes("a ReadWriteOnce PersistentVolumeClaim each (`--storage-size`, default 1Gi; `--storage-class`), Deployment strategy Recreate"),
        .bindMount: .no("pods cannot see the build host; left out with warning `kubernetes.bind-mount`"),
        .secretFile: .yes("no secret in its params: rendered now into `secret-files/`, a kustomize `secretGenerator` Secret mounted with `subPath`; secrets copied unchanged: an init container (`--init-image`) writes it from the Secret at pod start into an emptyDir; a template that transforms a secret (`printf \"%q\"`): a Secret you create, warning `kubernetes.secret-file-external`"),
        .resources: .yes("cpu as request, memory as request and limit (quantities)"),
        .replicas: .yes("`replicas` = min_replicas (default 1); max_replicas > min: HorizontalPodAutoscaler (autoscaling/v2, CPU 80%), warning `kubernetes.autoscaler-without-cpu` without a cpu request"),
        .engineFlags: .partial("docker.X / podman.X ignored with warning `kubernetes.engine-flag`; `kubernetes.X` maps serviceAccountName, priorityClassName, imagePullPolicy, imagePullSecret, nodeSelector.<label> into the pod spec, others warn"),
        .stopSignal: .yes("the image's own STOPSIGNAL is what the runtime sends"),
        .commandLifetime: .no("no Deployment, warning `kubernetes.command-lifetime`"),
        .proxyRoutes: .no("left out, warning `kubernetes.proxy-route`"),
        .scaleToZero: .no("replicas stay at min_replicas (an HPA cannot scale to zero)"),
    ]
}
