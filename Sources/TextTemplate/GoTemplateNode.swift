/// The parse tree of a Go text/template (text/template/parse's nodes). Every
/// node keeps the byte offset of the token that started it.
indirect enum GoTemplateNode: Sendable {
    case text(String)
    case action(pos: Int, pipe: Pipe)
    case ifNode(Control)
    case rangeNode(Control)
    case withNode(Control)
    case template(pos: Int, name: String, pipe: Pipe?)
    case breakNode(pos: Int)
    case continueNode(pos: Int)

    /// The pipeline, branches and position of an if, range or with.
    struct Control: Sendable {
        var pos: Int
        var pipe: Pipe
        var list: [GoTemplateNode]
        var elseList: [GoTemplateNode]?
    }

    /// `$x := a | b c`: declarations and commands.
    struct Pipe: Sendable {
        var pos: Int
        var isAssign = false
        var decl: [(name: String, pos: Int)] = []
        var cmds: [Command] = []

        var goDescription: String {
            var s = ""
            if !decl.isEmpty {
                s = decl.map(\.name).joined(separator: ", ") + (isAssign ? " = " : " := ")
            }
            return s + cmds.map(\.goDescription).joined(separator: " | ")
        }
    }

    /// One command of a pipeline: a function or value and its arguments.
    struct Command: Sendable {
        var pos: Int
        var args: [Operand]

        var goDescription: String {
            args.map { arg in
                if case .pipe(let p) = arg { return "(" + p.goDescription + ")" }
                return arg.goDescription
            }.joined(separator: " ")
        }
    }

    /// A number literal as Go's parser reads it (a character constant is
    /// an int too).
    struct Number: Sendable {
        var text: String
        var isInt = false
        var intValue = 0
        var isUint = false
        var isFloat = false
        var floatValue = 0.0
        var isComplex = false
    }

    /// An operand of a command.
    indirect enum Operand: Sendable {
        case field(pos: Int, names: [String])
        case chain(pos: Int, node: Operand, names: [String])
        case identifier(pos: Int, name: String)
        case variable(pos: Int, names: [String])
        case dot(pos: Int)
        case nilValue(pos: Int)
        case bool(pos: Int, Bool)
        case number(pos: Int, Number)
        case string(pos: Int, quoted: String, text: String)
        case pipe(Pipe)

        var pos: Int {
            switch self {
            case .field(let p, _), .chain(let p, _, _), .identifier(let p, _), .variable(let p, _),
                 .dot(let p), .nilValue(let p), .bool(let p, _), .number(let p, _), .string(let p, _, _):
                p
            case .pipe(let pipe):
                pipe.pos
            }
        }

        /// The operand as Go prints a node (`.a.b`, `$x.y`, `"s"`, `(pipe)`).
        var goDescription: String {
            switch self {
            case .field(_, let names): names.map { "." + $0 }.joined()
            case .chain(_, let node, let names):
                {
                    if case .pipe = node { return "(" + node.goDescription + ")" }
                    return node.goDescription
                }() + names.map { "." + $0 }.joined()
            case .identifier(_, let name): name
            case .variable(_, let names): names.joined(separator: ".")
            case .dot: "."
            case .nilValue: "nil"
            case .bool(_, let b): b ? "true" : "false"
            case .number(_, let n): n.text
            case .string(_, let quoted, _): quoted
            case .pipe(let p): p.goDescription
            }
        }
    }
}
