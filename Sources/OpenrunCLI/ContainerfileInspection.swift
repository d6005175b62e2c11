import Foundation
import Frontend
import IR

/// The work behind `openrun inspect containerfile`, separate from argument
/// parsing so tests can call it: read, parse, analyze, render.
enum ContainerfileInspection {
    struct Output: Equatable {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func run(file: String, buildArgs: [String], ast: Bool, json: Bool, benchRepeat: Int = 0) -> Output {
        var overrides: [String: String] = [:]
        var flagErrors: [Diagnostic] = []
        for a in buildArgs {
            guard let eq = a.firstIndex(of: "=") else {
                // `--build-arg NAME` takes the value from the environment, as docker does.
                if !a.isEmpty, let v = ProcessInfo.processInfo.environment[a] { overrides[a] = v }
                if a.isEmpty { flagErrors.append(.error("cli.build-arg", "a build arg is written key=value", at: .flag("--build-arg", a))) }
                continue
            }
            guard eq != a.startIndex else {
                flagErrors.append(.error("cli.build-arg", "a build arg is written key=value", at: .flag("--build-arg", a)))
                continue
            }
            overrides[String(a[..<eq])] = String(a[a.index(after: eq)...])
        }
        if ast && json {
            flagErrors.append(.error("cli.flags", "--ast and --json are exclusive", at: nil))
        }
        if !flagErrors.isEmpty {
            return Output(status: 1, stdout: "", stderr: Diagnostic.render(flagErrors).joined(separator: "\n"))
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            let d = Diagnostic.error("containerfile.read", "cannot read the Containerfile", at: .file(file))
            return Output(status: 1, stdout: "", stderr: d.rendered)
        }
        let bytes = [UInt8](data)
        if benchRepeat > 0 {
            return bench(bytes: bytes, file: file, repeat: benchRepeat)
        }
        do {
            let tree = try ContainerfileParser.parse(bytes: bytes, file: file)
            let warnings = Diagnostic.render(tree.warnings).joined(separator: "\n")
            if !json {
                var out = tree.dump
                if out.hasSuffix("\n") { out.removeLast() }
                return Output(status: 0, stdout: out, stderr: warnings)
            }
            let diagnostics = Diagnostics()
            for w in tree.warnings { diagnostics.emit(w) }
            let model = ContainerfileAnalyzer(ast: tree, buildArgs: overrides, diagnostics: diagnostics).run()
            let rendered = diagnostics.rendered
            if diagnostics.hasErrors {
                return Output(status: 1, stdout: "", stderr: rendered)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let text = String(decoding: try encoder.encode(model), as: UTF8.self)
            return Output(status: 0, stdout: text, stderr: rendered)
        } catch let e as DiagnosticError {
            return Output(status: 1, stdout: "", stderr: e.description)
        } catch {
            return Output(status: 1, stdout: "", stderr: "openrun: error: \(error)")
        }
    }

    /// Hidden `--bench-repeat N`: parses the file N times in process, best
    /// of 3 rounds (like the Python side), and prints the instruction count
    /// and the mean parse time of the best round.
    static func bench(bytes: [UInt8], file: String, repeat n: Int) -> Output {
        var count = 0
        let clock = ContinuousClock()
        // One warm-up parse.
        if let t = try? ContainerfileParser.parse(bytes: bytes, file: file) { count = t.nodes.count }
        var best = Double.infinity
        for _ in 0..<3 {
            let elapsed = clock.measure {
                for _ in 0..<n {
                    if let t = try? ContainerfileParser.parse(bytes: bytes, file: file) { count = t.nodes.count }
                }
            }
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            best = min(best, seconds / Double(n) * 1e6)
        }
        return Output(status: 0, stdout: "{\"instructions\": \(count), \"iterations\": \(n), \"us_per_parse\": \(best)}", stderr: "")
    }
}
