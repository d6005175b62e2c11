import Foundation

/// A syntax error: Go's message and the byte offset it points at.
struct GoTemplateSyntaxError: Error {
    var id: String
    var message: String
    var pos: Int
}

/// Parses tokens into a tree like text/template/parse: `if`/`else if`/
/// `else`, `range` (with `else`, `break`, `continue`), `with`/`else with`,
/// `define`/`template`/`block`, variables checked where they are used, and
/// function names checked against the builtins. Stops at the first error,
/// with Go's wording.
struct GoTemplateParser {
    /// The functions a template may call (Go's builtins that openrun has).
    static let functions: Set<String> = [
        "and", "or", "not", "len", "index", "slice", "print", "printf", "println",
        "eq", "ne", "lt", "le", "gt", "ge", "html", "js", "urlquery",
    ]

    private var tokens: [GoTemplateToken]
    private var index = 0
    private var vars: [String] = ["$"]
    private var rangeDepth = 0
    /// Templates found by `define` and `block`, by name.
    private(set) var definitions: [String: [GoTemplateNode]] = [:]

    init(source: String) {
        tokens = GoTemplateLexer.tokenize(source)
    }

    /// The root list, plus named templates in `definitions`.
    mutating func parse() throws(GoTemplateSyntaxError) -> [GoTemplateNode] {
        var root: [GoTemplateNode] = []
        while peek().kind != .eof {
            if peek().kind == .leftDelim {
                let save = index
                _ = next()
                if nextNonSpace().kind == .define {
                    try parseDefinition()
                    continue
                }
                index = save
            }
            let (node, terminator) = try textOrAction()
            if let terminator {
                throw err("unexpected \(terminator.description)", terminator.pos)
            }
            if let node { root.append(node) }
        }
        return root
    }

    // MARK: - tokens

    private func peek() -> GoTemplateToken { tokens[min(index, tokens.count - 1)] }

    private mutating func next() -> GoTemplateToken {
        let t = tokens[min(index, tokens.count - 1)]
        if index < tokens.count { index += 1 }
        return t
    }

    private mutating func backup() { index -= 1 }

    private mutating func nextNonSpace() -> GoTemplateToken {
        var t = next()
        while t.kind == .space { t = next() }
        return t
    }

    private mutating func peekNonSpace() -> GoTemplateToken {
        let t = nextNonSpace()
        backup()
        return t
    }

    private func err(_ message: String, _ pos: Int, id: String = "template.syntax") -> GoTemplateSyntaxError {
        GoTemplateSyntaxError(id: id, message: message, pos: pos)
    }

    private func unexpected(_ token: GoTemplateToken, _ context: String) -> GoTemplateSyntaxError {
        if token.kind == .error { return err(token.value, token.pos) }
        return err("unexpected \(token.goDescription) in \(context)", token.pos)
    }

    private mutating func expect(_ kind: GoTemplateToken.Kind, _ context: String) throws(GoTemplateSyntaxError) -> GoTemplateToken {
        let t = nextNonSpace()
        if t.kind != kind { throw unexpected(t, context) }
        return t
    }

    // MARK: - structure

    /// A `{{else}}` or `{{end}}` that ends a list.
    enum Terminator {
        case end(pos: Int)
        case elseMarker(pos: Int)

        var description: String {
            switch self {
            case .end: "{{end}}"
            case .elseMarker: "{{else}}"
            }
        }

        var pos: Int {
            switch self {
            case .end(let p), .elseMarker(let p): p
            }
        }
    }

    private mutating func textOrAction() throws(GoTemplateSyntaxError) -> (GoTemplateNode?, Terminator?) {
        let token = nextNonSpace()
        switch token.kind {
        case .text:
            return (.text(token.value), nil)
        case .leftDelim:
            return try action()
        default:
            throw unexpected(token, "input")
        }
    }

    private mutating func itemList() throws(GoTemplateSyntaxError) -> ([GoTemplateNode], Terminator) {
        var list: [GoTemplateNode] = []
        while peekNonSpace().kind != .eof {
            let (node, terminator) = try textOrAction()
            if let terminator { return (list, terminator) }
            if let node { list.append(node) }
        }
        let eof = peekNonSpace()
        if eof.kind == .error { throw err(eof.value, eof.pos) }
        throw err("unexpected EOF", eof.pos)
    }

    private mutating func action() throws(GoTemplateSyntaxError) -> (GoTemplateNode?, Terminator?) {
        let token = nextNonSpace()
        switch token.kind {
        case .block: return (try blockControl(token.pos), nil)
        case .breakKeyword, .continueKeyword:
            let word = token.kind == .breakKeyword ? "break" : "continue"
            let t = nextNonSpace()
            if t.kind != .rightDelim { throw unexpected(t, "{{\(word)}}") }
            if rangeDepth == 0 { throw err("{{\(word)}} outside {{range}}", token.pos) }
            return (token.kind == .breakKeyword ? .breakNode(pos: token.pos) : .continueNode(pos: token.pos), nil)
        case .elseKeyword:
            let p = peekNonSpace()
            if p.kind == .ifKeyword || p.kind == .with { return (nil, .elseMarker(pos: p.pos)) }
            _ = try expect(.rightDelim, "else")
            return (nil, .elseMarker(pos: token.pos))
        case .end:
            _ = try expect(.rightDelim, "end")
            return (nil, .end(pos: token.pos))
        case .ifKeyword: return (.ifNode(try parseControl("if")), nil)
        case .range: return (.rangeNode(try parseControl("range")), nil)
        case .with: return (.withNode(try parseControl("with")), nil)
        case .template: return (try templateControl(token.pos), nil)
        default:
            backup()
            let pos = peek().pos
            return (.action(pos: pos, pipe: try pipeline("command", end: .rightDelim)), nil)
        }
    }

    private mutating func parseControl(_ context: String) throws(GoTemplateSyntaxError) -> GoTemplateNode.Control {
        let mark = vars.count
        defer { vars.removeLast(vars.count - mark) }
        let pipe = try pipeline(context, end: .rightDelim)
        if context == "range" { rangeDepth += 1 }
        let (list, terminator) = try itemList()
        if context == "range" { rangeDepth -= 1 }
        var elseList: [GoTemplateNode]? = nil
        if case .elseMarker(let elsePos) = terminator {
            if context == "if", peekNonSpace().kind == .ifKeyword {
                _ = nextNonSpace()
                elseList = [.ifNode(try parseControl("if"))]
            } else if context == "with", peekNonSpace().kind == .with {
                _ = nextNonSpace()
                elseList = [.withNode(try parseControl("with"))]
            } else {
                let (list2, t2) = try itemList()
                if case .elseMarker = t2 { throw err("expected end; found {{else}}", t2.pos) }
                elseList = list2
            }
            _ = elsePos
        }
        return GoTemplateNode.Control(pos: pipe.pos, pipe: pipe, list: list, elseList: elseList)
    }

    private mutating func templateName(_ context: String) throws(GoTemplateSyntaxError) -> String {
        let t = nextNonSpace()
        switch t.kind {
        case .string, .rawString:
            return try unquote(t)
        default:
            throw unexpected(t, context)
        }
    }

    private mutating func templateControl(_ pos: Int) throws(GoTemplateSyntaxError) -> GoTemplateNode {
        let pos = peekNonSpace().pos  // Go places the node at its name.
        let name = try templateName("template clause")
        var pipe: GoTemplateNode.Pipe? = nil
        if nextNonSpace().kind != .rightDelim {
            backup()
            pipe = try pipeline("template clause", end: .rightDelim)
        }
        return .template(pos: pos, name: name, pipe: pipe)
    }

    private mutating func blockControl(_ pos: Int) throws(GoTemplateSyntaxError) -> GoTemplateNode {
        let context = "block clause"
        let name = try templateName(context)
        let pipe = try pipeline(context, end: .rightDelim)
        let savedVars = vars, savedDepth = rangeDepth
        vars = ["$"]
        rangeDepth = 0
        let (body, terminator) = try itemList()
        vars = savedVars
        rangeDepth = savedDepth
        if case .elseMarker = terminator { throw err("unexpected {{else}} in \(context)", terminator.pos) }
        definitions[name] = body
        return .template(pos: pos, name: name, pipe: pipe)
    }

    private mutating func parseDefinition() throws(GoTemplateSyntaxError) {
        let context = "define clause"
        let t = nextNonSpace()
        guard t.kind == .string || t.kind == .rawString else { throw unexpected(t, context) }
        let name = try unquote(t)
        _ = try expect(.rightDelim, context)
        let savedVars = vars
        vars = ["$"]
        let (body, terminator) = try itemList()
        vars = savedVars
        if case .elseMarker = terminator { throw err("unexpected {{else}} in \(context)", terminator.pos) }
        definitions[name] = body
    }

    // MARK: - pipelines

    private mutating func pipeline(_ context: String, end: GoTemplateToken.Kind) throws(GoTemplateSyntaxError) -> GoTemplateNode.Pipe {
        var pipe = GoTemplateNode.Pipe(pos: peekNonSpace().pos)
        // Declarations: `$x :=`, `$x =`, `$i, $e :=` (range only).
        decls: while peekNonSpace().kind == .variable {
            let v = nextNonSpace()
            let vIndex = index - 1
            let following = peekNonSpace()
            if following.kind == .assign || following.kind == .declare {
                pipe.isAssign = following.kind == .assign
                _ = nextNonSpace()
                pipe.decl.append((v.value, v.pos))
                vars.append(v.value)
                break decls
            } else if following.kind == .char && following.value == "," {
                _ = nextNonSpace()
                pipe.decl.append((v.value, v.pos))
                vars.append(v.value)
                if context == "range" && pipe.decl.count < 2 {
                    switch peekNonSpace().kind {
                    case .variable, .rightDelim, .rightParen:
                        continue decls
                    default:
                        throw err("range can only initialize variables", peekNonSpace().pos)
                    }
                }
                throw err("too many declarations in \(context)", v.pos)
            } else {
                index = vIndex
                break decls
            }
        }
        while true {
            let token = nextNonSpace()
            if token.kind == end {
                if pipe.cmds.isEmpty { throw err("missing value for \(context)", token.pos) }
                for (i, c) in pipe.cmds.enumerated().dropFirst() {
                    switch c.args[0] {
                    case .bool, .dot, .nilValue, .number, .string:
                        throw err("non executable command in pipeline stage \(i + 1)", c.pos)
                    default:
                        break
                    }
                }
                return pipe
            }
            switch token.kind {
            case .bool, .charConstant, .complex, .dot, .field, .identifier, .number, .nilKeyword,
                 .rawString, .string, .variable, .leftParen:
                backup()
                pipe.cmds.append(try command())
            default:
                throw unexpected(token, context)
            }
        }
    }

    private mutating func command() throws(GoTemplateSyntaxError) -> GoTemplateNode.Command {
        var cmd = GoTemplateNode.Command(pos: peekNonSpace().pos, args: [])
        while true {
            _ = peekNonSpace()
            if let operand = try operand() { cmd.args.append(operand) }
            let token = next()
            switch token.kind {
            case .space:
                continue
            case .rightDelim, .rightParen:
                backup()
            case .pipe:
                break
            default:
                throw unexpected(token, "operand")
            }
            break
        }
        if cmd.args.isEmpty { throw err("empty command", cmd.pos) }
        return cmd
    }

    private mutating func operand() throws(GoTemplateSyntaxError) -> GoTemplateNode.Operand? {
        guard let node = try term() else { return nil }
        guard peek().kind == .field else { return node }
        // Like Go, the merged node takes the position of the first field
        // after the term (`.b` in `.a.b`), which is where errors point.
        let chainPos = peek().pos
        var names: [String] = []
        while peek().kind == .field { names.append(String(next().value.dropFirst())) }
        switch node {
        case .field(_, let first):
            return .field(pos: chainPos, names: first + names)
        case .variable(_, let first):
            return .variable(pos: chainPos, names: first + names)
        case .bool, .string, .number, .nilValue, .dot:
            throw err("unexpected . after term \(GoFormat.quote(node.goDescription))", node.pos)
        default:
            return .chain(pos: chainPos, node: node, names: names)
        }
    }

    private mutating func term() throws(GoTemplateSyntaxError) -> GoTemplateNode.Operand? {
        let token = nextNonSpace()
        switch token.kind {
        case .identifier:
            guard Self.functions.contains(token.value) else {
                throw err("function \(GoFormat.quote(token.value)) not defined", token.pos, id: "template.unknown-function")
            }
            return .identifier(pos: token.pos, name: token.value)
        case .dot:
            return .dot(pos: token.pos)
        case .nilKeyword:
            return .nilValue(pos: token.pos)
        case .variable:
            guard vars.contains(token.value) else {
                throw err("undefined variable \(GoFormat.quote(token.value))", token.pos, id: "template.undefined-variable")
            }
            return .variable(pos: token.pos, names: [token.value])
        case .field:
            return .field(pos: token.pos, names: [String(token.value.dropFirst())])
        case .bool:
            return .bool(pos: token.pos, token.value == "true")
        case .charConstant, .complex, .number:
            return .number(pos: token.pos, try number(token))
        case .leftParen:
            return .pipe(try pipeline("parenthesized pipeline", end: .rightParen))
        case .string, .rawString:
            return .string(pos: token.pos, quoted: token.value, text: try unquote(token))
        case .error:
            throw err(token.value, token.pos)
        default:
            backup()
            return nil
        }
    }

    // MARK: - literals

    private func unquote(_ token: GoTemplateToken) throws(GoTemplateSyntaxError) -> String {
        let scalars = Array(token.value.unicodeScalars)
        if token.kind == .rawString {
            return String(String.UnicodeScalarView(scalars.dropFirst().dropLast().filter { $0 != "\r" }))
        }
        var out = String.UnicodeScalarView()
        var i = 1
        let end = scalars.count - 1
        while i < end {
            if scalars[i] != "\\" {
                out.append(scalars[i])
                i += 1
                continue
            }
            guard let (r, next) = Self.unescape(scalars, i + 1, quote: "\"") else {
                throw err("invalid syntax", token.pos)
            }
            out.append(r)
            i = next
        }
        return String(out)
    }

    /// One escape after a backslash at `i`; the scalar and the index after it.
    static func unescape(_ s: [Unicode.Scalar], _ i: Int, quote: Unicode.Scalar) -> (Unicode.Scalar, Int)? {
        guard i < s.count else { return nil }
        func hexValue(_ count: Int) -> (UInt32, Int)? {
            guard i + count < s.count else { return nil }
            var v: UInt32 = 0
            for k in 1...count {
                guard s[i + k].isASCII, let d = UInt32(String(s[i + k]), radix: 16) else { return nil }
                v = v * 16 + d
            }
            return (v, i + count + 1)
        }
        switch s[i] {
        case "a": return ("\u{07}", i + 1)
        case "b": return ("\u{08}", i + 1)
        case "f": return ("\u{0C}", i + 1)
        case "n": return ("\n", i + 1)
        case "r": return ("\r", i + 1)
        case "t": return ("\t", i + 1)
        case "v": return ("\u{0B}", i + 1)
        case "\\": return ("\\", i + 1)
        case "'", "\"":
            return s[i] == quote ? (s[i], i + 1) : nil
        case "x":
            guard let (v, n) = hexValue(2), let r = Unicode.Scalar(v) else { return nil }
            return (r, n)
        case "u":
            guard let (v, n) = hexValue(4), let r = Unicode.Scalar(v) else { return nil }
            return (r, n)
        case "U":
            guard let (v, n) = hexValue(8), let r = Unicode.Scalar(v) else { return nil }
            return (r, n)
        case "0"..."7":
            var v: UInt32 = 0
            for k in 0..<3 {
                guard i + k < s.count, let d = UInt32(String(s[i + k]), radix: 8) else { return nil }
                v = v * 8 + d
            }
            guard v <= 255, let r = Unicode.Scalar(v) else { return nil }
            return (r, i + 3)
        default:
            return nil
        }
    }

    private func number(_ token: GoTemplateToken) throws(GoTemplateSyntaxError) -> GoTemplateNode.Number {
        var n = GoTemplateNode.Number(text: token.value)
        let text = token.value
        if token.kind == .complex {
            throw err("complex numbers are not supported: \(GoFormat.quote(text))", token.pos)
        }
        if token.kind == .charConstant {
            let s = Array(text.unicodeScalars)
            var r: Unicode.Scalar
            var tail: Int
            if s.count >= 2, s[1] == "\\" {
                guard let (rr, nx) = Self.unescape(s, 2, quote: "'") else { throw err("invalid syntax", token.pos) }
                r = rr
                tail = nx
            } else if s.count >= 2 {
                r = s[1]
                tail = 2
            } else {
                throw err("invalid syntax", token.pos)
            }
            if tail != s.count - 1 || s[tail] != "'" {
                throw err("malformed character constant: \(text)", token.pos)
            }
            n.isInt = true; n.isUint = true; n.isFloat = true
            n.intValue = Int(r.value)
            n.floatValue = Double(r.value)
            return n
        }
        if let (v, neg) = Self.parseInteger(text) {
            if neg {
                if v <= UInt64(Int64.max) + 1 {
                    n.isInt = true
                    n.intValue = v == UInt64(Int64.max) + 1 ? Int.min : -Int(v)
                }
            } else {
                n.isUint = true
                if v <= UInt64(Int64.max) {
                    n.isInt = true
                    n.intValue = Int(v)
                }
            }
            if n.isInt {
                n.isFloat = true
                n.floatValue = Double(n.intValue)
            } else if n.isUint {
                n.isFloat = true
                n.floatValue = Double(v)
            }
        } else if let f = Self.parseFloat(text) {
            if !text.contains(where: { ".eEpP".contains($0) }) {
                throw err("integer overflow: \(GoFormat.quote(text))", token.pos)
            }
            n.isFloat = true
            n.floatValue = f
            if !n.isInt, f.rounded() == f, abs(f) < 9.2e18 {
                n.isInt = true
                n.intValue = Int(f)
            }
            if !n.isUint, f >= 0, f.rounded() == f, f < 1.8e19 {
                n.isUint = true
            }
        }
        if !n.isInt && !n.isUint && !n.isFloat {
            throw err("illegal number syntax: \(GoFormat.quote(text))", token.pos)
        }
        return n
    }

    /// strconv.ParseUint/ParseInt with base 0: sign, 0x/0o/0b/0 prefixes,
    /// underscores between digits only with a prefix or in base 10.
    static func parseInteger(_ text: String) -> (UInt64, Bool)? {
        var s = Substring(text)
        var neg = false
        if s.first == "+" || s.first == "-" {
            neg = s.first == "-"
            s = s.dropFirst()
        }
        var radix = 10
        var prefixed = false
        if s.count > 1, s.first == "0" {
            let second = s[s.index(after: s.startIndex)]
            switch second {
            case "x", "X": radix = 16; s = s.dropFirst(2); prefixed = true
            case "o", "O": radix = 8; s = s.dropFirst(2); prefixed = true
            case "b", "B": radix = 2; s = s.dropFirst(2); prefixed = true
            default: radix = 8; s = s.dropFirst(); prefixed = true
            }
        }
        guard !s.isEmpty || (radix == 8 && prefixed && !text.contains("o") && !text.contains("O")) else { return nil }
        if s.contains("_") {
            // Underscores must separate digits (or follow the prefix).
            let chars = Array(s)
            for (k, c) in chars.enumerated() where c == "_" {
                let prevOK = k > 0 ? chars[k - 1] != "_" : prefixed
                let nextOK = k + 1 < chars.count && chars[k + 1] != "_"
                if !prevOK || !nextOK { return nil }
            }
            s = Substring(s.replacingOccurrences(of: "_", with: ""))
        }
        if s.isEmpty { return (0, neg) }
        guard let v = UInt64(s, radix: radix) else { return nil }
        return (v, neg)
    }

    /// strconv.ParseFloat (decimal and hex forms, underscores removed).
    static func parseFloat(_ text: String) -> Double? {
        let t = text.replacingOccurrences(of: "_", with: "")
        guard let f = Double(t), f.isFinite else { return nil }
        return f
    }
}
