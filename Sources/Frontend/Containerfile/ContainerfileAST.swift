import IR

/// The parse tree of a Containerfile, as BuildKit's `parser.Parse` builds it:
/// one node per instruction, in file order, with the escape token and the
/// parser directives that were found at the top.
public struct ContainerfileAST: Hashable, Sendable {
    /// The instructions in file order.
    public var nodes: [ContainerfileNode]
    /// The escape token (`\` or `` ` ``) set by the `# escape=` directive.
    public var escapeToken: Character
    /// The parser directives (`syntax`, `escape`, `check`) in the order found.
    public var directives: [ContainerfileDirective]
    /// Non-fatal findings (e.g. empty continuation lines), BuildKit's warnings.
    public var warnings: [Diagnostic]

    public init(nodes: [ContainerfileNode], escapeToken: Character, directives: [ContainerfileDirective], warnings: [Diagnostic]) {
        self.nodes = nodes
        self.escapeToken = escapeToken
        self.directives = directives
        self.warnings = warnings
    }

    /// The tree in BuildKit's dump format: one line per instruction,
    /// `(name ["--flag" ...] "arg" ...)`, values quoted as Go's `strconv.Quote`
    /// does, ONBUILD children nested in parentheses.
    public var dump: String {
        var out = ""
        for node in nodes {
            out += "(" + node.dump + ")\n"
        }
        return out
    }
}
