import ArgumentParser
import Backends
import Foundation
import Frontend
import IR

/// `openrun build`: compile one app into deploy artifacts.
struct BuildCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Compile an app into deploy artifacts under the output folder.",
        discussion: """
        Writes DIR/<backend>/<app>/ for each target: \
        \(BackendKind.allCases.map { "\($0.rawValue) (\($0.summary))" }.joined(separator: "; ")). \
        Nothing is written when there is an error (exit status 1). With --check nothing is \
        written at all: the fresh build is compared with DIR (exit 1 and a diff when they differ).
        """
    )

    @OptionGroup var app: AppOptions
    @OptionGroup var targets: TargetOptions
    @OptionGroup var backends: BackendFlags

    @Flag(help: "Compare a fresh build with the output folder instead of writing it; exit 1 with a diff when they differ.")
    var check = false

    func run() async throws {
        let kinds = try targets.resolve()
        guard let compiled = app.compile() else { throw ExitCode(1) }
        defer { compiled.cleanup() }
        let diags = Diagnostics()
        let outputs = ArtifactBuild.outputs(for: compiled, kinds: kinds, options: backends.options(), diagnostics: diags)
        Terminal.report(diags.all)
        guard let outputs, !diags.hasErrors else { throw ExitCode(1) }
        try ArtifactBuild.finish(outputs, output: targets.output, check: check)
    }
}

/// `--target`, `-o`, shared by `build` and `apply`.
struct TargetOptions: ParsableArguments {
    @Option(name: [.short, .customLong("output")], help: "Output folder.")
    var output: String = "dist"

    @Option(name: .customLong("target"), help: ArgumentHelp(
        "Backend to emit (repeatable; default all available: \(BackendKind.available.map(\.rawValue).joined(separator: ", "))).",
        valueName: (BackendKind.allCases.map(\.rawValue) + ["all"]).joined(separator: "|")))
    var targets: [String] = []

    /// The backends asked for, in `BackendKind` order; a located error for an unknown or unavailable one.
    func resolve() throws -> [BackendKind] {
        if targets.isEmpty || targets.contains("all") { return BackendKind.available }
        var out = Set<BackendKind>()
        for t in targets {
            guard let k = BackendKind(rawValue: t) else {
                Terminal.report([.error("build.target-unknown", "unknown target \"\(t)\"; use \((BackendKind.allCases.map(\.rawValue) + ["all"]).joined(separator: ", "))", at: .flag("--target", t))])
                throw ExitCode(1)
            }
            guard k.isAvailable else {
                Terminal.report([.error("build.target-unavailable", "the \(t) backend is not available in this build yet; available: \(BackendKind.available.map(\.rawValue).joined(separator: ", "))", at: .flag("--target", t))])
                throw ExitCode(1)
            }
            out.insert(k)
        }
        return BackendKind.allCases.filter(out.contains)
    }
}

/// Flags that belong to one backend each, gathered into `BackendOptions`.
struct BackendFlags: ParsableArguments {
    @Option(name: .customLong("stop-timeout"), help: ArgumentHelp("docker: seconds a stop waits before the container is killed.", valueName: "seconds"))
    var stopTimeout: Int = DockerBackend.Options().stopTimeoutSeconds

    func options() -> BackendOptions {
        var o = BackendOptions()
        o.docker.stopTimeoutSeconds = max(0, stopTimeout)
        return o
    }
}

/// Runs the backends on compiled apps and writes (or checks) the result.
enum ArtifactBuild {
    /// Every requested backend's artifacts for one app; nil when a backend reported an error.
    static func outputs(for compiled: AppCompiler.Compiled, kinds: [BackendKind], options: BackendOptions, diagnostics: Diagnostics) -> [DistWriter.AppOutput]? {
        var outputs: [DistWriter.AppOutput] = []
        var generated: (path: String, text: String)?
        if case .build(let b)? = compiled.ir.image, let text = b.generatedContainerfile { generated = (b.containerfile, text) }
        for kind in kinds {
            guard let artifacts = kind.artifacts(for: compiled.ir, options: options, diagnostics: diagnostics) else { return nil }
            outputs.append(.init(kind: kind, slug: compiled.ir.identity.slug, artifacts: artifacts, context: compiled.context,
                                 generatedContainerfile: generated))
        }
        return outputs
    }

    /// Writes the outputs, or with `check` compares them with what is there.
    static func finish(_ outputs: [DistWriter.AppOutput], output: String, check: Bool) throws {
        let writer = DistWriter(output: output)
        do {
            if check {
                let diff = try writer.check(outputs)
                if !diff.isEmpty {
                    FileHandle.standardOutput.write(Data(diff.utf8))
                    Terminal.stderr("openrun build --check: \(output) differs from a fresh build (diff above)")
                    throw ExitCode(1)
                }
                Terminal.stderr("openrun build --check: \(output) is up to date (\(outputs.count) folder\(outputs.count == 1 ? "" : "s"))")
            } else {
                try writer.write(outputs)
                for o in outputs { Terminal.stderr("wrote \(output)/\(o.relativeFolder)/") }
            }
        } catch let e as DiagnosticError {
            Terminal.report(e.diagnostics)
            throw ExitCode(1)
        }
    }
}
