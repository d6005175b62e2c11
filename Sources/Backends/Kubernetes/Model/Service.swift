/// `v1` Service (ClusterIP) in front of the app's pods.
package struct Service: KubernetesObject, Equatable {
    /// A Service port forwarding to a named container port.
    package struct Port: Equatable, Sendable {
        package var name: String
        package var port: Int
        package var targetPort: String
        package init(name: String, port: Int, targetPort: String) {
            self.name = name
            self.port = port
            self.targetPort = targetPort
        }
    }

    package var metadata: ObjectMeta
    package var selector: [KeyValue]
    package var ports: [Port]

    package init(metadata: ObjectMeta, selector: [KeyValue], ports: [Port]) {
        self.metadata = metadata
        self.selector = selector
        self.ports = ports
    }

    package var apiVersion: String { "v1" }
    package var kind: String { "Service" }
    package var body: [(String, YAMLNode?)] {
        [("spec", [
            "type": "ClusterIP",
            "selector": KeyValue.mapping(selector) ?? [:],
            "ports": .sequence(ports.map {
                ["name": .string($0.name), "port": .int($0.port), "targetPort": .string($0.targetPort), "protocol": "TCP"]
            }),
        ])]
    }
}
