/// One entry of a source listing: a regular file or a symlink (folders are
/// implied by paths; empty folders are not listed).
package struct SourceFile: Equatable, Sendable {
    /// What the entry is.
    package enum Kind: Equatable, Sendable {
        /// A regular file; `executable` when any execute bit is set.
        case file(executable: Bool, size: Int)
        /// A symbolic link and its target, exactly as stored (not followed).
        case symlink(target: String)
    }

    /// Path relative to the listing's root, `/`-separated, no leading `./`.
    package var path: String
    package var kind: Kind
    /// Absolute path on disk to read the entry from ("" for an in-memory file).
    package var diskPath: String
    /// The bytes of an in-memory file (a bundled spec's), read instead of `diskPath`.
    package var contents: [UInt8]?

    package init(path: String, kind: Kind, diskPath: String, contents: [UInt8]? = nil) {
        self.path = path
        self.kind = kind
        self.diskPath = diskPath
        self.contents = contents
    }

    /// Whether the entry is a regular file with an execute bit.
    package var isExecutable: Bool {
        if case .file(let x, _) = kind { return x }
        return false
    }

    /// The symlink target, if the entry is a symlink.
    package var symlinkTarget: String? {
        if case .symlink(let t) = kind { return t }
        return nil
    }
}
