import CArchive
import CGit2

/// Versions of the C libraries the frontends use for sources (libgit2 for git,
/// libarchive for archives), for `openrun --version` and bug reports.
public enum NativeLibraries {
    /// libgit2's version, e.g. `1.5.1`.
    public static var libgit2Version: String {
        var major: Int32 = 0, minor: Int32 = 0, rev: Int32 = 0
        git_libgit2_version(&major, &minor, &rev)
        return "\(major).\(minor).\(rev)"
    }

    /// libarchive's version, e.g. `3.6.2`.
    public static var libarchiveVersion: String {
        let n = Int(archive_version_number())
        return "\(n / 1_000_000).\(n / 1_000 % 1_000).\(n % 1_000)"
    }
}
