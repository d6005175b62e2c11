import IR

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

    /// Backends implemented in this build; `--target all` means these.
    package static var available: [BackendKind] { allCases.filter(\.isAvailable) }

    package var isAvailable: Bool {
        switch self {
        case .docker: true
        case .kubernetes, .quadlet: false
        }
    }

    /// Runs this backend on one app. Nil when it reported an error (or is not available).
    package func artifacts(for ir: AppIR, options: BackendOptions, diagnostics: Diagnostics) -> [Artifact]? {
        switch self {
        case .docker: DockerBackend.artifacts(for: ir, options: options.docker, diagnostics: diagnostics)
        case .kubernetes, .quadlet:
            {
                diagnostics.error("build.target-unavailable", "the \(rawValue) backend is not available in this build", at: .flag("--target", rawValue))
                return nil
            }()
        }
    }
}

/// Each backend's own options, side by side (each backend reads only its own).
package struct BackendOptions: Sendable {
    package var docker = DockerBackend.Options()

    package init() {}
}
