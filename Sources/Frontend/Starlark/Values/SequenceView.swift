extension Starlark {
    /// Host values that can be iterated (`for x in v`, `list(v)`) and measured (`len`).
    public protocol StarlarkIterable: AnyObject {
        var elements: [Value] { get }
        /// Whether `len(x)` works (true unless the type says otherwise).
        var hasLength: Bool { get }
    }

    /// The iterable-only views `s.codepoints()`, `s.codepoint_ords()` and
    /// `b.elems()`: no `len`, no index (as go.starlark.net), always true.
    final class IterableView: HostObject, StarlarkIterable {
        let type: String
        let reprText: String
        let elements: [Value]
        var hasLength: Bool { false }

        init(type: String, repr: String, elements: [Value]) {
            self.type = type
            self.reprText = repr
            self.elements = elements
        }

        override var typeName: String { type }
        override func repr() -> String { reprText }
        override var truth: Bool { true }
        override func equals(_ other: HostObject) throws -> Bool { self === other }
        override func hashValue() -> Int? { nil }
    }

    /// The view returned by `s.elems()`: an immutable indexable sequence with
    /// go.starlark.net's type name and repr, always true.
    final class SequenceView: HostObject, StarlarkIterable, StarlarkIndexable {
        let type: String
        let reprText: String
        let elements: [Value]

        init(type: String, repr: String, elements: [Value]) {
            self.type = type
            self.reprText = repr
            self.elements = elements
        }

        override var typeName: String { type }
        override func repr() -> String { reprText }
        var hasLength: Bool { true }
        override var truth: Bool { true }
        override func equals(_ other: HostObject) throws -> Bool { self === other }
        override func hashValue() -> Int? { nil }
        func index(_ key: Value) throws -> Value {
            elements[try Compiler.normIndex(try Compiler.indexInt(key, type), elements.count, type)]
        }
    }
}
