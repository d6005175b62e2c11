import ArgumentParser
import Dispatch
import Foundation
import Frontend
import IR

/// `openrun apply`: compile every app declared in one apply file.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Compile every app declared in an apply file (for CI).",
        discussion: """
        The file is Starlark in OpenRun's apply form, one call per app: \
        app(path, source, spec="", params={}, container_opts={}, container_args={}, container_vols=[], \
        git_branch="", git_commit=""). Local sources are relative to the file's folder. All apps are \
        compiled in parallel; every error of every app is reported, and nothing is written unless all succeed.
        """
    )

    @Argument(help: "The apply file (e.g. apps.star).")
    var file: String

    @OptionGroup var targets: TargetOptions
    @OptionGroup var backends: BackendFlags

    @Flag(help: "Compare a fresh build with the output folder instead of writing it; exit 1 with a diff when they differ.")
    var check = false

    func run() async throws {
        let kinds = try targets.resolve()
        let fileDiags = Diagnostics()
        guard let bytes = try? Array(Data(contentsOf: URL(fileURLWithPath: file))) else {
            Terminal.report([.error("apply.read-failed", "cannot read the apply file", at: .file(file))])
            throw ExitCode(1)
        }
        let entries = ApplyFileHost.run(file: file, source: bytes, diags: fileDiags, print: { Terminal.stderr($0) })
        Terminal.report(fileDiags.all)
        guard let entries, !fileDiags.hasErrors else { throw ExitCode(1) }
        if entries.isEmpty {
            Terminal.report([.warning("apply.no-apps", "the apply file declares no app(...)", at: .file(file))])
        }

        let folder = URL(fileURLWithPath: file, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .deletingLastPathComponent().path
        let results = Self.compileAll(entries, folder: folder)
        defer { for r in results { r.compiled?.cleanup() } }

        let options = backends.options()
        var outputs: [DistWriter.AppOutput] = []
        var failed = false
        for (entry, result) in zip(entries, results) {
            var diags = result.diagnostics
            var appOutputs: [DistWriter.AppOutput]?
            if let compiled = result.compiled {
                let backendDiags = Diagnostics()
                appOutputs = ArtifactBuild.outputs(for: compiled, kinds: kinds, options: options, diagnostics: backendDiags)
                diags += backendDiags.all
            }
            let note = Diagnostic.Note("in app \(entry.path)", at: entry.location)
            Terminal.report(diags.map { d in var d = d; d.notes.append(note); return d })
            if let appOutputs, !diags.contains(where: { $0.severity == .error }) {
                outputs += appOutputs
            } else {
                failed = true
            }
        }
        guard !failed else {
            Terminal.stderr("openrun apply: nothing written; fix the errors above")
            throw ExitCode(1)
        }
        try ArtifactBuild.finish(outputs, output: targets.output, check: check)
    }

    struct Result: @unchecked Sendable {
        var compiled: AppCompiler.Compiled?
        var diagnostics: [Diagnostic]
    }

    /// Compiles every app on all cores; results in declaration order.
    static func compileAll(_ entries: [ApplyFileHost.Entry], folder: String) -> [Result] {
        // Each iteration writes only its own slot.
        nonisolated(unsafe) let results = UnsafeMutableBufferPointer<Result>.allocate(capacity: entries.count)
        results.initialize(repeating: Result(compiled: nil, diagnostics: []))
        defer { results.deallocate() }
        let environment = ProcessInfo.processInfo.environment
        DispatchQueue.concurrentPerform(iterations: entries.count) { i in
            let e = entries[i]
            var r = AppCompiler.Request(source: e.source, workingDirectory: folder, environment: environment)
            r.appPath = e.path
            r.spec = e.spec
            r.params = e.params
            r.buildArgs = e.buildArgs
            r.containerOptions = e.containerOptions
            r.volumes = e.volumes
            r.branch = e.branch
            r.commit = e.commit
            r.printHandler = { Terminal.stderr($0) }
            let diags = Diagnostics()
            let compiled = AppCompiler.compile(r, into: diags)
            results[i] = Result(compiled: compiled, diagnostics: diags.all)
        }
        return Array(results)
    }
}
