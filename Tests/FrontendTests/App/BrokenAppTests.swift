@testable import Frontend
import Foundation
import IR
import TestSupport
import Testing

/// Broken apps and flags, each with the exact diagnostics a user sees.
///
/// A case is a folder `Tests/Fixtures/broken/<case>/`: the app's own files
/// (used as the source), an optional `args` file (one flag per line:
/// `--param k=v`, `--carg`, `--copt`, `--cvol`, `--spec NAME`, `app-path P`),
/// and `expected.txt`, the rendered diagnostics (UPDATE_GOLDEN=1 rewrites it).
@Suite("Broken apps report exact diagnostics")
struct BrokenAppTests {
    static let root = "Tests/Fixtures/broken"

    static var cases: [String] {
        let dir = Golden.repositoryRoot.appendingPathComponent(root)
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
    }

    @Test("diagnostics match expected.txt, the compile fails, nothing is half-done", arguments: cases)
    func brokenCase(_ name: String) throws {
        let folder = "\(Self.root)/\(name)"
        var r = AppCompiler.Request(source: folder, workingDirectory: Golden.repositoryRoot.path,
                                    environment: ["HOME": "/nonexistent", "OPENRUN_CACHE_DIR": NSTemporaryDirectory() + "openrun-test-cache"])
        r.maxSteps = 200_000
        let argsURL = Golden.repositoryRoot.appendingPathComponent("\(folder)/args")
        if let args = try? String(contentsOf: argsURL, encoding: .utf8) {
            for line in args.split(separator: "\n") {
                let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { Issue.record("bad args line: \(line)"); continue }
                switch parts[0] {
                case "--param": r.params.append(parts[1])
                case "--carg": r.buildArgs.append(parts[1])
                case "--copt": r.containerOptions.append(parts[1])
                case "--cvol": r.volumes.append(parts[1])
                case "--spec": r.spec = parts[1]
                case "app-path": r.appPath = parts[1]
                default: Issue.record("unknown flag in args: \(line)")
                }
            }
        }
        let diags = Diagnostics()
        let compiled = AppCompiler.compile(r, into: diags)
        compiled?.cleanup()
        #expect(compiled == nil, "a broken app must not compile")
        #expect(diags.hasErrors)
        try Golden.check(["expected.txt": diags.rendered + "\n"], against: folder, exclusive: false)
    }
}
