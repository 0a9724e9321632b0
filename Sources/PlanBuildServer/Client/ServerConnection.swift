import PlanBuildSupport

/// A client's connection to the user's build server: blocking writes, reads with a deadline.
/// Used by the CLI and by libplanbuild.so (so nothing here may need Foundation).
public final class ServerConnection: @unchecked Sendable {
    let descriptor: Int32
    public let directory: RuntimeDirectory
    private var input = LineBuffer(maximum: ServerProtocol.maximumLineBytes)
    private var received: [LineBuffer.Line] = []
    /// One buffer for every read: a reply comes in many reads (an event each), and a fresh
    /// zero-filled 64 KiB per read cost more than the reading.
    private var readBuffer = [UInt8](repeating: 0, count: 64 << 10)
    private var nextSequence = 1

    init(descriptor: Int32, directory: RuntimeDirectory) {
        self.descriptor = descriptor
        self.directory = directory
    }

    deinit { close(descriptor) }

    /// The running server of `directory`, or nil when none runs there. Throws when the folder or
    /// the server cannot be trusted.
    public static func open(_ directory: RuntimeDirectory = .resolve()) throws(PlanBuildError) -> ServerConnection? {
        switch try UnixSocket.connect(in: directory) {
        case .connected(let descriptor): return ServerConnection(descriptor: descriptor, directory: directory)
        case .absent: return nil
        }
    }

    /// The running server, started first when none runs (`planbuild-cli server start`, which
    /// takes the start lock, so two clients never start two servers).
    public static func openOrStart(_ directory: RuntimeDirectory = .resolve()) throws(PlanBuildError) -> ServerConnection {
        if let connection = try open(directory) { return connection }
        try ServerLauncher.runStarter(directory)
        guard let connection = try open(directory) else {
            throw PlanBuildError(.serverUnavailable, "the build server was started but does not answer at \(directory.socket); see \(directory.log)")
        }
        return connection
    }

    /// Sends one message; its sequence number is returned (replies carry it).
    @discardableResult
    public func send(_ operation: ClientMessage.Operation) throws(PlanBuildError) -> Int {
        let sequence = nextSequence
        nextSequence += 1
        var line = ClientMessage(operation, sequence: sequence).line + "\n"
        let failure = line.withUTF8 { bytes -> Int32? in
            var offset = 0
            while offset < bytes.count {
                // MSG_NOSIGNAL: a server that went away must not raise SIGPIPE in the host process.
                let written = SystemCall.retrying { Glibc.send(descriptor, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
                if written < 0 { return errno }
                offset += written
            }
            return nil
        }
        if let failure {
            throw PlanBuildError(.serverUnavailable, "the build server went away (\(SystemCall.reason(failure)))")
        }
        return sequence
    }

    /// The next message, waiting at most `milliseconds` (nil: no bound); nil when the time passed.
    /// A closed connection is `server_unavailable`; a line that is not a server message is skipped.
    public func receive(milliseconds: Int?) throws(PlanBuildError) -> ServerMessage? {
        let deadline = milliseconds.map { MonotonicClock.milliseconds() + $0 }
        while true {
            while !received.isEmpty {
                if case .complete(let line) = received.removeFirst(), let message = try? ServerMessage.decode(line) {
                    return message
                }
            }
            let left = deadline.map { max(0, $0 - MonotonicClock.milliseconds()) }
            var fds = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 1, Int32(clamping: left ?? -1))
            if ready < 0 {
                if errno == EINTR { continue }
                throw PlanBuildError(.serverUnavailable, "cannot read from the build server: \(SystemCall.reason(errno))")
            }
            if ready == 0 { return nil }
            let count = readBuffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            guard count > 0 else { throw PlanBuildError(.serverUnavailable, "the build server closed the connection") }
            received += readBuffer.withUnsafeBytes { input.append(UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
        }
    }

    /// Sends `operation` and returns the reply to it (events of an earlier attach are skipped).
    public func request(_ operation: ClientMessage.Operation, milliseconds: Int = 30_000) throws(PlanBuildError) -> ServerMessage.Reply {
        let sequence = try send(operation)
        let deadline = MonotonicClock.milliseconds() + milliseconds
        while true {
            let left = deadline - MonotonicClock.milliseconds()
            guard left > 0, let message = try receive(milliseconds: left) else {
                throw PlanBuildError(.serverUnavailable, "the build server did not answer within \(milliseconds / 1000) s")
            }
            if case .event = message.reply { continue }
            if message.sequence == sequence || message.sequence == nil { return message.reply }
        }
    }
}
