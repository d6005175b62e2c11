import Foundation
@testable import Frontend
import IR
import Testing

/// Fetches over ssh from a real sshd started by the test (as root, on
/// 127.0.0.1, with its own host key), authenticating with a key held by a
/// real ssh-agent, and checks host keys against a known_hosts file.
/// dev/setup installs openssh-server and openssh-client.
@Suite("Git over ssh with an agent", .serialized)
struct GitSSHTests {
    /// sshd and ssh-agent run in the foreground, spawned with posix_spawn and
    /// every inherited descriptor closed (Foundation's Process watches its
    /// children through an inherited socket, which long-lived daemons would
    /// keep open); `stop()` kills and reaps them.
    struct Server {
        let dir: TemporaryFolder
        var pids: [pid_t]
        var port: Int
        var agentSocket: String { dir.path + "/agent.sock" }

        func stop() {
            for pid in pids where pid > 0 {
                kill(pid, SIGKILL)  // the runner may block SIGTERM, and children inherit that
                var status: Int32 = 0
                waitpid(pid, &status, 0)
            }
        }
    }

    static func spawn(_ arguments: [String]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        // Python closes every other descriptor, then becomes the daemon.
        let launcher = ["python3", "-c", "import os, sys; os.closerange(3, 65536); os.execvp(sys.argv[1], sys.argv[1:])"]
        var pid: pid_t = 0
        let argv = (launcher + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let rc = posix_spawnp(&pid, "python3", &actions, nil, argv, environ)
        guard rc == 0 else { throw CommandFailed(command: arguments.joined(separator: " "), status: rc, stderr: "posix_spawn failed") }
        return pid
    }

    static func start(_ dir: TemporaryFolder) throws -> Server {
        let sshd = "/usr/sbin/sshd"
        guard FileManager.default.isExecutableFile(atPath: sshd) else {
            throw CommandFailed(command: sshd, status: -1, stderr: "sshd is missing: run dev/setup (openssh-server)")
        }
        try? FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        try run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.path + "/hostkey"], in: dir.path)
        try run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.path + "/userkey"], in: dir.path)
        try FileManager.default.copyItem(atPath: dir.path + "/userkey.pub", toPath: dir.path + "/authorized_keys")
        let port = 20000 + Int.random(in: 0..<20000)
        try dir.write("sshd_config", """
            Port \(port)
            ListenAddress 127.0.0.1
            HostKey \(dir.path)/hostkey
            AuthorizedKeysFile \(dir.path)/authorized_keys
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PermitRootLogin prohibit-password
            StrictModes no
            UsePAM no
            PidFile \(dir.path)/sshd.pid

            """)
        let sshdPid = try spawn([sshd, "-D", "-f", dir.path + "/sshd_config"])
        let agentPid = try spawn(["ssh-agent", "-D", "-a", dir.path + "/agent.sock"])
        let server = Server(dir: dir, pids: [sshdPid, agentPid], port: port)
        do {
            for _ in 0..<100 where !(FileManager.default.fileExists(atPath: dir.path + "/agent.sock") && FileManager.default.fileExists(atPath: dir.path + "/sshd.pid")) {
                usleep(50_000)
            }
            try run(["ssh-add", "-q", dir.path + "/userkey"], in: dir.path, environment: ["SSH_AUTH_SOCK": dir.path + "/agent.sock"])
        } catch {
            server.stop()
            throw error
        }
        return server
    }

    @Test("agent authentication, known_hosts checking, unknown and changed host keys")
    func ssh() throws {
        let f = try GitFetcherTests.Fixture()
        defer { f.dir.remove() }
        let server = try Self.start(f.dir)
        defer { server.stop() }
        setenv("SSH_AUTH_SOCK", server.agentSocket, 1)
        let scanned = try run(["ssh-keyscan", "-t", "ed25519", "-p", String(server.port), "127.0.0.1"], in: f.dir.path)
        let knownHosts = try f.dir.write("known_hosts", scanned)
        let url = "ssh://root@127.0.0.1:\(server.port)\(f.repo)"

        let good = try f.fetch(url, environment: ["OPENRUN_SSH_KNOWN_HOSTS": knownHosts])
        #expect(good.commit == f.main)
        #expect(FileManager.default.fileExists(atPath: good.root + "/app.star"))

        let unknown = diagnostics { _ = try f.fetch(url, branch: "dev", environment: ["OPENRUN_SSH_KNOWN_HOSTS": f.dir.path + "/empty_known_hosts"]) }
        #expect(unknown.map(\.id) == ["sources.git-unknown-host"])
        #expect(unknown.first?.message == "[127.0.0.1]:\(server.port) is not in known_hosts, so its ssh host key cannot be verified")

        let other = KnownHostsTests.otherText
        let wrong = try f.dir.write("wrong_known_hosts", "[127.0.0.1]:\(server.port) ssh-ed25519 \(other)\n")
        let changed = diagnostics { _ = try f.fetch(url, branch: "dev", environment: ["OPENRUN_SSH_KNOWN_HOSTS": wrong]) }
        #expect(changed.map(\.id) == ["sources.git-host-key-mismatch"])

        // A key the agent does not hold is refused: authentication failure.
        setenv("SSH_AUTH_SOCK", f.dir.path + "/no-agent.sock", 1)
        let denied = diagnostics { _ = try f.fetch(url, branch: "dev", environment: ["OPENRUN_SSH_KNOWN_HOSTS": knownHosts]) }
        #expect(denied.map(\.id) == ["sources.git-auth"])
        #expect(denied.first?.notes.contains { $0.message.contains("ssh-agent") } == true)
        unsetenv("SSH_AUTH_SOCK")
    }
}
