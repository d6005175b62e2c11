import IR

/// Runs a params.star (core dialect, no `load`) and returns its `param(...)`
/// declarations in order, validated as OpenRun validates them.
package enum ParamsStarHost {
    static let displayTypes = ["", "password", "textarea", "file", "combo"]

    package static func run(file: String = "params.star", source: [UInt8], appURL: String, diags: Diagnostics,
                             print: @escaping (String) -> Void = { _ in }, maxSteps: Int = 10_000_000) -> [ParamDeclaration]? {
        var declarations: [ParamDeclaration] = []
        var names: [String: SourceLocation?] = [:]
        let paramFn = Starlark.BuiltinFunction("param") { t, a, k in
            let args = try HostArguments("param", a, k, names: ["name", "type", "default", "description", "required", "display_type"], required: 1)
            let location = t.callerLocation
            let name = try args.string("name")
            if let first = names[name] {
                _ = first
                throw Starlark.EvalError("param \"\(name)\" already defined")
            }
            let typeText = try args.string("type")
            guard let type = typeText.isEmpty ? .string : ParamIR.ParamType(rawValue: typeText) else {
                throw Starlark.EvalError("unknown type \(typeText) for \"\(name)\"; use one of INT, STRING, BOOLEAN, DICT, LIST")
            }
            let required = try args.bool("required", default: true)
            let displayFull = try args.string("display_type")
            let displayType = displayFull.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
            var def: IRValue?
            if let d = args.value("default"), !d.isNone { def = IRValue(starlark: d) }
            if name.isEmpty { throw Starlark.EvalError("param name is required") }
            if name.contains(where: { $0.isWhitespace }) { throw Starlark.EvalError("param name \"\(name)\" has spaces") }
            if let d = def, let d0 = args.value("default") {
                let ok: Bool
                switch type {
                case .int: if case .int = d { ok = true } else if case .bigInt = d { ok = true } else { ok = false }
                case .string: ok = d0.asString != nil
                case .boolean: if case .bool = d { ok = true } else { ok = false }
                case .dict: ok = d0.asDictEntries != nil
                case .list: if case .list = d0 { ok = true } else if case .tuple = d0 { ok = true } else { ok = false }
                }
                if !ok {
                    let word = ["INT": "an int", "STRING": "a string", "BOOLEAN": "a bool", "DICT": "a dict", "LIST": "a list"][type.rawValue]!
                    let typeWord = ["INT": "int", "STRING": "string", "BOOLEAN": "bool", "DICT": "dict", "LIST": "list"][type.rawValue]!
                    throw Starlark.EvalError("param \(name) is of type \(typeWord) but default value is not \(word)")
                }
            }
            guard displayTypes.contains(displayType) else {
                throw Starlark.EvalError("unknown display type \(displayType) for \(name)")
            }
            if !displayType.isEmpty && type != .string {
                throw Starlark.EvalError("display_type \(displayType) is allowed for string type \(name) only")
            }
            names[name] = location
            declarations.append(ParamDeclaration(name: name, type: type, defaultValue: def, description: try args.string("description"),
                                                 required: required, displayType: displayFull.isEmpty ? nil : displayFull, location: location))
            return .none
        }
        let configFn = Starlark.BuiltinFunction("config") { _, a, k in
            let args = try HostArguments("config", a, k, names: ["key", "default"], required: 2)
            if try args.string("key") == "_app_url" { return .str(appURL) }
            return args.value("default") ?? .none
        }
        var predeclared: [String: Starlark.Value] = [
            "param": .builtin(paramFn),
            "config": .builtin(configFn),
            "PASSWORD": .str("password"), "TEXTAREA": .str("textarea"), "FILE": .str("file"), "COMBO": .str("combo"),
        ]
        for t in ParamIR.ParamType.allCases { predeclared[t.rawValue] = .str(t.rawValue) }
        let thread = AppStarHost.makeThread(maxSteps: maxSteps, print: print)
        thread.load = { module, _ in throw Starlark.EvalError("load(\"\(module)\") is not allowed in params.star") }
        do {
            _ = try thread.exec(filename: file, source: source, predeclared: predeclared, options: .core)
        } catch {
            diags.emit(error.compactDiagnostic)
            return nil
        }
        return declarations
    }
}
