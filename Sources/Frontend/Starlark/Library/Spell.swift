extension Starlark {
    /// "did you mean" suggestions, as go.starlark.net's `internal/spell`.
    enum Spell {
        /// The candidate nearest to `x` (ignoring case and underscores) within
        /// 50% typos, or nil. Candidates are tried in the given order; the first
        /// of equally near ones wins.
        static func nearest(_ x: String, _ candidates: [String]) -> String? {
            func fold(_ s: String) -> [UInt8] {
                var out: [UInt8] = []
                for ch in s.unicodeScalars where ch != "_" {
                    out.append(contentsOf: String(ch.properties.lowercaseMapping.unicodeScalars.first.map(Character.init) ?? Character(ch)).utf8)
                }
                return out
            }
            let fx = fold(x)
            var best: String?
            var bestD = (fx.count + 1) / 2
            for c in candidates {
                let d = levenshtein(fx, fold(c), bestD)
                if d < bestD {
                    bestD = d
                    best = c
                }
            }
            return best
        }

        /// Byte-wise Levenshtein distance; may stop early with a value above `max`.
        static func levenshtein(_ a: [UInt8], _ b: [UInt8], _ max: Int) -> Int {
            var x = a[...], y = b[...]
            if x.count > y.count { swap(&x, &y) }
            for i in 0..<x.count where x[x.startIndex + i] != y[y.startIndex + i] {
                x = x.dropFirst(i)
                y = y.dropFirst(i)
                break
            }
            if x.isEmpty { return y.count }
            if abs(x.count - y.count) > max { return abs(x.count - y.count) }
            let xs = Array(x), ys = Array(y)
            var row = Array(0...ys.count)
            for i in 1...xs.count {
                row[0] = i
                var best = i
                var prev = i - 1
                for j in 1...ys.count {
                    let k = Swift.min(prev + (xs[i - 1] != ys[j - 1] ? 1 : 0), Swift.min(1 + row[j - 1], 1 + row[j]))
                    prev = row[j]
                    row[j] = k
                    best = Swift.min(best, k)
                }
                if best > max { return best }
            }
            return row[ys.count]
        }
    }
}
