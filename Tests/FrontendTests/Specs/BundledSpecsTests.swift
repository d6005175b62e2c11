import Foundation
import Frontend
import IR
import Testing

@Suite("Bundled specs")
struct BundledSpecsTests {
    /// The specs SPECS.md lists, by name.
    static let specNames = [
        "container", "go", "image", "image-cmd", "java-spring-boot", "js-hono", "proxy",
        "python-asgi", "python-fasthtml", "python-flask", "python-gradio", "python-nicegui",
        "python-reflex", "python-shiny", "python-streamlit", "python-streamlit-poetry",
        "python-wsgi", "static", "static_disk", "static_single",
    ]

    /// Reads specs/<name>/ from the source tree: relative path → file.
    static func onDisk(_ name: String) throws -> [String: BundledSpecs.File] {
        let folder = RepoPaths.specs.appendingPathComponent(name)
        let fm = FileManager.default
        var out: [String: BundledSpecs.File] = [:]
        let walker = fm.enumerator(atPath: folder.path)
        while let rel = walker?.nextObject() as? String {
            let url = folder.appendingPathComponent(rel)
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue else { continue }
            if rel.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            let attrs = try fm.attributesOfItem(atPath: url.path)
            let mode = (attrs[.posixPermissions] as? NSNumber)?.intValue ?? 0
            out[rel] = BundledSpecs.File(bytes: Array(try Data(contentsOf: url)), executable: mode & 0o100 != 0)
        }
        return out
    }

    @Test("every spec of SPECS.md is bundled, names sorted")
    func names() {
        #expect(BundledSpecs.names == Self.specNames)
        #expect(BundledSpecs.contains("python-streamlit"))
        #expect(!BundledSpecs.contains("python-streamlitx"))
        #expect(BundledSpecs.files(of: "nope") == nil)
    }

    @Test("the generated file matches specs/ byte for byte, executable bits included")
    func inSync() throws {
        let onDiskNames = try FileManager.default.contentsOfDirectory(atPath: RepoPaths.specs.path)
            .filter { !$0.hasPrefix(".") }.sorted()
        let hint = "Sources/Frontend/Specs/BundledSpecs+Generated.swift is out of date: run dev/gen-bundled-specs"
        #expect(BundledSpecs.names == onDiskNames, Comment(rawValue: hint))
        for name in onDiskNames {
            let disk = try Self.onDisk(name)
            let bundled = BundledSpecs.files(of: name) ?? [:]
            #expect(bundled.keys.sorted() == disk.keys.sorted(), "\(name): \(hint)")
            for (path, file) in disk {
                #expect(bundled[path] == file, "\(name)/\(path): \(hint)")
            }
            #expect(BundledSpecs.paths(of: name) == disk.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        }
    }

    @Test("dev/gen-bundled-specs --check agrees that the generated file is current")
    func generatorCheck() throws {
        let result = try RepoPaths.run("/usr/bin/env", ["python3", "dev/gen-bundled-specs", "--check"])
        #expect(result.status == 0, "\(result.output)")
    }

    @Test("container specs carry their Containerfile and executable helper scripts")
    func helperFiles() throws {
        let streamlit = try #require(BundledSpecs.files(of: "python-streamlit"))
        #expect(streamlit["streamlit_cmd.sh"]?.executable == true)
        #expect(streamlit["secrets.toml.tmpl"]?.executable == false)
        #expect(streamlit["Containerfile"] != nil)
        let reflex = try #require(BundledSpecs.files(of: "python-reflex"))
        #expect(reflex["Caddyfile"] != nil)
        for name in ["image", "proxy", "static", "static_single", "static_disk", "container", "image-cmd"] {
            #expect(BundledSpecs.files(of: name)?["Containerfile"] == nil, "\(name)")
        }
    }

    @Test("materialize writes every file with its bytes and mode")
    func materialize() throws {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("openrun-specs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let written = try BundledSpecs.materialize("js-hono", into: dir.path)
        #expect(written == ["Containerfile", "app.star", "hono_gen.sh", "hono_start.sh", "params.star"])
        let back = try Self.onDiskFolder(dir)
        #expect(back == BundledSpecs.files(of: "js-hono"))
    }

    @Test("materialize of an unknown spec is a specs.unknown diagnostic listing the names")
    func unknown() {
        do {
            try BundledSpecs.materialize("pyhton-flask", into: FileManager.default.temporaryDirectory.path)
            Issue.record("expected an error")
        } catch {
            #expect(error.diagnostics.map(\.id) == ["specs.unknown"])
            #expect(error.diagnostics[0].message == "no bundled spec named 'pyhton-flask'")
            #expect(error.diagnostics[0].notes.first?.message.contains("python-flask") == true)
        }
    }

    static func onDiskFolder(_ folder: URL) throws -> [String: BundledSpecs.File] {
        let fm = FileManager.default
        var out: [String: BundledSpecs.File] = [:]
        for rel in try fm.subpathsOfDirectory(atPath: folder.path) {
            let url = folder.appendingPathComponent(rel)
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: url.path, isDirectory: &isDir), !isDir.boolValue else { continue }
            let mode = ((try fm.attributesOfItem(atPath: url.path))[.posixPermissions] as? NSNumber)?.intValue ?? 0
            out[rel] = BundledSpecs.File(bytes: Array(try Data(contentsOf: url)), executable: mode & 0o100 != 0)
        }
        return out
    }
}
