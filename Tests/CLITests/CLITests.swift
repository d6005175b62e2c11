import Foundation
import Testing

/// Runs the built `openrun` binary as a user would.
enum OpenrunBinary {
    static var url: URL {
        // Tests/CLITests/CLITests.swift -> package root -> .build/debug/openrun
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let candidates = ProcessInfo.processInfo.environment["OPENRUN_BIN"].map { [URL(fileURLWithPath: $0)] } ?? []
        for c in candidates + [root.appendingPathComponent(".build/debug/openrun")] where FileManager.default.isExecutableFile(atPath: c.path) {
            return c
        }
        return root.appendingPathComponent(".build/debug/openrun")
    }

    struct Result { var status: Int32; var stdout: String; var stderr: String }

    static func run(_ args: [String]) throws -> Result {
        let p = Process()
        p.executableURL = url
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
    }
}

@Suite("CLI")
struct CLITests {
    @Test("--help lists every subcommand")
    func helpListsSubcommands() throws {
        let r = try OpenrunBinary.run(["--help"])
        #expect(r.status == 0)
        for sub in ["build", "run", "apply", "spec", "inspect", "starlark"] {
            #expect(r.stdout.contains("  \(sub)"), "missing \(sub) in help:\n\(r.stdout)")
        }
    }

    @Test("--version names openrun and the C libraries")
    func version() throws {
        let r = try OpenrunBinary.run(["--version"])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("openrun "))
        #expect(r.stdout.contains("libgit2 1."))
        #expect(r.stdout.contains("libarchive 3."))
    }

    @Test("completion scripts are generated for bash, zsh and fish", arguments: ["bash", "zsh", "fish"])
    func completions(shell: String) throws {
        let r = try OpenrunBinary.run(["--generate-completion-script", shell])
        #expect(r.status == 0)
        #expect(r.stdout.contains("openrun"))
        #expect(r.stdout.contains("starlark"))
    }

    @Test("an unknown flag is a usage error, not a crash")
    func usageError() throws {
        let r = try OpenrunBinary.run(["build", "--no-such-flag", "x"])
        #expect(r.status == 64)
        #expect(r.stderr.contains("no-such-flag"))
    }
}
