// libFuzzer target for the build cache's decoders: whatever bytes a checkout or a server puts in a
// cache file, decoding it never traps (no overflow, no out-of-range index) and never leaks; a
// record that decodes has every number inside its range and survives a round trip; and a
// stats.json the cache rewrote reads back clean.
//
// Built and run by scripts/fuzz like the parser target, from the same instrumented layers
// (compiled with -enable-testing, so the internal decoders are reachable here).
//
// Per input:
//   1. the bytes as JSON: CacheRecord(json:) (and its invariants), TimeoutPolicy(json:), the
//      learned-timeout lookup;
//   2. the bytes as a stored manifest: InputManifest.parse(stored:), storedDigest, unchanged(stored:files:)
//      against a real scan, FolderListings.parse(manifest:);
//   3. the bytes as files of a real cache folder in /dev/shm: `lib/verify.json`, its manifest and
//      stats.json, read by BuildCacheStore.record/entries/manifestBytes and CacheStatistics.read,
//      then stats.json updated by CacheStatistics.add, which must leave a file that reads back clean.
#if canImport(Glibc)
import Glibc
#endif
@testable import PlanBuildSupport
@testable import PlanBuildModel
@testable import PlanBuildConfiguration
@testable import PlanBuildCache

private let root = "/dev/shm/planbuild-cache-fuzz-\(getpid())"
private let layout = ProjectLayout(projectDir: root)
private let store = BuildCacheStore(layout: layout)
nonisolated(unsafe) private var scanned: ScannedFiles?

private func fail(_ what: String) -> Never {
    let text = "planbuild fuzz: \(what)\n"
    _ = text.withCString { write(2, $0, strlen($0)) }
    abort()
}

private func write(_ bytes: UnsafeRawBufferPointer, to path: String) {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard descriptor >= 0 else { fail("cannot create \(path): \(String(cString: strerror(errno)))") }
    var written = 0
    while written < bytes.count {
        let count = Glibc.write(descriptor, bytes.baseAddress! + written, bytes.count - written)
        if count < 0 {
            if errno == EINTR { continue }
            fail("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        written += count
    }
    close(descriptor)
}

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<Int32>?, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> Int32 {
    do {
        try FileSystem.makeDirectories(root + "/lib/src")
        try FileSystem.makeDirectories(store.directory + "/lib")
        try FileSystem.writeAtomically(Array("class A {}\n".utf8), to: root + "/lib/src/A.java")
    } catch {
        fail("cannot prepare \(root): \(error)")
    }
    var scanner = InputScanner(projectDirectory: root)
    scanned = scanner.scanFiles(["lib"])
    atexit { _ = try? DirectoryHandle.open("/dev/shm").remove(FileSystem.baseName(root)) }
    return 0
}

private func checkRecord(_ value: JSONValue) {
    guard let record = CacheRecord(json: value) else { return }
    let limits = CacheRecord.Limits.self
    guard limits.durationMilliseconds.contains(record.durationMilliseconds), limits.recordedAt.contains(record.recordedAt),
          limits.count.contains(record.warnings),
          record.artifacts.allSatisfy({ limits.size.contains(Int($0.size)) }) else {
        fail("a record decoded with a number out of range: \(JSONWriter.writeCompact(.object(record.json)))")
    }
    if let tests = record.tests, ![tests.passed, tests.failed, tests.skipped, tests.total].allSatisfy(limits.count.contains) {
        fail("a record decoded with a test count out of range")
    }
    // What the cache computes with a record: its age, its expiry, the time it saves in a run.
    let now = Int(time(nil))
    _ = max(0, now - record.recordedAt) > IncrementalSettings.maximumAgeDaysLimit * 86_400
    _ = (0..<1000).reduce(0) { total, _ in total + record.durationSeconds }
    guard CacheRecord(json: .object(record.json)) == record else {
        fail("a record does not survive its own round trip: \(JSONWriter.writeCompact(.object(record.json)))")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []

    // 1. As JSON.
    if let value = try? JSONParser.parse(bytes: bytes) {
        checkRecord(value)
        let policy = TimeoutPolicy(json: value)
        guard policy.minimumSeconds >= 1 else { fail("a timeout policy with a minimum below 1 s") }
        _ = policy.effectiveTimeout(learned: RunConfiguration.learnedTimeout(value), default: 0)
        _ = TimeoutPolicy.problems(value)
    }

    // 2. As a stored manifest.
    if let manifest = InputManifest.parse(stored: bytes) { _ = manifest.storedText }
    let digest = InputManifest.storedDigest(bytes)
    if let scanned { _ = InputManifest.unchanged(stored: bytes, files: scanned) }
    _ = FolderListings.parse(manifest: bytes)

    // 3. As the files of a cache folder.
    bytes.withUnsafeBytes { buffer in
        write(buffer, to: store.directory + "/lib/verify.json")
        write(buffer, to: store.directory + "/lib/verify.manifest")
        write(buffer, to: store.directory + "/stats.json")
    }
    if case .record(let record) = store.record(module: "lib", command: "verify") { checkRecord(.object(record.json)) }
    _ = store.entries()
    if let digest { _ = store.manifest(module: "lib", command: "verify", kind: .module, digest: digest) }
    _ = CacheStatistics.read(store)
    do {
        try CacheStatistics.add(hits: 1, misses: 1, timeSavedSeconds: Int.max, to: store)
    } catch {
        fail("stats.json could not be updated: \(error.message)")
    }
    let after = CacheStatistics.read(store)
    guard after.problems.isEmpty, after.lastRun.hits == 1 else { fail("stats.json as the cache wrote it does not read back: \(after.problems)") }
    return 0
}
