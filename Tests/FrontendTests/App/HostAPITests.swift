@testable import Frontend
import IR
import Testing

@Suite("app.star and params.star host API")
struct HostAPITests {
    func run(_ app: String, params: [ParamIR] = [], files: [String: String] = [:]) -> (AppDeclaration?, Diagnostics) {
        let diags = Diagnostics()
        let host = AppStarHost(params: params, appURL: "http://localhost:25222/x", branch: "main",
                               readFile: { files[$0].map { Array($0.utf8) } }, diags: diags)
        return (host.run(source: Array(app.utf8)), diags)
    }

    @Test("ace.app records routes, permissions, container, settings and flags with locations")
    func fullApp() throws {
        let (decl, diags) = run("""
        load("proxy.in#prod", "proxy")
        load("container.in", "container")

        app = ace.app(
            "Demo",
            routes = [
                ace.html("/page", full = "index.go.html"),
                ace.proxy("/api", proxy.config("https://api.example.com", strip_path = "/v1", preserve_host = True,
                                               strip_app = False, response_headers = {"X-Frame-Options": "DENY"})),
                ace.proxy("/", proxy.config(container.URL)),
            ],
            permissions = [
                ace.permission("proxy.in", "config", [container.URL]),
                ace.permission("container.in", "config", [container.AUTO], type = "READ", secrets = [["regex:^DB_"], ["API_KEY"]]),
            ],
            container = container.config(container.AUTO, port = 8080, health = "/healthz", build_dir = "web",
                                         volumes = ["/data", "cache:/cache:ro"], cargs = {"N": 5, "DEBUG": True, "L": ["a", "b"]},
                                         dev_settings = {"reload": "restart"}),
            settings = {"routing": {"x": 1}},
            redirect_bare_path = True,
            index = "main.html",
        )
        """)
        let d = try #require(decl, "\(diags.rendered)")
        #expect(d.name == "Demo")
        #expect(d.nameLocation == SourceLocation(file: "app.star", line: 4, column: 14))
        #expect(d.routes.map(\.path) == ["/api", "/"])
        #expect(d.routes[0].proxy.url == "https://api.example.com")
        #expect(d.routes[0].proxy.stripPath == "/v1")
        #expect(d.routes[0].proxy.preserveHost)
        #expect(!d.routes[0].proxy.stripApp)
        #expect(d.routes[0].proxy.responseHeaders == [RouteIR.Header("X-Frame-Options", "DENY")])
        #expect(d.routes[1].proxy.url == ProxyConfig.containerURL)
        #expect(d.routes[1].proxy.stripApp)
        #expect(d.permissions.map { "\($0.plugin).\($0.method) \($0.type ?? "-") \($0.secrets)" } ==
                ["proxy.in.config - []", "container.in.config READ [[\"regex:^DB_\"], [\"API_KEY\"]]"])
        let c = try #require(d.container)
        #expect(c.port == 8080 && c.health == "/healthz" && c.buildDir == "web" && c.source == "auto")
        #expect(c.volumes.map(\.0) == ["/data", "cache:/cache:ro"])
        #expect(c.cargs.map { "\($0.0)=\($0.1)" } == ["N=5", "DEBUG=true", "L=[a b]"])
        #expect(c.devSettings == .dict([.init("reload", .string("restart"))]))
        #expect(d.settings == .dict([.init("routing", .dict([.init("x", .int(1))]))]))
        #expect(d.redirectBarePath && d.index == "main.html" && !d.staticOnly)
        #expect(d.recorded.map(\.function) == ["ace.html"])
        #expect(d.recorded.first?.arguments == [.string("/page")])
        #expect(d.recorded.first?.location == SourceLocation(file: "app.star", line: 7, column: 17))
    }

    @Test("param is a module of typed values; ace.config knows _app_url and _branch")
    func paramsAndConfig() throws {
        let params = [
            ParamIR(name: "port", type: .int, value: .int(8501), origin: .default),
            ParamIR(name: "debug", type: .boolean, value: .bool(true), origin: .flag),
            ParamIR(name: "tags", type: .list, value: .list([.string("a")]), origin: .default),
            ParamIR(name: "EXTRA", type: .string, value: .string("x"), origin: .undeclared),
        ]
        let (decl, diags) = run("""
        url = ace.config("_app_url", "")
        branch = ace.config("_branch", "none")
        other = ace.config("node_setting", 42)
        app = ace.app("p%d-%s-%s-%s-%s-%d" % (param.port + 1, param.debug, param.tags[0], url, branch, other))
        """, params: params)
        #expect(decl?.name == "p8502-True-a-http://localhost:25222/x-main-42", "\(diags.rendered)")
        let (_, d2) = run("app = ace.app(param.EXTRA)", params: params)
        #expect(d2.errors.map(\.message) == ["module has no .EXTRA field or method"])
    }

    @Test("load() reads helper files relative to app.star, with the same API")
    func loadHelpers() throws {
        let (decl, diags) = run("""
        load("lib/names.star", "title")
        app = ace.app(title("demo"))
        """, files: ["lib/names.star": "load(\"common.star\", \"prefix\")\ndef title(s):\n    return prefix + s.upper()\n",
                     "lib/common.star": "prefix = ace.config(\"_branch\", \"\") + \":\"\n"])
        #expect(decl?.name == "main:DEMO", "\(diags.rendered)")
    }

    @Test("container and proxy constants are OpenRun's")
    func constants() throws {
        let (decl, diags) = run("""
        load("container.in", "container")
        app = ace.app(",".join([container.URL, container.AUTO, container.COMMAND, container.IMAGE_PREFIX, ace.CONTAINER_URL, ace.GET]))
        """)
        #expect(decl?.name == "<CONTAINER_URL>,auto,command,image:,<CONTAINER_URL>,GET", "\(diags.rendered)")
    }

    @Test("params.star: declarations in order, zero values for optional params, OpenRun's validation")
    func paramsStar() throws {
        let diags = Diagnostics()
        let decls = try #require(ParamsStarHost.run(source: Array("""
        param("port", type=INT, default=8501, description="Port")
        param("app_name", default="App")
        param("opt", type=LIST, required=False)
        param("pw", display_type=PASSWORD, required=False)
        param("choice", display_type="combo:a,b", default="a")
        """.utf8), appURL: "", diags: diags), "\(diags.rendered)")
        #expect(decls.map(\.name) == ["port", "app_name", "opt", "pw", "choice"])
        #expect(decls.map(\.type) == [.int, .string, .list, .string, .string])
        #expect(decls[0].defaultValue == .int(8501) && decls[0].description == "Port" && decls[0].required)
        #expect(decls[2].defaultValue == nil && !decls[2].required)
        #expect(decls[3].displayType == "password")
        #expect(decls[4].displayType == "combo:a,b")
        #expect(decls[0].location == SourceLocation(file: "params.star", line: 1, column: 6))

        for (src, message) in [
            ("param(\"a b\")", "param name \"a b\" has spaces"),
            ("param(\"n\", type=INT, display_type=PASSWORD, default=1)", "display_type password is allowed for string type n only"),
            ("param(\"n\", display_type=\"slider\")", "unknown display type slider for n"),
            ("param(\"n\", type=BOOLEAN, default=1)", "param n is of type bool but default value is not a bool"),
            ("param(\"n\", type=DICT, default=[])", "param n is of type dict but default value is not a dict"),
        ] {
            let d = Diagnostics()
            #expect(ParamsStarHost.run(source: Array(src.utf8), appURL: "", diags: d) == nil)
            #expect(d.errors.map(\.message) == [message], "\(src)")
        }
    }
}
