import ArgumentParser

/// `openrun spec`: the bundled app specs.
struct SpecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spec",
        abstract: "List or show the bundled app specs.",
        subcommands: [List.self, Show.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List bundled specs with their params.")

        func run() async throws {
            throw NotYetAvailable(command: "spec list", issue: "issue #5 (app model)").fail()
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one spec's files and params.")

        @Argument(help: "Spec name.")
        var name: String

        func run() async throws {
            throw NotYetAvailable(command: "spec show", issue: "issue #5 (app model)").fail()
        }
    }
}
