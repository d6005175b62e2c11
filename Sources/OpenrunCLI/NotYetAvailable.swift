import ArgumentParser

/// Reports that a subcommand exists in the design but its implementation has
/// not landed yet: a clear message on stderr and exit code 2.
struct NotYetAvailable {
    let command: String
    let issue: String

    func fail() -> ExitCode {
        Terminal.stderr("openrun \(command): not available yet in this build (tracked by \(issue)).")
        return ExitCode(2)
    }
}
