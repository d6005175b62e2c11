import NIOCore

/// Appends the pieces of a head (30 or so per request) through one raw pointer into space reserved
/// once in a `ByteBuffer`. Each `ByteBuffer.write…` call checks copy-on-write, capacity and
/// exclusivity; for pieces of a few bytes those checks cost more than the copies (callgrind: a sixth
/// of the proxy's user-space instructions per request went to them).
///
/// The caller reserves an upper bound of what it writes; an append past it stops the process
/// (a bug in the bound), never writes outside the space.
struct HeadWriter {
    private let base: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    private(set) var count = 0

    private init(_ raw: UnsafeMutableRawBufferPointer) {
        base = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
        capacity = raw.count
    }

    /// Runs `body` with a writer over at least `reserving` bytes at the end of `out`; what it
    /// wrote is appended.
    static func write(into out: inout ByteBuffer, reserving: Int, _ body: (inout HeadWriter) -> Void) {
        out.writeWithUnsafeMutableBytes(minimumWritableBytes: reserving) { raw in
            var w = HeadWriter(raw)
            body(&w)
            return w.count
        }
    }

    @inline(__always)
    mutating func append(_ p: UnsafePointer<UInt8>, _ n: Int) {
        precondition(n >= 0 && count + n <= capacity, "HeadWriter: the reserved bound is too small")
        (base + count).update(from: p, count: n)
        count += n
    }

    @inline(__always)
    mutating func append(_ s: StaticString) {
        append(s.utf8Start, s.utf8CodeUnitCount)
    }

    /// (Labelled: an unlabelled String overload would take the literals, which are StaticStrings here.)
    mutating func append(string s: String) {
        var s = s
        s.withUTF8 { append($0.baseAddress ?? UnsafePointer(base), $0.count) }
    }

    @inline(__always)
    mutating func append(byte: UInt8) {
        precondition(count < capacity, "HeadWriter: the reserved bound is too small")
        base[count] = byte
        count += 1
    }

    /// A non-negative integer in decimal.
    mutating func append(decimal value: Int) {
        precondition(value >= 0)
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for any Int
        withUnsafeMutableBytes(of: &digits) { d in
            var v = value
            var i = d.count
            repeat {
                i -= 1
                d[i] = UInt8(0x30 + v % 10)
                v /= 10
            } while v > 0
            append(d.baseAddress!.assumingMemoryBound(to: UInt8.self) + i, d.count - i)
        }
    }

    /// `s` with CR, LF and NUL (never valid in a field) replaced by spaces.
    mutating func appendFieldValue(_ s: String) {
        let start = count
        append(string: s)
        for k in start..<count where base[k] == 0x0D || base[k] == 0x0A || base[k] == 0 { base[k] = 0x20 }
    }
}
