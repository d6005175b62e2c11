import Foundation
import IR
import Testing

@Suite("SHA-256")
struct SHA256Tests {
    struct Vector: Sendable, CustomStringConvertible {
        var message: String
        var repeatCount: Int
        var hex: String
        var description: String { "\(message.prefix(16))×\(repeatCount)" }
    }

    /// FIPS 180-4 / NIST CAVS example vectors.
    static let nist: [Vector] = [
        Vector(message: "", repeatCount: 1, hex: "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        Vector(message: "abc", repeatCount: 1, hex: "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        Vector(
            message: "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", repeatCount: 1,
            hex: "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        Vector(
            message: "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            repeatCount: 1, hex: "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"),
        Vector(message: "a", repeatCount: 1_000_000, hex: "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
    ]

    @Test("NIST example vectors", arguments: nist)
    func nistVectors(_ v: Vector) {
        var h = SHA256()
        let chunk = Array(v.message.utf8)
        for _ in 0..<v.repeatCount { h.update(chunk) }
        #expect(h.hexDigest() == v.hex)
        if v.repeatCount == 1 {
            #expect(SHA256.hex(v.message) == v.hex)
        }
    }

    @Test("matches sha256sum for every length around the block boundaries, fed in uneven chunks")
    func matchesSha256sum() throws {
        var rng = SplitMix(seed: 42)
        let lengths = Array(0...130) + [191, 192, 193, 1000, 4095, 4096, 65_537]
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("openrun-sha-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var files: [(URL, [UInt8])] = []
        for n in lengths {
            let bytes = (0..<n).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let url = dir.appendingPathComponent("f\(n)")
            try Data(bytes).write(to: url)
            files.append((url, bytes))
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sha256sum"] + files.map(\.0.path)
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let expected = output.split(separator: "\n").map { String($0.prefix(64)) }
        try #require(expected.count == files.count)
        for (i, (_, bytes)) in files.enumerated() {
            // Feed in chunks of varying size to exercise buffering.
            var h = SHA256()
            var offset = 0
            var step = 1
            while offset < bytes.count {
                let end = min(bytes.count, offset + step)
                h.update(bytes[offset..<end])
                offset = end
                step = step * 3 % 97 + 1
            }
            #expect(h.hexDigest() == expected[i], "length \(bytes.count)")
            #expect(SHA256.hex(bytes) == expected[i], "length \(bytes.count) one-shot")
        }
    }

    @Test("hashes 16 MiB in reasonable time")
    func throughput() {
        let block = [UInt8](repeating: 0x5a, count: 1 << 20)
        var h = SHA256()
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<16 { h.update(block) }
        }
        let digest = h.hexDigest()
        #expect(digest.count == 64)
        // swift-crypto (BoringSSL) runs at hundreds of MB/s even in a debug
        // build; this catches a fallback to byte-at-a-time Swift code.
        #expect(elapsed < .seconds(2), "16 MiB took \(elapsed)")
        print("SHA-256: 16 MiB in \(elapsed)")
    }
}

/// A tiny deterministic generator for test data.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
