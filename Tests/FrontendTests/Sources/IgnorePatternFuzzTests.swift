import Foundation
@testable import Frontend
import Testing

/// Differential fuzzing of the hand-written pattern matcher against a
/// literal transcription of patternmatcher's `compile` (pattern → regular
/// expression, run by NSRegularExpression).
@Suite("dockerignore matcher fuzz")
struct IgnorePatternFuzzTests {
    /// patternmatcher's `Pattern.compile` + `match`, transcribed, for a cleaned pattern.
    static func referenceMatch(_ pattern: String, _ path: String) -> Bool? {
        var regex = "^"
        var kind = "exact"
        let s = Array(pattern.unicodeScalars)
        var i = 0
        var iteration = 0
        while i < s.count {
            let ch = s[i]
            i += 1
            if ch == "*" {
                if i < s.count, s[i] == "*" {
                    i += 1
                    if i < s.count, s[i] == "/" { i += 1 }
                    if i == s.count {
                        if kind == "exact" { kind = "prefix" } else {
                            regex += ".*"
                            kind = "regexp"
                        }
                    } else {
                        regex += "(.*/)?"
                        kind = "regexp"
                    }
                    if iteration == 0 { kind = "suffix" }
                } else {
                    regex += "[^/]*"
                    kind = "regexp"
                }
            } else if ch == "?" {
                regex += "[^/]"
                kind = "regexp"
            } else if ".+()|{}$".unicodeScalars.contains(ch) {
                regex += "\\" + String(ch)
            } else if ch == "\\" {
                if i < s.count {
                    regex += "\\" + String(s[i])
                    i += 1
                    kind = "regexp"
                } else {
                    regex += "\\"
                }
            } else if ch == "[" || ch == "]" {
                regex += String(ch)
                kind = "regexp"
            } else {
                regex += String(ch)
            }
            iteration += 1
        }
        switch kind {
        case "exact": return path == pattern
        case "prefix": return path.utf8.starts(with: pattern.utf8.dropLast(2))
        case "suffix":
            let suffix = String(pattern.dropFirst(2))
            if path.hasSuffix(suffix) { return true }
            return suffix.hasPrefix("/") && path == String(suffix.dropFirst())
        default:
            guard let re = try? NSRegularExpression(pattern: regex + "$") else { return nil }
            let range = NSRange(path.startIndex..., in: path)
            return re.firstMatch(in: path, range: range) != nil
        }
    }

    struct Rng {
        var state: UInt64
        mutating func next(_ n: Int) -> Int {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return Int((z ^ (z >> 31)) % UInt64(n))
        }
    }

    @Test("the matcher agrees with patternmatcher's regular expressions on 20000 random pattern/path pairs")
    func differential() throws {
        var rng = Rng(state: 7)
        let patternPieces = ["a", "b", "/", "*", "**", "?", ".", "[ab]", "[^a]", "[a-c]", "\\*", "ab", "**/", "+"]
        let pathPieces = ["a", "b", "c", "/", ".", "*", "+", "ab", "ba"]
        var compared = 0
        for _ in 0..<20000 {
            var raw = ""
            for _ in 0..<(1 + rng.next(5)) { raw += patternPieces[rng.next(patternPieces.count)] }
            var path = ""
            for _ in 0..<(1 + rng.next(6)) { path += pathPieces[rng.next(pathPieces.count)] }
            guard let compiled = try? IgnorePattern.compile(raw) else { continue }
            guard let expected = Self.referenceMatch(compiled.cleaned, path) else { continue }
            #expect(compiled.matches(path) == expected, "pattern \(raw) (cleaned \(compiled.cleaned)) path \(path)")
            compared += 1
        }
        #expect(compared > 15000)
    }
}
