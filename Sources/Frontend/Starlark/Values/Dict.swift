extension Starlark {
    /// A key wrapper whose equality and hash follow Starlark's rules.
    /// Only constructed for hashable values (see `Value.checkHashable`).
    struct HashKey: Hashable {
        let v: Value
        static func == (a: HashKey, b: HashKey) -> Bool { (try? Starlark.equal(a.v, b.v)) ?? false }
        func hash(into h: inout Hasher) { v.hashInto(&h) }
    }

    /// An insertion-ordered hash table used by dict and set. Small tables
    /// (up to `linearLimit` slots) are searched linearly without hashing;
    /// larger ones keep a hash index.
    struct OrderedTable {
        var keys: [Value?] = []
        var values: [Value] = []
        var index: [HashKey: Int] = [:]
        var count = 0
        static let linearLimit = 8

        var indexed: Bool { keys.count > OrderedTable.linearLimit }

        @inline(__always) static func keyEqual(_ a: Value, _ b: Value) -> Bool {
            switch (a, b) {
            case (.string(let x), .string(let y)): return x == y
            case (.int(let x), .int(let y)): return x == y
            case (.string, _), (_, .string): return false
            default: return (try? Starlark.equal(a, b)) ?? false
            }
        }

        func find(_ k: Value) -> Int? {
            if !indexed {
                for i in 0..<keys.count {
                    if let key = keys[i], OrderedTable.keyEqual(key, k) { return i }
                }
                return nil
            }
            return index[HashKey(v: k)]
        }

        mutating func buildIndex() {
            index.removeAll(keepingCapacity: true)
            for i in 0..<keys.count { if let k = keys[i] { index[HashKey(v: k)] = i } }
        }

        mutating func append(_ k: Value, _ v: Value) {
            keys.append(k)
            values.append(v)
            count += 1
            if keys.count == OrderedTable.linearLimit + 1 {
                buildIndex()
            } else if indexed {
                index[HashKey(v: k)] = keys.count - 1
            }
        }

        mutating func set(_ k: Value, _ v: Value) {
            if let i = find(k) { values[i] = v } else { append(k, v) }
        }

        /// Inserts only if absent; returns true if inserted.
        mutating func insert(_ k: Value, _ v: Value) -> Bool {
            if find(k) != nil { return false }
            append(k, v)
            return true
        }

        mutating func remove(_ k: Value) -> Value? {
            guard let i = find(k) else { return nil }
            if indexed { index.removeValue(forKey: HashKey(v: k)) }
            let v = values[i]
            keys[i] = nil
            values[i] = .none
            count -= 1
            if count == 0 {
                keys.removeAll()
                values.removeAll()
                index.removeAll()
            } else if keys.count > 16 && count < keys.count / 2 {
                compact()
            }
            return v
        }

        mutating func compact() {
            var nk: [Value?] = []
            var nv: [Value] = []
            nk.reserveCapacity(count)
            nv.reserveCapacity(count)
            for i in 0..<keys.count {
                if let k = keys[i] {
                    nk.append(k)
                    nv.append(values[i])
                }
            }
            keys = nk
            values = nv
            index.removeAll()
            if indexed { buildIndex() }
        }

        mutating func removeAll() {
            keys.removeAll()
            values.removeAll()
            index.removeAll()
            count = 0
        }

        var orderedKeys: [Value] { keys.compactMap { $0 } }
        var entries: [(Value, Value)] {
            var out: [(Value, Value)] = []
            out.reserveCapacity(count)
            for i in 0..<keys.count { if let k = keys[i] { out.append((k, values[i])) } }
            return out
        }
    }

    /// A mutable, insertion-ordered dict value.
    public final class Dict {
        @exclusivity(unchecked) var table = OrderedTable()
        public private(set) var frozen = false
        @exclusivity(unchecked) var iterCount = 0

        public init() {}
        public init(_ entries: [(Value, Value)]) throws {
            for (k, v) in entries { try set(k, v) }
        }

        public var count: Int { table.count }
        public var keys: [Value] { table.orderedKeys }
        public var entries: [(Value, Value)] { table.entries }

        public func get(_ k: Value) -> Value? {
            guard k.isHashable else { return nil }
            guard let i = table.find(k) else { return nil }
            return table.values[i]
        }

        /// Lookup that reports unhashable keys as go.starlark.net does.
        func lookup(_ k: Value) throws -> Value? {
            try k.checkHashable()
            guard let i = table.find(k) else { return nil }
            return table.values[i]
        }

        public func set(_ k: Value, _ v: Value) throws {
            try checkMutable("insert into")
            try k.checkHashable()
            table.set(k, v)
        }

        func remove(_ k: Value) throws -> Value? {
            try checkMutable("delete from")
            try k.checkHashable()
            return table.remove(k)
        }

        func clear() throws {
            try checkMutable("clear")
            table.removeAll()
        }

        public func freeze() { Value.dict(self).freeze() }
        func markFrozen() { frozen = true }

        @inline(__always) func checkMutable(_ verb: String) throws {
            if frozen { throw EvalError("cannot \(verb) frozen hash table") }
            if iterCount > 0 { throw EvalError("cannot \(verb) hash table during iteration") }
        }
    }

    /// A mutable, insertion-ordered set value.
    public final class StarlarkSet {
        var table = OrderedTable()
        public private(set) var frozen = false
        var iterCount = 0

        public init() {}
        public var count: Int { table.count }
        public var elems: [Value] { table.orderedKeys }

        public func contains(_ k: Value) throws -> Bool {
            try k.checkHashable()
            return table.find(k) != nil
        }

        public func insert(_ k: Value) throws {
            try checkMutable("insert into")
            try k.checkHashable()
            _ = table.insert(k, .none)
        }

        func remove(_ k: Value) throws -> Bool {
            try checkMutable("delete from")
            try k.checkHashable()
            return table.remove(k) != nil
        }

        func clear() throws {
            try checkMutable("clear")
            table.removeAll()
        }

        public func freeze() { Value.set(self).freeze() }
        func markFrozen() { frozen = true }

        @inline(__always) func checkMutable(_ verb: String) throws {
            if frozen { throw EvalError("cannot \(verb) frozen hash table") }
            if iterCount > 0 { throw EvalError("cannot \(verb) hash table during iteration") }
        }
    }
}
