import Crypto

/// SHA-256 for digests and cache keys: swift-crypto's (BoringSSL, using the
/// CPU's SHA extensions where present) behind openrun's small API.
///
/// Streaming: feed bytes with `update`, then call `finalize()` once for the
/// 32-byte digest (or `hexDigest()` for lowercase hex). `SHA256.hash(_:)` and
/// `SHA256.hex(_:)` are one-shot helpers.
public struct SHA256: Sendable {
    private var hasher = Crypto.SHA256()

    public init() {}

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
        guard input.count > 0 else { return }
        hasher.update(bufferPointer: input)
    }

    /// The 32-byte digest of everything added so far.
    public mutating func finalize() -> [UInt8] {
        Array(hasher.finalize())
    }

    /// The digest as 64 lowercase hex digits.
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
}
