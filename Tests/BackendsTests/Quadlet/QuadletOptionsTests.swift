import Backends
import Foundation
import IR
import EngineTestSupport
import Testing

@Suite("quadlet backend: options")
struct QuadletOptionsTests {
    static func files(_ name: String, _ configure: (inout QuadletBackend.Options) -> Void) throws -> [String: String] {
        var options = QuadletBackend.Options()
        configure(&options)
        let artifacts = try #require(QuadletBackend.artifacts(for: try GoldenIR.load(name), options: options, diagnostics: Diagnostics()))
        var out: [String: String] = [:]
        for a in artifacts { if case .file(let b, _) = a.content { out[a.path] = String(decoding: b, as: UTF8.self) } }
        return out
    }

    @Test("scale to zero off: no socket or proxy, the container restarts on failure and starts at boot")
    func scaleToZeroOff() throws {
        let f = try Self.files("python-flask") { $0.scaleToZero = false }
        #expect(f["hello.socket"] == nil && f["hello-proxy.service"] == nil)
        let unit = try #require(f["hello.container"])
        #expect(!unit.contains("StopWhenUnneeded"))
        #expect(unit.contains("Restart=on-failure"))
        #expect(unit.contains("[Install]\nWantedBy=default.target"))
        #expect(f["README"]?.contains("systemctl start hello.service") == true)
    }

    @Test("listen, host port, idle timeout and app URL reach the units")
    func ports() throws {
        let f = try Self.files("python-flask") {
            $0.listen = "127.0.0.1:9000"; $0.hostPort = 19000; $0.idleTimeoutSeconds = 42; $0.appURL = "https://apps.example/x"
        }
        #expect(f["hello.socket"]?.contains("ListenStream=127.0.0.1:9000\n") == true)
        #expect(f["hello.container"]?.contains("PublishPort=127.0.0.1:19000:5000\n") == true)
        #expect(f["hello.container"]?.contains("Environment=CL_APP_URL=https://apps.example/x\n") == true)
        #expect(f["hello-proxy.service"]?.contains("--exit-idle-time=42s 127.0.0.1:19000\n") == true)
    }

    @Test("default ports are deterministic and in their ranges", arguments: GoldenIR.cases)
    func defaultPorts(_ name: String) throws {
        let f = try Self.files(name) { _ in }
        for (path, text) in f where path.hasSuffix(".socket") {
            let port = try #require(text.split(separator: "\n").first { $0.hasPrefix("ListenStream=") }.flatMap { Int($0.dropFirst("ListenStream=".count)) })
            #expect((20000..<30000).contains(port))
        }
        #expect(try Self.files(name) { _ in } == f)
    }

    @Test("no secret value and no absolute host path of the build appears in any unit", arguments: GoldenIR.cases)
    func noSecretValues(_ name: String) throws {
        for (path, text) in try Self.files(name, { _ in }) where path != "README" {
            #expect(!text.contains("{{secret"), "\(path)")
            #expect(!text.contains(Engine.repositoryRootPath), "\(path)")
        }
    }

    @Test("a bad --listen or --host-port is a located error", arguments: [("x", 30001), ("127.0.0.1:70000", 30001), ("8080", 0)])
    func badPorts(_ listen: String, _ hostPort: Int) throws {
        var options = QuadletBackend.Options()
        options.listen = listen
        options.hostPort = hostPort
        let diags = Diagnostics()
        #expect(QuadletBackend.artifacts(for: try GoldenIR.load("python-flask"), options: options, diagnostics: diags) == nil)
        #expect(diags.errors.map(\.id) == ["quadlet.bad-port"])
    }
}
