import ArgumentParser
import Frontend

/// `openrun starlark FILE`: run a Starlark file.
struct StarlarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "starlark",
        abstract: "Run a Starlark file (print goes to stdout; errors with file:line:col and a backtrace to stderr)."
    )

    @Argument(help: "The Starlark file.")
    var file: String

    @Option(name: .customLong("enable"), help: ArgumentHelp("Enable an optional feature (repeatable): \(Frontend.starlarkFeatureNames.joined(separator: ", ")).", valueName: "feature"))
    var features: [String] = []

    @Flag(help: "Predeclare test helpers: error, catch, matches, freeze, module, struct.")
    var test = false

    func run() async throws {
        throw NotYetAvailable(command: "starlark", issue: "issue #3 (Starlark interpreter)").fail()
    }
}
