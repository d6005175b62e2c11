import IR

/// The content digest of a list of files, version 1 (docs/sources.md):
///
/// SHA-256 over the ASCII header `openrun-source-digest-v1\n`, then for each
/// entry in path-byte order one record:
/// `kind` (1 byte: `f` file, `l` symlink), `len(path)` (8 bytes big-endian),
/// the path's UTF-8 bytes, `mode` (1 byte: 1 for a file with an execute bit,
/// else 0), `len(data)` (8 bytes big-endian), `data` (the file's bytes or the
/// link's target). Rendered as `sha256:<64 lowercase hex>`. mtimes, owners
/// and other permission bits are not part of it.
package enum ContentDigest {
    /// The header that versions the record format.
    package static let header = "openrun-source-digest-v1\n"

    /// The digest of `files` (sorted here by path bytes, so order does not matter).
    package static func digest(_ files: [SourceFile]) throws(DiagnosticError) -> String {
        let sorted = files.sorted { $0.path.utf8.lexicographicallyPrecedes($1.path.utf8) }
        var h = SHA256()
        h.update(header)
        for f in sorted {
            switch f.kind {
            case .file(let executable, _):
                h.update([UInt8(ascii: "f")])
                appendLength(f.path.utf8.count, to: &h)
                h.update(f.path)
                h.update([executable ? 1 : 0])
                if let contents = f.contents {
                    appendLength(contents.count, to: &h)
                    h.update(contents)
                } else {
                    try FileIO.streamFile(f.diskPath, location: .file(f.path)) { size in
                        appendLength(size, to: &h)
                    } chunk: { buffer in
                        h.update(buffer: buffer)
                    }
                }
            case .symlink(let target):
                h.update([UInt8(ascii: "l")])
                appendLength(f.path.utf8.count, to: &h)
                h.update(f.path)
                h.update([0])
                appendLength(target.utf8.count, to: &h)
                h.update(target)
            }
        }
        return "sha256:" + h.hexDigest()
    }

    private static func appendLength(_ n: Int, to h: inout SHA256) {
        let v = UInt64(n)
        h.update((0..<8).map { UInt8(truncatingIfNeeded: v >> (56 - 8 * UInt64($0))) })
    }
}
