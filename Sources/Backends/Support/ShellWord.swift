/// One word of a POSIX sh command, made of typed parts. `rendered` is the
/// only place shell quoting happens: literal text is single-quoted (so `$`,
/// backticks, `\`, `*`, newlines and spaces stay bytes), variables are
/// expanded inside double quotes (never split or globbed).
package struct ShellWord: Hashable, Sendable, ExpressibleByStringLiteral {
    package enum Part: Hashable, Sendable {
        case literal(String)
        /// `"${NAME}"`; `NAME` must be a valid variable name.
        case variable(String)
    }

    package var parts: [Part]

    package init(_ parts: [Part]) { self.parts = parts }
    package init(stringLiteral value: String) { self.parts = [.literal(value)] }
    package static func literal(_ s: String) -> ShellWord { ShellWord([.literal(s)]) }
    package static func variable(_ name: String) -> ShellWord { ShellWord([.variable(name)]) }

    package var rendered: String {
        if parts.isEmpty { return "''" }
        var out = ""
        for p in parts {
            switch p {
            case .literal(let s): out += Self.quote(s)
            case .variable(let v): out += "\"${\(v)}\""
            }
        }
        return out
    }

    /// Words joined by spaces, each rendered.
    package static func line(_ words: [ShellWord]) -> String { words.map(\.rendered).joined(separator: " ") }

    /// `'…'` with each `'` written as `'\''`; safe for any bytes but NUL.
    package static func quote(_ s: String) -> String {
        if !s.isEmpty, s.unicodeScalars.allSatisfy({ safe.contains($0) }) { return s }
        return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Characters that never need quoting in sh.
    private static let safe = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:=@%+,".unicodeScalars)
}
