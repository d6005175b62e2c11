import BigInt
import Foundation

extension Starlark.Value {
    /// Whether the value may be a dict key or set element.
    public var isHashable: Bool {
        switch self {
        case .list, .dict, .set, .range: return false
        case .tuple(let t):
            // iterative, so deeply nested tuples cannot exhaust the stack
            var work = t
            while let e = work.popLast() {
                switch e {
                case .list, .dict, .set, .range: return false
                case .tuple(let inner): work.append(contentsOf: inner)
                case .object(let o): if o.hashValue() == nil { return false }
                default: break
                }
            }
            return true
        case .object(let o): return o.hashValue() != nil
        default: return true
        }
    }

    func checkHashable() throws {
        if !isHashable { throw Starlark.EvalError(unhashableMessage) }
    }

    /// go.starlark.net's error for hashing this value: "unhashable type: list"
    /// for the built-in containers, "unhashable: range" (and for host values).
    var unhashableMessage: String {
        if case .tuple(let t) = self, let bad = t.first(where: { !$0.isHashable }) { return bad.unhashableMessage }
        switch self {
        case .list, .dict, .set: return "unhashable type: \(typeName)"
        default: return "unhashable: \(typeName)"
        }
    }

    /// Hash consistent with Starlark equality (1 == 1.0 hash alike).
    func hashInto(_ h: inout Hasher, depth: Int = 0) {
        switch self {
        case .none: h.combine(0 as UInt8)
        case .bool(let b): h.combine(1 as UInt8); h.combine(b)
        case .int(let i): h.combine(2 as UInt8); h.combine(i)
        case .bigInt(let b): h.combine(2 as UInt8); h.combine(b.value)
        case .float(let d):
            h.combine(2 as UInt8)
            if d.rounded() == d, d.isFinite {
                if let i = Int(exactly: d) { h.combine(i) } else { h.combine(BigInt(d)) }
            } else {
                h.combine(d)
            }
        case .string(let s): h.combine(3 as UInt8); s.withUnsafeBytes { h.combine(bytes: $0) }
        case .bytes(let b): h.combine(4 as UInt8); h.combine(b.value)
        case .tuple(let t):
            h.combine(5 as UInt8)
            h.combine(t.count)
            if depth < 100 { for e in t { e.hashInto(&h, depth: depth + 1) } }
        case .function(let f): h.combine(ObjectIdentifier(f))
        case .builtin(let b): h.combine(ObjectIdentifier(b))
        case .range(let r): h.combine(6 as UInt8); h.combine(r.count); if r.count > 0 { h.combine(r.start) }
        case .object(let o): h.combine(o.hashValue() ?? 0)
        case .list(let l): h.combine(ObjectIdentifier(l))
        case .dict(let d): h.combine(ObjectIdentifier(d))
        case .set(let s): h.combine(ObjectIdentifier(s))
        }
    }

    /// Makes the value (and everything reachable) immutable.
    public func freeze() {
        // Iterative over a worklist: deep nesting cannot exhaust the stack.
        var work: [Starlark.Value] = [self]
        while let v = work.popLast() {
            switch v {
            case .list(let l):
                if !l.frozen { l.markFrozen(); work.append(contentsOf: l.elems) }
            case .dict(let d):
                if !d.frozen { d.markFrozen(); for (k, x) in d.entries { work.append(k); work.append(x) } }
            case .set(let s):
                if !s.frozen { s.markFrozen(); work.append(contentsOf: s.elems) }
            case .tuple(let t): work.append(contentsOf: t)
            case .function(let f):
                if !f.frozen {
                    f.frozen = true
                    for d in f.defaults { if let d { work.append(d) } }
                    for c in f.freeCells { if let x = c.value { work.append(x) } }
                }
            case .object(let o): o.freeze()
            default: break
            }
        }
    }
}



extension Starlark {

    /// Starlark `==`.
    public static func equal(_ x: Value, _ y: Value) throws -> Bool {
        switch (x, y) {
        case (.int(let a), .int(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        default: return try compare(.eql, x, y, depth: 0)
        }
    }

    static func cmpResult(_ op: TokenKind, _ c: Int) -> Bool {
        switch op {
        case .eql: c == 0
        case .neq: c != 0
        case .lt: c < 0
        case .le: c <= 0
        case .gt: c > 0
        default: c >= 0
        }
    }

    static func opName(_ op: TokenKind) -> String { op.description }

    /// Compares int/float exactly; returns -1, 0, 1 (NaN handled by caller).
    static func numCompare(_ x: Value, _ y: Value) -> Int? {
        switch (x, y) {
        case (.int(let a), .int(let b)): return a < b ? -1 : (a > b ? 1 : 0)
        case (.float(let a), .float(let b)):
            return floatCmp(a, b)
        default:
            if case .float(let a) = x { return numCompareFloat(a, y).map { $0 } }
            if case .float(let b) = y { return numCompareFloat(b, x).map { -$0 } }
            let a = x.asBigInt!, b = y.asBigInt!
            return a < b ? -1 : (a > b ? 1 : 0)
        }
    }

    /// go.starlark.net's total order on floats: NaN equals itself and exceeds +Inf.
    static func floatCmp(_ a: Double, _ b: Double) -> Int {
        if a > b { return 1 }
        if a < b { return -1 }
        if a == b { return 0 }
        if a == a { return -1 }
        if b == b { return 1 }
        return 0
    }

    static func numCompareFloat(_ a: Double, _ y: Value) -> Int? {
        if a.isNaN { return 1 }
        if a.isInfinite { return a > 0 ? 1 : -1 }
        let bi = y.asBigInt!
        let fl = a.rounded(.down)
        let ai = BigInt(fl)
        if ai < bi { return -1 }
        if ai > bi { return 1 }
        return fl < a ? 1 : 0
    }

    /// Starlark comparison `x op y`, with go.starlark.net's errors.
    static func compare(_ op: TokenKind, _ x: Value, _ y: Value, depth: Int) throws -> Bool {
        if depth > 1000 { throw EvalError("comparison exceeded maximum recursion depth") }
        switch (x, y) {
        case (.int, .int), (.int, .bigInt), (.bigInt, .int), (.bigInt, .bigInt), (.float, .float),
             (.int, .float), (.float, .int), (.bigInt, .float), (.float, .bigInt):
            guard let c = numCompare(x, y) else {
                // NaN: only != is true
                return op == .neq
            }
            return cmpResult(op, c)
        case (.string(let a), .string(let b)):
            return cmpResult(op, lexCompare(a, b))
        case (.bytes(let a), .bytes(let b)):
            return cmpResult(op, lexCompare(a.value, b.value))
        case (.none, .none):
            if op == .eql || op == .neq { return cmpResult(op, 0) }
        case (.bool(let a), .bool(let b)):
            let c = a == b ? 0 : (a ? 1 : -1)
            return cmpResult(op, c)
        case (.list(let a), .list(let b)):
            return try sliceCompare(op, a.elems, b.elems, depth: depth)
        case (.tuple(let a), .tuple(let b)):
            return try sliceCompare(op, a, b, depth: depth)
        case (.dict(let a), .dict(let b)):
            if op == .eql || op == .neq {
                var eq = a.count == b.count
                if eq {
                    for (k, v) in a.entries {
                        guard let w = b.get(k), try compare(.eql, v, w, depth: depth + 1) else { eq = false; break }
                    }
                }
                return op == .eql ? eq : !eq
            }
        case (.set(let a), .set(let b)):
            if op == .eql || op == .neq {
                var eq = a.count == b.count
                if eq { for e in a.elems where try !b.contains(e) { eq = false; break } }
                return op == .eql ? eq : !eq
            }
            // subset comparisons
            let aSubB = try a.elems.allSatisfy { try b.contains($0) }
            let bSubA = try b.elems.allSatisfy { try a.contains($0) }
            switch op {
            case .le: return aSubB
            case .lt: return aSubB && a.count < b.count
            case .ge: return bSubA
            default: return bSubA && a.count > b.count
            }
        case (.range(let a), .range(let b)):
            if op == .eql || op == .neq {
                let eq = a.count == b.count && (a.count == 0 || (a.start == b.start && (a.count == 1 || a.step == b.step)))
                return op == .eql ? eq : !eq
            }
        case (.function(let a), .function(let b)):
            if op == .eql || op == .neq { return (a === b) == (op == .eql) }
        case (.builtin(let a), .builtin(let b)):
            if op == .eql || op == .neq {
                return (a === b) == (op == .eql)  // by identity: each x.f is a new bound method, as Go
            }
        case (.object(let a), .object(let b)):
            if op == .eql || op == .neq { return try a.equals(b) == (op == .eql) }
        default:
            if x.typeName != y.typeName {
                if op == .eql { return false }
                if op == .neq { return true }
            }
        }
        throw EvalError("\(x.typeName) \(opName(op)) \(y.typeName) not implemented")
    }

    static func lexCompare(_ a: [UInt8], _ b: [UInt8]) -> Int {
        let n = min(a.count, b.count)
        var i = 0
        while i < n {
            if a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
            i += 1
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    static func sliceCompare(_ op: TokenKind, _ a: [Value], _ b: [Value], depth: Int) throws -> Bool {
        if (op == .eql || op == .neq) && a.count != b.count { return op == .neq }
        let n = min(a.count, b.count)
        for i in 0..<n {
            if try !compare(.eql, a[i], b[i], depth: depth + 1) {
                if op == .eql { return false }
                if op == .neq { return true }
                return try compare(op, a[i], b[i], depth: depth + 1)
            }
        }
        return cmpResult(op, a.count == b.count ? 0 : (a.count < b.count ? -1 : 1))
    }

    // MARK: arithmetic

    static func bigOf(_ v: Value) -> BigInt? { v.asBigInt }

    static func floatOf(_ v: Value) throws -> Double {
        switch v {
        case .float(let d): return d
        case .int(let i): return Double(i)
        case .bigInt(let b):
            let d = bigToDouble(b.value)
            if !d.isFinite { throw EvalError("int too large to convert to float") }
            return d
        default: throw EvalError("got \(v.typeName), want float")
        }
    }

    static func isNumber(_ v: Value) -> Bool {
        switch v {
        case .int, .bigInt, .float: true
        default: false
        }
    }

    static func isIntValue(_ v: Value) -> Bool {
        switch v {
        case .int, .bigInt: true
        default: false
        }
    }

    static func unsupported(_ op: TokenKind, _ x: Value, _ y: Value) -> EvalError {
        EvalError("unknown binary op: \(x.typeName) \(op) \(y.typeName)")
    }

    /// Binary operators (everything but `and`/`or`, comparisons and `in`).
    static func binary(_ op: TokenKind, _ x: Value, _ y: Value) throws -> Value {
        // Host values may define operators (go.starlark.net's HasBinary).
        if case .object(let o) = x, let v = try o.binary(op, y, selfOnLeft: true) { return v }
        if case .object(let o) = y, let v = try o.binary(op, x, selfOnLeft: false) { return v }
        switch op {
        case .plus:
            switch (x, y) {
            case (.int(let a), .int(let b)):
                let (r, o) = a.addingReportingOverflow(b)
                return o ? .int(BigInt(a) + BigInt(b)) : .int(r)
            case (.string(let a), .string(let b)): return .string(a + b)
            case (.list(let a), .list(let b)): return .list(Starlark.List(a.elems + b.elems))
            case (.tuple(let a), .tuple(let b)): return .tuple(a + b)
            case (.bytes(let a), .bytes(let b)): return .bytes(BytesBox(a.value + b.value))
            default:
                if isNumber(x) && isNumber(y) {
                    if isIntValue(x) && isIntValue(y) { return .int(bigOf(x)! + bigOf(y)!) }
                    return .float(try floatOf(x) + floatOf(y))
                }
            }
        case .minus:
            if case .int(let a) = x, case .int(let b) = y {
                let (r, o) = a.subtractingReportingOverflow(b)
                return o ? .int(BigInt(a) - BigInt(b)) : .int(r)
            }
            if isNumber(x) && isNumber(y) {
                if isIntValue(x) && isIntValue(y) { return .int(bigOf(x)! - bigOf(y)!) }
                return .float(try floatOf(x) - floatOf(y))
            }
            if case .set(let a) = x, case .set(let b) = y {
                let s = StarlarkSet()
                for e in a.elems where try !b.contains(e) { try s.insert(e) }
                return .set(s)
            }
        case .star:
            switch (x, y) {
            case (.int(let a), .int(let b)):
                let (r, o) = a.multipliedReportingOverflow(by: b)
                return o ? .int(BigInt(a) * BigInt(b)) : .int(r)
            case (.string(let s), _) where isIntValue(y): return .string(try repeatArray(s, y))
            case (_, .string(let s)) where isIntValue(x): return .string(try repeatArray(s, x))
            case (.bytes(let s), _) where isIntValue(y): return .bytes(BytesBox(try repeatArray(s.value, y)))
            case (_, .bytes(let s)) where isIntValue(x): return .bytes(BytesBox(try repeatArray(s.value, x)))
            case (.list(let l), _) where isIntValue(y): return .list(List(try repeatArray(l.elems, y)))
            case (_, .list(let l)) where isIntValue(x): return .list(List(try repeatArray(l.elems, x)))
            case (.tuple(let t), _) where isIntValue(y): return .tuple(try repeatArray(t, y))
            case (_, .tuple(let t)) where isIntValue(x): return .tuple(try repeatArray(t, x))
            default:
                if isNumber(x) && isNumber(y) {
                    if isIntValue(x) && isIntValue(y) { return .int(bigOf(x)! * bigOf(y)!) }
                    return .float(try floatOf(x) * floatOf(y))
                }
            }
        case .slash:
            if isNumber(x) && isNumber(y) {
                let b = try floatOf(y)
                if b == 0 { throw EvalError("floating-point division by zero") }
                return .float(try floatOf(x) / b)
            }
        case .slashslash:
            if case .int(let a) = x, case .int(let b) = y {
                if b == 0 { throw EvalError("floored division by zero") }
                if a == Int.min && b == -1 { return .int(-BigInt(a)) }
                var q = a / b
                if (a % b != 0) && ((a < 0) != (b < 0)) { q -= 1 }
                return .int(q)
            }
            if isNumber(x) && isNumber(y) {
                if isIntValue(x) && isIntValue(y) {
                    let a = bigOf(x)!, b = bigOf(y)!
                    if b == 0 { throw EvalError("floored division by zero") }
                    return .int(floorDiv(a, b))
                }
                let b = try floatOf(y)
                if b == 0 { throw EvalError("floored division by zero") }
                return .float((try floatOf(x) / b).rounded(.down))
            }
        case .percent:
            if case .int(let a) = x, case .int(let b) = y {
                if b == 0 { throw EvalError("integer modulo by zero") }
                if b == -1 { return .int(0) }
                var r = a % b
                if r != 0 && ((r < 0) != (b < 0)) { r += b }
                return .int(r)
            }
            if case .string(let s) = x { return .string(try Starlark.percentFormat(s, y)) }
            if isNumber(x) && isNumber(y) {
                if isIntValue(x) && isIntValue(y) {
                    let a = bigOf(x)!, b = bigOf(y)!
                    if b == 0 { throw EvalError("integer modulo by zero") }
                    return .int(a - floorDiv(a, b) * b)
                }
                let a = try floatOf(x), b = try floatOf(y)
                if b == 0 { throw EvalError("floating-point modulo by zero") }
                var r = fmod(a, b)
                if r != 0 && ((r < 0) != (b < 0)) { r += b }
                return .float(r)
            }
        case .amp, .pipe, .caret:
            if case .int(let a) = x, case .int(let b) = y {
                return .int(op == .amp ? a & b : op == .pipe ? a | b : a ^ b)
            }
            if isIntValue(x) && isIntValue(y) {
                let a = bigOf(x)!, b = bigOf(y)!
                return .int(op == .amp ? a & b : op == .pipe ? a | b : a ^ b)
            }
            if case .set(let a) = x, case .set(let b) = y {
                let s = StarlarkSet()
                switch op {
                case .pipe:
                    for e in a.elems { try s.insert(e) }
                    for e in b.elems { try s.insert(e) }
                case .amp:
                    for e in a.elems where try b.contains(e) { try s.insert(e) }
                default:
                    for e in a.elems where try !b.contains(e) { try s.insert(e) }
                    for e in b.elems where try !a.contains(e) { try s.insert(e) }
                }
                return .set(s)
            }
            if op == .pipe, case .dict(let a) = x, case .dict(let b) = y {
                let d = Dict()
                for (k, v) in a.entries { try d.set(k, v) }
                for (k, v) in b.entries { try d.set(k, v) }
                return .dict(d)
            }
        case .ltlt, .gtgt:
            if isIntValue(x) && isIntValue(y) {
                let a = bigOf(x)!
                guard case .int(let n) = y else { throw EvalError("shift count too large: \(y.repr)") }
                if n < 0 { throw EvalError("negative shift count: \(n)") }
                if op == .ltlt {
                    if n >= 512 { throw EvalError("shift count too large: \(n)") }
                    if case .int(let ai) = x, n < 63, ai.magnitude < (UInt(1) << (62 - n)) { return .int(ai << n) }
                    return .int(a << n)
                }
                if case .int(let ai) = x { return .int(n >= 64 ? (ai < 0 ? -1 : 0) : ai >> n) }
                return .int(shiftRight(a, n))
            }
        default: break
        }
        throw unsupported(op, x, y)
    }

    static func floorDiv(_ a: BigInt, _ b: BigInt) -> BigInt {
        let (q, r) = a.quotientAndRemainder(dividingBy: b)
        if r != 0 && ((r < 0) != (b < 0)) { return q - 1 }
        return q
    }

    static func bigDivide(_ a: BigInt, _ b: BigInt) -> Double {
        bigToDouble(a) / bigToDouble(b)
    }

    /// Correctly rounded BigInt → Double (round half to even; ±inf when too large).
    static func bigToDouble(_ b: BigInt) -> Double {
        let mag = b.magnitude
        let n = mag.bitWidth
        var d: Double
        if n <= 64 {
            d = Double(UInt64(mag))
        } else {
            let shift = n - 64
            var top = UInt64(mag >> shift)
            let low = mag - ((mag >> shift) << shift)
            if !low.isZero { top |= 1 }
            d = Double(sign: .plus, exponent: shift, significand: Double(top))
        }
        return b.sign == .minus ? -d : d
    }

    /// Floor right shift (Python semantics for negatives).
    static func shiftRight(_ a: BigInt, _ n: Int) -> BigInt {
        if a.sign == .minus && !a.isZero { return -((-a - 1) >> n) - 1 }
        return a >> n
    }

    /// `seq * n`, as go.starlark.net: the count must fit in 32 bits, the
    /// result in 2^30 elements; built by doubling bulk copies.
    static func repeatArray<T>(_ a: [T], _ n: Value) throws -> [T] {
        if a.isEmpty { return [] }
        guard case .int(let k) = n, k >= Int(Int32.min), k <= Int(Int32.max) else {
            throw EvalError("repeat count \(n.str) too large")
        }
        if k < 1 { return [] }
        let (total, o) = k.multipliedReportingOverflow(by: a.count)
        if o || total >= 1 << 30 { throw EvalError("excessive repeat (\(a.count) * \(k) elements)") }
        return [T](unsafeUninitializedCapacity: total) { buf, count in
            let base = buf.baseAddress!
            a.withUnsafeBufferPointer { src in base.initialize(from: src.baseAddress!, count: src.count) }
            var x = a.count
            while x < total {
                let m = Swift.min(x, total - x)
                (base + x).initialize(from: base, count: m)
                x += m
            }
            count = total
        }
    }

    static func unary(_ op: TokenKind, _ x: Value) throws -> Value {
        switch (op, x) {
        case (.minus, .int(let i)):
            if i == Int.min { return .int(-BigInt(i)) }
            return .int(-i)
        case (.minus, .bigInt(let b)): return .int(-b.value)
        case (.minus, .float(let d)): return .float(-d)
        case (.plus, .int), (.plus, .bigInt), (.plus, .float): return x
        case (.tilde, .int(let i)): return .int(~i)
        case (.tilde, .bigInt(let b)): return .int(~b.value)
        case (.kwNot, _): return .bool(!x.truth)
        default:
            throw EvalError("unknown unary op: \(op) \(x.typeName)")
        }
    }

    /// `x in y`.
    static func contains(_ y: Value, _ x: Value) throws -> Bool {
        switch y {
        case .list(let l):
            for e in l.elems where try equal(e, x) { return true }
            return false
        case .tuple(let t):
            for e in t where try equal(e, x) { return true }
            return false
        case .dict(let d):
            if !x.isHashable { return false }
            return try d.lookup(x) != nil
        case .set(let s):
            return try s.contains(x)
        case .string(let s):
            guard case .string(let sub) = x else {
                throw EvalError("'in <string>' requires string as left operand, not \(x.typeName)")
            }
            return Starlark.find(s, sub, 0, s.count) != nil
        case .bytes(let b):
            switch x {
            case .bytes(let sub): return Starlark.find(b.value, sub.value, 0, b.value.count) != nil
            case .int(let i):
                if i < 0 || i > 255 { throw EvalError("int in bytes: \(i) out of range") }
                return b.value.contains(UInt8(i))
            default: throw EvalError("'in bytes' requires bytes or int as left operand, not \(x.typeName)")
            }
        case .range(let r):
            switch x {
            case .int(let i): return rangeContains(r, i)
            case .bigInt: return false
            case .float(let d):
                if let i = Int(exactly: d) { return rangeContains(r, i) }
                return false
            default:
                throw EvalError("'in <range>' requires integer as left operand, not \(x.typeName)")
            }
        case .object(let o):
            if let m = o as? Starlark.HasAttrs, case .string(let s) = x { return (try m.attr(String(decoding: s, as: UTF8.self))) != nil }
            fallthrough
        default:
            throw EvalError("unknown binary op: \(x.typeName) in \(y.typeName)")
        }
    }

    static func rangeContains(_ r: RangeValue, _ i: Int) -> Bool {
        if r.step > 0 { if i < r.start || i >= r.stop { return false } } else { if i > r.start || i <= r.stop { return false } }
        return (i - r.start) % r.step == 0
    }

    /// Byte-string search (first occurrence in [start, end)).
    static func find(_ s: [UInt8], _ sub: [UInt8], _ start: Int, _ end: Int) -> Int? {
        let n = sub.count
        if n == 0 { return start <= end ? start : nil }
        if end - start < n { return nil }
        let first = sub[0]
        var i = start
        let last = end - n
        return s.withUnsafeBufferPointer { sp in
            sub.withUnsafeBufferPointer { bp in
                while i <= last {
                    if sp[i] == first {
                        var k = 1
                        while k < n && sp[i + k] == bp[k] { k += 1 }
                        if k == n { return i }
                    }
                    i += 1
                }
                return nil
            }
        }
    }

    static func rfind(_ s: [UInt8], _ sub: [UInt8], _ start: Int, _ end: Int) -> Int? {
        let n = sub.count
        if end - start < n { return nil }
        var i = end - n
        while i >= start {
            var k = 0
            while k < n && s[i + k] == sub[k] { k += 1 }
            if k == n { return i }
            i -= 1
        }
        return nil
    }
}
