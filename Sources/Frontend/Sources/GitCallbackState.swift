#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CGit2
import Foundation
import IR

/// State shared with libgit2 callbacks during one fetch.
final class GitCallbackState {
    var token: String?
    var username: String?
    var triedAgent = false
    var triedToken = false
    var triedUsername = false
    var authWasRequested = false
    var showProgress: Bool
    var sink: @Sendable (String) -> Void
    var label: String
    /// Monotonic seconds (replaceable in tests).
    var clock: () -> Double = GitCallbackState.now
    lazy var started = clock()
    var delay: Double = 1
    var lastPrint = -Double.infinity
    var printed = false
    var printedDone = false

    init(token: String?, username: String?, showProgress: Bool, sink: @escaping @Sendable (String) -> Void, label: String) {
        self.token = token
        self.username = username
        self.showProgress = showProgress
        self.sink = sink
        self.label = label
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Prints a progress line at most every 250 ms, and only once the fetch
    /// has taken more than a second.
    func progress(_ stats: git_indexer_progress) {
        guard showProgress else { return }
        let t = clock()
        let done = stats.total_objects > 0 && stats.indexed_objects == stats.total_objects
        if !done && (t - started < delay || t - lastPrint < 0.25) { return }
        if done && ((!printed && t - started < delay) || printedDone) { return }
        printedDone = done
        lastPrint = t
        printed = true
        let percent = stats.total_objects == 0 ? 0 : Int(stats.received_objects) * 100 / Int(stats.total_objects)
        let mib = Double(stats.received_bytes) / 1_048_576
        let mibText = String(Int(mib * 10) / 10) + "." + String(Int(mib * 10) % 10)
        sink("\rFetching \(label): \(percent)% (\(stats.received_objects)/\(stats.total_objects) objects, \(mibText) MiB)")
    }

    func finish() {
        if printed { sink("\n") }
        printed = false
        printedDone = false
    }
}
