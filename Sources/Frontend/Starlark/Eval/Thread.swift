import IR
#if canImport(Glibc)
import Glibc

@_silgen_name("pthread_getattr_np")
private func c_pthread_getattr_np(_ thread: pthread_t, _ attr: UnsafeMutablePointer<pthread_attr_t>) -> Int32
#elseif canImport(Darwin)
import Darwin
#endif

extension Starlark {
    /// The globals of an executed module, in definition order.
    public struct Globals {
        public let entries: [(String, Value)]
        public init(_ entries: [(String, Value)]) { self.entries = entries }
        public var names: [String] { entries.map(\.0) }
        public subscript(name: String) -> Value? {
            for (k, v) in entries where k == name { return v }
            return nil
        }
    }

    /// One interpreter thread: print handler, loader, budgets and the call stack.
    /// Not thread-safe; use one per concurrent evaluation.
    public final class Thread {
        /// Receives each `print(...)` line (without the newline).
        public var print: (Thread, String) -> Void = { _, s in Swift.print(s) }
        /// Loads a module for `load(module, ...)`; `fromFile` is the loading file's name.
        public var load: ((_ module: String, _ fromFile: String) throws -> [(String, Value)])?
        /// Maximum number of evaluation steps (loop iterations and calls) before failing.
        public var maxSteps: Int = 100_000_000
        /// Maximum Starlark call depth.
        public var maxDepth: Int = 2_000
        /// Native stack bytes the evaluator may use below the entry point before failing.
        public var stackBudget: Int = 4 << 20
        /// Free slot for the host.
        public var userData: [String: Any] = [:]

        @exclusivity(unchecked) var steps = 0
        @exclusivity(unchecked) var depth = 0
        /// Innermost active frame; frames link to their caller (not retained: each
        /// frame is owned by the Swift call that runs it).
        @exclusivity(unchecked) unowned(unsafe) var top: Frame?

        /// Active frames, outermost first.
        var frames: [Frame] {
            var out: [Frame] = []
            var f = top
            while let x = f { out.append(x); f = x.parent }
            return out.reversed()
        }
        @exclusivity(unchecked) var stackLimit: UInt = 0

        public init() {}

        /// Steps used so far by the current (or last) evaluation.
        public var stepsUsed: Int { maxSteps - steps }

        /// Where the host function currently running was called from (file:line:col), if anywhere.
        public var callerLocation: SourceLocation? {
            guard let f = top else { return nil }
            return f.code.lines.location(at: f.callOffset)
        }

        /// The current backtrace (outermost first), for host diagnostics.
        public var callStack: [Error.Frame] {
            frames.map { Error.Frame(function: $0.code.name, location: $0.code.lines.location(at: $0.callOffset)) }
        }

        /// Parses, resolves and runs a file; returns its globals (frozen).
        public func exec(filename: String, source: String, predeclared: [String: Value] = [:], options: FileOptions = .core) throws(Starlark.Error) -> Globals {
            try exec(filename: filename, source: Array(source.utf8), predeclared: predeclared, options: options)
        }

        public func exec(filename: String, source: [UInt8], predeclared: [String: Value] = [:], options: FileOptions = .core) throws(Starlark.Error) -> Globals {
            let file = try Parser.parse(file: filename, source: source, stackLimit: top == nil ? Thread.computeStackLimit(budget: stackBudget) : stackLimit)
            let universe = Universe.shared
            try Resolver.resolve(file, options: options, isPredeclared: { predeclared[$0] != nil }, isUniversal: { universe.members[$0] != nil })
            let program = Compiler.compile(file: file, options: options, predeclared: predeclared)
            return try run(program)
        }

        func run(_ program: Program) throws(Starlark.Error) -> Globals {
            let outermost = top == nil
            if outermost {
                steps = maxSteps
                depth = 0
                stackLimit = Thread.computeStackLimit(budget: stackBudget)
            }
            let module = program.module
            let fr = Frame(thread: self, code: program.toplevel, module: module, free: [])
            fr.parent = top
            top = fr
            defer { top = fr.parent }
            do {
                _ = try Compiler.runBlock(program.toplevel.body, fr)
            } catch let e as Starlark.Error {
                throw e
            } catch {
                throw fr.locate(error, fr.callOffset)
            }
            var out: [(String, Value)] = []
            for b in program.file.globals where !b.fromLoad {
                if let v = module.globals[b.index] {
                    v.freeze()
                    out.append((b.name, v))
                }
            }
            module.frozen = true
            return Globals(out)
        }

        /// The lowest usable stack address of the current OS thread plus a safety margin
        /// (0 when unknown), so evaluation fails before the thread's stack overflows.
        static func stackFloor() -> UInt {
            let margin: UInt = 192 << 10
            #if os(Linux)
            var attr = pthread_attr_t()
            guard c_pthread_getattr_np(pthread_self(), &attr) == 0 else { return 0 }
            defer { pthread_attr_destroy(&attr) }
            var addr: UnsafeMutableRawPointer?
            var size = 0
            guard pthread_attr_getstack(&attr, &addr, &size) == 0, let addr else { return 0 }
            return UInt(bitPattern: addr) &+ margin
            #elseif canImport(Darwin)
            let top = UInt(bitPattern: pthread_get_stackaddr_np(pthread_self()))
            let size = UInt(pthread_get_stacksize_np(pthread_self()))
            return top &- size &+ margin
            #else
            return 0
            #endif
        }

        /// The address below which evaluation must stop (budget or the thread's real stack, whichever is nearer).
        static func computeStackLimit(budget: Int) -> UInt {
            let here = stackAddress()
            let byBudget = here > UInt(budget) ? here &- UInt(budget) : 0
            return max(byBudget, stackFloor())
        }

        @inline(never) static func stackAddress() -> UInt {
            var x = 0
            return withUnsafeMutablePointer(to: &x) { UInt(bitPattern: $0) }
        }

        /// Calls a Starlark callable from the host.
        public func call(_ fn: Value, _ args: [Value], _ kwargs: [(String, Value)] = []) throws -> Value {
            if top == nil {
                steps = maxSteps
                depth = 0
                stackLimit = Thread.computeStackLimit(budget: stackBudget)
            }
            return try Compiler.call(self, fn, args, kwargs)
        }
    }

    /// An activation record of a Starlark function (or the module's top level).
    final class Frame {
        // Not retained: the running function value (or the program) keeps them alive.
        @exclusivity(unchecked) unowned(unsafe) var thread: Thread
        unowned(unsafe) let code: CompiledFunction
        let locals: UnsafeMutablePointer<Value?>
        @exclusivity(unchecked) var cells: [Cell]
        @exclusivity(unchecked) var free: [Cell]
        let globals: UnsafeMutablePointer<Value?>
        unowned(unsafe) let moduleRef: Module
        @exclusivity(unchecked) unowned(unsafe) var parent: Frame?
        @exclusivity(unchecked) var result: Value = .none
        @exclusivity(unchecked) var callOffset: Int = 0

        init(thread: Thread, code: CompiledFunction, module: Module, free: [Cell]) {
            self.thread = thread
            self.code = code
            let n = max(code.numLocals, 1)
            locals = .allocate(capacity: n)
            locals.initialize(repeating: nil, count: n)
            if code.numCells > 0 {
                var cs: [Cell] = []
                cs.reserveCapacity(code.numCells)
                for _ in 0..<code.numCells { cs.append(Cell()) }
                cells = cs
            } else {
                cells = []
            }
            self.free = free
            self.globals = module.globals
            self.moduleRef = module
        }

        /// A frame for `code`, reusing one from the function's pool when possible
        /// (frames are never referenced after their call returns).
        @inline(__always)
        static func make(thread: Thread, code: CompiledFunction, module: Module, free: [Cell]) -> Frame {
            if let f = code.pool.popLast() {
                f.thread = thread
                f.free = free
                if code.numCells > 0 {
                    var cs: [Cell] = []
                    cs.reserveCapacity(code.numCells)
                    for _ in 0..<code.numCells { cs.append(Cell()) }
                    f.cells = cs
                }
                return f
            }
            return Frame(thread: thread, code: code, module: module, free: free)
        }

        /// Clears the frame and returns it to its function's pool.
        @inline(__always)
        func recycle() {
            let n = code.numLocals
            var i = 0
            while i < n { locals[i] = nil; i += 1 }
            result = .none
            parent = nil
            if !free.isEmpty { free = [] }
            if !cells.isEmpty { cells = [] }
            if code.pool.count < 8 { code.pool.append(self) }
        }

        deinit {
            locals.deinitialize(count: max(code.numLocals, 1))
            locals.deallocate()
        }

        /// Turns a failure at `offset` in this frame into a located error with a backtrace.
        func locate(_ error: Swift.Error, _ offset: Int) -> Starlark.Error {
            if let e = error as? Starlark.Error { return e }
            let msg: String
            var kind = Starlark.Error.Kind.runtime
            if let e = error as? EvalError {
                msg = e.message
            } else if let b = error as? BudgetError {
                msg = b.message
                kind = .budget
            } else {
                msg = "\(error)"
            }
            callOffset = offset
            let loc = code.lines.location(at: offset)
            var bt: [Starlark.Error.Frame] = []
            for f in thread.frames {
                bt.append(.init(function: f.code.name, location: f.code.lines.location(at: f.callOffset)))
            }
            if bt.isEmpty { bt.append(.init(function: code.name, location: loc)) }
            return Starlark.Error(kind: kind, message: msg, location: loc, backtrace: bt)
        }
    }

    /// Step budget or stack exhausted.
    struct BudgetError: Swift.Error {
        let message: String
    }
}
