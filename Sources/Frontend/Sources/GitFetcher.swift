#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CGit2
import Foundation
import IR

/// Fetches git sources through libgit2 into the cache and checks out the
/// requested commit into a clean folder.
///
/// Cache layout (docs/sources.md): `<cache>/git/<key>/repo.git` is a bare
/// repository per URL (`key` = first 16 hex digits of SHA-256 of
/// `GitSource.cacheKey`, then the repository name); `<key>/url` records the
/// URL (without credentials); `<key>/lock` serializes processes; `<key>/checkouts/<sha>/` holds one checked-out
/// tree per commit, written once and reused.
///
/// libgit2 1.5 cannot fetch shallow, so the smallest fetch is made instead:
/// only the one ref needed (the branch or tag asked for, else the remote's
/// default branch), no tags; with `--commit`, nothing at all when the cache
/// has the commit, else the ref that points at it, else the branch, else
/// every branch and tag.
package struct GitFetcher {
    /// `<cache>/git`.
    package var cacheRoot: String
    /// Environment variables for credentials (`OPENRUN_GIT_TOKEN`, `GITHUB_TOKEN`, `GH_TOKEN`, `OPENRUN_GIT_USERNAME`).
    package var environment: [String: String]
    /// When to print transfer progress.
    package var progress: ProgressMode
    /// Where progress lines go (default: stderr).
    package var progressSink: @Sendable (String) -> Void
    /// Seconds a fetch must run before progress is shown (short fetches stay quiet).
    package var progressDelay: Double = 1

    /// When to show fetch progress.
    package enum ProgressMode: Sendable {
        /// Only when stderr is a terminal.
        case auto
        case always
        case never
    }

    package init(
        cacheRoot: String, environment: [String: String], progress: ProgressMode = .auto,
        progressSink: @escaping @Sendable (String) -> Void = { text in
            var t = text
            t.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
        }
    ) {
        self.cacheRoot = cacheRoot
        self.environment = environment
        self.progress = progress
        self.progressSink = progressSink
    }

    /// A checked-out commit.
    package struct Checkout: Sendable, Equatable {
        /// The full SHA of the checked-out commit.
        package var commit: String
        /// The checkout of the whole tree.
        package var folder: String
        /// The app's root: `folder` or the sub-folder inside it.
        package var root: String
        /// Whether the remote was contacted (false when the cache had the commit).
        package var usedNetwork: Bool
        /// The bare repository in the cache.
        package var repository: String
        /// Warnings, such as `sources.git-offline` when the remote could not
        /// be reached and a commit fetched earlier was used.
        package var warnings: [Diagnostic] = []
    }

    /// The user name and token to offer an https server for `host`:
    /// `OPENRUN_GIT_TOKEN`, else for github.com `GITHUB_TOKEN` or `GH_TOKEN`;
    /// the user name is `OPENRUN_GIT_USERNAME`, else `oauth2` on GitLab
    /// hosts and `x-access-token` elsewhere. Both nil without a token.
    package static func httpsCredentials(host: String, environment env: [String: String]) -> (username: String?, token: String?) {
        func value(_ key: String) -> String? {
            guard let v = env[key], !v.isEmpty else { return nil }
            return v
        }
        var token = value("OPENRUN_GIT_TOKEN")
        if token == nil, host == "github.com" || host == "www.github.com" {
            token = value("GITHUB_TOKEN") ?? value("GH_TOKEN")
        }
        guard let token else { return (nil, nil) }
        let username = value("OPENRUN_GIT_USERNAME") ?? (host.contains("gitlab") ? "oauth2" : "x-access-token")
        return (username, token)
    }

    /// Fetches `source` (as needed) and checks it out. `location` is where
    /// errors about the URL point (the SOURCE flag).
    package func fetch(_ source: GitSource, location: SourceLocation) throws(DiagnosticError) -> Checkout {
        try NativeLibraries.requireLibgit2(for: "a git source", at: location)
        let keyHash = String(SHA256.hex(source.cacheKey).prefix(16))
        var name = String(source.cacheKey.split(whereSeparator: { $0 == "/" || $0 == ":" }).last ?? "repo")
        name = String(name.unicodeScalars.map { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" || $0 == "." ? Character($0) : "_" })
        let entry = cacheRoot + "/" + keyHash + "-" + name
        let repoPath = entry + "/repo.git"
        try FileIO.makeFolders(entry + "/checkouts")
        try FileIO.writeFile(entry + "/url", Array((source.displayURL + "\n").utf8), mode: 0o644)

        // One openrun process at a time per cached repository.
        let lockFD = open(entry + "/lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if lockFD >= 0 { flock(lockFD, LOCK_EX) }
        defer {
            if lockFD >= 0 {
                flock(lockFD, LOCK_UN)
                close(lockFD)
            }
        }
        let session = GitSession(source: source, location: location, fetcher: self)
        defer { session.close() }
        try session.openRepository(repoPath)
        let (commit, usedNetwork) = try session.resolveCommit()
        let checkout = entry + "/checkouts/" + commit
        try session.checkFolder(commit: commit)
        if FileIO.fileType(checkout) != S_IFDIR {
            try session.checkout(commit: commit, into: checkout, temporaryParent: entry + "/checkouts")
        }
        let root = source.folder.isEmpty ? checkout : checkout + "/" + source.folder
        return Checkout(
            commit: commit, folder: checkout, root: root, usedNetwork: usedNetwork, repository: repoPath,
            warnings: session.warnings)
    }
}
