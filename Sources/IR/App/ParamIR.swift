/// One param with its final value and where that value came from.
public struct ParamIR: Codable, Hashable, Sendable {
    /// The types params.star declares (`INT STRING BOOLEAN DICT LIST`).
    public enum ParamType: String, Codable, Hashable, Sendable, CaseIterable {
        case string = "STRING"
        case int = "INT"
        case boolean = "BOOLEAN"
        case dict = "DICT"
        case list = "LIST"
    }

    /// Where the value came from.
    public enum Origin: String, Codable, Hashable, Sendable {
        /// params.star's default (or the type's zero value for `required=False` without default).
        case `default`
        /// A `--param` flag for a declared param.
        case flag
        /// A `--param` flag for a param params.star does not declare (passed as env only).
        case undeclared
    }

    public var name: String
    public var type: ParamType
    public var value: IRValue
    public var origin: Origin
    /// Secret references in the value (`{{secret "KEY"}}`), in order; `value` then holds the template text, never a secret.
    public var secrets: [SecretReference]
    public var description: String
    /// params.star's display_type, if any.
    public var displayType: String?
    public var required: Bool
    /// Where the param is declared (params.star) — or the flag, for undeclared ones.
    public var location: SourceLocation?
    /// The flag that set the value, when `origin` is `flag` or `undeclared`.
    public var valueLocation: SourceLocation?

    public init(name: String, type: ParamType, value: IRValue, origin: Origin, secrets: [SecretReference] = [],
                description: String = "", displayType: String? = nil, required: Bool = false,
                location: SourceLocation? = nil, valueLocation: SourceLocation? = nil) {
        self.name = name
        self.type = type
        self.value = value
        self.origin = origin
        self.secrets = secrets
        self.description = description
        self.displayType = displayType
        self.required = required
        self.location = location
        self.valueLocation = valueLocation
    }
}

/// A reference to a secret, resolved only when the container starts:
/// `{{secret "KEY"}}` or `{{secret_from "PROVIDER" "KEY"}}`.
public struct SecretReference: Codable, Hashable, Sendable {
    /// Provider name; nil for the default provider.
    public var provider: String?
    public var key: String

    public init(provider: String?, key: String) {
        self.provider = provider
        self.key = key
    }

    /// The reference as OpenRun writes it.
    public var templateText: String {
        if let provider { return "{{secret_from \"\(provider)\" \"\(key)\"}}" }
        return "{{secret \"\(key)\"}}"
    }

    /// A name safe for environment variables and Kubernetes secret keys, e.g. `OPENRUN_SECRET_DB_PASSWORD`.
    public var environmentName: String {
        var out = "OPENRUN_SECRET_"
        if let provider { out += Self.sanitize(provider) + "_" }
        out += Self.sanitize(key)
        return out
    }

    static func sanitize(_ s: String) -> String {
        String(s.uppercased().unicodeScalars.map { ($0.properties.isAlphabetic && $0.isASCII) || ("0"..."9").contains($0) ? Character($0) : "_" })
    }
}
