import Foundation

/// Unanchored regular-expression search, as Go's `regexp.MatchString` does
/// (openrun uses ICU's engine; RE2 syntax is nearly a subset). An invalid
/// pattern matches nothing.
package enum RegexMatch {
    package static func search(_ pattern: String, in text: String) -> Bool {
        guard let re = try? NSRegularExpression(pattern: pattern) else { return false }
        return re.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
