/// A byte buffer with a fixed maximum size (appends beyond it are dropped), allocated once and
/// reused line after line (memcpy, no Array bookkeeping). A value: a copy that is written to gets
/// its own storage.
struct JVMTextBuffer {
    private final class Storage {
        let pointer: UnsafeMutablePointer<UInt8>
        var count = 0
        init(capacity: Int) { pointer = .allocate(capacity: max(capacity, 1)) }
        deinit { pointer.deallocate() }
    }

    private var storage: Storage
    let limit: Int

    init(limit: Int) {
        self.limit = max(limit, 0)
        storage = Storage(capacity: limit)
    }

    var isEmpty: Bool { storage.count == 0 }
    var count: Int { storage.count }

    private mutating func unique() {
        guard !isKnownUniquelyReferenced(&storage) else { return }
        let copy = Storage(capacity: limit)
        copy.pointer.update(from: storage.pointer, count: storage.count)
        copy.count = storage.count
        storage = copy
    }

    mutating func reset() {
        unique()
        storage.count = 0
    }

    mutating func append(_ line: JVMLine, _ from: Int, _ to: Int) {
        let start = min(max(from, 0), line.count)
        let end = min(max(to, start), line.count)
        let length = min(end - start, limit - storage.count)
        guard length > 0, let base = line.baseAddress else { return }
        unique()
        (storage.pointer + storage.count).update(from: base + start, count: length)
        storage.count += length
    }

    /// The bytes `from..<to` of `line` instead of what the buffer held (reset and append in one).
    mutating func set(_ line: JVMLine, _ from: Int, _ to: Int) {
        unique()
        storage.count = 0
        let start = min(max(from, 0), line.count)
        let end = min(max(to, start), line.count)
        let length = min(end - start, limit)
        guard length > 0, let base = line.baseAddress else { return }
        storage.pointer.update(from: base + start, count: length)
        storage.count = length
    }

    mutating func append(byte: UInt8) {
        guard storage.count < limit else { return }
        unique()
        storage.pointer[storage.count] = byte
        storage.count += 1
    }

    func withBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        try body(UnsafeBufferPointer(start: storage.pointer, count: storage.count))
    }

    var string: String { withBytes { String(decoding: $0, as: UTF8.self) } }
}

