import IR

/// A `key=value` command-line flag (`--param`, `--carg`, `--copt`), with the
/// location diagnostics point at (the flag as the user typed it).
package struct KeyValueFlag: Hashable, Sendable {
    package var key: String
    package var value: String
    /// Whether the flag had an `=` at all (`--copt docker.privileged` has none).
    package var hasValue: Bool
    package var location: SourceLocation

    /// Splits `raw` at the first `=`. A missing key is an error; a missing `=`
    /// is an error unless `valueOptional`.
    package static func parse(flag: String, _ raw: String, valueOptional: Bool = false, into diags: Diagnostics) -> KeyValueFlag? {
        let location = SourceLocation.flag(flag, raw)
        guard let eq = raw.firstIndex(of: "=") else {
            if valueOptional, !raw.isEmpty {
                return KeyValueFlag(key: raw, value: "", hasValue: false, location: location)
            }
            diags.error("flags.malformed", "\(flag) expects key=value, got \"\(raw)\"", at: location)
            return nil
        }
        let key = String(raw[..<eq]).trimmingWhitespace()
        guard !key.isEmpty else {
            diags.error("flags.malformed", "\(flag) expects key=value, but the key is empty in \"\(raw)\"", at: location)
            return nil
        }
        return KeyValueFlag(key: key, value: String(raw[raw.index(after: eq)...]), hasValue: true, location: location)
    }
}

/// Where an app is served: `/path` or `domain:/path`.
package struct AppPath: Hashable, Sendable {
    package var domain: String?
    /// Always starts with `/`; no trailing slash except for the root.
    package var path: String

    /// Parses and normalizes an app path; reports problems at `location`.
    package static func parse(_ raw: String, location: SourceLocation, into diags: Diagnostics) -> AppPath? {
        var domain: String?
        var path = raw
        if !raw.hasPrefix("/") {
            guard let colon = raw.firstIndex(of: ":") else {
                diags.error("app.path-invalid", "app path \"\(raw)\" must be /path or domain:/path", at: location)
                return nil
            }
            domain = String(raw[..<colon]).lowercased()
            path = String(raw[raw.index(after: colon)...])
            if path.isEmpty { path = "/" }
        }
        if let d = domain, !isValidDomain(d) {
            diags.error("app.domain-invalid", "\"\(d)\" is not a valid domain name (letters, digits, '-' and '.', labels of 1-63 characters)", at: location)
            return nil
        }
        guard path.hasPrefix("/") else {
            diags.error("app.path-invalid", "app path \"\(path)\" must start with /", at: location)
            return nil
        }
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        for segment in path.split(separator: "/", omittingEmptySubsequences: false).dropFirst() where path != "/" {
            if segment.isEmpty || segment == "." || segment == ".." {
                diags.error("app.path-invalid", "app path \"\(path)\" has an empty, '.' or '..' segment", at: location)
                return nil
            }
            if let bad = segment.unicodeScalars.first(where: { !isPathScalar($0) }) {
                diags.error("app.path-invalid", "app path \"\(path)\" contains \"\(bad)\"; use letters, digits and - . _ ~", at: location)
                return nil
            }
        }
        return AppPath(domain: domain, path: path)
    }

    static func isPathScalar(_ u: Unicode.Scalar) -> Bool {
        switch u {
        case "a"..."z", "A"..."Z", "0"..."9", "-", ".", "_", "~": true
        default: false
        }
    }

    static func isValidDomain(_ d: String) -> Bool {
        guard !d.isEmpty, d.utf8.count <= 253 else { return false }
        for label in d.split(separator: ".", omittingEmptySubsequences: false) {
            guard (1...63).contains(label.utf8.count), label.first != "-", label.last != "-" else { return false }
            guard label.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }) else { return false }
        }
        return true
    }
}
