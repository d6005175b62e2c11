/// Names openrun generates: the app slug, and names valid for Docker/Podman,
/// Kubernetes and systemd derived from it.
///
/// **The slug** (`appSlug(domain:path:)`) is the app's domain labels and path
/// segments, lowercased, joined with `-`: `example.com:/app/x` →
/// `example-com-app-x`, `/` → `root`, `example.com:/` → `example-com`.
/// It is a DNS-1123 label that starts with a letter (so it is also a
/// DNS-1035 label, as Kubernetes Services need), at most `slugMaxLength`
/// (40) characters, so that `<slug>-<suffix>` names stay within 63.
///
/// When the readable form loses information — any character other than
/// lowercase ASCII letters and digits inside a label or segment, uppercase,
/// empty segments (`//`, a trailing `/`), a leading digit, a one-letter
/// result, a result of `root` for anything but `/`, or more than 40
/// characters — `-` and an 8-hex-digit hash of the exact input are
/// appended (the readable part shortened to make room). Two apps therefore
/// share a slug only when their domain labels and path segments are the
/// same lowercase alphanumeric tokens in the same order (`a.b:/` and
/// `/a/b` both give `a-b`).
///
/// **The hash** is FNV-1a 64 of the UTF-8 input (`domain + ":" + path`),
/// its two 32-bit halves XORed, as 8 lowercase hex digits. It is for
/// telling names apart, not for security.
public enum Naming {
    /// The longest slug `appSlug` returns.
    public static let slugMaxLength = 40

    // MARK: - Slug

    /// The stable slug of an app served at `domain` (empty or nil for none)
    /// and `path` (`/`, `/app/x`).
    public static func appSlug(domain: String?, path: String) -> String {
        let domain = domain ?? ""
        let exact = domain + ":" + path
        var tokens: [String] = []
        var lossless = true

        if !domain.isEmpty {
            let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
            for label in labels {
                if label.isEmpty || !isLowerAlphanumeric(label) { lossless = false }
            }
            tokens += alphanumericRuns(domain)
        }
        if path != "/" {
            if !path.hasPrefix("/") { lossless = false }
            let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst(path.hasPrefix("/") ? 1 : 0)
            for segment in segments where segment.isEmpty || !isLowerAlphanumeric(segment) {
                lossless = false
            }
            tokens += alphanumericRuns(path)
        }
        var readable = tokens.joined(separator: "-")
        if readable.isEmpty {
            if domain.isEmpty && path == "/" { return "root" }
            lossless = false
            readable = "app"
        } else if readable == "root" {
            lossless = false  // only `/` is plain `root`
        }
        if readable.count < 2 { lossless = false }
        if let first = readable.first, first.isNumber {
            lossless = false
            readable = "app-" + readable
        }
        if lossless && readable.count <= slugMaxLength { return readable }
        return withHash(readable, of: exact, maxLength: slugMaxLength)
    }

    /// The slug of an app path as the CLI takes it: `/path`, `domain:/path`,
    /// or `domain:` (the domain's root, as in OpenRun's `counter.:`).
    public static func appSlug(appPath: String) -> String {
        if appPath.hasPrefix("/") { return appSlug(domain: nil, path: appPath) }
        guard let colon = appPath.firstIndex(of: ":") else { return appSlug(domain: appPath, path: "/") }
        let domain = String(appPath[..<colon])
        let rest = String(appPath[appPath.index(after: colon)...])
        return appSlug(domain: domain, path: rest.isEmpty ? "/" : rest)
    }

    /// `readable` shortened to fit `maxLength` together with `-` and the hash of `exact`.
    static func withHash(_ readable: String, of exact: String, maxLength: Int) -> String {
        let hash = shortHash(exact)
        var head = String(readable.prefix(max(0, maxLength - hash.count - 1)))
        while head.hasSuffix("-") || head.hasSuffix(".") || head.hasSuffix("_") { head.removeLast() }
        return head.isEmpty ? hash : head + "-" + hash
    }

    /// FNV-1a 64 of the UTF-8 bytes of `s`.
    public static func fnv1a64(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        return h
    }

    /// The 8-hex-digit hash names carry when they are shortened or normalised.
    public static func shortHash(_ s: String) -> String {
        let h = fnv1a64(s)
        let folded = UInt32(truncatingIfNeeded: h >> 32) ^ UInt32(truncatingIfNeeded: h)
        let hex = String(folded, radix: 16)
        return String(repeating: "0", count: 8 - hex.count) + hex
    }

    private static func isLowerAlphanumeric<S: StringProtocol>(_ s: S) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { isLowerAlnum($0) }
    }

    private static func isLowerAlnum(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
    }

    /// Maximal runs of ASCII letters and digits, lowercased.
    private static func alphanumericRuns(_ s: String) -> [String] {
        var out: [String] = []
        var current = ""
        for b in s.utf8 {
            let lower = (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) ? b + 32 : b
            if isLowerAlnum(lower) {
                current.unicodeScalars.append(Unicode.Scalar(lower))
            } else if !current.isEmpty {
                out.append(current)
                current = ""
            }
        }
        if !current.isEmpty { out.append(current) }
        return out
    }

    // MARK: - Validators

    /// A Kubernetes DNS-1123 label: `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63.
    public static func isValidDNS1123Label(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard !b.isEmpty, b.count <= 63, isLowerAlnum(b.first!), isLowerAlnum(b.last!) else { return false }
        return b.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
    }

    /// A Kubernetes DNS-1035 label (Service names): a DNS-1123 label that starts with a letter.
    public static func isValidDNS1035Label(_ s: String) -> Bool {
        guard let f = s.utf8.first, f >= UInt8(ascii: "a"), f <= UInt8(ascii: "z") else { return false }
        return isValidDNS1123Label(s)
    }

    /// A Kubernetes DNS-1123 subdomain: labels joined by `.`, at most 253.
    public static func isValidDNS1123Subdomain(_ s: String) -> Bool {
        guard !s.isEmpty, s.utf8.count <= 253 else { return false }
        return s.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            let b = Array(label.utf8)
            guard let first = b.first, let last = b.last, isLowerAlnum(first), isLowerAlnum(last) else { return false }
            return b.allSatisfy { isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
        }
    }

    private static func isAlnum(_ b: UInt8) -> Bool {
        isLowerAlnum(b) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
    }

    /// A Docker/Podman container or volume name: `[a-zA-Z0-9][a-zA-Z0-9_.-]+`
    /// (so at least two characters); openrun also keeps them within 128.
    public static func isValidDockerName(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard b.count >= 2, b.count <= 128, isAlnum(b[0]) else { return false }
        return b.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    /// A Docker image repository path (the name without registry host):
    /// components `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*` joined by `/`, at most 255.
    public static func isValidImageRepository(_ s: String) -> Bool {
        guard !s.isEmpty, s.utf8.count <= 255 else { return false }
        return s.split(separator: "/", omittingEmptySubsequences: false).allSatisfy(isValidRepositoryComponent)
    }

    private static func isValidRepositoryComponent(_ c: Substring) -> Bool {
        let b = Array(c.utf8)
        guard let first = b.first, let last = b.last, isLowerAlnum(first), isLowerAlnum(last) else { return false }
        var i = 0
        while i < b.count {
            if isLowerAlnum(b[i]) {
                i += 1
                continue
            }
            // A separator: ".", "_", "__" or a run of "-".
            var j = i
            if b[i] == UInt8(ascii: ".") {
                j += 1
            } else if b[i] == UInt8(ascii: "_") {
                j += 1
                if j < b.count, b[j] == UInt8(ascii: "_") { j += 1 }
            } else if b[i] == UInt8(ascii: "-") {
                while j < b.count, b[j] == UInt8(ascii: "-") { j += 1 }
            } else {
                return false
            }
            guard j < b.count, isLowerAlnum(b[j]) else { return false }
            i = j
        }
        return true
    }

    /// A Docker image tag: `[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}`.
    public static func isValidImageTag(_ s: String) -> Bool {
        let b = Array(s.utf8)
        guard !b.isEmpty, b.count <= 128, isAlnum(b[0]) || b[0] == UInt8(ascii: "_") else { return false }
        return b.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    /// Unit types systemd knows (the part after the last dot of a unit name).
    public static let systemdUnitTypes: Set<String> = [
        "service", "socket", "device", "mount", "automount", "swap", "target", "path", "timer",
        "slice", "scope",
        // Podman quadlet source files use these suffixes for the units they generate.
        "container", "volume", "network", "kube", "image", "build", "pod",
    ]

    /// A systemd unit name: `PREFIX[@INSTANCE].TYPE`, at most 255, the
    /// prefix and instance of `[A-Za-z0-9:_.\-]` (the instance may be empty),
    /// TYPE a known unit type.
    public static func isValidSystemdUnitName(_ s: String) -> Bool {
        guard s.utf8.count <= 255, let dot = s.lastIndex(of: ".") else { return false }
        let type = String(s[s.index(after: dot)...])
        guard systemdUnitTypes.contains(type) else { return false }
        let name = s[..<dot]
        let parts = name.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count <= 2, let prefix = parts.first, !prefix.isEmpty else { return false }
        func ok(_ p: Substring) -> Bool {
            p.utf8.allSatisfy { isAlnum($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "\\") }
        }
        return parts.allSatisfy(ok)
    }

    // MARK: - Sanitizers

    /// `s` as a DNS-1123 label: lowercased, runs of other characters as one
    /// `-`, trimmed; a hash of `s` is appended when anything changed or it
    /// had to be shortened to `maxLength` (≤ 63). Empty input gives `x-HASH`.
    public static func dns1123Label(_ s: String, maxLength: Int = 63) -> String {
        let limit = min(max(maxLength, 10), 63)
        let readable = alphanumericRuns(s).joined(separator: "-")
        if readable == s && isValidDNS1123Label(s) && s.count <= limit { return s }
        return withHash(readable.isEmpty ? "x" : readable, of: s, maxLength: limit)
    }

    /// `s` as a DNS-1123 subdomain (labels sanitized like `dns1123Label`,
    /// at most 253); unchanged when already valid.
    public static func dns1123Subdomain(_ s: String) -> String {
        if isValidDNS1123Subdomain(s) { return s }
        let labels = s.split(separator: ".").map { alphanumericRuns(String($0)).joined(separator: "-") }.filter { !$0.isEmpty }
        let joined = labels.joined(separator: ".")
        let hash = shortHash(s)
        var head = String(joined.prefix(253 - hash.count - 1))
        while let l = head.last, !isLowerAlnum(l.asciiValue ?? 0) { head.removeLast() }
        return head.isEmpty ? "x-" + hash : head + "-" + hash
    }

    /// `s` as a Docker container or volume name (letters, digits, `_ . -`;
    /// first a letter or digit; 2 to 128); unchanged when already valid,
    /// else the invalid characters become `-` and a hash is appended.
    public static func dockerName(_ s: String) -> String {
        if isValidDockerName(s) { return s }
        var out = ""
        for b in s.utf8 {
            if isAlnum(b) || b == UInt8(ascii: "_") || b == UInt8(ascii: ".") || b == UInt8(ascii: "-") {
                out.unicodeScalars.append(Unicode.Scalar(b))
            } else if !out.hasSuffix("-") {
                out += "-"
            }
        }
        while let f = out.utf8.first, !isAlnum(f) { out.removeFirst() }
        return withHash(out.isEmpty ? "x" : out, of: s, maxLength: 128)
    }

    /// `s` as one image repository component (lowercase; `-` between
    /// alphanumeric runs); unchanged when already valid.
    public static func imageRepositoryComponent(_ s: String) -> String {
        if !s.contains("/"), isValidImageRepository(s), s.utf8.count <= 128 { return s }
        let readable = alphanumericRuns(s).joined(separator: "-")
        return withHash(readable.isEmpty ? "x" : readable, of: s, maxLength: 128)
    }

    /// `s` as an image tag; unchanged when already valid, else invalid
    /// characters become `-`, and a hash is appended.
    public static func imageTag(_ s: String) -> String {
        if isValidImageTag(s) { return s }
        var out = ""
        for b in s.utf8 {
            out += (isAlnum(b) || b == UInt8(ascii: "_") || b == UInt8(ascii: ".") || b == UInt8(ascii: "-"))
                ? String(Unicode.Scalar(b)) : "-"
        }
        while let f = out.utf8.first, !(isAlnum(f) || f == UInt8(ascii: "_")) { out.removeFirst() }
        return withHash(out.isEmpty ? "x" : out, of: s, maxLength: 128)
    }

    /// `<base>-<suffix>` as a DNS-1123 label (and Docker name) within 63:
    /// the suffix is sanitized, and when the whole does not fit, the base
    /// is shortened and a hash of the full name keeps it unique.
    public static func derived(_ base: String, _ suffix: String) -> String {
        let s = alphanumericRuns(suffix).joined(separator: "-")
        let b = dns1123Label(base)
        let full = s.isEmpty ? b : b + "-" + s
        if full.count <= 63 { return full }
        let hash = shortHash(base + "\u{0}" + suffix)
        var shortSuffix = String(s.prefix(20))
        while shortSuffix.hasSuffix("-") { shortSuffix.removeLast() }
        let tail = "-" + hash + (shortSuffix.isEmpty ? "" : "-" + shortSuffix)
        var head = String(b.prefix(63 - tail.count))
        while head.hasSuffix("-") { head.removeLast() }
        return head + tail
    }

    /// A systemd unit name `<base>.<type>` from a slug or other text; the
    /// base is sanitized like `dns1123Label` (a valid unit name prefix).
    public static func systemdUnitName(_ base: String, type: String) -> String {
        dns1123Label(base) + "." + type
    }
}
