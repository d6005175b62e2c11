/// `metadata` of a Kubernetes object: name, namespace, labels, annotations.
/// Labels and annotations keep the order given (callers sort them).
package struct ObjectMeta: Equatable, Sendable {
    package var name: String
    /// Usually nil: kustomize's `namespace` sets it for every object.
    package var namespace: String?
    package var labels: [KeyValue]
    package var annotations: [KeyValue]

    package init(name: String, namespace: String? = nil, labels: [KeyValue] = [], annotations: [KeyValue] = []) {
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
    }

    package var yaml: YAMLNode {
        .mapping(YAMLMapping([
            ("name", .string(name)),
            ("namespace", namespace.map(YAMLNode.string)),
            ("labels", KeyValue.mapping(labels)),
            ("annotations", KeyValue.mapping(annotations)),
        ]))
    }
}

/// One string key and value (labels, annotations, selectors, quantities).
package struct KeyValue: Equatable, Sendable {
    package var key: String
    package var value: String

    package init(_ key: String, _ value: String) {
        self.key = key
        self.value = value
    }

    /// A mapping of the pairs in order; nil for none (the field is left out).
    package static func mapping(_ pairs: [KeyValue]) -> YAMLNode? {
        pairs.isEmpty ? nil : .mapping(YAMLMapping(pairs.map { ($0.key, .string($0.value)) }))
    }
}

/// A top-level Kubernetes object as the renderer writes it.
package protocol KubernetesObject: Sendable {
    var apiVersion: String { get }
    var kind: String { get }
    var metadata: ObjectMeta { get }
    /// Everything after `metadata`, in the order `kubectl` users expect.
    var body: [(String, YAMLNode?)] { get }
}

extension KubernetesObject {
    /// The whole object: `apiVersion`, `kind`, `metadata`, then the body.
    package var yaml: YAMLNode {
        .mapping(YAMLMapping([("apiVersion", .string(apiVersion)), ("kind", .string(kind)), ("metadata", metadata.yaml)] + body))
    }
}
