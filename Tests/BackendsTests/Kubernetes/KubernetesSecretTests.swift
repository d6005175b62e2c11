import Foundation
import IR
import TestSupport
import Testing
@testable import Backends

/// No secret value ever reaches a manifest: secret params become
/// `secretKeyRef`s, and cl_secret files whose params hold secrets are left to
/// a Secret the operator creates.
@Suite("Kubernetes manifests hold no secret values")
struct KubernetesSecretTests {
    /// Values a test environment gives every secret the golden IR references
    /// (under the key and under its environment variable name).
    static func secretEnvironment(for ir: AppIR) -> [String: String] {
        var env: [String: String] = [:]
        for variable in ir.container?.env ?? [] {
            for reference in variable.value.secrets {
                let value = "s3cr3t-\(reference.key)-\(Naming.shortHash(reference.key))"
                env[reference.key] = value
                env[reference.environmentName] = value
            }
        }
        return env
    }

    @Test("no secret value from the environment appears in any file", arguments: KubernetesGoldenTests.builtCases)
    func noSecretValues(_ name: String) throws {
        let ir = try KubernetesGoldenTests.ir(name)
        var environment = ProcessInfo.processInfo.environment.filter { key, value in
            value.count >= 8 && ir.container?.env.contains { $0.value.secrets.contains { $0.key == key || $0.environmentName == key } } == true
        }
        environment.merge(Self.secretEnvironment(for: ir)) { a, _ in a }
        let diagnostics = Diagnostics()
        let artifacts = try #require(KubernetesBackend.artifacts(for: ir, options: KubernetesGoldenTests.options, diagnostics: diagnostics))
        for artifact in artifacts {
            guard case let .file(bytes, _) = artifact.content else { continue }
            let text = String(decoding: bytes, as: UTF8.self)
            for (key, value) in environment {
                #expect(!text.contains(value), "\(artifact.path) holds the value of secret \(key)")
            }
        }
    }

    @Test func secretParamsBecomeSecretKeyRefs() throws {
        let ir = try GoldenIR.load("python-streamlit")
        let model = try #require(KubernetesBackend.emit(ir, options: .init(), diagnostics: Diagnostics()))
        let env = try #require(model.deployment?.template.spec.containers.first?.env)
        #expect(env.first { $0.name == "db_password" }?.source == .secretKeyRef(name: "streamlit-app-8ad7d17a-secrets", key: "DB_PASSWORD"))
    }
}
