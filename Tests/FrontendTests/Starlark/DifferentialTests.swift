import Foundation
import Testing

/// Differential tests: several hundred generated programs (arithmetic with big
/// ints, float formatting and parsing, string methods and formatting,
/// list/dict/tuple code and random mutation sequences, loops with break/continue,
/// functions, closures, recursion, and runtime errors) run in openrun and in
/// the reference implementations. openrun must print the same lines and
/// succeed or fail like go.starlark.net; where starlark-rust differs from Go
/// it is reported, not failed.
///
/// The programs and the reference results come from
/// `Tests/Fixtures/starlark-differential/driver.py` (deterministic for a
/// seed; both references run batched in that one Python process).
@Suite("Starlark differential")
struct DifferentialTests {
    static let count = 480
    static let seed = 1

    /// One program's result in one implementation.
    struct Outcome: Codable, Sendable {
        var ok: Bool
        var out: [String]
        var error: String?
        /// The failing line (Go: innermost frame in the program; openrun: the first `file:line:col:` of stderr).
        var line: Int?
        /// Go only: the line of the frame that called the failing one.
        var caller_line: Int?
    }

    struct Program: Codable, Sendable {
        var name: String
        var kind: String
        var go: Outcome
        var rust: Outcome
    }

    struct Expected: Codable, Sendable {
        var seed: Int
        var programs: [Program]
    }

    /// The generated corpus, with openrun's outcome (and stderr) for each program.
    struct Run: Sendable {
        var programs: [Program]
        var openrun: [Outcome]
        var stderr: [String]
        var directory: URL
    }

    static var driver: URL {
        StarlarkCorpus.packageRoot.appendingPathComponent("Tests/Fixtures/starlark-differential/driver.py")
    }

    /// Generates the programs and runs them everywhere, once per test process.
    static let shared = Task<Run, any Error> {
        let python = try #require(ProcessRunner.python, "no Python with starlark-go/starlark-pyo3: set OPENRUN_PYTHON or run dev/setup (creates .venv)")
        // A fixed place (overwritten each run) so failing programs can be rerun by hand.
        let dir = StarlarkCorpus.packageRoot.appendingPathComponent(".build/starlark-differential")
        try? FileManager.default.removeItem(at: dir)
        let g = try ProcessRunner.run(python, [driver.path, "generate", dir.path, "--count", "\(count)", "--seed", "\(seed)"], timeout: 300)
        guard g.status == 0 else {
            throw DriverFailed(message: "driver.py failed (\(g.status)):\n\(g.stdout)\(g.stderr)")
        }
        let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: dir.appendingPathComponent("expected.json")))
        let bin = ProcessRunner.openrun
        guard FileManager.default.isExecutableFile(atPath: bin.path) else {
            throw DriverFailed(message: "openrun binary missing at \(bin.path); run `swift build --build-tests` first")
        }
        let programs = expected.programs
        let results = await withTaskGroup(of: (Int, Outcome, String).self) { group in
            var results = [(Outcome, String)](repeating: (Outcome(ok: false, out: [], error: nil, line: nil, caller_line: nil), ""), count: programs.count)
            var next = 0
            func add() {
                let i = next
                let file = dir.appendingPathComponent(programs[i].name + ".star")
                group.addTask {
                    await withCheckedContinuation { (k: CheckedContinuation<(Int, Outcome, String), Never>) in
                        DispatchQueue.global().async {
                            do {
                                let r = try ProcessRunner.run(bin, ["starlark", "--enable", "recursion", file.path], timeout: 60)
                                var lines = r.stdout.components(separatedBy: "\n")
                                if lines.last == "" { lines.removeLast() }
                                let note = r.signaled ? " (crashed)" : r.timedOut ? " (timed out)" : ""
                                let first = r.stderr.split(separator: "\n").first.map(String.init) ?? ""
                                let line = ChunkedFileTests.parseLocated(first)?.line
                                k.resume(returning: (i, Outcome(ok: r.status == 0 && !r.signaled, out: lines, error: r.stderr.isEmpty ? nil : r.stderr + note, line: line, caller_line: nil), r.stderr + note))
                            } catch {
                                k.resume(returning: (i, Outcome(ok: false, out: [], error: "\(error)", line: nil, caller_line: nil), "\(error)"))
                            }
                        }
                    }
                }
                next += 1
            }
            while next < min(3, programs.count) { add() }
            while let (i, o, e) = await group.next() {
                results[i] = (o, e)
                if next < programs.count { add() }
            }
            return results
        }
        return Run(programs: programs, openrun: results.map(\.0), stderr: results.map(\.1), directory: dir)
    }

    struct DriverFailed: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    static func source(_ run: Run, _ p: Program) -> String {
        (try? String(contentsOf: run.directory.appendingPathComponent(p.name + ".star"), encoding: .utf8)) ?? "?"
    }

    @Test("openrun prints the same lines and succeeds or fails like go.starlark.net on every generated program")
    func matchesGo() async throws {
        let run = try await Self.shared.value
        #expect(run.programs.count == Self.count)
        var mismatches = 0
        for (p, o) in zip(run.programs, run.openrun) where p.go.ok != o.ok || p.go.out != o.out {
            mismatches += 1
            if mismatches <= 20 {
                Issue.record("""
                    \(p.name) (\(p.kind)): go \(p.go.ok ? "succeeded" : "failed: \(p.go.error ?? "")"), openrun \(o.ok ? "succeeded" : "failed")
                    go printed:      \(p.go.out)
                    openrun printed: \(o.out)
                    openrun stderr:  \(o.error ?? "")
                    program (\(run.directory.path)/\(p.name).star):
                    \(Self.source(run, p))
                    """)
            }
        }
        #expect(mismatches == 0, "\(mismatches) of \(run.programs.count) programs differ from go.starlark.net (first 20 shown)")
    }

    @Test("when a program fails, openrun's message contains go.starlark.net's wording")
    func errorWording() async throws {
        let run = try await Self.shared.value
        var failures = 0, different = 0
        for (p, o) in zip(run.programs, run.openrun) where !p.go.ok && !o.ok {
            failures += 1
            let want = p.go.error ?? ""
            if !(o.error ?? "").contains(want) {
                different += 1
                if different <= 10 {
                    Issue.record("\(p.name): go says \"\(want)\"; openrun says:\n\(o.error ?? "")")
                }
            }
        }
        #expect(failures > 0, "no program failed in both go and openrun")
        #expect(different == 0, "\(different) of \(failures) error messages differ from go.starlark.net's")
    }

    @Test("when a program fails, openrun reports the error on the same line as go.starlark.net")
    func errorLines() async throws {
        let run = try await Self.shared.value
        var failures = 0, different = 0
        for (p, o) in zip(run.programs, run.openrun) where !p.go.ok && !o.ok {
            guard let want = p.go.line else { continue }
            failures += 1
            // go.starlark.net reports argument-binding errors inside the callee
            // (at its first instruction); the call site, its caller frame, is fine too.
            let binding = (p.go.error ?? "").hasPrefix("function ") && p.go.caller_line != nil
            if o.line != want && !(binding && o.line == p.go.caller_line) {
                different += 1
                if different <= 10 {
                    Issue.record("\(p.name): go fails at line \(want) (\(p.go.error ?? "")); openrun at line \(o.line.map(String.init) ?? "?"):\n\(o.error ?? "")")
                }
            }
        }
        #expect(failures > 0, "no program failed in both go and openrun")
        #expect(different == 0, "\(different) of \(failures) failures are reported on another line than go.starlark.net's")
    }

    @Test("differences between starlark-rust and go.starlark.net are reported (the rust harness works)")
    func rustDifferences() async throws {
        let run = try await Self.shared.value
        let differ = run.programs.filter { $0.go.ok != $0.rust.ok || $0.go.out != $0.rust.out }
        var byKind: [String: Int] = [:]
        for p in differ { byKind[p.kind, default: 0] += 1 }
        var report = "starlark-rust differs from go.starlark.net on \(differ.count) of \(run.programs.count) programs: "
        report += byKind.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        for p in differ.prefix(8) {
            let line = zip(p.go.out, p.rust.out).first { $0 != $1 }
            report += "\n  \(p.name): " + (line.map { "go \($0.0) | rust \($0.1)" } ?? "go ok=\(p.go.ok) rust ok=\(p.rust.ok) \(p.rust.error?.prefix(80) ?? "")")
        }
        print(report)
        // Sanity: the rust side really ran (it agrees with Go on most programs).
        #expect(run.programs.filter { $0.rust.ok }.count > run.programs.count / 3, "\(report)")
        #expect(differ.count < run.programs.count / 2, "\(report)")
    }

    @Test("the program generator is deterministic and covers every kind and both outcomes")
    func generatorIsDeterministic() throws {
        let python = try #require(ProcessRunner.python, "no Python: set OPENRUN_PYTHON or run dev/setup")
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("openrun-gen-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: base) }
        var texts: [String] = []
        for run in ["a", "b"] {
            let dir = base.appendingPathComponent(run)
            let r = try ProcessRunner.run(python, [Self.driver.path, "generate", dir.path, "--count", "32", "--seed", "7"], timeout: 120)
            #expect(r.status == 0, "\(r.stderr)")
            let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".star") }.sorted()
            #expect(names.count == 32)
            texts.append(try names.map { try String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8) }.joined(separator: "\u{0}"))
            let expected = try JSONDecoder().decode(Expected.self, from: Data(contentsOf: dir.appendingPathComponent("expected.json")))
            #expect(Set(expected.programs.map(\.kind)) == ["arithmetic", "strings", "collections", "functions", "floats", "control", "mutations", "errors"])
            #expect(expected.programs.contains { $0.go.ok } && expected.programs.contains { !$0.go.ok })
        }
        #expect(texts[0] == texts[1])
    }
}
