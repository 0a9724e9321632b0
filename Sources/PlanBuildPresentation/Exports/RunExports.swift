import PlanBuildSupport
import PlanBuildOrchestration

/// Writes the files a run's RunExportPaths name.
public final class RunExports: @unchecked Sendable {
    private let paths: RunExportPaths
    private let projectRoot: String
    private var eventsDescriptor: Int32 = -1
    private var started: Int?
    /// Which run of several into one events file (the rounds of `planbuild watch`): set, every
    /// line carries it as `"run"`.
    public var run: Int?

    /// Opens the events file at once (truncated) and checks that the trace, JUnit and SARIF files
    /// can be written, so that a path that cannot be written fails before any build runs.
    /// Relative paths are taken from the caller's working directory.
    public init(_ paths: RunExportPaths, projectRoot: String) throws(PlanBuildError) {
        self.paths = paths
        self.projectRoot = FileSystem.absolute(projectRoot)
        for path in [paths.trace, paths.junit, paths.sarif].compactMap({ $0 }) {
            do {
                try FileSystem.checkReplaceable(path)
            } catch {
                throw PlanBuildError(.exportFailed, "cannot write \(path): \(error.reason)")
            }
        }
        if let events = paths.events {
            if events == "-" {
                eventsDescriptor = 2
            } else {
                do {
                    eventsDescriptor = try SystemCall.checked(events) { open(events, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644) }
                } catch {
                    throw PlanBuildError(.exportFailed, "cannot write \(events): \(error.reason)")
                }
            }
        }
    }

    deinit {
        if eventsDescriptor > 2 { close(eventsDescriptor) }
    }

    /// Writes one event line with write(2): nothing is buffered, so `tail -f` sees each at once.
    /// A write that fails (a full disk) is not the run's failure: the stream just stops.
    public func observe(_ event: ProgressEvent, handle: Int? = nil) {
        guard eventsDescriptor >= 0 else { return }
        let now = MonotonicClock.milliseconds()
        if started == nil { started = now }
        var line = event.jsonLine(monotonicMilliseconds: now - started!, handle: handle, run: run)
        let written = line.withUTF8 { bytes in
            (try? SystemCall.writeAll(eventsDescriptor, UnsafeRawBufferPointer(bytes), path: paths.events ?? "-")) != nil
        }
        if !written {
            if eventsDescriptor > 2 { close(eventsDescriptor) }
            eventsDescriptor = -1
        }
    }

    /// Writes the trace, JUnit and SARIF files of the finished run; each is replaced whole
    /// (written beside and renamed), so a reader never sees half a file.
    public func finish(_ report: RunReport) throws(PlanBuildError) {
        if eventsDescriptor > 2 { close(eventsDescriptor) }
        eventsDescriptor = -1
        if let trace = paths.trace { try Self.write(JSONWriter.write(.object(report.traceEvents), indent: 1) + "\n", to: trace) }
        if let junit = paths.junit { try Self.write(report.junitXML, to: junit) }
        if let sarif = paths.sarif {
            try Self.write(JSONWriter.write(.object(report.sarif(projectRoot: projectRoot)), indent: 2) + "\n", to: sarif)
        }
    }

    private static func write(_ text: String, to path: String) throws(PlanBuildError) {
        do {
            try FileSystem.writeAtomically(Array(text.utf8), to: path)
        } catch {
            throw PlanBuildError(.exportFailed, "cannot write \(path): \(error.reason)")
        }
    }
}
