import ArgumentParser
import Foundation
import Frontend
import IR

/// `openrun spec`: the bundled app specs.
struct SpecCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spec",
        abstract: "List or show the bundled app specs.",
        subcommands: [List.self, Show.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List bundled specs with their params.")

        func run() async throws {
            let diags = Diagnostics()
            var out = ""
            for s in SpecSummary.all(into: diags) {
                out += s.name + "\n"
                if !s.note.isEmpty { out += "  " + s.note + "\n" }
                let required = s.requiredParams.map { "\($0.name) (\($0.type.rawValue))" }
                let optional = s.optionalParams.map { "\($0.name)=\(SpecCommand.display($0.defaultValue ?? ParamResolver.zeroValue($0.type)))" }
                out += "  required: " + (required.isEmpty ? "-" : required.joined(separator: ", ")) + "\n"
                out += "  optional: " + (optional.isEmpty ? "-" : optional.joined(separator: ", ")) + "\n"
            }
            Terminal.report(diags.all)
            FileHandle.standardOutput.write(Data(out.utf8))
            if diags.hasErrors { throw ExitCode(1) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one spec's params and files.")

        @Argument(help: "Spec name.")
        var name: String

        @Flag(help: "Also print every file of the spec.")
        var files = false

        func run() async throws {
            let diags = Diagnostics()
            guard let s = SpecSummary.summary(of: name, into: diags) else {
                Terminal.report([.error("spec.unknown", "unknown spec \"\(name)\"; see 'openrun spec list'", at: .flag("spec show", name))])
                throw ExitCode(1)
            }
            var out = "\(s.name)\n"
            if !s.note.isEmpty { out += "\n" + s.note + "\n" }
            out += "\nparams:\n"
            for p in s.params {
                let req = p.required && p.defaultValue == nil ? "required" : "default \(SpecCommand.display(p.defaultValue ?? ParamResolver.zeroValue(p.type)))"
                out += "  \(p.name) \(p.type.rawValue), \(req)"
                if !p.description.isEmpty { out += " — \(p.description)" }
                out += "\n"
            }
            out += "\nfiles:\n" + s.files.map { "  \($0)\n" }.joined()
            if files, let contents = BundledSpecs.files(of: name) {
                for path in s.files {
                    out += "\n==> \(path) <==\n" + String(decoding: contents[path]!.bytes, as: UTF8.self)
                    if !out.hasSuffix("\n") { out += "\n" }
                }
            }
            Terminal.report(diags.all)
            FileHandle.standardOutput.write(Data(out.utf8))
            if diags.hasErrors { throw ExitCode(1) }
        }
    }

    static func display(_ v: IRValue?) -> String {
        switch v {
        case nil, .null?: "None"
        case .string(let s)?: "\"\(s.count > 40 ? String(s.prefix(37)) + "..." : s)\""
        case let v?: v.canonicalJSON
        }
    }
}
