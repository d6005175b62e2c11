import Foundation
import IR
import TestSupport
import Testing
@testable import Backends

/// The kustomize directory of every golden IR case (every bundled spec with
/// its fixture app), compared with `golden/kubernetes/<case>/`.
@Suite("Kubernetes golden manifests")
struct KubernetesGoldenTests {
    /// The options every golden case is built with: a registry, a namespace and
    /// an nginx Ingress, so that every object kind shows up somewhere.
    static let options = KubernetesBackend.Options(registry: "registry.example.com/apps", namespace: "apps", ingressClass: "nginx")

    /// Every golden IR case, then the cases below.
    static var cases: [String] { GoldenIR.cases + extraCases.keys.sorted() }
    /// Golden IR changed to show what no bundled spec asks for: a cl_secret
    /// file copying a secret (the init container), resources and an autoscaler.
    static let extraCases: [String: @Sendable () throws -> AppIR] = [
        "x-container-secret-file-hpa": {
            var ir = try KubernetesEmitTests.secretFileApp()
            ir.container!.resources = Resources(cpuMillis: 250, memoryBytes: 256 << 20, minReplicas: 2, maxReplicas: 6)
            return ir
        },
    ]

    /// The IR of a case: golden IR, or an extra case's.
    static func ir(_ name: String) throws -> AppIR {
        if let make = extraCases[name] { return try make() }
        return try GoldenIR.load(name)
    }
    /// Cases with an error for this backend: `busybox-hostile` mixes text and a
    /// secret in one env value (`kubernetes.mixed-secret`).
    static let rejectedCases: Set<String> = ["busybox-hostile"]
    /// The cases that produce a directory.
    static var builtCases: [String] { cases.filter { !rejectedCases.contains($0) } }

    @Test("artifacts match golden/kubernetes/<case>/", arguments: cases)
    func golden(_ name: String) throws {
        let ir = try Self.ir(name)
        let diagnostics = Diagnostics()
        let artifacts = KubernetesBackend.artifacts(for: ir, options: Self.options, diagnostics: diagnostics)
        // A case the backend rejects has only diagnostics.txt as its golden.
        #expect((artifacts == nil) == Self.rejectedCases.contains(name), "\(diagnostics.rendered)")
        let files = GoldenIR.files(artifacts, diagnostics: diagnostics)
        try Golden.check(files, against: "golden/kubernetes/\(name)")
    }

    @Test("every case has a kubernetes golden folder and no other folder exists")
    func everyCaseCovered() throws {
        let dir = Golden.repositoryRoot.appendingPathComponent("golden/kubernetes")
        let folders = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        #expect(Set(folders) == Set(Self.cases))
    }
}
