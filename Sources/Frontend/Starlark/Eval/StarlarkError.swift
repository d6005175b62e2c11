import IR

extension Starlark {
    /// Any error the interpreter reports: syntax, resolve, runtime or budget,
    /// with the location it happened at and (for runtime errors) a backtrace.
    public struct Error: Swift.Error, Sendable, CustomStringConvertible {
        /// The stage that failed.
        public enum Kind: String, Sendable {
            case syntax, resolve, runtime, budget
        }

        /// One call frame in a backtrace: the function and the position of the call (or error) in it.
        public struct Frame: Sendable, Equatable {
            public var function: String
            public var location: SourceLocation
            public init(function: String, location: SourceLocation) {
                self.function = function
                self.location = location
            }
        }

        public var kind: Kind
        public var message: String
        public var location: SourceLocation
        /// Outermost call first; the last frame is where the error happened.
        public var backtrace: [Frame]
        /// Further errors found by the same stage (the resolver reports all it finds).
        public var additional: [Error] = []

        public init(kind: Kind, message: String, location: SourceLocation, backtrace: [Frame] = []) {
            self.kind = kind
            self.message = message
            self.location = location
            self.backtrace = backtrace
        }

        /// `file:line:col: message`, as go.starlark.net prints it.
        public var description: String { "\(location): \(message)" }

        /// go.starlark.net's backtrace text: `Traceback (most recent call last):` then one line per frame.
        public var backtraceText: String {
            var s = "Traceback (most recent call last):\n"
            let frames = backtrace.count > 40 ? Array(backtrace.prefix(20)) + Array(backtrace.suffix(20)) : backtrace
            for (i, f) in frames.enumerated() {
                if backtrace.count > 40 && i == 20 { s += "  ... (\(backtrace.count - 40) frames omitted)\n" }
                s += "  \(f.location): in \(f.function)\n"
            }
            s += "Error: \(message)"
            return s
        }

        /// The error as an openrun diagnostic with id `starlark.<kind>`; the backtrace becomes notes.
        /// This error and the additional ones, each as `file:line:col: message`.
        public var allMessages: [String] { [description] + additional.map(\.description) }

        public var diagnostic: Diagnostic {
            let notes = backtrace.count > 1 ? backtrace.map { Diagnostic.Note("called from \($0.function)", at: $0.location) } : []
            return .error("starlark.\(kind.rawValue)", message, at: location, notes: notes)
        }
    }
}
