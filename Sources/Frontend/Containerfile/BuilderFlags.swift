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
