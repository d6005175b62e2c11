extension Starlark {
    /// A host function (or a builtin method bound to a receiver).
    public final class BuiltinFunction {
        public typealias Impl = (Thread, [Value], [(String, Value)]) throws -> Value
        public let name: String
        public let receiver: Value?
        let impl: Impl

        public init(_ name: String, _ impl: @escaping Impl) {
            self.name = name
            self.receiver = nil
            self.impl = impl
        }

        init(name: String, receiver: Value, impl: @escaping Impl) {
            self.name = name
            self.receiver = receiver
            self.impl = impl
        }
    }

    /// A Starlark function value: compiled code plus captured cells and defaults.
    public final class Function {
        let code: CompiledFunction
        let module: Module
        let defaults: [Value?]
        let freeCells: [Cell]
        var frozen = false
        public var name: String { code.name }

        init(code: CompiledFunction, module: Module, defaults: [Value?], freeCells: [Cell]) {
            self.code = code
            self.module = module
            self.defaults = defaults
            self.freeCells = freeCells
        }
    }

    /// A captured variable.
    final class Cell {
        @exclusivity(unchecked) var value: Value?
        init(_ v: Value? = nil) { value = v }
    }

    /// A module's runtime state: its global slots.
    final class Module {
        let globals: UnsafeMutablePointer<Value?>
        let globalCount: Int
        let predeclared: [String: Value]
        let file: File
        var frozen = false

        init(file: File, predeclared: [String: Value]) {
            self.file = file
            self.globalCount = file.globals.count
            self.globals = .allocate(capacity: max(1, globalCount))
            self.globals.initialize(repeating: nil, count: max(1, globalCount))
            self.predeclared = predeclared
        }

        deinit {
            globals.deinitialize(count: max(1, globalCount))
            globals.deallocate()
        }
    }
}
