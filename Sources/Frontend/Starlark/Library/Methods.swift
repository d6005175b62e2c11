extension Starlark {
    /// Builtin methods of the core types, looked up by name once at compile time.
    enum Methods {
        typealias Impl = (Thread, Value, [Value], [(String, Value)]) throws -> Value

        struct Entry {
            var string: Impl?
            var bytes: Impl?
            var list: Impl?
            var dict: Impl?
            var set: Impl?
        }

        static func lookupAll(_ name: String) -> Entry {
            Entry(string: stringMethods[name], bytes: bytesMethods[name], list: listMethods[name], dict: dictMethods[name], set: setMethods[name])
        }

        @inline(__always) static func pick(_ e: Entry, _ v: Value) -> Impl? {
            switch v {
            case .string: e.string
            case .list: e.list
            case .dict: e.dict
            case .set: e.set
            case .bytes: e.bytes
            default: nil
            }
        }

        static func names(for v: Value) -> [String] {
            let keys: Dictionary<String, Impl>.Keys
            switch v {
            case .string: keys = stringMethods.keys
            case .list: keys = listMethods.keys
            case .dict: keys = dictMethods.keys
            case .set: keys = setMethods.keys
            case .bytes: keys = bytesMethods.keys
            default: return []
            }
            return keys.sorted()
        }

        nonisolated(unsafe) static let bytesMethods: [String: Impl] = [
            "elems": { _, r, a, k in
                _ = try unpackPositional("elems", a, k, min: 0, max: 0)
                guard case .bytes(let b) = r else { return .none }
                return .object(IterableView(type: "bytes.elems", repr: "\(r.repr).elems()", elements: b.value.map { .int(Int($0)) }))
            },
        ]

        nonisolated(unsafe) static let listMethods: [String: Impl] = [
            "append": { _, r, a, k in
                guard case .list(let l) = r else { return .none }
                if a.count != 1 || !k.isEmpty { _ = try unpackPositional("append", a, k, min: 1, max: 1) }
                do { try l.checkMutable("append to") } catch let e as EvalError { throw EvalError("append: \(e.message)") }
                l.elems.append(a[0])
                return .none
            },
            "clear": { _, r, a, k in
                _ = try unpackPositional("clear", a, k, min: 0, max: 0)
                guard case .list(let l) = r else { return .none }
                do { try l.checkMutable("clear") } catch let e as EvalError { throw EvalError("clear: \(e.message)") }
                l.elems.removeAll()
                return .none
            },
            "extend": { _, r, a, k in
                let x = try unpackPositional("extend", a, k, min: 1, max: 1)[0]
                guard case .list(let l) = r else { return .none }
                do { try l.checkMutable("extend") } catch let e as EvalError { throw EvalError("extend: \(e.message)") }
                l.elems.append(contentsOf: try Universe.iterable("extend", x))
                return .none
            },
            "index": { _, r, a, k in
                let x = try unpackPositional("index", a, k, min: 1, max: 3)
                guard case .list(let l) = r else { return .none }
                let n = l.elems.count
                let (s, e) = try Methods.indices(x.count > 1 ? x[1] : nil, x.count > 2 ? x[2] : nil, n, "index")
                var i = s
                while i < e {
                    if try Starlark.equal(l.elems[i], x[0]) { return .int(i) }
                    i += 1
                }
                throw EvalError("index: value not in list")
            },
            "insert": { _, r, a, k in
                let x = try unpackPositional("insert", a, k, min: 2, max: 2)
                guard case .list(let l) = r else { return .none }
                do { try l.checkMutable("insert into") } catch let e as EvalError { throw EvalError("insert: \(e.message)") }
                var i = try Arg.int(x[0], "insert", "index")
                let n = l.elems.count
                if i < 0 { i += n }
                i = min(max(i, 0), n)
                l.elems.insert(x[1], at: i)
                return .none
            },
            "pop": { _, r, a, k in
                let x = try unpackPositional("pop", a, k, min: 0, max: 1)
                guard case .list(let l) = r else { return .none }
                let n = l.elems.count
                var i = n - 1
                if let iv = x.first { i = try Arg.int(iv, "pop", "index") }
                do { i = try Starlark.Compiler.normIndex(i, n, "list") } catch let e as EvalError { throw EvalError("pop: \(e.message)") }
                do { try l.checkMutable("pop from") } catch let e as EvalError { throw EvalError("pop: \(e.message)") }
                return l.elems.remove(at: i)
            },
            "remove": { _, r, a, k in
                let x = try unpackPositional("remove", a, k, min: 1, max: 1)[0]
                guard case .list(let l) = r else { return .none }
                do { try l.checkMutable("remove from") } catch let e as EvalError { throw EvalError("remove: \(e.message)") }
                for i in 0..<l.elems.count where try Starlark.equal(l.elems[i], x) {
                    l.elems.remove(at: i)
                    return .none
                }
                throw EvalError("remove: element not found")
            },
        ]

        /// Resolves optional start/end arguments (None allowed) to clamped bounds.
        static func indices(_ start: Value?, _ end: Value?, _ n: Int, _ fname: String) throws -> (Int, Int) {
            func conv(_ v: Value?, _ def: Int, _ pname: String) throws -> Int {
                guard let v, !v.isNone else { return def }
                var i: Int
                switch v {
                case .int(let x): i = x
                case .bigInt(let b): i = b.value < 0 ? Int.min / 2 : Int.max / 2
                default: throw EvalError("\(fname): for parameter \(pname): got \(v.typeName), want int")
                }
                if i < 0 { i += n }
                return min(max(i, 0), n)
            }
            return (try conv(start, 0, "start"), try conv(end, n, "end"))
        }

        nonisolated(unsafe) static let dictMethods: [String: Impl] = [
            "clear": { _, r, a, k in
                _ = try unpackPositional("clear", a, k, min: 0, max: 0)
                guard case .dict(let d) = r else { return .none }
                do { try d.clear() } catch let e as EvalError { throw EvalError("clear: \(e.message)") }
                return .none
            },
            "get": { _, r, a, k in
                let x = try unpackPositional("get", a, k, min: 1, max: 2)
                guard case .dict(let d) = r else { return .none }
                do {
                    if let v = try d.lookup(x[0]) { return v }
                } catch let e as EvalError { throw EvalError("get: \(e.message)") }
                return x.count > 1 ? x[1] : .none
            },
            "items": { _, r, a, k in
                _ = try unpackPositional("items", a, k, min: 0, max: 0)
                guard case .dict(let d) = r else { return .none }
                return .list(List(d.entries.map { .tuple([$0.0, $0.1]) }))
            },
            "keys": { _, r, a, k in
                _ = try unpackPositional("keys", a, k, min: 0, max: 0)
                guard case .dict(let d) = r else { return .none }
                return .list(List(d.keys))
            },
            "values": { _, r, a, k in
                _ = try unpackPositional("values", a, k, min: 0, max: 0)
                guard case .dict(let d) = r else { return .none }
                return .list(List(d.entries.map(\.1)))
            },
            "pop": { _, r, a, k in
                let x = try unpackPositional("pop", a, k, min: 1, max: 2)
                guard case .dict(let d) = r else { return .none }
                do {
                    if let v = try d.remove(x[0]) { return v }
                } catch let e as EvalError { throw EvalError("pop: \(e.message)") }
                if x.count > 1 { return x[1] }
                throw EvalError("pop: missing key")
            },
            "popitem": { _, r, a, k in
                _ = try unpackPositional("popitem", a, k, min: 0, max: 0)
                guard case .dict(let d) = r else { return .none }
                guard let first = d.keys.first else { throw EvalError("popitem: empty dict") }
                do {
                    let v = try d.remove(first)!
                    return .tuple([first, v])
                } catch let e as EvalError { throw EvalError("popitem: \(e.message)") }
            },
            "setdefault": { _, r, a, k in
                let x = try unpackPositional("setdefault", a, k, min: 1, max: 2)
                guard case .dict(let d) = r else { return .none }
                do {
                    if let v = try d.lookup(x[0]) { return v }
                    let v = x.count > 1 ? x[1] : .none
                    try d.set(x[0], v)
                    return v
                } catch let e as EvalError { throw EvalError("setdefault: \(e.message)") }
            },
            "update": { _, r, a, k in
                let x = try unpackPositional("update", a, [], min: 0, max: 1)
                guard case .dict(let d) = r else { return .none }
                do {
                    if let src = x.first { try Universe.updateDict(d, src, "update") }
                    for (key, v) in k { try d.set(.str(key), v) }
                } catch let e as EvalError {
                    if e.message.hasPrefix("update:") { throw e }
                    throw EvalError("update: \(e.message)")
                }
                return .none
            },
        ]

        static func setArg(_ fname: String, _ v: Value) throws -> [Value] {
            try Universe.iterable(fname, v)
        }

        /// Adds every element of every argument, as go.starlark.net's `setUpdate`.
        static func setUpdate(_ fname: String, _ s: StarlarkSet, _ args: [Value], _ kwargs: [(String, Value)]) throws {
            if !kwargs.isEmpty { throw EvalError("\(fname): does not accept keyword arguments") }
            for (i, x) in args.enumerated() {
                guard Compiler.isIterable(x) else {
                    throw EvalError("\(fname): argument #\(i + 1) is not iterable: \(x.typeName)")
                }
                do {
                    for e in try Compiler.elements(x) { try s.insert(e) }
                } catch let e as EvalError { throw EvalError("\(fname): \(e.message)") }
            }
        }

        nonisolated(unsafe) static let setMethods: [String: Impl] = [
            "add": { _, r, a, k in
                let x = try unpackPositional("add", a, k, min: 1, max: 1)[0]
                guard case .set(let s) = r else { return .none }
                do { try s.insert(x) } catch let e as EvalError { throw EvalError("add: \(e.message)") }
                return .none
            },
            "clear": { _, r, a, k in
                _ = try unpackPositional("clear", a, k, min: 0, max: 0)
                guard case .set(let s) = r else { return .none }
                if s.count == 0 { return .none }  // a frozen empty set may be cleared, as Go
                do { try s.clear() } catch let e as EvalError { throw EvalError("clear: \(e.message)") }
                return .none
            },
            "discard": { _, r, a, k in
                let x = try unpackPositional("discard", a, k, min: 1, max: 1)[0]
                guard case .set(let s) = r else { return .none }
                do { _ = try s.remove(x) } catch let e as EvalError { throw EvalError("discard: \(e.message)") }
                return .none
            },
            "remove": { _, r, a, k in
                let x = try unpackPositional("remove", a, k, min: 1, max: 1)[0]
                guard case .set(let s) = r else { return .none }
                do {
                    if try s.remove(x) { return .none }
                } catch let e as EvalError { throw EvalError("remove: \(e.message)") }
                throw EvalError("remove: missing key")
            },
            "pop": { _, r, a, k in
                _ = try unpackPositional("pop", a, k, min: 0, max: 0)
                guard case .set(let s) = r else { return .none }
                guard let first = s.elems.first else { throw EvalError("pop: empty set") }
                do { _ = try s.remove(first) } catch let e as EvalError { throw EvalError("pop: \(e.message)") }
                return first
            },
            "union": { _, r, a, k in
                guard case .set(let s) = r else { return .none }
                let out = StarlarkSet()
                for e in s.elems { try out.insert(e) }
                try setUpdate("union", out, a, k)
                return .set(out)
            },
            "update": { _, r, a, k in
                guard case .set(let s) = r else { return .none }
                try setUpdate("update", s, a, k)
                return .none
            },
            "intersection": { _, r, a, k in
                guard case .set(let s) = r else { return .none }
                if !k.isEmpty { throw EvalError("intersection: unexpected keyword arguments") }
                var cur = s.elems
                for x in a {
                    let other = StarlarkSet()
                    for e in try setArg("intersection", x) { try other.insert(e) }
                    cur = try cur.filter { try other.contains($0) }
                }
                let out = StarlarkSet()
                for e in cur { try out.insert(e) }
                return .set(out)
            },
            "difference": { _, r, a, k in
                guard case .set(let s) = r else { return .none }
                if !k.isEmpty { throw EvalError("difference: unexpected keyword arguments") }
                let out = StarlarkSet()
                for e in s.elems { try out.insert(e) }
                for x in a { for e in try setArg("difference", x) { _ = try out.remove(e) } }
                return .set(out)
            },
            "symmetric_difference": { _, r, a, k in
                let x = try unpackPositional("symmetric_difference", a, k, min: 1, max: 1)[0]
                guard case .set(let s) = r else { return .none }
                let other = StarlarkSet()
                for e in try setArg("symmetric_difference", x) { try other.insert(e) }
                let out = StarlarkSet()
                for e in s.elems where try !other.contains(e) { try out.insert(e) }
                for e in other.elems where try !s.contains(e) { try out.insert(e) }
                return .set(out)
            },
            "issubset": { _, r, a, k in
                let x = try unpackPositional("issubset", a, k, min: 1, max: 1)[0]
                guard case .set(let s) = r else { return .none }
                let other = StarlarkSet()
                for e in try setArg("issubset", x) { try other.insert(e) }
                return .bool(try s.elems.allSatisfy { try other.contains($0) })
            },
            "issuperset": { _, r, a, k in
                let x = try unpackPositional("issuperset", a, k, min: 1, max: 1)[0]
                guard case .set(let s) = r else { return .none }
                return .bool(try setArg("issuperset", x).allSatisfy { try s.contains($0) })
            },
        ]
    }
}
