import Foundation
import IR
import Testing
@testable import Backends

/// The kustomize directory of every golden IR case (every bundled spec with
/// its fixture app), compared with `golden/kubernetes/<case>/`.
@Suite("Kubernetes golden manifests")
struct KubernetesGoldenTests {
    /// The options every golden case is built with: a registry, a namespace and
    /// an nginx Ingress, so that every object kind shows up somewhere.
    static let options = KubernetesBackend.Options(registry: "registry.example.com/apps", namespace: "apps", ingressClass: "nginx")

    static var cases: [String] { GoldenIR.cases }

    @Test("artifacts match golden/kubernetes/<case>/", arguments: cases)
    func golden(_ name: String) throws {
        let ir = try GoldenIR.load(name)
        let diagnostics = Diagnostics()
        let artifacts = try #require(KubernetesBackend.artifacts(for: ir, options: Self.options, diagnostics: diagnostics),
                                     "\(diagnostics.rendered)")
        var files: [String: String] = [:]
        for artifact in artifacts {
            guard case let .file(bytes, _) = artifact.content else {
                Issue.record("\(artifact.path): the kubernetes backend writes files only")
                continue
            }
            files[artifact.path] = String(decoding: bytes, as: UTF8.self)
        }
        try Golden.check(files, against: "golden/kubernetes/\(name)")
    }

    @Test("every golden IR case has a kubernetes golden folder and no other folder exists")
    func everyCaseCovered() throws {
        let dir = Golden.repositoryRoot.appendingPathComponent("golden/kubernetes")
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        #expect(Set(folders) == Set(Self.cases))
    }
}

/// The golden IR of `golden/ir/<case>/ir.json`: backend tests start from it, no frontend involved.
enum GoldenIR {
    static var cases: [String] {
        let dir = Golden.repositoryRoot.appendingPathComponent("golden/ir")
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
    }

    static func load(_ name: String) throws -> AppIR {
        let url = Golden.repositoryRoot.appendingPathComponent("golden/ir/\(name)/ir.json")
        return try AppIR.decodeJSON(Data(contentsOf: url))
    }
}
