/// One output of a backend, relative to `dist/<kind>/<slug>/`.
package struct Artifact: Hashable, Sendable {
    package enum Content: Hashable, Sendable {
        /// A file with these bytes.
        case file([UInt8], mode: FileMode)
        /// The app's build context (source with the spec's files under it, and a
        /// generated Containerfile), which the CLI materializes at `path`:
        /// backends name the place, the CLI does the I/O.
        case buildContext
    }

    /// Permission bits of a written file.
    package enum FileMode: UInt16, Hashable, Sendable {
        case regular = 0o644
        case executable = 0o755
    }

    /// Relative, `/`-separated, no `..`.
    package var path: String
    package var content: Content

    package init(path: String, content: Content) {
        self.path = path
        self.content = content
    }

    package static func file(_ path: String, _ text: String, mode: FileMode = .regular) -> Artifact {
        Artifact(path: path, content: .file(Array(text.utf8), mode: mode))
    }
}
