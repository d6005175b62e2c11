import IR
import TextTemplate

/// A `cl_secret` file whose params hold secrets, as literal text and secret
/// values in order, so that a pod can put it together at start without a
/// template engine: the template is rendered here with stand-ins for the
/// secrets, and the stand-ins mark where each value goes.
///
/// That is exact only when the template copies secret values unchanged. It
/// is rendered twice, with plain stand-ins and with stand-ins full of
/// characters any quoting, escaping or measuring would change (`"`, `\`, a
/// newline, `%`, `<`); when swapping the stand-ins does not turn one output
/// into the other, the template transforms a secret (e.g. `printf "%q"`) and
/// `assemble` returns nil. Branching on a secret's value (`if eq ...`) is not
/// detected: both stand-ins take the same branch.
struct SecretFileAssembly: Equatable {
    enum Part: Equatable {
        case literal(String)
        case secret(SecretReference)
    }

    var parts: [Part]

    /// Nil when the template transforms a secret value; throws when it fails to render.
    static func assemble(_ file: SecretFileMount, params: [EnvVar], appURL: String) throws(DiagnosticError) -> SecretFileAssembly? {
        var references: [SecretReference] = []
        for p in params {
            for r in p.value.secrets where !references.contains(r) { references.append(r) }
        }
        func standIn(_ index: Int, hostile: Bool) -> String {
            hostile ? "\u{E000}\"\\\n%<'&\(index)\u{E001}" : "\u{E000}\(index)\u{E001}"
        }
        func render(hostile: Bool) throws(DiagnosticError) -> String {
            var values: [String: String] = [:]
            for p in params {
                values[p.name] = p.value.resolved { segment in
                    switch segment {
                    case .secret(let r): standIn(references.firstIndex(of: r)!, hostile: hostile)
                    default: appURL
                    }
                }
            }
            return try GoTemplate(source: file.template, file: file.templatePath).render(data: .params(values))
        }
        let plain = try render(hostile: false)
        let hostile = try render(hostile: true)
        var swapped = plain
        for index in references.indices {
            swapped = swapped.replacing(standIn(index, hostile: false), with: standIn(index, hostile: true))
        }
        guard swapped == hostile else { return nil }

        // Split the plain rendering at the stand-ins.
        var parts: [Part] = []
        var literal = ""
        var rest = Substring(plain)
        while let start = rest.firstIndex(of: "\u{E000}") {
            literal += rest[..<start]
            guard let end = rest[start...].firstIndex(of: "\u{E001}"),
                  let index = Int(rest[rest.index(after: start)..<end]), references.indices.contains(index) else {
                return nil  // the template itself holds the marker characters
            }
            if !literal.isEmpty { parts.append(.literal(literal)) }
            literal = ""
            parts.append(.secret(references[index]))
            rest = rest[rest.index(after: end)...]
        }
        literal += rest
        if !literal.isEmpty { parts.append(.literal(literal)) }
        return SecretFileAssembly(parts: parts)
    }
}
