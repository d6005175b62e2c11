import NIOCore
import NIOHTTP1

/// What an upstream connection reports to the request it serves.
protocol UpstreamDelegate: AnyObject {
    func upstreamHead(_ head: HTTPResponseHead, from upstream: UpstreamHandler)
    func upstreamBody(_ body: ByteBuffer)
    func upstreamEnd(from upstream: UpstreamHandler)
    func upstreamReadComplete()
    func upstreamClosed(_ upstream: UpstreamHandler)
    func upstreamWritabilityChanged(_ writable: Bool)
}

/// The last handler of an upstream connection's pipeline: forwards response parts to the
/// current owner and withholds reads while the owner's client cannot take more.
final class UpstreamHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundIn = HTTPClientRequestPart
    typealias OutboundOut = HTTPClientRequestPart

    let endpoint: Endpoint
    weak var pool: UpstreamPool?
    weak var delegate: (any UpstreamDelegate)?
    private(set) var context: ChannelHandlerContext?
    private var readsPaused = false
    private var pendingRead = false
    /// The upstream may keep the connection after the current response.
    private(set) var keepAlive = true
    /// Why the connection failed, when it did (e.g. an unparsable response).
    private(set) var lastError: (any Error)?

    /// The Host header for requests on this connection (unless preserve_host).
    let hostHeader: String

    init(endpoint: Endpoint, pool: UpstreamPool?) {
        self.endpoint = endpoint
        self.pool = pool
        self.hostHeader = endpoint.authority  // [TLS] the port left out when it is the scheme's default
    }

    var isActive: Bool { context?.channel.isActive ?? false }
    var channel: (any Channel)? { context?.channel }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }
    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        if pendingRead {
            pendingRead = false
            context.read()
        }
    }

    func write(_ part: HTTPClientRequestPart) {
        context?.write(wrapOutboundOut(part), promise: nil)
    }

    func flush() { context?.flush() }

    func close() { context?.close(promise: nil) }

    /// Pauses or resumes reading responses (backpressure from the client side).
    func setReadsPaused(_ paused: Bool) {
        readsPaused = paused
        if !paused && pendingRead {
            pendingRead = false
            context?.read()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        guard let delegate else {
            // An idle pooled connection has nothing to say; whatever it sent, drop it.
            context.close(promise: nil)
            return
        }
        switch part {
        case .head(let head):
            keepAlive = head.isKeepAlive
            delegate.upstreamHead(head, from: self)
        case .body(let body):
            delegate.upstreamBody(body)
        case .end:
            self.delegate = nil
            delegate.upstreamEnd(from: self)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        delegate?.upstreamReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        pool?.remove(self)
        let d = delegate
        delegate = nil
        d?.upstreamClosed(self)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        lastError = error
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        delegate?.upstreamWritabilityChanged(context.channel.isWritable)
    }

    func read(context: ChannelHandlerContext) {
        if readsPaused {
            pendingRead = true
        } else {
            context.read()
        }
    }
}
