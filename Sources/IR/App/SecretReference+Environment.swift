extension SecretReference {
    /// True for the providers openrun resolves itself when an app starts: the
    /// default one and `env`, both read from the environment.
    public var isFromEnvironment: Bool { provider == nil || provider == "env" }

    /// The environment variable the secret is read from when the app starts:
    /// the key itself when it is a valid variable name (`[A-Za-z_][A-Za-z0-9_]*`),
    /// else `environmentName` (`OPENRUN_SECRET_<KEY>`).
    public var environmentVariable: String {
        Self.isVariableName(key) ? key : environmentName
    }

    /// `[A-Za-z_][A-Za-z0-9_]*`: a name POSIX sh can export.
    public static func isVariableName(_ s: String) -> Bool {
        guard let first = s.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }
}

/// A secret the environment does not hold when an app starts. OpenRun turns
/// it into an empty string silently; openrun stops with this instead.
public struct MissingSecretError: Error, Hashable, Sendable, CustomStringConvertible {
    public var reference: SecretReference
    /// Who needs it, e.g. `env DB_URL` or `secret file secrets.toml`.
    public var neededBy: String

    public init(reference: SecretReference, neededBy: String) {
        self.reference = reference
        self.neededBy = neededBy
    }

    public var description: String {
        if !reference.isFromEnvironment {
            return "secret \(reference.key) (\(neededBy)) comes from provider \"\(reference.provider ?? "")\", which openrun cannot read; use {{secret \"\(reference.key)\"}} and set \(reference.environmentVariable) in the environment"
        }
        return "secret \(reference.key) (\(neededBy)) is not set: set the environment variable \(reference.environmentVariable) before starting the app"
    }
}

extension EnvValue {
    /// The value with secrets read from `environment` and the app URL filled in;
    /// a missing secret throws, naming the variable.
    public func resolve(environment: [String: String], appURL: String, neededBy: String) throws(MissingSecretError) -> String {
        var out = ""
        for s in segments {
            switch s {
            case .literal(let t): out += t
            case .appURL: out += appURL
            case .secret(let r):
                guard r.isFromEnvironment, let v = environment[r.environmentVariable] else {
                    throw MissingSecretError(reference: r, neededBy: neededBy)
                }
                out += v
            }
        }
        return out
    }
}
