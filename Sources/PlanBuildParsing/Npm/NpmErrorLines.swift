import PlanBuildModel

/// npm's own errors, `npm error …` (npm 10) or `npm ERR! …` (older npm). npm prints one error as
/// a block of consecutive lines (a `code E404` line, the lines explaining it, context such as
/// `path …`) and ends with `A complete log of this run can be found in: …` (boilerplate, like its
/// path line in npm 9): a block is one issue, its lines merged into one message.
///
/// Dependency-tree conflicts (ERESOLVE, peer dependencies) are `npm_dependency`, every other
/// npm error (E404, ENOTCACHED, a missing script, ENOENT, a failed script) `npm_error`.
/// A failed script (`Lifecycle script `x` failed`, npm 6's `ELIFECYCLE`) is an issue of its own
/// beside the diagnostics of the tools it ran; when no tool's diagnostic was read in its output,
/// the script's last output lines are added to its message to say why it failed.
struct NpmErrorLines {
    /// Any npm error line was seen.
    private(set) var failed = false
    /// The current block, its lines joined by spaces.
    private var block = NpmBuffer()
    /// Where the block's lines that say what went wrong (not where) are in `block`.
    private var coreLines: [Range<Int>] = []
    private var code = NpmBuffer(capacity: 32)
    private var path = NpmBuffer(capacity: NpmText.maximumPath)
    private var lifecycle = false
    private var missingScript = false
    private var lines = 0
    /// The next line is the path of a log or report file named on the line before.
    private var skipPath = false
    private var seen = NpmSeen()
    /// The normalized core of the block reported last in the current script, to drop npm 9's
    /// repeat of an error (`Missing script: test`) right after the block that explained it.
    private var lastCore: [UInt8] = []
    private var lastCoreScript = -1
    private static let maximumLines = 40

    /// A block is open (any line may end it) or a log path is due.
    var busy: Bool { lines > 0 || skipPath }

    /// Reads `line`; true when it was one of npm's error lines.
    mutating func consume(_ line: NpmLine, _ issues: inout IssueCollector, _ output: inout ScriptOutput) -> Bool {
        let bytes = line.bytes
        let contentStart: Int
        if line.indent == 0, ByteScan.has(bytes, "npm error", at: 0) {
            contentStart = 9
        } else if line.indent == 0, ByteScan.has(bytes, "npm ERR!", at: 0) {
            contentStart = 8
        } else {
            close(&issues, &output)
            return false
        }
        guard contentStart == bytes.count || bytes[contentStart] == 0x20 else {
            close(&issues, &output)
            return false
        }
        failed = true
        let content = ByteScan.trimmed(bytes, contentStart, bytes.count)
        guard !content.isEmpty else { return true }
        let start = content.lowerBound
        if skipPath {
            skipPath = false
            if bytes[start] == UInt8(ascii: "/") || ByteScan.find(bytes, "_logs", from: start) != nil
                || ByteScan.find(bytes, ":\\", from: start) != nil { return true }
        }
        var context = false
        switch bytes[start] {
        case UInt8(ascii: "A"), UInt8(ascii: "L"):
            if ByteScan.has(bytes, "A complete log of this run can be found in", at: start)
                || ByteScan.has(bytes, "Log files were not written", at: start) {
                // npm's last words: the error above is complete (npm 9 names the file on the next line).
                close(&issues, &output)
                skipPath = bytes[content.upperBound - 1] == UInt8(ascii: ":")
                return true
            }
            if ByteScan.has(bytes, "Lifecycle script ", at: start) { lifecycle = true }
        case UInt8(ascii: "F"):
            if ByteScan.has(bytes, "For a full report see:", at: start) {
                skipPath = bytes[content.upperBound - 1] == UInt8(ascii: ":")
                return true
            }
        case UInt8(ascii: "Y"):
            if ByteScan.has(bytes, "You can rerun the command with `--loglevel=verbose`", at: start) { return true }
        case UInt8(ascii: "s"), UInt8(ascii: "e"):
            // `syscall open`, `errno -2`: details of the code line that help no reader.
            if ByteScan.has(bytes, "syscall ", at: start) || ByteScan.has(bytes, "errno ", at: start) { return true }
            context = ByteScan.has(bytes, "signal ", at: start)
        case UInt8(ascii: "c"):
            if ByteScan.has(bytes, "code ", at: start) {
                let value = ByteScan.trimmed(bytes, start + 5, content.upperBound)
                if !value.isEmpty, bytes[value.lowerBound] == UInt8(ascii: "E") {
                    // A second error code starts the next error.
                    if !code.isEmpty { close(&issues, &output) }
                    code.set(UnsafeBufferPointer(rebasing: bytes[value]))
                    if ByteScan.has(bytes, "ELIFECYCLE", at: value.lowerBound) { lifecycle = true }
                }
            }
            context = ByteScan.has(bytes, "command sh ", at: start) || ByteScan.has(bytes, "cwd ", at: start)
        case UInt8(ascii: "p"):
            if ByteScan.has(bytes, "path ", at: start) {
                context = true
                if path.isEmpty { path.setPath(bytes, start + 5, content.upperBound) }
            }
        case UInt8(ascii: "M"):
            if ByteScan.has(bytes, "Missing script:", at: start) { missingScript = true }
        case UInt8(ascii: "E"):
            if ByteScan.has(bytes, "Error: Missing script:", at: start) { missingScript = true }
        case UInt8(ascii: "w"), UInt8(ascii: "l"), UInt8(ascii: "i"), UInt8(ascii: "a"):
            context = ByteScan.has(bytes, "workspace ", at: start) || ByteScan.has(bytes, "location ", at: start)
                || ByteScan.has(bytes, "in workspace:", at: start) || ByteScan.has(bytes, "at location:", at: start)
        default:
            break
        }
        if !code.isEmpty, content.count <= code.count, Self.isCodeWord(bytes, content, code.bytes) {
            // The bare `404` / `enoent` separator line of a sub-prefixed explanation.
            return true
        }
        guard lines < Self.maximumLines else { return true }
        lines += 1
        let from = block.count + (block.isEmpty ? 0 : 1)
        block.append(UnsafeBufferPointer(rebasing: bytes[content]), separator: 0x20)
        if !context, from < block.count { coreLines.append(from..<block.count) }
        return true
    }

    mutating func blank(_ issues: inout IssueCollector, _ output: inout ScriptOutput) { close(&issues, &output) }

    mutating func finish(_ issues: inout IssueCollector, _ output: inout ScriptOutput) { close(&issues, &output) }

    private mutating func close(_ issues: inout IssueCollector, _ output: inout ScriptOutput) {
        skipPath = false
        guard lines > 0 else { return }
        defer {
            block.reset()
            coreLines.removeAll(keepingCapacity: true)
            code.reset()
            path.reset()
            lifecycle = false
            missingScript = false
            lines = 0
            output.restart()
        }
        guard !coreLines.isEmpty else { return }
        // A failed script that printed no diagnostic: its last output lines say why.
        let explained = lifecycle && !missingScript && !output.diagnosticsSinceStart
        var fingerprint = Fingerprint(kind: 6)
        fingerprint.add(block)
        if explained { output.fingerprint(&fingerprint) }
        guard seen.isNew(fingerprint.value) else { return }
        let normalized = normalizedCore()
        if lastCoreScript == output.scripts, lastCore.count > normalized.count, Self.contains(lastCore, normalized) { return }
        lastCore = normalized
        lastCoreScript = output.scripts

        var message = block.string
        if explained, let lines = output.text { message += " — output: " + lines }
        let codeText = code.string
        let conflict = Self.conflictCodes.contains(codeText) || ByteScan.find(block.bytes, "ERESOLVE") != nil
        let file = !code.isEmpty && !path.isEmpty && !lifecycle ? path.string : nil
        issues.add(Issue(file: file, line: nil, message: message, severity: .error,
                         category: conflict ? IssueCategory.npmDependency : IssueCategory.npmError))
    }

    private static let conflictCodes: Set<String> = ["ERESOLVE", "EPEERINVALID"]

    /// `404` for `E404`, `enoent` for `ENOENT` (case-insensitive).
    private static func isCodeWord(_ bytes: NpmLine.Bytes, _ content: Range<Int>, _ code: NpmLine.Bytes) -> Bool {
        let skip = code.count - content.count
        guard skip == 0 || skip == 1 else { return false }
        for offset in 0..<content.count {
            var expected = code[offset + skip]
            if expected >= UInt8(ascii: "A") && expected <= UInt8(ascii: "Z") { expected += 32 }
            var actual = bytes[content.lowerBound + offset]
            if actual >= UInt8(ascii: "A") && actual <= UInt8(ascii: "Z") { actual += 32 }
            if expected != actual { return false }
        }
        return true
    }

    /// The block's core lines without quotes and with single spaces.
    private func normalizedCore() -> [UInt8] {
        var result: [UInt8] = []
        let bytes = block.bytes
        for range in coreLines where range.upperBound <= bytes.count {
            var space = !result.isEmpty
            for byte in bytes[range] {
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`"): continue
                case 0x20, 0x09: space = true
                default:
                    if space, !result.isEmpty { result.append(0x20) }
                    space = false
                    result.append(byte)
                }
            }
        }
        return result
    }

    private static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        return haystack.withUnsafeBufferPointer { hay in needle.withUnsafeBufferPointer { ByteScan.contains(hay, $0) } }
    }
}
