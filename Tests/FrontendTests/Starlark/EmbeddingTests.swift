@testable import Frontend
import Foundation
import IR
import Testing

@Suite("Starlark embedding API")
struct EmbeddingTests {
    @Test("exec returns globals in definition order, without loaded names")
    func globalsOrder() throws {
        let t = Starlark.Thread()
        t.load = { _, _ in [("lib", .int(1))] }
        let g = try t.exec(filename: "app.star", source: "load('x.star', 'lib')\nb = 1\na = lib + 1\ndef f(): pass\n")
        #expect(g.names == ["b", "a", "f"])
        #expect(g["a"]?.asInt == 2)
    }

    @Test("print goes to the handler")
    func printHandler() throws {
        let t = Starlark.Thread()
        var lines: [String] = []
        t.print = { _, s in lines.append(s) }
        _ = try t.exec(filename: "t.star", source: "print('a', 1, sep='-')\nprint([None])\n")
        #expect(lines == ["a-1", "[None]"])
    }

    @Test("host functions unpack arguments and see the caller's location")
    func hostFunction() throws {
        var seen: IR.SourceLocation?
        let fn = Starlark.BuiltinFunction("route") { t, args, kwargs in
            let p = try Starlark.unpackArgs("route", args, kwargs, ["path", "method?", "**extra"])
            seen = t.callerLocation
            let path = String(decoding: try Starlark.Arg.string(p[0]!, "route", "path"), as: UTF8.self)
            return .str("\(path) \(p[1]?.str ?? "GET") \(p[2]!.repr)")
        }
        let t = Starlark.Thread()
        let g = try t.exec(filename: "app.star", source: "x = route('/a', x=1)\n", predeclared: ["route": .builtin(fn)])
        #expect(g["x"]?.asString == "/a GET {\"x\": 1}")
        #expect(seen == IR.SourceLocation(file: "app.star", line: 1, column: 10))
    }

    @Test("argument errors use go.starlark.net's wording", arguments: [
        ("f()", "f: missing argument for x"),
        ("f(1, y=2)", "f: unexpected keyword argument \"y\""),
        ("f(1, 2)", "f: got 2 arguments, want at most 1"),
        ("f(x=1, x=2)", "keyword argument \"x\" is repeated"),
    ])
    func unpackErrors(call: String, want: String) {
        let fn = Starlark.BuiltinFunction("f") { _, a, k in
            _ = try Starlark.unpackArgs("f", a, k, ["x"])
            return .none
        }
        do {
            _ = try Starlark.Thread().exec(filename: "t.star", source: call + "\n", predeclared: ["f": .builtin(fn)])
            Issue.record("no error")
        } catch {
            #expect(error.message == want)
        }
    }

    @Test("structs and modules expose attributes and print like starlarkstruct")
    func structsAndModules() throws {
        let s = Starlark.StarlarkStruct(fields: [("b", .int(2)), ("a", .str("x"))])
        let m = Starlark.StarlarkModule(name: "ace", members: [("version", .int(1))])
        let g = try Starlark.Thread().exec(filename: "t.star", source: "r = repr(s)\nv = m.version\nd = dir(s)\n", predeclared: ["s": .object(s), "m": .object(m)])
        #expect(g["r"]?.asString == "struct(a = \"x\", b = 2)")
        #expect(g["v"]?.asInt == 1)
        #expect(g["d"]?.repr == "[\"a\", \"b\"]")
    }

    @Test("runtime errors carry location, backtrace and a diagnostic")
    func runtimeError() {
        do {
            _ = try Starlark.Thread().exec(filename: "t.star", source: "def f(x):\n    return 1 // x\nf(0)\n")
            Issue.record("no error")
        } catch {
            #expect(error.description == "t.star:2:14: floored division by zero")
            #expect(error.backtrace.map(\.function) == ["<toplevel>", "f"])
            #expect(error.backtrace[0].location == IR.SourceLocation(file: "t.star", line: 3, column: 2))
            #expect(error.diagnostic.id == "starlark.runtime")
        }
    }

    @Test("the step budget stops a runaway loop with a located error")
    func budget() {
        let t = Starlark.Thread()
        t.maxSteps = 10_000
        do {
            _ = try t.exec(filename: "t.star", source: "def f():\n    while True:\n        pass\nf()\n", options: .appStar)
            Issue.record("no error")
        } catch {
            #expect(error.kind == .budget)
            #expect(error.diagnostic.id == "starlark.budget")
            #expect(error.location.line == 2)
        }
    }

    @Test("unbounded recursion ends in an error, not a crash")
    func recursionLimit() {
        let t = Starlark.Thread()
        t.maxDepth = 500
        do {
            _ = try t.exec(filename: "t.star", source: "def f(n):\n    return f(n + 1)\nf(0)\n", options: .appStar)
            Issue.record("no error")
        } catch {
            #expect(error.message.contains("Starlark stack overflow"))
        }
    }

    @Test("on a small native stack, deep recursion fails before the stack overflows")
    func smallStack() async {
        let message: String = await withCheckedContinuation { cont in
            let th = Foundation.Thread {
                let t = Starlark.Thread()
                t.maxDepth = 10_000_000
                t.stackBudget = 1 << 40
                do {
                    _ = try t.exec(filename: "t.star", source: "def f(n):\n    return [f(n + 1)]\nf(0)\n", options: .appStar)
                    cont.resume(returning: "no error")
                } catch let e as Starlark.Error {
                    cont.resume(returning: e.message)
                } catch {
                    cont.resume(returning: "\(error)")
                }
            }
            th.stackSize = 512 << 10
            th.start()
        }
        #expect(message.contains("Starlark stack overflow"))
    }

    @Test("recursion is an error unless the dialect allows it")
    func recursionOption() {
        #expect(throws: Starlark.Error.self) {
            _ = try Starlark.Thread().exec(filename: "t.star", source: "def f(n):\n    return f(n - 1) if n else 0\nf(3)\n")
        }
        #expect(throws: Never.self) {
            _ = try Starlark.Thread().exec(filename: "t.star", source: "def f(n):\n    return f(n - 1) if n else 0\nx = f(3)\n", options: .appStar)
        }
    }

    @Test("host code can call Starlark functions")
    func callFromHost() throws {
        let t = Starlark.Thread()
        let g = try t.exec(filename: "t.star", source: "def add(a, b=10):\n    return a + b\n")
        #expect(try t.call(g["add"]!, [.int(1)]).asInt == 11)
        #expect(try t.call(g["add"]!, [.int(1)], [("b", .int(2))]).asInt == 3)
    }
}
