#if os(Linux)
import CEpoll
import Dispatch
import Glibc
import NIOCore

/// A connected TCP socket on an `EpollEventLoop`, carrying one proxy connection (`ProxyTransport`):
/// non-blocking reads into the loop's scratch space, handed to the handler as buffers of their
/// exact size; writes queued until a flush, then written at once (`send`, or `sendmsg` for
/// several), the rest later when epoll says the socket takes more. Writability follows SwiftNIO's
/// default water marks (unwritable above 64 KiB queued, writable again below 32 KiB). Used only on
/// its loop.
final class EpollSocket: ProxyTransport {
    let fd: Int32
    let loop: EpollEventLoop
    var eventLoop: any EventLoop { loop }
    var allocator: ByteBufferAllocator { loop.allocator }
    /// The handler; let go of when the socket closes (which breaks the handler↔socket cycle).
    var events: (any TransportEvents)?
    /// Called once when the socket closes (the open-connections gauge).
    var onClose: (() -> Void)?

    /// The loop's bookkeeping: slot, epoll token, the events asked for.
    var slot = -1
    var token: UInt64 = 0
    var interest: UInt32 = 0

    private var queue: [ByteBuffer] = []
    private var queueHead = 0
    private var queuedBytes = 0
    private(set) var isWritable = true
    private var waitingForWritable = false
    private var closeWhenFlushed = false
    private var readsPaused = false
    private(set) var isClosed = false
    /// Set while a connect is in progress.
    private var connecting: (promise: EventLoopPromise<Void>, timeout: Scheduled<Void>?)?

    static let highWater = 64 * 1024
    static let lowWater = 32 * 1024
    private static let maxReadsPerEvent = 4
    private static let iovMax = 64

    private static let epollIn = EPOLLIN.rawValue
    private static let epollOut = EPOLLOUT.rawValue
    private static let epollHupErr = EPOLLHUP.rawValue | EPOLLERR.rawValue

    init(fd: Int32, loop: EpollEventLoop) {
        self.fd = fd
        self.loop = loop
    }

    private(set) lazy var remoteIP: String? = Self.address(of: fd, peer: true)?.host

    /// The socket's own address (`peer: false`) or its peer's, as numeric host and port.
    static func address(of fd: Int32, peer: Bool) -> (host: String, port: Int)? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                peer ? getpeername(fd, $0, &length) : getsockname(fd, $0, &length)
            }
        }
        guard rc == 0 else { return nil }
        var text = [CChar](repeating: 0, count: 64)
        guard cepoll_address_text(&storage, &text, 64) == 0 else { return nil }
        let isV4 = storage.ss_family == sa_family_t(AF_INET)
        let port: UInt16 = withUnsafePointer(to: &storage) {
            isV4 ? $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_port }
                 : $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_port }
        }
        let bytes = text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return (String(decoding: bytes, as: UTF8.self), Int(UInt16(bigEndian: port)))
    }

    /// `events` handles this connection from now on (`active`: already connected).
    func attach(_ events: any TransportEvents, active: Bool) {
        self.events = events
        events.transportStarted(self, active: active)
    }

    // MARK: - ProxyTransport

    func write(_ buffer: ByteBuffer) {
        guard !isClosed, buffer.readableBytes > 0 else { return }
        queue.append(buffer)
        queuedBytes += buffer.readableBytes
        if isWritable && queuedBytes > Self.highWater {
            isWritable = false
            events?.transportWritabilityChanged(false)
        }
    }

    func flush() {
        guard !isClosed, !waitingForWritable, connecting == nil else { return }
        if queueHead < queue.count { writeQueued() } else if closeWhenFlushed { close() }
    }

    func writeAndFlush(_ buffer: ByteBuffer) {
        write(buffer)
        flush()
    }

    func closeAfter(_ last: ByteBuffer) {
        guard !isClosed else { return }
        write(last)
        closeWhenFlushed = true
        flush()
    }

    func close() {
        guard !isClosed else { return }
        isClosed = true
        loop.unregister(self)
        Glibc.close(fd)  // also takes it out of the epoll set
        queue = []
        queueHead = 0
        queuedBytes = 0
        if let c = connecting {
            connecting = nil
            c.timeout?.cancel()
            c.promise.fail(ChannelError.ioOnClosedChannel)
        }
        let e = events
        events = nil
        if let hook = onClose {
            onClose = nil
            hook()
        }
        e?.transportInactive()
    }

    func setReadsPaused(_ paused: Bool) {
        guard paused != readsPaused, !isClosed else { return }
        readsPaused = paused
        // Pausing is lazy: the interest goes only when a read event comes while paused.
        if !paused && interest & Self.epollIn == 0 { loop.modify(self, events: interest | Self.epollIn) }
    }

    // MARK: - Events

    func handle(_ ev: UInt32) {
        if connecting != nil {
            finishConnect()
            return
        }
        if ev & Self.epollOut != 0 && waitingForWritable {
            waitingForWritable = false
            writeQueued()
            if isClosed { return }
        }
        guard ev & (Self.epollIn | Self.epollHupErr) != 0 else { return }
        if readsPaused {
            if ev & Self.epollHupErr != 0 {
                close()
            } else {
                loop.modify(self, events: interest & ~Self.epollIn)
            }
            return
        }
        readAvailable()
    }

    private func readAvailable() {
        var reads = 0
        var eof = false
        let scratch = loop.scratch
        while reads < Self.maxReadsPerEvent && !readsPaused && !isClosed {
            let n = Glibc.read(fd, scratch.baseAddress, scratch.count)
            if n > 0 {
                var buffer = loop.allocator.buffer(capacity: n)
                buffer.writeBytes(UnsafeRawBufferPointer(rebasing: scratch[0..<n]))
                reads += 1
                events?.transportRead(buffer)
                if n < scratch.count { break }
            } else if n == 0 {
                eof = true
                break
            } else {
                let e = errno
                if e == EINTR { continue }
                if e != EAGAIN && e != EWOULDBLOCK { eof = true }
                break
            }
        }
        if reads > 0 && !isClosed { events?.transportReadComplete() }
        if eof { close() }
    }

    /// Writes the queue until it is empty or the socket takes no more.
    private func writeQueued() {
        while queueHead < queue.count {
            let written: Int
            if queue.count - queueHead == 1 {
                // send, not write: MSG_NOSIGNAL (a peer gone is EPIPE here, never SIGPIPE).
                written = queue[queueHead].withUnsafeReadableBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            } else {
                written = sendQueued()
            }
            if written < 0 {
                let e = errno
                if e == EINTR { continue }
                if e == EAGAIN || e == EWOULDBLOCK {
                    waitingForWritable = true
                    loop.modify(self, events: interest | Self.epollOut)
                    return
                }
                close()  // the peer is gone (EPIPE, ECONNRESET)
                return
            }
            consume(written)
        }
        queue.removeAll(keepingCapacity: queue.capacity <= 16)
        queueHead = 0
        if interest & Self.epollOut != 0 { loop.modify(self, events: interest & ~Self.epollOut) }
        if !isWritable && queuedBytes < Self.lowWater {
            isWritable = true
            events?.transportWritabilityChanged(true)
        }
        if closeWhenFlushed && !isClosed { close() }
    }

    private func sendQueued() -> Int {
        let count = min(queue.count - queueHead, Self.iovMax)
        return withUnsafeTemporaryAllocation(of: iovec.self, capacity: count) { iov in
            for i in 0..<count {
                // The queue holds the buffers (and so their storage) until they are written.
                queue[queueHead + i].withUnsafeReadableBytes {
                    iov[i] = iovec(iov_base: UnsafeMutableRawPointer(mutating: $0.baseAddress), iov_len: $0.count)
                }
            }
            var message = msghdr()
            message.msg_iov = iov.baseAddress
            message.msg_iovlen = count
            return sendmsg(fd, &message, Int32(MSG_NOSIGNAL))
        }
    }

    private func consume(_ written: Int) {
        var left = written
        queuedBytes -= written
        while left > 0 {
            let n = queue[queueHead].readableBytes
            if left >= n {
                queue[queueHead] = ByteBuffer()
                queueHead += 1
                left -= n
            } else {
                queue[queueHead].moveReaderIndex(forwardBy: left)
                left = 0
            }
        }
        if isWritable == false && queuedBytes < Self.lowWater && queueHead < queue.count {
            isWritable = true
            events?.transportWritabilityChanged(true)
        }
    }

    // MARK: - Connecting

    /// A new non-blocking TCP socket of `address`'s family (IPv4 or IPv6).
    static func openTCP(for address: SocketAddress) throws -> Int32 {
        let family: Int32
        switch address {
        case .v4: family = AF_INET
        case .v6: family = AF_INET6
        default: throw ChannelError.operationUnsupported
        }
        let fd = Glibc.socket(family, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
        return fd
    }

    /// No Nagle delay: a head or a small body goes out in the write that makes it.
    static func setNoDelay(_ fd: Int32) {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Connects to `address` for `handler`; the handler gets this socket at once, and is active
    /// when the future succeeds.
    static func connect(to address: SocketAddress, on loop: EpollEventLoop, for handler: UpstreamHandler,
                        timeout: Duration) -> EventLoopFuture<Void> {
        let fd: Int32
        do {
            fd = try openTCP(for: address)
        } catch {
            return loop.makeFailedFuture(error)
        }
        setNoDelay(fd)
        let rc = address.withSockAddr { Glibc.connect(fd, $0, socklen_t($1)) }
        let socket = EpollSocket(fd: fd, loop: loop)
        socket.attach(handler, active: false)
        if rc == 0 {
            loop.register(socket, events: epollIn)
            handler.transportActive()
            return loop.makeSucceededVoidFuture()
        }
        let e = errno
        guard e == EINPROGRESS else {
            socket.events = nil  // it never had a connection: the handler is not told (see connectFailed)
            socket.close()
            return loop.makeFailedFuture(IOError(errnoCode: e, reason: "connect"))
        }
        let promise = loop.makePromise(of: Void.self)
        loop.register(socket, events: epollOut)
        let bound = NIOLoopBound(socket, eventLoop: loop)
        let timer = loop.scheduleTask(in: .nanoseconds(timeout.nanoseconds)) {
            bound.value.connectFailed(ChannelError.connectTimeout(.nanoseconds(timeout.nanoseconds)))
        }
        socket.connecting = (promise, timer)
        return promise.futureResult
    }

    private func finishConnect() {
        guard let c = connecting else { return }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        if getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0 { error = errno }
        if error != 0 {
            connectFailed(IOError(errnoCode: error, reason: "connect"))
            return
        }
        connecting = nil
        c.timeout?.cancel()
        loop.modify(self, events: Self.epollIn)
        events?.transportActive()
        c.promise.succeed(())
    }

    /// The connect failed or timed out: the socket closes without telling the handler (it never
    /// had a connection, as with a SwiftNIO channel that never became active), then the future fails
    /// (which may try the next address for the same handler).
    private func connectFailed(_ error: any Error) {
        guard let c = connecting else { return }
        connecting = nil
        c.timeout?.cancel()
        events = nil
        close()
        c.promise.fail(error)
    }
}

extension EpollEventLoop {
    /// Opens upstream connections on this loop: an IP address at once; a name is resolved off the
    /// loop (getaddrinfo blocks) and its addresses are tried in turn until one answers, within the
    /// connect timeout (`localhost` may come as ::1 first for a server on 127.0.0.1 only). TLS
    /// endpoints are not for this loop (`ProxyServer` picks SwiftNIO's loops when a route needs TLS).
    var connector: UpstreamPool.Connector {
        { [unowned self] endpoint, handler, timeout in
            guard endpoint.tls == nil else {
                return makeFailedFuture(ChannelError.operationUnsupported)
            }
            let literal = endpoint.host.hasPrefix("[") && endpoint.host.hasSuffix("]")
                ? String(endpoint.host.dropFirst().dropLast()) : endpoint.host
            if let address = try? SocketAddress(ipAddress: literal, port: endpoint.port) {
                return EpollSocket.connect(to: address, on: self, for: handler, timeout: timeout)
            }
            let deadline = NIODeadline.now() + .nanoseconds(timeout.nanoseconds)
            let promise = makePromise(of: [SocketAddress].self)
            let host = endpoint.host, port = endpoint.port
            DispatchQueue.global().async {
                promise.completeWith(Result { try Self.resolve(host, port: port) })
            }
            let bound = NIOLoopBound(handler, eventLoop: self)
            return promise.futureResult.flatMap { [unowned self] addresses in
                connect(addresses[...], for: bound.value, until: deadline)
            }
        }
    }

    /// Tries `addresses` in turn until one connects (or the deadline passes).
    private func connect(_ addresses: ArraySlice<SocketAddress>, for handler: UpstreamHandler,
                         until deadline: NIODeadline) -> EventLoopFuture<Void> {
        guard let first = addresses.first else { return makeFailedFuture(ChannelError.connectPending) }
        let left = deadline - .now()
        guard left > .zero else { return makeFailedFuture(ChannelError.connectTimeout(.zero)) }
        let bound = NIOLoopBound(handler, eventLoop: self)
        return EpollSocket.connect(to: first, on: self, for: handler, timeout: .nanoseconds(left.nanoseconds))
            .flatMapError { [unowned self] error in
                let rest = addresses.dropFirst()
                if rest.isEmpty || (error as? ChannelError).map({ if case .connectTimeout = $0 { true } else { false } }) == true {
                    return makeFailedFuture(error)
                }
                return connect(rest, for: bound.value, until: deadline)
            }
    }

    /// Every TCP address of `host` (getaddrinfo's order), or the error that there is none.
    static func resolve(_ host: String, port: Int) throws -> [SocketAddress] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_protocol = Int32(IPPROTO_TCP)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let list else {
            throw UnknownHost(host: host, why: String(cString: gai_strerror(rc)))
        }
        defer { freeaddrinfo(list) }
        var out: [SocketAddress] = []
        var node: UnsafeMutablePointer<addrinfo>? = list
        while let n = node {
            if let a = n.pointee.ai_addr {
                switch n.pointee.ai_family {
                case AF_INET:
                    out.append(a.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { SocketAddress($0.pointee, host: host) })
                case AF_INET6:
                    out.append(a.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { SocketAddress($0.pointee, host: host) })
                default:
                    break
                }
            }
            node = n.pointee.ai_next
        }
        guard !out.isEmpty else { throw UnknownHost(host: host, why: "no IPv4 or IPv6 address") }
        return out
    }
}

/// A host name that did not resolve (SwiftNIO's own error of this kind cannot be made outside it).
struct UnknownHost: Error, CustomStringConvertible {
    var host: String
    var why: String
    var description: String { "cannot resolve \(host): \(why)" }
}
#endif
