import Foundation
import Testing

/// dev/gen-bundled-specs must turn any file into a Swift literal that
/// compiles back to the same bytes: this test generates the table for
/// tricky files, compiles it with swiftc into a small program that prints
/// every file as hex, and compares.
@Suite("Bundled spec encoding")
struct BundledSpecsEncodingTests {
    static let files: [(path: String, bytes: [UInt8], executable: Bool)] = [
        ("a.txt", Array("line1\n\"\"\"#\n##\"\"\"##\n\\#(x) \\(y) \\n\n  trailing  \n\ttab\n\"\"\"\n   \"\"\"##\n".utf8), false),
        ("nonl", Array("no newline at the end".utf8), false),
        ("empty", [], false),
        ("two-newlines", Array("\n\n".utf8), false),
        ("crlf.txt", Array("a\r\nb\r\n".utf8), false),
        ("binary", [0x00, 0xFF, 0xFE, 0x41, 0x0A], false),
        ("unicode.txt", Array("é ☃ 😀 ∑\n".utf8), false),
        ("separator.txt", Array("a\u{2028}b\n".utf8), false),
        ("run.sh", Array("#!/bin/sh\necho \"hi\"\n".utf8), true),
        ("dir/nested.txt", Array("nested\n".utf8), false),
    ]

    @Test("tricky files round-trip through the generated Swift literals")
    func roundTrip() throws {
        let fm = FileManager.default
        let tmp = fm.temporaryDirectory.appendingPathComponent("openrun-bundle-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: tmp) }
        let spec = tmp.appendingPathComponent("specs/tricky")
        for f in Self.files {
            let url = spec.appendingPathComponent(f.path)
            try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(f.bytes).write(to: url)
            try fm.setAttributes([.posixPermissions: f.executable ? 0o755 : 0o644], ofItemAtPath: url.path)
        }
        let gen = tmp.appendingPathComponent("gen")
        try fm.createDirectory(at: gen, withIntermediateDirectories: true)
        let out = try RepoPaths.run("/usr/bin/env", ["python3", "dev/gen-bundled-specs",
                                                      "--specs", tmp.appendingPathComponent("specs").path,
                                                      "--out", gen.appendingPathComponent("Gen.swift").path])
        #expect(out.status == 0, Comment(rawValue: out.output))
        let support = """
            import Foundation
            enum BundledSpecs {
                struct Spec { var name: String; var files: [Entry] }
                struct Entry { var path: String; var executable: Bool; var content: Content }
                enum Content { case text(String); case base64(String) }
            }
            """
        let main = """
            import Foundation
            for spec in BundledSpecs.table {
                for e in spec.files {
                    let bytes: [UInt8]
                    switch e.content {
                    case .text(let s): bytes = Array(s.utf8)
                    case .base64(let s): bytes = Array(Data(base64Encoded: s) ?? Data([0x21]))
                    }
                    print(spec.name + "/" + e.path, e.executable, bytes.map { String($0) }.joined(separator: ","))
                }
            }
            """
        try support.write(to: gen.appendingPathComponent("Support.swift"), atomically: true, encoding: .utf8)
        try main.write(to: gen.appendingPathComponent("main.swift"), atomically: true, encoding: .utf8)
        let exe = gen.appendingPathComponent("roundtrip").path
        let compile = try RepoPaths.run("/usr/bin/env", ["swiftc", "-Onone", "-o", exe,
                                                          gen.appendingPathComponent("Support.swift").path,
                                                          gen.appendingPathComponent("Gen.swift").path,
                                                          gen.appendingPathComponent("main.swift").path])
        #expect(compile.status == 0, Comment(rawValue: compile.output))
        let run = try RepoPaths.run(exe, [])
        #expect(run.status == 0)
        let expected = Self.files.sorted { Array($0.path.utf8).lexicographicallyPrecedes(Array($1.path.utf8)) }
            .map { "tricky/\($0.path) \($0.executable) \($0.bytes.map { String($0) }.joined(separator: ","))" }
        #expect(run.output.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init) == expected)
        // Text stays readable: only CR, NUL/invalid UTF-8 and U+2028 need base64.
        let generated = try String(contentsOf: gen.appendingPathComponent("Gen.swift"), encoding: .utf8)
        #expect(generated.components(separatedBy: ".base64(").count - 1 == 3)
    }
}
