/// A systemd unit file or a Podman quadlet file (`.container`, `.volume`,
/// `.build`, `.socket`, `.service`) as data: sections of ordered entries.
/// `UnitRenderer` is the only place that turns it into text, and the only
/// place that knows systemd's quoting and `%`/`$` escaping.
package struct UnitFile: Hashable, Sendable {
    /// File name, e.g. `hello.container`.
    package var name: String
    /// Comment lines at the top (without `# `).
    package var header: [String]
    package var sections: [UnitSection]

    package init(name: String, header: [String] = [], sections: [UnitSection]) {
        self.name = name
        self.header = header
        self.sections = sections.filter { !$0.entries.isEmpty }
    }
}

/// `[Name]` and its entries, in order (a key may repeat).
package struct UnitSection: Hashable, Sendable {
    package var name: String
    package var entries: [UnitEntry]

    package init(_ name: String, _ entries: [UnitEntry]) {
        self.name = name
        self.entries = entries
    }
}

/// `Key=value`.
package struct UnitEntry: Hashable, Sendable {
    package var key: String
    package var value: UnitValue

    package init(_ key: String, _ value: UnitValue) {
        self.key = key
        self.value = value
    }

    /// A plain single value (`%` is escaped on render).
    package static func text(_ key: String, _ value: String) -> UnitEntry { UnitEntry(key, .text(value)) }
}

/// What kind of value an entry holds decides how it is escaped.
package enum UnitValue: Hashable, Sendable {
    /// One value taken verbatim up to the end of the line (Description=,
    /// Image=, paths, numbers): `%` becomes `%%`; control characters, which
    /// cannot appear in a unit line, become spaces.
    case text(String)
    /// A list of words quadlet splits and unquotes and then writes into the
    /// `podman` command line of the service it generates (Environment=,
    /// PodmanArgs=, Label=, Secret=): each word quoted when it needs to be, with
    /// C escapes, and `$` doubled, because quadlet copies the text into
    /// ExecStart= where systemd would expand `${VAR}`.
    case words([String])
    /// A command line (ExecStart=, ExecStartPre=): quoted and escaped like `words`.
    case command([String])
}
