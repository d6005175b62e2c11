import Foundation
import Testing

/// The `openrun starlark` CLI contract of issue 3, through the built binary:
/// print to stdout, `file:line:col: message` plus a backtrace on stderr and
/// exit 1 on error, `load()` relative to the loading file, `--enable`, `--test`.
@Suite("Starlark CLI contract")
struct CLIContractTests {
    /// Writes `files` (relative path → text) into a fresh directory and runs `openrun starlark args` there.
    static func run(_ files: [String: String], _ args: [String]) throws -> ProcessRunner.Result {
        let bin = ProcessRunner.openrun
        try #require(FileManager.default.isExecutableFile(atPath: bin.path), "openrun binary missing at \(bin.path)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("openrun-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (path, text) in files {
            let url = dir.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return try ProcessRunner.run(bin, ["starlark"] + args, in: dir, timeout: 60)
    }

    @Test("print goes to stdout in order and a clean run exits 0")
    func printToStdout() throws {
        let r = try Self.run(["p.star": "print(\"a\", 1)\nprint([1, \"x\"], None)\nprint()\n"], ["p.star"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "a 1\n[1, \"x\"] None\n\n")
        #expect(r.stderr.isEmpty)
    }

    @Test("a runtime error prints file:line:col: message and a backtrace with every frame, then exits 1")
    func runtimeErrorWithBacktrace() throws {
        let src = """
            def inner(x):
                return 1 // x
            def outer():
                return inner(0)
            print("before")
            outer()
            print("after")

            """
        let r = try Self.run(["e.star": src], ["e.star"])
        #expect(r.status == 1)
        #expect(r.stdout == "before\n")
        let lines = r.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first == "e.star:2:14: floored division by zero", "\(r.stderr)")
        // Go-style traceback: outermost first, one line per frame.
        let frames = lines.filter { $0.hasPrefix("  e.star:") }
        #expect(frames.count == 3, "\(r.stderr)")
        #expect(frames.first?.hasSuffix("in <toplevel>") == true, "\(r.stderr)")
        #expect(frames.contains { $0.hasPrefix("  e.star:6:") && $0.hasSuffix("in <toplevel>") }, "\(r.stderr)")
        #expect(frames.contains { $0.hasPrefix("  e.star:4:") && $0.hasSuffix("in outer") }, "\(r.stderr)")
        #expect(frames.last.map { $0.hasPrefix("  e.star:2:") && $0.hasSuffix("in inner") } == true, "\(r.stderr)")
    }

    @Test("syntax and resolve errors are located and nothing runs")
    func staticErrors() throws {
        let s = try Self.run(["s.star": "print(1)\nx = (\n"], ["s.star"])
        #expect(s.status == 1)
        #expect(s.stdout.isEmpty)
        #expect(s.stderr.hasPrefix("s.star:3:1: "), "\(s.stderr)")
        let r = try Self.run(["r.star": "print(1)\nx = nope\ny = nada\n"], ["r.star"])
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("r.star:2:5: undefined: nope"), "\(r.stderr)")
        #expect(r.stderr.contains("r.star:3:5: undefined: nada"), "\(r.stderr)")
    }

    @Test("load() resolves paths relative to the loading file, not the working directory")
    func loadIsRelativeToTheLoadingFile() throws {
        let files = [
            "app/main.star": "load(\"lib/util.star\", \"twice\")\nprint(twice(21))\n",
            "app/lib/util.star": "load(\"consts.star\", \"ONE\")\ndef twice(x):\n    return x * 2 * ONE\n",
            "app/lib/consts.star": "ONE = 1\n",
        ]
        let r = try Self.run(files, ["app/main.star"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "42\n")
    }

    @Test("--enable turns on dialect features; an unknown feature is a usage error, not a crash")
    func enableFeatures() throws {
        let src = "def f(n):\n    i = 0\n    while i < n:\n        i += 1\n    return i\nprint(f(3))\n"
        let off = try Self.run(["w.star": src], ["w.star"])
        #expect(off.status == 1)
        #expect(off.stderr.contains("w.star:3:5: "), "\(off.stderr)")
        let on = try Self.run(["w.star": src], ["--enable", "while", "w.star"])
        #expect(on.status == 0, "\(on.stderr)")
        #expect(on.stdout == "3\n")
        let all = try Self.run(["w.star": "x = set([1])\nx = 2\nif x:\n    print(x)\n"], ["--enable", "set", "--enable", "globalreassign", "--enable", "toplevelcontrol", "w.star"])
        #expect(all.status == 0, "\(all.stderr)")
        let bad = try Self.run(["w.star": src], ["--enable", "goto", "w.star"])
        #expect(!bad.signaled)
        #expect(bad.status != 0 && bad.status != 1, "usage errors are not evaluation failures: \(bad.status)")
        #expect(bad.stderr.contains("goto"), "\(bad.stderr)")
    }

    @Test("the --test helpers exist only with --test; error() keeps going and fails the run at the end")
    func testHelpers() throws {
        let without = try Self.run(["t.star": "x = catch(lambda: 1)\n"], ["t.star"])
        #expect(without.status == 1)
        #expect(without.stderr.contains("undefined: catch"), "\(without.stderr)")
        let src = "error(\"one\")\nprint(\"still running\")\nerror(\"two\")\nprint(catch(lambda: 1 // 0))\n"
        let with = try Self.run(["t.star": src], ["--test", "t.star"])
        #expect(with.status == 1)
        #expect(with.stdout == "still running\nfloored division by zero\n")
        #expect(with.stderr.contains("t.star:1:6: one"), "\(with.stderr)")
        #expect(with.stderr.contains("t.star:3:6: two"), "\(with.stderr)")
    }

    @Test("a missing file is reported, not a crash")
    func missingFile() throws {
        let r = try Self.run([:], ["nope.star"])
        #expect(r.status == 1)
        #expect(!r.signaled)
        #expect(r.stderr.contains("nope.star"), "\(r.stderr)")
    }
}
