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
        try ArtifactBuild.build(app, kinds: kinds, options: backends.options()) { outputs in
            try ArtifactBuild.finish(outputs, output: targets.output, check: check)
        }
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

/// The docker backend's flags (also those of `openrun run`, which serves docker plans).
struct DockerFlags: ParsableArguments {
    @Option(name: .customLong("stop-timeout"), help: ArgumentHelp("docker: seconds a stop waits before the container is killed.", valueName: "seconds"))
    var stopTimeout: Int = DockerBackend.Options().stopTimeoutSeconds

    var options: DockerBackend.Options {
        var o = DockerBackend.Options()
        o.stopTimeoutSeconds = max(0, stopTimeout)
        return o
    }
}

/// Flags that belong to one backend each, gathered into `BackendOptions`.
struct BackendFlags: ParsableArguments {
    @OptionGroup var docker: DockerFlags

    @Option(name: .customLong("registry"), help: ArgumentHelp("kubernetes: registry built images are pushed to; the Deployment runs REGISTRY/<slug>:<tag>.", valueName: "host/path"))
    var registry: String?

    @Option(name: .customLong("namespace"), help: ArgumentHelp("kubernetes: namespace set in kustomization.yaml.", valueName: "name"))
    var namespace: String?

    @Option(name: .customLong("ingress-class"), help: ArgumentHelp("kubernetes: write an Ingress of this class (nginx and traefik classes also get strip_app rewrites).", valueName: "class"))
    var ingressClass: String?

    @Option(name: .customLong("host"), help: ArgumentHelp("kubernetes: the Ingress host and CL_APP_URL host (default: the app's domain).", valueName: "host"))
    var host: String?

    @Option(name: .customLong("storage-size"), help: ArgumentHelp("kubernetes: size of each PersistentVolumeClaim.", valueName: "quantity"))
    var storageSize: String = KubernetesBackend.Options().storageSize

    @Option(name: .customLong("storage-class"), help: ArgumentHelp("kubernetes: storage class of the PersistentVolumeClaims (default: the cluster's).", valueName: "class"))
    var storageClass: String?

    @Option(name: .customLong("secret-name"), help: ArgumentHelp("kubernetes: the Secret you create holding secret params (default: <slug>-secrets).", valueName: "name"))
    var secretName: String?

    @Option(name: .customLong("init-image"), help: ArgumentHelp("kubernetes: image (with sh) of the init container that assembles cl_secret files from the Secret.", valueName: "image"))
    var initImage: String = KubernetesBackend.Options().initImage

    @Option(name: .customLong("scale-to-zero"), help: ArgumentHelp("quadlet: socket activation and idle stop (default: on for apps with a port).", valueName: "true|false"))
    var scaleToZero: Bool?

    @Option(name: .customLong("idle-timeout"), help: ArgumentHelp("quadlet: seconds without traffic before the container stops (default: 180).", valueName: "seconds"))
    var idleTimeout: Int?

    @Option(name: .customLong("listen"), help: ArgumentHelp("quadlet: where the app's socket listens, PORT or ADDRESS:PORT (default: a port from the app's slug, 20000-29999).", valueName: "address"))
    var listen: String?

    @Option(name: .customLong("host-port"), help: ArgumentHelp("quadlet: the loopback port the container is published on (default: from the slug, 30000-39999).", valueName: "port"))
    var hostPort: Int?

    @Option(name: .customLong("app-url"), help: ArgumentHelp("quadlet: the app's public URL, CL_APP_URL (default: http://localhost:<listen port><path>).", valueName: "url"))
    var appURL: String?

    func options() -> BackendOptions {
        var o = BackendOptions()
        o.docker = docker.options
        o.kubernetes = KubernetesBackend.Options(registry: registry, namespace: namespace, ingressClass: ingressClass, host: host,
                                                 storageSize: storageSize, storageClass: storageClass, secretName: secretName,
                                                 initImage: initImage)

        o.quadlet.scaleToZero = scaleToZero
        o.quadlet.idleTimeoutSeconds = idleTimeout.map { max(1, $0) }
        o.quadlet.listen = listen
        o.quadlet.hostPort = hostPort
        o.quadlet.appURL = appURL
        return o
    }
}

/// Runs the backends on compiled apps and writes (or checks) the result.
enum ArtifactBuild {
    /// Compiles the app and runs the backends (diagnostics on stderr), then hands the outputs to
    /// `use` while the compile's temporary folders (an extracted archive, say) still exist.
    /// `ExitCode(1)` on an error.
    static func build(_ app: AppOptions, kinds: [BackendKind], options: BackendOptions,
                      _ use: ([DistWriter.AppOutput]) throws -> Void) throws {
        guard let compiled = app.compile() else { throw ExitCode(1) }
        defer { compiled.cleanup() }
        let diags = Diagnostics()
        let outputs = outputs(for: compiled, kinds: kinds, options: options, diagnostics: diags)
        Terminal.report(diags.all)
        guard let outputs, !diags.hasErrors else { throw ExitCode(1) }
        try use(outputs)
    }

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
