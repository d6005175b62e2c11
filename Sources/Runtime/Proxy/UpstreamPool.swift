import NIOCore

/// What the proxy keeps per event loop, used only on its loop: idle keep-alive connections to
/// upstreams (so a request and its upstream connection always share one thread), the loop's client
/// connections (timeouts, shutdown), and the channels to flush at the end of the loop iteration.
final class UpstreamPool: @unchecked Sendable {
    /// The idle connections to one endpoint (a class: a handler keeps it, and the pool finds it
    /// for the endpoint used last without hashing).
    final class IdleList {
        var handlers: [UpstreamHandler] = []
    }

    let eventLoop: any EventLoop
    /// The client connections on this loop, for the timeout sweep and shutdown.
    var clients: [ObjectIdentifier: ProxyServerHandler] = [:]

    /// Channels written in this loop iteration, flushed together once its events are handled:
    /// the write syscalls go out back to back (as haproxy sends after reading), so the peers they
    /// wake find several messages at once instead of being woken per message.
    /// (Flushed through the handlers' contexts, which lead straight to the channel's head; a
    /// removed context's flush does nothing.)
    private var toFlush: [ChannelHandlerContext] = []
    private var flushScheduled = false

    func flushSoon(_ context: ChannelHandlerContext) {
        toFlush.append(context)
        guard !flushScheduled else { return }
        flushScheduled = true
        eventLoop.execute { [self] in
            flushScheduled = false
            let contexts = toFlush
            toFlush.removeAll(keepingCapacity: true)
            for c in contexts { c.flush() }
        }
    }
    private var idle: [Endpoint: IdleList] = [:]
    private var last: (endpoint: Endpoint, list: IdleList)?
    private let maxIdlePerEndpoint: Int

    init(eventLoop: any EventLoop, maxIdlePerEndpoint: Int = 128) {
        self.eventLoop = eventLoop
        self.maxIdlePerEndpoint = maxIdlePerEndpoint
    }

    private func list(_ endpoint: Endpoint) -> IdleList {
        if let last, last.endpoint == endpoint { return last.list }
        let l: IdleList
        if let found = idle[endpoint] {
            l = found
        } else {
            l = IdleList()
            idle[endpoint] = l
        }
        last = (endpoint, l)
        return l
    }

    /// A live idle connection to `endpoint`, if any.
    func take(_ endpoint: Endpoint) -> UpstreamHandler? {
        eventLoop.preconditionInEventLoop()
        let l = list(endpoint)
        while let h = l.handlers.popLast() {
            if h.isActive { return h }
        }
        return nil
    }

    /// Keeps a connection whose last exchange ended cleanly, or closes it when the pool is full.
    func giveBack(_ handler: UpstreamHandler) {
        eventLoop.preconditionInEventLoop()
        let l = handler.idleList ?? list(handler.endpoint)
        handler.idleList = l
        guard handler.isActive, l.handlers.count < maxIdlePerEndpoint else {
            handler.close()
            return
        }
        handler.setReadsPaused(false)  // an idle connection reads, to see the upstream close it
        l.handlers.append(handler)
    }

    /// Forgets a connection that closed.
    func remove(_ handler: UpstreamHandler) {
        guard let l = handler.idleList ?? idle[handler.endpoint] else { return }
        l.handlers.removeAll { $0 === handler }
    }

    /// Closes every idle connection (shutdown).
    func closeAll() {
        let all = idle.values.flatMap(\.handlers)
        idle = [:]
        last = nil
        for h in all { h.close() }
    }
}
