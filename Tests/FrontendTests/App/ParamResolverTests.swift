@testable import Frontend
import IR
import Testing

@Suite("Param resolution")
struct ParamResolverTests {
    func decl(_ name: String, _ type: ParamIR.ParamType = .string, _ def: IRValue? = nil, required: Bool = true, line: Int = 1) -> ParamDeclaration {
        ParamDeclaration(name: name, type: type, defaultValue: def, required: required, location: SourceLocation(file: "params.star", line: line, column: 1))
    }

    @Test("defaults, flags, zero values and undeclared params")
    func resolution() {
        let diags = Diagnostics()
        let r = ParamResolver.resolve(declared: [
            decl("port", .int, .int(8501)),
            decl("app_name", .string, .string("Streamlit App")),
            decl("opt_list", .list, required: false),
            decl("flags", .dict, .dict([.init("z", .int(1)), .init("a", .bool(true))])),
            decl("debug", .boolean, .bool(false)),
        ], flags: ["port=9000", "APP_MODULE=main:app", "debug=True"], into: diags)
        #expect(diags.all.isEmpty, "\(diags.rendered)")
        #expect(r.params.map(\.name) == ["port", "app_name", "opt_list", "flags", "debug", "APP_MODULE"])
        #expect(r.params.map(\.value) == [.int(9000), .string("Streamlit App"), .list([]),
                                          .dict([.init("z", .int(1)), .init("a", .bool(true))]), .bool(true), .string("main:app")])
        #expect(r.params.map(\.origin) == [.flag, .default, .default, .default, .flag, .undeclared])
        // The container sees a flag's text as given, a default in OpenRun's string form.
        #expect(r.environment == ["port": "9000", "app_name": "Streamlit App", "opt_list": "[]",
                                  "flags": "{\"a\":true,\"z\":1}", "debug": "True", "APP_MODULE": "main:app"])
    }

    @Test("every problem is reported at its declaration or flag")
    func problems() {
        let diags = Diagnostics()
        _ = ParamResolver.resolve(declared: [
            decl("image", line: 1),
            decl("port", .int, line: 2),
            decl("image", .string, .string("x"), line: 3),
            decl("name", line: 4),
        ], flags: ["port=eighty", "name=", "noequals", "port=81"], into: diags)
        #expect(diags.all.map(\.rendered) == [
            "--param noequals: error: --param expects key=value, got \"noequals\" [flags.malformed]",
            "--param port=81: warning: --param port is given more than once; the last value wins [params.flag-repeated]\n--param port=eighty: note: earlier value",
            "params.star:1:1: error: param \"image\" is a required param, a value has to be provided [params.missing-required]\n    note: set it with --param image=VALUE",
            "params.star:3:1: error: param \"image\" already defined [params.duplicate]\nparams.star:1:1: note: first defined here",
            "--param name=: error: param \"name\" is a required param, value cannot be empty [params.empty-required]\nparams.star:4:1: note: declared here",
        ])
    }

    @Test("a bad flag value for a declared param is a type error at the flag")
    func typeError() {
        let diags = Diagnostics()
        _ = ParamResolver.resolve(declared: [decl("port", .int, .int(1))], flags: ["port=eighty"], into: diags)
        #expect(diags.all.map(\.rendered) == ["--param port=eighty: error: param \"port\" is INT, but \"eighty\" is not a decimal integer [params.type-mismatch]"])
    }

    @Test("secret references are recorded, never resolved")
    func secrets() {
        let diags = Diagnostics()
        let r = ParamResolver.resolve(declared: [decl("pw", .string, .string("{{secret \"PW\"}}"))], flags: ["url=x{{secret_from \"env\" \"U\"}}"], into: diags)
        #expect(r.params.map(\.secrets) == [[SecretReference(provider: nil, key: "PW")], [SecretReference(provider: "env", key: "U")]])
        #expect(r.environment["pw"] == "{{secret \"PW\"}}")
    }
}
