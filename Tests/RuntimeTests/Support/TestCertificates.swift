import Foundation
import NIOConcurrencyHelpers
import NIOSSL

/// Certificates made with the `openssl` command at test time, once per test process, in a temp
/// folder (nothing key-like is committed): a CA, a leaf it signed for `localhost` and 127.0.0.1,
/// and a leaf it signed for `elsewhere.example` only.
struct TestCertificates: Sendable {
    let folder: String
    var caFile: String { folder + "/ca.pem" }

    /// Made once, on a thread of its own: waiting on `openssl` must not block the few threads of
    /// Swift's cooperative pool, which the runtime's timing-sensitive tests share.
    private static let shared = Task<TestCertificates, any Error> {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try make() }) }.start()
        }
    }

    static func get() async throws -> TestCertificates { try await shared.value }

    /// This test process's folder, removed when the process exits.
    private static var folderPath: String {
        FileManager.default.temporaryDirectory.appendingPathComponent("openrun-tls-\(getpid())").path
    }

    private static func make() throws -> TestCertificates {
        let folder = folderPath
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(atPath: TestCertificates.folderPath) }
        func openssl(_ args: [String]) throws {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = ["openssl"] + args
            p.currentDirectoryURL = URL(fileURLWithPath: folder)
            let err = Pipe()
            p.standardError = err
            p.standardOutput = FileHandle.nullDevice
            try p.run()
            let output = err.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            guard p.terminationStatus == 0 else {
                throw TestFailure("openssl \(args.joined(separator: " ")): \(String(decoding: output, as: UTF8.self))")
            }
        }
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try openssl(["req", "-x509"] + ec + ["-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
                     "-subj", "/CN=openrun test CA", "-addext", "basicConstraints=critical,CA:TRUE",
                     "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        for (name, san) in [("leaf", "DNS:localhost,IP:127.0.0.1"), ("elsewhere", "DNS:elsewhere.example")] {
            try openssl(["req", "-new"] + ec + ["-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=\(name)"])
            try "subjectAltName=\(san)\nextendedKeyUsage=serverAuth\n".write(toFile: folder + "/\(name).ext", atomically: true, encoding: .utf8)
            try openssl(["x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                         "-days", "2", "-extfile", "\(name).ext", "-out", "\(name).pem"])
        }
        return TestCertificates(folder: folder)
    }

    /// A server context presenting `leaf` (`leaf` or `elsewhere`); SNI names it gets go to `sni`.
    func serverContext(_ leaf: String = "leaf", sni: NIOLockedValueBox<[String?]>? = nil) throws -> NIOSSLContext {
        var config = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile("\(folder)/\(leaf).pem").map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: "\(folder)/\(leaf).key", format: .pem)))
        if let sni {
            config.sslContextCallback = { values, promise in
                sni.withLockedValue { $0.append(values.serverHostname) }
                promise.succeed(.noChanges)
            }
        }
        return try NIOSSLContext(configuration: config)
    }
}
