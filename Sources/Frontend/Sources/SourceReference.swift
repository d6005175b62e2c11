#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import IR

/// What the user's SOURCE argument (with `--branch` and `--commit`) names.
///
/// Forms (docs/sources.md): `-` for no source; a local folder; a local
/// archive (`.tar`, `.tar.gz`, `.tgz`, `.zip`); a git URL —
/// `github.com/owner/repo[/sub/dir]`, `https://host/path`, `http://`,
/// `ssh://`, `git://`, `file://` URLs, scp-like `user@host:org/repo`, with
/// `//` separating the repository from a folder inside it.
package enum SourceReference: Equatable, Sendable {
    /// `-`: no source (image and proxy specs).
    case none
    /// A folder on disk, used in place. The path is absolute.
    case local(path: String)
    /// An archive file on disk. The path is absolute.
    case archive(path: String)
    /// A git repository.
    case git(GitSource)

    /// Hosts whose repositories are always `owner/repo`, so that the rest of
    /// a URL's path is a folder inside the repository.
    package static let ownerRepoHosts: Set<String> = ["github.com", "www.github.com", "bitbucket.org", "codeberg.org"]

    /// Archive name endings, lowercase.
    package static let archiveSuffixes = [".tar.gz", ".tgz", ".tar", ".zip"]

    /// The form to show users: the path, or the git URL (credentials
    /// removed) with `//folder`, `#branch` and `@commit` when given.
    package var display: String {
        switch self {
        case .none: return "-"
        case .local(let p), .archive(let p): return p
        case .git(let g):
            var s = g.display
            if let b = g.branch { s += "#" + b }
            if let c = g.commit { s += "@" + c }
            return s
        }
    }

    /// Parses SOURCE. Relative paths are resolved against
    /// `workingDirectory`; `home` expands `~`. Local paths must exist (a
    /// folder, or an archive file); every problem is a diagnostic located at
    /// the flag it came from (SOURCE as `source <text>` with credentials
    /// removed, `--branch`, `--commit`).
    package static func parse(
        _ text: String, branch: String? = nil, commit: String? = nil,
        workingDirectory: String, home: String? = nil
    ) throws(DiagnosticError) -> SourceReference {
        let diagnostics = Diagnostics()
        let location = SourceLocation.flag("source", redactCredentials(text))
        if let branch, !isValidBranchName(branch) {
            diagnostics.error("sources.bad-branch", "'\(branch)' is not a valid branch or tag name", at: .flag("--branch", branch))
        }
        if let commit, !isValidCommit(commit) {
            diagnostics.error(
                "sources.bad-commit", "'\(commit)' is not a commit SHA (expected 4 to 40 hexadecimal digits)",
                at: .flag("--commit", commit))
        }
        let reference = classify(text, location: location, workingDirectory: workingDirectory, home: home, diagnostics: diagnostics)
        if case .git = reference {} else if reference != nil {
            if let branch {
                diagnostics.error("sources.branch-without-git", "--branch applies only to git sources", at: .flag("--branch", branch))
            }
            if let commit {
                diagnostics.error("sources.commit-without-git", "--commit applies only to git sources", at: .flag("--commit", commit))
            }
        }
        try diagnostics.check()
        guard var reference else {
            throw DiagnosticError(.error("sources.bad-source", "cannot use '\(redactCredentials(text))' as a source", at: location))
        }
        if case .git(var g) = reference {
            g.branch = branch
            g.commit = commit?.lowercased()
            reference = .git(g)
        }
        return reference
    }

    private static func classify(
        _ text: String, location: SourceLocation, workingDirectory: String, home: String?, diagnostics: Diagnostics
    ) -> SourceReference? {
        if text == "-" { return SourceReference.none }
        if text.isEmpty {
            diagnostics.error("sources.empty", "the source is empty; use '-' for no source", at: location)
            return nil
        }
        if let schemeEnd = text.range(of: "://"), isScheme(text[..<schemeEnd.lowerBound]) {
            return parseURL(text, location: location, diagnostics: diagnostics)
        }
        if isScpLike(text) {
            return parseScp(text, location: location, diagnostics: diagnostics)
        }
        let explicitlyLocal = text.hasPrefix("/") || text.hasPrefix("./") || text.hasPrefix("../")
            || text == "." || text == ".." || text == "~" || text.hasPrefix("~/")
        if !explicitlyLocal {
            let first = String(text.prefix { $0 != "/" }).lowercased()
            let parts = text.split(separator: "/", omittingEmptySubsequences: false)
            if ownerRepoHosts.contains(first) {
                return parseURL("https://" + text, location: location, diagnostics: diagnostics)
            }
            if parts.count >= 3, looksLikeHost(first), FileIO.fileType(absolute(text, workingDirectory, home)) == nil {
                return parseURL("https://" + text, location: location, diagnostics: diagnostics)
            }
        }
        let path = absolute(text, workingDirectory, home)
        let lower = text.lowercased()
        if archiveSuffixes.contains(where: { lower.hasSuffix($0) }) {
            switch FileIO.followedFileType(path) {
            case S_IFREG?: return .archive(path: path)
            case nil: diagnostics.error("sources.not-found", "no such archive: \(text)", at: location)
            default: diagnostics.error("sources.not-a-file", "'\(text)' is not an archive file", at: location)
            }
            return nil
        }
        switch FileIO.followedFileType(path) {
        case S_IFDIR?:
            return .local(path: path)
        case nil:
            diagnostics.error(
                "sources.not-found", "no such folder: \(text)", at: location,
                notes: [.init("a source is a folder, a git URL (github.com/owner/repo, https://..., git@host:org/repo), an archive (.tar, .tar.gz, .tgz, .zip) or '-'")])
        default:
            diagnostics.error(
                "sources.not-a-folder", "'\(text)' is not a folder", at: location,
                notes: [.init("archives must end in .tar, .tar.gz, .tgz or .zip")])
        }
        return nil
    }

    /// `scheme://...` URLs: https, http, ssh, git, file.
    private static func parseURL(_ text: String, location: SourceLocation, diagnostics: Diagnostics) -> SourceReference? {
        let schemeEnd = text.range(of: "://")!
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard ["https", "http", "ssh", "git", "file"].contains(scheme) else {
            diagnostics.error(
                "sources.unsupported-scheme", "unsupported URL scheme '\(scheme)'", at: location,
                notes: [.init("git sources use https://, http://, ssh://, git://, file:// or git@host:path")])
            return nil
        }
        let afterScheme = text[schemeEnd.upperBound...]
        let lowerPath = afterScheme.lowercased()
        if scheme != "file", archiveSuffixes.contains(where: { lowerPath.hasSuffix($0) }) {
            diagnostics.error(
                "sources.archive-url", "archives are read from local files only, not from URLs", at: location,
                notes: [.init("download the archive and pass its path")])
            return nil
        }
        let authority = String(afterScheme.prefix { $0 != "/" })
        let path = String(afterScheme.dropFirst(authority.count))
        if scheme != "file" && authority.isEmpty {
            diagnostics.error("sources.bad-git-url", "the URL has no host", at: location)
            return nil
        }
        if scheme == "file" && !authority.isEmpty && authority != "localhost" {
            diagnostics.error("sources.bad-git-url", "file:// URLs must name a local path (file:///path)", at: location)
            return nil
        }
        var displayAuthority = authority
        if let at = authority.lastIndex(of: "@") {
            let userinfo = authority[..<at]
            let hostPart = authority[authority.index(after: at)...]
            if scheme == "ssh" || scheme == "git" {
                // Keep an ssh user name (not a secret); drop any password.
                let user = userinfo.prefix { $0 != ":" }
                displayAuthority = user + "@" + hostPart
            } else {
                displayAuthority = String(hostPart)
            }
        }
        let host = String(displayAuthority.split(separator: "@").last ?? "").split(separator: ":").first.map { $0.lowercased() } ?? ""
        guard let (repoPath, folder) = splitRepoPath(path, host: host, location: location, diagnostics: diagnostics) else { return nil }
        let cloneURL = scheme + "://" + authority + repoPath
        let displayURL = scheme + "://" + displayAuthority + repoPath
        return .git(GitSource(cloneURL: cloneURL, displayURL: displayURL, folder: folder))
    }

    /// `user@host:path` (scp-like ssh).
    private static func parseScp(_ text: String, location: SourceLocation, diagnostics: Diagnostics) -> SourceReference? {
        let colon = text.firstIndex(of: ":")!
        let userHost = String(text[..<colon])
        var path = String(text[text.index(after: colon)...])
        let host = String(userHost.split(separator: "@").last ?? "").lowercased()
        let user = userHost.split(separator: "@").first.map(String.init) ?? "git"
        let absolutePath = path.hasPrefix("/")
        if !absolutePath { path = "/" + path }
        guard let (repoPath, folder) = splitRepoPath(path, host: host, location: location, diagnostics: diagnostics) else { return nil }
        let shownPath = absolutePath ? repoPath : String(repoPath.dropFirst())
        let userPart = user.prefix { $0 != ":" }
        let url = userHost + ":" + shownPath
        return .git(GitSource(cloneURL: url, displayURL: userPart + "@" + host + ":" + shownPath, folder: folder))
    }

    /// Splits a URL path (starting with `/`) into the repository part and the
    /// folder inside it: at `//` if present, else after a component ending in
    /// `.git`, else after `owner/repo` on hosts of `ownerRepoHosts`, else the
    /// whole path is the repository.
    private static func splitRepoPath(
        _ path: String, host: String, location: SourceLocation, diagnostics: Diagnostics
    ) -> (String, String)? {
        var repo: String
        var folder = ""
        var body = path
        var search = body.startIndex
        if body.hasPrefix("//") { search = body.index(body.startIndex, offsetBy: 2) }
        if let sep = body.range(of: "//", range: search..<body.endIndex) {
            repo = String(body[..<sep.lowerBound])
            folder = String(body[sep.upperBound...])
        } else {
            while body.count > 1, body.hasSuffix("/") { body.removeLast() }
            let parts = body.split(separator: "/").map(String.init)
            if let gitIndex = parts.firstIndex(where: { $0.hasSuffix(".git") && $0.count > 4 }) {
                repo = "/" + parts[...gitIndex].joined(separator: "/")
                folder = parts[(gitIndex + 1)...].joined(separator: "/")
            } else if ownerRepoHosts.contains(host) {
                guard parts.count >= 2 else {
                    diagnostics.error(
                        "sources.bad-git-url", "expected \(host)/OWNER/REPO[/folder]", at: location)
                    return nil
                }
                repo = "/" + parts[0..<2].joined(separator: "/")
                folder = parts[2...].joined(separator: "/")
            } else {
                repo = "/" + parts.joined(separator: "/")
                if body.hasPrefix("//") { repo = "/" + repo }
            }
        }
        while repo.count > 1, repo.hasSuffix("/") { repo.removeLast() }
        if repo.isEmpty || repo == "/" {
            diagnostics.error("sources.bad-git-url", "the URL names no repository", at: location)
            return nil
        }
        if !folder.isEmpty {
            guard let parts = PathCleaning.safeComponents(folder) else {
                diagnostics.error(
                    "sources.bad-folder", "the folder '\(folder)' must be a relative path without '..'", at: location)
                return nil
            }
            folder = parts.joined(separator: "/")
        }
        return (repo, folder)
    }

    private static func isScheme(_ s: Substring) -> Bool {
        guard let first = s.unicodeScalars.first, ("a"..."z").contains(first) || ("A"..."Z").contains(first) else { return false }
        return s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "+.-".unicodeScalars.contains($0) }
    }

    /// `user@host:path`: an `@` before the first `:`, and no `/` before the `:`.
    private static func isScpLike(_ text: String) -> Bool {
        guard let colon = text.firstIndex(of: ":") else { return false }
        let head = text[..<colon]
        guard let at = head.firstIndex(of: "@"), at != head.startIndex else { return false }
        if head.contains("/") { return false }
        let host = head[head.index(after: at)...]
        return !host.isEmpty && text.index(after: colon) < text.endIndex
    }

    private static func looksLikeHost(_ s: String) -> Bool {
        guard s.contains("."), !s.hasPrefix("."), !s.hasSuffix(".") else { return false }
        return s.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "." || $0 == ":" }
    }

    private static func absolute(_ text: String, _ cwd: String, _ home: String?) -> String {
        var path = text
        if path == "~" || path.hasPrefix("~/"), let home {
            path = home + path.dropFirst()
        }
        if !path.hasPrefix("/") { path = (cwd.hasSuffix("/") ? cwd : cwd + "/") + path }
        let cleaned = PathCleaning.clean(path)
        return cleaned
    }

    /// Whether `name` can be a branch or tag (git's ref-name rules, simplified:
    /// no control characters, spaces, `~^:?*[\`, `..`, `@{`, leading `-` or `/`,
    /// trailing `/`, `.` or `.lock`).
    package static func isValidBranchName(_ name: String) -> Bool {
        if name.isEmpty || name.hasPrefix("-") || name.hasPrefix("/") || name.hasSuffix("/") || name.hasSuffix(".")
            || name.hasSuffix(".lock") || name.contains("..") || name.contains("@{") || name.contains("//") || name == "@"
        {
            return false
        }
        for s in name.unicodeScalars {
            if s.value < 0x20 || s.value == 0x7f || " ~^:?*[\\".unicodeScalars.contains(s) { return false }
        }
        return !name.split(separator: "/").contains { $0.hasPrefix(".") }
    }

    /// 4 to 40 hexadecimal digits.
    package static func isValidCommit(_ s: String) -> Bool {
        (4...40).contains(s.count) && s.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) || ("A"..."F").contains($0) }
    }

    /// `text` with the user-info part of any `scheme://user:secret@host` URL
    /// removed (scp-like and ssh user names are kept).
    package static func redactCredentials(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://") else { return text }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        let rest = text[schemeEnd.upperBound...]
        let authority = rest.prefix { $0 != "/" }
        guard let at = authority.lastIndex(of: "@") else { return text }
        let userinfo = authority[..<at]
        var kept = ""
        if scheme == "ssh" || scheme == "git" { kept = String(userinfo.prefix { $0 != ":" }) + "@" }
        return text[..<schemeEnd.upperBound] + kept + authority[authority.index(after: at)...] + rest.dropFirst(authority.count)
    }
}
