import Foundation
import IR

/// Writing to the standard streams (unbuffered, so output interleaves with child processes).
enum Terminal {
    static func stdout(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func stderr(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Prints diagnostics on stderr in their rendered form (non-printing
    /// characters escaped; at most 50 per file, then "and N more").
    static func report(_ diagnostics: [Diagnostic]) {
        for line in Diagnostic.render(diagnostics) { stderr(line) }
    }
}
