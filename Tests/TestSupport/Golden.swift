import Foundation
import Testing

/// Golden files: expected output checked in under `golden/<kind>/<case>/`.
///
/// `check` compares generated files with the golden folder and records a
/// unified diff on mismatch. With `UPDATE_GOLDEN=1` it rewrites the folder
/// (atomically per file, removing stale files) and still records one issue,
/// so an update run never passes as green.
package enum Golden {
    /// The repository root, found from this file's path.
    package static var repositoryRoot: URL { Repository.root }

    package static var updating: Bool { ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" }

    /// `exclusive`: the folder holds only golden files, so files not generated
    /// are stale (reported; removed on update). Pass false for folders that
    /// also hold a case's inputs.
    package static func check(_ files: [String: String], against folder: String, exclusive: Bool = true,
                      sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let dir = repositoryRoot.appendingPathComponent(folder)
        let fm = FileManager.default
        if updating {
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
            for path in existingFiles(in: dir) where exclusive && files[path] == nil {
                try fm.removeItem(at: dir.appendingPathComponent(path))
            }
            for (path, text) in files {
                let url = dir.appendingPathComponent(path)
                try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(text.utf8).write(to: url, options: .atomic)
            }
            Issue.record("UPDATE_GOLDEN=1: rewrote \(folder); run again without it", sourceLocation: sourceLocation)
            return
        }
        let expectedPaths = exclusive ? Set(existingFiles(in: dir)) : []
        for path in expectedPaths.subtracting(files.keys).sorted() {
            Issue.record("\(folder)/\(path) is in golden/ but was not generated (UPDATE_GOLDEN=1 to accept)", sourceLocation: sourceLocation)
        }
        for (path, text) in files.sorted(by: { $0.key < $1.key }) {
            let url = dir.appendingPathComponent(path)
            guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
                Issue.record("\(folder)/\(path) is missing (UPDATE_GOLDEN=1 swift test to create it)", sourceLocation: sourceLocation)
                continue
            }
            if expected != text {
                Issue.record("\(folder)/\(path) differs (UPDATE_GOLDEN=1 to accept):\n\(unifiedDiff(expected: url, actual: text))", sourceLocation: sourceLocation)
            }
        }
    }

    package static func existingFiles(in dir: URL) -> [String] {
        guard let e = FileManager.default.enumerator(at: dir, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var out: [String] = []
        let base = dir.standardizedFileURL.path + "/"
        for case let url as URL in e where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
            out.append(String(url.standardizedFileURL.path.dropFirst(base.count)))
        }
        return out.sorted()
    }

    package static func unifiedDiff(expected: URL, actual: String) -> String {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("openrun-golden-\(UUID().uuidString)")
        try? Data(actual.utf8).write(to: tmp)
        defer { try? FileManager.default.removeItem(at: tmp) }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/diff")
        p.arguments = ["-u", expected.path, tmp.path]
        let pipe = Pipe()
        p.standardOutput = pipe
        try? p.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
