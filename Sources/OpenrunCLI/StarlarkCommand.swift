import ArgumentParser
import Foundation
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

    func validate() throws {
        var o = Starlark.FileOptions()
        for f in features where !o.enable(f) {
            throw ValidationError("unknown feature '\(f)' (known: \(Frontend.starlarkFeatureNames.joined(separator: ", ")))")
        }
    }

    func run() async throws {
        var opts = Starlark.FileOptions()
        for f in features { _ = opts.enable(f) }
        let options = opts
        let file = self.file
        let test = self.test
        // Evaluate on a thread with a large stack so deep recursion ends in a located error.
        let status: Int32 = await withCheckedContinuation { cont in
            let th = Foundation.Thread {
                cont.resume(returning: StarlarkCommand.execute(file: file, options: options, test: test))
            }
            th.stackSize = 1 << 30
            th.start()
        }
        if status != 0 { throw ExitCode(status) }
    }

    static func execute(file: String, options: Starlark.FileOptions, test: Bool) -> Int32 {
        let out = FileHandle.standardOutput
        let thread = Starlark.Thread()
        thread.stackBudget = 900 << 20
        thread.maxDepth = 100_000
        thread.print = { _, s in out.write(Data((s + "\n").utf8)) }
        let helpers = Starlark.TestHelpers()
        helpers.onFailure = { Terminal.stderr($0) }
        let runner = Starlark.FileRunner(options: options, predeclared: test ? helpers.predeclared : [:], thread: thread)
        do {
            _ = try runner.run(path: file)
        } catch {
            for m in error.allMessages { Terminal.stderr(m) }
            if !error.backtrace.isEmpty { Terminal.stderr(error.backtraceText) }
            return 1
        }
        return helpers.failures.isEmpty ? 0 : 1
    }
}
