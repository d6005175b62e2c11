import NIOCore
import NIOPosix

/// An upstream that answers every connection with fixed bytes once the request head is in,
/// then closes: for responses NIO's own encoder would never write (close-delimited bodies).
/// `silent`: reads everything and never answers (a server stuck before its TLS handshake).
final class CannedUpstream: Sendable {
    let port: Int
    private let channel: any Channel

    init(group: any EventLoopGroup, response: String, silent: Bool = false) async throws {
        channel = try await ServerBootstrap(group: group)
            .childChannelInitializer { ch in
                ch.eventLoop.makeCompletedFuture {
                    try ch.pipeline.syncOperations.addHandler(Answer(response: response, silent: silent))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress!.port!
    }

    func close() async { try? await channel.close() }

    private final class Answer: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let response: String
        let silent: Bool
        var seen = ""
        init(response: String, silent: Bool) {
            self.response = response
            self.silent = silent
        }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if silent { return }
            seen += String(buffer: unwrapInboundIn(data))
            if seen.contains("\r\n\r\n") {
                let channel = context.channel
                context.writeAndFlush(NIOAny(ByteBuffer(string: response))).whenComplete { _ in channel.close(promise: nil) }
            }
        }
    }
}
