@testable import Frontend
import Testing

/// The word-expansion table: every operator, quoting rule and error of
/// BuildKit's `shell.Lex` (cases follow moby/buildkit's lex_test.go and
/// envVarTest, whose environment is PWD=/home SHELL=bash KOREAN=한국어 NULL=).
@Suite("Containerfile word expansion")
struct ShellLexTests {
    static let env = ["PWD": "/home", "SHELL": "bash", "KOREAN": "한국어", "NULL": "", "FOO": "xxyy", "BAR": "", "SP": "a  b"]

    /// (input, expected word) — `nil` expected means "is an error".
    static let words: [(String, String?)] = [
        // plain text, quotes and escapes
        ("hello", "hello"),
        ("he'll'o", "hello"),
        ("he'llo", nil),
        ("he\\'llo", "he'llo"),
        ("he\\\\'llo", nil),
        ("abc\\\\def", "abc\\def"),
        ("\"abc\\\\def\"", "abc\\def"),
        ("'abc\\\\def'", "abc\\\\def"),
        ("\"hello\"", "hello"),
        ("he\"ll\"o", "hello"),
        ("\"he\\\"llo\"", "he\"llo"),
        ("\"he'llo\"", "he'llo"),
        ("'he\"llo'", "he\"llo"),
        ("\"he\\$PWD\"", "he$PWD"),
        ("\"he\\x\"", "he\\x"),
        ("'he$PWD'", "he$PWD"),
        ("\"he$PWD\"", "he/home"),
        ("\"a\\", nil),
        ("\"unterminated", nil),
        ("hello\\", "hello"),
        ("a\\ b", "a b"),
        ("\\$PWD", "$PWD"),
        ("$(echo x)", "$(echo x)"),
        ("`echo x`", "`echo x`"),
        // $VAR and ${VAR}
        ("$PWD", "/home"),
        ("x$PWD/y", "x/home/y"),
        ("${PWD}", "/home"),
        ("${PWD}x", "/homex"),
        ("$PWDx", ""),
        ("$UNSET", ""),
        ("${UNSET}", ""),
        ("$", "$"),
        ("a$", "a$"),
        ("$ x", "$ x"),
        ("$1", ""),
        ("$12x", "x"),
        ("$@", ""),
        ("$#", ""),
        ("$KOREAN", "한국어"),
        ("$한", ""),
        ("${", nil),
        ("${}", nil),
        ("${:}", nil),
        ("${{x}", nil),
        ("${PWD", nil),
        ("${PWD:", nil),
        ("${PWD=x}", nil),
        ("${PWD*x}", nil),
        // - and :-
        ("${PWD:-x}", "/home"),
        ("${NULL:-x}", "x"),
        ("${UNSET:-x}", "x"),
        ("${PWD-x}", "/home"),
        ("${NULL-x}", ""),
        ("${UNSET-x}", "x"),
        ("${UNSET:-'a b'}", "a b"),
        ("${UNSET:-$PWD}", "/home"),
        ("${UNSET:-${SHELL:-z}}", "bash"),
        ("${UNSET:-}", ""),
        ("${UNSET:-x", nil),
        // + and :+
        ("${PWD:+x}", "x"),
        ("${NULL:+x}", ""),
        ("${UNSET:+x}", ""),
        ("${PWD+x}", "x"),
        ("${NULL+x}", "x"),
        ("${UNSET+x}", ""),
        // ? and :?
        ("${PWD:?x}", "/home"),
        ("${PWD?x}", "/home"),
        ("${NULL?x}", ""),
        ("${NULL:?x}", nil),
        ("${UNSET?x}", nil),
        ("${UNSET:?}", nil),
        // # ## % %%
        ("${FOO#x}", "xyy"),
        ("${FOO##*x}", "yy"),
        ("${FOO#*x*y}", "y"),
        ("${FOO#*}", "xxyy"),
        ("${FOO#}", "xxyy"),
        ("${FOO##}", "xxyy"),
        ("${FOO#$BAR}", "xxyy"),
        ("${FOO%y}", "xxy"),
        ("${FOO%%y*}", "xx"),
        ("${FOO%y*}", "xxy"),
        ("${FOO%%*}", ""),
        ("${FOO%}", "xxyy"),
        ("${FOO#?}", "xyy"),
        ("${FOO#z}", "xxyy"),
        ("${UNSET#x}", ""),
        ("${FOO#\\x}", nil),
        ("${FOO#\\}", nil),
        ("${PWD#/}", "home"),
        ("${PWD%/*}", ""),
        // /pattern/replacement
        ("${FOO/x/z}", "zxyy"),
        ("${FOO//x/z}", "zzyy"),
        ("${FOO/x*/z}", "z"),
        ("${FOO//?/.}", "...."),
        ("${FOO/q/z}", "xxyy"),
        ("${FOO/x/}", "xyy"),
        ("${FOO///}", "xxyy"),
        ("${UNSET///}", ""),
        ("${FOO/$BAR/ww}", "wwxxyy"),
        ("${FOO//ww}", nil),
        ("${FOO//}", nil),
        ("${FOO/x", nil),
        ("${PWD//\\//\\/}", "\\/home"),
        // The replacement is expanded first ($$ and $0 are special parameters, empty)...
        ("${FOO//x/$$}", "yy"),
        // ...and keeps its escapes; Go's ReplaceAllString then expands $0 to the match,
        ("${FOO//x/[\\$0]}", "[\\x][\\x]yy"),
        // while a single replacement is literal.
        ("${FOO/x/[\\$0]}", "[\\$0]xyy"),
        // expansion inside quotes keeps spaces; ProcessWord never splits
        ("\"$SP\"", "a  b"),
        ("$SP", "a  b"),
        ("'$SP'", "$SP"),
    ]

    @Test("ProcessWord expands every operator and quoting rule as BuildKit", arguments: words)
    func processWord(_ input: String, _ expected: String?) {
        let lex = ShellLex(escapeToken: "\\")
        let result = Result { try lex.processWord(input, env: Self.env) }
        switch (result, expected) {
        case (.success(let got), let want?):
            #expect(got == want, "\(input)")
        case (.failure, nil):
            break
        case (.success(let got), nil):
            Issue.record("\(input) should fail, got \(GoText.quote(got))")
        case (.failure(let e), let want?):
            Issue.record("\(input) should give \(GoText.quote(want)), failed: \(e)")
        }
    }

    /// (input, expected fields) for ProcessWords.
    static let fields: [(String, [String])] = [
        ("hello", ["hello"]),
        ("hello world", ["hello", "world"]),
        ("  hello   world  ", ["hello", "world"]),
        ("\"hello world\"", ["hello world"]),
        ("'a b' c", ["a b", "c"]),
        ("a\\ b c", ["a b", "c"]),
        ("$SP", ["a", "b"]),
        ("\"$SP\"", ["a  b"]),
        ("x$SP", ["xa", "b"]),
        ("''", []),
        ("a '' b", ["a", "b"]),
        ("\"\"x", ["x"]),
        ("${UNSET:-a b}", ["a", "b"]),
        ("a\tb\u{00A0}c", ["a", "b", "c"]),
    ]

    @Test("ProcessWords splits on unquoted whitespace, including whitespace from expansions", arguments: fields)
    func processWords(_ input: String, _ expected: [String]) throws {
        let lex = ShellLex(escapeToken: "\\")
        #expect(try lex.processWords(input, env: Self.env) == expected, "\(input)")
    }

    /// Exact error texts (BuildKit wraps them in `failed to process "<word>": `).
    static let errors: [(String, String)] = [
        ("${", "syntax error: missing '}'"),
        ("${}", "syntax error: bad substitution"),
        ("${:x}", "syntax error: bad substitution"),
        ("${{x}", "syntax error: bad substitution"),
        ("${PWD:-x", "syntax error: missing '}'"),
        ("${PWD=x}", "unsupported modifier (=) in substitution"),
        ("${PWD:=x}", "unsupported modifier (:=) in substitution"),
        ("${PWD", "unsupported modifier (\u{FFFD}) in substitution"),
        ("${UNSET?}", "UNSET: is not allowed to be unset"),
        ("${UNSET?custom $PWD}", "UNSET: custom /home"),
        ("${NULL:?}", "NULL: is not allowed to be empty"),
        ("${NULL:?oops}", "NULL: oops"),
        ("'abc", "unexpected end of statement while looking for matching single-quote"),
        ("\"abc", "unexpected end of statement while looking for matching double-quote"),
        ("${FOO/x", "syntax error: missing '/' in ${}"),
        ("${FOO/x/y", "syntax error: missing '}'"),
        ("${FOO#\\x}", "invalid pattern (\\x) in substitution: invalid escape '\\x'"),
    ]

    @Test("errors carry BuildKit's wording", arguments: errors)
    func errorText(_ input: String, _ message: String) {
        let lex = ShellLex(escapeToken: "\\")
        #expect(throws: ShellLex.Failure(message: "failed to process \(GoText.quote(input)): \(message)")) {
            try lex.processWord(input, env: Self.env)
        }
    }

    @Test("the escape directive's backtick escapes, and a backslash is then literal")
    func backtickEscape() throws {
        let lex = ShellLex(escapeToken: "`")
        #expect(try lex.processWord("a` b", env: [:]) == "a b")
        #expect(try lex.processWord("C:\\app\\$X", env: ["X": "y"]) == "C:\\app\\y")
        #expect(try lex.processWord("`$X", env: ["X": "y"]) == "$X")
        #expect(try lex.processWord("\"a`\"b\"", env: [:]) == "a\"b")
        #expect(try lex.processWords("a` b c", env: [:]) == ["a b", "c"])
    }

    @Test("raw quotes, raw escapes and skipped unset variables (heredoc detection mode)")
    func rawModes() throws {
        var lex = ShellLex(escapeToken: "\\")
        lex.rawQuotes = true
        lex.rawEscapes = true
        lex.skipUnsetEnv = true
        #expect(try lex.processWords("<<\"EOF\" 'a b' \\x $V ${V} ${V:-d} ${V/a/b}", env: [:]) == ["<<\"EOF\"", "'a b'", "\\x", "$V", "${V}", "${V:-d}", "${V/a/b}"])
    }

    @Test("matched and unmatched variables are reported")
    func matches() throws {
        let out = try ShellLex(escapeToken: "\\").process("${FOO-aaa} ${BAR-bbb} ${BAZ-ccc}", env: ["FOO": "xxx", "BAR": ""])
        #expect(out.word == "xxx  ccc")
        #expect(out.matched == ["FOO", "BAR"])
        #expect(out.unmatched == ["BAZ"])
    }

    @Test("shell patterns: escapes, regex metacharacters, newlines")
    func patterns() throws {
        let lex = ShellLex(escapeToken: "\\")
        #expect(try lex.processWord("${FOO#()[]{\\}^$.\\*\\?|\\\\}", env: ["FOO": "()[]{}^$.*?|\\x"]) == "x")
        #expect(try lex.processWord("${FOO%%\\**}", env: ["FOO": "xx**"]) == "xx")
        #expect(try lex.processWord("${FOO%%\\**\\*}", env: ["FOO": "a***yy*"]) == "a")
        #expect(try lex.processWord("${FOO#?\\?}", env: ["FOO": "???y"]) == "?y")
        #expect(try lex.processWord("${FOO/$N/.} - ${FOO//$N/.}", env: ["FOO": "/foo*/*/*.txt", "N": "\\*/"]) == "/foo.*/*.txt - /foo..*.txt")
        #expect(try lex.processWord("${FOO/$N/$R} - ${FOO//$N/$R}", env: ["FOO": "/a/foo/b/c.txt", "N": "/?/", "R": "/"]) == "/foo/b/c.txt - /foo/c.txt")
        // Go's `.` does not match a newline, so neither do * and ?.
        #expect(try lex.processWord("${FOO#*b}", env: ["FOO": "a\nb"]) == "a\nb")
        #expect(ShellPattern.reversePattern("a\\*c") == "c\\*a")
        #expect(ShellPattern.reversePattern("\\\\\\ab") == "b\\a\\\\")
        #expect(ShellPattern.reversePattern("ab\\") == "\\ba")
    }
}
