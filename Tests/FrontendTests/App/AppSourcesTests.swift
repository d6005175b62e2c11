@testable import Frontend
import Foundation
import IR
import Testing

/// The whole frontend over real sources: a git repository and archives made by the test.
@Suite("Compiling apps from git and archive sources")
struct AppSourcesTests {
    static func sh(_ script: String, in dir: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", script]
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        p.environment = ["PATH": "/usr/bin:/bin", "HOME": dir, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e",
                         "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e", "GIT_CONFIG_NOSYSTEM": "1"]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(script)")
    }

    static func tempDir() throws -> String {
        let d = NSTemporaryDirectory() + "openrun-appsrc-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }

    func compile(_ source: String, in dir: String, branch: String? = nil, commit: String? = nil) -> (AppCompiler.Compiled?, Diagnostics) {
        let diags = Diagnostics()
        var r = AppCompiler.Request(source: source, workingDirectory: dir, environment: ["HOME": dir, "OPENRUN_CACHE_DIR": dir + "/cache"])
        r.appPath = "/app"
        r.spec = "python-streamlit"
        r.branch = branch
        r.commit = commit
        return (AppCompiler.compile(r, into: diags), diags)
    }

    @Test("a git sub-folder on a branch and at a commit: the IR records both and the content digest follows the files")
    func gitSource() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.sh("""
        git init -q -b main repo && cd repo && mkdir -p apps/st && \
        printf 'import streamlit as st\\nst.write("v1")\\n' > apps/st/streamlit_app.py && echo streamlit > apps/st/requirements.txt && \
        git add -A && git commit -qm v1 && git rev-parse HEAD > ../v1 && \
        git checkout -q -b feature && printf 'import streamlit as st\\nst.write("v2")\\n' > apps/st/streamlit_app.py && \
        git commit -qam v2 && git checkout -q main
        """, in: dir)
        let v1 = try String(contentsOfFile: dir + "/v1", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let url = "file://\(dir)/repo//apps/st"

        let (main, d1) = compile(url, in: dir)
        let m = try #require(main, "\(d1.rendered)")
        defer { m.cleanup() }
        #expect(m.ir.source.kind == .git)
        #expect(m.ir.source.subdirectory == "apps/st")
        #expect(m.ir.source.resolvedCommit == v1)

        let (feature, d2) = compile(url, in: dir, branch: "feature")
        let f = try #require(feature, "\(d2.rendered)")
        defer { f.cleanup() }
        #expect(f.ir.source.branch == "feature")
        #expect(f.ir.source.resolvedCommit != v1)
        #expect(f.ir.source.digest != m.ir.source.digest)
        #expect(f.ir.image?.reference != m.ir.image?.reference)

        let (pinned, d3) = compile(url, in: dir, commit: v1)
        let p = try #require(pinned, "\(d3.rendered)")
        defer { p.cleanup() }
        #expect(p.ir.source.resolvedCommit == v1)
        #expect(p.ir.source.digest == m.ir.source.digest)
        #expect(p.ir.image?.reference == m.ir.image?.reference)

        let (_, d4) = compile("file://\(dir)/repo//no/such/folder", in: dir)
        #expect(d4.hasErrors)
    }

    @Test("a .tar.gz archive compiles like the folder it came from; a traversal archive is refused")
    func archiveSource() throws {
        let dir = try Self.tempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.sh("""
        mkdir -p app && printf 'import streamlit as st\\n' > app/streamlit_app.py && echo streamlit > app/requirements.txt && \
        tar -czf app.tar.gz app && mkdir -p evil/x && echo pwned > evil/pwned && \
        tar -czf evil.tar.gz --absolute-names evil/x/../pwned app
        """, in: dir)
        let (fromFolder, d1) = compile("app", in: dir)
        let (fromArchive, d2) = compile("app.tar.gz", in: dir)
        let a = try #require(fromFolder, "\(d1.rendered)")
        let b = try #require(fromArchive, "\(d2.rendered)")
        defer { a.cleanup(); b.cleanup() }
        #expect(b.ir.source.kind == .archive)
        #expect(a.ir.source.digest == b.ir.source.digest)
        #expect(a.ir.image?.reference == b.ir.image?.reference)

        let (evil, d3) = compile("evil.tar.gz", in: dir)
        #expect(evil == nil)
        #expect(d3.errors.count == 1)
        #expect(!FileManager.default.fileExists(atPath: dir + "/pwned"))
    }
}
