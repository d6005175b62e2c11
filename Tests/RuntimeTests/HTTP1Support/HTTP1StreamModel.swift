// What the proxy's own HTTP/1 reader makes of a byte stream, message by message: the steps of
// `ProxyServerHandler.step()` (requests) and `UpstreamHandler.process()` (responses) without the
// channels around them. Shared by HTTP1DifferentialTests and the libFuzzer target
// (fuzz/HTTP1Fuzz, where this file is linked into the same module as the parser).
import NIOCore
#if !HTTP1_FUZZ
@testable import Runtime
#endif

/// One message as a reader saw it.
struct HTTP1Message: Equatable, CustomStringConvertible {
    /// Request: method and target; response: the status code as text and "".
    var method: String
    var target: String
    var minorVersion: Int
    /// Every field, name and value as the reader reports them.
    var fields: [Field]
    var keepAlive: Bool
    /// The body's data (chunk data for chunked bodies).
    var body: [UInt8] = []
    /// Offset in the stream just after the message (head and body): where the next one starts.
    var end = 0

    struct Field: Equatable {
        var name: String
        var value: String
    }

    var description: String {
        let f = fields.map { "\($0.name): \($0.value.debugDescription)" }.joined(separator: ", ")
        return "\(method.debugDescription) \(target.debugDescription) 1.\(minorVersion) [\(f)] keepAlive=\(keepAlive) "
            + "body=\(String(decoding: body, as: UTF8.self).debugDescription) end=\(end)"
    }
}

/// How a reader's pass over a stream ended.
enum HTTP1End: Equatable {
    /// Every byte belongs to a complete message.
    case clean
    /// The stream ends inside a head (or before one) or inside a body.
    case incomplete(inBody: Bool)
    /// The reader refused the stream (after the complete messages), with its reason.
    case rejected(String)
    /// The reader reads no further HTTP: connection closed after the message, or a protocol switch.
    case stopped(String)
}

/// The messages of a stream and how it ended.
struct HTTP1Trace: Equatable {
    var messages: [HTTP1Message] = []
    var end: HTTP1End = .clean
}

/// The proxy's request side: `RequestHeadReader` (the same one `ProxyServerHandler.step()` uses),
/// then the body through `BodyFramer.take`, the way `ProxyServerHandler.step()` does it. Bytes are fed in pieces, as reads deliver them.
struct OwnRequestReader {
    /// The proxy's defaults (ProxyConfiguration). The corpus omits Host (the reference does not
    /// check it); duplicates are still refused.
    private var reader = RequestHeadReader(maxHeaderBytes: 32 * 1024, maxHeaderCount: 100, requireHost: false)
    private var buffer = ByteBuffer()
    private var inBody = false
    private var framer = BodyFramer.none
    private var current: HTTP1Message?
    private var raw: [UInt8] = []
    private var stop: (HTTP1Message) -> String? = { _ in nil }
    private(set) var trace = HTTP1Trace()
    private var finished = false

    init() {}

    /// Reads `bytes` cut at `cuts` (offsets, ascending) and says how the stream ends.
    static func read(_ bytes: [UInt8], cuts: [Int] = []) -> HTTP1Trace {
        var reader = OwnRequestReader()
        var start = 0
        for c in cuts + [bytes.count] where c >= start && c <= bytes.count {
            reader.feed(bytes[start..<c])
            start = c
        }
        return reader.finish(total: bytes.count)
    }

    mutating func feed(_ piece: ArraySlice<UInt8>) {
        guard !finished else { return }
        buffer.writeBytes(piece)
        step()
    }

    mutating func finish(total: Int) -> HTTP1Trace {
        if !finished {
            if inBody {
                trace.end = .incomplete(inBody: true)
            } else {
                trace.end = buffer.readableBytes == 0 ? .clean : .incomplete(inBody: false)
            }
        }
        return trace
    }

    private mutating func reject(_ why: String) {
        trace.end = .rejected(why)
        finished = true
    }

    private mutating func step() {
        while !finished {
            if !inBody {
                guard buffer.readableBytes > 0 else { return }
                let head: HTTPHead
                var pending = buffer
                let step = reader.next(&pending)
                buffer = pending
                switch step {
                case .incomplete: return
                case .emptyLine: continue
                case .refused(let refusal): return reject(Self.reason(refusal))
                case .head(let h, let f):
                    head = h
                    framer = f
                }
                current = HTTP1Message(method: head.method, target: head.target, minorVersion: head.minorVersion,
                                       fields: head.fields.map { Self.field($0, of: head) }, keepAlive: head.keepAlive)
                raw = []
                inBody = true
                stop = { _ in head.isUpgradeRequest ? "upgrade" : head.keepAlive ? nil : "close" }
            } else {
                let done: Bool
                do throws(HTTPHeadError) {
                    var collected: [UInt8] = []
                    done = try framer.take(from: &buffer, dataOnly: false) { collected += Array(buffer: $0) }
                    raw += collected
                } catch {
                    reject("400 body: \(error)")
                    return
                }
                guard done else { return }
                var message = current!
                message.body = Self.data(of: raw, framedBy: framer)
                message.end = buffer.readerIndex
                trace.messages.append(message)
                inBody = false
                current = nil
                if let why = stop(message) {
                    trace.end = .stopped(why)
                    finished = true
                }
            }
        }
    }

    /// The refusals as the differential test's expectations name them.
    static func reason(_ refusal: RequestRefusal) -> String {
        switch refusal {
        case .headTooLarge: "431 request headers too large"
        case .bareLineFeed: "400 bare LF in the request head"
        case .unsupportedVersion: "505 not HTTP/1.x"
        case .malformed(let why): "400 \(why)"
        case .framing(let why): "400 framing: \(why)"
        case .host(let why): "400 host: \(why)"
        case .connect: "405 CONNECT"
        }
    }

    static func field(_ f: HeaderField, of head: HTTPHead) -> HTTP1Message.Field {
        let base = head.bytes.readerIndex
        return HTTP1Message.Field(name: head.bytes.getString(at: base + Int(f.nameStart), length: Int(f.nameLength)) ?? "",
                                  value: head.value(f))
    }

    /// The data of a body forwarded as it came: chunk data for a chunked body, else the bytes.
    static func data(of raw: [UInt8], framedBy framer: BodyFramer) -> [UInt8] {
        guard case .chunked = framer else { return raw }
        var scanner = ChunkedScanner()
        var data: [UInt8] = []
        _ = try? raw.withUnsafeBufferPointer { (p) throws(HTTPHeadError) in
            guard let base = p.baseAddress else { return 0 }
            return try scanner.scan(base, p.count) { data += raw[$0] }
        }
        return data
    }
}

/// The proxy's response side: `ResponseHeadReader` (the same one `UpstreamHandler.process()` uses),
/// interim (1xx) heads skipped, then `BodyFramer.take`, the way `UpstreamHandler.process()` does
/// it. A close-delimited body runs to the end of the stream.
struct OwnResponseReader {
    /// Reads responses to requests with `methods` (one per response, in order) from `bytes` cut at `cuts`.
    static func read(_ bytes: [UInt8], methods: [String], cuts: [Int] = []) -> HTTP1Trace {
        var trace = HTTP1Trace()
        var buffer = ByteBuffer()
        var reader = ResponseHeadReader()
        var framer: BodyFramer?
        var current: HTTP1Message?
        var raw: [UInt8] = []
        var index = 0
        var start = 0
        var pieces: [ArraySlice<UInt8>] = []
        for c in cuts + [bytes.count] where c >= start && c <= bytes.count {
            pieces.append(bytes[start..<c])
            start = c
        }
        for piece in pieces {
            buffer.writeBytes(piece)
            while true {
                if framer == nil {
                    guard buffer.readableBytes > 0 else { break }
                    guard index < methods.count else {
                        // Bytes after the last expected response: the connection is not reused.
                        trace.end = .stopped("bytes after the last response")
                        return trace
                    }
                    switch reader.next(&buffer, requestMethod: methods[index]) {
                    case .incomplete:
                        break
                    case .refused(let why):
                        trace.end = .rejected(why)
                        return trace
                    case .switchingProtocols:
                        trace.end = .stopped("101")
                        return trace
                    case .interim:
                        continue
                    case .head(let head, let framing):
                        framer = framing
                        var keepAlive = head.keepAlive
                        if case .untilClose = framing { keepAlive = false }
                        current = HTTP1Message(method: String(head.status), target: "", minorVersion: head.minorVersion,
                                               fields: head.fields.map { OwnRequestReader.field($0, of: head) },
                                               keepAlive: keepAlive)
                        raw = []
                        continue
                    }
                    break
                } else {
                    let done: Bool
                    do throws(HTTPHeadError) {
                        var collected: [UInt8] = []
                        done = try framer!.take(from: &buffer, dataOnly: false) { collected += Array(buffer: $0) }
                        raw += collected
                    } catch {
                        trace.end = .rejected("body: \(error)")
                        return trace
                    }
                    guard done else { break }
                    var message = current!
                    message.body = OwnRequestReader.data(of: raw, framedBy: framer!)
                    message.end = buffer.readerIndex
                    trace.messages.append(message)
                    framer = nil
                    index += 1
                    if !message.keepAlive {
                        trace.end = .stopped("close")
                        return trace
                    }
                }
            }
        }
        if let framer, let current {
            if case .untilClose = framer {
                // Close-delimited: the end of the stream ends the message.
                var message = current
                message.body = raw
                message.end = bytes.count
                trace.messages.append(message)
                trace.end = .stopped("close")
            } else {
                trace.end = .incomplete(inBody: true)
            }
        } else {
            trace.end = buffer.readableBytes == 0 ? .clean : .incomplete(inBody: false)
        }
        return trace
    }
}
