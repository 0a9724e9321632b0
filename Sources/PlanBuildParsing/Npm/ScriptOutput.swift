/// What the script npm ran printed last: the lines since its `> name@1.0.0 build` banner (or
/// since npm's previous error block), and whether any tool's diagnostic was read among them.
/// A failed script's npm block is the context of that output (see NpmErrorLines).
///
/// Every line of a log passes here, so the last lines are kept in fixed storage (a copy of at
/// most `maximumLine` bytes each), never in growing arrays.
struct ScriptOutput {
    private final class Storage {
        let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: ScriptOutput.slots * ScriptOutput.maximumLine)
        let lengths = UnsafeMutablePointer<Int>.allocate(capacity: ScriptOutput.slots)
        init() { lengths.initialize(repeating: 0, count: ScriptOutput.slots) }
        deinit {
            bytes.deallocate()
            lengths.deallocate()
        }
    }

    private static let slots = 3
    private static let maximumLine = 300
    private let storage = Storage()
    private var next = 0
    private var stored = 0
    private var diagnosticsAtStart = 0
    /// A script's banner was seen: its output is worth keeping (a log without npm has none).
    private var running = false
    /// Banners seen so far (each starts a script).
    private(set) var scripts = 0
    /// Diagnostics read by every tool's recognizer so far (kept current by the parser).
    var diagnostics = 0

    /// Whether a tool's diagnostic was read since the script started.
    var diagnosticsSinceStart: Bool { diagnostics != diagnosticsAtStart }

    /// A new script starts (its banner), or npm's error block ended.
    mutating func restart() {
        stored = 0
        next = 0
        diagnosticsAtStart = diagnostics
    }

    /// Keeps `line` as one of the last lines of the script's output.
    @inline(__always) mutating func record(_ line: NpmLine) {
        // A script's own messages start at the margin; indented lines are a tool's detail.
        guard line.indent == 0 else { return }
        let bytes = line.bytes
        if line.lead == UInt8(ascii: ">"), ByteScan.has(bytes, "> ", at: 0) {
            // `> app@1.0.0 test` then `> node check.js`: the banner of a script.
            restart()
            running = true
            scripts &+= 1
            return
        }
        if line.lead == UInt8(ascii: "n"), ByteScan.has(bytes, "npm ", at: 0) { return }
        guard running else { return }
        let length = min(bytes.count, Self.maximumLine)
        if length > 0, let base = bytes.baseAddress {
            (storage.bytes + next * Self.maximumLine).update(from: base, count: length)
        }
        storage.lengths[next] = length
        next = (next + 1) % Self.slots
        if stored < Self.slots { stored += 1 }
    }

    private func slot(_ offset: Int) -> UnsafeBufferPointer<UInt8> {
        let index = (next - stored + offset + Self.slots) % Self.slots
        return UnsafeBufferPointer(start: storage.bytes + index * Self.maximumLine, count: storage.lengths[index])
    }

    /// The kept lines, oldest first, joined by spaces (nil when the script printed nothing).
    var text: String? {
        guard stored > 0 else { return nil }
        var parts: [String] = []
        for offset in 0..<stored {
            let line = slot(offset)
            let range = ByteScan.trimmed(line, 0, line.count)
            if !range.isEmpty { parts.append(String(decoding: UnsafeBufferPointer(rebasing: line[range]), as: UTF8.self)) }
        }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }

    func fingerprint(_ fingerprint: inout Fingerprint) {
        for offset in 0..<stored { fingerprint.add(slot(offset)) }
    }
}
