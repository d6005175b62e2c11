import ArgumentParser
import Backends

/// `openrun build`: compile one app into deploy artifacts.
struct BuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Compile an app into deploy artifacts under the output folder.",
        discussion: """
        Writes dist/<backend>/<app>/ for each target: \
        \(BackendKind.allCases.map { "\($0.rawValue) (\($0.summary))" }.joined(separator: "; ")).
        """
    )

    @OptionGroup var app: AppOptions

    @Option(name: [.short, .customLong("output")], help: "Output folder.")
    var output: String = "dist"

    @Option(name: .customLong("target"), help: ArgumentHelp("Backend to emit (repeatable; default all).", valueName: BackendKind.allCases.map(\.rawValue).joined(separator: "|")))
    var targets: [BackendKind] = []

    @Option(help: "Image registry prefix for Kubernetes manifests.")
    var registry: String?

    @Option(help: "Ingress class; when given with an app path, an Ingress is emitted.")
    var ingressClass: String?

    func run() async throws {
        throw NotYetAvailable(command: "build", issue: "the backend issues (docker, kubernetes, quadlet)").fail()
    }
}

extension BackendKind: ExpressibleByArgument {}
