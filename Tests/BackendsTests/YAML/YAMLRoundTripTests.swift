import Testing
@testable import Backends

/// Rendered YAML read back by PyYAML gives exactly the model's values.
@Suite struct YAMLRoundTripTests {
    static let hostileStrings: [String] = [
        "", " ", "  ", "\t", "\n", "\n\n", "a\n", "a\n\n", "\na", " a\nb", "a\n b\n", "a\n\n\nb", "a\r\nb", "a\rb",
        "a \nb", "a\t\nb", "a\n\tb", "trailing\n  ", "x\u{85}y", "x\u{2028}y", "x\u{2029}y", "\u{FEFF}bom", "nul\u{0}byte",
        "\u{1}\u{1F}\u{7F}", "\u{A0}nbsp", "é", "日本語", "emoji 🎉", "\u{10FFFF}",
        "'", "''", "\"", "\\", "\\n", "'quoted'", "\"quoted\"", "it's", "say \"hi\"",
        ":", "a:", ":a", "a: b", "a:b", "a :b", "http://example.com:8080/path?q=1#frag", "key: value # comment",
        "#", "#c", "a#b", "a #b", "-", "--", "---", "--- x", "...", "- x", "-x", "?", "? x", "?x",
        "*", "*x", "&", "&x", "!", "!x", "!!str", "%", "%YAML", "@", "@x", "`", "`x`", "|", "|x", ">", ">x",
        "{", "}", "[", "]", "{a: 1}", "[1, 2]", ",", "a,b", "a, b",
        " lead", "trail ", " both ", "a  b", "\tlead", "trail\t",
        "yes", "Yes", "YES", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N",
        "true", "True", "TRUE", "false", "False", "FALSE", "null", "Null", "NULL", "~", "<<", "=",
        "0", "-0", "+0", "8080", "007", "08", "09", "-1", "+1", "1_000", "0o17", "0O17", "0x1F", "0X1f", "0b101", "-0b1",
        "1e3", "1E3", "1e+3", "1.0e+3", "-1.5", ".5", "1.", ".", "-.", "1.2.3", "1_0.5", ".inf", "-.inf", "+.INF", ".nan", ".NaN",
        "inf", "nan", "Infinity", "12:30", "1:2", "190:20:30", "190:20:30.15", "-1:30",
        "2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "2001-12-14 21:59:43",
        "v1", "1.2.3-alpha", "512Mi", "500m", "0.5", "1Gi", "python:3.12-slim", "ghcr.io/org/app:1.0",
        "$HOME", "${VAR}", "{{secret \"KEY\"}}", "%s", "\u{2022} bullet", "\u{200B}zero-width",
        String(repeating: "long ", count: 100),
    ]

    @Test func hostileStringsReadBackExactly() throws {
        let documents: [YAMLNode] = Self.hostileStrings.flatMap { s -> [YAMLNode] in
            [
                .string(s),
                ["value": .string(s), "seq": [.string(s)], .init(stringLiteral: "k"): ["nested": .string(s)]],
                .mapping(YAMLMapping([(s, .string(s))])),
                ["literal": .string(s, style: .literal), "quoted": .string(s, style: .doubleQuoted)],
            ]
        }
        let loaded = try PyYAML.loadAll(YAMLRenderer.render(YAMLStream(documents)))
        try #require(loaded.count == documents.count)
        for (index, (want, got)) in zip(documents, loaded).enumerated() {
            #expect(got == want.valuesOnly, "string \(Self.hostileStrings[index / 4].debugDescription)")
        }
    }

    @Test func typedScalarsAndStructuresReadBackExactly() throws {
        let document: YAMLNode = [
            "ints": [0, -1, .int(Int.max), .int(Int.min)],
            "bools": [true, false],
            "null": nil,
            "empty": ["map": [:], "seq": []],
            "deep": [[[["a": [["b": "c"]]]]]],
            "order": ["z": 1, "a": 2, "m": 3],
        ]
        let loaded = try PyYAML.loadAll(YAMLRenderer.render(document))
        #expect(loaded == [document])
    }
}
