#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import IR

/// The files of a source folder in a deterministic order (sorted by the
/// UTF-8 bytes of their relative paths), `.git/` skipped and `.dockerignore`
/// honoured, with the SHA-256 content digest of docs/sources.md.
package struct SourceListing: Sendable {
    /// The folder that was walked (absolute).
    package var root: String
    /// Files and symlinks, sorted by path bytes.
    package var files: [SourceFile]
    /// Paths of entries that are neither files, folders nor symlinks
    /// (FIFOs, sockets, devices): never listed, reported so callers can warn.
    package var skippedSpecial: [String]

    package init(root: String, files: [SourceFile], skippedSpecial: [String] = []) {
        self.root = root
        self.files = files
        self.skippedSpecial = skippedSpecial
    }

    /// Walks `root`. When `applyDockerIgnore` is set and `root/.dockerignore`
    /// exists, ignored entries are left out (the `.dockerignore` file itself
    /// is listed unless it ignores itself, as with BuildKit). A folder named
    /// `.git` is skipped at every depth.
    package static func walk(_ root: String, applyDockerIgnore: Bool = true) throws(DiagnosticError) -> SourceListing {
        var ignore: DockerIgnore?
        if applyDockerIgnore {
            let ignorePath = root + "/.dockerignore"
            var st = stat()
            if lstat(ignorePath, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG {
                let bytes = try FileIO.readAll(ignorePath, location: .file(".dockerignore"))
                ignore = try DockerIgnore.parse(String(decoding: bytes, as: UTF8.self))
            }
        }
        return try walk(root, ignore: ignore)
    }

    /// Walks `root` with an explicit ignore list (nil: nothing ignored but `.git/`).
    package static func walk(_ root: String, ignore: DockerIgnore?) throws(DiagnosticError) -> SourceListing {
        var files: [SourceFile] = []
        var special: [String] = []
        let activeIgnore = (ignore?.rules.isEmpty ?? true) ? nil : ignore
        try walkFolder(
            root, relative: "", ignore: activeIgnore, parent: DockerIgnore.ParentResults(),
            files: &files, special: &special)
        files.sort { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        special.sort { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return SourceListing(root: root, files: files, skippedSpecial: special)
    }

    private static func walkFolder(
        _ root: String, relative: String, ignore: DockerIgnore?, parent: DockerIgnore.ParentResults,
        files: inout [SourceFile], special: inout [String]
    ) throws(DiagnosticError) {
        let folder = relative.isEmpty ? root : root + "/" + relative
        let names = try FileIO.listFolder(folder, location: .file(relative.isEmpty ? "." : relative))
        for name in names {
            let rel = relative.isEmpty ? name : relative + "/" + name
            let disk = folder + "/" + name
            var st = stat()
            guard lstat(disk, &st) == 0 else {
                throw DiagnosticError(.error("sources.unreadable", "cannot read '\(rel)': \(FileIO.errnoText())", at: .file(rel)))
            }
            let type = st.st_mode & S_IFMT
            if type == S_IFDIR && name == ".git" { continue }
            var results = DockerIgnore.ParentResults()
            var ignored = false
            if let ignore {
                (ignored, results) = ignore.isIgnored(rel, parent: parent)
            }
            switch type {
            case S_IFDIR:
                if ignored && !(ignore?.hasExclusions ?? false) { continue }
                try walkFolder(root, relative: rel, ignore: ignore, parent: results, files: &files, special: &special)
            case S_IFREG:
                if ignored { continue }
                let executable = (st.st_mode & 0o111) != 0
                files.append(SourceFile(path: rel, kind: .file(executable: executable, size: Int(st.st_size)), diskPath: disk))
            case S_IFLNK:
                if ignored { continue }
                let target = try FileIO.readLink(disk, location: .file(rel))
                files.append(SourceFile(path: rel, kind: .symlink(target: target), diskPath: disk))
            default:
                if !ignored { special.append(rel) }
            }
        }
    }

    /// Finds an entry by relative path.
    package func file(at path: String) -> SourceFile? {
        var lo = 0, hi = files.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if files[mid].path.utf8.lexicographicallyPrecedes(path.utf8) { lo = mid + 1 } else { hi = mid }
        }
        return lo < files.count && files[lo].path == path ? files[lo] : nil
    }

    /// The content digest (`sha256:` + 64 hex digits) defined in docs/sources.md.
    package func digest() throws(DiagnosticError) -> String {
        try ContentDigest.digest(files)
    }
}
