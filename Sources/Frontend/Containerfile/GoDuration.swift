/// Go's `time.ParseDuration`, returning nanoseconds or Go's error text.
enum GoDuration {
    static func parse(_ s: String) -> Result<Int64, BuilderFlags.Failure> {
        let orig = s
        var u = Array(s.unicodeScalars)
        func fail(_ m: String) -> Result<Int64, BuilderFlags.Failure> { .failure(.init(message: m)) }
        let quoted = GoText.quote(orig)
        var neg = false
        if let f = u.first, f == "-" || f == "+" {
            neg = f == "-"
            u.removeFirst()
        }
        if u.count == 1 && u[0] == "0" { return .success(0) }
        if u.isEmpty { return fail("time: invalid duration \(quoted)") }
        var total: Double = 0
        var i = 0
        while i < u.count {
            // Leading number.
            let ns = i
            var intPart: Double = 0
            while i < u.count, let d = digit(u[i]) { intPart = intPart * 10 + Double(d); i += 1 }
            var frac: Double = 0
            var scale: Double = 1
            var sawDot = false
            if i < u.count && u[i] == "." {
                sawDot = true
                i += 1
                while i < u.count, let d = digit(u[i]) { frac = frac * 10 + Double(d); scale *= 10; i += 1 }
            }
            let digits = i - ns - (sawDot ? 1 : 0)
            if digits <= 0 { return fail("time: invalid duration \(quoted)") }
            let us = i
            while i < u.count && u[i] != "." && digit(u[i]) == nil { i += 1 }
            if us == i { return fail("time: missing unit in duration \(quoted)") }
            let unit = String(String.UnicodeScalarView(u[us..<i]))
            let mult: Double
            switch unit {
            case "ns": mult = 1
            case "us", "µs", "μs": mult = 1e3
            case "ms": mult = 1e6
            case "s": mult = 1e9
            case "m": mult = 60e9
            case "h": mult = 3600e9
            default: return fail("time: unknown unit \(GoText.quote(unit)) in duration \(quoted)")
            }
            total += (intPart + frac / scale) * mult
            if total > 9.223372036854775807e18 { return fail("time: invalid duration \(quoted)") }
        }
        return .success(neg ? -Int64(total) : Int64(total))
    }

    private static func digit(_ c: Unicode.Scalar) -> Int? {
        c.value >= 0x30 && c.value <= 0x39 ? Int(c.value - 0x30) : nil
    }
}
