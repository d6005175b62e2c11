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

    /// Compiles the app; every diagnostic is printed on stderr. Nil when there were errors.
    func compile() -> AppCompiler.Compiled? {
        let diags = Diagnostics()
        let compiled = AppCompiler.compile(request(), into: diags)
        Terminal.report(diags.all)
        return compiled
    }
}
