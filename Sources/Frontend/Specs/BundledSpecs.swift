import Foundation
import IR

/// The app specs compiled into the `openrun` binary (`--spec NAME`).
///
/// The files come from `specs/<name>/` through `dev/gen-bundled-specs`, which
/// writes `BundledSpecs+Generated.swift`; nothing is looked up in the source
/// tree at run time. A test fails when the generated file is out of date.
package enum BundledSpecs {
    /// One file of a bundled spec.
    package struct File: Hashable, Sendable {
        /// The file's exact bytes.
        package var bytes: [UInt8]
        /// Whether the file is executable (written with mode 0755, else 0644).
        package var executable: Bool

        package init(bytes: [UInt8], executable: Bool) {
            self.bytes = bytes
            self.executable = executable
        }
    }

    /// A generated table row: one spec and its files.
    struct Spec: Sendable {
        var name: String
        var files: [Entry]
    }

    /// A generated table row: one file, as text or base64.
    struct Entry: Sendable {
        var path: String
        var executable: Bool
        var content: Content
    }

    /// How the generator stored a file: UTF-8 text, or base64 for other bytes.
    enum Content: Sendable {
        case text(String)
        case base64(String)

        var bytes: [UInt8] {
            switch self {
            case .text(let s): Array(s.utf8)
            case .base64(let s): Array(Data(base64Encoded: s) ?? Data())
            }
        }
    }

    /// Names of the bundled specs, sorted.
    package static var names: [String] { table.map(\.name) }

    /// Whether `name` is a bundled spec.
    package static func contains(_ name: String) -> Bool {
        table.contains { $0.name == name }
    }

    /// The files of spec `name` keyed by their path relative to the spec
    /// folder (`/`-separated), or nil if there is no such spec.
    package static func files(of name: String) -> [String: File]? {
        guard let spec = table.first(where: { $0.name == name }) else { return nil }
        var out: [String: File] = [:]
        for entry in spec.files {
            out[entry.path] = File(bytes: entry.content.bytes, executable: entry.executable)
        }
        return out
    }

    /// Spec `name`'s files as an in-memory listing (for a build context), or nil if there is no such spec.
    package static func sourceFiles(of name: String) -> [SourceFile]? {
        guard let spec = table.first(where: { $0.name == name }) else { return nil }
        return spec.files.map { entry in
            let bytes = entry.content.bytes
            return SourceFile(path: entry.path, kind: .file(executable: entry.executable, size: bytes.count), diskPath: "", contents: bytes)
        }
    }

    /// The relative paths of spec `name`'s files, sorted (empty if unknown).
    package static func paths(of name: String) -> [String] {
        table.first(where: { $0.name == name })?.files.map(\.path) ?? []
    }

    /// Writes spec `name`'s files into `folder` (created if missing), keeping
    /// their relative paths and executable bits, and returns the paths
    /// written, sorted. Existing files of the same name are replaced.
    ///
    /// - Throws: `specs.unknown` for a name that is not bundled,
    ///   `specs.write-failed` when a file cannot be written.
    @discardableResult
    package static func materialize(_ name: String, into folder: String) throws(DiagnosticError) -> [String] {
        guard let spec = table.first(where: { $0.name == name }) else {
            throw DiagnosticError(.error(
                "specs.unknown",
                "no bundled spec named '\(name)'",
                notes: [Diagnostic.Note("bundled specs: \(names.joined(separator: ", "))")]
            ))
        }
        let fm = FileManager.default
        let root = URL(fileURLWithPath: folder, isDirectory: true)
        var written: [String] = []
        for entry in spec.files {
            let url = root.appendingPathComponent(entry.path)
            do {
                try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(entry.content.bytes).write(to: url)
                try fm.setAttributes([.posixPermissions: entry.executable ? 0o755 : 0o644], ofItemAtPath: url.path)
            } catch {
                throw DiagnosticError(.error(
                    "specs.write-failed",
                    "cannot write \(entry.path) of spec '\(name)': \(error.localizedDescription)",
                    at: .file(url.path)
                ))
            }
            written.append(entry.path)
        }
        return written
    }
}
