import PlanBuildModel

/// yarn classic's own failures (yarn 1.x, whose every command starts with a `yarn run v1.22.19`
/// banner):
///
///     error Command failed with exit code 2.
///     info Visit https://yarnpkg.com/en/docs/cli/run for documentation about this command.
///     error Command failed.                       `yarn workspaces run`: the failed workspace,
///     Exit code: 2                                with its details on the lines under it
///     Command: /usr/bin/node
///     Directory: /p/packages/web
///
/// Each `error` line, with the details under it, is one `npm_error` issue, as every npm error block
/// is; the command yarn echoed last (`$ tsc -p .`) is added to its message, so that the same words
/// of two failed commands stay two issues. Only after a yarn banner: `error` followed by a capital
/// is too common a start of a line to be taken as yarn's anywhere else (tsc's `error TS…` never is).
struct YarnLines {
    /// Any yarn error line was seen.
    private(set) var failed = false
    /// A yarn banner was seen: `error …` lines are yarn's.
    private var yarn = false
    /// The open error: its text, and whether the lines under it may still add details.
    private var message = NpmBuffer()
    /// The command of the last `$ …` line yarn echoed since its banner.
    private var command = NpmBuffer(capacity: 300)
    private var open = false
    private var details = 0
    private var seen = NpmSeen()
    private static let maximumDetails = 6

    /// An error is open: the next line may be one of its details.
    var busy: Bool { open }

    /// Whether `consume` has anything to do with a line at the margin of this first byte (before a
    /// yarn banner only with the banner's).
    @inline(__always) func wants(_ lead: UInt8) -> Bool {
        lead == UInt8(ascii: "y") || (yarn && (lead == UInt8(ascii: "e") || lead == UInt8(ascii: "$")))
    }

    /// A line at the margin (`busy`: any line). True when it was yarn's.
    mutating func consume(_ line: NpmLine, _ issues: inout IssueCollector) -> Bool {
        let bytes = line.bytes
        if open {
            if line.indent == 0, details < Self.maximumDetails, Self.isDetail(bytes) {
                details += 1
                message.appendTrimmed(bytes, 0, bytes.count, separator: 0x20)
                return true
            }
            close(&issues)
        }
        guard line.indent == 0 else { return false }
        switch line.lead {
        case UInt8(ascii: "y"):
            // `yarn install v1.22.19`, `yarn run v1.22.19`, `yarn workspaces v1.22.19`.
            if ByteScan.has(bytes, "yarn ", at: 0), let version = ByteScan.find(bytes, " v", from: 5),
               ByteScan.isDigit(ByteScan.byte(bytes, version + 2)), ByteScan.find(bytes, byte: ByteScan.space, from: 5) == version {
                yarn = true
                command.reset()
                return true
            }
        case UInt8(ascii: "$"):
            if yarn, ByteScan.has(bytes, "$ ", at: 0) {
                command.reset()
                command.appendTrimmed(bytes, 2, bytes.count)
                return true
            }
        case UInt8(ascii: "e"):
            guard yarn, ByteScan.has(bytes, "error ", at: 0) else { return false }
            let first = ByteScan.byte(bytes, 6)
            guard ByteScan.isUpper(first) || first == UInt8(ascii: "\"") || first == UInt8(ascii: "'"),
                  !(ByteScan.has(bytes, "TS", at: 6) && ByteScan.isDigit(ByteScan.byte(bytes, 8))) else { return false }
            failed = true
            open = true
            details = 0
            message.reset()
            message.appendTrimmed(bytes, 6, bytes.count)
            return true
        default:
            break
        }
        return false
    }

    mutating func blank(_ issues: inout IssueCollector) { close(&issues) }

    mutating func finish(_ issues: inout IssueCollector) { close(&issues) }

    private mutating func close(_ issues: inout IssueCollector) {
        guard open else { return }
        open = false
        var fingerprint = Fingerprint(kind: 8)
        fingerprint.add(message)
        fingerprint.add(command)
        guard seen.isNew(fingerprint.value) else { return }
        var text = message.string
        if !command.isEmpty { text += " (command: " + command.string + ")" }
        issues.add(Issue(file: nil, line: nil, message: text, severity: .error, category: IssueCategory.npmError))
    }

    /// The lines yarn prints under `error Command failed.`.
    private static func isDetail(_ bytes: NpmLine.Bytes) -> Bool {
        switch ByteScan.byte(bytes, 0) {
        case UInt8(ascii: "E"): return ByteScan.has(bytes, "Exit code: ", at: 0)
        case UInt8(ascii: "C"): return ByteScan.has(bytes, "Command: ", at: 0)
        case UInt8(ascii: "A"): return ByteScan.has(bytes, "Arguments: ", at: 0)
        case UInt8(ascii: "D"): return ByteScan.has(bytes, "Directory: ", at: 0)
        case UInt8(ascii: "O"): return ByteScan.equals(bytes, 0, bytes.count, "Output:")
        default: return false
        }
    }
}
