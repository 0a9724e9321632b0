import PlanBuildModel

/// Issues of a JVM build in first-seen order, each reported once. An issue is identified by a
/// 64-bit hash of its file, line, column, message and severity, so a log that repeats the same
/// diagnostics millions of times costs no String per repetition. At most `maximumIssues` are kept.
struct JVMIssueSink {
    static let maximumIssues = IssueCollector.maximumIssues
    private(set) var issues: [Issue] = []
    private var seen: Set<UInt64> = []
    private(set) var errorCount = 0
    private(set) var compileErrorCount = 0

    var isFull: Bool { issues.count >= Self.maximumIssues }

    func contains(_ key: UInt64) -> Bool { seen.contains(key) }

    /// Adds the issue unless one with the same key was added; returns whether it was added.
    @discardableResult
    mutating func add(_ issue: Issue, key: UInt64) -> Bool {
        guard !isFull, seen.insert(key).inserted else { return false }
        issues.append(issue)
        if issue.severity == .error {
            errorCount &+= 1
            if issue.category == IssueCategory.compilationError { compileErrorCount &+= 1 }
        }
        return true
    }

    /// Adds an issue identified by its file, line, message and severity. A message that names no
    /// file is also identified by `context`, where it was printed (a Maven plugin execution, a
    /// Gradle task): the same words from two modules are two issues, the same words
    /// printed twice by one execution are one.
    @discardableResult
    mutating func add(_ issue: Issue, context: UInt64 = 0) -> Bool {
        var hasher = Fingerprint()
        hasher.add(issue.file ?? "")
        hasher.add(issue.line ?? -1)
        hasher.add(issue.message)
        hasher.add(issue.severity == .error ? 1 : 2)
        if issue.file == nil, context != 0 { hasher.add(Int(truncatingIfNeeded: context)) }
        return add(issue, key: hasher.value)
    }
}

/// A compiler diagnostic being read: its first line, then its continuation (javac's source and
/// caret lines are skipped; `symbol:`/`location:` and other detail lines join the message).
struct JVMPendingDiagnostic {
    enum Phase { case source, caret, details }

    static let fileLimit = 1024
    static let messageLimit = 2048
    static let maximumDetailLines = 16

    private(set) var active = false
    private(set) var shape: JVMDiagnosticMatch.Shape = .bracketed
    private(set) var phase: Phase = .details
    private var file = JVMTextBuffer(limit: fileLimit)
    private var message = JVMTextBuffer(limit: messageLimit)
    private var headLength = 0
    private var line: Int?
    private var column: Int?
    private var severity: Issue.Severity = .error
    private var javadocTool = false
    private var errorCategory = IssueCategory.compilationError
    private var detailLines = 0
    /// Whether the continuation lines are part of the identity (when no column tells apart two
    /// diagnostics of one line); else a repeat is recognised at its first line and nothing of it
    /// is copied (Maven prints every compile error twice).
    private var detailsInKey = false
    private var duplicate = false

    static func key(file: UnsafeBufferPointer<UInt8>, line: Int?, column: Int?, message: UnsafeBufferPointer<UInt8>,
                    severity: Issue.Severity) -> UInt64 {
        var hasher = Fingerprint()
        hasher.add(file)
        hasher.add(line ?? -1)
        hasher.add(column ?? -1)
        hasher.add(message)
        hasher.add(severity == .error ? 1 : 2)
        return hasher.value
    }

    mutating func start(_ text: JVMLine, _ match: JVMDiagnosticMatch, severity: Issue.Severity, javadocTool: Bool,
                        errorCategory: String = IssueCategory.compilationError, detailsInKey: Bool, sink: JVMIssueSink) {
        active = true
        shape = match.shape
        phase = match.shape == .javac ? .source : .details
        line = match.line
        column = match.column
        self.severity = severity
        self.javadocTool = javadocTool
        self.errorCategory = errorCategory
        self.detailsInKey = detailsInKey
        detailLines = 0
        duplicate = sink.isFull
        if !detailsInKey, !duplicate {
            let fileStart = min(max(match.fileStart, 0), text.count)
            let fileEnd = min(max(match.fileEnd, fileStart), text.count, fileStart + Self.fileLimit)
            let messageStart = min(max(match.messageStart, 0), text.count)
            let messageEnd = min(max(match.messageEnd, messageStart), text.count, messageStart + Self.messageLimit)
            let key = Self.key(file: UnsafeBufferPointer(rebasing: text[fileStart..<fileEnd]), line: line, column: column,
                               message: UnsafeBufferPointer(rebasing: text[messageStart..<messageEnd]), severity: severity)
            duplicate = sink.contains(key)
        }
        guard !duplicate else { return }
        file.reset()
        file.append(text, match.fileStart, match.fileEnd)
        message.reset()
        message.append(text, match.messageStart, match.messageEnd)
        headLength = message.count
    }

    /// Offers a line that follows the diagnostic (from `from` on, after any Maven prefix);
    /// returns whether it belongs to the diagnostic. `indentedOnly`: only indented lines may
    /// continue a bracketed diagnostic (Maven's `[ERROR]`-prefixed repeat).
    mutating func offer(_ text: JVMLine, from: Int, indentedOnly: Bool) -> Bool {
        guard active else { return false }
        let start = ByteScan.skipSpaces(text, from: from)
        if start >= text.count { return false }
        let indented = start > from
        switch phase {
        case .source:
            phase = .caret
            return true
        case .caret:
            phase = .details
            if JVMDiagnostics.isCaretLine(text, from: from) { return true }
        case .details:
            break
        }
        switch shape {
        case .kotlin: return false
        case .javac: guard indented else { return false }
        case .bracketed: guard indented || !indentedOnly else { return false }
        }
        if !duplicate, detailLines < Self.maximumDetailLines {
            message.append(byte: 0x0A)
            message.append(text, start, ByteScan.trimEnd(text, from: start, to: text.count))
        }
        detailLines &+= 1
        return true
    }

    /// Reports the diagnostic (unless an equal one was reported) and clears it.
    mutating func commit(into sink: inout JVMIssueSink) {
        guard active else { return }
        active = false
        guard !duplicate, !sink.isFull else { return }
        let keyLength = detailsInKey ? message.count : min(headLength, message.count)
        let key = file.withBytes { fileBytes in
            message.withBytes { messageBytes in
                Self.key(file: fileBytes, line: line, column: column,
                         message: UnsafeBufferPointer(rebasing: messageBytes[0..<keyLength]), severity: severity)
            }
        }
        guard !sink.contains(key) else { return }
        var text = message.string
        if text.hasPrefix("error: ") { text.removeFirst(7) }
        if text.hasPrefix("warning: ") { text.removeFirst(9) }
        let head = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? text
        let category = severity == .error ? errorCategory : JVMDiagnostics.warningCategory(head, javadocTool: javadocTool)
        let path = file.string
        sink.add(Issue(file: path.isEmpty ? nil : path, line: line, message: text, severity: severity, category: category),
                 key: key)
    }
}

/// Failing tests, one record per test (class and method), merged from every place a log names
/// them (surefire's detail block and its summary; Gradle's `Class > method FAILED` block).
struct JVMTestFailures {
    struct Record {
        var className: String
        var method: String
        var file: String?
        var line: Int?
        /// The line came from the test method's own frame (better than any other source).
        var lineFromMethodFrame = false
        var message: String?
        var summary: String?
    }

    static let maximumRecords = 10_000
    private(set) var records: [Record] = []
    private var index: [UInt64: Int] = [:]

    var isEmpty: Bool { records.isEmpty }
    var isFull: Bool { records.count >= Self.maximumRecords }

    static func simpleName(_ className: String) -> String {
        guard let dot = className.lastIndex(of: ".") else { return className }
        return String(className[className.index(after: dot)...])
    }

    static func key(className: String, method: String) -> UInt64 {
        var hasher = Fingerprint()
        hasher.add(simpleName(className))
        hasher.add(method)
        return hasher.value
    }

    /// Changes the record of the test, created when new (not when the table is full).
    mutating func update(className: String, method: String, _ change: (inout Record) -> Void) {
        let key = Self.key(className: className, method: method)
        if let at = index[key], records.indices.contains(at) {
            if className.contains("."), !records[at].className.contains(".") { records[at].className = className }
            change(&records[at])
            return
        }
        guard records.count < Self.maximumRecords else { return }
        var record = Record(className: className, method: method)
        change(&record)
        index[key] = records.count
        records.append(record)
    }

    /// `demo.sub.ATest` → `demo/sub/` (empty for a class without a package).
    static func packagePath(_ qualified: String) -> String {
        guard let dot = qualified.lastIndex(of: ".") else { return "" }
        return String(qualified[..<dot].map { $0 == "." ? "/" : $0 }) + "/"
    }

    /// One `test_failure` issue per test: `CalcTest.bad: expected:<1> but was:<2>`.
    func issues(qualify: (String) -> String?) -> [Issue] {
        records.map { record in
            let simple = Self.simpleName(record.className)
            var qualified = record.className
            if !qualified.contains("."), let known = qualify(simple) { qualified = known }
            var file = record.file
            let package = Self.packagePath(qualified)
            if let name = file, !name.contains("/") { file = package + name }
            if file == nil, !simple.isEmpty {
                let outer = simple.split(separator: "$", maxSplits: 1).first.map(String.init) ?? simple
                file = package + outer + ".java"
            }
            var detail = record.message ?? record.summary ?? "failed"
            for prefix in ["java.lang.AssertionError: ", "junit.framework.AssertionFailedError: "] where detail.hasPrefix(prefix) {
                detail.removeFirst(prefix.count)
            }
            return Issue(file: file, line: record.line, message: "\(simple).\(record.method): \(detail)",
                         severity: .error, category: IssueCategory.testFailure)
        }
    }
}

/// Reads the lines under a failing test (the exception, its message, its stack frames) and finds
/// the message and the test's own file and line. Frames are compared on bytes: a String is made
/// only for a frame of the test's own class.
struct JVMTestDetail {
    private(set) var active = false
    /// The block of a test already read (a repeated log): its lines are consumed and ignored.
    private(set) var skipping = false
    private(set) var className = ""
    private(set) var method = ""
    private var classBytes: [UInt8] = []
    private var classIsQualified = false
    private var message = JVMTextBuffer(limit: 1024)
    private var messageLines = 0
    private var inTrace = false
    private(set) var file: String?
    private(set) var line: Int?
    private(set) var lineFromMethodFrame = false

    mutating func begin(className: String, method: String) {
        active = true
        skipping = false
        self.className = className
        self.method = method
        classBytes = Array(className.utf8)
        classIsQualified = classBytes.contains(UInt8(ascii: "."))
        message.reset()
        messageLines = 0
        inTrace = false
        file = nil
        line = nil
        lineFromMethodFrame = false
    }

    mutating func beginSkipping() {
        active = true
        skipping = true
    }

    var messageText: String? { message.isEmpty ? nil : message.string }

    mutating func end() { active = false; skipping = false }

    /// One line of the block (from `from` on).
    mutating func feed(_ text: JVMLine, from: Int) {
        guard active, !skipping else { return }
        let start = ByteScan.skipSpaces(text, from: from)
        guard start < text.count else { return }
        if let frame = JVMDiagnostics.frame(UnsafeBufferPointer(rebasing: text[start...])) {
            inTrace = true
            let classStart = start + frame.classStart
            let classEnd = start + frame.classEnd
            guard classMatches(text, classStart, classEnd) else { return }
            let frameMethod = ByteScan.string(text, start + frame.methodStart, start + frame.methodEnd)
            let isMethod = frameMethod == method || method.hasPrefix(frameMethod + "(") || method.hasPrefix(frameMethod + "[")
            if line == nil || (isMethod && !lineFromMethodFrame) {
                line = frame.line
                file = ByteScan.string(text, start + frame.fileStart, start + frame.fileEnd)
                lineFromMethodFrame = isMethod
                if !classIsQualified {
                    let frameClass = ByteScan.string(text, classStart, classEnd)
                    if frameClass.contains(".") {
                        className = frameClass.split(separator: "$", maxSplits: 1).first.map(String.init) ?? frameClass
                    }
                }
            }
            return
        }
        if ByteScan.has(text, "Caused by:", at: start) || (ByteScan.has(text, "...", at: start) && ByteScan.hasSuffix(text, " more")) {
            inTrace = true
            return
        }
        guard !inTrace else { return }
        // Gradle's short form: `java.lang.AssertionError at CalcTest.java:18`.
        let end = ByteScan.trimEnd(text, from: start, to: text.count)
        if messageLines == 0, let at = lastShortAt(text, start, end) {
            let location = UnsafeBufferPointer(rebasing: text[(at + 4)..<end])
            if let colon = ByteScan.findLast(location, byte: UInt8(ascii: ":")), colon > 0,
               let (value, numberEnd) = ByteScan.number(location, at: colon + 1), numberEnd == location.count {
                file = ByteScan.string(location, 0, colon)
                line = value
                lineFromMethodFrame = true
                message.append(text, start, at)
                messageLines = 1
                inTrace = true
                return
            }
        }
        if messageLines < 6 {
            if messageLines > 0 { message.append(byte: 0x0A) }
            message.append(text, start, end)
        }
        messageLines &+= 1
    }

    private func lastShortAt(_ text: JVMLine, _ start: Int, _ end: Int) -> Int? {
        var found: Int?
        var cursor = start
        while let at = ByteScan.find(text, " at ", from: cursor, to: end) {
            found = at
            cursor = at + 4
        }
        return found
    }

    /// The frame's class is the test class, one of its nested or anonymous classes, or (when the
    /// test class is known only by its simple name) a class of that simple name.
    private func classMatches(_ text: JVMLine, _ from: Int, _ to: Int) -> Bool {
        var start = from
        if !classIsQualified, let dot = ByteScan.findLast(text, byte: UInt8(ascii: "."), from: from, to: to) { start = dot + 1 }
        let length = classBytes.count
        guard length > 0, to - start >= length else { return false }
        let same = classBytes.withUnsafeBufferPointer { own in
            zip(own, UnsafeBufferPointer(rebasing: text[start..<(start + length)])).allSatisfy { $0 == $1 }
        }
        guard same else { return false }
        return to - start == length || text[start + length] == UInt8(ascii: "$")
    }
}
extension Optional where Wrapped == TestSummary {
    /// Adds counts to a summary that may not exist yet (no force unwrap, no overflow trap).
    mutating func accumulate(_ counts: TestSummary) {
        if var current = self {
            current += counts
            self = current
        } else {
            self = counts
        }
    }
}
