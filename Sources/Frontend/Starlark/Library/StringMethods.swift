extension Starlark.Methods {
    typealias Value = Starlark.Value
    typealias EvalError = Starlark.EvalError
    typealias Arg = Starlark.Arg

    static func recvString(_ r: Value) -> [UInt8] {
        if case .string(let s) = r { return s }
        return []
    }

    static func str(_ s: [UInt8]) -> String { String(decoding: s, as: UTF8.self) }

    static func isASCII(_ s: [UInt8]) -> Bool { s.allSatisfy { $0 < 0x80 } }

    static func mapCase(_ s: [UInt8], upper: Bool) -> [UInt8] {
        if isASCII(s) {
            return s.map { c in
                if upper, c >= 97, c <= 122 { return c - 32 }
                if !upper, c >= 65, c <= 90 { return c + 32 }
                return c
            }
        }
        return mapScalars(s, upper ? toUpper : toLower)  // per rune, as Go's strings.ToUpper/ToLower
    }

    static func scalars(_ s: [UInt8]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        var i = 0
        while i < s.count {
            if let (r, w) = Starlark.Printer.decode(s, i) { out.append(r); i += w } else { out.append(Unicode.Scalar(0xFFFD)!); i += 1 }
        }
        return out
    }

    static func view(_ type: String, _ recv: Value, _ method: String, _ elems: [Value]) -> Value {
        if type == "string.elems" {  // elems(), elem_ords(): indexable, with a length
            return .object(Starlark.SequenceView(type: type, repr: "\(recv.repr).\(method)()", elements: elems))
        }
        return .object(Starlark.IterableView(type: type, repr: "\(recv.repr).\(method)()", elements: elems))
    }

    static func isSpace(_ c: UInt8) -> Bool { c == 32 || (c >= 9 && c <= 13) }

    static func splitWhitespace(_ s: [UInt8], _ maxsplit: Int, fromRight: Bool) -> [Value] {
        var words: [[UInt8]] = []
        if !fromRight {
            var i = 0
            while i < s.count {
                while i < s.count && isSpace(s[i]) { i += 1 }
                if i >= s.count { break }
                if maxsplit >= 0 && words.count == maxsplit {
                    words.append(Array(s[i...]))
                    break
                }
                var j = i
                while j < s.count && !isSpace(s[j]) { j += 1 }
                words.append(Array(s[i..<j]))
                i = j
            }
            return words.map { .string($0) }
        }
        var i = s.count
        while i > 0 {
            while i > 0 && isSpace(s[i - 1]) { i -= 1 }
            if i == 0 { break }
            if maxsplit >= 0 && words.count == maxsplit {
                words.append(Array(s[..<i]))
                break
            }
            var j = i
            while j > 0 && !isSpace(s[j - 1]) { j -= 1 }
            words.append(Array(s[j..<i]))
            i = j
        }
        return words.reversed().map { .string($0) }
    }

    static func stripImpl(_ name: String, _ r: Value, _ a: [Value], _ k: [(String, Value)], left: Bool, right: Bool) throws -> Value {
        let x = try Starlark.unpackPositional(name, a, k, min: 0, max: 1)
        let s = recvString(r)
        var lo = 0, hi = s.count
        if let cv = x.first, !(try Arg.string(cv, name, "1")).isEmpty {  // strip("") strips whitespace, as Go
            let cs = Set(scalars(try Arg.string(cv, name, "1")))
            let sc = scalars(s)
            var l = 0, h = sc.count
            if left { while l < h && cs.contains(sc[l]) { l += 1 } }
            if right { while h > l && cs.contains(sc[h - 1]) { h -= 1 } }
            var out = ""
            out.unicodeScalars.append(contentsOf: sc[l..<h])
            return .str(out)
        }
        if !isASCII(s) {
            // Unicode white space (Go's unicode.IsSpace, e.g. U+00A0); invalid bytes are kept.
            var starts: [Int] = []  // offsets of the runes
            var i = 0
            while i < s.count { starts.append(i); i += Starlark.Printer.decode(s, i)?.1 ?? 1 }
            func space(_ k: Int) -> Bool { Starlark.Printer.decode(s, starts[k])?.0.properties.isWhitespace ?? false }
            var l = 0, h = starts.count
            if left { while l < h && space(l) { l += 1 } }
            if right { while h > l && space(h - 1) { h -= 1 } }
            return .string(Array(s[(l < starts.count ? starts[l] : s.count)..<(h < starts.count ? starts[h] : s.count)]))
        }
        if left { while lo < hi && isSpace(s[lo]) { lo += 1 } }
        if right { while hi > lo && isSpace(s[hi - 1]) { hi -= 1 } }
        return .string(Array(s[lo..<hi]))
    }

    static func findImpl(_ name: String, _ r: Value, _ a: [Value], _ k: [(String, Value)], last: Bool, allowError: Bool) throws -> Value {
        let x = try Starlark.unpackPositional(name, a, k, min: 1, max: 3)
        let s = recvString(r)
        let sub = try Arg.string(x[0], name, "sub")
        let (st, en) = try indices(x.count > 1 ? x[1] : nil, x.count > 2 ? x[2] : nil, s.count, name)
        let i = st > en ? nil : (last ? Starlark.rfind(s, sub, st, en) : Starlark.find(s, sub, st, en))
        if let i { return .int(i) }
        if allowError { throw EvalError("\(name): substring not found") }
        return .int(-1)
    }

    static func prefixImpl(_ name: String, _ r: Value, _ a: [Value], _ k: [(String, Value)], suffix: Bool) throws -> Value {
        let x = try Starlark.unpackPositional(name, a, k, min: 1, max: 3)
        let s = recvString(r)
        let (st, en) = try indices(x.count > 1 ? x[1] : nil, x.count > 2 ? x[2] : nil, s.count, name)
        let part = st <= en ? Array(s[st..<en]) : []
        func test(_ p: [UInt8]) -> Bool {
            if p.count > part.count { return false }
            return suffix ? Array(part[(part.count - p.count)...]) == p : Array(part[..<p.count]) == p
        }
        switch x[0] {
        case .string(let p): return .bool(test(p))
        case .tuple(let t):
            for (i, e) in t.enumerated() {
                guard case .string(let p) = e else { throw EvalError("\(name): want string, got \(e.typeName), for element \(i)") }
                if test(p) { return .bool(true) }
            }
            return .bool(false)
        default:
            throw EvalError("\(name): got \(x[0].typeName), want string or tuple of string")
        }
    }

    static func splitImpl(_ name: String, _ r: Value, _ a: [Value], _ k: [(String, Value)], fromRight: Bool) throws -> Value {
        let p = try Starlark.unpackArgs(name, a, k, ["sep?", "maxsplit?"])
        let s = recvString(r)
        let maxsplit = try Arg.optInt(p[1], -1, name, "maxsplit")
        guard let sepv = p[0], !sepv.isNone else {
            return .list(Starlark.List(splitWhitespace(s, maxsplit, fromRight: fromRight)))
        }
        guard case .string(let sep) = sepv else { throw EvalError("\(name): got \(sepv.typeName) for separator, want string") }
        if sep.isEmpty { throw EvalError("\(name): empty separator") }
        var parts: [[UInt8]] = []
        if !fromRight {
            var start = 0
            while maxsplit < 0 || parts.count < maxsplit, let i = Starlark.find(s, sep, start, s.count) {
                parts.append(Array(s[start..<i]))
                start = i + sep.count
            }
            parts.append(Array(s[start...]))
        } else {
            var end = s.count
            while maxsplit < 0 || parts.count < maxsplit, let i = Starlark.rfind(s, sep, 0, end) {
                parts.append(Array(s[(i + sep.count)..<end]))
                end = i
            }
            parts.append(Array(s[..<end]))
            parts.reverse()
        }
        return .list(Starlark.List(parts.map { .string($0) }))
    }

    static func partitionImpl(_ name: String, _ r: Value, _ a: [Value], _ k: [(String, Value)], fromRight: Bool) throws -> Value {
        let x = try Starlark.unpackPositional(name, a, k, min: 1, max: 1)
        let s = recvString(r)
        let sep = try Arg.string(x[0], name, "sep")
        if sep.isEmpty { throw EvalError("\(name): empty separator") }
        let i = fromRight ? Starlark.rfind(s, sep, 0, s.count) : Starlark.find(s, sep, 0, s.count)
        guard let i else {
            return fromRight ? .tuple([.string([]), .string([]), .string(s)]) : .tuple([.string(s), .string([]), .string([])])
        }
        return .tuple([.string(Array(s[..<i])), .string(sep), .string(Array(s[(i + sep.count)...]))])
    }

    static func predicate(_ name: String, _ r: Value, _ a: [Value], _ k: [(String, Value)], _ f: (Unicode.Scalar) -> Bool) throws -> Value {
        _ = try Starlark.unpackPositional(name, a, k, min: 0, max: 0)
        let sc = scalars(recvString(r))
        return .bool(!sc.isEmpty && sc.allSatisfy(f))
    }

    /// Go's simple (one-to-one) case mappings `unicode.ToLower/ToUpper/ToTitle`.
    static func simpleMap(_ c: Unicode.Scalar, _ mapping: String) -> Unicode.Scalar {
        let u = mapping.unicodeScalars
        return u.count == 1 ? u.first! : c
    }
    static func toLower(_ c: Unicode.Scalar) -> Unicode.Scalar { c.value < 0x80 ? (c.value >= 65 && c.value <= 90 ? Unicode.Scalar(c.value + 32)! : c) : simpleMap(c, c.properties.lowercaseMapping) }
    static func toUpper(_ c: Unicode.Scalar) -> Unicode.Scalar { c.value < 0x80 ? (c.value >= 97 && c.value <= 122 ? Unicode.Scalar(c.value - 32)! : c) : simpleMap(c, c.properties.uppercaseMapping) }
    static func toTitle(_ c: Unicode.Scalar) -> Unicode.Scalar { c.value < 0x80 ? toUpper(c) : simpleMap(c, c.properties.titlecaseMapping) }
    /// go.starlark.net's `isCasedRune`: a-z, A-Z, or a rune with another case form.
    static func isCased(_ c: Unicode.Scalar) -> Bool {
        if c.value < 0x80 { return (c.value >= 65 && c.value <= 90) || (c.value >= 97 && c.value <= 122) }
        return toLower(c) != c || toUpper(c) != c || toTitle(c) != c
    }
    static func mapScalars(_ s: [UInt8], _ f: (Unicode.Scalar) -> Unicode.Scalar) -> [UInt8] {
        var out = ""
        out.unicodeScalars.append(contentsOf: scalars(s).map(f))
        return Array(out.utf8)
    }

    nonisolated(unsafe) static let stringMethods: [String: Impl] = [
        "capitalize": { _, r, a, k in
            _ = try Starlark.unpackPositional("capitalize", a, k, min: 0, max: 0)
            var first = true
            return .string(mapScalars(recvString(r)) { c in
                defer { first = false }
                return first ? toTitle(c) : toLower(c)
            })
        },
        "count": { _, r, a, k in
            let x = try Starlark.unpackPositional("count", a, k, min: 1, max: 3)
            let s = recvString(r)
            let sub = try Arg.string(x[0], "count", "sub")
            let (st, en) = try indices(x.count > 1 ? x[1] : nil, x.count > 2 ? x[2] : nil, s.count, "count")
            if st > en { return .int(0) }
            if sub.isEmpty { return .int(scalars(Array(s[st..<en])).count + 1) }
            var n = 0, i = st
            while let j = Starlark.find(s, sub, i, en) { n += 1; i = j + sub.count }
            return .int(n)
        },
        "elems": { _, r, a, k in
            _ = try Starlark.unpackPositional("elems", a, k, min: 0, max: 0)
            return view("string.elems", r, "elems", recvString(r).map { .string([$0]) })
        },
        "elem_ords": { _, r, a, k in
            _ = try Starlark.unpackPositional("elem_ords", a, k, min: 0, max: 0)
            return view("string.elems", r, "elem_ords", recvString(r).map { .int(Int($0)) })
        },
        "codepoints": { _, r, a, k in
            _ = try Starlark.unpackPositional("codepoints", a, k, min: 0, max: 0)
            return view("string.codepoints", r, "codepoints", scalars(recvString(r)).map { .str(String($0)) })
        },
        "codepoint_ords": { _, r, a, k in
            _ = try Starlark.unpackPositional("codepoint_ords", a, k, min: 0, max: 0)
            return view("string.codepoints", r, "codepoint_ords", scalars(recvString(r)).map { .int(Int($0.value)) })
        },
        "endswith": { _, r, a, k in try prefixImpl("endswith", r, a, k, suffix: true) },
        "startswith": { _, r, a, k in try prefixImpl("startswith", r, a, k, suffix: false) },
        "find": { _, r, a, k in try findImpl("find", r, a, k, last: false, allowError: false) },
        "rfind": { _, r, a, k in try findImpl("rfind", r, a, k, last: true, allowError: false) },
        "index": { _, r, a, k in try findImpl("index", r, a, k, last: false, allowError: true) },
        "rindex": { _, r, a, k in try findImpl("rindex", r, a, k, last: true, allowError: true) },
        "format": { t, r, a, k in .string(try Starlark.strFormat(recvString(r), a, k)) },
        "isalnum": { _, r, a, k in try predicate("isalnum", r, a, k) { $0.properties.isAlphabetic || $0.properties.numericType != nil } },
        "isalpha": { _, r, a, k in try predicate("isalpha", r, a, k) { $0.properties.isAlphabetic } },
        "isdigit": { _, r, a, k in try predicate("isdigit", r, a, k) { $0.properties.numericType == .decimal || $0.properties.numericType == .digit } },
        "isspace": { _, r, a, k in try predicate("isspace", r, a, k) { $0.properties.isWhitespace } },
        "islower": { _, r, a, k in
            _ = try Starlark.unpackPositional("islower", a, k, min: 0, max: 0)
            let s = recvString(r)
            return .bool(scalars(s).contains(where: isCased) && mapCase(s, upper: false) == s)
        },
        "isupper": { _, r, a, k in
            _ = try Starlark.unpackPositional("isupper", a, k, min: 0, max: 0)
            let s = recvString(r)
            return .bool(scalars(s).contains(where: isCased) && mapCase(s, upper: true) == s)
        },
        "istitle": { _, r, a, k in
            _ = try Starlark.unpackPositional("istitle", a, k, min: 0, max: 0)
            var prevCased = false, cased = false
            for c in scalars(recvString(r)) {
                let cat = c.properties.generalCategory
                if (c.value >= 65 && c.value <= 90) || cat == .titlecaseLetter {  // e.g. "ǅ"
                    if prevCased { return .bool(false) }
                    prevCased = true; cased = true
                } else if cat == .lowercaseLetter {
                    if !prevCased { return .bool(false) }
                    prevCased = true; cased = true
                } else if cat == .uppercaseLetter {
                    return .bool(false)  // sic, as Go: only ASCII or titlecase letters may start a word
                } else {
                    prevCased = false
                }
            }
            return .bool(cased)
        },
        "join": { _, r, a, k in
            let x = try Starlark.unpackPositional("join", a, k, min: 1, max: 1)[0]
            let sep = recvString(r)
            var out: [UInt8] = []
            for (i, e) in try Starlark.Universe.iterable("join", x).enumerated() {
                guard case .string(let s) = e else { throw EvalError("join: in list, want string, got \(e.typeName)") }
                if i > 0 { out += sep }
                out += s
            }
            return .string(out)
        },
        "lower": { _, r, a, k in
            _ = try Starlark.unpackPositional("lower", a, k, min: 0, max: 0)
            return .string(mapCase(recvString(r), upper: false))
        },
        "upper": { _, r, a, k in
            _ = try Starlark.unpackPositional("upper", a, k, min: 0, max: 0)
            return .string(mapCase(recvString(r), upper: true))
        },
        "title": { _, r, a, k in
            _ = try Starlark.unpackPositional("title", a, k, min: 0, max: 0)
            var prevCased = false
            return .string(mapScalars(recvString(r)) { c in
                let m = prevCased ? toLower(c) : toTitle(c)
                prevCased = isCased(m)
                return m
            })
        },
        "lstrip": { _, r, a, k in try stripImpl("lstrip", r, a, k, left: true, right: false) },
        "rstrip": { _, r, a, k in try stripImpl("rstrip", r, a, k, left: false, right: true) },
        "strip": { _, r, a, k in try stripImpl("strip", r, a, k, left: true, right: true) },
        "partition": { _, r, a, k in try partitionImpl("partition", r, a, k, fromRight: false) },
        "rpartition": { _, r, a, k in try partitionImpl("rpartition", r, a, k, fromRight: true) },
        "removeprefix": { _, r, a, k in
            let x = try Starlark.unpackPositional("removeprefix", a, k, min: 1, max: 1)
            let s = recvString(r), p = try Arg.string(x[0], "removeprefix", "prefix")
            if s.count >= p.count && Array(s[..<p.count]) == p { return .string(Array(s[p.count...])) }
            return r
        },
        "removesuffix": { _, r, a, k in
            let x = try Starlark.unpackPositional("removesuffix", a, k, min: 1, max: 1)
            let s = recvString(r), p = try Arg.string(x[0], "removesuffix", "suffix")
            if s.count >= p.count && Array(s[(s.count - p.count)...]) == p { return .string(Array(s[..<(s.count - p.count)])) }
            return r
        },
        "replace": { _, r, a, k in
            let x = try Starlark.unpackPositional("replace", a, k, min: 2, max: 3)
            let s = recvString(r)
            let old = try Arg.string(x[0], "replace", "old"), new = try Arg.string(x[1], "replace", "new")
            var count = x.count > 2 ? try Arg.int(x[2], "replace", "count") : -1
            if count < 0 { count = Int.max }
            var out: [UInt8] = []
            if old.isEmpty {
                // insert `new` around every code point, as Go's strings.Replace
                var n = 0
                var i = 0
                if n < count { out += new; n += 1 }
                while i < s.count {
                    let w = Starlark.Printer.decode(s, i)?.1 ?? 1
                    out += s[i..<(i + w)]
                    i += w
                    if n < count && i <= s.count { out += new; n += 1 }
                }
                return .string(out)
            }
            var i = 0, n = 0
            while n < count, let j = Starlark.find(s, old, i, s.count) {
                out += s[i..<j]
                out += new
                i = j + old.count
                n += 1
            }
            out += s[i...]
            return .string(out)
        },
        "split": { _, r, a, k in try splitImpl("split", r, a, k, fromRight: false) },
        "rsplit": { _, r, a, k in try splitImpl("rsplit", r, a, k, fromRight: true) },
        "splitlines": { _, r, a, k in
            let p = try Starlark.unpackArgs("splitlines", a, k, ["keepends?"])
            let keep = try p[0].map { try Arg.bool($0, "splitlines", "keepends") } ?? false
            let s = recvString(r)
            var lines: [Value] = []
            var i = 0, start = 0
            while i < s.count {
                if s[i] == 10 {
                    let end = i + 1
                    lines.append(.string(Array(s[start..<(keep ? end : i)])))
                    i = end
                    start = end
                } else {
                    i += 1
                }
            }
            if start < s.count { lines.append(.string(Array(s[start...]))) }
            return .list(Starlark.List(lines))
        },
    ]
}
