import Backends
import EngineTestSupport
import Foundation
import IR
import Testing

/// Podman's own quadlet generator (5.4, `quadlet -dryrun`) accepts every
/// generated folder, and `systemd-analyze verify` accepts the services it
/// generates plus our socket and proxy units.
@Suite("quadlet backend: quadlet -dryrun and systemd-analyze verify")
struct QuadletValidationTests {
    static var enabled: Bool {
        Engine.inCI || (FileManager.default.isExecutableFile(atPath: Engine.quadletGenerator.path) && Command.exists("systemd-analyze"))
    }

    /// Writes the file artifacts of one case into a fresh folder (build contexts as empty folders).
    static func write(_ name: String) throws -> URL {
        let ir = try GoldenIR.load(name)
        let artifacts = try #require(QuadletBackend.artifacts(for: ir, options: .init(), diagnostics: Diagnostics()))
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("openrun-quadlet-\(name)-\(UUID().uuidString)")
        for a in artifacts {
            let url = dir.appendingPathComponent("units").appendingPathComponent(a.path)
            switch a.content {
            case .file(let bytes, _):
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(bytes).write(to: url)
            case .buildContext:
                try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
            }
        }
        return dir
    }

    @Test("quadlet -dryrun accepts the folder", .enabled(if: enabled), arguments: GoldenIR.cases)
    func dryrun(_ name: String) throws {
        let dir = try Self.write(name)
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try Command.run([Engine.quadletGenerator.path, "-dryrun"],
                                environment: ["QUADLET_UNIT_DIRS": dir.appendingPathComponent("units").path])
        #expect(r.status == 0, "\(r.stderr)")
        let problems = r.stderr.split(separator: "\n").filter {
            ($0.contains("rror") || $0.contains("unsupported") || $0.contains("converting")) && !$0.contains("not a fully qualified image name")
        }
        #expect(problems.isEmpty, "\(r.stderr)")
    }

    @Test("systemd-analyze verify accepts the generated services, socket and proxy", .enabled(if: enabled), arguments: GoldenIR.cases)
    func verify(_ name: String) throws {
        let dir = try Self.write(name)
        defer { try? FileManager.default.removeItem(at: dir) }
        let units = dir.appendingPathComponent("units"), gen = dir.appendingPathComponent("generated")
        try FileManager.default.createDirectory(at: gen, withIntermediateDirectories: true)
        try Command.check([Engine.quadletGenerator.path, gen.path], environment: ["QUADLET_UNIT_DIRS": units.path])
        for f in try FileManager.default.contentsOfDirectory(atPath: units.path) where f.hasSuffix(".socket") || f.hasSuffix(".service") {
            try FileManager.default.copyItem(at: units.appendingPathComponent(f), to: gen.appendingPathComponent(f))
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: gen.path).filter { $0.hasSuffix(".service") || $0.hasSuffix(".socket") }.sorted()
        guard !files.isEmpty else { return }  // an app with no container: nothing to verify
        let r = try Command.run(["systemd-analyze", "verify", "--man=no"] + files, currentDirectory: gen)
        #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stdout)\(r.stderr)")
    }
}
