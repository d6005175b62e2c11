import NIOCore

/// One connection of the proxy (to a client or to an upstream) as its handler sees it: bytes out,
/// flushes, closing, reads switched off and on. Two kinds carry it: `NIOTransport` (a SwiftNIO
/// channel; https upstreams need it, for TLS) and `EpollSocket` (a socket on openrun's own event
/// loop, `EpollEventLoop`: the plain-HTTP data path, with a fraction of a channel's work per
/// request; docs/runtime.md). The handlers hold the logic once, for both.
///
/// Used only on its event loop. Events come back through `TransportEvents`, in the order and with
/// the re-entrancy of SwiftNIO's: a `close()` (or a write that finds the peer gone) tells the
/// handler `transportInactive()` before it returns.
protocol ProxyTransport: AnyObject {
    var eventLoop: any EventLoop { get }
    var allocator: ByteBufferAllocator { get }
    /// The peer's IP address, as text (nil when not known).
    var remoteIP: String? { get }
    /// Queues bytes; nothing is sent before a flush.
    func write(_ buffer: ByteBuffer)
    /// Sends what is queued (what the socket does not take now goes when it can).
    func flush()
    func writeAndFlush(_ buffer: ByteBuffer)
    /// Sends `last` after what is queued, then closes once it is all written.
    func closeAfter(_ last: ByteBuffer)
    func close()
    /// Stops (or starts again) reading: backpressure.
    func setReadsPaused(_ paused: Bool)
}

/// What a transport tells its handler.
protocol TransportEvents: AnyObject {
    func transportRead(_ buffer: ByteBuffer)
    /// The reads of this event-loop iteration are over.
    func transportReadComplete()
    /// The connection is closed (by either side, or after an error).
    func transportInactive()
    /// The queue of bytes not sent yet went above the high-water mark, or back below the low one.
    func transportWritabilityChanged(_ writable: Bool)
}

/// `ProxyTransport` on a SwiftNIO channel, through the handler's context (which leads straight to
/// the channel's head: the handlers are the only ones in their pipelines).
final class NIOTransport: ProxyTransport {
    private let context: ChannelHandlerContext
    let eventLoop: any EventLoop
    let allocator: ByteBufferAllocator

    init(_ context: ChannelHandlerContext) {
        self.context = context
        self.eventLoop = context.eventLoop
        self.allocator = context.channel.allocator
    }

    var remoteIP: String? { context.channel.remoteAddress?.ipAddress }

    func write(_ buffer: ByteBuffer) { context.write(NIOAny(buffer), promise: nil) }
    func flush() { context.flush() }
    func writeAndFlush(_ buffer: ByteBuffer) { context.writeAndFlush(NIOAny(buffer), promise: nil) }
    func closeAfter(_ last: ByteBuffer) {
        let channel = context.channel
        context.writeAndFlush(NIOAny(last)).whenComplete { _ in channel.close(promise: nil) }
    }
    func close() { context.close(promise: nil) }
    func setReadsPaused(_ paused: Bool) {
        try? context.channel.syncOptions?.setOption(.autoRead, value: !paused)
    }
}
