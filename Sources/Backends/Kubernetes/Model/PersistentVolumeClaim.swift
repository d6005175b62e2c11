/// `v1` PersistentVolumeClaim for one app volume (ReadWriteOnce).
package struct PersistentVolumeClaim: KubernetesObject, Equatable {
    package var metadata: ObjectMeta
    /// A quantity, e.g. `1Gi`.
    package var storage: String
    /// Nil: the cluster's default class.
    package var storageClassName: String?

    package init(metadata: ObjectMeta, storage: String, storageClassName: String?) {
        self.metadata = metadata
        self.storage = storage
        self.storageClassName = storageClassName
    }

    package var apiVersion: String { "v1" }
    package var kind: String { "PersistentVolumeClaim" }
    package var body: [(String, YAMLNode?)] {
        [("spec", .mapping(YAMLMapping([
            ("accessModes", ["ReadWriteOnce"]),
            ("storageClassName", storageClassName.map(YAMLNode.string)),
            ("resources", ["requests": ["storage": .string(storage)]]),
        ])))]
    }
}
