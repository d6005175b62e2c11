import IR

/// Runs an apply file (OpenRun's declarative form: one `app(...)` call per
/// app) and returns the declared apps in order, each with its location.
///
/// `app(path, source, dev=False, auth="", git_auth="", git_branch="",
/// git_commit="", params={}, spec="", app_config={}, container_opts={},
/// container_args={}, container_vols=[])`, as OpenRun reads it: dict values
/// that are not strings become JSON (`params`, `container_opts`,
/// `container_args`). `dev`, `auth`, `git_auth` and `app_config` are
/// OpenRun server settings: accepted, and a warning says they have no effect.
package enum ApplyFileHost {
    /// One `app(...)` call.
    package struct Entry: Sendable {
        package var path: String
        package var source: String
        package var spec: String?
        /// `key=value`, in the dict's order.
        package var params: [String] = []
        package var containerOptions: [String] = []
        package var buildArgs: [String] = []
        package var volumes: [String] = []
        package var branch: String?
        package var commit: String?
        package var location: SourceLocation?
    }

    package static func run(file: String, source: [UInt8], diags: Diagnostics, print: @escaping (String) -> Void = { _ in },
                            maxSteps: Int = 10_000_000) -> [Entry]? {
        var entries: [Entry] = []
        var seen: [String: SourceLocation?] = [:]
        let appFn = Starlark.BuiltinFunction("app") { t, a, k in
            let args = try HostArguments("app", a, k, names: [
                "path", "source", "dev", "auth", "git_auth", "git_branch", "git_commit", "params", "spec", "app_config",
                "container_opts", "container_args", "container_vols",
            ], required: 2)
            let location = t.callerLocation
            var e = Entry(path: try args.string("path"), source: try args.string("source"), location: location)
            if let first = seen[e.path] {
                throw Starlark.EvalError("duplicate app \(e.path)" + (first.map { ", first declared at \($0)" } ?? ""))
            }
            seen[e.path] = location
            let spec = try args.string("spec")
            e.spec = spec.isEmpty ? nil : spec
            let branch = try args.string("git_branch"), commit = try args.string("git_commit")
            e.branch = branch.isEmpty ? nil : branch
            e.commit = commit.isEmpty ? nil : commit
            e.params = try keyValues(args, "params")
            e.containerOptions = try keyValues(args, "container_opts")
            e.buildArgs = try keyValues(args, "container_args")
            e.volumes = try args.stringList("container_vols")
            for unused in ["dev", "auth", "git_auth", "app_config"] where args.has(unused) {
                if unused == "dev", (try? args.bool("dev")) == false { continue }
                diags.warning("apply.setting-unused", "\(unused) is an OpenRun server setting; openrun build ignores it", at: location)
            }
            entries.append(e)
            return .none
        }
        let thread = AppStarHost.makeThread(maxSteps: maxSteps, print: print)
        thread.load = { module, _ in throw Starlark.EvalError("load(\"\(module)\") is not allowed in an apply file") }
        do {
            _ = try thread.exec(filename: file, source: source, predeclared: ["app": .builtin(appFn)], options: .core)
        } catch {
            diags.emit(error.compactDiagnostic)
            return nil
        }
        return entries
    }

    /// A dict argument as `key=value` strings: strings as they are, other values as JSON.
    static func keyValues(_ args: HostArguments, _ name: String) throws -> [String] {
        try args.stringKeyedDict(name).map { key, value in
            if let s = value.asString { return "\(key)=\(s)" }
            return "\(key)=\(IRValue(starlark: value).canonicalJSON)"
        }
    }
}
