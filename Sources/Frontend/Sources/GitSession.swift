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

/// One fetch-and-checkout conversation with libgit2 (owns its C handles).
final class GitSession {
    let source: GitSource
    let location: SourceLocation
    let fetcher: GitFetcher
    var repo: OpaquePointer?
    var remote: OpaquePointer?
    let state: GitCallbackState
    /// Warnings for the caller (e.g. an offline fallback to the cache).
    var warnings: [Diagnostic] = []

    init(source: GitSource, location: SourceLocation, fetcher: GitFetcher) {
        self.source = source
        self.location = location
        self.fetcher = fetcher
        let (username, token) = GitFetcher.httpsCredentials(host: source.host, environment: fetcher.environment)
        let show: Bool
        switch fetcher.progress {
        case .always: show = true
        case .never: show = false
        case .auto: show = isatty(2) != 0
        }
        state = GitCallbackState(token: token, username: username, showProgress: show, sink: fetcher.progressSink, label: source.displayURL)
        state.delay = fetcher.progressDelay
        state.knownHostsPaths = KnownHosts.defaultPaths(environment: fetcher.environment)
        state.sshPort = source.port
    }

    func close() {
        if let remote { git_remote_free(remote) }
        if let repo { git_repository_free(repo) }
        remote = nil
        repo = nil
    }

    /// The last libgit2 error, with credentials removed.
    func lastError() -> String {
        guard let e = git_error_last(), let m = e.pointee.message else { return "unknown libgit2 error" }
        var text = String(cString: m)
        while text.hasSuffix("\n") || text.hasSuffix(".") { text.removeLast() }
        return redact(text)
    }

    func redact(_ text: String) -> String {
        var out = text.replacingAll(source.cloneURL, with: source.displayURL)
        if let token = state.token, !token.isEmpty { out = out.replacingAll(token, with: "***") }
        return SourceReference.redactCredentials(out)
    }

    func fail(_ id: String, _ message: String, at loc: SourceLocation? = nil, notes: [Diagnostic.Note] = []) -> DiagnosticError {
        DiagnosticError(.error(id, message, at: loc ?? location, notes: notes))
    }

    func openRepository(_ path: String) throws(DiagnosticError) {
        var r: OpaquePointer?
        if git_repository_open_bare(&r, path) == 0 {
            repo = r
            return
        }
        FileIO.removeTree(path)
        guard git_repository_init(&r, path, 1) == 0 else {
            throw fail("sources.git-cache", "cannot create the git cache at '\(path)': \(lastError())")
        }
        repo = r
    }

    /// Finds the commit to check out, fetching only when needed.
    func resolveCommit() throws(DiagnosticError) -> (String, Bool) {
        if let commit = source.commit {
            // Commits never change: one already in the cache needs no fetch.
            if let found = try lookupCommit(commit) { return (found, false) }
        }
        let heads: [RemoteHead]
        do {
            heads = try connectAndList()
        } catch {
            // Offline: a branch (or the default branch) fetched before is still usable.
            guard source.commit == nil, error.diagnostics.first?.id == "sources.git-unreachable",
                let cached = try cachedCommit()
            else { throw error }
            let what = source.branch.map { "'\($0)'" } ?? "the default branch"
            warnings.append(.warning(
                "sources.git-offline",
                "cannot reach \(source.displayURL); using commit \(cached.prefix(12)) of \(what) fetched earlier",
                at: location, notes: error.diagnostics.first?.notes ?? []))
            return (cached, false)
        }
        if let commit = source.commit {
            // 1. a ref that points at the commit; 2. the branch or default branch; 3. everything.
            var tried: [[String]] = []
            if commit.count == 40, let ref = heads.first(where: { $0.oid == commit && ($0.name.hasPrefix("refs/heads/") || $0.name.hasPrefix("refs/tags/")) }) {
                let name = ref.name.hasSuffix("^{}") ? String(ref.name.dropLast(3)) : ref.name
                tried.append([refspec(for: name)])
            }
            if let branch = source.branch, let ref = findBranch(branch, in: heads) {
                tried.append([refspec(for: ref.name)])
            } else if source.branch == nil, let def = defaultBranch(heads) {
                tried.append([refspec(for: def.name)])
            }
            tried.append(["+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"])
            var done: Set<[String]> = []
            for refspecs in tried where done.insert(refspecs).inserted {
                try download(refspecs)
                if let found = try lookupCommit(commit) { return (found, true) }
            }
            throw fail(
                "sources.git-no-commit", "commit \(commit) was not found in \(source.displayURL)",
                at: .flag("--commit", commit), notes: [.init("every branch and tag was fetched; the commit is on none of them")])
        }
        let ref: RemoteHead
        if let branch = source.branch {
            guard let found = findBranch(branch, in: heads) else {
                let names = heads.compactMap { $0.name.hasPrefix("refs/heads/") ? String($0.name.dropFirst(11)) : nil }.sorted()
                let shown = names.prefix(10).joined(separator: ", ") + (names.count > 10 ? ", ..." : "")
                throw fail(
                    "sources.git-no-branch", "branch '\(branch)' was not found in \(source.displayURL)",
                    at: .flag("--branch", branch), notes: names.isEmpty ? [] : [.init("branches: \(shown)")])
            }
            ref = found
        } else {
            guard let def = defaultBranch(heads) else {
                throw fail("sources.git-empty", "\(source.displayURL) has no branches (an empty repository?)")
            }
            ref = def
        }
        try download([refspec(for: ref.name)])
        if source.branch == nil, ref.name.hasPrefix("refs/heads/") {
            // Remember the default branch for offline use.
            var out: OpaquePointer?
            let target = "refs/remotes/origin/" + ref.name.dropFirst(11)
            if git_reference_symbolic_create(&out, repo, "refs/remotes/origin/HEAD", target, 1, "openrun: default branch") == 0 {
                git_reference_free(out)
            }
        }
        guard let found = try lookupCommit(ref.oid) else {
            throw fail("sources.git-fetch-failed", "fetching \(ref.name) from \(source.displayURL) did not yield commit \(ref.oid)")
        }
        return (found, true)
    }

    /// The commit the cache holds for the requested branch or tag (or the
    /// default branch), if any.
    func cachedCommit() throws(DiagnosticError) -> String? {
        let names = source.branch.map { ["refs/remotes/origin/\($0)", "refs/tags/\($0)"] } ?? ["refs/remotes/origin/HEAD"]
        for name in names {
            var oid = git_oid()
            if git_reference_name_to_id(&oid, repo, name) == 0 {
                return try lookupCommit(Self.hex(&oid))
            }
        }
        return nil
    }

    struct RemoteHead {
        var name: String
        var oid: String
        var symrefTarget: String?
    }

    func refspec(for name: String) -> String {
        if name.hasPrefix("refs/heads/") {
            return "+\(name):refs/remotes/origin/\(name.dropFirst(11))"
        }
        return "+\(name):\(name)"
    }

    func findBranch(_ branch: String, in heads: [RemoteHead]) -> RemoteHead? {
        heads.first { $0.name == "refs/heads/" + branch } ?? heads.first { $0.name == "refs/tags/" + branch }
    }

    func defaultBranch(_ heads: [RemoteHead]) -> RemoteHead? {
        if let head = heads.first(where: { $0.name == "HEAD" }) {
            if let target = head.symrefTarget, let ref = heads.first(where: { $0.name == target }) { return ref }
            let candidates = heads.filter { $0.name.hasPrefix("refs/heads/") && $0.oid == head.oid }
            return candidates.first { $0.name == "refs/heads/main" } ?? candidates.first { $0.name == "refs/heads/master" } ?? candidates.first
        }
        let branches = heads.filter { $0.name.hasPrefix("refs/heads/") }
        return branches.first { $0.name == "refs/heads/main" } ?? branches.first { $0.name == "refs/heads/master" } ?? (branches.count == 1 ? branches[0] : nil)
    }

    func callbacks() -> git_remote_callbacks {
        var cb = git_remote_callbacks()
        git_remote_init_callbacks(&cb, UInt32(GIT_REMOTE_CALLBACKS_VERSION))
        cb.payload = Unmanaged.passUnretained(state).toOpaque()
        cb.credentials = { out, _, usernameFromURL, allowed, payload in
            guard let payload, let out else { return -1 }
            let state = Unmanaged<GitCallbackState>.fromOpaque(payload).takeUnretainedValue()
            state.authWasRequested = true
            let urlUser = usernameFromURL.map { String(cString: $0) }
            if allowed & GIT_CREDENTIAL_SSH_KEY.rawValue != 0 && !state.triedAgent {
                state.triedAgent = true
                return git_credential_ssh_key_from_agent(out, urlUser ?? "git")
            }
            if allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT.rawValue != 0, let token = state.token, !state.triedToken {
                state.triedToken = true
                return git_credential_userpass_plaintext_new(out, urlUser ?? state.username ?? "x-access-token", token)
            }
            if allowed & GIT_CREDENTIAL_USERNAME.rawValue != 0, !state.triedUsername {
                state.triedUsername = true
                return git_credential_username_new(out, urlUser ?? "git")
            }
            return GIT_EAUTH.rawValue
        }
        cb.certificate_check = { cert, _, host, payload in
            // TLS certificates: honour libgit2's own verdict (> 0).
            guard let cert, let payload, cert.pointee.cert_type == GIT_CERT_HOSTKEY_LIBSSH2 else { return 1 }
            let state = Unmanaged<GitCallbackState>.fromOpaque(payload).takeUnretainedValue()
            let hostkey = UnsafeRawPointer(cert).assumingMemoryBound(to: git_cert_hostkey.self).pointee
            let name = host.map { String(cString: $0) } ?? ""
            guard hostkey.type.rawValue & GIT_CERT_SSH_RAW.rawValue != 0, let raw = hostkey.hostkey, hostkey.hostkey_len > 0 else {
                state.hostKeyRefusal = (.unknown, name, "(libssh2 gave no raw host key)")
                return GIT_ECERTIFICATE.rawValue
            }
            let key = [UInt8](UnsafeRawBufferPointer(start: raw, count: hostkey.hostkey_len))
            return state.checkHostKey(host: name, key: key)
        }
        cb.transfer_progress = { stats, payload in
            guard let payload, let stats else { return 0 }
            Unmanaged<GitCallbackState>.fromOpaque(payload).takeUnretainedValue().progress(stats.pointee)
            return 0
        }
        return cb
    }

    func connectAndList() throws(DiagnosticError) -> [RemoteHead] {
        var r: OpaquePointer?
        guard git_remote_create_anonymous(&r, repo, source.cloneURL) == 0 else {
            throw fail("sources.bad-git-url", "libgit2 cannot use the URL \(source.displayURL): \(lastError())")
        }
        remote = r
        var cb = callbacks()
        var proxy = git_proxy_options()
        git_proxy_options_init(&proxy, UInt32(GIT_PROXY_OPTIONS_VERSION))
        proxy.type = GIT_PROXY_AUTO  // git config http.proxy, then the *_proxy variables
        if git_remote_connect(remote, GIT_DIRECTION_FETCH, &cb, &proxy, nil) != 0 {
            throw connectionError()
        }
        var list: UnsafeMutablePointer<UnsafePointer<git_remote_head>?>?
        var count = 0
        guard git_remote_ls(&list, &count, remote) == 0 else {
            throw fail("sources.git-unreachable", "cannot list the refs of \(source.displayURL): \(lastError())")
        }
        var heads: [RemoteHead] = []
        guard let list, count > 0 else { return heads }
        for i in 0..<count {
            guard let h = list[i] else { continue }
            var oid = h.pointee.oid
            heads.append(RemoteHead(
                name: String(cString: h.pointee.name),
                oid: Self.hex(&oid),
                symrefTarget: h.pointee.symref_target.map { String(cString: $0) }))
        }
        return heads
    }

    /// The diagnostic for a refused ssh host key.
    func hostKeyError(_ refusal: (verdict: KnownHosts.Verdict, host: String, fingerprint: String)) -> DiagnosticError {
        let name = KnownHosts.lookupName(host: refusal.host, port: state.sshPort)
        let portFlag = state.sshPort.map { $0 == 22 ? "" : "-p \($0) " } ?? ""
        let fingerprint = Diagnostic.Note("the server's key: \(refusal.fingerprint)")
        switch refusal.verdict {
        case .mismatch:
            return fail(
                "sources.git-host-key-mismatch",
                "the ssh host key of \(name) does not match known_hosts: the connection may be intercepted",
                notes: [fingerprint])
        case .revoked:
            return fail("sources.git-host-key-revoked", "the ssh host key of \(name) is marked @revoked in known_hosts", notes: [fingerprint])
        case .unknown, .trusted:
            return fail(
                "sources.git-unknown-host", "\(name) is not in known_hosts, so its ssh host key cannot be verified",
                notes: [fingerprint, .init("after checking the fingerprint: ssh-keyscan \(portFlag)\(refusal.host) >> ~/.ssh/known_hosts (or point OPENRUN_SSH_KNOWN_HOSTS at a file)")])
        }
    }

    func connectionError(duringFetch: Bool = false) -> DiagnosticError {
        if let refusal = state.hostKeyRefusal { return hostKeyError(refusal) }
        let detail = lastError()
        let code = git_error_last()?.pointee.klass ?? 0
        let lower = detail.lowercased()
        if state.authWasRequested || lower.contains("authentication") || lower.contains("401") || lower.contains("403") || code == Int32(GIT_ERROR_SSH.rawValue) {
            var notes: [Diagnostic.Note] = [.init("libgit2: \(detail)")]
            let s = source.cloneURL
            if s.hasPrefix("ssh://") || !s.contains("://") {
                notes.append(.init("ssh URLs use the keys of the running ssh-agent (SSH_AUTH_SOCK)"))
            } else {
                notes.append(.init("https URLs use a token from OPENRUN_GIT_TOKEN (or GITHUB_TOKEN / GH_TOKEN for github.com)"))
            }
            return fail("sources.git-auth", "authentication failed for \(source.displayURL)", notes: notes)
        }
        if duringFetch {
            return fail("sources.git-fetch-failed", "fetching from \(source.displayURL) failed", notes: [.init("libgit2: \(detail)")])
        }
        return fail(
            "sources.git-unreachable", "cannot fetch \(source.displayURL): no such repository, or it is unreachable",
            notes: [.init("libgit2: \(detail)")])
    }

    func download(_ refspecs: [String]) throws(DiagnosticError) {
        var opts = git_fetch_options()
        git_fetch_options_init(&opts, UInt32(GIT_FETCH_OPTIONS_VERSION))
        opts.callbacks = callbacks()
        opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE
        opts.update_fetchhead = 0
        opts.proxy_opts.type = GIT_PROXY_AUTO
        var cStrings = refspecs.map { strdup($0) }
        defer { cStrings.forEach { free($0) } }
        let result = cStrings.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var array = git_strarray(strings: buffer.baseAddress, count: buffer.count)
            return git_remote_fetch(remote, &array, &opts, "openrun: fetch")
        }
        state.finish()
        if result != 0 { throw connectionError(duringFetch: true) }
    }

    static func hex(_ oid: inout git_oid) -> String {
        var buffer = [CChar](repeating: 0, count: 41)
        git_oid_tostr(&buffer, 41, &oid)
        return String(decoding: buffer.prefix(40).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The full SHA of the commit `text` (full or abbreviated) names, if the
    /// cache has it; annotated tags are peeled. Ambiguous prefixes are errors.
    func lookupCommit(_ text: String) throws(DiagnosticError) -> String? {
        var oid = git_oid()
        guard git_oid_fromstrn(&oid, text, text.utf8.count) == 0 else { return nil }
        var object: OpaquePointer?
        let r = git_object_lookup_prefix(&object, repo, &oid, text.utf8.count, GIT_OBJECT_ANY)
        if r == GIT_EAMBIGUOUS.rawValue {
            throw fail("sources.git-ambiguous-commit", "commit prefix '\(text)' is ambiguous; give more digits", at: .flag("--commit", text))
        }
        guard r == 0, let object else { return nil }
        defer { git_object_free(object) }
        var commit: OpaquePointer?
        guard git_object_peel(&commit, object, GIT_OBJECT_COMMIT) == 0, let commit else { return nil }
        defer { git_object_free(commit) }
        guard let id = git_object_id(commit) else { return nil }
        var copy = id.pointee
        return Self.hex(&copy)
    }

    func lookupTree(commit: String) throws(DiagnosticError) -> OpaquePointer {
        var oid = git_oid()
        git_oid_fromstr(&oid, commit)
        var c: OpaquePointer?
        guard git_commit_lookup(&c, repo, &oid) == 0, let c else {
            throw fail("sources.git-cache", "commit \(commit) is missing from the cache: \(lastError())")
        }
        defer { git_commit_free(c) }
        var tree: OpaquePointer?
        guard git_commit_tree(&tree, c) == 0, let tree else {
            throw fail("sources.git-cache", "cannot read the tree of commit \(commit): \(lastError())")
        }
        return tree
    }

    /// The sub-folder must be a folder in the commit's tree.
    func checkFolder(commit: String) throws(DiagnosticError) {
        guard !source.folder.isEmpty else { return }
        let tree = try lookupTree(commit: commit)
        defer { git_tree_free(tree) }
        var entry: OpaquePointer?
        let r = git_tree_entry_bypath(&entry, tree, source.folder)
        defer { if let entry { git_tree_entry_free(entry) } }
        guard r == 0, let entry, git_tree_entry_type(entry) == GIT_OBJECT_TREE else {
            let what = r == 0 ? "is not a folder" : "does not exist"
            throw fail(
                "sources.git-no-folder", "the folder '\(source.folder)' \(what) in \(source.displayURL) at commit \(commit.prefix(12))")
        }
    }

    /// Writes the commit's tree into a temporary folder, then renames it to
    /// `folder` (so a checkout is either complete or absent).
    func checkout(commit: String, into folder: String, temporaryParent: String) throws(DiagnosticError) {
        let tree = try lookupTree(commit: commit)
        defer { git_tree_free(tree) }
        let temp = try FileIO.makeTemporaryFolder(in: temporaryParent, prefix: ".tmp-")
        do {
            chmod(temp, 0o755)
            try writeTree(tree, to: temp)
        } catch {
            FileIO.removeTree(temp)
            throw error
        }
        if rename(temp, folder) != 0 {
            FileIO.removeTree(temp)
            if FileIO.fileType(folder) != S_IFDIR {
                throw fail("sources.write-failed", "cannot create the checkout '\(folder)': \(FileIO.errnoText())")
            }
        }
    }

    func writeTree(_ tree: OpaquePointer, to folder: String) throws(DiagnosticError) {
        let count = git_tree_entrycount(tree)
        for i in 0..<count {
            guard let entry = git_tree_entry_byindex(tree, i), let cName = git_tree_entry_name(entry) else { continue }
            let name = String(cString: cName)
            if name.isEmpty || name == "." || name == ".." || name.contains("/") || name.lowercased() == ".git" { continue }
            let path = folder + "/" + name
            let mode = git_tree_entry_filemode(entry)
            switch mode {
            case GIT_FILEMODE_TREE:
                var sub: OpaquePointer?
                guard git_tree_lookup(&sub, repo, git_tree_entry_id(entry)) == 0, let sub else {
                    throw fail("sources.git-cache", "cannot read folder '\(name)': \(lastError())")
                }
                defer { git_tree_free(sub) }
                guard mkdir(path, 0o755) == 0 else {
                    throw fail("sources.write-failed", "cannot create '\(path)': \(FileIO.errnoText())")
                }
                try writeTree(sub, to: path)
            case GIT_FILEMODE_BLOB, GIT_FILEMODE_BLOB_EXECUTABLE, GIT_FILEMODE_LINK:
                var blob: OpaquePointer?
                guard git_blob_lookup(&blob, repo, git_tree_entry_id(entry)) == 0, let blob else {
                    throw fail("sources.git-cache", "cannot read file '\(name)': \(lastError())")
                }
                defer { git_blob_free(blob) }
                let size = Int(git_blob_rawsize(blob))
                let raw = UnsafeRawBufferPointer(start: git_blob_rawcontent(blob), count: size)
                if mode == GIT_FILEMODE_LINK {
                    let target = String(decoding: raw, as: UTF8.self)
                    guard symlink(target, path) == 0 else {
                        throw fail("sources.write-failed", "cannot create symlink '\(path)': \(FileIO.errnoText())")
                    }
                } else {
                    try FileIO.writeFile(path, raw, mode: mode == GIT_FILEMODE_BLOB_EXECUTABLE ? 0o755 : 0o644)
                }
            default:
                // Submodules (gitlinks) are not fetched: an empty folder marks them.
                mkdir(path, 0o755)
            }
        }
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let r = rest.range(of: target) {
            out += rest[..<r.lowerBound]
            out += replacement
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}
