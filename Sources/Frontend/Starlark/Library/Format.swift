import BigInt

extension Starlark {
    /// `format % args`, as go.starlark.net's interpolate.
    static func percentFormat(_ format: [UInt8], _ args: Value) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(format.count + 16)
        var argList: [Value]
        var mapping: Dict?
        switch args {
        case .tuple(let t): argList = t
        case .dict(let d): argList = [args]; mapping = d
        default: argList = [args]
        }
        var index = 0
        var i = 0
        let n = format.count
        while i < n {
            let c = format[i]
            if c != UInt8(ascii: "%") {
                var j = i
                while j < n && format[j] != UInt8(ascii: "%") { j += 1 }
                out += format[i..<j]
                i = j
                continue
            }
            i += 1
            if i >= n { throw EvalError("incomplete format") }
            var arg: Value
            if format[i] == UInt8(ascii: "%") {
                out.append(UInt8(ascii: "%"))
                i += 1
                continue
            }
            if format[i] == UInt8(ascii: "(") {
                // %(name)s
                var j = i + 1
                while j < n && format[j] != UInt8(ascii: ")") { j += 1 }
                if j >= n { throw EvalError("incomplete format key") }
                let key = Value.string(Array(format[(i + 1)..<j]))
                guard let d = mapping else { throw EvalError("format requires a mapping") }
                guard let v = try d.lookup(key) else { throw EvalError("key not found: \(String(decoding: format[(i + 1)..<j], as: UTF8.self))") }
                arg = v
                i = j + 1
                if i >= n { throw EvalError("incomplete format") }
            } else {
                if index >= argList.count { throw EvalError("not enough arguments for format string") }
                arg = argList[index]
                index += 1
            }
            let conv = format[i]
            i += 1
            switch conv {
            case UInt8(ascii: "s"):
                if case .string(let s) = arg { out += s } else { Printer.write(arg, into: &out, repr: false) }
            case UInt8(ascii: "r"): Printer.write(arg, into: &out, repr: true)
            case UInt8(ascii: "d") where { if case .int = arg { return true } else { return false } }(),
                 UInt8(ascii: "i") where { if case .int = arg { return true } else { return false } }():
                if case .int(let v) = arg { Printer.appendInt(v, into: &out) }
            case UInt8(ascii: "d"), UInt8(ascii: "i"), UInt8(ascii: "o"), UInt8(ascii: "x"), UInt8(ascii: "X"):
                var b: BigInt
                switch arg {
                case .int(let v): b = BigInt(v)
                case .bigInt(let v): b = v.value
                case .float(let d):
                    if !d.isFinite { throw EvalError("%\(Character(Unicode.Scalar(conv))) format requires integer: cannot convert float \(d.isNaN ? "NaN" : "infinity") to integer") }
                    b = BigInt(d.rounded(.towardZero))
                default:
                    throw EvalError("%\(Character(Unicode.Scalar(conv))) format requires integer: cannot convert \(arg.typeName) to int")
                }
                switch conv {
                case UInt8(ascii: "o"): out += Array(String(b, radix: 8).utf8)
                case UInt8(ascii: "x"): out += Array(String(b, radix: 16).utf8)
                case UInt8(ascii: "X"): out += Array(String(b, radix: 16, uppercase: true).utf8)
                default: out += Array(String(b).utf8)
                }
            case UInt8(ascii: "e"), UInt8(ascii: "f"), UInt8(ascii: "g"), UInt8(ascii: "E"), UInt8(ascii: "F"), UInt8(ascii: "G"):
                let d: Double
                switch arg {
                case .float(let f): d = f
                case .int(let v): d = Double(v)
                case .bigInt(let v): d = Starlark.bigToDouble(v.value)
                default: throw EvalError("%\(Character(Unicode.Scalar(conv))) format requires float, not \(arg.typeName)")
                }
                out += Array(Printer.formatFloat(d, conv: Character(Unicode.Scalar(conv))).utf8)
            case UInt8(ascii: "c"):
                switch arg {
                case .int(let v):
                    guard v >= 0, v <= 0x10FFFF, let sc = Unicode.Scalar(UInt32(v)) else {
                        throw EvalError("%c format requires a valid Unicode code point, got \(v)")
                    }
                    out += Array(String(Character(sc)).utf8)
                case .string(let s):
                    guard let (_, w) = s.isEmpty ? nil : Printer.decode(s, 0), w == s.count else {
                        throw EvalError("%c format requires a single-character string")
                    }
                    out += s
                default:
                    throw EvalError("%c format requires int or single-character string, not \(arg.typeName)")
                }
            default:
                var chr = "%"
                if let (r, _) = Printer.decode(format, i - 1) { chr = String(Character(r)) }
                throw EvalError("unknown conversion %\(chr)")
            }
        }
        if mapping == nil && index < argList.count {
            throw EvalError("too many arguments for format string")
        }
        return out
    }

    /// `str.format(*args, **kwargs)`, as go.starlark.net's `string_format`.
    static func strFormat(_ format: [UInt8], _ args: [Value], _ kwargs: [(String, Value)]) throws -> [UInt8] {
        let lbrace = UInt8(ascii: "{"), rbrace = UInt8(ascii: "}")
        var out: [UInt8] = []
        var auto = false, manual = false
        var index = 0
        var rest = format[...]
        while true {
            let open = rest.firstIndex(of: lbrace)
            var literal = rest[..<(open ?? rest.endIndex)]
            // "}}" is a literal '}' outside fields; a lone '}' is an error.
            while let j = literal.firstIndex(of: rbrace) {
                if j + 1 == literal.endIndex || literal[j + 1] != rbrace { throw EvalError("format: single '}' in format") }
                out += literal[...j]
                literal = literal[(j + 2)...]
            }
            out += literal
            guard let i = open else { break }
            if i + 1 < rest.endIndex && rest[i + 1] == lbrace {
                out.append(lbrace)
                rest = rest[(i + 2)...]
                continue
            }
            rest = rest[(i + 1)...]
            guard let close = rest.firstIndex(of: rbrace) else { throw EvalError("format: unmatched '{' in format") }
            var field = String(decoding: rest[..<close], as: UTF8.self)
            rest = rest[(close + 1)...]
            var conv = "s", spec = "", name: String
            if let bang = field.firstIndex(of: "!") {
                name = String(field[..<bang])
                field = String(field[field.index(after: bang)...])
                if let colon = field.firstIndex(of: ":") {
                    conv = String(field[..<colon])
                    spec = String(field[field.index(after: colon)...])
                } else {
                    conv = field
                }
            } else if let colon = field.firstIndex(of: ":") {
                name = String(field[..<colon])
                spec = String(field[field.index(after: colon)...])
            } else {
                name = field
            }
            let arg: Value
            if name.isEmpty {
                if manual { throw EvalError("format: cannot switch from manual field specification to automatic field numbering") }
                auto = true
                if index >= args.count { throw EvalError("format: tuple index out of range") }
                arg = args[index]
                index += 1
            } else if name.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
                if auto { throw EvalError("format: cannot switch from automatic field numbering to manual field specification") }
                manual = true
                let num = Int(name) ?? Int.max
                if num >= args.count { throw EvalError("format: tuple index out of range") }
                arg = args[num]
            } else if let v = kwargs.first(where: { $0.0 == name })?.1 {
                arg = v
            } else {
                // Starlark does not support Python's x.y or a[i] syntaxes, or nested {...}.
                if name.contains(".") { throw EvalError("format: attribute syntax x.y is not supported in replacement fields: \(name)") }
                if name.contains("[") { throw EvalError("format: element syntax a[i] is not supported in replacement fields: \(name)") }
                if name.contains("{") { throw EvalError("format: nested replacement fields not supported") }
                throw EvalError("format: keyword \(name) not found")
            }
            if !spec.isEmpty { throw EvalError("format spec features not supported in replacement fields: \(spec)") }
            switch conv {
            case "s":
                if case .string(let s) = arg { out += s } else { Printer.write(arg, into: &out, repr: false) }
            case "r":
                Printer.write(arg, into: &out, repr: true)
            default:
                throw EvalError("format: unknown conversion \(Value.str(conv).repr)")
            }
        }
        return out
    }
}
