import BigInt
import IR

extension Starlark {
    typealias EvalExpr = (Frame) throws -> Value
    typealias Exec = (Frame) throws -> Flow
    typealias AssignFn = (Frame, Value) throws -> Void

    enum Flow: UInt8 { case next, brk, cont, ret }

    /// A compiled statement. Wrapping the closure in a struct keeps it at its
    /// natural abstraction inside arrays, so calls need no reabstraction thunk.
    struct Step {
        let run: Exec
    }

    /// A compiled expression in an array (same reason as `Step`).
    struct Operand {
        let eval: EvalExpr
    }

    /// A function's compiled code and frame layout.
    final class CompiledFunction {
        let name: String
        let lines: LineTable
        let decl: FunctionDecl
        let options: FileOptions
        var body: [Step] = []
        let numLocals: Int
        let numCells: Int
        let numParams: Int
        let numKwonly: Int
        let hasVarargs: Bool
        let hasKwargs: Bool
        let paramNames: [String]
        let cellParams: [(Int, Int)]
        /// Number of positional arguments a plain call binds directly (-1: needs full binding).
        let simpleArity: Int
        /// Frames of finished calls, reused by the next call.
        @exclusivity(unchecked) var pool: [Frame] = []

        init(decl: FunctionDecl, lines: LineTable, options: FileOptions) {
            self.name = decl.name
            self.lines = lines
            self.decl = decl
            self.options = options
            numLocals = decl.numLocals
            numCells = decl.numCells
            numParams = decl.numParams
            numKwonly = decl.numKwonly
            hasVarargs = decl.hasVarargs
            hasKwargs = decl.hasKwargs
            paramNames = decl.locals.prefix(decl.numParams).map(\.name)
            cellParams = decl.cellParams
            simpleArity = (!decl.hasVarargs && !decl.hasKwargs && decl.numKwonly == 0) ? decl.numParams : -1
        }
    }

    /// A compiled file ready to run.
    final class Program {
        let file: File
        let toplevel: CompiledFunction
        let module: Module
        init(file: File, toplevel: CompiledFunction, module: Module) {
            self.file = file
            self.toplevel = toplevel
            self.module = module
        }
    }

    /// Compiles the resolved AST into a tree of Swift closures (slots, no name lookups).
    struct Compiler {
        let lines: LineTable
        let options: FileOptions
        let predeclared: [String: Value]
        /// The function being compiled (for def/lambda free-variable capture).
        var current: FunctionDecl

        static func compile(file: File, options: FileOptions, predeclared: [String: Value]) -> Program {
            var c = Compiler(lines: file.lines, options: options, predeclared: predeclared, current: file.toplevel)
            let top = CompiledFunction(decl: file.toplevel, lines: file.lines, options: options)
            top.body = c.block(file.stmts)
            let module = Module(file: file, predeclared: predeclared)
            return Program(file: file, toplevel: top, module: module)
        }

        // MARK: running

        @inline(__always)
        static func runBlock(_ body: [Step], _ fr: Frame) throws -> Flow {
            for s in body {
                let f = try s.run(fr)
                if f != .next { return f }
            }
            return .next
        }

        static func step(_ fr: Frame, _ offset: Int) throws {
            let t = fr.thread
            t.steps &-= 1
            if t.steps < 0 {
                throw fr.locate(BudgetError(message: "Starlark computation cancelled: too many steps"), offset)
            }
        }

        // MARK: statements

        mutating func block(_ stmts: [Stmt]) -> [Step] {
            stmts.map { Step(run: stmt($0)) }
        }

        mutating func stmt(_ s: Stmt) -> Exec {
            switch s.kind {
            case .expr(let e):
                let x = expr(e)
                return { fr in _ = try x(fr); return .next }
            case .pass:
                return { _ in .next }
            case .breakStmt:
                return { _ in .brk }
            case .continueStmt:
                return { _ in .cont }
            case .returnStmt(let e):
                guard let e else { return { fr in fr.result = .none; return .ret } }
                let x = expr(e)
                return { fr in fr.result = try x(fr); return .ret }
            case .assign(let lhs, let rhs, _):
                let r = expr(rhs)
                if case .ident(let id) = lhs.kind, let b = id.binding, b.scope == .local {
                    let idx = b.index
                    return { fr in fr.locals[idx] = try r(fr); return .next }
                }
                let a = assign(lhs)
                return { fr in try a(fr, try r(fr)); return .next }
            case .augAssign(let op, let lhs, let rhs, let opOff):
                return augAssign(op, lhs, rhs, opOff)
            case .ifElse(let c, let t, let f):
                let cond = expr(c)
                let tb = block(t)
                let fb = block(f)
                if fb.isEmpty {
                    if tb.count == 1 {
                        let t0 = tb[0].run
                        return { fr in try cond(fr).truth ? try t0(fr) : .next }
                    }
                    return { fr in try cond(fr).truth ? try Compiler.runBlock(tb, fr) : .next }
                }
                return { fr in try Compiler.runBlock(try cond(fr).truth ? tb : fb, fr) }
            case .whileLoop(let c, let body):
                let cond = expr(c)
                let b = block(body)
                let off = s.start
                return { fr in
                    while try cond(fr).truth {
                        try Compiler.step(fr, off)
                        let f = try Compiler.runBlock(b, fr)
                        if f == .brk { break }
                        if f == .ret { return .ret }
                    }
                    return .next
                }
            case .forIn(let vars, let iterable, let body):
                return forLoop(vars, iterable, body, s.start)
            case .def(let id, let fn):
                let mk = makeFunction(fn)
                let a = assignIdent(id)
                return { fr in try a(fr, try mk(fr)); return .next }
            case .load(let module, let moduleOffset, let bindings):
                let assigns = bindings.map { (b: LoadBinding) -> (String, Int, AssignFn) in (b.from, b.fromOffset, assignIdent(b.to)) }
                return { fr in
                    let t = fr.thread
                    guard let loader = t.load else {
                        throw fr.locate(EvalError("load not implemented by this application"), moduleOffset)
                    }
                    fr.callOffset = moduleOffset
                    let members: [(String, Value)]
                    do {
                        members = try loader(module, fr.code.lines.file)
                    } catch let e as Starlark.Error {
                        if e.kind == .budget { throw e }
                        throw fr.locate(EvalError("cannot load \(module): \(e.description)"), moduleOffset)
                    } catch let e as EvalError {
                        throw fr.locate(EvalError(e.message.hasPrefix("cannot load") ? e.message : "cannot load \(module): \(e.message)"), moduleOffset)
                    } catch {
                        throw fr.locate(EvalError("cannot load \(module): \(error)"), moduleOffset)
                    }
                    for (name, off, a) in assigns {
                        guard let v = members.first(where: { $0.0 == name })?.1 else {
                            let hint = Spell.nearest(name, members.map(\.0).sorted()).map { " (did you mean \($0)?)" } ?? ""
                            throw fr.locate(EvalError("load: name \(name) not found in module \(module)\(hint)"), off)
                        }
                        try a(fr, v)
                    }
                    return .next
                }
            }
        }

        mutating func forLoop(_ vars: Expr, _ iterable: Expr, _ body: [Stmt], _ off: Int) -> Exec {
            let x = expr(iterable)
            let b = block(body)
            let iterOff = iterable.start
            var localSlot = -1
            if case .ident(let id) = vars.kind, let bd = id.binding, bd.scope == .local { localSlot = bd.index }
            let a = assign(vars)
            let slot = localSlot
            return { fr in
                let seq = try x(fr)
                let t = fr.thread
                switch seq {
                case .range(let r):
                    let n = r.count
                    var i = 0
                    while i < n {
                        t.steps &-= 1
                        if t.steps < 0 { try Compiler.step(fr, off) }
                        let v = Value.int(r[i])
                        if slot >= 0 { fr.locals[slot] = v } else { try a(fr, v) }
                        let f = try Compiler.runBlock(b, fr)
                        if f == .brk { break }
                        if f == .ret { return .ret }
                        i += 1
                    }
                    return .next
                case .list(let l):
                    l.iterCount += 1
                    defer { l.iterCount -= 1 }
                    var i = 0
                    while i < l.elems.count {
                        t.steps &-= 1
                        if t.steps < 0 { try Compiler.step(fr, off) }
                        let v = l.elems[i]
                        if slot >= 0 { fr.locals[slot] = v } else { try a(fr, v) }
                        let f = try Compiler.runBlock(b, fr)
                        if f == .brk { break }
                        if f == .ret { return .ret }
                        i += 1
                    }
                    return .next
                case .object(let o as LazyIterable):
                    let it = o.makeIterator()
                    while let v = it.next() {
                        t.steps &-= 1
                        if t.steps < 0 { try Compiler.step(fr, off) }
                        if slot >= 0 { fr.locals[slot] = v } else { try a(fr, v) }
                        let f = try Compiler.runBlock(b, fr)
                        if f == .brk { break }
                        if f == .ret { return .ret }
                    }
                    return .next
                default:
                    let (elems, release) = try Compiler.iterate(seq, fr, iterOff)
                    defer { release() }
                    for v in elems {
                        t.steps &-= 1
                        if t.steps < 0 { try Compiler.step(fr, off) }
                        if slot >= 0 { fr.locals[slot] = v } else { try a(fr, v) }
                        let f = try Compiler.runBlock(b, fr)
                        if f == .brk { break }
                        if f == .ret { return .ret }
                    }
                    return .next
                }
            }
        }

        /// Materializes an iterable (marking containers as being iterated until `release`).
        static func iterate(_ seq: Value, _ fr: Frame, _ off: Int) throws -> ([Value], () -> Void) {
            switch seq {
            case .list(let l):
                l.iterCount += 1
                return (l.elems, { l.iterCount -= 1 })
            case .tuple(let t): return (t, {})
            case .dict(let d):
                d.iterCount += 1
                return (d.keys, { d.iterCount -= 1 })
            case .set(let s):
                s.iterCount += 1
                return (s.elems, { s.iterCount -= 1 })
            case .range(let r):
                return ((0..<r.count).map { .int(r[$0]) }, {})
            case .object(let o) where o is StarlarkIterable:
                return ((o as! StarlarkIterable).elements, {})
            case .object(let o) where o is LazyIterable:
                return (try elements(seq), {})
            default:
                throw fr.locate(EvalError("\(seq.typeName) value is not iterable"), off)
            }
        }

        /// Elements of an iterable for builtins (no iteration marking needed: copies).
        static func elements(_ v: Value) throws -> [Value] {
            switch v {
            case .list(let l): return l.elems
            case .tuple(let t): return t
            case .dict(let d): return d.keys
            case .set(let s): return s.elems
            case .range(let r): return (0..<r.count).map { .int(r[$0]) }
            case .object(let o) where o is StarlarkIterable: return (o as! StarlarkIterable).elements
            case .object(let o as LazyIterable):
                // Bounded by the step budget's scale, so an endless iterable fails instead of hanging.
                var out: [Value] = []
                let it = o.makeIterator()
                while let e = it.next() {
                    out.append(e)
                    if out.count >= 1 << 24 { throw EvalError("\(v.typeName): too many elements") }
                }
                return out
            default: throw EvalError("got \(v.typeName), want iterable")
            }
        }

        static func isIterable(_ v: Value) -> Bool {
            switch v {
            case .list, .tuple, .dict, .set, .range: return true
            case .object(let o): return o is StarlarkIterable || o is LazyIterable
            default: return false
            }
        }

        // MARK: assignment

        mutating func assignIdent(_ id: Ident) -> AssignFn {
            guard let b = id.binding else { return { _, _ in } }
            let idx = b.index
            switch b.scope {
            case .local: return { fr, v in fr.locals[idx] = v }
            case .cell: return { fr, v in fr.cells[idx].value = v }
            case .free: return { fr, v in fr.free[idx].value = v }
            case .global: return { fr, v in fr.globals[idx] = v }
            default: return { _, _ in }
            }
        }

        mutating func assign(_ lhs: Expr) -> AssignFn {
            switch lhs.kind {
            case .ident(let id):
                return assignIdent(id)
            case .paren(let x):
                return assign(x)
            case .index(let xe, let ie, let lb):
                let x = expr(xe), i = expr(ie)
                return { fr, v in
                    let obj = try x(fr), key = try i(fr)
                    do { try Compiler.setIndex(obj, key, v) } catch { throw fr.locate(error, lb) }
                }
            case .dot(let xe, let name, let off):
                let x = expr(xe)
                return { fr, v in
                    let obj = try x(fr)
                    do { try Compiler.setField(obj, name, v) } catch { throw fr.locate(error, off - 1) }
                }
            case .tuple(let l), .list(let l):
                let parts = l.map { assign($0) }
                let off = lhs.start
                return { fr, v in
                    let elems: [Value]
                    switch v {
                    case .tuple(let t): elems = t
                    case .list(let li): elems = li.elems
                    default:
                        guard Compiler.isIterable(v) else {
                            throw fr.locate(EvalError("got \(v.typeName) in sequence assignment"), off)
                        }
                        elems = try Compiler.elements(v)
                    }
                    if elems.count != parts.count {
                        let msg = elems.count > parts.count ? "too many values to unpack (got \(elems.count), want \(parts.count))" : "too few values to unpack (got \(elems.count), want \(parts.count))"
                        throw fr.locate(EvalError(msg), off)
                    }
                    for (p, e) in zip(parts, elems) { try p(fr, e) }
                }
            default:
                return { _, _ in }
            }
        }

        mutating func augAssign(_ op: TokenKind, _ lhs: Expr, _ rhs: Expr, _ opOff: Int) -> Exec {
            let r = expr(rhs)
            func apply(_ fr: Frame, _ x: Value, _ y: Value) throws -> Value {
                if op == .plus, case .list(let l) = x, Compiler.isIterable(y) {
                    // in-place extend (a non-iterable y falls back to list + y, as Go)
                    do {
                        try l.checkMutable("apply += to")
                        l.elems.append(contentsOf: try Compiler.elements(y))
                    } catch { throw fr.locate(error, opOff) }
                    return x
                }
                if op == .plus, case .int(let a) = x, case .int(let b) = y {
                    let (s, o) = a.addingReportingOverflow(b)
                    if !o { return .int(s) }
                }
                if op == .pipe, case .dict(let d) = x, case .dict(let e) = y {
                    // in place: aliases of x see the update (go.starlark.net's INPLACE_PIPE)
                    do {
                        try d.checkMutable("apply |= to")
                        for (k, v) in e.entries { try d.set(k, v) }
                    } catch { throw fr.locate(error, opOff) }
                    return x
                }
                do { return try Starlark.binary(op, x, y) } catch { throw fr.locate(error, opOff) }
            }
            switch lhs.kind {
            case .paren(let inner):
                return augAssign(op, inner, rhs, opOff)
            case .ident(let id):
                let get = identExpr(id)
                let set = assignIdent(id)
                return { fr in try set(fr, try apply(fr, try get(fr), try r(fr))); return .next }
            case .index(let xe, let ie, let lb):
                let x = expr(xe), i = expr(ie)
                return { fr in
                    let obj = try x(fr), key = try i(fr)
                    let old: Value
                    do { old = try Compiler.index(obj, key) } catch { throw fr.locate(error, lb) }
                    let nv = try apply(fr, old, try r(fr))
                    do { try Compiler.setIndex(obj, key, nv) } catch { throw fr.locate(error, lb) }
                    return .next
                }
            case .dot(let xe, let name, let off):
                let x = expr(xe)
                return { fr in
                    let obj = try x(fr)
                    let old: Value
                    do { old = try Compiler.getAttr(obj, name) } catch { throw fr.locate(error, off - 1) }
                    let nv = try apply(fr, old, try r(fr))
                    do { try Compiler.setField(obj, name, nv) } catch { throw fr.locate(error, off - 1) }
                    return .next
                }
            default:
                return { _ in .next }
            }
        }

        // MARK: expressions

        func identExpr(_ id: Ident) -> EvalExpr {
            guard let b = id.binding else { return { _ in .none } }
            let idx = b.index
            let off = id.offset
            let name = id.name
            switch b.scope {
            case .local:
                return { fr in
                    if let v = fr.locals[idx] { return v }
                    throw fr.locate(EvalError("local variable \(name) referenced before assignment"), off)
                }
            case .cell:
                return { fr in
                    if let v = fr.cells[idx].value { return v }
                    throw fr.locate(EvalError("local variable \(name) referenced before assignment"), off)
                }
            case .free:
                return { fr in
                    if let v = fr.free[idx].value { return v }
                    throw fr.locate(EvalError("local variable \(name) referenced before assignment"), off)
                }
            case .global:
                let kind = b.fromLoad ? "local" : "global"  // a load binds a file-local name
                return { fr in
                    if let v = fr.globals[idx] { return v }
                    throw fr.locate(EvalError("\(kind) variable \(name) referenced before assignment"), off)
                }
            case .predeclared:
                let v = predeclared[name] ?? .none
                return { _ in v }
            case .universal:
                let v = Universe.shared.members[name] ?? .none
                return { _ in v }
            case .undefined:
                return { fr in throw fr.locate(EvalError("undefined: \(name)"), off) }
            }
        }

        mutating func expr(_ e: Expr) -> EvalExpr {
            switch e.kind {
            case .ident(let id): return identExpr(id)
            case .int(let i): let v = Value.int(i); return { _ in v }
            case .bigInt(let b): let v = Value.int(b); return { _ in v }
            case .float(let d): let v = Value.float(d); return { _ in v }
            case .string(let s): let v = Value.string(s); return { _ in v }
            case .bytes(let b): let v = Value.bytes(BytesBox(b)); return { _ in v }
            case .paren(let x): return expr(x)
            case .list(let l):
                let cs = l.map { Operand(eval: expr($0)) }
                return { fr in
                    var a: [Value] = []
                    a.reserveCapacity(cs.count)
                    for c in cs { a.append(try c.eval(fr)) }
                    return .list(List(a))
                }
            case .tuple(let l):
                let cs = l.map { Operand(eval: expr($0)) }
                return { fr in
                    var a: [Value] = []
                    a.reserveCapacity(cs.count)
                    for c in cs { a.append(try c.eval(fr)) }
                    return .tuple(a)
                }
            case .dict(let entries):
                let cs = entries.map { (expr($0.0), expr($0.1), $0.0.start) }
                return { fr in
                    let d = Dict()
                    for (k, v, off) in cs {
                        let kv = try k(fr)
                        let vv = try v(fr)
                        do {
                            if try d.lookup(kv) != nil { throw EvalError("duplicate key: \(kv.repr)") }
                            try d.set(kv, vv)
                        } catch { throw fr.locate(error, off) }
                    }
                    return .dict(d)
                }
            case .unary(let op, let xe):
                let x = expr(xe)
                let off = e.start
                if op == .kwNot { return { fr in .bool(!(try x(fr)).truth) } }
                if op == .minus {
                    return { fr in
                        let v = try x(fr)
                        if case .int(let i) = v, i != Int.min { return .int(-i) }
                        do { return try Starlark.unary(op, v) } catch { throw fr.locate(error, off) }
                    }
                }
                return { fr in
                    let v = try x(fr)
                    do { return try Starlark.unary(op, v) } catch { throw fr.locate(error, off) }
                }
            case .binary(let op, let xe, let ye, let off):
                return binary(op, xe, ye, off)
            case .cond(let c, let t, let f):
                let ce = expr(c), te = expr(t), fe = expr(f)
                return { fr in try ce(fr).truth ? try te(fr) : try fe(fr) }
            case .index(let xe, let ie, let lb):
                let x = expr(xe), i = expr(ie)
                return { fr in
                    let obj = try x(fr)
                    let key = try i(fr)
                    if case .list(let l) = obj, case .int(let k) = key, k >= 0, k < l.elems.count { return l.elems[k] }
                    do { return try Compiler.index(obj, key) } catch { throw fr.locate(error, lb) }
                }
            case .slice(let xe, let lo, let hi, let st, let lb):
                let x = expr(xe)
                let l = lo.map { expr($0) }, h = hi.map { expr($0) }, s = st.map { expr($0) }
                return { fr in
                    let obj = try x(fr)
                    let lv = try l?(fr) ?? .none, hv = try h?(fr) ?? .none, sv = try s?(fr) ?? .none
                    do { return try Compiler.slice(obj, lv, hv, sv) } catch { throw fr.locate(error, lb) }
                }
            case .dot(let xe, let name, let off):
                let x = expr(xe)
                return { fr in
                    let obj = try x(fr)
                    do { return try Compiler.getAttr(obj, name) } catch { throw fr.locate(error, off - 1) }
                }
            case .call(let fe, let args, let lp):
                return call(fe, args, lp)
            case .lambda(let fn):
                return makeFunction(fn)
            case .comprehension(let c):
                return comprehension(c)
            }
        }

        mutating func binary(_ op: TokenKind, _ xe: Expr, _ ye: Expr, _ off: Int) -> EvalExpr {
            let x = expr(xe), y = expr(ye)
            switch op {
            case .kwAnd:
                return { fr in
                    let a = try x(fr)
                    return a.truth ? try y(fr) : a
                }
            case .kwOr:
                return { fr in
                    let a = try x(fr)
                    return a.truth ? a : try y(fr)
                }
            case .eql, .neq:
                let neg = op == .neq
                return { fr in
                    let a = try x(fr), b = try y(fr)
                    if case .int(let i) = a, case .int(let j) = b { return .bool((i == j) != neg) }
                    do { return .bool(try Starlark.equal(a, b) != neg) } catch { throw fr.locate(error, off) }
                }
            case .lt, .le, .gt, .ge:
                return { fr in
                    let a = try x(fr), b = try y(fr)
                    if case .int(let i) = a, case .int(let j) = b {
                        switch op {
                        case .lt: return .bool(i < j)
                        case .le: return .bool(i <= j)
                        case .gt: return .bool(i > j)
                        default: return .bool(i >= j)
                        }
                    }
                    do { return .bool(try Starlark.compare(op, a, b, depth: 0)) } catch { throw fr.locate(error, off) }
                }
            case .kwIn, .kwNotIn:
                let neg = op == .kwNotIn
                return { fr in
                    let a = try x(fr), b = try y(fr)
                    do { return .bool(try Starlark.contains(b, a) != neg) } catch { throw fr.locate(error, off) }
                }
            case .plus:
                return { fr in
                    let a = try x(fr), b = try y(fr)
                    if case .int(let i) = a, case .int(let j) = b {
                        let (r, o) = i.addingReportingOverflow(j)
                        if !o { return .int(r) }
                    }
                    do { return try Starlark.binary(op, a, b) } catch { throw fr.locate(error, off) }
                }
            case .minus:
                return { fr in
                    let a = try x(fr), b = try y(fr)
                    if case .int(let i) = a, case .int(let j) = b {
                        let (r, o) = i.subtractingReportingOverflow(j)
                        if !o { return .int(r) }
                    }
                    do { return try Starlark.binary(op, a, b) } catch { throw fr.locate(error, off) }
                }
            default:
                return { fr in
                    let a = try x(fr), b = try y(fr)
                    do { return try Starlark.binary(op, a, b) } catch { throw fr.locate(error, off) }
                }
            }
        }

        // MARK: functions

        mutating func makeFunction(_ fn: FunctionDecl) -> EvalExpr {
            var defaults: [EvalExpr?] = []
            for p in fn.params {
                switch p {
                case .required: defaults.append(nil)
                case .optional(_, let d): defaults.append(expr(d))
                default: break
                }
            }
            let code = CompiledFunction(decl: fn, lines: lines, options: options)
            let saved = current
            current = fn
            code.body = block(fn.body)
            current = saved
            // how to fetch each captured outer variable from the defining frame
            let captures: [(Bool, Int)] = fn.freeVars.map { outer in (outer.scope == .cell, outer.index) }
            let dflts = defaults
            return { fr in
                var dv: [Value?] = []
                if !dflts.isEmpty {
                    dv.reserveCapacity(dflts.count)
                    for d in dflts { dv.append(try d.map { try $0(fr) }) }
                }
                var cells: [Cell] = []
                if !captures.isEmpty {
                    cells.reserveCapacity(captures.count)
                    for (isCell, idx) in captures { cells.append(isCell ? fr.cells[idx] : fr.free[idx]) }
                }
                let module = Module.current(fr)
                return .function(Function(code: code, module: module, defaults: dv, freeCells: cells))
            }
        }

        mutating func call(_ fe: Expr, _ args: [Argument], _ lp: Int) -> EvalExpr {
            var simple = true
            for a in args { if case .positional = a {} else { simple = false } }
            if simple {
                let argc = args.map { a -> Operand in
                    if case .positional(let x) = a { return Operand(eval: expr(x)) }
                    return Operand(eval: { _ in .none })
                }
                if case .dot(let recvE, let name, _) = fe.kind {
                    // method call: avoid allocating a bound method
                    let recv = expr(recvE)
                    let methods = Methods.lookupAll(name)
                    let dotOff = fe.end - name.utf8.count - 1
                    return { fr in
                        let r = try recv(fr)
                        var av: [Value] = []
                        av.reserveCapacity(argc.count)
                        for a in argc { av.append(try a.eval(fr)) }
                        if let m = Methods.pick(methods, r) {
                            fr.callOffset = lp
                            do { return try m(fr.thread, r, av, []) } catch { throw fr.locate(error, lp) }
                        }
                        let f: Value
                        do { f = try Compiler.getAttr(r, name) } catch { throw fr.locate(error, dotOff) }
                        return try Compiler.callValue(fr, f, av, [], lp)
                    }
                }
                let f = expr(fe)
                let n = argc.count
                switch argc.count {
                case 0:
                    return { fr in try Compiler.callValue(fr, try f(fr), [], [], lp) }
                case 1:
                    let a0 = argc[0].eval
                    return { fr in
                        let fv = try f(fr)
                        if case .function(let fn) = fv, fn.code.simpleArity == 1 {
                            let nf = Frame.make(thread: fr.thread, code: fn.code, module: fn.module, free: fn.freeCells)
                            nf.locals[0] = try a0(fr)
                            return try Compiler.enterDirect(fr, fn, nf, lp)
                        }
                        return try Compiler.callValue(fr, fv, [try a0(fr)], [], lp)
                    }
                case 2:
                    let a0 = argc[0].eval, a1 = argc[1].eval
                    return { fr in
                        let fv = try f(fr)
                        if case .function(let fn) = fv, fn.code.simpleArity == 2 {
                            let nf = Frame.make(thread: fr.thread, code: fn.code, module: fn.module, free: fn.freeCells)
                            nf.locals[0] = try a0(fr)
                            nf.locals[1] = try a1(fr)
                            return try Compiler.enterDirect(fr, fn, nf, lp)
                        }
                        let v0 = try a0(fr)
                        return try Compiler.callValue(fr, fv, [v0, try a1(fr)], [], lp)
                    }
                default:
                    return { fr in
                        let fv = try f(fr)
                        if case .function(let fn) = fv, fn.code.simpleArity == n {
                            let nf = Frame.make(thread: fr.thread, code: fn.code, module: fn.module, free: fn.freeCells)
                            for i in 0..<n { nf.locals[i] = try argc[i].eval(fr) }
                            return try Compiler.enterDirect(fr, fn, nf, lp)
                        }
                        var av: [Value] = []
                        av.reserveCapacity(argc.count)
                        for a in argc { av.append(try a.eval(fr)) }
                        return try Compiler.callValue(fr, fv, av, [], lp)
                    }
                }
            }
            enum CA { case pos(EvalExpr), kw(String, EvalExpr), star(EvalExpr, Int), starStar(EvalExpr, Int) }
            let cas: [CA] = args.map { a in
                switch a {
                case .positional(let x): .pos(expr(x))
                case .keyword(let id, let x): .kw(id.name, expr(x))
                case .star(let x): .star(expr(x), x.start)
                case .starStar(let x): .starStar(expr(x), x.start)
                }
            }
            let f = expr(fe)
            return { fr in
                let fv = try f(fr)
                var av: [Value] = []
                var kw: [(String, Value)] = []
                for a in cas {
                    switch a {
                    case .pos(let x): av.append(try x(fr))
                    case .kw(let n, let x): kw.append((n, try x(fr)))
                    case .star(let x, let off):
                        let v = try x(fr)
                        guard Compiler.isIterable(v) else {
                            throw fr.locate(EvalError("argument after * must be iterable, not \(v.typeName)"), off)
                        }
                        av.append(contentsOf: try Compiler.elements(v))
                    case .starStar(let x, let off):
                        let v = try x(fr)
                        guard case .dict(let d) = v else {
                            throw fr.locate(EvalError("argument after ** must be a mapping, not \(v.typeName)"), off)
                        }
                        for (k, val) in d.entries {
                            guard case .string(let ks) = k else {
                                throw fr.locate(EvalError("keywords must be strings, not \(k.typeName)"), off)
                            }
                            let name = String(decoding: ks, as: UTF8.self)
                            // A builtin sees repeated names and reports them itself (as Go).
                            kw.append((name, val))
                        }
                    }
                }
                return try Compiler.callValue(fr, fv, av, kw, lp)
            }
        }

        static func calleeName(_ f: Value) -> String {
            switch f {
            case .function(let fn): "function \(fn.name)"
            case .builtin(let b): b.name
            default: f.typeName
            }
        }

        /// Calls any callable from a frame, recording the call site for backtraces.
        static func callValue(_ fr: Frame, _ f: Value, _ args: [Value], _ kwargs: [(String, Value)], _ lp: Int) throws -> Value {
            fr.callOffset = lp
            switch f {
            case .function(let fn):
                do {
                    return try callFunction(fr.thread, fn, args, kwargs)
                } catch let e as Starlark.Error {
                    throw e
                } catch {
                    throw fr.locate(error, lp)
                }
            case .builtin(let b):
                do { return try b.impl(fr.thread, args, kwargs) } catch { throw fr.locate(error, lp) }
            default:
                throw fr.locate(EvalError("invalid call of non-function (\(f.typeName))"), lp)
            }
        }

        /// Calls a callable from the host or a builtin (no frame of its own).
        static func call(_ t: Thread, _ f: Value, _ args: [Value], _ kwargs: [(String, Value)]) throws -> Value {
            switch f {
            case .function(let fn): return try callFunction(t, fn, args, kwargs)
            case .builtin(let b): return try b.impl(t, args, kwargs)
            default: throw EvalError("invalid call of non-function (\(f.typeName))")
            }
        }

        /// Runs a frame whose arguments are already bound, from a call site in `fr`.
        static func enterDirect(_ fr: Frame, _ fn: Function, _ nf: Frame, _ lp: Int) throws -> Value {
            fr.callOffset = lp
            do {
                return try enter(fr.thread, fn, nf)
            } catch let e as Starlark.Error {
                throw e
            } catch {
                throw fr.locate(error, lp)
            }
        }

        static func callFunction(_ t: Thread, _ fn: Function, _ args: [Value], _ kwargs: [(String, Value)]) throws -> Value {
            let fr = Frame.make(thread: t, code: fn.code, module: fn.module, free: fn.freeCells)
            do {
                try bindArgs(fn, fr, args, kwargs)
            } catch {
                fr.recycle()
                throw error
            }
            return try enter(t, fn, fr)
        }

        @inline(__always)
        static func enter(_ t: Thread, _ fn: Function, _ fr: Frame) throws -> Value {
            let code = fn.code
            t.steps &-= 1
            if t.steps < 0 { throw BudgetError(message: "Starlark computation cancelled: too many steps") }
            if t.depth >= t.maxDepth || Thread.stackAddress() < t.stackLimit {
                throw EvalError("Starlark stack overflow")  // go.starlark.net's words (its limit: 100,000 frames)
            }
            if !code.options.recursion {
                var f = t.top
                while let x = f {
                    if x.code === code { throw EvalError("function \(code.name) called recursively") }
                    f = x.parent
                }
            }
            for (slot, cell) in code.cellParams { fr.cells[cell].value = fr.locals[slot] }
            t.depth += 1
            fr.parent = t.top
            t.top = fr
            defer {
                t.depth -= 1
                t.top = fr.parent
                fr.recycle()
            }
            for s in code.body {
                let f = try s.run(fr)
                if f == .ret { return fr.result }
            }
            return .none
        }

        static func bindArgs(_ fn: Function, _ fr: Frame, _ args: [Value], _ kwargs: [(String, Value)]) throws {
            let code = fn.code
            let np = code.numParams
            let npos = np - code.numKwonly
            if kwargs.isEmpty && args.count == np && !code.hasVarargs && !code.hasKwargs && code.numKwonly == 0 {
                for i in 0..<np { fr.locals[i] = args[i] }
                return
            }
            let name = code.name
            // positional
            if np == 0 && !code.hasVarargs && !code.hasKwargs && args.count + kwargs.count > 0 {
                throw EvalError("function \(name) accepts no arguments (\(args.count + kwargs.count) given)")
            }
            if args.count > npos && !code.hasVarargs {
                let hasDefaults = fn.defaults.prefix(npos).contains { $0 != nil }
                throw EvalError("function \(name) accepts \(hasDefaults ? "at most " : "")\(npos) positional argument\(npos == 1 ? "" : "s") (\(args.count) given)")
            }
            let nbind = min(args.count, npos)
            for i in 0..<nbind { fr.locals[i] = args[i] }
            var slot = np
            if code.hasVarargs {
                fr.locals[slot] = .tuple(args.count > npos ? Array(args[npos...]) : [])
                slot += 1
            }
            var kwdict: Dict? = nil
            if code.hasKwargs {
                kwdict = Dict()
                fr.locals[slot] = .dict(kwdict!)
            }
            for (k, v) in kwargs {
                if let i = code.paramNames.firstIndex(of: k) {
                    if fr.locals[i] != nil {
                        throw EvalError("function \(name) got multiple values for parameter \"\(k)\"")
                    }
                    fr.locals[i] = v
                } else if let kd = kwdict {
                    let kv = Value.str(k)
                    if kd.get(kv) != nil { throw EvalError("function \(name) got multiple values for parameter \"\(k)\"") }
                    try kd.set(kv, v)
                } else {
                    throw EvalError("function \(name) got an unexpected keyword argument \"\(k)\"")
                }
            }
            var missing: [String] = []
            for i in 0..<np where fr.locals[i] == nil {
                if let d = fn.defaults[i] { fr.locals[i] = d } else { missing.append(code.paramNames[i]) }
            }
            if !missing.isEmpty {
                if missing.count == 1 { throw EvalError("function \(name) missing 1 argument (\(missing[0]))") }
                throw EvalError("function \(name) missing \(missing.count) arguments (\(missing.joined(separator: ", ")))")
            }
        }

        // MARK: comprehensions

        mutating func comprehension(_ c: Comprehension) -> EvalExpr {
            // Build the innermost action, then wrap clauses from the inside out.
            typealias Body = (Frame, ComprehensionAcc) throws -> Void
            var inner: Body
            if c.isDict {
                let k = expr(c.body), v = expr(c.value!)
                let off = c.body.start
                inner = { fr, acc in
                    let kv = try k(fr), vv = try v(fr)
                    do { try acc.dict!.set(kv, vv) } catch { throw fr.locate(error, off) }
                }
            } else {
                let b = expr(c.body)
                inner = { fr, acc in acc.list.append(try b(fr)) }
            }
            for cl in c.clauses.reversed() {
                let next = inner
                switch cl {
                case .ifCond(let ce, _):
                    let cond = expr(ce)
                    inner = { fr, acc in if try cond(fr).truth { try next(fr, acc) } }
                case .forIn(let vars, let x, let off):
                    let it = expr(x)
                    let a = assign(vars)
                    let xoff = x.start
                    inner = { fr, acc in
                        let seq = try it(fr)
                        let (elems, release) = try Compiler.iterate(seq, fr, xoff)
                        defer { release() }
                        let t = fr.thread
                        for e in elems {
                            t.steps &-= 1
                            if t.steps < 0 { try Compiler.step(fr, off) }
                            try a(fr, e)
                            try next(fr, acc)
                        }
                    }
                }
            }
            let body = inner
            let isDict = c.isDict
            return { fr in
                let acc = ComprehensionAcc(isDict: isDict)
                try body(fr, acc)
                return isDict ? .dict(acc.dict!) : .list(List(acc.list))
            }
        }
    }

    final class ComprehensionAcc {
        var list: [Value] = []
        let dict: Dict?
        init(isDict: Bool) { dict = isDict ? Dict() : nil }
    }
}

extension Starlark.Module {
    /// The module of the frame's function (top-level frames share the program's module).
    static func current(_ fr: Starlark.Frame) -> Starlark.Module {
        fr.moduleRef
    }
}
