import Foundation
@testable import Frontend
import IR
import Testing

@Suite("ssh known_hosts")
struct KnownHostsTests {
    static let githubKeyText = "AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl"
    static let githubKey = [UInt8](Data(base64Encoded: githubKeyText)!)
    /// Another ed25519 blob (same type, different key).
    static let otherKey: [UInt8] = Array(githubKey.prefix(19)) + [UInt8](repeating: 7, count: 32)
    static let otherText = Data(otherKey).base64EncodedString()

    @Test("SHA-1 and HMAC-SHA1 test vectors (FIPS 180, RFC 2202)")
    func vectors() {
        #expect(SHA256.hexString(SHA1.hash(Array("abc".utf8))) == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(SHA256.hexString(SHA1.hash([])) == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(SHA256.hexString(SHA1.hash(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))) == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        #expect(SHA256.hexString(SHA1.hmac(key: [UInt8](repeating: 0x0b, count: 20), message: Array("Hi There".utf8))) == "b617318655057264e28bc0b6fb378c8ef146be00")
        #expect(SHA256.hexString(SHA1.hmac(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))) == "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")
        #expect(SHA256.hexString(SHA1.hmac(key: [UInt8](repeating: 0xaa, count: 80), message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8))) == "aa4ae5e15272d00e95705637ce8a3b55ed402112")
    }

    struct Case: Sendable, CustomStringConvertible {
        var file: String
        var host: String
        var port: Int?
        var verdict: KnownHosts.Verdict
        var description: String { "\(host):\(port ?? 22) \(verdict)" }
    }

    static let cases: [Case] = [
        Case(file: "github.com ssh-ed25519 \(githubKeyText)", host: "github.com", verdict: .trusted),
        Case(file: "GitHub.com ssh-ed25519 \(githubKeyText)", host: "github.com", verdict: .trusted),
        Case(file: "# comment\n\ngitlab.com,github.com ssh-ed25519 \(githubKeyText) comment", host: "github.com", verdict: .trusted),
        Case(file: "*.example.com ssh-ed25519 \(githubKeyText)", host: "git.example.com", verdict: .trusted),
        Case(file: "*.example.com,!evil.example.com ssh-ed25519 \(githubKeyText)", host: "evil.example.com", verdict: .unknown),
        Case(file: "git?.example ssh-ed25519 \(githubKeyText)", host: "git1.example", verdict: .trusted),
        Case(file: "|1|AQIDBAUGBwgJCgsMDQ4PEBESExQ=|Z4mPZ8qvP1dZ1YMBZ1PR3n6PBLo= ssh-ed25519 \(githubKeyText)", host: "github.com", verdict: .trusted),
        Case(file: "|1|AQIDBAUGBwgJCgsMDQ4PEBESExQ=|Z4mPZ8qvP1dZ1YMBZ1PR3n6PBLo= ssh-ed25519 \(githubKeyText)", host: "gitlab.com", verdict: .unknown),
        Case(file: "|1|AQIDBAUGBwgJCgsMDQ4PEBESExQ=|dmZzYqpHqYJxwkGKaPvuwxiXkCk= ssh-ed25519 \(githubKeyText)", host: "git.example", port: 2222, verdict: .trusted),
        Case(file: "git.example ssh-ed25519 \(githubKeyText)", host: "git.example", port: 2222, verdict: .unknown),
        Case(file: "[git.example]:2222 ssh-ed25519 \(githubKeyText)", host: "git.example", port: 2222, verdict: .trusted),
        Case(file: "git.example ssh-ed25519 \(githubKeyText)", host: "git.example", port: 22, verdict: .trusted),
        Case(file: "github.com ssh-ed25519 \(otherText)", host: "github.com", verdict: .mismatch),
        Case(file: "github.com ssh-ed25519 \(otherText)\ngithub.com ssh-ed25519 \(githubKeyText)", host: "github.com", verdict: .trusted),
        Case(file: "github.com ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ==", host: "github.com", verdict: .unknown),
        Case(file: "github.com ssh-ed25519 \(githubKeyText)\n@revoked * ssh-ed25519 \(githubKeyText)", host: "github.com", verdict: .revoked),
        Case(file: "@cert-authority *.example.com ssh-ed25519 \(githubKeyText)", host: "git.example.com", verdict: .unknown),
        Case(file: "github.com ssh-ed25519 !!!not-base64", host: "github.com", verdict: .unknown),
        Case(file: "", host: "github.com", verdict: .unknown),
    ]

    @Test("verdicts", arguments: cases)
    func verdicts(_ c: Case) {
        #expect(KnownHosts.parse(c.file).verify(host: c.host, port: c.port, key: Self.githubKey) == c.verdict)
    }

    @Test("the libgit2 callback's check reads the configured files and reports refusals")
    func callbackCheck() throws {
        let dir = try TemporaryFolder("knownhosts")
        defer { dir.remove() }
        let file = try dir.write("known_hosts", "github.com ssh-ed25519 \(Self.githubKeyText)\n")
        #expect(KnownHosts.defaultPaths(environment: ["OPENRUN_SSH_KNOWN_HOSTS": file, "HOME": "/h"]) == [file])
        #expect(KnownHosts.defaultPaths(environment: ["HOME": "/h"]).prefix(2) == ["/h/.ssh/known_hosts", "/h/.ssh/known_hosts2"])
        let state = GitCallbackState(token: nil, username: nil, showProgress: false, sink: { _ in }, label: "x")
        state.knownHostsPaths = [dir.path + "/missing", file]
        #expect(state.checkHostKey(host: "github.com", key: Self.githubKey) == 0)
        #expect(state.hostKeyRefusal == nil)
        #expect(state.checkHostKey(host: "github.com", key: Self.otherKey) < 0)
        #expect(state.hostKeyRefusal?.verdict == .mismatch)
        state.hostKeyRefusal = nil
        #expect(state.checkHostKey(host: "gitlab.com", key: Self.githubKey) < 0)
        #expect(state.hostKeyRefusal?.verdict == .unknown)
        #expect(state.hostKeyRefusal?.fingerprint == "SHA256:+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU")
    }

    @Test("ssh URL ports and transport")
    func ports() throws {
        func git(_ text: String) throws -> GitSource {
            guard case .git(let g) = try SourceReference.parse(text, workingDirectory: "/") else { throw KnownHostsError() }
            return g
        }
        #expect(try git("ssh://git@host.example:2222/o/r").port == 2222)
        #expect(try git("ssh://git@host.example/o/r").port == nil)
        #expect(try git("git@host.example:o/r").port == nil)
        #expect(try git("git@host.example:o/r").usesSSH)
        #expect(try !git("https://host.example:8443/o/r").usesSSH)
    }

    struct KnownHostsError: Error {}
}
