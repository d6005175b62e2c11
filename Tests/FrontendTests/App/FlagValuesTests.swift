@testable import Frontend
import IR
import Testing

@Suite("Flag values")
struct FlagValuesTests {
    @Test("app paths parse and normalize", arguments: [
        ("/", nil, "/"),
        ("/app", nil, "/app"),
        ("/app/", nil, "/app"),
        ("/a/b-c_d.e~f", nil, "/a/b-c_d.e~f"),
        ("example.com:/", "example.com", "/"),
        ("Example.COM:/x/", "example.com", "/x"),
        ("nginxapp.localhost:", "nginxapp.localhost", "/"),
    ] as [(String, String?, String)])
    func appPaths(raw: String, domain: String?, path: String) {
        let diags = Diagnostics()
        let p = AppPath.parse(raw, location: .flag("app-path", raw), into: diags)
        #expect(diags.all.isEmpty, "\(diags.rendered)")
        #expect(p?.domain == domain)
        #expect(p?.path == path)
    }

    @Test("bad app paths are located errors", arguments: [
        ("app", "app path \"app\" must be /path or domain:/path"),
        ("/a//b", "app path \"/a//b\" has an empty, '.' or '..' segment"),
        ("/a/../b", "app path \"/a/../b\" has an empty, '.' or '..' segment"),
        ("/a b", "app path \"/a b\" contains \" \"; use letters, digits and - . _ ~"),
        ("-bad.com:/", "\"-bad.com\" is not a valid domain name (letters, digits, '-' and '.', labels of 1-63 characters)"),
        ("x.com:app", "app path \"app\" must start with /"),
    ])
    func badAppPaths(raw: String, message: String) {
        let diags = Diagnostics()
        #expect(AppPath.parse(raw, location: .flag("app-path", raw), into: diags) == nil)
        #expect(diags.all.map(\.message) == [message])
        #expect(diags.all.first?.location == .flag("app-path", raw))
    }

    @Test("--copt values: resources, replicas, engine flags")
    func containerOptions() {
        let diags = Diagnostics()
        let o = ContainerOptions.parse(["cpus=2", "memory=512m", "min_replicas=1", "max_replicas=3",
                                        "docker.shm-size=1g", "podman.userns=keep-id", "docker.privileged"], into: diags)
        #expect(diags.all.isEmpty, "\(diags.rendered)")
        #expect(o.resources == Resources(cpuMillis: 2000, memoryBytes: 512 << 20, minReplicas: 1, maxReplicas: 3))
        #expect(o.engineFlags.map { "\($0.engine.rawValue) \($0.name) \($0.value ?? "-")" } ==
                ["docker shm-size 1g", "podman userns keep-id", "docker privileged -"])
    }

    @Test("cpu and memory quantities", arguments: [
        ("cpus", "0.5", 500), ("cpus", "500m", 500), ("cpus", "1.25", 1250),
        ("memory", "1g", 1 << 30), ("memory", "512Mi", 512 << 20), ("memory", "1Gi", 1 << 30),
        ("memory", "256M", 256 << 20), ("memory", "1000000", 1_000_000), ("memory", "1GB", 1_000_000_000),
    ])
    func quantities(key: String, value: String, expected: Int) {
        if key == "cpus" { #expect(ContainerOptions.parseCPUMillis(value) == expected) }
        else { #expect(ContainerOptions.parseMemoryBytes(value) == expected) }
    }

    @Test("bad --copt values are errors; unknown bare keys warn")
    func badContainerOptions() {
        let diags = Diagnostics()
        _ = ContainerOptions.parse(["cpus=lots", "memory=-1g", "max_replicas=x", "gpus=1", "min_replicas=5", "max_replicas=2", "=3"], into: diags)
        #expect(diags.all.map { "\($0.severity) \($0.id)" } == [
            "error copt.cpus-invalid", "error copt.memory-invalid", "error copt.replicas-invalid",
            "warning copt.unknown", "error flags.malformed", "error copt.replicas-invalid",
        ])
        #expect(diags.all[3].location == .flag("--copt", "gpus=1"))
    }

    @Test("volume declarations", arguments: [
        ("/data", VolumeDeclaration.Kind.anonymous, nil, "/data", false),
        ("/data:ro", .anonymous, nil, "/data", true),
        ("cache:/root/.cache", .named, "cache", "/root/.cache", false),
        ("/srv/files:/files:ro", .bind, "/srv/files", "/files", true),
        ("./static:/app/static", .bind, "./static", "/app/static", false),
        ("cl_secret:./secrets.toml.tmpl:/app/.streamlit/secrets.toml", .secretFile, "./secrets.toml.tmpl", "/app/.streamlit/secrets.toml", true),
    ] as [(String, VolumeDeclaration.Kind, String?, String, Bool)])
    func volumes(raw: String, kind: VolumeDeclaration.Kind, source: String?, target: String, readOnly: Bool) {
        let diags = Diagnostics()
        let v = VolumeDeclaration.parse(raw, location: nil, into: diags)
        #expect(diags.all.isEmpty, "\(diags.rendered)")
        #expect(v?.kind == kind)
        #expect(v?.source == source)
        #expect(v?.target == target)
        #expect(v?.readOnly == readOnly)
    }

    @Test("bad volume declarations", arguments: ["data", "a:b:c:d", ":/x", "na me:/x", "/x:../y", "cl_secret:/etc/passwd:/x", "cl_secret:../t:/x", "cl_secret:t"])
    func badVolumes(raw: String) {
        let diags = Diagnostics()
        #expect(VolumeDeclaration.parse(raw, location: .flag("--cvol", raw), into: diags) == nil)
        #expect(diags.errors.map(\.id) == ["volume.invalid"])
    }

    @Test("secret references are found; other template actions are errors")
    func secretReferences() {
        let diags = Diagnostics()
        #expect(SecretReferences.scan("plain", location: nil, into: diags).isEmpty)
        #expect(SecretReferences.scan("{{secret \"DB_PW\"}}", location: nil, into: diags) == [SecretReference(provider: nil, key: "DB_PW")])
        #expect(SecretReferences.scan("pg://u:{{- secret_from  \"vault\" \"pg/pw\" -}}@h/{{secret \"X\"}}", location: nil, into: diags)
                == [SecretReference(provider: "vault", key: "pg/pw"), SecretReference(provider: nil, key: "X")])
        #expect(diags.all.isEmpty)
        for bad in ["{{secret}}", "{{ .params.x }}", "{{secret \"a\" \"b\"}}", "{{secret \"unterminated}}", "{{secret \"a\""] {
            let d = Diagnostics()
            _ = SecretReferences.scan(bad, location: nil, into: d)
            #expect(d.errors.map(\.id) == ["params.secret-malformed"], "\(bad)")
        }
        #expect(SecretReference(provider: "vault", key: "pg/pw").environmentName == "OPENRUN_SECRET_VAULT_PG_PW")
    }

    @Test("param coercion", arguments: [
        ("8080", ParamIR.ParamType.int, IRValue.int(8080)),
        ("-3", .int, .int(-3)),
        ("true", .boolean, .bool(true)),
        ("0", .boolean, .bool(false)),
        ("x y", .string, .string("x y")),
        ("[\"a\", 1, true, null, 1.5]", .list, .list([.string("a"), .int(1), .bool(true), .null, .float(1.5)])),
        ("{\"b\": {\"c\": []}, \"a\": \"\\u00e9\"}", .dict, .dict([.init("b", .dict([.init("c", .list([]))])), .init("a", .string("é"))])),
    ])
    func coercion(raw: String, type: ParamIR.ParamType, expected: IRValue) {
        let diags = Diagnostics()
        #expect(ParamCoercion.coerce(raw, name: "p", to: type, location: .flag("--param", "p=\(raw)"), into: diags) == expected)
        #expect(diags.all.isEmpty, "\(diags.rendered)")
    }

    @Test("bad param values name the param, the type and the problem", arguments: [
        ("12a", ParamIR.ParamType.int, "param \"p\" is INT, but \"12a\" is not a decimal integer"),
        ("99999999999999999999", .int, "param \"p\" is INT, but 99999999999999999999 is out of range"),
        ("yes", .boolean, "param \"p\" is BOOLEAN, but \"yes\" is not true/false/1/0"),
        ("{\"a\": 1}", .list, "param \"p\" is LIST, but the value is not a JSON array like [\"a\", \"b\"]"),
        ("[1,]", .list, "param \"p\" is LIST: invalid JSON at offset 3: unexpected ']', expected a JSON value"),
        ("{\"a\": 1, \"a\": 2}", .dict, "param \"p\" is DICT: invalid JSON at offset 9: duplicate key \"a\""),
    ])
    func badCoercion(raw: String, type: ParamIR.ParamType, message: String) {
        let diags = Diagnostics()
        #expect(ParamCoercion.coerce(raw, name: "p", to: type, location: .flag("--param", "p=\(raw)"), into: diags) == nil)
        #expect(diags.all.map(\.message) == [message])
        #expect(diags.all.first?.rendered.hasPrefix("--param p=\(raw): error: ") == true)
    }

    @Test("environment strings: DICT/LIST as JSON with sorted keys")
    func environmentStrings() {
        let v = IRValue.dict([.init("z", .int(1)), .init("a", .list([.string("<x>"), .bool(false)]))])
        #expect(v.environmentString == "{\"a\":[\"\\u003cx\\u003e\",false],\"z\":1}")
        #expect(IRValue.bool(true).environmentString == "true")
        #expect(IRValue.int(-4).environmentString == "-4")
    }
}
