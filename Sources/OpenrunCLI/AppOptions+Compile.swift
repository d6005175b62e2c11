import Foundation
import Frontend
import IR

extension AppOptions {
    /// The frontend request these flags describe.
    func request() -> AppCompiler.Request {
        var r = AppCompiler.Request(source: source, workingDirectory: FileManager.default.currentDirectoryPath,
                                    environment: ProcessInfo.processInfo.environment)
        r.appPath = appPath
        r.spec = spec
        r.params = params
        r.buildArgs = buildArgs
        r.containerOptions = containerOptions
        r.volumes = volumes
        r.branch = branch
        r.commit = commit
        r.printHandler = { Terminal.stderr($0) }
        return r
    }

    /// Compiles the app on a large stack (Starlark recursion is budgeted, not
    /// limited by the small stacks of the async thread pool); every diagnostic
    /// is printed on stderr. Nil when there were errors.
    func compile() async -> AppCompiler.Compiled? {
        let request = self.request()
        let (compiled, diagnostics) = await LargeStack.run {
            let diags = Diagnostics()
            return (AppCompiler.compile(request, into: diags), diags.all)
        }
        Terminal.report(diagnostics)
        return compiled
    }
}

/// Runs work on a dedicated thread with a 512 MiB stack.
enum LargeStack {
    static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { cont in
            let th = Thread { cont.resume(returning: body()) }
            th.stackSize = 512 << 20
            th.start()
        }
    }
}
