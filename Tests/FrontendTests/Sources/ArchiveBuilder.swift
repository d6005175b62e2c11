import CArchive
import Foundation

/// Writes tar or zip archives entry by entry through libarchive, so tests can
/// craft hostile entries (`../evil`, absolute paths, devices, escaping links)
/// that the `tar` and `zip` tools refuse to create.
struct ArchiveBuilder {
    enum Format { case paxTar, gnuTar, zip }

    enum Kind {
        case file(String, perm: Int32 = 0o644)
        case folder
        case symlink(String)
        case hardlink(String)
        case charDevice
        case fifo
    }

    var entries: [(String, Kind)] = []

    mutating func add(_ path: String, _ kind: Kind) {
        entries.append((path, kind))
    }

    func write(to path: String, format: Format = .paxTar, gzip: Bool = false) throws {
        guard let a = archive_write_new() else { throw Failed(message: "archive_write_new") }
        defer { archive_write_free(a) }
        switch format {
        case .paxTar: archive_write_set_format_pax_restricted(a)
        case .gnuTar: archive_write_set_format_gnutar(a)
        case .zip: archive_write_set_format_zip(a)
        }
        if gzip { archive_write_add_filter_gzip(a) }
        guard archive_write_open_filename(a, path) == ARCHIVE_OK else { throw Failed(message: "open \(path)") }
        for (name, kind) in entries {
            let e = archive_entry_new()
            defer { archive_entry_free(e) }
            archive_entry_set_pathname(e, name)
            archive_entry_set_mtime(e, 1_700_000_000, 0)
            var data: [UInt8] = []
            switch kind {
            case .file(let content, let perm):
                data = Array(content.utf8)
                archive_entry_set_filetype(e, 0o100000)
                archive_entry_set_perm(e, mode_t(perm))
                archive_entry_set_size(e, Int64(data.count))
            case .folder:
                archive_entry_set_filetype(e, 0o040000)
                archive_entry_set_perm(e, 0o755)
            case .symlink(let target):
                archive_entry_set_filetype(e, 0o120000)
                archive_entry_set_perm(e, 0o777)
                archive_entry_set_symlink(e, target)
            case .hardlink(let target):
                archive_entry_set_filetype(e, 0o100000)
                archive_entry_set_perm(e, 0o644)
                archive_entry_set_hardlink(e, target)
                archive_entry_set_size(e, 0)
            case .charDevice:
                archive_entry_set_filetype(e, 0o020000)
                archive_entry_set_perm(e, 0o666)
                archive_entry_set_rdevmajor(e, 1)
                archive_entry_set_rdevminor(e, 3)
            case .fifo:
                archive_entry_set_filetype(e, 0o010000)
                archive_entry_set_perm(e, 0o644)
            }
            guard archive_write_header(a, e) == ARCHIVE_OK else {
                throw Failed(message: "header \(name): " + String(cString: archive_error_string(a)))
            }
            if !data.isEmpty {
                _ = data.withUnsafeBytes { archive_write_data(a, $0.baseAddress, $0.count) }
            }
        }
        archive_write_close(a)
    }

    struct Failed: Error { var message: String }
}
