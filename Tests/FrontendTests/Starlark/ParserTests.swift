@testable import Frontend
import Testing

@Suite("Starlark parser")
struct ParserTests {
    static func parseError(_ src: String) -> String? {
        do { _ = try Starlark.Parser.parse(file: "t.star", source: Array(src.utf8)); return nil } catch {
            return "\(error.location.line):\(error.location.column): \(error.message)"
        }
    }

    /// Renders an expression with explicit parentheses to check precedence.
    static func render(_ e: Starlark.Expr) -> String {
        switch e.kind {
        case .ident(let id): return id.name
        case .int(let i): return "\(i)"
        case .binary(let op, let x, let y, _): return "(\(render(x)) \(op) \(render(y)))"
        case .unary(let op, let x): return "(\(op) \(render(x)))"
        case .cond(let c, let t, let f): return "(\(render(t)) if \(render(c)) else \(render(f)))"
        case .paren(let x): return render(x)
        case .call(let f, let args, _): return "\(render(f))(\(args.count))"
        case .dot(let x, let n, _): return "\(render(x)).\(n)"
        case .tuple(let l): return "tuple(\(l.map(render).joined(separator: ", ")))"
        default: return "?"
        }
    }

    static func expr(_ src: String) throws -> String {
        let f = try Starlark.Parser.parse(file: "t.star", source: Array(src.utf8))
        guard case .expr(let e) = f.stmts[0].kind else { return "not an expression" }
        return render(e)
    }

    @Test("operator precedence follows the spec", arguments: [
        ("a or b and c", "(a or (b and c))"),
        ("not a == b", "(not (a == b))"),
        ("a | b ^ c & d", "(a | (b ^ (c & d)))"),
        ("a << 1 + 2 * 3", "(a << (1 + (2 * 3)))"),
        ("-a * b", "((- a) * b)"),
        ("a if b else c if d else e", "(a if b else (c if d else e))"),
        ("a not in b", "(a not in b)"),
        ("x.y(1)", "x.y(1)"),
        ("1, 2", "tuple(1, 2)"),
        ("a - b - c", "((a - b) - c)"),
    ])
    func precedence(src: String, want: String) throws {
        #expect(try Self.expr(src) == want)
    }

    @Test("every statement form parses", arguments: [
        "def f(a, b=1, *args, c, d=2, **kw):\n    return a\n",
        "f = lambda x, *y: x\n",
        "load('m.star', 'a', b='c')\n",
        "x, [y, z] = 1, [2, 3]\n",
        "x[1:2:3] += [1]\n",
        "def g():\n    for x in y:\n        if x:\n            break\n        elif y:\n            continue\n        else:\n            pass\n    while x:\n        x -= 1\n",
        "x = [a for a in b if a for c in a]\ny = {k: v for k, v in z}\n",
        "x = 1; y = 2;\n",
        "f(*a, **k)\n",
        "def h(*, a): pass\n",
        "def f(**kwargs, *args, *, b=1, a, **kwargs, *args, *, b=1, a):\n  pass\n",  // checked by the resolver
    ])
    func statements(src: String) {
        #expect(Self.parseError(src) == nil)
    }

    @Test("syntax errors use go.starlark.net's wording and positions", arguments: [
        ("x = 1 +\n", "1:8: got newline, want primary expression"),
        ("print(1, 2, 3\n", "2:1: got end of file, want ')'"),
        ("x = 1 < 2 < 3", "1:11: < does not associate with < (use parens)"),
        ("def f(x y): pass", "1:9: got identifier, want ','"),
        ("x = 1,", "1:6: unparenthesized tuple with trailing comma"),
        ("load('a')", "1:5: load statement must import at least 1 symbol"),
        ("x = 1 if y", "1:7: conditional expression without else clause"),
        ("x = a.1", "1:6: got float literal, want newline"),
    ])
    func errors(src: String, want: String) {
        #expect(Self.parseError(src) == want)
    }

    @Test("deeply nested input fails with an error instead of overflowing the stack")
    func deepNesting() {
        let src = String(repeating: "(", count: 100_000) + "1" + String(repeating: ")", count: 100_000)
        #expect(Self.parseError(src)?.contains("nesting too deep") == true)
        let src2 = "x = " + String(repeating: "-", count: 100_000) + "1"
        #expect(Self.parseError(src2)?.contains("nesting too deep") == true)
    }
}
