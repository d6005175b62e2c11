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

/// A parser directive (`# syntax=...`, `# escape=...`, `# check=...`).
public struct ContainerfileDirective: Hashable, Codable, Sendable {
    /// Lower-cased name.
    public var name: String
    public var value: String
    public var location: SourceLocation

    public init(name: String, value: String, location: SourceLocation) {
        self.name = name
        self.value = value
        self.location = location
    }
}

/// A here-document attached to a RUN, COPY or ADD instruction.
public struct ContainerfileHeredoc: Hashable, Codable, Sendable {
    /// The delimiter word after quote removal (`EOF` for `<<"EOF"`).
    public var name: String
    /// The file descriptor written before `<<` (`3<<EOF`), 0 when absent.
    public var fileDescriptor: UInt
    /// False when any part of the delimiter was quoted: the body is then not expanded.
    public var expand: Bool
    /// True for `<<-`: leading tabs are stripped from the body when it is used.
    public var chomp: Bool
    /// The body, every line with its line terminator, without the delimiter line.
    public var content: String

    public init(name: String, fileDescriptor: UInt, expand: Bool, chomp: Bool, content: String) {
        self.name = name
        self.fileDescriptor = fileDescriptor
        self.expand = expand
        self.chomp = chomp
        self.content = content
    }

    /// The body as it is used: with leading tabs stripped from each line for `<<-`.
    public var effectiveContent: String {
        guard chomp else { return content }
        var out = ""
        var atLineStart = true
        for ch in content.unicodeScalars {
            if atLineStart && ch == "\t" { continue }
            atLineStart = ch == "\n"
            out.unicodeScalars.append(ch)
        }
        return out
    }
}

/// One instruction of the parse tree.
public struct ContainerfileNode: Hashable, Sendable {
    /// The instruction word exactly as written (`from`, `RUN`, `Copy`, or an unknown word).
    public var command: String
    /// The builder flags (`--from=build`), as BuildKit extracts them (quotes removed).
    public var flags: [String]
    /// The arguments after the parser's per-instruction splitting (no expansion).
    /// An unknown instruction has a single empty argument, as in BuildKit.
    public var args: [String]
    /// True when the arguments were written in JSON (exec) form.
    public var isJSON: Bool
    /// For ONBUILD: the trigger instruction (at most one element).
    public var children: [ContainerfileNode]
    /// The logical line the instruction was parsed from (continuations joined).
    public var original: String
    /// Here-documents in the order their bodies appear.
    public var heredocs: [ContainerfileHeredoc]
    /// First and last physical line (1-based; the last includes heredoc bodies).
    public var startLine: Int
    public var endLine: Int
    /// Where the instruction word starts.
    public var location: SourceLocation

    public init(command: String, flags: [String], args: [String], isJSON: Bool, children: [ContainerfileNode], original: String, heredocs: [ContainerfileHeredoc], startLine: Int, endLine: Int, location: SourceLocation) {
        self.init(command: command, name: LineParser.lower(command), flags: flags, args: args, isJSON: isJSON, children: children, original: original, heredocs: heredocs, startLine: startLine, endLine: endLine, location: location)
    }

    init(command: String, name: String, flags: [String], args: [String], isJSON: Bool, children: [ContainerfileNode], original: String, heredocs: [ContainerfileHeredoc], startLine: Int, endLine: Int, location: SourceLocation) {
        self.command = command
        self.name = name
        self.flags = flags
        self.args = args
        self.isJSON = isJSON
        self.children = children
        self.original = original
        self.heredocs = heredocs
        self.startLine = startLine
        self.endLine = endLine
        self.location = location
    }

    /// The lower-cased instruction name (`from`, `run`, ...).
    public let name: String

    /// The ONBUILD trigger, if this is an ONBUILD with one.
    public var trigger: ContainerfileNode? { children.first }

    /// This node in BuildKit's dump format, without the enclosing parentheses.
    public var dump: String {
        var s = name
        if !flags.isEmpty { s += " " + GoText.quoteList(flags) }
        if let child = children.first {
            s += " (" + child.dump + ")"
        } else {
            for a in args { s += " " + GoText.quote(a) }
        }
        return s
    }
}
