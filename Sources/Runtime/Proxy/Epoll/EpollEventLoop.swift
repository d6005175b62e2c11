#if os(Linux)
import CEpoll
import Foundation
import Glibc
import NIOConcurrencyHelpers
import NIOCore

/// The proxy's own event loop for plain-HTTP connections: one thread, one epoll set (level
/// triggered), the sockets of the connections it owns, timers and tasks. It is a SwiftNIO
/// `EventLoop` (futures, promises, `NIOLoopBound`, scheduled and repeated tasks all work on it), but
/// its connections are `EpollSocket`s, not channels: a request costs a read, a parse, a write and
/// a handful of calls, instead of a channel pipeline's events, promises and lifecycle checks on
/// both connections (docs/runtime.md, bench/README.md). https upstreams need SwiftNIO's channels
/// (for TLS); a server with one uses SwiftNIO's loops throughout (`ProxyServer`).
final class EpollEventLoop: EventLoop, @unchecked Sendable {
    private let epfd: Int32
    private let wakeFD: Int32
    private var thread: pthread_t?
    private let name: String

    // Loop-thread state (touched only on the loop's thread).
    private var sockets: [EpollSocket?] = []
    private var freeSlots: [Int] = []
    private var generation: UInt32 = 0
    private var localTasks: [() -> Void] = []
    private var spareTasks: [() -> Void] = []
    private var listeners: [ObjectIdentifier: EpollListener] = [:]
    /// Reads land here first, then go to a buffer of their exact size (no capacity held per connection).
    let scratch: UnsafeMutableRawBufferPointer
    let allocator = ByteBufferAllocator()

    // Shared state (under `lock`).
    private let lock = NIOLock()
    private var remoteTasks: [@Sendable () -> Void] = []
    private var wakePending = false
    private var timers: [Timer] = []
    private var nextTimerID: UInt64 = 0
    private var running = true
    /// The thread has left the loop.
    private var finished = false
    private var shutdownCallbacks: [(DispatchQueue, @Sendable (Error?) -> Void)] = []

    private struct Timer {
        var id: UInt64
        var deadline: NIODeadline
        var task: @Sendable () -> Void
    }

    /// Tokens of the epoll set: the wake-up eventfd, listeners, then sockets (slot and generation).
    private static let wakeToken: UInt64 = 0
    private static let listenerToken: UInt64 = 1
    private static let firstSocketSlot = 2

    static let scratchSize = 64 * 1024

    init(name: String) throws {
        epfd = epoll_create1(Int32(EPOLL_CLOEXEC))
        guard epfd >= 0 else { throw IOError(errnoCode: errno, reason: "epoll_create1") }
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard wakeFD >= 0 else {
            Glibc.close(epfd)
            throw IOError(errnoCode: errno, reason: "eventfd")
        }
        self.name = name
        scratch = .allocate(byteCount: Self.scratchSize, alignment: 16)
        var ev = epoll_event()
        ev.events = EPOLLIN.rawValue
        ev.data.u64 = Self.wakeToken
        epoll_ctl(epfd, EPOLL_CTL_ADD, wakeFD, &ev)
    }

    deinit {
        scratch.deallocate()
    }

    private let started = DispatchSemaphore(value: 0)

    /// Starts the loop's thread (returns once it runs: `inEventLoop` is right from then on).
    func start() {
        let box = Unmanaged.passRetained(self)
        var t = pthread_t()
        let rc = pthread_create(&t, nil, { arg in
            let loop = Unmanaged<EpollEventLoop>.fromOpaque(arg!).takeRetainedValue()
            loop.thread = pthread_self()
            cepoll_set_thread_name(loop.name)
            loop.started.signal()
            loop.run()
            return nil
        }, box.toOpaque())
        precondition(rc == 0, "pthread_create failed: \(rc)")
        pthread_detach(t)
        started.wait()
    }

    // MARK: - EventLoop

    var inEventLoop: Bool {
        guard let thread else { return false }
        return pthread_equal(pthread_self(), thread) != 0
    }

    func execute(_ task: @escaping @Sendable () -> Void) {
        if inEventLoop {
            localTasks.append(task)
            return
        }
        lock.withLock {
            // After the loop has ended a task is dropped, as SwiftNIO's loops do (so a `submit` after
            // shutdown never completes: `ProxyServer.shutdown` does not submit twice).
            guard !finished else { return }
            remoteTasks.append(task)
            wakeIfNeeded()
        }
    }

    /// Called with the lock held.
    private func wakeIfNeeded() {
        guard !wakePending else { return }
        wakePending = true
        var one: UInt64 = 1
        _ = Glibc.write(wakeFD, &one, 8)
    }

    func scheduleTask<T>(deadline: NIODeadline, _ task: @escaping @Sendable () throws -> T) -> Scheduled<T> {
        let promise: EventLoopPromise<T> = makePromise()
        let id = lock.withLock { () -> UInt64? in
            guard !finished else { return nil }
            nextTimerID += 1
            let id = nextTimerID
            timers.append(Timer(id: id, deadline: deadline, task: {
                // Run on this loop, where the promise is completed (its value never leaves it here).
                let isolated = promise.assumeIsolatedUnsafeUnchecked()
                do { isolated.succeed(try task()) } catch { promise.fail(error) }
            }))
            if !inEventLoop { wakeIfNeeded() }
            return id
        }
        guard let id else {
            promise.fail(EventLoopError.shutdown)
            return Scheduled(promise: promise, cancellationTask: {})
        }
        return Scheduled(promise: promise, cancellationTask: { [self] in
            lock.withLock { timers.removeAll { $0.id == id } }
        })
    }

    func scheduleTask<T>(in delay: TimeAmount, _ task: @escaping @Sendable () throws -> T) -> Scheduled<T> {
        scheduleTask(deadline: .now() + delay, task)
    }

    func shutdownGracefully(queue: DispatchQueue, _ callback: @escaping @Sendable (Error?) -> Void) {
        lock.withLock {
            if running {
                running = false
                shutdownCallbacks.append((queue, callback))
                wakeIfNeeded()
            } else {
                queue.async { callback(nil) }
            }
        }
    }

    func next() -> any EventLoop { self }
    func any() -> any EventLoop { self }
    func makeIterator() -> EventLoopIterator { EventLoopIterator([self]) }

    // MARK: - Sockets

    /// Adds `socket` to the epoll set with `events` (on the loop).
    func register(_ socket: EpollSocket, events: UInt32) {
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
            sockets[slot] = socket
        } else {
            slot = sockets.count
            sockets.append(socket)
        }
        generation &+= 1
        socket.slot = slot
        socket.token = UInt64(slot + Self.firstSocketSlot) | UInt64(generation) << 32
        socket.interest = events
        var ev = epoll_event()
        ev.events = events
        ev.data.u64 = socket.token
        epoll_ctl(epfd, EPOLL_CTL_ADD, socket.fd, &ev)
    }

    func modify(_ socket: EpollSocket, events: UInt32) {
        guard socket.interest != events, !socket.isClosed else { return }
        socket.interest = events
        var ev = epoll_event()
        ev.events = events
        ev.data.u64 = socket.token
        epoll_ctl(epfd, EPOLL_CTL_MOD, socket.fd, &ev)
    }

    /// Forgets `socket` (its fd is about to be closed, which takes it out of the epoll set).
    func unregister(_ socket: EpollSocket) {
        guard socket.slot >= 0, socket.slot < sockets.count, sockets[socket.slot] === socket else { return }
        sockets[socket.slot] = nil
        freeSlots.append(socket.slot)
        socket.slot = -1
    }

    /// Starts taking connections from `listener` (on the loop). Every loop of a group has the same
    /// listening socket in its set, with EPOLLEXCLUSIVE: one loop is woken per arrival.
    func add(_ listener: EpollListener) {
        listeners[ObjectIdentifier(listener)] = listener
        var ev = epoll_event()
        ev.events = EPOLLIN.rawValue | EPOLLEXCLUSIVE.rawValue
        ev.data.u64 = Self.listenerToken
        epoll_ctl(epfd, EPOLL_CTL_ADD, listener.fd, &ev)
    }

    /// Stops taking connections from `listener` (on the loop).
    func remove(_ listener: EpollListener) {
        guard listeners.removeValue(forKey: ObjectIdentifier(listener)) != nil else { return }
        var ev = epoll_event()
        epoll_ctl(epfd, EPOLL_CTL_DEL, listener.fd, &ev)
    }

    // MARK: - The loop

    private func run() {
        let capacity = 256
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: capacity)
        defer { events.deallocate() }
        while true {
            let (stop, timeout) = lock.withLock { () -> (Bool, Int32) in
                if !running { return (true, 0) }
                if !remoteTasks.isEmpty || !localTasks.isEmpty { return (false, 0) }
                guard let first = timers.min(by: { $0.deadline < $1.deadline }) else { return (false, -1) }
                let now = NIODeadline.now()
                if first.deadline <= now { return (false, 0) }
                let ns = Int64(first.deadline.uptimeNanoseconds - now.uptimeNanoseconds)
                return (false, Int32(clamping: (ns + 999_999) / 1_000_000))
            }
            if stop { break }
            let n = epoll_wait(epfd, events, Int32(capacity), timeout)
            if n < 0 && errno != EINTR { fatalError("epoll_wait: \(errno)") }
            for i in 0..<max(0, Int(n)) {
                let ev = events[i]
                dispatch(token: ev.data.u64, events: ev.events)
            }
            runTimers()
            runTasks()
        }
        finish()
    }

    private func dispatch(token: UInt64, events: UInt32) {
        switch token {
        case Self.wakeToken:
            var value: UInt64 = 0
            _ = Glibc.read(wakeFD, &value, 8)
        case Self.listenerToken:
            for listener in Array(listeners.values) { listener.acceptAll(on: self) }
        default:
            let slot = Int(token & 0xFFFF_FFFF) - Self.firstSocketSlot
            guard slot < sockets.count, let socket = sockets[slot], socket.token == token else { return }
            socket.handle(events)
        }
    }

    private func runTimers() {
        let due: [Timer] = lock.withLock {
            guard !timers.isEmpty else { return [] }
            let now = NIODeadline.now()
            let due = timers.filter { $0.deadline <= now }
            if !due.isEmpty { timers.removeAll { $0.deadline <= now } }
            return due
        }
        for t in due.sorted(by: { $0.deadline < $1.deadline }) { t.task() }
    }

    private func runTasks() {
        // Tasks from other threads first, then this iteration's own (and those they add, in turn).
        let remote: [@Sendable () -> Void] = lock.withLock {
            wakePending = false
            guard !remoteTasks.isEmpty else { return [] }
            defer { remoteTasks = [] }
            return remoteTasks
        }
        for task in remote { task() }
        var rounds = 0
        while !localTasks.isEmpty && rounds < 64 {
            swap(&localTasks, &spareTasks)
            for task in spareTasks { task() }
            spareTasks.removeAll(keepingCapacity: true)
            rounds += 1
        }
    }

    /// The loop stopped: closes what it still holds and tells whoever waits on the shutdown.
    private func finish() {
        for socket in sockets { socket?.close() }
        sockets = []
        for l in Array(listeners.values) { remove(l) }
        runTasks()
        Glibc.close(epfd)
        Glibc.close(wakeFD)
        let callbacks = lock.withLock { () -> [(DispatchQueue, @Sendable (Error?) -> Void)] in
            finished = true
            remoteTasks = []
            defer { shutdownCallbacks = [] }
            return shutdownCallbacks
        }
        for (queue, callback) in callbacks { queue.async { callback(nil) } }
    }

    var description: String { "EpollEventLoop(\(name))" }
}

/// A fixed set of `EpollEventLoop`s, each on its own thread; `next()` takes them in turn.
final class EpollEventLoopGroup: EventLoopGroup, @unchecked Sendable {
    let loops: [EpollEventLoop]
    private let counter = NIOLockedValueBox(0)

    init(numberOfThreads: Int) throws {
        var loops: [EpollEventLoop] = []
        for i in 0..<max(1, numberOfThreads) {
            loops.append(try EpollEventLoop(name: "openrun-epoll-\(i)"))
        }
        self.loops = loops
        for l in loops { l.start() }
    }

    func next() -> any EventLoop {
        loops[counter.withLockedValue { c in defer { c = (c + 1) % loops.count }; return c }]
    }

    func makeIterator() -> EventLoopIterator { EventLoopIterator(loops) }

    func shutdownGracefully(queue: DispatchQueue, _ callback: @escaping @Sendable (Error?) -> Void) {
        let group = DispatchGroup()
        for l in loops {
            group.enter()
            l.shutdownGracefully(queue: queue) { _ in group.leave() }
        }
        group.notify(queue: queue) { callback(nil) }
    }
}
#endif
