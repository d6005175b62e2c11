extension Starlark {
    /// A runtime failure not yet located; the evaluator attaches the
    /// position of the expression that failed and the backtrace.
    public struct EvalError: Swift.Error, Sendable, CustomStringConvertible {
        public var message: String
        public init(_ message: String) { self.message = message }
        public var description: String { message }
    }
}
