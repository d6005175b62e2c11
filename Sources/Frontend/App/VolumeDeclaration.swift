import IR

/// A volume as written in a Containerfile `VOLUME`, a `--cvol` flag or
/// `container.config(volumes=)`, parsed but not yet named:
/// `/path`, `name:/path`, `/abs:/path`, `./rel:/path`, `cl_secret:template:/path`, each with an optional `:ro`.
package struct VolumeDeclaration: Hashable, Sendable {
    package enum Kind: Hashable, Sendable {
        case anonymous, named, bind, secretFile
    }

    package var kind: Kind
    /// Volume name (named), host path (bind) or template path (secretFile).
    package var source: String?
    package var target: String
    package var readOnly: Bool
    package var declaration: String

    /// Parses one declaration; reports a located error and returns nil when it is malformed.
    package static func parse(_ raw: String, location: SourceLocation?, into diags: Diagnostics) -> VolumeDeclaration? {
        var parts = raw.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        var readOnly = false
        if parts.count > 1, let last = parts.last, last == "ro" || last == "rw" {
            readOnly = last == "ro"
            parts.removeLast()
        }
        func bad(_ why: String) -> VolumeDeclaration? {
            diags.error("volume.invalid", "volume \"\(raw)\": \(why); use /path, name:/path, /host/path:/path, ./rel:/path or cl_secret:template:/path, optionally followed by :ro", at: location)
            return nil
        }
        func checkTarget(_ t: String) -> Bool {
            t.hasPrefix("/") && !t.split(separator: "/").contains("..")
        }
        if parts.first == "cl_secret" {
            guard parts.count == 3 else { return bad("a cl_secret volume has three parts, cl_secret:template:/path") }
            let template = parts[1], target = parts[2]
            guard !template.isEmpty else { return bad("the template path is empty") }
            guard !template.hasPrefix("/"), !template.split(separator: "/").contains("..") else {
                return bad("the template must be a path inside the app source or spec")
            }
            guard checkTarget(target) else { return bad("the mount point must be an absolute path without '..'") }
            // Secret files are always mounted read-only.
            return VolumeDeclaration(kind: .secretFile, source: template, target: target, readOnly: true, declaration: raw)
        }
        switch parts.count {
        case 1:
            let target = parts[0]
            guard checkTarget(target) else { return bad("the mount point must be an absolute path without '..'") }
            return VolumeDeclaration(kind: .anonymous, source: nil, target: target, readOnly: readOnly, declaration: raw)
        case 2:
            let (source, target) = (parts[0], parts[1])
            guard !source.isEmpty else { return bad("the part before ':' is empty") }
            guard checkTarget(target) else { return bad("the mount point must be an absolute path without '..'") }
            if source.hasPrefix("/") || source.hasPrefix("./") || source.hasPrefix("../") || source == "." {
                return VolumeDeclaration(kind: .bind, source: source, target: target, readOnly: readOnly, declaration: raw)
            }
            guard source.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "." || $0 == "-" }),
                  let first = source.unicodeScalars.first, ("a"..."z").contains(first) || ("A"..."Z").contains(first) || ("0"..."9").contains(first) else {
                return bad("a volume name may hold letters, digits, '_', '.' and '-' and must start with a letter or digit (a host path starts with / or ./)")
            }
            return VolumeDeclaration(kind: .named, source: source, target: target, readOnly: readOnly, declaration: raw)
        default:
            return bad("too many ':'")
        }
    }
}
