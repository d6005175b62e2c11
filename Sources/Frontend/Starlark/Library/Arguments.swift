extension Starlark {
    /// Unpacks arguments as go.starlark.net's `UnpackArgs` does.
    ///
    /// `params` names each parameter: `"x"` required, `"x?"` optional,
    /// `"*args"` collects extra positional arguments as a tuple, `"**kwargs"`
    /// collects unknown keyword arguments as a dict. The result has one entry
    /// per parameter, nil when an optional one was not given. Errors use
    /// go.starlark.net's wording (`f: missing argument for x`).
    public static func unpackArgs(_ fname: String, _ args: [Value], _ kwargs: [(String, Value)], _ params: [String]) throws -> [Value?] {
        var out = [Value?](repeating: nil, count: params.count)
        var names: [String] = []
        var optional: [Bool] = []
        var varargsIdx = -1, kwargsIdx = -1
        for (i, p) in params.enumerated() {
            if p.hasPrefix("**") { kwargsIdx = i; names.append(""); optional.append(true); continue }
            if p.hasPrefix("*") { varargsIdx = i; names.append(""); optional.append(true); continue }
            if p.hasSuffix("?") { names.append(String(p.dropLast())); optional.append(true) } else { names.append(p); optional.append(false) }
        }
        let positional = (0..<params.count).filter { $0 != varargsIdx && $0 != kwargsIdx && (varargsIdx < 0 || $0 < varargsIdx) }
        if args.count > positional.count {
            if varargsIdx < 0 {
                throw EvalError("\(fname): got \(args.count) arguments, want at most \(positional.count)")
            }
        }
        for (k, a) in args.enumerated() {
            if k < positional.count { out[positional[k]] = a }
        }
        if varargsIdx >= 0 {
            out[varargsIdx] = .tuple(args.count > positional.count ? Array(args[positional.count...]) : [])
        }
        var extra: Dict? = kwargsIdx >= 0 ? Dict() : nil
        for (k, v) in kwargs {
            if let i = names.firstIndex(of: k), !k.isEmpty {
                if out[i] != nil {
                    throw EvalError("\(fname): got multiple values for keyword argument \(Value.str(k).repr)")
                }
                out[i] = v
            } else if let e = extra {
                try e.set(.str(k), v)
            } else {
                // Go's UnpackArgs offers only the first half of the names (sic: it
                // steps by 2 through nparams), e.g. min's "key".
                let candidates = names.filter { !$0.isEmpty }
                let hint = Spell.nearest(k, Array(candidates.prefix((candidates.count + 1) / 2))).map { " (did you mean \($0)?)" } ?? ""
                throw EvalError("\(fname): unexpected keyword argument \(Value.str(k).repr)\(hint)")
            }
        }
        if let e = extra { out[kwargsIdx] = .dict(e); extra = nil }
        for i in 0..<params.count where out[i] == nil && !optional[i] {
            throw EvalError("\(fname): missing argument for \(names[i])")
        }
        return out
    }

    /// go.starlark.net's `UnpackPositionalArgs`: between `min` and `max` positional arguments, no keywords.
    public static func unpackPositional(_ fname: String, _ args: [Value], _ kwargs: [(String, Value)], min: Int, max: Int) throws -> [Value] {
        if !kwargs.isEmpty { throw EvalError("\(fname): unexpected keyword arguments") }
        if args.count < min {
            throw EvalError("\(fname): got \(args.count) arguments, want \(min < max ? "at least " : "")\(min)")
        }
        if args.count > max {
            throw EvalError("\(fname): got \(args.count) arguments, want \(max > min ? "at most " : "")\(max)")
        }
        return args
    }

    /// Argument type conversions with go.starlark.net's error wording.
    public enum Arg {
        static func fail(_ fname: String, _ pname: String, _ v: Value, _ want: String) -> EvalError {
            EvalError("\(fname): for parameter \(pname.allSatisfy(\.isNumber) ? pname : "\"\(pname)\""): got \(v.typeName), want \(want)")
        }
        public static func string(_ v: Value, _ fname: String, _ pname: String) throws -> [UInt8] {
            if case .string(let s) = v { return s }
            throw fail(fname, pname, v, "string")
        }
        public static func int(_ v: Value, _ fname: String, _ pname: String) throws -> Int {
            switch v {
            case .int(let i): return i
            case .bigInt: throw EvalError("\(fname): for parameter \(pname): \(v.repr) out of range (want value in signed 64-bit range)")
            default: throw fail(fname, pname, v, "int")
            }
        }
        public static func bool(_ v: Value, _ fname: String, _ pname: String) throws -> Bool {
            if case .bool(let b) = v { return b }
            throw fail(fname, pname, v, "bool")
        }
        /// Optional int (None or absent → default).
        public static func optInt(_ v: Value?, _ def: Int, _ fname: String, _ pname: String) throws -> Int {
            guard let v else { return def }
            if case .none = v { return def }
            return try int(v, fname, pname)
        }
    }
}
