import Backends
import Foundation
import IR
import TestSupport
import Testing

@Suite("docker backend: golden files")
struct DockerGoldenTests {
    @Test("plan.json and run.sh match golden/docker/<case>/", arguments: GoldenIR.cases)
    func golden(_ name: String) throws {
        let ir = try GoldenIR.load(name)
        let diags = Diagnostics()
        let artifacts = DockerBackend.artifacts(for: ir, options: .init(), diagnostics: diags)
        #expect(artifacts != nil, "\(diags.rendered)")
        try Golden.check(GoldenIR.files(artifacts, diagnostics: diags), against: "golden/docker/\(name)")
    }

    @Test("the same IR gives the same bytes, and plan.json reads back as the same plan", arguments: GoldenIR.cases)
    func deterministic(_ name: String) throws {
        let ir = try GoldenIR.load(name)
        let a = DockerBackend.artifacts(for: ir, options: .init(), diagnostics: Diagnostics())
        let b = DockerBackend.artifacts(for: try GoldenIR.load(name), options: .init(), diagnostics: Diagnostics())
        #expect(a == b)
        let model = try #require(DockerBackend.emit(ir, options: .init(), diagnostics: Diagnostics()))
        #expect(try ExecutionPlan.decodeJSON(model.plan.encodeJSON()) == model.plan)
    }

    @Test("every golden IR case has a docker golden folder")
    func everyCase() {
        let folders = Set((try? FileManager.default.contentsOfDirectory(atPath: Golden.repositoryRoot.appendingPathComponent("golden/docker").path)) ?? [])
        #expect(folders == Set(GoldenIR.cases))
    }
}
