import Testing
@testable import Backends

@Suite struct YAMLRendererTests {
    private func text(_ node: YAMLNode) -> String { String(decoding: YAMLRenderer.render(node), as: UTF8.self) }

    @Test func nestedStructuresRenderAsIndentedBlocks() {
        let node: YAMLNode = [
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": ["name": "web", "labels": ["app.kubernetes.io/name": "web"]],
            "spec": [
                "replicas": 1,
                "paused": false,
                "template": [
                    "spec": [
                        "containers": [
                            [
                                "name": "app",
                                "args": ["--port", "8080"],
                                "ports": [["containerPort": 8080]],
                            ],
                        ],
                    ],
                ],
            ],
            "empty": [:],
            "none": [],
            "nothing": nil,
        ]
        #expect(text(node) == """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              labels:
                app.kubernetes.io/name: web
            spec:
              replicas: 1
              paused: false
              template:
                spec:
                  containers:
                  - name: app
                    args:
                    - --port
                    - "8080"
                    ports:
                    - containerPort: 8080
            empty: {}
            none: []
            nothing: null

            """)
    }

    @Test func documentsAfterTheFirstStartWithMarkers() {
        let stream = YAMLStream([["a": 1], ["b": [true]], "text"])
        #expect(String(decoding: YAMLRenderer.render(stream), as: UTF8.self) == """
            a: 1
            ---
            b:
            - true
            --- text

            """)
        #expect(YAMLRenderer.render(YAMLStream([])).isEmpty)
    }

    @Test func mappingKeepsKeyOrderAndDropsNilEntries() {
        var mapping = YAMLMapping([("z", "1"), ("a", nil), ("m", .int(2))])
        #expect(mapping.keys == ["z", "m"])
        mapping["z"] = .bool(true)
        mapping["b"] = "x"
        mapping["m"] = nil
        #expect(text(.mapping(mapping)) == "z: true\nb: x\n")
    }

    /// Strings a YAML 1.1 or 1.2 reader would type are double-quoted;
    /// libyaml single-quotes others only for syntax.
    @Test(arguments: [
        ("plain", "plain"),
        ("with space", "with space"),
        ("true", "\"true\""), ("True", "\"True\""), ("yes", "\"yes\""), ("No", "\"No\""),
        ("on", "\"on\""), ("OFF", "\"OFF\""), ("y", "\"y\""), ("n", "\"n\""),
        ("null", "\"null\""), ("~", "\"~\""), ("", "\"\""), ("<<", "\"<<\""), ("=", "\"=\""),
        ("8080", "\"8080\""), ("-1", "\"-1\""), ("+1", "\"+1\""), ("007", "\"007\""), ("09", "\"09\""),
        ("0o17", "\"0o17\""), ("0x1F", "\"0x1F\""), ("0b101", "\"0b101\""), ("1_000", "\"1_000\""),
        ("1e3", "\"1e3\""), ("1E-3", "\"1E-3\""), ("1.5", "\"1.5\""), (".5", "\".5\""), ("1.", "\"1.\""),
        ("1.2.3", "\"1.2.3\""), (".inf", "\".inf\""), ("-.Inf", "\"-.Inf\""), (".NaN", "\".NaN\""),
        ("12:30", "\"12:30\""), ("190:20:30.15", "\"190:20:30.15\""),
        ("2001-12-14", "\"2001-12-14\""), ("2001-12-14t21:59:43.10-05:00", "\"2001-12-14t21:59:43.10-05:00\""),
        ("v1.2.3", "v1.2.3"), ("1.2.3-alpha", "1.2.3-alpha"), ("nope", "nope"), ("yes please", "yes please"),
        ("-", "'-'"), ("-x", "-x"), ("- x", "'- x'"), ("a: b", "'a: b'"), ("a:b", "a:b"), ("#c", "'#c'"), ("a #c", "'a #c'"),
        ("*ref", "'*ref'"), ("&anchor", "'&anchor'"), ("!tag", "'!tag'"), ("%dir", "'%dir'"), ("@at", "'@at'"),
        ("`cmd`", "'`cmd`'"), ("'single'", "'''single'''"), ("\"double\"", "'\"double\"'"),
        (" lead", "' lead'"), ("trail ", "'trail '"), ("tab\there", "\"tab\\there\""),
        ("héllo ✓ 日本", "héllo ✓ 日本"), ("bell\u{7}", "\"bell\\a\""),
        ("{x}", "'{x}'"), ("[x]", "'[x]'"), ("a,b", "a,b"), ("?", "'?'"), ("|", "'|'"), (">", "'>'"),
    ])
    func stringScalarsStayStrings(value: String, rendered: String) {
        #expect(text(["k": .string(value)]) == "k: \(rendered)\n")
    }

    @Test func typedScalarsArePlain() {
        #expect(text(["int": -42, "max": .int(Int.max), "t": true, "f": false, "null": nil])
            == "int: -42\nmax: 9223372036854775807\nt: true\nf: false\n\"null\": null\n")
    }

    @Test func keysAreQuotedLikeValues() {
        #expect(text(["8080": "a", "true": "b", "a: b": "c", "plain": "d"]) == "\"8080\": a\n\"true\": b\n'a: b': c\nplain: d\n")
    }

    @Test func multiLineStringsUseLiteralBlocksWhenExact() {
        #expect(text(["script": "echo one\necho two\n"]) == "script: |\n  echo one\n  echo two\n")
        #expect(text(["script": "no final newline\nx"]) == "script: |-\n  no final newline\n  x\n")
        #expect(text(["script": "  indented\nfirst\n"]) == "script: |2\n    indented\n  first\n")
        // Carriage returns and trailing spaces cannot survive a literal block.
        #expect(text(["crlf": "a\r\nb"]) == "crlf: \"a\\r\\nb\"\n")
        #expect(text(["trailing": "a \nb"]) == "trailing: \"a \\nb\"\n")
        #expect(text(["forced": .string("a\nb", style: .doubleQuoted)]) == "forced: \"a\\nb\"\n")
    }

    @Test func longLinesAreNotFolded() {
        let long = Array(repeating: "word", count: 60).joined(separator: " ")
        #expect(text(["k": .string(long)]) == "k: \(long)\n")
    }
}
