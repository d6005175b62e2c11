import Foundation
@testable import Frontend
import IR
import Testing

@Suite("Build context overlay")
struct BuildContextTests {
    static func make(_ dir: TemporaryFolder) throws {
        try dir.write("src/Containerfile", "FROM source\n")
        try dir.write("src/main.py", "print()\n")
        try dir.write("src/run.sh", "#!/bin/sh\n", mode: 0o755)
        try dir.write("src/static", "a file where the spec has a folder\n")
        try dir.write("src/conf/app.ini", "x\n")
        try dir.symlink("src/current", to: "conf/app.ini")
        try dir.write("src/.git/HEAD", "ref\n")
        try dir.write("spec/Containerfile", "FROM spec\n")
        try dir.write("spec/app.star", "spec app\n")
        try dir.write("spec/static/index.html", "hidden by the source's file\n")
        try dir.write("spec/conf", "a file where the source has a folder\n")
        try dir.write("spec/entry.sh", "#!/bin/sh\n", mode: 0o755)
    }

    @Test("spec files are laid over the source; the source's own file wins")
    func overlay() throws {
        let dir = try TemporaryFolder("context")
        defer { dir.remove() }
        try Self.make(dir)
        let ctx = try BuildContext(source: dir.path + "/src", spec: dir.path + "/spec")
        #expect(ctx.entries.map(\.file.path) == ["Containerfile", "app.star", "conf/app.ini", "current", "entry.sh", "main.py", "run.sh", "static"])
        #expect(ctx.entries.map(\.origin) == [.source, .spec, .source, .source, .spec, .source, .source, .source])
        #expect(try ctx.readText("Containerfile") == "FROM source\n")
        #expect(try ctx.readText("app.star") == "spec app\n")
        #expect(try ctx.readText("current") == "x\n", "links inside the context are followed")
        #expect(try ctx.readText("missing") == nil)
        #expect(ctx.origin(of: "app.star") == .spec)
        #expect(ctx.origin(of: "Containerfile") == .source)
        #expect(ctx.origin(of: "static/index.html") == nil)
        #expect(ctx.displayPath(of: "app.star") == "spec:app.star")
        #expect(ctx.displayPath(of: "main.py") == "main.py")
    }

    @Test("either side may be missing")
    func oneSided() throws {
        let dir = try TemporaryFolder("context")
        defer { dir.remove() }
        try Self.make(dir)
        let specOnly = try BuildContext(source: nil, spec: dir.path + "/spec")
        #expect(specOnly.entries.allSatisfy { $0.origin == .spec })
        #expect(try specOnly.readText("Containerfile") == "FROM spec\n")
        let none = try BuildContext(source: nil, spec: nil)
        #expect(none.entries.isEmpty)
        #expect(try none.digest() == ContentDigest.digest([]))
    }

    @Test("materializing copies files with their execute bits and keeps inside links")
    func materialize() throws {
        let dir = try TemporaryFolder("context")
        defer { dir.remove() }
        try Self.make(dir)
        try dir.mkdir("stage")
        let ctx = try BuildContext(source: dir.path + "/src", spec: dir.path + "/spec")
        try ctx.materialize(into: dir.path + "/stage")
        #expect(try dir.read("stage/Containerfile") == "FROM source\n")
        #expect(try dir.read("stage/app.star") == "spec app\n")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir.path + "/stage/current") == "conf/app.ini")
        for (p, x) in [("stage/run.sh", true), ("stage/entry.sh", true), ("stage/main.py", false)] {
            let perms = try FileManager.default.attributesOfItem(atPath: dir.path + "/" + p)[.posixPermissions] as? Int
            #expect(((perms ?? 0) & 0o111 != 0) == x, "\(p)")
        }
        #expect(!dir.exists("stage/.git"))
        // The staged folder lists (and digests) exactly like the context.
        #expect(try SourceListing.walk(dir.path + "/stage", ignore: nil).digest() == ContentDigest.digest(ctx.entries.map(\.file)))
    }

    @Test("a source symlink that escapes the source is refused and nothing is staged", arguments: ["/etc/passwd", "../../outside", "conf/../.."])
    func escapingLink(_ target: String) throws {
        let dir = try TemporaryFolder("context")
        defer { dir.remove() }
        try Self.make(dir)
        try dir.symlink("src/escape", to: target)
        try dir.mkdir("stage")
        let ctx = try BuildContext(source: dir.path + "/src", spec: dir.path + "/spec")
        let found = diagnostics { try ctx.materialize(into: dir.path + "/stage") }
        #expect(found.map(\.id) == ["sources.symlink-escapes"])
        #expect(found.first?.location == .file("escape"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path + "/stage").isEmpty)
        #expect(try ctx.readText("escape") == nil, "reading never leaves the context")
    }

    @Test("the context digest honours the merged .dockerignore")
    func digest() throws {
        let dir = try TemporaryFolder("context")
        defer { dir.remove() }
        try Self.make(dir)
        let plain = try BuildContext(source: dir.path + "/src", spec: dir.path + "/spec").digest()
        try dir.write("spec/.dockerignore", "*.py\n")
        let ignoring = try BuildContext(source: dir.path + "/src", spec: dir.path + "/spec")
        let d1 = try ignoring.digest()
        #expect(d1 != plain)
        try dir.write("src/main.py", "print('changed')\n")
        #expect(try BuildContext(source: dir.path + "/src", spec: dir.path + "/spec").digest() == d1, "ignored file changed")
        try dir.write("src/run.sh", "#!/bin/sh\necho\n", mode: 0o755)
        #expect(try BuildContext(source: dir.path + "/src", spec: dir.path + "/spec").digest() != d1)
        try dir.write("src/.dockerignore", "[\n")
        let found = diagnostics { _ = try BuildContext(source: dir.path + "/src", spec: dir.path + "/spec").digest() }
        #expect(found.map(\.id) == ["sources.dockerignore-bad-pattern"])
    }
}
