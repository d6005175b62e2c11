#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import IR

/// The files an image build sees: the spec's files laid over the source's,
/// the source's own file winning on the same relative path.
///
/// A spec entry is also dropped when the source has a file or symlink where
/// the spec entry needs a folder (`a` in the source hides the spec's `a/b`)
/// or a folder where the spec entry is a file. `.git/` is never part of a
/// context; `.dockerignore` is left to the container engine except for the
/// digest, which honours the merged context's `.dockerignore`.
package struct BuildContext: Sendable {
    /// Which side an entry came from.
    package enum Origin: String, Sendable, Equatable {
        case source
        case spec
    }

    /// One file of the merged context.
    package struct Entry: Sendable, Equatable {
        package var file: SourceFile
        package var origin: Origin
    }

    /// Entries sorted by path bytes.
    package private(set) var entries: [Entry]
    /// The source folder, if any.
    package var sourceRoot: String?
    /// Merges `source` and `spec` (either may be nil).
    package init(source: String?, spec: String?) throws(DiagnosticError) {
        let specFiles = try spec.map { (root) throws(DiagnosticError) in try SourceListing.walk(root, ignore: nil).files } ?? []
        try self.init(source: source, specFiles: specFiles)
    }

    /// Merges the `source` folder with spec files given as a list (a bundled
    /// spec's files are in memory, never written to disk to be read back).
    package init(source: String?, specFiles: [SourceFile]) throws(DiagnosticError) {
        sourceRoot = source
        let sourceFiles = try source.map { (root) throws(DiagnosticError) in try SourceListing.walk(root, ignore: nil).files } ?? []
        var sourcePaths = Set<String>()
        var sourceFolders = Set<String>()
        for f in sourceFiles {
            sourcePaths.insert(f.path)
            var parts = f.path.split(separator: "/")
            while parts.count > 1 {
                parts.removeLast()
                sourceFolders.insert(parts.joined(separator: "/"))
            }
        }
        var merged = sourceFiles.map { Entry(file: $0, origin: .source) }
        for f in specFiles {
            if sourcePaths.contains(f.path) || sourceFolders.contains(f.path) { continue }
            let parts = f.path.split(separator: "/")
            let hidden = (1..<max(parts.count, 1)).contains { sourcePaths.contains(parts.prefix($0).joined(separator: "/")) }
            if hidden { continue }
            merged.append(Entry(file: f, origin: .spec))
        }
        merged.sort { $0.file.path.utf8.lexicographicallyPrecedes($1.file.path.utf8) }
        entries = merged
    }

    /// The entry at `path`, if any.
    package func entry(at path: String) -> Entry? {
        var lo = 0, hi = entries.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if entries[mid].file.path.utf8.lexicographicallyPrecedes(path.utf8) { lo = mid + 1 } else { hi = mid }
        }
        return lo < entries.count && entries[lo].file.path == path ? entries[lo] : nil
    }

    /// Where `path` comes from, or nil when the context has no such file.
    package func origin(of path: String) -> Origin? {
        entry(at: path)?.origin
    }

    /// The location to cite for `path` in diagnostics: the file's path
    /// relative to its root, prefixed with `spec:` for spec files.
    package func displayPath(of path: String) -> String {
        origin(of: path) == .spec ? "spec:" + path : path
    }

    /// The bytes of the regular file at `path` (symlinks are followed only
    /// inside the context), or nil when there is none.
    package func read(_ path: String) throws(DiagnosticError) -> [UInt8]? {
        var current = path
        let resolver = ContainedPathResolver(links: linkMap())
        if case .inside(let resolved) = resolver.resolve(path) { current = resolved } else { return nil }
        guard let e = entry(at: current), case .file = e.file.kind else { return nil }
        if let contents = e.file.contents { return contents }
        return try FileIO.readAll(e.file.diskPath, location: .file(displayPath(of: current)))
    }

    /// Why `path` exists but cannot be read: it is (or goes through) a
    /// symlink that leaves its folder, or a symlink loop. Nil otherwise.
    package func linkProblem(_ path: String) -> Diagnostic? {
        let resolver = ContainedPathResolver(links: linkMap())
        let resolution = resolver.resolve(path)
        if case .inside = resolution { return nil }
        let e = entry(at: path)
        let folder = (e?.origin ?? .source).rawValue
        let location = SourceLocation.file(displayPath(of: path))
        if resolution == .loop {
            return .error("sources.symlink-loop", "'\(path)' is a symlink that is part of a loop", at: location)
        }
        if let target = e?.file.symlinkTarget {
            return .error("sources.symlink-escapes", "'\(path)' is a symlink to '\(target)', outside the \(folder) folder; openrun only follows links that stay inside it", at: location)
        }
        return .error("sources.symlink-escapes", "'\(path)' goes through a symlink that leads outside the \(folder) folder; openrun only follows links that stay inside it", at: location)
    }

    /// The file at `path` as UTF-8 text (e.g. a `Containerfile`), or nil.
    package func readText(_ path: String) throws(DiagnosticError) -> String? {
        try read(path).map { String(decoding: $0, as: UTF8.self) }
    }

    private func linkMap() -> [String: String] {
        var links: [String: String] = [:]
        for e in entries { if let t = e.file.symlinkTarget { links[e.file.path] = t } }
        return links
    }

    /// The digest of the context as an image build sees it: `.dockerignore`
    /// (the merged one) applied, then the digest of docs/sources.md.
    package func digest() throws(DiagnosticError) -> String {
        var ignore: DockerIgnore?
        if let text = try readText(".dockerignore") {
            ignore = try DockerIgnore.parse(text, file: displayPath(of: ".dockerignore"))
        }
        var files: [SourceFile] = []
        var folderResults: [String: DockerIgnore.ParentResults] = [:]
        for e in entries {
            guard let ignore, !ignore.rules.isEmpty else {
                files.append(e.file)
                continue
            }
            // Evaluate each ancestor folder once, then the file, as a walk would.
            let parts = e.file.path.split(separator: "/").map(String.init)
            var parent = DockerIgnore.ParentResults()
            for n in 1..<max(parts.count, 1) {
                let folder = parts.prefix(n).joined(separator: "/")
                if let cached = folderResults[folder] {
                    parent = cached
                } else {
                    parent = ignore.isIgnored(folder, parent: parent).results
                    folderResults[folder] = parent
                }
            }
            if !ignore.isIgnored(e.file.path, parent: parent).ignored { files.append(e.file) }
        }
        return try ContentDigest.digest(files)
    }

    /// Copies the merged context into `staging` (an existing empty folder).
    /// Symlinks are recreated as links, but only when they resolve inside the
    /// context; a link that escapes is an error and nothing is left behind.
    package func materialize(into staging: String) throws(DiagnosticError) {
        let diagnostics = Diagnostics()
        let resolver = ContainedPathResolver(links: linkMap())
        for e in entries {
            if let target = e.file.symlinkTarget {
                switch resolver.resolveLinkTarget(target, at: e.file.path) {
                case .inside: break
                case .escapes:
                    diagnostics.error(
                        "sources.symlink-escapes", "the symlink '\(e.file.path)' points to '\(target)', outside the \(e.origin.rawValue) folder",
                        at: .file(displayPath(of: e.file.path)))
                case .loop:
                    diagnostics.error("sources.symlink-loop", "the symlink '\(e.file.path)' is part of a loop", at: .file(displayPath(of: e.file.path)))
                }
            }
        }
        try diagnostics.check()
        var made = Set<String>()
        do throws(DiagnosticError) {
            for e in entries {
                let parts = e.file.path.split(separator: "/")
                var folder = staging
                for part in parts.dropLast() {
                    folder += "/" + part
                    if made.insert(folder).inserted, mkdir(folder, 0o755) != 0, errno != EEXIST {
                        throw DiagnosticError(.error("sources.write-failed", "cannot create '\(folder)': \(FileIO.errnoText())"))
                    }
                }
                let destination = staging + "/" + e.file.path
                switch e.file.kind {
                case .file(let executable, _) where e.file.contents != nil:
                    try FileIO.writeFile(destination, e.file.contents!, mode: executable ? 0o755 : 0o644)
                case .file(let executable, _):
                    try FileIO.copyFile(
                        from: e.file.diskPath, to: destination, mode: executable ? 0o755 : 0o644,
                        location: .file(displayPath(of: e.file.path)))
                case .symlink(let target):
                    guard symlink(target, destination) == 0 else {
                        throw DiagnosticError(.error("sources.write-failed", "cannot create symlink '\(destination)': \(FileIO.errnoText())"))
                    }
                }
            }
        } catch {
            for name in (try? FileIO.listFolder(staging, location: .file(staging))) ?? [] {
                FileIO.removeTree(staging + "/" + name)
            }
            throw error
        }
    }
}
