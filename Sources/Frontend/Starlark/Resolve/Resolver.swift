import IR

extension Starlark {
    /// The static name-resolution pass: classifies every identifier as
    /// local, cell, free, global, predeclared or universal and assigns slots,
    /// so undefined names and dialect misuse fail before anything runs.
    ///
    /// As go.starlark.net's resolver, one walk in source order binds
    /// top-level names (globals, and loads as file-local names) as it meets
    /// them, and resolves module-level uses when the file is done (with
    /// globalreassign: at once, so a use must follow its definition).
    /// Function locals are collected before their body is walked.
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
        /// Module globals, bound as the walk meets them (as go.starlark.net).
        var globals: [String: Binding] = [:]
        /// Names bound by load: file-local, not exported ("local" in messages).
        var fileLocals: [String: Binding] = [:]
        /// Uses that reach the module level, resolved when the file is done
        /// (so a global may be used before its definition), with their block.
        var deferred: [(Ident, Block)] = []
        var env: Block
        var loops = 0
        var ifstmts = 0
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
            r.stmts(file.stmts)
            for (id, blk) in r.deferred { r.useToplevel(id, blk) }
            r.finish(file.toplevel)
            if var first = r.errors.first {
                first.additional = Array(r.errors.dropFirst())
                throw first
            }
        }

        mutating func error(_ msg: String, at off: Int) {
            errors.append(Starlark.Error(kind: .resolve, message: msg, location: file.lines.location(at: off)))
        }

        /// A position for use inside a message: the file name as given, line and column.
        func loc(_ off: Int) -> String {
            file.lines.location(at: off).description
        }

        // MARK: bindings

        /// Binds a name assigned at top level (go.starlark.net's `bind` in the file block).
        mutating func bindGlobal(_ id: Ident) {
            if let prev = fileLocals[id.name] ?? globals[id.name] {
                if !options.globalReassign {
                    error("cannot reassign \(prev.fromLoad ? "local" : "global") \(id.name) declared at \(loc(prev.declOffset))", at: id.offset)
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

        /// Binds a loaded name in the file block.
        mutating func bindLoad(_ id: Ident) {
            if let prev = fileLocals[id.name] {
                if !options.globalReassign { error("cannot reassign top-level \(id.name)", at: id.offset) }
                id.binding = prev
                return
            }
            let b = Binding(name: id.name, scope: .global, declOffset: id.offset)
            b.fromLoad = true
            b.index = file.globals.count
            file.globals.append(b)
            fileLocals[id.name] = b
            id.binding = b
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

        // MARK: the walk and uses

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
                if id.binding == nil { bindGlobal(id) }  // top level; a nested def's name is pre-collected
                function(fn)
            case .ifElse(let c, let a, let b):
                if atTopLevel && !options.topLevelControl && !options.globalReassign {
                    error("if statement not within a function", at: s.start)
                }
                expr(c)
                ifstmts += 1
                stmts(a)
                stmts(b)
                ifstmts -= 1
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
                // A load statement may not be nested in any other statement.
                if !atTopLevel {
                    error("load statement within a function", at: s.start)
                } else if loops > 0 {
                    error("load statement within a loop", at: s.start)
                } else if ifstmts > 0 {
                    error("load statement within a conditional", at: s.start)
                }
                for b in bs {
                    if b.from.isEmpty {
                        error("load: empty identifier", at: b.fromOffset + 1)
                        continue
                    }
                    if b.from.hasPrefix("_") {
                        error("load: names with leading underscores are not exported: \(b.from)", at: b.fromOffset + 1)
                    }
                    if atTopLevel {
                        if options.loadBindsGlobally { bindGlobal(b.to) } else { bindLoad(b.to) }
                    }
                }
            }
        }

        mutating func assign(_ lhs: Expr, augmented: Bool) {
            switch lhs.kind {
            case .ident(let id):
                if id.binding == nil {
                    // function locals and comprehension variables are bound beforehand
                    if env.isModule { bindGlobal(id) } else { use(id) }
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
            // With globalreassign, a use directly at top level sees only the
            // names bound so far (Bazel's legacy semantics, as Go); otherwise
            // module-level names resolve when the whole file has been seen.
            if options.globalReassign && env.isModule {
                useToplevel(id, env)
            } else {
                deferred.append((id, env))
            }
        }

        /// Resolves a use to a file-local (load), global, predeclared or universal name.
        mutating func useToplevel(_ id: Ident, _ blk: Block) {
            if let b = fileLocals[id.name] ?? globals[id.name] {
                id.binding = b
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
            var names: [String] = []
            var b: Block? = blk
            while let cur = b {
                names += cur.bindings.keys
                names += cur.freeMap.keys
                b = cur.parent
            }
            names += fileLocals.keys
            names += file.globals.filter { !$0.fromLoad }.map(\.name)
            let hint = Spell.nearest(id.name, names.sorted()).map { " (did you mean \($0)?)" } ?? ""
            error("undefined: \(id.name)\(hint)", at: id.offset)
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

        /// A def or lambda: defaults in the enclosing block, then parameters
        /// (checked as go.starlark.net's resolver does, every error reported),
        /// then the body.
        mutating func function(_ fn: FunctionDecl) {
            for p in fn.params {
                if case .optional(_, let d) = p { expr(d) }
            }
            let blk = Block(parent: env, function: fn, isComprehension: false)
            var seenOptional = false
            var star: (id: Ident?, offset: Int)?
            var starStar: Ident?
            var numKwonly = 0
            for (k, p) in fn.params.enumerated() {
                let opOffset = k < fn.paramOffsets.count ? fn.paramOffsets[k] : fn.offset
                switch p {
                case .required(let id):
                    if let ss = starStar {
                        error("required parameter may not follow **\(ss.name)", at: id.offset)
                    } else if star != nil {
                        numKwonly += 1
                    } else if seenOptional {
                        error("required parameter may not follow optional", at: id.offset)
                    }
                    if blk.bindings[id.name] != nil { error("duplicate parameter: \(id.name)", at: id.offset) }
                    bindLocal(id, blk, fn)
                case .optional(let id, _):
                    if let ss = starStar {
                        error("optional parameter may not follow **\(ss.name)", at: opOffset)
                    } else if star != nil {
                        numKwonly += 1
                    }
                    if blk.bindings[id.name] != nil { error("duplicate parameter: \(id.name)", at: opOffset) }
                    bindLocal(id, blk, fn)
                    seenOptional = true
                case .star(let id):
                    if let ss = starStar {
                        error("* parameter may not follow **\(ss.name)", at: opOffset)
                    } else if star != nil {
                        error("multiple * parameters not allowed", at: opOffset)
                    } else {
                        star = (id, opOffset)
                    }
                case .starStar(let id):
                    if starStar != nil { error("multiple ** parameters not allowed", at: opOffset) }
                    starStar = id
                }
            }
            fn.numParams = fn.locals.count
            fn.numKwonly = numKwonly
            // *args and **kwargs after the named parameters: no hole for a bare *.
            if let star {
                if let id = star.id {
                    if blk.bindings[id.name] != nil { error("duplicate parameter: \(id.name)", at: id.offset) }
                    bindLocal(id, blk, fn)
                    fn.hasVarargs = true
                } else if numKwonly == 0 {
                    error("bare * must be followed by keyword-only parameters", at: star.offset)
                }
            }
            if let ss = starStar {
                if blk.bindings[ss.name] != nil { error("duplicate parameter: \(ss.name)", at: ss.offset) }
                bindLocal(ss, blk, fn)
                fn.hasKwargs = true
            }
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
                let positional = args.filter { if case .positional = $0 { true } else { false } }.count
                let keywords = args.filter { if case .keyword = $0 { true } else { false } }.count
                if positional >= 256 { error("\(positional) positional arguments in call, limit is 255", at: e.start) }
                if keywords >= 256 { error("\(keywords) keyword arguments in call, limit is 255", at: e.start) }
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
