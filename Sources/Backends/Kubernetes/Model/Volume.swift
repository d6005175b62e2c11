/// A pod volume: a claim or a Secret.
package struct Volume: Equatable, Sendable {
    package enum Source: Equatable, Sendable {
        case persistentVolumeClaim(claimName: String)
        /// `items`: which keys to project, as which file names.
        case secret(secretName: String, items: [KeyToPath])
        /// Scratch space for the pod's life; `Memory` keeps it in tmpfs.
        case emptyDir(medium: String?)
    }

    /// A Secret key projected as a file.
    package struct KeyToPath: Equatable, Sendable {
        package var key: String
        package var path: String
        package init(key: String, path: String) {
            self.key = key
            self.path = path
        }
    }

    package var name: String
    package var source: Source

    package init(name: String, source: Source) {
        self.name = name
        self.source = source
    }

    package var yaml: YAMLNode {
        switch source {
        case let .persistentVolumeClaim(claim):
            ["name": .string(name), "persistentVolumeClaim": ["claimName": .string(claim)]]
        case let .emptyDir(medium):
            ["name": .string(name), "emptyDir": .mapping(YAMLMapping([("medium", medium.map(YAMLNode.string))]))]
        case let .secret(secret, items):
            [
                "name": .string(name),
                "secret": .mapping(YAMLMapping([
                    ("secretName", .string(secret)),
                    ("items", items.isEmpty ? nil : .sequence(items.map { ["key": .string($0.key), "path": .string($0.path)] })),
                ])),
            ]
        }
    }
}
