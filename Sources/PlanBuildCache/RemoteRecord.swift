import PlanBuildSupport
import PlanBuildModel

/// A record read from the remote cache (`ac/{input digest}`), checked whole before anything of it
/// is used: whoever can write to the cache must not be able to write anything else into the
/// project.
///
/// The rules: the record is one of this build (input digest, module, command); it lists at least
/// one artifact, and each is one of the outputs the local configuration declares for the module
/// (DeclaredOutputs: `folder/name`, the name matching the folder's pattern), with its size and
/// SHA-256; every literal output declared (npm's `main`) is listed; no path twice. The log, when
/// there is one, is a plain file name ending in `.log`, placed in the module's own log folder, with
/// its size and SHA-256. Anything else refuses the whole record.
///
/// A build that leaves no declared output (Maven's `compile`, a pom-packaging module) has nothing
/// the remote cache could put in place, so it is never shared (`RemoteCache.share`) and a record
/// without artifacts is refused: such builds are cached on their own machine only.
package struct RemoteRecord {
    /// One file to restore: `name` inside `folder` (relative to the project, or the log folder).
    typealias File = OutputRestore.File

    struct Refusal: Error, Equatable {
        let reason: String
    }

    /// A record is a few kilobytes; more is not a record.
    package static let maximumBytes = 1 << 20
    /// The largest artifact or log a record may declare (the blob's GET is cut at its declared size).
    static let maximumFileSize = OutputRestore.maximumFileSize

    let record: CacheRecord
    let artifacts: [File]
    /// The log: `folder` is empty (it goes to the module's log folder).
    let log: File?

    /// Checks `bytes`, the body of `ac/{inputDigest}` asked for `build`, against the outputs the
    /// local configuration declares for its module.
    static func check(_ bytes: [UInt8], inputDigest: String, build: PlannedBuild,
                      outputs: DeclaredOutputs) throws(Refusal) -> RemoteRecord {
        let subject = "the record ac/\(inputDigest) of \(build.module)"
        let notARecord = Refusal(reason: "ac/\(inputDigest) is not a record of \(build.module) \(build.command)")
        guard bytes.count <= maximumBytes, let value = try? JSONParser.parse(bytes: bytes), let object = value.objectValue else {
            throw notARecord
        }
        // The artifact list first: its absence has a reason of its own, which the generic
        // decoder below (that refuses a non-list as corrupt) would not name.
        guard let entries = object["artifacts"]?.arrayValue, !entries.isEmpty else {
            throw Refusal(reason: "\(subject) lists no artifact (a build without declared outputs is not shared)")
        }
        guard let record = CacheRecord(json: value), record.inputDigest == inputDigest,
              record.module == build.module, record.command == build.command else { throw notARecord }
        var artifacts: [File] = []
        var seen: Set<String> = []
        for entry in entries {
            guard let path = entry["path"]?.stringValue else { throw Refusal(reason: "\(subject) has an artifact without a path") }
            guard let pattern = outputs.pattern(of: path) else {
                throw Refusal(reason: "\(subject) names \(quoted(path)), not one of its declared outputs (\(outputs.description))")
            }
            guard seen.insert(path).inserted else { throw Refusal(reason: "\(subject) names \(quoted(path)) twice") }
            let (size, sha256) = try described(entry, sizeKey: "size", hashKey: "sha256", what: quoted(path), subject: subject)
            artifacts.append(File(folder: pattern.folder, name: String(path.split(separator: "/").last!), size: size, sha256: sha256))
        }
        for pattern in outputs.patterns where pattern.isExact && pattern.restorable && !seen.contains(pattern.glob) {
            throw Refusal(reason: "\(subject) does not list \(pattern.glob), a declared output")
        }

        var log: File?
        let logName = object["log_file"]
        if logName != nil && logName != .null || object["log_sha256"] != nil {
            guard let name = logName?.stringValue, isLogName(name) else {
                throw Refusal(reason: "\(subject) names the log \(quoted(logName?.stringValue ?? "?")), not a plain *.log file name")
            }
            let (size, sha256) = try described(value, sizeKey: "log_size", hashKey: "log_sha256", what: "its log", subject: subject)
            log = File(folder: "", name: name, size: size, sha256: sha256)
        }
        return RemoteRecord(record: record, artifacts: artifacts, log: log)
    }

    /// A log file's name as a shared record carries it: one component, the characters
    /// `LogFiles.sanitizedScope` keeps, not hidden, ending in `.log`.
    static func isLogName(_ name: String) -> Bool {
        name.count > 4 && name.hasSuffix(".log") && !name.hasPrefix(".") && LogFiles.sanitizedScope(name) == name
    }

    /// The declared size (0…maximumFileSize) and SHA-256 (64 lower-case hex digits) of a file.
    private static func described(_ value: JSONValue, sizeKey: String, hashKey: String, what: String,
                                  subject: String) throws(Refusal) -> (Int64, String) {
        guard let size = value[sizeKey]?.intValue, size >= 0, Int64(size) <= maximumFileSize else {
            throw Refusal(reason: "\(subject) declares no usable size for \(what)")
        }
        guard let sha256 = value[hashKey]?.stringValue, OutputRestore.isDigest(sha256) else {
            throw Refusal(reason: "\(subject) declares no usable SHA-256 for \(what)")
        }
        return (Int64(size), sha256)
    }

    /// A path from the server, shown in a message: quoted, at most 120 characters, control
    /// characters (a terminal's escape sequences, line breaks) shown as `?`.
    private static func quoted(_ text: String) -> String {
        "\"\(OneLine.untrusted(text, limit: 120))\""
    }
}
