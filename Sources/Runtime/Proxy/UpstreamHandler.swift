import NIOCore

/// The only handler of an upstream connection: sends request bytes as the proxy writes them, reads
/// response heads and bodies (finding where each response ends, so the connection can be reused),
/// and after a 101 passes bytes both ways. Reads are withheld while the client cannot take more.
final class UpstreamHandler: TransportEvents {

    private enum Phase { case idle, head, body, tunnel }

    let endpoint: Endpoint
    /// The pool this connection returns to (none for an upgrade). A strong reference, let go of when
    /// the connection closes: a weak one would give the pool a side table, and every retain and
    /// release of it on the request path would take the runtime's slow path.
    private(set) var pool: UpstreamPool?
    /// Where this connection waits when idle (set by the pool).
    var idleList: UpstreamPool.IdleList?
    /// The client connection this exchange belongs to; nil while idle in the pool.
    private(set) var owner: ProxyServerHandler?
    private(set) var transport: (any ProxyTransport)?
    /// Reading is switched off while the client cannot take more.
    private var readsPaused = false
    /// The upstream may keep the connection after the current response.
    private(set) var keepAlive = true
    /// Why the connection failed, when it did (e.g. an unparsable response).
    private(set) var lastError: (any Error)?
    /// The response head was invalid (so the 502 says so).
    private(set) var sentInvalidResponse = false

    private var phase = Phase.idle
    private var inbound: ByteBuffer?
    private var headReader = ResponseHeadReader()
    private var framer = BodyFramer.none
    private var dataOnly = false
    private var requestMethod = ""
    private var expectUpgrade = false

    /// The Host header for requests on this connection (unless preserve_host).
    let hostHeader: String

    init(endpoint: Endpoint, pool: UpstreamPool?) {
        self.endpoint = endpoint
        self.pool = pool
        self.hostHeader = endpoint.authority  // [TLS] the port left out when it is the scheme's default
    }

    /// Connected and not closed (tracked from the channel's events: no channel access per request).
    private(set) var isActive = false
    /// The channel takes more writes (tracked from writability events, which NIO fires during the write).
    private(set) var isWritable = true
    /// The channel's allocator (kept: reading it through the channel costs a dynamic call).
    private(set) var allocator = ByteBufferAllocator()

    /// The connection `transport` carries (a SwiftNIO channel or an `EpollSocket`) is this handler's.
    func transportStarted(_ transport: any ProxyTransport, active: Bool) {
        self.transport = transport
        allocator = transport.allocator
        isActive = active
    }

    func transportActive() { isActive = true }

    func transportError(_ error: any Error) { lastError = error }

    /// A new exchange on this connection: its responses go to `owner`.
    func begin(owner: ProxyServerHandler, method: String, upgrade: Bool) {
        self.owner = owner
        requestMethod = method
        expectUpgrade = upgrade
        keepAlive = true
        phase = .head
        headReader.reset()
    }

    /// The owner lets go (its client left): the connection cannot be reused.
    func abandon() {
        owner = nil
        close()
    }

    func write(_ buffer: ByteBuffer) { transport?.write(buffer) }
    func flush() { transport?.flush() }
    func close() { transport?.close() }

    /// Pauses or resumes reading responses (backpressure from the client side).
    func setReadsPaused(_ paused: Bool) {
        guard paused != readsPaused, let transport else { return }
        readsPaused = paused
        transport.setReadsPaused(paused)
    }

    func transportRead(_ buffer: ByteBuffer) {
        guard owner != nil else {
            // An idle pooled connection has nothing to say; whatever it sent, drop it.
            keepAlive = false
            transport?.close()
            return
        }
        inbound.appendRead(buffer)
        process()
    }

    private func process() {
        while let owner, var buffer = inbound, buffer.readableBytes > 0 {
            inbound = nil  // keeps `buffer` uniquely referenced while it is consumed
            switch phase {
            case .head:
                let step = headReader.next(&buffer, requestMethod: requestMethod)
                inbound = buffer
                switch step {
                case .incomplete:
                    return
                case .refused(let why):
                    fail(why)
                    return
                case .switchingProtocols(let head):
                    guard expectUpgrade else {
                        fail("101 to a request that asked for no upgrade")
                        return
                    }
                    phase = .tunnel
                    keepAlive = false
                    _ = owner.upstreamHead(head, framing: .none, from: self)
                case .interim(let head):
                    owner.upstreamInterim(head)
                case .head(let head, let framing):
                    if case .untilClose = framing { keepAlive = false } else { keepAlive = head.keepAlive }
                    dataOnly = owner.upstreamHead(head, framing: framing, from: self)
                    framer = framing
                    phase = .body
                    if framer.isDone { finish() }
                }
            case .body:
                let done: Bool
                do {
                    done = try framer.take(from: &buffer, dataOnly: dataOnly) { owner.upstreamBody($0) }
                } catch {
                    inbound = nil
                    lastError = error
                    keepAlive = false
                    // Cut mid-body: closing tells the owner (channelInactive), which cuts the client too.
                    transport?.close()
                    return
                }
                inbound = buffer
                if done { finish() } else { return }
            case .tunnel:
                owner.upstreamBody(buffer)
            case .idle:
                // Bytes after a complete response: the connection is not reusable.
                keepAlive = false
                return
            }
        }
    }

    /// The response is complete: the owner decides whether the connection goes back to the pool.
    private func finish() {
        phase = .idle
        if let rest = inbound, rest.readableBytes > 0 { keepAlive = false }
        inbound = nil
        let o = owner
        owner = nil
        o?.upstreamEnd(from: self)
    }

    private func fail(_ why: String) {
        inbound = nil
        sentInvalidResponse = true
        lastError = HTTPHeadError.malformed(why)
        keepAlive = false
        transport?.close()
    }

    func transportReadComplete() {
        owner?.upstreamReadComplete()
    }

    func transportInactive() {
        isActive = false
        pool?.remove(self)
        pool = nil
        if phase == .body, case .untilClose = framer {
            // A close-delimited body ends here.
            finish()
            return
        }
        let o = owner
        owner = nil
        phase = .idle
        o?.upstreamClosed(self)
    }

    func transportWritabilityChanged(_ writable: Bool) {
        isWritable = writable
        owner?.upstreamWritabilityChanged(isWritable)
    }
}
