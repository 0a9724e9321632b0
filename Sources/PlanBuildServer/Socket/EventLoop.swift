import CPlanBuildServerSupport
import CPlanBuildSupport
import PlanBuildSupport
import Synchronization

/// One client connection of the server. Lines to the client are queued from any thread and
/// written by the event loop when the socket takes them.
public final class Connection: LineSink, @unchecked Sendable {
    let descriptor: Int32
    public let peerPID: pid_t
    private let loop: EventLoop
    /// Bytes a client may leave unread (a stalled `attach`) before it is cut off.
    static let maximumUnsent = 64 << 20

    private struct Outbox {
        var bytes: [UInt8] = []
        var sent = 0
        var open = true
    }

    private let outbox = Mutex(Outbox())
    var input: LineBuffer

    init(descriptor: Int32, peerPID: pid_t, loop: EventLoop) {
        self.descriptor = descriptor
        self.peerPID = peerPID
        self.loop = loop
        self.input = LineBuffer(maximum: ServerProtocol.maximumLineBytes)
    }

    public var isOpen: Bool { outbox.withLock { $0.open } }

    @discardableResult
    public func send(_ line: String) -> Bool {
        let queued = outbox.withLock { box -> Bool in
            guard box.open else { return false }
            guard box.bytes.count - box.sent + line.utf8.count < Self.maximumUnsent else {
                box.open = false
                return false
            }
            box.bytes.append(contentsOf: line.utf8)
            box.bytes.append(0x0a)
            return true
        }
        loop.wake()
        return queued
    }

    var hasOutput: Bool { outbox.withLock { $0.bytes.count > $0.sent } }

    /// Writes what the socket takes now; false when the connection broke.
    func flush() -> Bool {
        outbox.withLock { box -> Bool in
            while box.sent < box.bytes.count {
                let written = box.bytes.withUnsafeBytes { bytes in
                    SystemCall.retrying { Glibc.send(descriptor, bytes.baseAddress! + box.sent, bytes.count - box.sent, Int32(MSG_NOSIGNAL)) }
                }
                if written < 0 { return errno == EAGAIN || errno == EWOULDBLOCK }
                box.sent += written
            }
            box.bytes.removeAll(keepingCapacity: box.bytes.count < 1 << 20)
            box.sent = 0
            return box.open
        }
    }

    func markClosed() { outbox.withLock { $0.open = false } }
}

/// What the server does with connections; called on the event loop's thread, so each call must
/// be quick (hand long work to a task or a thread).
protocol ConnectionHandler: AnyObject, Sendable {
    func opened(_ connection: Connection)
    func received(_ line: LineBuffer.Line, from connection: Connection)
    func closed(_ connection: Connection)
}

/// The server's socket layer: one thread in poll(2) over the listener, a wake-up pipe and every
/// connection; non-blocking reads and writes. Peers of another user are refused at accept.
final class EventLoop: @unchecked Sendable {
    private let listener: Int32
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let running = Atomic<Bool>(true)
    private let wakePending = Atomic<Bool>(false)
    weak var handler: (any ConnectionHandler)?
    /// More connections than this are refused (each costs a descriptor).
    let maximumConnections: Int

    init(listener: Int32, maximumConnections: Int) throws(PlanBuildError) {
        self.listener = listener
        self.maximumConnections = maximumConnections
        var fds: [Int32] = [-1, -1]
        guard pbs_make_wakeup_pipe(&fds) == 0 else { throw PlanBuildError(.serverUnavailable, "cannot create a pipe") }
        wakeRead = fds[0]
        wakeWrite = fds[1]
    }

    deinit {
        close(wakeRead)
        close(wakeWrite)
    }

    func wake() {
        // One byte per wake-up round is enough; a full pipe means one is pending anyway.
        if wakePending.exchange(true, ordering: .acquiringAndReleasing) == false {
            var byte: UInt8 = 1
            _ = write(wakeWrite, &byte, 1)
        }
    }

    /// Ends the loop after writing what is queued (for at most `flushMilliseconds`).
    func stop() {
        running.store(false, ordering: .releasing)
        wake()
    }

    /// The loop; returns after `stop`, with every connection closed.
    func run(flushMilliseconds: Int = 1000) {
        var connections: [Int32: Connection] = [:]
        // Refused connections, told why and half-closed: what the peer still sends is read away
        // until it closes (a socket closed with unread input would reset the connection, and the
        // peer could lose the answer), for at most a second.
        var refused: [Int32: Int] = [:]
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        func drop(_ connection: Connection) {
            connections[connection.descriptor] = nil
            connection.markClosed()
            close(connection.descriptor)
            handler?.closed(connection)
        }
        while running.load(ordering: .acquiring) {
            var fds = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: listener, events: Int16(POLLIN), revents: 0)]
            let order = Array(connections.values)
            for connection in order {
                fds.append(pollfd(fd: connection.descriptor, events: Int16(POLLIN) | (connection.hasOutput ? Int16(POLLOUT) : 0), revents: 0))
            }
            let closing = Array(refused.keys)
            for descriptor in closing { fds.append(pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&fds, nfds_t(fds.count), 1000)
            if ready < 0 && errno != EINTR { break }
            if fds[0].revents != 0 {
                // Drained before the flag is cleared: a wake-up between the two finds the flag
                // still set and writes nothing, and its reply goes out with the flush below. The
                // other order lost a wake-up's byte to this drain while its flag stayed set, and
                // every reply after it waited for poll's one-second timeout.
                var drain = [UInt8](repeating: 0, count: 256)
                while read(wakeRead, &drain, drain.count) > 0 {}
                wakePending.store(false, ordering: .releasing)
            }
            let first = 2
            let now = MonotonicClock.milliseconds()
            for (offset, descriptor) in closing.enumerated() {
                var sink = [UInt8](repeating: 0, count: 4096)
                let count = fds[first + order.count + offset].revents != 0 ? read(descriptor, &sink, sink.count) : -1
                if count == 0 || (count < 0 && errno != EAGAIN && errno != EINTR) || now > refused[descriptor]! {
                    close(descriptor)
                    refused[descriptor] = nil
                }
            }
            if fds[1].revents & Int16(POLLIN) != 0 {
                acceptAll(into: &connections, refused: &refused)
            }
            for (offset, connection) in order.enumerated() {
                let events = fds[first + offset].revents
                if events & Int16(POLLIN) != 0 || events & Int16(POLLHUP) != 0 || events & Int16(POLLERR) != 0 {
                    let count = read(connection.descriptor, &buffer, buffer.count)
                    if count > 0 {
                        let lines = buffer.withUnsafeBytes { bytes in
                            connection.input.append(UnsafeRawBufferPointer(rebasing: bytes[0..<count]))
                        }
                        for line in lines { handler?.received(line, from: connection) }
                    } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
                        drop(connection)
                        continue
                    }
                }
                // Everything queued, also what the handlers just answered.
                if connection.hasOutput || !connection.isOpen {
                    if !connection.flush() { drop(connection) }
                }
            }
            // Replies queued from other threads while polling.
            for connection in connections.values where connection.hasOutput {
                if !connection.flush() { drop(connection) }
            }
        }
        // The last replies (a stop's cancelled results) before the connections close.
        let deadline = MonotonicClock.milliseconds() + flushMilliseconds
        while MonotonicClock.milliseconds() < deadline, connections.values.contains(where: \.hasOutput) {
            var fds = connections.values.filter(\.hasOutput).map { pollfd(fd: $0.descriptor, events: Int16(POLLOUT), revents: 0) }
            _ = poll(&fds, nfds_t(fds.count), 50)
            for connection in Array(connections.values) where connection.hasOutput {
                if !connection.flush() { drop(connection) }
            }
        }
        for connection in Array(connections.values) { drop(connection) }
        for descriptor in refused.keys { close(descriptor) }
    }

    private func acceptAll(into connections: inout [Int32: Connection], refused: inout [Int32: Int]) {
        while true {
            let descriptor = SystemCall.retrying { pbsv_accept(listener) }
            // EAGAIN, or out of descriptors: the rest wait in the backlog.
            if descriptor < 0 { return }
            // Only this user's processes: SO_PEERCRED is the kernel's record, not the peer's claim.
            guard let peer = UnixSocket.peer(descriptor), peer.uid == geteuid() else {
                refuse(descriptor, ProtocolError(.invalidMessage, "refused: the build server serves only its own user"), &refused)
                continue
            }
            guard connections.count < maximumConnections else {
                refuse(descriptor, ProtocolError(.overloaded, "refused: the server holds \(maximumConnections) connections already"), &refused)
                continue
            }
            let connection = Connection(descriptor: descriptor, peerPID: peer.pid, loop: self)
            connections[descriptor] = connection
            handler?.opened(connection)
        }
    }

    /// One error line (the socket is new and empty, so it takes it), then the write side closed;
    /// the descriptor is closed when the peer has closed too, or after a second.
    private func refuse(_ descriptor: Int32, _ error: ProtocolError, _ refused: inout [Int32: Int]) {
        let line = ServerMessage(.error(error)).line + "\n"
        _ = line.withCString { Glibc.send(descriptor, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        shutdown(descriptor, Int32(SHUT_WR))
        // Refusals are not kept past a few hundred at once: those beyond are closed at once.
        if refused.count < 256 { refused[descriptor] = MonotonicClock.milliseconds() + 1000 } else { close(descriptor) }
    }
}
