import Foundation
import Testing

/// Finds the Containerfile fixtures and runs BuildKit's parser (through the
/// PyPI `dockerfile` package) on a batch of texts in one Python process.
enum ContainerfileFixtures {
    /// `<repo>/Tests/Fixtures/containerfile`.
    static var root: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("Fixtures/containerfile")
    }

    static var repoRoot: URL {
        root.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// The real-world Containerfiles: (file name, text), sorted by name.
    static func realWorld() throws -> [(String, String)] {
        let dir = root.appendingPathComponent("real")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".Containerfile") }.sorted()
        return try names.map { ($0, try String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8)) }
    }

    /// The generated corpus of tricky Containerfiles.
    static func tricky() throws -> [String] {
        let data = try Data(contentsOf: root.appendingPathComponent("tricky/generated.json"))
        return try JSONDecoder().decode([String].self, from: data)
    }

    struct OracleError: Error, CustomStringConvertible {
        var description: String
    }

    /// The Python interpreter with the reference implementations: `OPENRUN_PYTHON`
    /// or `<repo>/.venv/bin/python`.
    static func python() throws -> String {
        let env = ProcessInfo.processInfo.environment["OPENRUN_PYTHON"]
        let candidates = [env, repoRoot.appendingPathComponent(".venv/bin/python").path].compactMap { $0 }
        for c in candidates where FileManager.default.isExecutableFile(atPath: c) { return c }
        throw OracleError(description: "no Python with the `dockerfile` package: set OPENRUN_PYTHON or run dev/setup (looked at \(candidates))")
    }

    /// One command as the `dockerfile` package reports it.
    struct Command: Codable, Equatable, CustomStringConvertible {
        struct Heredoc: Codable, Equatable {
            var name: String
            /// As the package reports it: a C int, so UInt64.max shows as -1.
            var fd: Int
            var content: String
        }
        var cmd: String
        var sub_cmd: String?
        var json: Bool
        var original: String
        var start_line: Int
        var end_line: Int
        var flags: [String]
        var value: [String]
        var heredocs: [Heredoc]

        var description: String {
            let data = (try? JSONEncoder().encode(self)) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
    }

    /// BuildKit's verdict on one text.
    struct Verdict: Codable {
        var ok: [Command]?
        var error: String?
        var undecodable: Bool?
    }

    /// Parses every text with BuildKit in one Python process.
    static func buildkit(_ texts: [String]) throws -> [Verdict] {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: try python())
        p.arguments = [root.appendingPathComponent("buildkit_oracle.py").path]
        let input = Pipe(), output = Pipe(), err = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = err
        try p.run()
        let payload = try JSONEncoder().encode(texts)
        // Write on a background thread so a full output pipe cannot deadlock us.
        let writer = Thread {
            input.fileHandleForWriting.write(payload)
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let errText = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw OracleError(description: "buildkit_oracle.py failed (\(p.terminationStatus)): \(errText)")
        }
        let verdicts = try JSONDecoder().decode([Verdict].self, from: out)
        guard verdicts.count == texts.count else { throw OracleError(description: "oracle returned \(verdicts.count) results for \(texts.count) inputs") }
        return verdicts
    }
}
