/// One container of a pod.
package struct Container: Equatable, Sendable {
    package enum PullPolicy: String, Equatable, Sendable {
        case always = "Always"
        case ifNotPresent = "IfNotPresent"
        case never = "Never"
    }

    package var name: String
    package var image: String
    package var imagePullPolicy: PullPolicy?
    package var command: [String]
    package var args: [String]
    package var ports: [ContainerPort]
    package var env: [EnvVarSpec]
    package var resources: ResourceRequirements
    package var startupProbe: Probe?
    package var readinessProbe: Probe?
    package var volumeMounts: [VolumeMount]
    package var securityContext: ContainerSecurityContext?

    package init(name: String, image: String, imagePullPolicy: PullPolicy? = nil, command: [String] = [], args: [String] = [],
                 ports: [ContainerPort] = [], env: [EnvVarSpec] = [], resources: ResourceRequirements = ResourceRequirements(),
                 startupProbe: Probe? = nil, readinessProbe: Probe? = nil, volumeMounts: [VolumeMount] = [],
                 securityContext: ContainerSecurityContext? = nil) {
        self.name = name
        self.image = image
        self.imagePullPolicy = imagePullPolicy
        self.command = command
        self.args = args
        self.ports = ports
        self.env = env
        self.resources = resources
        self.startupProbe = startupProbe
        self.readinessProbe = readinessProbe
        self.volumeMounts = volumeMounts
        self.securityContext = securityContext
    }

    package var yaml: YAMLNode {
        .mapping(YAMLMapping([
            ("name", .string(name)),
            ("image", .string(image)),
            ("imagePullPolicy", imagePullPolicy.map { .string($0.rawValue) }),
            ("command", command.isEmpty ? nil : .sequence(command.map(YAMLNode.string))),
            ("args", args.isEmpty ? nil : .sequence(args.map(YAMLNode.string))),
            ("ports", ports.isEmpty ? nil : .sequence(ports.map(\.yaml))),
            ("env", env.isEmpty ? nil : .sequence(env.map(\.yaml))),
            ("resources", resources.yaml),
            ("startupProbe", startupProbe?.yaml),
            ("readinessProbe", readinessProbe?.yaml),
            ("volumeMounts", volumeMounts.isEmpty ? nil : .sequence(volumeMounts.map(\.yaml))),
            ("securityContext", securityContext?.yaml),
        ]))
    }
}

/// A named container port (TCP).
package struct ContainerPort: Equatable, Sendable {
    package var name: String
    package var containerPort: Int

    package init(name: String, containerPort: Int) {
        self.name = name
        self.containerPort = containerPort
    }

    package var yaml: YAMLNode {
        ["name": .string(name), "containerPort": .int(containerPort), "protocol": "TCP"]
    }
}

/// One environment variable: a literal value or a key of a Secret.
package struct EnvVarSpec: Equatable, Sendable {
    package enum Source: Equatable, Sendable {
        case value(String)
        case secretKeyRef(name: String, key: String)
    }

    package var name: String
    package var source: Source

    package init(name: String, source: Source) {
        self.name = name
        self.source = source
    }

    package var yaml: YAMLNode {
        switch source {
        case let .value(text):
            ["name": .string(name), "value": .string(text)]
        case let .secretKeyRef(secret, key):
            ["name": .string(name), "valueFrom": ["secretKeyRef": ["name": .string(secret), "key": .string(key)]]]
        }
    }
}

/// Requests and limits as Kubernetes quantities (`500m`, `512Mi`), in order.
package struct ResourceRequirements: Equatable, Sendable {
    package var requests: [KeyValue]
    package var limits: [KeyValue]

    package init(requests: [KeyValue] = [], limits: [KeyValue] = []) {
        self.requests = requests
        self.limits = limits
    }

    /// `{}` when empty: the field is present so a reviewer sees none were set.
    package var yaml: YAMLNode {
        .mapping(YAMLMapping([("requests", KeyValue.mapping(requests)), ("limits", KeyValue.mapping(limits))]))
    }
}

/// An HTTP GET probe on a named port.
package struct Probe: Equatable, Sendable {
    package var path: String
    package var port: String
    /// `HTTP` or `HTTPS`.
    package var scheme: String
    package var periodSeconds: Int
    package var timeoutSeconds: Int
    package var failureThreshold: Int

    package init(path: String, port: String, scheme: String, periodSeconds: Int, timeoutSeconds: Int, failureThreshold: Int) {
        self.path = path
        self.port = port
        self.scheme = scheme
        self.periodSeconds = periodSeconds
        self.timeoutSeconds = timeoutSeconds
        self.failureThreshold = failureThreshold
    }

    package var yaml: YAMLNode {
        [
            "httpGet": ["path": .string(path), "port": .string(port), "scheme": .string(scheme)],
            "periodSeconds": .int(periodSeconds),
            "timeoutSeconds": .int(timeoutSeconds),
            "failureThreshold": .int(failureThreshold),
        ]
    }
}

/// Where a volume is mounted in a container.
package struct VolumeMount: Equatable, Sendable {
    package var name: String
    package var mountPath: String
    /// One file of the volume (a Secret key) instead of the whole volume.
    package var subPath: String?
    package var readOnly: Bool

    package init(name: String, mountPath: String, subPath: String? = nil, readOnly: Bool = false) {
        self.name = name
        self.mountPath = mountPath
        self.subPath = subPath
        self.readOnly = readOnly
    }

    package var yaml: YAMLNode {
        .mapping(YAMLMapping([
            ("name", .string(name)),
            ("mountPath", .string(mountPath)),
            ("subPath", subPath.map(YAMLNode.string)),
            ("readOnly", readOnly ? .bool(true) : nil),
        ]))
    }
}

/// Container-level security settings.
package struct ContainerSecurityContext: Equatable, Sendable {
    package var allowPrivilegeEscalation: Bool?

    package init(allowPrivilegeEscalation: Bool? = nil) { self.allowPrivilegeEscalation = allowPrivilegeEscalation }

    package var yaml: YAMLNode {
        .mapping(YAMLMapping([("allowPrivilegeEscalation", allowPrivilegeEscalation.map(YAMLNode.bool))]))
    }
}
