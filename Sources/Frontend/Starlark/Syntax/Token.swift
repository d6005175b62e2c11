import BigInt

extension Starlark {
    /// The kind of a lexical token, as go.starlark.net's scanner names them.
    public enum TokenKind: UInt8, Sendable, CustomStringConvertible {
        case eof, newline, indent, outdent
        case ident, int, float, string, bytes
        // punctuation
        case plus, minus, star, slash, slashslash, percent, amp, pipe, caret, ltlt, gtgt, tilde
        case dot, comma, eq, semi, colon, lparen, rparen, lbrack, rbrack, lbrace, rbrace
        case lt, gt, ge, le, eql, neq
        case pluseq, minuseq, stareq, slasheq, slashslasheq, percenteq, ampeq, pipeeq, careteq, ltlteq, gtgteq
        case starstar
        // keywords
        case kwAnd, kwBreak, kwContinue, kwDef, kwElif, kwElse, kwFor, kwIf, kwIn, kwLambda, kwLoad
        case kwNot, kwNotIn, kwOr, kwPass, kwReturn, kwWhile
        /// A reserved word (Python keyword Starlark does not use).
        case illegal

        public var description: String {
            switch self {
            case .eof: "end of file"
            case .newline: "newline"
            case .indent: "indent"
            case .outdent: "outdent"
            case .ident: "identifier"
            case .int: "int literal"
            case .float: "float literal"
            case .string: "string literal"
            case .bytes: "bytes literal"
            case .plus: "+"
            case .minus: "-"
            case .star: "*"
            case .slash: "/"
            case .slashslash: "//"
            case .percent: "%"
            case .amp: "&"
            case .pipe: "|"
            case .caret: "^"
            case .ltlt: "<<"
            case .gtgt: ">>"
            case .tilde: "~"
            case .dot: "."
            case .comma: ","
            case .eq: "="
            case .semi: ";"
            case .colon: ":"
            case .lparen: "("
            case .rparen: ")"
            case .lbrack: "["
            case .rbrack: "]"
            case .lbrace: "{"
            case .rbrace: "}"
            case .lt: "<"
            case .gt: ">"
            case .ge: ">="
            case .le: "<="
            case .eql: "=="
            case .neq: "!="
            case .pluseq: "+="
            case .minuseq: "-="
            case .stareq: "*="
            case .slasheq: "/="
            case .slashslasheq: "//="
            case .percenteq: "%="
            case .ampeq: "&="
            case .pipeeq: "|="
            case .careteq: "^="
            case .ltlteq: "<<="
            case .gtgteq: ">>="
            case .starstar: "**"
            case .kwAnd: "and"
            case .kwBreak: "break"
            case .kwContinue: "continue"
            case .kwDef: "def"
            case .kwElif: "elif"
            case .kwElse: "else"
            case .kwFor: "for"
            case .kwIf: "if"
            case .kwIn: "in"
            case .kwLambda: "lambda"
            case .kwLoad: "load"
            case .kwNot: "not"
            case .kwNotIn: "not in"
            case .kwOr: "or"
            case .kwPass: "pass"
            case .kwReturn: "return"
            case .kwWhile: "while"
            case .illegal: "illegal token"
            }
        }

        /// go.starlark.net's `%#v` form used in parse errors: punctuation quoted, words plain.
        public var goString: String {
            switch self {
            case .eof, .newline, .indent, .outdent, .ident, .int, .float, .string, .bytes, .illegal,
                 .kwAnd, .kwBreak, .kwContinue, .kwDef, .kwElif, .kwElse, .kwFor, .kwIf, .kwIn, .kwLambda, .kwLoad,
                 .kwNot, .kwNotIn, .kwOr, .kwPass, .kwReturn, .kwWhile:
                return description
            default:
                return "'\(description)'"
            }
        }

        static let keywords: [String: TokenKind] = [
            "and": .kwAnd, "break": .kwBreak, "continue": .kwContinue, "def": .kwDef, "elif": .kwElif,
            "else": .kwElse, "for": .kwFor, "if": .kwIf, "in": .kwIn, "lambda": .kwLambda, "load": .kwLoad,
            "not": .kwNot, "or": .kwOr, "pass": .kwPass, "return": .kwReturn, "while": .kwWhile,
        ]
        /// Python keywords that Starlark reserves (not `assert`: go.starlark.net leaves it
        /// out because its own tests use it as a name).
        static let reserved: Set<String> = [
            "as", "async", "await", "class", "del", "except", "finally", "from", "global",
            "import", "is", "nonlocal", "raise", "try", "with", "yield",
        ]
    }

    /// The literal payload of a token.
    public enum TokenValue: Sendable, Equatable {
        case none
        case name(String)
        case int(Int)
        case bigInt(BigInt)
        case float(Double)
        case bytes([UInt8])
    }

    /// One token: kind, byte range in the file and literal value.
    public struct Token: Sendable {
        public var kind: TokenKind
        public var start: Int
        public var end: Int
        public var value: TokenValue
    }
}
