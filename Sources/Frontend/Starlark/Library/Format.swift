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

    /// `str.format(*args, **kwargs)`.
    static func strFormat(_ format: [UInt8], _ args: [Value], _ kwargs: [(String, Value)]) throws -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        let n = format.count
        var auto = 0
        var manual = false, automatic = false
        while i < n {
            let c = format[i]
            if c == UInt8(ascii: "}") {
                if i + 1 < n && format[i + 1] == UInt8(ascii: "}") { out.append(c); i += 2; continue }
                throw EvalError("format: single '}' in format")
            }
            if c != UInt8(ascii: "{") { out.append(c); i += 1; continue }
            if i + 1 < n && format[i + 1] == UInt8(ascii: "{") { out.append(c); i += 2; continue }
            var j = i + 1
            while j < n && format[j] != UInt8(ascii: "}") {
                if format[j] == UInt8(ascii: "{") { throw EvalError("format: unmatched '{' in format") }
                j += 1
            }
            if j >= n { throw EvalError("format: unmatched '{' in format") }
            var field = Array(format[(i + 1)..<j])
            i = j + 1
            var conv: UInt8 = UInt8(ascii: "s")
            if let colon = field.firstIndex(of: UInt8(ascii: ":")), colon + 1 < field.count {
                throw EvalError("format spec features not supported in replacement fields: \(String(decoding: field[(colon + 1)...], as: UTF8.self))")
            }
            if let colon = field.firstIndex(of: UInt8(ascii: ":")) { field = Array(field[..<colon]) }
            if let bang = field.firstIndex(of: UInt8(ascii: "!")) {
                let cv = Array(field[(bang + 1)...])
                field = Array(field[..<bang])
                if cv == [UInt8(ascii: "s")] || cv == [UInt8(ascii: "r")] {
                    conv = cv[0]
                } else {
                    throw EvalError("format: unknown conversion \"\(String(decoding: cv, as: UTF8.self))\"")
                }
            }
            let arg: Value
            if field.isEmpty {
                if manual { throw EvalError("format: cannot switch from manual field specification to automatic field numbering") }
                automatic = true
                if auto >= args.count { throw EvalError("format: tuple index out of range") }
                arg = args[auto]
                auto += 1
            } else if field.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
                if automatic { throw EvalError("format: cannot switch from automatic field numbering to manual field specification") }
                manual = true
                let idx = Int(String(decoding: field, as: UTF8.self)) ?? Int.max
                if idx >= args.count { throw EvalError("format: tuple index out of range") }
                arg = args[idx]
            } else {
                let name = String(decoding: field, as: UTF8.self)
                if name.contains("[") {
                    throw EvalError("format: element syntax a[i] is not supported in replacement fields: \(name)")
                }
                if name.contains(".") {
                    throw EvalError("format: attribute syntax x.y is not supported in replacement fields: \(name)")
                }
                guard let v = kwargs.first(where: { $0.0 == name })?.1 else {
                    throw EvalError("format: keyword \(name) not found")
                }
                arg = v
            }
            if conv == UInt8(ascii: "r") {
                Printer.write(arg, into: &out, repr: true)
            } else if case .string(let s) = arg {
                out += s
            } else {
                Printer.write(arg, into: &out, repr: false)
            }
        }
        return out
    }
}
