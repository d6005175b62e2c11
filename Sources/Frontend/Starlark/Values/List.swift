extension Starlark {
    /// A mutable list value.
    public final class List {
        @exclusivity(unchecked) public var elems: [Value]
        public private(set) var frozen = false
        @exclusivity(unchecked) var iterCount = 0

        public init(_ elems: [Value] = []) { self.elems = elems }

        public func freeze() { Value.list(self).freeze() }
        func markFrozen() { frozen = true }

        /// Throws go.starlark.net's error if the list may not be mutated (`verb` as "append to").
        @inline(__always) func checkMutable(_ verb: String) throws {
            if frozen || iterCount > 0 { try mutableError(verb) }
        }

        func mutableError(_ verb: String) throws -> Never {
            if frozen { throw EvalError("cannot \(verb) frozen list") }
            throw EvalError("cannot \(verb) list during iteration")
        }
    }
}
