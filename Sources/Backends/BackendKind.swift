/// The deploy targets openrun compiles to. The single source of names for
/// `--target` flags, `dist/<backend>/` and `golden/<backend>/` folders, and
/// dispatch to a backend.
public enum BackendKind: String, CaseIterable, Codable, Sendable {
    /// `dist/docker/<slug>/`: plan.json (the runtime's ExecutionPlan) and run.sh.
    case docker
    /// `dist/kubernetes/<slug>/`: a kustomize directory.
    case kubernetes
    /// `dist/quadlet/<slug>/`: Podman quadlet units.
    case quadlet

    /// One line for help text.
    public var summary: String {
        switch self {
        case .docker: "Docker/Podman run plan (plan.json) and run.sh"
        case .kubernetes: "Kubernetes manifests as a kustomize directory"
        case .quadlet: "Podman quadlet units (.container, .volume, .build, socket activation)"
        }
    }
}
