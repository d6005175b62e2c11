/// Paths inside an artifact folder.
enum RelativePath {
    /// `./a/b/` → `a/b`: leading `./` and `/`, and trailing `/`, removed.
    static func trimSlashes(_ s: String) -> String {
        var t = Substring(s)
        while t.hasPrefix("./") { t = t.dropFirst(2) }
        while t.hasPrefix("/") { t = t.dropFirst() }
        while t.hasSuffix("/") { t = t.dropLast() }
        return String(t)
    }
}
