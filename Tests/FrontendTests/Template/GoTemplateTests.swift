import Frontend
import TextTemplate
import IR
import Testing

/// Table tests for the Go text/template subset. Expected outputs follow Go's
/// text/template (exec_test.go cases adapted to map data, and the documented
/// rules of fmt, trimming and missing keys).
@Suite("Go text/template")
struct GoTemplateTests {
    /// The data most cases run with: like exec_test.go's tVal, as maps.
    static let data: TemplateValue = [
        "X": "x", "I": 17, "True": true, "False": false, "FloatZero": .float(0), "F": .float(1.5),
        "SI": [3, 4, 5], "SIEmpty": [], "SB": [true, false], "SS": ["a", "b"],
        "MSI": ["one": 1, "two": 2, "three": 3], "MSIone": ["one": 1], "MSIEmpty": [:],
        "U": ["V": "v"], "Empty0": nil, "Empty3": [7, 8], "S": "xyz", "Str": "a string",
        "SMSI": [["eleven": 11], ["twelve": 12]],
        "params": ["app_file": "streamlit_app.py", "port": "8501", "quote": #"say "hi"\n"#],
    ]

    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var template: String
        var output: String
        var data: TemplateValue = GoTemplateTests.data
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        // Text, trimming and comments.
        Case(name: "text only", template: "hello\n", output: "hello\n"),
        Case(name: "empty", template: "", output: ""),
        Case(name: "lone braces", template: "a { b } c }} {", output: "a { b } c }} {"),
        Case(name: "trim left", template: "x \n\t {{- .X}}", output: "xx"),
        Case(name: "trim right", template: "{{.X -}} \n y", output: "xy"),
        Case(name: "trim both", template: "a  {{- .X -}}  b", output: "axb"),
        Case(name: "no trim without space", template: "{{-3}}", output: "-3"),
        Case(name: "trim with newline marker", template: "a\n{{-\n.X\n-}}\nb", output: "axb"),
        Case(name: "comment", template: "a{{/* c */}}b", output: "ab"),
        Case(name: "comment trimmed", template: "a \n{{- /* c */ -}}\n b", output: "ab"),
        Case(name: "multi-line comment", template: "a{{/* c\n d */}}b", output: "ab"),
        Case(name: "newline inside action", template: "{{\n.X\n}}", output: "x"),
        // Fields and variables.
        Case(name: "dot", template: "{{.}}", output: "hello", data: "hello"),
        Case(name: "field", template: "{{.X}}", output: "x"),
        Case(name: "nested field", template: "{{.U.V}}", output: "v"),
        Case(name: "missing key", template: "{{.Missing}}", output: "<no value>"),
        Case(name: "missing nested key", template: "{{.Missing.Deeper}}", output: "<no value>"),
        Case(name: "nil value in map", template: "{{.Empty0}}", output: "<no value>"),
        Case(name: "nil data", template: "{{.}} {{.X}}", output: "<no value> <no value>", data: nil),
        Case(name: "params key", template: "{{.params.port}}", output: "8501"),
        Case(name: "dollar", template: "{{$.X}}{{with .U}}{{$.X}}{{.V}}{{end}}", output: "xxv"),
        Case(name: "paren dollar", template: "{{($).X}}", output: "x"),
        Case(name: "declare", template: "{{$x := .X}}{{$x}}", output: "x"),
        Case(name: "declare prints nothing", template: "[{{$x := 1}}]", output: "[]"),
        Case(name: "assign", template: "{{$x := 1}}{{$x = 2}}{{$x}}", output: "2"),
        Case(name: "assign in range", template: "{{$x := 0}}{{range .SI}}{{$x = .}}{{end}}{{$x}}", output: "5"),
        Case(name: "variable field", template: "{{$u := .U}}{{$u.V}}", output: "v"),
        Case(name: "if $x with $x", template: "{{if $x := true}}{{with $x := .I}}{{$x}},{{end}}{{$x}}{{end}}", output: "17,true"),
        Case(name: "printing values", template: "{{.SI}} {{.MSI}} {{.True}} {{.F}} {{.SS}}", output: "[3 4 5] map[one:1 three:3 two:2] true 1.5 [a b]"),
        Case(name: "nil in list prints <nil>", template: "{{.}}", output: "[a <nil>]", data: ["a", nil]),
        // Literals.
        Case(name: "string literal", template: #"{{"a\tb\u00e9"}}"#, output: "a\tbé"),
        Case(name: "raw string", template: "{{`a\\n`}}", output: "a\\n"),
        Case(name: "char constant", template: "{{'a'}} {{'\\n'}}", output: "97 10"),
        Case(name: "numbers", template: "{{1}} {{-2}} {{0x1F}} {{0o17}} {{017}} {{0b101}} {{1_000}}", output: "1 -2 31 15 15 5 1000"),
        Case(name: "floats", template: "{{1.5}} {{1e3}} {{1e6}} {{0.000012}} {{123456.0}} {{1234567.0}}", output: "1.5 1000 1e+06 1.2e-05 123456 1.234567e+06"),
        Case(name: "bool and nil literals", template: "{{true}} {{false}} {{print nil}}", output: "true false <nil>"),
        // Control.
        Case(name: "if true", template: "{{if true}}TRUE{{end}}", output: "TRUE"),
        Case(name: "if false else", template: "{{if false}}TRUE{{else}}FALSE{{end}}", output: "FALSE"),
        Case(name: "if 0", template: "{{if 0}}NON-ZERO{{else}}ZERO{{end}}", output: "ZERO"),
        Case(name: "if 1.5", template: "{{if 1.5}}NON-ZERO{{else}}ZERO{{end}}", output: "NON-ZERO"),
        Case(name: "if float zero", template: "{{if .FloatZero}}NON-ZERO{{else}}ZERO{{end}}", output: "ZERO"),
        Case(name: "if empty string", template: "{{if ``}}NON-EMPTY{{else}}EMPTY{{end}}", output: "EMPTY"),
        Case(name: "if empty slice", template: "{{if .SIEmpty}}NON-EMPTY{{else}}EMPTY{{end}}", output: "EMPTY"),
        Case(name: "if map", template: "{{if .MSI}}NON-EMPTY{{else}}EMPTY{{end}}", output: "NON-EMPTY"),
        Case(name: "if missing key", template: "{{if .MXI.none}}NON-ZERO{{else}}ZERO{{end}}", output: "ZERO"),
        Case(name: "if nil interface", template: "{{if .Empty0}}non-nil{{else}}nil{{end}}", output: "nil"),
        Case(name: "else if", template: "{{if false}}FALSE{{else if true}}TRUE{{end}}", output: "TRUE"),
        Case(name: "else chain", template: "{{if eq 1 3}}1{{else if eq 2 3}}2{{else if eq 3 3}}3{{end}}", output: "3"),
        Case(name: "with", template: "{{with .U}}{{.V}}{{end}}", output: "v"),
        Case(name: "with 0 else", template: "{{with 0}}{{.}}{{else}}ZERO{{end}}", output: "ZERO"),
        Case(name: "with 1.5", template: "{{with 1.5}}{{.}}{{else}}ZERO{{end}}", output: "1.5"),
        Case(name: "with slice", template: "{{with .SI}}{{.}}{{else}}EMPTY{{end}}", output: "[3 4 5]"),
        Case(name: "with map", template: "{{with .MSIone}}{{.}}{{else}}EMPTY{{end}}", output: "map[one:1]"),
        Case(name: "else with", template: "{{with .Missing}}A{{else with .X}}{{.}}{{else}}C{{end}}", output: "x"),
        Case(name: "with $x", template: "{{with $x := .I}}{{$x}}{{end}}", output: "17"),
        Case(name: "range slice", template: "{{range .SI}}-{{.}}-{{end}}", output: "-3--4--5-"),
        Case(name: "range empty else", template: "{{range .SIEmpty}}-{{.}}-{{else}}EMPTY{{end}}", output: "EMPTY"),
        Case(name: "range bools", template: "{{range .SB}}-{{.}}-{{end}}", output: "-true--false-"),
        Case(name: "range map sorted by key", template: "{{range .MSI}}-{{.}}-{{end}}", output: "-1--3--2-"),
        Case(name: "range map key value", template: "{{range $k, $v := .MSI}}<{{$k}}={{$v}}>{{end}}", output: "<one=1><three=3><two=2>"),
        Case(name: "range empty map else", template: "{{range .MSIEmpty}}-{{.}}-{{else}}EMPTY{{end}}", output: "EMPTY"),
        Case(name: "range missing is empty", template: "{{range .Missing}}-{{.}}-{{else}}EMPTY{{end}}", output: "EMPTY"),
        Case(name: "range $x", template: "{{range $x := .SI}}<{{$x}}>{{end}}", output: "<3><4><5>"),
        Case(name: "range $i $x", template: "{{range $i, $x := .SI}}<{{$i}}={{$x}}>{{end}}", output: "<0=3><1=4><2=5>"),
        Case(name: "declare in range", template: "{{range $x := .SI}}<{{$foo:=$x}}{{$x}}>{{end}}", output: "<3><4><5>"),
        Case(name: "range int", template: "{{range 3}}{{.}}{{end}}", output: "012"),
        Case(name: "range break", template: "{{range .SI}}{{if eq . 4}}{{break}}{{end}}{{.}}{{end}}", output: "3"),
        Case(name: "range continue", template: "{{range .SI}}{{if eq . 4}}{{continue}}{{end}}{{.}}{{end}}", output: "35"),
        Case(name: "range dollar inside", template: "{{range .SS}}{{.}}{{$.X}}{{end}}", output: "axbx"),
        Case(name: "nested range", template: "{{range .SMSI}}{{range $k, $v := .}}{{$k}}:{{$v}};{{end}}{{end}}", output: "eleven:11;twelve:12;"),
        // Templates.
        Case(name: "define and template", template: #"{{define "t"}}[{{.}}]{{end}}{{template "t" .X}}{{template "t" 3}}"#, output: "[x][3]"),
        Case(name: "template without data", template: #"{{define "t"}}[{{.}}]{{end}}{{template "t"}}"#, output: "[<no value>]"),
        Case(name: "block", template: #"{{block "b" .U}}{{.V}}{{end}}!"#, output: "v!"),
        // Pipelines and functions.
        Case(name: "pipeline", template: "{{.X | printf \"%s-%s\" \"a\"}}", output: "a-x"),
        Case(name: "parens in pipeline", template: "{{printf `%d %d` (1) (len .SI)}}", output: "1 3"),
        Case(name: "chain on paren", template: "{{(index .SMSI 1).twelve}}", output: "12"),
        Case(name: "print", template: #"{{print "hello, print"}}"#, output: "hello, print"),
        Case(name: "print 123", template: "{{print 1 2 3}}", output: "1 2 3"),
        Case(name: "print mixed", template: #"{{print "a" 1 2 "b" "c" 3.5}}"#, output: "a1 2bc3.5"),
        Case(name: "print missing", template: "{{print .Missing}}", output: "<nil>"),
        Case(name: "println", template: "{{println 1 2 3}}", output: "1 2 3\n"),
        Case(name: "printf int", template: #"{{printf "%04x" 127}}"#, output: "007f"),
        Case(name: "printf float", template: #"{{printf "%g" 3.5}}"#, output: "3.5"),
        Case(name: "printf string", template: #"{{printf "%s" "hello"}}"#, output: "hello"),
        Case(name: "printf field", template: #"{{printf "%s" .U.V}}"#, output: "v"),
        Case(name: "printf dot", template: #"{{with .I}}{{printf "%d" .}}{{end}}"#, output: "17"),
        Case(name: "printf verbs", template: #"{{printf "%5d|%-5s|%q|%v|%t|%x|%X|%o|%c|%U|%%" 42 "ab" "q\"" .SI true "hi" 255 8 65 65}}"#,
             output: #"   42|ab   |"q\""|[3 4 5]|true|6869|FF|10|A|U+0041|%"#),
        Case(name: "printf floats", template: #"{{printf "%.2f %e %6.1f %g %v" 3.14159 1234.5678 2.25 0.0001 100000000.0}}"#,
             output: "3.14 1.234568e+03    2.2 0.0001 1e+08"),
        Case(name: "printf wrong verb", template: #"{{printf "%d %s" "x" 5}}"#, output: "%!d(string=x) %!s(int=5)"),
        Case(name: "printf missing and extra", template: #"{{printf "%d %d" 1}}|{{printf "%d" 1 2 "a"}}"#,
             output: "1 %!d(MISSING)|1%!(EXTRA int=2, string=a)"),
        Case(name: "printf nil", template: #"{{printf "%v %s" nil .Missing}}"#, output: "<nil> %!s(<nil>)"),
        Case(name: "printf %q escapes", template: #"{{printf "%q" .params.quote}}"#, output: #""say \"hi\"\\n""#),
        Case(name: "printf %T", template: "{{printf `%T %T %T %T` 0xef 1.5 .SI .MSI}}", output: "int float64 []interface {} map[string]interface {}"),
        Case(name: "printf as pipeline format", template: #"{{"aaa"|printf }}"#, output: "aaa"),
        Case(name: "html", template: #"{{html "<script>alert(\"XSS\");</script>"}}"#, output: "&lt;script&gt;alert(&#34;XSS&#34;);&lt;/script&gt;"),
        Case(name: "html pipeline", template: #"{{printf "<a href='x'>&" | html}}"#, output: "&lt;a href=&#39;x&#39;&gt;&amp;"),
        Case(name: "html missing", template: "{{html .Missing}}", output: "&lt;no value&gt;"),
        Case(name: "js", template: "{{js .}}", output: #"It\'d be nice."#, data: "It'd be nice."),
        Case(name: "js specials", template: #"{{js "<a>&b=\"c\"\n"}}"#, output: #"\u003Ca\u003E\u0026b\u003D\"c\"\u000A"#),
        Case(name: "urlquery", template: #"{{"http://www.example.org/"|urlquery}}"#, output: "http%3A%2F%2Fwww.example.org%2F"),
        Case(name: "urlquery spaces", template: #"{{urlquery "a b&c=d~é"}}"#, output: "a+b%26c%3Dd~%C3%A9"),
        Case(name: "not", template: "{{not true}} {{not false}} {{not .Missing}}", output: "false true true"),
        Case(name: "and", template: "{{and false 0}} {{and 1 0}} {{and 0 true}} {{and 1 1}}", output: "false 0 0 1"),
        Case(name: "or", template: "{{or 0 0}} {{or 1 0}} {{or 0 true}} {{or 1 1}}", output: "0 1 true 1"),
        Case(name: "and short-circuits", template: "{{and false (index .SI 10)}}", output: "false"),
        Case(name: "or as default", template: #"{{or .SIEmpty "slice is empty"}} {{or .Missing "default"}}"#, output: "slice is empty default"),
        Case(name: "boolean if not", template: "{{if and true 1 `hi` | not}}TRUE{{else}}FALSE{{end}}", output: "FALSE"),
        Case(name: "index slice", template: "{{index .SI 0}} {{index .SI 2}}", output: "3 5"),
        Case(name: "index map", template: "{{index .MSI `one`}} {{index .MSI `XXX`}}", output: "1 <no value>"),
        Case(name: "double index", template: "{{index .SMSI 1 `twelve`}}", output: "12"),
        Case(name: "index string", template: "{{index .S 1}}", output: "121"),
        Case(name: "slice", template: "{{slice .SI 1}} {{slice .SI 1 2}} {{slice .SI}} {{slice .S 1 2}} {{slice .SI 0 1 2}} {{slice .S 3}}", output: "[4 5] [4] [3 4 5] y [3] "),
        Case(name: "len", template: "{{len .SI}} {{len .MSI}} {{len .S}} {{len \"é\"}}", output: "3 3 3 2"),
        Case(name: "eq", template: "{{eq 1 1}} {{eq .X \"x\"}} {{eq 1 2 3 1}} {{eq .X .Missing}} {{eq 1.5 1.5}}", output: "true true true false true"),
        Case(name: "ne", template: "{{ne 1 2}} {{ne \"a\" \"a\"}}", output: "true false"),
        Case(name: "comparisons", template: "{{lt 1 2}} {{le 2 2}} {{gt 1.5 2.5}} {{ge \"b\" \"a\"}} {{lt \"B\" \"a\"}}", output: "true true false true true"),
        // The streamlit secrets shape.
        Case(name: "params as key=value", template: "{{range $k, $v := .params}}{{$k}}=\"{{$v}}\"\n{{end}}",
             output: "app_file=\"streamlit_app.py\"\nport=\"8501\"\nquote=\"say \"hi\"\\n\"\n"),
    ]

    @Test("renders like Go's text/template", arguments: cases)
    func renders(_ c: Case) throws {
        let t = try GoTemplate(source: c.template, file: "t.tmpl")
        #expect(try t.render(data: c.data) == c.output)
    }

    struct ErrorCase: CustomTestStringConvertible, Sendable {
        var name: String
        var template: String
        /// The rendered diagnostic, `file:line:col: error: message [id]`.
        var diagnostic: String
        var data: TemplateValue = GoTemplateTests.data
        var testDescription: String { name }
    }

    static let errorCases: [ErrorCase] = [
        // Parse errors.
        ErrorCase(name: "unclosed action", template: "a{{.X", diagnostic: "t.tmpl:1:6: error: unclosed action [template.syntax]"),
        ErrorCase(name: "unexpected EOF", template: "{{if .X}}a", diagnostic: "t.tmpl:1:11: error: unexpected EOF [template.syntax]"),
        ErrorCase(name: "unexpected end", template: "a\n{{end}}", diagnostic: "t.tmpl:2:3: error: unexpected {{end}} [template.syntax]"),
        ErrorCase(name: "unexpected else", template: "{{else}}", diagnostic: "t.tmpl:1:3: error: unexpected {{else}} [template.syntax]"),
        ErrorCase(name: "unknown function", template: "x\n  {{ upper .X }}",
                  diagnostic: #"t.tmpl:2:6: error: function "upper" not defined [template.unknown-function]"#),
        ErrorCase(name: "undefined variable", template: "{{$x}}", diagnostic: #"t.tmpl:1:3: error: undefined variable "$x" [template.undefined-variable]"#),
        ErrorCase(name: "variable out of scope", template: "{{if true}}{{$x := 1}}{{end}}{{$x}}",
                  diagnostic: #"t.tmpl:1:32: error: undefined variable "$x" [template.undefined-variable]"#),
        ErrorCase(name: "unclosed comment", template: "{{/* x", diagnostic: "t.tmpl:1:3: error: unclosed comment [template.syntax]"),
        ErrorCase(name: "comment before delimiter", template: "{{/* x */ .X}}", diagnostic: "t.tmpl:1:3: error: comment ends before closing delimiter [template.syntax]"),
        ErrorCase(name: "missing value for if", template: "{{if}}x{{end}}", diagnostic: "t.tmpl:1:5: error: missing value for if [template.syntax]"),
        ErrorCase(name: "missing value for command", template: "{{ }}", diagnostic: "t.tmpl:1:4: error: missing value for command [template.syntax]"),
        ErrorCase(name: "unterminated string", template: "{{\"abc}}", diagnostic: "t.tmpl:1:3: error: unterminated quoted string [template.syntax]"),
        ErrorCase(name: "bad number", template: "{{3k}}", diagnostic: #"t.tmpl:1:3: error: bad number syntax: "3k" [template.syntax]"#),
        ErrorCase(name: "break outside range", template: "{{break}}", diagnostic: "t.tmpl:1:3: error: {{break}} outside {{range}} [template.syntax]"),
        ErrorCase(name: "too many declarations", template: "{{$a, $b := 1}}", diagnostic: "t.tmpl:1:3: error: too many declarations in command [template.syntax]"),
        ErrorCase(name: "non executable stage", template: "{{.X | 3}}", diagnostic: "t.tmpl:1:8: error: non executable command in pipeline stage 2 [template.syntax]"),
        ErrorCase(name: "dot after literal", template: "{{\"s\".x}}", diagnostic: #"t.tmpl:1:3: error: unexpected . after term "\"s\"" [template.syntax]"#),
        ErrorCase(name: "unexpected token in operand", template: "{{.X :=}}", diagnostic: #"t.tmpl:1:6: error: unexpected ":=" in operand [template.syntax]"#),
        ErrorCase(name: "bad character", template: "{{.X#}}", diagnostic: "t.tmpl:1:3: error: bad character U+0023 '#' [template.syntax]"),
        // Execution errors.
        ErrorCase(name: "field of string", template: "{{.X.Y}}",
                  diagnostic: #"t.tmpl:1:5: error: executing "t.tmpl" at <.X.Y>: can't evaluate field Y in type interface {} [template.exec]"#),
        ErrorCase(name: "field of top-level string", template: "{{.Y}}",
                  diagnostic: #"t.tmpl:1:3: error: executing "t.tmpl" at <.Y>: can't evaluate field Y in type string [template.exec]"#, data: "s"),
        ErrorCase(name: "nil pointer field", template: "{{.Empty0.X}}",
                  diagnostic: #"t.tmpl:1:10: error: executing "t.tmpl" at <.Empty0.X>: nil pointer evaluating interface {}.X [template.exec]"#),
        ErrorCase(name: "index out of range", template: "{{index .SI 10}}",
                  diagnostic: #"t.tmpl:1:3: error: executing "t.tmpl" at <index .SI 10>: error calling index: index out of range: 10 [template.exec]"#),
        ErrorCase(name: "index with wrong key type", template: "{{index .SI `hello`}}",
                  diagnostic: #"t.tmpl:1:3: error: executing "t.tmpl" at <index .SI `hello`>: error calling index: cannot index slice/array with type string [template.exec]"#),
        ErrorCase(name: "index nil", template: "{{index nil 1}}",
                  diagnostic: #"t.tmpl:1:3: error: executing "t.tmpl" at <index nil 1>: error calling index: index of untyped nil [template.exec]"#),
        ErrorCase(name: "slice bounds", template: "{{slice .SI 2 1}}",
                  diagnostic: #"t.tmpl:1:3: error: executing "t.tmpl" at <slice .SI 2 1>: error calling slice: invalid slice index: 2 > 1 [template.exec]"#),
        ErrorCase(name: "slice of a string with 3 indexes", template: "{{slice .S 0 1 2}}",
                  diagnostic: #"t.tmpl:1:3: error: executing "t.tmpl" at <slice .S 0 1 2>: error calling slice: cannot 3-index slice a string [template.exec]"#),
        ErrorCase(name: "len of int", template: "{{len 3}}",
                  diagnostic: #"t.tmpl:1:3: error: executing "t.tmpl" at <len 3>: error calling len: len of type int [template.exec]"#),
        ErrorCase(name: "wrong arg count", template: "{{not 1 2}}",
                  diagnostic: #"t.tmpl:1:3: error: executing "t.tmpl" at <not>: wrong number of args for not: want 1 got 2 [template.exec]"#),
        ErrorCase(name: "too few variadic args", template: "{{printf}}",
                  diagnostic: #"t.tmpl:1:3: error: executing "t.tmpl" at <printf>: wrong number of args for printf: want at least 1 got 0 [template.exec]"#),
        ErrorCase(name: "printf format not a string", template: "{{1|printf}}",
                  diagnostic: #"t.tmpl:1:5: error: executing "t.tmpl" at <printf>: wrong type for value; expected string; got int [template.exec]"#),
        ErrorCase(name: "incompatible comparison", template: "{{eq 1 \"a\"}}",
                  diagnostic: #"t.tmpl:1:3: error: executing "t.tmpl" at <eq 1 "a">: error calling eq: incompatible types for comparison [template.exec]"#),
        ErrorCase(name: "lt on bool", template: "{{lt true false}}",
                  diagnostic: #"t.tmpl:1:3: error: executing "t.tmpl" at <lt true false>: error calling lt: invalid type for comparison [template.exec]"#),
        ErrorCase(name: "nil is not a command", template: "{{if nil}}x{{end}}",
                  diagnostic: #"t.tmpl:1:6: error: executing "t.tmpl" at <nil>: nil is not a command [template.exec]"#),
        ErrorCase(name: "argument to non-function", template: "{{3 2}}",
                  diagnostic: #"t.tmpl:1:3: error: executing "t.tmpl" at <3>: can't give argument to non-function 3 [template.exec]"#),
        ErrorCase(name: "range over string", template: "{{range .X}}{{end}}",
                  diagnostic: #"t.tmpl:1:9: error: executing "t.tmpl" at <.X>: range can't iterate over x [template.exec]"#),
        ErrorCase(name: "undefined template", template: #"{{template "nope"}}"#,
                  diagnostic: #"t.tmpl:1:12: error: executing "t.tmpl" at <{{template "nope"}}>: template "nope" not defined [template.exec]"#),
        ErrorCase(name: "runaway recursion", template: #"{{define "r"}}{{template "r"}}{{end}}{{template "r"}}"#,
                  diagnostic: #"t.tmpl:1:26: error: executing "t.tmpl" at <{{template "r"}}>: exceeded maximum template depth (100) [template.exec]"#),
        ErrorCase(name: "exponential work hits the budget", template: String(repeating: "{{range $.SI}}", count: 14) + "x" + String(repeating: "{{end}}", count: 14),
                  diagnostic: #"t.tmpl:1:192: error: executing "t.tmpl" at <$.SI>: template execution exceeded openrun's budget (1000000 steps or 16777216 bytes of output) [template.exec]"#),
    ]

    /// Positions follow Go's nodes: a field chain `.a.b` is placed at its
    /// second field, a `{{template}}` at its name.
    @Test("reports errors with Go's wording at file:line:col", arguments: errorCases)
    func errors(_ c: ErrorCase) {
        do {
            let t = try GoTemplate(source: c.template, file: "t.tmpl")
            let out = try t.render(data: c.data)
            Issue.record("expected an error, got \(out.debugDescription)")
        } catch {
            #expect(error.diagnostics.map(\.rendered) == [c.diagnostic])
        }
    }
}
