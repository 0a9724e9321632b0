import Testing
@testable import PlanBuildRemoteExecution

/// Bytes from a server or a worker are hostile: every malformed input is a ProtoError, never a
/// trap, and unknown fields (a newer peer's) are skipped.
@Suite struct ProtocolHostileInputTests {
    /// A message that nests itself, for the depth limit.
    struct Nest: ProtoMessage {
        static let protoName = "test.Nest"
        var children: [Nest] = []
        init() {}
        init(from reader: inout ProtoReader) throws(ProtoError) {
            self.init()
            while let field = try reader.next() {
                if field == 1 { children.append(try reader.message()) }
            }
        }
        func encode(to writer: inout ProtoWriter) { writer.messages(1, children) }
    }

    static func nested(_ depth: Int) -> [UInt8] {
        var message = Nest()
        for _ in 0..<depth {
            var outer = Nest()
            outer.children = [message]
            message = outer
        }
        return message.encoded()
    }

    static func error<M: ProtoMessage>(_ type: M.Type, _ bytes: [UInt8]) -> ProtoError? {
        do {
            _ = try M(decoding: bytes)
            return nil
        } catch {
            return error
        }
    }

    static let sample: [UInt8] = {
        ActionResult(outputFiles: [OutputFile(path: "a/b", digest: Digest(hash: "ff", sizeBytes: 3), isExecutable: true)],
                     outputDirectories: [OutputDirectory(path: "d", treeDigest: Digest(hash: "ee", sizeBytes: 1))],
                     exitCode: -2, stdoutRaw: [1, 2], stdoutDigest: Digest(hash: "dd", sizeBytes: 2),
                     executionMetadata: ExecutedActionMetadata(worker: "w")).encoded()
    }()

    @Test func unknownFieldsOfEveryWireTypeAreSkipped() throws {
        var writer = ProtoWriter()
        writer.key(15, .varint); writer.varint(UInt64.max)
        writer.key(16, .fixed64); writer.zeroBytes(8)
        writer.key(17, .fixed32); writer.zeroBytes(4)
        writer.lengthDelimited(536_870_911, [1, 2, 3])
        let digest = Digest(hash: "abc", sizeBytes: 9)
        let bytes = writer.bytes + digest.encoded() + writer.bytes
        #expect(try Digest(decoding: bytes) == digest)
        // Inside a nested message too.
        var action = ProtoWriter()
        action.lengthDelimited(1, bytes)
        action.lengthDelimited(99, Self.sample)
        #expect(try Action(decoding: action.bytes).commandDigest == digest)
    }

    @Test func truncationAnywhereIsAnErrorOrAShorterMessageNeverATrap() {
        for end in 0..<Self.sample.count {
            let prefix = Array(Self.sample[..<end])
            // A cut between two fields is a valid shorter message; anywhere else it is an error.
            if let error = Self.error(ActionResult.self, prefix) {
                #expect(error == .truncated || error == .lengthPastEnd, "cut at \(end): \(error)")
            }
        }
        #expect(Self.error(Digest.self, [0x10]) == .truncated)
        #expect(Self.error(Digest.self, [0x10, 0x80]) == .truncated)
        #expect(Self.error(Digest.self, [0x0A, 0x05, 0x61]) == .lengthPastEnd)
    }

    @Test func overlongVarintsAreRefused() {
        #expect(Self.error(Digest.self, [0x10] + [UInt8](repeating: 0xFF, count: 10) + [0x01]) == .overlongVarint)
        // Ten bytes whose last carries more than the 64th bit.
        #expect(Self.error(Digest.self, [0x10] + [UInt8](repeating: 0xFF, count: 9) + [0x02]) == .overlongVarint)
        // The largest ten-byte varint is fine: UInt64.max.
        #expect(Self.error(Digest.self, [0x10] + [UInt8](repeating: 0xFF, count: 9) + [0x01]) == nil)
        // An overlong key.
        #expect(Self.error(Digest.self, [UInt8](repeating: 0x80, count: 11) + [0x00]) == .overlongVarint)
    }

    @Test func lengthsPastTheEndAreRefusedWithoutArithmeticOverflow() {
        var huge = ProtoWriter()
        huge.key(1, .lengthDelimited)
        huge.varint(UInt64(Int64.max))
        #expect(Self.error(Digest.self, huge.bytes) == .lengthPastEnd)
        var maximum = ProtoWriter()
        maximum.key(1, .lengthDelimited)
        maximum.varint(UInt64.max)
        #expect(Self.error(Digest.self, maximum.bytes) == .lengthPastEnd)
        // A nested length may not reach past its enclosing message, even when the whole buffer is long enough.
        let inner: [UInt8] = [0x0A, 0x10] + [UInt8](repeating: 0x61, count: 4)
        var outer = ProtoWriter()
        outer.lengthDelimited(1, inner)
        #expect(Self.error(Action.self, outer.bytes + [UInt8](repeating: 0x61, count: 20)) == .lengthPastEnd)
    }

    @Test func nestingIsLimited() {
        #expect(Self.error(Nest.self, Self.nested(ProtoReader.maximumDepth)) == nil)
        #expect(Self.error(Nest.self, Self.nested(ProtoReader.maximumDepth + 1)) == .tooDeep)
        // A hostile stack of 100 000 levels is refused at level 33, not by overflowing the stack.
        // Built back to front: each level's key and length go before everything inside it.
        var reversed: [UInt8] = []
        for _ in 0..<100_000 {
            reversed += varint(UInt64(reversed.count)).reversed()
            reversed.append(0x0A)
        }
        let deep = Array(reversed.reversed())
        #expect(Self.error(Nest.self, deep) == .tooDeep)
    }

    @Test func wrongWireTypesForKnownFieldsAreRefused() {
        #expect(Self.error(Digest.self, [0x08, 0x01]) == .wrongWireType(field: 1, wireType: 0))
        #expect(Self.error(Digest.self, [0x12, 0x00]) == .wrongWireType(field: 2, wireType: 2))
        #expect(Self.error(Digest.self, [0x15, 0, 0, 0, 0]) == .wrongWireType(field: 2, wireType: 5))
        #expect(Self.error(Action.self, [0x08, 0x01]) == .wrongWireType(field: 1, wireType: 0))
    }

    @Test func groupsFieldZeroAndBadUTF8AreRefused() {
        #expect(Self.error(Digest.self, [0x1B, 0x1C]) == .unsupportedWireType(3))
        #expect(Self.error(Digest.self, [0x1E]) == .unsupportedWireType(6))
        #expect(Self.error(Digest.self, [0x00, 0x00]) == .invalidFieldNumber(0))
        #expect(Self.error(Digest.self, [0x0A, 0x02, 0xC3, 0x28]) == .invalidUTF8(field: 1))
        // Bytes fields take anything.
        #expect(Self.error(ReadResponse.self, [0x52, 0x02, 0xC3, 0x28]) == nil)
    }

    @Test func hugeRepeatedCountsDecodeWithinTheInput() throws {
        // 200 000 empty digests: each costs two bytes of input, nothing is allocated ahead.
        let bytes = [[UInt8]](repeating: [0x12, 0x00], count: 200_000).flatMap { $0 }
        #expect(try FindMissingBlobsResponse(decoding: bytes).missingBlobDigests.count == 200_000)
        // A packed run claiming more values than it holds.
        #expect(Self.error(CacheCapabilities.self, [0x0A, 0x7F, 0x01]) == .lengthPastEnd)
        #expect(Self.error(CacheCapabilities.self, [0x0A, 0x01, 0x81]) == .truncated)
    }

    @Test func randomBytesNeverTrap() {
        // A linear congruential generator (Knuth's MMIX constants): the same bytes on every run.
        var state: UInt64 = 28
        let generator = { () -> UInt64 in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        var failures = 0
        for round in 0..<3000 {
            let length = Int(generator() % 64)
            var bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator()) }
            // Half the rounds mutate a valid message, which reaches deeper than noise.
            if round % 2 == 0 {
                bytes = Self.sample
                for _ in 0..<3 { bytes[Int(generator() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator()) }
            }
            for decode in [{ _ = try ActionResult(decoding: $0) }, { _ = try Operation(decoding: $0) },
                           { _ = try BotSession(decoding: $0) }, { _ = try ServerCapabilities(decoding: $0) }] as [([UInt8]) throws -> Void] {
                do { try decode(bytes) } catch { failures += 1 }
            }
        }
        #expect(failures > 0)
    }

    func varint(_ value: UInt64) -> [UInt8] {
        var writer = ProtoWriter()
        writer.varint(value)
        return writer.bytes
    }
}

extension ProtoWriter {
    /// `count` zero bytes: the payload of a fixed-width unknown field.
    mutating func zeroBytes(_ count: Int) {
        for _ in 0..<count { varint(0) }
    }
}
