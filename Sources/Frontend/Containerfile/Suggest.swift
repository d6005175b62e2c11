/// "Did you mean" suggestions, as BuildKit's `suggest.Search`: the first
/// option (in sorted order) at Levenshtein distance below 3, none when the
/// value matches an option exactly; case-insensitive searches answer in the
/// value's case when it is all lower or all upper case.
enum Suggest {
    static func closest(_ value: String, in options: [String], caseSensitive: Bool = true) -> String? {
        guard !value.isEmpty else { return nil }
        let v = Array((caseSensitive ? value : value.lowercased()).unicodeScalars)
        var match: String? = nil
        var minDist = 3
        for option in options.sorted() {
            let o = caseSensitive ? option : option.lowercased()
            let ou = Array(o.unicodeScalars)
            if ou == v { return nil }
            let d = distance(v, ou)
            if d < minDist {
                minDist = d
                if caseSensitive {
                    match = o
                } else if value == value.lowercased() {
                    match = o.lowercased()
                } else if value == value.uppercased() {
                    match = o.uppercased()
                } else {
                    match = o
                }
            }
        }
        return match
    }

    private static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
}
