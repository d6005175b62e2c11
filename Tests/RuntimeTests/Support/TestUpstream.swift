import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// A small real HTTP server on loopback that the proxy forwards to (no mock of NIO):
/// * `/echo...`: answers the request line and headers as text, one `name: value` a line.
/// * `/redirect`: 302 to `http://127.0.0.1:<own port>/landed`.
/// * `/bytes/N`: N bytes of `x`, streamed in 64 KiB chunks.
/// * `/slow/MS`: waits MS milliseconds, then answers `slow`.
/// * `/drip/N`: N chunks 20 ms apart (a streaming response).
/// * `/flood/N`: N bytes, written only while the connection takes them (writability), so
///   `floodWritten` tells how far a reader that stopped reading let it get.
/// * POST `/count`: answers the number of body bytes received.
/// * `Upgrade: echo`: 101, then every byte is echoed back.
/// With a TLS context it speaks https only, and records the SNI names clients sent.
final class TestUpstream: Sendable {
    let port: Int
    private let channel: any Channel
    private let accepted = NIOLockedValueBox(0)
    private let flooded = NIOLockedValueBox(0)

    var acceptedConnections: Int { accepted.withLockedValue { $0 } }
    /// Bytes of `/flood/N` bodies the sockets took so far.
    var floodWritten: Int { flooded.withLockedValue { $0 } }

    init(group: any EventLoopGroup, tls: NIOSSLContext? = nil) async throws {
        let accepted = self.accepted
        let flooded = self.flooded
        let portBox = NIOLockedValueBox(0)
        channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                accepted.withLockedValue { $0 += 1 }
                return channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                    let upgrader = EchoUpgrader()
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(
                        withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
                    try channel.pipeline.syncOperations.addHandler(Handler(port: portBox.withLockedValue { $0 },
                                                                           flooded: flooded))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress!.port!
        portBox.withLockedValue { $0 = port }
    }

    func close() async { try? await channel.close() }

    private final class Handler: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let port: Int
        let flooded: NIOLockedValueBox<Int>
        var head: HTTPRequestHead?
        var bodyBytes = 0
        /// Bytes of a `/flood/N` body not written yet.
        var floodLeft = 0

        init(port: Int, flooded: NIOLockedValueBox<Int>) {
            self.port = port
            self.flooded = flooded
        }

        /// Writes flood chunks while the channel is writable; the writability event resumes it.
        func flood(_ context: ChannelHandlerContext) {
            while floodLeft > 0 && context.channel.isWritable {
                let k = min(floodLeft, 65536)
                floodLeft -= k
                let flooded = self.flooded
                context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(repeating: UInt8(ascii: "f"), count: k)))))
                    .whenSuccess { flooded.withLockedValue { $0 += k } }
                if floodLeft == 0 { context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil) }
            }
        }

        func channelWritabilityChanged(context: ChannelHandlerContext) {
            if context.channel.isWritable { flood(context) }
            context.fireChannelWritabilityChanged()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let h):
                head = h
                bodyBytes = 0
            case .body(let b):
                bodyBytes += b.readableBytes
            case .end:
                guard let head else { return }
                answer(head, context: context)
            }
        }

        func send(_ context: ChannelHandlerContext, status: HTTPResponseStatus = .ok, headers: [(String, String)] = [],
                  body: String) {
            var h = HTTPHeaders(headers)
            h.add(name: "content-length", value: String(body.utf8.count))
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: h))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }

        func answer(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
            let uri = head.uri
            if uri.hasPrefix("/redirect") {
                send(context, status: .found, headers: [("location", "http://127.0.0.1:\(port)/landed?x=1")], body: "")
            } else if uri.hasPrefix("/bytes/"), let n = Int(uri.dropFirst("/bytes/".count)) {
                var h = HTTPHeaders()
                h.add(name: "content-length", value: String(n))
                context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: h))), promise: nil)
                var left = n
                while left > 0 {
                    let k = min(left, 65536)
                    context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(repeating: UInt8(ascii: "x"), count: k)))),
                                  promise: nil)
                    left -= k
                }
                context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            } else if uri.hasPrefix("/flood/"), let n = Int(uri.dropFirst("/flood/".count)) {
                var h = HTTPHeaders()
                h.add(name: "content-length", value: String(n))
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: h))),
                                      promise: nil)
                floodLeft = n
                flood(context)
            } else if uri.hasPrefix("/slow/"), let ms = Int64(uri.dropFirst("/slow/".count)) {
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: .milliseconds(ms)) {
                    let (me, ctx) = bound.value
                    me.send(ctx, body: "slow")
                }
            } else if uri.hasPrefix("/drip/"), let n = Int(uri.dropFirst("/drip/".count)) {
                context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok))), promise: nil)
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                for i in 0..<n {
                    context.eventLoop.scheduleTask(in: .milliseconds(Int64(20 * (i + 1)))) {
                        let (me, ctx) = bound.value
                        ctx.writeAndFlush(me.wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: "chunk\(i)\n")))), promise: nil)
                        if i == n - 1 { ctx.writeAndFlush(me.wrapOutboundOut(.end(nil)), promise: nil) }
                    }
                }
            } else if uri.hasPrefix("/count") {
                send(context, body: String(bodyBytes))
            } else {
                var text = "\(head.method) \(head.uri)\n"
                for (n, v) in head.headers { text += "\(n.lowercased()): \(v)\n" }
                send(context, headers: [("x-upstream", "yes")], body: text)
            }
        }
    }

    private final class EchoUpgrader: HTTPServerProtocolUpgrader, Sendable {
        let supportedProtocol = "echo"
        let requiredUpgradeHeaders: [String] = []
        func buildUpgradeResponse(channel: any Channel, upgradeRequest: HTTPRequestHead,
                                  initialResponseHeaders: HTTPHeaders) -> EventLoopFuture<HTTPHeaders> {
            channel.eventLoop.makeSucceededFuture(initialResponseHeaders)
        }
        func upgrade(context: ChannelHandlerContext, upgradeRequest: HTTPRequestHead) -> EventLoopFuture<Void> {
            // Before the request handler, which never sees the echoed bytes.
            context.eventLoop.makeCompletedFuture {
                try context.pipeline.syncOperations.addHandler(Echo(), position: .after(context.handler))
            }
        }
    }

    private final class Echo: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            context.writeAndFlush(data, promise: nil)
        }
    }
}
