import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// One client connection: routes each request, waits for its app's lease, forwards it to a
/// pooled upstream connection on the same event loop and streams the response back, with
/// backpressure both ways. An upgrade (101) turns the connection into a byte splice.
final class ProxyServerHandler: ChannelDuplexHandler, RemovableChannelHandler, UpstreamDelegate {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// One request/response exchange.
    final class Exchange {
        let request: HTTPRequestHead
        let route: ProxyRoute?
        let clientKeepAlive: Bool
        let isUpgrade: Bool
        let strippedPrefix: String
        let upstreamURI: String
        var lifecycle: AppLifecycle?
        var lease: AppLease?
        var endpoint: Endpoint?
        var upstream: UpstreamHandler?
        var upstreamReused = false
        var retried = false
        /// Request parts received before the upstream connection was ready.
        var pending: [HTTPClientRequestPart] = []
        var requestEnded = false
        var requestHasBody = false
        var headSent = false
        var responseStarted = false
        var responseEnded = false
        var status = 0
        var bytesOut = 0
        var bytesIn = 0

        init(request: HTTPRequestHead, route: ProxyRoute?, isUpgrade: Bool, strippedPrefix: String, upstreamURI: String) {
            self.request = request
            self.route = route
            self.clientKeepAlive = request.isKeepAlive
            self.isUpgrade = isUpgrade
            self.strippedPrefix = strippedPrefix
            self.upstreamURI = upstreamURI
        }

        var appName: String { route?.appName ?? "-" }
    }

    private let shared: ProxyShared
    private var context: ChannelHandlerContext?
    private var exchange: Exchange?
    private var waitingForUpstream = false
    private var upstreamUnwritable = false
    private var pendingRead = false
    private var clientIP: String?

    init(shared: ProxyShared) {
        self.shared = shared
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        clientIP = context.channel.remoteAddress?.ipAddress
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        // A read this handler withheld must not be lost when it leaves (after an upgrade).
        if pendingRead {
            pendingRead = false
            context.read()
        }
    }

    // MARK: - Client side

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            requestHead(head, context: context)
        case .body(let body):
            guard let ex = exchange, !ex.responseEnded || !ex.requestEnded else { return }
            ex.requestHasBody = true
            ex.bytesIn += body.readableBytes
            if ex.responseEnded { return }  // draining the rest of a request already answered
            forwardToUpstream(.body(.byteBuffer(body)), ex)
        case .end(let trailers):
            guard let ex = exchange else { return }
            ex.requestEnded = true
            if ex.responseEnded {
                finishExchange(ex)
                return
            }
            forwardToUpstream(.end(trailers), ex)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        exchange?.upstream?.flush()
        context.fireChannelReadComplete()
    }

    private func forwardToUpstream(_ part: HTTPClientRequestPart, _ ex: Exchange) {
        if let up = ex.upstream, ex.headSent {
            up.write(part)
            if !(up.channel?.isWritable ?? true) { setUpstreamUnwritable(true) }
        } else {
            ex.pending.append(part)
        }
    }

    private func requestHead(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        let config = shared.configuration
        if let rejection = HeaderRewriting.check(head, maxCount: config.maxHeaderCount, maxBytes: config.maxHeaderBytes) {
            let ex = Exchange(request: head, route: nil, isUpgrade: false, strippedPrefix: "", upstreamURI: "")
            exchange = ex
            beginInFlight()
            switch rejection {
            case .headersTooLarge:
                respond(ex, status: .requestHeaderFieldsTooLarge, body: "request headers too large\n", close: true)
            case .ambiguousFraming(let why):
                respond(ex, status: .badRequest, body: "ambiguous request framing: \(why)\n", close: true)
            }
            return
        }
        let path = head.uri
        let host = head.headers.first(name: "host")
        beginInFlight()

        if path == "/_openrun/health" || path.hasPrefix("/_openrun/") {
            let ex = Exchange(request: head, route: nil, isUpgrade: false, strippedPrefix: "", upstreamURI: "")
            exchange = ex
            switch path {
            case "/_openrun/health": respond(ex, status: .ok, body: "ok\n")
            case "/_openrun/metrics":
                respond(ex, status: .ok, bytes: shared.metrics.render(), contentType: "text/plain; version=0.0.4")
            default: respond(ex, status: .notFound, body: "not found\n")
            }
            return
        }
        guard let route = shared.routes.route(host: host, path: path) else {
            let ex = Exchange(request: head, route: nil, isUpgrade: false, strippedPrefix: "", upstreamURI: "")
            exchange = ex
            respond(ex, status: .notFound, body: "no app at \(path)\n")
            return
        }
        if route.redirectBarePath, !route.appPath.isEmpty,
           path == route.appPath || path.hasPrefix(route.appPath + "?") {
            let ex = Exchange(request: head, route: route, isUpgrade: false, strippedPrefix: "", upstreamURI: "")
            exchange = ex
            let query = path.dropFirst(route.appPath.count)
            respond(ex, status: .permanentRedirect, body: "", extraHeaders: [("location", route.appPath + "/" + query)])
            return
        }
        let (upPath, stripped) = route.upstreamPath(for: path)
        let isUpgrade = head.headers.contains(name: "upgrade")
            && head.headers[canonicalForm: "connection"].contains { $0.lowercased() == "upgrade" }
        var uri = upPath
        if case .url(let u) = route.target { uri = u.basePath + upPath }
        let ex = Exchange(request: head, route: route, isUpgrade: isUpgrade, strippedPrefix: stripped, upstreamURI: uri)
        exchange = ex

        switch route.target {
        case .url(let u):
            connectUpstream(u.endpoint, ex)  // [TLS] the URL's endpoint carries TLS for https:// (UpstreamTLS.swift)
        case .app(let lifecycle):
            ex.lifecycle = lifecycle
            if let lease = lifecycle.acquireIfReady() {
                ex.lease = lease
                connectUpstream(lease.endpoint, ex)
                return
            }
            setWaiting(true)
            let bound = NIOLoopBound((self, ex), eventLoop: context.eventLoop)
            let loop = context.eventLoop
            lifecycle.acquire { result in
                loop.execute {
                    let (handler, ex) = bound.value
                    handler.leaseArrived(result, ex)
                }
            }
        }
    }

    private func leaseArrived(_ result: Result<AppLease, StartFailure>, _ ex: Exchange) {
        guard exchange === ex, context != nil else {
            // The client went away while waiting.
            if case .success(let lease) = result { ex.lifecycle?.release(lease) }
            return
        }
        switch result {
        case .success(let lease):
            ex.lease = lease
            if lease.coldStart { shared.metrics(of: ex.appName).coldWait.recordNanoseconds(lease.waited.nanoseconds) }
            connectUpstream(lease.endpoint, ex)
        case .failure(let failure):
            setWaiting(false)
            startFailed(failure, ex)
        }
    }

    private func startFailed(_ failure: StartFailure, _ ex: Exchange) {
        var body = "openrun: \(ex.appName) could not start: \(failure.reason)\n"
        if shared.configuration.exposeEngineLogs && !failure.details.isEmpty {
            body += "\n" + failure.details + (failure.details.hasSuffix("\n") ? "" : "\n")
        }
        switch failure {
        case .timedOut:
            respond(ex, status: .gatewayTimeout, body: body)
        default:
            respond(ex, status: .serviceUnavailable, body: body,
                    extraHeaders: [("retry-after", String(shared.configuration.retryAfterSeconds))])
        }
    }

    // MARK: - Upstream connection

    private func connectUpstream(_ endpoint: Endpoint, _ ex: Exchange, fresh: Bool = false) {
        guard let context else { return }
        ex.endpoint = endpoint
        let pool = shared.pool(for: context.eventLoop)
        if !ex.isUpgrade, !fresh, let up = pool?.take(endpoint) {
            ex.upstreamReused = true
            attach(up, ex)
            return
        }
        setWaiting(true)
        let handler = UpstreamHandler(endpoint: endpoint, pool: ex.isUpgrade ? nil : pool)
        let bound = NIOLoopBound((self, ex, handler), eventLoop: context.eventLoop)
        ClientBootstrap(group: context.eventLoop)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.nanoseconds(shared.configuration.connectTimeout.nanoseconds))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let (_, _, handler) = bound.value
                    // [TLS] https upstreams: the TLS client handler goes first, below the HTTP handlers
                    // (a no-op for plain endpoints); see UpstreamTLS.swift.
                    try UpstreamTLS.configure(channel, for: endpoint)
                    try channel.pipeline.syncOperations.addHTTPClientHandlers(leftOverBytesStrategy: .forwardBytes,
                                                                             enableOutboundHeaderValidation: false)
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .connect(host: endpoint.host, port: endpoint.port)
            .whenComplete { result in
                let (me, ex, handler) = bound.value
                switch result {
                case .success:
                    guard me.exchange === ex, me.context != nil else {
                        handler.close()
                        return
                    }
                    me.attach(handler, ex)
                case .failure(let error):
                    guard me.exchange === ex else { return }
                    me.setWaiting(false)
                    me.shared.logger.warning("upstream connect failed",
                                             metadata: ["app": "\(ex.appName)", "upstream": "\(endpoint)", "error": "\(error)"])
                    me.respond(ex, status: .badGateway, body: "openrun: \(ex.appName) refused the connection\n")
                }
            }
    }

    private func attach(_ up: UpstreamHandler, _ ex: Exchange) {
        ex.upstream = up
        up.delegate = self
        let host: String
        if ex.route?.preserveHost ?? false, let h = ex.request.headers.first(name: "host") {
            host = h
        } else {
            host = up.hostHeader
        }
        let head = HeaderRewriting.upstreamRequest(ex.request, uri: ex.upstreamURI, clientIP: clientIP,
                                                   strippedPrefix: ex.strippedPrefix, hostHeader: host,
                                                   isUpgrade: ex.isUpgrade)
        // Take the pending parts first: a write can find the connection dead and re-enter
        // `upstreamClosed`, which schedules a retry with its own pending parts.
        let parts = ex.pending
        ex.pending = []
        ex.headSent = true
        up.write(.head(head))
        for part in parts { up.write(part) }
        up.flush()
        guard ex.upstream === up else { return }
        setWaiting(false)
        if !(up.channel?.isWritable ?? true) { setUpstreamUnwritable(true) }
        up.setReadsPaused(!(context?.channel.isWritable ?? true))
    }

    // MARK: - UpstreamDelegate

    func upstreamHead(_ head: HTTPResponseHead, from upstream: UpstreamHandler) {
        guard let ex = exchange, let context else { return }
        if ex.isUpgrade && head.status == .switchingProtocols {
            // Answer now; splice once the decoder has delivered the 101's end.
            answerUpgrade(head, ex, context)
            return
        }
        ex.responseStarted = true
        ex.status = Int(head.status.code)
        context.write(wrapOutboundOut(.head(responseHead(head, ex))), promise: nil)
    }

    func upstreamBody(_ body: ByteBuffer) {
        guard let ex = exchange, let context else { return }
        ex.bytesOut += body.readableBytes
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
    }

    func upstreamReadComplete() {
        context?.flush()
    }

    func upstreamEnd(from upstream: UpstreamHandler) {
        guard let ex = exchange, let context else { return }
        if ex.status == 101 {
            splice(ex, upstream, context)
            return
        }
        ex.responseEnded = true
        ex.upstream = nil
        let keep = ex.requestEnded && upstream.keepAlive && !ex.isUpgrade
        if keep {
            shared.pool(for: context.eventLoop)?.giveBack(upstream)
        } else {
            upstream.close()
        }
        setUpstreamUnwritable(false)
        if ex.clientKeepAlive {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        } else {
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        }
        if ex.requestEnded { finishExchange(ex) }
    }

    func upstreamClosed(_ upstream: UpstreamHandler) {
        guard let ex = exchange, ex.upstream === upstream, !ex.responseEnded else { return }
        ex.upstream = nil
        setUpstreamUnwritable(false)
        if !ex.responseStarted {
            // A pooled connection the upstream closed meanwhile: retry once on a fresh one when
            // nothing of a body was sent.
            if ex.upstreamReused && !ex.retried && !ex.requestHasBody, let e = ex.endpoint, let context {
                ex.retried = true
                ex.upstreamReused = false
                ex.headSent = false
                ex.pending = ex.requestEnded ? [.end(nil)] : []
                setWaiting(true)
                let bound = NIOLoopBound((self, ex), eventLoop: context.eventLoop)
                context.eventLoop.execute {
                    let (me, ex) = bound.value
                    guard me.exchange === ex else { return }
                    me.connectUpstream(e, ex, fresh: true)
                }
                return
            }
            if let error = upstream.lastError {
                shared.logger.warning("upstream failed", metadata: ["app": "\(ex.appName)", "error": "\(error)"])
            }
            let why = (upstream.lastError as? UpstreamTLSError).map { "could not be reached: \($0.reason)" }  // [TLS]
                ?? (upstream.lastError is HTTPParserError ? "sent an invalid HTTP response" : "closed the connection without answering")
            respond(ex, status: .badGateway, body: "openrun: \(ex.appName) \(why)\n")
        } else {
            // Cut mid-response: the client must see it cut too.
            ex.responseEnded = true
            context?.close(promise: nil)
            finishExchange(ex)
        }
    }

    func upstreamWritabilityChanged(_ writable: Bool) {
        setUpstreamUnwritable(!writable)
    }

    // MARK: - Responses

    private func responseHead(_ head: HTTPResponseHead, _ ex: Exchange) -> HTTPResponseHead {
        var headers = HeaderRewriting.clientResponseHeaders(head.headers)
        if let route = ex.route, !route.responseHeaders.isEmpty {
            for h in route.responseHeaders { headers.replaceOrAdd(name: h.name, value: h.value) }
        }
        if let location = headers.first(name: "location"), let e = ex.endpoint {
            let publicAuthority = ex.request.headers.first(name: "host")
                ?? "\(shared.configuration.host):\(shared.configuration.port)"
            if let rewritten = HeaderRewriting.rewriteLocation(location, upstreamAuthority: e.authority,  // [TLS] 443/80 left out
                                                              publicAuthority: publicAuthority,
                                                              strippedPrefix: ex.strippedPrefix) {
                headers.replaceOrAdd(name: "location", value: rewritten)
            }
        }
        addColdStartHeaders(&headers, ex)
        if !ex.clientKeepAlive { headers.add(name: "connection", value: "close") }
        return HTTPResponseHead(version: ex.request.version, status: head.status, headers: headers)
    }

    private func addColdStartHeaders(_ headers: inout HTTPHeaders, _ ex: Exchange) {
        guard let lease = ex.lease, lease.coldStart else { return }
        headers.add(name: "x-openrun-cold-start", value: "true")
        let ms = (lease.waited.milliseconds * 10).rounded() / 10
        headers.add(name: "server-timing", value: "openrun-start;dur=\(ms);desc=\"cold start\"")
    }

    private func respond(_ ex: Exchange, status: HTTPResponseStatus, body: String, close: Bool = false,
                         extraHeaders: [(String, String)] = []) {
        respond(ex, status: status, bytes: Array(body.utf8), contentType: "text/plain; charset=utf-8", close: close,
                extraHeaders: extraHeaders)
    }

    private func respond(_ ex: Exchange, status: HTTPResponseStatus, bytes: [UInt8], contentType: String,
                         close: Bool = false, extraHeaders: [(String, String)] = []) {
        guard let context else { return }
        let closeAfter = close || !ex.clientKeepAlive || (!ex.requestEnded && ex.isUpgrade)
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: contentType)
        headers.add(name: "content-length", value: String(bytes.count))
        for (n, v) in extraHeaders { headers.add(name: n, value: v) }
        addColdStartHeaders(&headers, ex)
        if closeAfter { headers.add(name: "connection", value: "close") }
        ex.status = Int(status.code)
        ex.responseStarted = true
        ex.responseEnded = true
        ex.upstream?.close()
        ex.upstream = nil
        ex.pending = []
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: ex.request.version, status: status, headers: headers))),
                      promise: nil)
        if ex.request.method != .HEAD && !bytes.isEmpty {
            var buffer = context.channel.allocator.buffer(capacity: bytes.count)
            buffer.writeBytes(bytes)
            context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        }
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if closeAfter {
            let channel = context.channel
            written.whenComplete { _ in channel.close(promise: nil) }
        }
        if ex.requestEnded || closeAfter { finishExchange(ex) }
    }

    /// Request and response are both complete (or abandoned): return the lease, count it.
    private func finishExchange(_ ex: Exchange) {
        guard exchange === ex else { return }
        exchange = nil
        endInFlight()
        if let lease = ex.lease {
            ex.lease = nil
            ex.lifecycle?.release(lease)
        }
        let m = shared.metrics(of: ex.appName)
        m.requests.count(status: ex.status)
        if ex.bytesIn > 0 { m.bytesIn.increment(by: Int64(ex.bytesIn)) }
        if ex.bytesOut > 0 { m.bytesOut.increment(by: Int64(ex.bytesOut)) }
        setWaiting(false)
        setUpstreamUnwritable(false)
    }

    private func beginInFlight() { shared.inFlight.withLockedValue { $0 += 1 } }
    private func endInFlight() { shared.inFlight.withLockedValue { $0 -= 1 } }

    // MARK: - Upgrade

    /// A 101 from the upstream: pass it on.
    private func answerUpgrade(_ head: HTTPResponseHead, _ ex: Exchange, _ context: ChannelHandlerContext) {
        ex.status = 101
        ex.responseStarted = true
        var headers = head.headers
        HeaderRewriting.removeHopByHop(&headers, keepUpgrade: true)
        headers.replaceOrAdd(name: "connection", value: "upgrade")
        if let route = ex.route {
            for h in route.responseHeaders { headers.replaceOrAdd(name: h.name, value: h.value) }
        }
        addColdStartHeaders(&headers, ex)
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: ex.request.version, status: head.status,
                                                                      headers: headers))), promise: nil)
    }

    /// After the 101: turn both connections into a byte splice.
    private func splice(_ ex: Exchange, _ upstream: UpstreamHandler, _ context: ChannelHandlerContext) {
        // The exchange becomes an open stream: it keeps the app up until either side closes.
        exchange = nil
        ex.upstream = nil
        upstream.delegate = nil
        var lease = ex.lease
        if var l = lease {
            ex.lifecycle?.beginStream(&l)
            lease = l
        }
        let lifecycle = ex.lifecycle
        let shared = self.shared
        let appName = ex.appName
        let (clientGlue, upstreamGlue) = GlueHandler.matchedPair {
            shared.inFlight.withLockedValue { $0 -= 1 }
            shared.metrics.request(app: appName, status: 101)
            if let lease { lifecycle?.release(lease) }
        }
        guard let upChannel = upstream.channel else {
            context.close(promise: nil)
            return
        }
        do {
            // Both glues first, so that neither ever sees its partner missing; then the HTTP
            // handlers go (the decoders forward bytes they read past the 101 to the glues).
            let up = upChannel.pipeline.syncOperations
            let down = context.pipeline.syncOperations
            try up.addHandler(upstreamGlue)
            try down.addHandler(clientGlue)
            up.removeHandler(upstream, promise: nil)
            up.removeHandler(try up.handler(type: HTTPRequestEncoder.self), promise: nil)
            up.removeHandler(try up.handler(type: ByteToMessageHandler<HTTPResponseDecoder>.self), promise: nil)
            down.removeHandler(context: context, promise: nil)
            down.removeHandler(try down.handler(type: HTTPServerPipelineHandler.self), promise: nil)
            down.removeHandler(try down.handler(type: HTTPResponseEncoder.self), promise: nil)
            down.removeHandler(try down.handler(type: ByteToMessageHandler<HTTPRequestDecoder>.self), promise: nil)
            // Reads withheld meanwhile start again.
            clientGlue.resumeReads()
            upstreamGlue.resumeReads()
        } catch {
            shared.logger.error("upgrade splice failed", metadata: ["app": "\(appName)", "error": "\(error)"])
            upChannel.close(promise: nil)
            context.close(promise: nil)
        }
    }

    // MARK: - Backpressure and teardown

    private func setWaiting(_ waiting: Bool) {
        waitingForUpstream = waiting
        resumeReadsIfAllowed()
    }

    private func setUpstreamUnwritable(_ unwritable: Bool) {
        upstreamUnwritable = unwritable
        resumeReadsIfAllowed()
    }

    private var readsPaused: Bool { waitingForUpstream || upstreamUnwritable }

    private func resumeReadsIfAllowed() {
        if !readsPaused && pendingRead {
            pendingRead = false
            context?.read()
        }
    }

    func read(context: ChannelHandlerContext) {
        if readsPaused {
            pendingRead = true
        } else {
            context.read()
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        exchange?.upstream?.setReadsPaused(!context.channel.isWritable)
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let ex = exchange {
            ex.upstream?.delegate = nil
            ex.upstream?.close()
            ex.upstream = nil
            if !ex.responseEnded { ex.status = 499 }
            ex.responseEnded = true
            ex.requestEnded = true
            finishExchange(ex)
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if let parseError = error as? HTTPParserError {
            let ex = exchange ?? {
                let e = Exchange(request: HTTPRequestHead(version: .http1_1, method: .GET, uri: "/"), route: nil,
                                 isUpgrade: false, strippedPrefix: "", upstreamURI: "")
                exchange = e
                beginInFlight()
                return e
            }()
            if !ex.responseStarted {
                let status: HTTPResponseStatus = parseError == .headerOverflow ? .requestHeaderFieldsTooLarge : .badRequest
                respond(ex, status: status, body: "bad request: \(parseError)\n", close: true)
                return
            }
        }
        context.close(promise: nil)
    }
}

extension Duration {
    package var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
