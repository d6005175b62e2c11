import Backends
import Foundation
import IR
import TestSupport
import Testing

@Suite("quadlet backend: golden files")
struct QuadletGoldenTests {
    @Test("units and README match golden/quadlet/<case>/", arguments: GoldenIR.cases)
    func golden(_ name: String) throws {
        let ir = try GoldenIR.load(name)
        let diags = Diagnostics()
        let artifacts = QuadletBackend.artifacts(for: ir, options: .init(), diagnostics: diags)
        #expect(artifacts != nil, "\(diags.rendered)")
        try Golden.check(GoldenIR.files(artifacts, diagnostics: diags), against: "golden/quadlet/\(name)")
    }

    @Test("the same IR gives the same bytes", arguments: GoldenIR.cases)
    func deterministic(_ name: String) throws {
        let a = QuadletBackend.artifacts(for: try GoldenIR.load(name), options: .init(), diagnostics: Diagnostics())
        let b = QuadletBackend.artifacts(for: try GoldenIR.load(name), options: .init(), diagnostics: Diagnostics())
        #expect(a == b)
    }

    @Test("every golden IR case has a quadlet golden folder")
    func everyCase() {
        let folders = Set((try? FileManager.default.contentsOfDirectory(atPath: Golden.repositoryRoot.appendingPathComponent("golden/quadlet").path)) ?? [])
        #expect(folders == Set(GoldenIR.cases))
    }
}
