import CGit2
import Foundation
@testable import Frontend
import IR
import Synchronization
import Testing

/// Fetches real repositories made by the test with the git CLI, through
/// `file://` URLs.
@Suite("Git sources")
struct GitFetcherTests {
    /// A repository with main (2 commits), dev (1 extra commit), an
    /// annotated tag v1 on the first commit, a sub-folder, an executable
    /// and a symlink.
    struct Fixture {
        let dir: TemporaryFolder
        var repo: String { dir.path + "/repo" }
        var url: String { "file://" + repo }
        var cache: String { dir.path + "/cache" }
        var first = ""
        var main = ""
        var dev = ""

        init() throws {
            dir = try TemporaryFolder("git")
            try dir.mkdir("repo")
            try git("init", "-q", "-b", "main")
            try dir.write("repo/app.star", "v1\n")
            try dir.write("repo/apps/web/app.star", "web\n")
            try dir.write("repo/run.sh", "#!/bin/sh\n", mode: 0o755)
            try dir.symlink("repo/link", to: "apps/web/app.star")
            try git("add", "-A")
            try git("commit", "-q", "-m", "first")
            first = try rev("HEAD")
            try git("tag", "-a", "v1", "-m", "v1")
            try git("checkout", "-q", "-b", "dev")
            try dir.write("repo/dev.txt", "dev\n")
            try git("add", "-A")
            try git("commit", "-q", "-m", "dev")
            dev = try rev("HEAD")
            try git("checkout", "-q", "main")
            try dir.write("repo/app.star", "v2\n")
            try git("commit", "-q", "-am", "second")
            main = try rev("HEAD")
        }

        func git(_ args: String...) throws {
            try run(["git"] + args, in: repo)
        }

        func rev(_ name: String) throws -> String {
            try run(["git", "rev-parse", name], in: repo).trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func fetch(_ text: String? = nil, branch: String? = nil, commit: String? = nil,
                   progress: GitFetcher.ProgressMode = .never, environment: [String: String] = [:],
                   sink: @escaping @Sendable (String) -> Void = { _ in })
            throws -> GitFetcher.Checkout
        {
            let ref = try SourceReference.parse(text ?? url, branch: branch, commit: commit, workingDirectory: dir.path)
            guard case .git(let g) = ref else { throw CommandFailed(command: "parse", status: 0, stderr: "not git") }
            var fetcher = GitFetcher(cacheRoot: cache + "/git", environment: environment, progress: progress, progressSink: sink)
            fetcher.progressDelay = 0
            return try fetcher.fetch(g, location: .flag("source", SourceReference.redactCredentials(text ?? url)))
        }
    }

    @Test("default branch: files, executable bit and symlink checked out; commit reported")
    func defaultBranch() throws {
        let f = try Fixture()
        defer { f.dir.remove() }
        let c = try f.fetch()
        #expect(c.commit == f.main)
        #expect(c.usedNetwork)
        #expect(try String(contentsOfFile: c.root + "/app.star", encoding: .utf8) == "v2\n")
        #expect(!FileManager.default.fileExists(atPath: c.root + "/dev.txt"))
        #expect(!FileManager.default.fileExists(atPath: c.root + "/.git"))
        let perms = try FileManager.default.attributesOfItem(atPath: c.root + "/run.sh")[.posixPermissions] as? Int
        #expect((perms ?? 0) & 0o111 != 0)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: c.root + "/link") == "apps/web/app.star")
        // Only the default branch was fetched: no dev ref, no tags in the cache
        // (origin/HEAD is a symbolic ref remembering the default branch).
        let refs = try run(["git", "--git-dir", c.repository, "for-each-ref", "--format=%(refname) %(symref)"], in: f.dir.path)
        #expect(refs.split(separator: "\n") == ["refs/remotes/origin/HEAD refs/remotes/origin/main", "refs/remotes/origin/main "])
        // The listing of a checkout equals the listing of the repository's work tree at that commit.
        #expect(try SourceListing.walk(c.root).digest() == SourceListing.walk(f.repo).digest())
    }

    @Test("--branch names a branch or a tag")
    func branches() throws {
        let f = try Fixture()
        defer { f.dir.remove() }
        let dev = try f.fetch(branch: "dev")
        #expect(dev.commit == f.dev)
        #expect(FileManager.default.fileExists(atPath: dev.root + "/dev.txt"))
        try f.git("branch", "feature/x", f.first)
        try f.git("tag", "light", f.dev)
        let slash = try f.fetch(branch: "feature/x")
        #expect(slash.commit == f.first)
        let light = try f.fetch(branch: "light")
        #expect(light.commit == f.dev)
        let tag = try f.fetch(branch: "v1")
        #expect(tag.commit == f.first)
        #expect(try String(contentsOfFile: tag.root + "/app.star", encoding: .utf8) == "v1\n")
    }

    @Test("--commit, full or abbreviated, also off the default branch; wins over --branch")
    func commits() throws {
        let f = try Fixture()
        defer { f.dir.remove() }
        let first = try f.fetch(commit: f.first)
        #expect(first.commit == f.first)
        #expect(try String(contentsOfFile: first.root + "/app.star", encoding: .utf8) == "v1\n")
        let short = try f.fetch(commit: String(f.dev.prefix(10)))
        #expect(short.commit == f.dev)
        let both = try f.fetch(branch: "dev", commit: f.first)
        #expect(both.commit == f.first)
        #expect(!both.usedNetwork, "the commit is in the cache already")
    }

    @Test("sub-folders: with // and without")
    func subFolder() throws {
        let f = try Fixture()
        defer { f.dir.remove() }
        let c = try f.fetch(f.url + "//apps/web")
        #expect(c.root == c.folder + "/apps/web")
        #expect(try String(contentsOfFile: c.root + "/app.star", encoding: .utf8) == "web\n")
    }

    @Test("missing branch, commit, folder and repository are clear diagnostics")
    func errors() throws {
        let f = try Fixture()
        defer { f.dir.remove() }
        let branch = diagnostics { _ = try f.fetch(branch: "nope") }
        #expect(branch.map(\.id) == ["sources.git-no-branch"])
        #expect(branch.first?.location == .flag("--branch", "nope"))
        #expect(branch.first?.notes.map(\.message) == ["branches: dev, main"])

        let commit = diagnostics { _ = try f.fetch(commit: String(repeating: "0", count: 40)) }
        #expect(commit.map(\.id) == ["sources.git-no-commit"])
        #expect(commit.first?.location == .flag("--commit", String(repeating: "0", count: 40)))

        let folder = diagnostics { _ = try f.fetch(f.url + "//apps/nothere") }
        #expect(folder.map(\.id) == ["sources.git-no-folder"])
        #expect(folder.first?.message.contains("'apps/nothere' does not exist") == true)

        let notFolder = diagnostics { _ = try f.fetch(f.url + "//run.sh") }
        #expect(notFolder.first?.message.contains("'run.sh' is not a folder") == true)

        try f.dir.mkdir("empty")
        try run(["git", "init", "-q", "-b", "main"], in: f.dir.path + "/empty")
        let empty = diagnostics { _ = try f.fetch("file://" + f.dir.path + "/empty") }
        #expect(empty.map(\.id) == ["sources.git-empty"], "\(empty)")

        let repo = diagnostics { _ = try f.fetch("file://" + f.dir.path + "/missing-repo") }
        #expect(repo.map(\.id) == ["sources.git-unreachable"])
        #expect(repo.first?.location == .flag("source", "file://" + f.dir.path + "/missing-repo"))
        #expect(repo.first?.notes.first?.message.hasPrefix("libgit2: ") == true)
    }

    @Test("the cache is reused and updated: a new commit is fetched on the second call")
    func cacheReuse() throws {
        let f = try Fixture()
        defer { f.dir.remove() }
        let one = try f.fetch()
        #expect(one.commit == f.main)
        let marker = one.repository + "/openrun-test-marker"
        try Data().write(to: URL(fileURLWithPath: marker))
        try f.dir.write("repo/new.txt", "new\n")
        try f.git("add", "-A")
        try f.git("commit", "-q", "-m", "third")
        let third = try f.rev("HEAD")
        let two = try f.fetch()
        #expect(two.commit == third)
        #expect(two.repository == one.repository)
        #expect(FileManager.default.fileExists(atPath: marker), "same cached repository, not a fresh clone")
        #expect(FileManager.default.fileExists(atPath: two.root + "/new.txt"))
        #expect(FileManager.default.fileExists(atPath: one.folder + "/app.star"), "older checkouts stay")
        #expect(try String(contentsOfFile: f.cache + "/git/" + (one.repository as NSString).deletingLastPathComponent.split(separator: "/").last! + "/url", encoding: .utf8) == f.url + "\n")
        let again = try f.fetch(commit: f.main)
        #expect(!again.usedNetwork)
        #expect(again.folder == one.folder)
    }

    @Test("offline, a branch fetched earlier is used with a warning; anything else is still an error")
    func offline() throws {
        let f = try Fixture()
        defer { f.dir.remove() }
        let online = try f.fetch()
        #expect(online.warnings.isEmpty)
        _ = try f.fetch(branch: "dev")
        try FileManager.default.moveItem(atPath: f.repo, toPath: f.dir.path + "/moved")
        let offline = try f.fetch()
        #expect(offline.commit == f.main)
        #expect(!offline.usedNetwork)
        #expect(offline.warnings.map(\.id) == ["sources.git-offline"])
        #expect(offline.warnings.first?.severity == .warning)
        let dev = try f.fetch(branch: "dev")
        #expect(dev.commit == f.dev)
        #expect(dev.warnings.first?.message.contains("of 'dev' fetched earlier") == true)
        #expect(diagnostics { _ = try f.fetch(branch: "v1") }.map(\.id) == ["sources.git-unreachable"])
        #expect(diagnostics { _ = try f.fetch(commit: String(repeating: "a", count: 40)) }.map(\.id) == ["sources.git-unreachable"])
    }

    @Test("progress is reported through the sink when asked")
    func progress() throws {
        let f = try Fixture()
        defer { f.dir.remove() }
        let lines = Mutex<[String]>([])
        _ = try f.fetch(progress: .always, sink: { text in lines.withLock { $0.append(text) } })
        let all = lines.withLock { $0 }.joined()
        #expect(all.contains("Fetching \(f.url): 100%"))
        #expect(all.hasSuffix("\n"))
        let quiet = Mutex<[String]>([])
        _ = try f.fetch(branch: "dev", progress: .never, sink: { text in quiet.withLock { $0.append(text) } })
        #expect(quiet.withLock { $0 }.isEmpty)
    }

    @Test("progress is throttled and its final line printed once")
    func progressThrottle() {
        let lines = Mutex<[String]>([])
        let state = GitCallbackState(token: nil, username: nil, showProgress: true, sink: { t in lines.withLock { $0.append(t) } }, label: "u")
        state.delay = 0
        let now = Mutex<Double>(0)
        state.clock = { now.withLock { $0 } }
        var stats = git_indexer_progress()
        stats.total_objects = 10
        for n in 1...10 {
            stats.received_objects = UInt32(n)
            stats.indexed_objects = UInt32(n)
            stats.received_bytes = 2_097_152
            state.progress(stats)
            now.withLock { $0 += 0.125 }  // 125 ms between updates: every second one shows
        }
        for _ in 0..<5 { state.progress(stats) }
        state.finish()
        let out = lines.withLock { $0 }
        #expect(out.first == "\rFetching u: 10% (1/10 objects, 2.0 MiB)")
        #expect(out.filter { $0.contains("100%") } == ["\rFetching u: 100% (10/10 objects, 2.0 MiB)"])
        #expect(out.last == "\n")
        #expect(out.count == 7, "updates within 250 ms of the last one are dropped: \(out)")
        let quiet = Mutex<[String]>([])
        let hidden = GitCallbackState(token: nil, username: nil, showProgress: false, sink: { t in quiet.withLock { $0.append(t) } }, label: "u")
        hidden.progress(stats)
        hidden.finish()
        #expect(quiet.withLock { $0 }.isEmpty)
    }

    @Test("credentials in the URL never appear in diagnostics")
    func credentialsHidden() throws {
        let f = try Fixture()
        defer { f.dir.remove() }
        let found = diagnostics { _ = try f.fetch("https://user:supersecret@127.0.0.1:9/o/r.git") }
        #expect(!found.isEmpty)
        #expect(!found.map(\.rendered).joined().contains("supersecret"))
        #expect(found.first?.location == .flag("source", "https://127.0.0.1:9/o/r.git"))
    }

    @Test("the resolver fetches git sources into the configured cache")
    func resolver() throws {
        let f = try Fixture()
        defer { f.dir.remove() }
        let resolver = SourceResolver(environment: ["OPENRUN_CACHE_DIR": f.cache], progress: .never)
        let resolved = try resolver.resolve(f.url + "//apps/web", branch: "dev", workingDirectory: f.dir.path)
        #expect(resolved.commit == f.dev)
        #expect(resolved.root?.hasPrefix(f.cache + "/git/") == true)
        #expect(resolved.display == f.url + "//apps/web@" + f.dev)
        #expect(try resolved.listing().files.map(\.path) == ["app.star"])
    }

    @Test("cache folder from the environment")
    func cacheDirectory() {
        #expect(SourceCache.directory(environment: ["OPENRUN_CACHE_DIR": "/c", "XDG_CACHE_HOME": "/x", "HOME": "/h"]) == "/c")
        #expect(SourceCache.directory(environment: ["XDG_CACHE_HOME": "/x", "HOME": "/h"]) == "/x/openrun")
        #expect(SourceCache.directory(environment: ["OPENRUN_CACHE_DIR": "", "HOME": "/h"]) == "/h/.cache/openrun")
    }
}

@Suite("Git credentials")
struct GitCredentialTests {
    @Test("https tokens come from OPENRUN_GIT_TOKEN, or GITHUB_TOKEN / GH_TOKEN for github.com only")
    func tokens() {
        let env = ["GITHUB_TOKEN": "gh1", "GH_TOKEN": "gh2"]
        #expect(GitFetcher.httpsCredentials(host: "github.com", environment: env) == ("x-access-token", "gh1"))
        #expect(GitFetcher.httpsCredentials(host: "github.com", environment: ["GH_TOKEN": "gh2", "GITHUB_TOKEN": ""]) == ("x-access-token", "gh2"))
        #expect(GitFetcher.httpsCredentials(host: "gitlab.com", environment: env) == (nil, nil))
        #expect(GitFetcher.httpsCredentials(host: "gitlab.com", environment: ["OPENRUN_GIT_TOKEN": "t"]) == ("oauth2", "t"))
        #expect(GitFetcher.httpsCredentials(host: "github.com", environment: ["OPENRUN_GIT_TOKEN": "t", "GITHUB_TOKEN": "gh1"]) == ("x-access-token", "t"))
        #expect(GitFetcher.httpsCredentials(host: "git.example", environment: ["OPENRUN_GIT_TOKEN": "t", "OPENRUN_GIT_USERNAME": "me"]) == ("me", "t"))
    }
}

/// Fetches over real HTTP from `git http-backend` behind a small Python
/// server that demands basic auth (Tests/Fixtures/sources/git_http_server.py).
@Suite("Git over HTTP with a token")
struct GitHTTPTests {
    static let serverScript = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/sources/git_http_server.py").path

    /// A running server; `stop()` closes its stdin, which ends it.
    struct Server {
        var process: Process
        var stdin: Pipe
        var port: Int

        func stop() {
            try? stdin.fileHandleForWriting.close()
            process.waitUntilExit()
        }
    }

    /// Starts the server for `root`.
    static func startServer(root: String, user: String, token: String) throws -> Server {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", serverScript, root, user, token]
        let out = Pipe()
        let stdin = Pipe()
        process.standardOutput = out
        process.standardInput = stdin
        try process.run()
        var line = Data()
        while true {
            let byte = out.fileHandleForReading.readData(ofLength: 1)
            if byte.isEmpty || byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            try? stdin.fileHandleForWriting.close()
            process.terminate()
            throw CommandFailed(command: "git_http_server.py", status: -1, stderr: "no port printed")
        }
        return Server(process: process, stdin: stdin, port: port)
    }

    @Test("OPENRUN_GIT_TOKEN is sent as user/password; a wrong or missing token is sources.git-auth and never printed")
    func token() throws {
        let f = try GitFetcherTests.Fixture()
        defer { f.dir.remove() }
        let server = try Self.startServer(root: f.dir.path, user: "robot", token: "tok-123-secret")
        defer { server.stop() }
        let url = "http://127.0.0.1:\(server.port)/repo"
        let good = try f.fetch(url, environment: ["OPENRUN_GIT_TOKEN": "tok-123-secret", "OPENRUN_GIT_USERNAME": "robot"])
        #expect(good.commit == f.main)

        for env in [["OPENRUN_GIT_TOKEN": "wrong-secret-456", "OPENRUN_GIT_USERNAME": "robot"], [:]] {
            let found = diagnostics { _ = try f.fetch(url, branch: "dev", environment: env) }
            #expect(found.map(\.id) == ["sources.git-auth"], "\(env)")
            let text = found.map(\.rendered).joined(separator: "\n")
            #expect(text.contains("OPENRUN_GIT_TOKEN"))
            #expect(!text.contains("wrong-secret-456") && !text.contains("tok-123-secret"))
        }
    }
}
