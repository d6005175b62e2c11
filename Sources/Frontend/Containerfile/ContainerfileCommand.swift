import IR

/// CMD, ENTRYPOINT or SHELL with its form kept.
public struct ContainerfileCommand: Hashable, Codable, Sendable {
    /// True for the JSON (exec) form, false for the shell form.
    public var exec: Bool
    /// Exec form: the argv; shell form: one element, the command line.
    public var args: [String]
    public var location: SourceLocation

    public init(exec: Bool, args: [String], location: SourceLocation) {
        self.exec = exec
        self.args = args
        self.location = location
    }

    enum CodingKeys: String, CodingKey { case form, args, location }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        exec = try c.decode(String.self, forKey: .form) == "exec"
        args = try c.decode([String].self, forKey: .args)
        location = try c.decode(SourceLocation.self, forKey: .location)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(exec ? "exec" : "shell", forKey: .form)
        try c.encode(args, forKey: .args)
        try c.encode(location, forKey: .location)
    }
}
