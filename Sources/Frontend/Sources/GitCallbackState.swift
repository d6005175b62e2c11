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

    /// known_hosts files to check ssh host keys against.
    var knownHostsPaths: [String] = []
    /// The port of an `ssh://host:port/` URL (libgit2 1.5 does not tell the callback).
    var sshPort: Int?
    /// Set when an ssh host key was refused: the verdict, host and fingerprint.
    var hostKeyRefusal: (verdict: KnownHosts.Verdict, host: String, fingerprint: String)?

    /// Checks an ssh server's key blob against known_hosts: 0 to go on,
    /// `GIT_ECERTIFICATE` (and `hostKeyRefusal` set) to stop.
    func checkHostKey(host: String, key: [UInt8]) -> Int32 {
        let verdict = KnownHosts.load(knownHostsPaths).verify(host: host, port: sshPort, key: key)
        if verdict == .trusted { return 0 }
        var fingerprint = Data(SHA256.hash(key)).base64EncodedString()
        while fingerprint.hasSuffix("=") { fingerprint.removeLast() }
        hostKeyRefusal = (verdict, host, "SHA256:" + fingerprint)
        return GIT_ECERTIFICATE.rawValue
    }

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
