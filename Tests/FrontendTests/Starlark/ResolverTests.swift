@testable import Frontend
import Testing

@Suite("Starlark resolver")
struct ResolverTests {
    static func resolve(_ src: String, _ options: Starlark.FileOptions = .core, predeclared: Set<String> = []) -> [String] {
        do {
            let f = try Starlark.Parser.parse(file: "t.star", source: Array(src.utf8))
            try Starlark.Resolver.resolve(f, options: options, isPredeclared: { predeclared.contains($0) }, isUniversal: { Starlark.Universe.shared.members[$0] != nil })
            return []
        } catch {
            return error.allMessages
        }
    }

    @Test("undefined names fail before anything runs, all of them reported")
    func undefined() {
        #expect(Self.resolve("print(a)\nprint(b)\n") == ["t.star:1:7: undefined: a", "t.star:2:7: undefined: b"])
    }

    @Test("parameter lists are checked by the resolver, every error reported at go.starlark.net's position", arguments: [
        ("def f(a=1, b): pass", ["t.star:1:12: required parameter may not follow optional"]),
        ("def f(**kw, a): pass", ["t.star:1:13: required parameter may not follow **kw"]),
        ("def h(*, *): pass", ["t.star:1:10: multiple * parameters not allowed", "t.star:1:7: bare * must be followed by keyword-only parameters"]),
        ("def l(*): pass", ["t.star:1:7: bare * must be followed by keyword-only parameters"]),
        ("def f(a, b=1, a=2): pass", ["t.star:1:16: duplicate parameter: a"]),
    ])
    func parameters(src: String, want: [String]) {
        #expect(Self.resolve(src) == want)
    }

    @Test("undefined names suggest the nearest defined one, as go.starlark.net", arguments: [
        ("hello = 1\nprint(hollo)\n", "t.star:2:7: undefined: hollo (did you mean hello?)"),
        ("def f(abc):\n    return abd\n", "t.star:2:12: undefined: abd (did you mean abc?)"),
        ("def f(abc):\n    return goodbye\n", "t.star:2:12: undefined: goodbye"),
    ])
    func spelling(src: String, want: String) {
        #expect(Self.resolve(src) == [want])
    }

    @Test("with globalreassign a top-level use must follow the definition; load checks", arguments: [
        ("print(x)\nx = 1\n", Starlark.FileOptions.all, ["t.star:1:7: undefined: x"]),
        ("load('m.star', '')\n", .core, ["t.star:1:17: load: empty identifier"]),
        ("if True:\n    load('m.star', 'x')\n", .all, ["t.star:2:5: load statement within a conditional"]),
        ("for y in []:\n    load('m.star', 'x')\n", .all, ["t.star:2:5: load statement within a loop"]),
        ("load('m.star', 'x')\nx = 1\n", .all, []),
        ("load('m.star', 'x')\nx = 1\n", .core, ["t.star:2:1: cannot reassign local x declared at t.star:1:17"]),
    ])
    func toplevel(src: String, options: Starlark.FileOptions, want: [String]) {
        #expect(Self.resolve(src, options) == want)
    }

    @Test("globals may be used before their definition (resolved statically)")
    func forwardGlobal() {
        #expect(Self.resolve("def f():\n    return g()\ndef g():\n    return 1\n").isEmpty)
    }

    @Test("dialect options gate features", arguments: [
        ("def f():\n    while True:\n        pass\n", Starlark.FileOptions.core, "t.star:2:5: this Starlark dialect does not support while loops"),
        ("x = set()\n", .core, "t.star:1:5: this Starlark dialect does not support sets"),
        ("if True:\n    pass\n", .core, "t.star:1:1: if statement not within a function"),
        ("for x in []:\n    pass\n", .core, "t.star:1:1: for loop not within a function"),
        ("x = 1\nx = 2\n", .core, "t.star:2:1: cannot reassign global x declared at t.star:1:1"),
        ("break\n", .core, "t.star:1:1: break not in a loop"),
        ("return 1\n", .core, "t.star:1:1: return statement not within a function"),
    ])
    func dialect(src: String, options: Starlark.FileOptions, want: String) {
        #expect(Self.resolve(src, options) == [want])
    }

    @Test("the same programs pass when their option is enabled", arguments: [
        ("def f():\n    while True:\n        pass\n", Starlark.FileOptions.appStar),
        ("x = set()\n", Starlark.FileOptions(set: true)),
        ("if True:\n    pass\n", Starlark.FileOptions(topLevelControl: true)),
        ("x = 1\nx = 2\n", Starlark.FileOptions(globalReassign: true)),
    ])
    func enabled(src: String, options: Starlark.FileOptions) {
        #expect(Self.resolve(src, options).isEmpty)
    }

    @Test("locals get slots, captured locals become cells and closures get free variables")
    func slots() throws {
        let f = try Starlark.Parser.parse(file: "t.star", source: Array("def outer(a, b):\n    c = a\n    def inner():\n        return b + c\n    return inner\n".utf8))
        try Starlark.Resolver.resolve(f, options: .core, isPredeclared: { _ in false }, isUniversal: { _ in false })
        guard case .def(_, let outer) = f.stmts[0].kind else { Issue.record("no def"); return }
        #expect(outer.locals.map(\.name) == ["a", "b", "c", "inner"])
        #expect(outer.locals.map(\.scope) == [.local, .cell, .cell, .local])
        #expect(outer.numCells == 2)
        #expect(outer.cellParams.count == 1)
        guard case .def(_, let inner) = outer.body[1].kind else { Issue.record("no inner def"); return }
        #expect(inner.freeVars.map(\.name) == ["b", "c"])
    }

    @Test("predeclared names resolve; a local shadows them")
    func predeclared() {
        #expect(Self.resolve("x = host\ndef f(host):\n    return host\n", predeclared: ["host"]).isEmpty)
    }
}
