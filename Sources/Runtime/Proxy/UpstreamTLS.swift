import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import NIOTLS

/// TLS to one upstream: the client context (one per trust configuration, shared by every
/// connection) and the name sent as SNI and checked against the certificate.
///
/// Two kinds of upstream speak TLS:
/// * a proxy route to an `https://` URL: the certificate is verified against the system trust
///   store (or `SSL_CERT_FILE`/`SSL_CERT_DIR`, plus `--upstream-ca` files), SNI and the name checked
///   are the URL's host (an IP address is checked against the certificate's IP entries, without SNI);
/// * a container with `scheme="https"`: reached on `127.0.0.1` through a port openrun published
///   itself, so its certificate (almost always self-signed, made in the image) is not verified,
///   as Kubernetes' HTTPS probes and the quadlet backend's `curl -k` do not verify it either.
package struct UpstreamTLS: Sendable, Hashable {
    package let context: UpstreamTLSContext
    /// SNI and the name verified; nil for an IP address (verified against the peer's address).
    package let serverName: String?

    /// - Parameter host: the URL's host (an IPv6 literal without brackets).
    package init(context: UpstreamTLSContext, host: String) {
        self.context = context
        self.serverName = Self.isIPAddress(host) ? nil : host
    }

    /// Sets up a fresh upstream channel for `endpoint`: for a TLS endpoint it puts the TLS client
    /// handler (and its handshake watch) at the front of the pipeline, before any HTTP handler;
    /// a plain endpoint is left alone. Call it first in the client bootstrap's channel initializer.
    package static func configure(_ channel: any Channel, for endpoint: Endpoint) throws {
        guard let tls = endpoint.tls else { return }
        let pipeline = channel.pipeline.syncOperations
        try pipeline.addHandler(NIOSSLClientHandler(context: tls.context.sslContext, serverHostname: tls.serverName))
        try pipeline.addHandler(HandshakeWatch(endpoint: endpoint, timeout: tls.context.handshakeTimeout))
    }

    static func isIPAddress(_ text: String) -> Bool {
        (try? SocketAddress(ipAddress: text, port: 0)) != nil
    }
}

/// A TLS client context for upstreams: built once per trust configuration and shared by every
/// connection that uses it (a `NIOSSLContext` is thread-safe). Compared by identity.
package final class UpstreamTLSContext: Sendable, Hashable, CustomStringConvertible {
    let sslContext: NIOSSLContext
    /// Certificates are verified (URL routes); false for loopback containers.
    package let verifies: Bool
    /// Where trust comes from, for logs.
    package let description: String
    /// How long a handshake may take before the connection fails (502).
    package let handshakeTimeout: TimeAmount

    private init(sslContext: NIOSSLContext, verifies: Bool, description: String, handshakeTimeout: TimeAmount) {
        self.sslContext = sslContext
        self.verifies = verifies
        self.description = description
        self.handshakeTimeout = handshakeTimeout
    }

    package static let defaultHandshakeTimeout: TimeAmount = .seconds(10)

    /// Verifies certificates and host names. Trust: `SSL_CERT_FILE` and/or `SSL_CERT_DIR` from
    /// `environment` when set (as OpenSSL, curl and Go honour them: they replace the system store),
    /// else the system trust store; plus every PEM file in `extraCAFiles` (`--upstream-ca`).
    package static func verifying(extraCAFiles: [String] = [],
                                  environment: [String: String] = ProcessInfo.processInfo.environment,
                                  handshakeTimeout: TimeAmount = defaultHandshakeTimeout) throws -> UpstreamTLSContext {
        var config = TLSConfiguration.makeClientConfiguration()
        config.certificateVerification = .fullVerification
        var sources: [String] = []
        let file = environment["SSL_CERT_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        let dir = environment["SSL_CERT_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        var additional: [NIOSSLAdditionalTrustRoots] = []
        switch (file, dir) {
        case (let f?, let d?):
            // The folder is looked up by hash when needed; the file is read once.
            config.trustRoots = .file(d)
            additional.append(.file(f))
            sources += ["SSL_CERT_FILE=\(f)", "SSL_CERT_DIR=\(d)"]
        case (let f?, nil):
            config.trustRoots = .file(f)
            sources.append("SSL_CERT_FILE=\(f)")
        case (nil, let d?):
            config.trustRoots = .file(d)
            sources.append("SSL_CERT_DIR=\(d)")
        case (nil, nil):
            config.trustRoots = .default
            sources.append("the system trust store")
        }
        for path in extraCAFiles {
            do {
                additional.append(.certificates(try NIOSSLCertificate.fromPEMFile(path)))
            } catch {
                throw RuntimeSetupError(description: "--upstream-ca \(path): not a readable PEM certificate file (\(error))")
            }
            sources.append(path)
        }
        config.additionalTrustRoots = additional
        do {
            return UpstreamTLSContext(sslContext: try NIOSSLContext(configuration: config), verifies: true,
                                      description: sources.joined(separator: " + "), handshakeTimeout: handshakeTimeout)
        } catch {
            throw RuntimeSetupError(description: "TLS client set-up failed (trust from \(sources.joined(separator: " + "))): \(error)")
        }
    }

    /// For containers with `scheme="https"` on loopback: no certificate verification. One for the process.
    package static func loopbackContainer() throws -> UpstreamTLSContext {
        try loopback.withLockedValue { cached in
            if let cached { return cached }
            var config = TLSConfiguration.makeClientConfiguration()
            config.certificateVerification = .none
            let made = UpstreamTLSContext(sslContext: try NIOSSLContext(configuration: config), verifies: false,
                                          description: "loopback container, certificate not verified",
                                          handshakeTimeout: defaultHandshakeTimeout)
            cached = made
            return made
        }
    }

    private static let loopback = NIOLockedValueBox<UpstreamTLSContext?>(nil)

    package static func == (a: UpstreamTLSContext, b: UpstreamTLSContext) -> Bool { a === b }
    package func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}

/// Why a TLS connection to an upstream failed before its handshake completed.
package struct UpstreamTLSError: Error, CustomStringConvertible {
    /// One line for the 502 body: "TLS handshake with HOST:PORT failed: ...".
    package let reason: String
    /// What NIOSSL reported (for the log).
    package let underlying: (any Error)?

    package var description: String {
        underlying.map { "\(reason) [\($0)]" } ?? reason
    }
}

/// Sits right after the TLS client handler until the handshake completes: fails a handshake that
/// takes too long and turns handshake errors into an `UpstreamTLSError` with a short reason; then
/// removes itself.
final class HandshakeWatch: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let endpoint: Endpoint
    private let timeout: TimeAmount
    private var timer: Scheduled<Void>?
    private var done = false

    init(endpoint: Endpoint, timeout: TimeAmount) {
        self.endpoint = endpoint
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    private func arm(_ context: ChannelHandlerContext) {
        guard timer == nil, !done else { return }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: timeout) {
            let (me, context) = bound.value
            guard !me.done else { return }
            me.done = true
            let ms = me.timeout.nanoseconds / 1_000_000
            context.fireErrorCaught(UpstreamTLSError(reason: "TLS handshake with \(me.endpoint) timed out after \(ms) ms",
                                                     underlying: nil))
            context.close(promise: nil)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent, !done {
            done = true
            timer?.cancel()
            context.fireUserInboundEventTriggered(event)
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard !done else {
            context.fireErrorCaught(error)
            return
        }
        done = true
        timer?.cancel()
        context.fireErrorCaught(UpstreamTLSError(reason: "TLS handshake with \(endpoint) failed: \(Self.explain(error))",
                                                 underlying: error))
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
    }

    /// A short explanation of a NIOSSL handshake error.
    static func explain(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return "certificate verification failed (an untrusted issuer, or expired; trust a CA with --upstream-ca or SSL_CERT_FILE)"
        }
        if let extra = error as? NIOSSLExtraError, extra == .failedToValidateHostname {
            return "the certificate does not name this host"
        }
        if let e = error as? NIOSSLError {
            switch e {
            case .uncleanShutdown: return "the server closed the connection during the handshake"
            case .handshakeFailed(let inner):
                let detail = String(describing: inner)
                if detail.contains("WRONG_VERSION_NUMBER") || detail.contains("PACKET_LENGTH_TOO_LONG") {
                    return "the server does not speak TLS on this port"
                }
                return "handshake error \(detail)"
            default: break
            }
        }
        return text
    }
}
