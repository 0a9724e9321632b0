/// A byte buffer of fixed capacity for the text of the issue being read: appends copy into
/// storage allocated once (longer text is cut), emptying it costs nothing. Each recognizer owns
/// its buffers; copying the struct would share the storage, so contents are copied with `set`.
struct NpmBuffer {
    private final class Storage {
        let base: UnsafeMutablePointer<UInt8>
        init(capacity: Int) { base = UnsafeMutablePointer<UInt8>.allocate(capacity: max(capacity, 1)) }
        deinit { base.deallocate() }
    }

    private let storage: Storage
    let capacity: Int
    private(set) var count = 0

    init(capacity: Int = NpmText.maximumMessage) {
        self.capacity = capacity
        storage = Storage(capacity: capacity)
    }

    var isEmpty: Bool { count == 0 }
    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: storage.base, count: count) }
    var string: String { String(decoding: bytes, as: UTF8.self) }

    @inline(__always) mutating func reset() { count = 0 }

    /// `source` appended (after `separator` when not empty), cut at the capacity.
    mutating func append(_ source: UnsafeBufferPointer<UInt8>, separator: UInt8? = nil) {
        guard source.count > 0, count < capacity, let from = source.baseAddress else { return }
        if let separator, count > 0 {
            storage.base[count] = separator
            count += 1
        }
        let length = min(source.count, capacity - count)
        guard length > 0 else { return }
        (storage.base + count).update(from: from, count: length)
        count += length
    }

    /// `start..<end` of `source` without surrounding spaces, appended like `append`.
    mutating func appendTrimmed(_ source: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, separator: UInt8? = nil) {
        let range = ByteScan.trimmed(source, start, end)
        guard !range.isEmpty else { return }
        append(UnsafeBufferPointer(rebasing: source[range]), separator: separator)
    }

    /// The contents of `other` (or `source`) instead of these.
    mutating func set(_ other: NpmBuffer) {
        count = 0
        append(other.bytes)
    }

    mutating func set(_ source: UnsafeBufferPointer<UInt8>) {
        count = 0
        append(source)
    }

    /// A path without surrounding spaces and without the `./` Jest and others put in front,
    /// keeping its end when it is longer than the capacity.
    mutating func setPath(_ source: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) {
        count = 0
        var range = ByteScan.trimmed(source, start, end)
        while range.count >= 2, source[range.lowerBound] == UInt8(ascii: "."), source[range.lowerBound + 1] == UInt8(ascii: "/") {
            range = (range.lowerBound + 2)..<range.upperBound
        }
        if range.count > capacity { range = (range.upperBound - capacity)..<range.upperBound }
        guard !range.isEmpty else { return }
        append(UnsafeBufferPointer(rebasing: source[range]))
    }
}


extension Fingerprint {
    mutating func add(_ buffer: NpmBuffer) { add(buffer.bytes) }
}
