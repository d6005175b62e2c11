import NIOCore

/// Follows the chunked coding (RFC 9112 §7.1) byte by byte to find where a message ends, so the
/// bytes can be forwarded as they came (or only the data, for an HTTP/1.0 peer).
struct ChunkedScanner {
    enum State: Equatable {
        case size, sizeSpace, sizeLF
        /// `chunk-ext` (RFC 9112 §7.1.1): `*( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] )`.
        case extName(started: Bool), extAfterName, extValueStart, extToken, extAfterValue, extQuoted, extQuotedPair
        case data(UInt64)
        case dataCR, dataLF
        /// Trailer fields: `token ":" OWS value` lines, as in a head.
        case trailerStart, trailerName, trailer, trailerLF, endLF
        case done
    }

    private(set) var state: State = .size
    private var size: UInt64 = 0
    private var digits = 0
    private var trailerBytes = 0
    static let maxTrailerBytes = 32 * 1024

    var isDone: Bool { state == .done }

    /// Scans `count` bytes at `p`; `data` gets each run of chunk data (offsets into `p`).
    /// Returns how many bytes belong to the message (all of them, unless it ends inside).
    mutating func scan(_ p: UnsafePointer<UInt8>, _ count: Int,
                       data: (Range<Int>) -> Void) throws(HTTPHeadError) -> Int {
        var i = 0
        while i < count {
            let c = p[i]
            switch state {
            case .size:
                if let d = Self.hexValue(c) {
                    guard digits < 15 else { throw .malformed("chunk size too large") }
                    size = size << 4 | UInt64(d)
                    digits += 1
                } else {
                    guard digits > 0 else { throw .malformed("invalid chunk size") }
                    switch c {
                    case 0x3B: state = .extName(started: false)
                    case 0x20, 0x09: state = .sizeSpace
                    case HTTPBytes.cr: state = .sizeLF
                    default: throw .malformed("invalid chunk size")
                    }
                }
                i += 1
            case .sizeSpace:
                // Whitespace after the size only before an extension (BWS ";").
                switch c {
                case 0x20, 0x09: break
                case 0x3B: state = .extName(started: false)
                default: throw .malformed("invalid chunk size")
                }
                i += 1
            case .extName(let started):
                if HTTPBytes.isToken(c) {
                    state = .extName(started: true)
                } else if !started {
                    guard c == 0x20 || c == 0x09 else { throw .malformed("invalid chunk extension") }
                } else {
                    try extensionSeparator(c, orElse: .extAfterName)
                    if c == 0x3D { state = .extValueStart }
                }
                i += 1
            case .extAfterName:
                try extensionSeparator(c, orElse: .extAfterName)
                if c == 0x3D { state = .extValueStart }
                i += 1
            case .extValueStart:
                if c == 0x22 {
                    state = .extQuoted
                } else if HTTPBytes.isToken(c) {
                    state = .extToken
                } else if c != 0x20 && c != 0x09 {
                    throw .malformed("invalid chunk extension")
                }
                i += 1
            case .extToken:
                if !HTTPBytes.isToken(c) {
                    guard c != 0x3D else { throw .malformed("invalid chunk extension") }
                    try extensionSeparator(c, orElse: .extAfterValue)
                }
                i += 1
            case .extAfterValue:
                guard c != 0x3D else { throw .malformed("invalid chunk extension") }
                try extensionSeparator(c, orElse: .extAfterValue)
                i += 1
            case .extQuoted:
                // qdtext, or a quoted-pair; CR, LF and other controls end nothing here: they are invalid.
                switch c {
                case 0x22: state = .extAfterValue
                case 0x5C: state = .extQuotedPair
                case 0x09, 0x20...0x7E, 0x80...0xFF: break
                default: throw .malformed("invalid chunk extension")
                }
                i += 1
            case .extQuotedPair:
                guard c == 0x09 || (c >= 0x20 && c != 0x7F) else { throw .malformed("invalid chunk extension") }
                state = .extQuoted
                i += 1
            case .sizeLF:
                guard c == HTTPBytes.lf else { throw .malformed("invalid chunk line") }
                state = size == 0 ? .trailerStart : .data(size)
                size = 0
                digits = 0
                i += 1
            case .data(let remaining):
                let take = Int(min(remaining, UInt64(count - i)))
                data(i..<(i + take))
                i += take
                state = remaining == UInt64(take) ? .dataCR : .data(remaining - UInt64(take))
            case .dataCR:
                guard c == HTTPBytes.cr else { throw .malformed("chunk data longer than its size") }
                state = .dataLF
                i += 1
            case .dataLF:
                guard c == HTTPBytes.lf else { throw .malformed("chunk data longer than its size") }
                state = .size
                i += 1
            case .trailerStart:
                if c == HTTPBytes.cr {
                    state = .endLF
                } else {
                    guard HTTPBytes.isToken(c) else { throw .malformed("invalid trailer field") }
                    state = .trailerName
                }
                i += 1
            case .trailerName:
                // The name runs up to the colon, with no whitespace before it.
                trailerBytes += 1
                guard trailerBytes <= Self.maxTrailerBytes else { throw .malformed("trailer section too large") }
                if c == 0x3A {
                    state = .trailer
                } else {
                    guard HTTPBytes.isToken(c) else { throw .malformed("invalid trailer field") }
                }
                i += 1
            case .trailer:
                trailerBytes += 1
                guard trailerBytes <= Self.maxTrailerBytes else { throw .malformed("trailer section too large") }
                if c == HTTPBytes.cr {
                    state = .trailerLF
                } else if c == HTTPBytes.lf || (c < 0x20 && c != 0x09) || c == 0x7F {
                    throw .malformed("invalid trailer field")
                }
                i += 1
            case .trailerLF:
                guard c == HTTPBytes.lf else { throw .malformed("invalid trailer field") }
                state = .trailerStart
                i += 1
            case .endLF:
                guard c == HTTPBytes.lf else { throw .malformed("invalid end of chunked body") }
                state = .done
                return i + 1
            case .done:
                return i
            }
        }
        return i
    }

    /// After an extension's name or value: whitespace stays in `orElse`, `;` starts the next
    /// extension, CR ends the line; `=` is left to the caller (a value after a name).
    @inline(__always) private mutating func extensionSeparator(_ c: UInt8, orElse: State) throws(HTTPHeadError) {
        switch c {
        case 0x20, 0x09: state = orElse
        case 0x3B: state = .extName(started: false)
        case HTTPBytes.cr: state = .sizeLF
        case 0x3D: break
        default: throw .malformed("invalid chunk extension")
        }
    }

    @inline(__always) private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x41...0x46: c - 0x41 + 10
        case 0x61...0x66: c - 0x61 + 10
        default: nil
        }
    }
}

/// How a message's body is delimited, and how much of it is still to come.
enum BodyFramer {
    case none
    case length(UInt64)
    case chunked(ChunkedScanner)
    /// Until the connection closes (responses only).
    case untilClose

    var isDone: Bool {
        switch self {
        case .none: true
        case .length(let n): n == 0
        case .chunked(let s): s.isDone
        case .untilClose: false
        }
    }

    /// Takes the bytes of this message from the front of `buffer` and hands them to `emit`, as they
    /// came (`dataOnly == false`) or, for chunked bodies, only the chunk data. Returns whether the
    /// body is complete; what follows it stays in `buffer`.
    mutating func take(from buffer: inout ByteBuffer, dataOnly: Bool,
                       emit: (ByteBuffer) -> Void) throws(HTTPHeadError) -> Bool {
        switch self {
        case .none:
            return true
        case .length(let remaining):
            let n = Int(min(remaining, UInt64(buffer.readableBytes)))
            if n > 0, let slice = buffer.readSlice(length: n) { emit(slice) }
            self = .length(remaining - UInt64(n))
            return remaining == UInt64(n)
        case .untilClose:
            if buffer.readableBytes > 0, let slice = buffer.readSlice(length: buffer.readableBytes) { emit(slice) }
            return false
        case .chunked(var scanner):
            let readable = buffer.readableBytes
            guard readable > 0 else { return scanner.isDone }
            let start = buffer.readerIndex
            let used: Int
            if dataOnly {
                var runs: [Range<Int>] = []
                used = try buffer.withUnsafeReadableBytes { (raw) throws(HTTPHeadError) in
                    try scanner.scan(raw.baseAddress!.assumingMemoryBound(to: UInt8.self), readable) { runs.append($0) }
                }
                for r in runs where !r.isEmpty {
                    if let s = buffer.getSlice(at: start + r.lowerBound, length: r.count) { emit(s) }
                }
                buffer.moveReaderIndex(forwardBy: used)
            } else {
                used = try buffer.withUnsafeReadableBytes { (raw) throws(HTTPHeadError) in
                    try scanner.scan(raw.baseAddress!.assumingMemoryBound(to: UInt8.self), readable) { _ in }
                }
                if used > 0, let slice = buffer.readSlice(length: used) { emit(slice) }
            }
            self = .chunked(scanner)
            return scanner.isDone
        }
    }
}
