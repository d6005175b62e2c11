extension Starlark.Compiler {
    typealias Value = Starlark.Value
    typealias EvalError = Starlark.EvalError

    static func indexInt(_ k: Value, _ type: String) throws -> Int {
        switch k {
        case .int(let i): return i
        case .bigInt: return Int.max
        default: throw EvalError("\(type) index: got \(k.typeName), want int")
        }
    }

    static func normIndex(_ i: Int, _ n: Int, _ type: String) throws -> Int {
        var j = i
        if j < 0 { j += n }
        if j < 0 || j >= n {
            if n == 0 { throw EvalError("index \(i) out of range: empty \(type)") }
            throw EvalError("\(type) index \(i) out of range [\(-n):\(n - 1)]")
        }
        return j
    }

    static func index(_ x: Value, _ k: Value) throws -> Value {
        switch x {
        case .list(let l):
            return l.elems[try normIndex(try indexInt(k, "list"), l.elems.count, "list")]
        case .tuple(let t):
            return t[try normIndex(try indexInt(k, "tuple"), t.count, "tuple")]
        case .string(let s):
            let i = try normIndex(try indexInt(k, "string"), s.count, "string")
            return .string([s[i]])
        case .bytes(let b):
            let i = try normIndex(try indexInt(k, "bytes"), b.value.count, "bytes")
            return .bytes(Starlark.BytesBox([b.value[i]]))
        case .range(let r):
            let i = try normIndex(try indexInt(k, "range"), r.count, "range")
            return .int(r[i])
        case .dict(let d):
            if let v = try d.lookup(k) { return v }
            throw EvalError("key \(k.repr) not in dict")
        case .object(let o):
            if let m = o as? StarlarkIndexable { return try m.index(k) }
        default: break
        }
        throw EvalError("unhandled index operation \(x.typeName)[\(k.typeName)]")
    }

    static func setIndex(_ x: Value, _ k: Value, _ v: Value) throws {
        switch x {
        case .list(let l):
            let i = try normIndex(try indexInt(k, "list"), l.elems.count, "list")
            if l.frozen { throw EvalError("cannot assign to element of frozen list") }
            if l.iterCount > 0 { throw EvalError("cannot assign to element of list during iteration") }
            l.elems[i] = v
        case .dict(let d):
            try d.set(k, v)
        default:
            throw EvalError("\(x.typeName) value does not support item assignment")
        }
    }

    /// Python slice semantics: (start, stop, step) resolved against length n.
    static func sliceBounds(_ lo: Value, _ hi: Value, _ st: Value, _ n: Int) throws -> (Int, Int, Int) {
        var step = 1
        if case .none = st {} else {
            guard case .int(let s) = st else { throw EvalError("invalid slice step: got \(st.typeName), want int") }
            if s == 0 { throw EvalError("zero is not a valid slice step") }
            step = s
        }
        func bound(_ v: Value, _ def: Int, _ what: String) throws -> Int {
            switch v {
            case .none: return def
            case .int(var i):
                if i < 0 { i += n }
                if step > 0 { return min(max(i, 0), n) }
                return min(max(i, -1), n - 1)
            case .bigInt(let b):
                if b.value < 0 { return step > 0 ? 0 : -1 }
                return step > 0 ? n : n - 1
            default: throw EvalError("invalid \(what) index: got \(v.typeName), want int")
            }
        }
        if step > 0 {
            return (try bound(lo, 0, "start"), try bound(hi, n, "end"), step)
        }
        return (try bound(lo, n - 1, "start"), try bound(hi, -1, "end"), step)
    }

    static func sliceArray<T>(_ a: [T], _ lo: Value, _ hi: Value, _ st: Value) throws -> [T] {
        let (s, e, step) = try sliceBounds(lo, hi, st, a.count)
        if step == 1 { return s < e ? Array(a[s..<e]) : [] }
        var out: [T] = []
        var i = s
        if step > 0 { while i < e { out.append(a[i]); i += step } } else { while i > e { out.append(a[i]); i += step } }
        return out
    }

    static func slice(_ x: Value, _ lo: Value, _ hi: Value, _ st: Value) throws -> Value {
        switch x {
        case .list(let l): return .list(Starlark.List(try sliceArray(l.elems, lo, hi, st)))
        case .tuple(let t): return .tuple(try sliceArray(t, lo, hi, st))
        case .string(let s): return .string(try sliceArray(s, lo, hi, st))
        case .bytes(let b): return .bytes(Starlark.BytesBox(try sliceArray(b.value, lo, hi, st)))
        case .range(let r):
            let (s, e, step) = try sliceBounds(lo, hi, st, r.count)
            let (ns, o1) = step.multipliedReportingOverflow(by: r.step)
            if o1 { throw EvalError("range slice overflow") }
            return .range(Starlark.RangeValue(start: r[s], stop: r.start &+ e &* r.step, step: ns))
        default:
            throw EvalError("invalid slice operand \(x.typeName)")
        }
    }

    static func getAttr(_ x: Value, _ name: String) throws -> Value {
        if let m = Starlark.Methods.pick(Starlark.Methods.lookupAll(name), x) {
            let recv = x
            return .builtin(Starlark.BuiltinFunction(name: name, receiver: recv, impl: { t, a, k in try m(t, recv, a, k) }))
        }
        var message = "\(x.typeName) has no .\(name) field or method"
        if case .object(let o) = x, let h = o as? Starlark.HasAttrs {
            if let v = try h.attr(name) { return v }
            if let m = h.noSuchAttrMessage(name) { message = m }
        }
        if let n = Starlark.Spell.nearest(name, attrNames(x)) { message += " (did you mean .\(n)?)" }
        throw EvalError(message)
    }

    /// `x.name = v`, as go.starlark.net's setField.
    static func setField(_ x: Value, _ name: String, _ v: Value) throws {
        if case .object(let o) = x, let h = o as? Starlark.HasSetField {
            do {
                try h.setField(name, v)
            } catch let e as Starlark.NoSuchField {
                let hint = Starlark.Spell.nearest(name, h.attrNames.sorted()).map { " (did you mean .\($0)?)" } ?? ""
                throw EvalError(e.message + hint)
            }
            return
        }
        throw EvalError("can't assign to .\(name) field of \(x.typeName)")
    }

    static func attrNames(_ x: Value) -> [String] {
        if case .object(let o) = x, let h = o as? Starlark.HasAttrs { return h.attrNames.sorted() }
        return Starlark.Methods.names(for: x)
    }
}

/// Host values that support `x[k]`.
public protocol StarlarkIndexable: AnyObject {
    func index(_ key: Starlark.Value) throws -> Starlark.Value
}
