/// `networking.k8s.io/v1` Ingress routing the app's host and path to its Service.
package struct Ingress: KubernetesObject, Equatable {
    /// One path of the rule.
    package struct Path: Equatable, Sendable {
        package var path: String
        /// `Prefix`, or `ImplementationSpecific` for a controller's regex paths.
        package var pathType: String
        package var serviceName: String
        package var servicePort: String
        package init(path: String, pathType: String, serviceName: String, servicePort: String) {
            self.path = path
            self.pathType = pathType
            self.serviceName = serviceName
            self.servicePort = servicePort
        }
    }

    package var metadata: ObjectMeta
    package var ingressClassName: String
    /// Nil: every host.
    package var host: String?
    package var paths: [Path]

    package init(metadata: ObjectMeta, ingressClassName: String, host: String?, paths: [Path]) {
        self.metadata = metadata
        self.ingressClassName = ingressClassName
        self.host = host
        self.paths = paths
    }

    package var apiVersion: String { "networking.k8s.io/v1" }
    package var kind: String { "Ingress" }
    package var body: [(String, YAMLNode?)] {
        let rule = YAMLMapping([
            ("host", host.map(YAMLNode.string)),
            ("http", ["paths": .sequence(paths.map {
                [
                    "path": .string($0.path),
                    "pathType": .string($0.pathType),
                    "backend": ["service": ["name": .string($0.serviceName), "port": ["name": .string($0.servicePort)]]],
                ]
            })]),
        ])
        return [("spec", ["ingressClassName": .string(ingressClassName), "rules": [.mapping(rule)]])]
    }
}
