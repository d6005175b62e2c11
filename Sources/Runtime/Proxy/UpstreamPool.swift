import NIOCore

/// Idle keep-alive connections to upstreams, one pool per event loop; used only on its loop,
/// so a request and its upstream connection always share one thread.
final class UpstreamPool: @unchecked Sendable {
    let eventLoop: any EventLoop
    private var idle: [Endpoint: [UpstreamHandler]] = [:]
    private let maxIdlePerEndpoint: Int

    init(eventLoop: any EventLoop, maxIdlePerEndpoint: Int = 128) {
        self.eventLoop = eventLoop
        self.maxIdlePerEndpoint = maxIdlePerEndpoint
    }

    /// A live idle connection to `endpoint`, if any.
    func take(_ endpoint: Endpoint) -> UpstreamHandler? {
        eventLoop.preconditionInEventLoop()
        while var list = idle[endpoint], let h = list.popLast() {
            idle[endpoint] = list.isEmpty ? nil : list
            if h.isActive { return h }
        }
        return nil
    }

    /// Keeps a connection whose last exchange ended cleanly, or closes it when the pool is full.
    func giveBack(_ handler: UpstreamHandler) {
        eventLoop.preconditionInEventLoop()
        var list = idle[handler.endpoint, default: []]
        guard list.count < maxIdlePerEndpoint, handler.isActive else {
            handler.close()
            return
        }
        list.append(handler)
        idle[handler.endpoint] = list
    }

    /// Forgets a connection that closed.
    func remove(_ handler: UpstreamHandler) {
        guard var list = idle[handler.endpoint] else { return }
        list.removeAll { $0 === handler }
        idle[handler.endpoint] = list.isEmpty ? nil : list
    }

    /// Closes every idle connection (shutdown).
    func closeAll() {
        let all = idle.values.flatMap { $0 }
        idle = [:]
        for h in all { h.close() }
    }
}
