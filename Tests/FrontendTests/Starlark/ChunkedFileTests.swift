import Foundation
import Testing

/// Runs every chunk of the Starlark corpus (`Tests/Fixtures/starlark/*.star`)
/// through `openrun starlark --test` and checks that every error line has a
/// matching `### "regex"` and every `###` is hit.
///
/// Each chunk is written to a temporary directory under its file's name,
/// padded with blank lines so line numbers match the corpus file, next to a
/// copy of `assert.star` and the `load/` modules, and run from that
/// directory by its bare file name (so messages name it like Go's would). Dialect options come from
/// `# option:NAME` comments (first line of the file or of the chunk) and are
/// passed as `--enable NAME`. Errors are read from stderr lines of the form
/// `path:line:col: message` (indented backtrace lines and `in <frame>` lines
/// are ignored); a line whose path is not the chunk's file (e.g. a failed
/// assertion reported from `assert.star`) is a failure.
@Suite("Starlark chunked files", .serialized)
struct ChunkedFileTests {
    /// How many chunks run at once.
    static let width = 3

    @Test("every chunk of the corpus fails exactly where its ### says", arguments: StarlarkCorpus.fileNames())
    func corpusFile(_ name: String) async throws {
        let bin = ProcessRunner.openrun
        try #require(FileManager.default.isExecutableFile(atPath: bin.path), "openrun binary missing at \(bin.path); run `swift build --build-tests` first")
        let chunks = try StarlarkCorpus.chunks(of: name)
        #expect(!chunks.isEmpty)
        let problems = await Self.runAll(chunks)
        for p in problems {
            Issue.record(Comment(rawValue: p))
        }
    }

    /// Every reproducer in `Tests/Fixtures/starlark/crashers/`.
    static func crasherNames() -> [String] {
        let dir = StarlarkCorpus.directory.appendingPathComponent("crashers")
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { !$0.hasSuffix(".md") }.sorted()
    }

    @Test("no crash reproducer crashes or hangs openrun", arguments: crasherNames())
    func crasher(_ name: String) throws {
        let bin = ProcessRunner.openrun
        try #require(FileManager.default.isExecutableFile(atPath: bin.path), "openrun binary missing at \(bin.path)")
        let dir = StarlarkCorpus.directory.appendingPathComponent("crashers")
        var args = ["starlark", "--test"]
        for f in StarlarkCorpus.features.sorted() { args += ["--enable", f] }
        let r = try ProcessRunner.run(bin, args + [name], in: dir, timeout: 60)
        #expect(!r.signaled && !r.timedOut, "openrun \(r.timedOut ? "timed out" : "crashed (signal \(r.status))") on crashers/\(name):\n\(r.stderr.prefix(2000))")
        #expect(r.status == 0 || r.status == 1, "exit status \(r.status)")
    }

    @Test("the corpus matches go.starlark.net (Tests/Fixtures/starlark/run_reference.py)")
    func corpusMatchesReference() throws {
        let python = try #require(ProcessRunner.python, "no Python with starlark-go: set OPENRUN_PYTHON or run dev/setup (creates .venv)")
        let script = StarlarkCorpus.directory.appendingPathComponent("run_reference.py")
        let r = try ProcessRunner.run(python, [script.path], timeout: 300)
        #expect(r.status == 0, "run_reference.py failed:\n\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains(" 0 failed"), "\(r.stdout)")
    }

    // MARK: - The checker, tested on canned results so it cannot pass vacuously.

    @Test("the checker accepts an error on a ### line and rejects missing, extra and mismatched errors")
    func checkerSelfTest() throws {
        let chunk = StarlarkCorpus.Chunk(file: "t.star", start: 2, lines: ["x = 1", "y = 1 // 0 ### \"division by zero\""], options: [], want: [4: "division by zero"])
        func result(_ stderr: String, _ status: Int32 = 1) -> ProcessRunner.Result {
            .init(status: status, stdout: "", stderr: stderr, signaled: false, timedOut: false)
        }
        #expect(Self.check(chunk, result("/tmp/x/t.star:4:9: floored division by zero\nTraceback:\n  /tmp/x/t.star:4:9: in <toplevel>\n")).isEmpty)
        #expect(Self.check(chunk, result("t.star:4:9: error: floored division by zero [starlark.eval]\n")).isEmpty)
        #expect(Self.check(chunk, result("t.star:4:9: division by zero\nt.star:4:9: in <toplevel>\nt.star:2:1: in f\n")).isEmpty)
        let inChunk = StarlarkCorpus.Chunk(file: "t.star", start: 0, lines: ["x = 1 in [] == 2 ### \"in does not associate\""], options: [], want: [1: "in does not associate"])
        #expect(Self.check(inChunk, result("t.star:1:13: in does not associate with == (use parens)\n")).isEmpty)
        #expect(Self.check(chunk, result("", 0)).count == 1)  // ### not hit
        #expect(Self.check(chunk, result("t.star:3:1: division by zero\n")).count == 2)  // wrong line, ### not hit
        #expect(Self.check(chunk, result("t.star:4:9: type error\n")).count == 1)  // message mismatch
        #expect(Self.check(chunk, result("t.star:4:9: division by zero\nassert.star:7:9: 1 != 2\n")).count == 1)  // failed assertion
        #expect(Self.check(chunk, result("boom\n", 2)).count == 2)  // no located error, ### not hit
        let crashed = ProcessRunner.Result(status: 4, stdout: "", stderr: "t.star:4:9: division by zero\n", signaled: true, timedOut: false)
        #expect(Self.check(chunk, crashed).count == 1)
        let ok = StarlarkCorpus.Chunk(file: "t.star", start: 0, lines: ["x = 1"], options: [], want: [:])
        #expect(Self.check(ok, result("", 0)).isEmpty)
        #expect(Self.check(ok, result("", 1)).count == 1)
    }

    @Test("chunks keep the file's line numbers and pick up option comments")
    func chunkSplitting() throws {
        let chunks = try StarlarkCorpus.chunks(of: "dialect.star")
        let whileChunk = try #require(chunks.first { $0.options.contains("while") })
        #expect(whileChunk.options.contains("recursion"))
        #expect(whileChunk.paddedSource.split(separator: "\n", omittingEmptySubsequences: false).count == whileChunk.start + whileChunk.lines.count + 1)
        let first = try #require(chunks.first)
        #expect(first.options.isEmpty)
        #expect(first.want.values.contains("dialect does not support while loops"))
        let set = try StarlarkCorpus.chunks(of: "set.star")
        #expect(set.allSatisfy { $0.options == ["set"] })
    }

    // MARK: - Running

    /// Runs the chunks `width` at a time, off the cooperative pool (each run blocks on a process).
    static func runAll(_ chunks: [StarlarkCorpus.Chunk]) async -> [String] {
        await withTaskGroup(of: (Int, [String]).self) { group in
            var results = [[String]](repeating: [], count: chunks.count)
            var next = 0
            func add() {
                let i = next
                let chunk = chunks[i]
                group.addTask {
                    let problems = await withCheckedContinuation { (k: CheckedContinuation<[String], Never>) in
                        DispatchQueue.global().async { k.resume(returning: runChunk(chunk)) }
                    }
                    return (i, problems)
                }
                next += 1
            }
            while next < min(width, chunks.count) { add() }
            while let (i, problems) = await group.next() {
                results[i] = problems
                if next < chunks.count { add() }
            }
            return results.flatMap { $0 }
        }
    }

    /// Writes the chunk beside `assert.star` and `load/` in a fresh temporary directory and runs it.
    static func runChunk(_ chunk: StarlarkCorpus.Chunk) -> [String] {
        let fm = FileManager.default
        let dir = fm.temporaryDirectory.appendingPathComponent("openrun-starlark-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: dir) }
        do {
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
            try fm.copyItem(at: StarlarkCorpus.directory.appendingPathComponent("assert.star"), to: dir.appendingPathComponent("assert.star"))
            try fm.copyItem(at: StarlarkCorpus.directory.appendingPathComponent("load"), to: dir.appendingPathComponent("load"))
            let file = dir.appendingPathComponent(chunk.file)
            try chunk.paddedSource.write(to: file, atomically: true, encoding: .utf8)
            var args = ["starlark", "--test"]
            for o in chunk.options { args += ["--enable", o] }
            // Run from the directory with a relative path, so messages name the
            // file as go.starlark.net's would ("list.star:3:1: ...").
            args.append(file.lastPathComponent)
            let r = try ProcessRunner.run(ProcessRunner.openrun, args, in: dir, timeout: 20)
            return check(chunk, r)
        } catch {
            return ["\(chunk): could not run: \(error)"]
        }
    }

    /// Compares one run with the chunk's `###` expectations; returns the problems found.
    static func check(_ chunk: StarlarkCorpus.Chunk, _ r: ProcessRunner.Result) -> [String] {
        var problems: [String] = []
        let transcript = "\n--- stderr ---\n\(r.stderr)--------------"
        if r.timedOut {
            problems.append("\(chunk): timed out (killed)\(transcript)")
        } else if r.signaled {
            problems.append("\(chunk): openrun crashed (signal \(r.status))\(transcript)")
        }
        var errors: [(line: Int, message: String)] = []
        var elsewhere: [String] = []
        for raw in r.stderr.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = String(raw)
            // Skip backtrace frames written without indentation ("f.star:3:1: in g").
            guard let loc = parseLocated(line), !isFrame(loc.message) else { continue }
            if (loc.path as NSString).lastPathComponent == chunk.file {
                errors.append((loc.line, loc.message))
            } else {
                elsewhere.append(line)
            }
        }
        var hit = Set<Int>()
        for e in errors {
            guard let pattern = chunk.want[e.line] else {
                problems.append("\(chunk.file):\(e.line): unexpected error: \(e.message)\(transcript)")
                continue
            }
            guard let re = try? NSRegularExpression(pattern: pattern) else {
                problems.append("\(chunk.file):\(e.line): invalid regex \(pattern)")
                continue
            }
            if re.firstMatch(in: e.message, range: NSRange(e.message.startIndex..., in: e.message)) != nil {
                hit.insert(e.line)
            } else {
                problems.append("\(chunk.file):\(e.line): error \"\(e.message)\" does not match \"\(pattern)\"")
            }
        }
        for line in chunk.want.keys.sorted() where !hit.contains(line) && !errors.contains(where: { $0.line == line }) {
            problems.append("\(chunk.file):\(line): expected error matching \"\(chunk.want[line]!)\" did not occur\(transcript)")
        }
        for line in elsewhere {
            problems.append("\(chunk): failure reported outside the chunk: \(line)\(transcript)")
        }
        if r.status != 0 && errors.isEmpty && elsewhere.isEmpty && !r.signaled && !r.timedOut {
            problems.append("\(chunk): exit status \(r.status) without a located error\(transcript)")
        }
        return problems
    }

    /// A backtrace frame's text: `in NAME` (one word after "in").
    static func isFrame(_ message: String) -> Bool {
        message.hasPrefix("in ") && !message.dropFirst(3).contains(" ")
    }

    /// Parses `path:line:col: message` (path not starting with blank space).
    static func parseLocated(_ line: String) -> (path: String, line: Int, message: String)? {
        guard let first = line.first, !first.isWhitespace else { return nil }
        let parts = line.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
        // Paths may contain ':' in theory; the corpus' temporary paths do not.
        guard parts.count == 4, let ln = Int(parts[1]), Int(parts[2]) != nil, parts[3].hasPrefix(" ") else { return nil }
        return (String(parts[0]), ln, String(parts[3].dropFirst()))
    }
}
