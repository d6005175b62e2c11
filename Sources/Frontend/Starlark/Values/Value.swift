import BigInt

extension Starlark {
    /// A Starlark value. Small ints are inline; containers are final classes
    /// (mutable, freezable); strings and bytes are byte arrays (as in Go).
    public enum Value {
        case none
        case bool(Bool)
        case int(Int)
        /// Only for values outside Int's range (always normalized).
        case bigInt(BigIntBox)
        case float(Double)
        /// UTF-8 (usually) bytes, indexed by byte as in go.starlark.net.
        case string([UInt8])
        case bytes(BytesBox)
        case list(List)
        case tuple([Value])
        case dict(Dict)
        case set(StarlarkSet)
        case function(Function)
        case builtin(BuiltinFunction)
        case range(RangeValue)
        /// Host-defined values (structs, modules, ...).
        case object(HostObject)
    }

    /// Boxed arbitrary-precision int (keeps `Value` one word plus a tag).
    public final class BigIntBox: @unchecked Sendable {
        public let value: BigInt
        public init(_ v: BigInt) { value = v }
    }

    /// Boxed bytes value (keeps `bytes` distinct from `string`).
    public final class BytesBox {
        public let value: [UInt8]
        public init(_ v: [UInt8]) { value = v }
    }

    /// `range(start, stop, step)`: an immutable lazy sequence of ints.
    public final class RangeValue {
        public let start: Int, stop: Int, step: Int
        public init(start: Int, stop: Int, step: Int) {
            self.start = start
            self.stop = stop
            self.step = step
        }
        public var count: Int {
            // Differences computed in UInt: they always fit, even for extreme bounds.
            if step > 0 {
                if start >= stop { return 0 }
                let n = (UInt(bitPattern: stop &- start) - 1) / UInt(step) + 1
                return n > UInt(Int.max) ? Int.max : Int(n)
            } else {
                if start <= stop { return 0 }
                let n = (UInt(bitPattern: start &- stop) - 1) / step.magnitude + 1
                return n > UInt(Int.max) ? Int.max : Int(n)
            }
        }
        public subscript(i: Int) -> Int { start &+ i &* step }
    }
}

extension Starlark.Value {
    /// Makes an int value from a BigInt, inline when it fits.
    public static func int(_ b: BigInt) -> Starlark.Value {
        if let i = Int(exactly: b) { return .int(i) }
        return .bigInt(Starlark.BigIntBox(b))
    }

    /// A string value from Swift text.
    public static func str(_ s: String) -> Starlark.Value { .string(Array(s.utf8)) }

    /// A bytes value.
    public static func bytesValue(_ b: [UInt8]) -> Starlark.Value { .bytes(Starlark.BytesBox(b)) }

    /// A new mutable list.
    public static func list(_ elems: [Starlark.Value]) -> Starlark.Value { .list(Starlark.List(elems)) }

    /// A new dict with string keys, in the given order (later duplicates win).
    public static func dict(_ entries: [(String, Starlark.Value)]) -> Starlark.Value {
        let d = Starlark.Dict()
        for (k, v) in entries { d.table.set(.str(k), v) }
        return .dict(d)
    }

    /// A struct value (`struct(a = 1)`).
    public static func structValue(_ fields: [(String, Starlark.Value)]) -> Starlark.Value {
        .object(Starlark.StarlarkStruct(fields: fields))
    }

    public init(_ s: String) { self = .string(Array(s.utf8)) }
    public init(_ i: Int) { self = .int(i) }
    public init(_ d: Double) { self = .float(d) }
    public init(_ b: Bool) { self = .bool(b) }
    /// A list of the given values.
    public init(_ elems: [Starlark.Value]) { self = .list(Starlark.List(elems)) }

    public static var True: Starlark.Value { .bool(true) }
    public static var False: Starlark.Value { .bool(false) }

    /// The type name, as `type(x)` reports it.
    public var typeName: String {
        switch self {
        case .none: "NoneType"
        case .bool: "bool"
        case .int, .bigInt: "int"
        case .float: "float"
        case .string: "string"
        case .bytes: "bytes"
        case .list: "list"
        case .tuple: "tuple"
        case .dict: "dict"
        case .set: "set"
        case .function: "function"
        case .builtin: "builtin_function_or_method"
        case .range: "range"
        case .object(let o): o.typeName
        }
    }

    /// Truth value, as `bool(x)`.
    public var truth: Bool {
        switch self {
        case .none: false
        case .bool(let b): b
        case .int(let i): i != 0
        case .bigInt: true
        case .float(let d): d != 0
        case .string(let s): !s.isEmpty
        case .bytes(let b): !b.value.isEmpty
        case .list(let l): !l.elems.isEmpty
        case .tuple(let t): !t.isEmpty
        case .dict(let d): d.count != 0
        case .set(let s): s.count != 0
        case .function, .builtin: true
        case .range(let r): r.count != 0
        case .object(let o): o.truth
        }
    }

    // MARK: Swift accessors

    /// The text of a string value (invalid UTF-8 replaced by U+FFFD), or nil.
    public var asString: String? {
        if case .string(let b) = self { return String(decoding: b, as: UTF8.self) }
        return nil
    }
    public var asInt: Int? {
        if case .int(let i) = self { return i }
        return nil
    }
    public var asBigInt: BigInt? {
        switch self {
        case .int(let i): BigInt(i)
        case .bigInt(let b): b.value
        default: nil
        }
    }
    public var asDouble: Double? {
        switch self {
        case .float(let d): d
        case .int(let i): Double(i)
        case .bigInt(let b): Starlark.bigToDouble(b.value)
        default: nil
        }
    }
    public var asBool: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }
    public var isNone: Bool {
        if case .none = self { return true }
        return false
    }
    /// Elements of a list or tuple.
    public var asArray: [Starlark.Value]? {
        switch self {
        case .list(let l): l.elems
        case .tuple(let t): t
        default: nil
        }
    }
    /// Entries of a dict in insertion order.
    public var asDictEntries: [(Starlark.Value, Starlark.Value)]? {
        if case .dict(let d) = self { return d.entries }
        return nil
    }
    /// Looks up a string key in a dict value.
    public subscript(key: String) -> Starlark.Value? {
        if case .dict(let d) = self { return d.get(.str(key)) }
        if case .object(let o) = self, let h = o as? Starlark.HasAttrs { return try? h.attr(key) }
        return nil
    }

    /// `repr(x)`.
    public var repr: String {
        var out: [UInt8] = []
        Starlark.Printer.write(self, into: &out, repr: true)
        return String(decoding: out, as: UTF8.self)
    }

    /// `str(x)`.
    public var str: String {
        if case .string(let b) = self { return String(decoding: b, as: UTF8.self) }
        return repr
    }

    /// `str(x)` as bytes (lossless for strings).
    public var strBytes: [UInt8] {
        if case .string(let b) = self { return b }
        var out: [UInt8] = []
        Starlark.Printer.write(self, into: &out, repr: false)
        return out
    }
}

extension Starlark.Value: CustomStringConvertible {
    public var description: String { repr }
}

extension Starlark.Value: ExpressibleByIntegerLiteral, ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByFloatLiteral, ExpressibleByNilLiteral {
    public init(integerLiteral v: Int) { self = .int(v) }
    public init(stringLiteral v: String) { self = .string(Array(v.utf8)) }
    public init(booleanLiteral v: Bool) { self = .bool(v) }
    public init(floatLiteral v: Double) { self = .float(v) }
    public init(nilLiteral: ()) { self = .none }
}
