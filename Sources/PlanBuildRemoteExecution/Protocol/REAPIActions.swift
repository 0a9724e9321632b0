// Messages of the protobuf package `build.bazel.remote.execution.v2` (REAPI): what is run —
// Digest, Action, Command, Platform.

/// A blob's name in the CAS: its lowercase hex hash and its size.
package struct Digest: ProtoMessage, Hashable {
    package static let protoName = "build.bazel.remote.execution.v2.Digest"
    package var hash = ""
    package var sizeBytes: Int64 = 0

    package init() {}

    package init(hash: String, sizeBytes: Int64) {
        self.hash = hash
        self.sizeBytes = sizeBytes
    }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 1: hash = try reader.string()
            case 2: sizeBytes = try reader.int64()
            default: break
            }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.string(1, hash)
        writer.int64(2, sizeBytes)
    }
}

/// What to run: the command's digest, the input root's, a timeout and the platform.
package struct Action: ProtoMessage {
    package static let protoName = "build.bazel.remote.execution.v2.Action"
    package var commandDigest = Digest()
    package var inputRootDigest = Digest()
    package var timeout: ProtoDuration?
    package var doNotCache = false
    package var salt: [UInt8] = []
    package var platform = Platform()

    package init() {}

    package init(commandDigest: Digest, inputRootDigest: Digest, timeout: ProtoDuration? = nil, doNotCache: Bool = false,
                 salt: [UInt8] = [], platform: Platform = Platform()) {
        self.commandDigest = commandDigest
        self.inputRootDigest = inputRootDigest
        self.timeout = timeout
        self.doNotCache = doNotCache
        self.salt = salt
        self.platform = platform
    }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 1: commandDigest = try reader.message()
            case 2: inputRootDigest = try reader.message()
            case 6: timeout = try reader.message()
            case 7: doNotCache = try reader.bool()
            case 9: salt = try reader.bytes()
            case 10: platform = try reader.message()
            default: break
            }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.messageUnlessEmpty(1, commandDigest)
        writer.messageUnlessEmpty(2, inputRootDigest)
        writer.message(6, timeout)
        writer.bool(7, doNotCache)
        writer.bytes(9, salt)
        writer.messageUnlessEmpty(10, platform)
    }
}

/// The command line, its environment, where it runs and what it leaves.
package struct Command: ProtoMessage {
    package static let protoName = "build.bazel.remote.execution.v2.Command"

    /// One variable of the command's environment (`Command.EnvironmentVariable`, the same fields).
    package typealias EnvironmentVariable = NameValue

    package var arguments: [String] = []
    /// Sorted by name: the digest of a command must not depend on the order they were gathered in.
    package var environmentVariables: [EnvironmentVariable] = []
    /// REAPI 2.0's outputs, for servers that predate `outputPaths`.
    package var outputFiles: [String] = []
    package var outputDirectories: [String] = []
    package var outputPaths: [String] = []
    package var platform: Platform?
    package var workingDirectory = ""

    package init() {}

    package init(arguments: [String], environmentVariables: [EnvironmentVariable] = [], outputFiles: [String] = [],
                 outputDirectories: [String] = [], outputPaths: [String] = [], platform: Platform? = nil,
                 workingDirectory: String = "") {
        self.arguments = arguments
        self.environmentVariables = environmentVariables
        self.outputFiles = outputFiles
        self.outputDirectories = outputDirectories
        self.outputPaths = outputPaths
        self.platform = platform
        self.workingDirectory = workingDirectory
    }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 1: arguments.append(try reader.string())
            case 2: environmentVariables.append(try reader.message())
            case 3: outputFiles.append(try reader.string())
            case 4: outputDirectories.append(try reader.string())
            case 5: platform = try reader.message()
            case 6: workingDirectory = try reader.string()
            case 7: outputPaths.append(try reader.string())
            default: break
            }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.strings(1, arguments)
        writer.messages(2, environmentVariables)
        writer.strings(3, outputFiles)
        writer.strings(4, outputDirectories)
        writer.message(5, platform)
        writer.string(6, workingDirectory)
        writer.strings(7, outputPaths)
    }
}

/// Name/value requirements of the machine an action runs on (sorted by name, then value).
package struct Platform: ProtoMessage {
    package static let protoName = "build.bazel.remote.execution.v2.Platform"

    /// One requirement (`Platform.Property`, the same fields as a `NameValue`).
    package typealias Property = NameValue

    package var properties: [Property] = []

    package init() {}
    package init(properties: [Property]) { self.properties = properties }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            if field == 1 { properties.append(try reader.message()) }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.messages(1, properties)
    }
}

/// A name and a value: the fields of `Platform.Property` and of `Command.EnvironmentVariable`,
/// which have the same numbers and types.
package struct NameValue: ProtoMessage, Hashable {
    package static let protoName = "build.bazel.remote.execution.v2.Platform.Property"
    package var name = ""
    package var value = ""

    package init() {}

    package init(name: String, value: String) {
        self.name = name
        self.value = value
    }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 1: name = try reader.string()
            case 2: value = try reader.string()
            default: break
            }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.string(1, name)
        writer.string(2, value)
    }
}
