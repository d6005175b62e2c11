import Foundation

/// OpenSSH `known_hosts` files, to verify the host key of an ssh git server
/// (libgit2 1.5 does not check host keys itself).
///
/// Understood: comma-separated host patterns with `*` and `?` wildcards and
/// `!` negation, `[host]:port` for ports other than 22, hashed host names
/// (`|1|salt|hash`, HMAC-SHA1), and the `@revoked` marker. `@cert-authority`
/// lines are skipped (host certificates are not supported).
package struct KnownHosts: Sendable {
    /// One key line.
    package struct Entry: Sendable, Equatable {
        /// `@revoked` or `@cert-authority`, if the line has a marker.
        package var marker: String?
        /// The host pattern field as written.
        package var hosts: String
        /// The key type as written (`ssh-ed25519`, `ssh-rsa`, ...).
        package var keyType: String
        /// The decoded key blob (SSH wire format).
        package var key: [UInt8]
    }

    package var entries: [Entry]

    package init(entries: [Entry] = []) {
        self.entries = entries
    }

    /// Parses a known_hosts file; malformed lines are skipped, as ssh does.
    package static func parse(_ text: String) -> KnownHosts {
        var entries: [Entry] = []
        for raw in text.split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            var fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            var marker: String?
            if let first = fields.first, first.hasPrefix("@") {
                marker = first
                fields.removeFirst()
            }
            guard fields.count >= 3, let key = Data(base64Encoded: fields[2]) else { continue }
            entries.append(Entry(marker: marker, hosts: fields[0], keyType: fields[1], key: [UInt8](key)))
        }
        return KnownHosts(entries: entries)
    }

    /// Reads and concatenates the files that exist (missing ones are skipped).
    package static func load(_ paths: [String]) -> KnownHosts {
        var all = KnownHosts()
        for path in paths {
            if let text = try? String(contentsOfFile: path, encoding: .utf8) {
                all.entries += parse(text).entries
            }
        }
        return all
    }

    /// The files to read: `OPENRUN_SSH_KNOWN_HOSTS` alone when set, else the
    /// user's and the system's files, as ssh reads them.
    package static func defaultPaths(environment: [String: String]) -> [String] {
        if let file = environment["OPENRUN_SSH_KNOWN_HOSTS"], !file.isEmpty { return [file] }
        var paths: [String] = []
        if let home = environment["HOME"], !home.isEmpty {
            paths += [home + "/.ssh/known_hosts", home + "/.ssh/known_hosts2"]
        }
        return paths + ["/etc/ssh/ssh_known_hosts", "/etc/ssh/ssh_known_hosts2"]
    }

    /// What the files say about a host's key.
    package enum Verdict: Equatable, Sendable {
        /// A line for this host holds this key.
        case trusted
        /// Lines for this host hold other keys of the same type: possibly a man in the middle.
        case mismatch
        /// No line for this host and key type.
        case unknown
        /// The key is marked `@revoked`.
        case revoked
    }

    /// The name known_hosts uses: `host`, or `[host]:port` for a port other than 22.
    package static func lookupName(host: String, port: Int?) -> String {
        let h = host.lowercased()
        guard let port, port != 22 else { return h }
        return "[\(h)]:\(port)"
    }

    /// Judges `key` (the server's key blob) for `host` and `port`.
    package func verify(host: String, port: Int?, key: [UInt8]) -> Verdict {
        let name = Self.lookupName(host: host, port: port)
        let type = Self.keyType(of: key)
        var trusted = false
        var mismatch = false
        for e in entries where Self.hostMatches(e.hosts, name: name) {
            if e.marker == "@revoked" {
                if e.key == key { return .revoked }
                continue
            }
            if e.marker != nil { continue }
            if e.key == key {
                trusted = true
            } else if type == nil || Self.keyType(of: e.key) == type {
                mismatch = true
            }
        }
        if trusted { return .trusted }
        return mismatch ? .mismatch : .unknown
    }

    /// The type string at the start of an SSH key blob.
    static func keyType(of blob: [UInt8]) -> String? {
        guard blob.count >= 4 else { return nil }
        let n = Int(blob[0]) << 24 | Int(blob[1]) << 16 | Int(blob[2]) << 8 | Int(blob[3])
        guard n > 0, blob.count >= 4 + n else { return nil }
        return String(decoding: blob[4..<(4 + n)], as: UTF8.self)
    }

    /// OpenSSH's host matching: a hashed field, or a comma-separated list of
    /// patterns where any `!pattern` match rejects and otherwise any match accepts.
    static func hostMatches(_ field: String, name: String) -> Bool {
        if field.hasPrefix("|1|") {
            let parts = field.split(separator: "|", omittingEmptySubsequences: false)
            guard parts.count == 4, let salt = Data(base64Encoded: String(parts[2])),
                let hash = Data(base64Encoded: String(parts[3]))
            else { return false }
            return SHA1.hmac(key: [UInt8](salt), message: Array(name.utf8)) == [UInt8](hash)
        }
        var matched = false
        for pattern in field.split(separator: ",") {
            var p = pattern.lowercased()
            let negated = p.hasPrefix("!")
            if negated { p.removeFirst() }
            if wildcardMatch(Array(p.unicodeScalars), Array(name.unicodeScalars)) {
                if negated { return false }
                matched = true
            }
        }
        return matched
    }

    /// `*` and `?` wildcards over the whole name.
    static func wildcardMatch(_ p: [Unicode.Scalar], _ s: [Unicode.Scalar]) -> Bool {
        var pi = 0, si = 0, star = -1, mark = 0
        while si < s.count {
            if pi < p.count, p[pi] == "?" || p[pi] == s[si] {
                pi += 1
                si += 1
            } else if pi < p.count, p[pi] == "*" {
                star = pi
                mark = si
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                si = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
