import IR

extension Starlark {
    /// Recursive-descent parser (precedence climbing, as go.starlark.net's)
    /// from tokens to the AST.
    public struct Parser {
        var toks: [Token]
        var i = 0
        let lines: LineTable
        var depth = 0
        var stackLimit: UInt = 0
        static let maxDepth = 1000

        /// Parses a whole file.
        public static func parse(file: String, source: [UInt8], stackLimit: UInt? = nil) throws(Starlark.Error) -> File {
            let lines = LineTable(file: file, bytes: source)
            var lx = Lexer(lines: lines)
            let toks = try lx.tokenize()
            var p = Parser(toks: toks, lines: lines)
            p.stackLimit = stackLimit ?? Thread.computeStackLimit(budget: 4 << 20)
            var stmts: [Stmt] = []
            while p.tok != .eof {
                if p.tok == .newline { p.advance(); continue }
                try p.parseStmt(into: &stmts)
            }
            return File(lines: lines, stmts: stmts)
        }

        init(toks: [Token], lines: LineTable) {
            self.toks = toks
            self.lines = lines
        }

        var tok: TokenKind { toks[i].kind }
        var cur: Token { toks[i] }
        var offset: Int { toks[i].start }

        @discardableResult mutating func advance() -> Int {
            let s = toks[i].start
            if i < toks.count - 1 { i += 1 }
            return s
        }

        func error(_ msg: String, at off: Int) -> Starlark.Error {
            Starlark.Error(kind: .syntax, message: msg, location: lines.location(at: off))
        }

        func describe(_ t: Token) -> String {
            if t.kind == .illegal, case .name(let word) = t.value { return word }  // reserved word: Go's token is the word
            return t.kind.goString
        }

        func unexpected() -> Starlark.Error {
            error("got \(describe(cur)), want primary expression", at: offset)
        }

        mutating func expect(_ k: TokenKind) throws(Starlark.Error) -> Int {
            if tok != k {
                throw error("got \(describe(cur)), want \(k.goString)", at: offset)
            }
            return advance()
        }

        // MARK: statements

        mutating func parseStmt(into out: inout [Stmt]) throws(Starlark.Error) {
            switch tok {
            case .kwDef: out.append(try parseDef())
            case .kwIf: out.append(try parseIf())
            case .kwFor: out.append(try parseFor())
            case .kwWhile: out.append(try parseWhile())
            default: try parseSimpleStmt(into: &out)
            }
        }

        mutating func parseDef() throws(Starlark.Error) -> Stmt {
            let start = advance()
            let id = try parseIdent()
            let name = id.name
            _ = try expect(.lparen)
            let (params, paramOffsets) = try parseParams(closing: .rparen)
            _ = try expect(.rparen)
            _ = try expect(.colon)
            let body = try parseSuite()
            let fn = FunctionDecl(name: name, offset: start, params: params, body: body, isLambda: false)
            fn.paramOffsets = paramOffsets
            return Stmt(kind: .def(id, fn), start: start)
        }

        /// Parameters in any order, as go.starlark.net's parser: their order,
        /// duplicates and bare `*` are checked by the resolver. Returns each
        /// parameter's operator offset too (`*`, `**`, `=`, or the name).
        mutating func parseParams(closing: TokenKind) throws(Starlark.Error) -> ([Parameter], [Int]) {
            var params: [Parameter] = []
            var offsets: [Int] = []
            while tok != .rparen && tok != .colon && tok != .eof {
                if !params.isEmpty { _ = try expect(.comma) }
                if tok == .rparen { break }
                if tok == .star || tok == .starstar {
                    let isStarStar = tok == .starstar
                    let pos = advance()
                    if isStarStar {
                        params.append(.starStar(try parseIdent()))
                    } else {
                        params.append(.star(tok == .ident ? try parseIdent() : nil))
                    }
                    offsets.append(pos)
                    continue
                }
                let id = try parseIdent()
                if tok == .eq {
                    let eq = advance()
                    params.append(.optional(id, try parseTest()))
                    offsets.append(eq)
                } else {
                    params.append(.required(id))
                    offsets.append(id.offset)
                }
            }
            return (params, offsets)
        }

        mutating func parseIdent() throws(Starlark.Error) -> Ident {
            guard tok == .ident, case .name(let n) = cur.value else {
                throw error("not an identifier", at: offset)
            }
            let id = Ident(name: n, offset: offset)
            advance()
            return id
        }

        mutating func parseSuite() throws(Starlark.Error) -> [Stmt] {
            var body: [Stmt] = []
            if tok == .newline {
                advance()
                if tok != .indent { throw error("got \(describe(cur)), want indent", at: offset) }
                advance()
                while tok != .outdent && tok != .eof {
                    try parseStmt(into: &body)
                }
                if tok == .outdent { advance() }
            } else {
                try parseSimpleStmt(into: &body)
            }
            return body
        }

        mutating func parseIf() throws(Starlark.Error) -> Stmt {
            let start = advance()  // if or elif
            let cond = try parseTest()
            _ = try expect(.colon)
            let then = try parseSuite()
            var els: [Stmt] = []
            if tok == .kwElif {
                els = [try parseIf()]
            } else if tok == .kwElse {
                advance()
                _ = try expect(.colon)
                els = try parseSuite()
            }
            return Stmt(kind: .ifElse(cond, then, els), start: start)
        }

        mutating func parseFor() throws(Starlark.Error) -> Stmt {
            let start = advance()
            let vars = try parseForLoopVariables()
            _ = try expect(.kwIn)
            let x = try parseExpr()
            _ = try expect(.colon)
            let body = try parseSuite()
            return Stmt(kind: .forIn(vars: vars, iterable: x, body: body), start: start)
        }

        mutating func parseWhile() throws(Starlark.Error) -> Stmt {
            let start = advance()
            let cond = try parseTest()
            _ = try expect(.colon)
            let body = try parseSuite()
            return Stmt(kind: .whileLoop(cond, body), start: start)
        }

        mutating func parseForLoopVariables() throws(Starlark.Error) -> Expr {
            let start = offset
            var list: [Expr] = [try parsePrimaryWithSuffix()]
            if tok != .comma { return list[0] }
            while tok == .comma {
                advance()
                if isTerminator(tok) { break }
                list.append(try parsePrimaryWithSuffix())
            }
            return Expr(kind: .tuple(list), start: start, end: list.last!.end)
        }

        mutating func parseSimpleStmt(into out: inout [Stmt]) throws(Starlark.Error) {
            while true {
                out.append(try parseSmallStmt())
                if tok != .semi { break }
                advance()
                if tok == .newline || tok == .eof { break }
            }
            if tok == .newline {
                advance()
            } else if tok != .eof {
                throw error("got \(describe(cur)), want newline", at: offset)
            }
        }

        mutating func parseSmallStmt() throws(Starlark.Error) -> Stmt {
            let start = offset
            switch tok {
            case .kwReturn:
                advance()
                if tok == .newline || tok == .eof || tok == .semi {
                    return Stmt(kind: .returnStmt(nil), start: start)
                }
                return Stmt(kind: .returnStmt(try parseExpr()), start: start)
            case .kwBreak: advance(); return Stmt(kind: .breakStmt, start: start)
            case .kwContinue: advance(); return Stmt(kind: .continueStmt, start: start)
            case .kwPass: advance(); return Stmt(kind: .pass, start: start)
            case .kwLoad: return try parseLoad()
            default: break
            }
            let x = try parseExpr()
            switch tok {
            case .eq:
                let op = advance()
                let rhs = try parseExpr()
                return Stmt(kind: .assign(x, rhs, opOffset: op), start: start)
            case .pluseq, .minuseq, .stareq, .slasheq, .slashslasheq, .percenteq, .ampeq, .pipeeq, .careteq, .ltlteq, .gtgteq:
                let k = tok
                let op = advance()
                let rhs = try parseExpr()
                let binop: TokenKind
                switch k {
                case .pluseq: binop = .plus
                case .minuseq: binop = .minus
                case .stareq: binop = .star
                case .slasheq: binop = .slash
                case .slashslasheq: binop = .slashslash
                case .percenteq: binop = .percent
                case .ampeq: binop = .amp
                case .pipeeq: binop = .pipe
                case .careteq: binop = .caret
                case .ltlteq: binop = .ltlt
                default: binop = .gtgt
                }
                return Stmt(kind: .augAssign(op: binop, x, rhs, opOffset: op), start: start)
            default:
                return Stmt(kind: .expr(x), start: start)
            }
        }

        mutating func parseLoad() throws(Starlark.Error) -> Stmt {
            let start = advance()
            let lparen = try expect(.lparen)
            guard tok == .string, case .bytes(let m) = cur.value else {
                throw error("first operand of load statement must be a string literal", at: offset)
            }
            let moduleOffset = advance()
            var bindings: [LoadBinding] = []
            while tok != .rparen && tok != .eof {
                _ = try expect(.comma)
                if tok == .rparen { break }
                if tok == .string, case .bytes(let name) = cur.value {
                    let off = advance()
                    let n = String(decoding: name, as: UTF8.self)
                    bindings.append(LoadBinding(to: Ident(name: n, offset: off + 1), from: n, fromOffset: off))
                } else if tok == .ident {
                    let id = try parseIdent()
                    if tok != .eq {
                        throw error("load operand must be \"\(id.name)\" or \(id.name)=\"originalname\" (want '=' after \(id.name))", at: offset)
                    }
                    advance()
                    guard tok == .string, case .bytes(let name) = cur.value else {
                        throw error("original name of loaded symbol must be quoted: \(id.name)=\"originalname\"", at: offset)
                    }
                    let off = advance()
                    bindings.append(LoadBinding(to: id, from: String(decoding: name, as: UTF8.self), fromOffset: off))
                } else {
                    throw error("load operand must be \"name\" or localname=\"name\" (got \(describe(cur)))", at: offset)
                }
            }
            _ = try expect(.rparen)
            if bindings.isEmpty { throw error("load statement must import at least 1 symbol", at: lparen) }
            return Stmt(kind: .load(module: String(decoding: m, as: UTF8.self), moduleOffset: moduleOffset, bindings), start: start)
        }

        // MARK: expressions

        /// expr = test (',' test)* [','] — a bare tuple when there are commas.
        mutating func parseExpr(inParens: Bool = false) throws(Starlark.Error) -> Expr {
            let x = try parseTest()
            if tok != .comma { return x }
            var list = [x]
            while tok == .comma {
                let commaPos = advance()
                if isTerminator(tok) {
                    if !inParens { throw error("unparenthesized tuple with trailing comma", at: commaPos) }
                    break
                }
                list.append(try parseTest())
            }
            return Expr(kind: .tuple(list), start: x.start, end: list.last!.end)
        }

        func isTerminator(_ k: TokenKind) -> Bool {
            switch k {
            case .newline, .eof, .rparen, .rbrack, .rbrace, .semi, .eq:  // go.starlark.net's terminatesExprList
                return true
            default: return false
            }
        }

        mutating func enter() throws(Starlark.Error) {
            depth += 1
            if depth > Parser.maxDepth || Thread.stackAddress() < stackLimit { throw error("expression nesting too deep", at: offset) }
        }

        mutating func parseTest() throws(Starlark.Error) -> Expr {
            try enter()
            defer { depth -= 1 }
            if tok == .kwLambda { return try parseLambda(allowCond: true) }
            let x = try parseTestPrec(0)
            if tok == .kwIf {
                let ifpos = advance()
                let cond = try parseTestPrec(0)
                if tok != .kwElse { throw error("conditional expression without else clause", at: ifpos) }
                advance()
                let f = try parseTest()
                return Expr(kind: .cond(cond, then: x, else: f), start: x.start, end: f.end)
            }
            return x
        }

        mutating func parseTestNoCond() throws(Starlark.Error) -> Expr {
            if tok == .kwLambda { return try parseLambda(allowCond: false) }
            return try parseTestPrec(0)
        }

        mutating func parseLambda(allowCond: Bool) throws(Starlark.Error) -> Expr {
            let start = advance()
            let (params, paramOffsets) = try parseParams(closing: .colon)
            _ = try expect(.colon)
            let body = allowCond ? try parseTest() : try parseTestNoCond()
            let ret = Stmt(kind: .returnStmt(body), start: body.start)
            let fn = FunctionDecl(name: "lambda", offset: start, params: params, body: [ret], isLambda: true)
            fn.paramOffsets = paramOffsets
            return Expr(kind: .lambda(fn), start: start, end: body.end)
        }

        static func precedence(_ k: TokenKind) -> Int {
            switch k {
            case .kwOr: 0
            case .kwAnd: 1
            case .kwNot: 2
            case .eql, .neq, .lt, .gt, .le, .ge, .kwIn, .kwNotIn: 3
            case .pipe: 4
            case .caret: 5
            case .amp: 6
            case .ltlt, .gtgt: 7
            case .minus, .plus: 8
            case .star, .percent, .slash, .slashslash: 9
            default: -1
            }
        }

        mutating func parseTestPrec(_ prec: Int) throws(Starlark.Error) -> Expr {
            if prec > 9 { return try parsePrimaryWithSuffix() }
            if tok == .kwNot && prec == 2 {
                try enter()
                defer { depth -= 1 }
                let pos = advance()
                let x = try parseTestPrec(prec)
                return Expr(kind: .unary(op: .kwNot, x), start: pos, end: x.end)
            }
            var x = try parseTestPrec(prec + 1)
            var first = true
            while true {
                if tok == .kwNot {
                    // must be "not in"
                    if toks[i + 1].kind != .kwIn {
                        if prec > 3 { return x }
                        throw error("got \(describe(toks[i + 1])), want in", at: toks[i + 1].start)
                    }
                    if prec > 3 { return x }
                    toks[i + 1].kind = .kwNotIn
                    toks[i + 1].start = toks[i].start
                    advance()
                }
                let opprec = Parser.precedence(tok)
                if opprec < prec { return x }
                if !first && opprec == 3 {
                    if case .binary(let prevOp, _, _, _) = x.kind {
                        throw error("\(prevOp) does not associate with \(tok) (use parens)", at: offset)
                    }
                }
                let op = tok
                let pos = advance()
                let y = try parseTestPrec(opprec + 1)
                x = Expr(kind: .binary(op: op, x, y, opOffset: pos), start: x.start, end: y.end)
                first = false
            }
        }

        mutating func parsePrimaryWithSuffix() throws(Starlark.Error) -> Expr {
            try enter()
            defer { depth -= 1 }
            var x = try parsePrimary()
            while true {
                switch tok {
                case .dot:
                    advance()
                    guard tok == .ident, case .name(let n) = cur.value else {
                        throw error("not an identifier", at: offset)
                    }
                    let np = offset
                    let end = cur.end
                    advance()
                    x = Expr(kind: .dot(x, name: n, nameOffset: np), start: x.start, end: end)
                case .lbrack:
                    x = try parseSliceSuffix(x)
                case .lparen:
                    let lp = advance()
                    let args = try parseArgs()
                    let end = cur.end
                    _ = try expect(.rparen)
                    x = Expr(kind: .call(x, args, lparen: lp), start: x.start, end: end)
                default:
                    return x
                }
            }
        }

        mutating func parseSliceSuffix(_ x: Expr) throws(Starlark.Error) -> Expr {
            let lb = advance()
            var lo: Expr?, hi: Expr?, step: Expr?
            if tok != .colon {
                let y = try parseExpr()
                if tok == .rbrack {
                    let end = cur.end
                    advance()
                    return Expr(kind: .index(x, y, lbrack: lb), start: x.start, end: end)
                }
                lo = y
            }
            _ = try expect(.colon)
            if tok != .colon && tok != .rbrack { hi = try parseTest() }
            if tok == .colon {
                advance()
                if tok != .rbrack { step = try parseTest() }
            }
            let end = cur.end
            _ = try expect(.rbrack)
            return Expr(kind: .slice(x, lo: lo, hi: hi, step: step, lbrack: lb), start: x.start, end: end)
        }

        mutating func parseArgs() throws(Starlark.Error) -> [Argument] {
            var args: [Argument] = []
            while tok != .rparen && tok != .eof {
                if !args.isEmpty {
                    _ = try expect(.comma)
                    if tok == .rparen { break }
                }
                if tok == .star {
                    advance()
                    args.append(.star(try parseTest()))
                } else if tok == .starstar {
                    advance()
                    args.append(.starStar(try parseTest()))
                } else if tok == .ident && toks[i + 1].kind == .eq {
                    let id = try parseIdent()
                    advance()
                    args.append(.keyword(id, try parseTest()))
                } else {
                    let a = try parseTest()
                    if tok == .eq {
                        throw error("keyword argument must have form name=expr", at: a.start)
                    }
                    args.append(.positional(a))
                }
            }
            return args
        }

        mutating func parsePrimary() throws(Starlark.Error) -> Expr {
            let t = cur
            switch t.kind {
            case .ident:
                advance()
                guard case .name(let n) = t.value else { throw unexpected() }
                return Expr(kind: .ident(Ident(name: n, offset: t.start)), start: t.start, end: t.end)
            case .int:
                advance()
                switch t.value {
                case .int(let v): return Expr(kind: .int(v), start: t.start, end: t.end)
                case .bigInt(let v): return Expr(kind: .bigInt(v), start: t.start, end: t.end)
                default: throw unexpected()
                }
            case .float:
                advance()
                guard case .float(let d) = t.value else { throw unexpected() }
                return Expr(kind: .float(d), start: t.start, end: t.end)
            case .string, .bytes:
                advance()
                guard case .bytes(let b) = t.value else { throw unexpected() }
                return Expr(kind: t.kind == .string ? .string(b) : .bytes(b), start: t.start, end: t.end)
            case .lparen:
                advance()
                if tok == .rparen {
                    let end = cur.end
                    advance()
                    return Expr(kind: .tuple([]), start: t.start, end: end)
                }
                let e = try parseExpr(inParens: true)
                let end = cur.end
                _ = try expect(.rparen)
                return Expr(kind: .paren(e), start: t.start, end: end)
            case .lbrack:
                advance()
                if tok == .rbrack {
                    let end = cur.end
                    advance()
                    return Expr(kind: .list([]), start: t.start, end: end)
                }
                let x = try parseTest()
                if tok == .kwFor {
                    let c = try parseComprehensionSuffix(body: x, value: nil, isDict: false)
                    let end = cur.end
                    _ = try expect(.rbrack)
                    return Expr(kind: .comprehension(c), start: t.start, end: end)
                }
                var list = [x]
                while tok == .comma {
                    advance()
                    if tok == .rbrack { break }
                    list.append(try parseTest())
                }
                let end = cur.end
                _ = try expect(.rbrack)
                return Expr(kind: .list(list), start: t.start, end: end)
            case .lbrace:
                advance()
                if tok == .rbrace {
                    let end = cur.end
                    advance()
                    return Expr(kind: .dict([]), start: t.start, end: end)
                }
                let k = try parseTest()
                _ = try expect(.colon)
                let v = try parseTest()
                if tok == .kwFor {
                    let c = try parseComprehensionSuffix(body: k, value: v, isDict: true)
                    let end = cur.end
                    _ = try expect(.rbrace)
                    return Expr(kind: .comprehension(c), start: t.start, end: end)
                }
                var entries = [(k, v)]
                while tok == .comma {
                    advance()
                    if tok == .rbrace { break }
                    let k2 = try parseTest()
                    _ = try expect(.colon)
                    let v2 = try parseTest()
                    entries.append((k2, v2))
                }
                let end = cur.end
                _ = try expect(.rbrace)
                return Expr(kind: .dict(entries), start: t.start, end: end)
            case .minus, .plus, .tilde:
                try enter()
                defer { depth -= 1 }
                advance()
                let x = try parsePrimaryWithSuffix()
                return Expr(kind: .unary(op: t.kind, x), start: t.start, end: x.end)
            default:
                throw unexpected()
            }
        }

        mutating func parseComprehensionSuffix(body: Expr, value: Expr?, isDict: Bool) throws(Starlark.Error) -> Comprehension {
            var clauses: [Clause] = []
            while true {
                if tok == .kwFor {
                    let pos = advance()
                    let vars = try parseForLoopVariables()
                    _ = try expect(.kwIn)
                    // As Python 3: not a conditional, a lambda or an unparenthesized tuple.
                    let x = try parseTestPrec(0)
                    clauses.append(.forIn(vars: vars, iterable: x, offset: pos))
                } else if tok == .kwIf {
                    let pos = advance()
                    let c = try parseTestNoCond()
                    clauses.append(.ifCond(c, offset: pos))
                } else if tok == (isDict ? .rbrace : .rbrack) {
                    break
                } else {
                    throw error("got \(describe(cur)), want '\(isDict ? "}" : "]")', for, or if", at: offset)
                }
            }
            return Comprehension(isDict: isDict, body: body, value: value, clauses: clauses)
        }
    }
}
