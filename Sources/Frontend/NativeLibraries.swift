import CArchive
import CGit2
import IR

/// The C libraries the frontends use for sources: libgit2 for git, libarchive for archives. They
/// are loaded on first use, not linked (CLazyLibrary.h): a process that reads neither never maps
/// them or their dependencies. Call `require…` before the first of their functions.
public enum NativeLibraries {
    /// Loads libgit2 (initialised once per process), or explains what is missing.
    static func requireLibgit2(for what: String, at location: SourceLocation) throws(DiagnosticError) {
        if let why = libgit2Failure {
            throw missing("libgit2", package: "libgit2-\(LIBGIT2_SOVERSION)", why: why, for: what, at: location)
        }
    }

    /// Loads libarchive, or explains what is missing.
    static func requireLibarchive(for what: String, at location: SourceLocation) throws(DiagnosticError) {
        if let why = libarchiveFailure {
            throw missing("libarchive", package: "libarchive13", why: why, for: what, at: location)
        }
    }

    private static let libgit2Failure: String? = {
        if let why = load(openrun_git2_load) { return why }
        git_libgit2_init()
        return nil
    }()

    private static let libarchiveFailure: String? = load(openrun_archive_load)

    private static func load(_ loader: (UnsafeMutablePointer<CChar>?, UInt) -> Int32) -> String? {
        var error = [CChar](repeating: 0, count: 512)
        guard loader(&error, UInt(error.count)) != 0 else { return nil }
        return error.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    private static func missing(_ library: String, package: String, why: String, for what: String,
                                at location: SourceLocation) -> DiagnosticError {
        DiagnosticError(.error("sources.library-missing",
                               "cannot read \(what): \(library) could not be loaded (\(why))",
                               at: location,
                               notes: [.init("install \(library) (Debian: apt install \(package)), or use a local folder as the source")]))
    }

    /// libgit2's version, e.g. `1.5.1` (or why it cannot be loaded).
    public static var libgit2Version: String {
        if let why = libgit2Failure { return "not loadable: \(why)" }
        var major: Int32 = 0, minor: Int32 = 0, rev: Int32 = 0
        git_libgit2_version(&major, &minor, &rev)
        return "\(major).\(minor).\(rev)"
    }

    /// libarchive's version, e.g. `3.6.2` (or why it cannot be loaded).
    public static var libarchiveVersion: String {
        if let why = libarchiveFailure { return "not loadable: \(why)" }
        let n = Int(archive_version_number())
        return "\(n / 1_000_000).\(n / 1_000 % 1_000).\(n % 1_000)"
    }
}
