import PlanBuildCore

/// Shows orchestration progress on standard error: on a terminal one line per running build
/// plus a summary line, redrawn in place; otherwise one plain line per event.
final class ProgressDisplay {
    private let live: Bool
    private var running: [(module: String, started: Double)] = []
    private var summary = ""
    private var drawnLines = 0

    init(live: Bool) { self.live = live }

    func show(_ event: JSONObject) {
        let kind = event["event"]?.stringValue ?? ""
        let module = event["module"]?.stringValue ?? ""
        let elapsed = event["elapsed_seconds"]?.doubleValue ?? 0
        switch kind {
        case "run_started":
            let jobs = event["jobs"]?.intValue.map(String.init) ?? "unlimited"
            emit("orchestrating \(event["command"]?.stringValue ?? "") over \(event["total"]?.intValue ?? 0) modules (jobs \(jobs))")
        case "build_started":
            running.append((module, elapsed))
            if !live { emit("started  \(module)") }
        case "build_finished":
            running.removeAll { $0.module == module }
            let status = event["status"]?.stringValue ?? ""
            emit("\(status == "success" ? "done    " : status.uppercased().padding(8)) \(module)  \(status)  \(event["duration_seconds"]?.intValue ?? 0)s  errors \(event["errors"]?.intValue ?? 0)")
        case "build_skipped":
            emit("skipped  \(module)  \(event["reason"]?.stringValue ?? "")")
        case "progress":
            let eta = event["eta_seconds"]?.doubleValue.map { " · about \(Int($0.rounded()))s left" } ?? ""
            summary = "[\(event["completed"]?.intValue ?? 0)/\(event["total"]?.intValue ?? 0)] \(event["percent"]?.doubleValue ?? 0)% · running \(event["running"]?.intValue ?? 0) · failed \(event["failed"]?.intValue ?? 0) · \(Int(elapsed))s\(eta)"
            if !live { emit(summary) }
        default:
            break
        }
        if live { redraw(now: elapsed) }
    }

    func finish() {
        if live { clear() }
    }

    /// A finished line is printed above the live block, which is then drawn again below it.
    private func emit(_ line: String) {
        if live { clear() }
        printError(line)
        drawnLines = 0
    }

    private func clear() {
        guard drawnLines > 0 else { return }
        var text = ""
        for _ in 0..<drawnLines { text += "\u{1B}[1A\u{1B}[2K" }
        writeError(text)
        drawnLines = 0
    }

    private func redraw(now: Double) {
        clear()
        var lines = running.map { "  ⏳ \($0.module)  \(Int(max(0, now - $0.started)))s" }
        if !summary.isEmpty { lines.append(summary) }
        for line in lines { printError(line) }
        drawnLines = lines.count
    }
}

func writeError(_ text: String) {
    var copy = text
    copy.withUTF8 { _ = fwriteBytes($0) }
}

extension String {
    func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
