import Foundation
import Testing

@Suite("Interrupted runs")
struct InterruptTests {
    @Test("SIGTERM during a compile removes the extracted archive folder and the process dies of the signal")
    func cleanupOnSignal() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("openrun-interrupt-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let tmp = root.appendingPathComponent("tmp"), src = root.appendingPathComponent("src")
        try FileManager.default.createDirectory(at: tmp, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: src, withIntermediateDirectories: true)
        // Slow enough that the signal arrives while app.star runs.
        try """
        def slow():
            for i in range(100000):
                y = sorted(range(20000), reverse = True)
            return 1
        v = slow()
        app = ace.app("x")
        """.write(to: src.appendingPathComponent("app.star"), atomically: true, encoding: .utf8)
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/bin/sh")
        tar.arguments = ["-c", "tar czf app.tar.gz -C src app.star"]
        tar.currentDirectoryURL = root
        try tar.run()
        tar.waitUntilExit()
        try #require(tar.terminationStatus == 0)
        let p = Process()
        p.executableURL = OpenrunBinary.url
        p.arguments = ["inspect", "ir", root.appendingPathComponent("app.tar.gz").path]
        p.environment = ProcessInfo.processInfo.environment.merging(["TMPDIR": tmp.path]) { _, new in new }
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        func temporaryFolders() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: tmp.path)) ?? []).filter { $0.hasPrefix("openrun-") }
        }
        var waited = 0.0
        while temporaryFolders().isEmpty && p.isRunning && waited < 30 {
            Thread.sleep(forTimeInterval: 0.05)
            waited += 0.05
        }
        try #require(!temporaryFolders().isEmpty, "the compile never extracted the archive")
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        #expect(p.terminationReason == .uncaughtSignal)
        #expect(p.terminationStatus == SIGTERM)
        #expect(temporaryFolders().isEmpty, "left behind: \(temporaryFolders())")
    }
}
