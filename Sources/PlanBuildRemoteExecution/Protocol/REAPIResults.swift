// Messages of the protobuf package `build.bazel.remote.execution.v2` (REAPI): what a run left —
// ActionResult, OutputFile, OutputDirectory, ExecutedActionMetadata.

package struct ActionResult: ProtoMessage {
    package static let protoName = "build.bazel.remote.execution.v2.ActionResult"
    package var outputFiles: [OutputFile] = []
    package var outputDirectories: [OutputDirectory] = []
    package var exitCode: Int32 = 0
    package var stdoutRaw: [UInt8] = []
    package var stdoutDigest: Digest?
    package var stderrRaw: [UInt8] = []
    package var stderrDigest: Digest?
    package var executionMetadata = ExecutedActionMetadata()

    package init() {}

    package init(outputFiles: [OutputFile] = [], outputDirectories: [OutputDirectory] = [], exitCode: Int32,
                 stdoutRaw: [UInt8] = [], stdoutDigest: Digest? = nil, stderrRaw: [UInt8] = [], stderrDigest: Digest? = nil,
                 executionMetadata: ExecutedActionMetadata = ExecutedActionMetadata()) {
        self.outputFiles = outputFiles
        self.outputDirectories = outputDirectories
        self.exitCode = exitCode
        self.stdoutRaw = stdoutRaw
        self.stdoutDigest = stdoutDigest
        self.stderrRaw = stderrRaw
        self.stderrDigest = stderrDigest
        self.executionMetadata = executionMetadata
    }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 2: outputFiles.append(try reader.message())
            case 3: outputDirectories.append(try reader.message())
            case 4: exitCode = try reader.int32()
            case 5: stdoutRaw = try reader.bytes()
            case 6: stdoutDigest = try reader.message()
            case 7: stderrRaw = try reader.bytes()
            case 8: stderrDigest = try reader.message()
            case 9: executionMetadata = try reader.message()
            default: break
            }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.messages(2, outputFiles)
        writer.messages(3, outputDirectories)
        writer.int32(4, exitCode)
        writer.bytes(5, stdoutRaw)
        writer.message(6, stdoutDigest)
        writer.bytes(7, stderrRaw)
        writer.message(8, stderrDigest)
        writer.messageUnlessEmpty(9, executionMetadata)
    }
}

package struct OutputFile: ProtoMessage, Hashable {
    package static let protoName = "build.bazel.remote.execution.v2.OutputFile"
    /// Relative to the command's working directory, `/`-separated.
    package var path = ""
    package var digest = Digest()
    package var isExecutable = false

    package init() {}

    package init(path: String, digest: Digest, isExecutable: Bool = false) {
        self.path = path
        self.digest = digest
        self.isExecutable = isExecutable
    }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 1: path = try reader.string()
            case 2: digest = try reader.message()
            case 4: isExecutable = try reader.bool()
            default: break
            }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.string(1, path)
        writer.messageUnlessEmpty(2, digest)
        writer.bool(4, isExecutable)
    }
}

package struct OutputDirectory: ProtoMessage, Hashable {
    package static let protoName = "build.bazel.remote.execution.v2.OutputDirectory"
    /// Relative to the command's working directory, `/`-separated.
    package var path = ""
    /// The digest of the encoded `Tree`.
    package var treeDigest = Digest()

    package init() {}

    package init(path: String, treeDigest: Digest) {
        self.path = path
        self.treeDigest = treeDigest
    }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 1: path = try reader.string()
            case 3: treeDigest = try reader.message()
            default: break
            }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.string(1, path)
        writer.messageUnlessEmpty(3, treeDigest)
    }
}

/// Who ran an action and when each stage began and ended.
package struct ExecutedActionMetadata: ProtoMessage {
    package static let protoName = "build.bazel.remote.execution.v2.ExecutedActionMetadata"
    package var worker = ""
    package var queuedTimestamp: ProtoTimestamp?
    package var workerStartTimestamp: ProtoTimestamp?
    package var workerCompletedTimestamp: ProtoTimestamp?
    package var inputFetchStartTimestamp: ProtoTimestamp?
    package var inputFetchCompletedTimestamp: ProtoTimestamp?
    package var executionStartTimestamp: ProtoTimestamp?
    package var executionCompletedTimestamp: ProtoTimestamp?
    package var outputUploadStartTimestamp: ProtoTimestamp?
    package var outputUploadCompletedTimestamp: ProtoTimestamp?

    package init() {}

    package init(worker: String) { self.worker = worker }

    package init(from reader: inout ProtoReader) throws(ProtoError) {
        self.init()
        while let field = try reader.next() {
            switch field {
            case 1: worker = try reader.string()
            case 2: queuedTimestamp = try reader.message()
            case 3: workerStartTimestamp = try reader.message()
            case 4: workerCompletedTimestamp = try reader.message()
            case 5: inputFetchStartTimestamp = try reader.message()
            case 6: inputFetchCompletedTimestamp = try reader.message()
            case 7: executionStartTimestamp = try reader.message()
            case 8: executionCompletedTimestamp = try reader.message()
            case 9: outputUploadStartTimestamp = try reader.message()
            case 10: outputUploadCompletedTimestamp = try reader.message()
            default: break
            }
        }
    }

    package func encode(to writer: inout ProtoWriter) {
        writer.string(1, worker)
        writer.message(2, queuedTimestamp)
        writer.message(3, workerStartTimestamp)
        writer.message(4, workerCompletedTimestamp)
        writer.message(5, inputFetchStartTimestamp)
        writer.message(6, inputFetchCompletedTimestamp)
        writer.message(7, executionStartTimestamp)
        writer.message(8, executionCompletedTimestamp)
        writer.message(9, outputUploadStartTimestamp)
        writer.message(10, outputUploadCompletedTimestamp)
    }
}
