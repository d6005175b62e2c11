import Backends
import Foundation
import Frontend
import IR

/// Writes the artifacts of one or more apps into `dist/<kind>/<slug>/`:
/// everything is first written into a staging folder inside the output
/// folder, and only when all of it succeeded does each app folder replace the
/// old one (rename). On any error nothing in the output folder changes.
struct DistWriter {
    /// One backend's artifacts for one app.
    struct AppOutput {
        var kind: BackendKind
        var slug: String
        var artifacts: [Artifact]
        /// The build context to materialize where an artifact asks for it.
        var context: BuildContext?
        /// The IR's generated Containerfile (static apps), written into the context.
        var generatedContainerfile: (path: String, text: String)?

        var relativeFolder: String { "\(kind.rawValue)/\(slug)" }
    }

    let output: String

    /// Writes every app folder; throws (with nothing changed) on the first failure.
    func write(_ apps: [AppOutput]) throws(DiagnosticError) {
        let staging = try stage(apps)
        defer { FileIO.removeTree(staging) }
        var replaced: [(live: String, old: String?)] = []
        do throws(DiagnosticError) {
            for (i, app) in apps.enumerated() {
                let live = output + "/" + app.relativeFolder
                try FileIO.makeFolders(output + "/" + app.kind.rawValue)
                var old: String?
                if FileIO.fileType(live) != nil {
                    old = staging + "/old-\(i)"
                    try rename(live, old!)
                }
                replaced.append((live, old))
                try rename(staging + "/new/" + app.relativeFolder, live)
            }
        } catch {
            // Put back what was there.
            for r in replaced.reversed() {
                FileIO.removeTree(r.live)
                if let old = r.old { _ = Foundation.rename(old, r.live) }
            }
            throw error
        }
    }

    /// Builds everything in a fresh staging folder and returns a unified diff
    /// against the output folder (empty when equal). The output is not touched.
    func check(_ apps: [AppOutput]) throws(DiagnosticError) -> String {
        let staging = try stage(apps)
        defer { FileIO.removeTree(staging) }
        var diff = ""
        for app in apps {
            let live = output + "/" + app.relativeFolder
            let fresh = staging + "/new/" + app.relativeFolder
            diff += Self.unifiedDiff(old: live, new: fresh, oldLabel: app.relativeFolder, newLabel: app.relativeFolder + " (fresh build)")
        }
        return diff
    }

    /// Writes all apps under `<staging>/new/<kind>/<slug>/`.
    private func stage(_ apps: [AppOutput]) throws(DiagnosticError) -> String {
        try FileIO.makeFolders(output)
        let staging = try FileIO.makeTemporaryFolder(in: output, prefix: ".openrun-staging-")
        do throws(DiagnosticError) {
            for app in apps {
                let folder = staging + "/new/" + app.relativeFolder
                try FileIO.makeFolders(folder)
                for a in app.artifacts {
                    guard Self.isSafeRelativePath(a.path) else {
                        throw DiagnosticError(.error("build.artifact-path", "backend \(app.kind.rawValue) produced an unsafe path \"\(a.path)\""))
                    }
                    let path = folder + "/" + a.path
                    if let slash = path.lastIndex(of: "/") { try FileIO.makeFolders(String(path[..<slash])) }
                    switch a.content {
                    case .file(let bytes, let mode):
                        try FileIO.writeFile(path, bytes, mode: mode_t(mode.rawValue))
                    case .buildContext:
                        guard let context = app.context else {
                            throw DiagnosticError(.error("build.no-context", "the \(app.kind.rawValue) backend needs the build context, which this app does not have"))
                        }
                        try FileIO.makeFolders(path)
                        try context.materialize(into: path)
                        if let g = app.generatedContainerfile {
                            try FileIO.writeFile(path + "/" + g.path, Array(g.text.utf8), mode: 0o644)
                        }
                    }
                }
            }
        } catch {
            FileIO.removeTree(staging)
            throw error
        }
        return staging
    }

    private func rename(_ from: String, _ to: String) throws(DiagnosticError) {
        guard Foundation.rename(from, to) == 0 else {
            throw DiagnosticError(.error("build.write-failed", "cannot move '\(from)' to '\(to)': \(FileIO.errnoText())"))
        }
    }

    static func isSafeRelativePath(_ p: String) -> Bool {
        !p.isEmpty && !p.hasPrefix("/") && !p.split(separator: "/", omittingEmptySubsequences: false).contains { $0 == ".." || $0 == "." || $0.isEmpty }
    }

    /// `diff -ruN` between two folders, with stable labels instead of temporary paths.
    static func unifiedDiff(old: String, new: String, oldLabel: String, newLabel: String) -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["diff", "-ruN", old, new]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        do { try p.run() } catch { return "cannot run diff: \(error)\n" }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus != 0 else { return "" }
        return String(decoding: data, as: UTF8.self)
            .replacingOccurrences(of: new, with: newLabel)
            .replacingOccurrences(of: old, with: oldLabel)
    }
}
