/// `autoscaling/v2` HorizontalPodAutoscaler scaling the Deployment on CPU.
package struct HorizontalPodAutoscaler: KubernetesObject, Equatable {
    package var metadata: ObjectMeta
    package var deploymentName: String
    package var minReplicas: Int
    package var maxReplicas: Int
    package var cpuAverageUtilization: Int

    package init(metadata: ObjectMeta, deploymentName: String, minReplicas: Int, maxReplicas: Int, cpuAverageUtilization: Int) {
        self.metadata = metadata
        self.deploymentName = deploymentName
        self.minReplicas = minReplicas
        self.maxReplicas = maxReplicas
        self.cpuAverageUtilization = cpuAverageUtilization
    }

    package var apiVersion: String { "autoscaling/v2" }
    package var kind: String { "HorizontalPodAutoscaler" }
    package var body: [(String, YAMLNode?)] {
        [("spec", [
            "scaleTargetRef": ["apiVersion": "apps/v1", "kind": "Deployment", "name": .string(deploymentName)],
            "minReplicas": .int(minReplicas),
            "maxReplicas": .int(maxReplicas),
            "metrics": [[
                "type": "Resource",
                "resource": ["name": "cpu", "target": ["type": "Utilization", "averageUtilization": .int(cpuAverageUtilization)]],
            ]],
        ])]
    }
}
