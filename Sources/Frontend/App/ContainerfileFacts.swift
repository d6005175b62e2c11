import IR

/// What the lowering needs to know about a Containerfile: the facts of its
/// final stage, each with its location. Filled from the Containerfile
/// frontend's semantic model.
package struct ContainerfileFacts: Sendable {
    /// One `EXPOSE` token, as written (`8080`, `8080/tcp`, `$PORT`).
    package struct Expose: Sendable {
        package var text: String
        package var location: SourceLocation?
        package init(text: String, location: SourceLocation?) {
            self.text = text
            self.location = location
        }
    }

    /// One `ARG` (global or final-stage) with its default.
    package struct Arg: Sendable {
        package var name: String
        package var defaultValue: String?
        package var location: SourceLocation?
        package init(name: String, defaultValue: String?, location: SourceLocation?) {
            self.name = name
            self.defaultValue = defaultValue
            self.location = location
        }
    }

    package var expose: [Expose] = []
    package var volumes: [(String, SourceLocation?)] = []
    package var args: [Arg] = []
    package var baseImages: [String] = []
    package var stopSignal: String?

    package init() {}

    /// The port OpenRun takes from `EXPOSE`: the last token (of any EXPOSE)
    /// that is digits, optionally followed by `/tcp`. (OpenRun itself reads only
    /// the first token of each EXPOSE and rejects `/tcp`; see docs/compat.md.)
    package var exposedPort: (Int, SourceLocation?)? {
        var found: (Int, SourceLocation?)?
        for e in expose {
            var t = Substring(e.text)
            if t.hasSuffix("/tcp") { t = t.dropLast(4) }
            guard !t.isEmpty, t.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
                  let n = Int(t), (1...65535).contains(n) else { continue }
            found = (n, e.location)
        }
        return found
    }
}

/// Read access to the files of the build context: the app source with the
/// spec laid under it (the source's own file wins).
package protocol AppFileLookup: Sendable {
    /// Whether the app source itself has this file.
    func sourceHas(_ path: String) -> Bool
    /// Whether the spec has this file.
    func specHas(_ path: String) -> Bool
    /// The file's bytes from the merged view (source first, then spec), nil if absent.
    func read(_ path: String) -> [UInt8]?
    /// How diagnostics name the file (spec files are marked as such).
    func displayPath(_ path: String) -> String
    /// Why `path` cannot be read although it exists (a symlink out of its
    /// folder, or a loop), or nil.
    func linkProblem(_ path: String) -> Diagnostic?
}

extension AppFileLookup {
    package func displayPath(_ path: String) -> String { path }
    package func linkProblem(_ path: String) -> Diagnostic? { nil }
}
