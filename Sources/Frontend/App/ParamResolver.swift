import IR

/// Gives every param its final value: params.star's declarations, overridden
/// by `--param` flags; undeclared flags are kept (they reach the container as
/// env). Reports every problem, located at the declaration or the flag.
package enum ParamResolver {
    /// The resolved params plus, for each, the exact string the container gets
    /// in its environment (a flag's text as given; a default in OpenRun's
    /// string form: INT decimal, BOOLEAN true/false, DICT/LIST compact JSON
    /// with sorted keys).
    package struct Resolved: Sendable {
        package var params: [ParamIR]
        package var environment: [String: String]
    }

    package static func resolve(declared: [ParamDeclaration], flags: [String], into diags: Diagnostics) -> Resolved {
        // Flags: last one wins for a repeated key (with a warning), order of first appearance kept.
        var flagValues: [String: KeyValueFlag] = [:]
        var flagOrder: [String] = []
        for raw in flags {
            guard let kv = KeyValueFlag.parse(flag: "--param", raw, into: diags) else { continue }
            if let previous = flagValues[kv.key] {
                diags.warning("params.flag-repeated", "--param \(kv.key) is given more than once; the last value wins",
                              at: kv.location, notes: [.init("earlier value", at: previous.location)])
            } else {
                flagOrder.append(kv.key)
            }
            flagValues[kv.key] = kv
        }

        var out = Resolved(params: [], environment: [:])
        var seen: [String: SourceLocation?] = [:]
        for decl in declared {
            if let first = seen[decl.name] {
                diags.error("params.duplicate", "param \"\(decl.name)\" already defined", at: decl.location,
                            notes: first.map { [.init("first defined here", at: $0)] } ?? [])
                continue
            }
            seen[decl.name] = decl.location
            var param = ParamIR(name: decl.name, type: decl.type, value: .null, origin: .default,
                                description: decl.description, displayType: decl.displayType,
                                required: decl.required, location: decl.location)
            var envString: String?
            if let flag = flagValues[decl.name] {
                if decl.type == .string, decl.required, flag.value.isEmpty {
                    diags.error("params.empty-required", "param \"\(decl.name)\" is a required param, value cannot be empty", at: flag.location,
                                notes: decl.location.map { [.init("declared here", at: $0)] } ?? [])
                    continue
                }
                guard let v = ParamCoercion.coerce(flag.value, name: decl.name, to: decl.type, location: flag.location, into: diags) else { continue }
                param.value = v
                param.origin = .flag
                param.valueLocation = flag.location
                envString = flag.value
                if decl.type == .string {
                    param.secrets = SecretReferences.scan(flag.value, location: flag.location, into: diags)
                }
            } else if let d = decl.defaultValue, d != .null {
                param.value = d
                envString = d.environmentString
                if case .string(let s) = d {
                    param.secrets = SecretReferences.scan(s, location: decl.location, into: diags)
                }
            } else if decl.required {
                diags.error("params.missing-required", "param \"\(decl.name)\" is a required param, a value has to be provided", at: decl.location,
                            notes: [.init("set it with --param \(decl.name)=VALUE")])
                continue
            } else {
                param.value = zeroValue(decl.type)
                envString = param.value.environmentString
            }
            out.params.append(param)
            if let envString { out.environment[decl.name] = envString }
        }

        let declaredNames = Set(declared.map(\.name))
        for key in flagOrder.sorted() where !declaredNames.contains(key) {
            let flag = flagValues[key]!
            let secrets = SecretReferences.scan(flag.value, location: flag.location, into: diags)
            out.params.append(ParamIR(name: key, type: .string, value: .string(flag.value), origin: .undeclared,
                                      secrets: secrets, required: false, location: flag.location, valueLocation: flag.location))
            out.environment[key] = flag.value
        }
        return out
    }

    /// The value `required=False` without a default gives.
    package static func zeroValue(_ type: ParamIR.ParamType) -> IRValue {
        switch type {
        case .string: .string("")
        case .int: .int(0)
        case .boolean: .bool(false)
        case .dict: .dict([])
        case .list: .list([])
        }
    }
}
