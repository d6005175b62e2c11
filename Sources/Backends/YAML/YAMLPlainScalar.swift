/// Whether a string may be written as a plain (unquoted) scalar and still be
/// read back as that string.
///
/// A plain scalar is typed by implicit resolution, and readers disagree:
/// YAML 1.1 (PyYAML, go-yaml v2 behind `sigs.k8s.io/yaml` and so kubectl)
/// reads `yes`, `on`, `y`, `017` (octal), `1_000`, `12:30`
/// (base 60) and `2001-12-14` as non-strings; the 1.2 core schema (go-yaml v3,
/// ruamel) reads `0o17` and `1e3` as numbers. A string is plain-safe only
/// when no pattern of either version (nor of the looser spec regexes) claims
/// it. Quoting too much is harmless; quoting too little changes a value.
enum YAMLPlainScalar {
    /// True when no implicit resolver of YAML 1.1 or 1.2 core would type `text`.
    /// Syntax (`a: b`, `#x`, leading spaces) is libyaml's to judge; this only
    /// answers the typing question.
    static func resolvesAsString(_ text: String) -> Bool {
        if reservedWords.contains(text) { return false }
        guard let first = text.unicodeScalars.first else { return false }  // "" is null
        // Every typed pattern below starts with a sign, a digit or a dot.
        guard first == "+" || first == "-" || first == "." || ("0"..."9").contains(first) else { return true }
        return !typedPatterns.contains { text.wholeMatch(of: $0) != nil }
    }

    /// Null, bool, merge and value keys of YAML 1.1 (with `y`/`n`) and 1.2 core,
    /// plus the infinities and NaN.
    private static let reservedWords: Set<String> = [
        "~", "null", "Null", "NULL",
        "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
        "true", "True", "TRUE", "false", "False", "FALSE",
        "on", "On", "ON", "off", "Off", "OFF",
        "<<", "=",
        ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF",
        ".nan", ".NaN", ".NAN",
    ]

    /// Ints (binary, octal with and without `0o`, decimal with `_`, hex, base
    /// 60), floats (1.1 and 1.2 forms, base 60) and timestamps.
    nonisolated(unsafe) private static let typedPatterns: [Regex<Substring>] = [
        /[-+]?0[bB][01_]+/,
        /[-+]?0[oO][0-7_]+/,
        /[-+]?0[xX][0-9a-fA-F_]+/,
        /[-+]?[0-9][0-9_]*/,
        /[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?/,
        /[-+]?(?:[0-9][0-9_]*)?\.[0-9._]*(?:[eE][-+]?[0-9]+)?/,
        /[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+/,
        /[0-9]{4}-[0-9]{2}-[0-9]{2}/,
        /[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?/,
    ]
}
