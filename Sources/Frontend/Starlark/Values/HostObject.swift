extension Starlark.HasAttrs {
    public func noSuchAttrMessage(_ name: String) -> String? { nil }
}

extension Starlark {
    /// Values with attributes (`x.name`), for host-defined types.
    public protocol HasAttrs: AnyObject {
        /// The attribute's value, or nil if there is none (the evaluator reports the error).
        func attr(_ name: String) throws -> Value?
        /// Names of all attributes, for `dir(x)` (sorted by the caller).
        var attrNames: [String] { get }
        /// The error for a missing attribute; nil for the generic
        /// "T has no .name field or method".
        func noSuchAttrMessage(_ name: String) -> String?
    }

    /// Base class of host-defined values. Subclasses override what they support;
    /// adopt `HasAttrs` for `x.name` access.
    open class HostObject {
        public init() {}
        /// Type name for `type(x)` and error messages.
        open var typeName: String { "object" }
        /// Text for `repr(x)` / `str(x)`.
        open func repr() -> String { "<\(typeName)>" }
        open var truth: Bool { true }
        /// Starlark `==` against another host value (default: identity).
        open func equals(_ other: HostObject) throws -> Bool { self === other }
        /// Hash for use as a dict key; nil means unhashable.
        open func hashValue() -> Int? { ObjectIdentifier(self).hashValue }
        /// Make the value immutable (called when a module is frozen).
        open func freeze() {}
        /// `self op other` (or `other op self`); nil when not defined here.
        open func binary(_ op: TokenKind, _ other: Value, selfOnLeft: Bool) throws -> Value? { nil }
    }

    /// Host values with settable fields (`x.f = v`), as go.starlark.net's `HasSetField`.
    public protocol HasSetField: HasAttrs {
        /// Sets the field; throw `NoSuchField` for an unknown name (a spelling hint is added).
        func setField(_ name: String, _ value: Value) throws
    }

    /// Thrown by `HasSetField.setField` for a name the value does not have.
    public struct NoSuchField: Swift.Error {
        public var message: String
        public init(_ message: String) { self.message = message }
    }

    /// A host iterable whose elements are produced on demand (possibly
    /// without end); `for` loops over it lazily.
    public protocol LazyIterable: AnyObject {
        func makeIterator() -> AnyIterator<Value>
    }

    /// `struct(a=1, b="x")`: an immutable record with ordered fields,
    /// printed like go.starlark.net's starlarkstruct.
    public final class StarlarkStruct: HostObject, HasAttrs {
        public func noSuchAttrMessage(_ name: String) -> String? { "struct has no .\(name) attribute" }
        public let constructorName: String
        public private(set) var fields: [(String, Value)]

        public init(constructorName: String = "struct", fields: [(String, Value)]) {
            self.constructorName = constructorName
            // starlarkstruct keeps fields sorted by name.
            self.fields = fields.sorted { $0.0 < $1.0 }
        }

        public override var typeName: String { "struct" }
        public func attr(_ name: String) throws -> Value? {
            for (k, v) in fields where k == name { return v }
            return nil
        }
        public var attrNames: [String] { fields.map(\.0) }
        public override func repr() -> String {
            var s = constructorName + "("
            for (i, (k, v)) in fields.enumerated() {
                if i > 0 { s += ", " }
                s += k + " = " + v.repr
            }
            return s + ")"
        }
        public override func equals(_ other: HostObject) throws -> Bool {
            guard let o = other as? StarlarkStruct, o.constructorName == constructorName, o.fields.count == fields.count else { return false }
            for (a, b) in zip(fields, o.fields) {
                if a.0 != b.0 { return false }
                if try !Starlark.equal(a.1, b.1) { return false }
            }
            return true
        }
        public override func hashValue() -> Int? {
            var h = Hasher()
            for (k, v) in fields {
                h.combine(k)
                guard v.isHashable else { return nil }
                v.hashInto(&h)
            }
            return h.finalize()
        }
        public override func freeze() { for (_, v) in fields { v.freeze() } }
    }

    /// `module(name, **members)`: a named namespace of values (`m.x`).
    public final class StarlarkModule: HostObject, HasAttrs {
        public let name: String
        public let members: [(String, Value)]
        public init(name: String, members: [(String, Value)]) {
            self.name = name
            self.members = members.sorted { $0.0 < $1.0 }
        }
        public override var typeName: String { "module" }
        public override func hashValue() -> Int? { nil }  // "unhashable: module", as starlarkstruct
        public func attr(_ name: String) throws -> Value? {
            for (k, v) in members where k == name { return v }
            return nil
        }
        public var attrNames: [String] { members.map(\.0) }
        public override func repr() -> String { "<module \"\(name)\">" }
        public override func freeze() { for (_, v) in members { v.freeze() } }
    }
}
