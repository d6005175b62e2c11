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

    /// The file the dynamic loader would load for `soname` (from `ldconfig -p`).
    static func libraryFile(_ soname: String) throws -> String {
        let r = try Processes.run("/sbin/ldconfig", ["-p"])
        let line = r.stdout.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(soname + " ") }
        return try #require(line.flatMap { $0.components(separatedBy: " => ").last }, "\(soname) not in ldconfig -p")
    }

    /// Runs openrun with `file` made unloadable (an empty file bound over it, in a mount namespace of
    /// its own: `unshare -rm`, no privileges needed).
    static func runWithout(_ file: String, _ args: [String], directory: String) throws -> OpenrunBinary.Result {
        let script = #"mount --bind /dev/null "$1" && shift && exec "$@""#
        let r = try Processes.run("/usr/bin/unshare", ["-rm", "/bin/sh", "-c", script, "sh", file, OpenrunBinary.url.path] + args,
                                  directory: directory)
        return OpenrunBinary.Result(status: r.status, stdout: r.stdout, stderr: r.stderr)
    }

    @Test("libgit2 and libarchive are loaded on first use: without them a git source or an archive is a clear error (exit 1) and a folder still builds")
    func sourceLibrariesMissing() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let dist = try Processes.temporaryFolder("openrun-no-libs")
        defer { try? FileManager.default.removeItem(atPath: dist) }
        let git2 = try Self.libraryFile("libgit2.so.1.5"), archive = try Self.libraryFile("libarchive.so.13")

        let version = try Self.runWithout(git2, ["--version"], directory: root)
        #expect(version.status == 0, "\(version.stderr)")
        #expect(version.stdout.contains("libgit2 not loadable: "), "\(version.stdout)")

        let git = try Self.runWithout(git2, ["build", "https://example.invalid/org/app.git", "/app", "--spec", "proxy",
                                             "--param", "url=http://127.0.0.1:9", "-o", dist + "/git"], directory: root)
        #expect(git.status == 1, "\(git.stderr)")
        #expect(git.stderr.contains("cannot read a git source: libgit2 could not be loaded ("), "\(git.stderr)")
        #expect(git.stderr.contains("apt install libgit2-1.5"), "\(git.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dist + "/git"))

        let tarball = dist + "/app.tar.gz"
        let tar = try Processes.run("/bin/tar", ["-czf", tarball, "-C", root + "/examples", "hello-flask"])
        try #require(tar.status == 0, "\(tar.stderr)")
        let arch = try Self.runWithout(archive, ["build", tarball, "/app", "--spec", "python-flask", "-o", dist + "/archive"],
                                       directory: root)
        #expect(arch.status == 1, "\(arch.stderr)")
        #expect(arch.stderr.contains("cannot read an archive: libarchive could not be loaded ("), "\(arch.stderr)")

        let folder = try Self.runWithout(git2, ["build", "examples/hello-flask", "/app", "--spec", "python-flask",
                                                "-o", dist + "/folder"], directory: root)
        #expect(folder.status == 0, "\(folder.stderr)")
        #expect(FileManager.default.fileExists(atPath: dist + "/folder"))
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
