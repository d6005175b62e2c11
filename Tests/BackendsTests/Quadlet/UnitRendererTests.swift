import Backends
import Testing

@Suite("quadlet: systemd escaping in UnitRenderer")
struct UnitRendererTests {
    @Test("plain words stay bare; % is doubled everywhere", arguments: [
        ("A=b", "A=b"),
        ("P=100%", "P=100%%"),
        ("H=${HOME}", "H=$${HOME}"),
        ("", "\"\""),
    ])
    func words(_ input: String, _ expected: String) {
        #expect(UnitRenderer.render(UnitFile(name: "x", sections: [UnitSection("S", [UnitEntry("K", .words([input]))])])) == "[S]\nK=\(expected)\n")
    }

    @Test("a word with spaces, quotes, backslashes or control characters is double-quoted with C escapes")
    func hostileWord() {
        let w = "it's \"q\" \\ $(x) `id` %d\nline2\ttab"
        #expect(UnitRenderer.escapeSpecifiers(UnitRenderer.quote(w)) == #""it's \"q\" \\ $(x) `id` %%d\nline2\ttab""#)
    }

    @Test("commands double $ so systemd expands no variable")
    func command() {
        let unit = UnitFile(name: "x", sections: [UnitSection("Service", [UnitEntry("ExecStart", .command(["/bin/sh", "-c", "echo $HOME 50%"]))])])
        #expect(UnitRenderer.render(unit) == "[Service]\nExecStart=/bin/sh -c \"echo $$HOME 50%%\"\n")
    }

    @Test("text values keep one line")
    func text() {
        let unit = UnitFile(name: "x", header: ["a\nb"], sections: [UnitSection("Unit", [.text("Description", "two\nlines 5%")])])
        #expect(UnitRenderer.render(unit) == "# a b\n\n[Unit]\nDescription=two lines 5%%\n")
    }

    @Test("empty sections are dropped")
    func emptySections() {
        let unit = UnitFile(name: "x", sections: [UnitSection("A", []), UnitSection("B", [.text("K", "v")])])
        #expect(UnitRenderer.render(unit) == "[B]\nK=v\n")
    }
}
