import Foundation

/// The parts of Go's `fmt` and `strconv` that templates reach: `print`,
/// `println`, `printf` and the default printing of values, with Go's output
/// (`[a b]` for lists, `map[k:v]` with sorted keys, `%!d(string=x)` for a
/// verb that does not fit, `%!v(MISSING)`, `%!(EXTRA ...)`).
enum GoFormat {
    /// A value as fmt sees it: a template value, or Go's untyped nil.
    typealias Arg = TemplateValue

    // MARK: - strconv (shared with the Containerfile frontend: GoStrconv)

    static func quote(_ s: String, asciiOnly: Bool = false) -> String { GoStrconv.quote(s, asciiOnly: asciiOnly) }
    static func quoteRune(_ value: Int, asciiOnly: Bool = false) -> String { GoStrconv.quoteRune(value, asciiOnly: asciiOnly) }
    static func isPrint(_ r: Unicode.Scalar) -> Bool { GoStrconv.isPrint(r) }

    static func unicodeNotation(_ r: Unicode.Scalar) -> String {
        var s = "U+" + String(format: "%04X", r.value)
        if isPrint(r) { s += " '" + String(Character(r)) + "'" }
        return s
    }

    // MARK: - floats

    /// Shortest decimal digits of a finite, non-zero |v| and the decimal
    /// point position: v = 0.DIGITS × 10^dp.
    static func shortestDigits(_ v: Double) -> (digits: [Character], dp: Int) {
        let text = String(describing: abs(v))  // Swift prints the shortest round-trip form.
        var mantissa = text
        var exp = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = String(text[..<e])
            exp = Int(text[text.index(after: e)...]) ?? 0
        }
        var intPart = mantissa
        var frac = ""
        if let dot = mantissa.firstIndex(of: ".") {
            intPart = String(mantissa[..<dot])
            frac = String(mantissa[mantissa.index(after: dot)...])
        }
        var digits = Array(intPart + frac)
        var dp = intPart.count + exp
        while let f = digits.first, f == "0", digits.count > 1 {
            digits.removeFirst()
            dp -= 1
        }
        while let l = digits.last, l == "0", digits.count > 1 { digits.removeLast() }
        return (digits, dp)
    }

    /// strconv.FormatFloat(v, 'g', -1, 64): what `%v` prints for a float64.
    static func formatFloatShortest(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v < 0 ? "-Inf" : "+Inf" }
        if v == 0 { return v.sign == .minus ? "-0" : "0" }
        let (digits, dp) = shortestDigits(v)
        let sign = v < 0 ? "-" : ""
        let exp = dp - 1
        // Shortest %g decides with precision 6 (strconv's `eprec = 6`).
        if exp < -4 || exp >= 6 {
            var s = sign + String(digits[0])
            if digits.count > 1 { s += "." + String(digits[1...]) }
            let e = abs(exp)
            s += (exp < 0 ? "e-" : "e+") + (e < 10 ? "0" : "") + String(e)
            return s
        }
        if dp <= 0 { return sign + "0." + String(repeating: "0", count: -dp) + String(digits) }
        if dp >= digits.count { return sign + String(digits) + String(repeating: "0", count: dp - digits.count) }
        return sign + String(digits[..<dp]) + "." + String(digits[dp...])
    }

    // MARK: - printing values

    /// fmt's `%v` of a value (`<nil>` for nil).
    static func formatValue(_ v: Arg) -> String {
        var f = Formatter()
        f.printValue(v, verb: "v", depth: 0)
        return f.out
    }

    /// fmt.Sprint: spaces between operands when neither is a string.
    static func sprint(_ args: [Arg]) -> String {
        var out = ""
        for (i, a) in args.enumerated() {
            if i > 0, !isString(a), !isString(args[i - 1]) { out += " " }
            out += formatValue(a)
        }
        return out
    }

    /// fmt.Sprintln: spaces between all operands and a final newline.
    static func sprintln(_ args: [Arg]) -> String {
        args.map(formatValue).joined(separator: " ") + "\n"
    }

    private static func isString(_ a: Arg) -> Bool {
        if case .string = a { return true }
        return false
    }

    /// fmt.Sprintf.
    static func sprintf(_ format: String, _ args: [Arg]) -> String {
        var f = Formatter()
        f.sprintf(Array(format.unicodeScalars), args)
        return f.out
    }

    /// The state of one Sprintf: flags, width, precision and the output.
    struct Formatter {
        var out = ""
        var minus = false, plus = false, sharp = false, space = false, zero = false
        var width: Int? = nil
        var precision: Int? = nil

        mutating func resetFlags() {
            minus = false; plus = false; sharp = false; space = false; zero = false
            width = nil; precision = nil
        }

        mutating func sprintf(_ format: [Unicode.Scalar], _ args: [Arg]) {
            var argNum = 0
            var i = 0
            let end = format.count
            while i < end {
                if format[i] != "%" {
                    out.unicodeScalars.append(format[i])
                    i += 1
                    continue
                }
                i += 1
                resetFlags()
                flags: while i < end {
                    switch format[i] {
                    case "#": sharp = true
                    case "0": zero = !minus
                    case "+": plus = true
                    case "-": minus = true; zero = false
                    case " ": space = true
                    default: break flags
                    }
                    i += 1
                }
                // Width.
                if i < end, format[i] == "*" {
                    i += 1
                    if argNum < args.count, case .int(let w) = args[argNum] {
                        width = abs(w)
                        if w < 0 { minus = true; zero = false }
                    } else {
                        out += "%!(BADWIDTH)"
                    }
                    argNum += 1
                } else {
                    var w = 0, any = false
                    while i < end, let d = format[i].properties.numericType == .decimal ? Int(String(format[i])) : nil, format[i].isASCII {
                        w = w * 10 + d; any = true; i += 1
                    }
                    if any { width = w }
                }
                // Precision.
                if i < end, format[i] == "." {
                    i += 1
                    if i < end, format[i] == "*" {
                        i += 1
                        if argNum < args.count, case .int(let p) = args[argNum] {
                            precision = p < 0 ? nil : p
                        } else {
                            out += "%!(BADPREC)"
                        }
                        argNum += 1
                    } else {
                        var p = 0
                        while i < end, format[i].isASCII, let d = Int(String(format[i])) {
                            p = p * 10 + d; i += 1
                        }
                        precision = p
                    }
                }
                guard i < end else {
                    out += "%!(NOVERB)"
                    break
                }
                let verb = format[i]
                i += 1
                if verb == "%" {
                    out += "%"
                    continue
                }
                guard argNum < args.count else {
                    out += "%!" + String(verb) + "(MISSING)"
                    continue
                }
                let arg = args[argNum]
                argNum += 1
                printArg(arg, verb: verb)
            }
            if argNum < args.count {
                out += "%!(EXTRA "
                for (k, a) in args[argNum...].enumerated() {
                    if k > 0 { out += ", " }
                    if case .nil = a {
                        out += "<nil>"
                    } else {
                        out += a.goTypeName + "="
                        var f = Formatter()
                        f.printValue(a, verb: "v", depth: 0)
                        out += f.out
                    }
                }
                out += ")"
            }
        }

        /// Prints one top-level argument (a nil argument only fits %v and %T).
        mutating func printArg(_ arg: Arg, verb: Unicode.Scalar) {
            if case .nil = arg {
                if verb == "v" { pad("<nil>") } else if verb == "T" { pad("<nil>") } else { badVerb(arg, verb) }
                return
            }
            if verb == "T" {
                pad(arg.goTypeName)
                return
            }
            printValue(arg, verb: verb, depth: 0)
        }

        mutating func badVerb(_ arg: Arg, _ verb: Unicode.Scalar) {
            out += "%!" + String(verb) + "("
            if case .nil = arg {
                out += "<nil>"
            } else {
                out += arg.goTypeName + "="
                let saved = (minus, plus, sharp, space, zero, width, precision)
                resetFlags()
                printValue(arg, verb: "v", depth: 1)
                (minus, plus, sharp, space, zero, width, precision) = saved
            }
            out += ")"
        }

        mutating func printValue(_ v: Arg, verb: Unicode.Scalar, depth: Int) {
            switch v {
            case .nil:
                pad("<nil>")
            case .bool(let b):
                if verb == "t" || verb == "v" { pad(b ? "true" : "false") } else { badVerb(v, verb) }
            case .int(let n):
                formatInt(n, verb: verb, arg: v)
            case .float(let d):
                formatFloat(d, verb: verb, arg: v)
            case .string(let s):
                formatString(s, verb: verb, arg: v)
            case .list(let items):
                out += "["
                for (k, item) in items.enumerated() {
                    if k > 0 { out += " " }
                    printValue(item, verb: verb, depth: depth + 1)
                }
                out += "]"
            case .map(let m):
                out += "map["
                for (k, key) in m.keys.sorted().enumerated() {
                    if k > 0 { out += " " }
                    printValue(.string(key), verb: verb, depth: depth + 1)
                    out += ":"
                    printValue(m[key]!, verb: verb, depth: depth + 1)
                }
                out += "]"
            }
        }

        /// Pads `s` to the width with spaces (or zeros when allowed).
        mutating func pad(_ s: String, zeroAllowed: Bool = false) {
            let n = s.unicodeScalars.count
            guard let width, width > n else {
                out += s
                return
            }
            let fill = String(repeating: zeroAllowed && zero && !minus ? "0" : " ", count: width - n)
            if minus {
                out += s + fill
            } else if zeroAllowed && zero, let first = s.unicodeScalars.first, first == "-" || first == "+" || first == " " {
                out += String(first) + fill + String(s.unicodeScalars.dropFirst())
            } else {
                out += fill + s
            }
        }

        mutating func formatString(_ s: String, verb: Unicode.Scalar, arg: Arg) {
            var text = s
            switch verb {
            case "v", "s":
                if let p = precision { text = String(String.UnicodeScalarView(s.unicodeScalars.prefix(p))) }
                pad(text)
            case "q":
                if let p = precision { text = String(String.UnicodeScalarView(s.unicodeScalars.prefix(p))) }
                if sharp, !text.contains("`"), text.unicodeScalars.allSatisfy({ $0 == "\t" || GoFormat.isPrint($0) }) {
                    pad("`" + text + "`")
                } else {
                    pad(GoFormat.quote(text, asciiOnly: plus))
                }
            case "x", "X":
                var bytes = Array(s.utf8)
                if let p = precision { bytes = Array(bytes.prefix(p)) }
                let digits = verb == "x" ? "0123456789abcdef" : "0123456789ABCDEF"
                let d = Array(digits)
                var r = ""
                for (k, b) in bytes.enumerated() {
                    if space && k > 0 { r += " " }
                    if sharp && (space || k == 0) { r += verb == "x" ? "0x" : "0X" }
                    r.append(d[Int(b >> 4)])
                    r.append(d[Int(b & 0xF)])
                }
                pad(r)
            default:
                badVerb(arg, verb)
            }
        }

        mutating func formatInt(_ n: Int, verb: Unicode.Scalar, arg: Arg) {
            let magnitude = n.magnitude
            var digits: String
            var prefix = ""
            switch verb {
            case "d", "v": digits = String(magnitude)
            case "b": digits = String(magnitude, radix: 2); if sharp { prefix = "0b" }
            case "o": digits = String(magnitude, radix: 8); if sharp { prefix = "0" }
            case "O": digits = String(magnitude, radix: 8); prefix = "0o"
            case "x": digits = String(magnitude, radix: 16); if sharp { prefix = "0x" }
            case "X": digits = String(magnitude, radix: 16).uppercased(); if sharp { prefix = "0X" }
            case "c":
                let r = Unicode.Scalar(UInt32(truncatingIfNeeded: n)).flatMap { n >= 0 && n <= 0x10FFFF ? $0 : nil } ?? Unicode.Scalar(0xFFFD)!
                pad(String(Character(r)))
                return
            case "q":
                pad(GoFormat.quoteRune(n, asciiOnly: plus))
                return
            case "U":
                let hex = String(UInt64(bitPattern: Int64(n)), radix: 16, uppercase: true)
                var s = "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
                if sharp, let r = Unicode.Scalar(UInt32(truncatingIfNeeded: n)), GoFormat.isPrint(r) {
                    s += " '" + String(Character(r)) + "'"
                }
                pad(s)
                return
            default:
                badVerb(arg, verb)
                return
            }
            if let p = precision {
                if p == 0 && n == 0 {
                    digits = ""
                } else if digits.count < p {
                    digits = String(repeating: "0", count: p - digits.count) + digits
                }
            }
            if prefix == "0", digits.hasPrefix("0") { prefix = "" }
            let sign = n < 0 ? "-" : (plus ? "+" : (space ? " " : ""))
            pad(sign + prefix + digits, zeroAllowed: precision == nil)
        }

        mutating func formatFloat(_ d: Double, verb: Unicode.Scalar, arg: Arg) {
            var s: String
            switch verb {
            case "v", "g", "G":
                if let p = precision {
                    s = String(format: "%.\(p)\(verb == "G" ? "G" : "g")", d)
                } else {
                    s = GoFormat.formatFloatShortest(d)
                    if verb == "G" { s = s.uppercased() }
                }
            case "f", "F":
                s = String(format: "%.\(precision ?? 6)f", d)
            case "e", "E":
                s = String(format: "%.\(precision ?? 6)\(verb == "E" ? "E" : "e")", d)
            default:
                badVerb(arg, verb)
                return
            }
            if d.isInfinite || d.isNaN {
                s = d.isNaN ? "NaN" : (d < 0 ? "-Inf" : "+Inf")
                if !plus && !d.isNaN && d > 0 { s = space ? " Inf" : "+Inf" }
                pad(s)
                return
            }
            if !s.hasPrefix("-") {
                if plus { s = "+" + s } else if space { s = " " + s }
            }
            pad(s, zeroAllowed: true)
        }
    }
}
