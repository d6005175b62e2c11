import IR
import Testing

@Suite("Diagnostics")
struct DiagnosticTests {
    @Test("renders path:line:col: severity: message [id]")
    func rendering() {
        let d = Diagnostic.error("params.missing-required", "param \"port\" is required but was not given",
                                 at: SourceLocation(file: "params.star", line: 3, column: 1))
        #expect(d.rendered == "params.star:3:1: error: param \"port\" is required but was not given [params.missing-required]")
    }

    @Test("renders partial locations and location-less diagnostics")
    func partialLocations() {
        #expect(Diagnostic.warning("copt.unknown", "unknown container option \"gpus\"", at: .flag("--copt", "gpus=1")).rendered
            == "--copt gpus=1: warning: unknown container option \"gpus\" [copt.unknown]")
        #expect(Diagnostic.error("x.y", "m", at: SourceLocation(file: "Containerfile", line: 4, column: 0)).rendered
            == "Containerfile:4: error: m [x.y]")
        #expect(Diagnostic.error("x.y", "m", at: .file("app.star")).rendered == "app.star: error: m [x.y]")
        #expect(Diagnostic.note("x.y", "m").rendered == "openrun: note: m [x.y]")
    }

    @Test("non-printing characters from the input are escaped as Go's %q does")
    func escaping() {
        let d = Diagnostic.error("x.y", "unknown instruction \"\u{1B}[31mRED\u{7}\"\t\u{200B}\u{FFFD}é", at: SourceLocation(file: "Contain\u{1B}erfile", line: 1, column: 1))
        #expect(d.rendered == #"Contain\x1berfile:1:1: error: unknown instruction "\x1b[31mRED\a"\t\u200b\ufffdé [x.y]"#)
        #expect(!d.rendered.unicodeScalars.contains { $0.value < 0x20 })
    }

    @Test("at most 50 diagnostics per file are rendered, then a count of the rest")
    func capped() {
        var list: [Diagnostic] = (1...60).map { .error("x.y", "bad \($0)", at: SourceLocation(file: "a", line: $0, column: 1)) }
        list.append(.error("x.y", "other", at: .file("b")))
        let lines = Diagnostic.render(list)
        #expect(lines.count == 52)
        #expect(lines[49] == "a:50:1: error: bad 50 [x.y]")
        #expect(lines[50] == "b: error: other [x.y]")
        #expect(lines[51] == "a: note: and 10 more")
    }

    @Test("notes follow on their own lines")
    func notes() {
        let d = Diagnostic.error("params.duplicate", "param \"port\" declared twice",
                                 at: SourceLocation(file: "params.star", line: 7, column: 1),
                                 notes: [.init("first declared here", at: SourceLocation(file: "params.star", line: 2, column: 1)),
                                         .init("remove one of them")])
        #expect(d.rendered == """
            params.star:7:1: error: param "port" declared twice [params.duplicate]
            params.star:2:1: note: first declared here
                note: remove one of them
            """)
    }

    @Test("the collector keeps going after errors and throws all of them at the boundary")
    func collector() throws {
        let diags = Diagnostics()
        diags.warning("a.w", "first", at: .file("a"))
        #expect(!diags.hasErrors)
        #expect(throws: Never.self) { try diags.check() }
        diags.error("a.e1", "second", at: .file("a"))
        diags.error("a.e2", "third", at: .file("b"))
        #expect(diags.hasErrors)
        #expect(diags.errors.map(\.id) == ["a.e1", "a.e2"])
        #expect(diags.warnings.map(\.id) == ["a.w"])
        do {
            try diags.check()
            Issue.record("check() did not throw")
        } catch {
            #expect(error.diagnostics.map(\.id) == ["a.w", "a.e1", "a.e2"])
            #expect(error.description == "a: warning: first [a.w]\na: error: second [a.e1]\nb: error: third [a.e2]")
        }
    }

    @Test("sorting orders by location, then errors before warnings")
    func ordering() {
        let a = Diagnostic.warning("w", "w", at: SourceLocation(file: "a", line: 1, column: 1))
        let b = Diagnostic.error("e", "e", at: SourceLocation(file: "a", line: 1, column: 1))
        let c = Diagnostic.error("e", "e", at: SourceLocation(file: "a", line: 2, column: 1))
        let d = Diagnostic.error("e", "e")
        #expect([d, c, a, b].sorted() == [b, a, c, d])
    }

    @Test("diagnostics round-trip through JSON")
    func codable() throws {
        let d = Diagnostic.error("x.y", "m", at: SourceLocation(file: "f", line: 1, column: 2), notes: [.init("n")])
        let data = try JSONEncoder().encode(d)
        #expect(try JSONDecoder().decode(Diagnostic.self, from: data) == d)
    }
}

import Foundation
