#if os(Linux)
import CEpoll
import Glibc
import NIOConcurrencyHelpers
import NIOCore

/// A listening TCP socket shared by the loops of an `EpollEventLoopGroup`: each has it in its epoll
/// set (EPOLLEXCLUSIVE), accepts what arrives and hands each connection to `onAccept` on that loop.
final class EpollListener: @unchecked Sendable {
    let fd: Int32
    /// The bound port (the one asked for, or the one the kernel picked for 0).
    let port: Int
    private let onAccept: (EpollSocket) -> Void
    private let closed = NIOLockedValueBox(false)

    /// Binds `host:port` (a name is resolved first) and listens.
    init(host: String, port: Int, backlog: Int32 = 1024, onAccept: @escaping (EpollSocket) -> Void) throws {
        let address = try SocketAddress.makeAddressResolvingHost(host, port: port)
        let fd = try EpollSocket.openTCP(for: address)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        guard address.withSockAddr({ bind(fd, $0, socklen_t($1)) }) == 0 else {
            let e = errno
            Glibc.close(fd)
            throw IOError(errnoCode: e, reason: "bind(\(host):\(port))")
        }
        guard listen(fd, backlog) == 0 else {
            let e = errno
            Glibc.close(fd)
            throw IOError(errnoCode: e, reason: "listen")
        }
        self.fd = fd
        self.port = EpollSocket.address(of: fd, peer: false)?.port ?? port
        self.onAccept = onAccept
    }

    /// Takes every connection waiting (on `loop`).
    func acceptAll(on loop: EpollEventLoop) {
        for _ in 0..<64 {
            let client = cepoll_accept(fd)
            if client < 0 {
                let e = errno
                if e == EINTR || e == ECONNABORTED { continue }
                if e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM {
                    // Out of descriptors: stop listening on this loop for a moment instead of
                    // being woken for the same connection in a busy loop.
                    loop.remove(self)
                    let bound = NIOLoopBound(self, eventLoop: loop)
                    _ = loop.scheduleTask(in: .milliseconds(100)) {
                        if !bound.value.isClosed { loop.add(bound.value) }
                    }
                }
                return
            }
            EpollSocket.setNoDelay(client)
            let socket = EpollSocket(fd: client, loop: loop)
            loop.register(socket, events: EPOLLIN.rawValue)
            onAccept(socket)
        }
    }

    var isClosed: Bool { closed.withLockedValue { $0 } }

    /// Stops accepting on every loop of `group`, then closes the socket.
    func close(_ group: EpollEventLoopGroup) async {
        guard !closed.withLockedValue({ c in defer { c = true }; return c }) else { return }
        for loop in group.loops {
            try? await loop.submit { loop.remove(self) }.get()
        }
        Glibc.close(fd)
    }
}
#endif
