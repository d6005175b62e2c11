import Foundation
@testable import Frontend
import IR
import Testing

@Suite("Archives")
struct ArchiveExtractorTests {
    /// A source tree with an executable, a nested file and an inside symlink.
    static func makeTree(_ dir: TemporaryFolder, under base: String) throws {
        try dir.write(base + "/app.star", "app = ace.app('x')\n")
        try dir.write(base + "/bin/run.sh", "#!/bin/sh\necho hi\n", mode: 0o755)
        try dir.write(base + "/static/index.html", "<h1>hi</h1>\n")
        try dir.symlink(base + "/index.html", to: "static/index.html")
    }

    func extract(_ archive: String, tempRoot: String) throws -> ArchiveExtractor.Extracted {
        try ArchiveExtractor(temporaryRoot: tempRoot, location: .flag("source", archive)).extract(archive)
    }

    static func checkTree(_ root: String) throws {
        #expect(try String(contentsOfFile: root + "/app.star", encoding: .utf8) == "app = ace.app('x')\n")
        let attrs = try FileManager.default.attributesOfItem(atPath: root + "/bin/run.sh")
        #expect(((attrs[.posixPermissions] as? Int) ?? 0) & 0o111 != 0, "executable bit kept")
        let plain = try FileManager.default.attributesOfItem(atPath: root + "/app.star")
        #expect(((plain[.posixPermissions] as? Int) ?? 0) & 0o111 == 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: root + "/index.html") == "static/index.html")
    }

    @Test("tar, tar.gz, tgz and zip made by the tar and zip tools", arguments: ["app.tar", "app.tar.gz", "app.tgz", "app.zip"])
    func realArchives(_ name: String) throws {
        let dir = try TemporaryFolder("archive")
        defer { dir.remove() }
        try Self.makeTree(dir, under: "src")
        try dir.mkdir("out")
        let archive = dir.path + "/" + name
        switch name {
        case "app.tar": try run(["tar", "cf", archive, "-C", dir.path + "/src", "."], in: dir.path)
        case "app.zip": try run(["zip", "-q", "-r", "-y", archive, "."], in: dir.path + "/src")
        default: try run(["tar", "czf", archive, "-C", dir.path + "/src", "."], in: dir.path)
        }
        let extracted = try extract(archive, tempRoot: dir.path + "/out")
        defer { FileIO.removeTree(extracted.folder) }
        #expect(extracted.root == extracted.folder, "several top-level entries: the folder itself is the root")
        try Self.checkTree(extracted.root)
        // The digest of the extracted tree equals the digest of the original folder.
        #expect(try SourceListing.walk(extracted.root).digest() == SourceListing.walk(dir.path + "/src").digest())
    }

    @Test("a single top-level folder becomes the root", arguments: ["tar.gz", "zip"])
    func singleTopFolder(_ ext: String) throws {
        let dir = try TemporaryFolder("archive")
        defer { dir.remove() }
        try Self.makeTree(dir, under: "myapp-1.0")
        try dir.mkdir("out")
        let archive = dir.path + "/a." + ext
        if ext == "zip" {
            try run(["zip", "-q", "-r", "-y", archive, "myapp-1.0"], in: dir.path)
        } else {
            try run(["tar", "czf", archive, "myapp-1.0"], in: dir.path)
        }
        let extracted = try extract(archive, tempRoot: dir.path + "/out")
        defer { FileIO.removeTree(extracted.folder) }
        #expect(extracted.root == extracted.folder + "/myapp-1.0")
        try Self.checkTree(extracted.root)
    }

    struct Hostile: Sendable, CustomStringConvertible {
        var name: String
        var format: ArchiveBuilder.Format
        var messages: [String]
        var description: String { name }
    }

    static func hostileEntries(_ name: String) -> [(String, ArchiveBuilder.Kind)] {
        let ok: (String, ArchiveBuilder.Kind) = ("ok.txt", .file("fine"))
        switch name {
        case "dotdot": return [ok, ("../evil", .file("x"))]
        case "nested dotdot": return [ok, ("a/../../evil", .file("x"))]
        case "dotdot that cancels": return [ok, ("a/../b", .file("x"))]
        case "absolute": return [ok, ("/tmp/openrun-abs-evil", .file("x"))]
        case "symlink to /etc then a file through it": return [ok, ("etc", .symlink("/etc")), ("etc/openrun-evil", .file("x"))]
        case "symlink escaping with ..": return [ok, ("sub/up", .symlink("../../outside"))]
        case "symlink chain escaping": return [ok, ("sub/up", .symlink("..")), ("esc", .symlink("sub/up/.."))]
        case "write through an inside symlink": return [ok, ("dir", .folder), ("link", .symlink("dir")), ("link/f", .file("x"))]
        case "hardlink to an absolute path": return [ok, ("h", .hardlink("/etc/passwd"))]
        case "hardlink escaping with ..": return [ok, ("h", .hardlink("../outside"))]
        case "hardlink to a missing file": return [ok, ("h", .hardlink("nothere"))]
        case "character device": return [ok, ("dev", .charDevice)]
        case "fifo": return [ok, ("pipe", .fifo)]
        default: return []
        }
    }

    static let hostile: [Hostile] = [
        Hostile(name: "dotdot", format: .paxTar, messages: ["archive entry '../evil' has a '..' component"]),
        Hostile(name: "nested dotdot", format: .gnuTar, messages: ["archive entry 'a/../../evil' has a '..' component"]),
        Hostile(name: "dotdot that cancels", format: .paxTar, messages: ["archive entry 'a/../b' has a '..' component"]),
        Hostile(name: "absolute", format: .paxTar, messages: ["archive entry '/tmp/openrun-abs-evil' has an absolute path"]),
        Hostile(name: "symlink to /etc then a file through it", format: .paxTar, messages: [
            "archive entry 'etc' is a symlink to '/etc', outside the archive",
            "archive entry 'etc/openrun-evil' would be written through the symlink 'etc'",
        ]),
        Hostile(name: "symlink escaping with ..", format: .paxTar, messages: ["archive entry 'sub/up' is a symlink to '../../outside', outside the archive"]),
        Hostile(name: "symlink chain escaping", format: .paxTar, messages: ["archive entry 'esc' is a symlink to 'sub/up/..', outside the archive"]),
        Hostile(name: "write through an inside symlink", format: .paxTar, messages: ["archive entry 'link/f' would be written through the symlink 'link'"]),
        Hostile(name: "hardlink to an absolute path", format: .paxTar, messages: ["archive entry 'h' is a hardlink to '/etc/passwd', outside the archive"]),
        Hostile(name: "hardlink escaping with ..", format: .gnuTar, messages: ["archive entry 'h' is a hardlink to '../outside', outside the archive"]),
        Hostile(name: "hardlink to a missing file", format: .paxTar, messages: ["archive entry 'h' is a hardlink to 'nothere', which is not a file earlier in the archive"]),
        Hostile(name: "character device", format: .paxTar, messages: ["archive entry 'dev' is a device file"]),
        Hostile(name: "fifo", format: .paxTar, messages: ["archive entry 'pipe' is a FIFO"]),
        Hostile(name: "dotdot", format: .zip, messages: ["archive entry '../evil' has a '..' component"]),
        Hostile(name: "symlink escaping with ..", format: .zip, messages: ["archive entry 'sub/up' is a symlink to '../../outside', outside the archive"]),
    ]

    @Test("hostile archives are refused and nothing is extracted", arguments: hostile)
    func refused(_ h: Hostile) throws {
        let dir = try TemporaryFolder("archive")
        defer { dir.remove() }
        try dir.mkdir("out")
        var builder = ArchiveBuilder()
        for (path, kind) in Self.hostileEntries(h.name) { builder.add(path, kind) }
        let archive = dir.path + (h.format == .zip ? "/evil.zip" : "/evil.tar.gz")
        try builder.write(to: archive, format: h.format, gzip: h.format != .zip)
        let found = diagnostics { _ = try extract(archive, tempRoot: dir.path + "/out") }
        #expect(found.map(\.message) == h.messages)
        #expect(Set(found.map(\.id)) == ["sources.archive-unsafe"])
        #expect(found.allSatisfy { $0.location == .flag("source", archive) })
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path + "/out").isEmpty, "nothing left behind")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/openrun-abs-evil"))
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/evil"))
        #expect(!FileManager.default.fileExists(atPath: "/etc/openrun-evil"))
    }

    @Test("hostile archives made by the tar and zip tools themselves are refused", arguments: [
        "tar -P absolute", "tar --transform ../", "zip -y symlink to /etc", "tar symlink then file through it",
    ])
    func refusedToolMade(_ how: String) throws {
        let dir = try TemporaryFolder("archive")
        defer { dir.remove() }
        try dir.mkdir("out")
        try dir.write("src/file.txt", "x")
        let archive: String
        let expected: String
        switch how {
        case "tar -P absolute":
            archive = dir.path + "/abs.tar"
            try run(["tar", "-P", "-cf", archive, dir.path + "/src/file.txt"], in: dir.path)
            expected = "archive entry '\(dir.path)/src/file.txt' has an absolute path"
        case "tar --transform ../":
            archive = dir.path + "/up.tar.gz"
            try run(["tar", "-czf", archive, "--transform", "s,^,../,", "file.txt"], in: dir.path + "/src")
            expected = "archive entry '../file.txt' has a '..' component"
        case "zip -y symlink to /etc":
            archive = dir.path + "/etc.zip"
            try dir.symlink("src/etc", to: "/etc")
            try run(["zip", "-q", "-y", archive, "etc", "file.txt"], in: dir.path + "/src")
            expected = "archive entry 'etc' is a symlink to '/etc', outside the archive"
        default:
            // GNU tar: a symlink 'd' -> /tmp, then a file stored as 'd/x' (renamed with --transform).
            archive = dir.path + "/through.tar"
            try dir.symlink("src/d", to: "/tmp")
            try run(["tar", "-cf", archive, "d", "--transform", "s,^file.txt$,d/openrun-evil,", "file.txt"], in: dir.path + "/src")
            expected = "archive entry 'd/openrun-evil' would be written through the symlink 'd'"
        }
        let found = diagnostics { _ = try extract(archive, tempRoot: dir.path + "/out") }
        #expect(found.map(\.message).contains(expected), "\(found.map(\.message))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path + "/out").isEmpty)
        #expect(!FileManager.default.fileExists(atPath: "/tmp/openrun-evil"))
    }

    @Test("setuid, setgid and sticky bits are dropped; rwx bits kept; inside links allowed")
    func permissions() throws {
        let dir = try TemporaryFolder("archive")
        defer { dir.remove() }
        try dir.mkdir("out")
        var builder = ArchiveBuilder()
        builder.add("app/", .folder)
        builder.add("app/suid", .file("x", perm: 0o4755))
        builder.add("app/sgid", .file("x", perm: 0o2750))
        builder.add("app/plain", .file("x", perm: 0o640))
        builder.add("app/link", .symlink("plain"))
        builder.add("app/hard", .hardlink("app/plain"))
        builder.add("app/sub/up", .symlink("../plain"))
        let archive = dir.path + "/p.tar"
        try builder.write(to: archive)
        let extracted = try extract(archive, tempRoot: dir.path + "/out")
        defer { FileIO.removeTree(extracted.folder) }
        #expect(extracted.root.hasSuffix("/app"))
        func perm(_ p: String) throws -> Int {
            (try FileManager.default.attributesOfItem(atPath: extracted.root + "/" + p)[.posixPermissions] as? Int) ?? -1
        }
        #expect(try perm("suid") == 0o755)
        #expect(try perm("sgid") == 0o750)
        #expect(try perm("plain") == 0o640)
        #expect(try String(contentsOfFile: extracted.root + "/hard", encoding: .utf8) == "x")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: extracted.root + "/sub/up") == "../plain")
    }

    @Test("a file that is not an archive is a clear error")
    func notAnArchive() throws {
        let dir = try TemporaryFolder("archive")
        defer { dir.remove() }
        try dir.mkdir("out")
        let path = try dir.write("fake.tgz", "this is not gzip")
        let found = diagnostics { _ = try extract(path, tempRoot: dir.path + "/out") }
        #expect(found.map(\.id) == ["sources.archive-unreadable"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path + "/out").isEmpty)
    }

    @Test("the resolver extracts archives into a temporary folder that cleanup removes")
    func resolverCleanup() throws {
        let dir = try TemporaryFolder("archive")
        defer { dir.remove() }
        try Self.makeTree(dir, under: "src")
        try dir.mkdir("tmp")
        try run(["tar", "czf", dir.path + "/app.tgz", "-C", dir.path + "/src", "."], in: dir.path)
        let resolver = SourceResolver(environment: [:], cacheDirectory: dir.path + "/cache", temporaryRoot: dir.path + "/tmp")
        let resolved = try resolver.resolve("app.tgz", workingDirectory: dir.path)
        #expect(resolved.reference == .archive(path: dir.path + "/app.tgz"))
        let root = try #require(resolved.root)
        #expect(FileManager.default.fileExists(atPath: root + "/app.star"))
        #expect(try resolved.digest() == SourceListing.walk(dir.path + "/src").digest())
        resolved.cleanup()
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path + "/tmp").isEmpty)
    }
}
