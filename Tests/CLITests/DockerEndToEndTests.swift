import Foundation
import IR
import Testing

/// run.sh on real engines: the host's Podman (with dev/containers.conf, as
/// DESIGN.md says), and the docker CLI against `podman system service`
/// (dev/docker-service). The app is the hostile busybox fixture, built on the
/// local busybox test image (dev/test-image), so no registry is needed.
@Suite("docker backend: run.sh on real Podman and Docker", .serialized)
struct DockerEndToEndTests {
    enum Engine: String, CaseIterable, CustomTestStringConvertible {
        case podman, docker
        var testDescription: String { rawValue }
    }

    struct Setup {
        var environment: [String: String?]
        var engine: String
    }

    /// The engine's environment, or nil (recorded as a failure in CI) when the tools are missing.
    static func setup(_ engine: Engine) throws -> Setup? {
        let root = Processes.root.path
        guard Processes.tool("podman") != nil, FileManager.default.isExecutableFile(atPath: root + "/dev/test-image") else {
            #expect(!Processes.inCI, "podman and dev/test-image are needed (dev/setup installs podman)")
            return nil
        }
        var env: [String: String?] = ["CONTAINERS_CONF": root + "/dev/containers.conf"]
        let image = try Processes.run(root + "/dev/test-image", [], environment: env)
        try #require(image.status == 0, "dev/test-image failed: \(image.stderr)")
        switch engine {
        case .podman:
            return Setup(environment: env, engine: "podman")
        case .docker:
            guard Processes.tool("docker") != nil else {
                #expect(!Processes.inCI, "the docker CLI is needed")
                return nil
            }
            let service = try Processes.run(root + "/dev/docker-service", ["start"], environment: env)
            try #require(service.status == 0, "dev/docker-service failed: \(service.stderr)")
            let host = try #require(service.stdout.split(separator: "\n").first { $0.hasPrefix("DOCKER_HOST=") })
            env["DOCKER_HOST"] = String(host.dropFirst("DOCKER_HOST=".count))
            return Setup(environment: env, engine: "docker")
        }
    }

    static func get(_ url: String) throws -> String {
        try Processes.run("curl", ["-fsS", "--max-time", "5", url]).stdout
    }

    @Test("build, start (answers HTTP), hostile env byte for byte, secret file, reuse, stop, start again without recreating", arguments: Engine.allCases)
    func lifecycle(_ engine: Engine) throws {
        guard let setup = try Self.setup(engine) else { return }
        let tmp = try Processes.temporaryFolder("openrun-e2e-\(engine)")
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        var args = HostileApp.buildArguments(output: tmp + "/dist")
        // Unique per run: several checkouts may run these tests on one engine at once.
        let appPath = "/e2e-\(engine.rawValue)-\(UUID().uuidString.prefix(8).lowercased())"
        args[args.firstIndex(of: "/bb")!] = appPath
        let built = try Processes.run(OpenrunBinary.url.path, args, directory: Processes.root.path)
        try #require(built.status == 0, "\(built.stderr)")
        let slug = try #require(try FileManager.default.contentsOfDirectory(atPath: tmp + "/dist/docker").first)
        let app = tmp + "/dist/docker/" + slug
        let name = "openrun-" + slug
        var env = setup.environment
        env["OPENRUN_ENGINE"] = setup.engine
        env["API_TOKEN"] = HostileApp.token
        env["DB_PASS"] = HostileApp.dbPass
        env["OPENRUN"] = OpenrunBinary.url.path
        env["OPENRUN_RUNTIME_DIR"] = tmp + "/runtime"
        func engineCall(_ a: [String]) throws -> Processes.Result { try Processes.run(setup.engine, a, environment: env) }
        defer {
            _ = try? Processes.run(app + "/run.sh", ["remove"], environment: env)
            let plan = try? ExecutionPlan.decodeJSON(Data(contentsOf: URL(fileURLWithPath: app + "/plan.json")))
            for step in plan?.container?.start ?? [] {
                if case .createVolume(let v) = step { _ = try? engineCall(["volume", "rm", "-f", v.name]) }
            }
        }

        let first = try Processes.run(app + "/run.sh", ["start"], environment: env)
        try #require(first.status == 0, "\(first.stderr)")
        let url = first.stdout.trimmingCharacters(in: .newlines)
        #expect(url.hasPrefix("http://127.0.0.1:"))
        #expect(try Self.get(url).contains("hello from busybox"))

        // The environment inside the container, exactly.
        let envOut = try engineCall(["exec", name, "busybox", "env", "-0"]).stdout
        var inside: [String: String] = [:]
        for kv in envOut.split(separator: "\0") {
            if let eq = kv.firstIndex(of: "=") { inside[String(kv[..<eq])] = String(kv[kv.index(after: eq)...]) }
        }
        #expect(inside["greeting"] == HostileApp.greeting)
        #expect(inside["dash"] == "--privileged")
        #expect(inside["api_token"] == HostileApp.token)
        #expect(inside["db_url"] == "postgres://app:\(HostileApp.dbPass)@db:5432/app?sslmode=disable")
        #expect(inside["CL_APP_PATH"] == appPath)
        #expect(inside["PORT"] == "8080")
        // The cl_secret file, rendered at start with the secret, mounted read-only; the bind mount from the context.
        let secretFile = try engineCall(["exec", name, "busybox", "cat", "/etc/app/secrets.conf"]).stdout
        #expect(secretFile.contains("token=\(HostileApp.token)"))
        #expect(try engineCall(["exec", name, "busybox", "cat", "/bind/hello.txt"]).stdout == "bound from the app source\n")
        #expect(try engineCall(["exec", name, "busybox", "touch", "/etc/app/secrets.conf"]).status != 0, "mounted read-only")
        // The secret is on no command line: podman keeps the one that created the container.
        if engine == .podman {
            let created = try engineCall(["container", "inspect", "--format", "{{.Config.CreateCommand}}", name]).stdout
            #expect(created.contains("api_token") && !created.contains("tok$en"), "\(created)")
        }

        let id = try engineCall(["container", "inspect", "--format", "{{.Id}}", name]).stdout
        // A second start reuses the running container.
        let again = try Processes.run(app + "/run.sh", ["start"], environment: env)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("already running"))
        // stop keeps it; start starts the same container, which answers again.
        #expect(try Processes.run(app + "/run.sh", ["stop"], environment: env).status == 0)
        #expect(try Processes.run(app + "/run.sh", ["status"], environment: env).stdout == "stopped\n")
        let restarted = try Processes.run(app + "/run.sh", ["start"], environment: env)
        try #require(restarted.status == 0, "\(restarted.stderr)")
        #expect(restarted.stdout.hasPrefix("http://127.0.0.1:"), "\(restarted.stdout)\(restarted.stderr)")
        #expect(try engineCall(["container", "inspect", "--format", "{{.Id}}", name]).stdout == id)
        #expect(try Self.get(restarted.stdout.trimmingCharacters(in: .newlines)).contains("hello from busybox"))
        #expect(try engineCall(["exec", name, "busybox", "cat", "/etc/app/secrets.conf"]).stdout == secretFile)
    }

    @Test("a container that exits while starting fails fast with its logs")
    func exitsWhileStarting() throws {
        guard let setup = try Self.setup(.podman) else { return }
        let tmp = try Processes.temporaryFolder("openrun-e2e-exit")
        defer { try? FileManager.default.removeItem(atPath: tmp) }
        let src = tmp + "/src"
        try FileManager.default.createDirectory(atPath: src, withIntermediateDirectories: true)
        try Data("""
        FROM localhost/openrun-test-busybox:latest
        EXPOSE 8080
        CMD ["sh", "-c", "echo boom: cannot open the database >&2; exit 3"]

        """.utf8).write(to: URL(fileURLWithPath: src + "/Containerfile"))
        let built = try Processes.run(OpenrunBinary.url.path, ["build", src, "/e2e-exit-\(UUID().uuidString.prefix(8).lowercased())", "--spec", "container", "-o", tmp + "/dist"])
        try #require(built.status == 0, "\(built.stderr)")
        var env = setup.environment
        env["OPENRUN_ENGINE"] = "podman"
        let slug = try #require(try FileManager.default.contentsOfDirectory(atPath: tmp + "/dist/docker").first)
        let script = tmp + "/dist/docker/\(slug)/run.sh"
        defer { _ = try? Processes.run(script, ["remove"], environment: env) }
        let started = Date()
        let r = try Processes.run(script, ["start"], environment: env)
        #expect(r.status == 1)
        #expect(r.stderr.contains("exited while starting"), "\(r.stderr)")
        #expect(r.stderr.contains("boom: cannot open the database"), "\(r.stderr)")
        #expect(Date().timeIntervalSince(started) < 30)
    }
}
