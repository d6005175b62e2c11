import Dispatch
import Frontend
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Removes the temporary folders a run made (materialized bundled specs,
/// extracted archives) when it is interrupted by SIGINT, SIGTERM or SIGHUP,
/// then dies of the same signal as it would have without the handler.
package enum InterruptCleanup {
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []

    package static func install() {
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                FileIO.removeLiveTemporaryFolders()
                // Die of the signal: default action, unblocked (libdispatch
                // blocks it to receive it), raised again; exit if that returns.
                signal(sig, SIG_DFL)
                var set = sigset_t()
                sigemptyset(&set)
                sigaddset(&set, sig)
                pthread_sigmask(SIG_UNBLOCK, &set, nil)
                raise(sig)
                _exit(128 + sig)
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Stops handling the signals (`openrun run` shuts down gracefully on SIGINT/SIGTERM itself
    /// and removes its folders on the way out).
    package static func uninstall() {
        for source in sources { source.cancel() }
        sources = []
    }
}
