/// Renders `UnitFile`s: the one place that escapes for systemd.
///
/// * Specifiers: every `%` is written `%%` (systemd and quadlet expand `%n`, `%t`, ...).
/// * Words (Environment=, PodmanArgs=, Exec*=): a word with whitespace,
///   quotes, a backslash, control characters, or an empty word is written in
///   double quotes with C escapes (`\"`, `\\`, `\n`, `\t`, `\xHH`), which
///   systemd (and quadlet, which splits these keys the same way) undo.
/// * Words and commands: `$` is written `$$` so no environment variable is
///   expanded (quadlet copies words into the ExecStart= it generates).
package enum UnitRenderer {
    package static func render(_ unit: UnitFile) -> String {
        var out = ""
        for line in unit.header { out += "# " + oneLine(line) + "\n" }
        for (i, section) in unit.sections.enumerated() {
            if i > 0 || !unit.header.isEmpty { out += "\n" }
            out += "[\(section.name)]\n"
            for e in section.entries {
                out += e.key + "=" + value(e.value) + "\n"
            }
        }
        return out
    }

    static func value(_ v: UnitValue) -> String {
        switch v {
        case .text(let s): escapeSpecifiers(oneLine(s))
        case .words(let ws), .command(let ws):
            ws.map { escapeSpecifiers(quote($0)).replacingOccurrences(of: "$", with: "$$") }.joined(separator: " ")
        }
    }

    /// `%` → `%%`.
    package static func escapeSpecifiers(_ s: String) -> String {
        s.replacingOccurrences(of: "%", with: "%%")
    }

    /// One word as systemd's word splitting reads it back.
    package static func quote(_ word: String) -> String {
        let needs = word.isEmpty || word.unicodeScalars.contains { c in
            c == " " || c == "\"" || c == "'" || c == "\\" || c.value < 0x20 || c.value == 0x7f || c == ";"
        }
        guard needs else { return word }
        var out = "\""
        for c in word.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if c.value < 0x20 || c.value == 0x7f {
                    out += "\\x" + (c.value < 0x10 ? "0" : "") + String(c.value, radix: 16)
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out + "\""
    }

    /// Control characters (a line break would end the entry) as spaces.
    static func oneLine(_ s: String) -> String {
        String(String.UnicodeScalarView(s.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7f ? " " : $0 }))
    }
}
