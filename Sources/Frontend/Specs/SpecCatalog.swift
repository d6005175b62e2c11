import IR

/// What `openrun spec list` and `spec show` tell about a bundled spec: its
/// params (from params.star) and the note at the top of its app.star.
package struct SpecSummary: Sendable {
    package var name: String
    package var params: [ParamDeclaration]
    /// The leading comment block of app.star, without `#`.
    package var note: String
    package var files: [String]

    /// Summaries of every bundled spec, sorted by name. Problems (there should
    /// be none: the specs are tested) are reported to `diags`.
    package static func all(into diags: Diagnostics) -> [SpecSummary] {
        BundledSpecs.names.sorted().compactMap { summary(of: $0, into: diags) }
    }

    package static func summary(of name: String, into diags: Diagnostics) -> SpecSummary? {
        guard let files = BundledSpecs.files(of: name) else { return nil }
        var params: [ParamDeclaration] = []
        if let p = files["params.star"] {
            params = ParamsStarHost.run(file: "\(name)/params.star", source: p.bytes, appURL: "", diags: diags) ?? []
        }
        var note: [String] = []
        if let app = files["app.star"] {
            for line in String(decoding: app.bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
                guard line.hasPrefix("#") else { break }
                note.append(String(line.dropFirst()).trimmingWhitespace())
            }
        }
        return SpecSummary(name: name, params: params, note: note.joined(separator: " "), files: files.keys.sorted())
    }

    /// Params the user must give (required, no default).
    package var requiredParams: [ParamDeclaration] { params.filter { $0.required && $0.defaultValue == nil } }
    /// Params with a default or not required, except the `secrets` permission list.
    package var optionalParams: [ParamDeclaration] { params.filter { !($0.required && $0.defaultValue == nil) && $0.name != "secrets" } }
}
