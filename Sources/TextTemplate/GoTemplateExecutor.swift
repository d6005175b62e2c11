/// Runs a parsed template (text/template/exec.go's state).
struct GoTemplateExecutor {
    let template: GoTemplate
    var output = ""
    var vars: [(name: String, value: GoTemplateVal)] = []
    var depth = 0
    var atPos = 0
    var atContext = ""
    /// Nodes walked so far; see `GoTemplate.maxSteps`.
    var steps = 0

    init(template: GoTemplate) { self.template = template }

    mutating func at(_ pos: Int, _ context: String) {
        atPos = pos
        atContext = context
    }

    mutating func at(_ operand: GoTemplateNode.Operand) {
        at(operand.pos, operand.goDescription)
    }

    func fail(_ message: String) -> GoTemplateSignal {
        .failure(message, atPos, atContext)
    }

    mutating func run(data: TemplateValue) throws(GoTemplateSignal) {
        let dot = GoTemplateVal.plain(data)
        vars = [("$", dot)]
        try walk(dot, template.root)
    }

    // MARK: - variables

    mutating func push(_ name: String, _ value: GoTemplateVal) { vars.append((name, value)) }

    mutating func pop(to mark: Int) {
        if vars.count > mark { vars.removeLast(vars.count - mark) }
    }

    mutating func setVar(_ name: String, _ value: GoTemplateVal) throws(GoTemplateSignal) {
        for i in stride(from: vars.count - 1, through: 0, by: -1) where vars[i].name == name {
            vars[i].value = value
            return
        }
        throw fail("undefined variable: \(name)")
    }

    mutating func setTopVar(_ n: Int, _ value: GoTemplateVal) {
        vars[vars.count - n].value = value
    }

    func varValue(_ name: String) throws(GoTemplateSignal) -> GoTemplateVal {
        for i in stride(from: vars.count - 1, through: 0, by: -1) where vars[i].name == name {
            return vars[i].value
        }
        throw fail("undefined variable: \(name)")
    }

    // MARK: - walking

    mutating func walk(_ dot: GoTemplateVal, _ list: [GoTemplateNode]) throws(GoTemplateSignal) {
        for node in list { try walk(dot, node) }
    }

    mutating func walk(_ dot: GoTemplateVal, _ node: GoTemplateNode) throws(GoTemplateSignal) {
        steps += 1
        if steps > GoTemplate.maxSteps || output.utf8.count > GoTemplate.maxOutputBytes {
            throw fail("template execution exceeded openrun's budget (\(GoTemplate.maxSteps) steps or \(GoTemplate.maxOutputBytes) bytes of output)")
        }
        switch node {
        case .text(let s):
            output += s
        case .action(let pos, let pipe):
            at(pos, "{{" + pipe.goDescription + "}}")
            let value = try evalPipeline(dot, pipe)
            if pipe.decl.isEmpty {
                at(pos, "{{" + pipe.goDescription + "}}")
                output += Self.printable(value)
            }
        case .ifNode(let c):
            try walkIfOrWith(isWith: false, dot, c)
        case .withNode(let c):
            try walkIfOrWith(isWith: true, dot, c)
        case .rangeNode(let c):
            try walkRange(dot, c)
        case .template(let pos, let name, let pipe):
            try walkTemplate(dot, pos: pos, name: name, pipe: pipe)
        case .breakNode:
            throw .breakLoop
        case .continueNode:
            throw .continueLoop
        }
    }

    /// What `{{.}}` prints: fmt.Fprint of the value, `<no value>` when missing.
    static func printable(_ v: GoTemplateVal) -> String {
        switch v {
        case .invalid: return "<no value>"
        case .value(let x, _): return GoFormat.formatValue(x)
        case .byte(let b): return String(b)
        }
    }

    static func isTrue(_ v: GoTemplateVal) -> Bool {
        switch v.unboxed {
        case .invalid: return false
        case .byte(let b): return b != 0
        case .value(let x, _):
            switch x {
            case .string(let s): return !s.isEmpty
            case .int(let n): return n != 0
            case .float(let d): return d != 0
            case .bool(let b): return b
            case .list(let l): return !l.isEmpty
            case .map(let m): return !m.isEmpty
            case .nil: return false
            }
        }
    }

    mutating func walkIfOrWith(isWith: Bool, _ dot: GoTemplateVal, _ c: GoTemplateNode.Control) throws(GoTemplateSignal) {
        let mark = vars.count
        defer { pop(to: mark) }
        let value = try evalPipeline(dot, c.pipe)
        if Self.isTrue(value) {
            try walk(isWith ? value : dot, c.list)
        } else if let elseList = c.elseList {
            try walk(dot, elseList)
        }
    }

    mutating func walkRange(_ dot: GoTemplateVal, _ c: GoTemplateNode.Control) throws(GoTemplateSignal) {
        let outer = vars.count
        defer { pop(to: outer) }
        let value = try evalPipeline(dot, c.pipe).unboxed
        let mark = vars.count
        var iterations: [(GoTemplateVal, GoTemplateVal)] = []
        switch value {
        case .invalid:
            break
        case .byte(let b):
            throw fail("range can't iterate over \(b)")
        case .value(let x, _):
            switch x {
            case .list(let items):
                iterations = items.enumerated().map { (.plain(.int($0.offset)), .value($0.element, boxed: true)) }
            case .map(let m):
                iterations = m.keys.sorted(by: GoFormat.goLess).map { (.plain(.string($0)), .value(m[$0]!, boxed: true)) }
            case .int(let n):
                if c.pipe.decl.count > 1 {
                    throw fail("can't use \(n) to iterate over more than one variable")
                }
                iterations = n > 0 ? (0..<n).map { (.plain(.int($0)), .plain(.int($0))) } : []
            default:
                throw fail("range can't iterate over \(GoFormat.formatValue(x))")
            }
        }
        if iterations.isEmpty {
            if let elseList = c.elseList { try walk(dot, elseList) }
            return
        }
        loop: for (index, elem) in iterations {
            if !c.pipe.decl.isEmpty {
                if c.pipe.isAssign {
                    if c.pipe.decl.count > 1 {
                        try setVar(c.pipe.decl[0].name, index)
                        try setVar(c.pipe.decl[1].name, elem)
                    } else {
                        try setVar(c.pipe.decl[0].name, elem)
                    }
                } else {
                    setTopVar(1, elem)
                    if c.pipe.decl.count > 1 { setTopVar(2, index) }
                }
            }
            do {
                try walk(elem, c.list)
            } catch {
                switch error {
                case .breakLoop:
                    pop(to: mark)
                    break loop
                case .continueLoop:
                    break
                case .failure:
                    throw error
                }
            }
            pop(to: mark)
        }
    }

    mutating func walkTemplate(_ dot: GoTemplateVal, pos: Int, name: String, pipe: GoTemplateNode.Pipe?) throws(GoTemplateSignal) {
        at(pos, "{{template \(GoFormat.quote(name))" + (pipe.map { " " + $0.goDescription } ?? "") + "}}")
        guard let body = template.definitions[name] else {
            throw fail("template \(GoFormat.quote(name)) not defined")
        }
        if depth >= GoTemplate.maxDepth {
            throw fail("exceeded maximum template depth (\(GoTemplate.maxDepth))")
        }
        let newDot: GoTemplateVal = if let pipe { try evalPipeline(dot, pipe) } else { .invalid }
        let saved = vars
        vars = [("$", newDot)]
        depth += 1
        defer {
            depth -= 1
            vars = saved
        }
        try walk(newDot, body)
    }

    // MARK: - evaluation

    mutating func evalPipeline(_ dot: GoTemplateVal, _ pipe: GoTemplateNode.Pipe) throws(GoTemplateSignal) -> GoTemplateVal {
        at(pipe.pos, pipe.goDescription)
        var value: GoTemplateVal? = nil
        for cmd in pipe.cmds {
            value = try evalCommand(dot, cmd, final: value).unboxed
        }
        let result = value ?? .invalid
        for d in pipe.decl {
            if pipe.isAssign {
                try setVar(d.name, result)
            } else {
                push(d.name, result)
            }
        }
        return result
    }

    func notAFunction(_ args: [GoTemplateNode.Operand], _ final: GoTemplateVal?) throws(GoTemplateSignal) {
        if args.count > 1 || final != nil {
            throw fail("can't give argument to non-function \(args[0].goDescription)")
        }
    }

    mutating func evalCommand(_ dot: GoTemplateVal, _ cmd: GoTemplateNode.Command, final: GoTemplateVal?) throws(GoTemplateSignal) -> GoTemplateVal {
        let first = cmd.args[0]
        switch first {
        case .field(let pos, let names):
            return try evalFieldNode(dot, pos: pos, names: names, args: cmd.args, final: final)
        case .chain(let pos, let node, let names):
            return try evalChainNode(dot, pos: pos, node: node, names: names, args: cmd.args, final: final)
        case .identifier(let pos, let name):
            at(pos, name)
            return try callFunction(name, dot, cmd, final: final)
        case .pipe(let p):
            try notAFunction(cmd.args, final)
            return try evalPipeline(dot, p)
        case .variable(let pos, let names):
            return try evalVariableNode(dot, pos: pos, names: names, args: cmd.args, final: final)
        default:
            break
        }
        at(first)
        try notAFunction(cmd.args, final)
        switch first {
        case .bool(_, let b): return .plain(.bool(b))
        case .dot: return dot
        case .nilValue: throw fail("nil is not a command")
        case .number(let pos, let n): return try idealConstant(pos, n)
        case .string(_, _, let text): return .plain(.string(text))
        default: throw fail("can't evaluate command \(GoFormat.quote(first.goDescription))")
        }
    }

    mutating func idealConstant(_ pos: Int, _ n: GoTemplateNode.Number) throws(GoTemplateSignal) -> GoTemplateVal {
        at(pos, n.text)
        let t = n.text
        let isHexInt = t.count > 2 && t.hasPrefix("0") && (t.dropFirst().first == "x" || t.dropFirst().first == "X")
            && !t.contains("p") && !t.contains("P")
        let isRuneInt = t.hasPrefix("'")
        if n.isFloat && !isHexInt && !isRuneInt && t.contains(where: { ".eEpP".contains($0) }) {
            return .plain(.float(n.floatValue))
        }
        if n.isInt { return .plain(.int(n.intValue)) }
        if n.isUint { throw fail("\(t) overflows int") }
        return .invalid
    }

    mutating func evalFieldNode(_ dot: GoTemplateVal, pos: Int, names: [String], args: [GoTemplateNode.Operand]?, final: GoTemplateVal?) throws(GoTemplateSignal) -> GoTemplateVal {
        at(pos, names.map { "." + $0 }.joined())
        return try evalFieldChain(dot, receiver: dot, names: names[...], args: args, final: final)
    }

    mutating func evalChainNode(_ dot: GoTemplateVal, pos: Int, node: GoTemplateNode.Operand, names: [String], args: [GoTemplateNode.Operand]?, final: GoTemplateVal?) throws(GoTemplateSignal) -> GoTemplateVal {
        at(GoTemplateNode.Operand.chain(pos: pos, node: node, names: names))
        if case .nilValue = node {
            throw fail("indirection through explicit nil in \(GoTemplateNode.Operand.chain(pos: pos, node: node, names: names).goDescription)")
        }
        let base = try evalArgValue(dot, node)
        return try evalFieldChain(dot, receiver: base, names: names[...], args: args, final: final)
    }

    mutating func evalVariableNode(_ dot: GoTemplateVal, pos: Int, names: [String], args: [GoTemplateNode.Operand]?, final: GoTemplateVal?) throws(GoTemplateSignal) -> GoTemplateVal {
        at(pos, names.joined(separator: "."))
        let value = try varValue(names[0])
        if names.count == 1 {
            try notAFunction(args ?? [.dot(pos: pos)], final)
            return value
        }
        return try evalFieldChain(dot, receiver: value, names: names[1...], args: args, final: final)
    }

    func evalFieldChain(_ dot: GoTemplateVal, receiver: GoTemplateVal, names: ArraySlice<String>, args: [GoTemplateNode.Operand]?, final: GoTemplateVal?) throws(GoTemplateSignal) -> GoTemplateVal {
        var r = receiver
        for name in names.dropLast() {
            r = try evalField(name, receiver: r, args: nil, final: nil)
        }
        return try evalField(names.last!, receiver: r, args: args, final: final)
    }

    func evalField(_ name: String, receiver: GoTemplateVal, args: [GoTemplateNode.Operand]?, final: GoTemplateVal?) throws(GoTemplateSignal) -> GoTemplateVal {
        if case .byte = receiver { throw fail("can't evaluate field \(name) in type uint8") }
        guard case .value(let v, let boxed) = receiver else { return .invalid }
        let typ = boxed ? "interface {}" : v.goTypeName
        if boxed, case .nil = v {
            throw fail("nil pointer evaluating \(typ).\(name)")
        }
        let hasArgs = (args?.count ?? 0) > 1 || final != nil
        if case .map(let m) = v {
            if hasArgs { throw fail("\(name) is not a method but has arguments") }
            if let e = m[name] { return .value(e, boxed: true) }
            return .invalid
        }
        throw fail("can't evaluate field \(name) in type \(typ)")
    }

    // MARK: - arguments

    /// An argument for a parameter of type reflect.Value (and, eq, len, ...).
    mutating func evalArgValue(_ dot: GoTemplateVal, _ node: GoTemplateNode.Operand) throws(GoTemplateSignal) -> GoTemplateVal {
        at(node)
        switch node {
        case .dot: return dot
        case .nilValue: return .invalid
        case .field(let pos, let names):
            return try evalFieldNode(dot, pos: pos, names: names, args: [node], final: nil)
        case .variable(let pos, let names):
            return try evalVariableNode(dot, pos: pos, names: names, args: nil, final: nil)
        case .pipe(let p):
            return try evalPipeline(dot, p)
        case .identifier(let pos, let name):
            at(pos, name)
            return try callFunction(name, dot, GoTemplateNode.Command(pos: pos, args: [node]), final: nil)
        case .chain(let pos, let base, let names):
            return try evalChainNode(dot, pos: pos, node: base, names: names, args: nil, final: nil)
        case .bool(_, let b): return .plain(.bool(b))
        case .number(let pos, let n): return try idealConstant(pos, n)
        case .string(_, _, let text): return .plain(.string(text))
        }
    }

    /// An argument for a parameter of type `any` (print, printf args, html, ...).
    mutating func evalArgInterface(_ dot: GoTemplateVal, _ node: GoTemplateNode.Operand) throws(GoTemplateSignal) -> TemplateValue {
        try evalArgValue(dot, node).asInterface
    }

    /// An argument for a parameter of type string (printf's format).
    mutating func evalArgString(_ dot: GoTemplateVal, _ node: GoTemplateNode.Operand) throws(GoTemplateSignal) -> String {
        switch node {
        case .string(_, _, let text):
            at(node)
            return text
        case .bool, .number, .nilValue:
            at(node)
            if case .nilValue = node { throw fail("cannot assign nil to string") }
            throw fail("expected string; found \(node.goDescription)")
        default:
            return try Self.validateString(evalArgValue(dot, node), fail: fail)
        }
    }

    static func validateString(_ v: GoTemplateVal, fail: (String) -> GoTemplateSignal) throws(GoTemplateSignal) -> String {
        switch v {
        case .invalid:
            throw fail("invalid value; expected string")
        case .value(.string(let s), _):
            return s
        case .value(.nil, _):
            throw fail("wrong type for value; expected string; got interface {}")
        case .value(let x, _):
            throw fail("wrong type for value; expected string; got \(x.goTypeName)")
        case .byte:
            throw fail("wrong type for value; expected string; got uint8")
        }
    }
}
