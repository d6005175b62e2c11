@testable import Frontend
import Foundation
import Testing

/// go.starlark.net's own chunked test data (`Tests/Fixtures/starlark-go`,
/// copied unchanged but for an origin note on line 1) run the way its Go
/// tests run them:
///
/// * `starlark/*.star` (TestExecFile): each chunk executed by
///   `openrun starlark --test`, beside go.starlark.net's `assert.star`, with
///   `--enable NAME` for every `option:NAME` in the chunk;
/// * `syntax/errors.star` (TestParseErrors): each chunk parsed only;
/// * `resolve/resolve.star` (TestResolve): parsed and resolved, with `M`
///   predeclared and `U`, `float` universal, as resolve_test.go does.
///
/// A chunk passes when every error lands on a `###` line with a matching
/// message and every `###` is hit. The chunks listed in `EXCLUDED` (each
/// with its reason) must still fail, so the list cannot go stale.
@Suite("go.starlark.net test data", .serialized)
struct StarlarkGoConformanceTests {
    static let directory = StarlarkCorpus.packageRoot.appendingPathComponent("Tests/Fixtures/starlark-go")

    /// One program: the chunk's text padded so line numbers match the file.
    struct Chunk: CustomStringConvertible {
        var file: String
        var firstLine: Int
        var source: String
        var want: [Int: String]
        var description: String { "\(file):\(firstLine)" }
        var options: [String] {
            Frontend.starlarkFeatureNames.filter { source.contains("option:\($0)") }
        }
    }

    enum Mode { case exec, parse, resolve }

    static func mode(of file: String) -> Mode {
        file.hasPrefix("syntax/") ? .parse : file.hasPrefix("resolve/") ? .resolve : .exec
    }

    static func files() -> [String] {
        var out: [String] = []
        for sub in ["starlark", "syntax", "resolve"] {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent(sub).path)) ?? []
            out += names.filter { $0.hasSuffix(".star") }.sorted().map { "\(sub)/\($0)" }
        }
        return out
    }

    /// Go's `strconv.Unquote` for the `### "..."` / `### `...`` patterns.
    static func unquote(_ s: String) -> String? {
        if s.hasPrefix("`"), s.hasSuffix("`"), s.count >= 2 { return String(s.dropFirst().dropLast()) }
        return try? JSONDecoder().decode(String.self, from: Data(s.utf8))
    }

    /// go.starlark.net's `chunkedfile.Read`.
    static func chunks(of file: String) throws -> [Chunk] {
        let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
        var out: [Chunk] = []
        var line = 1
        for part in text.components(separatedBy: "\n---\n") {
            let first = line
            var want: [Int: String] = [:]
            for l in part.components(separatedBy: "\n") {
                if let r = l.range(of: "###"), let p = unquote(l[r.upperBound...].trimmingCharacters(in: .whitespaces)) {
                    want[line] = p
                }
                line += 1
            }
            line += 1  // the --- line
            out.append(Chunk(file: file, firstLine: first, source: String(repeating: "\n", count: first - 1) + part, want: want))
        }
        return out
    }

    /// `file:line` → reason, from `EXCLUDED`.
    static func exclusions() -> [String: String] {
        let text = (try? String(contentsOf: directory.appendingPathComponent("EXCLUDED"), encoding: .utf8)) ?? ""
        var out: [String: String] = [:]
        for l in text.split(separator: "\n") where !l.hasPrefix("#") {
            let parts = l.split(separator: " ", maxSplits: 1)
            if parts.count == 2 { out[String(parts[0])] = String(parts[1]) }
        }
        return out
    }

    /// Errors of one chunk as (line, message), or problems that fail it outright.
    static func run(_ chunk: Chunk) -> (errors: [(Int, String)], problems: [String]) {
        let path = directory.appendingPathComponent(chunk.file).path
        var options = Starlark.FileOptions()
        for o in chunk.options { _ = options.enable(o) }
        switch mode(of: chunk.file) {
        case .parse:
            do {
                _ = try Starlark.Parser.parse(file: path, source: Array(chunk.source.utf8))
                return ([], [])
            } catch {
                return ([(error.location.line, error.message)], [])
            }
        case .resolve:
            do {
                let f = try Starlark.Parser.parse(file: path, source: Array(chunk.source.utf8))
                try Starlark.Resolver.resolve(f, options: options, isPredeclared: { $0 == "M" }, isUniversal: { $0 == "U" || $0 == "float" })
                return ([], [])
            } catch {
                return ((([error] + error.additional).map { ($0.location.line, $0.message) }), error.kind == .syntax ? ["syntax error: \(error)"] : [])
            }
        case .exec:
            return execute(chunk)
        }
    }

    static func execute(_ chunk: Chunk) -> (errors: [(Int, String)], problems: [String]) {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("openrun-starlark-go-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: dir) }
        let name = (chunk.file as NSString).lastPathComponent
        do {
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
            try fm.copyItem(at: directory.appendingPathComponent("assert.star"), to: dir.appendingPathComponent("assert.star"))
            try chunk.source.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
            var args = ["starlark", "--test"]
            for o in chunk.options { args += ["--enable", o] }
            let r = try ProcessRunner.run(ProcessRunner.openrun, args + [name], in: dir, timeout: 60)
            var errors: [(Int, String)] = []
            var problems: [String] = []
            if r.timedOut || r.signaled { problems.append("crashed or timed out") }
            for raw in r.stderr.split(separator: "\n") {
                guard let loc = ChunkedFileTests.parseLocated(String(raw)), !ChunkedFileTests.isFrame(loc.message) else { continue }
                if (loc.path as NSString).lastPathComponent == name {
                    if !errors.contains(where: { $0.0 == loc.line }) { errors.append((loc.line, loc.message)) }
                } else {
                    problems.append("reported elsewhere: \(raw)")
                }
            }
            if r.status != 0 && errors.isEmpty && problems.isEmpty { problems.append("exit \(r.status) without a located error: \(r.stderr.prefix(300))") }
            return (errors, problems)
        } catch {
            return ([], ["could not run: \(error)"])
        }
    }

    /// Go's `chunk.GotError` / `chunk.Done`: the problems with one chunk's result.
    static func check(_ chunk: Chunk, _ result: (errors: [(Int, String)], problems: [String])) -> [String] {
        var problems = result.problems
        var pending = chunk.want
        for (line, msg) in result.errors {
            guard let pattern = pending.removeValue(forKey: line) else {
                problems.append("\(chunk.file):\(line): unexpected error: \(msg)")
                continue
            }
            let re = try? NSRegularExpression(pattern: pattern)
            if re?.firstMatch(in: msg, range: NSRange(msg.startIndex..., in: msg)) == nil {
                problems.append("\(chunk.file):\(line): error \"\(msg)\" does not match \"\(pattern)\"")
            }
        }
        for (line, pattern) in pending.sorted(by: { $0.key < $1.key }) {
            problems.append("\(chunk.file):\(line): expected error matching \"\(pattern)\"")
        }
        return problems
    }

    @Test("every chunk of go.starlark.net's test data passes, except the documented exclusions")
    func conformance() async throws {
        try #require(FileManager.default.isExecutableFile(atPath: ProcessRunner.openrun.path), "openrun binary missing; run `swift build --build-tests` first")
        let excluded = Self.exclusions()
        var all: [Chunk] = []
        for f in Self.files() { all += try Self.chunks(of: f) }
        let results = await withTaskGroup(of: (Int, [String]).self) { group in
            var out = [[String]](repeating: [], count: all.count)
            var next = 0
            func add() {
                let i = next, c = all[i]
                group.addTask {
                    await withCheckedContinuation { k in
                        DispatchQueue.global().async { k.resume(returning: (i, Self.check(c, Self.run(c)))) }
                    }
                }
                next += 1
            }
            while next < min(3, all.count) { add() }
            while let (i, p) = await group.next() {
                out[i] = p
                if next < all.count { add() }
            }
            return out
        }
        var passed = 0
        var seenExclusions = Set<String>()
        for (c, problems) in zip(all, results) {
            if let reason = excluded[c.description] {
                seenExclusions.insert(c.description)
                #expect(!problems.isEmpty, "\(c) is excluded (\(reason)) but passes: remove it from EXCLUDED")
                continue
            }
            if problems.isEmpty { passed += 1 }
            for p in problems { Issue.record(Comment(rawValue: "\(c): \(p)")) }
        }
        for key in excluded.keys where !seenExclusions.contains(key) {
            Issue.record(Comment(rawValue: "EXCLUDED names \(key), which is not the start of a chunk"))
        }
        print("go.starlark.net test data: \(passed) of \(all.count) chunks pass (\(seenExclusions.count) excluded)")
    }

    @Test("chunks are split as go.starlark.net's chunkedfile does")
    func splitting() throws {
        let chunks = try Self.chunks(of: "syntax/errors.star")
        let first = try #require(chunks.first)
        #expect(first.want[6] == "got newline, want primary expression")
        let star = try #require(chunks.first { $0.want[11] != nil })
        #expect(star.want[11] == #"got '\*', want primary"#)
        #expect(star.source.components(separatedBy: "\n").count == 12)
    }
}
