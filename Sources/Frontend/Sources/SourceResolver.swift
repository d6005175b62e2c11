#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import IR

/// Turns a `SourceReference` into a local folder: local folders are used in
/// place, archives are extracted into a fresh temporary folder, git sources
/// are fetched into the cache and checked out.
package struct SourceResolver {
    /// The cache folder (see `SourceCache`); git repositories live in `<cache>/git`.
    package var cacheDirectory: String
    /// Environment for git credentials.
    package var environment: [String: String]
    /// Where archives are extracted.
    package var temporaryRoot: String
    /// Fetch progress on stderr.
    package var progress: GitFetcher.ProgressMode
    /// Where progress goes.
    package var progressSink: @Sendable (String) -> Void

    package init(
        environment: [String: String], cacheDirectory: String? = nil, temporaryRoot: String = FileIO.temporaryRoot,
        progress: GitFetcher.ProgressMode = .auto,
        progressSink: @escaping @Sendable (String) -> Void = { text in
            var t = text
            t.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
        }
    ) {
        self.environment = environment
        self.cacheDirectory = cacheDirectory ?? SourceCache.directory(environment: environment)
        self.temporaryRoot = temporaryRoot
        self.progress = progress
        self.progressSink = progressSink
    }

    /// Makes `reference` local. `text` is SOURCE as typed, for diagnostics.
    package func resolve(_ reference: SourceReference, text: String) throws(DiagnosticError) -> ResolvedSource {
        let location = SourceLocation.flag("source", SourceReference.redactCredentials(text))
        switch reference {
        case .none:
            return ResolvedSource(reference: reference, root: nil)
        case .local(let path):
            guard FileIO.followedFileType(path) == S_IFDIR else {
                throw DiagnosticError(.error("sources.not-a-folder", "'\(text)' is not a folder", at: location))
            }
            return ResolvedSource(reference: reference, root: path)
        case .archive(let path):
            let extracted = try ArchiveExtractor(temporaryRoot: temporaryRoot, location: location).extract(path)
            return ResolvedSource(reference: reference, root: extracted.root, temporaryFolder: extracted.folder)
        case .git(let git):
            let fetcher = GitFetcher(
                cacheRoot: cacheDirectory + "/git", environment: environment, progress: progress, progressSink: progressSink)
            let checkout = try fetcher.fetch(git, location: location)
            return ResolvedSource(reference: reference, root: checkout.root, commit: checkout.commit, warnings: checkout.warnings)
        }
    }

    /// Parses and resolves SOURCE in one step.
    package func resolve(
        _ text: String, branch: String? = nil, commit: String? = nil, workingDirectory: String
    ) throws(DiagnosticError) -> ResolvedSource {
        let reference = try SourceReference.parse(
            text, branch: branch, commit: commit, workingDirectory: workingDirectory, home: environment["HOME"])
        return try resolve(reference, text: text)
    }
}
