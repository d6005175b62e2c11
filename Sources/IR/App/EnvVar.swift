/// One environment variable of the container. A secret one holds references,
/// never the secret.
public struct EnvVar: Codable, Hashable, Sendable {
    public enum Origin: String, Codable, Hashable, Sendable {
        /// A param's value.
        case param
        /// Set by openrun (`CL_APP_PATH`, `PORT`, `CL_APP_URL`).
        case openrun
    }

    public var name: String
    public var value: EnvValue
    public var origin: Origin
    public var location: SourceLocation?

    public init(name: String, value: EnvValue, origin: Origin, location: SourceLocation? = nil) {
        self.name = name
        self.value = value
        self.origin = origin
        self.location = location
    }
}

/// A value as typed segments, so that each backend can say "literal text",
/// "this secret" or "the app's public URL" in its own way (`--env-file` from
/// the environment at start, a `secretKeyRef`, a Podman `Secret=`) without
/// parsing a template.
public struct EnvValue: Hashable, Sendable {
    public enum Segment: Hashable, Sendable {
        case literal(String)
        /// `{{secret "KEY"}}` / `{{secret_from "PROVIDER" "KEY"}}`, resolved when the container starts.
        case secret(SecretReference)
        /// The app's public URL (`CL_APP_URL`): where it is deployed decides it, so each backend fills it in.
        case appURL
    }

    /// Never two adjacent literals, never an empty literal.
    public private(set) var segments: [Segment]

    public init(_ segments: [Segment]) {
        var out: [Segment] = []
        for s in segments {
            if case .literal(let t) = s {
                if t.isEmpty { continue }
                if case .literal(let prev)? = out.last {
                    out[out.count - 1] = .literal(prev + t)
                    continue
                }
            }
            out.append(s)
        }
        self.segments = out
    }

    public static func literal(_ text: String) -> EnvValue { EnvValue([.literal(text)]) }

    /// The text when the value is all literal; nil when it holds a secret or the app URL.
    public var literalText: String? {
        var out = ""
        for s in segments {
            guard case .literal(let t) = s else { return nil }
            out += t
        }
        return out
    }

    /// The secret references, in order.
    public var secrets: [SecretReference] {
        segments.compactMap { if case .secret(let r) = $0 { r } else { nil } }
    }

    /// True when the value is exactly one secret reference and nothing else.
    public var singleSecret: SecretReference? {
        if segments.count == 1, case .secret(let r) = segments[0] { return r }
        return nil
    }

    /// The value with every non-literal segment replaced by `resolve`; throws what `resolve` throws.
    public func resolved(_ resolve: (Segment) throws -> String) rethrows -> String {
        var out = ""
        for s in segments {
            if case .literal(let t) = s { out += t } else { out += try resolve(s) }
        }
        return out
    }
}

extension EnvValue: Codable {
    private enum CodingKeys: String, CodingKey { case literal, secret, appURL }

    /// JSON: a plain string when the value is all literal, else an array of one-key
    /// objects, `{"literal": "..."}`, `{"secret": {...}}`, `{"appURL": true}`.
    public init(from decoder: any Decoder) throws {
        if let text = try? decoder.singleValueContainer().decode(String.self) {
            self = .literal(text)
            return
        }
        var list = try decoder.unkeyedContainer()
        var segments: [Segment] = []
        while !list.isAtEnd {
            let c = try list.nestedContainer(keyedBy: CodingKeys.self)
            if let t = try c.decodeIfPresent(String.self, forKey: .literal) {
                segments.append(.literal(t))
            } else if let r = try c.decodeIfPresent(SecretReference.self, forKey: .secret) {
                segments.append(.secret(r))
            } else if try c.decodeIfPresent(Bool.self, forKey: .appURL) == true {
                segments.append(.appURL)
            } else {
                throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription: "an env segment is {\"literal\": ...}, {\"secret\": ...} or {\"appURL\": true}"))
            }
        }
        self.init(segments)
    }

    public func encode(to encoder: any Encoder) throws {
        if let text = literalText {
            var c = encoder.singleValueContainer()
            try c.encode(text)
            return
        }
        var list = encoder.unkeyedContainer()
        for s in segments {
            var c = list.nestedContainer(keyedBy: CodingKeys.self)
            switch s {
            case .literal(let t): try c.encode(t, forKey: .literal)
            case .secret(let r): try c.encode(r, forKey: .secret)
            case .appURL: try c.encode(true, forKey: .appURL)
            }
        }
    }
}

extension EnvValue: CustomStringConvertible {
    /// The value as OpenRun would write it: secrets as `{{secret "KEY"}}`, the app URL as `{{app_url}}` (for messages and tests).
    public var description: String {
        resolved {
            switch $0 {
            case .secret(let r): r.templateText
            default: "{{app_url}}"
            }
        }
    }
}
