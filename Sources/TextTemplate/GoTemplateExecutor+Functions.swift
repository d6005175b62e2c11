import Foundation

/// The builtin functions (text/template/funcs.go), with Go's argument
/// checks and error messages.
extension GoTemplateExecutor {
    /// Parameter shapes of the builtins: fixed parameters and whether the
    /// last one is variadic.
    private static let signatures: [String: (fixed: Int, variadic: Bool)] = [
        "and": (1, true), "or": (1, true), "not": (1, false), "len": (1, false), "index": (1, true), "slice": (1, true),
        "print": (0, true), "printf": (1, true), "println": (0, true),
        "html": (0, true), "js": (0, true), "urlquery": (0, true),
        "eq": (1, true), "ne": (2, false), "lt": (2, false), "le": (2, false), "gt": (2, false), "ge": (2, false),
    ]

    mutating func callFunction(_ name: String, _ dot: GoTemplateVal, _ cmd: GoTemplateNode.Command, final: GoTemplateVal?) throws(GoTemplateSignal) -> GoTemplateVal {
        guard let sig = Self.signatures[name] else {
            throw fail("\(GoFormat.quote(name)) is not a defined function")
        }
        let args = Array(cmd.args.dropFirst())
        let numIn = args.count + (final == nil ? 0 : 1)
        if sig.variadic {
            if numIn < sig.fixed {
                throw fail("wrong number of args for \(name): want at least \(sig.fixed) got \(args.count)")
            }
        } else if numIn != sig.fixed {
            throw fail("wrong number of args for \(name): want \(sig.fixed) got \(numIn)")
        }

        // and/or evaluate their arguments lazily.
        if name == "and" || name == "or" {
            var v = GoTemplateVal.invalid
            for arg in args {
                v = try evalArgValue(dot, arg)
                if Self.isTrue(v) == (name == "or") { return v }
            }
            if let final { v = final }
            return v
        }

        func values() throws(GoTemplateSignal) -> [GoTemplateVal] {
            var out: [GoTemplateVal] = []
            for arg in args { out.append(try evalArgValue(dot, arg)) }
            if let final { out.append(final) }
            return out
        }
        func interfaces() throws(GoTemplateSignal) -> [TemplateValue] {
            try values().map(\.asInterface)
        }
        let cmdContext = cmd.goDescription
        func callError(_ message: String) -> GoTemplateSignal {
            .failure("error calling \(name): \(message)", cmd.pos, cmdContext)
        }

        switch name {
        case "not":
            return .plain(.bool(!Self.isTrue(try values()[0])))
        case "len":
            let item = try values()[0]
            switch item {
            case .invalid:
                throw callError("reflect: call of reflect.Value.Type on zero Value")
            case .value(.nil, _):
                throw callError("len of nil pointer")
            case .byte:
                throw callError("len of type uint8")
            case .value(.string(let s), _):
                return .plain(.int(s.utf8.count))
            case .value(.list(let l), _):
                return .plain(.int(l.count))
            case .value(.map(let m), _):
                return .plain(.int(m.count))
            case .value(let x, _):
                throw callError("len of type \(x.goTypeName)")
            }
        case "index":
            let vals = try values()
            return try index(vals[0], vals.dropFirst(), callError)
        case "slice":
            let vals = try values()
            return try slice(vals[0], vals.dropFirst(), callError)
        case "print":
            return .plain(.string(GoFormat.sprint(try interfaces())))
        case "println":
            return .plain(.string(GoFormat.sprintln(try interfaces())))
        case "printf":
            let format: String
            var rest: [TemplateValue] = []
            if args.isEmpty, let final {
                format = try Self.validateString(final, fail: fail)
            } else {
                format = try evalArgString(dot, args[0])
                for arg in args.dropFirst() { rest.append(try evalArgInterface(dot, arg)) }
                if let final { rest.append(final.asInterface) }
            }
            return .plain(.string(GoFormat.sprintf(format, rest)))
        case "html":
            return .plain(.string(GoTemplateEscaping.html(Self.evalArgs(try interfaces()))))
        case "js":
            return .plain(.string(GoTemplateEscaping.js(Self.evalArgs(try interfaces()))))
        case "urlquery":
            return .plain(.string(GoTemplateEscaping.queryEscape(Self.evalArgs(try interfaces()))))
        case "eq":
            let vals = try values()
            return .plain(.bool(try Self.eq(vals[0], vals.dropFirst(), callError)))
        case "ne":
            let vals = try values()
            return .plain(.bool(!(try Self.eq(vals[0], vals.dropFirst(), callError))))
        case "lt", "le", "gt", "ge":
            let vals = try values()
            let a = vals[0], b = vals[1]
            let less = try Self.lt(a, b, callError)
            switch name {
            case "lt": return .plain(.bool(less))
            case "ge": return .plain(.bool(!less))
            case "le": return .plain(.bool(less ? true : try Self.eq(a, [b][...], callError)))
            default: return .plain(.bool(less ? false : !(try Self.eq(a, [b][...], callError))))
            }
        default:
            throw fail("\(GoFormat.quote(name)) is not a defined function")
        }
    }

    /// funcs.go evalArgs: one string argument as is, else fmt.Sprint with
    /// missing values printed as `<no value>`.
    static func evalArgs(_ args: [TemplateValue]) -> String {
        if args.count == 1, case .string(let s) = args[0] { return s }
        return GoFormat.sprint(args.map { if case .nil = $0 { return .string("<no value>") } else { return $0 } })
    }

    private func index(_ item: GoTemplateVal, _ indexes: ArraySlice<GoTemplateVal>, _ callError: (String) -> GoTemplateSignal) throws(GoTemplateSignal) -> GoTemplateVal {
        var current = item.unboxed
        if case .invalid = current { throw callError("index of untyped nil") }
        for idx in indexes {
            if case .byte = current { throw callError("can't index item of type uint8") }
            guard case .value(let x, _) = current else { throw callError("index of nil pointer") }
            switch x {
            case .list, .string:
                let count: Int
                if case .list(let l) = x { count = l.count } else if case .string(let s) = x { count = s.utf8.count } else { count = 0 }
                let i: Int
                switch idx.unboxed {
                case .value(.int(let n), _): i = n
                case .byte(let b): i = Int(b)
                case .invalid: throw callError("cannot index slice/array with nil")
                case .value(let k, _): throw callError("cannot index slice/array with type \(k.goTypeName)")
                }
                if i < 0 || i > count { throw callError("index out of range: \(i)") }
                if i == count {
                    throw callError(x.goTypeName == "string" ? "reflect: string index out of range" : "reflect: slice index out of range")
                }
                if case .list(let l) = x {
                    current = .value(l[i], boxed: true)
                } else if case .string(let s) = x {
                    current = .byte(Array(s.utf8)[i])
                }
            case .map(let m):
                let key: String
                switch idx.unboxed {
                case .value(.string(let s), _): key = s
                case .invalid: throw callError("value is nil; should be of type string")
                case .byte: throw callError("value has type uint8; should be string")
                case .value(let k, _): throw callError("value has type \(k.goTypeName); should be string")
                }
                current = .value(m[key] ?? .nil, boxed: true)
            case .nil:
                throw callError("index of nil pointer")
            default:
                throw callError("can't index item of type \(x.goTypeName)")
            }
        }
        return current
    }

    /// funcs.go slice: `slice x 1 2` is x[1:2] for strings (bytes) and lists.
    private func slice(_ item: GoTemplateVal, _ indexes: ArraySlice<GoTemplateVal>, _ callError: (String) -> GoTemplateSignal) throws(GoTemplateSignal) -> GoTemplateVal {
        let value = item.unboxed
        if case .invalid = value { throw callError("slice of untyped nil") }
        if indexes.count > 3 { throw callError("too many slice indexes: \(indexes.count)") }
        let count: Int
        switch value {
        case .value(.string(let s), _):
            if indexes.count == 3 { throw callError("cannot 3-index slice a string") }
            count = s.utf8.count
        case .value(.list(let l), _):
            count = l.count
        case .byte:
            throw callError("can't slice item of type uint8")
        case .value(let x, _):
            throw callError("can't slice item of type \(x.goTypeName)")
        case .invalid:
            throw callError("slice of untyped nil")
        }
        var idx = [0, count, count]
        for (k, index) in indexes.enumerated() {
            let i: Int
            switch index.unboxed {
            case .value(.int(let n), _): i = n
            case .byte(let b): i = Int(b)
            case .invalid: throw callError("cannot index slice/array with nil")
            case .value(let t, _): throw callError("cannot index slice/array with type \(t.goTypeName)")
            }
            if i < 0 || i > count { throw callError("index out of range: \(i)") }
            idx[k] = i
        }
        if idx[0] > idx[1] { throw callError("invalid slice index: \(idx[0]) > \(idx[1])") }
        if indexes.count == 3, idx[1] > idx[2] { throw callError("invalid slice index: \(idx[1]) > \(idx[2])") }
        switch value {
        case .value(.string(let s), _):
            return .plain(.string(String(decoding: Array(s.utf8)[idx[0]..<idx[1]], as: UTF8.self)))
        case .value(.list(let l), _):
            return .plain(.list(Array(l[idx[0]..<idx[1]])))
        default:
            return .invalid
        }
    }

    private enum BasicKind { case bool, int, float, string }

    private static func basicKind(_ v: GoTemplateVal) -> BasicKind? {
        if case .byte = v { return .int }
        guard case .value(let x, _) = v.unboxed else { return nil }
        switch x {
        case .bool: return .bool
        case .int: return .int
        case .float: return .float
        case .string: return .string
        default: return nil
        }
    }

    /// funcs.go eq: arg1 equals any of the others; nil equals only nil.
    private static func eq(_ a: GoTemplateVal, _ others: ArraySlice<GoTemplateVal>, _ callError: (String) -> GoTemplateSignal) throws(GoTemplateSignal) -> Bool {
        if others.isEmpty { throw callError("missing argument for comparison") }
        let a1 = a.unboxed.bytesAsInts
        let k1 = basicKind(a1)
        for other in others {
            let a2 = other.unboxed.bytesAsInts
            let k2 = basicKind(a2)
            var truth = false
            if k1 != k2 {
                if case .value = a1, case .value = a2 { throw callError("incompatible types for comparison") }
            } else if k1 != nil, case .value(let x, _) = a1, case .value(let y, _) = a2 {
                truth = x == y
            } else {
                switch (a1, a2) {
                case (.invalid, .invalid):
                    truth = true
                case (.invalid, _), (_, .invalid):
                    truth = false
                case (.value(let x, _), .value(let y, _)):
                    if x.goTypeName != y.goTypeName {
                        throw callError("non-comparable types \(GoFormat.sprintf("%s", [x])): \(x.goTypeName), \(y.goTypeName): \(GoFormat.formatValue(y))")
                    }
                    throw callError("non-comparable type \(GoFormat.sprintf("%s", [y])): \(y.goTypeName)")
                default:
                    truth = false  // bytes were turned into ints above
                }
            }
            if truth { return true }
        }
        return false
    }

    /// funcs.go lt: ints, floats and strings (bytewise).
    private static func lt(_ a: GoTemplateVal, _ b: GoTemplateVal, _ callError: (String) -> GoTemplateSignal) throws(GoTemplateSignal) -> Bool {
        guard let k1 = basicKind(a), let k2 = basicKind(b) else { throw callError("invalid type for comparison") }
        if k1 != k2 { throw callError("incompatible types for comparison") }
        guard case .value(let x, _) = a.unboxed.bytesAsInts, case .value(let y, _) = b.unboxed.bytesAsInts else { return false }
        switch (x, y) {
        case (.int(let p), .int(let q)): return p < q
        case (.float(let p), .float(let q)): return p < q
        case (.string(let p), .string(let q)): return GoFormat.goLess(p, q)
        default: throw callError("invalid type for comparison")
        }
    }
}

extension GoTemplateVal {
    /// Bytes as ints, for comparisons (Go compares int and uint8 by value).
    var bytesAsInts: GoTemplateVal {
        if case .byte(let b) = self { return .plain(.int(Int(b))) }
        return self
    }
}

extension GoFormat {
    /// Go's string order: bytewise on UTF-8.
    static func goLess(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}
