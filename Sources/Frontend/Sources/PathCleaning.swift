/// Lexical path helpers shared by sources: Go's `path.Clean` (which Docker
/// uses on `.dockerignore` patterns) and a check that a relative path stays
/// inside its root.
package enum PathCleaning {
    /// Go's `path.Clean` on `/`-separated paths: drops empty and `.`
    /// components, resolves `..` lexically (never above `/` for rooted paths),
    /// and returns `.` for an empty result.
    package static func clean(_ path: String) -> String {
        if path.isEmpty { return "." }
        let rooted = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if let last = parts.last, last != ".." {
                    parts.removeLast()
                } else if !rooted {
                    parts.append(part)
                }
                continue
            }
            parts.append(part)
        }
        let body = parts.joined(separator: "/")
        if rooted { return "/" + body }
        return body.isEmpty ? "." : body
    }

    /// The components of a relative path, or nil if it is absolute, empty
    /// after cleaning, or has a `..` component anywhere (even one that would
    /// cancel out): what archives and sub-folders must not contain.
    package static func safeComponents(_ path: String) -> [String]? {
        if path.hasPrefix("/") { return nil }
        var parts: [String] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." { return nil }
            parts.append(String(part))
        }
        return parts.isEmpty ? nil : parts
    }
}

/// Resolves paths inside a tree of files known by relative path, following
/// the tree's own symlinks, to tell whether a link (or a path through links)
/// stays inside the tree's root. Used for archives before extracting and for
/// build contexts before materializing.
package struct ContainedPathResolver {
    /// Symlink targets by relative path (cleaned, `/`-separated).
    package var links: [String: String]

    package init(links: [String: String]) {
        self.links = links
    }

    /// The outcome of resolving a path.
    package enum Resolution: Equatable {
        /// The path resolves to this relative path inside the root ("" is the root).
        case inside(String)
        /// The path leaves the root (via `..`, an absolute link target, or a link that does).
        case escapes
        /// Too many links followed (a loop).
        case loop
    }

    /// Resolves `target` as the target of a symlink stored at `linkPath`
    /// (relative to the link's folder), following links inside the tree.
    package func resolveLinkTarget(_ target: String, at linkPath: String) -> Resolution {
        if target.hasPrefix("/") { return .escapes }
        var parent = linkPath.split(separator: "/").map(String.init)
        if !parent.isEmpty { parent.removeLast() }
        return resolve(components: parent, then: target.split(separator: "/").map(String.init))
    }

    /// Resolves a relative path from the root, following links inside the tree.
    package func resolve(_ path: String) -> Resolution {
        if path.hasPrefix("/") { return .escapes }
        return resolve(components: [], then: path.split(separator: "/").map(String.init))
    }

    private func resolve(components start: [String], then rest: [String]) -> Resolution {
        var done = start
        var pending = Array(rest.reversed())
        var hops = 0
        while let part = pending.popLast() {
            if part.isEmpty || part == "." { continue }
            if part == ".." {
                if done.isEmpty { return .escapes }
                done.removeLast()
                continue
            }
            done.append(part)
            let joined = done.joined(separator: "/")
            if let target = links[joined] {
                hops += 1
                if hops > 40 { return .loop }
                if target.hasPrefix("/") { return .escapes }
                done.removeLast()
                pending.append(contentsOf: target.split(separator: "/").map(String.init).reversed())
            }
        }
        return .inside(done.joined(separator: "/"))
    }
}
