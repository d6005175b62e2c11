import IR

extension Starlark {
    /// The static name-resolution pass: classifies every identifier as
    /// local, cell, free, global, predeclared or universal and assigns slots,
    /// so undefined names and dialect misuse fail before anything runs.
    struct Resolver {
        final class Block {
            let parent: Block?
            let function: FunctionDecl?  // for function blocks
            let isComprehension: Bool
            var bindings: [String: Binding] = [:]
            var freeMap: [String: Binding] = [:]
            init(parent: Block?, function: FunctionDecl?, isComprehension: Bool) {
                self.parent = parent
                self.function = function
                self.isComprehension = isComprehension
            }
            var isModule: Bool { parent == nil }
        }

        let file: File
        let options: FileOptions
        let isPredeclared: (String) -> Bool
        let isUniversal: (String) -> Bool
        var errors: [Starlark.Error] = []
        var globals: [String: Binding] = [:]
        var env: Block
        var loops = 0
        /// The function whose frame holds the current block's locals.
        var container: FunctionDecl

        init(file: File, options: FileOptions, isPredeclared: @escaping (String) -> Bool, isUniversal: @escaping (String) -> Bool) {
            self.file = file
            self.options = options
            self.isPredeclared = isPredeclared
            self.isUniversal = isUniversal
            self.env = Block(parent: nil, function: nil, isComprehension: false)
            self.container = file.toplevel
        }

        static func resolve(_ file: File, options: FileOptions, isPredeclared: @escaping (String) -> Bool, isUniversal: @escaping (String) -> Bool) throws(Starlark.Error) {
            var r = Resolver(file: file, options: options, isPredeclared: isPredeclared, isUniversal: isUniversal)
            r.collectGlobals(file.stmts)
            r.stmts(file.stmts)
            r.finish(file.toplevel)
            if var first = r.errors.first {
                first.additional = Array(r.errors.dropFirst())
                throw first
            }
        }

        mutating func error(_ msg: String, at off: Int) {
            errors.append(Starlark.Error(kind: .resolve, message: msg, location: file.lines.location(at: off)))
        }

        /// A position for use inside a message: the file's base name, line and column.
        func loc(_ off: Int) -> String {
            var l = file.lines.location(at: off)
            if let slash = l.file.lastIndex(of: "/") { l.file = String(l.file[l.file.index(after: slash)...]) }
            return l.description
        }

        // MARK: pass 1: bindings

        mutating func bindGlobal(_ id: Ident, isLoad: Bool = false) {
            if let prev = globals[id.name] {
                if prev.fromLoad && isLoad {
                    error("cannot reassign top-level \(id.name) declared at \(loc(prev.declOffset))", at: id.offset)
                } else if prev.fromLoad {
                    error("cannot reassign local \(id.name) declared at \(loc(prev.declOffset))", at: id.offset)
                } else if !options.globalReassign {
                    error("cannot reassign global \(id.name) declared at \(loc(prev.declOffset))", at: id.offset)
                }
                id.binding = prev
                return
            }
            let b = Binding(name: id.name, scope: .global, declOffset: id.offset)
            b.index = file.globals.count
            file.globals.append(b)
            globals[id.name] = b
            id.binding = b
        }

        mutating func collectGlobals(_ stmts: [Stmt]) {
            for s in stmts {
                switch s.kind {
                case .assign(let lhs, _, _): collectTargets(lhs) { $0.bindGlobal($1) }
                case .augAssign(_, let lhs, _, _): collectTargets(lhs) { $0.bindGlobal($1) }
                case .def(let id, _): bindGlobal(id)
                case .forIn(let vars, _, let body):
                    collectTargets(vars) { $0.bindGlobal($1) }
                    collectGlobals(body)
                case .ifElse(_, let a, let b): collectGlobals(a); collectGlobals(b)
                case .whileLoop(_, let body): collectGlobals(body)
                case .load(_, _, let bs):
                    for b in bs {
                        let existed = globals[b.to.name] != nil
                        bindGlobal(b.to, isLoad: true)
                        if !existed { b.to.binding?.fromLoad = true }
                    }
                default: break
                }
            }
        }

        mutating func collectTargets(_ e: Expr, _ f: (inout Resolver, Ident) -> Void) {
            switch e.kind {
            case .ident(let id): f(&self, id)
            case .tuple(let l), .list(let l): for x in l { collectTargets(x, f) }
            case .paren(let x): collectTargets(x, f)
            default: break
            }
        }

        /// Binds every name assigned in a function body as a local of `fn`.
        mutating func collectLocals(_ stmts: [Stmt], _ blk: Block, _ fn: FunctionDecl) {
            for s in stmts {
                switch s.kind {
                case .assign(let lhs, _, _), .augAssign(_, let lhs, _, _):
                    collectTargets(lhs) { r, id in r.bindLocal(id, blk, fn) }
                case .def(let id, _): bindLocal(id, blk, fn)
                case .forIn(let vars, _, let body):
                    collectTargets(vars) { r, id in r.bindLocal(id, blk, fn) }
                    collectLocals(body, blk, fn)
                case .ifElse(_, let a, let b): collectLocals(a, blk, fn); collectLocals(b, blk, fn)
                case .whileLoop(_, let body): collectLocals(body, blk, fn)
                default: break
                }
            }
        }

        mutating func bindLocal(_ id: Ident, _ blk: Block, _ fn: FunctionDecl) {
            if let b = blk.bindings[id.name] { id.binding = b; return }
            let b = Binding(name: id.name, scope: .local, declOffset: id.offset)
            blk.bindings[id.name] = b
            fn.locals.append(b)
            id.binding = b
        }

        // MARK: pass 2: uses

        mutating func stmts(_ ss: [Stmt]) { for s in ss { stmt(s) } }

        var atTopLevel: Bool { env.isModule }

        mutating func stmt(_ s: Stmt) {
            switch s.kind {
            case .expr(let e): expr(e)
            case .assign(let lhs, let rhs, _):
                expr(rhs)
                assign(lhs, augmented: false)
            case .augAssign(_, let lhs, let rhs, _):
                expr(rhs)
                assign(lhs, augmented: true)
            case .def(let id, let fn):
                _ = id
                function(fn)
            case .ifElse(let c, let a, let b):
                if atTopLevel && !options.topLevelControl && !options.globalReassign {
                    error("if statement not within a function", at: s.start)
                }
                expr(c)
                stmts(a)
                stmts(b)
            case .forIn(let vars, let x, let body):
                if atTopLevel && !options.topLevelControl && !options.globalReassign {
                    error("for loop not within a function", at: s.start)
                }
                expr(x)
                assign(vars, augmented: false)
                loops += 1
                stmts(body)
                loops -= 1
            case .whileLoop(let c, let body):
                if !options.whileLoops {
                    error("this Starlark dialect does not support while loops", at: s.start)
                }
                if atTopLevel && !options.topLevelControl && !options.globalReassign {
                    error("while loop not within a function", at: s.start)
                }
                expr(c)
                loops += 1
                stmts(body)
                loops -= 1
            case .breakStmt:
                if loops == 0 { error("break not in a loop", at: s.start) }
            case .continueStmt:
                if loops == 0 { error("continue not in a loop", at: s.start) }
            case .pass: break
            case .returnStmt(let e):
                if atTopLevel { error("return statement not within a function", at: s.start) }
                if let e { expr(e) }
            case .load(_, _, let bs):
                if !atTopLevel { error("load statement within a function", at: s.start) }
                for b in bs where b.from.hasPrefix("_") {
                    error("load: names with leading underscores are not exported: \(b.from)", at: b.fromOffset)
                }
            }
        }

        mutating func assign(_ lhs: Expr, augmented: Bool) {
            switch lhs.kind {
            case .ident(let id):
                if id.binding == nil {
                    // comprehension variable or otherwise not pre-collected
                    use(id)
                }
            case .index(let x, let i, _):
                expr(x); expr(i)
            case .dot(let x, _, _):
                expr(x)
            case .paren(let x):
                assign(x, augmented: augmented)
            case .tuple(let l), .list(let l):
                let isTuple: Bool
                if case .tuple = lhs.kind { isTuple = true } else { isTuple = false }
                if l.isEmpty { error("can't assign to \(isTuple ? "()" : "[]")", at: lhs.start) }
                if augmented { error("can't use \(isTuple ? "tuple" : "list") expression in augmented assignment", at: lhs.start) }
                for x in l { assign(x, augmented: augmented) }
            default:
                error("can't assign to \(exprKindName(lhs))", at: lhs.start)
            }
        }

        func exprKindName(_ e: Expr) -> String {
            switch e.kind {
            case .int, .bigInt, .float, .string, .bytes: "literal"
            case .call: "callexpr"
            case .binary: "binaryexpr"
            case .unary: "unaryexpr"
            case .cond: "condexpr"
            case .dict: "dictexpr"
            case .lambda: "lambdaexpr"
            case .comprehension: "comprehension"
            case .slice: "sliceexpr"
            default: "expression"
            }
        }

        mutating func use(_ id: Ident) {
            if let b = lookupLocal(id.name, env) {
                id.binding = b
                return
            }
            if let g = globals[id.name] {
                id.binding = g
                return
            }
            if isPredeclared(id.name) {
                id.binding = Binding(name: id.name, scope: .predeclared, declOffset: id.offset)
                return
            }
            if isUniversal(id.name) {
                if id.name == "set" && !options.set {
                    error("this Starlark dialect does not support sets", at: id.offset)
                }
                id.binding = Binding(name: id.name, scope: .universal, declOffset: id.offset)
                return
            }
            error("undefined: \(id.name)", at: id.offset)
            id.binding = Binding(name: id.name, scope: .undefined, declOffset: id.offset)
        }

        /// Finds a local/free binding visible from `blk`, creating free-variable links across function boundaries.
        mutating func lookupLocal(_ name: String, _ blk: Block) -> Binding? {
            if let b = blk.bindings[name] { return b }
            if let f = blk.freeMap[name] { return f }
            guard let parent = blk.parent, !parent.isModule || blk.isComprehension || blk.function != nil else { return nil }
            if parent.isModule && blk.function != nil {
                // a top-level function: outer locals are the module's comprehension vars, never visible here
                return nil
            }
            guard let outer = lookupLocal(name, parent) else { return nil }
            if let fn = blk.function {
                if outer.scope == .local || outer.scope == .cell { outer.captured = true }
                let fb = Binding(name: name, scope: .free, declOffset: outer.declOffset)
                fb.index = fn.freeVars.count
                fn.freeVars.append(outer)
                blk.freeMap[name] = fb
                return fb
            }
            return outer
        }

        mutating func function(_ fn: FunctionDecl) {
            // defaults are resolved in the enclosing block
            var seen = Set<String>()
            for p in fn.params {
                if case .optional(_, let d) = p { expr(d) }
                if let id = p.ident {
                    if seen.contains(id.name) { error("duplicate parameter: \(id.name)", at: id.offset) }
                    seen.insert(id.name)
                }
            }
            let blk = Block(parent: env, function: fn, isComprehension: false)
            // parameters first
            var sawStar = false
            for p in fn.params {
                switch p {
                case .required(let id), .optional(let id, _):
                    bindLocal(id, blk, fn)
                    fn.numParams += 1
                    if sawStar { fn.numKwonly += 1 }
                case .star(let id):
                    sawStar = true
                    if let id { fn.hasVarargs = true; _ = id }
                case .starStar: break
                }
            }
            // order: named params, then *args, then **kwargs
            for p in fn.params { if case .star(let id?) = p { bindLocal(id, blk, fn) } }
            for p in fn.params { if case .starStar(let id) = p { bindLocal(id, blk, fn); fn.hasKwargs = true } }
            collectLocals(fn.body, blk, fn)
            let savedEnv = env, savedLoops = loops, savedContainer = container
            env = blk
            loops = 0
            container = fn
            stmts(fn.body)
            env = savedEnv
            loops = savedLoops
            container = savedContainer
            finish(fn)
        }

        /// Assigns slots: every local gets a frame slot; captured ones also get a cell.
        mutating func finish(_ fn: FunctionDecl) {
            let nparams = fn.numParams + (fn.hasVarargs ? 1 : 0) + (fn.hasKwargs ? 1 : 0)
            var nc = 0
            var next = nparams
            for (i, b) in fn.locals.enumerated() {
                if b.captured {
                    b.scope = .cell
                    b.index = nc
                    if i < nparams { fn.cellParams.append((i, nc)) }
                    nc += 1
                } else if i < nparams {
                    b.index = i
                } else {
                    b.index = next
                    next += 1
                }
            }
            fn.numLocals = next
            fn.numCells = nc
        }

        mutating func exprs(_ es: [Expr]) { for e in es { expr(e) } }

        mutating func expr(_ e: Expr) {
            switch e.kind {
            case .ident(let id): use(id)
            case .int, .bigInt, .float, .string, .bytes: break
            case .list(let l), .tuple(let l): exprs(l)
            case .dict(let entries): for (k, v) in entries { expr(k); expr(v) }
            case .unary(_, let x): expr(x)
            case .binary(_, let x, let y, _): expr(x); expr(y)
            case .cond(let c, let t, let f): expr(c); expr(t); expr(f)
            case .index(let x, let i, _): expr(x); expr(i)
            case .slice(let x, let lo, let hi, let st, _):
                expr(x)
                if let lo { expr(lo) }
                if let hi { expr(hi) }
                if let st { expr(st) }
            case .dot(let x, _, _): expr(x)
            case .paren(let x): expr(x)
            case .call(let fn, let args, _):
                expr(fn)
                var seenVarargs = false, seenKwargs = false, seenNamed = false
                var names = Set<String>()
                for a in args {
                    switch a {
                    case .positional(let x):
                        if seenVarargs { error("positional argument may not follow *args", at: x.start) } else if seenKwargs { error("positional argument may not follow **kwargs", at: x.start) } else if seenNamed { error("positional argument may not follow named", at: x.start) }
                        expr(x)
                    case .keyword(let id, let x):
                        if seenKwargs { error("keyword argument may not follow **kwargs", at: id.offset) } else if seenVarargs { error("keyword argument may not follow *args", at: id.offset) }
                        if names.contains(id.name) { error("keyword argument \"\(id.name)\" is repeated", at: id.offset) }
                        names.insert(id.name)
                        seenNamed = true
                        expr(x)
                    case .star(let x):
                        if seenKwargs { error("*args may not follow **kwargs", at: x.start) } else if seenVarargs { error("multiple *args not allowed", at: x.start) }
                        seenVarargs = true
                        expr(x)
                    case .starStar(let x):
                        if seenKwargs { error("multiple **kwargs not allowed", at: x.start) }
                        seenKwargs = true
                        expr(x)
                    }
                }
            case .lambda(let fn): function(fn)
            case .comprehension(let c):
                guard case .forIn(let vars0, let x0, _) = c.clauses[0] else { return }
                expr(x0)
                let blk = Block(parent: env, function: nil, isComprehension: true)
                let saved = env
                env = blk
                bindComprehensionVars(vars0, blk)
                for cl in c.clauses.dropFirst() {
                    switch cl {
                    case .forIn(let vars, let x, _):
                        bindComprehensionVars(vars, blk)
                        expr(x)
                    case .ifCond(let cond, _):
                        expr(cond)
                    }
                }
                expr(c.body)
                if let v = c.value { expr(v) }
                env = saved
            }
        }

        mutating func bindComprehensionVars(_ vars: Expr, _ blk: Block) {
            let fn = container
            collectTargets(vars) { r, id in
                if let b = blk.bindings[id.name] { id.binding = b; return }
                let b = Binding(name: id.name, scope: .local, declOffset: id.offset)
                blk.bindings[id.name] = b
                fn.locals.append(b)
                id.binding = b
            }
            assign(vars, augmented: false)
        }
    }
}
