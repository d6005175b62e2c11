import Synchronization

/// Receives diagnostics as a stage finds them.
public protocol DiagnosticCollector: AnyObject {
    func emit(_ diagnostic: Diagnostic)
}

/// The usual collector: keeps every diagnostic in emission order and keeps
/// going after errors, so one run reports all of them. A stage calls
/// `check()` at its boundary, which throws `DiagnosticError` if any error
/// was collected.
public final class Diagnostics: DiagnosticCollector, Sendable {
    private let items = Mutex<[Diagnostic]>([])

    public init() {}

    public func emit(_ diagnostic: Diagnostic) {
        items.withLock { $0.append(diagnostic) }
    }

    public func error(_ id: String, _ message: String, at location: SourceLocation? = nil, notes: [Diagnostic.Note] = []) {
        emit(.error(id, message, at: location, notes: notes))
    }

    public func warning(_ id: String, _ message: String, at location: SourceLocation? = nil, notes: [Diagnostic.Note] = []) {
        emit(.warning(id, message, at: location, notes: notes))
    }

    /// Every diagnostic so far, in the order they were emitted.
    public var all: [Diagnostic] { items.withLock { $0 } }

    public var errors: [Diagnostic] { all.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { all.filter { $0.severity == .warning } }
    public var hasErrors: Bool { items.withLock { $0.contains { $0.severity == .error } } }

    /// Adds every diagnostic of `error` (used when a sub-stage threw).
    public func absorb(_ error: DiagnosticError) {
        for d in error.diagnostics { emit(d) }
    }

    /// Throws a `DiagnosticError` holding everything collected if any of it is an error.
    public func check() throws(DiagnosticError) {
        let snapshot = all
        if snapshot.contains(where: { $0.severity == .error }) {
            throw DiagnosticError(snapshot)
        }
    }

    /// All diagnostics rendered, one block per diagnostic, in emission order
    /// (at most `Diagnostic.maxPerFile` per file).
    public var rendered: String { Diagnostic.render(all).joined(separator: "\n") }
}

/// Thrown at a stage boundary when the stage found errors; carries every
/// diagnostic the stage collected (warnings included), in emission order.
public struct DiagnosticError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
    public init(_ diagnostic: Diagnostic) { self.diagnostics = [diagnostic] }

    public var description: String { Diagnostic.render(diagnostics).joined(separator: "\n") }
}
