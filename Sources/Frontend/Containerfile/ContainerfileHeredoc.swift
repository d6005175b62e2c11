/// A here-document attached to a RUN, COPY or ADD instruction.
public struct ContainerfileHeredoc: Hashable, Codable, Sendable {
    /// The delimiter word after quote removal (`EOF` for `<<"EOF"`).
    public var name: String
    /// The file descriptor written before `<<` (`3<<EOF`), 0 when absent.
    public var fileDescriptor: UInt
    /// False when any part of the delimiter was quoted: the body is then not expanded.
    public var expand: Bool
    /// True for `<<-`: leading tabs are stripped from the body when it is used.
    public var chomp: Bool
    /// The body, every line with its line terminator, without the delimiter line.
    public var content: String

    public init(name: String, fileDescriptor: UInt, expand: Bool, chomp: Bool, content: String) {
        self.name = name
        self.fileDescriptor = fileDescriptor
        self.expand = expand
        self.chomp = chomp
        self.content = content
    }

    /// The body as it is used: with leading tabs stripped from each line for `<<-`.
    public var effectiveContent: String {
        guard chomp else { return content }
        var out = ""
        var atLineStart = true
        for ch in content.unicodeScalars {
            if atLineStart && ch == "\t" { continue }
            atLineStart = ch == "\n"
            out.unicodeScalars.append(ch)
        }
        return out
    }
}
