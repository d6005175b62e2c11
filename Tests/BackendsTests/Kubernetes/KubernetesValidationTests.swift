import Foundation
import IR
import TestSupport
import Testing
@testable import Backends

/// Real tooling accepts every generated directory: `kubectl kustomize` builds
/// it, and `kubernetes-validate --strict` checks the built objects and every
/// resource file against the API schemas of `kubernetesVersion`.
@Suite("Kubernetes manifests pass kubectl kustomize and kubernetes-validate")
struct KubernetesValidationTests {
    /// The API version manifests are checked against: kubectl's here (v1.32).
    static let kubernetesVersion = "1.32.0"

    @Test("kubectl kustomize and kubernetes-validate --strict accept the directory", arguments: KubernetesGoldenTests.builtCases)
    func validates(_ name: String) throws {
        let dir = try KubernetesDirectory.write(name, options: KubernetesGoldenTests.options)
        defer { try? FileManager.default.removeItem(at: dir) }
        let kubectl = try #require(Tools.kubectl, "kubectl (with kustomize) is not installed; see DESIGN.md")
        let built = try runProcess(kubectl, ["kustomize", dir.path])
        try #require(built.status == 0, "kubectl kustomize failed:\n\(built.stderr)")
        let builtFile = dir.deletingLastPathComponent().appendingPathComponent("\(dir.lastPathComponent)-built.yaml")
        try built.stdout.write(to: builtFile)
        defer { try? FileManager.default.removeItem(at: builtFile) }

        let validate = try #require(Tools.kubernetesValidate, "kubernetes-validate is not installed: run dev/setup")
        let resources = try Kustomization.resourceFiles(in: dir)
        let files = [builtFile.path] + resources.map { dir.appendingPathComponent($0).path }
        let result = try runProcess(validate, ["--strict", "--quiet", "-k", Self.kubernetesVersion] + files)
        #expect(result.status == 0, "kubernetes-validate --strict failed:\n\(String(decoding: result.stdout, as: UTF8.self))\(result.stderr)")
        #expect(!String(decoding: result.stdout, as: UTF8.self).contains("ERROR"))
    }
}

/// One case's artifacts written to a temporary directory, as the CLI would.
enum KubernetesDirectory {
    static func write(_ name: String, options: KubernetesBackend.Options) throws -> URL {
        let ir = try KubernetesGoldenTests.ir(name)
        let diagnostics = Diagnostics()
        let artifacts = try #require(KubernetesBackend.artifacts(for: ir, options: options, diagnostics: diagnostics), "\(diagnostics.rendered)")
        return try write(artifacts, label: name)
    }

    static func write(_ artifacts: [Artifact], label: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("openrun-k8s-\(label)-\(UUID().uuidString)")
        for artifact in artifacts {
            guard case let .file(bytes, _) = artifact.content else { continue }
            let url = dir.appendingPathComponent(artifact.path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
        return dir
    }
}

extension Kustomization {
    /// The `resources` a written kustomization.yaml lists (read back with PyYAML).
    static func resourceFiles(in dir: URL) throws -> [String] {
        let bytes = try [UInt8](Data(contentsOf: dir.appendingPathComponent("kustomization.yaml")))
        guard case let .mapping(root)? = try PyYAML.loadAll(bytes).first, case let .sequence(items)? = root["resources"] else { return [] }
        return items.compactMap { if case let .scalar(.string(s, _)) = $0 { s } else { nil } }
    }
}

/// External validators.
enum Tools {
    /// `kubectl` on PATH (v1.32 ships kustomize v5.5).
    static var kubectl: String? { which("kubectl") }

    /// `kubernetes-validate` beside the test Python (the venv), else on PATH.
    static var kubernetesValidate: String? {
        if let python = TestPaths.python {
            let candidate = URL(fileURLWithPath: python).deletingLastPathComponent().appendingPathComponent("kubernetes-validate").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return which("kubernetes-validate")
    }

    static func which(_ program: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
