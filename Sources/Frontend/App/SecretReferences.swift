import IR

/// Finds the secret references in a param value: `{{secret "KEY"}}` and
/// `{{secret_from "PROVIDER" "KEY"}}` (Go template actions; `{{-`/`-}}` trim
/// markers and extra spaces allowed). Any other `{{...}}` action in a param
/// value is an error: openrun resolves nothing but secrets at start.
package enum SecretReferences {
    /// The references in `value`, in order; reports malformed actions at `location`.
    package static func scan(_ value: String, location: SourceLocation?, into diags: Diagnostics) -> [SecretReference] {
        var refs: [SecretReference] = []
        var rest = Substring(value)
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                diags.error("params.secret-malformed", "unterminated \"{{\" in \"\(value)\"; a secret reference looks like {{secret \"KEY\"}}", at: location)
                return refs
            }
            var action = rest[open.upperBound..<close.lowerBound]
            if action.hasPrefix("-") { action = action.dropFirst() }
            if action.hasSuffix("-") { action = action.dropLast() }
            if let ref = parseAction(String(action)) {
                refs.append(ref)
            } else {
                diags.error("params.secret-malformed", "\"{{\(rest[open.upperBound..<close.lowerBound])}}\" is not a secret reference; use {{secret \"KEY\"}} or {{secret_from \"PROVIDER\" \"KEY\"}}", at: location)
            }
            rest = rest[close.upperBound...]
        }
        return refs
    }

    /// The value as typed segments: the text between actions as literals, each
    /// action as its secret reference. `{{-` and `-}}` trim the white space
    /// next to them, as Go's templates do. Call after `scan` reported no error;
    /// a malformed action is kept as literal text.
    package static func segments(_ value: String) -> EnvValue {
        var segments: [EnvValue.Segment] = []
        var rest = Substring(value)
        var trimNext = false
        func literal(_ text: Substring) {
            var t = text
            if trimNext { t = t.drop(while: \.isWhitespace) }
            segments.append(.literal(String(t)))
        }
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            var action = rest[open.upperBound..<close.lowerBound]
            var before = rest[..<open.lowerBound]
            if action.hasPrefix("-") {
                action = action.dropFirst()
                while let last = before.last, last.isWhitespace { before = before.dropLast() }
            }
            literal(before)
            trimNext = action.hasSuffix("-")
            if trimNext { action = action.dropLast() }
            if let ref = parseAction(String(action)) {
                segments.append(.secret(ref))
            } else {
                segments.append(.literal(String(rest[open.lowerBound..<close.upperBound])))
            }
            rest = rest[close.upperBound...]
        }
        literal(rest)
        return EnvValue(segments)
    }

    /// Parses the inside of one action: `secret "K"` or `secret_from "P" "K"`.
    static func parseAction(_ text: String) -> SecretReference? {
        var words: [String] = []
        var i = text.startIndex
        var sawFunction = false
        while i < text.endIndex {
            let c = text[i]
            if c == " " || c == "\t" { i = text.index(after: i); continue }
            if !sawFunction {
                var j = i
                while j < text.endIndex, text[j] != " ", text[j] != "\t" { j = text.index(after: j) }
                words.append(String(text[i..<j]))
                sawFunction = true
                i = j
                continue
            }
            guard c == "\"" else { return nil }
            var s = ""
            var j = text.index(after: i)
            var closed = false
            while j < text.endIndex {
                let d = text[j]
                if d == "\\" {
                    let n = text.index(after: j)
                    guard n < text.endIndex else { return nil }
                    s.append(text[n])
                    j = text.index(after: n)
                    continue
                }
                if d == "\"" { closed = true; j = text.index(after: j); break }
                s.append(d)
                j = text.index(after: j)
            }
            guard closed else { return nil }
            words.append(s)
            i = j
        }
        switch (words.first, words.count) {
        case ("secret", 2) where !words[1].isEmpty:
            return SecretReference(provider: nil, key: words[1])
        case ("secret_from", 3) where !words[1].isEmpty && !words[2].isEmpty:
            return SecretReference(provider: words[1], key: words[2])
        default:
            return nil
        }
    }
}
