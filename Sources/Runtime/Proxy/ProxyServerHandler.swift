import CoreMetrics
import Logging
import NIOCore
import NIOHTTP1

/// One client connection, the only handler of its pipeline: finds each request head in the bytes
/// (strict HTTP/1 parsing, see `HTTPHead`), routes it, waits for its app's lease, writes the
/// rewritten head to a pooled upstream connection on the same event loop and then forwards body
/// bytes as they came, both ways, with backpressure. Nothing is decoded and re-encoded but the
/// heads. An upgrade (101) turns both connections into a byte tunnel.
final class ProxyServerHandler: TransportEvents {

    /// One request/response exchange.
    final class Exchange {
        let head: HTTPHead
        let entry: RouteTable.Entry?
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
        /// Body bytes received before the upstream connection was ready.
        var pending: [ByteBuffer] = []
        var requestEnded = false
        var requestHasBody = false
        var headSent = false
        var responseStarted = false
        var responseEnded = false
        /// A close-delimited upstream body goes to the client as chunks.
        var rechunk = false
        /// The client connection closes after this response.
        var closeAfterResponse = false
        var status = 0
        var bytesOut = 0
        var bytesIn = 0

        init(head: HTTPHead, route: RouteTable.Entry?, isUpgrade: Bool, strippedPrefix: String, upstreamURI: String,
             requestEnded: Bool) {
            self.head = head
            self.entry = route
            self.clientKeepAlive = head.keepAlive
            self.isUpgrade = isUpgrade
            self.strippedPrefix = strippedPrefix
            self.upstreamURI = upstreamURI
            self.requestEnded = requestEnded
        }

        /// (Fields are read through `entry`: a `ProxyRoute` taken as a value would be a copy.)
        var preserveHost: Bool { entry?.route.preserveHost ?? false }
        var responseHeaders: [(name: String, value: String)] { entry?.route.responseHeaders ?? [] }
        var appName: String { entry?.route.appName ?? "-" }
        var isHTTP10: Bool { head.isHTTP10 }
    }

    private enum Phase {
        /// Waiting for (or holding) the next request head.
        case head
        /// Forwarding (or draining) the current request's body.
        case body
        /// After a 101: bytes pass both ways.
        case tunnel
        /// The connection is closing; whatever arrives is dropped.
        case closing
    }

    private let shared: ProxyShared
    private var transport: (any ProxyTransport)?
    private var exchange: Exchange?
    private var phase = Phase.head
    /// Bytes read and not yet taken by a head or a body.
    private var inbound: ByteBuffer?
    private var headReader: RequestHeadReader
    private var requestFramer = BodyFramer.none
    private var processing = false
    private var reprocess = false
    private var waitingForUpstream = false
    private var upstreamUnwritable = false
    /// A next request arrived while the current one is still being answered (pipelining).
    private var pipelineHold = false
    /// Reading is switched off (`autoRead`) while `readsPaused`: the handler is inbound only, so
    /// NIO's per-read and per-flush events go straight to the channel without passing through it.
    private var readsOff = false
    private var clientIP: String?
    /// This connection's event loop's pool of upstream connections.
    private var pool: UpstreamPool?
    private var allocator = ByteBufferAllocator()
    /// When the head being read began to arrive (header timeout), nil between heads.
    private var headStarted: NIODeadline?
    /// When the connection last finished an exchange or opened (keep-alive timeout).
    private var idleSince = NIODeadline.now()
    /// The client's channel takes more writes (tracked from its writability events).
    private var clientWritable = true
    private var lastMetrics: (app: String, metrics: RuntimeMetrics.AppMetrics)?
    /// The requests counter used last (its app and status): no lock or lookup for the next alike.
    private var lastCounted: (metrics: RuntimeMetrics.AppMetrics, status: Int, counter: CoreMetrics.Counter)?
    private var tunnel: (upstream: UpstreamHandler, done: () -> Void)?

    init(shared: ProxyShared) {
        self.shared = shared
        self.headReader = RequestHeadReader(maxHeaderBytes: shared.configuration.maxHeaderBytes,
                                            maxHeaderCount: shared.configuration.maxHeaderCount)
    }

    /// Serves the connection `transport` carries (a SwiftNIO channel or an `EpollSocket`).
    func transportStarted(_ transport: any ProxyTransport, active: Bool) {
        self.transport = transport
        clientIP = transport.remoteIP
        pool = shared.pool(for: transport.eventLoop)
        allocator = transport.allocator
        pool?.clients[ObjectIdentifier(self)] = self
        headStarted = .now()  // the first request's head is due within the header timeout too
    }

    /// Closes the connection (shutdown).
    func close() { transport?.close() }

    /// Called by the loop's sweep: closes a connection whose head is overdue (408) or that sat idle
    /// between requests past the keep-alive timeout.
    func sweep(now: NIODeadline) {
        guard let transport, phase == .head, exchange == nil else { return }
        let config = shared.configuration
        if let started = headStarted, now - started > .nanoseconds(config.headerTimeout.nanoseconds) {
            reject(.requestTimeout, "the request head did not arrive in time")
        } else if headStarted == nil, now - idleSince > .nanoseconds(config.keepAliveTimeout.nanoseconds) {
            phase = .closing
            transport.close()
        }
    }

    // MARK: - Client side

    func transportRead(_ buffer: ByteBuffer) {
        switch phase {
        case .closing:
            return
        case .tunnel:
            if let up = tunnel?.upstream {
                up.write(buffer)
                upstreamNeedsFlush = true
                if !up.isWritable { setUpstreamUnwritable(true) }
            }
            return
        case .head, .body:
            if phase == .head && headStarted == nil { headStarted = .now() }
            inbound.appendRead(buffer)
            processInbound()
        }
    }

    func transportReadComplete() {
        guard upstreamNeedsFlush else { return }
        upstreamNeedsFlush = false
        if let up = tunnel?.upstream { up.flush() } else { exchange?.upstream?.flush() }
    }

    /// Takes heads and bodies from `inbound` as far as it can; re-entrant calls only ask for another pass.
    private func processInbound() {
        if processing {
            reprocess = true
            return
        }
        processing = true
        defer { processing = false }
        repeat {
            reprocess = false
            step()
        } while reprocess
    }

    private func step() {
        while true {
            switch phase {
            case .closing:
                inbound = nil
                return
            case .tunnel:
                if let buf = inbound, buf.readableBytes > 0, let up = tunnel?.upstream {
                    inbound = nil
                    up.write(buf)
                    up.flush()
                }
                return
            case .head:
                guard var buffer = inbound, buffer.readableBytes > 0 else { return }
                if exchange != nil {
                    // The next request waits until the current response is done.
                    if !pipelineHold {
                        pipelineHold = true
                        resumeReadsIfAllowed()
                    }
                    return
                }
                inbound = nil  // `buffer` the only reference while it is read
                let step = headReader.next(&buffer)
                inbound = buffer
                switch step {
                case .incomplete:
                    return
                case .emptyLine:
                    continue
                case .refused(let refusal):
                    reject(refusal.status, refusal.message)
                    return
                case .head(let head, let framer):
                    requestFramer = framer
                    // A request without a body is whole with its head: no body step.
                    phase = framer.isDone ? .head : .body
                    headStarted = nil
                    startExchange(head, requestEnded: framer.isDone)
                }
            case .body:
                guard let ex = exchange else {
                    phase = .closing
                    continue
                }
                var buffer = inbound ?? ByteBuffer()
                inbound = nil
                let done: Bool
                do {
                    done = try requestFramer.take(from: &buffer, dataOnly: false) { bodyPart($0, ex) }
                } catch {
                    if !ex.responseStarted {
                        respond(ex, status: .badRequest, body: "bad request: \(error)\n", close: true)
                    } else {
                        transport?.close()
                    }
                    phase = .closing
                    return
                }
                if buffer.readableBytes > 0 { inbound = buffer }
                guard done else { return }
                if phase == .body { phase = .head }
                ex.requestEnded = true
                if ex.responseEnded { finishExchange(ex) }
            }
        }
    }

    private func bodyPart(_ part: ByteBuffer, _ ex: Exchange) {
        ex.requestHasBody = true
        ex.bytesIn += part.readableBytes
        if ex.responseEnded { return }  // draining the rest of a request already answered
        if let up = ex.upstream, ex.headSent {
            up.write(part)
            upstreamNeedsFlush = true
            if !up.isWritable { setUpstreamUnwritable(true) }
        } else {
            ex.pending.append(part)
        }
    }

    /// A head that cannot be served: answer and close.
    private func reject(_ status: HTTPResponseStatus, _ message: String) {
        inbound = nil
        phase = .closing
        guard let transport else { return }
        let body = message + "\n"
        var out = allocator.buffer(capacity: 160 + body.utf8.count)
        HeaderRewriting.writeLocalResponse(status: status, clientMinorVersion: 1, contentType: "text/plain; charset=utf-8",
                                           contentLength: body.utf8.count, extraHeaders: [],
                                           additions: .init(connection: .close), into: &out)
        out.writeString(body)
        transport.closeAfter(out)
        shared.metrics(of: "-").requests.count(status: Int(status.code))
    }

    private func startExchange(_ head: HTTPHead, requestEnded: Bool) {
        beginInFlight()
        var path = head.target
        var host = head.host
        if !path.hasPrefix("/"), let (h, p) = Self.absoluteForm(path) {
            // absolute-form: its authority is the host (RFC 9112 §3.2.2).
            host = h
            path = p
        }
        if path.hasPrefix("/_openrun/") {
            let ex = Exchange(head: head, route: nil, isUpgrade: false, strippedPrefix: "", upstreamURI: "",
                              requestEnded: requestEnded)
            exchange = ex
            switch path {
            case "/_openrun/health": respond(ex, status: .ok, body: "ok\n")
            case "/_openrun/metrics":
                respond(ex, status: .ok, bytes: shared.metrics.render(), contentType: "text/plain; version=0.0.4")
            default: respond(ex, status: .notFound, body: "not found\n")
            }
            return
        }
        guard let entry = shared.routes.entry(host: host, path: path) else {
            let ex = Exchange(head: head, route: nil, isUpgrade: false, strippedPrefix: "", upstreamURI: "",
                              requestEnded: requestEnded)
            exchange = ex
            respond(ex, status: .notFound, body: "no app at \(Self.printable(path))\n")
            return
        }
        if entry.route.redirectBarePath, !entry.route.appPath.isEmpty,
           path == entry.route.appPath || path.hasPrefix(entry.route.appPath + "?") {
            let ex = Exchange(head: head, route: entry, isUpgrade: false, strippedPrefix: "", upstreamURI: "",
                              requestEnded: requestEnded)
            exchange = ex
            let appPath = entry.route.appPath
            let query = path.dropFirst(appPath.count)
            respond(ex, status: .permanentRedirect, body: "", extraHeaders: [("location", appPath + "/" + query)])
            return
        }
        let (upPath, stripped) = entry.route.upstreamPath(for: path)
        var uri = upPath
        if case .url(let u) = entry.route.target, !u.basePath.isEmpty { uri = u.basePath + upPath }
        let ex = Exchange(head: head, route: entry, isUpgrade: head.isUpgradeRequest, strippedPrefix: stripped,
                          upstreamURI: uri, requestEnded: requestEnded)
        exchange = ex

        switch entry.route.target {
        case .url(let u):
            connectUpstream(u.endpoint, ex)  // [TLS] the URL's endpoint carries TLS for https:// (UpstreamTLS.swift)
        case .app(let lifecycle):
            ex.lifecycle = lifecycle
            if let lease = lifecycle.acquireIfReady() {
                ex.lease = lease
                connectUpstream(lease.endpoint, ex)
                return
            }
            guard let transport else { return }
            setWaiting(true)
            let loop = transport.eventLoop
            let bound = NIOLoopBound((self, ex), eventLoop: loop)
            lifecycle.acquire { result in
                loop.execute {
                    let (handler, ex) = bound.value
                    handler.leaseArrived(result, ex)
                }
            }
        }
    }

    /// `http://authority/path` → (authority, path).
    private static func absoluteForm(_ target: String) -> (String, String)? {
        let lower = target.prefix(8).lowercased()
        let skip = lower.hasPrefix("http://") ? 7 : lower.hasPrefix("https://") ? 8 : 0
        guard skip > 0 else { return nil }
        let rest = target.dropFirst(skip)
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        let path = rest.dropFirst(authority.count)
        return (String(authority), path.isEmpty ? "/" : path.hasPrefix("?") ? "/" + path : String(path))
    }

    /// Text from the request, for a response body: control characters escaped.
    private static func printable(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { return s }
        return String(s.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F
            ? "\\x" + String($0.value, radix: 16) : String($0) }.joined())
    }

    private func leaseArrived(_ result: Result<AppLease, StartFailure>, _ ex: Exchange) {
        guard exchange === ex, transport != nil else {
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
                    extraHeaders: [("retry-after", String(Self.retryAfter(ex.lifecycle?.retryAfter,
                                                                          default: shared.configuration.retryAfterSeconds)))])
        }
    }

    // MARK: - Upstream connection

    private func connectUpstream(_ endpoint: Endpoint, _ ex: Exchange, fresh: Bool = false) {
        guard let transport, let pool else { return }
        ex.endpoint = endpoint
        if !ex.isUpgrade, !fresh, let up = pool.take(endpoint) {
            ex.upstreamReused = true
            attach(up, ex)
            return
        }
        setWaiting(true)
        let handler = UpstreamHandler(endpoint: endpoint, pool: ex.isUpgrade ? nil : pool)
        let bound = NIOLoopBound((self, ex, handler), eventLoop: transport.eventLoop)
        pool.connect(endpoint, handler, shared.configuration.connectTimeout).whenComplete { result in
            let (me, ex, handler) = bound.value
            switch result {
            case .success:
                guard me.exchange === ex, me.transport != nil else {
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
        up.begin(owner: self, method: ex.head.method, upgrade: ex.isUpgrade)
        let host = ex.preserveHost ? (ex.head.host ?? up.hostHeader) : up.hostHeader
        let bound = HeaderRewriting.upstreamRequestBound(ex.head, uri: ex.upstreamURI, hostHeader: host,
                                                         clientIP: clientIP, strippedPrefix: ex.strippedPrefix)
        var out = Self.buffer(from: &requestScratch, capacity: bound, up.allocator)
        HeaderRewriting.writeUpstreamRequest(ex.head, uri: ex.upstreamURI, hostHeader: host, clientIP: clientIP,
                                             strippedPrefix: ex.strippedPrefix, isUpgrade: ex.isUpgrade, into: &out)
        // Take the pending parts first: a write can find the connection dead and re-enter
        // `upstreamClosed`, which schedules a retry with its own pending parts.
        var parts: [ByteBuffer] = []
        if !ex.pending.isEmpty { swap(&parts, &ex.pending) }
        ex.headSent = true
        if parts.isEmpty {
            up.write(out)
            Self.keep(out, in: &requestScratch)
            if let pool, let t = up.transport { pool.flushSoon(t) } else { up.flush() }
        } else {
            up.write(out)
            for part in parts { up.write(part) }
            up.flush()
        }
        guard ex.upstream === up else { return }
        setWaiting(false)
        if !up.isWritable { setUpstreamUnwritable(true) }
        up.setReadsPaused(!clientWritable)
    }

    // MARK: - From the upstream connection

    /// A final response head (or a 101). Returns whether only chunk data is wanted (an HTTP/1.0 client).
    func upstreamHead(_ head: HTTPHead, framing: BodyFramer, from upstream: UpstreamHandler) -> Bool {
        guard let ex = exchange, let transport else { return false }
        if head.status == 101 {
            answerUpgrade(head, ex, upstream, transport)
            return false
        }
        ex.responseStarted = true
        ex.status = head.status
        var a = HeaderRewriting.ResponseAdditions()
        a.replacing = ex.responseHeaders
        if let location = head.first(.location), let e = ex.endpoint {
            let publicAuthority = ex.head.host ?? "\(shared.configuration.host):\(shared.configuration.port)"
            a.location = HeaderRewriting.rewriteLocation(location, upstreamAuthority: e.authority,  // [TLS] 443/80 left out
                                                         publicAuthority: publicAuthority,
                                                         strippedPrefix: ex.strippedPrefix)
        }
        if let lease = ex.lease, lease.coldStart { a.coldStartMilliseconds = Self.milliseconds(lease) }
        var dataOnly = false
        switch framing {
        case .chunked where ex.isHTTP10:
            dataOnly = true
            a.dropTransferEncoding = true
            ex.closeAfterResponse = true
        case .untilClose:
            if ex.isHTTP10 {
                ex.closeAfterResponse = true
            } else {
                a.chunked = true
                ex.rechunk = true
            }
        default:
            break
        }
        // A response that starts before the request's body is all in: the rest of the body cannot be
        // told apart from a next request reliably (a client may stop sending it), so the connection ends.
        if !ex.clientKeepAlive || !ex.requestEnded { ex.closeAfterResponse = true }
        a.connection = ex.closeAfterResponse ? .close : ex.isHTTP10 ? .keepAlive : .none
        // Room for a small body too, which joins the head (`upstreamBody`).
        var joined = 0
        if case .length(let n) = framing, n <= UInt64(Self.joinLimit), !ex.rechunk { joined = Int(n) }
        var out = Self.buffer(from: &responseScratch, capacity: HeaderRewriting.clientResponseBound(head, additions: a) + joined,
                              allocator)
        HeaderRewriting.writeClientResponse(head, clientMinorVersion: ex.head.minorVersion, keepUpgrade: false,
                                            additions: a, into: &out)
        // Held until the body's first bytes (a small body joins it) or the end of this read.
        response = out
        return dataOnly
    }

    /// A 1xx other than 101: passed on to an HTTP/1.1 client.
    func upstreamInterim(_ head: HTTPHead) {
        guard let ex = exchange, let transport, !ex.isHTTP10 else { return }
        var out = allocator.buffer(capacity: HeaderRewriting.clientResponseBound(head, additions: .init()))
        HeaderRewriting.writeClientResponse(head, clientMinorVersion: 1, keepUpgrade: false, additions: .init(), into: &out)
        transport.writeAndFlush(out)
    }

    func upstreamBody(_ body: ByteBuffer) {
        guard let transport else { return }
        if phase == .tunnel {
            transport.write(body)
            clientNeedsFlush = true
            return
        }
        guard let ex = exchange else { return }
        ex.bytesOut += body.readableBytes
        clientNeedsFlush = true
        if !ex.rechunk, response != nil, body.readableBytes <= Self.joinLimit {
            var b = body
            response!.writeBuffer(&b)
            return
        }
        writeResponse(transport)
        if ex.rechunk {
            var size = allocator.buffer(capacity: 18)
            size.writeString(String(body.readableBytes, radix: 16))
            size.writeStaticString("\r\n")
            transport.write(size)
            transport.write(body)
            transport.write(ByteBuffer(staticString: "\r\n"))
        } else {
            transport.write(body)
        }
    }

    /// A response head (and small body) not written yet.
    private var response: ByteBuffer?
    /// Bytes were written to the client since its last flush.
    private var clientNeedsFlush = false
    /// Bytes were written to the upstream since its last flush.
    private var upstreamNeedsFlush = false
    /// Bodies up to this size are copied behind their head: one write instead of two.
    private static let joinLimit = 16 * 1024
    /// The buffers of the last response head (with its joined body) and of the last upstream
    /// request head, kept after they were written: once the channel has sent and let go of one, the
    /// next head is written into the same storage, with no allocation. (Still held by a channel, a
    /// buffer is copied on write instead: never shared.) Kept up to `scratchLimit` bytes each.
    private var responseScratch: ByteBuffer?
    private var requestScratch: ByteBuffer?
    private static let scratchLimit = 4096

    /// An empty buffer of at least `capacity` bytes: `scratch`'s storage when it is big enough and
    /// no longer shared, else a new one.
    private static func buffer(from scratch: inout ByteBuffer?, capacity: Int, _ allocator: ByteBufferAllocator) -> ByteBuffer {
        if var b = scratch, b.capacity >= capacity {
            scratch = nil  // `b` the only reference left here, so `clear` keeps the storage if the channel let go
            b.clear()
            return b
        }
        return allocator.buffer(capacity: capacity)
    }

    /// Keeps a written head's buffer for the next head (small ones only).
    private static func keep(_ buffer: ByteBuffer, in scratch: inout ByteBuffer?) {
        if buffer.capacity <= scratchLimit { scratch = buffer }
    }

    private func writeResponse(_ transport: any ProxyTransport) {
        if let r = response {
            response = nil
            transport.write(r)
            Self.keep(r, in: &responseScratch)
        }
    }

    func upstreamReadComplete() {
        guard let transport, clientNeedsFlush || response != nil else { return }
        clientNeedsFlush = false
        if let r = response {
            response = nil
            transport.writeAndFlush(r)
            Self.keep(r, in: &responseScratch)
        } else {
            transport.flush()
        }
    }

    func upstreamEnd(from upstream: UpstreamHandler) {
        guard let ex = exchange, ex.upstream === upstream, let transport else {
            upstream.close()
            return
        }
        ex.responseEnded = true
        ex.upstream = nil
        if ex.requestEnded && upstream.keepAlive && !ex.isUpgrade, let pool {
            pool.giveBack(upstream)
        } else {
            upstream.close()
        }
        setUpstreamUnwritable(false)
        var last = response ?? ByteBuffer()
        response = nil
        clientNeedsFlush = false
        if ex.rechunk { last.writeStaticString("0\r\n\r\n") }
        if ex.closeAfterResponse {
            phase = .closing
            inbound = nil
            transport.closeAfter(last)
            finishExchange(ex)
            return
        }
        if last.readableBytes > 0 {
            transport.write(last)
            Self.keep(last, in: &responseScratch)
            if let pool { pool.flushSoon(transport) } else { transport.flush() }
        } else {
            transport.flush()
        }
        if ex.requestEnded { finishExchange(ex) }
    }

    func upstreamClosed(_ upstream: UpstreamHandler) {
        if phase == .tunnel, tunnel?.upstream === upstream {
            transport?.close()
            return
        }
        guard let ex = exchange, ex.upstream === upstream, !ex.responseEnded else { return }
        ex.upstream = nil
        setUpstreamUnwritable(false)
        if !ex.responseStarted {
            // A pooled connection the upstream closed meanwhile: retry once on a fresh one when
            // nothing of a body was sent.
            if ex.upstreamReused && !ex.retried && !ex.requestHasBody, let e = ex.endpoint, let transport {
                ex.retried = true
                ex.upstreamReused = false
                ex.headSent = false
                ex.pending = []
                setWaiting(true)
                let bound = NIOLoopBound((self, ex), eventLoop: transport.eventLoop)
                transport.eventLoop.execute {
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
                ?? (upstream.sentInvalidResponse ? "sent an invalid HTTP response" : "closed the connection without answering")
            respond(ex, status: .badGateway, body: "openrun: \(ex.appName) \(why)\n")
        } else {
            // Cut mid-response: the client must see it cut too.
            ex.responseEnded = true
            phase = .closing
            if let transport, let r = response {
                response = nil
                transport.writeAndFlush(r)
            }
            transport?.close()
            finishExchange(ex)
        }
    }

    func upstreamWritabilityChanged(_ writable: Bool) {
        setUpstreamUnwritable(!writable)
    }

    // MARK: - Responses made here

    /// Whole seconds until the app is tried again (at least 1), or the configured default.
    private static func retryAfter(_ backoff: Duration?, default seconds: Int) -> Int {
        guard let b = backoff else { return seconds }
        return max(1, Int((b.milliseconds / 1000).rounded(.up)))
    }

    private static func milliseconds(_ lease: AppLease) -> Double {
        (lease.waited.milliseconds * 10).rounded() / 10
    }

    private func respond(_ ex: Exchange, status: HTTPResponseStatus, body: String, close: Bool = false,
                         extraHeaders: [(String, String)] = []) {
        respond(ex, status: status, bytes: Array(body.utf8), contentType: "text/plain; charset=utf-8", close: close,
                extraHeaders: extraHeaders)
    }

    private func respond(_ ex: Exchange, status: HTTPResponseStatus, bytes: [UInt8], contentType: String,
                         close: Bool = false, extraHeaders: [(String, String)] = []) {
        guard let transport else { return }
        // A request whose body is still coming is answered and closed.
        let closeAfter = close || !ex.clientKeepAlive || !ex.requestEnded
        var a = HeaderRewriting.ResponseAdditions()
        if let lease = ex.lease, lease.coldStart { a.coldStartMilliseconds = Self.milliseconds(lease) }
        a.connection = closeAfter ? .close : ex.isHTTP10 ? .keepAlive : .none
        ex.status = Int(status.code)
        ex.responseStarted = true
        ex.responseEnded = true
        ex.upstream?.abandon()
        ex.upstream = nil
        ex.pending = []
        var out = allocator.buffer(capacity: 192 + bytes.count)
        HeaderRewriting.writeLocalResponse(status: status, clientMinorVersion: ex.head.minorVersion,
                                           contentType: contentType, contentLength: bytes.count,
                                           extraHeaders: extraHeaders, additions: a, into: &out)
        if ex.head.method != "HEAD" { out.writeBytes(bytes) }
        if closeAfter {
            phase = .closing
            inbound = nil
            transport.closeAfter(out)
        } else {
            transport.writeAndFlush(out)
        }
        if ex.requestEnded || closeAfter { finishExchange(ex) }
    }

    /// Request and response are both complete (or abandoned): return the lease, count it, and take
    /// a request that waited behind this one.
    private func finishExchange(_ ex: Exchange) {
        guard exchange === ex else { return }
        exchange = nil
        endInFlight()
        if let lease = ex.lease {
            ex.lease = nil
            ex.lifecycle?.release(lease)
        }
        let m = metrics(of: ex.appName)
        if let last = lastCounted, last.metrics === m, last.status == ex.status {
            last.counter.increment()
        } else {
            let counter = m.requests.counter(status: ex.status)
            counter.increment()
            lastCounted = (m, ex.status, counter)
        }
        if ex.bytesIn > 0 { m.bytesIn.increment(by: Int64(ex.bytesIn)) }
        if ex.bytesOut > 0 { m.bytesOut.increment(by: Int64(ex.bytesOut)) }
        waitingForUpstream = false
        upstreamUnwritable = false
        idleSince = .now()
        if let buf = inbound, buf.readableBytes > 0 { headStarted = idleSince } else { headStarted = nil }
        if pipelineHold {
            pipelineHold = false
            if phase == .head, let buf = inbound, buf.readableBytes > 0, let loop = transport?.eventLoop {
                // Serve it on the next tick, outside the callbacks that got here.
                let bound = NIOLoopBound(self, eventLoop: loop)
                loop.execute { bound.value.processInbound() }
            }
        }
        resumeReadsIfAllowed()
    }

    /// The app's metrics, remembered for the next request on this connection (usually the same app).
    private func metrics(of app: String) -> RuntimeMetrics.AppMetrics {
        if let last = lastMetrics, last.app == app { return last.metrics }
        let m = shared.metrics(of: app)
        lastMetrics = (app, m)
        return m
    }

    private func beginInFlight() { shared.inFlight.add(1, ordering: .relaxed) }
    private func endInFlight() { shared.inFlight.subtract(1, ordering: .relaxed) }

    // MARK: - Upgrade

    /// A 101 from the upstream: pass it on, and turn both connections into a tunnel.
    private func answerUpgrade(_ head: HTTPHead, _ ex: Exchange, _ upstream: UpstreamHandler,
                               _ transport: any ProxyTransport) {
        ex.status = 101
        ex.responseStarted = true
        var a = HeaderRewriting.ResponseAdditions()
        a.replacing = ex.responseHeaders
        if let lease = ex.lease, lease.coldStart { a.coldStartMilliseconds = Self.milliseconds(lease) }
        a.connection = .upgrade
        var out = allocator.buffer(capacity: HeaderRewriting.clientResponseBound(head, additions: a))
        HeaderRewriting.writeClientResponse(head, clientMinorVersion: ex.head.minorVersion, keepUpgrade: true,
                                            additions: a, into: &out)
        transport.write(out)

        // The exchange becomes an open stream: it keeps the app up until either side closes.
        exchange = nil
        ex.upstream = nil
        var lease = ex.lease
        if var l = lease {
            ex.lifecycle?.beginStream(&l)
            lease = l
        }
        let lifecycle = ex.lifecycle
        let shared = self.shared
        let appName = ex.appName
        var done = false
        tunnel = (upstream, {
            guard !done else { return }
            done = true
            shared.inFlight.subtract(1, ordering: .relaxed)
            shared.metrics.request(app: appName, status: 101)
            if let lease { lifecycle?.release(lease) }
        })
        phase = .tunnel
        pipelineHold = false
        waitingForUpstream = false
        // Bytes the client sent after its request go through now.
        if let rest = inbound, rest.readableBytes > 0 {
            inbound = nil
            upstream.write(rest)
            upstream.flush()
        }
        transport.flush()
        resumeReadsIfAllowed()
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

    private var readsPaused: Bool { waitingForUpstream || upstreamUnwritable || pipelineHold }

    private func resumeReadsIfAllowed() {
        let paused = readsPaused
        guard paused != readsOff, let transport else { return }
        readsOff = paused
        transport.setReadsPaused(paused)
    }

    func transportWritabilityChanged(_ writable: Bool) {
        clientWritable = writable
        if let up = tunnel?.upstream { up.setReadsPaused(!writable) } else { exchange?.upstream?.setReadsPaused(!writable) }
    }

    func transportInactive() {
        pool?.clients[ObjectIdentifier(self)] = nil
        phase = .closing
        inbound = nil
        if let t = tunnel {
            tunnel = nil
            t.upstream.abandon()
            t.done()
        }
        if let ex = exchange {
            ex.upstream?.abandon()
            ex.upstream = nil
            if !ex.responseEnded { ex.status = 499 }
            ex.responseEnded = true
            ex.requestEnded = true
            finishExchange(ex)
        }
        transport = nil
    }
}

extension Duration {
    package var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
