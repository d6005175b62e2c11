import ArgumentParser

/// `openrun apply`: compile many apps declared in one Starlark file.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Compile every app declared in an apps.star file (for CI)."
    )

    @Argument(help: "The apps file.")
    var file: String

    @Option(name: [.short, .customLong("output")], help: "Output folder.")
    var output: String = "dist"

    func run() async throws {
        throw NotYetAvailable(command: "apply", issue: "the apply issue").fail()
    }
}
