import IR

/// A Go text/template, parsed once and rendered with Go's exact output:
/// what OpenRun uses for `cl_secret:TEMPLATE:/path` volumes (a file rendered
/// from `.params` when the container starts).
///
/// The subset: text and `{{ }}` actions with `{{-`/`-}}` trimming and
/// `{{/* */}}` comments; fields (`.params.key`), `$`, variables (`:=`, `=`);
/// `if`/`else if`/`else`, `with`/`else with`, `range` over lists, maps
/// (sorted keys), ints, with `else`, `break` and `continue`;
/// `define`/`template`/`block`; pipelines; string, raw string, char, number,
/// bool and nil literals; and the builtins `and or not len index print
/// printf println eq ne lt le gt ge html js urlquery slice`. Missing map keys print
/// `<no value>`, as in Go with the default `missingkey` option.
///
/// Errors are diagnostics located in the template file: `template.syntax`,
/// `template.unknown-function`, `template.undefined-variable` when parsing,
/// `template.exec` when rendering, with Go's messages.
package struct GoTemplate: Sendable {
    /// The template's path (relative to the app or spec root), used in diagnostics.
    package let file: String
    let source: String
    let root: [GoTemplateNode]
    let definitions: [String: [GoTemplateNode]]
    let lines: LineTable

    /// Nested `{{template}}` calls allowed before rendering stops (Go allows 100000).
    package static let maxDepth = 100
    /// Nodes a rendering may walk, so a runaway template (recursion inside
    /// `range`) stops with an error instead of hanging; Go has no such limit.
    package static let maxSteps = 1_000_000
    /// Output a rendering may produce (16 MiB).
    package static let maxOutputBytes = 16 << 20

    /// Parses `source`; a syntax error is a located diagnostic.
    package init(source: String, file: String) throws(DiagnosticError) {
        self.file = file
        self.source = source
        self.lines = LineTable(file: file, text: source)
        var parser = GoTemplateParser(source: source)
        do {
            root = try parser.parse()
        } catch {
            throw DiagnosticError(.error(error.id, error.message, at: lines.location(at: error.pos)))
        }
        var defs = parser.definitions
        // The file itself is a template named after its base name.
        let base = file.split(separator: "/").last.map(String.init) ?? file
        if defs[base] == nil { defs[base] = root }
        definitions = defs
    }

    /// Renders the template with `data` as dot (`.`) and `$`.
    package func render(data: TemplateValue) throws(DiagnosticError) -> String {
        var state = GoTemplateExecutor(template: self)
        do {
            try state.run(data: data)
        } catch {
            switch error {
            case .failure(let message, let pos, let context):
                var ctx = context
                if ctx.unicodeScalars.count > 20 {
                    ctx = String(String.UnicodeScalarView(ctx.unicodeScalars.prefix(20))) + "..."
                }
                throw DiagnosticError(.error(
                    "template.exec",
                    "executing \(GoFormat.quote(name)) at <\(ctx)>: \(message)",
                    at: lines.location(at: pos)
                ))
            case .breakLoop, .continueLoop:
                throw DiagnosticError(.error("template.exec", "break or continue outside range", at: .file(file)))
            }
        }
        return state.output
    }

    /// The template's name as Go's errors show it (the file's base name).
    var name: String { file.split(separator: "/").last.map(String.init) ?? file }
}
