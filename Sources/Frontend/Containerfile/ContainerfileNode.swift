import IR

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
