import Foundation
import Frontend
import TextTemplate
import IR
import Testing

/// Differential test against Go's real text/template: the corpus
/// (Tests/Fixtures/template/go-corpus.json) holds random templates and the
/// output or error Go 1.11.5 gave for each (dev/gen-template-corpus, which
/// runs Go's engine from PyPI go-template). Outputs must match byte for byte;
/// errors must have Go's message and line (and column, where Go gives one).
@Suite("Go text/template corpus")
struct GoTemplateCorpusTests {
    /// The corpus data (dev/gen-template-corpus's DATA) as template values.
    static let data: TemplateValue = [
        "s": "hello", "e": "", "n": 42, "z": 0, "neg": -7, "f": .float(3.25), "h": .float(0.5), "t": true, "fa": false,
        "l": [3, 4, 5], "ls": ["a", "b c", "<x>"], "le": [], "m": ["k": "v"], "mm": ["a": ["b": "deep"]],
        "q": "say \"hi\" & <b>", "u": "a b/c?d=e&f", "nul": nil, "big": 1234567, "lm": [["k": 1], ["k": 2]],
    ]

    /// Cases where modern Go (which openrun follows) differs from Go 1.11:
    /// template → what openrun must produce instead.
    static let modernGo: [String: String] = [
        // Go 1.18+ indexArg accepts index == len and reflect then panics.
        "{{index .le 0}}": #"executing "t.tmpl" at <index .le 0>: error calling index: reflect: slice index out of range"#,
        // Go 1.16+ reports a nil interface before the missing field.
        "{{.nul.x}}": #"executing "t.tmpl" at <.nul.x>: nil pointer evaluating interface {}.x"#,
        // Go 1.18+ passes len a reflect.Value: a nil interface is a nil pointer.
        "{{len .nul}}": #"executing "t.tmpl" at <len .nul>: error calling len: len of nil pointer"#,
        // Go 1.16+ ends an action's pipeline only at the right delimiter.
        "{{html}}{{.}}{{)}}": #"unexpected ")" in command"#,
    ]

    /// Outputs where modern Go differs from Go 1.11: `%q` of an int beyond
    /// U+10FFFF is `'\u{FFFD}'` since Go 1.15 (before: a bad verb).
    static let modernOutputs: [String: String] = [
        "{{printf \"%q\" .big}}{{(print `raw\\n` .missing)}}{{range .lm}}{{.k}}{{$.s}}{{end}}{{with $w := false}}{{$w}}{{end}}":
            "'\u{FFFD}'raw\\n<nil>1hello2hello",
    ]

    /// Go 1.11 wording that modern Go changed, mapped to the modern form:
    /// lexer errors are no longer wrapped in "unexpected ... in ...", and
    /// len of a missing value fails inside reflect (Go 1.18+).
    static func modernize(_ message: String) -> String {
        let lexerErrors = [
            "unterminated quoted string", "unterminated raw quoted string", "unterminated character constant",
            "unclosed comment", "comment ends before closing delimiter", "unclosed action", "unclosed left paren",
            "expected :=", "bad number syntax: ", "bad character ", "unrecognized character in action: ",
            "unexpected right paren ",
        ]
        var m = message
        if m.hasPrefix("unexpected "), let inRange = m.range(of: " in ", options: .backwards) {
            let inner = String(m[m.index(m.startIndex, offsetBy: 11)..<inRange.lowerBound])
            if lexerErrors.contains(where: { inner == $0 || ($0.hasSuffix(" ") && inner.hasPrefix($0)) }) {
                m = inner
            }
        }
        return m.replacingOccurrences(of: "error calling len: len of untyped nil",
                                      with: "error calling len: reflect: call of reflect.Value.Type on zero Value")
    }

    struct Case: Sendable {
        var template: String
        var output: String?
        var error: String?
    }

    static func load() throws -> [Case] {
        let url = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/template/go-corpus.json")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        let cases = json?["cases"] as? [[String: Any]] ?? []
        let keys = (json?["data"] as? [String: Any])?.keys.sorted() ?? []
        guard case .map(let m) = data, m.keys.sorted() == keys else {
            throw CorpusError("the corpus data keys differ from GoTemplateCorpusTests.data")
        }
        return cases.map { Case(template: $0["template"] as? String ?? "", output: $0["output"] as? String, error: $0["error"] as? String) }
    }

    struct CorpusError: Error, CustomStringConvertible {
        var description: String
        init(_ d: String) { description = d }
    }

    /// Splits Go's `template: t.tmpl:LINE[:COL]: MESSAGE`.
    static func splitGoError(_ e: String) -> (line: Int, column: Int?, message: String)? {
        let prefix = "template: t.tmpl:"
        guard e.hasPrefix(prefix) else { return nil }
        let rest = e.dropFirst(prefix.count)
        let parts = rest.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, let line = Int(parts[0]) else { return nil }
        if parts.count == 3, let col = Int(parts[1]) {
            return (line, col, String(parts[2].dropFirst()))
        }
        return (line, nil, String(rest.dropFirst(parts[0].count + 2)))
    }

    @Test("renders every corpus template as Go does")
    func corpus() throws {
        let cases = try Self.load()
        #expect(cases.count >= 400)
        var mismatches: [String] = []
        for c in cases {
            var got: String
            var diag: Diagnostic? = nil
            do {
                got = try GoTemplate(source: c.template, file: "t.tmpl").render(data: Self.data)
            } catch {
                diag = error.diagnostics.first
                got = ""
            }
            if let modern = Self.modernGo[c.template] {
                if diag?.message != modern { mismatches.append("\(c.template.debugDescription): \(diag?.rendered ?? got)") }
                continue
            }
            if let expected = Self.modernOutputs[c.template] ?? c.output {
                if let diag {
                    mismatches.append("\(c.template.debugDescription): want \(expected.debugDescription), got error \(diag.rendered)")
                } else if got != expected {
                    mismatches.append("\(c.template.debugDescription): want \(expected.debugDescription), got \(got.debugDescription)")
                }
            } else if let expected = c.error, let go = Self.splitGoError(expected) {
                guard let diag else {
                    mismatches.append("\(c.template.debugDescription): want error \(expected), got \(got.debugDescription)")
                    continue
                }
                let lineOK = diag.location?.line == go.line
                // Go's column is a 0-based byte offset; ours is 1-based.
                let colOK = go.column.map { diag.location?.column == $0 + 1 } ?? true
                if diag.message != Self.modernize(go.message) || !lineOK || !colOK {
                    mismatches.append("\(c.template.debugDescription): want \(expected), got \(diag.rendered)")
                }
            } else {
                mismatches.append("bad corpus entry \(c.template.debugDescription)")
            }
        }
        #expect(mismatches.isEmpty, Comment(rawValue: "\(mismatches.count) of \(cases.count) differ:\n" + mismatches.joined(separator: "\n")))
    }

    @Test("the checked-in corpus is what Go's text/template renders (dev/gen-template-corpus --check)")
    func corpusIsGo() throws {
        guard let python = RepoPaths.python else {
            throw CorpusError("no Python with go-template: set OPENRUN_PYTHON or run dev/setup to create .venv")
        }
        let result = try RepoPaths.run(python, ["dev/gen-template-corpus", "--check"])
        #expect(result.status == 0, Comment(rawValue: result.output))
        #expect(result.output.contains("cases match Go"), Comment(rawValue: result.output))
    }
}
