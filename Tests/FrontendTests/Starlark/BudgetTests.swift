import Foundation
import Testing

/// The evaluation budget seen through the CLI. Kept out of the serialized
/// corpus suite because, in a debug build, tripping the default budget of
/// 100M steps takes ~30 s of CPU; here it runs alongside the other suites.
/// (Runaway recursion is covered by `Tests/Fixtures/starlark/budget.star`.)
@Suite("Starlark budget")
struct BudgetTests {
    @Test("a runaway while loop ends in a located budget error, not a hang")
    func runawayLoopEndsInBudgetError() throws {
        let bin = ProcessRunner.openrun
        try #require(FileManager.default.isExecutableFile(atPath: bin.path), "openrun binary missing at \(bin.path)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("openrun-budget-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "def forever():\n    while True:\n        pass\nforever()\n".write(to: dir.appendingPathComponent("loop.star"), atomically: true, encoding: .utf8)
        // The default budget (100M steps) takes ~30 s of CPU in a debug build.
        let r = try ProcessRunner.run(bin, ["starlark", "--enable", "while", "loop.star"], in: dir, timeout: 240)
        #expect(!r.timedOut && !r.signaled, "\(r.stderr)")
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("loop.star:2:5: "), "\(r.stderr)")
        #expect(r.stderr.contains("too many steps"), "\(r.stderr)")
    }
}
