/// SHA-256 (FIPS 180-4), because Foundation on Linux has none.
///
/// Streaming: feed bytes with `update`, then call `finalize()` once for the
/// 32-byte digest (or `hexDigest()` for lowercase hex). `SHA256.hash(_:)` and
/// `SHA256.hex(_:)` are one-shot helpers.
public struct SHA256: Sendable {
    private var state: State = (
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
    )
    /// Bytes of an incomplete block waiting for more input (always < 64).
    private var buffer: [UInt8] = []
    /// Total message length in bytes.
    private var length: UInt64 = 0

    public init() {
        buffer.reserveCapacity(64)
    }

    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    /// Adds bytes to the message.
    public mutating func update<Bytes: Sequence>(_ bytes: Bytes) where Bytes.Element == UInt8 {
        let done: Void? = bytes.withContiguousStorageIfAvailable { update(buffer: UnsafeRawBufferPointer($0)) }
        if done == nil {
            let array = Array(bytes)
            array.withUnsafeBytes { update(buffer: $0) }
        }
    }

    /// Adds the UTF-8 bytes of `string` to the message.
    public mutating func update(_ string: String) {
        var s = string
        s.withUTF8 { update(buffer: UnsafeRawBufferPointer($0)) }
    }

    /// Adds raw bytes to the message (the fast path).
    public mutating func update(buffer input: UnsafeRawBufferPointer) {
        guard input.count > 0, let base = input.baseAddress else { return }
        length &+= UInt64(input.count)
        var offset = 0
        if !buffer.isEmpty {
            let take = min(64 - buffer.count, input.count)
            buffer.append(contentsOf: UnsafeRawBufferPointer(start: base, count: take))
            offset = take
            if buffer.count == 64 {
                let block = buffer
                block.withUnsafeBytes { compress(blocks: $0.baseAddress!, count: 1) }
                buffer.removeAll(keepingCapacity: true)
            }
        }
        let whole = (input.count - offset) / 64
        if whole > 0 {
            compress(blocks: base + offset, count: whole)
            offset += whole * 64
        }
        if offset < input.count {
            buffer.append(contentsOf: UnsafeRawBufferPointer(start: base + offset, count: input.count - offset))
        }
    }

    /// Pads the message and returns the 32-byte digest.
    public mutating func finalize() -> [UInt8] {
        let bitLength = length &* 8
        var tail = buffer
        tail.append(0x80)
        while tail.count % 64 != 56 { tail.append(0) }
        for i in (0..<8).reversed() { tail.append(UInt8(truncatingIfNeeded: bitLength >> (UInt64(i) * 8))) }
        tail.withUnsafeBytes { compress(blocks: $0.baseAddress!, count: tail.count / 64) }
        buffer.removeAll()
        let words = [state.0, state.1, state.2, state.3, state.4, state.5, state.6, state.7]
        var out: [UInt8] = []
        out.reserveCapacity(32)
        for w in words {
            out.append(UInt8(truncatingIfNeeded: w >> 24))
            out.append(UInt8(truncatingIfNeeded: w >> 16))
            out.append(UInt8(truncatingIfNeeded: w >> 8))
            out.append(UInt8(truncatingIfNeeded: w))
        }
        return out
    }

    /// Pads the message and returns the digest as 64 lowercase hex digits.
    public mutating func hexDigest() -> String {
        SHA256.hexString(finalize())
    }

    /// The digest of `bytes`.
    public static func hash<Bytes: Sequence>(_ bytes: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        var h = SHA256()
        h.update(bytes)
        return h.finalize()
    }

    /// The digest of `bytes` as lowercase hex.
    public static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        hexString(hash(bytes))
    }

    /// The digest of the UTF-8 bytes of `string` as lowercase hex.
    public static func hex(_ string: String) -> String {
        hexString(hash(Array(string.utf8)))
    }

    /// Lowercase hex of `bytes`.
    public static func hexString(_ bytes: [UInt8]) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var chars: [UInt8] = []
        chars.reserveCapacity(bytes.count * 2)
        for b in bytes {
            chars.append(digits[Int(b >> 4)])
            chars.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: chars, as: UTF8.self)
    }

    @inline(__always)
    private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x &>> n) | (x &<< (32 &- n)) }

    private typealias State = (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32)

    private mutating func compress(blocks: UnsafeRawPointer, count: Int) {
        state = Self.compress(state, blocks, count)
    }

    /// The SHA-256 compression function over `count` 64-byte blocks. All
    /// working variables live inside the closures so they stay in registers.
    private static func compress(_ initial: State, _ blocks: UnsafeRawPointer, _ count: Int) -> State {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w -> State in
            k.withUnsafeBufferPointer { k -> State in
                var (h0, h1, h2, h3, h4, h5, h6, h7) = initial
                for blockIndex in 0..<count {
                    let p = blocks + blockIndex &* 64
                    for t in 0..<16 {
                        w[t] = p.loadUnaligned(fromByteOffset: t &* 4, as: UInt32.self).bigEndian
                    }
                    for t in 16..<64 {
                        let x = w[t &- 15], y = w[t &- 2]
                        let s0 = rotr(x, 7) ^ rotr(x, 18) ^ (x &>> 3)
                        let s1 = rotr(y, 17) ^ rotr(y, 19) ^ (y &>> 10)
                        w[t] = w[t &- 16] &+ s0 &+ w[t &- 7] &+ s1
                    }
                    var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7
                    for t in 0..<64 {
                        let s1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)
                        let ch = (e & f) ^ (~e & g)
                        let t1 = h &+ s1 &+ ch &+ k[t] &+ w[t]
                        let s0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)
                        let maj = (a & b) ^ (a & c) ^ (b & c)
                        let t2 = s0 &+ maj
                        h = g; g = f; f = e; e = d &+ t1
                        d = c; c = b; b = a; a = t1 &+ t2
                    }
                    h0 &+= a; h1 &+= b; h2 &+= c; h3 &+= d
                    h4 &+= e; h5 &+= f; h6 &+= g; h7 &+= h
                }
                return (h0, h1, h2, h3, h4, h5, h6, h7)
            }
        }
    }
}
