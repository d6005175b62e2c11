/// Data handed to a `GoTemplate`: the Go values a template can see, as
/// `map[string]any`, `[]any`, string, int, float64, bool and nil.
///
/// Maps behave like Go's `map[string]interface{}`: a missing key reads as
/// "no value" (printed `<no value>`), `range` visits keys in sorted order.
package enum TemplateValue: Hashable, Sendable, ExpressibleByStringLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral {
    case string(String)
    case int(Int)
    /// A Go float64 (from a number literal such as `1.5` in a template).
    case float(Double)
    case bool(Bool)
    case list([TemplateValue])
    case map([String: TemplateValue])
    case `nil`

    package init(stringLiteral value: String) { self = .string(value) }
    package init(integerLiteral value: Int) { self = .int(value) }
    package init(booleanLiteral value: Bool) { self = .bool(value) }
    package init(arrayLiteral elements: TemplateValue...) { self = .list(elements) }
    package init(dictionaryLiteral elements: (String, TemplateValue)...) {
        var m: [String: TemplateValue] = [:]
        for (k, v) in elements { m[k] = v }
        self = .map(m)
    }
    package init(nilLiteral: ()) { self = .nil }

    /// The data OpenRun gives a `cl_secret` template: `.params` maps every
    /// param name to its string value.
    package static func params(_ params: [String: String]) -> TemplateValue {
        .map(["params": .map(params.mapValues { .string($0) })])
    }

    /// The Go type name of the value, as Go's error messages spell it.
    var goTypeName: String {
        switch self {
        case .string: "string"
        case .int: "int"
        case .float: "float64"
        case .bool: "bool"
        case .list: "[]interface {}"
        case .map: "map[string]interface {}"
        case .nil: "<nil>"
        }
    }
}
