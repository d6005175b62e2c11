@testable import Frontend
import Testing

@Suite("Starlark values")
struct ValueTests {
    static func eval(_ expr: String) throws -> Starlark.Value {
        let g = try Starlark.Thread().exec(filename: "t.star", source: "x = \(expr)\n", options: .all)
        return g["x"]!
    }

    @Test("repr follows go.starlark.net", arguments: [
        ("None", "None"), ("True", "True"), ("1 << 70", "1180591620717411303424"),
        ("1e6", "1e+06"), ("100.0", "100.0"), ("0.1 + 0.2", "0.30000000000000004"), ("1.5e-7", "1.5e-07"),
        ("float('nan')", "nan"), ("float('-inf')", "-inf"),
        ("'a\"b\\n'", "\"a\\\"b\\n\""), ("'é'[0]", "\"\\xc3\""), ("b'\\x00A'", "b\"\\x00A\""),
        ("(1,)", "(1,)"), ("[1, 'a', None]", "[1, \"a\", None]"), ("{'a': (1, 2)}", "{\"a\": (1, 2)}"),
        ("set([3, 1])", "set([3, 1])"), ("range(3)", "range(3)"), ("range(1, 9, 2)", "range(1, 9, 2)"),
        ("len", "<built-in function len>"), ("[].append", "<built-in method append of list value>"),
    ])
    func repr(expr: String, want: String) throws {
        #expect(try Self.eval(expr).repr == want)
    }

    @Test("strings are byte strings", arguments: [
        ("len('é')", "2"), ("'héllo'[1:3]", "\"é\""), ("'abc'[::-1]", "\"cba\""), ("'%s=%d' % ('a', 3)", "\"a=3\""),
    ])
    func bytesSemantics(expr: String, want: String) throws {
        #expect(try Self.eval(expr).repr == want)
    }

    @Test("int arithmetic overflows into big ints and back", arguments: [
        ("9223372036854775807 + 1", "9223372036854775808"),
        ("(9223372036854775807 + 1) - 1", "9223372036854775807"),
        ("-9223372036854775808 // -1", "9223372036854775808"),
        ("-7 // 2", "-4"), ("-7 % 3", "2"), ("7 % -3", "-2"), ("(-1 << 80) >> 79", "-2"),
        ("1 / 4", "0.25"), ("2 == 2.0", "True"), ("(1 << 64) < 1.9e19", "True"),
    ])
    func arithmetic(expr: String, want: String) throws {
        #expect(try Self.eval(expr).repr == want)
    }

    @Test("1 and 1.0 are the same dict key; unhashable keys fail")
    func hashing() throws {
        #expect(try Self.eval("len(dict([(1, 'a'), (1.0, 'b'), ((1, 2), 'c')]))").asInt == 2)
        #expect(throws: Starlark.Error.self) { try Self.eval("{[]: 1}") }
    }

    @Test("dicts keep insertion order across deletes")
    func dictOrder() throws {
        let d = Starlark.Dict()
        for i in 0..<40 { try d.set(.int(i), .int(i)) }
        for i in 0..<30 { _ = try d.remove(.int(i)) }
        try d.set(.int(0), .int(0))
        #expect(d.keys.map { $0.asInt! } == Array(30..<40) + [0])
    }

    @Test("module values are frozen after exec")
    func frozen() throws {
        let g = try Starlark.Thread().exec(filename: "t.star", source: "x = [1]\n")
        guard case .list(let l) = g["x"]! else { Issue.record("not a list"); return }
        #expect(l.frozen)
    }
}
