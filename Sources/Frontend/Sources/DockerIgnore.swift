import IR

/// A parsed `.dockerignore`, applied exactly as Docker/BuildKit apply it
/// (moby/patternmatcher's `ignorefile.ReadAll` + `MatchesUsingParentResults`,
/// as fsutil's walker uses them).
///
/// Reading: a UTF-8 BOM is dropped; a line whose first character is `#` is a
/// comment (only at column 1); lines are trimmed; blank lines are skipped; a
/// leading `!` marks an exception; each pattern is cleaned and a leading `/`
/// removed. Matching: patterns apply in order and the last one that matches
/// a path (or, for patterns not yet decided, one of its parent folders) wins.
package struct DockerIgnore: Sendable {
    /// One pattern and the line it came from (1-based).
    package struct Rule: Sendable {
        package var pattern: IgnorePattern
        package var line: Int
    }

    package var rules: [Rule]

    /// Whether any rule is an exception (`!`): excluded folders must then be
    /// walked, since a file inside may be re-included.
    package var hasExclusions: Bool { rules.contains { $0.pattern.isExclusion } }

    package init(rules: [Rule] = []) {
        self.rules = rules
    }

    /// Parses `.dockerignore` text. `file` names it in diagnostics (e.g.
    /// `.dockerignore`); malformed patterns are errors located at their line.
    package static func parse(_ text: String, file: String = ".dockerignore") throws(DiagnosticError) -> DockerIgnore {
        let diagnostics = Diagnostics()
        var rules: [Rule] = []
        // Split on scalars: "\r\n" is one Character and would not split on "\n".
        var lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { String(String.UnicodeScalarView($0)) }
        if let first = lines.first, first.hasPrefix("\u{FEFF}") {
            lines[0] = String(first.dropFirst())
        }
        for (index, rawLine) in lines.enumerated() {
            var line = rawLine
            if line.unicodeScalars.last == "\r" { line.unicodeScalars.removeLast() }
            if line.hasPrefix("#") { continue }
            var pattern = line.trimmingWhitespace()
            if pattern.isEmpty { continue }
            let invert = pattern.hasPrefix("!")
            if invert { pattern = String(pattern.dropFirst()).trimmingWhitespace() }
            if !pattern.isEmpty {
                pattern = PathCleaning.clean(pattern)
                if pattern.count > 1, pattern.hasPrefix("/") { pattern.removeFirst() }
            }
            if invert { pattern = "!" + pattern }
            do {
                if let compiled = try IgnorePattern.compile(pattern) {
                    rules.append(Rule(pattern: compiled, line: index + 1))
                }
            } catch {
                diagnostics.error(
                    "sources.dockerignore-bad-pattern",
                    "invalid .dockerignore pattern '\(line.trimmingWhitespace())': \(error.message)",
                    at: SourceLocation(file: file, line: index + 1, column: 1))
            }
        }
        try diagnostics.check()
        return DockerIgnore(rules: rules)
    }

    /// Per-pattern results for a folder, passed down to its children
    /// (patternmatcher's `MatchInfo`). Empty for top-level entries.
    package struct ParentResults: Sendable {
        package var matched: [Bool] = []
        package init() {}
    }

    /// Whether `path` is ignored, given the results of its parent folder;
    /// also returns the results to pass to this path's children.
    package func isIgnored(_ path: String, parent: ParentResults) -> (ignored: Bool, results: ParentResults) {
        let parentMatched = parent.matched
        var matched = false
        var info = ParentResults()
        info.matched = Array(repeating: false, count: rules.count)
        for (i, rule) in rules.enumerated() {
            var match = parentMatched.isEmpty ? false : parentMatched[i]
            if !match {
                if rule.pattern.isExclusion != matched { continue }
                match = rule.pattern.matches(path)
                if !match, parentMatched.isEmpty {
                    let parts = path.split(separator: "/", omittingEmptySubsequences: false)
                    if parts.count > 1 {
                        for n in 1..<parts.count {
                            if rule.pattern.matches(parts[0..<n].joined(separator: "/")) {
                                match = true
                                break
                            }
                        }
                    }
                }
            }
            info.matched[i] = match
            if match { matched = !rule.pattern.isExclusion }
        }
        return (matched, info)
    }

    /// Whether `path` is ignored, computing parent results from scratch
    /// (patternmatcher's `MatchesOrParentMatches`-equivalent entry point for
    /// one path; a walk should pass parent results instead).
    package func isIgnored(_ path: String) -> Bool {
        let parts = path.split(separator: "/").map(String.init)
        var results = ParentResults()
        var ignored = false
        for n in 1...max(parts.count, 1) {
            let prefix = parts.prefix(n).joined(separator: "/")
            (ignored, results) = isIgnored(prefix, parent: results)
        }
        return ignored
    }
}
