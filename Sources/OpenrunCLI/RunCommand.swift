import ArgumentParser
import Runtime

/// `openrun run`: serve an app (or a prebuilt plan) locally, starting its container lazily.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Serve an app locally: build and start its container on the first request, stop it when idle.",
        discussion: "SOURCE may also be a prebuilt plan folder, dist/docker/<app>/."
    )

    @OptionGroup var app: AppOptions

    @Option(help: "Address to listen on.")
    var listen: String = RuntimeDefaults.listenAddress

    @Option(help: "Container engine: podman or docker (default: podman if present).")
    var engine: String?

    @Option(help: "Seconds without traffic before the container is stopped.")
    var idleTimeout: Int = RuntimeDefaults.idleTimeoutSeconds

    func run() async throws {
        throw NotYetAvailable(command: "run", issue: "the runtime issue").fail()
    }
}
