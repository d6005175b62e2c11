import Foundation
import IR

/// The whole frontend for one app: resolves the spec and the source, lays the
/// spec under the source, runs params.star and app.star through the host API,
/// reads the Containerfile and lowers everything into an `AppIR`.
package enum AppCompiler {
    /// What the user asked for, as the CLI received it.
    package struct Request: Sendable {
        package var source: String
        package var appPath: String = "/"
        package var spec: String?
        package var params: [String] = []
        package var buildArgs: [String] = []
        package var containerOptions: [String] = []
        package var volumes: [String] = []
        package var branch: String?
        package var commit: String?
        /// Folder relative paths are resolved against.
        package var workingDirectory: String
        /// Environment for git credentials and the cache location.
        package var environment: [String: String]
        /// Where `print` output of app.star/params.star goes.
        package var printHandler: @Sendable (String) -> Void = { _ in }
        /// Evaluation step budget for each Starlark file.
        package var maxSteps = 10_000_000

        package init(source: String, workingDirectory: String, environment: [String: String]) {
            self.source = source
            self.workingDirectory = workingDirectory
            self.environment = environment
        }
    }

    /// A compiled app: its IR and the build context it was compiled from.
    /// Call `cleanup()` when done (removes extracted archives and materialized specs).
    package struct Compiled: Sendable {
        package var ir: AppIR
        package var context: BuildContext
        package var temporaryFolders: [String]

        package func cleanup() {
            for f in temporaryFolders { FileIO.removeTree(f) }
        }
    }

    /// Compiles one app; every problem is reported to `diags`; nil if any was an error.
    ///
    /// Runs on its own thread with a large stack, so Starlark's recursion
    /// limit (not the caller's stack size) decides how deep app.star may go.
    package static func compile(_ request: Request, into diags: Diagnostics) -> Compiled? {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: Compiled?
        let thread = Thread {
            result = compileOnThisThread(request, into: diags)
            done.signal()
        }
        thread.stackSize = 512 << 20
        thread.start()
        done.wait()
        return result
    }

    static func compileOnThisThread(_ request: Request, into diags: Diagnostics) -> Compiled? {
        var temporary: [String] = []
        var ok = false
        defer { if !ok { for f in temporary { FileIO.removeTree(f) } } }

        let appPath = AppPath.parse(request.appPath, location: .flag("app-path", request.appPath), into: diags)
        let flags = UserFlags.parse(buildArgs: request.buildArgs, volumes: request.volumes, containerOptions: request.containerOptions, into: diags)

        // The spec: a bundled name or a folder.
        var specFiles: [SourceFile] = []
        var specInfo: SpecInfo?
        if let spec = request.spec {
            do {
                if let files = BundledSpecs.sourceFiles(of: spec) {
                    specFiles = files
                    specInfo = SpecInfo(name: spec, path: nil, digest: try ContentDigest.digest(files))
                } else if spec.contains("/") || spec.hasPrefix("."), FileIO.followedFileType(absolute(spec, in: request.workingDirectory)) == S_IFDIR {
                    let folder = absolute(spec, in: request.workingDirectory)
                    specFiles = try SourceListing.walk(folder, ignore: nil).files
                    specInfo = SpecInfo(name: nil, path: spec, digest: try ResolvedSource(reference: .local(path: folder), root: folder).digest())
                } else {
                    diags.error("spec.unknown", "unknown spec \"\(spec)\"; bundled specs: \(BundledSpecs.names.joined(separator: ", ")); or give a folder path",
                                at: .flag("--spec", spec), notes: [.init("see 'openrun spec list'")])
                }
            } catch {
                diags.absorb(error)
            }
        }

        // The source.
        var resolved: ResolvedSource?
        do {
            let resolver = SourceResolver(environment: request.environment)
            resolved = try resolver.resolve(request.source, branch: request.branch, commit: request.commit, workingDirectory: request.workingDirectory)
            if let t = resolved?.temporaryFolder { temporary.append(t) }
        } catch {
            diags.absorb(error)
        }
        guard let resolved, let appPath, specInfo != nil || request.spec == nil else { return nil }

        let context: BuildContext
        let contextDigest: String
        do {
            context = try BuildContext(source: resolved.root, specFiles: specFiles)
            contextDigest = try context.digest()
        } catch {
            diags.absorb(error)
            return nil
        }
        let files = ContextFiles(context: context)

        let appURL = "http://\(appPath.domain ?? "localhost"):25222\(appPath.path)"

        // params.star (optional), then the params themselves. Flag mistakes
        // found so far don't stop this; param mistakes stop before app.star
        // (which would only fail again reading the param).
        let errorsBeforeParams = diags.errors.count
        var declared: [ParamDeclaration] = []
        if let d = files.linkProblem("params.star") {
            diags.emit(d)
            return nil
        }
        if let bytes = files.read("params.star") {
            guard let d = ParamsStarHost.run(file: context.displayPath(of: "params.star"), source: bytes, appURL: appURL, diags: diags,
                                             print: request.printHandler, maxSteps: request.maxSteps) else { return nil }
            declared = d
        }
        let params = ParamResolver.resolve(declared: declared, flags: request.params, into: diags)
        guard diags.errors.count == errorsBeforeParams else { return nil }

        // app.star.
        if let d = files.linkProblem("app.star") {
            diags.emit(d)
            return nil
        }
        guard let appStar = files.read("app.star") else {
            let hint = request.spec == nil ? "pass --spec NAME (see 'openrun spec list') or add an app.star to the source" : "the spec has no app.star"
            diags.error("app.no-app-star", "no app.star in the app source or spec; \(hint)", at: .flag("source", request.source))
            return nil
        }
        let host = AppStarHost(params: params.params, appURL: appURL, branch: request.branch,
                               readFile: { files.read($0) }, diags: diags)
        host.printHandler = request.printHandler
        guard let declaration = host.run(file: context.displayPath(of: "app.star"), source: appStar, maxSteps: request.maxSteps) else { return nil }

        let source = sourceInfo(resolved, request: request, digest: resolved.root == nil ? nil : (try? resolved.digest()))
        var input = AppLowering.Input(
            declaration: declaration, params: params, appPath: appPath,
            slug: Naming.appSlug(domain: appPath.domain, path: appPath.path),
            source: source, spec: specInfo, files: files,
            parseContainerfile: { path, bytes, args, diags in containerfileFacts(path: context.displayPath(of: path), bytes: bytes, buildArgs: args, into: diags) },
            contextDigest: contextDigest)
        input.flags = flags
        guard let ir = AppLowering.lower(input, into: diags) else { return nil }
        ok = true
        return Compiled(ir: ir, context: context, temporaryFolders: temporary)
    }

    static func absolute(_ path: String, in folder: String) -> String {
        path.hasPrefix("/") ? path : (folder.hasSuffix("/") ? folder : folder + "/") + path
    }

    static func sourceInfo(_ r: ResolvedSource, request: Request, digest: String?) -> SourceInfo {
        switch r.reference {
        case .none:
            return SourceInfo(kind: .none, location: "-")
        case .local(let path):
            return SourceInfo(kind: .local, location: request.source.isEmpty ? path : request.source, digest: digest)
        case .archive:
            return SourceInfo(kind: .archive, location: SourceReference.redactCredentials(request.source), digest: digest)
        case .git(let g):
            return SourceInfo(kind: .git, location: g.displayURL, subdirectory: g.folder.isEmpty ? nil : g.folder,
                              branch: g.branch, commit: g.commit, resolvedCommit: r.commit, digest: digest)
        }
    }

    /// Reads a Containerfile through the Containerfile frontend and keeps what the lowering needs.
    static func containerfileFacts(path: String, bytes: [UInt8], buildArgs: [String: String], into diags: Diagnostics) -> ContainerfileFacts? {
        guard let model = ContainerfileAnalyzer.analyze(String(decoding: bytes, as: UTF8.self), file: path,
                                                        buildArgs: buildArgs, diagnostics: diags) else { return nil }
        var facts = ContainerfileFacts()
        if let final = model.finalStage {
            facts.expose = final.expose.map { .init(text: $0.raw, location: $0.location) }
            facts.volumes = final.volumes.map { ($0.value, $0.location) }
            facts.stopSignal = final.stopSignal?.value
        }
        facts.args = model.buildArgNames.map { .init(name: $0.name, defaultValue: $0.defaultValue, location: $0.location) }
        facts.baseImages = model.images.map(\.reference)
        return facts
    }
}

/// The build context as the lowering and the host API read it.
struct ContextFiles: AppFileLookup {
    let context: BuildContext
    func sourceHas(_ path: String) -> Bool { context.origin(of: path) == .source }
    func specHas(_ path: String) -> Bool { context.origin(of: path) == .spec }
    func read(_ path: String) -> [UInt8]? { (try? context.read(path)) ?? nil }
    func displayPath(_ path: String) -> String { context.displayPath(of: path) }
    func linkProblem(_ path: String) -> Diagnostic? { context.linkProblem(path) }
}
