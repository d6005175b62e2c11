import EngineTestSupport
import Foundation
import TestSupport
import Testing

/// For real: the manifests of the busybox fixture app (`Tests/Fixtures/apps/kube-e2e`:
/// Deployment with an init container, Service, PVC, a secret param as a
/// `secretKeyRef` and a cl_secret file using it) built with `openrun build
/// --target kubernetes`, run by `podman kube play` inside the systemd +
/// Podman 5 sandbox (`dev/sandbox`; the host's Podman 4.3 cannot run pods).
/// The test curls the app, checks that the secret env var, the assembled
/// file and the volume reached the container, and tears everything down.
@Suite("Kubernetes manifests run under podman kube play", .serialized,
       .enabled(if: Engine.sandboxTestsEnabled, "needs podman and debootstrap (dev/setup); always on in CI"))
struct KubernetesKubePlayTests {
    static let sandboxName = "openrun-kube-e2e"
    static let secretValue = "p@ss \"w0rd\" $HOME 'x' \\n ✓"

    @Test(.timeLimit(.minutes(10)))
    func busyboxAppServesSecretEnvFileAndVolume() throws {
        let fm = FileManager.default
        let work = fm.temporaryDirectory.appendingPathComponent("openrun-kubeplay-\(UUID().uuidString)")
        try fm.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: work) }

        // 1. Compile, as a user would; the secret is in the environment and must not reach a file.
        let openrun = TestPaths.root.appendingPathComponent(".build/debug/openrun").path
        try #require(fm.isExecutableFile(atPath: openrun), "build first: swift build --build-tests")
        let env = ["DB_PASSWORD": Self.secretValue]
        let dist = work.appendingPathComponent("dist")
        let build = try runProcess(openrun, [
            "build", "Tests/Fixtures/apps/kube-e2e", "/app", "--spec", "container", "--target", "kubernetes", "-o", dist.path,
            "--param", "app_name=KubeE2E", "--param", "db_password={{secret \"DB_PASSWORD\"}}",
            "--cvol", "cl_secret:config.tmpl:/etc/app/config.txt",
            "--registry", "localhost", "--init-image", "localhost/openrun-test-busybox:latest",
        ], in: TestPaths.root, environment: env)
        try #require(build.status == 0, "openrun build failed:\n\(build.stderr)")
        let app = dist.appendingPathComponent("kubernetes/app")
        for file in Golden.existingFiles(in: app) {
            let text = try String(contentsOf: app.appendingPathComponent(file), encoding: .utf8)
            #expect(!text.contains(Self.secretValue), "\(file) holds the secret value")
        }

        // 2. kustomize, and the Secret the operator creates.
        let kubectl = try #require(Tools.kubectl)
        let built = try runProcess(kubectl, ["kustomize", app.path])
        try #require(built.status == 0, "\(built.stderr)")
        let manifests = String(decoding: built.stdout, as: UTF8.self)
        let image = try #require(manifests.split(separator: "\n").lazy.compactMap { line -> String? in
            let t = line.trimmingCharacters(in: .whitespaces)
            return t.hasPrefix("image: localhost/app:") ? String(t.dropFirst("image: ".count)) : nil
        }.first, "no app image in the Deployment")
        let secret = try runProcess(kubectl, ["create", "secret", "generic", "app-secrets", "--from-literal=DB_PASSWORD=\(Self.secretValue)",
                                              "--dry-run=client", "-o", "yaml"])
        try #require(secret.status == 0, "\(secret.stderr)")
        try built.stdout.write(to: work.appendingPathComponent("app.yaml"))
        try secret.stdout.write(to: work.appendingPathComponent("secret.yaml"))

        // 3. The sandbox: build the image, play the Secret and the app.
        let sandbox = try Sandbox.up(name: Self.sandboxName)
        defer { sandbox.down() }
        try sandbox.exec(["mkdir", "-p", "/e2e/src"])
        try sandbox.copy(TestPaths.root.appendingPathComponent("Tests/Fixtures/apps/kube-e2e/."), to: "/e2e/src")
        try sandbox.copy(work.appendingPathComponent("app.yaml"), to: "/e2e/app.yaml")
        try sandbox.copy(work.appendingPathComponent("secret.yaml"), to: "/e2e/secret.yaml")
        try sandbox.exec(["podman", "build", "--quiet", "--tag", image, "/e2e/src"])
        try sandbox.exec(["podman", "kube", "play", "/e2e/secret.yaml"])
        defer {
            _ = try? sandbox.run(["podman", "kube", "down", "/e2e/app.yaml"])
            _ = try? sandbox.run(["podman", "secret", "rm", "app-secrets"])
        }
        try sandbox.exec(["podman", "kube", "play", "--publish", "18080:8080", "/e2e/app.yaml"])

        // 4. What reached the container.
        let envText = try poll(sandbox, "http://127.0.0.1:18080/env.txt")
        #expect(envText == Self.secretValue)
        #expect(try poll(sandbox, "http://127.0.0.1:18080/config.txt") == "password=\(Self.secretValue)\nname=KubeE2E\n")
        #expect(try !poll(sandbox, "http://127.0.0.1:18080/volume.txt").isEmpty)
    }

    /// GETs `url` inside the sandbox until it answers 200 (up to 60 s).
    func poll(_ sandbox: Sandbox, _ url: String) throws -> String {
        var last = ""
        for _ in 0..<120 {
            let r = try sandbox.run(["curl", "-fsS", "--max-time", "5", url])
            if r.status == 0 { return r.stdout }
            last = r.stderr
            Thread.sleep(forTimeInterval: 0.5)
        }
        throw PyYAML.Failure(description: "\(url) did not answer: \(last)")
    }
}
