import Foundation
@testable import Frontend
import IR
import Testing

/// openrun's parser against BuildKit's (moby/buildkit's parser through the
/// PyPI `dockerfile` package): same instructions, same values, same
/// accept/reject, same error text.
@Suite("Containerfile parser vs BuildKit")
struct ContainerfileDifferentialTests {
    /// Our tree in the shape the `dockerfile` package reports (which, for
    /// ONBUILD, shows the trigger's values and appends heredoc bodies to
    /// `original` for RUN/COPY/ADD).
    static func commands(_ ast: ContainerfileAST) -> [ContainerfileFixtures.Command] {
        ast.nodes.map { node in
            let shown = node.trigger ?? node
            var original = node.original
            if node.trigger == nil && !node.heredocs.isEmpty {
                original += "\n" + node.heredocs.map { $0.content + $0.name + "\n" }.joined()
            }
            return ContainerfileFixtures.Command(
                cmd: node.command,
                sub_cmd: node.trigger?.command,
                json: shown.isJSON,
                original: original,
                start_line: node.startLine,
                end_line: node.endLine,
                flags: node.flags,
                // A node holding a nested ONBUILD shows BuildKit's child-holder node: one empty value.
                value: shown.trigger != nil ? [""] : shown.args,
                heredocs: node.trigger == nil ? node.heredocs.map { .init(name: $0.name, fd: Int(truncatingIfNeeded: $0.fileDescriptor), content: $0.content) } : []
            )
        }
    }

    /// Compares one text; returns a description of the first difference.
    static func compare(_ text: String, _ verdict: ContainerfileFixtures.Verdict) -> String? {
        let ours: Result<ContainerfileAST, DiagnosticError>
        do {
            ours = .success(try ContainerfileParser.parse(text, file: "Containerfile"))
        } catch {
            ours = .failure(error)
        }
        switch (ours, verdict.ok, verdict.error) {
        case (.success(let ast), let theirs?, _):
            let mine = commands(ast)
            if mine.count != theirs.count {
                return "instruction count \(mine.count) != BuildKit \(theirs.count)\n  ours: \(mine)\n  theirs: \(theirs)"
            }
            for (m, t) in zip(mine, theirs) where m != t {
                return "ours:   \(m)\ntheirs: \(t)"
            }
            return nil
        case (.failure(let e), _, let message?):
            let got = e.diagnostics.first?.message ?? ""
            return got == message ? nil : "error text differs: ours \(GoText.quote(got)), BuildKit \(GoText.quote(message))"
        case (.success(let ast), nil, let message?):
            return "we accept, BuildKit rejects with \(GoText.quote(message)); ours: \(commands(ast))"
        case (.failure(let e), _?, _):
            return "we reject (\(e.description)), BuildKit accepts"
        default:
            return "no verdict"
        }
    }

    @Test("real-world Containerfiles parse exactly as BuildKit parses them")
    func realWorld() throws {
        let files = try ContainerfileFixtures.realWorld()
        #expect(files.count >= 15)
        let verdicts = try ContainerfileFixtures.buildkit(files.map(\.1))
        for ((name, text), verdict) in zip(files, verdicts) {
            #expect(verdict.ok != nil, "BuildKit rejects fixture \(name): \(verdict.error ?? "")")
            if let diff = Self.compare(text, verdict) {
                Issue.record("\(name): \(diff)")
            }
        }
    }

    @Test("the tricky corpus gets the same instructions, values and errors as BuildKit")
    func trickyCorpus() throws {
        let texts = try ContainerfileFixtures.tricky()
        #expect(texts.count >= 2000)
        let verdicts = try ContainerfileFixtures.buildkit(texts)
        var failures: [String] = []
        var compared = 0
        var rejected = 0
        for (i, (text, verdict)) in zip(texts, verdicts).enumerated() {
            if verdict.undecodable == true {
                // BuildKit cut a UTF-8 sequence in half; Python cannot show its
                // result. We only require a clean parse or a clean error.
                _ = try? ContainerfileParser.parse(text, file: "Containerfile")
                continue
            }
            compared += 1
            if verdict.error != nil { rejected += 1 }
            if let diff = Self.compare(text, verdict) {
                failures.append("case \(i) \(GoText.quote(text)):\n\(diff)")
            }
        }
        #expect(compared >= 1950, "only \(compared) comparable cases")
        #expect(rejected >= 50, "the corpus should exercise errors too (\(rejected))")
        #expect(failures.isEmpty, "\(failures.count) of \(compared) cases differ:\n\(failures.prefix(15).joined(separator: "\n\n"))")
    }

    @Test("limits: BuildKit's 64 KiB line limit and Go's JSON nesting depth")
    func limits() throws {
        func nested(_ depth: Int) -> String { String(repeating: "[", count: depth) + String(repeating: "]", count: depth) }
        let a = { (n: Int) in String(repeating: "a", count: n) }
        let texts = [
            "RUN " + a(65531) + "\n",
            "RUN " + a(65532) + "\n",
            "RUN " + a(65531),
            "RUN " + a(65532),
            "FROM x\nRUN " + a(70000) + "\nRUN b\n",
            "FROM x\nRUN <<EOF\n" + a(70000) + "\nEOF\n",
            "CMD " + nested(9999) + "\n",
            "CMD " + nested(10000) + "\n",
            "CMD " + nested(10001) + "\n",
            "CMD [" + String(repeating: "{\"a\":", count: 9999) + "1" + String(repeating: "}", count: 9999) + "]\n",
            "CMD [" + String(repeating: "{\"a\":", count: 10000) + "1" + String(repeating: "}", count: 10000) + "]\n",
        ]
        let verdicts = try ContainerfileFixtures.buildkit(texts)
        for (i, (text, verdict)) in zip(texts, verdicts).enumerated() {
            if let diff = Self.compare(text, verdict) {
                Issue.record("limit case \(i): \(diff.prefix(300))")
            }
        }
    }
}
