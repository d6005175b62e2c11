/// Shell word expansion exactly as BuildKit's `shell.Lex` does it: `$VAR`,
/// `${VAR}`, the modifiers `:-` `-` `:+` `+` `:?` `?` `#` `##` `%` `%%`
/// `/pat/repl` `//pat/repl`, single and double quotes, and the escape token
/// (`\` or `` ` ``). It never runs commands: `$(...)` and backquotes are text.
package struct ShellLex: Sendable {
    /// An error in BuildKit's wording (without the `failed to process` prefix).
    package struct Failure: Error, Equatable, Sendable {
        package var message: String
    }

    /// The result of processing one word.
    package struct Output: Equatable, Sendable {
        /// The expanded word (`ProcessWord`): quotes removed, spaces kept.
        package var word: String
        /// The word split into fields (`ProcessWords`): unquoted whitespace,
        /// including whitespace produced by an expansion, separates fields.
        package var words: [String]
        /// Variable names that were looked up and found / not found.
        package var matched: [String]
        package var unmatched: [String]
    }

    package var escapeToken: Unicode.Scalar
    /// Keep quote characters in the result (used to find heredoc markers).
    package var rawQuotes = false
    /// Keep escape tokens in the result.
    package var rawEscapes = false
    /// Leave references to unset variables as written.
    package var skipUnsetEnv = false

    package init(escapeToken: Unicode.Scalar = "\\") {
        self.escapeToken = escapeToken
    }

    /// Expands `word` with `env`; errors carry BuildKit's message, wrapped as
    /// `failed to process "<word>": <message>` like `ProcessWord` does.
    package func process(_ word: String, env: [String: String]) throws(Failure) -> Output {
        var sw = ShellWordProcessor(lex: self, source: Array(word.unicodeScalars), env: env)
        do {
            let (w, ws) = try sw.processStopOn(nil, rawEscapes: rawEscapes)
            return Output(word: w, words: ws, matched: sw.matched, unmatched: sw.unmatched)
        } catch {
            throw Failure(message: "failed to process \(GoText.quote(word)): \(error.message)")
        }
    }

    /// `ProcessWord`: the expanded word.
    package func processWord(_ word: String, env: [String: String]) throws(Failure) -> String {
        try process(word, env: env).word
    }

    /// `ProcessWords`: the expanded word split into fields.
    package func processWords(_ word: String, env: [String: String]) throws(Failure) -> [String] {
        try process(word, env: env).words
    }
}

private struct WordsBuilder {
    var word = String.UnicodeScalarView()
    var words: [String] = []
    var inWord = false

    mutating func addChar(_ ch: Unicode.Scalar) {
        let space = GoText.isSpace(ch.value)
        if space && inWord {
            if !word.isEmpty {
                words.append(String(word))
                word = String.UnicodeScalarView()
                inWord = false
            }
        } else if !space {
            addRawChar(ch)
        }
    }

    mutating func addRawChar(_ ch: Unicode.Scalar) {
        word.append(ch)
        inWord = true
    }

    mutating func addString(_ s: String) {
        for ch in s.unicodeScalars { addChar(ch) }
    }

    mutating func addRawString(_ s: String) {
        word.append(contentsOf: s.unicodeScalars)
        inWord = true
    }

    mutating func getWords() -> [String] {
        if !word.isEmpty {
            words.append(String(word))
            word = String.UnicodeScalarView()
            inWord = false
        }
        return words
    }
}

private struct ShellWordProcessor {
    let lex: ShellLex
    let src: [Unicode.Scalar]
    var pos = 0
    let env: [String: String]
    var rawEscapes: Bool
    var matched: [String] = []
    var unmatched: [String] = []

    init(lex: ShellLex, source: [Unicode.Scalar], env: [String: String]) {
        self.lex = lex
        self.src = source
        self.env = env
        self.rawEscapes = lex.rawEscapes
        // Go's text/scanner ignores a byte order mark at the very start.
        if source.first == "\u{FEFF}" { pos = 1 }
    }

    @inline(__always) func peek() -> Unicode.Scalar? { pos < src.count ? src[pos] : nil }
    @inline(__always) mutating func next() -> Unicode.Scalar? {
        guard pos < src.count else { return nil }
        defer { pos += 1 }
        return src[pos]
    }

    func fail(_ m: String) -> ShellLex.Failure { ShellLex.Failure(message: m) }

    mutating func processStopOn(_ stop: Unicode.Scalar?, rawEscapes raw: Bool) throws(ShellLex.Failure) -> (String, [String]) {
        var result = String.UnicodeScalarView()
        var words = WordsBuilder()
        let saved = rawEscapes
        rawEscapes = raw
        defer { rawEscapes = saved }
        let processQuotes = true
        while let ch = peek() {
            if let stop, ch == stop {
                pos += 1
                return (String(result), words.getWords())
            }
            if ch == "$" {
                let tmp = try processDollar()
                result.append(contentsOf: tmp.unicodeScalars)
                words.addString(tmp)
            } else if processQuotes && ch == "'" {
                let tmp = try processSingleQuote()
                result.append(contentsOf: tmp.unicodeScalars)
                words.addRawString(tmp)
            } else if processQuotes && ch == "\"" {
                let tmp = try processDoubleQuote()
                result.append(contentsOf: tmp.unicodeScalars)
                words.addRawString(tmp)
            } else {
                var c = next()!
                if c == lex.escapeToken {
                    if rawEscapes {
                        words.addRawChar(c)
                        result.append(c)
                    }
                    guard let n = next() else { break }
                    c = n
                    words.addRawChar(c)
                } else {
                    words.addChar(c)
                }
                result.append(c)
            }
        }
        if let stop {
            throw fail("unexpected end of statement while looking for matching \(String(stop))")
        }
        return (String(result), words.getWords())
    }

    mutating func processSingleQuote() throws(ShellLex.Failure) -> String {
        var result = String.UnicodeScalarView()
        let open = next()!
        if lex.rawQuotes { result.append(open) }
        while true {
            guard let ch = next() else {
                throw fail("unexpected end of statement while looking for matching single-quote")
            }
            if ch == "'" {
                if lex.rawQuotes { result.append(ch) }
                return String(result)
            }
            result.append(ch)
        }
    }

    mutating func processDoubleQuote() throws(ShellLex.Failure) -> String {
        var result = String.UnicodeScalarView()
        let open = next()!
        if lex.rawQuotes { result.append(open) }
        while true {
            guard let p = peek() else {
                throw fail("unexpected end of statement while looking for matching double-quote")
            }
            if p == "\"" {
                pos += 1
                if lex.rawQuotes { result.append(p) }
                return String(result)
            } else if p == "$" {
                let value = try processDollar()
                result.append(contentsOf: value.unicodeScalars)
            } else {
                var ch = next()!
                if ch == lex.escapeToken {
                    if rawEscapes { result.append(ch) }
                    guard let n = peek() else { continue }
                    if n == "\"" || n == "$" || n == lex.escapeToken {
                        ch = next()!
                    }
                }
                result.append(ch)
            }
        }
    }

    mutating func getEnv(_ name: String) -> String? {
        if let v = env[name] {
            if !matched.contains(name) { matched.append(name) }
            return v
        }
        if !unmatched.contains(name) { unmatched.append(name) }
        return nil
    }

    mutating func processDollar() throws(ShellLex.Failure) -> String {
        pos += 1 // '$'
        if peek() != "{" {
            let name = processName()
            if name.isEmpty { return "$" }
            let value = getEnv(name)
            if value == nil && lex.skipUnsetEnv { return "$" + name }
            return value ?? ""
        }
        pos += 1 // '{'
        switch peek() {
        case nil:
            throw fail("syntax error: missing '}'")
        case "{", "}", ":":
            throw fail("syntax error: bad substitution")
        default:
            break
        }
        let name = processName()
        let ch0 = next()
        // Go turns the EOF rune into U+FFFD when it formats the modifier.
        var chs = ch0.map { String($0) } ?? "\u{FFFD}"
        var nullIsUnset = false
        var ch = ch0
        switch ch0 {
        case "}":
            let value = getEnv(name)
            if value == nil && lex.skipUnsetEnv { return "${\(name)}" }
            return value ?? ""
        case "/":
            let replaceAll = peek() == "/"
            if replaceAll { pos += 1 }
            let pattern: String
            do {
                pattern = try processStopOn("/", rawEscapes: true).0
            } catch {
                if peek() == nil { throw fail("syntax error: missing '/' in ${}") }
                throw error
            }
            let replacement: String
            do {
                replacement = try processStopOn("}", rawEscapes: true).0
            } catch {
                if peek() == nil { throw fail("syntax error: missing '}'") }
                throw error
            }
            let value = getEnv(name)
            if value == nil && lex.skipUnsetEnv {
                return "${\(name)/\(pattern)/\(replacement)}"
            }
            let matcher: ShellPattern
            do {
                matcher = try ShellPattern(pattern, greedy: true, anchored: false)
            } catch {
                throw fail("invalid pattern (\(pattern)) in substitution: \(error.message)")
            }
            return matcher.replace(in: value ?? "", with: replacement, all: replaceAll)
        case ":", "+", "-", "?", "#", "%":
            if ch0 == ":" {
                nullIsUnset = true
                ch = next()
                chs += ch.map { String($0) } ?? "\u{FFFD}"
            }
            let rawEsc = ch == "#" || ch == "%"
            let word: String
            do {
                word = try processStopOn("}", rawEscapes: rawEsc).0
            } catch {
                if peek() == nil { throw fail("syntax error: missing '}'") }
                throw error
            }
            let value = getEnv(name)
            if lex.skipUnsetEnv && value == nil {
                return "${\(name)\(chs)\(word)}"
            }
            let set = value != nil
            let v = value ?? ""
            switch ch {
            case "-":
                if !set || (nullIsUnset && v.isEmpty) { return word }
                return v
            case "+":
                if !set || (nullIsUnset && v.isEmpty) { return "" }
                return word
            case "?":
                if !set {
                    throw fail("\(name): \(word.isEmpty ? "is not allowed to be unset" : word)")
                }
                if nullIsUnset && v.isEmpty {
                    throw fail("\(name): \(word.isEmpty ? "is not allowed to be empty" : word)")
                }
                return v
            case "%", "#":
                var pattern = word
                var greedy = false
                if let first = pattern.unicodeScalars.first, first == ch! {
                    greedy = true
                    pattern = String(pattern.unicodeScalars.dropFirst())
                }
                do {
                    if ch == "%" {
                        return try ShellPattern.trimSuffix(pattern, v, greedy: greedy)
                    }
                    return try ShellPattern.trimPrefix(pattern, v, greedy: greedy)
                } catch {
                    throw fail("invalid pattern (\(pattern)) in substitution: \(error.message)")
                }
            default:
                throw fail("unsupported modifier (\(chs)) in substitution")
            }
        default:
            throw fail("unsupported modifier (\(chs)) in substitution")
        }
    }

    mutating func processName() -> String {
        var name = String.UnicodeScalarView()
        while let ch = peek() {
            if name.isEmpty && isDigit(ch) {
                while let d = peek(), isDigit(d) {
                    name.append(d)
                    pos += 1
                }
                return String(name)
            }
            if name.isEmpty && isSpecialParam(ch) {
                pos += 1
                return String(ch)
            }
            if !isLetter(ch) && !isDigit(ch) && ch != "_" { break }
            name.append(ch)
            pos += 1
        }
        return String(name)
    }

    /// Go's `unicode.IsDigit` (Nd).
    func isDigit(_ c: Unicode.Scalar) -> Bool {
        if c.value < 0x80 { return c.value >= 0x30 && c.value <= 0x39 }
        return c.properties.generalCategory == .decimalNumber
    }

    /// Go's `unicode.IsLetter` (L).
    func isLetter(_ c: Unicode.Scalar) -> Bool {
        if c.value < 0x80 {
            return (c.value >= 0x41 && c.value <= 0x5A) || (c.value >= 0x61 && c.value <= 0x7A)
        }
        switch c.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return false
        }
    }

    func isSpecialParam(_ c: Unicode.Scalar) -> Bool {
        switch c {
        case "@", "*", "#", "?", "-", "$", "!", "0": return true
        default: return false
        }
    }
}
