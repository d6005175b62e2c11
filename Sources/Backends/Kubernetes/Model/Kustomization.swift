/// `kustomization.yaml`: the resources of the directory, the namespace, and
/// Secrets generated from files in the directory.
package struct Kustomization: Equatable, Sendable {
    /// A Secret made by kustomize from files (`secretGenerator`).
    package struct SecretGenerator: Equatable, Sendable {
        package var name: String
        /// `key=relative/path` entries.
        package var files: [String]
        package init(name: String, files: [String]) {
            self.name = name
            self.files = files
        }
    }

    package var namespace: String?
    /// Labels kustomize adds to every object (`labels` with `includeSelectors: false`).
    package var labels: [KeyValue]
    /// File names, in apply order.
    package var resources: [String]
    package var secretGenerators: [SecretGenerator]

    package init(namespace: String? = nil, labels: [KeyValue] = [], resources: [String], secretGenerators: [SecretGenerator] = []) {
        self.namespace = namespace
        self.labels = labels
        self.resources = resources
        self.secretGenerators = secretGenerators
    }

    package var yaml: YAMLNode {
        .mapping(YAMLMapping([
            ("apiVersion", "kustomize.config.k8s.io/v1beta1"),
            ("kind", "Kustomization"),
            ("namespace", namespace.map(YAMLNode.string)),
            ("labels", labels.isEmpty ? nil : [["pairs": KeyValue.mapping(labels) ?? [:], "includeSelectors": false]]),
            ("resources", .sequence(resources.map(YAMLNode.string))),
            ("secretGenerator", secretGenerators.isEmpty ? nil : .sequence(secretGenerators.map {
                ["name": .string($0.name), "files": .sequence($0.files.map(YAMLNode.string))]
            })),
        ]))
    }
}
