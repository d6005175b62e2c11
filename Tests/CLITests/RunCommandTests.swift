import Foundation
import Testing

/// `openrun run` before anything is served: which apps it serves and what it says about the others.
/// The engine is `/bin/true`: nothing here starts a container.
@Suite("CLI: openrun run start-up")
struct RunCommandTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    /// `openrun build` of a bundled spec into `dist`.
    static func build(_ dist: String, path: String, spec: String, params: [String]) throws {
        let r = try Processes.run(OpenrunBinary.url.path,
                                  ["build", "-", path, "--spec", spec, "--target", "docker", "-o", dist] + params.flatMap { ["--param", $0] },
                                  directory: root)
        try #require(r.status == 0, "\(r.stderr)")
    }

    @Test("an input of only lifetime=command apps: exit 1 naming the app and why nothing is served")
    func onlyCommandApps() throws {
        let dist = try Processes.temporaryFolder("openrun-run-cmd")
        defer { try? FileManager.default.removeItem(atPath: dist) }
        try Self.build(dist, path: "/cmd", spec: "image-cmd", params: ["image=busybox:1.36"])
        let r = try OpenrunBinary.run(["run", dist, "--listen", "127.0.0.1:0", "--engine", "/bin/true"])
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty, "\(r.stdout)")
        #expect(r.stderr.contains(#"openrun run: not serving cmd (/cmd, "Image Command App : busybox:1.36"): its container has lifetime="command""#), "\(r.stderr)")
        #expect(r.stderr.contains("openrun run does not execute actions"))
        #expect(r.stderr.contains("openrun run: nothing to serve (every app runs only commands)"))
    }

    @Test("an unreadable --upstream-ca file is an error at start-up")
    func unreadableUpstreamCA() throws {
        let dist = try Processes.temporaryFolder("openrun-run-ca")
        defer { try? FileManager.default.removeItem(atPath: dist) }
        try Self.build(dist, path: "/api", spec: "proxy", params: ["url=https://localhost:9"])
        let r = try OpenrunBinary.run(["run", dist, "--listen", "127.0.0.1:0", "--engine", "/bin/true",
                                       "--upstream-ca", dist + "/missing.pem"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("--upstream-ca \(dist)/missing.pem: not a readable PEM certificate file"), "\(r.stderr)")
    }

    @Test("lifetime=command apps are named as not served; the others are served")
    func commandAppsBesideServedOnes() throws {
        let dist = try Processes.temporaryFolder("openrun-run-mixed")
        defer { try? FileManager.default.removeItem(atPath: dist) }
        try Self.build(dist, path: "/cmd", spec: "image-cmd", params: ["image=busybox:1.36"])
        try Self.build(dist, path: "/api", spec: "proxy", params: ["url=http://127.0.0.1:9"])
        let out = dist + "/run.out", err = dist + "/run.err"
        FileManager.default.createFile(atPath: out, contents: nil)
        FileManager.default.createFile(atPath: err, contents: nil)
        let p = Process()
        p.executableURL = OpenrunBinary.url
        p.arguments = ["run", dist, "--listen", "127.0.0.1:0", "--engine", "/bin/true"]
        p.standardOutput = FileHandle(forWritingAtPath: out)
        p.standardError = FileHandle(forWritingAtPath: err)
        try p.run()
        defer {
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
        }
        var stdout = ""
        for _ in 0..<500 where p.isRunning && !stdout.contains("\n") {
            Thread.sleep(forTimeInterval: 0.01)
            stdout = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        }
        let stderr = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
        #expect(p.isRunning, "\(stderr)")
        #expect(stdout.hasPrefix("api\thttp://127.0.0.1:"), "\(stdout)")
        #expect(!stdout.contains("cmd"))
        #expect(stderr.contains(#"openrun run: not serving cmd (/cmd, "#), "\(stderr)")
        #expect(!stderr.contains("nothing to serve"))
    }

    @Test("SOURCE is compiled by a child into a private folder, removed at exit; a compile error is reported once, exit 1; the serving process maps neither libgit2 nor libarchive")
    func sourceCompiledInAPrivateFolder() throws {
        let tmp = try Processes.temporaryFolder("openrun-run-tmpdir")
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let bad = try Processes.run(OpenrunBinary.url.path, ["run", "-", "/x", "--spec", "nope", "--engine", "/bin/true",
                                                             "--listen", "127.0.0.1:0"], environment: ["TMPDIR": tmp])
        #expect(bad.status == 1)
        #expect(bad.stderr.components(separatedBy: #"unknown spec "nope""#).count == 2, "\(bad.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp).isEmpty)

        let out = tmp + "/../openrun-run-tmpdir-out-\(getpid())"
        FileManager.default.createFile(atPath: out, contents: nil)
        defer { try? FileManager.default.removeItem(atPath: out) }
        let p = Process()
        p.executableURL = OpenrunBinary.url
        p.arguments = ["run", "-", "/api", "--spec", "proxy", "--param", "url=http://127.0.0.1:9", "--engine", "/bin/true",
                       "--listen", "127.0.0.1:0"]
        p.environment = ProcessInfo.processInfo.environment.merging(["TMPDIR": tmp]) { $1 }
        p.standardOutput = FileHandle(forWritingAtPath: out)
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { if p.isRunning { kill(p.processIdentifier, SIGKILL) } }
        var stdout = ""
        for _ in 0..<1000 where p.isRunning && !stdout.contains("\n") {
            Thread.sleep(forTimeInterval: 0.01)
            stdout = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        }
        #expect(stdout.hasPrefix("api\thttp://127.0.0.1:"), "\(stdout)")
        let made = try FileManager.default.contentsOfDirectory(atPath: tmp)
        #expect(made.count == 1 && made[0].hasPrefix("openrun-run-"), "\(made)")
        if let folder = made.first {
            let mode = try FileManager.default.attributesOfItem(atPath: tmp + "/" + folder)[.posixPermissions] as? Int
            #expect(mode == 0o700)
            let apps = try FileManager.default.contentsOfDirectory(atPath: tmp + "/" + folder + "/dist/docker")
            #expect(apps.count == 1 && FileManager.default.fileExists(atPath: tmp + "/" + folder + "/dist/docker/" + apps[0] + "/plan.json"))
        }
        // The source readers' C libraries are loaded on first use, so only a compile would map them.
        let maps = (try? String(contentsOfFile: "/proc/\(p.processIdentifier)/maps", encoding: .utf8)) ?? ""
        #expect(maps.contains("libc.so"), "\(maps)")
        for library in ["libgit2", "libarchive", "libcrypto", "libxml2"] {
            #expect(!maps.contains(library), "the serving process maps \(library)")
        }
        kill(p.processIdentifier, SIGTERM)
        for _ in 0..<1000 where p.isRunning { Thread.sleep(forTimeInterval: 0.01) }
        #expect(!p.isRunning)
        #expect(try FileManager.default.contentsOfDirectory(atPath: tmp).isEmpty)
    }
}

