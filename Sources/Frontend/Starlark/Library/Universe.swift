import BigInt
import Foundation

extension Starlark {
    /// The universal builtins (None, True, False, len, ...), shared by all modules.
    final class Universe: @unchecked Sendable {
        static let shared = Universe()
        let members: [String: Value]

        private init() {
            var m: [String: Value] = ["None": .none, "True": .bool(true), "False": .bool(false)]
            func def(_ name: String, _ impl: @escaping BuiltinFunction.Impl) {
                m[name] = .builtin(BuiltinFunction(name, impl))
            }
            def("abs") { _, a, k in
                let x = try unpackPositional("abs", a, k, min: 1, max: 1)[0]
                switch x {
                case .int(let i): return i == Int.min ? .int(-BigInt(i)) : .int(abs(i))
                case .bigInt(let b): return .int(abs(b.value))
                case .float(let d): return .float(abs(d))
                default: throw EvalError("got \(x.typeName), want int or float")
                }
            }
            def("any") { _, a, k in
                let x = try unpackPositional("any", a, k, min: 1, max: 1)[0]
                for e in try Universe.iterable("any", x) where e.truth { return .bool(true) }
                return .bool(false)
            }
            def("all") { _, a, k in
                let x = try unpackPositional("all", a, k, min: 1, max: 1)[0]
                for e in try Universe.iterable("all", x) where !e.truth { return .bool(false) }
                return .bool(true)
            }
            def("bool") { _, a, k in
                let x = try unpackPositional("bool", a, k, min: 0, max: 1)
                return .bool(x.first?.truth ?? false)
            }
            def("bytes") { _, a, k in
                let x = try unpackPositional("bytes", a, k, min: 1, max: 1)[0]
                switch x {
                case .bytes: return x
                case .string(let s): return .bytes(BytesBox(Universe.utf8Repair(s)))  // invalid encodings become U+FFFD
                default:
                    guard Compiler.isIterable(x) else { throw EvalError("bytes: got \(x.typeName), want string, bytes, or iterable of ints") }
                    var out: [UInt8] = []
                    for e in try Compiler.elements(x) {
                        guard case .int(let i) = e else { throw EvalError("bytes: at index \(out.count), got \(e.typeName), want int") }
                        guard i >= 0 && i <= 255 else { throw EvalError("bytes: at index \(out.count), \(i) out of range (want value in unsigned 8-bit range)") }
                        out.append(UInt8(i))
                    }
                    return .bytes(BytesBox(out))
                }
            }
            def("chr") { _, a, k in
                let x = try unpackPositional("chr", a, k, min: 1, max: 1)[0]
                guard case .int(let i) = x else {
                    if case .bigInt = x { throw EvalError("chr: Unicode code point \(x.repr) out of range (>0x10FFFF)") }
                    throw EvalError("chr: got \(x.typeName), want int")
                }
                if i < 0 { throw EvalError("chr: Unicode code point \(i) out of range (<0)") }
                if i > 0x10FFFF { throw EvalError("chr: Unicode code point U+\(String(i, radix: 16, uppercase: true)) out of range (>0x10FFFF)") }
                let sc = Unicode.Scalar(UInt32(i)) ?? Unicode.Scalar(0xFFFD)!
                return .string(Array(String(Character(sc)).utf8))
            }
            def("dict") { _, a, k in
                let x = try unpackPositional("dict", a, [], min: 0, max: 1)
                let d = Dict()
                if let src = x.first { try Universe.updateDict(d, src, "dict") }
                var seen = Set<String>()
                for (key, v) in k {
                    if !seen.insert(key).inserted { throw EvalError("dict: duplicate keyword arg: \(Value.str(key).repr)") }
                    try d.set(.str(key), v)
                }
                return .dict(d)
            }
            def("dir") { _, a, k in
                let x = try unpackPositional("dir", a, k, min: 1, max: 1)[0]
                return .list(List(Compiler.attrNames(x).map { .str($0) }))
            }
            def("enumerate") { _, a, k in
                let p = try unpackPositional("enumerate", a, k, min: 1, max: 2)
                let start = p.count > 1 ? try Arg.int(p[1], "enumerate", "2") : 0
                let elems = try Universe.iterable("enumerate", p[0])
                var out: [Value] = []
                out.reserveCapacity(elems.count)
                for (i, e) in elems.enumerated() {
                    let (n, o) = start.addingReportingOverflow(i)
                    out.append(.tuple([o ? .int(BigInt(start) + BigInt(i)) : .int(n), e]))
                }
                return .list(List(out))
            }
            def("fail") { _, a, k in
                let p = try unpackArgs("fail", [], k, ["sep?"])
                var sep: [UInt8] = [32]
                if let s = p[0] { sep = try Arg.string(s, "fail", "sep") }
                var buf = Array("fail: ".utf8)
                for (i, v) in a.enumerated() {
                    if i > 0 { buf += sep }
                    buf += v.strBytes
                }
                throw EvalError(String(decoding: buf, as: UTF8.self))
            }
            def("float") { _, a, k in
                let x = try unpackPositional("float", a, k, min: 0, max: 1)
                guard let v = x.first else { return .float(0) }
                switch v {
                case .float: return v
                case .int(let i): return .float(Double(i))
                case .bigInt(let b):
                    let d = Starlark.bigToDouble(b.value)
                    if !d.isFinite { throw EvalError("float: int too large to convert to float") }
                    return .float(d)
                case .bool(let b): return .float(b ? 1 : 0)
                case .string(let s):
                    let str = String(decoding: s, as: UTF8.self)
                    let t = str.lowercased()
                    switch t {
                    case "inf", "+inf", "infinity", "+infinity": return .float(.infinity)
                    case "-inf", "-infinity": return .float(-.infinity)
                    case "nan", "+nan", "-nan": return .float(.nan)
                    default: break
                    }
                    let clean = str.replacingOccurrences(of: "_", with: "")
                    if let d = Double(clean), !clean.isEmpty, !str.hasPrefix("_"), !str.hasSuffix("_"), !str.contains("__"), str.allSatisfy({ "0123456789.eE+-_".contains($0) }) {
                        if !d.isFinite { throw EvalError("float: floating-point number too large") }
                        return .float(d)
                    }
                    throw EvalError("invalid float literal: \(str)")
                default:
                    throw EvalError("float: got \(v.typeName), want number or string")
                }
            }
            def("getattr") { _, a, k in
                let x = try unpackPositional("getattr", a, k, min: 2, max: 3)
                let name = String(decoding: try Arg.string(x[1], "getattr", "2"), as: UTF8.self)
                do {
                    return try Compiler.getAttr(x[0], name)
                } catch let e as EvalError {
                    if x.count == 3 { return x[2] }
                    throw EvalError("getattr: \(e.message)")
                }
            }
            def("hasattr") { _, a, k in
                let x = try unpackPositional("hasattr", a, k, min: 2, max: 2)
                let name = String(decoding: try Arg.string(x[1], "hasattr", "2"), as: UTF8.self)
                return .bool((try? Compiler.getAttr(x[0], name)) != nil)
            }
            def("hash") { _, a, k in
                let x = try unpackPositional("hash", a, k, min: 1, max: 1)[0]
                switch x {
                case .string(let s): return .int(Int(Universe.javaStringHash(s)))
                case .bytes(let b):
                    var h: UInt32 = 2166136261
                    for c in b.value { h ^= UInt32(c); h = h &* 16777619 }
                    return .int(Int(h))
                default: throw EvalError("hash: got \(x.typeName), want string or bytes")
                }
            }
            def("int") { _, a, k in try Universe.intBuiltin(a, k) }
            def("len") { _, a, k in
                let x = try unpackPositional("len", a, k, min: 1, max: 1)[0]
                if let n = Universe.len(x) { return .int(n) }
                throw EvalError("len: value of type \(x.typeName) has no len")
            }
            def("list") { _, a, k in
                let x = try unpackPositional("list", a, k, min: 0, max: 1)
                guard let v = x.first else { return .list(List()) }
                return .list(List(try Universe.iterable("list", v)))
            }
            def("tuple") { _, a, k in
                let x = try unpackPositional("tuple", a, k, min: 0, max: 1)
                guard let v = x.first else { return .tuple([]) }
                if case .tuple = v { return v }
                return .tuple(try Universe.iterable("tuple", v))
            }
            def("set") { _, a, k in
                let x = try unpackPositional("set", a, k, min: 0, max: 1)
                let s = StarlarkSet()
                if let v = x.first {
                    do { for e in try Universe.iterable("set", v) { try s.insert(e) } } catch let e as EvalError {
                        throw e.message.hasPrefix("set:") ? e : EvalError("set: \(e.message)")
                    }
                }
                return .set(s)
            }
            def("max") { t, a, k in try Universe.minMax("max", t, a, k, wantMax: true) }
            def("min") { t, a, k in try Universe.minMax("min", t, a, k, wantMax: false) }
            def("ord") { _, a, k in
                let x = try unpackPositional("ord", a, k, min: 1, max: 1)[0]
                switch x {
                case .string(let s):
                    // As Go's utf8.DecodeRune: a lone invalid byte is U+FFFD.
                    if !s.isEmpty {
                        let (r, w) = Printer.decode(s, 0) ?? (Unicode.Scalar(0xFFFD)!, 1)
                        if w == s.count { return .int(Int(r.value)) }
                    }
                    let n = Methods.scalars(s).count  // each invalid byte counts as one
                    throw EvalError("ord: string encodes \(n) Unicode code points, want 1")
                case .bytes(let b):
                    if b.value.count == 1 { return .int(Int(b.value[0])) }
                    throw EvalError("ord: bytes has length \(b.value.count), want 1")
                default:
                    throw EvalError("ord: got \(x.typeName), want string or bytes")
                }
            }
            def("print") { t, a, k in
                let p = try unpackArgs("print", [], k, ["sep?"])
                var sep: [UInt8] = [32]
                if let s = p[0] { sep = try Arg.string(s, "print", "sep") }
                var buf: [UInt8] = []
                for (i, v) in a.enumerated() {
                    if i > 0 { buf += sep }
                    if case .bytes(let b) = v { buf += b.value } else { buf += v.strBytes }
                }
                t.print(t, String(decoding: buf, as: UTF8.self))
                return .none
            }
            def("range") { _, a, k in
                let x = try unpackPositional("range", a, k, min: 1, max: 3)
                var start = 0, stop = 0, step = 1
                if x.count == 1 {
                    stop = try Arg.int(x[0], "range", "1")
                } else {
                    start = try Arg.int(x[0], "range", "1")
                    stop = try Arg.int(x[1], "range", "2")
                    if x.count == 3 { step = try Arg.int(x[2], "range", "3") }
                }
                if step == 0 { throw EvalError("range: step argument must not be zero") }
                return .range(RangeValue(start: start, stop: stop, step: step))
            }
            def("repr") { _, a, k in
                let x = try unpackPositional("repr", a, k, min: 1, max: 1)[0]
                return .str(x.repr)
            }
            def("str") { _, a, k in
                if a.count != 1 || !k.isEmpty {
                    if !k.isEmpty { throw EvalError("str: unexpected keyword arguments") }
                    throw EvalError("str: got \(a.count) arguments, want exactly 1")
                }
                let x = a[0]
                if case .string = x { return x }
                if case .bytes(let b) = x { return .string(Universe.utf8Repair(b.value)) }
                return .string(x.strBytes)
            }
            def("reversed") { _, a, k in
                let x = try unpackPositional("reversed", a, k, min: 1, max: 1)[0]
                return .list(List(try Universe.iterable("reversed", x).reversed()))
            }
            def("sorted") { t, a, k in
                let p = try unpackArgs("sorted", a, k, ["iterable", "key?", "reverse?"])
                guard Compiler.isIterable(p[0]!) else { throw EvalError("sorted: for parameter iterable: got \(p[0]!.typeName), want iterable") }
                var elems = try Compiler.elements(p[0]!)
                var keys = elems
                if let kf = p[1] {
                    switch kf {
                    case .function, .builtin: break
                    default: throw EvalError("sorted: for parameter \"key\": got \(kf.typeName), want callable")
                    }
                    keys = try elems.map { try Compiler.call(t, kf, [$0], []) }
                }
                let reverse = p[2]?.truth ?? false
                var idx = Array(0..<elems.count)
                var err: Swift.Error?
                // stable merge sort via indices
                idx = Universe.stableSort(idx) { i, j in
                    if err != nil { return false }
                    do {
                        return try reverse ? Starlark.compare(.lt, keys[j], keys[i], depth: 0) : Starlark.compare(.lt, keys[i], keys[j], depth: 0)
                    } catch { err = error; return false }
                }
                if let err { throw err }
                elems = idx.map { elems[$0] }
                return .list(List(elems))
            }
            def("type") { _, a, k in
                if a.count != 1 || !k.isEmpty {
                    if !k.isEmpty { throw EvalError("type: unexpected keyword arguments") }
                    throw EvalError("type: got \(a.count) arguments, want exactly 1")
                }
                let x = a[0]
                return .str(x.typeName)
            }
            def("zip") { _, a, k in
                if !k.isEmpty { throw EvalError("zip: unexpected keyword arguments") }
                let seqs = try a.enumerated().map { i, v -> [Value] in
                    guard Compiler.isIterable(v) else { throw EvalError("zip: argument #\(i + 1) is not iterable: \(v.typeName)") }
                    return try Compiler.elements(v)
                }
                let n = seqs.map(\.count).min() ?? 0
                var out: [Value] = []
                out.reserveCapacity(n)
                for i in 0..<n { out.append(.tuple(seqs.map { $0[i] })) }
                return .list(List(out))
            }
            members = m
        }

        static func stableSort(_ a: [Int], _ less: (Int, Int) throws -> Bool) rethrows -> [Int] {
            if a.count <= 1 { return a }
            var src = a
            var dst = a
            var width = 1
            let n = a.count
            while width < n {
                var i = 0
                while i < n {
                    let mid = min(i + width, n), hi = min(i + 2 * width, n)
                    var l = i, r = mid, o = i
                    while l < mid && r < hi {
                        if try less(src[r], src[l]) { dst[o] = src[r]; r += 1 } else { dst[o] = src[l]; l += 1 }
                        o += 1
                    }
                    while l < mid { dst[o] = src[l]; l += 1; o += 1 }
                    while r < hi { dst[o] = src[r]; r += 1; o += 1 }
                    i += 2 * width
                }
                swap(&src, &dst)
                width *= 2
            }
            return src
        }

        static func iterable(_ fname: String, _ v: Value) throws -> [Value] {
            guard Compiler.isIterable(v) else { throw EvalError("\(fname): for parameter 1: got \(v.typeName), want iterable") }
            return try Compiler.elements(v)
        }

        static func len(_ x: Value) -> Int? {
            switch x {
            case .string(let s): s.count
            case .bytes(let b): b.value.count
            case .list(let l): l.elems.count
            case .tuple(let t): t.count
            case .dict(let d): d.count
            case .set(let s): s.count
            case .range(let r): r.count
            case .object(let o): (o as? StarlarkIterable).flatMap { $0.hasLength ? $0.elements.count : nil }
            default: nil
            }
        }

        /// Valid UTF-8 with one U+FFFD per invalid byte (as Go's range over a string).
        static func utf8Repair(_ b: [UInt8]) -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(b.count)
            var i = 0
            while i < b.count {
                if b[i] < 0x80 { out.append(b[i]); i += 1; continue }
                if let (_, w) = Printer.decode(b, i) {
                    out += b[i..<(i + w)]
                    i += w
                } else {
                    out += [0xEF, 0xBF, 0xBD]
                    i += 1
                }
            }
            return out
        }

        static func javaStringHash(_ s: [UInt8]) -> Int32 {
            var h: Int32 = 0
            for u in String(decoding: s, as: UTF8.self).utf16 {
                h = 31 &* h &+ Int32(u)
            }
            return h
        }

        static func updateDict(_ d: Dict, _ src: Value, _ fname: String) throws {
            if case .dict(let other) = src {
                for (k, v) in other.entries { try d.set(k, v) }
                return
            }
            guard Compiler.isIterable(src) else { throw EvalError("\(fname): got \(src.typeName), want iterable") }
            for (i, e) in try Compiler.elements(src).enumerated() {
                guard Compiler.isIterable(e) else {
                    throw EvalError("\(fname): dictionary update sequence element #\(i) is not iterable (\(e.typeName))")
                }
                let pair = try Compiler.elements(e)
                if pair.count != 2 {
                    throw EvalError("\(fname): dictionary update sequence element #\(i) has length \(pair.count), want 2")
                }
                try d.set(pair[0], pair[1])
            }
        }

        static func minMax(_ fname: String, _ t: Thread, _ a: [Value], _ k: [(String, Value)], wantMax: Bool) throws -> Value {
            let p = try unpackArgs(fname, [], k, ["key?"])
            let elems: [Value]
            if a.count == 1 {
                guard Compiler.isIterable(a[0]) else { throw EvalError("\(fname): \(a[0].typeName) value is not iterable") }
                elems = try Compiler.elements(a[0])
            } else if a.isEmpty {
                throw EvalError("\(fname) requires at least one positional argument")
            } else {
                elems = a
            }
            guard !elems.isEmpty else { throw EvalError("\(fname): argument is an empty sequence") }
            let keyFn = p[0].flatMap { $0.isNone ? nil : $0 }
            var best = elems[0]
            var bestKey = try keyFn.map { try Compiler.call(t, $0, [best], []) } ?? best
            for e in elems.dropFirst() {
                let key = try keyFn.map { try Compiler.call(t, $0, [e], []) } ?? e
                let better: Bool
                do {
                    better = try Starlark.compare(wantMax ? .gt : .lt, key, bestKey, depth: 0)
                } catch let err as EvalError { throw EvalError("\(fname): \(err.message)") }
                if better { best = e; bestKey = key }
            }
            return best
        }

        static func intBuiltin(_ a: [Value], _ k: [(String, Value)]) throws -> Value {
            let p = try unpackArgs("int", a, k, ["x", "base?"])
            let x = p[0]!
            if let bv = p[1] {
                guard case .int = bv else { throw EvalError("int: for base, got \(bv.typeName), want int") }
                guard case .string = x else { throw EvalError("int: can't convert non-string with explicit base") }
            }
            switch x {
            case .int, .bigInt: return x
            case .bool(let b): return .int(b ? 1 : 0)
            case .float(let d):
                if d.isNaN { throw EvalError("int: cannot convert float NaN to integer") }
                if d.isInfinite { throw EvalError("int: cannot convert float infinity to integer") }
                let t = d.rounded(.towardZero)
                if let i = Int(exactly: t) { return .int(i) }
                return .int(BigInt(t))
            case .string(let sb):
                let base = try Arg.optInt(p[1], 10, "int", "base")
                let explicitBase = p[1] != nil
                if explicitBase && base != 0 && (base < 2 || base > 36) {
                    throw EvalError("int: base must be an integer >= 2 && <= 36")
                }
                let s = String(decoding: sb, as: UTF8.self)
                if let v = parseInt(s, base: explicitBase ? base : 10, explicit: explicitBase) { return v }
                throw EvalError("int: invalid literal with base \(explicitBase ? base : 10): \(s)")
            default:
                throw EvalError("int: cannot convert \(x.typeName) to int")
            }
        }

        /// Parses unsigned digits in any radix 2...36 (nil on a bad digit).
        static func parseBig(_ s: String, radix: Int) -> BigInt? {
            if s.isEmpty { return nil }
            if let i = Int(s, radix: radix) { return BigInt(i) }
            var v = BigInt(0)
            var chunk = 0, chunkMul = 1
            for ch in s {
                guard let d = ch.hexDigitValue ?? (ch.isLetter && ch.isASCII ? Int(ch.lowercased().unicodeScalars.first!.value) - 87 : nil), d < radix else { return nil }
                chunk = chunk * radix + d
                chunkMul *= radix
                if chunkMul > Int.max / 64 {
                    v = v * BigInt(chunkMul) + BigInt(chunk)
                    chunk = 0; chunkMul = 1
                }
            }
            return v * BigInt(chunkMul) + BigInt(chunk)
        }

        static func parseInt(_ str: String, base b: Int, explicit: Bool) -> Value? {
            var s = Substring(str)
            var neg = false
            if s.hasPrefix("+") { s = s.dropFirst() } else if s.hasPrefix("-") { neg = true; s = s.dropFirst() }
            var base = b
            let lower = s.lowercased()
            func strip(_ p: String, _ r: Int) -> Bool {
                if lower.hasPrefix(p) && (base == 0 || base == r) { s = s.dropFirst(2); base = r; return true }
                return false
            }
            if !(strip("0x", 16) || strip("0o", 8) || strip("0b", 2)) {
                if base == 0 {
                    if s.count > 1 && s.hasPrefix("0") { return nil }
                    base = 10
                }
            }
            if s.isEmpty || s.contains("_") || s.hasPrefix("+") || s.hasPrefix("-") { return nil }
            guard let v = Universe.parseBig(String(s), radix: base) else { return nil }
            return .int(neg ? -v : v)
        }
    }
}
