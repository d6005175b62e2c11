import Foundation

/// Why an app could not be started; the proxy maps each case to a status code.
package enum StartFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// Not healthy within the budget (504).
    case timedOut(after: Duration)
    /// The container exited while starting; its last log lines (503).
    case exited(exitCode: Int?, logs: String)
    /// A secret the app needs is not in openrun's environment (503): the variable and a sentence naming it.
    case missingSecret(variable: String, message: String)
    /// A cl_secret file could not be rendered (503).
    case secretFile(name: String, message: String)
    /// An engine command failed (503).
    case engine(EngineError)
    /// The engine published no port for the container (503).
    case noPublishedPort(container: String, port: Int)
    /// openrun is shutting down (503).
    case shuttingDown

    /// One line for the client and the log, without logs.
    package var reason: String {
        switch self {
        case .timedOut(let d): "the app was not healthy after \(d.formattedSeconds)"
        case .exited(let code, _): "the app's container exited while starting" + (code.map { " (exit status \($0))" } ?? "")
        case .missingSecret(let name, let message):
            message.isEmpty ? "the secret \(name) is not set in openrun's environment" : message
        case .secretFile(let name, let message): "cannot render the secret file \(name): \(message)"
        case .engine(let e): "the container engine failed: \(e.command)" + (e.exitCode.map { " exited with status \($0)" } ?? "")
        case .noPublishedPort(let c, let p): "the engine published no host port for port \(p) of \(c)"
        case .shuttingDown: "openrun is shutting down"
        }
    }

    /// Engine output worth showing (container logs, engine stderr), or empty.
    package var details: String {
        switch self {
        case .exited(_, let logs): logs
        case .engine(let e): e.output
        default: ""
        }
    }

    package var description: String { details.isEmpty ? reason : "\(reason)\n\(details)" }
}

extension Duration {
    /// `1.234 s`, for messages.
    package var formattedSeconds: String {
        let ms = Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
        return String(format: "%.3f s", ms / 1000)
    }

    /// Milliseconds as a Double, for logs, metrics and Server-Timing.
    package var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}
