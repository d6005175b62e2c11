@testable import Frontend
import IR
import Testing

/// Parser behaviour the BuildKit oracle does not show: locations,
/// directives, heredoc attributes, warnings, and the dump of nested nodes.
@Suite("Containerfile parser")
struct ContainerfileParserTests {
    static func parse(_ text: String) throws -> ContainerfileAST {
        try ContainerfileParser.parse(text, file: "app/Containerfile")
    }

    @Test("instructions carry file, line and column (columns in Unicode scalars)")
    func locations() throws {
        let ast = try Self.parse("FROM a\n\n   RUN x \\\n  y\n\u{00E9}\u{00E9} z\n\t  CMD b\n")
        #expect(ast.nodes.map(\.location) == [
            SourceLocation(file: "app/Containerfile", line: 1, column: 1),
            SourceLocation(file: "app/Containerfile", line: 3, column: 4),
            SourceLocation(file: "app/Containerfile", line: 5, column: 1),
            SourceLocation(file: "app/Containerfile", line: 6, column: 4),
        ])
        #expect(ast.nodes.map(\.startLine) == [1, 3, 5, 6])
        #expect(ast.nodes.map(\.endLine) == [1, 4, 5, 6])
    }

    @Test("parser directives are recorded, including # check=, and only at the top")
    func directives() throws {
        let ast = try Self.parse("# syntax=docker/dockerfile:1\n# check=skip=JSONArgsRecommended\n# escape=`\nFROM a\n# escape=\\\\\nRUN a `\n  b\n")
        #expect(ast.directives.map(\.name) == ["syntax", "check", "escape"])
        #expect(ast.directives.map(\.value) == ["docker/dockerfile:1", "skip=JSONArgsRecommended", "`"])
        #expect(ast.directives.map(\.location.line) == [1, 2, 3])
        #expect(ast.escapeToken == "`")
        #expect(ast.nodes.last?.args == ["a   b"])
    }

    @Test("heredoc attributes: quoting turns expansion off, <<- chomps tabs, file descriptors")
    func heredocs() throws {
        let ast = try Self.parse("RUN <<EOF 3<<'Q' <<-\"T\"\n$A\nEOF\nq\nQ\n\t\tt\n\tT\n")
        let docs = try #require(ast.nodes.first).heredocs
        #expect(docs.map(\.name) == ["EOF", "Q", "T"])
        #expect(docs.map(\.expand) == [true, false, false])
        #expect(docs.map(\.fileDescriptor) == [0, 3, 0])
        #expect(docs.map(\.chomp) == [false, false, true])
        #expect(docs.map(\.content) == ["$A\n", "q\n", "\t\tt\n"])
        #expect(docs[2].effectiveContent == "t\n")
        #expect(ast.nodes.first?.endLine == 7)
    }

    @Test("empty lines inside a continuation give BuildKit's warning")
    func emptyContinuationWarning() throws {
        let ast = try Self.parse("FROM a\nRUN a \\\n\n  b\n")
        #expect(ast.warnings.map(\.id) == ["containerfile.empty-continuation-line"])
        #expect(ast.warnings.first?.message == "Empty continuation line found in: RUN a   b")
        #expect(ast.warnings.first?.location?.line == 2)
    }

    @Test("the dump nests ONBUILD triggers, lower-cases names and Go-quotes values")
    func dump() throws {
        let ast = try Self.parse("ONBUILD ONBUILD RUN x\nFROM a\nLABEL \"k\"=\"v\\u00e9\"\nUNKNOWN a b\nRUN [\"a\\u0001\", \"\\u00a0\", \"\\ud83d\\ude00\"]\n")
        #expect(ast.dump == """
            (onbuild (onbuild (run "x")))
            (from "a")
            (label "\\"k\\"" "\\"v\\\\u00e9\\"")
            (unknown "")
            (run "a\\x01" "\\u00a0" "😀")

            """)
    }

    @Test("a byte-order mark and CRLF line endings are handled like BuildKit")
    func bomAndCRLF() throws {
        let ast = try Self.parse("\u{FEFF}# escape=`\r\nFROM a\r\nRUN x `\r\n  y\r\n")
        #expect(ast.escapeToken == "`")
        #expect(ast.nodes.map(\.args) == [["a"], ["x   y"]])
    }

    @Test("invalid UTF-8 never crashes and is read with replacement characters")
    func invalidUTF8() throws {
        let bytes: [UInt8] = Array("FROM a\nRUN x".utf8) + [0xFF, 0xC3] + Array(" y\nLABEL k=\"".utf8) + [0xE2, 0x82] + Array("\"\n".utf8)
        let ast = try ContainerfileParser.parse(bytes: bytes, file: "Containerfile")
        #expect(ast.nodes.count == 3)
        #expect(ast.nodes[1].args == ["x\u{FFFD}\u{FFFD} y"])
    }
}
