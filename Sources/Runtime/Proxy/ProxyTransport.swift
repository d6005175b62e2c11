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
    /// `transport` carries the handler's connection from now on (`active`: already connected).
    func transportStarted(_ transport: any ProxyTransport, active: Bool)
    /// The connection is established (an upstream connect completed).
    func transportActive()
    func transportRead(_ buffer: ByteBuffer)
    /// The reads of this event-loop iteration are over.
    func transportReadComplete()
    /// The connection is closed (by either side, or after an error).
    func transportInactive()
    /// The queue of bytes not sent yet went above the high-water mark, or back below the low one.
    func transportWritabilityChanged(_ writable: Bool)
    /// The connection met an error (it closes next).
    func transportError(_ error: any Error)
}

extension TransportEvents {
    func transportActive() {}
    func transportError(_ error: any Error) {}
}

/// `ProxyTransport` on a SwiftNIO channel: the only handler of its pipeline (above the TLS handler
/// for https upstreams), passing the channel's events to the proxy's handler and its writes, flushes
/// and closes straight to the channel's head.
final class NIOTransport: ChannelInboundHandler, RemovableChannelHandler, ProxyTransport {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let eventLoop: any EventLoop
    private(set) var allocator = ByteBufferAllocator()
    private(set) var remoteIP: String?
    /// Nil once the channel let go of this handler: what is written then goes nowhere.
    private var context: ChannelHandlerContext?
    /// The proxy's handler; let go of with the context (which breaks the handler↔transport cycle).
    private var events: (any TransportEvents)?

    init(_ events: any TransportEvents, on channel: any Channel) {
        self.events = events
        self.eventLoop = channel.eventLoop
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        allocator = context.channel.allocator
        remoteIP = context.channel.remoteAddress?.ipAddress
        events?.transportStarted(self, active: context.channel.isActive)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        events = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        events?.transportActive()
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) { events?.transportRead(unwrapInboundIn(data)) }
    func channelReadComplete(context: ChannelHandlerContext) { events?.transportReadComplete() }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        events?.transportWritabilityChanged(context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        events?.transportInactive()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        events?.transportError(error)
        context.close(promise: nil)
    }

    func write(_ buffer: ByteBuffer) { context?.write(wrapOutboundOut(buffer), promise: nil) }
    func flush() { context?.flush() }
    func writeAndFlush(_ buffer: ByteBuffer) { context?.writeAndFlush(wrapOutboundOut(buffer), promise: nil) }
    func closeAfter(_ last: ByteBuffer) {
        guard let context else { return }
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(last)).whenComplete { _ in channel.close(promise: nil) }
    }
    func close() { context?.close(promise: nil) }
    func setReadsPaused(_ paused: Bool) {
        try? context?.channel.syncOptions?.setOption(.autoRead, value: !paused)
    }
}
