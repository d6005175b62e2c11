import Foundation

extension Starlark {
    /// The `--test` helpers of `openrun starlark`: error, catch, matches, freeze, module, struct
    /// (and `_freeze`, `_floateq` for go.starlark.net's own `starlarktest/assert.star`,
    /// `hasfields`, `fibonacci` as its eval_test.go predeclares them).
    public final class TestHelpers {
        /// Failures reported through `error(msg)`, as `file:line:col: msg`.
        public private(set) var failures: [String] = []
        /// Called for each failure as it happens.
        public var onFailure: (String) -> Void = { _ in }

        public init() {}

        /// The helpers as predeclared values.
        public var predeclared: [String: Value] {
            var m: [String: Value] = [:]
            m["error"] = .builtin(BuiltinFunction("error") { [unowned self] t, a, k in
                let x = try unpackPositional("error", a, k, min: 1, max: 1)[0]
                let loc = t.callerLocation.map { "\($0): " } ?? ""
                let msg = loc + x.str
                self.failures.append(msg)
                self.onFailure(msg)
                return .none
            })
            m["catch"] = .builtin(BuiltinFunction("catch") { t, a, k in
                let x = try unpackPositional("catch", a, k, min: 1, max: 1)[0]
                do {
                    _ = try t.call(x, [])
                    return .none
                } catch let e as Starlark.Error {
                    if e.kind == .budget { throw e }
                    return .str(e.message)
                } catch let e as EvalError {
                    return .str(e.message)
                } catch let e as BudgetError {
                    throw e
                }
            })
            m["matches"] = .builtin(BuiltinFunction("matches") { _, a, k in
                let x = try unpackPositional("matches", a, k, min: 2, max: 2)
                let pat = String(decoding: try Arg.string(x[0], "matches", "pattern"), as: UTF8.self)
                let s = String(decoding: try Arg.string(x[1], "matches", "str"), as: UTF8.self)
                guard let re = (try? NSRegularExpression(pattern: pat, options: [])) ?? (try? NSRegularExpression(pattern: pat.replacingOccurrences(of: "{", with: "\\{").replacingOccurrences(of: "}", with: "\\}"), options: [])) else {
                    throw EvalError("matches: invalid regular expression: \(pat)")
                }
                let ns = s as NSString
                return .bool(re.firstMatch(in: s, options: [], range: NSRange(location: 0, length: ns.length)) != nil)
            })
            m["freeze"] = .builtin(BuiltinFunction("freeze") { _, a, k in
                let x = try unpackPositional("freeze", a, k, min: 1, max: 1)[0]
                x.freeze()
                return x
            })
            m["_freeze"] = m["freeze"]  // go.starlark.net's starlarktest/assert.star names it so
            m["_floateq"] = .builtin(BuiltinFunction("_floateq") { _, a, k in
                let x = try unpackPositional("_floateq", a, k, min: 2, max: 2)
                guard let xf = x[0].asDouble, let yf = x[1].asDouble else {
                    throw EvalError("_floateq: want two floats")
                }
                if xf == yf { return .bool(true) }
                if xf.isNaN || yf.isNaN { return .bool(xf.isNaN && yf.isNaN) }
                let (xb, yb) = (xf.bitPattern, yf.bitPattern)
                return .bool(xb == yb &+ 1 || yb == xb &+ 1)  // within 1 ULP, as starlarktest's floateq
            })
            // The application-defined values of go.starlark.net's eval_test.go.
            m["hasfields"] = .builtin(BuiltinFunction("hasfields") { _, a, k in
                if !a.isEmpty || !k.isEmpty { throw EvalError("hasfields: unexpected arguments") }
                return .object(HasFields())
            })
            m["fibonacci"] = .object(Fibonacci())
            m["module"] = .builtin(BuiltinFunction("module") { _, a, k in
                let x = try unpackPositional("module", a, [], min: 1, max: 1)[0]
                let name = String(decoding: try Arg.string(x, "module", "name"), as: UTF8.self)
                return .object(StarlarkModule(name: name, members: k))
            })
            m["struct"] = .builtin(BuiltinFunction("struct") { _, a, k in
                if !a.isEmpty { throw EvalError("struct: unexpected positional arguments") }
                return .object(StarlarkStruct(fields: k))
            })
            return m
        }
    }

    /// `hasfields()` of go.starlark.net's tests: any field may be set (until
    /// frozen); `list + hasfields` is 42.
    final class HasFields: HostObject, HasSetField {
        var attrs: [String: Value] = [:]
        var frozen = false
        override var typeName: String { "hasfields" }
        override func repr() -> String { "hasfields" }
        override func hashValue() -> Int? { 42 }
        override func freeze() {
            if frozen { return }
            frozen = true
            for v in attrs.values { v.freeze() }
        }
        func attr(_ name: String) throws -> Value? { attrs[name] }
        var attrNames: [String] { attrs.keys.sorted() }
        func setField(_ name: String, _ value: Value) throws {
            if frozen { throw EvalError("cannot set field on a frozen hasfields") }
            if name.hasPrefix("no") { throw NoSuchField("no .\(name) field") }  // for testing, as Go's
            attrs[name] = value
        }
        override func binary(_ op: TokenKind, _ other: Value, selfOnLeft: Bool) throws -> Value? {
            if op == .plus, case .list = other { return .int(42) }
            return nil
        }
    }

    /// `fibonacci` of go.starlark.net's tests: an endless iterable.
    final class Fibonacci: HostObject, LazyIterable {
        override var typeName: String { "fib" }
        override func repr() -> String { "fib" }
        override func hashValue() -> Int? { nil }
        func makeIterator() -> AnyIterator<Value> {
            var (x, y) = (0, 1)
            return AnyIterator {
                defer { (x, y) = (y, x &+ y) }
                return .int(x)
            }
        }
    }

    /// Runs Starlark files from disk: `load()` resolves modules relative to
    /// the loading file, caches each module once and reports load cycles.
    public final class FileRunner {
        public let thread: Thread
        public var options: FileOptions
        public var predeclared: [String: Value]
        private var cache: [String: Result<Globals, Starlark.Error>] = [:]
        private var inProgress: [String] = []

        public init(options: FileOptions, predeclared: [String: Value] = [:], thread: Thread = Thread()) {
            self.options = options
            self.predeclared = predeclared
            self.thread = thread
            thread.load = { [unowned self] module, from in
                let dir = (from as NSString).deletingLastPathComponent
                let path = dir.isEmpty ? module : (dir as NSString).appendingPathComponent(module)
                return try self.loadModule(path).entries
            }
        }

        func loadModule(_ path: String) throws -> Globals {
            let key = (path as NSString).standardizingPath
            if let r = cache[key] { return try r.get() }
            if inProgress.contains(key) {
                throw EvalError("cannot load \(path): cycle in load graph")
            }
            inProgress.append(key)
            defer { inProgress.removeLast() }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw EvalError("cannot load \(path): no such file")
            }
            do {
                let g = try thread.exec(filename: path, source: Array(data), predeclared: predeclared, options: options)
                cache[key] = .success(g)
                return g
            } catch {
                cache[key] = .failure(error)
                throw error
            }
        }

        /// Runs the file at `path` (the name used in messages is `path` as given).
        public func run(path: String) throws(Starlark.Error) -> Globals {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw Starlark.Error(kind: .runtime, message: "cannot read \(path)", location: .file(path))
            }
            let key = (path as NSString).standardizingPath
            inProgress.append(key)
            defer { inProgress.removeLast() }
            return try thread.exec(filename: path, source: Array(data), predeclared: predeclared, options: options)
        }
    }
}
