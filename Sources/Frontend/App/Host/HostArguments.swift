import IR

/// Unpacks a host function's arguments by parameter name, with go.starlark.net's
/// error wording (`f: missing argument for x`, `f: unexpected keyword argument "y"`,
/// `f: for parameter x: got int, want string`).
struct HostArguments {
    let function: String
    private(set) var values: [String: Starlark.Value] = [:]

    /// `names` in positional order; `required` is how many leading names must be given.
    init(_ function: String, _ args: [Starlark.Value], _ kwargs: [(String, Starlark.Value)], names: [String], required: Int) throws {
        self.function = function
        if args.count > names.count {
            throw Starlark.EvalError("\(function): got \(args.count) arguments, want at most \(names.count)")
        }
        for (i, v) in args.enumerated() { values[names[i]] = v }
        for (k, v) in kwargs {
            guard names.contains(k) else {
                throw Starlark.EvalError("\(function): unexpected keyword argument \"\(k)\"")
            }
            if values[k] != nil {
                throw Starlark.EvalError("\(function): got multiple values for parameter \"\(k)\"")
            }
            values[k] = v
        }
        for name in names.prefix(required) where values[name] == nil {
            throw Starlark.EvalError("\(function): missing argument for \(name)")
        }
    }

    func has(_ name: String) -> Bool { values[name].map { !$0.isNone } ?? false }

    func value(_ name: String) -> Starlark.Value? { values[name] }

    private func mismatch(_ name: String, _ v: Starlark.Value, _ want: String) -> Starlark.EvalError {
        Starlark.EvalError("\(function): for parameter \(name): got \(v.typeName), want \(want)")
    }

    func string(_ name: String, default d: String = "") throws -> String {
        guard let v = values[name] else { return d }
        guard let s = v.asString else { throw mismatch(name, v, "string") }
        return s
    }

    /// A string, or None treated as absent.
    func optionalString(_ name: String) throws -> String? {
        guard let v = values[name], !v.isNone else { return nil }
        guard let s = v.asString else { throw mismatch(name, v, "string") }
        return s
    }

    func int(_ name: String, default d: Int = 0) throws -> Int {
        guard let v = values[name] else { return d }
        if case .bool = v { throw mismatch(name, v, "int") }
        guard let i = v.asInt else { throw mismatch(name, v, "int") }
        return i
    }

    func bool(_ name: String, default d: Bool = false) throws -> Bool {
        guard let v = values[name] else { return d }
        guard let b = v.asBool else { throw mismatch(name, v, "bool") }
        return b
    }

    func list(_ name: String) throws -> [Starlark.Value] {
        guard let v = values[name], !v.isNone else { return [] }
        guard let a = v.asArray else { throw mismatch(name, v, "list") }
        return a
    }

    func stringList(_ name: String) throws -> [String] {
        try list(name).enumerated().map { i, v in
            guard let s = v.asString else {
                throw Starlark.EvalError("\(function): for parameter \(name): element \(i) is \(v.typeName), want string")
            }
            return s
        }
    }

    func dict(_ name: String) throws -> [(Starlark.Value, Starlark.Value)] {
        guard let v = values[name], !v.isNone else { return [] }
        guard let d = v.asDictEntries else { throw mismatch(name, v, "dict") }
        return d
    }

    /// A dict whose keys must be strings.
    func stringKeyedDict(_ name: String) throws -> [(String, Starlark.Value)] {
        try dict(name).map { k, v in
            guard let s = k.asString else {
                throw Starlark.EvalError("\(function): for parameter \(name): key \(k.repr) is \(k.typeName), want string")
            }
            return (s, v)
        }
    }
}
