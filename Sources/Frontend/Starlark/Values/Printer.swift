import Foundation

extension Starlark {
    /// repr/str rendering of values, string quoting and float formatting as go.starlark.net does it.
    enum Printer {
        static func write(_ v: Value, into out: inout [UInt8], repr: Bool) {
            var path = Set<ObjectIdentifier>()
            write(v, into: &out, repr: repr, path: &path)
        }

        static func write(_ v: Value, into out: inout [UInt8], repr: Bool, path: inout Set<ObjectIdentifier>, depth: Int = 0) {
            if depth > 500 {
                // Deep nesting: stop before the native stack runs out.
                if depth % 64 == 0, Thread.stackAddress() < Thread.stackFloor() &+ (256 << 10) {
                    out.append(contentsOf: "...".utf8)
                    return
                }
            }
            switch v {
            case .none: out.append(contentsOf: "None".utf8)
            case .bool(let b): out.append(contentsOf: (b ? "True" : "False").utf8)
            case .int(let i): appendInt(i, into: &out)
            case .bigInt(let b): out.append(contentsOf: String(b.value).utf8)
            case .float(let d): out.append(contentsOf: formatFloat(d, conv: "g").utf8)

            case .string(let s):
                if repr { quote(s, bytes: false, into: &out) } else { out.append(contentsOf: s) }
            case .bytes(let b):
                quote(b.value, bytes: true, into: &out)
            case .list(let l):
                let id = ObjectIdentifier(l)
                if path.contains(id) { out.append(contentsOf: "[...]".utf8); return }
                path.insert(id)
                out.append(UInt8(ascii: "["))
                for (i, e) in l.elems.enumerated() {
                    if i > 0 { out.append(contentsOf: ", ".utf8) }
                    write(e, into: &out, repr: true, path: &path, depth: depth + 1)
                }
                out.append(UInt8(ascii: "]"))
                path.remove(id)
            case .tuple(let t):
                out.append(UInt8(ascii: "("))
                for (i, e) in t.enumerated() {
                    if i > 0 { out.append(contentsOf: ", ".utf8) }
                    write(e, into: &out, repr: true, path: &path, depth: depth + 1)
                }
                if t.count == 1 { out.append(UInt8(ascii: ",")) }
                out.append(UInt8(ascii: ")"))
            case .dict(let d):
                let id = ObjectIdentifier(d)
                if path.contains(id) { out.append(contentsOf: "{...}".utf8); return }
                path.insert(id)
                out.append(UInt8(ascii: "{"))
                for (i, (k, val)) in d.entries.enumerated() {
                    if i > 0 { out.append(contentsOf: ", ".utf8) }
                    write(k, into: &out, repr: true, path: &path, depth: depth + 1)
                    out.append(contentsOf: ": ".utf8)
                    write(val, into: &out, repr: true, path: &path, depth: depth + 1)
                }
                out.append(UInt8(ascii: "}"))
                path.remove(id)
            case .set(let s):
                out.append(contentsOf: "set([".utf8)
                for (i, e) in s.elems.enumerated() {
                    if i > 0 { out.append(contentsOf: ", ".utf8) }
                    write(e, into: &out, repr: true, path: &path, depth: depth + 1)
                }
                out.append(contentsOf: "])".utf8)
            case .function(let f): out.append(contentsOf: "<function \(f.name)>".utf8)
            case .builtin(let b):
                if let r = b.receiver {
                    out.append(contentsOf: "<built-in method \(b.name) of \(r.typeName) value>".utf8)
                } else {
                    out.append(contentsOf: "<built-in function \(b.name)>".utf8)
                }
            case .range(let r):
                if r.step == 1 && r.start == 0 {
                    out.append(contentsOf: "range(\(r.stop))".utf8)
                } else if r.step == 1 {
                    out.append(contentsOf: "range(\(r.start), \(r.stop))".utf8)
                } else {
                    out.append(contentsOf: "range(\(r.start), \(r.stop), \(r.step))".utf8)
                }
            case .object(let o):
                let id = ObjectIdentifier(o)
                if path.contains(id) { out.append(contentsOf: "...".utf8); return }
                path.insert(id)
                out.append(contentsOf: o.repr().utf8)
                path.remove(id)
            }
        }

        static let hex = Array("0123456789abcdef".utf8)

        /// Appends the decimal digits of `i` without allocating a String.
        static func appendInt(_ i: Int, into out: inout [UInt8]) {
            if i >= 0 && i < 10 { out.append(UInt8(48 + i)); return }
            if i == Int.min { out.append(contentsOf: String(i).utf8); return }
            var v = i < 0 ? -i : i
            var buf: (UInt64, UInt64, UInt64) = (0, 0, 0)
            withUnsafeMutableBytes(of: &buf) { p in
                var n = 24
                while v > 0 {
                    n -= 1
                    p[n] = UInt8(48 + v % 10)
                    v /= 10
                }
                if i < 0 { out.append(UInt8(ascii: "-")) }
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[n..<24]))
            }
        }

        /// Decodes one UTF-8 scalar at `i`; nil when the bytes there are not valid UTF-8.
        static func decode(_ s: [UInt8], _ i: Int) -> (Unicode.Scalar, Int)? {
            let b0 = s[i]
            if b0 < 0x80 { return (Unicode.Scalar(b0), 1) }
            var n = 0
            var v: UInt32 = 0
            if b0 & 0xE0 == 0xC0 { n = 2; v = UInt32(b0 & 0x1F) } else if b0 & 0xF0 == 0xE0 { n = 3; v = UInt32(b0 & 0x0F) } else if b0 & 0xF8 == 0xF0 { n = 4; v = UInt32(b0 & 0x07) } else { return nil }
            if i + n > s.count { return nil }
            for k in 1..<n {
                let b = s[i + k]
                if b & 0xC0 != 0x80 { return nil }
                v = v << 6 | UInt32(b & 0x3F)
            }
            // reject overlong encodings
            if (n == 2 && v < 0x80) || (n == 3 && v < 0x800) || (n == 4 && v < 0x10000) { return nil }
            guard let sc = Unicode.Scalar(v) else { return nil }
            return (sc, n)
        }

        static func isPrint(_ c: Unicode.Scalar) -> Bool {
            if c.value < 0x80 { return c.value >= 0x20 && c.value < 0x7f }
            switch c.properties.generalCategory {
            case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator, .spaceSeparator:
                return false
            default:
                return true
            }
        }

        static func quote(_ s: [UInt8], bytes: Bool, into buf: inout [UInt8]) {
            if bytes { buf.append(UInt8(ascii: "b")) }
            buf.append(UInt8(ascii: "\""))
            var i = 0
            while i < s.count {
                let c = s[i]
                if c >= 0x20 && c < 0x7f && c != 34 && c != 92 {
                    buf.append(c); i += 1; continue
                }
                guard let (r, w) = decode(s, i) else {
                    buf.append(contentsOf: [92, UInt8(ascii: "x"), hex[Int(c >> 4)], hex[Int(c & 0xF)]])
                    i += 1
                    continue
                }
                i += w
                if r == "\"" || r == "\\" { buf.append(92); buf.append(UInt8(r.value)); continue }
                if isPrint(r) { buf.append(contentsOf: s[(i - w)..<i]); continue }
                switch r.value {
                case 7: buf.append(contentsOf: "\\a".utf8)
                case 8: buf.append(contentsOf: "\\b".utf8)
                case 12: buf.append(contentsOf: "\\f".utf8)
                case 10: buf.append(contentsOf: "\\n".utf8)
                case 13: buf.append(contentsOf: "\\r".utf8)
                case 9: buf.append(contentsOf: "\\t".utf8)
                case 11: buf.append(contentsOf: "\\v".utf8)
                default:
                    let v = r.value
                    if v < 0x20 || v == 0x7f {
                        buf.append(contentsOf: [92, UInt8(ascii: "x"), hex[Int(v >> 4)], hex[Int(v & 0xF)]])
                    } else if v < 0x10000 {
                        buf.append(contentsOf: "\\u".utf8)
                        for sh in stride(from: 12, through: 0, by: -4) { buf.append(hex[Int((v >> UInt32(sh)) & 0xF)]) }
                    } else {
                        buf.append(contentsOf: "\\U".utf8)
                        for sh in stride(from: 28, through: 0, by: -4) { buf.append(hex[Int((v >> UInt32(sh)) & 0xF)]) }
                    }
                }
            }
            buf.append(UInt8(ascii: "\""))
        }

        /// Shortest decimal digits and decimal-point position of a finite positive double.
        static func shortestDigits(_ d: Double) -> (digits: [UInt8], dp: Int) {
            // Swift's description prints the shortest round-tripping representation.
            let s = Array(d.description.utf8)
            var mant: [UInt8] = []
            var exp = 0
            var dot = -1
            var i = 0
            while i < s.count {
                let c = s[i]
                if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
                    exp = Int(String(decoding: s[(i + 1)...], as: UTF8.self)) ?? 0
                    break
                }
                if c == UInt8(ascii: ".") { dot = mant.count } else { mant.append(c) }
                i += 1
            }
            if dot < 0 { dot = mant.count }
            var dp = dot + exp
            // strip leading zeros
            var start = 0
            while start < mant.count - 1 && mant[start] == UInt8(ascii: "0") { start += 1; dp -= 1 }
            mant = Array(mant[start...])
            while mant.count > 1 && mant.last == UInt8(ascii: "0") { mant.removeLast() }
            if mant == [UInt8(ascii: "0")] { dp = 1 }
            return (mant, dp)
        }

        /// Go's `strconv.FormatFloat(f, conv, -1 or prec, 64)` plus Starlark's ".0" rule for %g.
        static func formatFloat(_ d: Double, conv: Character, prec: Int = -1) -> String {
            if d.isNaN { return "nan" }
            if d.isInfinite { return d < 0 ? "-inf" : "+inf" }
            switch conv {
            case "g", "G":
                var s = goShortestG(d)
                var hasExpOrDot = false
                for c in s.utf8 where c == UInt8(ascii: "e") || c == UInt8(ascii: ".") { hasExpOrDot = true; break }
                if conv == "G" { s = s.uppercased() }
                if !hasExpOrDot { s += ".0" }
                return s
            case "F": return "%F"
            case "e", "E", "f":
                return String(format: "%.\(prec < 0 ? 6 : prec)\(conv)", d)
            default:
                return String(d)
            }
        }

        static func goShortestG(_ d: Double) -> String {
            let neg = d.sign == .minus
            let a = abs(d)
            var out = neg ? "-" : ""
            if a == 0 { return out + "0" }
            let (digits, dp) = shortestDigits(a)
            let exp = dp - 1
            if exp < -4 || exp >= 6 {
                // %e with shortest digits
                out += String(UnicodeScalar(digits[0]))
                if digits.count > 1 {
                    out += "." + String(decoding: digits[1...], as: UTF8.self)
                }
                out += "e" + (exp < 0 ? "-" : "+")
                let e = abs(exp)
                out += e < 10 ? "0\(e)" : "\(e)"
                return out
            }
            // %f
            if dp <= 0 {
                out += "0." + String(repeating: "0", count: -dp) + String(decoding: digits, as: UTF8.self)
            } else if dp >= digits.count {
                out += String(decoding: digits, as: UTF8.self) + String(repeating: "0", count: dp - digits.count)
            } else {
                out += String(decoding: digits[..<dp], as: UTF8.self) + "." + String(decoding: digits[dp...], as: UTF8.self)
            }
            return out
        }
    }
}
