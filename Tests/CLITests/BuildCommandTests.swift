import Foundation
import IR
import Testing

@Suite("CLI: openrun build and apply")
struct BuildCommandTests {
    static let root = Processes.root.path

    static func openrun(_ args: [String], in directory: String = root) throws -> Processes.Result {
        try Processes.run(OpenrunBinary.url.path, args, environment: ["OPENRUN_CACHE_DIR": NSTemporaryDirectory() + "openrun-test-cache"],
                          directory: directory)
    }

    /// Every file under `folder`, relative path → bytes.
    static func tree(_ folder: String) -> [String: Data] {
        var out: [String: Data] = [:]
        guard let e = FileManager.default.enumerator(atPath: folder) else { return out }
        for case let path as String in e {
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: folder + "/" + path, isDirectory: &isDir), !isDir.boolValue {
                out[path] = FileManager.default.contents(atPath: folder + "/" + path)
            }
        }
        return out
    }

    static var brokenCases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: root + "/Tests/Fixtures/broken")) ?? []).sorted()
    }

    @Test("a broken app or flag: exact diagnostics, exit 1, nothing written", arguments: brokenCases)
    func broken(_ name: String) throws {
        let folder = "Tests/Fixtures/broken/\(name)"
        var args = ["build", folder]
        var appPath = "/"
        if let text = try? String(contentsOfFile: "\(Self.root)/\(folder)/args", encoding: .utf8) {
            for line in text.split(separator: "\n") {
                let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
                if parts[0] == "app-path" { appPath = parts[1] } else { args += [parts[0], parts[1]] }
            }
        }
        let out = try Processes.temporaryFolder("openrun-broken")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let r = try Self.openrun(args + [appPath, "-o", out + "/dist"])
        #expect(r.status == 1, "\(r.stderr)")
        let expected = try String(contentsOfFile: "\(Self.root)/\(folder)/expected.txt", encoding: .utf8)
        #expect(r.stderr == expected, "stderr differs from expected.txt")
        #expect(r.stdout.isEmpty)
        #expect(Self.tree(out).isEmpty, "nothing may be written: \(Self.tree(out).keys.sorted())")
    }

    @Test("two builds, from two working folders, give the same bytes; --check passes, then fails with a diff after a param change")
    func deterministicAndCheck() throws {
        let tmp = try Processes.temporaryFolder("openrun-build")
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let a = try Self.openrun(HostileApp.buildArguments(output: tmp + "/a"))
        #expect(a.status == 0, "\(a.stderr)")
        // Same app, from another folder (the source path given relative to it).
        try FileManager.default.createDirectory(atPath: tmp + "/elsewhere", withIntermediateDirectories: true)
        var args = HostileApp.buildArguments(output: tmp + "/b")
        args[1] = Self.root + "/Tests/Fixtures/apps/busybox-web"
        let b = try Self.openrun(args, in: tmp + "/elsewhere")
        #expect(b.status == 0, "\(b.stderr)")
        let ta = Self.tree(tmp + "/a"), tb = Self.tree(tmp + "/b")
        #expect(!ta.isEmpty)
        #expect(ta == tb)
        #expect(Set(ta.keys).isSuperset(of: ["docker/bb/plan.json", "docker/bb/run.sh", "docker/bb/context/Containerfile", "docker/bb/context/index.html"]))
        for (path, data) in ta where !path.hasPrefix("docker/bb/context/") {
            let text = String(decoding: data, as: UTF8.self)
            #expect(!text.contains(tmp) && !text.contains(Self.root), "\(path) holds an absolute path")
            #expect(!text.contains(HostileApp.token), "\(path) holds a secret")
        }

        let check = try Self.openrun(HostileApp.buildArguments(output: tmp + "/a") + ["--check"])
        #expect(check.status == 0, "\(check.stderr)\(check.stdout)")
        #expect(check.stderr.contains("is up to date"))
        var changed = HostileApp.buildArguments(output: tmp + "/a")
        changed[changed.firstIndex(of: "app_name=Busybox")!] = "app_name=Busybox 2"
        let drift = try Self.openrun(changed + ["--check"])
        #expect(drift.status == 1)
        #expect(drift.stdout.contains("-  set -- \"$@\" --env app_name=Busybox\n") && drift.stdout.contains("+  set -- \"$@\" --env 'app_name=Busybox 2'"), "\(drift.stdout)")
        #expect(Self.tree(tmp + "/a") == ta, "--check never writes")
    }

    @Test("a rebuild replaces the app folder: files the new build no longer makes are gone")
    func rebuildReplaces() throws {
        let tmp = try Processes.temporaryFolder("openrun-rebuild")
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        #expect(try Self.openrun(HostileApp.buildArguments(output: tmp)).status == 0)
        try Data("stale".utf8).write(to: URL(fileURLWithPath: tmp + "/docker/bb/stale.txt"))
        #expect(try Self.openrun(HostileApp.buildArguments(output: tmp)).status == 0)
        #expect(!FileManager.default.fileExists(atPath: tmp + "/docker/bb/stale.txt"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp).filter { $0.hasPrefix(".openrun-staging") }.isEmpty)
    }

    @Test("unknown or unavailable --target is a located error")
    func badTarget() throws {
        let r = try Self.openrun(["build", "examples/hello-flask", "--spec", "python-flask", "--target", "nomad", "-o", NSTemporaryDirectory() + "x-\(UUID())"])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("--target nomad: error: unknown target \"nomad\""), "\(r.stderr)")
    }

    @Test("apply: many apps, relative sources from the file's folder, all errors of all apps, nothing written on error")
    func apply() throws {
        let tmp = try Processes.temporaryFolder("openrun-apply")
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let file = tmp + "/apps.star"
        try FileManager.default.createSymbolicLink(atPath: tmp + "/fixtures", withDestinationPath: Self.root + "/Tests/Fixtures/apps")
        let good = """
        opts = {"container_opts": {"cpus": "1"}}
        app("/bb", "fixtures/busybox-web", spec="container", params={"app_name": "BB", "n": 3}, **opts)
        app("img.localhost:/", "-", spec="image", params={"image": "nginx", "port": 80})
        app("/site", "fixtures/static-site", spec="static")

        """
        try Data((good + "app(\"/x\", \"-\", spec=\"image\", params={\"port\": \"eighty\"})\napp(\"/y\", \"-\", spec=\"nope\")\n").utf8).write(to: URL(fileURLWithPath: file))
        let bad = try Self.openrun(["apply", file, "-o", tmp + "/dist"])
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("--param port=eighty: error: param \"port\" is INT"), "\(bad.stderr)")
        #expect(bad.stderr.contains("\(file):5:4: note: in app /x"), "\(bad.stderr)")
        #expect(bad.stderr.contains("unknown spec \"nope\""))
        #expect(bad.stderr.contains("\(file):6:4: note: in app /y"))
        #expect(!FileManager.default.fileExists(atPath: tmp + "/dist/docker"))

        try Data(good.utf8).write(to: URL(fileURLWithPath: file))
        let ok = try Self.openrun(["apply", file, "-o", tmp + "/dist"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp + "/dist/docker").sorted() == ["bb", "img-localhost", "site"])
        let plan = try ExecutionPlan.decodeJSON(Data(contentsOf: URL(fileURLWithPath: tmp + "/dist/docker/bb/plan.json")))
        #expect(plan.container?.run?.env.contains(PlanEnv(name: "n", value: .literal("3"))) == true)
        #expect(plan.container?.run?.options.contains("--cpus") == true)
        let again = try Self.openrun(["apply", file, "-o", tmp + "/dist", "--check"])
        #expect(again.status == 0, "\(again.stderr)")
    }
}
