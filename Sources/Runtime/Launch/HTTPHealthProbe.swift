import NIOCore
import NIOHTTP1
import NIOPosix

/// `GET path` on a fresh connection (TLS for an https endpoint); only a final 200 counts. Each
/// attempt, TLS handshake included, is bounded by `timeout`.
package struct HTTPHealthProbe: HealthProbe {
    package let group: any EventLoopGroup
    package let timeout: Duration

    package init(group: any EventLoopGroup, timeout: Duration = .seconds(5)) {
        self.group = group
        self.timeout = timeout
    }

    package func check(_ endpoint: Endpoint, path: String) async -> Bool {
        let loop = group.next()
        let promise = loop.makePromise(of: Bool.self)
        let timeout = self.timeout
        let channel: any Channel
        do {
            channel = try await endpoint.connect(ClientBootstrap(group: loop)
                .connectTimeout(.nanoseconds(timeout.nanoseconds))
                .channelInitializer { ch in
                    ch.eventLoop.makeCompletedFuture {
                        try UpstreamTLS.configure(ch, for: endpoint)
                        try ch.pipeline.syncOperations.addHTTPClientHandlers()
                        try ch.pipeline.syncOperations.addHandler(StatusHandler(promise: promise))
                    }
                }
            ).get()
        } catch {
            promise.succeed(false)
            return false
        }
        let scheduled = loop.scheduleTask(in: .nanoseconds(timeout.nanoseconds)) { promise.succeed(false) }
        var headers = HTTPHeaders()
        headers.add(name: "host", value: endpoint.authority)
        headers.add(name: "user-agent", value: "openrun-health")
        headers.add(name: "connection", value: "close")
        channel.write(HTTPClientRequestPart.head(HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)),
                      promise: nil)
        channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
        let ok = (try? await promise.futureResult.get()) ?? false
        scheduled.cancel()
        channel.close(promise: nil)
        return ok
    }

    private final class StatusHandler: ChannelInboundHandler {
        typealias InboundIn = HTTPClientResponsePart
        let promise: EventLoopPromise<Bool>
        init(promise: EventLoopPromise<Bool>) { self.promise = promise }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if case .head(let head) = unwrapInboundIn(data) {
                promise.succeed(head.status == .ok)
            }
        }
        func channelInactive(context: ChannelHandlerContext) { promise.succeed(false) }
        func errorCaught(context: ChannelHandlerContext, error: Error) {
            promise.succeed(false)
            context.close(promise: nil)
        }
    }
}
