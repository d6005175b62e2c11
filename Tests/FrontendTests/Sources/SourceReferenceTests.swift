@testable import Frontend
import IR
import Testing

@Suite("SOURCE parsing")
struct SourceReferenceTests {
    struct GitCase: Sendable, CustomStringConvertible {
        var text: String
        var clone: String
        var display: String
        var folder: String
        var description: String { text }
        init(_ text: String, _ clone: String, _ display: String? = nil, folder: String = "") {
            self.text = text
            self.clone = clone
            self.display = display ?? clone
            self.folder = folder
        }
    }

    static let gitCases: [GitCase] = [
        GitCase("github.com/owner/repo", "https://github.com/owner/repo"),
        GitCase("github.com/owner/repo/", "https://github.com/owner/repo"),
        GitCase("github.com/owner/repo/sub/dir", "https://github.com/owner/repo", folder: "sub/dir"),
        GitCase("GitHub.com/owner/repo", "https://GitHub.com/owner/repo"),
        GitCase("https://github.com/owner/repo", "https://github.com/owner/repo"),
        GitCase("https://github.com/owner/repo.git", "https://github.com/owner/repo.git"),
        GitCase("https://github.com/owner/repo/tree/x", "https://github.com/owner/repo", folder: "tree/x"),
        GitCase("https://github.com/owner/repo.git/sub", "https://github.com/owner/repo.git", folder: "sub"),
        GitCase("https://codeberg.org/o/r/app", "https://codeberg.org/o/r", folder: "app"),
        GitCase("https://gitlab.example.com/group/sub/repo", "https://gitlab.example.com/group/sub/repo"),
        GitCase("https://host.example/a/b/c.git//sub/dir", "https://host.example/a/b/c.git", folder: "sub/dir"),
        GitCase("https://host.example/a/b//sub/dir/", "https://host.example/a/b", folder: "sub/dir"),
        GitCase("https://host.example/a/b.git/sub", "https://host.example/a/b.git", folder: "sub"),
        GitCase("http://host.example:8080/a/b", "http://host.example:8080/a/b"),
        GitCase("gitlab.com/group/project", "https://gitlab.com/group/project"),
        GitCase("git.example.org/team/app//web", "https://git.example.org/team/app", folder: "web"),
        GitCase("git@github.com:org/repo.git", "git@github.com:org/repo.git"),
        GitCase("git@github.com:org/repo", "git@github.com:org/repo"),
        GitCase("git@github.com:org/repo/sub", "git@github.com:org/repo", folder: "sub"),
        GitCase("git@host.example:team/repo.git/app", "git@host.example:team/repo.git", folder: "app"),
        GitCase("git@host.example:team/repo//app", "git@host.example:team/repo", folder: "app"),
        GitCase("ssh://git@host.example:2222/org/repo.git", "ssh://git@host.example:2222/org/repo.git"),
        GitCase("ssh://git:pw@host.example/org/repo", "ssh://git:pw@host.example/org/repo", "ssh://git@host.example/org/repo"),
        GitCase("git://host.example/org/repo", "git://host.example/org/repo"),
        GitCase("file:///srv/git/repo.git", "file:///srv/git/repo.git"),
        GitCase("file:///srv/git/repo//app/web", "file:///srv/git/repo", folder: "app/web"),
        GitCase("file:///srv/git/repo", "file:///srv/git/repo"),
        GitCase("https://user:s3cret@github.com/o/r", "https://user:s3cret@github.com/o/r", "https://github.com/o/r"),
        GitCase("https://TOKEN123@host.example/o/r.git//x", "https://TOKEN123@host.example/o/r.git", "https://host.example/o/r.git", folder: "x"),
    ]

    @Test("git URL forms", arguments: gitCases)
    func gitForms(_ c: GitCase) throws {
        let ref = try SourceReference.parse(c.text, workingDirectory: "/nonexistent-cwd")
        guard case .git(let g) = ref else {
            Issue.record("not git: \(ref)")
            return
        }
        #expect(g.cloneURL == c.clone)
        #expect(g.displayURL == c.display)
        #expect(g.folder == c.folder)
        #expect(!g.displayURL.contains("s3cret") && !g.displayURL.contains("TOKEN123") && !g.displayURL.contains(":pw@"))
    }

    @Test("one cache entry per repository however the URL is spelled")
    func cacheKey() throws {
        let spellings = ["github.com/o/r", "https://github.com/o/r.git", "https://GitHub.com/o/r/", "https://u:t@github.com/o/r//sub"]
        var keys = Set<String>()
        for s in spellings {
            guard case .git(let g) = try SourceReference.parse(s, workingDirectory: "/") else { continue }
            keys.insert(g.cacheKey)
        }
        #expect(keys == ["https://github.com/o/r"])
    }

    @Test("--branch and --commit are both recorded; the commit is lowercased")
    func branchAndCommit() throws {
        let ref = try SourceReference.parse("github.com/o/r", branch: "release/1.x", commit: "ABCDEF12", workingDirectory: "/")
        guard case .git(let g) = ref else {
            Issue.record("not git")
            return
        }
        #expect(g.branch == "release/1.x")
        #expect(g.commit == "abcdef12")
        #expect(ref.display == "https://github.com/o/r#release/1.x@abcdef12")
    }

    @Test("local folders, archives and '-'")
    func localForms() throws {
        let dir = try TemporaryFolder("srcref")
        defer { dir.remove() }
        try dir.mkdir("app/web")
        try dir.write("app.tgz", "x")
        try dir.write("bundle.ZIP", "x")
        try dir.write("github.com.d/x/y/z", "x")
        #expect(try SourceReference.parse("-", workingDirectory: dir.path) == SourceReference.none)
        #expect(try SourceReference.parse("app", workingDirectory: dir.path) == .local(path: dir.path + "/app"))
        #expect(try SourceReference.parse("./app/web/", workingDirectory: dir.path) == .local(path: dir.path + "/app/web"))
        #expect(try SourceReference.parse("app/../app", workingDirectory: dir.path) == .local(path: dir.path + "/app"))
        #expect(try SourceReference.parse(dir.path + "/app", workingDirectory: "/") == .local(path: dir.path + "/app"))
        #expect(try SourceReference.parse("~/app", workingDirectory: "/", home: dir.path) == .local(path: dir.path + "/app"))
        #expect(try SourceReference.parse("app.tgz", workingDirectory: dir.path) == .archive(path: dir.path + "/app.tgz"))
        #expect(try SourceReference.parse("bundle.ZIP", workingDirectory: dir.path) == .archive(path: dir.path + "/bundle.ZIP"))
        // A host-looking path that exists on disk is a folder, not a URL.
        #expect(try SourceReference.parse("github.com.d/x/y", workingDirectory: dir.path) == .local(path: dir.path + "/github.com.d/x/y"))
    }

    @Test("the resolver uses local folders in place and never removes them; '-' has no files")
    func resolveLocal() throws {
        let dir = try TemporaryFolder("srcref")
        defer { dir.remove() }
        try dir.write("app/app.star", "x\n")
        let resolver = SourceResolver(environment: [:], cacheDirectory: dir.path + "/cache")
        let local = try resolver.resolve("app", workingDirectory: dir.path)
        #expect(local.root == dir.path + "/app")
        #expect(local.commit == nil && local.temporaryFolder == nil && local.warnings.isEmpty)
        #expect(try local.digest() == SourceListing.walk(dir.path + "/app").digest())
        local.cleanup()
        #expect(dir.exists("app/app.star"))
        let none = try resolver.resolve("-", workingDirectory: dir.path)
        #expect(none.root == nil)
        #expect(try none.listing().files.isEmpty)
        #expect(none.display == "-")
        #expect(!dir.exists("cache"), "nothing cached for local sources")
    }

    struct ErrorCase: Sendable, CustomStringConvertible {
        var text: String
        var branch: String?
        var commit: String?
        var ids: [String]
        var description: String { "\(text) \(branch ?? "") \(commit ?? "")" }
    }

    static let errorCases: [ErrorCase] = [
        ErrorCase(text: "missing", ids: ["sources.not-found"]),
        ErrorCase(text: "missing.tar.gz", ids: ["sources.not-found"]),
        ErrorCase(text: "notes.txt", ids: ["sources.not-a-folder"]),
        ErrorCase(text: "folder.zip", ids: ["sources.not-a-file"]),
        ErrorCase(text: "", ids: ["sources.empty"]),
        ErrorCase(text: "ftp://host/x/y", ids: ["sources.unsupported-scheme"]),
        ErrorCase(text: "https://example.com/releases/app.tar.gz", ids: ["sources.archive-url"]),
        ErrorCase(text: "https:///x/y", ids: ["sources.bad-git-url"]),
        ErrorCase(text: "github.com/owner", ids: ["sources.bad-git-url"]),
        ErrorCase(text: "file://otherhost/x", ids: ["sources.bad-git-url"]),
        ErrorCase(text: "https://host.example/a/b//../x", ids: ["sources.bad-folder"]),
        ErrorCase(text: "app", branch: "main", ids: ["sources.branch-without-git"]),
        ErrorCase(text: "-", commit: "abcdef1", ids: ["sources.commit-without-git"]),
        ErrorCase(text: "github.com/o/r", commit: "xyz", ids: ["sources.bad-commit"]),
        ErrorCase(text: "github.com/o/r", commit: "abc", ids: ["sources.bad-commit"]),
        ErrorCase(text: "github.com/o/r", branch: "a..b", ids: ["sources.bad-branch"]),
        ErrorCase(text: "github.com/o/r", branch: "-x", commit: "zz", ids: ["sources.bad-branch", "sources.bad-commit"]),
    ]

    @Test("bad sources are located diagnostics, all reported", arguments: errorCases)
    func errors(_ c: ErrorCase) throws {
        let dir = try TemporaryFolder("srcref")
        defer { dir.remove() }
        try dir.mkdir("app")
        try dir.mkdir("folder.zip")
        try dir.write("notes.txt", "x")
        let found = diagnostics { _ = try SourceReference.parse(c.text, branch: c.branch, commit: c.commit, workingDirectory: dir.path) }
        #expect(found.map(\.id) == c.ids)
        for d in found {
            let file = d.location?.file ?? ""
            #expect(file.hasPrefix("source ") || file.hasPrefix("--branch ") || file.hasPrefix("--commit "), "\(d)")
        }
    }

    @Test("diagnostics never show credentials")
    func redaction() {
        let found = diagnostics { _ = try SourceReference.parse("ftp://user:hunter2@host/x", workingDirectory: "/") }
        #expect(found.count == 1)
        #expect(found.first?.location == .flag("source", "ftp://host/x"))
        #expect(!found.map(\.rendered).joined().contains("hunter2"))
        #expect(SourceReference.redactCredentials("ssh://git:pw@h/x") == "ssh://git@h/x")
        #expect(SourceReference.redactCredentials("git@h:x") == "git@h:x")
    }
}
