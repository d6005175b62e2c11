import IR

/// A deploy target: IR and the backend's own options in, a typed model out
/// (`emit`), and one renderer that is the only place that makes text
/// (`render`). No I/O: the CLI writes the artifacts.
///
/// What the target cannot express is a warning located at the app.star,
/// params or flag location that asked for it, never silence.
package protocol Backend {
    /// Flags and settings only this backend has (e.g. Kubernetes `--registry`).
    associatedtype Options: Sendable
    /// The typed form of everything the backend writes for one app.
    associatedtype Model

    static var kind: BackendKind { get }
    /// Turns one app's IR into the backend's model; reports problems to `diagnostics`; nil if any was an error.
    static func emit(_ ir: AppIR, options: Options, diagnostics: Diagnostics) -> Model?
    /// Renders the model into files, paths relative to `dist/<kind>/<slug>/`.
    static func render(_ model: Model) -> [Artifact]
}

extension Backend {
    /// `emit` then `render`, artifacts sorted by path; nil when `emit` reported an error.
    package static func artifacts(for ir: AppIR, options: Options, diagnostics: Diagnostics) -> [Artifact]? {
        let errorsBefore = diagnostics.errors.count
        guard let model = emit(ir, options: options, diagnostics: diagnostics), diagnostics.errors.count == errorsBefore else { return nil }
        return render(model).sorted { $0.path < $1.path }
    }
}
