/// `apps/v1` Deployment running the app's pods.
package struct Deployment: KubernetesObject, Equatable {
    /// How old pods are replaced.
    package enum Strategy: String, Equatable, Sendable {
        /// Stop old pods before starting new ones: a ReadWriteOnce volume cannot be shared.
        case recreate = "Recreate"
        case rollingUpdate = "RollingUpdate"
    }

    package var metadata: ObjectMeta
    /// Nil when an autoscaler owns the replica count.
    package var replicas: Int?
    package var selector: [KeyValue]
    package var strategy: Strategy
    package var template: PodTemplate

    package init(metadata: ObjectMeta, replicas: Int?, selector: [KeyValue], strategy: Strategy, template: PodTemplate) {
        self.metadata = metadata
        self.replicas = replicas
        self.selector = selector
        self.strategy = strategy
        self.template = template
    }

    package var apiVersion: String { "apps/v1" }
    package var kind: String { "Deployment" }
    package var body: [(String, YAMLNode?)] {
        [("spec", .mapping(YAMLMapping([
            ("replicas", replicas.map(YAMLNode.int)),
            ("selector", ["matchLabels": KeyValue.mapping(selector) ?? [:]]),
            ("strategy", ["type": .string(strategy.rawValue)]),
            ("template", template.yaml),
        ])))]
    }
}

/// A pod template: labels and annotations, and the pod spec.
package struct PodTemplate: Equatable, Sendable {
    package var labels: [KeyValue]
    package var annotations: [KeyValue]
    package var spec: PodSpec

    package init(labels: [KeyValue], annotations: [KeyValue] = [], spec: PodSpec) {
        self.labels = labels
        self.annotations = annotations
        self.spec = spec
    }

    package var yaml: YAMLNode {
        .mapping(YAMLMapping([
            ("metadata", .mapping(YAMLMapping([
                ("labels", KeyValue.mapping(labels)),
                ("annotations", KeyValue.mapping(annotations)),
            ]))),
            ("spec", spec.yaml),
        ]))
    }
}

/// The parts of a pod spec openrun sets.
package struct PodSpec: Equatable, Sendable {
    package var initContainers: [Container]
    package var containers: [Container]
    package var volumes: [Volume]
    /// False: apps do not talk to the Kubernetes API, so no token is mounted.
    package var automountServiceAccountToken: Bool?
    /// False: Service links put `<SERVICE>_PORT=tcp://...` variables in the
    /// environment, which collide with apps reading e.g. `STREAMLIT_PORT`.
    package var enableServiceLinks: Bool?
    package var securityContext: PodSecurityContext?
    /// From `--copt kubernetes.serviceAccountName=`.
    package var serviceAccountName: String?
    /// From `--copt kubernetes.priorityClassName=`.
    package var priorityClassName: String?
    /// From `--copt kubernetes.nodeSelector.KEY=VALUE`, in flag order.
    package var nodeSelector: [(String, String)] = []
    /// From `--copt kubernetes.imagePullSecret=NAME` (repeatable).
    package var imagePullSecrets: [String] = []

    package static func == (a: PodSpec, b: PodSpec) -> Bool {
        a.initContainers == b.initContainers && a.containers == b.containers && a.volumes == b.volumes
            && a.automountServiceAccountToken == b.automountServiceAccountToken && a.enableServiceLinks == b.enableServiceLinks
            && a.securityContext == b.securityContext && a.serviceAccountName == b.serviceAccountName
            && a.priorityClassName == b.priorityClassName && a.nodeSelector.elementsEqual(b.nodeSelector, by: ==)
            && a.imagePullSecrets == b.imagePullSecrets
    }

    package init(initContainers: [Container] = [], containers: [Container], volumes: [Volume] = [],
                 automountServiceAccountToken: Bool? = nil, enableServiceLinks: Bool? = nil,
                 securityContext: PodSecurityContext? = nil) {
        self.initContainers = initContainers
        self.containers = containers
        self.volumes = volumes
        self.automountServiceAccountToken = automountServiceAccountToken
        self.enableServiceLinks = enableServiceLinks
        self.securityContext = securityContext
    }

    package var yaml: YAMLNode {
        .mapping(YAMLMapping([
            ("serviceAccountName", serviceAccountName.map { YAMLNode.string($0) }),
            ("priorityClassName", priorityClassName.map { YAMLNode.string($0) }),
            ("nodeSelector", nodeSelector.isEmpty ? nil : .mapping(YAMLMapping(nodeSelector.map { ($0.0, YAMLNode.string($0.1)) }))),
            ("imagePullSecrets", imagePullSecrets.isEmpty ? nil : .sequence(imagePullSecrets.map { .mapping(YAMLMapping([("name", YAMLNode.string($0))])) })),
            ("automountServiceAccountToken", automountServiceAccountToken.map(YAMLNode.bool)),
            ("enableServiceLinks", enableServiceLinks.map(YAMLNode.bool)),
            ("securityContext", securityContext?.yaml),
            ("initContainers", initContainers.isEmpty ? nil : .sequence(initContainers.map(\.yaml))),
            ("containers", .sequence(containers.map(\.yaml))),
            ("volumes", volumes.isEmpty ? nil : .sequence(volumes.map(\.yaml))),
        ]))
    }
}

/// Pod-level security settings.
package struct PodSecurityContext: Equatable, Sendable {
    /// `RuntimeDefault`: the runtime's default seccomp filter.
    package var seccompProfile: String?

    package init(seccompProfile: String? = nil) { self.seccompProfile = seccompProfile }

    package var yaml: YAMLNode {
        .mapping(YAMLMapping([("seccompProfile", seccompProfile.map { ["type": .string($0)] })]))
    }
}
