@testable import Frontend
import Testing

@Suite("Starlark lexer")
struct LexerTests {
    static func kinds(_ src: String) throws -> [Starlark.TokenKind] {
        var lx = Starlark.Lexer(file: "t.star", source: Array(src.utf8))
        return try lx.tokenize().map(\.kind)
    }

    static func values(_ src: String) throws -> [Starlark.TokenValue] {
        var lx = Starlark.Lexer(file: "t.star", source: Array(src.utf8))
        return try lx.tokenize().map(\.value).filter { $0 != .none }
    }

    static func lexError(_ src: String) -> String? {
        var lx = Starlark.Lexer(file: "t.star", source: Array(src.utf8))
        do { _ = try lx.tokenize(); return nil } catch { return "\(error.location.line):\(error.location.column): \(error.message)" }
    }

    @Test("indentation produces INDENT/OUTDENT and blank or comment lines are ignored")
    func indentation() throws {
        let k = try Self.kinds("if x:\n    y\n\n    # c\n    z\nw\n")
        #expect(k == [.kwIf, .ident, .colon, .newline, .indent, .ident, .newline, .ident, .newline, .outdent, .ident, .newline, .eof])
    }

    @Test("newlines inside brackets are implicit line joins")
    func bracketsJoinLines() throws {
        let k = try Self.kinds("f(1,\n  2)\n")
        #expect(k == [.ident, .lparen, .int, .comma, .int, .rparen, .newline, .eof])
    }

    @Test("int literals in every radix, big ints and floats", arguments: [
        ("0x7f", Starlark.TokenValue.int(127)), ("0o17", .int(15)), ("0b101", .int(5)), ("0", .int(0)),
        ("1.5", .float(1.5)), (".5", .float(0.5)), ("1e3", .float(1000)), ("1.", .float(1)),
    ])
    func numbers(src: String, want: Starlark.TokenValue) throws {
        #expect(try Self.values(src) == [want])
    }

    @Test("an int beyond 64 bits becomes a big int")
    func bigInt() throws {
        guard case .bigInt(let b) = try Self.values("123456789012345678901234567890").first else {
            Issue.record("not a big int"); return
        }
        #expect(b.description == "123456789012345678901234567890")
    }

    @Test("string escapes, raw strings, triple quotes and bytes", arguments: [
        (#""a\tb\n""#, Array("a\tb\n".utf8)),
        (#"'\x41\101\u00e9'"#, Array("AAé".utf8)),
        (#"r"a\nb""#, Array(#"a\nb"#.utf8)),
        ("'''x\ny'''", Array("x\ny".utf8)),
        (#"b"\xff""#, [0xff]),
        ("\"a\\\nb\"", Array("ab".utf8)),
    ])
    func strings(src: String, want: [UInt8]) throws {
        #expect(try Self.values(src) == [.bytes(want)])
    }

    @Test("lexical errors carry line:col and go.starlark.net's wording", arguments: [
        ("x = 0777", "1:5: obsolete form of octal literal; use 0o777"),
        ("x = 0x", "1:5: invalid hex literal"),
        ("x = 'abc\n", "1:5: unexpected newline in string"),
        ("x = '''abc", "1:5: unexpected EOF in string"),
        ("x = '\\q'", "1:5: invalid escape sequence \\q"),
        ("x = '\\xff'", "1:5: non-ASCII hex escape \\xff (use \\u00ff for the UTF-8 encoding of U+00ff)"),
        ("x = 1 @ 2", "1:7: unexpected input character '@'"),
        ("x = 1 \u{01} 2", "1:7: unexpected input character '\\x01'"),
        ("x = 1 € 2", "1:7: unexpected input character '€'"),
        ("x = 1 \u{200B} 2", "1:7: unexpected input character '\\u200b'"),
        ("if x:\n    y\n  z\n", "3:3: unindent does not match any outer indentation level"),
    ])
    func errors(src: String, want: String) {
        #expect(Self.lexError(src) == want)
    }

    @Test("reserved Python keywords lex as illegal tokens")
    func reserved() throws {
        #expect(try Self.kinds("class") == [.illegal, .newline, .eof])
        #expect(try Self.kinds("assert") == [.ident, .newline, .eof])  // not reserved in go.starlark.net
    }
}
