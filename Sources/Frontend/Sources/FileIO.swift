#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import IR
import Synchronization

/// Small POSIX file helpers for sources that report failures as diagnostics
/// (byte-exact names, no Foundation path normalisation, symlinks never followed).
package enum FileIO {
    /// The text of the current `errno`.
    package static func errnoText(_ code: Int32 = errno) -> String {
        String(cString: strerror(code))
    }

    /// Names in a folder (without `.` and `..`), unsorted.
    package static func listFolder(_ path: String, location: SourceLocation) throws(DiagnosticError) -> [String] {
        guard let dir = opendir(path) else {
            throw DiagnosticError(.error("sources.unreadable", "cannot list folder: \(errnoText())", at: location))
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name == "." || name == ".." { continue }
            names.append(name)
        }
        return names
    }

    /// A symlink's target as stored.
    package static func readLink(_ path: String, location: SourceLocation) throws(DiagnosticError) -> String {
        var buffer = [CChar](repeating: 0, count: 4097)
        let n = readlink(path, &buffer, 4096)
        guard n >= 0 else {
            throw DiagnosticError(.error("sources.unreadable", "cannot read symlink: \(errnoText())", at: location))
        }
        return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Reads a whole file.
    package static func readAll(_ path: String, location: SourceLocation) throws(DiagnosticError) -> [UInt8] {
        var out: [UInt8] = []
        try streamFile(path, location: location) { out.reserveCapacity($0) } chunk: { out.append(contentsOf: $0) }
        return out
    }

    /// Streams a regular file: `size` is called once with the size from
    /// `fstat`, then `chunk` with successive pieces. Fails if the file
    /// changed size while being read.
    package static func streamFile(
        _ path: String, location: SourceLocation,
        size: (Int) -> Void, chunk: (UnsafeRawBufferPointer) -> Void
    ) throws(DiagnosticError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else {
            throw DiagnosticError(.error("sources.unreadable", "cannot read file: \(errnoText())", at: location))
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw DiagnosticError(.error("sources.unreadable", "cannot read file: \(errnoText())", at: location))
        }
        let expected = Int(st.st_size)
        size(expected)
        var total = 0
        let capacity = 1 << 16
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer.baseAddress, capacity)
            if n < 0 {
                if errno == EINTR { continue }
                throw DiagnosticError(.error("sources.unreadable", "cannot read file: \(errnoText())", at: location))
            }
            if n == 0 { break }
            total += n
            if total > expected { break }
            chunk(UnsafeRawBufferPointer(start: buffer.baseAddress, count: n))
        }
        if total != expected {
            throw DiagnosticError(.error("sources.changed", "file changed while it was being read", at: location))
        }
    }

    /// `lstat` file type bits, or nil when the path does not exist.
    package static func fileType(_ path: String) -> mode_t? {
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        return st.st_mode & S_IFMT
    }

    /// `stat` (following links) file type bits, or nil.
    package static func followedFileType(_ path: String) -> mode_t? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return st.st_mode & S_IFMT
    }

    /// Creates a fresh private folder under `parent` named `prefix` + random suffix.
    package static func makeTemporaryFolder(in parent: String, prefix: String) throws(DiagnosticError) -> String {
        var template = Array((parent + "/" + prefix + "XXXXXX").utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else {
            throw DiagnosticError(.error("sources.temp-folder", "cannot create a temporary folder in '\(parent)': \(errnoText())"))
        }
        let folder = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        liveTemporaryFolders.withLock { _ = $0.insert(folder) }
        return folder
    }

    /// Temporary folders made by this process and not removed yet, so an
    /// interrupted run can remove them (`removeLiveTemporaryFolders`).
    static let liveTemporaryFolders = Mutex<Set<String>>([])

    /// Removes every temporary folder this process made and still holds
    /// (called when the CLI is interrupted).
    package static func removeLiveTemporaryFolders() {
        let folders = liveTemporaryFolders.withLock { s in defer { s.removeAll() }; return s }
        for f in folders { removeTree(f) }
    }

    /// The system temporary folder (`$TMPDIR`, else `/tmp`).
    package static var temporaryRoot: String {
        if let t = getenv("TMPDIR"), t.pointee != 0 {
            var s = String(cString: t)
            while s.count > 1, s.hasSuffix("/") { s.removeLast() }
            return s
        }
        return "/tmp"
    }

    /// Creates a folder and its parents (like `mkdir -p`).
    package static func makeFolders(_ path: String, mode: mode_t = 0o755) throws(DiagnosticError) {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, mode) != 0 && errno != EEXIST {
                throw DiagnosticError(.error("sources.write-failed", "cannot create folder '\(current)': \(errnoText())"))
            }
        }
    }

    /// Removes a file tree without following symlinks (like `rm -rf`); errors are ignored.
    package static func removeTree(_ path: String) {
        _ = liveTemporaryFolders.withLock { $0.remove(path) }  // no longer needs removing on interrupt
        guard let type = fileType(path) else { return }
        if type == S_IFDIR {
            if let names = try? listFolder(path, location: .file(path)) {
                for name in names { removeTree(path + "/" + name) }
            }
            chmod(path, 0o700)
            rmdir(path)
        } else {
            unlink(path)
        }
    }

    /// Writes `bytes` to a new file with `mode`.
    package static func writeFile(_ path: String, _ bytes: UnsafeRawBufferPointer, mode: mode_t) throws(DiagnosticError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else {
            throw DiagnosticError(.error("sources.write-failed", "cannot write '\(path)': \(errnoText())"))
        }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw DiagnosticError(.error("sources.write-failed", "cannot write '\(path)': \(errnoText())"))
            }
            offset += n
        }
        fchmod(fd, mode)
    }

    /// Writes `bytes` to a new file with `mode`.
    package static func writeFile(_ path: String, _ bytes: [UInt8], mode: mode_t) throws(DiagnosticError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else {
            throw DiagnosticError(.error("sources.write-failed", "cannot write '\(path)': \(errnoText())"))
        }
        defer { close(fd) }
        let ok = bytes.withUnsafeBytes { b -> Bool in
            var offset = 0
            while offset < b.count {
                let n = write(fd, b.baseAddress! + offset, b.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += n
            }
            return true
        }
        guard ok else { throw DiagnosticError(.error("sources.write-failed", "cannot write '\(path)': \(errnoText())")) }
        fchmod(fd, mode)
    }

    /// Copies a regular file's bytes to `destination` with `mode`.
    package static func copyFile(from source: String, to destination: String, mode: mode_t, location: SourceLocation) throws(DiagnosticError) {
        let out = open(destination, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode)
        guard out >= 0 else {
            throw DiagnosticError(.error("sources.write-failed", "cannot write '\(destination)': \(errnoText())", at: location))
        }
        defer { close(out) }
        var failure: DiagnosticError?
        try streamFile(source, location: location) { _ in } chunk: { buffer in
            guard failure == nil else { return }
            var offset = 0
            while offset < buffer.count {
                let n = write(out, buffer.baseAddress! + offset, buffer.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = DiagnosticError(.error("sources.write-failed", "cannot write '\(destination)': \(errnoText())", at: location))
                    return
                }
                offset += n
            }
        }
        if let failure { throw failure }
        fchmod(out, mode)
    }
}
