import Foundation
import Frontend
import TextTemplate
import IR
import Testing

/// Mutation fuzzing: templates derived from the Go corpus by random edits
/// must parse and render to output or a located diagnostic — never crash,
/// hang or produce a diagnostic without a position in the file.
@Suite("Go text/template fuzz")
struct GoTemplateFuzzTests {
    /// A small deterministic generator (SplitMix64).
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
    }

    static let pieces: [String] = [
        "{{", "}}", "{{-", "-}}", " ", "\n", ".", "$", "$x", ":=", "=", "|", "(", ")", "\"", "`", "'", ",",
        "if", "else", "end", "range", "with", "define", "template", "block", "break", "continue", "nil",
        "printf", "len", "index", "eq", "and", "or", "not", "html", "js", "urlquery", "print", "println",
        "/*", "*/", "%", "%d", "%q", "%v", "-", "0x", "1e", "é", "\u{0}", "\\", "{{end}}", "{{else}}",
        ".s", ".l", ".m.k", "1", "-3", "2.5",
    ]

    static func mutate(_ s: String, _ rng: inout Rng) -> String {
        var scalars = Array(s.unicodeScalars)
        for _ in 0...rng.below(4) {
            let piece = Array(pieces[rng.below(pieces.count)].unicodeScalars)
            let at = rng.below(scalars.count + 1)
            switch rng.below(3) {
            case 0:
                scalars.insert(contentsOf: piece, at: at)
            case 1:
                if !scalars.isEmpty {
                    let end = min(scalars.count, at + 1 + rng.below(6))
                    scalars.removeSubrange(min(at, scalars.count - 1)..<end)
                }
            default:
                if at < scalars.count {
                    scalars.replaceSubrange(at..<min(scalars.count, at + piece.count), with: piece)
                } else {
                    scalars += piece
                }
            }
        }
        return String(String.UnicodeScalarView(scalars))
    }

    static func seeds() throws -> [String] {
        try GoTemplateCorpusTests.load().map(\.template)
    }

    /// Runs `iterations` mutants; returns (rendered, diagnostics).
    static func run(iterations: Int, seed: UInt64) throws -> (ok: Int, errors: Int, unlocated: [String]) {
        let seeds = try seeds()
        var rng = Rng(state: seed)
        var ok = 0, errors = 0
        var unlocated: [String] = []
        for _ in 0..<iterations {
            let source = mutate(seeds[rng.below(seeds.count)], &rng)
            do {
                let t = try GoTemplate(source: source, file: "fuzz.tmpl")
                _ = try t.render(data: GoTemplateCorpusTests.data)
                ok += 1
            } catch {
                errors += 1
                for d in error.diagnostics where d.location?.file != "fuzz.tmpl" || (d.location?.line ?? 0) < 1 {
                    unlocated.append("\(source.debugDescription): \(d.rendered)")
                }
            }
        }
        return (ok, errors, unlocated)
    }

    @Test("20000 mutated templates render or fail with located diagnostics")
    func mutants() throws {
        let iterations = Int(ProcessInfo.processInfo.environment["OPENRUN_FUZZ_ITERATIONS"] ?? "") ?? 20_000
        let result = try Self.run(iterations: iterations, seed: 0x5EED)
        #expect(result.ok + result.errors == iterations)
        #expect(result.ok > iterations / 10, "too few mutants render: \(result.ok)")
        #expect(result.errors > iterations / 10, "too few mutants fail: \(result.errors)")
        #expect(result.unlocated.isEmpty, Comment(rawValue: result.unlocated.prefix(10).joined(separator: "\n")))
    }
}
