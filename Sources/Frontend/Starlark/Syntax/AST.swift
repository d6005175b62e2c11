import IR
import BigInt

extension Starlark {
    /// How a name was resolved.
    public enum Scope: UInt8, Sendable {
        case undefined, local, cell, free, global, predeclared, universal
    }

    /// A resolved variable: scope and slot (index into locals, cells, free
    /// variables or globals). Shared by every identifier that refers to it.
    public final class Binding {
        public let name: String
        public var scope: Scope
        public var index: Int = -1
        /// Byte offset of the first binding occurrence.
        public let declOffset: Int
        /// True for a local captured by a nested function (stored in a cell).
        public var captured = false
        /// True for names bound by load (file-local, not exported).
        public var fromLoad = false
        init(name: String, scope: Scope, declOffset: Int) {
            self.name = name
            self.scope = scope
            self.declOffset = declOffset
        }
    }

    /// An identifier occurrence; the resolver fills `binding`.
    public final class Ident {
        public let name: String
        public let offset: Int
        public var binding: Binding?
        init(name: String, offset: Int) {
            self.name = name
            self.offset = offset
        }
    }

    /// An expression with its byte range.
    public struct Expr {
        public var kind: ExprKind
        public var start: Int
        public var end: Int
    }

    /// A call argument.
    public enum Argument {
        case positional(Expr)
        case keyword(Ident, Expr)
        case star(Expr)
        case starStar(Expr)
    }

    /// A comprehension clause after the first `for`.
    public enum Clause {
        case forIn(vars: Expr, iterable: Expr, offset: Int)
        case ifCond(Expr, offset: Int)
    }

    /// A list or dict comprehension (its own lexical block).
    public final class Comprehension {
        public var isDict: Bool
        public var body: Expr
        /// For dict comprehensions: the value expression (body is the key).
        public var value: Expr?
        public var clauses: [Clause]
        init(isDict: Bool, body: Expr, value: Expr?, clauses: [Clause]) {
            self.isDict = isDict
            self.body = body
            self.value = value
            self.clauses = clauses
        }
    }

    /// The kinds of expression.
    public indirect enum ExprKind {
        case ident(Ident)
        case int(Int)
        case bigInt(BigInt)
        case float(Double)
        case string([UInt8])
        case bytes([UInt8])
        case list([Expr])
        case tuple([Expr])
        case dict([(Expr, Expr)])
        case unary(op: TokenKind, Expr)
        case binary(op: TokenKind, Expr, Expr, opOffset: Int)
        case cond(Expr, then: Expr, else: Expr)
        case index(Expr, Expr, lbrack: Int)
        case slice(Expr, lo: Expr?, hi: Expr?, step: Expr?, lbrack: Int)
        case dot(Expr, name: String, nameOffset: Int)
        case call(Expr, [Argument], lparen: Int)
        case lambda(FunctionDecl)
        case comprehension(Comprehension)
        case paren(Expr)
    }

    /// A function parameter.
    public enum Parameter {
        case required(Ident)
        case optional(Ident, Expr)
        /// `*args`, or a bare `*` (nil) that starts keyword-only parameters.
        case star(Ident?)
        case starStar(Ident)

        var ident: Ident? {
            switch self {
            case .required(let i), .optional(let i, _), .starStar(let i): i
            case .star(let i): i
            }
        }
    }

    /// A def or lambda. The resolver fills the frame layout.
    public final class FunctionDecl {
        public let name: String
        public let offset: Int
        public var params: [Parameter]
        /// Offset of each parameter's `*`, `**` or `=` (its name for a required one), for errors.
        public var paramOffsets: [Int] = []
        public var body: [Stmt]
        public let isLambda: Bool
        // Filled by the resolver:
        /// All local bindings (parameters first, in order).
        public var locals: [Binding] = []
        /// Free variables: the outer bindings this function captures.
        public var freeVars: [Binding] = []
        public var numLocals = 0
        public var numCells = 0
        public var hasVarargs = false
        public var hasKwargs = false
        /// Number of named parameters (positional-or-keyword plus keyword-only).
        public var numParams = 0
        /// Number of keyword-only parameters (after `*`).
        public var numKwonly = 0
        /// Captured parameters: (parameter slot, cell index), copied into cells on entry.
        public var cellParams: [(Int, Int)] = []
        init(name: String, offset: Int, params: [Parameter], body: [Stmt], isLambda: Bool) {
            self.name = name
            self.offset = offset
            self.params = params
            self.body = body
            self.isLambda = isLambda
        }
    }

    /// A load statement's imported names.
    public struct LoadBinding {
        public var to: Ident
        public var from: String
        public var fromOffset: Int
    }

    /// A statement with its starting byte offset.
    public struct Stmt {
        public var kind: StmtKind
        public var start: Int
    }

    /// The kinds of statement.
    public indirect enum StmtKind {
        case expr(Expr)
        case assign(Expr, Expr, opOffset: Int)
        case augAssign(op: TokenKind, Expr, Expr, opOffset: Int)
        case def(Ident, FunctionDecl)
        case ifElse(Expr, [Stmt], [Stmt])
        case forIn(vars: Expr, iterable: Expr, body: [Stmt])
        case whileLoop(Expr, [Stmt])
        case breakStmt, continueStmt, pass
        case returnStmt(Expr?)
        case load(module: String, moduleOffset: Int, [LoadBinding])
    }

    /// A parsed file: statements and, after resolving, the module frame layout.
    public final class File {
        public let lines: LineTable
        public var stmts: [Stmt]
        /// The top-level code as a function (its locals are comprehension variables and loads).
        public var toplevel: FunctionDecl
        /// Global bindings in definition order.
        public var globals: [Binding] = []
        init(lines: LineTable, stmts: [Stmt]) {
            self.lines = lines
            self.stmts = stmts
            self.toplevel = FunctionDecl(name: "<toplevel>", offset: 0, params: [], body: stmts, isLambda: false)
        }
    }
}
