#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CArchive
import IR

/// Extracts `.tar`, `.tar.gz`, `.tgz` and `.zip` archives (through
/// libarchive) into a fresh temporary folder, refusing unsafe archives.
///
/// Every entry is checked before anything is written: absolute paths, `..`
/// components, symlinks or hardlinks whose target leaves the archive's root
/// (following the archive's own symlinks), entries written through a
/// symlink, hardlinks to files not in the archive, and device, FIFO and
/// socket entries are all refused, and all of them are reported. Permissions
/// keep their `rwx` bits (so executables stay executable) and lose setuid,
/// setgid and sticky bits; owners are not restored.
package struct ArchiveExtractor {
    /// Where temporary folders are made (default: `$TMPDIR` or `/tmp`).
    package var temporaryRoot: String
    /// How the archive is named in diagnostics.
    package var location: SourceLocation

    package init(temporaryRoot: String = FileIO.temporaryRoot, location: SourceLocation) {
        self.temporaryRoot = temporaryRoot
        self.location = location
    }

    /// The result of an extraction.
    package struct Extracted: Sendable {
        /// The temporary folder made for this archive; remove it when done.
        package var folder: String
        /// The app's root: `folder`, or its single top-level sub-folder when
        /// the archive holds exactly one folder and nothing else.
        package var root: String
    }

    /// One entry as read in the checking pass.
    struct Entry {
        var path: String
        var type: mode_t
        var symlink: String?
        var hardlink: String?
    }

    /// Checks and extracts `archivePath`. On any error nothing is left on disk.
    package func extract(_ archivePath: String) throws(DiagnosticError) -> Extracted {
        try NativeLibraries.requireLibarchive(for: "an archive", at: location)
        let entries = try readEntries(archivePath)
        try check(entries)
        var folder = try FileIO.makeTemporaryFolder(in: temporaryRoot, prefix: "openrun-archive-")
        // libarchive refuses to write through symlinks anywhere in the path,
        // so use the folder's real path (TMPDIR may sit behind a symlink).
        if let real = realpath(folder, nil) {
            folder = String(cString: real)
            free(real)
        }
        do {
            try write(archivePath, into: folder)
        } catch {
            FileIO.removeTree(folder)
            throw error
        }
        var root = folder
        let top = (try? FileIO.listFolder(folder, location: location)) ?? []
        if top.count == 1, FileIO.fileType(folder + "/" + top[0]) == S_IFDIR {
            root = folder + "/" + top[0]
        }
        return Extracted(folder: folder, root: root)
    }

    private func openReader(_ archivePath: String) throws(DiagnosticError) -> OpaquePointer {
        guard let a = archive_read_new() else {
            throw DiagnosticError(.error("sources.archive-unreadable", "cannot read archive: out of memory", at: location))
        }
        archive_read_support_filter_all(a)
        archive_read_support_format_tar(a)
        archive_read_support_format_gnutar(a)
        archive_read_support_format_zip(a)
        if archive_read_open_filename(a, archivePath, 1 << 16) != ARCHIVE_OK {
            let message = errorText(a)
            archive_read_free(a)
            throw DiagnosticError(.error("sources.archive-unreadable", "cannot read archive: \(message)", at: location))
        }
        return a
    }

    private func errorText(_ a: OpaquePointer) -> String {
        if let s = archive_error_string(a) { return String(cString: s) }
        return "unknown error"
    }

    private static func string(_ p: UnsafePointer<CChar>?) -> String? {
        guard let p else { return nil }
        return String(cString: p)
    }

    private static func pathname(_ entry: OpaquePointer) -> String {
        string(archive_entry_pathname_utf8(entry)) ?? string(archive_entry_pathname(entry)) ?? ""
    }

    /// Reads every header (no data) so the archive can be judged as a whole.
    func readEntries(_ archivePath: String) throws(DiagnosticError) -> [Entry] {
        let a = try openReader(archivePath)
        defer { archive_read_free(a) }
        var entries: [Entry] = []
        var header: OpaquePointer?
        while true {
            let r = archive_read_next_header(a, &header)
            if r == ARCHIVE_EOF { break }
            guard r == ARCHIVE_OK || r == ARCHIVE_WARN, let entry = header else {
                throw DiagnosticError(.error("sources.archive-unreadable", "cannot read archive: \(errorText(a))", at: location))
            }
            entries.append(Entry(
                path: Self.pathname(entry),
                type: archive_entry_filetype(entry),
                symlink: Self.string(archive_entry_symlink_utf8(entry)) ?? Self.string(archive_entry_symlink(entry)),
                hardlink: Self.string(archive_entry_hardlink_utf8(entry)) ?? Self.string(archive_entry_hardlink(entry))))
            archive_read_data_skip(a)
        }
        return entries
    }

    /// The entry's path without leading `./`, or nil for the root itself.
    static func normalized(_ path: String) -> String? {
        var p = Substring(path)
        while p.hasPrefix("./") { p = p.dropFirst(2) }
        while p.hasSuffix("/") { p = p.dropLast() }
        if p.isEmpty || p == "." { return nil }
        return String(p)
    }

    /// Refuses unsafe entries, reporting every one of them.
    func check(_ entries: [Entry]) throws(DiagnosticError) {
        let diagnostics = Diagnostics()
        func refuse(_ message: String) {
            diagnostics.error("sources.archive-unsafe", message, at: location)
        }
        var links: [String: String] = [:]
        var validPaths: [(Entry, String)] = []
        for e in entries {
            if e.path.hasPrefix("/") {
                refuse("archive entry '\(e.path)' has an absolute path")
                continue
            }
            guard let path = Self.normalized(e.path) else { continue }
            guard let parts = PathCleaning.safeComponents(path) else {
                refuse("archive entry '\(e.path)' has a '..' component")
                continue
            }
            let clean = parts.joined(separator: "/")
            if e.hardlink == nil {
                switch e.type {
                case S_IFREG, S_IFDIR:
                    break
                case S_IFLNK:
                    links[clean] = e.symlink ?? ""
                case S_IFCHR, S_IFBLK:
                    refuse("archive entry '\(e.path)' is a device file")
                    continue
                case S_IFIFO:
                    refuse("archive entry '\(e.path)' is a FIFO")
                    continue
                case S_IFSOCK:
                    refuse("archive entry '\(e.path)' is a socket")
                    continue
                default:
                    refuse("archive entry '\(e.path)' has an unsupported file type")
                    continue
                }
            }
            validPaths.append((e, clean))
        }
        let resolver = ContainedPathResolver(links: links)
        var seenFiles = Set<String>()
        for (e, path) in validPaths {
            let parts = path.split(separator: "/").map(String.init)
            // No entry may be written through one of the archive's symlinks.
            var through: String?
            for n in 1..<max(parts.count, 1) where links[parts.prefix(n).joined(separator: "/")] != nil {
                through = parts.prefix(n).joined(separator: "/")
                break
            }
            if let through {
                refuse("archive entry '\(e.path)' would be written through the symlink '\(through)'")
                continue
            }
            if let target = e.hardlink {
                guard let targetParts = PathCleaning.safeComponents(Self.normalized(target) ?? ""),
                    !target.hasPrefix("/")
                else {
                    refuse("archive entry '\(e.path)' is a hardlink to '\(target)', outside the archive")
                    continue
                }
                let targetPath = targetParts.joined(separator: "/")
                guard case .inside(let resolved) = resolver.resolve(targetPath), seenFiles.contains(resolved) else {
                    refuse("archive entry '\(e.path)' is a hardlink to '\(target)', which is not a file earlier in the archive")
                    continue
                }
                seenFiles.insert(path)
                continue
            }
            if e.type == S_IFLNK {
                let target = links[path] ?? ""
                if target.isEmpty {
                    refuse("archive entry '\(e.path)' is a symlink with an empty target")
                    continue
                }
                switch resolver.resolveLinkTarget(target, at: path) {
                case .inside: break
                case .escapes: refuse("archive entry '\(e.path)' is a symlink to '\(target)', outside the archive")
                case .loop: refuse("archive entry '\(e.path)' is a symlink loop")
                }
                continue
            }
            if e.type == S_IFREG { seenFiles.insert(path) }
        }
        try diagnostics.check()
    }

    /// The extraction pass, after `check` accepted every entry.
    private func write(_ archivePath: String, into folder: String) throws(DiagnosticError) {
        let a = try openReader(archivePath)
        defer { archive_read_free(a) }
        guard let disk = archive_write_disk_new() else {
            throw DiagnosticError(.error("sources.archive-unreadable", "cannot extract archive: out of memory", at: location))
        }
        defer { archive_write_free(disk) }
        archive_write_disk_set_options(disk, ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT)
        var header: OpaquePointer?
        while true {
            let r = archive_read_next_header(a, &header)
            if r == ARCHIVE_EOF { break }
            guard r == ARCHIVE_OK || r == ARCHIVE_WARN, let entry = header else {
                throw DiagnosticError(.error("sources.archive-unreadable", "cannot read archive: \(errorText(a))", at: location))
            }
            guard let path = Self.normalized(Self.pathname(entry)) else { continue }
            archive_entry_copy_pathname(entry, folder + "/" + path)
            if let target = Self.string(archive_entry_hardlink_utf8(entry)) ?? Self.string(archive_entry_hardlink(entry)),
                let clean = Self.normalized(target)
            {
                archive_entry_copy_hardlink(entry, folder + "/" + clean)
            }
            let type = archive_entry_filetype(entry)
            var perm = archive_entry_perm(entry) & 0o777
            if type == S_IFDIR { perm |= 0o700 } else if type == S_IFREG { perm |= 0o600 }
            archive_entry_set_perm(entry, perm)
            archive_entry_set_uid(entry, Int64(getuid()))
            archive_entry_set_gid(entry, Int64(getgid()))
            guard archive_write_header(disk, entry) >= ARCHIVE_WARN else {
                throw DiagnosticError(.error("sources.archive-extract-failed", "cannot extract '\(path)': \(errorText(disk))", at: location))
            }
            if archive_entry_size(entry) > 0 {
                var buffer: UnsafeRawPointer?
                var size = 0
                var offset: Int64 = 0
                while true {
                    let rr = archive_read_data_block(a, &buffer, &size, &offset)
                    if rr == ARCHIVE_EOF { break }
                    guard rr >= ARCHIVE_WARN else {
                        throw DiagnosticError(.error("sources.archive-unreadable", "cannot read '\(path)' from the archive: \(errorText(a))", at: location))
                    }
                    guard archive_write_data_block(disk, buffer, size, offset) >= ARCHIVE_WARN else {
                        throw DiagnosticError(.error("sources.archive-extract-failed", "cannot extract '\(path)': \(errorText(disk))", at: location))
                    }
                }
            }
            guard archive_write_finish_entry(disk) >= ARCHIVE_WARN else {
                throw DiagnosticError(.error("sources.archive-extract-failed", "cannot extract '\(path)': \(errorText(disk))", at: location))
            }
        }
        archive_write_close(disk)
    }
}
