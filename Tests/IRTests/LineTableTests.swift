import IR
import Testing

@Suite("LineTable")
struct LineTableTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let text: String
        let offset: Int
        let line: Int
        let column: Int
        var testDescription: String { "\(text.debugDescription)@\(offset) -> \(line):\(column)" }
    }

    @Test("byte offsets map to 1-based line and column", arguments: [
        Case(text: "", offset: 0, line: 1, column: 1),
        Case(text: "abc", offset: 0, line: 1, column: 1),
        Case(text: "abc", offset: 2, line: 1, column: 3),
        Case(text: "abc", offset: 3, line: 1, column: 4),
        Case(text: "ab\ncd", offset: 2, line: 1, column: 3),   // the newline itself
        Case(text: "ab\ncd", offset: 3, line: 2, column: 1),
        Case(text: "ab\ncd", offset: 4, line: 2, column: 2),
        Case(text: "a\n\n\nb", offset: 4, line: 4, column: 1),
        Case(text: "a\r\nb", offset: 3, line: 2, column: 1),
        Case(text: "ab\n", offset: 3, line: 2, column: 1),
        Case(text: "x", offset: 99, line: 1, column: 2),       // clamps past the end
        Case(text: "x", offset: -5, line: 1, column: 1),       // clamps before the start
    ])
    func lineColumn(_ c: Case) {
        let table = LineTable(file: "app.star", text: c.text)
        let (line, column) = table.lineColumn(at: c.offset)
        #expect(line == c.line)
        #expect(column == c.column)
    }

    @Test("columns count Unicode scalars, not bytes")
    func unicodeColumns() {
        // "é" is 2 bytes, "😀" is 4 bytes; "x" after them is the 3rd scalar.
        let text = "é😀x = 1"
        let table = LineTable(file: "f.star", text: text)
        let xOffset = Array("é😀".utf8).count
        #expect(table.lineColumn(at: xOffset) == (1, 3))
        #expect(table.location(at: xOffset) == SourceLocation(file: "f.star", line: 1, column: 3))
    }

    @Test("line count ignores a final newline, line text drops terminators")
    func linesAndText() {
        let table = LineTable(file: "f", text: "one\r\ntwo\nthree\n")
        #expect(table.lineCount == 3)
        #expect(table.lineText(1) == "one")
        #expect(table.lineText(2) == "two")
        #expect(table.lineText(3) == "three")
        #expect(table.lineText(9) == "")
        #expect(LineTable(file: "f", text: "a\nb").lineCount == 2)
        #expect(LineTable(file: "f", text: "").lineCount == 1)
    }

    @Test("lookup agrees with a naive scan at every scalar boundary of a mixed file")
    func agreesWithNaiveScan() {
        let text = "def f(x):\n\treturn \"ünï\"\n\n# 😀 comment\r\nx = f(1)\n"
        let table = LineTable(file: "f", text: text)
        var line = 1, column = 1, offset = 0
        for scalar in text.unicodeScalars {
            #expect(table.lineColumn(at: offset) == (line, column), "offset \(offset)")
            if scalar == "\n" { line += 1; column = 1 } else { column += 1 }
            offset += String(scalar).utf8.count
        }
        #expect(table.lineColumn(at: offset) == (line, column))
    }
}
