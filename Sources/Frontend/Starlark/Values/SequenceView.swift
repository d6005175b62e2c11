extension Starlark {
    /// Host values that can be iterated (`for x in v`, `list(v)`) and measured (`len`).
    public protocol StarlarkIterable: AnyObject {
        var elements: [Value] { get }
    }

    /// The iterable views returned by `s.elems()`, `s.codepoints()` and friends:
    /// an immutable indexable sequence with go.starlark.net's type names and repr.
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
        override var truth: Bool { !elements.isEmpty }
        override func equals(_ other: HostObject) throws -> Bool {
            guard let o = other as? SequenceView, o.type == type, o.elements.count == elements.count else { return false }
            for (a, b) in zip(elements, o.elements) where try !Starlark.equal(a, b) { return false }
            return true
        }
        override func hashValue() -> Int? { nil }
        func index(_ key: Value) throws -> Value {
            elements[try Compiler.normIndex(try Compiler.indexInt(key, type), elements.count, type)]
        }
    }
}
