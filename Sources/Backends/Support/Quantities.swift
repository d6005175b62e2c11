/// Resource amounts as engines write them, shared by the backends.
package enum Quantities {
    /// Millicores as a `--cpus` value: `2000` → `2`, `500` → `0.5`, `1250` → `1.25`.
    package static func cpus(_ millis: Int) -> String {
        let whole = millis / 1000, frac = millis % 1000
        guard frac != 0 else { return String(whole) }
        var f = String(frac)
        f = String(repeating: "0", count: 3 - f.count) + f
        while f.hasSuffix("0") { f.removeLast() }
        return "\(whole).\(f)"
    }
}
