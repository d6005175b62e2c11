import ArgumentParser
import Backends
import Foundation
import Frontend
import IR
import Logging
import Runtime

/// `openrun run`: serve apps locally, starting each container on its first request and stopping it when idle.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Serve apps locally: start each app's container on its first request, stop it when idle.",
        discussion: """
        SOURCE is compiled as `openrun build` would (docker target) and served; or SOURCE is a folder \
        `openrun build` wrote: one app's folder (dist/docker/<app>/, holding plan.json) or a whole \
        output folder (dist/), every app at its path and domain. Secrets ({{secret "K"}}) are read \
        from this process's environment when an app starts. SIGINT/SIGTERM: stop accepting, let \
        requests finish within the grace period, stop the containers.
        """
    )

    @OptionGroup var app: AppOptions
    @OptionGroup var docker: DockerFlags

    @Option(help: ArgumentHelp("Address to listen on.", valueName: "addr:port"))
    var listen: String = RuntimeDefaults.listenAddress

    @Option(help: ArgumentHelp("Container engine: auto (podman if present, else docker), podman, docker, or a path.",
                               valueName: "auto|podman|docker|path"))
    var engine: String = "auto"

    @Option(help: ArgumentHelp("Seconds without traffic before an app's container is stopped; 0 never stops (default: each plan's, \(RuntimeDefaults.idleTimeoutSeconds)).",
                               valueName: "seconds"))
    var idleTimeout: Int?

    @Option(help: ArgumentHelp("Seconds a start (image build included) may take before requests get 504.", valueName: "seconds"))
    var startTimeout: Int = 600

    @Option(help: ArgumentHelp("Seconds in-flight requests get to finish on SIGINT/SIGTERM.", valueName: "seconds"))
    var shutdownGrace: Int = 10

    @Option(help: ArgumentHelp("Seconds a client has to send a whole request head (then 408).", valueName: "seconds"))
    var headerTimeout: Int = 60

    @Option(name: .customLong("keepalive-timeout"),
            help: ArgumentHelp("Seconds a keep-alive client connection may sit idle between requests.", valueName: "seconds"))
    var keepAliveTimeout: Int = 75

    @Option(help: ArgumentHelp("Event-loop threads of the proxy (default: one per core).", valueName: "n"))
    var threads: Int?

    @Option(name: .customLong("proxy-io"),
            help: ArgumentHelp("The proxy's event loops: openrun's own epoll loops (SwiftNIO's anyway when a route needs TLS) or SwiftNIO's throughout.",
                               valueName: "epoll|nio"))
    var proxyIO: ProxyIO = .epoll

    @Option(name: .customLong("upstream-ca"),
            help: ArgumentHelp("A PEM file of CA certificates trusted for https:// proxy routes, on top of the system store (or SSL_CERT_FILE/SSL_CERT_DIR); repeatable.",
                               valueName: "file"))
    var upstreamCA: [String] = []

    @Option(help: ArgumentHelp("Log lines as text or as one JSON object per line.", valueName: "text|json"))
    var logFormat: String = "text"

    /// Set on the child that compiles SOURCE (see `compileInChild`): compile into this folder and exit.
    @Option(name: .customLong("compile-into"), help: .hidden)
    var compileInto: String?

    func validate() throws {
        guard ["text", "json"].contains(logFormat) else { throw ValidationError("--log-format is text or json") }
        guard ProxyConfiguration.parseListen(listen) != nil else { throw ValidationError("--listen wants ADDR:PORT, e.g. 127.0.0.1:25222") }
        if let i = idleTimeout, i < 0 { throw ValidationError("--idle-timeout is 0 or more seconds") }
        guard startTimeout > 0, shutdownGrace >= 0 else { throw ValidationError("--start-timeout and --shutdown-grace are positive") }
        guard headerTimeout > 0, keepAliveTimeout > 0 else {
            throw ValidationError("--header-timeout and --keepalive-timeout are 1 or more seconds")
        }
    }

    func run() async throws {
        if let folder = compileInto {
            guard compile(into: folder) else { throw ExitCode(1) }
            return
        }
        let json = logFormat == "json"
        LoggingSystem.bootstrap { label -> any LogHandler in
            json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
        }
        let logger = Logger(label: "openrun")
        guard let engine = CLIEngine.resolve(self.engine, logger: logger) else {
            Terminal.stderr("openrun run: no container engine: \(self.engine == "auto" ? "neither podman nor docker is on PATH" : "'\(self.engine)' not found"); install podman or docker, or pass --engine PATH")
            throw ExitCode(1)
        }
        let (host, port) = ProxyConfiguration.parseListen(listen)!

        var scratch: String?
        defer { if let scratch { try? FileManager.default.removeItem(atPath: scratch) } }
        var plans = isDirectory(app.source) ? ServedApp.findPlans(in: app.source) : []
        if plans.isEmpty {
            // Compile SOURCE, as `openrun build --target docker` would, into a private folder (mkdtemp:
            // 0700, an unpredictable name; removed on the way out or on interrupt). In a child
            // process, so that the serving process never maps the compiler (its idle RSS is that of
            // `openrun run DIR`, bench/README.md); in this one if no child can be started.
            let folder: String
            do {
                let made = try FileIO.makeTemporaryFolder(in: FileIO.temporaryRoot, prefix: "openrun-run-")
                scratch = made
                folder = made + "/dist"
            } catch {
                Terminal.report(error.diagnostics)
                throw ExitCode(1)
            }
            switch compileInChild(into: folder) {
            case .some(true): break
            case .some(false): throw ExitCode(1)
            case .none: guard compile(into: folder) else { throw ExitCode(1) }
            }
            plans = ServedApp.findPlans(in: folder + "/docker")
        }
        guard !plans.isEmpty else {
            Terminal.stderr("openrun run: no plan.json in \(app.source) (nor in its */ or docker/*/ folders)")
            throw ExitCode(1)
        }

        let publicHost = (host == "0.0.0.0" || host == "::") ? "localhost" : (host.contains(":") ? "[\(host)]" : host)
        let publicBase = "http://\(publicHost):\(port)"
        var apps: [ServedApp] = []
        var notServed = 0
        for path in plans {
            let folder = (path as NSString).deletingLastPathComponent
            do {
                let plan = try ExecutionPlan.decodeJSON(try Data(contentsOf: URL(fileURLWithPath: path)))
                if let reason = ServedApp.notServedReason(plan) {
                    Terminal.stderr("openrun run: \(reason)")
                    notServed += 1
                    continue
                }
                apps.append(try ServedApp(plan: plan, directory: folder, engine: engine.kind, publicBase: publicBase))
            } catch {
                Terminal.stderr("openrun run: \(path): \(error)")
                throw ExitCode(1)
            }
        }
        guard !apps.isEmpty else {
            Terminal.stderr("openrun run: nothing to serve" + (notServed == plans.count ? " (every app runs only commands)" : ""))
            throw ExitCode(1)
        }

        var proxy = ProxyConfiguration(host: host, port: port)
        proxy.headerTimeout = .seconds(headerTimeout)
        proxy.keepAliveTimeout = .seconds(keepAliveTimeout)
        proxy.io = proxyIO
        var options = RuntimeOptions(proxy: proxy)
        options.idleTimeout = idleTimeout.map { .seconds($0) }
        options.startTimeout = .seconds(startTimeout)
        options.shutdownGrace = .seconds(shutdownGrace)
        if let threads { options.threads = threads }
        options.upstreamCAFiles = upstreamCA
        let runtime: RuntimeHost
        do {
            runtime = try RuntimeHost(apps: apps, options: options, engine: engine, logger: logger)
        } catch {
            Terminal.stderr("openrun run: \(error)")
            throw ExitCode(1)
        }
        logger.info("engine \(engine.kind.rawValue)", metadata: ["engine": "\(engine.executable)"])
        // From here SIGINT/SIGTERM end the serving gracefully (swift-service-lifecycle), not the process at once.
        InterruptCleanup.uninstall()
        do {
            try await runtime.run { port in
                for (name, url) in runtime.urls(port: port) { Terminal.stdout("\(name)\t\(url)") }
            }
        } catch {
            Terminal.stderr("openrun run: \(error)")
            throw ExitCode(1)
        }
    }

    /// Compiles SOURCE as `openrun build --target docker` would and writes the artifacts to `folder`;
    /// diagnostics go to stderr.
    private func compile(into folder: String) -> Bool {
        var options = BackendOptions()
        options.docker = docker.options
        do {
            try ArtifactBuild.build(app, kinds: [.docker], options: options) { outputs in
                do throws(DiagnosticError) {
                    try DistWriter(output: folder).write(outputs)
                } catch {
                    Terminal.report(error.diagnostics)
                    throw ExitCode(1)
                }
            }
            return true
        } catch {
            return false
        }
    }

    /// Runs this command again in a child (this executable, the same arguments, `--compile-into
    /// folder` right after `run`), which compiles and exits; its stdio is this one's. Whether it
    /// succeeded, or nil when no child could be started. (posix_spawn and waitpid, not Foundation's
    /// Process, whose run loop would be mapped into the serving process for good.)
    private func compileInChild(into folder: String) -> Bool? {
        var args = Array(CommandLine.arguments.dropFirst())
        guard let at = args.firstIndex(of: "run"),
              let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")
        else { return nil }
        args.insert(contentsOf: ["--compile-into", folder], at: at + 1)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + args).map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        // The child starts as from a shell: no blocked signals, and SIGINT/SIGTERM/SIGHUP at their
        // default (this process ignores them while its interrupt handlers are installed, and
        // libdispatch blocks them on its threads), so an interrupt ends it too.
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var none = sigset_t(), defaults = sigset_t()
        sigemptyset(&none)
        sigemptyset(&defaults)
        for sig in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&defaults, sig) }
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setsigdefault(&attr, &defaults)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid = pid_t()
        guard posix_spawn(&pid, executable, nil, &attr, argv, environ) == 0 else { return nil }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { return false }
        }
        // Exited (not killed by a signal) with status 0.
        return status & 0x7F == 0 && (status >> 8) & 0xFF == 0
    }

    private func isDirectory(_ path: String) -> Bool {
        var dir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &dir) && dir.boolValue
    }
}

extension ProxyIO: ExpressibleByArgument {}
