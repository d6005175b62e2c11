/// BuildKit's `BFlags`: the flags an instruction accepts, parsed from the
/// node's `--name[=value]` words with BuildKit's error wording.
struct BuilderFlags {
    enum Kind { case bool, string, strings }

    struct Failure: Error { var message: String }

    private(set) var values: [String: [String]] = [:]
    private let kinds: [String: Kind]

    init(_ kinds: [String: Kind]) {
        self.kinds = kinds
    }

    /// Parses `flags`; the first problem is thrown.
    mutating func parse(_ flags: [String]) throws(Failure) {
        var used = Set<String>()
        for arg in flags {
            guard arg.hasPrefix("--") else { throw Failure(message: "arg should start with -- : \(arg)") }
            if arg == "--" { return }
            var name = String(arg.dropFirst(2))
            var value = ""
            var hasValue = false
            if let eq = name.firstIndex(of: "=") {
                value = String(name[name.index(after: eq)...])
                name = String(name[..<eq])
                hasValue = true
            }
            guard let kind = kinds[name] else {
                var message = "unknown flag: \(name)"
                if let s = Suggest.closest(name, in: kinds.keys.sorted()) { message += " (did you mean \(s)?)" }
                throw Failure(message: message)
            }
            if used.contains(name) && kind != .strings {
                throw Failure(message: "duplicate flag specified: \(name)")
            }
            used.insert(name)
            switch kind {
            case .bool:
                if hasValue && value.isEmpty { throw Failure(message: "missing a value on flag: \(name)") }
                switch value.lowercased() {
                case "", "true": values[name] = ["true"]
                case "false": values[name] = ["false"]
                default: throw Failure(message: "expecting boolean value for flag \(name), not: \(value)")
                }
            case .string:
                guard hasValue else { throw Failure(message: "missing a value on flag: \(name)") }
                values[name] = [value]
            case .strings:
                guard hasValue else { throw Failure(message: "missing a value on flag: \(name)") }
                values[name, default: []].append(value)
            }
        }
    }

    func string(_ name: String) -> String? { values[name]?.last }
    func strings(_ name: String) -> [String] { values[name] ?? [] }
}

/// "Did you mean" suggestions, as BuildKit's `suggest.Search`: the first
/// option (in sorted order) at Levenshtein distance below 3, none when the
/// value matches an option exactly; case-insensitive searches answer in the
/// value's case when it is all lower or all upper case.
enum Suggest {
    static func closest(_ value: String, in options: [String], caseSensitive: Bool = true) -> String? {
        guard !value.isEmpty else { return nil }
        let v = Array((caseSensitive ? value : value.lowercased()).unicodeScalars)
        var match: String? = nil
        var minDist = 3
        for option in options.sorted() {
            let o = caseSensitive ? option : option.lowercased()
            let ou = Array(o.unicodeScalars)
            if ou == v { return nil }
            let d = distance(v, ou)
            if d < minDist {
                minDist = d
                if caseSensitive {
                    match = o
                } else if value == value.lowercased() {
                    match = o.lowercased()
                } else if value == value.uppercased() {
                    match = o.uppercased()
                } else {
                    match = o
                }
            }
        }
        return match
    }

    private static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
}

/// Go's `time.ParseDuration`, returning nanoseconds or Go's error text.
enum GoDuration {
    static func parse(_ s: String) -> Result<Int64, BuilderFlags.Failure> {
        let orig = s
        var u = Array(s.unicodeScalars)
        func fail(_ m: String) -> Result<Int64, BuilderFlags.Failure> { .failure(.init(message: m)) }
        let quoted = GoText.quote(orig)
        var neg = false
        if let f = u.first, f == "-" || f == "+" {
            neg = f == "-"
            u.removeFirst()
        }
        if u.count == 1 && u[0] == "0" { return .success(0) }
        if u.isEmpty { return fail("time: invalid duration \(quoted)") }
        var total: Double = 0
        var i = 0
        while i < u.count {
            // Leading number.
            let ns = i
            var intPart: Double = 0
            while i < u.count, let d = digit(u[i]) { intPart = intPart * 10 + Double(d); i += 1 }
            var frac: Double = 0
            var scale: Double = 1
            var sawDot = false
            if i < u.count && u[i] == "." {
                sawDot = true
                i += 1
                while i < u.count, let d = digit(u[i]) { frac = frac * 10 + Double(d); scale *= 10; i += 1 }
            }
            let digits = i - ns - (sawDot ? 1 : 0)
            if digits <= 0 { return fail("time: invalid duration \(quoted)") }
            let us = i
            while i < u.count && u[i] != "." && digit(u[i]) == nil { i += 1 }
            if us == i { return fail("time: missing unit in duration \(quoted)") }
            let unit = String(String.UnicodeScalarView(u[us..<i]))
            let mult: Double
            switch unit {
            case "ns": mult = 1
            case "us", "µs", "μs": mult = 1e3
            case "ms": mult = 1e6
            case "s": mult = 1e9
            case "m": mult = 60e9
            case "h": mult = 3600e9
            default: return fail("time: unknown unit \(GoText.quote(unit)) in duration \(quoted)")
            }
            total += (intPart + frac / scale) * mult
            if total > 9.223372036854775807e18 { return fail("time: invalid duration \(quoted)") }
        }
        return .success(neg ? -Int64(total) : Int64(total))
    }

    private static func digit(_ c: Unicode.Scalar) -> Int? {
        c.value >= 0x30 && c.value <= 0x39 ? Int(c.value - 0x30) : nil
    }
}
