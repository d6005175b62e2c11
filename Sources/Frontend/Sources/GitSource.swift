import Foundation

/// A git repository to fetch, a folder inside it, and what to check out.
package struct GitSource: Equatable, Sendable {
    /// The URL handed to libgit2 (may hold credentials the user typed; never print it).
    package var cloneURL: String
    /// The repository URL with any credentials removed: safe to print, and
    /// the basis of the cache key.
    package var displayURL: String
    /// Folder inside the repository holding the app (`/`-separated, "" for the root).
    package var folder: String
    /// `--branch`: a branch (or tag) name.
    package var branch: String?
    /// `--commit`: a full or abbreviated commit SHA; wins over `branch`.
    package var commit: String?

    package init(cloneURL: String, displayURL: String, folder: String = "", branch: String? = nil, commit: String? = nil) {
        self.cloneURL = cloneURL
        self.displayURL = displayURL
        self.folder = folder
        self.branch = branch
        self.commit = commit
    }

    /// The host part of the URL (lowercased), "" for `file://` URLs.
    package var host: String {
        var rest = Substring(displayURL)
        if let r = rest.range(of: "://") {
            rest = rest[r.upperBound...]
            let authority = rest.prefix { $0 != "/" }
            let hostPort = authority.split(separator: "@").last.map(String.init) ?? ""
            return (hostPort.split(separator: ":").first.map(String.init) ?? "").lowercased()
        }
        // scp-like: user@host:path
        let beforeColon = rest.prefix { $0 != ":" }
        return (beforeColon.split(separator: "@").last.map(String.init) ?? "").lowercased()
    }

    /// The port given in a `scheme://host:port/` URL, if any.
    package var port: Int? {
        guard let r = displayURL.range(of: "://") else { return nil }
        let authority = displayURL[r.upperBound...].prefix { $0 != "/" }
        let hostPort = authority.split(separator: "@").last ?? ""
        guard let colon = hostPort.lastIndex(of: ":") else { return nil }
        return Int(hostPort[hostPort.index(after: colon)...])
    }

    /// Whether libgit2 will use ssh for this URL (`ssh://` or scp-like).
    package var usesSSH: Bool {
        displayURL.hasPrefix("ssh://") || !displayURL.contains("://")
    }

    /// The key of this repository in the cache: the display URL with the
    /// host lowercased and a trailing `.git` or `/` removed, so that
    /// `github.com/o/r`, `https://github.com/o/r.git` share one clone.
    package var cacheKey: String {
        var s = displayURL
        while s.hasSuffix("/") { s.removeLast() }
        if s.hasSuffix(".git") { s.removeLast(4) }
        let h = host
        if !h.isEmpty, let r = s.range(of: h, options: [.caseInsensitive]) {
            s.replaceSubrange(r, with: h)
        }
        return s
    }

    /// `displayURL`, then `//folder` when there is one: the normalized form
    /// to show users.
    package var display: String {
        folder.isEmpty ? displayURL : displayURL + "//" + folder
    }
}
