import Foundation
import IR
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
        let r = try Processes.run(url.path, args)
        return Result(status: r.status, stdout: r.stdout, stderr: r.stderr)
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

@Suite("CLI: inspect ir and spec")
struct InspectIRCLITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    func run(_ args: [String]) throws -> OpenrunBinary.Result {
        let cwd = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(Self.root)
        defer { FileManager.default.changeCurrentDirectoryPath(cwd) }
        return try OpenrunBinary.run(args)
    }

    @Test("inspect ir prints the IR as JSON on stdout, exit 0")
    func inspectIR() throws {
        let r = try run(["inspect", "ir", "examples/hello-flask", "/hello", "--spec", "python-flask"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(json?["schemaVersion"] as? Int == AppIR.currentSchemaVersion)
        #expect((json?["identity"] as? [String: Any])?["slug"] as? String == "hello")
        // Same inputs, same bytes.
        #expect(try run(["inspect", "ir", "examples/hello-flask", "/hello", "--spec", "python-flask"]).stdout == r.stdout)
    }

    @Test("bad input: located diagnostics on stderr, nothing on stdout, exit 1")
    func inspectIRErrors() throws {
        let r = try run(["inspect", "ir", "-", "/x", "--spec", "image", "--param", "port=eighty", "--copt", "cpus=lots"])
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("--copt cpus=lots: error: cpus must be a number of cores"))
        #expect(r.stderr.contains("--param port=eighty: error: param \"port\" is INT, but \"eighty\" is not a decimal integer [params.type-mismatch]"))
        #expect(r.stderr.contains("spec:params.star:2:6: error: param \"image\" is a required param, a value has to be provided [params.missing-required]"))
    }

    @Test("spec list names every bundled spec with its params; spec show prints one")
    func specListShow() throws {
        let list = try run(["spec", "list"])
        #expect(list.status == 0, "\(list.stderr)")
        for name in ["python-streamlit", "image", "proxy", "static_single", "go"] {
            #expect(list.stdout.contains("\n\(name)\n") || list.stdout.hasPrefix("\(name)\n"), "\(name)")
        }
        #expect(list.stdout.contains("required: image (STRING), port (INT)"))
        let show = try run(["spec", "show", "python-streamlit", "--files"])
        #expect(show.status == 0)
        #expect(show.stdout.contains("==> Containerfile <=="))
        #expect(show.stdout.contains("app_file STRING, default \"streamlit_app.py\""))
        let unknown = try run(["spec", "show", "nope"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("unknown spec \"nope\""))
    }
}
