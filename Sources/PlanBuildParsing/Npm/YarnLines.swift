import PlanBuildModel

/// yarn classic's own failures (yarn 1.x, whose every command starts with a `yarn run v1.22.19`
/// banner and echoes the script it runs as `$ tsc -p .`):
///
///     error Command failed with exit code 2.      a script failed (`yarn run`)
///     info Visit https://yarnpkg.com/en/docs/cli/run for documentation about this command.
///     error Command failed.                       `yarn workspaces run`, `yarn workspace NAME run`:
///     Exit code: 2                                the failed workspace, with its details on the
///     Command: /usr/bin/node                      lines under it
///     Directory: /p/packages/web
///     error /p/node_modules/native: Command failed.   `yarn install`: a dependency's install
///     Exit code: 1                                    script failed; its output follows `Output:`
///     …
///     Output:
///     native: no C compiler found
///
/// Each `error` line, with the details under it, is one `npm_error` issue, as every npm error block
/// is; the command yarn echoed last is added to its message, so that the same words of two failed
/// commands stay two issues. A script that failed without any tool diagnostic gets its last output
/// lines added, as npm's failed scripts do (ScriptOutput). `info` and `warning` lines are yarn's
/// advice, never issues. Only after a yarn banner, except yarn's own `error Command …` phrases
/// (`--silent` drops the banner): `error` followed by a capital is too common a start of a line
/// to be taken as yarn's anywhere else (tsc's `error TS…` never is).
struct YarnLines {
    /// Any yarn error line was seen.
    private(set) var failed = false
    /// A yarn command is running (its banner was seen, its last line not yet): `error …` lines are yarn's.
    private var yarn = false
    /// The open error: its text, and whether the lines under it may still add details.
    private var message = NpmBuffer()
    /// The command of the last `$ …` line yarn echoed since its banner.
    private var command = NpmBuffer(capacity: 300)
    private var open = false
    /// The open error says a script exited non-zero (`Command failed with exit code N.`).
    private var scriptFailed = false
    /// The open error's `Output:` line was read: the lines up to yarn's next are the script's.
    private var inOutput = false
    private var details = 0
    private var seen = NpmSeen()
    private static let maximumDetails = 6
    private static let maximumOutputLines = 3

    /// An error is open: the next line may be one of its details.
    var busy: Bool { open }

    /// Whether `consume` has anything to do with a line at the margin of this first byte.
    @inline(__always) func wants(_ lead: UInt8) -> Bool {
        lead == UInt8(ascii: "y") || lead == UInt8(ascii: "e")
            || (yarn && (lead == UInt8(ascii: "$") || lead == UInt8(ascii: "i") || lead == UInt8(ascii: "D")))
    }

    /// A line at the margin (`busy`: any line). True when it was yarn's; a line of a script's
    /// output under `Output:` is kept in the message and still read by the other recognizers.
    mutating func consume(_ line: NpmLine, _ issues: inout IssueCollector, _ output: inout ScriptOutput) -> Bool {
        let bytes = line.bytes
        if open {
            if inOutput {
                if !Self.isYarnLine(line) {
                    if details < Self.maximumDetails + Self.maximumOutputLines {
                        details += 1
                        message.appendTrimmed(bytes, 0, bytes.count, separator: 0x20)
                    }
                    return false
                }
            } else if line.indent == 0, details < Self.maximumDetails, Self.isDetail(bytes) {
                details += 1
                inOutput = ByteScan.byte(bytes, 0) == UInt8(ascii: "O")
                message.appendTrimmed(bytes, 0, bytes.count, separator: 0x20)
                return true
            }
            close(&issues, &output)
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
                output.start()
                return true
            }
        case UInt8(ascii: "i"), UInt8(ascii: "D"):
            // A yarn command's last line: `info Visit https://yarnpkg.com/… for documentation about
            // this command.` after its errors, `Done in 0.30s.` after a success. What comes next is
            // another command's (`yarn workspaces run` goes on with the next workspace's banner).
            if yarn, ByteScan.has(bytes, "info Visit ", at: 0) || ByteScan.has(bytes, "Done in ", at: 0) {
                yarn = false
                command.reset()
                return true
            }
        case UInt8(ascii: "e"):
            guard ByteScan.has(bytes, "error ", at: 0), yarn || ByteScan.has(bytes, "Command ", at: 6),
                  let start = Self.errorStart(bytes) else { return false }
            failed = true
            open = true
            inOutput = false
            details = 0
            scriptFailed = ByteScan.has(bytes, "Command failed with exit code ", at: start)
            message.reset()
            message.appendTrimmed(bytes, start, bytes.count)
            return true
        default:
            break
        }
        return false
    }

    mutating func blank(_ issues: inout IssueCollector, _ output: inout ScriptOutput) { close(&issues, &output) }

    mutating func finish(_ issues: inout IssueCollector, _ output: inout ScriptOutput) { close(&issues, &output) }

    private mutating func close(_ issues: inout IssueCollector, _ output: inout ScriptOutput) {
        guard open else { return }
        open = false
        inOutput = false
        defer { output.restart() }
        let explained = scriptFailed && !output.diagnosticsSinceStart
        var fingerprint = Fingerprint(kind: 8)
        fingerprint.add(message)
        fingerprint.add(command)
        if explained { output.fingerprint(&fingerprint) }
        guard seen.isNew(fingerprint.value) else { return }
        var text = message.string
        if !command.isEmpty { text += " (command: " + command.string + ")" }
        if explained { text = output.explaining(text) }
        issues.add(Issue(file: nil, line: nil, message: text, severity: .error, category: IssueCategory.npmError))
    }

    /// Where the message of `error …` starts, when the line is one of yarn's errors: a sentence
    /// (a capital or a quote after `error `), or a dependency's folder before `: Command failed.`.
    private static func errorStart(_ bytes: NpmLine.Bytes) -> Int? {
        let first = ByteScan.byte(bytes, 6)
        if ByteScan.isUpper(first) {
            return ByteScan.has(bytes, "TS", at: 6) && ByteScan.isDigit(ByteScan.byte(bytes, 8)) ? nil : 6
        }
        if first == UInt8(ascii: "\"") || first == UInt8(ascii: "'") { return 6 }
        let path = first == UInt8(ascii: "/") || (ByteScan.byte(bytes, 7) == UInt8(ascii: ":") && ByteScan.byte(bytes, 8) == UInt8(ascii: "\\"))
        return path && ByteScan.hasSuffix(bytes, ": Command failed.") ? 6 : nil
    }

    /// The lines yarn prints under `error Command failed.`.
    private static func isDetail(_ bytes: NpmLine.Bytes) -> Bool {
        switch ByteScan.byte(bytes, 0) {
        case UInt8(ascii: "E"): return ByteScan.has(bytes, "Exit code: ", at: 0)
        case UInt8(ascii: "C"): return ByteScan.has(bytes, "Command: ", at: 0)
        case UInt8(ascii: "A"): return ByteScan.has(bytes, "Arguments:", at: 0)
        case UInt8(ascii: "D"): return ByteScan.has(bytes, "Directory: ", at: 0)
        case UInt8(ascii: "O"): return ByteScan.equals(bytes, 0, bytes.count, "Output:")
        default: return false
        }
    }

    /// yarn's own lines, which end a script's output under `Output:`.
    private static func isYarnLine(_ line: NpmLine) -> Bool {
        guard line.indent == 0 else { return false }
        let bytes = line.bytes
        switch line.lead {
        case UInt8(ascii: "i"): return ByteScan.has(bytes, "info ", at: 0)
        case UInt8(ascii: "e"): return ByteScan.has(bytes, "error ", at: 0)
        case UInt8(ascii: "w"): return ByteScan.has(bytes, "warning ", at: 0)
        case UInt8(ascii: "s"): return ByteScan.has(bytes, "success ", at: 0)
        default: return false
        }
    }
}
