import Foundation

/// A real BuildGrid 0.4.4 (CAS on disk, ByteStream, ActionCache, Capabilities; no scheduler, so no
/// PostgreSQL) on 127.0.0.1 with a free port, started once for this test process. The venv
/// `.build-test/buildgrid-venv` is made when it is missing (`venv()`).
///
/// The server runs under a shell that watches this process: when this process ends, however it
/// ends, the shell stops the server within a second.
final class BuildGridServer: @unchecked Sendable {
    let target: String
    let port: Int
    /// The disk storage's folder: blobs are at `cas/objects/<hash[0:2]>/<hash[2:]>`.
    let storage: String
    private let process: Process

    static let shared: Result<BuildGridServer, Error> = Result { try BuildGridServer() }

    static func start() throws -> BuildGridServer { try shared.get() }

    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    private init() throws {
        let bgd = try Self.venv().appendingPathComponent("bin/bgd").path
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pb-buildgrid-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("cas"), withIntermediateDirectories: true)
        storage = folder.appendingPathComponent("cas").path
        port = try Self.freePort()
        target = "grpc://127.0.0.1:\(port)"
        let config = folder.appendingPathComponent("buildgrid.yml")
        try """
        server:
          - !channel
            address: "127.0.0.1:\(port)"
            insecure-mode: true
        authorization:
          method: none
        storages:
          - !disk-storage &cas
            path: \(storage)
        caches:
          - !lru-action-cache &ac
            storage: *cas
            max-cached-refs: 256
            allow-updates: true
            cache-failed-actions: true
        instances:
          - name: ''
            services:
              - !action-cache
                cache: *ac
              - !cas
                storage: *cas
              - !bytestream
                storage: *cas
        """.write(to: config, atomically: true, encoding: .utf8)
        let log = folder.appendingPathComponent("buildgrid.log").path
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "\"$1\" server start \"$2\" >\"$3\" 2>&1 </dev/null & server=$!; "
                             + "while kill -0 \"$4\" 2>/dev/null && kill -0 $server 2>/dev/null; do sleep 1; done; kill -INT $server; sleep 2; kill -9 $server 2>/dev/null; wait $server",
                             "sh", bgd, config.path, log, String(getpid())]
        // Nothing of this process's own: an inherited stdout would keep `swift test` waiting for
        // its end as long as the server lives.
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(90)
        while !Self.accepts(port) {
            guard process.isRunning, Date() < deadline else {
                let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                throw StartFailure(message: "BuildGrid did not start: \(text.suffix(2000))")
            }
            usleep(100_000)
        }
    }

    /// BuildGrid's venv, made when missing. The end-to-end tests' helper makes it when it is there
    /// (Tests/e2e/buildgrid_support.py run as a script: pinned requirements, under the file lock
    /// that keeps the test processes running beside this one from installing into it at once);
    /// else pip here, as Tests/e2e/test_grpc_transport.py does.
    static func venv() throws -> URL {
        let venv = repository.appendingPathComponent(".build-test/buildgrid-venv")
        let support = repository.appendingPathComponent("Tests/e2e/buildgrid_support.py").path
        if FileManager.default.fileExists(atPath: support) {
            try run(["/usr/bin/python3", support])
        } else if !FileManager.default.isExecutableFile(atPath: venv.appendingPathComponent("bin/bgd").path) {
            try run(["/usr/bin/python3", "-m", "venv", venv.path])
            try run([venv.appendingPathComponent("bin/pip").path, "install", "-q", "buildgrid==0.4.4"])
        }
        return venv
    }

    struct StartFailure: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// The path of a stored blob, to spoil it on purpose.
    func blobPath(_ hash: String) -> String {
        "\(storage)/cas/objects/\(hash.prefix(2))/\(hash.dropFirst(2))"
    }

    private static func run(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: arguments[0])
        process.arguments = Array(arguments.dropFirst())
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw StartFailure(message: "\(arguments.joined(separator: " ")) failed") }
    }

    static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(socket, address, length) == 0 && getsockname(socket, address, &length) == 0
            }
        }
        guard bound else { throw StartFailure(message: "no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func accepts(_ port: Int) -> Bool {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}

/// A listening socket on 127.0.0.1 that accepts connections and never answers: a server that hangs.
final class SilentServer: @unchecked Sendable {
    let port: Int
    private let socket: Int32

    init() throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.socket = socket
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(socket, address, length) == 0 && listen(socket, 16) == 0 && getsockname(socket, address, &length) == 0
            }
        }
        port = bound ? Int(UInt16(bigEndian: address.sin_port)) : 0
        guard bound else { throw BuildGridServer.StartFailure(message: "cannot listen") }
    }

    deinit { close(socket) }
}

/// Resources/scripted_execution_server.py on BuildGrid's venv (grpcio and the generated REAPI
/// messages): an Execution service whose scenario is the action digest's size. One per test
/// process; it ends when this process ends.
final class ScriptedExecutionServer: @unchecked Sendable {
    let target: String
    let log: String

    static let shared: Result<ScriptedExecutionServer, Error> = Result { try ScriptedExecutionServer() }

    static func start() throws -> ScriptedExecutionServer { try shared.get() }

    private init() throws {
        _ = try BuildGridServer.venv()
        let venv = BuildGridServer.repository.appendingPathComponent(".build-test/buildgrid-venv")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Resources/scripted_execution_server.py")
        log = FileManager.default.temporaryDirectory.appendingPathComponent("pb-scripted-\(getpid())-\(UUID().uuidString).log").path
        FileManager.default.createFile(atPath: log, contents: nil)
        let process = Process()
        process.executableURL = venv.appendingPathComponent("bin/python")
        process.arguments = [script.path, log]
        let output = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line: [UInt8] = []
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            guard let first = byte.first else { throw BuildGridServer.StartFailure(message: "the scripted server did not start") }
            if first == UInt8(ascii: "\n") { break }
            line.append(first)
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            throw BuildGridServer.StartFailure(message: "the scripted server said \(String(decoding: line, as: UTF8.self))")
        }
        target = "grpc://127.0.0.1:\(port)"
    }

    /// The lines logged so far.
    var calls: [String] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }
}
