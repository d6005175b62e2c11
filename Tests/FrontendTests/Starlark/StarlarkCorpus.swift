import Foundation

/// The chunked Starlark test corpus in `Tests/Fixtures/starlark/` (format
/// documented in `Tests/Fixtures/starlark/run_reference.py`, which validates
/// the same files against go.starlark.net).
///
/// * Chunks are separated by a line that is exactly `---`; each chunk is a
///   separate program, keeping the line numbers of the whole file.
/// * `### "regex"` at the end of a line: that line must fail with a message
///   matching the regex (a JSON-style double-quoted string).
/// * `# option:NAME ...` on the first line of the file (all chunks) or of a
///   chunk (that chunk) enables `--enable NAME`.
enum StarlarkCorpus {
    /// Root of the package, found from this file's path.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Starlark
        .deletingLastPathComponent()  // FrontendTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    /// `Tests/Fixtures/starlark`.
    static let directory: URL = packageRoot.appendingPathComponent("Tests/Fixtures/starlark")

    /// The dialect features `openrun starlark --enable` accepts.
    static let features: Set<String> = ["set", "while", "recursion", "toplevelcontrol", "globalreassign", "loadbindsglobally"]

    /// Every corpus file name (not the helper `assert.star`), sorted.
    static func fileNames() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".star") && $0 != "assert.star" }.sorted()
    }

    /// One program of a corpus file.
    struct Chunk: Sendable, CustomStringConvertible {
        /// File name, e.g. `int.star`.
        var file: String
        /// 0-based index of the chunk's first line in the file.
        var start: Int
        var lines: [String]
        var options: [String]
        /// Expected errors: 1-based file line → regex source.
        var want: [Int: String]

        var description: String { "\(file):\(start + 1)" }

        /// The chunk's text padded with blank lines so line numbers match the file.
        var paddedSource: String {
            String(repeating: "\n", count: start) + lines.joined(separator: "\n") + "\n"
        }

        /// True when the chunk has nothing but comments and blank lines.
        var isEmpty: Bool {
            lines.allSatisfy { $0.trimmingCharacters(in: .whitespaces).isEmpty || $0.trimmingCharacters(in: .whitespaces).hasPrefix("#") }
        }
    }

    enum CorpusError: Error, CustomStringConvertible {
        case badPattern(String, Int, String)
        var description: String {
            switch self {
            case let .badPattern(file, line, text): "\(file):\(line): cannot read ### pattern \(text) (want a double-quoted string)"
            }
        }
    }

    static func options(in line: String) -> [String] {
        guard line.trimmingCharacters(in: .whitespaces).hasPrefix("#") else { return [] }
        var found: [String] = []
        var rest = Substring(line)
        while let r = rest.range(of: "option:") {
            let name = rest[r.upperBound...].prefix { $0.isLetter }
            if features.contains(String(name)), !found.contains(String(name)) { found.append(String(name)) }
            rest = rest[r.upperBound...]
        }
        return found
    }

    /// Splits a corpus file into its chunks.
    static func chunks(of file: String) throws -> [Chunk] {
        let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
        var all = text.components(separatedBy: "\n")
        if all.last == "" { all.removeLast() }
        let fileOptions = all.first.map(options(in:)) ?? []
        var result: [Chunk] = []
        var start = 0
        for i in 0...all.count where i == all.count || all[i] == "---" {
            let lines = Array(all[start..<i])
            var opts = fileOptions
            for o in options(in: lines.first ?? "") where !opts.contains(o) { opts.append(o) }
            var want: [Int: String] = [:]
            for (k, line) in lines.enumerated() {
                guard let r = line.range(of: "###") else { continue }
                let quoted = line[r.upperBound...].trimmingCharacters(in: .whitespaces)
                guard let pattern = try? JSONDecoder().decode(String.self, from: Data(quoted.utf8)) else {
                    throw CorpusError.badPattern(file, start + k + 1, quoted)
                }
                want[start + k + 1] = pattern
            }
            result.append(Chunk(file: file, start: start, lines: lines, options: opts, want: want))
            start = i + 1
        }
        return result.filter { !$0.isEmpty }
    }
}
