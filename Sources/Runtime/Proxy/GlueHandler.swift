import NIOCore

/// Splices two channels after an upgrade (101): bytes read on one are written to the other,
/// reads pause while the partner cannot take more, and a close on either side closes both.
/// Both channels live on the same event loop.
final class GlueHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    typealias OutboundIn = NIOAny
    typealias OutboundOut = NIOAny

    private var partner: GlueHandler?
    private var context: ChannelHandlerContext?
    private var pendingRead = false
    private let onClose: () -> Void
    private var closed = false

    private init(onClose: @escaping () -> Void) {
        self.onClose = onClose
    }

    /// Two glued handlers; `onClose` runs once, when the first side closes.
    static func matchedPair(onClose: @escaping () -> Void) -> (GlueHandler, GlueHandler) {
        var done = false
        let once = {
            if !done {
                done = true
                onClose()
            }
        }
        let a = GlueHandler(onClose: once)
        let b = GlueHandler(onClose: once)
        a.partner = b
        b.partner = a
        return (a, b)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        self.partner = nil
    }

    private func partnerWrite(_ data: NIOAny) { context?.write(data, promise: nil) }
    private func partnerFlush() { context?.flush() }
    private var partnerWritable: Bool { context?.channel.isWritable ?? false }

    private func partnerClose() {
        guard let context, !closed else { return }
        closed = true
        context.close(promise: nil)
    }

    private func partnerBecameWritable() {
        resumeReads()
    }

    /// Issues a read withheld while the partner could not take data (or was not there yet).
    func resumeReads() {
        if pendingRead, partner?.partnerWritable ?? false {
            pendingRead = false
            context?.read()
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        partner?.partnerWrite(data)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        partner?.partnerFlush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        partner?.partnerClose()
        onClose()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        partner?.partnerClose()
        context.close(promise: nil)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { partner?.partnerBecameWritable() }
    }

    func read(context: ChannelHandlerContext) {
        if partner?.partnerWritable ?? false {
            context.read()
        } else {
            pendingRead = true
        }
    }
}
