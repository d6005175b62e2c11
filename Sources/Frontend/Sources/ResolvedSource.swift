import IR

/// A source made local: the folder holding the app's files (or none), what
/// it came from, and for git the resolved commit.
package struct ResolvedSource: Sendable {
    /// What the user asked for.
    package var reference: SourceReference
    /// The app's files (absolute); nil for `-`.
    package var root: String?
    /// For git sources: the full SHA that was checked out.
    package var commit: String?
    /// A folder made for this source (an extracted archive) that `cleanup()`
    /// removes; nil when nothing temporary was made.
    package var temporaryFolder: String?
    /// Warnings found while resolving (e.g. `sources.git-offline`).
    package var warnings: [Diagnostic]

    package init(
        reference: SourceReference, root: String?, commit: String? = nil, temporaryFolder: String? = nil,
        warnings: [Diagnostic] = []
    ) {
        self.reference = reference
        self.root = root
        self.commit = commit
        self.temporaryFolder = temporaryFolder
        self.warnings = warnings
    }

    /// The normalized display form (credentials removed), with the resolved commit for git.
    package var display: String {
        if case .git(let g) = reference, let commit {
            return g.display + "@" + commit
        }
        return reference.display
    }

    /// The files of the source (`.git/` skipped, `.dockerignore` honoured); empty for `-`.
    package func listing(applyDockerIgnore: Bool = true) throws(DiagnosticError) -> SourceListing {
        guard let root else { return SourceListing(root: "", files: []) }
        return try SourceListing.walk(root, applyDockerIgnore: applyDockerIgnore)
    }

    /// The content digest of `listing()` (docs/sources.md).
    package func digest() throws(DiagnosticError) -> String {
        try listing().digest()
    }

    /// Removes temporary folders made for this source (git checkouts stay in the cache).
    package func cleanup() {
        if let temporaryFolder { FileIO.removeTree(temporaryFolder) }
    }
}
