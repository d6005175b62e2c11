import Foundation
import ArgumentParser

/// `openrun inspect`: look inside the compiler.
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Look inside the compiler: the IR of an app, or a parsed Containerfile.",
        subcommands: [IRCommand.self, ContainerfileCommand.self]
    )

    struct IRCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ir", abstract: "Print an app's IR as JSON.")

        @OptionGroup var app: AppOptions

        func run() async throws {
            guard let compiled = app.compile() else { throw ExitCode(1) }
            defer { compiled.cleanup() }
            FileHandle.standardOutput.write(try compiled.ir.encodeJSON())
        }
    }

    struct ContainerfileCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "containerfile", abstract: "Parse a Containerfile and print its parse tree or semantic model.")

        @Argument(help: "The Containerfile.")
        var file: String

        @Option(name: .customLong("build-arg"), help: ArgumentHelp("Build arg override (repeatable).", valueName: "key=value"))
        var buildArgs: [String] = []

        @Flag(help: "Print the parse tree in BuildKit's dump format.")
        var ast = false

        @Flag(help: "Print the semantic model as JSON.")
        var json = false

        @Option(name: .customLong("bench-repeat"), help: .hidden)
        var benchRepeat: Int = 0

        func run() async throws {
            let result = ContainerfileInspection.run(file: file, buildArgs: buildArgs, ast: ast, json: json, benchRepeat: benchRepeat)
            if !result.stdout.isEmpty { Terminal.stdout(result.stdout) }
            if !result.stderr.isEmpty { Terminal.stderr(result.stderr) }
            if result.status != 0 { throw ExitCode(result.status) }
        }
    }
}
