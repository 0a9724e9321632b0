import Foundation

/// protoc (Debian's protobuf-compiler) as the reference encoder: text-format samples encoded with
/// Resources/wire_check.proto are the bytes a protobuf library writes.
enum Protoc {
    static var resources: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Resources").path
    }

    /// The binary encoding of `text` (protobuf text format) as message `wirecheck.<type>`.
    static func encode(_ type: String, _ text: String) throws -> [UInt8] {
        try run(["--encode=wirecheck.\(type)", "-I", resources, "-I", "/usr/include", "wire_check.proto"], input: Array(text.utf8))
    }

    /// A text-format bytes literal of `bytes` (octal escapes throughout).
    static func literal(_ bytes: [UInt8]) -> String {
        "\"" + bytes.map { "\\" + String($0, radix: 8).leftPadded(to: 3) }.joined() + "\""
    }

    private static func run(_ arguments: [String], input: [UInt8]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/protoc")
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ProtocFailure(message: String(decoding: errors, as: UTF8.self))
        }
        return [UInt8](output)
    }

    struct ProtocFailure: Error, CustomStringConvertible {
        let message: String
        var description: String { "protoc: \(message)" }
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
