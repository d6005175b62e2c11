import NIOCore
import NIOHTTP1

/// Why a request head is refused (answered, then the connection closed).
enum RequestRefusal: Equatable {
    case headTooLarge
    case bareLineFeed
    case unsupportedVersion
    case malformed(String)
    case framing(String)
    case host(String)
    case connect

    var status: HTTPResponseStatus {
        switch self {
        case .headTooLarge: .requestHeaderFieldsTooLarge
        case .unsupportedVersion: .httpVersionNotSupported
        case .connect: .methodNotAllowed
        case .bareLineFeed, .malformed, .framing, .host: .badRequest
        }
    }

    var message: String {
        switch self {
        case .headTooLarge: "request headers too large"
        case .bareLineFeed: "bad request: bare LF in the request head"
        case .unsupportedVersion: "HTTP/1.0 and HTTP/1.1 only"
        case .malformed(let why), .host(let why): "bad request: \(why)"
        case .framing(let why): "ambiguous request framing: \(why)"
        // Tunnels to arbitrary hosts are not what an app proxy offers (and llhttp would read what
        // follows a 2xx as a tunnel, where this reader reads a response).
        case .connect: "CONNECT is not supported"
        }
    }
}

/// The proxy's decisions on the bytes before a request body, in one place: the client handler
/// (`ProxyServerHandler`) and the differential test's model of it both go through here.
/// Finds the head's end (`HeadScanner`), skips empty lines before it (RFC 9112 §2.2), bounds its
/// size, parses it, and refuses ambiguous framing, bad Host fields and CONNECT.
struct RequestHeadReader {
    enum Step {
        /// More bytes are needed.
        case incomplete
        /// An empty line before a request line was taken from the buffer.
        case emptyLine
        case refused(RequestRefusal)
        /// A head to serve, and how its body is delimited.
        case head(HTTPHead, BodyFramer)
    }

    var maxHeaderBytes: Int
    var maxHeaderCount: Int
    /// HTTP/1.1 requests without Host are refused (off only for the differential test's corpus).
    var requireHost = true
    private var scanner = HeadScanner()

    init(maxHeaderBytes: Int, maxHeaderCount: Int, requireHost: Bool = true) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.requireHost = requireHost
    }

    /// Reads from the front of `buffer` (the same bytes as before, maybe with more appended);
    /// what a step takes is removed from it.
    mutating func next(_ buffer: inout ByteBuffer) -> Step {
        switch scanner.scan(buffer) {
        case .incomplete:
            return buffer.readableBytes > maxHeaderBytes ? .refused(.headTooLarge) : .incomplete
        case .bareLineFeed:
            return .refused(.bareLineFeed)
        case .complete(length: 2):
            buffer.moveReaderIndex(forwardBy: 2)
            scanner.reset()
            return .emptyLine
        case .complete(let length):
            let bytes = buffer.readSlice(length: length)!
            scanner.reset()
            guard length <= maxHeaderBytes else { return .refused(.headTooLarge) }
            let head: HTTPHead
            do throws(HTTPHeadError) {
                head = try HTTPHead.parseRequest(bytes, maxFields: maxHeaderCount)
            } catch {
                switch error {
                case .tooLarge: return .refused(.headTooLarge)
                case .unsupportedVersion: return .refused(.unsupportedVersion)
                case .malformed(let why): return .refused(.malformed(why))
                }
            }
            if let why = HeaderRewriting.framingProblem(ofRequest: head) { return .refused(.framing(why)) }
            if let why = HeaderRewriting.hostProblem(ofRequest: head, requireHost: requireHost) { return .refused(.host(why)) }
            if head.method == "CONNECT" { return .refused(.connect) }
            return .head(head, HeaderRewriting.requestFraming(head))
        }
    }
}

/// The proxy's decisions on a response head, in one place: `UpstreamHandler` and the differential
/// test's model of it both go through here. Finds the head's end, bounds its size, parses it, and
/// tells interim (1xx) and 101 heads from final ones, which come with their body's framing.
struct ResponseHeadReader {
    enum Step {
        case incomplete
        /// Not a response to forward (502), with a short reason.
        case refused(String)
        /// 100, 103, ...: another head follows.
        case interim(HTTPHead)
        case switchingProtocols(HTTPHead)
        case head(HTTPHead, BodyFramer)
    }

    /// Largest response head accepted.
    static let maxHeadBytes = 64 * 1024
    static let maxHeadFields = 256
    private var scanner = HeadScanner()

    mutating func reset() { scanner.reset() }

    /// Reads from the front of `buffer`; what a step takes is removed from it.
    mutating func next(_ buffer: inout ByteBuffer, requestMethod: String) -> Step {
        switch scanner.scan(buffer) {
        case .incomplete:
            return buffer.readableBytes > Self.maxHeadBytes ? .refused("response head too large") : .incomplete
        case .bareLineFeed:
            return .refused("bare LF in the response head")
        case .complete(let length):
            let bytes = buffer.readSlice(length: length)!
            scanner.reset()
            let head: HTTPHead
            do throws(HTTPHeadError) {
                head = try HTTPHead.parseResponse(bytes, maxFields: Self.maxHeadFields)
            } catch {
                return .refused("\(error)")
            }
            if head.status == 101 { return .switchingProtocols(head) }
            if head.status < 200 { return .interim(head) }
            do throws(HTTPHeadError) {
                return .head(head, try HeaderRewriting.responseFraming(head, requestMethod: requestMethod))
            } catch {
                return .refused("\(error)")
            }
        }
    }
}

extension Optional where Wrapped == ByteBuffer {
    /// Adds a read to the bytes not taken yet: the read itself when nothing is left (no copy),
    /// else appended.
    mutating func appendRead(_ buffer: ByteBuffer) {
        if var held = self, held.readableBytes > 0 {
            self = nil  // `held` the only reference while it grows
            var b = buffer
            held.writeBuffer(&b)
            self = held
        } else {
            self = buffer
        }
    }
}
