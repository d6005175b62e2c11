/// A YAML document as typed data: what a backend builds, and the only input of
/// `YAMLRenderer` (which hands it to libyaml's emitter; nothing else in openrun
/// makes YAML text).
///
/// Strings stay strings: the renderer quotes any string a YAML 1.1 or 1.2
/// parser would otherwise read as a bool, number, null, date or merge key.
/// Numbers, bools and null are typed scalars rendered plain.
package indirect enum YAMLNode: Equatable, Sendable {
    case scalar(YAMLScalar)
    /// A block sequence (`[]` when empty).
    case sequence([YAMLNode])
    /// A block mapping with keys in the given order (`{}` when empty).
    case mapping(YAMLMapping)

    /// A string scalar with the renderer's automatic style.
    package static func string(_ value: String) -> YAMLNode { .scalar(.string(value)) }
    /// A string scalar with an explicit style preference.
    package static func string(_ value: String, style: YAMLStringStyle) -> YAMLNode { .scalar(.string(value, style: style)) }
    package static func int(_ value: Int) -> YAMLNode { .scalar(.int(value)) }
    package static func bool(_ value: Bool) -> YAMLNode { .scalar(.bool(value)) }
    package static var null: YAMLNode { .scalar(.null) }
}

/// A scalar's value with its type; strings carry a style preference.
package enum YAMLScalar: Equatable, Sendable {
    case string(String, style: YAMLStringStyle = .automatic)
    case int(Int)
    case bool(Bool)
    case null
}

/// How a string scalar should look. Whatever is asked, the value reads back
/// as the same string: a style that would change it is replaced by a quoted one.
package enum YAMLStringStyle: Equatable, Sendable {
    /// Plain when it reads back as this string under YAML 1.1 and 1.2 core
    /// resolution (libyaml may still pick single quotes for syntax, e.g.
    /// `a: b`); a literal block `|` for multi-line text when that is exact;
    /// double-quoted otherwise.
    case automatic
    /// Always double-quoted (escapes for anything unprintable).
    case doubleQuoted
    /// A literal block `|` when exact, else as `.automatic`.
    case literal
}

/// Mapping entries in order. Keys are strings and unique.
package struct YAMLMapping: Equatable, Sendable {
    package struct Entry: Equatable, Sendable {
        package var key: String
        package var value: YAMLNode
        package init(key: String, value: YAMLNode) {
            self.key = key
            self.value = value
        }
    }

    package private(set) var entries: [Entry]

    package init() { entries = [] }

    /// Entries in order; an entry whose value is nil is left out, which keeps
    /// optional fields of typed models from becoming `null`s.
    /// Duplicate keys are a programming error.
    package init(_ pairs: [(String, YAMLNode?)]) {
        entries = []
        for (key, value) in pairs {
            if let value { append(key, value) }
        }
    }

    package var isEmpty: Bool { entries.isEmpty }
    package var keys: [String] { entries.map(\.key) }

    /// Appends an entry; the key must not be present yet.
    package mutating func append(_ key: String, _ value: YAMLNode) {
        precondition(self[key] == nil, "duplicate YAML mapping key \(key)")
        entries.append(Entry(key: key, value: value))
    }

    /// The value for `key`; setting replaces in place or appends, nil removes.
    package subscript(key: String) -> YAMLNode? {
        get { entries.first(where: { $0.key == key })?.value }
        set {
            let index = entries.firstIndex(where: { $0.key == key })
            switch (index, newValue) {
            case let (i?, v?): entries[i].value = v
            case let (i?, nil): entries.remove(at: i)
            case let (nil, v?): entries.append(Entry(key: key, value: v))
            case (nil, nil): break
            }
        }
    }
}

/// A stream of documents (`---` between them), as `kubectl apply -f` reads.
package struct YAMLStream: Equatable, Sendable {
    package var documents: [YAMLNode]
    package init(_ documents: [YAMLNode]) { self.documents = documents }
}

extension YAMLNode: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    package init(stringLiteral value: String) { self = .string(value) }
    package init(integerLiteral value: Int) { self = .int(value) }
    package init(booleanLiteral value: Bool) { self = .bool(value) }
    package init(arrayLiteral elements: YAMLNode...) { self = .sequence(elements) }
    /// Keys in the order written.
    package init(dictionaryLiteral elements: (String, YAMLNode)...) {
        self = .mapping(YAMLMapping(elements.map { ($0.0, $0.1 as YAMLNode?) }))
    }
    package init(nilLiteral: ()) { self = .null }
}

extension YAMLMapping: ExpressibleByDictionaryLiteral {
    package init(dictionaryLiteral elements: (String, YAMLNode)...) {
        self.init(elements.map { ($0.0, $0.1 as YAMLNode?) })
    }
}
